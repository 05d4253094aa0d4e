/* taube-offline-queue.c — changes made without the server, applied at once, sent later
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every change a person makes to IMAP mail goes through here, online or not: the op is first
 * committed to the offline_ops table (so it survives a crash or a restart), then applied to
 * the store, so the views show it at once. taube-offline-queue-replay.c sends the ops to the
 * server in order when the account is online and forgets each one the server has.
 *
 * Ops name messages as the server does (mailbox, UIDVALIDITY, UIDs), which stays true while
 * local rows move between folders. A message without a UID (only local so far, e.g. moved
 * offline and not synced since) is changed locally only.
 */
#define G_LOG_DOMAIN "taube-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "taube-offline-queue-private.h"
#include "taube-store-sync.h"

G_DEFINE_FINAL_TYPE (TaubeOfflineQueue, taube_offline_queue, G_TYPE_OBJECT)

typedef enum
{
  APPLY_FLAGS,
  APPLY_MOVE,
  APPLY_REMOVE,
  APPLY_DRAFT,
} ApplyKind;

typedef struct
{
  GPtrArray *ops;          /* TaubeStoreQueuedOp still to push */
  ApplyKind apply;
  GArray *ids;             /* gint64: the messages to change locally */
  TaubeMessageFlags add;
  TaubeMessageFlags remove;
  gint64 target_id;        /* APPLY_MOVE, APPLY_DRAFT: the folder */
  GBytes *draft;
} ChangeJob;

static void
change_job_free (ChangeJob *job)
{
  g_clear_pointer (&job->ops, g_ptr_array_unref);
  g_clear_pointer (&job->ids, g_array_unref);
  g_clear_pointer (&job->draft, g_bytes_unref);
  g_free (job);
}

static void
taube_offline_queue_finalize (GObject *object)
{
  TaubeOfflineQueue *self = TAUBE_OFFLINE_QUEUE (object);

  g_clear_object (&self->store);
  g_free (self->account_id);
  G_OBJECT_CLASS (taube_offline_queue_parent_class)->finalize (object);
}

static void
taube_offline_queue_class_init (TaubeOfflineQueueClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = taube_offline_queue_finalize;
}

static void
taube_offline_queue_init (TaubeOfflineQueue *self)
{
}

/**
 * taube_offline_queue_new:
 * @store: the store
 * @account_id: an IMAP account
 *
 * Returns: (transfer full): the account's queue; what earlier runs left in it is replayed by
 *   the next taube_offline_queue_replay_async()
 */
TaubeOfflineQueue *
taube_offline_queue_new (TaubeStore *store,
                         const char *account_id)
{
  TaubeOfflineQueue *self;
  g_autoptr(GPtrArray) ops = NULL;

  g_return_val_if_fail (TAUBE_IS_STORE (store), NULL);
  g_return_val_if_fail (account_id != NULL, NULL);

  self = g_object_new (TAUBE_TYPE_OFFLINE_QUEUE, NULL);
  self->store = g_object_ref (store);
  self->account_id = g_strdup (account_id);
  ops = taube_store_queue_list (store, account_id, NULL);
  self->length = ops != NULL ? ops->len : 0;
  return self;
}

/**
 * taube_offline_queue_get_length:
 * @self: a #TaubeOfflineQueue
 *
 * Returns: how many ops wait for the server
 */
guint
taube_offline_queue_get_length (TaubeOfflineQueue *self)
{
  g_return_val_if_fail (TAUBE_IS_OFFLINE_QUEUE (self), 0);

  return self->length;
}

char *
_taube_offline_queue_draft_uidl (gint64 op_id)
{
  return g_strdup_printf ("taube-draft:%" G_GINT64_FORMAT, op_id);
}

/* -- Building ops from a selection ------------------------------------------------------ */

static TaubeStoreQueuedOp *
op_for_folder (TaubeOfflineQueue  *self,
               GPtrArray          *ops,
               TaubeFolder        *folder,
               TaubeOfflineOpKind  kind)
{
  TaubeStoreQueuedOp *op;

  for (guint i = 0; i < ops->len; i++)
    {
      op = g_ptr_array_index (ops, i);
      if (g_strcmp0 (op->mailbox, taube_folder_get_name (folder)) == 0)
        return op;
    }
  op = taube_store_queued_op_new ();
  op->account_id = g_strdup (self->account_id);
  op->kind = kind;
  op->mailbox = g_strdup (taube_folder_get_name (folder));
  op->uidvalidity = taube_folder_get_uidvalidity (folder);
  g_ptr_array_add (ops, op);
  return op;
}

/* One op per source folder, for the messages that have a UID there. */
static GPtrArray *
build_ops (TaubeOfflineQueue   *self,
           const gint64        *ids,
           guint                n_ids,
           TaubeOfflineOpKind   kind,
           GError             **error)
{
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func (
    (GDestroyNotify) taube_store_queued_op_free);

  for (guint i = 0; i < n_ids; i++)
    {
      g_autoptr(TaubeMessage) message = taube_store_get_message (self->store, ids[i], error);
      g_autoptr(TaubeFolder) folder = NULL;
      TaubeStoreQueuedOp *op;
      guint32 uid;

      if (message == NULL)
        return NULL;
      folder = taube_store_get_folder (self->store, taube_message_get_folder_id (message), error);
      if (folder == NULL)
        return NULL;
      uid = taube_message_get_uid (message);
      op = op_for_folder (self, ops, folder, kind);
      if (uid != 0)
        {
          g_array_append_val (op->uids, uid);
          g_array_append_val (op->local_ids, ids[i]);
        }
      else
        g_debug ("Message %" G_GINT64_FORMAT " has no UID yet: changed locally only", ids[i]);
    }
  return g_steal_pointer (&ops);
}

/* The account's folder with @role, or NULL. */
static TaubeFolder *
find_role (TaubeOfflineQueue *self,
           TaubeFolderRole    role)
{
  g_autoptr(GListModel) folders = taube_store_list_folders (self->store, self->account_id, NULL);

  for (guint i = 0; folders != NULL && i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr(TaubeFolder) folder = g_list_model_get_item (folders, i);

      if (taube_folder_get_role (folder) == role)
        return g_steal_pointer (&folder);
    }
  return NULL;
}

/* -- Push, then apply ------------------------------------------------------------------- */

static void push_next (GTask *task);

static void
taube_offline_queue_applied_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeStore *store = TAUBE_STORE (object);
  gpointer tag = g_task_get_source_tag (G_TASK (result));
  GError *error = NULL;
  gboolean ok;

  if (tag == taube_store_change_flags_async)
    ok = taube_store_change_flags_finish (store, result, &error);
  else if (tag == taube_store_move_messages_async)
    ok = taube_store_move_messages_finish (store, result, &error);
  else if (tag == taube_store_remove_messages_async)
    ok = taube_store_remove_messages_finish (store, result, &error);
  else
    ok = taube_store_add_message_finish (store, result, &error) != 0;
  if (!ok)
    {
      /* The op is queued: the server gets the change, and the next sync shows it. */
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
apply_locally (GTask  *task,
               gint64  last_op_id)
{
  TaubeOfflineQueue *self = g_task_get_source_object (task);
  ChangeJob *job = g_task_get_task_data (task);
  const gint64 *ids = job->ids != NULL ? (const gint64 *) job->ids->data : NULL;
  guint n_ids = job->ids != NULL ? job->ids->len : 0;
  g_autoptr(TaubeNewMessage) draft = NULL;

  switch (job->apply)
    {
    case APPLY_FLAGS:
      taube_store_change_flags_async (self->store, ids, n_ids, job->add, job->remove, NULL,
                                      taube_offline_queue_applied_cb, task);
      break;
    case APPLY_MOVE:
      taube_store_move_messages_async (self->store, ids, n_ids, job->target_id, NULL,
                                       taube_offline_queue_applied_cb, task);
      break;
    case APPLY_REMOVE:
      taube_store_remove_messages_async (self->store, ids, n_ids, NULL,
                                         taube_offline_queue_applied_cb, task);
      break;
    case APPLY_DRAFT:
    default:
      draft = taube_new_message_new (job->draft);
      draft->flags = TAUBE_MESSAGE_FLAG_DRAFT | TAUBE_MESSAGE_FLAG_SEEN;
      draft->uidl = _taube_offline_queue_draft_uidl (last_op_id);
      taube_store_add_message_async (self->store, job->target_id, draft, NULL,
                                     taube_offline_queue_applied_cb, task);
      break;
    }
}

static void
taube_offline_queue_pushed_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  GTask *task = user_data;
  TaubeOfflineQueue *self = g_task_get_source_object (task);
  ChangeJob *job = g_task_get_task_data (task);
  GError *error = NULL;
  gint64 id;

  id = taube_store_queue_push_finish (TAUBE_STORE (object), result, &error);
  if (id == 0)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  self->length++;
  g_ptr_array_remove_index (job->ops, 0);
  if (job->ops->len > 0)
    push_next (task);
  else
    apply_locally (task, id);
}

static void
push_next (GTask *task)
{
  TaubeOfflineQueue *self = g_task_get_source_object (task);
  ChangeJob *job = g_task_get_task_data (task);

  taube_store_queue_push_async (self->store, g_ptr_array_index (job->ops, 0), NULL,
                                taube_offline_queue_pushed_cb, task);
}

/* Starts @job: its ops are pushed one by one, then the local change is made. */
static void
start_change (TaubeOfflineQueue   *self,
              gpointer             source_tag,
              ChangeJob           *job,
              GError              *error,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, (GDestroyNotify) change_job_free);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (job->ops->len == 0)
    apply_locally (task, 0);
  else
    push_next (task);
}

static ChangeJob *
change_job_new (ApplyKind     apply,
                const gint64 *ids,
                guint         n_ids)
{
  ChangeJob *job = g_new0 (ChangeJob, 1);

  job->apply = apply;
  job->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_ids);
  g_array_append_vals (job->ids, ids, n_ids);
  return job;
}

/* Ops with no UID to send are only local changes. */
static void
drop_empty_ops (GPtrArray *ops)
{
  for (guint i = ops->len; i > 0; i--)
    if (((TaubeStoreQueuedOp *) g_ptr_array_index (ops, i - 1))->uids->len == 0)
      g_ptr_array_remove_index (ops, i - 1);
}

/**
 * taube_offline_queue_mark_async:
 * @self: a #TaubeOfflineQueue
 * @message_ids: (array length=n_message_ids): messages
 * @n_message_ids: how many
 * @add: flags to set, e.g. %TAUBE_MESSAGE_FLAG_SEEN for "mark as read"
 * @remove: flags to clear
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the change is queued and shown
 * @user_data: data for @callback
 *
 * Marks messages read, unread, flagged or not. Finish with
 * taube_offline_queue_change_finish().
 */
void
taube_offline_queue_mark_async (TaubeOfflineQueue   *self,
                                const gint64        *message_ids,
                                guint                n_message_ids,
                                TaubeMessageFlags    add,
                                TaubeMessageFlags    remove,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  ChangeJob *job;
  GError *error = NULL;

  g_return_if_fail (TAUBE_IS_OFFLINE_QUEUE (self));

  job = change_job_new (APPLY_FLAGS, message_ids, n_message_ids);
  job->add = add;
  job->remove = remove;
  job->ops = build_ops (self, message_ids, n_message_ids, TAUBE_OFFLINE_OP_FLAGS, &error);
  if (job->ops != NULL)
    {
      drop_empty_ops (job->ops);
      for (guint i = 0; i < job->ops->len; i++)
        {
          TaubeStoreQueuedOp *op = g_ptr_array_index (job->ops, i);

          op->flags_add = add;
          op->flags_remove = remove;
        }
    }
  start_change (self, taube_offline_queue_mark_async, job, error, cancellable, callback,
                user_data);
}

static void
move_to (TaubeOfflineQueue   *self,
         gpointer             source_tag,
         const gint64        *message_ids,
         guint                n_message_ids,
         TaubeFolder         *target,
         GCancellable        *cancellable,
         GAsyncReadyCallback  callback,
         gpointer             user_data)
{
  ChangeJob *job = change_job_new (APPLY_MOVE, message_ids, n_message_ids);
  GError *error = NULL;

  job->target_id = taube_folder_get_id (target);
  job->ops = build_ops (self, message_ids, n_message_ids, TAUBE_OFFLINE_OP_MOVE, &error);
  for (guint i = 0; job->ops != NULL && i < job->ops->len; i++)
    {
      TaubeStoreQueuedOp *op = g_ptr_array_index (job->ops, i);

      op->target = g_strdup (taube_folder_get_name (target));
    }
  if (job->ops != NULL)
    drop_empty_ops (job->ops);
  start_change (self, source_tag, job, error, cancellable, callback, user_data);
}

/**
 * taube_offline_queue_move_async:
 * @self: a #TaubeOfflineQueue
 * @message_ids: (array length=n_message_ids): messages
 * @n_message_ids: how many
 * @folder_id: the folder to move them to, of the same account
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the move is queued and shown
 * @user_data: data for @callback
 */
void
taube_offline_queue_move_async (TaubeOfflineQueue   *self,
                                const gint64        *message_ids,
                                guint                n_message_ids,
                                gint64               folder_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(TaubeFolder) target = NULL;
  GError *error = NULL;

  g_return_if_fail (TAUBE_IS_OFFLINE_QUEUE (self));

  target = taube_store_get_folder (self->store, folder_id, &error);
  if (target == NULL)
    {
      start_change (self, taube_offline_queue_move_async, change_job_new (APPLY_MOVE, NULL, 0),
                    error, cancellable, callback, user_data);
      return;
    }
  move_to (self, taube_offline_queue_move_async, message_ids, n_message_ids, target,
           cancellable, callback, user_data);
}

/**
 * taube_offline_queue_archive_async:
 * @self: a #TaubeOfflineQueue
 * @message_ids: (array length=n_message_ids): messages
 * @n_message_ids: how many
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the move is queued and shown
 * @user_data: data for @callback
 *
 * Moves messages to the account's Archive folder (RFC 6154 \Archive). Fails with
 * %G_IO_ERROR_NOT_FOUND if the account has none.
 */
void
taube_offline_queue_archive_async (TaubeOfflineQueue   *self,
                                   const gint64        *message_ids,
                                   guint                n_message_ids,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(TaubeFolder) archive = NULL;

  g_return_if_fail (TAUBE_IS_OFFLINE_QUEUE (self));

  archive = find_role (self, TAUBE_FOLDER_ROLE_ARCHIVE);
  if (archive == NULL)
    {
      start_change (self, taube_offline_queue_archive_async,
                    change_job_new (APPLY_MOVE, NULL, 0),
                    g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                         _("This account has no archive folder. Choose a "
                                           "folder to move the messages to instead.")),
                    cancellable, callback, user_data);
      return;
    }
  move_to (self, taube_offline_queue_archive_async, message_ids, n_message_ids, archive,
           cancellable, callback, user_data);
}

/**
 * taube_offline_queue_delete_async:
 * @self: a #TaubeOfflineQueue
 * @message_ids: (array length=n_message_ids): messages of one folder
 * @n_message_ids: how many
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the deletion is queued and shown
 * @user_data: data for @callback
 *
 * Moves messages to Trash; in Trash, or for an account without one, deletes them for good.
 */
void
taube_offline_queue_delete_async (TaubeOfflineQueue   *self,
                                  const gint64        *message_ids,
                                  guint                n_message_ids,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(TaubeFolder) trash = NULL;
  g_autoptr(TaubeMessage) first = NULL;
  ChangeJob *job;
  GError *error = NULL;

  g_return_if_fail (TAUBE_IS_OFFLINE_QUEUE (self));
  g_return_if_fail (n_message_ids > 0);

  trash = find_role (self, TAUBE_FOLDER_ROLE_TRASH);
  first = taube_store_get_message (self->store, message_ids[0], NULL);
  if (trash != NULL && first != NULL
      && taube_message_get_folder_id (first) != taube_folder_get_id (trash))
    {
      move_to (self, taube_offline_queue_delete_async, message_ids, n_message_ids, trash,
               cancellable, callback, user_data);
      return;
    }
  job = change_job_new (APPLY_REMOVE, message_ids, n_message_ids);
  job->ops = build_ops (self, message_ids, n_message_ids, TAUBE_OFFLINE_OP_EXPUNGE, &error);
  if (job->ops != NULL)
    drop_empty_ops (job->ops);
  start_change (self, taube_offline_queue_delete_async, job, error, cancellable, callback,
                user_data);
}

/**
 * taube_offline_queue_save_draft_async:
 * @self: a #TaubeOfflineQueue
 * @message: the draft as a whole message (built with GMime)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the draft is stored and queued
 * @user_data: data for @callback
 *
 * Saves a draft to the Drafts folder: at once locally, and on the server when online.
 * The queue keeps the draft itself until the server has it, so it is never lost. Fails with
 * %G_IO_ERROR_NOT_FOUND if the account has no Drafts folder.
 */
void
taube_offline_queue_save_draft_async (TaubeOfflineQueue   *self,
                                      GBytes              *message,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(TaubeFolder) drafts = NULL;
  ChangeJob *job;
  TaubeStoreQueuedOp *op;

  g_return_if_fail (TAUBE_IS_OFFLINE_QUEUE (self));
  g_return_if_fail (message != NULL);

  job = change_job_new (APPLY_DRAFT, NULL, 0);
  job->ops = g_ptr_array_new_with_free_func ((GDestroyNotify) taube_store_queued_op_free);
  drafts = find_role (self, TAUBE_FOLDER_ROLE_DRAFTS);
  if (drafts == NULL)
    {
      start_change (self, taube_offline_queue_save_draft_async, job,
                    g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                         _("This account has no drafts folder, so the draft "
                                           "could not be saved there.")),
                    cancellable, callback, user_data);
      return;
    }
  job->target_id = taube_folder_get_id (drafts);
  job->draft = g_bytes_ref (message);
  op = op_for_folder (self, job->ops, drafts, TAUBE_OFFLINE_OP_DRAFT);
  op->message = g_bytes_ref (message);
  start_change (self, taube_offline_queue_save_draft_async, job, NULL, cancellable, callback,
                user_data);
}

/**
 * taube_offline_queue_change_finish:
 * @self: a #TaubeOfflineQueue
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes any of the change calls.
 *
 * Returns: %TRUE if the change is queued and applied to the store
 */
gboolean
taube_offline_queue_change_finish (TaubeOfflineQueue  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
