/* test-imap-parser.c — the IMAP response parser on RFC examples and hostile input
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "taube-imap-error.h"
#include "taube-imap-parser.h"

#include "imap-test-util.h"

#include <malloc.h>

typedef struct
{
  const char *name;
  const char *input;
  const char *expected; /* the log; NULL means the input's lines without CRLF */
  gsize len;            /* for inputs with NUL bytes; 0 means strlen () */
} Example;

#define ENVELOPE_9051 \
  "(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev2 WG mtg summary and minutes\" " \
  "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) " \
  "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) " \
  "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) " \
  "((NIL NIL \"imap\" \"cac.washington.edu\")) " \
  "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\") (\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) " \
  "NIL NIL \"<B27397-0100000@cac.washington.edu>\")"

/* Responses from RFC 9051 §6 and §7, and from the extensions the engine uses: RFC 7162
 * (CONDSTORE, QRESYNC), RFC 4731 (ESEARCH), RFC 5258 and 5819 (LIST-EXTENDED,
 * LIST-STATUS), RFC 6154 (SPECIAL-USE), RFC 9208 (QUOTA), RFC 5161 (ENABLE), RFC 2971
 * (ID), RFC 2342 (NAMESPACE), RFC 4315 (UIDPLUS), RFC 3516 (BINARY), RFC 8970 (PREVIEW),
 * RFC 5256 (SORT, THREAD), plus Gmail's extensions. */
static const Example examples[] = {
  /* §7.1.1 – §7.1.5 status responses */
  { "greeting", "* OK IMAP4rev2 server ready\r\n", NULL },
  { "ok-alert", "* OK [ALERT] System shutdown in 10 minutes\r\n", NULL },
  { "tagged-ok", "A001 OK LOGIN Completed\r\n", NULL },
  { "untagged-no", "* NO Disk is 98% full, please delete unnecessary data\r\n", NULL },
  { "tagged-no", "A222 NO COPY failed: disk is full\r\n", NULL },
  { "bad-sequence",
    "* BAD Command line too long\r\n"
    "* BAD Empty command line\r\n"
    "* BAD Disk crash, attempting salvage to a new disk!\r\n"
    "* OK Salvage successful, no data lost\r\n"
    "A443 OK Expunge completed\r\n",
    NULL },
  { "tagged-bad", "C0001 BAD No such command as \"FOOBAR\"\r\n", NULL },
  { "preauth", "* PREAUTH IMAP4rev2 server logged in as Smith\r\n", NULL },
  { "bye", "* BYE Autologout; idle for too long\r\n", NULL },
  { "lowercase-status", "* ok [alert] Mind the case\r\n", "* OK [ALERT] Mind the case\n" },
  { "status-without-text", "A1 OK\r\n", NULL },
  { "code-without-text", "* OK [READ-WRITE]\r\n", NULL },
  /* §7.1 response codes */
  { "code-alreadyexists", "o356 NO [ALREADYEXISTS] Mailbox \"that\" already exists\r\n", NULL },
  { "code-authenticationfailed", "t1 NO [AUTHENTICATIONFAILED] Authentication failed\r\n", NULL },
  { "code-authorizationfailed", "a NO [AUTHORIZATIONFAILED] No such authorization-ID\r\n",
    NULL },
  { "code-expired", "b NO [EXPIRED] That password isn't valid any more\r\n", NULL },
  { "code-privacyrequired", "c NO [PRIVACYREQUIRED] Connection security level too low\r\n",
    NULL },
  { "code-contactadmin", "d NO [CONTACTADMIN] Please contact your administrator\r\n", NULL },
  { "code-noperm", "e NO [NOPERM] Access denied\r\n", NULL },
  { "code-inuse", "f NO [INUSE] Mailbox in use\r\n", NULL },
  { "code-expungeissued", "g OK [EXPUNGEISSUED] Search completed\r\n", NULL },
  { "code-corruption", "h NO [CORRUPTION] Cannot open mailbox\r\n", NULL },
  { "code-serverbug", "i NO [SERVERBUG] UID FETCH temporarily unavailable\r\n", NULL },
  { "code-clientbug", "j OK [CLIENTBUG] Done\r\n", NULL },
  { "code-cannot", "k NO [CANNOT] Cannot create mailbox with this name\r\n", NULL },
  { "code-limit", "l NO [LIMIT] At most 32 flags in one mailbox supported\r\n", NULL },
  { "code-overquota", "m NO [OVERQUOTA] Sorry\r\n", NULL },
  { "code-nonexistent", "n NO [NONEXISTENT] No such mailbox\r\n", NULL },
  { "code-unavailable", "o NO [UNAVAILABLE] User's backend down for maintenance\r\n", NULL },
  { "code-unknown-cte", "p NO [UNKNOWN-CTE] Can't process the transfer encoding\r\n", NULL },
  { "code-haschildren",
    "A685 NO [HASCHILDREN] Mailbox \"Notes\" has children that need to be deleted first\r\n",
    NULL },
  { "code-trycreate", "A003 NO [TRYCREATE] No such mailbox\r\n", NULL },
  { "code-parse", "* NO [PARSE] Missing boundary in message 3\r\n", NULL },
  { "code-badcharset", "A1 NO [BADCHARSET (UTF-8 \"ISO-8859-1\")] Unsupported charset\r\n",
    NULL },
  { "code-capability",
    "* OK [CAPABILITY IMAP4rev2 IMAP4rev1 LITERAL+ SASL-IR AUTH=PLAIN] Dovecot ready.\r\n",
    NULL },
  { "code-closed", "* OK [CLOSED] Previous mailbox is now closed\r\n", NULL },
  { "code-uidnotsticky", "* NO [UIDNOTSTICKY] Non-persistent UIDs\r\n", NULL },
  { "code-appenduid", "A003 OK [APPENDUID 38505 3955] APPEND completed\r\n", NULL },
  { "code-copyuid", "A004 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n", NULL },
  { "code-unknown-raw", "* OK [REFERRAL imap://user;AUTH=*@SERVER2/] Try there\r\n",
    "* OK [REFERRAL \"imap://user;AUTH=*@SERVER2/\"] Try there\n" },
  { "code-unknown-quotes", "* NO [XWEIRD (unbalanced \"quote] Still parsed\r\n",
    "* NO [XWEIRD \"(unbalanced \\\"quote\"] Still parsed\n" },
  /* §6.1 */
  { "capability",
    "* CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI LOGINDISABLED\r\n"
    "abcd OK CAPABILITY completed\r\n",
    NULL },
  { "noop",
    "* 22 EXPUNGE\r\n"
    "* 23 EXISTS\r\n"
    "* 14 FETCH (FLAGS (\\Seen \\Deleted))\r\n"
    "a047 OK NOOP completed\r\n",
    NULL },
  { "logout", "* BYE IMAP4rev2 Server logging out\r\nA023 OK LOGOUT completed\r\n", NULL },
  /* §6.2.2 AUTHENTICATE and §7.6 continuation requests */
  { "continuation-base64",
    "+ YDMGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzBeBiVHeceP2CWY0SR0fAQAgAAQEBAQ=\r\n", NULL },
  { "continuation-empty", "+ \r\n", "+\n" },
  { "continuation-bare", "+\r\n", "+\n" },
  { "continuation-text", "+ Ready for additional command text\r\n", NULL },
  { "continuation-code", "+ [ALERT] Send the literal\r\n", NULL },
  /* §6.3 */
  { "enable", "* ENABLED X-GOOD-IDEA\r\nt2 OK ENABLE command completed\r\n", NULL },
  { "enable-condstore", "* ENABLED CONDSTORE QRESYNC\r\n", NULL },
  { "select",
    "* 172 EXISTS\r\n"
    "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"
    "* OK [UIDNEXT 4392] Predicted next UID\r\n"
    "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
    "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n"
    "* LIST () \"/\" INBOX\r\n"
    "A142 OK [READ-WRITE] SELECT completed\r\n",
    NULL },
  { "examine",
    "* OK [PERMANENTFLAGS ()] No permanent flags permitted\r\n"
    "A932 OK [READ-ONLY] EXAMINE completed\r\n",
    NULL },
  { "select-rfc3501",
    "* 18 EXISTS\r\n* 2 RECENT\r\n* OK [UNSEEN 17] Message 17 is the first unseen message\r\n",
    NULL },
  { "list",
    "* LIST () \"/\" blurdybloop\r\n"
    "* LIST (\\Noselect) \"/\" foo\r\n"
    "* LIST () \"/\" foo/bar\r\n"
    "* LIST (\\Noselect) \"/\" \"\"\r\n"
    "* LIST (\\Noselect) \".\" #news.\r\n"
    "* LIST (\\Noselect) \"/\" /\r\n"
    "* LIST (\\Noselect) \"/\" ~/Mail/foo\r\n"
    "* LIST () \"/\" ~/Mail/meetings\r\n"
    "* LIST (\\Marked \\NoInferiors) NIL \"inbox\"\r\n",
    NULL },
  { "list-extended",
    "* LIST () \"/\" \"Fruit\"\r\n"
    "* LIST (\\Subscribed) \"/\" \"Fruit/Banana\"\r\n"
    "* LIST (\\Subscribed \\NonExistent) \"/\" \"Fruit/Peach\"\r\n"
    "* LIST (\\HasChildren) \"/\" \"Tofu\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n"
    "* LIST (\\Subscribed) \"/\" \"INBOX\" (\"OLDNAME\" (\"inbox\"))\r\n",
    NULL },
  { "list-special-use",
    "* LIST (\\Sent \\HasNoChildren) \"/\" \"Sent Mail\"\r\n"
    "* LIST (\\Marked \\Drafts) \"/\" Drafts\r\n"
    "* LIST (\\Junk \\HasNoChildren) \"/\" Spam\r\n"
    "* LIST (\\All \\HasNoChildren) \"/\" \"[Gmail]/All Mail\"\r\n",
    NULL },
  { "list-status",
    "* LIST () \".\" \"INBOX\"\r\n* STATUS \"INBOX\" (MESSAGES 17 UNSEEN 16)\r\n", NULL },
  { "lsub", "* LSUB () \".\" #news.comp.mail.misc\r\n", NULL },
  { "namespace-personal", "* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n", NULL },
  { "namespace-shared-only", "* NAMESPACE NIL NIL ((\"\" \".\"))\r\n", NULL },
  { "namespace-public", "* NAMESPACE ((\"\" \"/\")) NIL ((\"Public Folders/\" \"/\"))\r\n",
    NULL },
  { "namespace-extension",
    "* NAMESPACE ((\"\" \"/\")(\"#mh/\" \"/\" \"X-PARAM\" (\"FLAG1\" \"FLAG2\"))) NIL NIL\r\n",
    "* NAMESPACE ((\"\" \"/\") (\"#mh/\" \"/\" \"X-PARAM\" (\"FLAG1\" \"FLAG2\"))) NIL NIL\n" },
  { "namespace-all",
    "* NAMESPACE ((\"INBOX.\" \".\")) ((\"user.\" \".\")) ((\"public.\" \".\"))\r\n", NULL },
  { "status",
    "* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\nA042 OK STATUS completed\r\n",
    NULL },
  { "status-9051",
    "* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292 SIZE 1234567 DELETED 3)\r\n", NULL },
  { "status-condstore",
    "* STATUS blurdybloop (MESSAGES 231 UIDNEXT 7500 HIGHESTMODSEQ 7011231777)\r\n", NULL },
  { "append", "+ Ready for literal data\r\nA003 OK APPEND completed\r\n", NULL },
  { "idle", "+ idling\r\n* 4 EXISTS\r\nA001 OK IDLE terminated\r\n", NULL },
  /* §6.4.4 SEARCH, RFC 4731 ESEARCH, RFC 3501 SEARCH */
  { "esearch",
    "* ESEARCH (TAG \"A282\") MIN 2 COUNT 3\r\n"
    "* ESEARCH (TAG \"A283\") ALL 2,10:11\r\n"
    "* ESEARCH (TAG \"A284\") MIN 4\r\n"
    "* ESEARCH (TAG \"A285\") UID MIN 7 MAX 3800\r\n"
    "* ESEARCH (TAG \"A286\") COUNT 15\r\n"
    "* ESEARCH (TAG \"A287\") UID\r\n",
    NULL },
  { "esearch-modseq", "* ESEARCH (TAG \"a\") ALL 1:3,5 MODSEQ 1236\r\n", NULL },
  { "search", "* SEARCH 2 84 882\r\n* SEARCH\r\n", NULL },
  { "search-modseq", "* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)\r\n", NULL },
  /* §6.4.5 FETCH and §7.5.2 */
  { "fetch-flags-size", "* 23 FETCH (FLAGS (\\Seen) RFC822.SIZE 44827)\r\n", NULL },
  { "fetch-envelope-body",
    "* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" "
    "RFC822.SIZE 4286 ENVELOPE " ENVELOPE_9051 " "
    "BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n",
    NULL },
  { "fetch-body-header",
    "* 2 FETCH (BODY[HEADER] {22}\r\nSubject: hi\r\nTo: x\r\n\r\n)\r\n",
    "begin 2 BODY[HEADER] 22\n"
    "end \"Subject: hi\\x0d\\x0aTo: x\\x0d\\x0a\\x0d\\x0a\"\n"
    "* 2 FETCH (BODY[HEADER] {streamed 22})\n" },
  { "fetch-header-fields",
    "* 3 FETCH (UID 7 BODY[HEADER.FIELDS (From Subject)]<0> {9}\r\nFrom: a\r\n FLAGS ())\r\n",
    "begin 3 BODY[HEADER.FIELDS (From Subject)]<0> 9\n"
    "end \"From: a\\x0d\\x0a\"\n"
    "* 3 FETCH (UID 7 BODY[HEADER.FIELDS (From Subject)]<0> {streamed 9} FLAGS ())\n" },
  { "fetch-rfc822",
    "* 4 FETCH (RFC822 {3}\r\nabc RFC822.HEADER {2}\r\nhh RFC822.TEXT {1}\r\nt)\r\n",
    "begin 4 RFC822 3\nend \"abc\"\nbegin 4 RFC822.HEADER 2\nend \"hh\"\n"
    "begin 4 RFC822.TEXT 1\nend \"t\"\n"
    "* 4 FETCH (RFC822 {streamed 3} RFC822.HEADER {streamed 2} RFC822.TEXT {streamed 1})\n" },
  { "fetch-binary",
    "* 3 FETCH (UID 1234 BINARY.SIZE[1] 8 BINARY[1] ~{8}\r\nab\0cd\1\r\n)\r\n",
    "begin 3 BINARY[1] 8\nend \"ab\\x00cd\\x01\\x0d\\x0a\"\n"
    "* 3 FETCH (UID 1234 BINARY.SIZE[1] 8 BINARY[1] {streamed 8})\n",
    sizeof "* 3 FETCH (UID 1234 BINARY.SIZE[1] 8 BINARY[1] ~{8}\r\nab\0cd\1\r\n)\r\n" - 1 },
  { "fetch-preview",
    "* 1 FETCH (UID 1 PREVIEW \"Hi, here's the document you asked for\")\r\n"
    "* 2 FETCH (UID 2 PREVIEW NIL)\r\n",
    NULL },
  { "fetch-modseq",
    "* 7 FETCH (MODSEQ (12121231000))\r\n"
    "* 49 FETCH (UID 117 FLAGS (\\Seen \\Answered) MODSEQ (90060115194045001))\r\n",
    NULL },
  { "fetch-gmail",
    "* 1 FETCH (X-GM-MSGID 1278455344230334865 X-GM-THRID 1266894439832287888 "
    "X-GM-LABELS (\\Inbox \\Sent Important \"Muy Importante\") UID 2)\r\n",
    NULL },
  { "fetch-body-section-mime", "* 5 FETCH (BODY[1.2.MIME] \"Content-Type: text/plain\")\r\n",
    NULL },
  { "store",
    "* 2 FETCH (FLAGS (\\Deleted \\Seen))\r\n"
    "* 3 FETCH (FLAGS (\\Deleted))\r\n"
    "* 4 FETCH (FLAGS (\\Deleted \\Flagged \\Seen))\r\n"
    "A003 OK STORE completed\r\n",
    NULL },
  { "move",
    "* OK [COPYUID 432432 42:69 1202:1229]\r\n"
    "* 22 EXPUNGE\r\n"
    "a OK Done\r\n",
    NULL },
  { "uid-fetch",
    "* 23 FETCH (FLAGS (\\Seen) UID 4827313)\r\n"
    "* 24 FETCH (FLAGS (\\Seen) UID 4827943)\r\n"
    "* 25 FETCH (FLAGS (\\Seen) UID 4828442)\r\n"
    "A999 OK UID FETCH completed\r\n",
    NULL },
  /* §7.3, §7.4 */
  { "exists", "* 23 EXISTS\r\n", NULL },
  { "expunge", "* 44 EXPUNGE\r\n", NULL },
  { "flags", "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n", NULL },
  /* RFC 7162 CONDSTORE and QRESYNC */
  { "highestmodseq", "* OK [HIGHESTMODSEQ 715194045007] Highest\r\n", NULL },
  { "nomodseq",
    "* OK [NOMODSEQ] Sorry, this mailbox format doesn't support modsequences\r\n", NULL },
  { "modified", "d105 OK [MODIFIED 7,9] Conditional STORE failed\r\n", NULL },
  { "vanished-earlier", "* VANISHED (EARLIER) 41,43:116,118,120:211,214:540\r\n", NULL },
  { "vanished", "* VANISHED 405,407,410,425\r\n", NULL },
  /* RFC 9208 QUOTA, RFC 2971 ID, RFC 5256 SORT and THREAD */
  { "quotaroot", "* QUOTAROOT INBOX \"\"\r\n* QUOTA \"\" (STORAGE 10 512)\r\n", NULL },
  { "quota-resources", "* QUOTA \"#user/alice\" (STORAGE 54 111 MESSAGE 42 1000)\r\n", NULL },
  { "quotaroot-none", "* QUOTAROOT comp.mail.mime\r\n", NULL },
  { "id",
    "* ID (\"name\" \"Cyrus\" \"version\" \"1.5\" \"os\" \"sunos\" \"os-version\" \"5.5\" "
    "\"support-url\" \"mailto:cyrus-bugs+@andrew.cmu.edu\")\r\n",
    NULL },
  { "id-nil", "* ID NIL\r\n", NULL },
  { "sort", "* SORT 2 3 6\r\n", NULL },
  { "thread", "* THREAD (2)(3 6 (4 23)(44 7 96))\r\n",
    "* THREAD (2) (3 6 (4 23) (44 7 96))\n" },
  /* Tolerated deviations */
  { "bare-lf", "* 1 EXISTS\n* OK [UIDNEXT 5] x\nA1 OK done\n",
    "* 1 EXISTS\n* OK [UIDNEXT 5] x\nA1 OK done\n" },
  { "empty-lines-skipped", "\r\n* 1 EXISTS\r\n\r\n\n", "* 1 EXISTS\n" },
  { "extra-spaces", "* 1 FETCH (FLAGS  (\\Seen)  UID 4 )\r\n",
    "* 1 FETCH (FLAGS (\\Seen) UID 4)\n" },
  { "mailbox-literal", "* LIST () \"/\" {11}\r\nSent Items!\r\n",
    "* LIST () \"/\" \"Sent Items!\"\n" },
  { "mailbox-brackets", "* LIST (\\HasNoChildren) \"/\" [Gmail]/Sent\r\n", NULL },
  { "literal-plus", "* LIST () \"/\" {3+}\r\nabc\r\n", "* LIST () \"/\" \"abc\"\n" },
  { "literal-empty-body", "* 1 FETCH (BODY[] {0}\r\n UID 5)\r\n",
    "begin 1 BODY[] 0\nend \"\"\n* 1 FETCH (BODY[] {streamed 0} UID 5)\n" },
  { "literal-empty-string", "* LIST () \"/\" {0}\r\n\r\n", "* LIST () \"/\" \"\"\n" },
  { "quoted-escapes", "* LIST () \"\\\\\" \"a\\\"b\\\\c\\d\"\r\n",
    "* LIST () \"\\\\\" \"a\\\"b\\\\c\\\\d\"\n" },
  { "utf8", "* LIST () \"/\" \"Entwürfe\" Gelöscht\r\n* OK Grüße\r\n", NULL },
  { "text-with-brackets-later", "* OK Text with [brackets] later\r\n", NULL },
  /* Sections do not nest: the inner "[" is part of a word and the first "]" closes. */
  { "section-not-nested", "* 1 FETCH (BODY[BODY[1]] NIL BODY[(BODY[2])] NIL)\r\n",
    "* 1 FETCH (BODY[BODY[1] ] NIL BODY[(BODY[2])] NIL)\n" },
};

static char *
expected_log (const Example *example)
{
  g_autoptr(GString) expected = NULL;

  if (example->expected != NULL)
    return g_strdup (example->expected);
  expected = g_string_new (example->input);
  g_string_replace (expected, "\r\n", "\n", 0);
  return g_string_free (g_steal_pointer (&expected), FALSE);
}

/* Every example must give the same log whole, byte by byte and split at any offset. */
static void
test_example (gconstpointer data)
{
  const Example *example = data;
  g_autofree char *expected = expected_log (example);
  gsize len = example->len != 0 ? example->len : strlen (example->input);

  for (gsize step = 0; step <= 1; step++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *log = imap_test_parse_steps (example->input, len, step, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (log, ==, expected);
    }
  for (gsize cut = 1; cut < len; cut++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *log = imap_test_parse_cuts (example->input, len, &cut, 1, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (log, ==, expected);
    }
}

static void
test_accessors_fetch (void)
{
  g_autoptr(TaubeImapResponse) response = imap_test_parse_one (
    "* 12 FETCH (FLAGS (\\Seen $Junk) UID 4827313 RFC822.SIZE 44827 "
    "INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" "
    "BODY[HEADER.FIELDS (From \"Subject\")]<0> \"From: a\" MODSEQ (12121231000))\r\n");
  const TaubeImapValue *flags = taube_imap_response_get_fetch_item (response, "flags");
  const TaubeImapValue *date = taube_imap_response_get_fetch_item (response, "INTERNALDATE");
  const TaubeImapValue *list =
    taube_imap_value_get_item (taube_imap_response_get_data (response), 0);
  const TaubeImapValue *section = taube_imap_value_get_item (list, 8);
  guint64 n = 0;
  gsize len = 0;

  g_assert_cmpint (taube_imap_response_get_kind (response), ==, TAUBE_IMAP_RESPONSE_UNTAGGED);
  g_assert_cmpint (taube_imap_response_get_status (response), ==, TAUBE_IMAP_STATUS_NONE);
  g_assert_null (taube_imap_response_get_tag (response));
  g_assert_true (taube_imap_response_get_number (response, &n));
  g_assert_cmpuint (n, ==, 12);
  g_assert_cmpstr (taube_imap_response_get_keyword (response), ==, "FETCH");
  g_assert_true (taube_imap_response_is_keyword (response, "fetch"));
  g_assert_cmpuint (taube_imap_value_get_length (list), ==, 12);

  g_assert_cmpuint (taube_imap_value_get_length (flags), ==, 2);
  g_assert_true (taube_imap_value_is_atom (taube_imap_value_get_item (flags, 0), "\\SEEN"));
  g_assert_cmpstr (taube_imap_value_get_atom (taube_imap_value_get_item (flags, 1)), ==, "$Junk");
  g_assert_null (taube_imap_value_get_item (flags, 2));
  g_assert_true (taube_imap_value_get_number (
    taube_imap_response_get_fetch_item (response, "UID"), &n));
  g_assert_cmpuint (n, ==, 4827313);
  g_assert_true (taube_imap_value_get_number (
    taube_imap_response_get_fetch_item (response, "RFC822.SIZE"), &n));
  g_assert_cmpuint (n, ==, 44827);
  g_assert_cmpstr (taube_imap_value_get_string (date, &len), ==, "17-Jul-1996 02:44:25 -0700");
  g_assert_cmpuint (len, ==, 26);
  g_assert_null (taube_imap_value_get_atom (date));
  g_assert_false (taube_imap_value_get_number (date, NULL));

  g_assert_cmpint (taube_imap_value_get_kind (section), ==, TAUBE_IMAP_VALUE_SECTION);
  g_assert_cmpstr (taube_imap_value_get_section_name (section), ==, "BODY");
  g_assert_cmpstr (taube_imap_value_get_section_spec (section), ==,
                   "HEADER.FIELDS (From \"Subject\")");
  g_assert_true (taube_imap_value_get_section_origin (section, &n));
  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpuint (taube_imap_value_get_length (section), ==, 2);
  g_assert_true (
    taube_imap_value_is_atom (taube_imap_value_get_item (section, 0), "header.fields"));
  g_assert_cmpstr (taube_imap_value_get_string (
    taube_imap_response_get_fetch_item (response, "body[header.fields (FROM \"SUBJECT\")]"), NULL),
    ==, "From: a");
  g_assert_nonnull (taube_imap_response_get_fetch_item (
    response, "BODY[HEADER.FIELDS (From \"Subject\")]<0>"));
  g_assert_null (taube_imap_response_get_fetch_item (
    response, "BODY[HEADER.FIELDS (From \"Subject\")]<1>"));
  g_assert_null (taube_imap_response_get_fetch_item (response, "BODY[HEADER]"));
  g_assert_null (taube_imap_response_get_fetch_item (response, "ENVELOPE"));
  g_assert_true (taube_imap_value_get_number (
    taube_imap_value_get_item (taube_imap_response_get_fetch_item (response, "MODSEQ"), 0), &n));
  g_assert_cmpuint (n, ==, G_GUINT64_CONSTANT (12121231000));
}

static void
test_accessors_status (void)
{
  g_autoptr(TaubeImapResponse) tagged =
    imap_test_parse_one ("A004 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n");
  g_autoptr(TaubeImapResponse) untagged =
    imap_test_parse_one ("* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n");
  g_autoptr(TaubeImapResponse) bye = imap_test_parse_one ("* BYE Autologout\r\n");
  guint64 n = 0;

  g_assert_cmpint (taube_imap_response_get_kind (tagged), ==, TAUBE_IMAP_RESPONSE_TAGGED);
  g_assert_cmpstr (taube_imap_response_get_tag (tagged), ==, "A004");
  g_assert_cmpint (taube_imap_response_get_status (tagged), ==, TAUBE_IMAP_STATUS_OK);
  g_assert_cmpstr (taube_imap_response_get_code_name (tagged), ==, "COPYUID");
  g_assert_true (taube_imap_value_get_number (taube_imap_response_get_code_arg (tagged, 0), &n));
  g_assert_cmpuint (n, ==, 38505);
  g_assert_cmpstr (taube_imap_value_get_atom (taube_imap_response_get_code_arg (tagged, 1)), ==,
                   "304,319:320");
  g_assert_cmpstr (taube_imap_value_get_atom (taube_imap_response_get_code_arg (tagged, 2)), ==,
                   "3956:3958");
  g_assert_null (taube_imap_response_get_code_arg (tagged, 3));
  g_assert_cmpstr (taube_imap_response_get_text (tagged), ==, "Done");
  g_assert_cmpuint (taube_imap_value_get_length (taube_imap_response_get_data (tagged)), ==, 0);
  g_assert_false (taube_imap_response_get_number (tagged, NULL));

  g_assert_cmpint (taube_imap_response_get_status (untagged), ==, TAUBE_IMAP_STATUS_OK);
  g_assert_cmpstr (taube_imap_response_get_code_name (untagged), ==, "PERMANENTFLAGS");
  g_assert_cmpuint (taube_imap_value_get_length (taube_imap_response_get_code_arg (untagged, 0)),
                    ==, 3);
  g_assert_true (taube_imap_value_is_atom (
    taube_imap_value_get_item (taube_imap_response_get_code_arg (untagged, 0), 2), "\\*"));

  g_assert_cmpint (taube_imap_response_get_status (bye), ==, TAUBE_IMAP_STATUS_BYE);
  g_assert_null (taube_imap_response_get_code (bye));
  g_assert_null (taube_imap_response_get_code_name (bye));
  g_assert_cmpstr (taube_imap_response_get_text (bye), ==, "Autologout");
}

static void
test_accessors_astring (void)
{
  g_autoptr(TaubeImapResponse) list = imap_test_parse_one ("* LIST () NIL 007\r\n");
  g_autoptr(TaubeImapResponse) cont = imap_test_parse_one ("+ dGVzdA==\r\n");
  const TaubeImapValue *data = taube_imap_response_get_data (list);
  gsize len = 0;

  g_assert_true (taube_imap_value_is_list (taube_imap_value_get_item (data, 0)));
  g_assert_true (taube_imap_value_is_nil (taube_imap_value_get_item (data, 1)));
  g_assert_null (taube_imap_value_get_nstring (taube_imap_value_get_item (data, 1), NULL));
  g_assert_cmpstr (taube_imap_value_get_astring (taube_imap_value_get_item (data, 1), &len), ==,
                   "NIL");
  g_assert_cmpuint (len, ==, 3);
  /* A mailbox called 007 keeps its leading zeros. */
  g_assert_cmpstr (taube_imap_value_get_astring (taube_imap_value_get_item (data, 2), NULL), ==,
                   "007");
  g_assert_null (taube_imap_value_get_astring (taube_imap_value_get_item (data, 0), NULL));
  g_assert_cmpint (taube_imap_response_get_kind (cont), ==, TAUBE_IMAP_RESPONSE_CONTINUATION);
  g_assert_null (taube_imap_response_get_keyword (cont));
  g_assert_cmpstr (taube_imap_response_get_text (cont), ==, "dGVzdA==");
}

/* A body literal cut at every offset, and into three pieces at every pair of offsets. */
static void
test_fetch_literal_split (void)
{
  static const char input[] =
    "* 9 FETCH (UID 77 BODY[TEXT] {10}\r\n0123\r\n6789 FLAGS (\\Seen))\r\nA1 OK done\r\n";
  static const char expected[] =
    "begin 9 BODY[TEXT] 10\n"
    "end \"0123\\x0d\\x0a6789\"\n"
    "* 9 FETCH (UID 77 BODY[TEXT] {streamed 10} FLAGS (\\Seen))\n"
    "A1 OK done\n";
  gsize len = sizeof input - 1;

  for (gsize a = 1; a < len; a++)
    for (gsize b = a; b < len; b++)
      {
        gsize cuts[] = { a, b };
        g_autoptr(GError) error = NULL;
        g_autofree char *log = imap_test_parse_cuts (input, len, cuts, 2, &error);

        g_assert_no_error (error);
        g_assert_cmpstr (log, ==, expected);
      }
}

static void
test_literal_small_buffered (void)
{
  g_autoptr(TaubeImapResponse) response = imap_test_parse_one (
    "* 1 FETCH (ENVELOPE (NIL {9}\r\nGr\xc3\xbc\xc3\x9f\r\n! "
    "NIL NIL NIL NIL NIL NIL NIL NIL))\r\n");
  const TaubeImapValue *envelope = taube_imap_response_get_fetch_item (response, "ENVELOPE");
  gsize len = 0;
  const char *subject = taube_imap_value_get_string (taube_imap_value_get_item (envelope, 1), &len);

  g_assert_cmpuint (len, ==, 9);
  g_assert_cmpmem (subject, len, "Gr\xc3\xbc\xc3\x9f\r\n!", 9);
}

static void
test_literal8_buffered_nul (void)
{
  static const char input[] = "* LIST () \"/\" ~{5}\r\na\0b\0c\r\n";
  g_autoptr(TaubeImapParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  Collector collector;
  const TaubeImapValue *data;
  const char *name;
  gsize len = 0;

  collector_init (&collector);
  parser = taube_imap_parser_new (&collector_callbacks, &collector);
  g_assert_true (taube_imap_parser_feed (parser, (const guint8 *) input, sizeof input - 1, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (collector.responses->len, ==, 1);
  data = taube_imap_response_get_data (collector.responses->pdata[0]);
  name = taube_imap_value_get_string (taube_imap_value_get_item (data, 2), &len);
  g_assert_cmpmem (name, len, "a\0b\0c", 5);
  collector_clear (&collector);
}

typedef struct
{
  gsize baseline;
  gsize peak;
  guint64 total;
  gsize max_chunk;
  gboolean began;
  gboolean ended;
  guint responses;
} HugeState;

static gsize
heap_in_use (void)
{
  struct mallinfo2 info = mallinfo2 ();

  return info.uordblks + info.hblkhd;
}

static void
huge_begin_cb (TaubeImapParser      *parser,
               guint64               sequence,
               const TaubeImapValue *item,
               guint64               size,
               gpointer              user_data)
{
  HugeState *state = user_data;

  g_assert_cmpuint (sequence, ==, 1);
  g_assert_cmpstr (taube_imap_value_get_section_name (item), ==, "BODY");
  g_assert_cmpuint (size, ==, 50 * 1024 * 1024);
  state->began = TRUE;
}

static void
huge_chunk_cb (TaubeImapParser *parser,
               const guint8    *data,
               gsize            len,
               gpointer         user_data)
{
  HugeState *state = user_data;

  g_assert_true (state->began && !state->ended);
  g_assert_cmpuint (len, <=, 64 * 1024);
  g_assert_cmpuint (data[0], ==, 'x');
  g_assert_cmpuint (data[len - 1], ==, 'x');
  state->total += len;
  state->max_chunk = MAX (state->max_chunk, len);
  state->peak = MAX (state->peak, heap_in_use ());
}

static void
huge_end_cb (TaubeImapParser *parser,
             gpointer         user_data)
{
  HugeState *state = user_data;

  state->ended = TRUE;
}

static void
huge_response_cb (TaubeImapParser   *parser,
                  TaubeImapResponse *response,
                  gpointer           user_data)
{
  HugeState *state = user_data;
  const TaubeImapValue *body = taube_imap_response_get_fetch_item (response, "BODY[]");

  g_assert_true (state->ended);
  g_assert_cmpint (taube_imap_value_get_kind (body), ==, TAUBE_IMAP_VALUE_LITERAL_STREAMED);
  g_assert_cmpuint (taube_imap_value_get_streamed_size (body), ==, 50 * 1024 * 1024);
  state->responses++;
}

/* 50 MiB of body must pass through in chunks of at most 64 KiB without the parser
 * holding on to it: the heap may not grow by more than a few pages while it streams. */
static void
test_literal_huge_streamed (void)
{
  static const TaubeImapParserCallbacks callbacks = {
    huge_response_cb, huge_begin_cb, huge_chunk_cb, huge_end_cb,
  };
  static const char head[] = "* 1 FETCH (BODY[] {52428800}\r\n";
  static const char tail[] = " UID 3)\r\n";
  const gsize block = 1024 * 1024 + 7;
  g_autofree guint8 *buf = g_malloc (block);
  g_autoptr(TaubeImapParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  HugeState state = { 0 };
  gsize left = 50 * 1024 * 1024;

  memset (buf, 'x', block);
  parser = taube_imap_parser_new (&callbacks, &state);
  g_assert_true (taube_imap_parser_feed (parser, (const guint8 *) head, strlen (head), &error));
  state.baseline = heap_in_use ();
  while (left > 0)
    {
      gsize n = MIN (left, block);

      g_assert_true (taube_imap_parser_feed (parser, buf, n, &error));
      left -= n;
    }
  g_assert_true (taube_imap_parser_feed (parser, (const guint8 *) tail, strlen (tail), &error));
  g_assert_no_error (error);

  g_assert_cmpuint (state.total, ==, 50 * 1024 * 1024);
  g_assert_cmpuint (state.max_chunk, ==, 64 * 1024);
  g_assert_cmpuint (state.responses, ==, 1);
  g_assert_cmpuint (state.peak, <, state.baseline + 64 * 1024);
  g_assert_true (taube_imap_parser_is_idle (parser));
}

static void
test_literal_without_callbacks (void)
{
  static const char input[] = "* 1 FETCH (BODY[] {5}\r\nhello)\r\n* 2 EXISTS\r\n";
  g_autoptr(TaubeImapParser) parser = taube_imap_parser_new (NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (taube_imap_parser_feed (parser, (const guint8 *) input, strlen (input), &error));
  g_assert_no_error (error);
  g_assert_true (taube_imap_parser_is_idle (parser));
}

static void
assert_error (const char     *input,
              gsize           len,
              TaubeImapError  code,
              const char     *fragment)
{
  g_autoptr(GError) error = imap_test_parse_error (input, len);

  g_assert_error (error, TAUBE_IMAP_ERROR, (gint) code);
  if (strstr (error->message, fragment) == NULL)
    g_error ("\"%s\" lacks \"%s\"", error->message, fragment);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

#define assert_protocol_error(input, fragment) \
  assert_error (input, sizeof input - 1, TAUBE_IMAP_ERROR_PROTOCOL, fragment)

static void
test_malformed_balance (void)
{
  assert_protocol_error ("* 1 FETCH (FLAGS (\\Seen)\r\n", "unbalanced \"(\": 1 list(s) still open");
  assert_protocol_error ("* 1 FETCH (FLAGS ())) UID 5\r\n",
                         "unbalanced \")\" at byte 20 of the response: \"* 1 FETCH (FLAGS ())\" "
                         ">>> \") UID 5\"");
  assert_protocol_error ("* LIST ) \"/\" x\r\n", "unbalanced \")\"");
  assert_protocol_error ("* OK [PERMANENTFLAGS (\\Seen] x\r\n", "unbalanced");
  assert_protocol_error ("* OK [PERMANENTFLAGS (\\Seen)\r\n", "response code lacks its \"]\"");
  assert_protocol_error ("* OK [ALERT no end\r\n", "response code lacks its \"]\"");
  assert_protocol_error ("* 1 FETCH (BODY[HEADER \"x\")\r\n", "unbalanced \")\"");
  assert_protocol_error ("* 1 FETCH (BODY[HEADER\r\n", "section lacks its \"]\"");
  assert_protocol_error ("* 1 FETCH (BODY[]<x> NIL)\r\n", "malformed partial origin");
  assert_protocol_error ("* 1 FETCH (BODY[]<12 NIL)\r\n", "malformed partial origin");
}

static void
test_malformed_bytes (void)
{
  assert_protocol_error ("* OK bare\rCR\r\n", "bare CR without LF at byte 9");
  assert_protocol_error ("* LIST () \"/\" a\0b\r\n", "NUL byte outside a literal at byte 15");
  assert_protocol_error ("* OK nul\0\r\n", "NUL byte");
  assert_protocol_error ("* LIST () \"/\" \"a\0b\"\r\n", "NUL byte");
  assert_protocol_error ("* SEARCH 1\x01 2\r\n", "control character 0x01 outside a string");
  assert_protocol_error ("* LIST () \"/\" \"unterminated\r\n", "unterminated quoted string");
  assert_protocol_error ("* LIST () \"/\" \"escaped end\\\"\r\n", "unterminated quoted string");
}

static void
test_malformed_prefix (void)
{
  assert_protocol_error ("A1 OKAY done\r\n", "a tagged response must be OK, NO or BAD");
  assert_protocol_error ("A1 XYZ done\r\n", "a tagged response must be OK, NO or BAD");
  assert_protocol_error ("A1 BYE done\r\n", "a tagged response must be OK, NO or BAD");
  assert_protocol_error ("A1 OK(garbage)\r\n", "unexpected character after status OK");
  assert_protocol_error ("A1\r\n", "expected a space after the tag");
  assert_protocol_error (" A1 OK x\r\n", "empty tag");
  assert_protocol_error ("A(1 OK x\r\n", "invalid character in tag");
  assert_protocol_error ("*\r\n", "expected a space after \"*\"");
  assert_protocol_error ("*x OK\r\n", "expected a space after \"*\"");
  assert_protocol_error ("* \r\n", "expected a response type");
  assert_protocol_error ("* 5\r\n", "expected a space after the message number");
  assert_protocol_error ("* 5 \r\n", "expected a keyword after the message number");
  assert_protocol_error ("* OK[ALERT] x\r\n", "unexpected character after status OK");
  assert_protocol_error ("* OK [] x\r\n", "response code has no name");
}

static void
test_malformed_literal (void)
{
  assert_protocol_error ("* LIST () \"/\" {abc}\r\nabc\r\n", "bad literal size");
  assert_protocol_error ("* LIST () \"/\" {}\r\n\r\n", "bad literal size");
  assert_protocol_error ("* LIST () \"/\" {-1}\r\n\r\n", "bad literal size");
  assert_protocol_error ("* LIST () \"/\" {3\r\nabc\r\n", "bad literal size");
  assert_protocol_error ("* LIST () \"/\" {99999999999999999999}\r\n", "bad literal size");
  assert_protocol_error ("* LIST () \"/\" {3} \r\nabc\r\n",
                         "a literal's \"}\" must be followed by CRLF");
  assert_protocol_error ("* LIST () \"/\" {3}abc\r\n", "must be followed by CRLF");
  assert_protocol_error ("* LIST () \"/\" ~{3+x}\r\nabc\r\n", "bad literal size");
}

static void
test_number_overflow (void)
{
  g_autoptr(TaubeImapResponse) max =
    imap_test_parse_one ("* 1 FETCH (MODSEQ (18446744073709551615))\r\n");
  guint64 n = 0;

  g_assert_true (taube_imap_value_get_number (
    taube_imap_value_get_item (taube_imap_response_get_fetch_item (max, "MODSEQ"), 0), &n));
  g_assert_cmpuint (n, ==, G_MAXUINT64);
  assert_protocol_error ("* 1 FETCH (MODSEQ (18446744073709551616))\r\n",
                         "number too large for 64 bits");
  assert_protocol_error ("* SEARCH 1 2 99999999999999999999999999\r\n", "number too large");
  assert_protocol_error ("* 18446744073709551616 EXISTS\r\n", "message number too large");
  assert_protocol_error ("* OK [UIDNEXT 99999999999999999999] x\r\n", "number too large");
  assert_protocol_error ("* 1 FETCH (BODY[]<99999999999999999999> NIL)\r\n",
                         "malformed partial origin");
}

static void
test_deep_nesting (void)
{
  g_autoptr(GString) ok = g_string_new ("* X ");
  g_autoptr(GString) deep = g_string_new ("* X ");
  g_autoptr(GString) huge = g_string_new ("* X ");
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;

  for (guint i = 0; i < 100; i++)
    g_string_append_c (ok, '(');
  for (guint i = 0; i < 100; i++)
    g_string_append_c (ok, ')');
  g_string_append (ok, "\r\n");
  log = imap_test_parse_steps (ok->str, ok->len, 0, &error);
  g_assert_no_error (error);
  g_string_replace (ok, "\r\n", "\n", 0);
  g_assert_cmpstr (log, ==, ok->str);

  for (guint i = 0; i < 101; i++)
    g_string_append_c (deep, '(');
  g_string_append (deep, "\r\n");
  assert_error (deep->str, deep->len, TAUBE_IMAP_ERROR_TOO_BIG, "nested deeper than 100 levels");

  /* A million "(" must fail fast on the depth limit, not on memory or the C stack. */
  for (guint i = 0; i < 1000000; i++)
    g_string_append_c (huge, '(');
  g_string_append (huge, "\r\n");
  assert_error (huge->str, huge->len, TAUBE_IMAP_ERROR_TOO_BIG, "nested deeper");
}

static void
test_limits (void)
{
  TaubeImapParserLimits limits = { .max_line = 64, .max_literal = 8, .max_buffered = 12 };
  const char *long_line = "* OK this line is longer than sixty-four bytes, which is the limit\r\n";
  const char *literal = "* LIST () \"/\" {9}\r\n123456789\r\n";
  const char *two = "* X {8}\r\n12345678 {8}\r\n12345678\r\n";
  const char *body = "* 1 FETCH (BODY[] {100}\r\n";
  const char *fits = "* X {8}\r\n12345678 {4}\r\n1234\r\n";
  const char *tests[] = { long_line, literal, two };
  g_autoptr(TaubeImapParser) parser = taube_imap_parser_new (NULL, NULL);
  g_autoptr(GError) error = NULL;

  taube_imap_parser_set_limits (parser, &limits);
  for (gsize i = 0; i < G_N_ELEMENTS (tests); i++)
    {
      g_assert_false (taube_imap_parser_feed (parser, (const guint8 *) tests[i],
                                              strlen (tests[i]), &error));
      g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_TOO_BIG);
      g_clear_error (&error);
      taube_imap_parser_reset (parser);
    }
  /* Body literals are streamed, so they count toward no limit. */
  g_assert_true (taube_imap_parser_feed (parser, (const guint8 *) body, strlen (body), &error));
  taube_imap_parser_reset (parser);
  g_assert_true (taube_imap_parser_feed (parser, (const guint8 *) fits, strlen (fits), &error));
  g_assert_no_error (error);
}

/* A line without LF must not grow without bound: the limit applies while it arrives. */
static void
test_line_too_big_without_lf (void)
{
  g_autoptr(TaubeImapParser) parser = taube_imap_parser_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  guint8 block[4096];
  gboolean ok = TRUE;
  gsize fed = 0;

  memset (block, 'a', sizeof block);
  while (ok && fed < 4 * 1024 * 1024)
    {
      ok = taube_imap_parser_feed (parser, block, sizeof block, &error);
      fed += sizeof block;
    }
  g_assert_false (ok);
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_TOO_BIG);
  g_assert_cmpuint (fed, <=, 1024 * 1024 + sizeof block);
}

static void
test_error_sticky_and_reset (void)
{
  Collector collector;
  g_autoptr(TaubeImapParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  const char *bad = "* 1 FETCH (UID 1))\r\n";
  const char *good = "* 2 EXISTS\r\n";

  collector_init (&collector);
  parser = taube_imap_parser_new (&collector_callbacks, &collector);
  g_assert_false (taube_imap_parser_feed (parser, (const guint8 *) bad, strlen (bad), &error));
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_false (taube_imap_parser_is_idle (parser));
  g_assert_false (taube_imap_parser_feed (parser, (const guint8 *) good, strlen (good), &error));
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL);
  g_clear_error (&error);

  taube_imap_parser_reset (parser);
  g_assert_true (taube_imap_parser_is_idle (parser));
  g_assert_true (taube_imap_parser_feed (parser, (const guint8 *) good, strlen (good), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (collector.log->str, ==, "* 2 EXISTS\n");
  collector_clear (&collector);
}

static void
test_is_idle (void)
{
  g_autoptr(TaubeImapParser) parser = taube_imap_parser_new (NULL, NULL);
  const char *part = "* 1 FETCH (BODY[] {4}\r\nab";

  g_assert_true (taube_imap_parser_is_idle (parser));
  g_assert_true (taube_imap_parser_feed (parser, (const guint8 *) "* 1", 3, NULL));
  g_assert_false (taube_imap_parser_is_idle (parser));
  g_assert_true (taube_imap_parser_feed (parser, (const guint8 *) " EXISTS\r\n", 9, NULL));
  g_assert_true (taube_imap_parser_is_idle (parser));
  g_assert_true (taube_imap_parser_feed (parser, (const guint8 *) part, strlen (part), NULL));
  g_assert_false (taube_imap_parser_is_idle (parser));
  taube_imap_parser_reset (parser);
  g_assert_true (taube_imap_parser_is_idle (parser));
}

static void
test_invalid_utf8_text (void)
{
  g_autoptr(TaubeImapResponse) response = imap_test_parse_one ("* OK caf\xe9 \xff\r\n");
  const char *text = taube_imap_response_get_text (response);

  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_true (g_str_has_prefix (text, "caf"));
}

static void
test_response_outlives_parser (void)
{
  g_autoptr(TaubeImapResponse) response = imap_test_parse_one ("* FLAGS (\\Seen)\r\n");
  g_autofree char *text = taube_imap_response_to_string (response);

  g_assert_cmpstr (text, ==, "* FLAGS (\\Seen)");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (examples); i++)
    {
      g_autofree char *path = g_strdup_printf ("/imap/parser/example/%s", examples[i].name);

      g_test_add_data_func (path, &examples[i], test_example);
    }
  g_test_add_func ("/imap/parser/accessors-fetch", test_accessors_fetch);
  g_test_add_func ("/imap/parser/accessors-status", test_accessors_status);
  g_test_add_func ("/imap/parser/accessors-astring", test_accessors_astring);
  g_test_add_func ("/imap/parser/fetch-literal-split", test_fetch_literal_split);
  g_test_add_func ("/imap/parser/literal-small-buffered", test_literal_small_buffered);
  g_test_add_func ("/imap/parser/literal8-buffered-nul", test_literal8_buffered_nul);
  g_test_add_func ("/imap/parser/literal-huge-streamed", test_literal_huge_streamed);
  g_test_add_func ("/imap/parser/literal-without-callbacks", test_literal_without_callbacks);
  g_test_add_func ("/imap/parser/malformed-balance", test_malformed_balance);
  g_test_add_func ("/imap/parser/malformed-bytes", test_malformed_bytes);
  g_test_add_func ("/imap/parser/malformed-prefix", test_malformed_prefix);
  g_test_add_func ("/imap/parser/malformed-literal", test_malformed_literal);
  g_test_add_func ("/imap/parser/number-overflow", test_number_overflow);
  g_test_add_func ("/imap/parser/deep-nesting", test_deep_nesting);
  g_test_add_func ("/imap/parser/limits", test_limits);
  g_test_add_func ("/imap/parser/line-too-big-without-lf", test_line_too_big_without_lf);
  g_test_add_func ("/imap/parser/error-sticky-and-reset", test_error_sticky_and_reset);
  g_test_add_func ("/imap/parser/is-idle", test_is_idle);
  g_test_add_func ("/imap/parser/invalid-utf8-text", test_invalid_utf8_text);
  g_test_add_func ("/imap/parser/response-outlives-parser", test_response_outlives_parser);

  return g_test_run ();
}
