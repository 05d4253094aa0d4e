/* test-utf7.c — modified UTF-7 round trips and rejects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "taube-utf7.h"

typedef struct
{
  const char *utf8;
  const char *mutf7;
} Pair;

/* RFC 3501 §5.1.3's example, names from real servers, and the edge cases of the
 * base64 bit packing (1, 2 and 3 UTF-16 units, surrogate pairs). */
static const Pair pairs[] = {
  { "INBOX", "INBOX" },
  { "", "" },
  { "&", "&-" },
  { "Tom & Jerry", "Tom &- Jerry" },
  { "~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-" },
  { "Entwürfe", "Entw&APw-rfe" },
  { "Gelöschte Elemente", "Gel&APY-schte Elemente" },
  { "Éléments envoyés", "&AMk-l&AOk-ments envoy&AOk-s" },
  { "Отправленные", "&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-" },
  { "ä", "&AOQ-" },
  { "äö", "&AOQA9g-" },
  { "äöü", "&AOQA9gD8-" },
  { "📧 Mail", "&2D3c5w- Mail" },
  { "a\tb", "a&AAk-b" },
};

static void
test_encode (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *got = taube_utf7_encode (pairs[i].utf8, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (got, ==, pairs[i].mutf7);
    }
}

static void
test_decode (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *got = taube_utf7_decode (pairs[i].mutf7, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (got, ==, pairs[i].utf8);
    }
}

static void
test_decode_invalid (void)
{
  static const char *bad[] = {
    "&AOQ",             /* run never closed */
    "&AOQ=-",           /* "=" padding is not part of modified base64 */
    "&AOQ/-",           /* "/" is written "," */
    "&AOR-",            /* non-zero padding bits */
    "&AGE-",            /* encodes "a", which must be written directly */
    "&ACY-",            /* encodes "&", which must be "&-" */
    "&AOQ-&APY-",       /* two runs in a row must be one */
    "&2D0-",            /* lone high surrogate */
    "&AAA-",            /* U+0000 (found by fuzz-utf7) */
    "caf\xc3\xa9",      /* raw 8-bit is not modified UTF-7 */
    "tab\there",        /* control characters must be encoded */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *got = taube_utf7_decode (bad[i], &error);

      g_assert_null (got);
      g_assert_error (error, TAUBE_UTF7_ERROR, TAUBE_UTF7_ERROR_INVALID);
    }
}

static void
test_encode_invalid (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *got = taube_utf7_encode ("bad \xff name", &error);

  g_assert_null (got);
  g_assert_error (error, TAUBE_UTF7_ERROR, TAUBE_UTF7_ERROR_INVALID);
}

/* Every code point class survives encode then decode. */
static void
test_round_trip_all_planes (void)
{
  static const gunichar samples[] = { 0x1, 0x7f, 0x80, 0xff, 0x100, 0x7ff, 0x800,
                                      0xd7ff, 0xe000, 0xfffd, 0x10000, 0x1f600, 0x10ffff };

  for (gsize i = 0; i < G_N_ELEMENTS (samples); i++)
    for (gsize len = 1; len <= 4; len++)
      {
        g_autoptr(GString) s = g_string_new ("x");
        g_autofree char *enc = NULL;
        g_autofree char *dec = NULL;

        for (gsize k = 0; k < len; k++)
          g_string_append_unichar (s, samples[(i + k) % G_N_ELEMENTS (samples)]);
        g_string_append (s, "y&z");
        enc = taube_utf7_encode (s->str, NULL);
        g_assert_nonnull (enc);
        dec = taube_utf7_decode (enc, NULL);
        g_assert_cmpstr (dec, ==, s->str);
      }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/util/utf7/encode", test_encode);
  g_test_add_func ("/util/utf7/decode", test_decode);
  g_test_add_func ("/util/utf7/decode-invalid", test_decode_invalid);
  g_test_add_func ("/util/utf7/encode-invalid", test_encode_invalid);
  g_test_add_func ("/util/utf7/round-trip-all-planes", test_round_trip_all_planes);

  return g_test_run ();
}
