/* taube-imap-parser.c — incremental parser for IMAP server responses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 9051 §2.2 and §4.3: a response is one line, except that a literal "{n}" CRLF
 * ("~{n}" for binary, RFC 3516) is followed by n raw bytes, after which the same response
 * goes on.  So the parser buffers one *segment* at a time, the bytes up to the next LF,
 * tokenises it whole, and then either finishes the response or counts literal bytes.
 * Lists and sections that are open across a literal live on an explicit stack, which is
 * also what keeps hostile nesting from reaching the C stack.
 *
 * Message bodies are not buffered: a literal that is the value of a FETCH body item goes
 * to the literal callbacks in chunks as it arrives, and the tree only records its size.
 */
#define G_LOG_DOMAIN "taube-imap"

#include "taube-imap-parser-private.h"

#include <string.h>

#define DEFAULT_MAX_LINE     (1024 * 1024)
#define DEFAULT_MAX_LITERAL  (1024 * 1024)
#define DEFAULT_MAX_BUFFERED (16 * 1024 * 1024)
#define DEFAULT_MAX_DEPTH    100
#define DEPTH_CEILING        1000
#define EXCERPT_BYTES        32

static void
append_excerpt (GString      *out,
                const guint8 *bytes,
                gsize         len)
{
  for (gsize i = 0; i < len; i++)
    {
      if (bytes[i] == '"' || bytes[i] == '\\')
        g_string_append_printf (out, "\\%c", bytes[i]);
      else if (bytes[i] >= 0x20 && bytes[i] < 0x7f)
        g_string_append_c (out, bytes[i]);
      else
        g_string_append_printf (out, "\\x%02x", bytes[i]);
    }
}

/* Error messages quote the bytes around the offending one so a developer can find it
 * in a protocol log: "... at byte 21 of the response: "(FLAGS ())" >>> ") UID 5"". */
gboolean
_taube_imap_parser_failv (TaubeImapParser *self,
                          GError         **error,
                          TaubeImapError   code,
                          const Cursor    *cur,
                          const char      *format,
                          va_list          args)
{
  g_autoptr(GString) message = g_string_new (NULL);
  gsize before = MIN (cur->pos, EXCERPT_BYTES);
  gsize after = MIN (cur->end - cur->pos, EXCERPT_BYTES);

  g_string_append (message, code == TAUBE_IMAP_ERROR_TOO_BIG ? "IMAP response too big: "
                                                             : "Malformed IMAP response: ");
  g_string_append_vprintf (message, format, args);
  g_string_append_printf (message, " at byte %" G_GSIZE_FORMAT " of the response: \"",
                          self->offset + cur->pos);
  append_excerpt (message, cur->buf + cur->pos - before, before);
  g_string_append (message, "\" >>> \"");
  append_excerpt (message, cur->buf + cur->pos, after);
  g_string_append (message, cur->pos == cur->end ? "\" (end of line)" : "\"");
  g_set_error_literal (error, TAUBE_IMAP_ERROR, code, message->str);
  return FALSE;
}

static gboolean G_GNUC_PRINTF (5, 6)
fail (TaubeImapParser *self,
      GError         **error,
      TaubeImapError   code,
      const Cursor    *cur,
      const char      *format,
      ...)
{
  va_list args;

  va_start (args, format);
  _taube_imap_parser_failv (self, error, code, cur, format, args);
  va_end (args);
  return FALSE;
}

static void
discard_response (TaubeImapParser *self)
{
  g_clear_pointer (&self->response, taube_imap_response_unref);
  g_ptr_array_set_size (self->stack, 0);
  self->phase = PHASE_START;
  self->in_literal = FALSE;
  self->literal = NULL;
  self->literal_left = 0;
  self->literal_filled = 0;
}

static void
deliver (TaubeImapParser *self)
{
  g_autoptr(TaubeImapResponse) response = g_steal_pointer (&self->response);

  discard_response (self);
  if (self->callbacks.response == NULL)
    return;
  self->in_callback = TRUE;
  self->callbacks.response (self, response, self->user_data);
  self->in_callback = FALSE;
}

static gboolean
finish_response (TaubeImapParser *self,
                 Cursor          *cur,
                 GError         **error)
{
  TaubeImapValue *top = _taube_imap_parser_top (self);

  if (self->stack->len == 1)
    {
      deliver (self);
      return TRUE;
    }
  if (top == self->response->code)
    return fail (self, error, TAUBE_IMAP_ERROR_PROTOCOL, cur, "response code lacks its \"]\"");
  if (top->kind == TAUBE_IMAP_VALUE_SECTION)
    return fail (self, error, TAUBE_IMAP_ERROR_PROTOCOL, cur, "section lacks its \"]\"");
  return fail (self, error, TAUBE_IMAP_ERROR_PROTOCOL, cur,
               "unbalanced \"(\": %u list(s) still open", self->stack->len - 1);
}

/* A word in a response's fixed prefix: tag, status, keyword or message number. */
static gsize
scan_word (const Cursor *cur)
{
  return _taube_imap_parser_scan_atom (cur, TRUE, TRUE);
}

void
_taube_imap_parser_enter_text (TaubeImapParser *self,
                               Cursor          *cur)
{
  /* RFC 9051 §9 resp-text: "[" resp-text-code "]" SP text; the SP is not part of it. */
  if (cur->pos < cur->end && cur->buf[cur->pos] == ' ')
    cur->pos++;
  self->phase = PHASE_TEXT;
}

static TaubeImapStatus
status_from_word (const guint8 *p,
                  gsize         len)
{
  static const struct
  {
    const char *word;
    TaubeImapStatus status;
  } statuses[] = {
    { "OK", TAUBE_IMAP_STATUS_OK },
    { "NO", TAUBE_IMAP_STATUS_NO },
    { "BAD", TAUBE_IMAP_STATUS_BAD },
    { "BYE", TAUBE_IMAP_STATUS_BYE },
    { "PREAUTH", TAUBE_IMAP_STATUS_PREAUTH },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (statuses); i++)
    if (strlen (statuses[i].word) == len &&
        g_ascii_strncasecmp ((const char *) p, statuses[i].word, len) == 0)
      return statuses[i].status;
  return TAUBE_IMAP_STATUS_NONE;
}

static gboolean
expect_space (TaubeImapParser *self,
              Cursor          *cur,
              const char      *where,
              GError         **error)
{
  if (cur->pos >= cur->end || cur->buf[cur->pos] != ' ')
    return fail (self, error, TAUBE_IMAP_ERROR_PROTOCOL, cur, "expected a space %s", where);
  cur->pos++;
  return TRUE;
}

static gboolean
set_status (TaubeImapParser *self,
            Cursor          *cur,
            TaubeImapStatus  status,
            gsize            len,
            GError         **error)
{
  self->response->status = status;
  self->response->keyword = g_ascii_strup ((const char *) cur->buf + cur->pos, len);
  cur->pos += len;
  if (cur->pos < cur->end && cur->buf[cur->pos] != ' ')
    return fail (self, error, TAUBE_IMAP_ERROR_PROTOCOL, cur,
                 "unexpected character after status %s", self->response->keyword);
  self->phase = PHASE_RESP_TEXT;
  return TRUE;
}

/* "* 23 EXISTS", "* 12 FETCH (...)": RFC 9051 §7.4 and §7.5 put a number first. */
static gboolean
parse_numbered (TaubeImapParser *self,
                Cursor          *cur,
                gsize            len,
                GError         **error)
{
  if (!_taube_imap_parser_parse_u64 (cur->buf + cur->pos, len, &self->response->number))
    return fail (self, error, TAUBE_IMAP_ERROR_PROTOCOL, cur, "message number too large");
  self->response->has_number = TRUE;
  cur->pos += len;
  if (!expect_space (self, cur, "after the message number", error))
    return FALSE;
  len = scan_word (cur);
  if (len == 0)
    return fail (self, error, TAUBE_IMAP_ERROR_PROTOCOL, cur,
                 "expected a keyword after the message number");
  self->response->keyword = g_ascii_strup ((const char *) cur->buf + cur->pos, len);
  cur->pos += len;
  self->phase = PHASE_DATA;
  return TRUE;
}

static gboolean
parse_untagged (TaubeImapParser *self,
                Cursor          *cur,
                GError         **error)
{
  TaubeImapStatus status;
  gsize len;

  cur->pos = 1;
  if (!expect_space (self, cur, "after \"*\"", error))
    return FALSE;
  len = scan_word (cur);
  if (len == 0)
    return fail (self, error, TAUBE_IMAP_ERROR_PROTOCOL, cur, "expected a response type");
  if (_taube_imap_parser_is_digits (cur->buf + cur->pos, len))
    return parse_numbered (self, cur, len, error);

  status = status_from_word (cur->buf + cur->pos, len);
  if (status != TAUBE_IMAP_STATUS_NONE)
    return set_status (self, cur, status, len, error);

  self->response->keyword = g_ascii_strup ((const char *) cur->buf + cur->pos, len);
  cur->pos += len;
  self->phase = PHASE_DATA;
  return TRUE;
}

/* RFC 9051 §9: tag = 1*<any ASTRING-CHAR except "+">. */
static gboolean
is_tag_char (guint8 c)
{
  return c > ' ' && c < 0x7f && strchr ("(){%*\"\\+", c) == NULL;
}

static gboolean
parse_tagged (TaubeImapParser *self,
              Cursor          *cur,
              GError         **error)
{
  TaubeImapStatus status;
  gsize len;

  while (cur->pos < cur->end && cur->buf[cur->pos] != ' ')
    {
      if (!is_tag_char (cur->buf[cur->pos]))
        return fail (self, error, TAUBE_IMAP_ERROR_PROTOCOL, cur, "invalid character in tag");
      cur->pos++;
    }
  if (cur->pos == 0)
    return fail (self, error, TAUBE_IMAP_ERROR_PROTOCOL, cur, "empty tag");
  self->response->tag = g_strndup ((const char *) cur->buf, cur->pos);
  if (!expect_space (self, cur, "after the tag", error))
    return FALSE;

  len = scan_word (cur);
  status = status_from_word (cur->buf + cur->pos, len);
  if (status != TAUBE_IMAP_STATUS_OK && status != TAUBE_IMAP_STATUS_NO &&
      status != TAUBE_IMAP_STATUS_BAD)
    return fail (self, error, TAUBE_IMAP_ERROR_PROTOCOL, cur,
                 "a tagged response must be OK, NO or BAD");
  return set_status (self, cur, status, len, error);
}

static gboolean
parse_prefix (TaubeImapParser *self,
              Cursor          *cur,
              GError         **error)
{
  TaubeImapResponseKind kind = TAUBE_IMAP_RESPONSE_TAGGED;

  if (cur->buf[0] == '*')
    kind = TAUBE_IMAP_RESPONSE_UNTAGGED;
  else if (cur->buf[0] == '+')
    kind = TAUBE_IMAP_RESPONSE_CONTINUATION;
  self->response = _taube_imap_response_new (kind);
  g_ptr_array_add (self->stack, self->response->data);

  switch (kind)
    {
    case TAUBE_IMAP_RESPONSE_CONTINUATION:
      /* RFC 9051 §7.6: "+" SP (resp-text / base64); some servers send a bare "+". */
      cur->pos = 1;
      self->phase = PHASE_RESP_TEXT;
      return TRUE;
    case TAUBE_IMAP_RESPONSE_UNTAGGED:
      return parse_untagged (self, cur, error);
    case TAUBE_IMAP_RESPONSE_TAGGED:
    default:
      return parse_tagged (self, cur, error);
    }
}

/* Response codes whose arguments RFC 9051 §7.1 (and CONDSTORE, UIDPLUS, OBJECTID) define
 * as values.  Any other code may carry free text up to "]", which is kept raw. */
static gboolean
is_structured_code (const char *name)
{
  static const char *const codes[] = {
    "BADCHARSET", "CAPABILITY", "PERMANENTFLAGS", "UIDNEXT", "UIDVALIDITY", "UNSEEN",
    "APPENDUID", "COPYUID", "HIGHESTMODSEQ", "MODIFIED", "MAILBOXID",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (codes); i++)
    if (strcmp (name, codes[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
parse_raw_code (TaubeImapParser *self,
                Cursor          *cur,
                GError         **error)
{
  const guint8 *close = memchr (cur->buf + cur->pos, ']', cur->end - cur->pos);
  gsize close_pos;

  if (close == NULL)
    return fail (self, error, TAUBE_IMAP_ERROR_PROTOCOL, cur, "response code lacks its \"]\"");
  close_pos = close - cur->buf;
  if (cur->pos < close_pos && cur->buf[cur->pos] == ' ')
    cur->pos++;
  if (cur->pos < close_pos)
    _taube_imap_value_append (self->response->code,
                              _taube_imap_value_new_scalar (TAUBE_IMAP_VALUE_STRING,
                                                            (const char *) cur->buf + cur->pos,
                                                            close_pos - cur->pos));
  cur->pos = close_pos + 1;
  _taube_imap_parser_enter_text (self, cur);
  return TRUE;
}

static gboolean
parse_code (TaubeImapParser *self,
            Cursor          *cur,
            GError         **error)
{
  g_autofree char *name = NULL;
  gsize len;

  cur->pos++;
  len = scan_word (cur);
  if (len == 0)
    return fail (self, error, TAUBE_IMAP_ERROR_PROTOCOL, cur, "response code has no name");
  name = g_ascii_strup ((const char *) cur->buf + cur->pos, len);
  cur->pos += len;

  self->response->code = _taube_imap_value_new_list ();
  _taube_imap_value_append (self->response->code,
                            _taube_imap_value_new_scalar (TAUBE_IMAP_VALUE_ATOM, name, len));
  if (!is_structured_code (name))
    return parse_raw_code (self, cur, error);

  /* The code's arguments are values and its "]" pops it off the stack. */
  g_ptr_array_add (self->stack, self->response->code);
  self->phase = PHASE_DATA;
  return TRUE;
}

static gboolean
parse_resp_text (TaubeImapParser *self,
                 Cursor          *cur,
                 GError         **error)
{
  if (cur->pos < cur->end && cur->buf[cur->pos] == ' ')
    cur->pos++;
  if (cur->pos < cur->end && cur->buf[cur->pos] == '[')
    return parse_code (self, cur, error);
  self->phase = PHASE_TEXT;
  return TRUE;
}

static void
take_text (TaubeImapParser *self,
           Cursor          *cur)
{
  g_free (self->response->text);
  self->response->text = g_utf8_make_valid ((const char *) cur->buf + cur->pos,
                                            cur->end - cur->pos);
  cur->pos = cur->end;
}

static gboolean
parse_segment (TaubeImapParser *self,
               Cursor          *cur,
               GError         **error)
{
  if (self->phase == PHASE_START && !parse_prefix (self, cur, error))
    return FALSE;

  for (;;)
    {
      switch (self->phase)
        {
        case PHASE_RESP_TEXT:
          if (!parse_resp_text (self, cur, error))
            return FALSE;
          break;
        case PHASE_DATA:
          if (!_taube_imap_parser_parse_values (self, cur, error))
            return FALSE;
          if (cur->literal)
            return TRUE;
          if (self->phase == PHASE_DATA)
            return finish_response (self, cur, error);
          break;
        case PHASE_TEXT:
          take_text (self, cur);
          return finish_response (self, cur, error);
        case PHASE_START:
        default:
          g_assert_not_reached ();
        }
    }
}

/* NUL never appears outside a literal (RFC 9051 §9: CHAR excludes it), and CR only as
 * part of CRLF. */
static gboolean
check_segment (TaubeImapParser *self,
               Cursor          *cur,
               GError         **error)
{
  const guint8 *nul = memchr (cur->buf, '\0', cur->end);
  const guint8 *cr = memchr (cur->buf, '\r', nul != NULL ? (gsize) (nul - cur->buf) : cur->end);

  if (cr != NULL)
    {
      cur->pos = cr - cur->buf;
      return fail (self, error, TAUBE_IMAP_ERROR_PROTOCOL, cur, "bare CR without LF");
    }
  if (nul != NULL)
    {
      cur->pos = nul - cur->buf;
      return fail (self, error, TAUBE_IMAP_ERROR_PROTOCOL, cur, "NUL byte outside a literal");
    }
  return TRUE;
}

static gboolean
process_segment (TaubeImapParser *self,
                 GError         **error)
{
  /* A bare LF ends a line too: some servers send one (RFC 9051 §9 wants CRLF). */
  Cursor cur = { self->line->data, self->line->len - 1, 0, FALSE };
  gboolean ok;

  if (cur.end > 0 && cur.buf[cur.end - 1] == '\r')
    cur.end--;

  if (self->phase == PHASE_START && cur.end == 0)
    {
      g_debug ("Ignoring an empty line between responses");
      ok = TRUE;
    }
  else
    ok = check_segment (self, &cur, error) && parse_segment (self, &cur, error);

  self->offset += self->line->len;
  g_byte_array_set_size (self->line, 0);
  if (self->response == NULL)
    self->offset = self->line_total = self->buffered = 0;
  return ok;
}

static gboolean
feed_line (TaubeImapParser *self,
           const guint8    *data,
           gsize            len,
           gsize           *used,
           GError         **error)
{
  const guint8 *lf = memchr (data, '\n', len);
  gsize n = lf != NULL ? (gsize) (lf - data) + 1 : len;

  if (self->line_total + n > self->limits.max_line)
    {
      g_set_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_TOO_BIG,
                   "IMAP response too big: more than %" G_GSIZE_FORMAT " bytes outside literals",
                   self->limits.max_line);
      return FALSE;
    }
  g_byte_array_append (self->line, data, n);
  self->line_total += n;
  *used = n;
  if (lf == NULL)
    return TRUE;
  return process_segment (self, error);
}

static void
feed_literal (TaubeImapParser *self,
              const guint8    *data,
              gsize            len,
              gsize           *used)
{
  gsize n = (gsize) MIN ((guint64) len, self->literal_left);

  if (self->literal != NULL)
    {
      memcpy (self->literal->data + self->literal_filled, data, n);
      self->literal_filled += n;
    }
  else
    {
      n = MIN (n, TAUBE_IMAP_PARSER_CHUNK_SIZE);
      if (self->callbacks.literal_chunk != NULL)
        {
          self->in_callback = TRUE;
          self->callbacks.literal_chunk (self, data, n, self->user_data);
          self->in_callback = FALSE;
        }
    }
  self->literal_left -= n;
  self->offset += n;
  *used = n;
  if (self->literal_left == 0)
    _taube_imap_parser_finish_literal (self);
}

/**
 * taube_imap_parser_new:
 * @callbacks: (nullable): what to call as responses and body literals arrive; copied
 * @user_data: passed to every callback
 *
 * Returns: (transfer full): a parser waiting for the first byte of a response
 */
TaubeImapParser *
taube_imap_parser_new (const TaubeImapParserCallbacks *callbacks,
                       gpointer                        user_data)
{
  TaubeImapParser *self = g_new0 (TaubeImapParser, 1);

  if (callbacks != NULL)
    self->callbacks = *callbacks;
  self->user_data = user_data;
  self->line = g_byte_array_new ();
  self->stack = g_ptr_array_new ();
  taube_imap_parser_set_limits (self, NULL);
  return self;
}

/**
 * taube_imap_parser_free:
 * @self: (nullable): a parser
 */
void
taube_imap_parser_free (TaubeImapParser *self)
{
  if (self == NULL)
    return;
  g_return_if_fail (!self->in_callback);

  discard_response (self);
  g_byte_array_unref (self->line);
  g_ptr_array_unref (self->stack);
  g_free (self);
}

/**
 * taube_imap_parser_set_limits:
 * @self: a parser
 * @limits: (nullable): the new limits; %NULL or 0 members restore the defaults
 *
 * The limits guard against a hostile or broken server; the defaults suit a mail
 * client.  Change them only between responses.
 */
void
taube_imap_parser_set_limits (TaubeImapParser             *self,
                              const TaubeImapParserLimits *limits)
{
  TaubeImapParserLimits l = { 0 };

  g_return_if_fail (self != NULL);

  if (limits != NULL)
    l = *limits;
  self->limits.max_line = l.max_line != 0 ? l.max_line : DEFAULT_MAX_LINE;
  self->limits.max_literal = l.max_literal != 0 ? l.max_literal : DEFAULT_MAX_LITERAL;
  self->limits.max_buffered = l.max_buffered != 0 ? l.max_buffered : DEFAULT_MAX_BUFFERED;
  self->limits.max_depth = MIN (l.max_depth != 0 ? l.max_depth : DEFAULT_MAX_DEPTH, DEPTH_CEILING);
}

/**
 * taube_imap_parser_feed:
 * @self: a parser
 * @data: (array length=len): bytes from the server
 * @len: how many
 * @error: return location for a #GError
 *
 * Parses @data, calling the callbacks for every response and body literal it completes.
 * Bytes may be split anywhere: the callbacks see the same thing whether the stream comes
 * in one piece or one byte at a time.
 *
 * After an error (%TAUBE_IMAP_ERROR_PROTOCOL for malformed input,
 * %TAUBE_IMAP_ERROR_TOO_BIG for input over the limits) the stream cannot be resynchronised,
 * and every further call fails until taube_imap_parser_reset().
 *
 * Returns: %TRUE if all of @data was consumed
 */
gboolean
taube_imap_parser_feed (TaubeImapParser *self,
                        const guint8    *data,
                        gsize            len,
                        GError         **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (!self->in_callback, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->failed)
    {
      g_set_error_literal (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL,
                           "The IMAP parser failed earlier on this stream; reset it first");
      return FALSE;
    }

  while (len > 0)
    {
      gsize used = 0;

      if (self->in_literal)
        feed_literal (self, data, len, &used);
      else if (!feed_line (self, data, len, &used, error))
        {
          self->failed = TRUE;
          discard_response (self);
          return FALSE;
        }
      data += used;
      len -= used;
    }
  return TRUE;
}

/**
 * taube_imap_parser_reset:
 * @self: a parser
 *
 * Drops any partial response and clears a previous error, for a new connection.  A body
 * literal cut short gets no literal_end callback.
 */
void
taube_imap_parser_reset (TaubeImapParser *self)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->in_callback);

  discard_response (self);
  g_byte_array_set_size (self->line, 0);
  self->offset = self->line_total = self->buffered = 0;
  self->failed = FALSE;
}

/**
 * taube_imap_parser_is_idle:
 * @self: a parser
 *
 * Whether the parser stands between two responses, so that a connection closing now
 * lost nothing.
 *
 * Returns: %TRUE if no part of a response is pending
 */
gboolean
taube_imap_parser_is_idle (TaubeImapParser *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->response == NULL && self->line->len == 0 && !self->failed;
}
