/* test-imap-fetch.c — FETCH responses into TaubeImapFetchedMessage
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The examples are RFC 9051 §6.4.5 / §7.5.2, RFC 7162 §3.1.4 / §3.2.4 and RFC 4315's
 * FETCH answers; the literal cases are parsed for real, so streamed body literals show
 * up as they do for the client.
 */
#include "taube-imap-error.h"
#include "taube-imap-fetch.h"

#include "imap-test-util.h"

static TaubeImapFetchedMessage *
parse_message (const char  *text,
               GError     **error)
{
  g_autoptr(TaubeImapResponse) response = imap_test_parse_one (text);

  return taube_imap_fetched_message_new_from_response (response, error);
}

/* RFC 9051 §7.5.2's example, with RFC 9051 §6.4.5's items. */
static void
test_rfc9051_full (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeImapFetchedMessage) message = parse_message (
    "* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" "
    "RFC822.SIZE 4286 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" "
    "\"IMAP4rev2 WG mtg summary and minutes\" "
    "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
    "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
    "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
    "((NIL NIL \"imap\" \"cac.washington.edu\")) "
    "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\") "
    "(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL "
    "\"<B27397-0100000@cac.washington.edu>\") "
    "BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n",
    &error);
  g_autofree char *date = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (message);
  g_assert_cmpuint (message->seq, ==, 12);
  g_assert_cmpuint (message->uid, ==, 0);
  g_assert_cmpuint (message->items, ==, TAUBE_IMAP_FETCH_FLAGS | TAUBE_IMAP_FETCH_INTERNALDATE
                                        | TAUBE_IMAP_FETCH_SIZE | TAUBE_IMAP_FETCH_ENVELOPE
                                        | TAUBE_IMAP_FETCH_BODYSTRUCTURE);
  g_assert_cmpuint (g_strv_length (message->flags), ==, 1);
  g_assert_cmpstr (message->flags[0], ==, "\\Seen");
  date = g_date_time_format_iso8601 (message->internaldate);
  g_assert_cmpstr (date, ==, "1996-07-17T02:44:25-07");
  g_assert_cmpuint (message->size, ==, 4286);
  g_assert_cmpstr (message->envelope->subject, ==, "IMAP4rev2 WG mtg summary and minutes");
  g_assert_cmpstr (message->envelope->message_id, ==, "<B27397-0100000@cac.washington.edu>");
  g_assert_cmpstr (message->bodystructure->type, ==, "text");
  g_assert_cmpuint (message->bodystructure->size, ==, 3028);
  g_assert_null (message->header_fields);
  g_assert_cmpuint (message->sections->len, ==, 0);
}

/* RFC 7162 §3.1.4.1 and §3.2.4: MODSEQ is a list of one number, up to 63 bits. */
static void
test_rfc7162_modseq (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeImapFetchedMessage) message = parse_message (
    "* 1 FETCH (UID 4 MODSEQ (65402) FLAGS (\\Seen))\r\n", &error);
  g_autoptr(TaubeImapFetchedMessage) big = parse_message (
    "* 7 FETCH (MODSEQ (12111230047) UID 25)\r\n", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (message->uid, ==, 4);
  g_assert_cmpuint (message->modseq, ==, 65402);
  g_assert_cmpuint (message->items, ==, TAUBE_IMAP_FETCH_MODSEQ | TAUBE_IMAP_FETCH_FLAGS);
  g_assert_cmpuint (big->modseq, ==, G_GUINT64_CONSTANT (12111230047));
  g_assert_cmpuint (big->uid, ==, 25);
}

/* RFC 9051 §6.4.5: header fields as a literal (streamed by the parser: size only) and
 * as a quoted string, a partial section with its origin, and NIL. */
static void
test_sections (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeImapFetchedMessage) streamed = parse_message (
    "* 3 FETCH (UID 9 BODY[HEADER.FIELDS (FROM SUBJECT)] {38}\r\n"
    "From: anna@example.org\r\nSubject: x\r\n\r\n"
    " BODY[1.2]<0> \"abc\" BODY[TEXT] NIL)\r\n", &error);
  g_autoptr(TaubeImapFetchedMessage) quoted = parse_message (
    "* 4 FETCH (BODY[HEADER.FIELDS (SUBJECT)] \"Subject: hi\\r\\n\\r\\n\" UID 10)\r\n", &error);
  const TaubeImapFetchedSection *section;

  g_assert_no_error (error);
  /* The command hands in a streamed literal's bytes; alone, only its size is known. */
  g_assert_nonnull (streamed->header_fields);
  g_assert_cmpuint (g_bytes_get_size (streamed->header_fields), ==, 0);
  g_assert_cmpuint (streamed->sections->len, ==, 2);
  section = taube_imap_fetched_message_get_section (streamed, "1.2");
  g_assert_nonnull (section);
  g_assert_cmpuint (section->origin, ==, 0);
  g_assert_cmpmem (g_bytes_get_data (section->data, NULL), g_bytes_get_size (section->data),
                   "abc", 3);
  section = taube_imap_fetched_message_get_section (streamed, "TEXT");
  g_assert_nonnull (section);
  g_assert_null (section->data);
  g_assert_cmpuint (section->size, ==, 0);
  g_assert_null (taube_imap_fetched_message_get_section (streamed, "2"));

  g_assert_cmpuint (quoted->uid, ==, 10);
  g_assert_cmpmem (g_bytes_get_data (quoted->header_fields, NULL),
                   g_bytes_get_size (quoted->header_fields), "Subject: hi\\r\\n\\r\\n",
                   strlen ("Subject: hi\\r\\n\\r\\n"));
}

/* RFC 9051 §9: date-day-fixed may be a space and a digit; zones east and west. */
static void
test_internaldate (void)
{
  const struct { const char *text; const char *iso; } good[] = {
    { " 7-Feb-1994 21:52:25 -0800", "1994-02-07T21:52:25-08" },
    { "07-feb-1994 21:52:25 +0530", "1994-02-07T21:52:25+05:30" },
    { "29-Feb-2024 00:00:00 +0000", "2024-02-29T00:00:00Z" },
  };
  const char *bad[] = {
    "7-Foo-1994 21:52:25 -0800", "30-Feb-2023 10:00:00 +0000", "07-Feb-1994 21:52:25",
    "07-Feb-1994 21:52:25 0800", "07-Feb-1994 25:52:25 +0000", "07-Feb-1994 21:52:25 +08a0",
    "07-Feb-1994 21:52:25 +0800 x", "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GDateTime) time = taube_imap_parse_internaldate (good[i].text);
      g_autofree char *iso = NULL;

      g_assert_nonnull (time);
      iso = g_date_time_format_iso8601 (time);
      g_assert_cmpstr (iso, ==, good[i].iso);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GDateTime) time = taube_imap_parse_internaldate (bad[i]);

      if (time != NULL)
        g_error ("accepted “%s”", bad[i]);
    }
}

/* Items the server adds without being asked (RFC 9051 §7.5.2 allows it) are skipped. */
static void
test_extra_items (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeImapFetchedMessage) message = parse_message (
    "* 5 FETCH (X-GM-MSGID 1278455344230334865 UID 77 EMAILID (M6d99ac3275bb4e))\r\n",
    &error);

  g_assert_no_error (error);
  g_assert_cmpuint (message->uid, ==, 77);
  g_assert_cmpuint (message->items, ==, 0);
}

static void
test_malformed (void)
{
  const char *responses[] = {
    "* 1 FETCH (FLAGS \\Seen)\r\n",
    "* 1 FETCH (FLAGS (\\Seen \"quoted\"))\r\n",
    "* 1 FETCH (UID 0)\r\n",
    "* 1 FETCH (UID 4294967296)\r\n",
    "* 1 FETCH (UID abc)\r\n",
    "* 1 FETCH (MODSEQ 5)\r\n",
    "* 1 FETCH (MODSEQ (1 2))\r\n",
    "* 1 FETCH (RFC822.SIZE NIL)\r\n",
    "* 1 FETCH (INTERNALDATE \"31-Foo-1996 02:44:25 -0700\")\r\n",
    "* 1 FETCH (INTERNALDATE NIL)\r\n",
    "* 1 FETCH (ENVELOPE NIL)\r\n",
    "* 1 FETCH (BODYSTRUCTURE (1 2))\r\n",
    "* 1 FETCH (BODY[TEXT] (1))\r\n",
    "* 1 FETCH (UID)\r\n",
    "* 1 FETCH UID 5\r\n",
    "* 0 FETCH (UID 5)\r\n",
    "* 1 EXISTS\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (responses); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TaubeImapFetchedMessage) message = parse_message (responses[i], &error);

      if (message != NULL)
        g_error ("accepted %s", responses[i]);
      g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/imap/fetch/rfc9051-full", test_rfc9051_full);
  g_test_add_func ("/imap/fetch/rfc7162-modseq", test_rfc7162_modseq);
  g_test_add_func ("/imap/fetch/sections", test_sections);
  g_test_add_func ("/imap/fetch/internaldate", test_internaldate);
  g_test_add_func ("/imap/fetch/extra-items", test_extra_items);
  g_test_add_func ("/imap/fetch/malformed", test_malformed);
  return g_test_run ();
}
