/* test-imap-envelope.c — ENVELOPE values into structs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "taube-imap-envelope.h"
#include "taube-imap-error.h"

#include "imap-test-util.h"

static TaubeImapEnvelope *
parse_envelope (const char  *envelope_text,
                GError     **error)
{
  g_autofree char *line = g_strdup_printf ("* 1 FETCH (ENVELOPE %s)\r\n", envelope_text);
  g_autoptr(TaubeImapResponse) response = imap_test_parse_one (line);

  return taube_imap_envelope_new_from_value (
    taube_imap_response_get_fetch_item (response, "ENVELOPE"), error);
}

static void
assert_address (GPtrArray  *list,
                guint       index,
                const char *name,
                const char *mailbox,
                const char *host,
                const char *group)
{
  TaubeImapAddress *address;

  g_assert_cmpuint (index, <, list->len);
  address = list->pdata[index];
  g_assert_cmpstr (address->name, ==, name);
  g_assert_null (address->route);
  g_assert_cmpstr (address->mailbox, ==, mailbox);
  g_assert_cmpstr (address->host, ==, host);
  g_assert_cmpstr (address->group, ==, group);
}

/* RFC 9051 §7.5.2's example. */
static void
test_rfc9051 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeImapEnvelope) envelope = parse_envelope (
    "(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev2 WG mtg summary and minutes\" "
    "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
    "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
    "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
    "((NIL NIL \"imap\" \"cac.washington.edu\")) "
    "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\") (\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) "
    "NIL NIL \"<B27397-0100000@cac.washington.edu>\")", &error);
  g_autofree char *email = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (envelope->date, ==, "Wed, 17 Jul 1996 02:23:25 -0700 (PDT)");
  g_assert_cmpstr (envelope->subject, ==, "IMAP4rev2 WG mtg summary and minutes");
  assert_address (envelope->from, 0, "Terry Gray", "gray", "cac.washington.edu", NULL);
  assert_address (envelope->sender, 0, "Terry Gray", "gray", "cac.washington.edu", NULL);
  assert_address (envelope->reply_to, 0, "Terry Gray", "gray", "cac.washington.edu", NULL);
  g_assert_cmpuint (envelope->to->len, ==, 1);
  assert_address (envelope->to, 0, NULL, "imap", "cac.washington.edu", NULL);
  g_assert_cmpuint (envelope->cc->len, ==, 2);
  assert_address (envelope->cc, 0, NULL, "minutes", "CNRI.Reston.VA.US", NULL);
  assert_address (envelope->cc, 1, "John Klensin", "KLENSIN", "MIT.EDU", NULL);
  g_assert_cmpuint (envelope->bcc->len, ==, 0);
  g_assert_null (envelope->in_reply_to);
  g_assert_cmpstr (envelope->message_id, ==, "<B27397-0100000@cac.washington.edu>");

  email = taube_imap_address_get_email (envelope->cc->pdata[1]);
  g_assert_cmpstr (email, ==, "KLENSIN@MIT.EDU");
}

/* RFC 9051 §7.5.2: a NIL host marks RFC 5322 group syntax. */
static void
test_groups (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeImapEnvelope) envelope = parse_envelope (
    "(NIL NIL NIL NIL NIL "
    "((NIL NIL \"team\" NIL) (\"Ann\" NIL \"ann\" \"example.org\") "
    "(NIL NIL \"bob\" \"example.org\") "
    "(NIL NIL NIL NIL) (\"Carl\" NIL \"carl\" \"example.com\")) "
    "((NIL NIL \"undisclosed-recipients\" NIL) (NIL NIL NIL NIL)) NIL NIL NIL)", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (envelope->to->len, ==, 3);
  assert_address (envelope->to, 0, "Ann", "ann", "example.org", "team");
  assert_address (envelope->to, 1, NULL, "bob", "example.org", "team");
  assert_address (envelope->to, 2, "Carl", "carl", "example.com", NULL);
  /* An empty group leaves no address behind. */
  g_assert_cmpuint (envelope->cc->len, ==, 0);
}

/* Servers' habits: "" for NIL, atoms for strings, broken address entries, extra fields,
 * a literal subject with 8-bit bytes. */
static void
test_quirks (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeImapEnvelope) envelope = parse_envelope (
    "(\"\" {7}\r\nGr\xc3\xbc\xc3\x9f"
    "e ((\"\" \"\" \"x\" \"example.org\") NIL \"junk\" (\"only\" \"three\" \"fields\")) "
    "\"\" NIL ((NIL NIL MAILER-DAEMON example.org)) NIL NIL NIL <id@host> \"extra\")", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (envelope->date, ==, "");
  g_assert_cmpstr (envelope->subject, ==, "Gr\xc3\xbc\xc3\x9f" "e");
  g_assert_cmpuint (envelope->from->len, ==, 1);
  assert_address (envelope->from, 0, NULL, "x", "example.org", NULL);
  g_assert_cmpuint (envelope->sender->len, ==, 0);
  g_assert_cmpuint (envelope->reply_to->len, ==, 0);
  assert_address (envelope->to, 0, NULL, "MAILER-DAEMON", "example.org", NULL);
  g_assert_cmpstr (envelope->message_id, ==, "<id@host>");
}

static void
test_address_email (void)
{
  TaubeImapAddress no_host = { NULL, NULL, (char *) "root", NULL, NULL };
  TaubeImapAddress nothing = { NULL, NULL, NULL, NULL, NULL };
  g_autofree char *a = taube_imap_address_get_email (&no_host);
  g_autofree char *b = taube_imap_address_get_email (&nothing);

  g_assert_cmpstr (a, ==, "root");
  g_assert_null (b);
}

static void
test_malformed (void)
{
  const char *bad[] = {
    "NIL",
    "\"string\"",
    "(NIL NIL NIL NIL NIL NIL NIL NIL NIL)",
    "()",
    "(NIL NIL \"from\" NIL NIL NIL NIL NIL NIL NIL)",
    "(NIL NIL NIL NIL NIL NIL (x) 12 NIL NIL)",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TaubeImapEnvelope) envelope = parse_envelope (bad[i], &error);

      g_assert_null (envelope);
      g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL);
    }
  g_assert_null (taube_imap_envelope_new_from_value (NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/imap/envelope/rfc9051", test_rfc9051);
  g_test_add_func ("/imap/envelope/groups", test_groups);
  g_test_add_func ("/imap/envelope/quirks", test_quirks);
  g_test_add_func ("/imap/envelope/address-email", test_address_email);
  g_test_add_func ("/imap/envelope/malformed", test_malformed);

  return g_test_run ();
}
