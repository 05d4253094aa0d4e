/* taube-sync-service-imap.c — IMAP accounts in the sync service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One sync of an IMAP account (taube-cli sync --once, and each interval): open a session,
 * switch on QRESYNC, send what the offline queue holds (the person's changes go first, so
 * the sync that follows sees them on the server), follow the folder list, sync every
 * folder, log out. The service holds the account's sync lock meanwhile.
 */
#define G_LOG_DOMAIN "taube-sync"

#include "config.h"

#include "taube-imap-sync.h"
#include "taube-sync-service-private.h"

/* -- One pass on an open session: prepare, replay, sync --------------------------------- */

typedef struct
{
  TaubeOfflineQueue *queue;
} PassJob;

static void
pass_job_free (PassJob *job)
{
  g_clear_object (&job->queue);
  g_free (job);
}

static void
taube_imap_sync_run_all_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!taube_imap_sync_all_finish (TAUBE_IMAP_SYNC (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
taube_imap_sync_run_replay_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!taube_offline_queue_replay_finish (TAUBE_OFFLINE_QUEUE (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  taube_imap_sync_all_async (g_task_get_source_object (task), g_task_get_cancellable (task),
                             taube_imap_sync_run_all_cb, g_object_ref (task));
}

static void
taube_imap_sync_run_prepare_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeImapSync *self = TAUBE_IMAP_SYNC (object);
  PassJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  if (!taube_imap_sync_prepare_finish (self, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  taube_offline_queue_replay_async (job->queue, taube_imap_sync_get_client (self),
                                    g_task_get_cancellable (task),
                                    taube_imap_sync_run_replay_cb, g_object_ref (task));
}

/**
 * taube_imap_sync_run_async:
 * @self: a #TaubeImapSync on a freshly opened session
 * @queue: the account's offline queue
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the account is in step
 * @user_data: data for @callback
 *
 * Switches on QRESYNC, replays @queue, then syncs the folder list and every folder.
 */
void
taube_imap_sync_run_async (TaubeImapSync       *self,
                           TaubeOfflineQueue   *queue,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PassJob *job;

  g_return_if_fail (TAUBE_IS_IMAP_SYNC (self));
  g_return_if_fail (TAUBE_IS_OFFLINE_QUEUE (queue));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_imap_sync_run_async);
  job = g_new0 (PassJob, 1);
  job->queue = g_object_ref (queue);
  g_task_set_task_data (task, job, (GDestroyNotify) pass_job_free);
  taube_imap_sync_prepare_async (self, cancellable, taube_imap_sync_run_prepare_cb,
                                 g_steal_pointer (&task));
}

gboolean
taube_imap_sync_run_finish (TaubeImapSync  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* -- The service's IMAP branch ---------------------------------------------------------- */

typedef struct
{
  TaubeAccount *account;
  TaubeImapSync *sync;
  TaubeImapSyncStats stats;
} ServiceJob;

static void
service_job_free (ServiceJob *job)
{
  g_clear_object (&job->account);
  g_clear_object (&job->sync);
  g_free (job);
}

static void
taube_sync_service_imap_logout_cb (GObject      *object,
                                   GAsyncResult *result,
                                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* The sync is done and stored; a failed LOGOUT changes nothing of that. */
  if (!taube_imap_client_logout_finish (TAUBE_IMAP_CLIENT (object), result, &error))
    g_debug ("LOGOUT failed: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

static void
taube_sync_service_imap_run_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ServiceJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  job->stats = *taube_imap_sync_get_stats (job->sync);
  if (!taube_imap_sync_run_finish (job->sync, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  taube_imap_client_logout_async (taube_imap_sync_get_client (job->sync), NULL,
                                  taube_sync_service_imap_logout_cb, g_object_ref (task));
}

static void
taube_sync_service_imap_open_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeSyncService *self = g_task_get_source_object (task);
  ServiceJob *job = g_task_get_task_data (task);
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(TaubeOfflineQueue) queue = NULL;
  TaubeStore *store = taube_sync_service_get_store (self);
  const char *account_id = taube_account_get_id (job->account);
  GError *error = NULL;

  client = taube_imap_sync_open_finish (result, &error);
  if (client == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  job->sync = taube_imap_sync_new (store, account_id, client);
  queue = taube_offline_queue_new (store, account_id);
  taube_imap_sync_run_async (job->sync, queue, g_task_get_cancellable (task),
                             taube_sync_service_imap_run_cb, g_object_ref (task));
}

void
_taube_sync_service_sync_imap_async (TaubeSyncService    *self,
                                     TaubeAccount        *account,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  ServiceJob *job = g_new0 (ServiceJob, 1);

  g_task_set_source_tag (task, _taube_sync_service_sync_imap_async);
  job->account = g_object_ref (account);
  g_task_set_task_data (task, job, (GDestroyNotify) service_job_free);
  taube_imap_sync_open_async (account, cancellable, taube_sync_service_imap_open_cb,
                              g_steal_pointer (&task));
}

gboolean
_taube_sync_service_sync_imap_finish (TaubeSyncService  *self,
                                      GAsyncResult      *result,
                                      TaubeSyncResult   *sync_result,
                                      GError           **error)
{
  ServiceJob *job;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  job = g_task_get_task_data (G_TASK (result));
  sync_result->n_new = job->stats.added;
  sync_result->n_deleted = job->stats.removed;
  return g_task_propagate_boolean (G_TASK (result), error);
}
