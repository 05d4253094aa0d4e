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

#include "taube-imap-parser.h"

#include "taube-imap-error.h"
#include "taube-imap-response-private.h"

#include <string.h>

#define DEFAULT_MAX_LINE     (1024 * 1024)
#define DEFAULT_MAX_LITERAL  (1024 * 1024)
#define DEFAULT_MAX_BUFFERED (16 * 1024 * 1024)
#define DEFAULT_MAX_DEPTH    100
#define DEPTH_CEILING        1000
#define EXCERPT_BYTES        32

typedef enum
{
  PHASE_START,     /* nothing of a response read yet */
  PHASE_RESP_TEXT, /* after a status word: "[code] text" may follow (RFC 9051 §7.1) */
  PHASE_DATA,      /* values into the innermost open container */
  PHASE_TEXT,      /* the rest of the line is human text */
} Phase;

/* One segment of a response: the bytes before CRLF (or a bare LF). */
typedef struct
{
  const guint8 *buf;
  gsize end;
  gsize pos;
  gboolean literal;  /* the segment ended in a literal's "{n}": the response goes on */
} Cursor;

struct _TaubeImapParser
{
  TaubeImapParserCallbacks callbacks;
  gpointer user_data;
  TaubeImapParserLimits limits;

  GByteArray *line;             /* the segment being collected */
  gsize offset;                 /* bytes of this response before the segment */
  gsize line_total;             /* bytes of this response outside literals */
  gsize buffered;               /* literal bytes of this response kept in the tree */

  Phase phase;
  TaubeImapResponse *response;  /* under construction */
  GPtrArray *stack;             /* open containers, owned by the response; [0] its data */

  gboolean in_literal;
  guint64 literal_left;
  TaubeImapValue *literal;      /* the string being filled; NULL while streaming */
  gsize literal_filled;

  gboolean failed;
  gboolean in_callback;
};

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
static gboolean G_GNUC_PRINTF (5, 6)
fail (TaubeImapParser *self,
      GError         **error,
      TaubeImapError   code,
      const Cursor    *cur,
      const char      *format,
      ...)
{
  g_autoptr(GString) message = g_string_new ("Malformed IMAP response: ");
  gsize before = MIN (cur->pos, EXCERPT_BYTES);
  gsize after = MIN (cur->end - cur->pos, EXCERPT_BYTES);
  va_list args;

  if (code == TAUBE_IMAP_ERROR_TOO_BIG)
    g_string_assign (message, "IMAP response too big: ");
  va_start (args, format);
  g_string_append_vprintf (message, format, args);
  va_end (args);
  g_string_append_printf (message, " at byte %" G_GSIZE_FORMAT " of the response: \"",
                          self->offset + cur->pos);
  append_excerpt (message, cur->buf + cur->pos - before, before);
  g_string_append (message, "\" >>> \"");
  append_excerpt (message, cur->buf + cur->pos, after);
  g_string_append (message, cur->pos == cur->end ? "\" (end of line)" : "\"");
  g_set_error_literal (error, TAUBE_IMAP_ERROR, code, message->str);
  return FALSE;
}

static TaubeImapValue *
top_of_stack (TaubeImapParser *self)
{
  return self->stack->pdata[self->stack->len - 1];
}

/* A "]" closes the innermost container only if that is a section or response code;
 * elsewhere it is an ordinary astring character (RFC 9051 §9, ASTRING-CHAR). */
static gboolean
top_is_bracket (TaubeImapParser *self)
{
  TaubeImapValue *top = top_of_stack (self);

  return top->kind == TAUBE_IMAP_VALUE_SECTION || top == self->response->code;
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
  TaubeImapValue *top = top_of_stack (self);

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

static gboolean
is_digits (const guint8 *p,
           gsize         len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (p[i]))
      return FALSE;
  return len > 0;
}

/* RFC 9051 §9: number64 is 63 bits, but mod-sequences and Gmail's ids are unsigned, so
 * anything up to G_MAXUINT64 is accepted and only real overflow is an error. */
static gboolean
parse_u64 (const guint8 *p,
           gsize         len,
           guint64      *out)
{
  guint64 n = 0;

  for (gsize i = 0; i < len; i++)
    {
      guint digit = p[i] - '0';

      if (n > (G_MAXUINT64 - digit) / 10)
        return FALSE;
      n = n * 10 + digit;
    }
  *out = n;
  return TRUE;
}

/* Characters that end an atom in data (RFC 9051 §9 atom-specials, minus those that real
 * responses use inside words: "%", "*" and "\" as in \Seen, 1:*, \*).  "[" is decided by
 * the caller; "]" only ends an atom inside a section or response code. */
static gsize
scan_atom (const Cursor *cur,
           gboolean      bracket_ends,
           gboolean      open_bracket_ends)
{
  gsize i;

  for (i = cur->pos; i < cur->end; i++)
    {
      guint8 c = cur->buf[i];

      if (c <= ' ' || c == 0x7f || c == '(' || c == ')' || c == '{' || c == '"')
        break;
      if ((c == ']' && bracket_ends) || (c == '[' && open_bracket_ends))
        break;
    }
  return i - cur->pos;
}

/* A word in a response's fixed prefix: tag, status, keyword or message number. */
static gsize
scan_word (const Cursor *cur)
{
  return scan_atom (cur, TRUE, TRUE);
}

static gboolean
push (TaubeImapParser *self,
      Cursor          *cur,
      TaubeImapValue  *container,
      GError         **error)
{
  if (self->stack->len - 1 >= self->limits.max_depth)
    {
      _taube_imap_value_free (container);
      return fail (self, error, TAUBE_IMAP_ERROR_TOO_BIG, cur,
                   "lists or sections nested deeper than %u levels", self->limits.max_depth);
    }
  _taube_imap_value_append (top_of_stack (self), container);
  g_ptr_array_add (self->stack, container);
  return TRUE;
}

static void
enter_text (TaubeImapParser *self,
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
  if (!parse_u64 (cur->buf + cur->pos, len, &self->response->number))
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
  if (is_digits (cur->buf + cur->pos, len))
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
  enter_text (self, cur);
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
open_list (TaubeImapParser *self,
           Cursor          *cur,
           GError         **error)
{
  if (!push (self, cur, _taube_imap_value_new_list (), error))
    return FALSE;
  cur->pos++;
  return TRUE;
}

static gboolean
close_list (TaubeImapParser *self,
            Cursor          *cur,
            GError         **error)
{
  if (self->stack->len == 1 || top_is_bracket (self))
    return fail (self, error, TAUBE_IMAP_ERROR_PROTOCOL, cur, "unbalanced \")\"");
  g_ptr_array_set_size (self->stack, self->stack->len - 1);
  cur->pos++;
  return TRUE;
}

/* RFC 9051 §7.5.2: BODY[section]<origin>; the origin is a number in angle brackets. */
static gboolean
parse_origin (TaubeImapParser *self,
              Cursor          *cur,
              TaubeImapValue  *section,
              GError         **error)
{
  gsize start = cur->pos + 1;
  gsize i = start;

  while (i < cur->end && g_ascii_isdigit (cur->buf[i]))
    i++;
  if (i == start || i >= cur->end || cur->buf[i] != '>' ||
      !parse_u64 (cur->buf + start, i - start, &section->number))
    return fail (self, error, TAUBE_IMAP_ERROR_PROTOCOL, cur, "malformed partial origin");
  section->has_origin = TRUE;
  cur->pos = i + 1;
  return TRUE;
}

static gboolean
close_bracket (TaubeImapParser *self,
               Cursor          *cur,
               GError         **error)
{
  TaubeImapValue *top = top_of_stack (self);

  g_ptr_array_set_size (self->stack, self->stack->len - 1);
  cur->pos++;
  if (top == self->response->code)
    {
      enter_text (self, cur);
      return TRUE;
    }
  _taube_imap_value_close_section (top);
  if (cur->pos < cur->end && cur->buf[cur->pos] == '<')
    return parse_origin (self, cur, top, error);
  return TRUE;
}

/* Backslash escapes only "\"" and "\\" (RFC 9051 §9 quoted-specials); any other
 * backslash is kept as it is rather than rejected. */
static gsize
unescape_quoted (const guint8 *p,
                 gsize         len,
                 char         *out)
{
  gsize n = 0;

  for (gsize i = 0; i < len; i++, n++)
    {
      if (p[i] == '\\' && i + 1 < len && (p[i + 1] == '"' || p[i + 1] == '\\'))
        i++;
      if (out != NULL)
        out[n] = p[i];
    }
  return n;
}

static gboolean
lex_quoted (TaubeImapParser *self,
            Cursor          *cur,
            GError         **error)
{
  gsize start = cur->pos + 1;
  gsize i;
  TaubeImapValue *value;

  for (i = start; i < cur->end && cur->buf[i] != '"'; i++)
    if (cur->buf[i] == '\\' && i + 1 < cur->end &&
        (cur->buf[i + 1] == '"' || cur->buf[i + 1] == '\\'))
      i++;
  if (i >= cur->end)
    return fail (self, error, TAUBE_IMAP_ERROR_PROTOCOL, cur, "unterminated quoted string");

  value = _taube_imap_value_new_string (unescape_quoted (cur->buf + start, i - start, NULL));
  unescape_quoted (cur->buf + start, i - start, value->data);
  _taube_imap_value_append (top_of_stack (self), value);
  cur->pos = i + 1;
  return TRUE;
}

/* RFC 9051 §7.5.2: the FETCH items whose values are message text. */
static gboolean
is_body_item (const TaubeImapValue *key)
{
  const char *name = taube_imap_value_get_section_name (key);

  if (name != NULL)
    return g_ascii_strcasecmp (name, "BODY") == 0 || g_ascii_strcasecmp (name, "BINARY") == 0;
  return taube_imap_value_is_atom (key, "RFC822") ||
         taube_imap_value_is_atom (key, "RFC822.HEADER") ||
         taube_imap_value_is_atom (key, "RFC822.TEXT");
}

/* Whether the literal about to start is the value of a body item directly inside
 * "* n FETCH (...)": an odd number of items so far, the last being its name. */
static TaubeImapValue *
streamed_item (TaubeImapParser *self)
{
  TaubeImapValue *top = top_of_stack (self);
  TaubeImapValue *key = _taube_imap_value_get_last (top);

  if (!self->response->has_number || g_strcmp0 (self->response->keyword, "FETCH") != 0 ||
      self->stack->len != 2 || top->kind != TAUBE_IMAP_VALUE_LIST ||
      top->children->len % 2 != 1 || !is_body_item (key))
    return NULL;
  return key;
}

static void
finish_literal (TaubeImapParser *self)
{
  gboolean streamed = self->literal == NULL;

  self->in_literal = FALSE;
  self->literal = NULL;
  self->literal_filled = 0;
  if (streamed && self->callbacks.literal_end != NULL)
    {
      self->in_callback = TRUE;
      self->callbacks.literal_end (self, self->user_data);
      self->in_callback = FALSE;
    }
}

static void
begin_streamed (TaubeImapParser *self,
                TaubeImapValue  *item,
                guint64          size)
{
  _taube_imap_value_append (top_of_stack (self), _taube_imap_value_new_streamed (size));
  self->literal = NULL;
  if (self->callbacks.literal_begin == NULL)
    return;
  self->in_callback = TRUE;
  self->callbacks.literal_begin (self, self->response->number, item, size, self->user_data);
  self->in_callback = FALSE;
}

static gboolean
begin_buffered (TaubeImapParser *self,
                Cursor          *cur,
                guint64          size,
                GError         **error)
{
  if (size > self->limits.max_literal)
    return fail (self, error, TAUBE_IMAP_ERROR_TOO_BIG, cur,
                 "literal of %" G_GUINT64_FORMAT " bytes is over the limit of %" G_GSIZE_FORMAT,
                 size, self->limits.max_literal);
  if (self->buffered + size > self->limits.max_buffered)
    return fail (self, error, TAUBE_IMAP_ERROR_TOO_BIG, cur,
                 "literals of this response are over the limit of %" G_GSIZE_FORMAT " bytes",
                 self->limits.max_buffered);
  self->buffered += size;
  self->literal = _taube_imap_value_new_string (size);
  _taube_imap_value_append (top_of_stack (self), self->literal);
  return TRUE;
}

static gboolean
begin_literal (TaubeImapParser *self,
               Cursor          *cur,
               guint64          size,
               GError         **error)
{
  TaubeImapValue *item = streamed_item (self);

  if (item != NULL)
    begin_streamed (self, item, size);
  else if (!begin_buffered (self, cur, size, error))
    return FALSE;

  self->in_literal = TRUE;
  self->literal_left = size;
  self->literal_filled = 0;
  if (size == 0)
    finish_literal (self);
  return TRUE;
}

/* RFC 9051 §4.3: literal = "{" number64 ["+"] "}" CRLF *CHAR8, and RFC 3516 literal8 is
 * the same with "~" in front.  The "{...}" must end the segment. */
static gboolean
lex_literal (TaubeImapParser *self,
             Cursor          *cur,
             GError         **error)
{
  gsize start = cur->pos + (cur->buf[cur->pos] == '~' ? 2 : 1);
  gsize i = start;
  guint64 size;

  while (i < cur->end && g_ascii_isdigit (cur->buf[i]))
    i++;
  if (i == start || !parse_u64 (cur->buf + start, i - start, &size))
    return fail (self, error, TAUBE_IMAP_ERROR_PROTOCOL, cur, "bad literal size");
  if (i < cur->end && cur->buf[i] == '+')
    i++;
  if (i >= cur->end || cur->buf[i] != '}')
    return fail (self, error, TAUBE_IMAP_ERROR_PROTOCOL, cur, "bad literal size");
  if (i + 1 != cur->end)
    {
      cur->pos = i + 1;
      return fail (self, error, TAUBE_IMAP_ERROR_PROTOCOL, cur,
                   "a literal's \"}\" must be followed by CRLF");
    }
  cur->pos = cur->end;
  cur->literal = TRUE;
  return begin_literal (self, cur, size, error);
}

static gboolean
is_section_item (const guint8 *p,
                 gsize         len)
{
  static const char *const names[] = {
    "BODY", "BODY.PEEK", "BINARY", "BINARY.PEEK", "BINARY.SIZE",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (strlen (names[i]) == len && g_ascii_strncasecmp ((const char *) p, names[i], len) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
append_word (TaubeImapParser *self,
             Cursor          *cur,
             gsize            len,
             GError         **error)
{
  const guint8 *p = cur->buf + cur->pos;
  TaubeImapValue *value;
  guint64 n;

  if (is_digits (p, len))
    {
      if (!parse_u64 (p, len, &n))
        return fail (self, error, TAUBE_IMAP_ERROR_PROTOCOL, cur, "number too large for 64 bits");
      value = _taube_imap_value_new_number ((const char *) p, len, n);
    }
  else if (len == 3 && g_ascii_strncasecmp ((const char *) p, "NIL", 3) == 0)
    value = _taube_imap_value_new_scalar (TAUBE_IMAP_VALUE_NIL, "NIL", 3);
  else
    value = _taube_imap_value_new_scalar (TAUBE_IMAP_VALUE_ATOM, (const char *) p, len);
  _taube_imap_value_append (top_of_stack (self), value);
  cur->pos += len;
  return TRUE;
}

static gboolean
lex_atom (TaubeImapParser *self,
          Cursor          *cur,
          GError         **error)
{
  gboolean bracket_ends = top_is_bracket (self);
  gsize len = scan_atom (cur, bracket_ends, TRUE);
  gsize at = cur->pos + len;

  /* "[" opens a section only after a FETCH item name; in "[Gmail]/Sent" it is part
   * of the word (RFC 9051 §9: "[" is an ATOM-CHAR). */
  if (at < cur->end && cur->buf[at] == '[')
    {
      if (is_section_item (cur->buf + cur->pos, len))
        {
          TaubeImapValue *section =
            _taube_imap_value_new_section ((const char *) cur->buf + cur->pos, len);

          cur->pos = at;
          if (!push (self, cur, section, error))
            return FALSE;
          cur->pos++;
          return TRUE;
        }
      len = scan_atom (cur, bracket_ends, FALSE);
    }
  if (len == 0)
    return fail (self, error, TAUBE_IMAP_ERROR_PROTOCOL, cur,
                 "control character 0x%02x outside a string", cur->buf[cur->pos]);
  return append_word (self, cur, len, error);
}

static gboolean
lex_value (TaubeImapParser *self,
           Cursor          *cur,
           GError         **error)
{
  guint8 c = cur->buf[cur->pos];

  switch (c)
    {
    case ' ':
      cur->pos++;
      return TRUE;
    case '(':
      return open_list (self, cur, error);
    case ')':
      return close_list (self, cur, error);
    case '"':
      return lex_quoted (self, cur, error);
    case '{':
      return lex_literal (self, cur, error);
    case '~':
      if (cur->pos + 1 < cur->end && cur->buf[cur->pos + 1] == '{')
        return lex_literal (self, cur, error);
      return lex_atom (self, cur, error);
    case ']':
      if (top_is_bracket (self))
        return close_bracket (self, cur, error);
      return lex_atom (self, cur, error);
    default:
      return lex_atom (self, cur, error);
    }
}

static gboolean
parse_values (TaubeImapParser *self,
              Cursor          *cur,
              GError         **error)
{
  while (self->phase == PHASE_DATA && !cur->literal && cur->pos < cur->end)
    if (!lex_value (self, cur, error))
      return FALSE;
  return TRUE;
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
          if (!parse_values (self, cur, error))
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
    finish_literal (self);
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
