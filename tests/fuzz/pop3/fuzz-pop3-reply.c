/* fuzz-pop3-reply.c — libFuzzer target for the POP3 reply parsers and the dot-unstuffer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is a server's byte stream. Its lines go through the status parser, the
 * multi-line reader, the listing and unique-id parsers and CAPA. The whole input also goes
 * through the unstuffer twice, in one piece and cut at offsets taken from the input, and
 * the target aborts if the two disagree: byte splits must never matter.
 */
#include "fuzz-target.h"

#include <stdlib.h>
#include <string.h>

#include "taube-pop3-reply.h"
#include "taube-pop3-unstuffer.h"

static void
parse_lines (const guint8 *data,
             size_t        size)
{
  g_autoptr(TaubePop3Reply) multi = NULL;
  g_autoptr(GPtrArray) capa = g_ptr_array_new_with_free_func (g_free);
  gsize start = 0;

  while (start < size)
    {
      const guint8 *newline = memchr (data + start, '\n', size - start);
      gsize end = newline != NULL ? (gsize) (newline - data) : size;
      gsize length = end - start;
      g_autofree char *line = NULL;
      g_autoptr(TaubePop3Reply) reply = NULL;
      g_autofree char *uid = NULL;
      gboolean done = FALSE;
      guint number;
      guint64 octets;

      if (length > 0 && data[end - 1] == '\r')
        length--;
      line = g_malloc (length + 1);
      memcpy (line, data + start, length);
      line[length] = '\0';
      start = end + 1;

      reply = taube_pop3_reply_parse (line, length, NULL);
      if (reply != NULL)
        {
          taube_pop3_parse_listing (reply->text, &number, &octets, NULL);
          if (multi == NULL && reply->status == TAUBE_POP3_STATUS_OK)
            multi = g_steal_pointer (&reply);
          continue;
        }
      if (multi != NULL && taube_pop3_reply_add_line (multi, line, length, &done, NULL) && done)
        g_clear_pointer (&multi, taube_pop3_reply_free);
      if (memchr (line, '\0', length) == NULL)
        {
          taube_pop3_parse_listing (line, &number, &octets, NULL);
          if (taube_pop3_parse_unique_id (line, &number, &uid, NULL) && uid[0] == '\0')
            abort ();
          g_ptr_array_add (capa, g_strdup (line));
        }
    }
  g_hash_table_unref (taube_pop3_parse_capabilities (capa));
}

static GByteArray *
unstuff (const guint8 *data,
         size_t        size,
         gsize         cut1,
         gsize         cut2,
         gsize        *consumed)
{
  TaubePop3Unstuffer unstuffer;
  GByteArray *output = g_byte_array_new ();
  g_autofree guint8 *buffer = g_malloc (size + 1);
  gsize cuts[] = { cut1, cut2, size };
  gsize offset = 0;

  taube_pop3_unstuffer_init (&unstuffer);
  for (guint i = 0; i < G_N_ELEMENTS (cuts) && !taube_pop3_unstuffer_is_done (&unstuffer); i++)
    {
      gsize end = MAX (offset, MIN (cuts[i], size));
      gsize out = 0;
      gsize used = taube_pop3_unstuffer_feed (&unstuffer, data + offset, end - offset, buffer,
                                              &out);

      if (out > end - offset + 1 || used > end - offset)
        abort ();
      g_byte_array_append (output, buffer, (guint) out);
      offset += used;
    }
  *consumed = offset;
  return output;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GByteArray) whole = NULL;
  g_autoptr(GByteArray) split = NULL;
  gsize whole_used = 0;
  gsize split_used = 0;
  guint hash = 5381;

  parse_lines (data, size);

  for (size_t i = 0; i < size; i++)
    hash = hash * 33 + data[i];
  whole = unstuff (data, size, size, size, &whole_used);
  split = unstuff (data, size, size > 0 ? hash % (size + 1) : 0,
                   size > 0 ? (hash / 7) % (size + 1) : 0, &split_used);
  if (whole->len != split->len || whole_used != split_used
      || (whole->len > 0 && memcmp (whole->data, split->data, whole->len) != 0))
    abort ();
  return 0;
}
