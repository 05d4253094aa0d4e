/* taube-smtp-stuffer.c — a message body made safe for DATA, as it streams
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 5321 §4.5.2: a line of the message that starts with "." gets another ".", and the
 * body ends with CRLF "." CRLF. Line ends are made CRLF on the way: RFC 5321 §2.3.8
 * forbids bare CR and LF, and passing them on is what "SMTP smuggling" (a "\n.\r\n" one
 * server ends the message at and the next does not) needs. Works on pieces cut anywhere,
 * in constant memory.
 */
#include "taube-smtp-stuffer.h"

void
taube_smtp_stuffer_init (TaubeSmtpStuffer *stuffer)
{
  g_return_if_fail (stuffer != NULL);

  stuffer->line_start = TRUE;
  stuffer->pending_cr = FALSE;
}

/**
 * taube_smtp_stuffer_feed:
 * @stuffer: a #TaubeSmtpStuffer
 * @input: (array length=input_length): a piece of the message
 * @input_length: its length
 * @output: room for 2 × @input_length + 2 bytes
 *
 * Returns: how many bytes were written to @output
 */
gsize
taube_smtp_stuffer_feed (TaubeSmtpStuffer *stuffer,
                         const guint8     *input,
                         gsize             input_length,
                         guint8           *output)
{
  gsize out = 0;

  g_return_val_if_fail (stuffer != NULL, 0);

  for (gsize i = 0; i < input_length; i++)
    {
      guint8 c = input[i];

      if (stuffer->pending_cr)
        {
          /* CR LF, or a bare CR: either way a line end. */
          output[out++] = '\r';
          output[out++] = '\n';
          stuffer->pending_cr = FALSE;
          stuffer->line_start = TRUE;
          if (c == '\n')
            continue;
        }
      if (c == '\r')
        {
          stuffer->pending_cr = TRUE;
          continue;
        }
      if (c == '\n')
        {
          output[out++] = '\r';
          output[out++] = '\n';
          stuffer->line_start = TRUE;
          continue;
        }
      if (c == '.' && stuffer->line_start)
        output[out++] = '.';
      output[out++] = c;
      stuffer->line_start = FALSE;
    }
  return out;
}

/**
 * taube_smtp_stuffer_finish:
 * @stuffer: a #TaubeSmtpStuffer
 * @output: room for %TAUBE_SMTP_STUFFER_FINISH_SIZE bytes
 *
 * Ends the last line if the message did not, and writes the terminating ".".
 *
 * Returns: how many bytes were written to @output
 */
gsize
taube_smtp_stuffer_finish (TaubeSmtpStuffer *stuffer,
                           guint8           *output)
{
  gsize out = 0;

  g_return_val_if_fail (stuffer != NULL, 0);

  if (stuffer->pending_cr || !stuffer->line_start)
    {
      output[out++] = '\r';
      output[out++] = '\n';
    }
  output[out++] = '.';
  output[out++] = '\r';
  output[out++] = '\n';
  stuffer->pending_cr = FALSE;
  stuffer->line_start = TRUE;
  return out;
}
