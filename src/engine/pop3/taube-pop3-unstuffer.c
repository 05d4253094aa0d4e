/* taube-pop3-unstuffer.c — the end and the stuffed dots of a streamed multi-line response
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 1939 §3: a multi-line response ends with a line holding a single ".", and a line of
 * the data that starts with "." is sent with one more ".". This undoes that on a byte
 * stream cut anywhere, in constant memory: it keeps only where in a line it is. The data
 * comes out byte for byte as the server stored it (CRLF stays CRLF); ".\n" also ends the
 * response, for servers that send bare LF.
 */
#include "taube-pop3-unstuffer.h"

enum
{
  LINE_START,   /* at the beginning of a line */
  AFTER_DOT,    /* a "." at the beginning of a line was held back */
  AFTER_DOT_CR, /* ".\r" at the beginning of a line was held back */
  MIDDLE,       /* inside a line */
  AFTER_CR,     /* a "\r" inside a line was passed on */
};

void
taube_pop3_unstuffer_init (TaubePop3Unstuffer *unstuffer)
{
  g_return_if_fail (unstuffer != NULL);

  unstuffer->state = LINE_START;
  unstuffer->done = FALSE;
}

static guint
state_after (guint8 c)
{
  if (c == '\n')
    return LINE_START;
  return c == '\r' ? AFTER_CR : MIDDLE;
}

/**
 * taube_pop3_unstuffer_feed:
 * @unstuffer: a #TaubePop3Unstuffer
 * @input: (array length=input_length): bytes from the server
 * @input_length: how many
 * @output: where the data goes; room for @input_length + 1 bytes
 * @output_length: (out): how many bytes were written to @output
 *
 * Returns: how many bytes of @input were used; fewer than @input_length only when the
 *   terminating line ended inside @input (the rest belongs to the next reply)
 */
gsize
taube_pop3_unstuffer_feed (TaubePop3Unstuffer *unstuffer,
                           const guint8       *input,
                           gsize               input_length,
                           guint8             *output,
                           gsize              *output_length)
{
  gsize out = 0;
  gsize i;

  g_return_val_if_fail (unstuffer != NULL, 0);
  g_return_val_if_fail (output_length != NULL, 0);

  for (i = 0; i < input_length && !unstuffer->done; i++)
    {
      guint8 c = input[i];

      switch (unstuffer->state)
        {
        case LINE_START:
          if (c == '.')
            unstuffer->state = AFTER_DOT;
          else
            {
              output[out++] = c;
              unstuffer->state = state_after (c);
            }
          break;
        case AFTER_DOT:
          if (c == '\r')
            unstuffer->state = AFTER_DOT_CR;
          else if (c == '\n')
            unstuffer->done = TRUE;
          else
            {
              /* The stuffed dot is dropped; the byte after it is data. */
              output[out++] = c;
              unstuffer->state = state_after (c);
            }
          break;
        case AFTER_DOT_CR:
          if (c == '\n')
            unstuffer->done = TRUE;
          else
            {
              /* "." CR and no LF: the dot was stuffed, the CR is data. This is the only
               * case that writes two bytes for one, hence the +1 in the output size. */
              output[out++] = '\r';
              output[out++] = c;
              unstuffer->state = state_after (c);
            }
          break;
        case AFTER_CR:
        case MIDDLE:
        default:
          output[out++] = c;
          unstuffer->state = state_after (c);
          break;
        }
    }
  *output_length = out;
  return i;
}

/**
 * taube_pop3_unstuffer_is_done:
 * @unstuffer: a #TaubePop3Unstuffer
 *
 * Returns: %TRUE once the terminating "." line has been seen
 */
gboolean
taube_pop3_unstuffer_is_done (const TaubePop3Unstuffer *unstuffer)
{
  g_return_val_if_fail (unstuffer != NULL, FALSE);

  return unstuffer->done;
}
