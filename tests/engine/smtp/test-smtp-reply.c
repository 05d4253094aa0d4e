/* test-smtp-reply.c — SMTP reply parsing, EHLO extensions and dot-stuffing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "taube-pop3-unstuffer.h"
#include "taube-smtp-error.h"
#include "taube-smtp-reply.h"
#include "taube-smtp-stuffer.h"

/* Feeds the lines of @text (separated by \n) and expects one reply at the last. */
static TaubeSmtpReply *
parse (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  TaubeSmtpReplyParser parser;
  TaubeSmtpReply *reply = NULL;

  taube_smtp_reply_parser_init (&parser);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (reply);
      g_assert_true (taube_smtp_reply_parser_feed (&parser, lines[i], strlen (lines[i]), &reply,
                                                   &error));
      g_assert_no_error (error);
    }
  g_assert_nonnull (reply);
  taube_smtp_reply_parser_clear (&parser);
  return reply;
}

static void
assert_bad (const char *line,
            gsize       length)
{
  TaubeSmtpReplyParser parser;
  TaubeSmtpReply *reply = NULL;
  g_autoptr(GError) error = NULL;

  taube_smtp_reply_parser_init (&parser);
  g_assert_false (taube_smtp_reply_parser_feed (&parser, line, length, &reply, &error));
  g_assert_error (error, TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_PROTOCOL);
  g_assert_null (reply);
  taube_smtp_reply_parser_clear (&parser);
}

/* RFC 5321 §4.2 and the scenarios of appendix D. */
static void
test_rfc5321_replies (void)
{
  g_autoptr(TaubeSmtpReply) greeting = parse ("220 foo.com Simple Mail Transfer Service Ready");
  g_autoptr(TaubeSmtpReply) ehlo = parse ("250-foo.com greets bar.com\n250-8BITMIME\n250-SIZE\n"
                                          "250-DSN\n250 HELP");
  g_autoptr(TaubeSmtpReply) bare = parse ("250");
  g_autoptr(TaubeSmtpReply) empty_last = parse ("250-first\n250 ");
  g_autoptr(TaubeSmtpReply) data = parse ("354 Start mail input; end with <CRLF>.<CRLF>");
  g_autofree char *text = taube_smtp_reply_get_text (ehlo);
  g_autofree char *bare_text = taube_smtp_reply_get_text (bare);

  g_assert_cmpuint (greeting->code, ==, 220);
  g_assert_cmpstr (g_ptr_array_index (greeting->lines, 0), ==,
                   "foo.com Simple Mail Transfer Service Ready");
  g_assert_cmpuint (ehlo->code, ==, 250);
  g_assert_cmpuint (ehlo->lines->len, ==, 5);
  g_assert_cmpstr (text, ==, "foo.com greets bar.com 8BITMIME SIZE DSN HELP");
  g_assert_cmpuint (bare->lines->len, ==, 1);
  g_assert_cmpstr (bare_text, ==, "250");
  g_assert_cmpuint (empty_last->lines->len, ==, 2);
  g_assert_cmpuint (taube_smtp_reply_get_class (data), ==, 3);
}

/* RFC 3463 codes as RFC 2034 puts them in the text. */
static void
test_enhanced_codes (void)
{
  g_autoptr(TaubeSmtpReply) auth = parse ("535 5.7.8 Authentication credentials invalid");
  g_autoptr(TaubeSmtpReply) multi = parse ("550-5.1.1 The email account that you tried to reach "
                                           "does not exist.\n550 5.1.1 Please check the address");
  g_autoptr(TaubeSmtpReply) mismatch = parse ("450 5.1.1 wrong class, kept as text");
  g_autoptr(TaubeSmtpReply) long_digits = parse ("250 2.1000.0 not a code");
  g_autoptr(TaubeSmtpReply) three = parse ("552 5.3.4 Message size exceeds fixed limit");
  g_autofree char *text = taube_smtp_reply_get_text (auth);

  g_assert_cmpstr (auth->enhanced, ==, "5.7.8");
  g_assert_cmpstr (g_ptr_array_index (auth->lines, 0), ==, "Authentication credentials invalid");
  g_assert_cmpstr (text, ==, "5.7.8 Authentication credentials invalid");
  g_assert_cmpstr (multi->enhanced, ==, "5.1.1");
  g_assert_cmpstr (g_ptr_array_index (multi->lines, 1), ==, "Please check the address");
  g_assert_null (mismatch->enhanced);
  g_assert_null (long_digits->enhanced);
  g_assert_cmpstr (three->enhanced, ==, "5.3.4");
}

static void
test_garbage (void)
{
  TaubeSmtpReplyParser parser;
  TaubeSmtpReply *reply = NULL;
  g_autoptr(GError) error = NULL;

  assert_bad ("", 0);
  assert_bad ("25", 2);
  assert_bad ("2500 x", 6);
  assert_bad ("250x", 4);
  assert_bad ("650 x", 5);
  assert_bad ("150 x", 5);
  assert_bad ("+OK POP3", 8);
  assert_bad ("250 a\0b", 7);
  assert_bad ("\xff\xff\xff", 3);

  /* The code may not change inside a reply (RFC 5321 §4.2.1). */
  taube_smtp_reply_parser_init (&parser);
  g_assert_true (taube_smtp_reply_parser_feed (&parser, "250-a", 5, &reply, &error));
  g_assert_false (taube_smtp_reply_parser_feed (&parser, "251 b", 5, &reply, &error));
  g_assert_error (error, TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_PROTOCOL);
  g_clear_error (&error);
  /* Endless continuation lines stop at a limit. */
  for (guint i = 0; i < 10000 && error == NULL; i++)
    taube_smtp_reply_parser_feed (&parser, "250-more", 8, &reply, &error);
  g_assert_error (error, TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_PROTOCOL);
  taube_smtp_reply_parser_clear (&parser);
}

static void
test_extensions (void)
{
  g_autoptr(TaubeSmtpReply) ehlo = parse ("250-smtp.example.com at your service\n"
                                          "250-SIZE 35882577\n250-8BITMIME\n250-AUTH=LOGIN\n"
                                          "250-AUTH LOGIN PLAIN XOAUTH2\n250-ENHANCEDSTATUSCODES\n"
                                          "250-pipelining\n250-CHUNKING\n250 SMTPUTF8");
  g_autoptr(GHashTable) extensions = taube_smtp_parse_extensions (ehlo);

  g_assert_cmpstr (g_hash_table_lookup (extensions, "SIZE"), ==, "35882577");
  g_assert_cmpstr (g_hash_table_lookup (extensions, "AUTH"), ==, "LOGIN PLAIN XOAUTH2");
  g_assert_cmpstr (g_hash_table_lookup (extensions, "PIPELINING"), ==, "");
  g_assert_cmpstr (g_hash_table_lookup (extensions, "SMTPUTF8"), ==, "");
  g_assert_false (g_hash_table_contains (extensions, "SMTP.EXAMPLE.COM"));
  g_assert_cmpuint (g_hash_table_size (extensions), ==, 7);
}

static GString *
stuff (const char *input,
       gsize       length,
       gsize       cut)
{
  TaubeSmtpStuffer stuffer;
  GString *output = g_string_new (NULL);
  g_autofree guint8 *buffer = g_malloc (2 * length + 2 + TAUBE_SMTP_STUFFER_FINISH_SIZE);
  gsize offset = 0;

  taube_smtp_stuffer_init (&stuffer);
  while (offset < length)
    {
      gsize piece = MIN (offset < cut ? cut - offset : 1, length - offset);
      gsize out = taube_smtp_stuffer_feed (&stuffer, (const guint8 *) input + offset, piece,
                                           buffer);

      g_assert_cmpuint (out, <=, 2 * piece + 2);
      g_string_append_len (output, (const char *) buffer, (gssize) out);
      offset += piece;
    }
  g_string_append_len (output, (const char *) buffer,
                       (gssize) taube_smtp_stuffer_finish (&stuffer, buffer));
  return output;
}

static void
check_stuffing (const char *message,
                const char *wire)
{
  gsize length = strlen (message);

  for (gsize cut = 0; cut <= length; cut++)
    {
      g_autoptr(GString) output = stuff (message, length, cut);

      g_assert_cmpstr (output->str, ==, wire);
    }
}

static void
test_stuff_every_split (void)
{
  check_stuffing ("", ".\r\n");
  check_stuffing ("a\r\n", "a\r\n.\r\n");
  check_stuffing ("no end", "no end\r\n.\r\n");
  check_stuffing (".\r\n", "..\r\n.\r\n");
  check_stuffing ("Subject: x\r\n\r\n.dot\r\n..two\r\nmid.dot\r\n.",
                  "Subject: x\r\n\r\n..dot\r\n...two\r\nmid.dot\r\n..\r\n.\r\n");
  /* Bare LF and bare CR become CRLF: no "\n.\r\n" smuggling past this client. */
  check_stuffing ("a\n.\nb", "a\r\n..\r\nb\r\n.\r\n");
  check_stuffing ("a\r.\rb\r", "a\r\n..\r\nb\r\n.\r\n");
  check_stuffing ("\r\r\n\n", "\r\n\r\n\r\n.\r\n");
  check_stuffing ("x\n.\r\n", "x\r\n..\r\n.\r\n");
}

/* What the SMTP stuffer sends, the POP3 unstuffer reads back to the same text. */
static void
test_stuff_unstuff_roundtrip (void)
{
  GRand *rand = g_rand_new_with_seed (5321);

  for (guint round = 0; round < 300; round++)
    {
      const char alphabet[] = ".\r\nab\0";
      g_autoptr(GString) message = g_string_new (NULL);
      g_autoptr(GString) wire = NULL;
      g_autoptr(GString) normal = g_string_new (NULL);
      g_autofree guint8 *back = NULL;
      TaubePop3Unstuffer unstuffer;
      guint length = (guint) g_rand_int_range (rand, 0, 60);
      gsize used;
      gsize back_length = 0;

      for (guint i = 0; i < length; i++)
        g_string_append_c (message, alphabet[g_rand_int_range (rand, 0, 6)]);
      /* What the message means: every line end a CRLF, and a last line end. */
      for (gsize i = 0; i < message->len; i++)
        {
          char c = message->str[i];

          if (c == '\r' && i + 1 < message->len && message->str[i + 1] == '\n')
            continue;
          if (c == '\r' || c == '\n')
            g_string_append (normal, "\r\n");
          else
            g_string_append_c (normal, c);
        }
      if (normal->len > 0
          && (normal->len < 2 || memcmp (normal->str + normal->len - 2, "\r\n", 2) != 0))
        g_string_append (normal, "\r\n");

      wire = stuff (message->str, message->len, (gsize) g_rand_int_range (rand, 0, 70));
      back = g_malloc (wire->len + 1);
      taube_pop3_unstuffer_init (&unstuffer);
      used = taube_pop3_unstuffer_feed (&unstuffer, (const guint8 *) wire->str, wire->len, back,
                                        &back_length);
      g_assert_true (taube_pop3_unstuffer_is_done (&unstuffer));
      g_assert_cmpuint (used, ==, wire->len);
      g_assert_cmpmem (back, back_length, normal->str, normal->len);
    }
  g_rand_free (rand);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/smtp/reply/rfc5321", test_rfc5321_replies);
  g_test_add_func ("/smtp/reply/enhanced-codes", test_enhanced_codes);
  g_test_add_func ("/smtp/reply/garbage", test_garbage);
  g_test_add_func ("/smtp/reply/extensions", test_extensions);
  g_test_add_func ("/smtp/stuffer/every-split", test_stuff_every_split);
  g_test_add_func ("/smtp/stuffer/roundtrip", test_stuff_unstuff_roundtrip);

  return g_test_run ();
}
