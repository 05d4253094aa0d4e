/* taube-smtp-reply.c — SMTP replies: codes, multi-line text, enhanced status codes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 5321 §4.2: a reply is one or more lines "ddd-text" ending with "ddd text" (or a bare
 * "ddd"). RFC 2034 / RFC 3463: with ENHANCEDSTATUSCODES the text starts with
 * "class.subject.detail". Untrusted input, fuzzed in tests/fuzz/smtp.
 */
#define G_LOG_DOMAIN "taube-smtp"

#include <string.h>

#include "taube-smtp-error.h"
#include "taube-smtp-reply.h"

/* A reply longer than this is not from a mail server (EHLO lists some twenty lines). */
#define MAX_REPLY_LINES 512

void
taube_smtp_reply_parser_init (TaubeSmtpReplyParser *parser)
{
  g_return_if_fail (parser != NULL);
  parser->partial = NULL;
}

void
taube_smtp_reply_parser_clear (TaubeSmtpReplyParser *parser)
{
  g_return_if_fail (parser != NULL);
  g_clear_pointer (&parser->partial, taube_smtp_reply_free);
}

void
taube_smtp_reply_free (TaubeSmtpReply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->enhanced);
  g_clear_pointer (&reply->lines, g_ptr_array_unref);
  g_free (reply);
}

static gboolean
fail (GError     **error,
      const char  *what)
{
  g_set_error_literal (error, TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_PROTOCOL, what);
  return FALSE;
}

/* 1 to 3 digits; moves *p past them. */
static gboolean
skip_digits (const char **p)
{
  guint n = 0;

  while (g_ascii_isdigit ((*p)[n]) && n < 4)
    n++;
  if (n == 0 || n > 3)
    return FALSE;
  *p += n;
  return TRUE;
}

/* RFC 3463 §2: class "." subject "." detail, class matching the reply's first digit. */
static const char *
take_enhanced (const char  *text,
               guint        code,
               char       **enhanced)
{
  const char *p = text;

  if (p[0] != (char) ('0' + code / 100) || (p[0] != '2' && p[0] != '4' && p[0] != '5')
      || p[1] != '.')
    return text;
  p += 2;
  if (!skip_digits (&p) || *p != '.')
    return text;
  p++;
  if (!skip_digits (&p) || (*p != ' ' && *p != '\0'))
    return text;
  if (*enhanced == NULL)
    *enhanced = g_strndup (text, p - text);
  while (*p == ' ')
    p++;
  return p;
}

/**
 * taube_smtp_reply_parser_feed:
 * @parser: a #TaubeSmtpReplyParser
 * @line: one reply line without its CRLF
 * @length: its length; a NUL byte inside is an error
 * @reply: (out) (transfer full) (nullable): the reply, once its last line was fed
 * @error: return location for a #GError
 *
 * Returns: %FALSE if @line is not a valid reply line; the parser is reset then
 */
gboolean
taube_smtp_reply_parser_feed (TaubeSmtpReplyParser  *parser,
                              const char            *line,
                              gsize                  length,
                              TaubeSmtpReply       **reply,
                              GError               **error)
{
  guint code;
  gboolean last;
  const char *text;

  g_return_val_if_fail (parser != NULL, FALSE);
  g_return_val_if_fail (line != NULL, FALSE);
  g_return_val_if_fail (reply != NULL, FALSE);

  *reply = NULL;
  if (memchr (line, '\0', length) != NULL || line[length] != '\0' || length < 3
      || line[0] < '2' || line[0] > '5' || !g_ascii_isdigit (line[1])
      || !g_ascii_isdigit (line[2]) || (length > 3 && line[3] != ' ' && line[3] != '-'))
    {
      taube_smtp_reply_parser_clear (parser);
      return fail (error, "not an SMTP reply line");
    }
  code = (guint) ((line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0'));
  last = length == 3 || line[3] == ' ';

  if (parser->partial == NULL)
    {
      parser->partial = g_new0 (TaubeSmtpReply, 1);
      parser->partial->code = code;
      parser->partial->lines = g_ptr_array_new_with_free_func (g_free);
    }
  else if (parser->partial->code != code)
    {
      /* RFC 5321 §4.2.1: every line of a reply has the same code. */
      taube_smtp_reply_parser_clear (parser);
      return fail (error, "reply code changed inside a multi-line reply");
    }
  if (parser->partial->lines->len >= MAX_REPLY_LINES)
    {
      taube_smtp_reply_parser_clear (parser);
      return fail (error, "reply has too many lines");
    }

  text = length > 4 ? line + 4 : "";
  text = take_enhanced (text, code, &parser->partial->enhanced);
  g_ptr_array_add (parser->partial->lines, g_strdup (text));
  if (last)
    *reply = g_steal_pointer (&parser->partial);
  return TRUE;
}

/**
 * taube_smtp_reply_get_text:
 * @reply: a #TaubeSmtpReply
 *
 * Returns: (transfer full): the lines joined with spaces, with the enhanced code in front
 *   when there was one, for error messages: "5.7.8 Authentication failed"
 */
char *
taube_smtp_reply_get_text (const TaubeSmtpReply *reply)
{
  GString *text = g_string_new (reply->enhanced);

  g_return_val_if_fail (reply != NULL, NULL);

  for (guint i = 0; i < reply->lines->len; i++)
    {
      const char *line = g_ptr_array_index (reply->lines, i);

      if (*line == '\0')
        continue;
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, line);
    }
  if (text->len == 0)
    g_string_printf (text, "%u", reply->code);
  return g_string_free (text, FALSE);
}

/**
 * taube_smtp_reply_get_class:
 * @reply: a #TaubeSmtpReply
 *
 * Returns: the first digit: 2 done, 3 go on, 4 try later, 5 failed
 */
guint
taube_smtp_reply_get_class (const TaubeSmtpReply *reply)
{
  g_return_val_if_fail (reply != NULL, 0);
  return reply->code / 100;
}

/**
 * taube_smtp_parse_extensions:
 * @reply: the 250 reply to EHLO
 *
 * Returns: (transfer full) (element-type utf8 utf8): upper-case extension keywords mapped
 *   to their parameters ("" if none) from every line but the first (RFC 5321 §4.1.1.1);
 *   the old "AUTH=PLAIN" spelling counts as "AUTH PLAIN"
 */
GHashTable *
taube_smtp_parse_extensions (const TaubeSmtpReply *reply)
{
  GHashTable *extensions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_return_val_if_fail (reply != NULL, extensions);

  for (guint i = 1; i < reply->lines->len; i++)
    {
      const char *line = g_ptr_array_index (reply->lines, i);
      gsize name_length = strcspn (line, " =");
      const char *params = line + name_length;

      if (name_length == 0)
        continue;
      while (*params == ' ' || *params == '=')
        params++;
      /* The standard spelling wins over the old one when both are there. */
      if (line[name_length] == '=' && g_hash_table_contains (extensions, "AUTH"))
        continue;
      g_hash_table_replace (extensions, g_ascii_strup (line, name_length), g_strdup (params));
    }
  return extensions;
}
