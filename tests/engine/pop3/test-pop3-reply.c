/* test-pop3-reply.c — POP3 status lines, listings, CAPA and dot-unstuffing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "taube-pop3-error.h"
#include "taube-pop3-reply.h"
#include "taube-pop3-unstuffer.h"

static TaubePop3Reply *
parse (const char *line)
{
  g_autoptr(GError) error = NULL;
  TaubePop3Reply *reply = taube_pop3_reply_parse (line, strlen (line), &error);

  g_assert_no_error (error);
  g_assert_nonnull (reply);
  return reply;
}

static void
assert_bad (const char *line,
            gsize       length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubePop3Reply) reply = taube_pop3_reply_parse (line, length, &error);

  g_assert_null (reply);
  g_assert_error (error, TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_PROTOCOL);
}

/* RFC 1939 §3 and the examples of §5-§7. */
static void
test_status_rfc1939 (void)
{
  g_autoptr(TaubePop3Reply) greeting =
    parse ("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>");
  g_autoptr(TaubePop3Reply) stat = parse ("+OK 2 320");
  g_autoptr(TaubePop3Reply) error = parse ("-ERR no such message, only 2 messages in maildrop");
  g_autoptr(TaubePop3Reply) bare = parse ("+OK");
  g_autoptr(TaubePop3Reply) lower = parse ("+ok fine");

  g_assert_cmpint (greeting->status, ==, TAUBE_POP3_STATUS_OK);
  g_assert_cmpstr (greeting->text, ==, "POP3 server ready <1896.697170952@dbc.mtview.ca.us>");
  g_assert_null (greeting->code);
  g_assert_cmpstr (stat->text, ==, "2 320");
  g_assert_cmpint (error->status, ==, TAUBE_POP3_STATUS_ERR);
  g_assert_cmpstr (error->text, ==, "no such message, only 2 messages in maildrop");
  g_assert_cmpstr (bare->text, ==, "");
  g_assert_cmpint (lower->status, ==, TAUBE_POP3_STATUS_OK);
}

/* RFC 2449 §8 response codes, RFC 3206 SYS/TEMP and AUTH. */
static void
test_status_codes (void)
{
  g_autoptr(TaubePop3Reply) in_use =
    parse ("-ERR [IN-USE] Do you have another POP session running?");
  g_autoptr(TaubePop3Reply) sys = parse ("-ERR [SYS/TEMP] Sorry, try later");
  g_autoptr(TaubePop3Reply) auth = parse ("-ERR [auth] Plaintext authentication disallowed");
  g_autoptr(TaubePop3Reply) open = parse ("-ERR [unclosed code");
  g_autoptr(TaubePop3Reply) empty = parse ("-ERR [] nothing");

  g_assert_cmpstr (in_use->code, ==, "IN-USE");
  g_assert_cmpstr (in_use->text, ==, "Do you have another POP session running?");
  g_assert_cmpstr (sys->code, ==, "SYS/TEMP");
  g_assert_cmpstr (auth->code, ==, "AUTH");
  g_assert_null (open->code);
  g_assert_cmpstr (open->text, ==, "[unclosed code");
  g_assert_null (empty->code);
}

/* RFC 5034 §4 continuations. */
static void
test_status_continuation (void)
{
  g_autoptr(TaubePop3Reply) empty = parse ("+ ");
  g_autoptr(TaubePop3Reply) bare = parse ("+");
  g_autoptr(TaubePop3Reply) challenge = parse ("+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+");

  g_assert_cmpint (empty->status, ==, TAUBE_POP3_STATUS_CONTINUE);
  g_assert_cmpint (bare->status, ==, TAUBE_POP3_STATUS_CONTINUE);
  g_assert_cmpstr (challenge->text, ==, "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+");
}

static void
test_status_garbage (void)
{
  assert_bad ("", 0);
  assert_bad ("OK", 2);
  assert_bad ("+OKAY", 5);
  assert_bad ("-ERROR", 6);
  assert_bad ("* OK IMAP4rev1", 14);
  assert_bad ("220 smtp.example.com ESMTP", 26);
  assert_bad ("+OK\0hidden", 10);
  assert_bad ("\xff\xfe", 2);
}

static void
test_multi_line (void)
{
  g_autoptr(TaubePop3Reply) reply = parse ("+OK 2 messages (320 octets)");
  const char *lines[] = { "1 120", "..stuffed", ".", "never" };
  gboolean done = FALSE;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_assert_false (done);
      g_assert_true (taube_pop3_reply_add_line (reply, lines[i], strlen (lines[i]), &done,
                                                &error));
      g_assert_no_error (error);
    }
  g_assert_true (done);
  g_assert_cmpuint (reply->lines->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (reply->lines, 0), ==, "1 120");
  g_assert_cmpstr (g_ptr_array_index (reply->lines, 1), ==, ".stuffed");

  g_assert_false (taube_pop3_reply_add_line (reply, "a\0b", 3, &done, &error));
  g_assert_error (error, TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_PROTOCOL);
}

static void
test_listings (void)
{
  guint number = 0;
  guint64 size = 0;
  char *uid = NULL;
  const char *bad_listings[] = { "", "1", "1 ", "a 1", "1 a", "-1 20", "1 -20", "1 20x",
                                 "4294967296 1", "1 99999999999999999999", NULL };
  const char *bad_uids[] = { "", "1", "1 ", "0 abc", "x abc", "1 ab c", "1 ab\x7f", NULL };

  /* RFC 1939 §5 LIST, §5 STAT and §7 UIDL examples. */
  g_assert_true (taube_pop3_parse_listing ("2 200", &number, &size, NULL));
  g_assert_cmpuint (number, ==, 2);
  g_assert_cmpuint (size, ==, 200);
  g_assert_true (taube_pop3_parse_listing ("1 120 extra information", &number, &size, NULL));
  g_assert_cmpuint (size, ==, 120);
  g_assert_true (taube_pop3_parse_listing ("4294967295 18446744073709551615", &number, &size,
                                           NULL) == FALSE);
  g_assert_true (taube_pop3_parse_listing ("4294967295 9223372036854775807", &number, &size,
                                           NULL));
  g_assert_cmpuint (number, ==, G_MAXUINT32);
  g_assert_true (taube_pop3_parse_unique_id ("2 QhdPYR:00WBw1Ph7x7", &number, &uid, NULL));
  g_assert_cmpuint (number, ==, 2);
  g_assert_cmpstr (uid, ==, "QhdPYR:00WBw1Ph7x7");
  g_clear_pointer (&uid, g_free);

  for (guint i = 0; bad_listings[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (taube_pop3_parse_listing (bad_listings[i], &number, &size, &error));
      g_assert_error (error, TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_PROTOCOL);
    }
  for (guint i = 0; bad_uids[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (taube_pop3_parse_unique_id (bad_uids[i], &number, &uid, &error));
      g_assert_error (error, TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_PROTOCOL);
      g_assert_null (uid);
    }
}

/* RFC 2449 §5 example. */
static void
test_capabilities (void)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new ();
  g_autoptr(GHashTable) capabilities = NULL;
  const char *capa[] = { "TOP", "USER", "SASL CRAM-MD5 KERBEROS_V4", "RESP-CODES",
                         "LOGIN-DELAY 900", "PIPELINING", "EXPIRE 60", "UIDL",
                         "IMPLEMENTATION Shlemazle-Plotz-v302", "", "stls" };

  for (guint i = 0; i < G_N_ELEMENTS (capa); i++)
    g_ptr_array_add (lines, (gpointer) capa[i]);
  capabilities = taube_pop3_parse_capabilities (lines);
  g_assert_cmpstr (g_hash_table_lookup (capabilities, "SASL"), ==, "CRAM-MD5 KERBEROS_V4");
  g_assert_cmpstr (g_hash_table_lookup (capabilities, "TOP"), ==, "");
  g_assert_cmpstr (g_hash_table_lookup (capabilities, "LOGIN-DELAY"), ==, "900");
  g_assert_cmpstr (g_hash_table_lookup (capabilities, "STLS"), ==, "");
  g_assert_cmpuint (g_hash_table_size (capabilities), ==, 10);
}

/* Feeds @input cut at @cut (and the rest one byte at a time when @bytewise). */
static GString *
unstuff (const char *input,
         gsize       length,
         gsize       cut,
         gboolean    bytewise,
         gsize      *consumed)
{
  TaubePop3Unstuffer unstuffer;
  GString *output = g_string_new (NULL);
  g_autofree guint8 *buffer = g_malloc (length + 1);
  gsize offset = 0;

  taube_pop3_unstuffer_init (&unstuffer);
  while (offset < length && !taube_pop3_unstuffer_is_done (&unstuffer))
    {
      gsize piece = MIN (offset < cut ? cut - offset : (bytewise ? 1 : length - offset),
                         length - offset);
      gsize out = 0;
      gsize used = taube_pop3_unstuffer_feed (&unstuffer, (const guint8 *) input + offset,
                                              piece, buffer, &out);

      g_assert_cmpuint (out, <=, piece + 1);
      g_string_append_len (output, (const char *) buffer, (gssize) out);
      offset += used;
      if (used < piece)
        break;
    }
  *consumed = offset;
  g_assert_true (taube_pop3_unstuffer_is_done (&unstuffer));
  return output;
}

static void
check_unstuffing (const char *wire,
                  const char *expected,
                  gsize       expected_consumed)
{
  gsize length = strlen (wire);

  for (gsize cut = 0; cut <= length; cut++)
    for (int bytewise = 0; bytewise < 2; bytewise++)
      {
        gsize consumed = 0;
        g_autoptr(GString) output = unstuff (wire, length, cut, bytewise, &consumed);

        g_assert_cmpstr (output->str, ==, expected);
        g_assert_cmpuint (consumed, ==, expected_consumed);
      }
}

static void
test_unstuff_every_split (void)
{
  /* The terminator, stuffed dots, a dot alone in the data, a dot that is not first. */
  check_unstuffing ("Subject: x\r\n\r\n..hidden\r\n...\r\n..\r\na.b\r\n.\r\n+OK next",
                    "Subject: x\r\n\r\n.hidden\r\n..\r\n.\r\na.b\r\n", 41);
  check_unstuffing (".\r\n", "", 3);
  check_unstuffing ("\r\n.\r\n", "\r\n", 5);
  /* Bare LF servers. */
  check_unstuffing ("line\n..dot\n.\nrest", "line\n.dot\n", 13);
  /* A dot with CR but no LF: the dot is stuffing, the CR is data. */
  check_unstuffing (".\rx\r\n.\r\n", "\rx\r\n", 8);
  check_unstuffing (".\r\r\n.\r\n", "\r\r\n", 7);
  /* Dots in the middle of lines and after a lone CR stay. */
  check_unstuffing ("a\r.b\r\n.\r\n", "a\r.b\r\n", 9);
}

static void
test_unstuff_nul_and_binary (void)
{
  static const char wire[] = "a\0b\r\n.\0\r\n\xff\r\n.\r\n";
  static const char expected[] = "a\0b\r\n\0\r\n\xff\r\n";
  gsize length = sizeof wire - 1;

  for (gsize cut = 0; cut <= length; cut++)
    {
      gsize consumed = 0;
      g_autoptr(GString) output = unstuff (wire, length, cut, TRUE, &consumed);

      g_assert_cmpmem (output->str, output->len, expected, sizeof expected - 1);
      g_assert_cmpuint (consumed, ==, length);
    }
}

/* Unstuffing what a dot-stuffer made of random lines gives the lines back. */
static void
test_unstuff_random (void)
{
  GRand *rand = g_rand_new_with_seed (1939);

  for (guint round = 0; round < 200; round++)
    {
      g_autoptr(GString) data = g_string_new (NULL);
      g_autoptr(GString) wire = g_string_new (NULL);
      const char alphabet[] = ".\r\na";
      gsize consumed = 0;
      g_autoptr(GString) output = NULL;
      guint lines = (guint) g_rand_int_range (rand, 0, 12);

      for (guint i = 0; i < lines; i++)
        {
          guint len = (guint) g_rand_int_range (rand, 0, 6);

          for (guint j = 0; j < len; j++)
            {
              char c = alphabet[g_rand_int_range (rand, 0, 4)];

              if (c == '\n' || c == '\r')
                c = 'b';
              g_string_append_c (data, c);
            }
          g_string_append (data, "\r\n");
        }
      for (gsize i = 0; i < data->len; i++)
        {
          if (data->str[i] == '.' && (i == 0 || data->str[i - 1] == '\n'))
            g_string_append_c (wire, '.');
          g_string_append_c (wire, data->str[i]);
        }
      g_string_append (wire, ".\r\n");
      output = unstuff (wire->str, wire->len, (gsize) g_rand_int_range (rand, 0, 40), TRUE,
                        &consumed);
      g_assert_cmpstr (output->str, ==, data->str);
      g_assert_cmpuint (consumed, ==, wire->len);
    }
  g_rand_free (rand);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pop3/reply/status-rfc1939", test_status_rfc1939);
  g_test_add_func ("/pop3/reply/status-codes", test_status_codes);
  g_test_add_func ("/pop3/reply/status-continuation", test_status_continuation);
  g_test_add_func ("/pop3/reply/status-garbage", test_status_garbage);
  g_test_add_func ("/pop3/reply/multi-line", test_multi_line);
  g_test_add_func ("/pop3/reply/listings", test_listings);
  g_test_add_func ("/pop3/reply/capabilities", test_capabilities);
  g_test_add_func ("/pop3/unstuffer/every-split", test_unstuff_every_split);
  g_test_add_func ("/pop3/unstuffer/nul-and-binary", test_unstuff_nul_and_binary);
  g_test_add_func ("/pop3/unstuffer/random", test_unstuff_random);

  return g_test_run ();
}
