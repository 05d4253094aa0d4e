/* taube-sync-service.c — keep every account's local copy in step with its server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The service syncs accounts one after the other: for each it takes the account's sync
 * lock (so the app and taube-cli never sync one account at the same time), hands the
 * account to the sync of its protocol, and records a TaubeSyncResult. One account's
 * failure never stops the others; each result says what went wrong in a code the UI can
 * act on (TaubeSyncError).
 */
#define G_LOG_DOMAIN "taube-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "taube-imap-reader.h"
#include "taube-pop3-sync.h"
#include "taube-sync-lock.h"
#include "taube-sync-service-private.h"

struct _TaubeSyncService
{
  GObject parent_instance;

  TaubeAccountManager *accounts;
  TaubeStore *store;
  gint64 now;
  GHashTable *readers;      /* account id → TaubeImapReader, IMAP's reading sessions */
};

G_DEFINE_FINAL_TYPE (TaubeSyncService, taube_sync_service, G_TYPE_OBJECT)

/* One call of taube_sync_service_sync_async(). */
typedef struct
{
  GPtrArray *queue;       /* TaubeAccount, still to sync */
  guint next;
  GPtrArray *results;     /* TaubeSyncResult */
  TaubeSyncLock *lock;    /* of the account being synced */
  TaubeSyncResult *current;
} Job;

static void
job_free (Job *job)
{
  g_ptr_array_unref (job->queue);
  g_ptr_array_unref (job->results);
  taube_sync_lock_release (job->lock);
  g_clear_pointer (&job->current, taube_sync_result_free);
  g_free (job);
}

/**
 * taube_sync_result_free:
 * @result: (transfer full): a result
 */
void
taube_sync_result_free (TaubeSyncResult *result)
{
  if (result == NULL)
    return;
  g_free (result->account_id);
  g_clear_error (&result->error);
  g_free (result);
}

static void sync_next (GTask *task);

/* Records the account's outcome and moves on; takes @error. */
static void
account_done (GTask  *task,
              GError *error)
{
  Job *job = g_task_get_task_data (task);

  g_clear_pointer (&job->lock, taube_sync_lock_release);
  if (error != NULL)
    {
      job->current->error = taube_sync_error_wrap (error);
      g_debug ("syncing %s failed: %s", job->current->account_id, error->message);
      g_error_free (error);
    }
  g_ptr_array_add (job->results, g_steal_pointer (&job->current));
  sync_next (task);
}

static void
pop3_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);
  TaubePop3SyncStats stats = { 0 };
  GError *error = NULL;

  taube_pop3_sync_run_finish (TAUBE_POP3_SYNC (object), result, &stats, &error);
  job->current->n_new = stats.n_new;
  job->current->n_partial = stats.n_partial;
  job->current->n_deleted = stats.n_deleted;
  g_object_unref (object);
  account_done (task, error);
}

static void
imap_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);
  GError *error = NULL;

  _taube_sync_service_sync_imap_finish (TAUBE_SYNC_SERVICE (object), result, job->current,
                                        &error);
  account_done (task, error);
}

static void
dispatch (GTask        *task,
          TaubeAccount *account)
{
  TaubeSyncService *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (taube_account_get_protocol (account) == TAUBE_PROTOCOL_POP3)
    {
      TaubePop3Sync *sync = taube_pop3_sync_new (account, self->store);

      taube_pop3_sync_set_now (sync, self->now);
      taube_pop3_sync_run_async (sync, cancellable, pop3_done_cb, task);
    }
  else
    _taube_sync_service_sync_imap_async (self, account, cancellable, imap_done_cb, task);
}

static void
sync_next (GTask *task)
{
  TaubeSyncService *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);
  TaubeAccount *account;
  GError *error = NULL;

  if (job->next == job->queue->len)
    {
      g_task_return_pointer (task, g_ptr_array_ref (job->results),
                             (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }
  account = g_ptr_array_index (job->queue, job->next++);
  job->current = g_new0 (TaubeSyncResult, 1);
  job->current->account_id = g_strdup (taube_account_get_id (account));
  job->current->protocol = taube_account_get_protocol (account);
  job->lock = taube_sync_lock_acquire (taube_store_get_directory (self->store),
                                       job->current->account_id, &error);
  if (job->lock == NULL)
    {
      account_done (task, error);
      return;
    }
  dispatch (task, account);
}

static GPtrArray *
collect_accounts (TaubeSyncService  *self,
                  const char        *account_id,
                  GError           **error)
{
  GPtrArray *queue = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *model = G_LIST_MODEL (self->accounts);

  if (account_id != NULL)
    {
      TaubeAccount *account = taube_account_manager_lookup (self->accounts, account_id);

      if (account == NULL)
        {
          g_set_error (error, TAUBE_ACCOUNT_ERROR, TAUBE_ACCOUNT_ERROR_NOT_FOUND,
                       /* Translators: %s is an account id */
                       _("There is no account “%s”."), account_id);
          g_ptr_array_unref (queue);
          return NULL;
        }
      g_ptr_array_add (queue, g_object_ref (account));
      return queue;
    }
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (queue, g_list_model_get_item (model, i));
  return queue;
}

static void
taube_sync_service_finalize (GObject *object)
{
  TaubeSyncService *self = TAUBE_SYNC_SERVICE (object);

  g_clear_pointer (&self->readers, g_hash_table_unref);
  g_clear_object (&self->accounts);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (taube_sync_service_parent_class)->finalize (object);
}

static void
taube_sync_service_class_init (TaubeSyncServiceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = taube_sync_service_finalize;
}

static void
taube_sync_service_init (TaubeSyncService *self)
{
  self->readers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

/**
 * taube_sync_service_new:
 * @accounts: the accounts, loaded
 * @store: the local store
 *
 * Returns: (transfer full): a sync service
 */
TaubeSyncService *
taube_sync_service_new (TaubeAccountManager *accounts,
                        TaubeStore          *store)
{
  TaubeSyncService *self;

  g_return_val_if_fail (TAUBE_IS_ACCOUNT_MANAGER (accounts), NULL);
  g_return_val_if_fail (TAUBE_IS_STORE (store), NULL);

  self = g_object_new (TAUBE_TYPE_SYNC_SERVICE, NULL);
  self->accounts = g_object_ref (accounts);
  self->store = g_object_ref (store);
  return self;
}

/**
 * taube_sync_service_get_accounts:
 * @self: a #TaubeSyncService
 *
 * Returns: (transfer none): the accounts it syncs
 */
TaubeAccountManager *
taube_sync_service_get_accounts (TaubeSyncService *self)
{
  g_return_val_if_fail (TAUBE_IS_SYNC_SERVICE (self), NULL);

  return self->accounts;
}

/**
 * taube_sync_service_get_store:
 * @self: a #TaubeSyncService
 *
 * Returns: (transfer none): the store it syncs into
 */
TaubeStore *
taube_sync_service_get_store (TaubeSyncService *self)
{
  g_return_val_if_fail (TAUBE_IS_SYNC_SERVICE (self), NULL);

  return self->store;
}

/**
 * taube_sync_service_set_now:
 * @self: a #TaubeSyncService
 * @now: seconds since 1970, or 0 for the clock
 *
 * The time policies such as "delete from the server after N days" are judged at; for
 * tests (see taube_pop3_sync_set_now()).
 */
void
taube_sync_service_set_now (TaubeSyncService *self,
                            gint64            now)
{
  g_return_if_fail (TAUBE_IS_SYNC_SERVICE (self));

  self->now = now;
}

/**
 * taube_sync_service_sync_async:
 * @self: a #TaubeSyncService
 * @account_id: (nullable): the account to sync, or %NULL for all
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when every account has been synced once
 * @user_data: data for @callback
 *
 * Syncs the accounts once, one after the other. An account that another process is
 * syncing is skipped with %TAUBE_SYNC_ERROR_BUSY in its result.
 */
void
taube_sync_service_sync_async (TaubeSyncService    *self,
                               const char          *account_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  Job *job;
  GPtrArray *queue;
  GError *error = NULL;

  g_return_if_fail (TAUBE_IS_SYNC_SERVICE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_sync_service_sync_async);
  queue = collect_accounts (self, account_id, &error);
  if (queue == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  job = g_new0 (Job, 1);
  job->queue = queue;
  job->results = g_ptr_array_new_with_free_func ((GDestroyNotify) taube_sync_result_free);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  sync_next (task);
}

/**
 * taube_sync_service_sync_finish:
 * @self: a #TaubeSyncService
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type TaubeSyncResult): one result per account, each
 *   with its own error if it failed; %NULL with @error only if @account_id named no account
 */
GPtrArray *
taube_sync_service_sync_finish (TaubeSyncService  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* -- Downloading one whole message ------------------------------------------------------ */

static void
download_message_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* The lock (the task data) is released when the task goes. */
  if (!taube_pop3_sync_run_finish (TAUBE_POP3_SYNC (object), result, NULL, &error))
    {
      g_task_return_error (task, taube_sync_error_wrap (error));
      g_error_free (error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
download_imap_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!taube_imap_reader_fetch_body_finish (TAUBE_IMAP_READER (object), result, &error))
    {
      g_task_return_error (task, taube_sync_error_wrap (error));
      g_error_free (error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* IMAP: the account's reading session, not the sync's (taube-imap-reader.c). */
static void
download_imap (TaubeSyncService *self,
               TaubeAccount     *account,
               gint64            message_id,
               GTask            *task)
{
  TaubeImapReader *reader = g_hash_table_lookup (self->readers, taube_account_get_id (account));

  if (reader == NULL)
    {
      reader = taube_imap_reader_new (self->store, account);
      g_hash_table_insert (self->readers, g_strdup (taube_account_get_id (account)), reader);
    }
  taube_imap_reader_fetch_body_async (reader, message_id, g_task_get_cancellable (task),
                                      download_imap_cb, g_object_ref (task));
}

/**
 * taube_sync_service_download_message_async:
 * @self: a #TaubeSyncService
 * @account_id: an account
 * @message_id: a message stored with its header only (IMAP: not downloaded yet; POP3:
 *   over the size limit)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the message is stored whole, or that failed
 * @user_data: data for @callback
 *
 * "Download the full message". POP3 holds the account's sync lock like a sync (see
 * taube_pop3_sync_fetch_message_async()); IMAP uses the account's reading session, so it
 * neither waits for a sync nor interrupts the push's IDLE.
 */
void
taube_sync_service_download_message_async (TaubeSyncService    *self,
                                           const char          *account_id,
                                           gint64               message_id,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(TaubePop3Sync) sync = NULL;
  TaubeSyncLock *lock;
  TaubeAccount *account;
  GError *error = NULL;

  g_return_if_fail (TAUBE_IS_SYNC_SERVICE (self));
  g_return_if_fail (account_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_sync_service_download_message_async);
  account = taube_account_manager_lookup (self->accounts, account_id);
  if (account == NULL)
    {
      g_task_return_new_error (task, TAUBE_SYNC_ERROR, TAUBE_SYNC_ERROR_SETTINGS,
                               /* Translators: %s is an account id */
                               _("There is no account “%s”."), account_id);
      return;
    }
  if (taube_account_get_protocol (account) == TAUBE_PROTOCOL_IMAP)
    {
      download_imap (self, account, message_id, task);
      return;
    }
  lock = taube_sync_lock_acquire (taube_store_get_directory (self->store), account_id, &error);
  if (lock == NULL)
    {
      g_task_return_error (task, taube_sync_error_wrap (error));
      g_error_free (error);
      return;
    }
  g_task_set_task_data (task, lock, (GDestroyNotify) taube_sync_lock_release);
  sync = taube_pop3_sync_new (account, self->store);
  taube_pop3_sync_fetch_message_async (sync, message_id, cancellable, download_message_cb,
                                       g_steal_pointer (&task));
}

/**
 * taube_sync_service_download_message_finish:
 * @self: a #TaubeSyncService
 * @result: the result passed to the callback
 * @error: return location for a #GError, in %TAUBE_SYNC_ERROR
 *
 * Returns: %TRUE once the whole message is stored
 */
gboolean
taube_sync_service_download_message_finish (TaubeSyncService  *self,
                                            GAsyncResult      *result,
                                            GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
