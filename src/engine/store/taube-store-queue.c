/* taube-store-queue.c — the persistent rows of the offline queue (sql/version-005.sql)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store only keeps the rows; what they mean and how they are replayed is
 * src/engine/sync/taube-offline-queue.c. A pushed row is committed before the push
 * finishes, so an op the person made survives a crash right after.
 */
#define G_LOG_DOMAIN "taube-store"

#include "config.h"

#include <stdlib.h>

#include "taube-store-private.h"
#include "taube-store-queue.h"

/**
 * taube_store_queued_op_new:
 *
 * Returns: (transfer full): an empty op with no UIDs
 */
TaubeStoreQueuedOp *
taube_store_queued_op_new (void)
{
  TaubeStoreQueuedOp *op = g_new0 (TaubeStoreQueuedOp, 1);

  op->uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  op->local_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  return op;
}

void
taube_store_queued_op_free (TaubeStoreQueuedOp *op)
{
  if (op == NULL)
    return;
  g_free (op->account_id);
  g_free (op->mailbox);
  g_clear_pointer (&op->uids, g_array_unref);
  g_clear_pointer (&op->local_ids, g_array_unref);
  g_free (op->target);
  g_clear_pointer (&op->message, g_bytes_unref);
  g_free (op);
}

static TaubeStoreQueuedOp *
op_copy (const TaubeStoreQueuedOp *op)
{
  TaubeStoreQueuedOp *copy = taube_store_queued_op_new ();

  copy->id = op->id;
  copy->account_id = g_strdup (op->account_id);
  copy->kind = op->kind;
  copy->mailbox = g_strdup (op->mailbox);
  copy->uidvalidity = op->uidvalidity;
  if (op->uids != NULL)
    g_array_append_vals (copy->uids, op->uids->data, op->uids->len);
  copy->target = g_strdup (op->target);
  copy->flags_add = op->flags_add;
  copy->flags_remove = op->flags_remove;
  copy->message = op->message != NULL ? g_bytes_ref (op->message) : NULL;
  if (op->local_ids != NULL)
    g_array_append_vals (copy->local_ids, op->local_ids->data, op->local_ids->len);
  copy->attempts = op->attempts;
  return copy;
}

/* UIDs (guint32) and ids (gint64) are kept as comma-separated numbers. */
static char *
numbers_to_text (GArray *numbers)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; numbers != NULL && i < numbers->len; i++)
    {
      guint64 number = g_array_get_element_size (numbers) == sizeof (guint32)
                       ? g_array_index (numbers, guint32, i)
                       : (guint64) g_array_index (numbers, gint64, i);

      g_string_append_printf (text, "%s%" G_GUINT64_FORMAT, i > 0 ? "," : "", number);
    }
  return g_string_free (text, FALSE);
}

static void
numbers_from_text (const char *text,
                   GArray     *numbers)
{
  g_auto(GStrv) parts = g_strsplit (text != NULL ? text : "", ",", -1);
  gboolean narrow = g_array_get_element_size (numbers) == sizeof (guint32);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint64 number;

      if (!g_ascii_string_to_unsigned (parts[i], 10, 1, narrow ? G_MAXUINT32 : G_MAXINT64,
                                       &number, NULL))
        continue;
      if (narrow)
        {
          guint32 value = (guint32) number;

          g_array_append_val (numbers, value);
        }
      else
        {
          gint64 value = (gint64) number;

          g_array_append_val (numbers, value);
        }
    }
}

static gboolean
insert_op (TaubeStoreDb              *db,
           const TaubeStoreQueuedOp  *op,
           gint64                    *id,
           GError                   **error)
{
  g_autofree char *uids = numbers_to_text (op->uids);
  g_autofree char *local_ids = numbers_to_text (op->local_ids);
  TaubeStoreStmt *stmt;

  stmt = _taube_store_db_prepare (db, "INSERT OR IGNORE INTO accounts (id) VALUES (?);", error);
  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_text (stmt, 1, op->account_id);
  if (!_taube_store_db_run (db, stmt, error))
    return FALSE;
  stmt = _taube_store_db_prepare (db,
    "INSERT INTO offline_ops (account_id, kind, mailbox, uidvalidity, uids, target, flags_add, "
    "flags_remove, message, local_ids, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);", error);
  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_text (stmt, 1, op->account_id);
  _taube_store_stmt_bind_int64 (stmt, 2, op->kind);
  _taube_store_stmt_bind_text (stmt, 3, op->mailbox);
  _taube_store_stmt_bind_int64 (stmt, 4, op->uidvalidity);
  _taube_store_stmt_bind_text (stmt, 5, uids);
  _taube_store_stmt_bind_text (stmt, 6, op->target);
  _taube_store_stmt_bind_int64 (stmt, 7, op->flags_add);
  _taube_store_stmt_bind_int64 (stmt, 8, op->flags_remove);
  if (op->message != NULL)
    sqlite3_bind_blob64 (stmt, 9, g_bytes_get_data (op->message, NULL),
                         g_bytes_get_size (op->message), SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 9);
  _taube_store_stmt_bind_text (stmt, 10, local_ids);
  _taube_store_stmt_bind_int64 (stmt, 11, g_get_real_time () / G_USEC_PER_SEC);
  if (!_taube_store_db_run (db, stmt, error))
    return FALSE;
  *id = _taube_store_db_last_insert_id (db);
  return TRUE;
}

/* A draft's row holds the only copy of it that is sure to last: commit it durably. */
static void
push_in_writer (TaubeStore   *self,
                TaubeStoreDb *db,
                GTask        *task,
                gpointer      task_data,
                GCancellable *cancellable)
{
  const TaubeStoreQueuedOp *op = task_data;
  gint64 id = 0;
  GError *error = NULL;

  if (!_taube_store_db_begin (db, op->message != NULL, &error)
      || !insert_op (db, op, &id, &error)
      || !_taube_store_db_commit (db, &error))
    {
      _taube_store_db_rollback (db);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_int (task, id);
}

/**
 * taube_store_queue_push_async:
 * @self: a #TaubeStore
 * @op: the op; copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the op is stored
 * @user_data: data for @callback
 *
 * Appends an op to the account's queue.
 */
void
taube_store_queue_push_async (TaubeStore                *self,
                              const TaubeStoreQueuedOp  *op,
                              GCancellable              *cancellable,
                              GAsyncReadyCallback        callback,
                              gpointer                   user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TAUBE_IS_STORE (self));
  g_return_if_fail (op != NULL && op->account_id != NULL && op->mailbox != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_store_queue_push_async);
  g_task_set_task_data (task, op_copy (op), (GDestroyNotify) taube_store_queued_op_free);
  _taube_store_queue_write (self, task, push_in_writer);
}

/**
 * taube_store_queue_push_finish:
 *
 * Returns: the op's id, or 0 on error
 */
gint64
taube_store_queue_push_finish (TaubeStore    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  gint64 id;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  /* Not in MAX(): it evaluates its arguments twice. */
  id = g_task_propagate_int (G_TASK (result), error);
  return MAX (id, 0);
}

static void
run_op_statement (TaubeStoreDb *db,
                  GTask        *task,
                  const char   *sql,
                  gint64        op_id)
{
  TaubeStoreStmt *stmt;
  GError *error = NULL;

  stmt = _taube_store_db_prepare (db, sql, &error);
  if (stmt != NULL)
    {
      _taube_store_stmt_bind_int64 (stmt, 1, op_id);
      if (_taube_store_db_run (db, stmt, &error))
        {
          g_task_return_boolean (task, TRUE);
          return;
        }
    }
  g_task_return_error (task, error);
}

static void
remove_in_writer (TaubeStore   *self,
                  TaubeStoreDb *db,
                  GTask        *task,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  run_op_statement (db, task, "DELETE FROM offline_ops WHERE id = ?;", *(gint64 *) task_data);
}

static void
count_attempt_in_writer (TaubeStore   *self,
                         TaubeStoreDb *db,
                         GTask        *task,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  run_op_statement (db, task, "UPDATE offline_ops SET attempts = attempts + 1 WHERE id = ?;",
                    *(gint64 *) task_data);
}

static void
queue_op_write (TaubeStore          *self,
                gpointer             source_tag,
                gint64               op_id,
                TaubeStoreWriteFunc  func,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, g_memdup2 (&op_id, sizeof op_id), g_free);
  _taube_store_queue_write (self, task, func);
}

/**
 * taube_store_queue_remove_async:
 * @self: a #TaubeStore
 * @op_id: an op the server has now
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the row is gone
 * @user_data: data for @callback
 */
void
taube_store_queue_remove_async (TaubeStore          *self,
                                gint64               op_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (TAUBE_IS_STORE (self));

  queue_op_write (self, taube_store_queue_remove_async, op_id, remove_in_writer, cancellable,
                  callback, user_data);
}

gboolean
taube_store_queue_remove_finish (TaubeStore    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * taube_store_queue_count_attempt_async:
 * @self: a #TaubeStore
 * @op_id: an op whose replay failed
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when it is counted
 * @user_data: data for @callback
 */
void
taube_store_queue_count_attempt_async (TaubeStore          *self,
                                       gint64               op_id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (TAUBE_IS_STORE (self));

  queue_op_write (self, taube_store_queue_count_attempt_async, op_id, count_attempt_in_writer,
                  cancellable, callback, user_data);
}

gboolean
taube_store_queue_count_attempt_finish (TaubeStore    *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static TaubeStoreQueuedOp *
op_from_stmt (TaubeStoreStmt *stmt)
{
  TaubeStoreQueuedOp *op = taube_store_queued_op_new ();

  op->id = sqlite3_column_int64 (stmt, 0);
  op->account_id = _taube_store_stmt_dup_text (stmt, 1);
  op->kind = sqlite3_column_int (stmt, 2);
  op->mailbox = _taube_store_stmt_dup_text (stmt, 3);
  op->uidvalidity = (guint32) sqlite3_column_int64 (stmt, 4);
  numbers_from_text ((const char *) sqlite3_column_text (stmt, 5), op->uids);
  op->target = _taube_store_stmt_dup_text (stmt, 6);
  op->flags_add = sqlite3_column_int (stmt, 7);
  op->flags_remove = sqlite3_column_int (stmt, 8);
  if (sqlite3_column_type (stmt, 9) == SQLITE_BLOB)
    op->message = g_bytes_new (sqlite3_column_blob (stmt, 9), sqlite3_column_bytes (stmt, 9));
  numbers_from_text ((const char *) sqlite3_column_text (stmt, 10), op->local_ids);
  op->attempts = sqlite3_column_int (stmt, 11);
  return op;
}

/**
 * taube_store_queue_list:
 * @self: a #TaubeStore
 * @account_id: an account
 * @error: return location for a #GError
 *
 * Reads the account's queue in replay order. Synchronous, like the views' reads: a queue
 * holds what one person did offline, a handful of rows.
 *
 * Returns: (transfer full) (element-type TaubeStoreQueuedOp): the ops, or %NULL on error
 */
GPtrArray *
taube_store_queue_list (TaubeStore  *self,
                        const char  *account_id,
                        GError     **error)
{
  g_autoptr(TaubeStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (TAUBE_IS_STORE (self), NULL);
  g_return_val_if_fail (account_id != NULL, NULL);

  stmt = _taube_store_db_prepare (self->reader,
    "SELECT id, account_id, kind, mailbox, uidvalidity, uids, target, flags_add, flags_remove, "
    "message, local_ids, attempts FROM offline_ops WHERE account_id = ? ORDER BY id;", error);
  if (stmt == NULL)
    return NULL;
  _taube_store_stmt_bind_text (stmt, 1, account_id);
  ops = g_ptr_array_new_with_free_func ((GDestroyNotify) taube_store_queued_op_free);
  while (_taube_store_db_next (self->reader, stmt, &local_error))
    g_ptr_array_add (ops, op_from_stmt (stmt));
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return g_steal_pointer (&ops);
}
