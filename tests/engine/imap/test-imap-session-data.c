/* test-imap-session-data.c — LIST, STATUS, QUOTA, NAMESPACE, ENABLED, VANISHED and ID
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The response examples of RFC 9051, RFC 2342 (NAMESPACE), RFC 2971 (ID), RFC 5161
 * (ENABLE), RFC 5258 and RFC 5819 (extended LIST, LIST-STATUS), RFC 6154 (SPECIAL-USE),
 * RFC 7162 (CONDSTORE, QRESYNC) and RFC 9208 (QUOTA), parsed by the real parser and read
 * by the interpreters; then responses of the wrong shape.
 */
#include "taube-imap-client.h"
#include "taube-imap-error.h"
#include "imap-test-util.h"

static TaubeImapMailboxInfo *
list_one (const char *line,
          gboolean    utf8)
{
  g_autoptr(TaubeImapResponse) response = imap_test_parse_one (line);
  g_autoptr(GError) error = NULL;
  TaubeImapMailboxInfo *info = taube_imap_list_parse (response, utf8, &error);

  g_assert_no_error (error);
  g_assert_nonnull (info);
  return info;
}

static char *
joined_flags (const TaubeImapMailboxInfo *info)
{
  return g_strjoinv (" ", info->flags);
}

static void
test_list_rfc9051 (void)
{
  static const struct {
    const char *line;
    const char *name;
    char delimiter;
    const char *flags;
  } cases[] = {
    /* RFC 9051 §6.3.9 */
    { "* LIST (\\Noselect) \"/\" \"\"\r\n", "", '/', "\\Noselect" },
    { "* LIST (\\Noselect) \".\" #news.\r\n", "#news.", '.', "\\Noselect" },
    { "* LIST () \"/\" blurdybloop\r\n", "blurdybloop", '/', "" },
    { "* LIST (\\Noselect) \"/\" foo\r\n", "foo", '/', "\\Noselect" },
    { "* LIST () \"/\" foo/bar\r\n", "foo/bar", '/', "" },
    { "* LIST (\\Marked \\NoInferiors) NIL \"inbox\"\r\n", "inbox", '\0',
      "\\Marked \\NoInferiors" },
    /* RFC 9051 §5.1.3: modified UTF-7 */
    { "* LIST () \"/\" \"~peter/mail/&U,BTFw-/&ZeVnLIqe-\"\r\n",
      "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", '/', "" },
    /* RFC 6154 §5.3 */
    { "* LIST (\\Marked \\Drafts) \"/\" MyDrafts\r\n", "MyDrafts", '/', "\\Marked \\Drafts" },
    { "* LIST (\\Sent) \"/\" SentMail\r\n", "SentMail", '/', "\\Sent" },
    /* RFC 5258 §5: extended data after the name is skipped */
    { "* LIST () \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n", "Foo", '/', "" },
    { "* LIST (\\Subscribed \\NonExistent) \"/\" \"Fruit/Peach\"\r\n", "Fruit/Peach", '/',
      "\\Subscribed \\NonExistent" },
    /* A name sent as a literal */
    { "* LIST () \"/\" {8}\r\nA \"B\" \\C\r\n", "A \"B\" \\C", '/', "" },
    /* Not valid modified UTF-7: kept as sent */
    { "* LIST () \"/\" \"Caf\xc3\xa9\"\r\n", "Caf\xc3\xa9", '/', "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TaubeImapMailboxInfo) info = list_one (cases[i].line, FALSE);
      g_autofree char *flags = joined_flags (info);

      g_assert_cmpstr (info->name, ==, cases[i].name);
      g_assert_cmpint (info->delimiter, ==, cases[i].delimiter);
      g_assert_cmpstr (flags, ==, cases[i].flags);
    }
}

/* RFC 6855 §3: with UTF8=ACCEPT, names are UTF-8 and "&" is just a character. */
static void
test_list_utf8 (void)
{
  g_autoptr(TaubeImapMailboxInfo) utf8 = list_one ("* LIST () \"/\" \"R&D/Gr\xc3\xb6\xc3\x9f" "e\"\r\n",
                                                   TRUE);
  g_autoptr(TaubeImapMailboxInfo) legacy = list_one ("* LIST () \"/\" \"R&-D\"\r\n", FALSE);

  g_assert_cmpstr (utf8->name, ==, "R&D/Gr\xc3\xb6\xc3\x9f" "e");
  g_assert_cmpstr (legacy->name, ==, "R&D");
}

static TaubeImapMailboxStatus *
status_one (const char *line)
{
  g_autoptr(TaubeImapResponse) response = imap_test_parse_one (line);
  g_autoptr(GError) error = NULL;
  TaubeImapMailboxStatus *status = taube_imap_mailbox_status_parse (response, FALSE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (status);
  return status;
}

static void
test_status (void)
{
  /* RFC 9051 §7.3.4 */
  g_autoptr(TaubeImapMailboxStatus) plain =
    status_one ("* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n");
  /* RFC 7162 §3.1.2.1 (HIGHESTMODSEQ beyond 32 bits) */
  g_autoptr(TaubeImapMailboxStatus) modseq =
    status_one ("* STATUS blurdybloop (MESSAGES 231 UIDNEXT 7500 HIGHESTMODSEQ 7011231777)\r\n");
  /* RFC 5819 §4: one STATUS per listed mailbox, names quoted */
  g_autoptr(TaubeImapMailboxStatus) listed =
    status_one ("* STATUS \"foo\" (MESSAGES 30 UNSEEN 29)\r\n");
  /* Items not asked for are skipped, an empty list is fine */
  g_autoptr(TaubeImapMailboxStatus) other =
    status_one ("* STATUS \"&AMQ-rger\" (RECENT 2 SIZE 123456789012 UIDVALIDITY 3857529045)\r\n");
  g_autoptr(TaubeImapMailboxStatus) empty = status_one ("* STATUS INBOX ()\r\n");

  g_assert_cmpstr (plain->mailbox, ==, "blurdybloop");
  g_assert_cmpuint (plain->items, ==,
                    TAUBE_IMAP_STATUS_ITEM_MESSAGES | TAUBE_IMAP_STATUS_ITEM_UIDNEXT);
  g_assert_cmpuint (plain->messages, ==, 231);
  g_assert_cmpuint (plain->uidnext, ==, 44292);
  g_assert_cmpuint (modseq->highestmodseq, ==, G_GUINT64_CONSTANT (7011231777));
  g_assert_true (modseq->items & TAUBE_IMAP_STATUS_ITEM_HIGHESTMODSEQ);
  g_assert_cmpuint (listed->unseen, ==, 29);
  g_assert_cmpstr (other->mailbox, ==, "\xc3\x84rger");
  g_assert_cmpuint (other->items, ==, TAUBE_IMAP_STATUS_ITEM_UIDVALIDITY);
  g_assert_cmpuint (other->uidvalidity, ==, G_GUINT64_CONSTANT (3857529045));
  g_assert_cmpuint (empty->items, ==, 0);
}

static TaubeImapQuota *
quota_one (const char *line)
{
  g_autoptr(TaubeImapResponse) response = imap_test_parse_one (line);
  g_autoptr(GError) error = NULL;
  TaubeImapQuota *quota = taube_imap_quota_parse (response, &error);

  g_assert_no_error (error);
  g_assert_nonnull (quota);
  return quota;
}

static void
test_quota (void)
{
  /* RFC 9208 §4.2.2 and §5.1 */
  g_autoptr(TaubeImapResponse) root = imap_test_parse_one ("* QUOTAROOT INBOX \"\"\r\n");
  g_autoptr(TaubeImapResponse) none = imap_test_parse_one ("* QUOTAROOT comp.mail.mime\r\n");
  g_autoptr(TaubeImapQuota) storage = quota_one ("* QUOTA \"\" (STORAGE 10 512)\r\n");
  g_autoptr(TaubeImapQuota) both =
    quota_one ("* QUOTA \"#user/alice\" (STORAGE 54 111 MESSAGE 42 1000)\r\n");
  g_autoptr(TaubeImapQuotaInfo) info = g_new0 (TaubeImapQuotaInfo, 1);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) no_roots = NULL;
  g_autofree char *no_roots_mailbox = NULL;
  TaubeImapQuotaResource *resource;
  guint64 usage = 0;
  guint64 limit = 0;

  g_assert_true (taube_imap_quota_root_parse (root, FALSE, &info->mailbox, &info->roots,
                                              &error));
  g_assert_no_error (error);
  g_assert_cmpstr (info->mailbox, ==, "INBOX");
  g_assert_cmpuint (g_strv_length (info->roots), ==, 1);
  g_assert_cmpstr (info->roots[0], ==, "");
  g_assert_true (taube_imap_quota_root_parse (none, FALSE, &no_roots_mailbox, &no_roots,
                                              &error));
  g_assert_cmpstr (no_roots_mailbox, ==, "comp.mail.mime");
  g_assert_cmpuint (g_strv_length (no_roots), ==, 0);

  g_assert_cmpstr (storage->root, ==, "");
  g_assert_cmpuint (storage->resources->len, ==, 1);
  resource = g_ptr_array_index (storage->resources, 0);
  g_assert_cmpstr (resource->name, ==, "STORAGE");
  g_assert_cmpuint (resource->usage, ==, 10);
  g_assert_cmpuint (resource->limit, ==, 512);
  g_assert_cmpstr (both->root, ==, "#user/alice");
  g_assert_cmpuint (both->resources->len, ==, 2);

  info->quotas = g_ptr_array_new_with_free_func ((GDestroyNotify) taube_imap_quota_free);
  g_ptr_array_add (info->quotas, g_steal_pointer (&both));
  g_assert_true (taube_imap_quota_info_lookup (info, "message", &usage, &limit));
  g_assert_cmpuint (usage, ==, 42);
  g_assert_cmpuint (limit, ==, 1000);
  g_assert_false (taube_imap_quota_info_lookup (info, "MAILBOX", &usage, &limit));
}

static TaubeImapNamespaces *
namespaces_one (const char *line)
{
  g_autoptr(TaubeImapResponse) response = imap_test_parse_one (line);
  g_autoptr(GError) error = NULL;
  TaubeImapNamespaces *namespaces = taube_imap_namespaces_parse (response, FALSE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (namespaces);
  return namespaces;
}

/* "prefix delimiter, …" of a group, for comparing in one line. */
static char *
describe (GPtrArray *group)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < group->len; i++)
    {
      TaubeImapNamespace *namespace = g_ptr_array_index (group, i);

      g_string_append_printf (text, "%s[%s %c]", i > 0 ? "," : "", namespace->prefix,
                              namespace->delimiter != '\0' ? namespace->delimiter : '-');
    }
  return g_string_free (text, FALSE);
}

static void
test_namespace (void)
{
  /* RFC 2342 §5, examples 5.1 to 5.6 (the last with an extension), and a NIL delimiter */
  static const struct {
    const char *line;
    const char *personal;
    const char *other;
    const char *shared;
  } cases[] = {
    { "* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n", "[ /]", "", "" },
    { "* NAMESPACE NIL NIL ((\"\" \".\"))\r\n", "", "", "[ .]" },
    { "* NAMESPACE ((\"\" \"/\")) NIL ((\"Public Folders/\" \"/\"))\r\n", "[ /]", "",
      "[Public Folders/ /]" },
    { "* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\")(\"#public/\" \"/\")"
      "(\"#ftp/\" \"/\")(\"#news.\" \".\"))\r\n", "[ /]", "[~ /]",
      "[#shared/ /],[#public/ /],[#ftp/ /],[#news. .]" },
    { "* NAMESPACE ((\"INBOX.\" \".\")) NIL ((\"\" \".\"))\r\n", "[INBOX. .]", "", "[ .]" },
    { "* NAMESPACE ((\"\" \"/\")(\"#mh/\" \"/\" \"X-PARAM\" (\"FLAG1\" \"FLAG2\"))) NIL NIL\r\n",
      "[ /],[#mh/ /]", "", "" },
    { "* NAMESPACE ((\"\" NIL)) ((\"Andere &ANY-\" \"/\")) NIL\r\n", "[ -]",
      "[Andere \xc3\x96 /]", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TaubeImapNamespaces) namespaces = namespaces_one (cases[i].line);
      g_autofree char *personal = describe (namespaces->personal);
      g_autofree char *other = describe (namespaces->other_users);
      g_autofree char *shared = describe (namespaces->shared);

      g_assert_cmpstr (personal, ==, cases[i].personal);
      g_assert_cmpstr (other, ==, cases[i].other);
      g_assert_cmpstr (shared, ==, cases[i].shared);
    }
}

static void
test_enabled (void)
{
  /* RFC 5161 §4 and RFC 7162 §3.2.3 */
  g_autoptr(TaubeImapResponse) one = imap_test_parse_one ("* ENABLED X-GOOD-IDEA\r\n");
  g_autoptr(TaubeImapResponse) two = imap_test_parse_one ("* ENABLED condstore QRESYNC\r\n");
  g_autoptr(TaubeImapResponse) none = imap_test_parse_one ("* ENABLED\r\n");
  g_autoptr(TaubeImapResponse) other = imap_test_parse_one ("* CAPABILITY IMAP4rev1 ENABLE\r\n");
  g_auto(GStrv) first = taube_imap_enabled_parse (one);
  g_auto(GStrv) second = taube_imap_enabled_parse (two);
  g_auto(GStrv) third = taube_imap_enabled_parse (none);
  g_auto(GStrv) fourth = taube_imap_enabled_parse (other);
  g_autofree char *second_text = g_strjoinv (" ", second);

  g_assert_cmpuint (g_strv_length (first), ==, 1);
  g_assert_cmpstr (first[0], ==, "X-GOOD-IDEA");
  g_assert_cmpstr (second_text, ==, "CONDSTORE QRESYNC");
  g_assert_cmpuint (g_strv_length (third), ==, 0);
  g_assert_cmpuint (g_strv_length (fourth), ==, 0);
}

static void
test_vanished (void)
{
  /* RFC 7162 §3.2.10 */
  g_autoptr(TaubeImapResponse) earlier =
    imap_test_parse_one ("* VANISHED (EARLIER) 41,43:116,118,120:211,214:540\r\n");
  g_autoptr(TaubeImapResponse) now = imap_test_parse_one ("* VANISHED 405,407,410,425\r\n");
  g_autoptr(TaubeImapResponse) single = imap_test_parse_one ("* VANISHED 7\r\n");
  g_autoptr(TaubeImapSequenceSet) first = NULL;
  g_autoptr(TaubeImapSequenceSet) second = NULL;
  g_autoptr(TaubeImapSequenceSet) third = NULL;
  g_autoptr(GError) error = NULL;
  gboolean is_earlier = FALSE;

  first = taube_imap_vanished_parse (earlier, &is_earlier, &error);
  g_assert_no_error (error);
  g_assert_true (is_earlier);
  g_assert_cmpuint (taube_imap_sequence_set_get_count (first), ==, 1 + 74 + 1 + 92 + 327);
  g_assert_true (taube_imap_sequence_set_contains (first, 43));
  g_assert_false (taube_imap_sequence_set_contains (first, 42));
  second = taube_imap_vanished_parse (now, &is_earlier, &error);
  g_assert_no_error (error);
  g_assert_false (is_earlier);
  g_assert_cmpuint (taube_imap_sequence_set_get_count (second), ==, 4);
  third = taube_imap_vanished_parse (single, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (taube_imap_sequence_set_contains (third, 7));
}

static void
test_flag_change (void)
{
  /* RFC 7162 §3.2.5.1 (QRESYNC SELECT) and RFC 9051 §7.5.2 */
  g_autoptr(TaubeImapResponse) qresync =
    imap_test_parse_one ("* 49 FETCH (UID 117 FLAGS (\\Seen \\Answered) MODSEQ "
                         "(90060115194045001))\r\n");
  g_autoptr(TaubeImapResponse) plain = imap_test_parse_one ("* 12 FETCH (FLAGS ())\r\n");
  g_autoptr(TaubeImapResponse) no_flags =
    imap_test_parse_one ("* 12 FETCH (UID 5 RFC822.SIZE 44827)\r\n");
  g_autoptr(TaubeImapFlagChange) first = taube_imap_flag_change_parse (qresync);
  g_autoptr(TaubeImapFlagChange) second = taube_imap_flag_change_parse (plain);
  g_autofree char *flags = g_strjoinv (" ", first->flags);

  g_assert_cmpuint (first->seq, ==, 49);
  g_assert_cmpuint (first->uid, ==, 117);
  g_assert_cmpuint (first->modseq, ==, G_GUINT64_CONSTANT (90060115194045001));
  g_assert_cmpstr (flags, ==, "\\Seen \\Answered");
  g_assert_cmpuint (second->seq, ==, 12);
  g_assert_cmpuint (second->uid, ==, 0);
  g_assert_cmpuint (g_strv_length (second->flags), ==, 0);
  g_assert_null (taube_imap_flag_change_parse (no_flags));
}

static void
test_id (void)
{
  /* RFC 2971 §3.3 */
  g_autoptr(TaubeImapResponse) cyrus =
    imap_test_parse_one ("* ID (\"name\" \"Cyrus\" \"version\" \"1.5\" \"os\" \"sunos\" "
                         "\"os-version\" \"5.5\" \"support-url\" "
                         "\"mailto:cyrus-bugs+@andrew.cmu.edu\")\r\n");
  g_autoptr(TaubeImapResponse) nil = imap_test_parse_one ("* ID NIL\r\n");
  g_autoptr(TaubeImapResponse) with_nil =
    imap_test_parse_one ("* ID (\"Name\" \"Dovecot\" \"os\" NIL)\r\n");
  g_autoptr(GHashTable) first = NULL;
  g_autoptr(GHashTable) second = NULL;
  g_autoptr(GHashTable) third = NULL;
  g_autoptr(GError) error = NULL;

  first = taube_imap_id_parse (cyrus, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (first), ==, 5);
  g_assert_cmpstr (g_hash_table_lookup (first, "support-url"), ==,
                   "mailto:cyrus-bugs+@andrew.cmu.edu");
  second = taube_imap_id_parse (nil, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (second), ==, 0);
  third = taube_imap_id_parse (with_nil, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (third, "name"), ==, "Dovecot");
  g_assert_false (g_hash_table_contains (third, "os"));
}

/* Well-formed IMAP, but not what the response must look like: a protocol error each. */
static void
test_malformed (void)
{
  static const char *lists[] = {
    "* LIST \\Noselect \"/\" foo\r\n",
    "* LIST () \"/\"\r\n",
    "* LIST () (\"/\") foo\r\n",
    "* LIST ((\\Sent)) \"/\" foo\r\n",
  };
  static const char *statuses[] = {
    "* STATUS blurdybloop MESSAGES 231\r\n",
    "* STATUS blurdybloop (MESSAGES)\r\n",
    "* STATUS blurdybloop (MESSAGES many)\r\n",
    "* STATUS blurdybloop (UIDNEXT 4294967296)\r\n",
    "* STATUS (MESSAGES 1)\r\n",
  };
  static const char *quotas[] = {
    "* QUOTA \"\" (STORAGE 10)\r\n",
    "* QUOTA \"\" STORAGE 10 512\r\n",
    "* QUOTA \"\" (STORAGE ten 512)\r\n",
    "* QUOTA (STORAGE 10 512)\r\n",
  };
  static const char *namespaces[] = {
    "* NAMESPACE ((\"\" \"/\")) NIL\r\n",
    "* NAMESPACE (\"\" \"/\") NIL NIL\r\n",
    "* NAMESPACE ((\"\")) NIL NIL\r\n",
    "* NAMESPACE ((\"\" (\"/\"))) NIL NIL\r\n",
  };
  static const char *vanished[] = {
    "* VANISHED (LATER) 1:5\r\n",
    "* VANISHED (EARLIER)\r\n",
    "* VANISHED 1:*\r\n",
    "* VANISHED 0\r\n",
    "* VANISHED 1 2\r\n",
  };
  static const char *ids[] = {
    "* ID (\"name\")\r\n",
    "* ID (name \"Dovecot\")\r\n",
    "* ID \"name\" \"Dovecot\"\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      g_autoptr(TaubeImapResponse) response = imap_test_parse_one (lists[i]);
      g_autoptr(GError) error = NULL;

      g_assert_null (taube_imap_list_parse (response, FALSE, &error));
      g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr(TaubeImapResponse) response = imap_test_parse_one (statuses[i]);
      g_autoptr(GError) error = NULL;

      g_assert_null (taube_imap_mailbox_status_parse (response, FALSE, &error));
      g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (quotas); i++)
    {
      g_autoptr(TaubeImapResponse) response = imap_test_parse_one (quotas[i]);
      g_autoptr(GError) error = NULL;

      g_assert_null (taube_imap_quota_parse (response, &error));
      g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (namespaces); i++)
    {
      g_autoptr(TaubeImapResponse) response = imap_test_parse_one (namespaces[i]);
      g_autoptr(GError) error = NULL;

      g_assert_null (taube_imap_namespaces_parse (response, FALSE, &error));
      g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (vanished); i++)
    {
      g_autoptr(TaubeImapResponse) response = imap_test_parse_one (vanished[i]);
      g_autoptr(GError) error = NULL;

      g_assert_null (taube_imap_vanished_parse (response, NULL, &error));
      g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(TaubeImapResponse) response = imap_test_parse_one (ids[i]);
      g_autoptr(GError) error = NULL;

      g_assert_null (taube_imap_id_parse (response, &error));
      g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/imap/session-data/list-rfc9051", test_list_rfc9051);
  g_test_add_func ("/imap/session-data/list-utf8", test_list_utf8);
  g_test_add_func ("/imap/session-data/status", test_status);
  g_test_add_func ("/imap/session-data/quota", test_quota);
  g_test_add_func ("/imap/session-data/namespace", test_namespace);
  g_test_add_func ("/imap/session-data/enabled", test_enabled);
  g_test_add_func ("/imap/session-data/vanished", test_vanished);
  g_test_add_func ("/imap/session-data/flag-change", test_flag_change);
  g_test_add_func ("/imap/session-data/id", test_id);
  g_test_add_func ("/imap/session-data/malformed", test_malformed);

  return g_test_run ();
}
