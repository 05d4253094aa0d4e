/* taube-pop3-sync.c — download a POP3 account's mail into the store, never losing any
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One run: connect, log in, UIDL+LIST, remember every UIDL, then for each message not
 * stored yet RETR (or TOP n 0 over the size limit) into a file in the inbox Maildir's tmp/,
 * hand it to the store, which syncs it to disk and commits its row; only after all that,
 * DELE what the account's policy says may go, and QUIT, which is when the server really
 * deletes (RFC 1939 §6). A run that stops anywhere before QUIT deletes nothing; a run that
 * stops after a message is stored never stores it twice, because the store knows its UIDL.
 * This file has the object and the run up to the listing; taube-pop3-sync-download.c the
 * rest. src/engine/sync/README.md explains the order and what each crash leaves behind.
 */
#define G_LOG_DOMAIN "taube-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "taube-account-trust.h"
#include "taube-password.h"
#include "taube-pop3-client.h"
#include "taube-pop3-sync-private.h"
#include "taube-pop3-sync.h"
#include "taube-store-pop3.h"
#include "taube-sync-error.h"

#define CONNECT_TIMEOUT_MS 30000
#define READ_TIMEOUT_MS 120000

G_DEFINE_FINAL_TYPE (TaubePop3Sync, taube_pop3_sync, G_TYPE_OBJECT)

static void
run_free (Run *run)
{
  if (run->temp_path != NULL)
    g_unlink (run->temp_path);
  g_free (run->temp_path);
  g_clear_object (&run->temp_output);
  g_clear_object (&run->client);
  g_free (run->download_dir);
  g_clear_pointer (&run->listing, g_ptr_array_unref);
  g_clear_pointer (&run->uidl_counts, g_hash_table_unref);
  g_clear_pointer (&run->states, g_hash_table_unref);
  g_clear_pointer (&run->to_delete, g_array_unref);
  g_free (run->fetch_uidl);
  g_free (run);
}

/* A failure before QUIT: the connection is dropped without QUIT, so the server keeps
 * every message, whatever was marked for deletion. Takes the chain's reference on @task. */
void
_taube_pop3_sync_fail (GTask  *task,
                       GError *error)
{
  Run *run = _taube_pop3_sync_task_run (task);

  if (run->client != NULL)
    taube_connection_close_async (taube_pop3_client_get_connection (run->client), NULL, NULL,
                                  NULL);
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* -- What the store knows --------------------------------------------------------------- */

static GStrv
listing_uidls (Run *run)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < run->listing->len; i++)
    {
      TaubePop3MessageInfo *info = g_ptr_array_index (run->listing, i);
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (run->uidl_counts, info->uid));

      g_hash_table_replace (run->uidl_counts, info->uid, GUINT_TO_POINTER (count + 1));
      g_strv_builder_add (builder, info->uid);
    }
  return g_strv_builder_end (builder);
}

static void
note_uidls_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = _taube_pop3_sync_task_run (task);
  GError *error = NULL;

  if (!taube_store_pop3_note_uidls_finish (TAUBE_STORE (object), result, &error))
    {
      _taube_pop3_sync_fail (task, error);
      return;
    }
  run->states = taube_store_pop3_get_states (TAUBE_STORE (object), run->folder_id, &error);
  if (run->states == NULL)
    {
      _taube_pop3_sync_fail (task, error);
      return;
    }
  _taube_pop3_sync_download_next (task);
}

static void
scan_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = _taube_pop3_sync_task_run (task);
  g_auto(GStrv) uidls = NULL;
  GError *error = NULL;

  run->listing = taube_pop3_client_list_finish (TAUBE_POP3_CLIENT (object), result, &error);
  if (run->listing == NULL)
    {
      _taube_pop3_sync_fail (task, error);
      return;
    }
  run->stats.n_on_server = run->listing->len;
  uidls = listing_uidls (run);
  taube_store_pop3_note_uidls_async (_taube_pop3_sync_task_sync (task)->store, run->folder_id,
                                     (const char *const *) uidls, run->now,
                                     g_task_get_cancellable (task), note_uidls_cb, task);
}

/* -- Connecting and logging in ---------------------------------------------------------- */

static void
login_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!taube_pop3_client_login_finish (TAUBE_POP3_CLIENT (object), result, &error))
    {
      _taube_pop3_sync_fail (task, error);
      return;
    }
  taube_pop3_client_scan_async (TAUBE_POP3_CLIENT (object), g_task_get_cancellable (task),
                                scan_cb, task);
}

/* The password only lives here between the keyring and the login command, and is
 * overwritten before it is freed. */
static void
forget_password (char *password)
{
  if (password == NULL)
    return;
  explicit_bzero (password, strlen (password));
  g_free (password);
}

typedef struct
{
  GTask *task;
  char *password;
} LoginData;

static void
login_data_free (LoginData *data)
{
  forget_password (data->password);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoginData, login_data_free)

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(LoginData) data = user_data;
  GTask *task = data->task;
  TaubeAccount *account = _taube_pop3_sync_task_sync (task)->account;
  GError *error = NULL;

  if (!taube_pop3_client_connect_finish (TAUBE_POP3_CLIENT (object), result, &error))
    {
      _taube_pop3_sync_fail (task, error);
      return;
    }
  /* The client keeps its own copy until the login is over. */
  taube_pop3_client_login_async (TAUBE_POP3_CLIENT (object),
                                 taube_account_get_incoming_username (account), data->password,
                                 g_task_get_cancellable (task), login_cb, task);
}

static TaubePop3Client *
build_client (TaubeAccount  *account,
              GError       **error)
{
  g_autoptr(TaubeConnection) connection = NULL;
  TaubePop3Client *client;
  gboolean allow_plaintext;

  connection = taube_account_new_connection (account, TAUBE_ACCOUNT_SERVER_INCOMING,
                                             "taube-pop3", CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS,
                                             error);
  if (connection == NULL)
    return NULL;
  client = taube_pop3_client_new (connection);
  g_object_get (account, "allow-plaintext", &allow_plaintext, NULL);
  taube_pop3_client_set_allow_plaintext (client, allow_plaintext);
  return client;
}

static void
password_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = _taube_pop3_sync_task_run (task);
  TaubeAccount *account = _taube_pop3_sync_task_sync (task)->account;
  LoginData *data;
  char *password;
  GError *error = NULL;

  password = taube_password_lookup_finish (result, &error);
  if (password == NULL && error == NULL)
    error = g_error_new (TAUBE_SYNC_ERROR, TAUBE_SYNC_ERROR_NEEDS_PASSWORD,
                         /* Translators: %s is an email address */
                         _("No password is stored for %s. Enter it to download mail."),
                         taube_account_get_email_address (account));
  if (password != NULL)
    run->client = build_client (account, &error);
  if (run->client == NULL)
    {
      forget_password (password);
      _taube_pop3_sync_fail (task, error);
      return;
    }
  data = g_new0 (LoginData, 1);
  data->task = task;
  data->password = password;
  taube_pop3_client_connect_async (run->client, g_task_get_cancellable (task), connect_cb, data);
}

static void
lookup_password (GTask *task)
{
  TaubeAccount *account = _taube_pop3_sync_task_sync (task)->account;
  TaubePasswordKey key = {
    taube_account_get_id (account),
    "pop3",
    taube_account_get_incoming_host (account),
    taube_account_get_incoming_username (account),
  };

  taube_password_lookup_async (&key, g_task_get_cancellable (task), password_cb, task);
}

/* -- The inbox and leftovers ------------------------------------------------------------ */

/* A download cut off by a crash leaves its file in tmp/. The store never saw it, so it
 * is garbage; the message itself is still on the server and is fetched again. Only one
 * sync of an account runs at a time (TaubeSyncService's lock), so none of these files
 * belongs to a download in progress. */
static void
remove_leftovers (const char *download_dir)
{
  g_autoptr(GDir) dir = g_dir_open (download_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, TAUBE_POP3_SYNC_DOWNLOAD_PREFIX))
      {
        g_autofree char *path = g_build_filename (download_dir, name, NULL);

        g_debug ("removing the interrupted download %s", name);
        g_unlink (path);
      }
}

static void
add_folder_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = _taube_pop3_sync_task_run (task);
  GError *error = NULL;

  run->folder_id = taube_store_add_folder_finish (TAUBE_STORE (object), result, &error);
  if (run->folder_id > 0 && run->fetch_id != 0 && run->fetch_folder_id != run->folder_id)
    {
      run->folder_id = 0;
      error = g_error_new_literal (TAUBE_SYNC_ERROR, TAUBE_SYNC_ERROR_FAILED,
                                   _("This message was not downloaded with POP3."));
    }
  if (run->folder_id > 0)
    run->download_dir = taube_store_pop3_get_download_dir (TAUBE_STORE (object), run->folder_id,
                                                           &error);
  if (run->download_dir == NULL)
    {
      _taube_pop3_sync_fail (task, error);
      return;
    }
  remove_leftovers (run->download_dir);
  lookup_password (task);
}

static void
read_policy (TaubeAccount    *account,
             TaubePop3Policy *policy)
{
  g_object_get (account,
                "pop3-leave-on-server", &policy->leave_on_server,
                "pop3-delete-after-days", &policy->delete_after_days,
                "pop3-delete-when-deleted", &policy->delete_when_deleted,
                "pop3-max-size-kib", &policy->max_size_kib,
                NULL);
}

/* -- The object ------------------------------------------------------------------------- */

/* Takes @task, the reference the chain of callbacks passes along. */
static void
start (TaubePop3Sync *self,
       GTask         *task,
       TaubeMessage  *fetch)
{
  Run *run = g_new0 (Run, 1);

  read_policy (self->account, &run->policy);
  run->now = self->now != 0 ? self->now : _taube_pop3_sync_real_now ();
  run->uidl_counts = g_hash_table_new (g_str_hash, g_str_equal);
  run->to_delete = g_array_new (FALSE, FALSE, sizeof (guint));
  if (fetch != NULL)
    {
      run->fetch_uidl = g_strdup (taube_message_get_uidl (fetch));
      run->fetch_id = taube_message_get_id (fetch);
      run->fetch_folder_id = taube_message_get_folder_id (fetch);
    }
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);
  /* Role and name as IMAP would have them, so the views treat both kinds alike. */
  taube_store_add_folder_async (self->store, taube_account_get_id (self->account), "INBOX",
                                "Inbox", TAUBE_FOLDER_ROLE_INBOX, g_task_get_cancellable (task),
                                add_folder_cb, task);
}

static void
taube_pop3_sync_finalize (GObject *object)
{
  TaubePop3Sync *self = TAUBE_POP3_SYNC (object);

  g_clear_object (&self->account);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (taube_pop3_sync_parent_class)->finalize (object);
}

static void
taube_pop3_sync_class_init (TaubePop3SyncClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = taube_pop3_sync_finalize;
}

static void
taube_pop3_sync_init (TaubePop3Sync *self)
{
}

/**
 * taube_pop3_sync_new:
 * @account: a POP3 account
 * @store: the store its inbox is kept in
 *
 * Returns: (transfer full): a sync for @account
 */
TaubePop3Sync *
taube_pop3_sync_new (TaubeAccount *account,
                     TaubeStore   *store)
{
  TaubePop3Sync *self;

  g_return_val_if_fail (TAUBE_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (TAUBE_IS_STORE (store), NULL);

  self = g_object_new (TAUBE_TYPE_POP3_SYNC, NULL);
  self->account = g_object_ref (account);
  self->store = g_object_ref (store);
  return self;
}

/**
 * taube_pop3_sync_set_now:
 * @self: a #TaubePop3Sync
 * @now: seconds since 1970, or 0 for the clock
 *
 * The time the deletion policy ("after N days") is judged at. Tests set it to see what
 * a sync in two weeks would do; the app leaves it at 0.
 */
void
taube_pop3_sync_set_now (TaubePop3Sync *self,
                         gint64         now)
{
  g_return_if_fail (TAUBE_IS_POP3_SYNC (self));

  self->now = now;
}

/**
 * taube_pop3_sync_run_async:
 * @self: a #TaubePop3Sync
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the run is over
 * @user_data: data for @callback
 *
 * Downloads every message of the account's POP3 mailbox that the store does not have yet
 * into the account's inbox, then deletes on the server what the account's settings say
 * may go, and only messages that are stored whole. The caller makes sure only one run per
 * account is going on (TaubeSyncService holds a lock).
 */
void
taube_pop3_sync_run_async (TaubePop3Sync       *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TAUBE_IS_POP3_SYNC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_pop3_sync_run_async);
  start (self, task, NULL);
}

/**
 * taube_pop3_sync_fetch_message_async:
 * @self: a #TaubePop3Sync
 * @message_id: a message of the account's inbox stored with its header only
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the run is over
 * @user_data: data for @callback
 *
 * "Download the full message": fetches the whole of a message that a run stored with its
 * header only (it was over the size limit) with RETR and stores its body. Then, like a
 * run, deletes on the server what the account's settings say may go; the message itself
 * may now be one of them. Nothing else is downloaded. Finish with
 * taube_pop3_sync_run_finish(). Fails with %TAUBE_SYNC_ERROR_SERVER if the server no
 * longer has the message.
 */
void
taube_pop3_sync_fetch_message_async (TaubePop3Sync       *self,
                                     gint64               message_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(TaubeMessage) message = NULL;
  GError *error = NULL;
  GTask *task;

  g_return_if_fail (TAUBE_IS_POP3_SYNC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_pop3_sync_run_async);
  message = taube_store_get_message (self->store, message_id, &error);
  if (message != NULL && taube_message_get_uidl (message) == NULL)
    error = g_error_new_literal (TAUBE_SYNC_ERROR, TAUBE_SYNC_ERROR_FAILED,
                                 _("This message was not downloaded with POP3."));
  if (error != NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  start (self, task, message);
}

/**
 * taube_pop3_sync_run_finish:
 * @self: a #TaubePop3Sync
 * @result: the result passed to the callback
 * @stats: (out caller-allocates) (optional): what the run did
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the run completed. On failure, what was stored stays stored and
 *   nothing was deleted on the server.
 */
gboolean
taube_pop3_sync_run_finish (TaubePop3Sync       *self,
                            GAsyncResult        *result,
                            TaubePop3SyncStats  *stats,
                            GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (stats != NULL)
    *stats = _taube_pop3_sync_task_run (G_TASK (result))->stats;
  return g_task_propagate_boolean (G_TASK (result), error);
}
