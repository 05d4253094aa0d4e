/* taube-pop3-reply.c — POP3 status lines, multi-line replies and listings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here reads untrusted bytes and is fuzzed (tests/fuzz/pop3). Errors are
 * TAUBE_POP3_ERROR_PROTOCOL with a terse technical message for the debug log; the client
 * tells the person what that means.
 */
#define G_LOG_DOMAIN "taube-pop3"

#include <string.h>

#include "taube-pop3-error.h"
#include "taube-pop3-reply.h"

/* RFC 1939 §7 allows 70 characters in a unique-id; some servers send more. */
#define MAX_UID_LENGTH 512

static gboolean
fail (GError     **error,
      const char  *what)
{
  g_set_error_literal (error, TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_PROTOCOL, what);
  return FALSE;
}

static gboolean
has_prefix_word (const char *line,
                 const char *word)
{
  gsize len = strlen (word);

  return g_ascii_strncasecmp (line, word, len) == 0 && (line[len] == '\0' || line[len] == ' ');
}

/* RFC 2449 §8: "[" resp-level *("/" resp-level) "]", printable and without spaces. */
static const char *
parse_code (const char  *text,
            char       **code)
{
  const char *end;

  if (text[0] != '[')
    return text;
  for (end = text + 1; *end != '\0' && *end != ']'; end++)
    if (*end <= ' ' || *end >= 0x7f)
      return text;
  if (*end != ']' || end == text + 1)
    return text;
  *code = g_ascii_strup (text + 1, end - text - 1);
  end++;
  while (*end == ' ')
    end++;
  return end;
}

/**
 * taube_pop3_reply_parse:
 * @line: a status line without its CRLF
 * @length: its length; a NUL byte inside is an error
 * @error: return location for a #GError
 *
 * Parses "+OK text", "-ERR [CODE] text" (RFC 1939 §3, RFC 2449 §8) or a SASL
 * continuation "+ base64" (RFC 5034 §4). Status words are matched case-insensitively.
 *
 * Returns: (transfer full) (nullable): the reply, or %NULL for anything else
 */
TaubePop3Reply *
taube_pop3_reply_parse (const char  *line,
                        gsize        length,
                        GError     **error)
{
  g_autoptr(TaubePop3Reply) reply = g_new0 (TaubePop3Reply, 1);
  const char *rest;

  g_return_val_if_fail (line != NULL, NULL);

  if (memchr (line, '\0', length) != NULL || line[length] != '\0')
    {
      fail (error, "NUL byte in status line");
      return NULL;
    }

  if (has_prefix_word (line, "+OK"))
    {
      reply->status = TAUBE_POP3_STATUS_OK;
      rest = line + 3;
    }
  else if (has_prefix_word (line, "-ERR"))
    {
      reply->status = TAUBE_POP3_STATUS_ERR;
      rest = line + 4;
    }
  else if (has_prefix_word (line, "+"))
    {
      reply->status = TAUBE_POP3_STATUS_CONTINUE;
      rest = line + 1;
    }
  else
    {
      fail (error, "status line is neither +OK nor -ERR");
      return NULL;
    }

  while (*rest == ' ')
    rest++;
  if (reply->status != TAUBE_POP3_STATUS_CONTINUE)
    rest = parse_code (rest, &reply->code);
  reply->text = g_strdup (rest);
  return g_steal_pointer (&reply);
}

/**
 * taube_pop3_reply_add_line:
 * @reply: a +OK reply that starts a multi-line response
 * @line: the next line without its CRLF
 * @length: its length
 * @done: (out): set to %TRUE at the terminating "."
 * @error: return location for a #GError
 *
 * Adds one line of a multi-line response, removing the stuffed dot (RFC 1939 §3).
 */
gboolean
taube_pop3_reply_add_line (TaubePop3Reply  *reply,
                           const char      *line,
                           gsize            length,
                           gboolean        *done,
                           GError         **error)
{
  g_return_val_if_fail (reply != NULL, FALSE);
  g_return_val_if_fail (line != NULL, FALSE);
  g_return_val_if_fail (done != NULL, FALSE);

  *done = FALSE;
  if (memchr (line, '\0', length) != NULL || line[length] != '\0')
    return fail (error, "NUL byte in multi-line response");
  if (reply->lines == NULL)
    reply->lines = g_ptr_array_new_with_free_func (g_free);
  if (length == 1 && line[0] == '.')
    {
      *done = TRUE;
      return TRUE;
    }
  if (line[0] == '.')
    {
      line++;
      length--;
    }
  g_ptr_array_add (reply->lines, g_strndup (line, length));
  reply->size += length + 2;
  return TRUE;
}

void
taube_pop3_reply_free (TaubePop3Reply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->code);
  g_free (reply->text);
  g_clear_pointer (&reply->lines, g_ptr_array_unref);
  g_free (reply);
}

/* A decimal number without sign, leading spaces or overflow; moves *text past it. */
static gboolean
parse_number (const char **text,
              guint64      max,
              guint64     *value)
{
  const char *p = *text;
  guint64 result = 0;

  if (!g_ascii_isdigit (*p))
    return FALSE;
  for (; g_ascii_isdigit (*p); p++)
    {
      guint digit = (guint) (*p - '0');

      if (result > (max - digit) / 10)
        return FALSE;
      result = result * 10 + digit;
    }
  *text = p;
  *value = result;
  return TRUE;
}

static const char *
skip_spaces (const char *text)
{
  while (*text == ' ')
    text++;
  return text;
}

/**
 * taube_pop3_parse_listing:
 * @text: "msg size", a scan listing (RFC 1939 §5 LIST) or the text of a STAT reply
 * @number: (out): the message number (or, for STAT, the message count)
 * @size: (out): the size in octets
 * @error: return location for a #GError
 *
 * Anything after the size is ignored, as RFC 1939 §5 allows.
 */
gboolean
taube_pop3_parse_listing (const char  *text,
                          guint       *number,
                          guint64     *size,
                          GError     **error)
{
  guint64 n;

  g_return_val_if_fail (text != NULL, FALSE);

  text = skip_spaces (text);
  if (!parse_number (&text, G_MAXUINT32, &n))
    return fail (error, "bad message number in listing");
  if (*text != ' ')
    return fail (error, "no size in listing");
  text = skip_spaces (text);
  if (!parse_number (&text, G_MAXINT64, size))
    return fail (error, "bad size in listing");
  if (*text != '\0' && *text != ' ')
    return fail (error, "junk after size in listing");
  *number = (guint) n;
  return TRUE;
}

/**
 * taube_pop3_parse_unique_id:
 * @text: "msg unique-id", a unique-id listing (RFC 1939 §7 UIDL)
 * @number: (out): the message number
 * @uid: (out) (transfer full): the unique id, 0x21 to 0x7E only
 * @error: return location for a #GError
 */
gboolean
taube_pop3_parse_unique_id (const char  *text,
                            guint       *number,
                            char       **uid,
                            GError     **error)
{
  guint64 n;
  const char *start;
  const char *end;

  g_return_val_if_fail (text != NULL, FALSE);

  text = skip_spaces (text);
  if (!parse_number (&text, G_MAXUINT32, &n) || n == 0)
    return fail (error, "bad message number in unique-id listing");
  if (*text != ' ')
    return fail (error, "no unique-id in listing");
  start = skip_spaces (text);
  for (end = start; *end > 0x20 && *end < 0x7f; end++)
    ;
  if (end == start || end - start > MAX_UID_LENGTH || *skip_spaces (end) != '\0')
    return fail (error, "bad unique-id in listing");
  *number = (guint) n;
  *uid = g_strndup (start, end - start);
  return TRUE;
}

/**
 * taube_pop3_parse_capabilities:
 * @lines: (element-type utf8): the lines of a CAPA reply (RFC 2449 §5)
 *
 * Returns: (transfer full) (element-type utf8 utf8): upper-case capability names mapped to
 *   their arguments ("" when there are none), e.g. "SASL" → "PLAIN LOGIN"
 */
GHashTable *
taube_pop3_parse_capabilities (GPtrArray *lines)
{
  GHashTable *capabilities = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; lines != NULL && i < lines->len; i++)
    {
      const char *line = skip_spaces (g_ptr_array_index (lines, i));
      const char *space = strchr (line, ' ');
      gsize name_length = space != NULL ? (gsize) (space - line) : strlen (line);

      if (name_length == 0)
        continue;
      g_hash_table_replace (capabilities, g_ascii_strup (line, name_length),
                            g_strdup (space != NULL ? skip_spaces (space) : ""));
    }
  return capabilities;
}
