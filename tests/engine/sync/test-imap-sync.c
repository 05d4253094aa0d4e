/* test-imap-sync.c — IMAP sync against the rig's real Dovecot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each case uses a fresh store; Dovecot's mailboxes persist between cases of this process,
 * so every case works in mailboxes of its own (or counts relative to what is there).
 * Changes "by another client" are made on a second IMAP session or with doveadm.
 */
#include "sync-test-util.h"

static TaubeTestLogCapture capture;

typedef struct
{
  char *dir;
  TaubeStore *store;
  TaubeImapClient *client;
  TaubeImapSync *sync;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->store = sync_test_new_store (&fixture->dir);
  fixture->client = sync_test_alice ();
  fixture->sync = taube_imap_sync_new (fixture->store, SYNC_TEST_ACCOUNT, fixture->client);
  g_string_truncate (capture.text, 0);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->sync);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->store);
  sync_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
}

static void
sync_ok (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sync_test_run_all (fixture->sync, &error));
  g_assert_no_error (error);
}

static gboolean
client_sent (const char *word)
{
  g_auto(GStrv) lines = g_strsplit (capture.text->str, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "C: ") && strstr (lines[i], word) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_initial (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(TaubeImapClient) other = sync_test_alice ();
  g_autoptr(TaubeFolder) inbox = NULL;
  g_autoptr(TaubeFolder) sent = NULL;
  g_autoptr(TaubeFolder) folder = NULL;
  g_autoptr(TaubeMessage) first = NULL;
  g_autoptr(TaubeMessage) reply = NULL;
  g_autoptr(TaubeMessage) referring = NULL;

  sync_test_command (other, "CREATE \"Initial\"");
  sync_test_save ("Initial", "initial-one", NULL);
  sync_test_save ("Initial", "initial-two", "In-Reply-To: <initial-one@example.test>\r\n");
  sync_test_save ("Initial", "initial-three", "References: <initial-one@example.test>\r\n");
  sync_ok (fixture);

  inbox = sync_test_find_folder (fixture->store, "INBOX");
  sent = sync_test_find_folder (fixture->store, "Sent");
  folder = sync_test_find_folder (fixture->store, "Initial");
  g_assert_nonnull (inbox);
  g_assert_nonnull (sent);
  g_assert_nonnull (folder);
  g_assert_cmpint (taube_folder_get_role (inbox), ==, TAUBE_FOLDER_ROLE_INBOX);
  g_assert_cmpint (taube_folder_get_role (sent), ==, TAUBE_FOLDER_ROLE_SENT);
  g_assert_cmpint (taube_folder_get_role (folder), ==, TAUBE_FOLDER_ROLE_NONE);
  g_assert_cmpuint (taube_folder_get_total (folder), ==, 3);
  g_assert_cmpuint (taube_folder_get_unread (folder), ==, 3);
  g_assert_cmpuint (taube_folder_get_uidvalidity (folder), !=, 0);
  g_assert_cmpuint (taube_folder_get_uidnext (folder), ==, 4);

  first = sync_test_find_message (fixture->store, taube_folder_get_id (folder), "initial-one");
  reply = sync_test_find_message (fixture->store, taube_folder_get_id (folder), "initial-two");
  g_assert_nonnull (first);
  g_assert_nonnull (reply);
  g_assert_cmpuint (taube_message_get_uid (first), ==, 1);
  g_assert_cmpstr (taube_message_get_from_name (first), ==, "Grete Sender");
  g_assert_cmpstr (taube_message_get_from_address (first), ==, "grete@example.test");
  referring = sync_test_find_message (fixture->store, taube_folder_get_id (folder),
                                      "initial-three");
  /* Threads are joined from the list headers' In-Reply-To and References. */
  g_assert_cmpint (taube_message_get_thread_id (first), ==,
                   taube_message_get_thread_id (reply));
  g_assert_cmpint (taube_message_get_thread_id (first), ==,
                   taube_message_get_thread_id (referring));
  /* Newest first: the first window starts at the top UID. */
  g_assert_true (client_sent ("UID FETCH 1:3 "));
}

/* The paperclip is known from BODYSTRUCTURE, before any body is downloaded. */
static void
test_attachment_flag (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(TaubeImapClient) other = sync_test_alice ();
  g_autoptr(TaubeFolder) folder = NULL;
  g_autoptr(TaubeMessage) with_pdf = NULL;
  g_autoptr(TaubeMessage) plain = NULL;
  g_autoptr(TaubeMessage) signature = NULL;

  sync_test_command (other, "CREATE \"Attachments\"");
  /* Multiparts: their header alone cannot tell whether a part is an attachment. */
  sync_test_save_raw ("Attachments",
    "From: grete@example.test\r\nSubject: with-pdf\r\nMessage-ID: <with-pdf@example.test>\r\n"
    "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
    "--b\r\nContent-Type: text/plain\r\n\r\nSee the file.\r\n"
    "--b\r\nContent-Type: application/pdf\r\n"
    "Content-Disposition: attachment; filename=a.pdf\r\n\r\n%PDF-1.4\r\n--b--\r\n");
  sync_test_save_raw ("Attachments",
    "From: grete@example.test\r\nSubject: plain\r\nMessage-ID: <plain@example.test>\r\n"
    "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n"
    "--b\r\nContent-Type: text/plain\r\n\r\nHi\r\n"
    "--b\r\nContent-Type: text/html\r\n\r\n<p>Hi</p>\r\n--b--\r\n");
  sync_test_save_raw ("Attachments",
    "From: grete@example.test\r\nSubject: only-signature\r\n"
    "Message-ID: <only-signature@example.test>\r\nMIME-Version: 1.0\r\n"
    "Content-Type: multipart/signed; boundary=b; protocol=\"application/pgp-signature\"\r\n\r\n"
    "--b\r\nContent-Type: text/plain\r\n\r\nSigned\r\n"
    "--b\r\nContent-Type: application/pgp-signature\r\n\r\nsig\r\n--b--\r\n");
  sync_ok (fixture);

  folder = sync_test_find_folder (fixture->store, "Attachments");
  with_pdf = sync_test_find_message (fixture->store, taube_folder_get_id (folder), "with-pdf");
  plain = sync_test_find_message (fixture->store, taube_folder_get_id (folder), "plain");
  signature = sync_test_find_message (fixture->store, taube_folder_get_id (folder),
                                      "only-signature");
  g_assert_nonnull (with_pdf);
  g_assert_nonnull (plain);
  g_assert_nonnull (signature);
  g_assert_false (taube_message_get_has_body (with_pdf));
  g_assert_true (taube_message_get_has_attachment (with_pdf));
  g_assert_false (taube_message_get_has_attachment (plain));
  g_assert_false (taube_message_get_has_attachment (signature));
  g_assert_true (client_sent ("BODYSTRUCTURE"));
}

typedef enum
{
  WITH_QRESYNC,
  WITH_CONDSTORE,
  BY_COMPARISON,
} Mode;

/* The stored keywords of @uid, sorted and joined by spaces. */
static void
assert_keywords (TaubeStore *store,
                 gint64      folder_id,
                 guint32     uid,
                 const char *expected)
{
  g_autoptr(TaubeMessage) message = taube_store_lookup_uid (store, folder_id, uid, NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) keywords = NULL;
  g_autofree char *joined = NULL;

  g_assert_nonnull (message);
  keywords = taube_store_get_keywords (store, taube_message_get_id (message), &error);
  g_assert_no_error (error);
  keywords = taube_store_keywords_normalize (g_steal_pointer (&keywords));
  joined = g_strjoinv (" ", keywords);
  g_assert_cmpstr (joined, ==, expected);
}

/* Changes by another client reach the store; with QRESYNC they come with the SELECT, with
 * CONDSTORE from CHANGEDSINCE and UID SEARCH, else by comparing flags window by window. */
static void
check_incremental (Fixture *fixture,
                   Mode     mode)
{
  g_autoptr(TaubeImapClient) other = sync_test_alice ();
  static const char *const mailboxes[] = { "Incremental", "Condstore", "Compared" };
  const char *mailbox = mailboxes[mode];
  gboolean qresync = mode == WITH_QRESYNC;
  g_autofree char *fresh_subject = g_strdup_printf ("%s-new", mailbox);
  g_autofree char *create = g_strdup_printf ("CREATE \"%s\"", mailbox);
  g_autofree char *select = g_strdup_printf ("SELECT \"%s\"", mailbox);
  g_autoptr(TaubeFolder) folder = NULL;
  g_autoptr(TaubeMessage) flagged = NULL;
  g_autoptr(TaubeMessage) gone = NULL;
  g_autoptr(TaubeMessage) fresh = NULL;
  gint64 folder_id;

  taube_imap_sync_set_use_qresync (fixture->sync, qresync);
  taube_imap_sync_set_use_condstore (fixture->sync, mode == WITH_CONDSTORE);
  sync_test_command (other, create);
  for (guint i = 1; i <= 4; i++)
    {
      g_autofree char *subject = g_strdup_printf ("%s-%u", mailbox, i);

      sync_test_save (mailbox, subject, NULL);
    }
  sync_ok (fixture);
  folder = sync_test_find_folder (fixture->store, mailbox);
  folder_id = taube_folder_get_id (folder);
  g_assert_cmpuint (taube_folder_get_total (folder), ==, 4);

  sync_test_command (other, select);
  sync_test_command (other, "UID STORE 1 +FLAGS.SILENT (\\Flagged \\Seen)");
  sync_test_command (other, "UID STORE 3 +FLAGS.SILENT ($Label1 $Important)");
  sync_test_command (other, "UID STORE 2 +FLAGS.SILENT (\\Deleted)");
  sync_test_command (other, "UID EXPUNGE 2");
  sync_test_save (mailbox, fresh_subject, NULL);
  g_string_truncate (capture.text, 0);
  sync_ok (fixture);

  g_assert_true (client_sent ("QRESYNC (") == qresync);
  g_assert_true (client_sent ("CHANGEDSINCE") == (mode == WITH_CONDSTORE));
  g_assert_true (client_sent ("(UID FLAGS)") == (mode == BY_COMPARISON));
  g_clear_object (&folder);
  folder = sync_test_find_folder (fixture->store, mailbox);
  g_assert_cmpuint (taube_folder_get_total (folder), ==, 4);
  g_assert_cmpuint (taube_folder_get_unread (folder), ==, 3);
  flagged = taube_store_lookup_uid (fixture->store, folder_id, 1, NULL);
  g_assert_nonnull (flagged);
  g_assert_cmpuint (taube_message_get_flags (flagged) & (TAUBE_MESSAGE_FLAG_FLAGGED
                                                         | TAUBE_MESSAGE_FLAG_SEEN), ==,
                    TAUBE_MESSAGE_FLAG_FLAGGED | TAUBE_MESSAGE_FLAG_SEEN);
  gone = taube_store_lookup_uid (fixture->store, folder_id, 2, NULL);
  g_assert_null (gone);
  fresh = taube_store_lookup_uid (fixture->store, folder_id, 5, NULL);
  g_assert_nonnull (fresh);
  g_assert_cmpstr (taube_message_get_subject (fresh), ==, fresh_subject);
  /* Only the new UID was fetched with its envelope. */
  g_assert_true (client_sent ("UID FETCH 5:5 "));
  assert_keywords (fixture->store, folder_id, 3, "$Important $Label1");

  /* Keywords taken away on the server go from the store too. */
  sync_test_command (other, "UID STORE 3 -FLAGS.SILENT ($Label1)");
  sync_ok (fixture);
  assert_keywords (fixture->store, folder_id, 3, "$Important");
  sync_test_command (other, "UID STORE 3 -FLAGS.SILENT ($Important)");
  sync_ok (fixture);
  assert_keywords (fixture->store, folder_id, 3, "");
}

static void
test_incremental_qresync (Fixture       *fixture,
                          gconstpointer  data)
{
  check_incremental (fixture, WITH_QRESYNC);
}

static void
test_incremental_condstore (Fixture       *fixture,
                            gconstpointer  data)
{
  check_incremental (fixture, WITH_CONDSTORE);
}

static void
test_incremental_compare (Fixture       *fixture,
                          gconstpointer  data)
{
  check_incremental (fixture, BY_COMPARISON);
}

/* A mailbox deleted and created again has a new UIDVALIDITY: the old cache is dropped. */
static void
test_uidvalidity (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(TaubeImapClient) other = sync_test_alice ();
  g_autoptr(TaubeFolder) before = NULL;
  g_autoptr(TaubeFolder) after = NULL;
  g_autoptr(TaubeMessage) old = NULL;
  g_autoptr(TaubeMessage) fresh = NULL;

  sync_test_command (other, "CREATE \"Validity\"");
  sync_test_save ("Validity", "validity-old-1", NULL);
  sync_test_save ("Validity", "validity-old-2", NULL);
  sync_ok (fixture);
  before = sync_test_find_folder (fixture->store, "Validity");
  g_assert_cmpuint (taube_folder_get_total (before), ==, 2);

  sync_test_command (other, "DELETE \"Validity\"");
  sync_test_command (other, "CREATE \"Validity\"");
  sync_test_save ("Validity", "validity-new", NULL);
  sync_ok (fixture);

  after = sync_test_find_folder (fixture->store, "Validity");
  g_assert_cmpint (taube_folder_get_id (after), ==, taube_folder_get_id (before));
  g_assert_cmpuint (taube_folder_get_uidvalidity (after), !=,
                    taube_folder_get_uidvalidity (before));
  g_assert_cmpuint (taube_folder_get_total (after), ==, 1);
  old = sync_test_find_message (fixture->store, taube_folder_get_id (after), "validity-old-1");
  fresh = sync_test_find_message (fixture->store, taube_folder_get_id (after), "validity-new");
  g_assert_null (old);
  g_assert_nonnull (fresh);
  g_assert_cmpuint (taube_message_get_uid (fresh), ==, 1);
}

/* New, renamed and deleted folders are followed; a rename keeps the messages. */
static void
test_folders (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(TaubeImapClient) other = sync_test_alice ();
  g_autoptr(TaubeFolder) created = NULL;
  g_autoptr(TaubeFolder) renamed = NULL;
  g_autoptr(TaubeFolder) old_name = NULL;
  g_autoptr(TaubeFolder) deleted = NULL;
  g_autoptr(TaubeFolder) umlaut = NULL;

  sync_test_command (other, "CREATE \"Reisen\"");
  sync_test_command (other, "CREATE \"K&APw-che\"");
  sync_test_save ("Reisen", "reisen-1", NULL);
  sync_ok (fixture);
  created = sync_test_find_folder (fixture->store, "Reisen");
  g_assert_nonnull (created);
  g_assert_cmpuint (taube_folder_get_total (created), ==, 1);
  umlaut = sync_test_find_folder (fixture->store, "K&APw-che");
  g_assert_nonnull (umlaut);
  g_assert_cmpstr (taube_folder_get_display_name (umlaut), ==, "Küche");

  sync_test_command (other, "RENAME \"Reisen\" \"Urlaub\"");
  sync_ok (fixture);
  renamed = sync_test_find_folder (fixture->store, "Urlaub");
  old_name = sync_test_find_folder (fixture->store, "Reisen");
  g_assert_nonnull (renamed);
  g_assert_null (old_name);
  g_assert_cmpint (taube_folder_get_id (renamed), ==, taube_folder_get_id (created));
  g_assert_cmpuint (taube_folder_get_total (renamed), ==, 1);

  sync_test_command (other, "DELETE \"Urlaub\"");
  sync_ok (fixture);
  deleted = sync_test_find_folder (fixture->store, "Urlaub");
  g_assert_null (deleted);
}

static GBytes *
read_body (TaubeStore *store,
           gint64      message_id,
           GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  taube_store_read_message_async (store, message_id, NULL, taube_test_store_result_cb, &result);
  return taube_store_read_message_finish (store, taube_test_wait (&result), error);
}

/* Opening a message fetches its body, without marking it read. */
static void
test_body_on_demand (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(TaubeImapClient) other = sync_test_alice ();
  g_autoptr(TaubeFolder) folder = NULL;
  g_autoptr(TaubeMessage) message = NULL;
  g_autoptr(TaubeMessage) after = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  sync_test_command (other, "CREATE \"Bodies\"");
  sync_test_save ("Bodies", "bodies-1", NULL);
  sync_ok (fixture);
  folder = sync_test_find_folder (fixture->store, "Bodies");
  message = sync_test_find_message (fixture->store, taube_folder_get_id (folder), "bodies-1");
  body = read_body (fixture->store, taube_message_get_id (message), &error);
  g_assert_null (body);
  g_assert_nonnull (error);
  g_clear_error (&error);

  taube_imap_sync_fetch_body_async (fixture->sync, taube_message_get_id (message), NULL,
                                    taube_test_store_result_cb, &result);
  g_assert_true (taube_imap_sync_fetch_body_finish (fixture->sync, taube_test_wait (&result),
                                                    &error));
  g_assert_no_error (error);
  body = read_body (fixture->store, taube_message_get_id (message), &error);
  g_assert_no_error (error);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                  "Body of bodies-1."));
  after = taube_store_get_message (fixture->store, taube_message_get_id (message), NULL);
  g_assert_cmpuint (taube_message_get_flags (after) & TAUBE_MESSAGE_FLAG_SEEN, ==, 0);
  g_assert_true (client_sent ("BODY.PEEK[]"));
}

/* With the "recent" policy a sync downloads the bodies of new mail. */
static void
test_body_policy (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(TaubeImapClient) other = sync_test_alice ();
  g_autoptr(TaubeFolder) folder = NULL;
  g_autoptr(TaubeMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  sync_test_command (other, "CREATE \"Policy\"");
  sync_test_save ("Policy", "policy-1", NULL);
  taube_imap_sync_set_bodies (fixture->sync, TAUBE_IMAP_SYNC_BODIES_RECENT, 7);
  sync_ok (fixture);
  folder = sync_test_find_folder (fixture->store, "Policy");
  message = sync_test_find_message (fixture->store, taube_folder_get_id (folder), "policy-1");
  body = read_body (fixture->store, taube_message_get_id (message), &error);
  g_assert_no_error (error);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                  "Body of policy-1."));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  capture.text = g_string_new (NULL);
  g_log_set_writer_func (taube_test_log_writer, &capture, NULL);
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/imap-sync/initial", test_initial);
  ADD ("/imap-sync/incremental-qresync", test_incremental_qresync);
  ADD ("/imap-sync/attachment-flag", test_attachment_flag);
  ADD ("/imap-sync/incremental-condstore", test_incremental_condstore);
  ADD ("/imap-sync/incremental-compare", test_incremental_compare);
  ADD ("/imap-sync/uidvalidity", test_uidvalidity);
  ADD ("/imap-sync/folders", test_folders);
  ADD ("/imap-sync/body-on-demand", test_body_on_demand);
  ADD ("/imap-sync/body-policy", test_body_policy);
#undef ADD
  return g_test_run ();
}
