/* taube-imap-bodystructure.c — the BODY/BODYSTRUCTURE FETCH item as a tree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 9051 §7.5.2 and the body rules of §9: a multipart body is its parts followed by
 * the subtype; any other body is type, subtype, parameters, id, description, encoding
 * and size, then envelope, body and lines for message/rfc822, lines for text parts, then
 * optional extension data (MD5 or multipart parameters, disposition, language,
 * location).  Servers get this wrong in known ways: NIL for strings, numbers as
 * strings, message/rfc822 parts without their envelope, a missing line count or
 * subtype.  Those are accepted; a body that is not a list of at least seven fields is not.
 */
#define G_LOG_DOMAIN "taube-imap"

#include "taube-imap-bodystructure.h"

#include "taube-imap-error.h"

#include <string.h>

/* Multipart and message/rfc822 nest; the parser's depth limit bounds the value tree,
 * this bounds the recursion here independently of it. */
#define MAX_BODY_DEPTH 100

static gboolean parse_body (const TaubeImapValue    *value,
                            guint                    depth,
                            TaubeImapBodystructure **out,
                            GError                 **error);

/**
 * taube_imap_bodystructure_free:
 * @body: (nullable): a body structure
 */
void
taube_imap_bodystructure_free (TaubeImapBodystructure *body)
{
  if (body == NULL)
    return;
  g_free (body->type);
  g_free (body->subtype);
  g_strfreev (body->params);
  g_free (body->id);
  g_free (body->description);
  g_free (body->encoding);
  taube_imap_envelope_free (body->envelope);
  g_ptr_array_unref (body->parts);
  g_free (body->md5);
  g_free (body->disposition);
  g_strfreev (body->disposition_params);
  g_strfreev (body->languages);
  g_free (body->location);
  g_free (body->section);
  g_free (body);
}

static TaubeImapBodystructure *
body_new (void)
{
  TaubeImapBodystructure *body = g_new0 (TaubeImapBodystructure, 1);

  body->parts = g_ptr_array_new_with_free_func ((GDestroyNotify) taube_imap_bodystructure_free);
  return body;
}

static gboolean
malformed (GError    **error,
           const char *what)
{
  g_set_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL,
               "Malformed IMAP BODYSTRUCTURE: %s", what);
  return FALSE;
}

static char *
dup_nstring (const TaubeImapValue *value)
{
  gsize len = 0;
  const char *text = taube_imap_value_get_nstring (value, &len);

  return text != NULL ? g_strndup (text, len) : NULL;
}

static char *
dup_lower (const TaubeImapValue *value,
           const char           *fallback)
{
  g_autofree char *text = dup_nstring (value);

  if (text == NULL || text[0] == '\0')
    return g_strdup (fallback);
  return g_ascii_strdown (text, -1);
}

/* body-fld-octets and body-fld-lines are numbers; some servers quote them. */
static guint64
get_count (const TaubeImapValue *value)
{
  const char *text = taube_imap_value_get_string (value, NULL);
  guint64 n = 0;

  if (taube_imap_value_get_number (value, &n))
    return n;
  if (text != NULL && g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &n, NULL))
    return n;
  return 0;
}

static gboolean
is_count (const TaubeImapValue *value)
{
  const char *text = taube_imap_value_get_string (value, NULL);

  return taube_imap_value_get_number (value, NULL) ||
         (text != NULL && g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, NULL, NULL));
}

/* body-fld-param = "(" string SP string *(SP string SP string) ")" / nil */
static char **
parse_params (const TaubeImapValue *value)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  guint n = taube_imap_value_get_length (value);

  if (!taube_imap_value_is_list (value) || n < 2)
    return NULL;
  builder = g_strv_builder_new ();
  for (guint i = 0; i + 1 < n; i += 2)
    {
      g_autofree char *name = dup_nstring (taube_imap_value_get_item (value, i));
      g_autofree char *text = dup_nstring (taube_imap_value_get_item (value, i + 1));

      if (name == NULL)
        continue;
      g_strv_builder_add (builder, name);
      g_strv_builder_add (builder, text != NULL ? text : "");
    }
  return g_strv_builder_end (builder);
}

static const char *
lookup_param (char *const *params,
              const char  *name)
{
  for (gsize i = 0; params != NULL && params[i] != NULL && params[i + 1] != NULL; i += 2)
    if (g_ascii_strcasecmp (params[i], name) == 0)
      return params[i + 1];
  return NULL;
}

/* body-fld-lang = nstring / "(" string *(SP string) ")" */
static char **
parse_languages (const TaubeImapValue *value)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *single = dup_nstring (value);
  guint n = 0;

  if (single != NULL)
    {
      g_strv_builder_add (builder, single);
      n++;
    }
  for (guint i = 0; i < taube_imap_value_get_length (value); i++)
    {
      g_autofree char *tag = dup_nstring (taube_imap_value_get_item (value, i));

      if (tag != NULL)
        {
          g_strv_builder_add (builder, tag);
          n++;
        }
    }
  return n > 0 ? g_strv_builder_end (builder) : NULL;
}

/* body-fld-dsp = "(" string SP body-fld-param ")" / nil; a bare string is tolerated. */
static void
parse_disposition (TaubeImapBodystructure *body,
                   const TaubeImapValue   *value)
{
  if (taube_imap_value_is_list (value))
    {
      body->disposition = dup_lower (taube_imap_value_get_item (value, 0), NULL);
      body->disposition_params = parse_params (taube_imap_value_get_item (value, 1));
    }
  else
    body->disposition = dup_lower (value, NULL);
}

/* The extension fields after MD5 (single part) or parameters (multipart) are the same. */
static void
parse_common_extensions (TaubeImapBodystructure *body,
                         const TaubeImapValue   *value,
                         guint                   first)
{
  if (first < taube_imap_value_get_length (value))
    parse_disposition (body, taube_imap_value_get_item (value, first));
  if (first + 1 < taube_imap_value_get_length (value))
    body->languages = parse_languages (taube_imap_value_get_item (value, first + 1));
  if (first + 2 < taube_imap_value_get_length (value))
    body->location = dup_nstring (taube_imap_value_get_item (value, first + 2));
}

static gboolean
parse_multipart (const TaubeImapValue    *value,
                 guint                    depth,
                 TaubeImapBodystructure **out,
                 GError                 **error)
{
  g_autoptr(TaubeImapBodystructure) body = body_new ();
  guint i = 0;

  for (; taube_imap_value_is_list (taube_imap_value_get_item (value, i)); i++)
    {
      TaubeImapBodystructure *part = NULL;

      if (!parse_body (taube_imap_value_get_item (value, i), depth + 1, &part, error))
        return FALSE;
      g_ptr_array_add (body->parts, part);
    }
  body->type = g_strdup ("multipart");
  body->subtype = dup_lower (taube_imap_value_get_item (value, i), "mixed");
  body->encoding = g_strdup ("7bit");
  body->params = parse_params (taube_imap_value_get_item (value, i + 1));
  parse_common_extensions (body, value, i + 2);
  *out = g_steal_pointer (&body);
  return TRUE;
}

static gboolean
is_message_type (const TaubeImapBodystructure *body)
{
  return strcmp (body->type, "message") == 0 &&
         (strcmp (body->subtype, "rfc822") == 0 || strcmp (body->subtype, "global") == 0);
}

/* body-type-msg: envelope SP body SP body-fld-lines after the common fields.  Parts
 * that lack them (some servers send message/rfc822 like a basic part) stay basic. */
static gboolean
parse_message_fields (TaubeImapBodystructure *body,
                      const TaubeImapValue   *value,
                      guint                   depth,
                      guint                  *next,
                      GError                **error)
{
  const TaubeImapValue *envelope = taube_imap_value_get_item (value, 7);
  const TaubeImapValue *inner = taube_imap_value_get_item (value, 8);
  TaubeImapBodystructure *part = NULL;

  if (!taube_imap_value_is_list (envelope) || !taube_imap_value_is_list (inner))
    return TRUE;
  body->envelope = taube_imap_envelope_new_from_value (envelope, NULL);
  if (body->envelope == NULL)
    g_debug ("Ignoring a malformed ENVELOPE inside a message/rfc822 part");
  if (!parse_body (inner, depth + 1, &part, error))
    return FALSE;
  g_ptr_array_add (body->parts, part);
  body->lines = get_count (taube_imap_value_get_item (value, 9));
  *next = 10;
  return TRUE;
}

/* body-type-text: body-fld-lines; a NIL there is read as 0 rather than as the MD5. */
static void
parse_text_fields (TaubeImapBodystructure *body,
                   const TaubeImapValue   *value,
                   guint                  *next)
{
  const TaubeImapValue *lines = taube_imap_value_get_item (value, 7);

  if (is_count (lines) || taube_imap_value_is_nil (lines))
    {
      body->lines = get_count (lines);
      *next = 8;
    }
}

static void
parse_basic_fields (TaubeImapBodystructure *body,
                    const TaubeImapValue   *value)
{
  body->type = dup_lower (taube_imap_value_get_item (value, 0), "application");
  body->subtype = dup_lower (taube_imap_value_get_item (value, 1),
                             strcmp (body->type, "text") == 0 ? "plain" : "octet-stream");
  body->params = parse_params (taube_imap_value_get_item (value, 2));
  body->id = dup_nstring (taube_imap_value_get_item (value, 3));
  body->description = dup_nstring (taube_imap_value_get_item (value, 4));
  body->encoding = dup_lower (taube_imap_value_get_item (value, 5), "7bit");
  body->size = get_count (taube_imap_value_get_item (value, 6));
}

static gboolean
parse_single (const TaubeImapValue    *value,
              guint                    depth,
              TaubeImapBodystructure **out,
              GError                 **error)
{
  g_autoptr(TaubeImapBodystructure) body = body_new ();
  guint next = 7;

  if (taube_imap_value_get_length (value) < 7)
    return malformed (error, "a body part has fewer than 7 fields");

  parse_basic_fields (body, value);
  if (is_message_type (body))
    {
      if (!parse_message_fields (body, value, depth, &next, error))
        return FALSE;
    }
  else if (strcmp (body->type, "text") == 0)
    parse_text_fields (body, value, &next);

  if (next < taube_imap_value_get_length (value))
    body->md5 = dup_nstring (taube_imap_value_get_item (value, next));
  parse_common_extensions (body, value, next + 1);
  *out = g_steal_pointer (&body);
  return TRUE;
}

static gboolean
parse_body (const TaubeImapValue    *value,
            guint                    depth,
            TaubeImapBodystructure **out,
            GError                 **error)
{
  if (depth > MAX_BODY_DEPTH)
    return malformed (error, "parts nested too deeply");
  if (!taube_imap_value_is_list (value) || taube_imap_value_get_length (value) == 0)
    return malformed (error, "a body is not a non-empty list");
  if (taube_imap_value_is_list (taube_imap_value_get_item (value, 0)))
    return parse_multipart (value, depth, out, error);
  return parse_single (value, depth, out, error);
}

static char *
child_section (const char *parent,
               guint       index)
{
  if (parent[0] == '\0')
    return g_strdup_printf ("%u", index);
  return g_strdup_printf ("%s.%u", parent, index);
}

/* RFC 9051 §6.4.5: parts of a multipart are numbered from 1; a message that is not
 * multipart has only part 1; the body of a message/rfc822 part N is N.1 (or, when
 * multipart, has parts N.1, N.2 ...). */
static void
assign_sections (TaubeImapBodystructure *body,
                 const char             *number,
                 gboolean                message_body)
{
  if (taube_imap_bodystructure_is_multipart (body))
    {
      body->section = g_strdup (number);
      for (guint i = 0; i < body->parts->len; i++)
        {
          g_autofree char *child = child_section (number, i + 1);

          assign_sections (body->parts->pdata[i], child, FALSE);
        }
      return;
    }
  body->section = message_body ? child_section (number, 1) : g_strdup (number);
  if (body->parts->len > 0)
    assign_sections (body->parts->pdata[0], body->section, TRUE);
}

/**
 * taube_imap_bodystructure_new_from_value:
 * @value: the value of a BODY or BODYSTRUCTURE FETCH item
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the top-level body, or %NULL with
 *   %TAUBE_IMAP_ERROR_PROTOCOL
 */
TaubeImapBodystructure *
taube_imap_bodystructure_new_from_value (const TaubeImapValue  *value,
                                         GError               **error)
{
  TaubeImapBodystructure *body = NULL;

  if (!parse_body (value, 0, &body, error))
    return NULL;
  assign_sections (body, "", TRUE);
  return body;
}

/**
 * taube_imap_bodystructure_is_multipart:
 * @body: a body structure
 *
 * Returns: whether @body is a multipart/ part
 */
gboolean
taube_imap_bodystructure_is_multipart (const TaubeImapBodystructure *body)
{
  g_return_val_if_fail (body != NULL, FALSE);

  return strcmp (body->type, "multipart") == 0;
}

/**
 * taube_imap_bodystructure_get_param:
 * @body: a body structure
 * @name: a Content-Type parameter name, compared ignoring ASCII case
 *
 * Returns: (nullable): the parameter's value, e.g. for "charset" or "boundary"
 */
const char *
taube_imap_bodystructure_get_param (const TaubeImapBodystructure *body,
                                    const char                   *name)
{
  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return lookup_param (body->params, name);
}

/**
 * taube_imap_bodystructure_get_disposition_param:
 * @body: a body structure
 * @name: a Content-Disposition parameter name, compared ignoring ASCII case
 *
 * Returns: (nullable): the parameter's value, e.g. for "filename"
 */
const char *
taube_imap_bodystructure_get_disposition_param (const TaubeImapBodystructure *body,
                                                const char                   *name)
{
  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return lookup_param (body->disposition_params, name);
}

/**
 * taube_imap_bodystructure_find_section:
 * @body: a body structure
 * @section: a part specifier such as "2.1"
 *
 * Returns: (nullable): the part with that specifier in @body's tree.  For a
 *   message/rfc822 part whose body is multipart, both share the number; the
 *   message/rfc822 part is returned.
 */
const TaubeImapBodystructure *
taube_imap_bodystructure_find_section (const TaubeImapBodystructure *body,
                                       const char                   *section)
{
  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (section != NULL, NULL);

  if (strcmp (body->section, section) == 0)
    return body;
  for (guint i = 0; i < body->parts->len; i++)
    {
      const TaubeImapBodystructure *found =
        taube_imap_bodystructure_find_section (body->parts->pdata[i], section);

      if (found != NULL)
        return found;
    }
  return NULL;
}
