/* test-offline-queue.c — the offline queue against the rig's real Dovecot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Offline" is a client pointed at a port nobody listens on: the changes are made and
 * queued, the queue object is thrown away and made again from the store (a restart), and
 * the replay runs once the client can reach the real server. What reached the server is
 * checked on a second session.
 */
#include "sync-test-util.h"
#include "taube-offline-queue.h"
#include "taube-store-queue.h"

static TaubeTestLogCapture capture;

typedef struct
{
  char *dir;
  TaubeStore *store;
  TaubeImapClient *client;
  TaubeImapSync *sync;
  TaubeOfflineQueue *queue;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->store = sync_test_new_store (&fixture->dir);
  fixture->client = sync_test_alice ();
  fixture->sync = taube_imap_sync_new (fixture->store, SYNC_TEST_ACCOUNT, fixture->client);
  fixture->queue = taube_offline_queue_new (fixture->store, SYNC_TEST_ACCOUNT);
  g_string_truncate (capture.text, 0);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->queue);
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

static void
replay_ok (TaubeOfflineQueue *queue,
           TaubeImapClient   *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  taube_offline_queue_replay_async (queue, client, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_offline_queue_replay_finish (queue, taube_test_wait (&result), &error));
  g_assert_no_error (error);
}

static void
change_ok (TaubeOfflineQueue *queue,
           GAsyncResult     **result)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (taube_offline_queue_change_finish (queue, taube_test_wait (result), &error));
  g_assert_no_error (error);
  g_clear_object (result);
}

/* The flags of @uid in @mailbox as the server reports them to another session. */
static char *
server_flags (const char *mailbox,
              guint32     uid)
{
  g_autoptr(TaubeImapClient) other = sync_test_alice ();
  g_autofree char *select = g_strdup_printf ("EXAMINE \"%s\"", mailbox);
  g_autofree char *fetch = g_strdup_printf ("UID FETCH %u (FLAGS)", uid);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TaubeImapResponse) response = NULL;
  g_autoptr(GPtrArray) untagged = NULL;
  g_autoptr(GError) error = NULL;

  sync_test_command (other, select);
  taube_imap_client_command_async (other, fetch, NULL, taube_test_store_result_cb, &result);
  response = taube_imap_client_command_finish (other, taube_test_wait (&result), &untagged,
                                               &error);
  g_assert_no_error (error);
  for (guint i = 0; i < untagged->len; i++)
    {
      const TaubeImapValue *flags = taube_imap_response_get_fetch_item (
        g_ptr_array_index (untagged, i), "FLAGS");

      if (flags != NULL)
        return taube_imap_value_to_string (flags);
    }
  return NULL;
}

/* How many messages with @subject the server has in @mailbox. */
static guint
server_count (const char *mailbox,
              const char *subject)
{
  g_autoptr(TaubeImapClient) other = sync_test_alice ();
  g_autofree char *select = g_strdup_printf ("EXAMINE \"%s\"", mailbox);
  g_autofree char *search = g_strdup_printf ("UID SEARCH SUBJECT \"%s\"", subject);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TaubeImapResponse) response = NULL;
  g_autoptr(GPtrArray) untagged = NULL;
  g_autoptr(GError) error = NULL;

  sync_test_command (other, select);
  taube_imap_client_command_async (other, search, NULL, taube_test_store_result_cb, &result);
  response = taube_imap_client_command_finish (other, taube_test_wait (&result), &untagged,
                                               &error);
  g_assert_no_error (error);
  for (guint i = 0; i < untagged->len; i++)
    if (taube_imap_response_is_keyword (g_ptr_array_index (untagged, i), "SEARCH"))
      return taube_imap_value_get_length (
        taube_imap_response_get_data (g_ptr_array_index (untagged, i)));
  return 0;
}

static gint64
message_id_of (Fixture    *fixture,
               const char *mailbox,
               const char *subject)
{
  g_autoptr(TaubeFolder) folder = sync_test_find_folder (fixture->store, mailbox);
  g_autoptr(TaubeMessage) message = NULL;

  g_assert_nonnull (folder);
  message = sync_test_find_message (fixture->store, taube_folder_get_id (folder), subject);
  g_assert_nonnull (message);
  return taube_message_get_id (message);
}

/* A local change goes through the queue to the server; a server change comes back. */
static void
test_flags_both_ways (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(TaubeImapClient) other = sync_test_alice ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TaubeMessage) local = NULL;
  g_autofree char *flags = NULL;
  gint64 id;

  sync_test_command (other, "CREATE \"Both\"");
  sync_test_save ("Both", "both-1", NULL);
  sync_ok (fixture);
  id = message_id_of (fixture, "Both", "both-1");

  taube_offline_queue_mark_async (fixture->queue, &id, 1,
                                  TAUBE_MESSAGE_FLAG_SEEN | TAUBE_MESSAGE_FLAG_FLAGGED, 0,
                                  NULL, taube_test_store_result_cb, &result);
  change_ok (fixture->queue, &result);
  /* Shown at once, before any server saw it. */
  local = taube_store_get_message (fixture->store, id, NULL);
  g_assert_cmpuint (taube_message_get_flags (local) & TAUBE_MESSAGE_FLAG_FLAGGED, !=, 0);
  g_assert_cmpuint (taube_offline_queue_get_length (fixture->queue), ==, 1);
  flags = server_flags ("Both", 1);
  g_assert_null (strstr (flags, "\\Flagged"));
  g_clear_pointer (&flags, g_free);

  replay_ok (fixture->queue, fixture->client);
  g_assert_cmpuint (taube_offline_queue_get_length (fixture->queue), ==, 0);
  flags = server_flags ("Both", 1);
  g_assert_nonnull (strstr (flags, "\\Flagged"));
  g_assert_nonnull (strstr (flags, "\\Seen"));

  /* And back: another client clears \Flagged. */
  sync_test_command (other, "SELECT \"Both\"");
  sync_test_command (other, "UID STORE 1 -FLAGS.SILENT (\\Flagged)");
  sync_ok (fixture);
  g_clear_object (&local);
  local = taube_store_get_message (fixture->store, id, NULL);
  g_assert_cmpuint (taube_message_get_flags (local) & TAUBE_MESSAGE_FLAG_FLAGGED, ==, 0);
  g_assert_cmpuint (taube_message_get_flags (local) & TAUBE_MESSAGE_FLAG_SEEN, !=, 0);
}

/* A port with nobody listening: bound, then closed again. */
static guint16
closed_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);

  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return port;
}

static void
test_replay_after_outage (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(TaubeImapClient) other = sync_test_alice ();
  g_autoptr(TaubeImapClient) offline = NULL;
  g_autoptr(TaubeImapClient) online = NULL;
  g_autoptr(TaubeOfflineQueue) restarted = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeFolder) archive = NULL;
  g_autoptr(TaubeMessage) archived = NULL;
  gint64 read_id, archive_id, delete_id, vanished_id;

  sync_test_command (other, "CREATE \"Outage\"");
  sync_test_save ("Outage", "outage-read", NULL);
  sync_test_save ("Outage", "outage-archive", NULL);
  sync_test_save ("Outage", "outage-delete", NULL);
  sync_test_save ("Outage", "outage-vanished", NULL);
  sync_ok (fixture);
  read_id = message_id_of (fixture, "Outage", "outage-read");
  archive_id = message_id_of (fixture, "Outage", "outage-archive");
  delete_id = message_id_of (fixture, "Outage", "outage-delete");
  vanished_id = message_id_of (fixture, "Outage", "outage-vanished");

  /* The server is unreachable. */
  offline = sync_test_connect (closed_port (), &error);
  g_assert_null (offline);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);

  taube_offline_queue_mark_async (fixture->queue, &read_id, 1, TAUBE_MESSAGE_FLAG_SEEN, 0, NULL,
                                  taube_test_store_result_cb, &result);
  change_ok (fixture->queue, &result);
  taube_offline_queue_mark_async (fixture->queue, &vanished_id, 1, TAUBE_MESSAGE_FLAG_FLAGGED, 0,
                                  NULL, taube_test_store_result_cb, &result);
  change_ok (fixture->queue, &result);
  taube_offline_queue_archive_async (fixture->queue, &archive_id, 1, NULL,
                                     taube_test_store_result_cb, &result);
  change_ok (fixture->queue, &result);
  taube_offline_queue_delete_async (fixture->queue, &delete_id, 1, NULL,
                                    taube_test_store_result_cb, &result);
  change_ok (fixture->queue, &result);

  /* Applied locally at once: the archived message is in Archive already. */
  archive = sync_test_find_folder (fixture->store, "Archive");
  archived = sync_test_find_message (fixture->store, taube_folder_get_id (archive),
                                     "outage-archive");
  g_assert_nonnull (archived);

  /* Meanwhile another client expunges the message whose flag change is queued. */
  sync_test_command (other, "SELECT \"Outage\"");
  sync_test_command (other, "UID STORE 4 +FLAGS.SILENT (\\Deleted)");
  sync_test_command (other, "UID EXPUNGE 4");

  /* Restart: a new queue object finds the four ops in the store. */
  g_clear_object (&fixture->queue);
  restarted = taube_offline_queue_new (fixture->store, SYNC_TEST_ACCOUNT);
  g_assert_cmpuint (taube_offline_queue_get_length (restarted), ==, 4);

  online = sync_test_alice ();
  replay_ok (restarted, online);
  g_assert_cmpuint (taube_offline_queue_get_length (restarted), ==, 0);
  g_assert_true (strstr (capture.text->str, "is gone from the server; its flag change was "
                                            "dropped") != NULL);
  {
    g_autofree char *flags = server_flags ("Outage", 1);

    g_assert_nonnull (strstr (flags, "\\Seen"));
  }
  g_assert_cmpuint (server_count ("Outage", "outage-archive"), ==, 0);
  g_assert_cmpuint (server_count ("Archive", "outage-archive"), ==, 1);
  g_assert_cmpuint (server_count ("Outage", "outage-delete"), ==, 0);
  g_assert_cmpuint (server_count ("Trash", "outage-delete"), ==, 1);

  /* The next sync brings the server's copies; the local stand-ins are gone, no doubles. */
  sync_ok (fixture);
  g_clear_object (&archive);
  archive = sync_test_find_folder (fixture->store, "Archive");
  g_assert_cmpuint (taube_folder_get_total (archive), ==, 1);
  g_clear_object (&archived);
  archived = sync_test_find_message (fixture->store, taube_folder_get_id (archive),
                                     "outage-archive");
  g_assert_nonnull (archived);
  g_assert_cmpuint (taube_message_get_uid (archived), !=, 0);
}

/* A draft is saved at once locally, kept with its text in the queue across a restart, and
 * uploaded; the local stand-in then gives way to the server's copy. */
static void
test_draft (Fixture       *fixture,
            gconstpointer  data)
{
  static const char draft[] =
    "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: draft-kept\r\n"
    "Message-ID: <draft-kept@example.test>\r\n\r\nNot finished.\r\n";
  g_autoptr(GBytes) bytes = g_bytes_new_static (draft, sizeof draft - 1);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TaubeOfflineQueue) restarted = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(TaubeFolder) drafts = NULL;
  g_autoptr(TaubeMessage) synced = NULL;
  gint64 id;

  sync_ok (fixture);
  taube_offline_queue_save_draft_async (fixture->queue, bytes, NULL, taube_test_store_result_cb,
                                        &result);
  change_ok (fixture->queue, &result);
  id = message_id_of (fixture, "Drafts", "draft-kept");
  g_assert_cmpint (id, >, 0);

  /* A restart: the draft's text is in the queue's row. */
  g_clear_object (&fixture->queue);
  restarted = taube_offline_queue_new (fixture->store, SYNC_TEST_ACCOUNT);
  ops = taube_store_queue_list (fixture->store, SYNC_TEST_ACCOUNT, NULL);
  g_assert_cmpuint (ops->len, ==, 1);
  g_assert_true (g_bytes_equal (((TaubeStoreQueuedOp *) ops->pdata[0])->message, bytes));
  g_assert_cmpuint (server_count ("Drafts", "draft-kept"), ==, 0);

  replay_ok (restarted, fixture->client);
  g_assert_cmpuint (taube_offline_queue_get_length (restarted), ==, 0);
  g_assert_cmpuint (server_count ("Drafts", "draft-kept"), ==, 1);
  g_assert_null (taube_store_get_message (fixture->store, id, NULL));

  sync_ok (fixture);
  drafts = sync_test_find_folder (fixture->store, "Drafts");
  g_assert_cmpuint (taube_folder_get_total (drafts), ==, 1);
  synced = sync_test_find_message (fixture->store, taube_folder_get_id (drafts), "draft-kept");
  g_assert_nonnull (synced);
  g_assert_cmpuint (taube_message_get_uid (synced), !=, 0);
  g_assert_cmpuint (taube_message_get_flags (synced) & TAUBE_MESSAGE_FLAG_DRAFT, !=, 0);
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
  ADD ("/offline-queue/flags-both-ways", test_flags_both_ways);
  ADD ("/offline-queue/replay-after-outage", test_replay_after_outage);
  ADD ("/offline-queue/draft", test_draft);
#undef ADD
  return g_test_run ();
}
