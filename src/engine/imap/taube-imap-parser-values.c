/* taube-imap-parser-values.c — the values between a response's prefix and its end
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 9051 §4 and §9: atoms, numbers, quoted strings, literals, NIL, parenthesised lists,
 * and FETCH's "name[section]<origin>".  Lists and sections are containers pushed on the
 * parser's explicit stack; a literal ends the segment it starts in, and its bytes are
 * either copied into a string or, for message bodies, streamed to the callbacks.
 */
#define G_LOG_DOMAIN "taube-imap"

#include "taube-imap-parser-private.h"

#include <string.h>

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

TaubeImapValue *
_taube_imap_parser_top (TaubeImapParser *self)
{
  return self->stack->pdata[self->stack->len - 1];
}

/* A "]" closes the innermost container only if that is a section or response code;
 * elsewhere it is an ordinary astring character (RFC 9051 §9, ASTRING-CHAR). */
static gboolean
top_is_bracket (TaubeImapParser *self)
{
  TaubeImapValue *top = _taube_imap_parser_top (self);

  return top->kind == TAUBE_IMAP_VALUE_SECTION || top == self->response->code;
}

gboolean
_taube_imap_parser_is_digits (const guint8 *p,
                              gsize         len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (p[i]))
      return FALSE;
  return len > 0;
}

/* RFC 9051 §9: number64 is 63 bits, but mod-sequences and Gmail's ids are unsigned, so
 * anything up to G_MAXUINT64 is accepted and only real overflow is an error. */
gboolean
_taube_imap_parser_parse_u64 (const guint8 *p,
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
gsize
_taube_imap_parser_scan_atom (const Cursor *cur,
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
  _taube_imap_value_append (_taube_imap_parser_top (self), container);
  g_ptr_array_add (self->stack, container);
  return TRUE;
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
      !_taube_imap_parser_parse_u64 (cur->buf + start, i - start, &section->number))
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
  TaubeImapValue *top = _taube_imap_parser_top (self);

  g_ptr_array_set_size (self->stack, self->stack->len - 1);
  cur->pos++;
  if (top == self->response->code)
    {
      _taube_imap_parser_enter_text (self, cur);
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
  _taube_imap_value_append (_taube_imap_parser_top (self), value);
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
  TaubeImapValue *top = _taube_imap_parser_top (self);
  TaubeImapValue *key = _taube_imap_value_get_last (top);

  if (!self->response->has_number || g_strcmp0 (self->response->keyword, "FETCH") != 0 ||
      self->stack->len != 2 || top->kind != TAUBE_IMAP_VALUE_LIST ||
      top->children->len % 2 != 1 || !is_body_item (key))
    return NULL;
  return key;
}

void
_taube_imap_parser_finish_literal (TaubeImapParser *self)
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
  _taube_imap_value_append (_taube_imap_parser_top (self), _taube_imap_value_new_streamed (size));
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
  _taube_imap_value_append (_taube_imap_parser_top (self), self->literal);
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
    _taube_imap_parser_finish_literal (self);
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
  if (i == start || !_taube_imap_parser_parse_u64 (cur->buf + start, i - start, &size))
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

/* Sections never nest (RFC 9051 §9 section-spec).  Refusing to nest them also keeps
 * each section's spec text from being formatted again by every enclosing one. */
static gboolean
inside_section (TaubeImapParser *self)
{
  for (guint i = 1; i < self->stack->len; i++)
    if (((TaubeImapValue *) self->stack->pdata[i])->kind == TAUBE_IMAP_VALUE_SECTION)
      return TRUE;
  return FALSE;
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

  if (_taube_imap_parser_is_digits (p, len))
    {
      if (!_taube_imap_parser_parse_u64 (p, len, &n))
        return fail (self, error, TAUBE_IMAP_ERROR_PROTOCOL, cur, "number too large for 64 bits");
      value = _taube_imap_value_new_number ((const char *) p, len, n);
    }
  else if (len == 3 && g_ascii_strncasecmp ((const char *) p, "NIL", 3) == 0)
    value = _taube_imap_value_new_scalar (TAUBE_IMAP_VALUE_NIL, "NIL", 3);
  else
    value = _taube_imap_value_new_scalar (TAUBE_IMAP_VALUE_ATOM, (const char *) p, len);
  _taube_imap_value_append (_taube_imap_parser_top (self), value);
  cur->pos += len;
  return TRUE;
}

static gboolean
lex_atom (TaubeImapParser *self,
          Cursor          *cur,
          GError         **error)
{
  gboolean bracket_ends = top_is_bracket (self);
  gsize len = _taube_imap_parser_scan_atom (cur, bracket_ends, TRUE);
  gsize at = cur->pos + len;

  /* "[" opens a section only after a FETCH item name; in "[Gmail]/Sent" it is part
   * of the word (RFC 9051 §9: "[" is an ATOM-CHAR). */
  if (at < cur->end && cur->buf[at] == '[')
    {
      if (is_section_item (cur->buf + cur->pos, len) && !inside_section (self))
        {
          TaubeImapValue *section =
            _taube_imap_value_new_section ((const char *) cur->buf + cur->pos, len);

          cur->pos = at;
          if (!push (self, cur, section, error))
            return FALSE;
          cur->pos++;
          return TRUE;
        }
      len = _taube_imap_parser_scan_atom (cur, bracket_ends, FALSE);
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

gboolean
_taube_imap_parser_parse_values (TaubeImapParser *self,
                                 Cursor          *cur,
                                 GError         **error)
{
  while (self->phase == PHASE_DATA && !cur->literal && cur->pos < cur->end)
    if (!lex_value (self, cur, error))
      return FALSE;
  return TRUE;
}
