/* fuzz-utf7.c — the modified UTF-7 codec for IMAP mailbox names
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Mailbox names come from the server, so the decoder sees hostile input. Beyond "no
 * crash", the target checks the codec is a bijection: whatever the strict decoder accepts
 * encodes back to the same bytes, and any UTF-8 name survives encode then decode. A name
 * that did not round-trip would make Taube SELECT or DELETE a different mailbox.
 */
#include <glib.h>
#include <string.h>

#include "fuzz-target.h"
#include "taube-utf7.h"

static void
check_decode (const char *input)
{
  g_autofree char *decoded = taube_utf7_decode (input, NULL);
  g_autofree char *again = NULL;

  if (decoded == NULL)
    return;
  g_assert_true (g_utf8_validate (decoded, -1, NULL));
  again = taube_utf7_encode (decoded, NULL);
  g_assert_cmpstr (again, ==, input);
}

static void
check_encode (const char *input)
{
  g_autofree char *encoded = NULL;
  g_autofree char *decoded = NULL;

  if (!g_utf8_validate (input, -1, NULL))
    return;
  encoded = taube_utf7_encode (input, NULL);
  g_assert_nonnull (encoded);
  decoded = taube_utf7_decode (encoded, NULL);
  g_assert_cmpstr (decoded, ==, input);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);

  /* The name ends at the first NUL, as it would in a C string from the parser. */
  check_decode (text);
  check_encode (text);
  return 0;
}
