/* test-imap-push.c — TaubeImapPush against the rig's real Dovecot and keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * IDLE wakes the loop for new mail; an unreachable server is retried with growing pauses
 * (counted from the connection log, so a busy loop would show); a wrong password stops the
 * loop for good. The wrong password runs last: Dovecot slows down logins after a failure.
 */
#include "sync-test-util.h"
#include "taube-imap-push.h"
#include "taube-imap-reader.h"
#include "taube-password.h"
#include "taube-sync-error.h"

static TaubeTestLogCapture capture;

static TaubeAccount *
new_account (const char *id,
             guint16     port,
             const char *password)
{
  TaubeAccount *account = taube_account_new (id);
  TaubePasswordKey key = { id, "imap", taube_test_rig_env ("TAUBE_RIG_HOST"),
                           taube_test_rig_env ("TAUBE_RIG_USER") };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_object_set (account,
                "email-address", taube_test_rig_env ("TAUBE_RIG_USER"),
                "protocol", TAUBE_PROTOCOL_IMAP,
                "incoming-host", taube_test_rig_env ("TAUBE_RIG_HOST"),
                "incoming-port", (guint) port,
                "incoming-security", TAUBE_SECURITY_TLS,
                "incoming-username", taube_test_rig_env ("TAUBE_RIG_USER"),
                "outgoing-host", taube_test_rig_env ("TAUBE_RIG_HOST"),
                "ca-file", taube_test_rig_env ("TAUBE_RIG_CA"),
                NULL);
  taube_password_store_async (&key, password, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_password_store_finish (taube_test_wait (&result), &error));
  g_assert_no_error (error);
  return account;
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for @seconds, or until *@done. */
static void
run_for (double    seconds,
         gboolean *done)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add ((guint) (seconds * 1000), timeout_cb, &timed_out);

  while (!timed_out && (done == NULL || !*done))
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
}

static guint
count_in_log (const char *text)
{
  guint n = 0;

  for (const char *p = strstr (capture.text->str, text); p != NULL; p = strstr (p + 1, text))
    n++;
  return n;
}

static void
flag_cb (TaubeImapPush *push,
         gpointer       user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* Starts @push with @interval and runs until its first pass is done and it idles. */
static void
start_until_idle (TaubeImapPush *push,
                  guint          interval,
                  gboolean      *synced)
{
  taube_imap_push_set_interval (push, interval);
  taube_imap_push_start (push);
  run_for (20, synced);
  g_assert_true (*synced);
  while (count_in_log ("S: + idling") == 0)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_idle (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(TaubeStore) store = sync_test_new_store (&dir);
  g_autoptr(TaubeAccount) account = new_account ("push-idle",
                                                 taube_test_rig_port ("TAUBE_RIG_IMAPS_PORT"),
                                                 taube_test_rig_env ("TAUBE_RIG_PASSWORD"));
  g_autoptr(TaubeImapPush) push = taube_imap_push_new (store, account);
  g_autoptr(TaubeFolder) inbox = NULL;
  g_autoptr(TaubeMessage) message = NULL;
  gboolean synced = FALSE;
  gint64 start;

  g_signal_connect (push, "synced", G_CALLBACK (flag_cb), &synced);
  g_string_truncate (capture.text, 0);
  /* Deliver once it is in IDLE. */
  start_until_idle (push, 3, &synced);
  synced = FALSE;
  start = g_get_monotonic_time ();
  sync_test_save ("INBOX", "push-idle-1", NULL);
  run_for (2, &synced);
  g_assert_true (synced);
  g_test_message ("pushed in %.2f s", (g_get_monotonic_time () - start) / 1e6);
  inbox = sync_test_find_folder_of (store, "push-idle", "INBOX");
  message = sync_test_find_message (store, taube_folder_get_id (inbox), "push-idle-1");
  g_assert_nonnull (message);

  /* Other folders are synced on the interval. */
  sync_test_save ("Sent", "push-interval-1", NULL);
  {
    g_autoptr(TaubeFolder) sent = sync_test_find_folder_of (store, "push-idle", "Sent");
    g_autoptr(TaubeMessage) found = NULL;
    gint64 deadline = g_get_monotonic_time () + 8 * G_USEC_PER_SEC;

    while (found == NULL && g_get_monotonic_time () < deadline)
      {
        synced = FALSE;
        run_for (1, &synced);
        found = sync_test_find_message (store, taube_folder_get_id (sent), "push-interval-1");
      }
    g_assert_nonnull (found);
  }
  taube_imap_push_stop (push);
  sync_test_remove_dir (dir);
}

/* NOTIFY: news in another folder wakes IDLE long before the interval. */
static void
test_notify (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(TaubeStore) store = sync_test_new_store (&dir);
  g_autoptr(TaubeAccount) account = new_account ("push-notify",
                                                 taube_test_rig_port ("TAUBE_RIG_IMAPS_PORT"),
                                                 taube_test_rig_env ("TAUBE_RIG_PASSWORD"));
  g_autoptr(TaubeImapPush) push = taube_imap_push_new (store, account);
  g_autoptr(TaubeFolder) sent = NULL;
  g_autoptr(TaubeMessage) found = NULL;
  gboolean synced = FALSE;
  gint64 start;
  gint64 deadline;

  g_signal_connect (push, "synced", G_CALLBACK (flag_cb), &synced);
  g_string_truncate (capture.text, 0);
  /* The interval is far away: only NOTIFY can bring the Sent folder's news in time. */
  start_until_idle (push, 600, &synced);
  g_assert_cmpuint (count_in_log (" NOTIFY SET (selected (MessageNew"), ==, 1);
  g_assert_cmpuint (count_in_log ("NOTIFY refused"), ==, 0);

  start = g_get_monotonic_time ();
  deadline = start + 3 * G_USEC_PER_SEC;
  sync_test_save ("Sent", "push-notify-1", NULL);
  sent = sync_test_find_folder_of (store, "push-notify", "Sent");
  while (found == NULL && g_get_monotonic_time () < deadline)
    {
      synced = FALSE;
      run_for (0.2, &synced);
      found = sync_test_find_message (store, taube_folder_get_id (sent), "push-notify-1");
    }
  g_assert_nonnull (found);
  g_test_message ("other folder pushed in %.2f s", (g_get_monotonic_time () - start) / 1e6);
  taube_imap_push_stop (push);
  sync_test_remove_dir (dir);
}

static void
fetch_body_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (taube_imap_reader_fetch_body_finish (TAUBE_IMAP_READER (object), result,
                                                      &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* The pool: a message is read on a second session while the push stays in IDLE, the
 * session serves the next message too, and it is logged out when idle. */
static void
test_reader (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(TaubeStore) store = sync_test_new_store (&dir);
  g_autoptr(TaubeAccount) account = new_account ("push-reader",
                                                 taube_test_rig_port ("TAUBE_RIG_IMAPS_PORT"),
                                                 taube_test_rig_env ("TAUBE_RIG_PASSWORD"));
  g_autoptr(TaubeImapPush) push = taube_imap_push_new (store, account);
  g_autoptr(TaubeImapReader) reader = taube_imap_reader_new (store, account);
  g_autoptr(TaubeFolder) inbox = NULL;
  gboolean synced = FALSE;
  gboolean fetched = FALSE;
  guint logins;
  guint dones;

  g_signal_connect (push, "synced", G_CALLBACK (flag_cb), &synced);
  sync_test_save ("INBOX", "reader-1", NULL);
  sync_test_save ("INBOX", "reader-2", NULL);
  start_until_idle (push, 600, &synced);
  inbox = sync_test_find_folder_of (store, "push-reader", "INBOX");
  logins = count_in_log ("Logged in");
  dones = count_in_log ("C: DONE");

  for (guint i = 1; i <= 2; i++)
    {
      g_autofree char *subject = g_strdup_printf ("reader-%u", i);
      g_autoptr(TaubeMessage) before = sync_test_find_message (store,
                                                               taube_folder_get_id (inbox),
                                                               subject);
      g_autoptr(TaubeMessage) after = NULL;

      g_assert_nonnull (before);
      g_assert_false (taube_message_get_has_body (before));
      fetched = FALSE;
      taube_imap_reader_fetch_body_async (reader, taube_message_get_id (before), NULL,
                                          fetch_body_cb, &fetched);
      run_for (10, &fetched);
      g_assert_true (fetched);
      after = taube_store_get_message (store, taube_message_get_id (before), NULL);
      g_assert_true (taube_message_get_has_body (after));
    }
  /* One more login for both messages, and the push never left IDLE for them. */
  g_assert_cmpuint (count_in_log ("Logged in"), ==, logins + 1);
  g_assert_cmpuint (count_in_log ("C: DONE"), ==, dones);
  g_assert_true (taube_imap_reader_is_connected (reader));

  taube_imap_reader_set_idle_timeout (reader, 1);
  fetched = FALSE;
  {
    g_autoptr(TaubeMessage) again = sync_test_find_message (store, taube_folder_get_id (inbox),
                                                            "reader-1");

    /* A body stored already is fetched again without harm. */
    taube_imap_reader_fetch_body_async (reader, taube_message_get_id (again), NULL,
                                        fetch_body_cb, &fetched);
    run_for (10, &fetched);
  }
  run_for (2.5, NULL);
  g_assert_false (taube_imap_reader_is_connected (reader));
  taube_imap_push_stop (push);
  sync_test_remove_dir (dir);
}

/* Nobody listening: attempts after 1, 2, 4 … seconds, not in a tight loop. */
static void
test_backoff (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(TaubeStore) store = sync_test_new_store (&dir);
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, NULL);
  g_autoptr(TaubeAccount) account = NULL;
  g_autoptr(TaubeImapPush) push = NULL;
  g_autofree char *connecting = NULL;
  gboolean stopped = FALSE;
  guint attempts;

  g_socket_listener_close (listener);
  account = new_account ("push-backoff", port, "unused");
  push = taube_imap_push_new (store, account);
  connecting = g_strdup_printf ("Connecting to %s:%u (tls)",
                                taube_test_rig_env ("TAUBE_RIG_HOST"), port);
  g_signal_connect (push, "stopped", G_CALLBACK (flag_cb), &stopped);
  g_string_truncate (capture.text, 0);
  taube_imap_push_start (push);
  run_for (4.5, NULL);
  attempts = count_in_log (connecting);
  /* At 0, 1, 3 s (the next at 7 s). */
  g_assert_cmpuint (attempts, ==, 3);
  g_assert_false (stopped);
  g_assert_null (taube_imap_push_get_error (push));
  taube_imap_push_stop (push);
  run_for (1.5, NULL);
  g_assert_cmpuint (count_in_log (connecting), ==, attempts);
  sync_test_remove_dir (dir);
}

static void
test_wrong_password (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(TaubeStore) store = sync_test_new_store (&dir);
  g_autoptr(TaubeAccount) account = new_account ("push-wrong",
                                                 taube_test_rig_port ("TAUBE_RIG_IMAPS_PORT"),
                                                 "wrong-password");
  g_autoptr(TaubeImapPush) push = taube_imap_push_new (store, account);
  gboolean stopped = FALSE;
  guint logins;

  g_signal_connect (push, "stopped", G_CALLBACK (flag_cb), &stopped);
  g_string_truncate (capture.text, 0);
  taube_imap_push_start (push);
  run_for (30, &stopped);
  g_assert_true (stopped);
  g_assert_error (taube_imap_push_get_error (push), TAUBE_SYNC_ERROR,
                  TAUBE_SYNC_ERROR_NEEDS_PASSWORD);
  /* Stopped means stopped: no second try with the same password. */
  logins = count_in_log ("AUTHENTICATE PLAIN");
  run_for (3, NULL);
  g_assert_cmpuint (count_in_log ("AUTHENTICATE PLAIN"), ==, logins);
  sync_test_remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  capture.text = g_string_new (NULL);
  g_log_set_writer_func (taube_test_log_writer, &capture, NULL);
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);

  g_test_add_func ("/imap-push/idle", test_idle);
  g_test_add_func ("/imap-push/notify", test_notify);
  g_test_add_func ("/imap-push/reader", test_reader);
  g_test_add_func ("/imap-push/backoff", test_backoff);
  g_test_add_func ("/imap-push/wrong-password", test_wrong_password);
  return g_test_run ();
}
