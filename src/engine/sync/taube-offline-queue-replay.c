/* taube-offline-queue-replay.c — sending the queued ops to the server, in order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each op: SELECT its mailbox, check the UIDVALIDITY it was made under, send its commands,
 * tidy the store, forget the op. What happens when the server disagrees:
 *  - the connection fails: replay stops, the op and those after it stay for next time;
 *  - the mailbox is gone, or has a new UIDVALIDITY (the UIDs would name other messages):
 *    the messages the op was about are gone; the op is dropped with a log line;
 *  - a flag change on a message expunged meanwhile: the server ignores the missing UID
 *    (RFC 9051 §6.4.6); it is logged and the op is done;
 *  - a move refused (the target may be missing, [TRYCREATE] in RFC 9051 §7.1): the target
 *    is created and the move sent once more;
 *  - any other refusal of a flag change, move or deletion: logged and dropped, as retrying
 *    would be refused the same way;
 *  - a draft is never dropped: a refused APPEND keeps it queued (with its text) for the next
 *    replay; once the server has it, its local stand-in gives way to the server's copy.
 */
#define G_LOG_DOMAIN "taube-sync"

#include "config.h"

#include "taube-imap-error.h"
#include "taube-imap-sequence-set.h"
#include "taube-imap-sync-private.h"
#include "taube-offline-queue-private.h"
#include "taube-utf7.h"

typedef struct
{
  TaubeImapClient *client;
  GPtrArray *ops;          /* TaubeStoreQueuedOp */
  guint next;
  GPtrArray *commands;     /* of the current op */
  guint next_command;
  gboolean created_target;
  GArray *answered;        /* guint32: UIDs a STORE reported back */
} ReplayJob;

static void
replay_job_free (ReplayJob *job)
{
  g_clear_object (&job->client);
  g_clear_pointer (&job->ops, g_ptr_array_unref);
  g_clear_pointer (&job->commands, g_ptr_array_unref);
  g_clear_pointer (&job->answered, g_array_unref);
  g_free (job);
}

static void replay_next (GTask *task);
static void run_next_command (GTask *task);

static TaubeStoreQueuedOp *
current_op (ReplayJob *job)
{
  return g_ptr_array_index (job->ops, job->next - 1);
}

static char *
uid_set (GArray *uids)
{
  g_autoptr(TaubeImapSequenceSet) set = taube_imap_sequence_set_new_from_array (
    (const guint32 *) uids->data, uids->len);

  return taube_imap_sequence_set_to_string (set);
}

static char *
flag_list (TaubeMessageFlags flags)
{
  g_auto(GStrv) atoms = taube_message_flags_to_imap (flags, NULL);
  g_autofree char *joined = g_strjoinv (" ", atoms);

  return g_strdup_printf ("(%s)", joined);
}

static GPtrArray *
commands_for (TaubeImapClient    *client,
              TaubeStoreQueuedOp *op)
{
  GPtrArray *commands = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *set = uid_set (op->uids);
  g_autofree char *target = op->target != NULL ? _taube_imap_sync_quote_mailbox (op->target)
                                               : NULL;
  gboolean uidplus = taube_imap_client_has_capability (client, "UIDPLUS");

  switch (op->kind)
    {
    case TAUBE_OFFLINE_OP_FLAGS:
      if (op->flags_add != 0)
        {
          g_autofree char *flags = flag_list (op->flags_add);

          g_ptr_array_add (commands, g_strdup_printf ("UID STORE %s +FLAGS %s", set, flags));
        }
      if (op->flags_remove != 0)
        {
          g_autofree char *flags = flag_list (op->flags_remove);

          g_ptr_array_add (commands, g_strdup_printf ("UID STORE %s -FLAGS %s", set, flags));
        }
      break;
    case TAUBE_OFFLINE_OP_MOVE:
      if (taube_imap_client_has_capability (client, "MOVE"))
        {
          g_ptr_array_add (commands, g_strdup_printf ("UID MOVE %s %s", set, target));
          break;
        }
      /* RFC 6851 §3.3: what MOVE does, in three steps. */
      g_ptr_array_add (commands, g_strdup_printf ("UID COPY %s %s", set, target));
      G_GNUC_FALLTHROUGH;
    case TAUBE_OFFLINE_OP_EXPUNGE:
      g_ptr_array_add (commands, g_strdup_printf ("UID STORE %s +FLAGS.SILENT (\\Deleted)", set));
      /* Without UIDPLUS, EXPUNGE would take other \Deleted messages along: leave them. */
      if (uidplus)
        g_ptr_array_add (commands, g_strdup_printf ("UID EXPUNGE %s", set));
      break;
    default:
      break;
    }
  return commands;
}

/* -- Finishing an op -------------------------------------------------------------------- */

static void
taube_offline_queue_removed_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  GTask *task = user_data;
  TaubeOfflineQueue *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!taube_store_queue_remove_finish (TAUBE_STORE (object), result, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  self->length = self->length > 0 ? self->length - 1 : 0;
  replay_next (task);
}

static void
forget_op (GTask *task)
{
  TaubeOfflineQueue *self = g_task_get_source_object (task);
  ReplayJob *job = g_task_get_task_data (task);

  taube_store_queue_remove_async (self->store, current_op (job)->id, NULL,
                                  taube_offline_queue_removed_cb, task);
}

static void
taube_offline_queue_tidied_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  /* The stand-ins may be gone already (the person deleted them); the op is done anyway. */
  if (!taube_store_remove_messages_finish (TAUBE_STORE (object), result, &error))
    g_debug ("Could not remove stand-ins of a replayed move: %s", error->message);
  forget_op (task);
}

/* A replayed move's local stand-ins give way to the server's copies, which the next sync
 * of the target brings with their UIDs. */
static void
op_done (GTask *task)
{
  TaubeOfflineQueue *self = g_task_get_source_object (task);
  ReplayJob *job = g_task_get_task_data (task);
  TaubeStoreQueuedOp *op = current_op (job);

  if (op->kind == TAUBE_OFFLINE_OP_FLAGS)
    for (guint i = 0; i < op->uids->len; i++)
      {
        guint32 uid = g_array_index (op->uids, guint32, i);
        gboolean answered = FALSE;

        for (guint j = 0; j < job->answered->len && !answered; j++)
          answered = g_array_index (job->answered, guint32, j) == uid;
        if (!answered)
          g_message ("Message %u in %s is gone from the server; its flag change was dropped",
                     uid, op->mailbox);
      }
  if (op->kind == TAUBE_OFFLINE_OP_MOVE && op->local_ids->len > 0)
    {
      taube_store_remove_messages_async (self->store, (const gint64 *) op->local_ids->data,
                                         op->local_ids->len, NULL,
                                         taube_offline_queue_tidied_cb, task);
      return;
    }
  forget_op (task);
}

static void
drop_op (GTask      *task,
         const char *why)
{
  ReplayJob *job = g_task_get_task_data (task);
  TaubeStoreQueuedOp *op = current_op (job);

  g_message ("Dropping a queued change to %s (%u messages): %s", op->mailbox, op->uids->len,
             why);
  if (op->kind == TAUBE_OFFLINE_OP_FLAGS)
    {
      forget_op (task);
      return;
    }
  /* The messages are gone; so are the stand-ins of a move, which will never be synced. */
  op_done (task);
}

/* -- Commands --------------------------------------------------------------------------- */

/* A NO to a move may mean its target is missing ([TRYCREATE], RFC 9051 §7.1); the client's
 * error does not carry the code, so the target is created once and the move sent again. */
static gboolean
may_need_target (ReplayJob    *job,
                 const GError *error)
{
  return current_op (job)->target != NULL && !job->created_target
         && g_error_matches (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_SERVER_NO);
}

static void
collect_answered (ReplayJob *job,
                  GPtrArray *untagged)
{
  for (guint i = 0; untagged != NULL && i < untagged->len; i++)
    {
      TaubeStoreUidState state;

      if (_taube_imap_sync_parse_fetch_state (g_ptr_array_index (untagged, i), &state))
        {
          g_array_append_val (job->answered, state.uid);
          taube_store_uid_state_clear (&state);
        }
    }
}

static void
taube_offline_queue_command_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  GTask *task = user_data;
  ReplayJob *job = g_task_get_task_data (task);
  g_autoptr(TaubeImapResponse) response = NULL;
  g_autoptr(GPtrArray) untagged = NULL;
  g_autoptr(GError) error = NULL;

  response = taube_imap_client_command_finish (job->client, result, &untagged, &error);
  if (response != NULL)
    {
      collect_answered (job, untagged);
      run_next_command (task);
      return;
    }
  if (!g_error_matches (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_SERVER_NO)
      && !g_error_matches (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_SERVER_BAD))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (may_need_target (job, error))
    {
      g_autofree char *target = _taube_imap_sync_quote_mailbox (current_op (job)->target);

      job->created_target = TRUE;
      job->next_command--;
      g_ptr_array_insert (job->commands, job->next_command,
                          g_strdup_printf ("CREATE %s", target));
      run_next_command (task);
      return;
    }
  drop_op (task, error->message);
}

static void
run_next_command (GTask *task)
{
  ReplayJob *job = g_task_get_task_data (task);

  if (job->next_command >= job->commands->len)
    {
      op_done (task);
      return;
    }
  taube_imap_client_command_async (job->client,
                                   g_ptr_array_index (job->commands, job->next_command++),
                                   g_task_get_cancellable (task),
                                   taube_offline_queue_command_cb, task);
}

/* -- SELECT and the UIDVALIDITY check ---------------------------------------------------- */

static guint32
read_uidvalidity (GPtrArray *untagged)
{
  for (guint i = 0; untagged != NULL && i < untagged->len; i++)
    {
      TaubeImapResponse *response = g_ptr_array_index (untagged, i);
      const TaubeImapValue *arg = taube_imap_response_get_code_arg (response, 0);
      guint64 number;

      if (g_strcmp0 (taube_imap_response_get_code_name (response), "UIDVALIDITY") == 0
          && arg != NULL && taube_imap_value_get_number (arg, &number))
        return (guint32) number;
    }
  return 0;
}

static void
taube_offline_queue_select_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  GTask *task = user_data;
  ReplayJob *job = g_task_get_task_data (task);
  TaubeStoreQueuedOp *op = current_op (job);
  g_autoptr(TaubeImapResponse) response = NULL;
  g_autoptr(GPtrArray) untagged = NULL;
  g_autoptr(GError) error = NULL;
  guint32 uidvalidity;

  response = taube_imap_client_command_finish (job->client, result, &untagged, &error);
  if (response == NULL && g_error_matches (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_SERVER_NO))
    {
      drop_op (task, error->message);
      return;
    }
  if (response == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  uidvalidity = read_uidvalidity (untagged);
  if (op->uidvalidity != 0 && uidvalidity != op->uidvalidity)
    {
      drop_op (task, "the folder was recreated on the server");
      return;
    }
  g_clear_pointer (&job->commands, g_ptr_array_unref);
  job->commands = commands_for (job->client, op);
  job->next_command = 0;
  job->created_target = FALSE;
  g_array_set_size (job->answered, 0);
  run_next_command (task);
}

/* -- Drafts: APPEND, then the local stand-in gives way to the server's copy ------------- */

static void
taube_offline_queue_draft_counted_cb (GObject      *object,
                                      GAsyncResult *result,
                                      gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  if (!taube_store_queue_count_attempt_finish (TAUBE_STORE (object), result, &error))
    g_debug ("Could not count a failed draft upload: %s", error->message);
  replay_next (task);
}

static void
remove_draft_stand_in (GTask              *task,
                       TaubeStoreQueuedOp *op)
{
  TaubeOfflineQueue *self = g_task_get_source_object (task);
  g_autoptr(GListModel) folders = taube_store_list_folders (self->store, self->account_id, NULL);
  g_autofree char *uidl = _taube_offline_queue_draft_uidl (op->id);

  for (guint i = 0; folders != NULL && i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr(TaubeFolder) folder = g_list_model_get_item (folders, i);
      g_autoptr(TaubeMessage) stand_in = NULL;
      gint64 id;

      if (g_strcmp0 (taube_folder_get_name (folder), op->mailbox) != 0)
        continue;
      stand_in = taube_store_lookup_uidl (self->store, taube_folder_get_id (folder), uidl, NULL);
      if (stand_in == NULL)
        break;
      id = taube_message_get_id (stand_in);
      taube_store_remove_messages_async (self->store, &id, 1, NULL,
                                         taube_offline_queue_tidied_cb, task);
      return;
    }
  forget_op (task);
}

static void
taube_offline_queue_appended_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  GTask *task = user_data;
  TaubeOfflineQueue *self = g_task_get_source_object (task);
  ReplayJob *job = g_task_get_task_data (task);
  TaubeStoreQueuedOp *op = current_op (job);
  g_autoptr(GError) error = NULL;

  if (taube_imap_client_append_finish (TAUBE_IMAP_CLIENT (object), result, NULL, NULL, &error))
    {
      remove_draft_stand_in (task, op);
      return;
    }
  if (!g_error_matches (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_SERVER_NO)
      && !g_error_matches (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_SERVER_BAD))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  /* Refused (over quota, too big …): kept with its text for the next replay. */
  g_message ("The server refused draft %" G_GINT64_FORMAT ", kept for later: %s", op->id,
             error->message);
  taube_store_queue_count_attempt_async (self->store, op->id, NULL,
                                         taube_offline_queue_draft_counted_cb, task);
}

static void
append_draft (GTask              *task,
              TaubeStoreQueuedOp *op)
{
  ReplayJob *job = g_task_get_task_data (task);
  static const char *const flags[] = { "\\Draft", "\\Seen", NULL };
  g_autofree char *mailbox = taube_utf7_decode (op->mailbox, NULL);

  taube_imap_client_append_bytes_async (job->client, mailbox != NULL ? mailbox : op->mailbox,
                                        flags, NULL, op->message,
                                        g_task_get_cancellable (task),
                                        taube_offline_queue_appended_cb, task);
}

static void
replay_next (GTask *task)
{
  ReplayJob *job = g_task_get_task_data (task);
  TaubeStoreQueuedOp *op;
  g_autofree char *quoted = NULL;
  g_autofree char *command = NULL;

  if (job->next >= job->ops->len)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  op = g_ptr_array_index (job->ops, job->next++);
  if (op->kind == TAUBE_OFFLINE_OP_DRAFT)
    {
      append_draft (task, op);
      return;
    }
  quoted = _taube_imap_sync_quote_mailbox (op->mailbox);
  command = g_strdup_printf ("SELECT %s", quoted);
  taube_imap_client_command_async (job->client, command, g_task_get_cancellable (task),
                                   taube_offline_queue_select_cb, task);
}

/**
 * taube_offline_queue_replay_async:
 * @self: a #TaubeOfflineQueue
 * @client: a logged-in client of the account, used by nobody else meanwhile
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the queue is empty, or replay had to stop
 * @user_data: data for @callback
 *
 * Sends the queued ops in order. A transport error stops the replay and fails with that
 * error; the ops not sent stay queued. Leaves some mailbox selected.
 */
void
taube_offline_queue_replay_async (TaubeOfflineQueue   *self,
                                  TaubeImapClient     *client,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;
  ReplayJob *job;
  GError *error = NULL;

  g_return_if_fail (TAUBE_IS_OFFLINE_QUEUE (self));
  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (client));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_offline_queue_replay_async);
  job = g_new0 (ReplayJob, 1);
  job->client = g_object_ref (client);
  job->answered = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_task_set_task_data (task, job, (GDestroyNotify) replay_job_free);
  job->ops = taube_store_queue_list (self->store, self->account_id, &error);
  if (job->ops == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  self->length = job->ops->len;
  replay_next (task);
}

gboolean
taube_offline_queue_replay_finish (TaubeOfflineQueue  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
