/* fuzz-smtp-reply.c — libFuzzer target for the SMTP reply parser and the dot-stuffer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is fed line by line to the reply parser (as a server's stream) and each reply
 * through the EHLO parser. It is also a message body for the dot-stuffer, cut at offsets
 * taken from the input; the target aborts unless the POP3 unstuffer, reading the stuffed
 * stream, stops exactly at its end and gives back the body with every line ending made
 * CRLF: no input may end DATA early or differently.
 */
#include "fuzz-target.h"

#include <stdlib.h>
#include <string.h>

#include "taube-pop3-unstuffer.h"
#include "taube-smtp-reply.h"
#include "taube-smtp-stuffer.h"

static void
parse_replies (const guint8 *data,
               size_t        size)
{
  TaubeSmtpReplyParser parser;
  gsize start = 0;

  taube_smtp_reply_parser_init (&parser);
  while (start < size)
    {
      const guint8 *newline = memchr (data + start, '\n', size - start);
      gsize end = newline != NULL ? (gsize) (newline - data) : size;
      gsize length = end - start;
      g_autofree char *line = g_malloc (length + 1);
      g_autoptr(TaubeSmtpReply) reply = NULL;

      memcpy (line, data + start, length);
      line[length] = '\0';
      if (length > 0 && line[length - 1] == '\r')
        line[--length] = '\0';
      start = end + 1;

      if (taube_smtp_reply_parser_feed (&parser, line, length, &reply, NULL) && reply != NULL)
        {
          g_autofree char *text = taube_smtp_reply_get_text (reply);

          if (reply->code < 200 || reply->code > 599 || text == NULL)
            abort ();
          g_hash_table_unref (taube_smtp_parse_extensions (reply));
        }
    }
  taube_smtp_reply_parser_clear (&parser);
}

/* Every CRLF, bare CR and bare LF as CRLF, and a final CRLF unless empty. */
static GByteArray *
normalise (const guint8 *data,
           size_t        size)
{
  GByteArray *out = g_byte_array_new ();

  for (size_t i = 0; i < size; i++)
    {
      if (data[i] == '\r' && i + 1 < size && data[i + 1] == '\n')
        continue;
      if (data[i] == '\r' || data[i] == '\n')
        g_byte_array_append (out, (const guint8 *) "\r\n", 2);
      else
        g_byte_array_append (out, data + i, 1);
    }
  if (out->len > 0 && (out->len < 2 || memcmp (out->data + out->len - 2, "\r\n", 2) != 0))
    g_byte_array_append (out, (const guint8 *) "\r\n", 2);
  return out;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  TaubeSmtpStuffer stuffer;
  TaubePop3Unstuffer unstuffer;
  g_autoptr(GByteArray) wire = g_byte_array_new ();
  g_autoptr(GByteArray) expected = NULL;
  g_autofree guint8 *buffer = g_malloc (2 * size + 2 + TAUBE_SMTP_STUFFER_FINISH_SIZE);
  g_autofree guint8 *back = NULL;
  gsize offset = 0;
  gsize back_length = 0;
  gsize used;
  guint hash = 5381;

  parse_replies (data, size);

  for (size_t i = 0; i < size; i++)
    hash = hash * 33 + data[i];
  taube_smtp_stuffer_init (&stuffer);
  while (offset < size)
    {
      gsize piece = MIN (size - offset, 1 + (hash >> (offset % 16)) % 64);
      gsize out = taube_smtp_stuffer_feed (&stuffer, data + offset, piece, buffer);

      if (out > 2 * piece + 2)
        abort ();
      g_byte_array_append (wire, buffer, (guint) out);
      offset += piece;
    }
  g_byte_array_append (wire, buffer, (guint) taube_smtp_stuffer_finish (&stuffer, buffer));

  back = g_malloc (wire->len + 1);
  taube_pop3_unstuffer_init (&unstuffer);
  used = taube_pop3_unstuffer_feed (&unstuffer, wire->data, wire->len, back, &back_length);
  expected = normalise (data, size);
  if (!taube_pop3_unstuffer_is_done (&unstuffer) || used != wire->len
      || back_length != expected->len
      || (back_length > 0 && memcmp (back, expected->data, back_length) != 0))
    abort ();
  return 0;
}
