/* taube-imap-value.c — one node of a parsed IMAP response
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 9051 §4 names the data formats a response is built from: atoms, numbers, strings
 * (quoted or literal), NIL and parenthesised lists.  FETCH adds one more shape, an item
 * name with a bracketed section and an optional partial origin (§6.4.5, §7.5.2), which is
 * kept structured so that callers need not re-parse "BODY[1.2.MIME]<0>".  Values are
 * owned by their TaubeImapResponse and are read-only to everyone but the parser.
 */
#define G_LOG_DOMAIN "taube-imap"

#include "taube-imap-value-private.h"

#include <string.h>

static TaubeImapValue *
value_alloc (TaubeImapValueKind kind,
             gsize              len)
{
  TaubeImapValue *value = g_malloc0 (sizeof *value + len + 1);

  value->kind = kind;
  value->len = len;
  value->data = value->inline_data;
  return value;
}

TaubeImapValue *
_taube_imap_value_new_scalar (TaubeImapValueKind  kind,
                              const char         *bytes,
                              gsize               len)
{
  TaubeImapValue *value = value_alloc (kind, len);

  if (len > 0)
    memcpy (value->data, bytes, len);
  return value;
}

TaubeImapValue *
_taube_imap_value_new_number (const char *digits,
                              gsize       len,
                              guint64     number)
{
  TaubeImapValue *value = _taube_imap_value_new_scalar (TAUBE_IMAP_VALUE_NUMBER, digits, len);

  value->number = number;
  return value;
}

/* A string whose bytes the caller fills in, as a literal arrives. */
TaubeImapValue *
_taube_imap_value_new_string (gsize len)
{
  return value_alloc (TAUBE_IMAP_VALUE_STRING, len);
}

TaubeImapValue *
_taube_imap_value_new_list (void)
{
  TaubeImapValue *value = value_alloc (TAUBE_IMAP_VALUE_LIST, 0);

  value->children = g_ptr_array_new ();
  return value;
}

TaubeImapValue *
_taube_imap_value_new_section (const char *name,
                               gsize       len)
{
  TaubeImapValue *value = _taube_imap_value_new_scalar (TAUBE_IMAP_VALUE_SECTION, name, len);

  value->children = g_ptr_array_new ();
  return value;
}

TaubeImapValue *
_taube_imap_value_new_streamed (guint64 size)
{
  TaubeImapValue *value = value_alloc (TAUBE_IMAP_VALUE_LITERAL_STREAMED, 0);

  value->number = size;
  return value;
}

/* Called once the closing "]" is seen: the section's items become its spec text. */
void
_taube_imap_value_close_section (TaubeImapValue *section)
{
  g_autoptr(GString) spec = g_string_new (NULL);

  g_assert (section->kind == TAUBE_IMAP_VALUE_SECTION);

  for (guint i = 0; i < section->children->len; i++)
    {
      if (i > 0)
        g_string_append_c (spec, ' ');
      _taube_imap_value_append_to (section->children->pdata[i], spec);
    }
  g_free (section->spec);
  section->spec = g_string_free (g_steal_pointer (&spec), FALSE);
}

void
_taube_imap_value_append (TaubeImapValue *container,
                          TaubeImapValue *child)
{
  g_assert (container->children != NULL);
  g_ptr_array_add (container->children, child);
}

TaubeImapValue *
_taube_imap_value_get_last (const TaubeImapValue *container)
{
  if (container->children == NULL || container->children->len == 0)
    return NULL;
  return container->children->pdata[container->children->len - 1];
}

static void
value_free_one (TaubeImapValue *value)
{
  if (value->children != NULL)
    g_ptr_array_unref (value->children);
  g_free (value->spec);
  g_free (value);
}

/* Iterative, so that freeing never recurses as deep as the tree is nested. */
void
_taube_imap_value_free (TaubeImapValue *value)
{
  g_autoptr(GPtrArray) pending = NULL;

  if (value == NULL)
    return;
  if (value->children == NULL || value->children->len == 0)
    {
      value_free_one (value);
      return;
    }

  pending = g_ptr_array_new ();
  g_ptr_array_add (pending, value);
  while (pending->len > 0)
    {
      TaubeImapValue *next = g_ptr_array_steal_index_fast (pending, pending->len - 1);

      if (next->children != NULL)
        g_ptr_array_extend (pending, next->children, NULL, NULL);
      value_free_one (next);
    }
}

/**
 * taube_imap_value_get_kind:
 * @value: a value
 *
 * Returns: what kind of value this is
 */
TaubeImapValueKind
taube_imap_value_get_kind (const TaubeImapValue *value)
{
  g_return_val_if_fail (value != NULL, TAUBE_IMAP_VALUE_NIL);

  return value->kind;
}

/**
 * taube_imap_value_get_atom:
 * @value: (nullable): a value
 *
 * Returns: (nullable): the text of an atom, or %NULL for every other kind
 */
const char *
taube_imap_value_get_atom (const TaubeImapValue *value)
{
  if (value == NULL || value->kind != TAUBE_IMAP_VALUE_ATOM)
    return NULL;
  return value->data;
}

/**
 * taube_imap_value_is_atom:
 * @value: (nullable): a value
 * @name: the atom to compare with, ignoring ASCII case
 *
 * Atoms are case-insensitive in IMAP (RFC 9051 §9, note 3), so this is the way to test
 * for a keyword such as "FLAGS" or a flag such as "\Seen".
 *
 * Returns: whether @value is the atom @name
 */
gboolean
taube_imap_value_is_atom (const TaubeImapValue *value,
                          const char           *name)
{
  g_return_val_if_fail (name != NULL, FALSE);

  return value != NULL && value->kind == TAUBE_IMAP_VALUE_ATOM &&
         g_ascii_strcasecmp (value->data, name) == 0;
}

/**
 * taube_imap_value_get_number:
 * @value: (nullable): a value
 * @number: (out) (optional): where to store the number
 *
 * Returns: whether @value is a number
 */
gboolean
taube_imap_value_get_number (const TaubeImapValue *value,
                             guint64              *number)
{
  if (value == NULL || value->kind != TAUBE_IMAP_VALUE_NUMBER)
    return FALSE;
  if (number != NULL)
    *number = value->number;
  return TRUE;
}

/**
 * taube_imap_value_get_string:
 * @value: (nullable): a value
 * @length: (out) (optional): where to store the length in bytes
 *
 * The bytes are NUL-terminated for convenience but may contain NUL themselves, so use
 * @length for anything that may be binary.
 *
 * Returns: (nullable): the bytes of a quoted string or literal, or %NULL
 */
const char *
taube_imap_value_get_string (const TaubeImapValue *value,
                             gsize                *length)
{
  if (value == NULL || value->kind != TAUBE_IMAP_VALUE_STRING)
    return NULL;
  if (length != NULL)
    *length = value->len;
  return value->data;
}

/**
 * taube_imap_value_get_astring:
 * @value: (nullable): a value
 * @length: (out) (optional): where to store the length in bytes
 *
 * An astring (RFC 9051 §9) is an atom or a string; a mailbox called "2024" or "NIL" may
 * arrive as a bare word, so numbers and NIL give their text here too.
 *
 * Returns: (nullable): the text, or %NULL for lists, sections and streamed literals
 */
const char *
taube_imap_value_get_astring (const TaubeImapValue *value,
                              gsize                *length)
{
  if (value == NULL)
    return NULL;

  switch (value->kind)
    {
    case TAUBE_IMAP_VALUE_NIL:
      if (length != NULL)
        *length = 3;
      return "NIL";
    case TAUBE_IMAP_VALUE_ATOM:
    case TAUBE_IMAP_VALUE_NUMBER:
    case TAUBE_IMAP_VALUE_STRING:
      if (length != NULL)
        *length = value->len;
      return value->data;
    case TAUBE_IMAP_VALUE_LIST:
    case TAUBE_IMAP_VALUE_SECTION:
    case TAUBE_IMAP_VALUE_LITERAL_STREAMED:
    default:
      return NULL;
    }
}

/**
 * taube_imap_value_get_nstring:
 * @value: (nullable): a value
 * @length: (out) (optional): where to store the length in bytes
 *
 * An nstring (RFC 9051 §9) is a string or NIL.  Servers are known to send atoms and
 * numbers where a string belongs, so those are accepted as well.
 *
 * Returns: (nullable): the text, or %NULL for NIL and for anything that is not text
 */
const char *
taube_imap_value_get_nstring (const TaubeImapValue *value,
                              gsize                *length)
{
  if (value == NULL || value->kind == TAUBE_IMAP_VALUE_NIL)
    return NULL;
  return taube_imap_value_get_astring (value, length);
}

/**
 * taube_imap_value_is_nil:
 * @value: (nullable): a value
 *
 * Returns: whether @value is NIL
 */
gboolean
taube_imap_value_is_nil (const TaubeImapValue *value)
{
  return value != NULL && value->kind == TAUBE_IMAP_VALUE_NIL;
}

/**
 * taube_imap_value_is_list:
 * @value: (nullable): a value
 *
 * Returns: whether @value is a parenthesised list
 */
gboolean
taube_imap_value_is_list (const TaubeImapValue *value)
{
  return value != NULL && value->kind == TAUBE_IMAP_VALUE_LIST;
}

/**
 * taube_imap_value_get_length:
 * @value: (nullable): a value
 *
 * Returns: the number of items of a list or section, 0 for everything else
 */
guint
taube_imap_value_get_length (const TaubeImapValue *value)
{
  if (value == NULL || value->children == NULL)
    return 0;
  return value->children->len;
}

/**
 * taube_imap_value_get_item:
 * @value: (nullable): a list or section
 * @index: the position, from 0
 *
 * Returns: (nullable): the item, or %NULL when @index is out of range or @value has no items
 */
const TaubeImapValue *
taube_imap_value_get_item (const TaubeImapValue *value,
                           guint                 index)
{
  if (index >= taube_imap_value_get_length (value))
    return NULL;
  return value->children->pdata[index];
}

static gboolean
origin_matches (const TaubeImapValue *value,
                const char           *rest)
{
  char buf[32];

  if (*rest == '\0')
    return TRUE;
  if (!value->has_origin)
    return FALSE;
  g_snprintf (buf, sizeof buf, "<%" G_GUINT64_FORMAT ">", value->number);
  return strcmp (rest, buf) == 0;
}

static gboolean
section_matches (const TaubeImapValue *value,
                 const char           *key)
{
  gsize name_len = value->len;
  gsize spec_len = strlen (value->spec != NULL ? value->spec : "");

  if (g_ascii_strncasecmp (key, value->data, name_len) != 0 || key[name_len] != '[')
    return FALSE;
  key += name_len + 1;
  if (g_ascii_strncasecmp (key, value->spec != NULL ? value->spec : "", spec_len) != 0 ||
      key[spec_len] != ']')
    return FALSE;
  return origin_matches (value, key + spec_len + 1);
}

/**
 * taube_imap_value_matches_key:
 * @value: (nullable): an atom or section
 * @key: an item name such as "UID" or "BODY[HEADER.FIELDS (From)]"
 *
 * Compares ignoring ASCII case.  For a section, the "<origin>" part may be left out of
 * @key to match any origin.
 *
 * Returns: whether @value names the item @key
 */
gboolean
taube_imap_value_matches_key (const TaubeImapValue *value,
                              const char           *key)
{
  g_return_val_if_fail (key != NULL, FALSE);

  if (value == NULL)
    return FALSE;
  if (value->kind == TAUBE_IMAP_VALUE_SECTION)
    return section_matches (value, key);
  return taube_imap_value_is_atom (value, key);
}

/**
 * taube_imap_value_lookup:
 * @list: (nullable): a list of name/value pairs, such as FETCH's or STATUS's
 * @key: the item name, see taube_imap_value_matches_key()
 *
 * RFC 9051 §7.5.2 and §7.3.3 send data as "name value" pairs; this walks the pairs
 * and returns the value of the first whose name matches.
 *
 * Returns: (nullable): the value after @key, or %NULL
 */
const TaubeImapValue *
taube_imap_value_lookup (const TaubeImapValue *list,
                         const char           *key)
{
  guint n = taube_imap_value_get_length (list);

  g_return_val_if_fail (key != NULL, NULL);

  for (guint i = 0; i + 1 < n; i += 2)
    if (taube_imap_value_matches_key (list->children->pdata[i], key))
      return list->children->pdata[i + 1];
  return NULL;
}

/**
 * taube_imap_value_get_section_name:
 * @value: (nullable): a value
 *
 * Returns: (nullable): "BODY" for BODY[1.2]<0>, or %NULL if @value is not a section
 */
const char *
taube_imap_value_get_section_name (const TaubeImapValue *value)
{
  if (value == NULL || value->kind != TAUBE_IMAP_VALUE_SECTION)
    return NULL;
  return value->data;
}

/**
 * taube_imap_value_get_section_spec:
 * @value: (nullable): a value
 *
 * The items between the brackets, written back as text with single spaces, e.g.
 * "HEADER.FIELDS (From Subject)"; "" for BODY[].  Use taube_imap_value_get_item() for
 * the items themselves.
 *
 * Returns: (nullable): the section text, or %NULL if @value is not a section
 */
const char *
taube_imap_value_get_section_spec (const TaubeImapValue *value)
{
  if (value == NULL || value->kind != TAUBE_IMAP_VALUE_SECTION)
    return NULL;
  return value->spec != NULL ? value->spec : "";
}

/**
 * taube_imap_value_get_section_origin:
 * @value: (nullable): a value
 * @origin: (out) (optional): where to store the partial origin
 *
 * Returns: whether @value is a section with a "<origin>" suffix (RFC 9051 §7.5.2)
 */
gboolean
taube_imap_value_get_section_origin (const TaubeImapValue *value,
                                     guint64              *origin)
{
  if (value == NULL || value->kind != TAUBE_IMAP_VALUE_SECTION || !value->has_origin)
    return FALSE;
  if (origin != NULL)
    *origin = value->number;
  return TRUE;
}

/**
 * taube_imap_value_get_streamed_size:
 * @value: (nullable): a value
 *
 * Returns: the size of a literal that was streamed to the callbacks, or 0
 */
guint64
taube_imap_value_get_streamed_size (const TaubeImapValue *value)
{
  if (value == NULL || value->kind != TAUBE_IMAP_VALUE_LITERAL_STREAMED)
    return 0;
  return value->number;
}

static void
append_quoted (GString    *out,
               const char *bytes,
               gsize       len)
{
  g_string_append_c (out, '"');
  for (gsize i = 0; i < len; i++)
    {
      guchar c = bytes[i];

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_c (out, c);
    }
  g_string_append_c (out, '"');
}

static void
append_children (const TaubeImapValue *value,
                 GString              *out)
{
  for (guint i = 0; i < value->children->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ' ');
      _taube_imap_value_append_to (value->children->pdata[i], out);
    }
}

/* Recursion here is bounded by the parser's depth limit. */
void
_taube_imap_value_append_to (const TaubeImapValue *value,
                             GString              *out)
{
  switch (value->kind)
    {
    case TAUBE_IMAP_VALUE_ATOM:
    case TAUBE_IMAP_VALUE_NUMBER:
      g_string_append_len (out, value->data, value->len);
      break;
    case TAUBE_IMAP_VALUE_STRING:
      append_quoted (out, value->data, value->len);
      break;
    case TAUBE_IMAP_VALUE_NIL:
      g_string_append (out, "NIL");
      break;
    case TAUBE_IMAP_VALUE_LIST:
      g_string_append_c (out, '(');
      append_children (value, out);
      g_string_append_c (out, ')');
      break;
    case TAUBE_IMAP_VALUE_SECTION:
      g_string_append_printf (out, "%s[%s]", value->data, value->spec != NULL ? value->spec : "");
      if (value->has_origin)
        g_string_append_printf (out, "<%" G_GUINT64_FORMAT ">", value->number);
      break;
    case TAUBE_IMAP_VALUE_LITERAL_STREAMED:
      g_string_append_printf (out, "{streamed %" G_GUINT64_FORMAT "}", value->number);
      break;
    default:
      g_assert_not_reached ();
    }
}

/**
 * taube_imap_value_to_string:
 * @value: a value
 *
 * Writes @value back in IMAP-like syntax for logs and tests: strings are always quoted,
 * with control bytes as "\xNN", and streamed literals appear as "{streamed SIZE}".
 *
 * Returns: (transfer full): the text
 */
char *
taube_imap_value_to_string (const TaubeImapValue *value)
{
  GString *out;

  g_return_val_if_fail (value != NULL, NULL);

  out = g_string_new (NULL);
  _taube_imap_value_append_to (value, out);
  return g_string_free (out, FALSE);
}
