/* test-background.c — the application syncs and sends with and without a window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Against the rig's Dovecot and keyring: an IMAP account and a message queued in the outbox
 * exist before the application starts. On start the outbox sends the message (submission →
 * LMTP into the rig user's INBOX) and IDLE brings it into the store while the window is open.
 * Then the window is closed: g_application_run() must keep running (the application holds
 * itself) and a second message delivered now must still arrive in the store; app.quit ends it.
 * With TAUBE_TEST_WRONG_PASSWORD=1 the keyring holds a wrong password: the window must say
 * that the account stopped syncing (a separate run: Dovecot slows logins after a failure).
 */
#include "config.h"

#include <locale.h>

#include "sync-test-util.h"
#include "taube-account-manager.h"
#include "taube-application.h"
#include "taube-outbox.h"
#include "taube-password.h"
#include "taube-test-ui.h"

typedef struct
{
  TaubeApplication *app;
  TaubeStore *store;
  char *account_id;
  gboolean got_outbox_message;
  gboolean window_closed;
  gboolean ran_without_window;
  gboolean got_second_message;
} Run;

static gboolean
wrong_password (void)
{
  return g_strcmp0 (g_getenv ("TAUBE_TEST_WRONG_PASSWORD"), "1") == 0;
}

static void
store_password (const char *account_id,
                const char *protocol)
{
  TaubePasswordKey key = { account_id, protocol, taube_test_rig_env ("TAUBE_RIG_HOST"),
                           taube_test_rig_env ("TAUBE_RIG_USER") };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *password = wrong_password () ? "not-the-password"
                                           : taube_test_rig_env ("TAUBE_RIG_PASSWORD");

  taube_password_store_async (&key, password, NULL,
                              taube_test_store_result_cb, &result);
  g_assert_true (taube_password_store_finish (taube_test_wait (&result), &error));
  g_assert_no_error (error);
}

/* The account file and its passwords, where the application will look for them. */
static char *
write_account (void)
{
  g_autoptr(TaubeAccountManager) accounts = taube_account_manager_new (NULL);
  g_autoptr(TaubeAccount) account = taube_account_new (NULL);
  g_autoptr(GError) error = NULL;

  g_object_set (account,
                "display-name", "Alice",
                "email-address", taube_test_rig_env ("TAUBE_RIG_USER"),
                "protocol", TAUBE_PROTOCOL_IMAP,
                "incoming-host", taube_test_rig_env ("TAUBE_RIG_HOST"),
                "incoming-port", (guint) taube_test_rig_port ("TAUBE_RIG_IMAPS_PORT"),
                "incoming-security", TAUBE_SECURITY_TLS,
                "incoming-username", taube_test_rig_env ("TAUBE_RIG_USER"),
                "outgoing-host", taube_test_rig_env ("TAUBE_RIG_HOST"),
                "outgoing-port", (guint) taube_test_rig_port ("TAUBE_RIG_SUBMISSION_PORT"),
                "outgoing-security", TAUBE_SECURITY_STARTTLS,
                "ca-file", taube_test_rig_env ("TAUBE_RIG_CA"),
                NULL);
  g_assert_true (taube_account_manager_load (accounts, &error));
  g_assert_true (taube_account_manager_save (accounts, account, &error));
  g_assert_no_error (error);
  store_password (taube_account_get_id (account), "imap");
  store_password (taube_account_get_id (account), "smtp");
  return g_strdup (taube_account_get_id (account));
}

/* Queued by a process that then goes away before it could send (as `taube-cli send` would
 * leave it if interrupted): only the application's outbox can send it. */
static void
queue_message (const char *account_id,
               const char *subject)
{
  g_autoptr(TaubeAccountManager) accounts = taube_account_manager_new (NULL);
  g_autoptr(TaubeStore) store = NULL;
  g_autoptr(TaubeOutbox) outbox = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf (
    "From: Alice <%s>\r\nTo: %s\r\nSubject: %s\r\nDate: Tue, 3 Mar 2026 10:00:00 +0100\r\n"
    "Message-ID: <%s@example.test>\r\n\r\nQueued before the application started.\r\n",
    taube_test_rig_env ("TAUBE_RIG_USER"), taube_test_rig_env ("TAUBE_RIG_USER"), subject,
    subject);
  g_autoptr(GBytes) raw = g_bytes_new (text, strlen (text));

  g_assert_true (taube_account_manager_load (accounts, &error));
  store = taube_store_new_sync (NULL, NULL, &error);
  g_assert_no_error (error);
  outbox = taube_outbox_new (store, accounts);
  taube_outbox_set_undo_delay (outbox, 0);
  taube_outbox_queue_async (outbox, account_id, raw, NULL, taube_test_store_result_cb,
                            &result);
  g_assert_cmpint (taube_outbox_queue_finish (outbox, taube_test_wait (&result), &error), >, 0);
  g_assert_no_error (error);
}

static gboolean
in_store (Run        *run,
          const char *subject)
{
  g_autoptr(TaubeFolder) inbox = sync_test_find_folder_of (run->store, run->account_id,
                                                           "INBOX");
  g_autoptr(TaubeMessage) message = NULL;

  if (inbox == NULL)
    return FALSE;
  message = sync_test_find_message (run->store, taube_folder_get_id (inbox), subject);
  return message != NULL;
}

static gboolean
outbox_message_arrived (gpointer data)
{
  return in_store (data, "bg-outbox");
}

static gboolean
second_message_arrived (gpointer data)
{
  return in_store (data, "bg-second");
}

static gboolean
window_gone (gpointer data)
{
  return gtk_application_get_active_window (GTK_APPLICATION (data)) == NULL;
}

/* Runs only if g_application_run() went on after the window closed. */
static gboolean
without_window_cb (gpointer user_data)
{
  Run *run = user_data;

  run->ran_without_window = TRUE;
  sync_test_save ("INBOX", "bg-second", NULL);
  run->got_second_message = taube_test_wait_until (second_message_arrived, run, 15000);
  g_action_group_activate_action (G_ACTION_GROUP (run->app), "quit", NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
with_window_cb (gpointer user_data)
{
  Run *run = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (run->app));

  g_assert_nonnull (window);
  run->got_outbox_message = taube_test_wait_until (outbox_message_arrived, run, 20000);
  gtk_window_close (window);
  run->window_closed = taube_test_wait_until (window_gone, run->app, 5000);
  /* Back in g_application_run(): without a hold it returns before this fires. */
  g_timeout_add (1000, without_window_cb, run);
  return G_SOURCE_REMOVE;
}

/* A label in the window (the toast) that names the account and says it stopped. */
static gboolean
error_shown (gpointer data)
{
  GtkWidget *window = GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (data)));
  GtkWidget *label;

  for (guint i = 0; window != NULL
       && (label = taube_test_find_by_type (window, GTK_TYPE_LABEL, i)) != NULL; i++)
    {
      const char *text = gtk_label_get_text (GTK_LABEL (label));

      if (strstr (text, "stopped syncing") != NULL
          && strstr (text, taube_test_rig_env ("TAUBE_RIG_USER")) != NULL)
        return TRUE;
    }
  return FALSE;
}

static gboolean
wrong_password_cb (gpointer user_data)
{
  Run *run = user_data;

  run->got_outbox_message = taube_test_wait_until (error_shown, run->app, 30000);
  g_action_group_activate_action (G_ACTION_GROUP (run->app), "quit", NULL);
  return G_SOURCE_REMOVE;
}

static void
activated_cb (GApplication *app,
              gpointer      user_data)
{
  g_idle_add (wrong_password () ? wrong_password_cb : with_window_cb, user_data);
}

static void
test_wrong_password (void)
{
  Run run = { 0 };

  run.account_id = write_account ();
  run.app = taube_application_new ();
  g_signal_connect_after (run.app, "activate", G_CALLBACK (activated_cb), &run);
  g_assert_cmpint (g_application_run (G_APPLICATION (run.app), 0, NULL), ==, 0);
  /* Reused flag: the toast was found. */
  g_assert_true (run.got_outbox_message);
  g_object_unref (run.app);
  g_free (run.account_id);
}

static void
test_background (void)
{
  Run run = { 0 };
  g_autoptr(GError) error = NULL;

  run.account_id = write_account ();
  queue_message (run.account_id, "bg-outbox");
  run.store = taube_store_new_sync (NULL, NULL, &error);
  g_assert_no_error (error);
  run.app = taube_application_new ();
  g_signal_connect_after (run.app, "activate", G_CALLBACK (activated_cb), &run);

  g_assert_cmpint (g_application_run (G_APPLICATION (run.app), 0, NULL), ==, 0);

  g_assert_true (run.got_outbox_message);
  g_assert_true (run.window_closed);
  g_assert_true (run.ran_without_window);
  g_assert_true (run.got_second_message);
  g_object_unref (run.app);
  g_object_unref (run.store);
  g_free (run.account_id);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  gtk_test_init (&argc, &argv, NULL);
  if (wrong_password ())
    g_test_add_func ("/app/background/wrong-password-is-shown", test_wrong_password);
  else
    g_test_add_func ("/app/background/sync-send-and-run-on", test_background);
  return g_test_run ();
}
