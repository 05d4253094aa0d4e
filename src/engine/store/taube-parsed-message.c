/* taube-parsed-message.c — what the index keeps of a message, read with GMime
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Messages come from anyone, so nothing here may trust them: GMime parses leniently, every
 * string is made valid UTF-8, lists and texts are capped, the MIME tree is walked only so
 * deep, and a message GMime cannot read at all still gets an (empty) index entry rather than
 * an error, so the sync moves on and the person can still open the raw file.
 */
#define G_LOG_DOMAIN "taube-store"

#include <gmime/gmime.h>
#include <string.h>

#include "taube-parsed-message.h"
#include "taube-store-private.h"

/* Deeper MIME trees are real only in attacks (mimekit's stack-overflow test). */
#define MAX_DEPTH 16
#define MAX_REFERENCES 100
#define MAX_MESSAGE_ID 250
#define MAX_RECIPIENTS_BYTES 200
#define MAX_ADDRESSES_BYTES 4096
#define MAX_SUBJECT_BYTES 1000

/* GMime 3.2 declares no cleanup functions of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeReferences, g_mime_references_free)

static gpointer
init_gmime (gpointer data)
{
  static const char *const fallback_charsets[] = { "UTF-8", "windows-1252", NULL };
  GMimeParserOptions *options;

  g_mime_init ();
  options = g_mime_parser_options_new ();
  /* Undeclared 8-bit text is, in practice, UTF-8 or Windows' Latin-1 superset. */
  g_mime_parser_options_set_fallback_charsets (options, (const char **) fallback_charsets);
  g_mime_parser_options_set_address_compliance_mode (options, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_allow_addresses_without_domain (options, TRUE);
  return options;
}

static GMimeParserOptions *
get_parser_options (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, init_gmime, NULL);
}

/* Valid UTF-8 with control characters and folding turned into single spaces. */
static char *
clean_line (const char *text,
            gsize       max_bytes)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  g_autoptr(GString) out = g_string_new (NULL);

  for (const char *p = valid; *p != '\0' && out->len < max_bytes; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c))
        {
          if (out->len > 0 && out->str[out->len - 1] != ' ')
            g_string_append_c (out, ' ');
        }
      else
        g_string_append_unichar (out, c);
    }
  return g_strstrip (g_string_free (g_steal_pointer (&out), FALSE));
}

/* Cuts @text to at most @max_bytes without splitting a character. */
static void
truncate_utf8 (char  *text,
               gsize  max_bytes)
{
  const char *end;

  if (strlen (text) <= max_bytes)
    return;
  end = g_utf8_find_prev_char (text, text + max_bytes + 1);
  text[end != NULL ? end - text : 0] = '\0';
}

static char *
clean_message_id (const char *id)
{
  if (id == NULL || *id == '\0' || strlen (id) > MAX_MESSAGE_ID || strpbrk (id, " \t\r\n") != NULL
      || !g_utf8_validate (id, -1, NULL))
    return NULL;
  return g_strdup (id);
}

/* Calls @func for every mailbox of @list, also those inside groups (RFC 5322 §3.4). */
static void
foreach_mailbox (InternetAddressList *list,
                 void (*func) (InternetAddressMailbox *mailbox, gpointer data),
                 gpointer             data)
{
  for (int i = 0; list != NULL && i < internet_address_list_length (list); i++)
    {
      InternetAddress *address = internet_address_list_get_address (list, i);

      if (INTERNET_ADDRESS_IS_MAILBOX (address))
        func (INTERNET_ADDRESS_MAILBOX (address), data);
      else if (INTERNET_ADDRESS_IS_GROUP (address))
        foreach_mailbox (internet_address_group_get_members (INTERNET_ADDRESS_GROUP (address)),
                         func, data);
    }
}

static void
find_first_mailbox_cb (InternetAddressMailbox *mailbox,
                       gpointer                data)
{
  InternetAddressMailbox **first = data;

  if (*first == NULL)
    *first = mailbox;
}

static void
append_label_cb (InternetAddressMailbox *mailbox,
                 gpointer                data)
{
  GString *out = data;
  const char *name = internet_address_get_name (INTERNET_ADDRESS (mailbox));
  g_autofree char *label = clean_line (name != NULL && *name != '\0'
                                       ? name : internet_address_mailbox_get_addr (mailbox),
                                       MAX_RECIPIENTS_BYTES);

  if (out->len >= MAX_RECIPIENTS_BYTES || *label == '\0')
    return;
  if (out->len > 0)
    g_string_append (out, ", ");
  g_string_append (out, label);
}

static void
append_search_address_cb (InternetAddressMailbox *mailbox,
                          gpointer                data)
{
  GString *out = data;
  const char *name = internet_address_get_name (INTERNET_ADDRESS (mailbox));
  g_autofree char *line = g_strdup_printf ("%s <%s>\n", name != NULL ? name : "",
                                           internet_address_mailbox_get_addr (mailbox));

  if (out->len < MAX_ADDRESSES_BYTES)
    g_string_append (out, line);
}

static void
read_addresses (TaubeParsedMessage *self,
                GMimeMessage       *message)
{
  static const GMimeAddressType search_types[] = {
    GMIME_ADDRESS_TYPE_FROM, GMIME_ADDRESS_TYPE_TO, GMIME_ADDRESS_TYPE_CC, GMIME_ADDRESS_TYPE_BCC,
  };
  InternetAddressMailbox *from = NULL;
  g_autoptr(GString) recipients = g_string_new (NULL);
  g_autoptr(GString) addresses = g_string_new (NULL);

  foreach_mailbox (g_mime_message_get_from (message), find_first_mailbox_cb, &from);
  if (from != NULL)
    {
      self->from_name = clean_line (internet_address_get_name (INTERNET_ADDRESS (from)), 200);
      self->from_address = clean_line (internet_address_mailbox_get_addr (from), 320);
    }
  foreach_mailbox (g_mime_message_get_to (message), append_label_cb, recipients);
  foreach_mailbox (g_mime_message_get_cc (message), append_label_cb, recipients);
  truncate_utf8 (recipients->str, MAX_RECIPIENTS_BYTES);
  self->recipients = g_utf8_make_valid (recipients->str, -1);

  for (gsize i = 0; i < G_N_ELEMENTS (search_types); i++)
    foreach_mailbox (g_mime_message_get_addresses (message, search_types[i]),
                     append_search_address_cb, addresses);
  truncate_utf8 (addresses->str, MAX_ADDRESSES_BYTES);
  self->addresses = g_utf8_make_valid (addresses->str, -1);
}

static GMimeReferences *
parse_references_header (GMimeMessage *message,
                         const char   *header)
{
  const char *value = g_mime_object_get_header (GMIME_OBJECT (message), header);

  if (value == NULL)
    return NULL;
  return g_mime_references_parse (get_parser_options (), value);
}

/* RFC 5322 §3.6.4. If References is too long, keep its first entry (the root) and the most
 * recent ones, as RFC 5537 §3.4.4 suggests for trimming. */
static void
read_references (TaubeParsedMessage *self,
                 GMimeMessage       *message)
{
  g_autoptr(GMimeReferences) in_reply_to = parse_references_header (message, "In-Reply-To");
  g_autoptr(GMimeReferences) references = parse_references_header (message, "References");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int n = references != NULL ? g_mime_references_length (references) : 0;

  if (in_reply_to != NULL && g_mime_references_length (in_reply_to) > 0)
    self->in_reply_to = clean_message_id (g_mime_references_get_message_id (in_reply_to, 0));

  for (int i = 0; i < n; i++)
    {
      g_autofree char *id = NULL;

      if (i > 0 && i < n - (MAX_REFERENCES - 1))
        continue;
      id = clean_message_id (g_mime_references_get_message_id (references, i));
      if (id != NULL && g_strcmp0 (id, self->message_id) != 0 && !g_hash_table_contains (seen, id))
        {
          g_strv_builder_add (builder, id);
          g_hash_table_add (seen, g_steal_pointer (&id));
        }
    }
  if (self->in_reply_to != NULL && !g_hash_table_contains (seen, self->in_reply_to)
      && g_strcmp0 (self->in_reply_to, self->message_id) != 0)
    g_strv_builder_add (builder, self->in_reply_to);
  self->references = g_strv_builder_end (builder);
}

static gboolean
is_security_part (GMimeContentType *type)
{
  return taube_parsed_message_is_security_type (g_mime_content_type_get_media_type (type),
                                                g_mime_content_type_get_media_subtype (type));
}

/**
 * taube_parsed_message_is_security_type:
 * @type: a MIME type such as "application"
 * @subtype: its subtype such as "pgp-signature"
 *
 * Whether a part of this type carries a signature, key or encrypted data rather than
 * something the person would save: such parts never count as attachments (also for
 * IMAP's BODYSTRUCTURE, so the list agrees before and after the body is downloaded).
 */
gboolean
taube_parsed_message_is_security_type (const char *type,
                                       const char *subtype)
{
  static const char *const subtypes[] = {
    "pgp-signature", "pgp-encrypted", "pgp-keys", "pkcs7-signature", "x-pkcs7-signature",
    "pkcs7-mime", "x-pkcs7-mime",
  };

  if (type == NULL || subtype == NULL || g_ascii_strcasecmp (type, "application") != 0)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (subtypes); i++)
    if (g_ascii_strcasecmp (subtype, subtypes[i]) == 0)
      return TRUE;
  return FALSE;
}

typedef struct
{
  char *plain;
  char *html;
  gboolean has_attachment;
} BodyWalk;

/* An empty text part (a doubled boundary, an empty alternative) is skipped, so the next
 * one with words in it gives the preview. */
static void
take_text (GMimePart  *part,
           char      **slot)
{
  g_autofree char *text = NULL;

  if (*slot != NULL || !GMIME_IS_TEXT_PART (part))
    return;
  text = g_mime_text_part_get_text (GMIME_TEXT_PART (part));
  if (text != NULL && *g_strstrip (text) != '\0')
    *slot = g_steal_pointer (&text);
}

static void
walk_leaf (BodyWalk  *walk,
           GMimePart *part,
           gboolean   in_related)
{
  GMimeContentType *type = g_mime_object_get_content_type (GMIME_OBJECT (part));

  if (is_security_part (type))
    return;
  if (g_mime_part_is_attachment (part))
    walk->has_attachment = TRUE;
  else if (g_mime_content_type_is_type (type, "text", "plain"))
    take_text (part, &walk->plain);
  else if (g_mime_content_type_is_type (type, "text", "html"))
    take_text (part, &walk->html);
  else if (!in_related && !g_mime_content_type_is_type (type, "text", "*"))
    /* Pictures inside multipart/related belong to the HTML; elsewhere a non-text part with
     * no disposition is still something the person would want to save. */
    walk->has_attachment = TRUE;
}

static void
walk_body (BodyWalk    *walk,
           GMimeObject *object,
           gboolean     in_related,
           int          depth)
{
  if (object == NULL || depth > MAX_DEPTH)
    return;

  if (GMIME_IS_MULTIPART_ENCRYPTED (object))
    return;
  if (GMIME_IS_MULTIPART (object))
    {
      GMimeMultipart *multipart = GMIME_MULTIPART (object);
      gboolean related = in_related
                         || g_mime_content_type_is_type (g_mime_object_get_content_type (object),
                                                         "multipart", "related");

      for (int i = 0; i < g_mime_multipart_get_count (multipart); i++)
        walk_body (walk, g_mime_multipart_get_part (multipart, i), related, depth + 1);
    }
  else if (GMIME_IS_MESSAGE_PART (object))
    walk->has_attachment = TRUE;
  else if (GMIME_IS_PART (object))
    walk_leaf (walk, GMIME_PART (object), in_related);
}

static gboolean
is_quote_or_attribution (const char *line)
{
  gsize len = strlen (line);

  /* "On Monday, Bob wrote:" / "Am Montag schrieb Bob:" introduce the quote below. */
  return line[0] == '>' || (len > 0 && line[len - 1] == ':' && g_str_has_prefix (line, "On "))
         || (len > 0 && line[len - 1] == ':' && g_str_has_prefix (line, "Am "));
}

/* The first lines someone wrote: no quotes, nothing after the signature separator. */
static char *
make_preview (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GString) out = g_string_new (NULL);
  glong n_chars;
  g_autofree char *joined = NULL;

  for (gsize i = 0; lines[i] != NULL && out->len < TAUBE_PARSED_MESSAGE_PREVIEW_CHARS * 4; i++)
    {
      g_autofree char *line = clean_line (lines[i], TAUBE_PARSED_MESSAGE_PREVIEW_CHARS * 4);

      if (g_str_equal (lines[i], "-- ") || g_str_equal (lines[i], "-- \r"))
        break;
      if (*line == '\0' || is_quote_or_attribution (line))
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, line);
    }
  n_chars = g_utf8_strlen (out->str, -1);
  if (n_chars <= TAUBE_PARSED_MESSAGE_PREVIEW_CHARS)
    return g_string_free (g_steal_pointer (&out), FALSE);
  joined = g_utf8_substring (out->str, 0, TAUBE_PARSED_MESSAGE_PREVIEW_CHARS);
  return g_strdup (g_strchomp (joined));
}

static void
read_body (TaubeParsedMessage *self,
           GMimeMessage       *message)
{
  BodyWalk walk = { NULL, NULL, FALSE };
  g_autofree char *text = NULL;

  walk_body (&walk, g_mime_message_get_mime_part (message), FALSE, 0);
  self->has_attachment = walk.has_attachment;

  if (walk.plain != NULL)
    text = g_utf8_make_valid (walk.plain, -1);
  else if (walk.html != NULL)
    {
      g_autofree char *html = g_utf8_make_valid (walk.html, -1);

      text = _taube_html_to_text (html, TAUBE_PARSED_MESSAGE_MAX_TEXT);
    }
  g_free (walk.plain);
  g_free (walk.html);

  if (text == NULL)
    text = g_strdup ("");
  truncate_utf8 (text, TAUBE_PARSED_MESSAGE_MAX_TEXT);
  self->preview = make_preview (text);
  self->body_text = g_steal_pointer (&text);
}

static void
read_headers (TaubeParsedMessage *self,
              GMimeMessage       *message)
{
  GDateTime *date = g_mime_message_get_date (message);

  self->subject = clean_line (g_mime_message_get_subject (message), MAX_SUBJECT_BYTES);
  self->date = date != NULL ? g_date_time_to_unix (date) : 0;
  self->message_id = clean_message_id (g_mime_message_get_message_id (message));
  read_addresses (self, message);
  read_references (self, message);
}

/* What is still NULL after a failed or partial parse gets its empty value. */
static void
fill_defaults (TaubeParsedMessage *self)
{
  char **fields[] = { &self->subject, &self->from_name, &self->recipients, &self->addresses,
                      &self->preview, &self->body_text };

  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    if (*fields[i] == NULL)
      *fields[i] = g_strdup ("");
  if (self->references == NULL)
    self->references = g_new0 (char *, 1);
}

/**
 * taube_parsed_message_new:
 * @raw: a message (RFC 5322), or only its header
 *
 * Reads what the index needs from @raw. Never fails: what cannot be read stays empty.
 * Blocks for as long as a big message takes to decode: call it from a worker thread.
 *
 * Returns: (transfer full): the message's index fields
 */
TaubeParsedMessage *
taube_parsed_message_new (GBytes *raw)
{
  g_autoptr(TaubeParsedMessage) self = g_new0 (TaubeParsedMessage, 1);
  GMimeParserOptions *options = get_parser_options ();
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeParser) parser = NULL;
  g_autoptr(GMimeMessage) message = NULL;
  gsize size;
  const guint8 *data;

  g_return_val_if_fail (raw != NULL, NULL);

  data = g_bytes_get_data (raw, &size);
  /* Empty GBytes may have no data pointer at all. */
  stream = g_mime_stream_mem_new_with_buffer (data != NULL ? (const char *) data : "", size);
  parser = g_mime_parser_new_with_stream (stream);
  message = g_mime_parser_construct_message (parser, options);
  if (message != NULL)
    {
      read_headers (self, message);
      read_body (self, message);
    }
  else
    g_debug ("GMime could not read a message of %" G_GSIZE_FORMAT " bytes", size);
  fill_defaults (self);
  return g_steal_pointer (&self);
}

/**
 * taube_parsed_message_free:
 * @self: (nullable): a #TaubeParsedMessage
 *
 * Frees @self and its strings.
 */
void
taube_parsed_message_free (TaubeParsedMessage *self)
{
  if (self == NULL)
    return;
  g_free (self->subject);
  g_free (self->from_name);
  g_free (self->from_address);
  g_free (self->recipients);
  g_free (self->addresses);
  g_free (self->message_id);
  g_free (self->in_reply_to);
  g_strfreev (self->references);
  g_free (self->preview);
  g_free (self->body_text);
  g_free (self);
}
