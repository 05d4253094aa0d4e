/* taube-store-outbox.c — the outbox table: queued messages and their state
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every call is one statement on the writer thread. Adding commits with synchronous=FULL:
 * when the person is told "queued", the message survives a power cut. The conditions in the
 * UPDATE and DELETE statements are what keeps two processes (the app and taube-cli) from
 * sending one message twice: a claim succeeds for only one of them, and undo succeeds only
 * while nobody has claimed the message.
 */
#define G_LOG_DOMAIN "taube-store"

#include "config.h"

#include "taube-store-outbox.h"
#include "taube-store-private.h"

#define MAX_PARAMS 6

typedef enum
{
  PARAM_NULL,
  PARAM_INT,
  PARAM_TEXT,
  PARAM_BLOB,
} ParamKind;

typedef struct
{
  ParamKind kind;
  gint64 number;
  char *text;
  GBytes *blob;
} Param;

typedef enum
{
  RESULT_CHANGES,
  RESULT_INSERT_ID,
  RESULT_ROWS,
} ResultKind;

typedef struct
{
  const char *sql;   /* static */
  Param params[MAX_PARAMS];
  guint n_params;
  gboolean durable;
  ResultKind result;
} OutboxJob;

static void
outbox_job_free (OutboxJob *job)
{
  for (guint i = 0; i < job->n_params; i++)
    {
      g_free (job->params[i].text);
      g_clear_pointer (&job->params[i].blob, g_bytes_unref);
    }
  g_free (job);
}

static OutboxJob *
outbox_job_new (const char *sql,
                ResultKind  result)
{
  OutboxJob *job = g_new0 (OutboxJob, 1);

  job->sql = sql;
  job->result = result;
  return job;
}

static Param *
add_param (OutboxJob *job)
{
  g_assert (job->n_params < MAX_PARAMS);
  return &job->params[job->n_params++];
}

static void
add_int (OutboxJob *job,
         gint64     number)
{
  Param *param = add_param (job);

  param->kind = PARAM_INT;
  param->number = number;
}

static void
add_text (OutboxJob  *job,
          const char *text)
{
  Param *param = add_param (job);

  param->kind = text != NULL ? PARAM_TEXT : PARAM_NULL;
  param->text = g_strdup (text);
}

static void
add_blob (OutboxJob *job,
          GBytes    *blob)
{
  Param *param = add_param (job);

  param->kind = PARAM_BLOB;
  param->blob = g_bytes_ref (blob);
}

void
taube_outbox_entry_free (TaubeOutboxEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->account_id);
  g_clear_pointer (&entry->raw, g_bytes_unref);
  g_free (entry->subject);
  g_free (entry->error);
  g_free (entry);
}

static void
bind_params (TaubeStoreStmt *stmt,
             OutboxJob      *job)
{
  for (guint i = 0; i < job->n_params; i++)
    {
      Param *param = &job->params[i];
      int index = (int) i + 1;

      switch (param->kind)
        {
        case PARAM_NULL:
          sqlite3_bind_null (stmt, index);
          break;
        case PARAM_INT:
          _taube_store_stmt_bind_int64 (stmt, index, param->number);
          break;
        case PARAM_TEXT:
          _taube_store_stmt_bind_text (stmt, index, param->text);
          break;
        case PARAM_BLOB:
          sqlite3_bind_blob64 (stmt, index, g_bytes_get_data (param->blob, NULL),
                               g_bytes_get_size (param->blob), SQLITE_STATIC);
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

static TaubeOutboxEntry *
entry_from_stmt (TaubeStoreStmt *stmt)
{
  TaubeOutboxEntry *entry = g_new0 (TaubeOutboxEntry, 1);

  entry->id = sqlite3_column_int64 (stmt, 0);
  entry->account_id = _taube_store_stmt_dup_text (stmt, 1);
  entry->raw = g_bytes_new (sqlite3_column_blob (stmt, 2), (gsize) sqlite3_column_bytes (stmt, 2));
  entry->subject = _taube_store_stmt_dup_text (stmt, 3);
  entry->queued_at = sqlite3_column_int64 (stmt, 4);
  entry->send_after = sqlite3_column_int64 (stmt, 5);
  entry->state = sqlite3_column_int (stmt, 6);
  entry->attempts = (guint) sqlite3_column_int (stmt, 7);
  entry->error = _taube_store_stmt_dup_text (stmt, 8);
  entry->claim_pid = sqlite3_column_int64 (stmt, 9);
  entry->claimed_at = sqlite3_column_int64 (stmt, 10);
  return entry;
}

static GPtrArray *
collect_rows (TaubeStoreDb    *db,
              TaubeStoreStmt  *stmt,
              GError         **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) taube_outbox_entry_free);
  GError *local_error = NULL;

  while (_taube_store_db_next (db, stmt, &local_error))
    g_ptr_array_add (rows, entry_from_stmt (stmt));
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

static void
run_rows (TaubeStoreDb   *db,
          TaubeStoreStmt *stmt,
          GTask          *task)
{
  GError *error = NULL;
  GPtrArray *rows = collect_rows (db, stmt, &error);

  _taube_store_stmt_reset (stmt);
  if (rows == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, rows, (GDestroyNotify) g_ptr_array_unref);
}

static void
run_in_writer (TaubeStore   *self,
               TaubeStoreDb *db,
               GTask        *task,
               gpointer      task_data,
               GCancellable *cancellable)
{
  OutboxJob *job = task_data;
  GError *error = NULL;
  TaubeStoreStmt *stmt;
  gint64 value;

  if (job->result == RESULT_ROWS)
    {
      stmt = _taube_store_db_prepare (db, job->sql, &error);
      if (stmt == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      bind_params (stmt, job);
      run_rows (db, stmt, task);
      return;
    }
  if (!_taube_store_db_begin (db, job->durable, &error)
      || (stmt = _taube_store_db_prepare (db, job->sql, &error)) == NULL)
    goto fail;
  bind_params (stmt, job);
  if (!_taube_store_db_run (db, stmt, &error))
    goto fail;
  value = job->result == RESULT_INSERT_ID ? _taube_store_db_last_insert_id (db)
                                          : _taube_store_db_changes (db);
  if (!_taube_store_db_commit (db, &error))
    goto fail;
  g_task_return_int (task, value);
  return;

fail:
  _taube_store_db_rollback (db);
  g_task_return_error (task, error);
}

static void
queue_job (TaubeStore          *self,
           OutboxJob           *job,
           gpointer             source_tag,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, (GDestroyNotify) outbox_job_free);
  _taube_store_queue_write (self, task, run_in_writer);
}

/**
 * taube_store_outbox_add_async:
 * @self: a #TaubeStore
 * @account_id: the account that sends it
 * @raw: the message
 * @subject: its subject, for lists
 * @send_after: when it may leave (ms since 1970): the end of the undo window
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the row is durable
 * @user_data: data for @callback
 *
 * Queues a message. taube_store_outbox_add_finish() returns the row's id.
 */
void
taube_store_outbox_add_async (TaubeStore          *self,
                              const char          *account_id,
                              GBytes              *raw,
                              const char          *subject,
                              gint64               send_after,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  OutboxJob *job = outbox_job_new (
    "INSERT INTO outbox (account_id, raw, subject, queued_at, send_after) "
    "VALUES (?, ?, ?, ?, ?);", RESULT_INSERT_ID);

  g_return_if_fail (TAUBE_IS_STORE (self));
  job->durable = TRUE;
  add_text (job, account_id);
  add_blob (job, raw);
  add_text (job, subject != NULL ? subject : "");
  add_int (job, g_get_real_time () / 1000);
  add_int (job, send_after);
  queue_job (self, job, taube_store_outbox_add_async, cancellable, callback, user_data);
}

gint64
taube_store_outbox_add_finish (TaubeStore    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  return g_task_propagate_int (G_TASK (result), error);
}

/**
 * taube_store_outbox_list_async:
 * @self: a #TaubeStore
 * @id: one row, or 0 for all of them
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the rows
 * @user_data: data for @callback
 *
 * Reads the outbox in the order messages were queued. On the writer thread, since the
 * outbox is small and read rarely.
 */
void
taube_store_outbox_list_async (TaubeStore          *self,
                               gint64               id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  OutboxJob *job = outbox_job_new (
    "SELECT id, account_id, raw, subject, queued_at, send_after, state, attempts, error, "
    "ifnull(claim_pid, 0), ifnull(claimed_at, 0) FROM outbox WHERE ?1 = 0 OR id = ?1 "
    "ORDER BY id;", RESULT_ROWS);

  g_return_if_fail (TAUBE_IS_STORE (self));
  add_int (job, id);
  queue_job (self, job, taube_store_outbox_list_async, cancellable, callback, user_data);
}

/**
 * taube_store_outbox_list_finish:
 *
 * Returns: (transfer container) (element-type TaubeOutboxEntry): the rows, or %NULL on error
 */
GPtrArray *
taube_store_outbox_list_finish (TaubeStore    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * taube_store_outbox_claim_async:
 * @self: a #TaubeStore
 * @id: a row
 * @pid: the claiming process
 * @now: ms since 1970
 * @stale_before: a claim older than this (ms since 1970) may be taken over
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done; taube_store_outbox_change_finish() says if it is ours
 * @user_data: data for @callback
 *
 * Marks a queued message as being sent by @pid, if it is due and nobody else sends it; or a
 * sent one (state 3) as having its copy saved by @pid. A claim older than @stale_before is
 * taken over.
 */
void
taube_store_outbox_claim_async (TaubeStore          *self,
                                gint64               id,
                                gint64               pid,
                                gint64               now,
                                gint64               stale_before,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  OutboxJob *job = outbox_job_new (
    "UPDATE outbox SET state = CASE WHEN state = 3 THEN 3 ELSE 1 END, claim_pid = ?2, "
    "claimed_at = ?3 WHERE id = ?1 AND "
    "((state IN (0, 3) AND claim_pid IS NULL AND send_after <= ?3) "
    "OR (state IN (1, 3) AND claim_pid IS NOT NULL AND claimed_at < ?4));", RESULT_CHANGES);

  g_return_if_fail (TAUBE_IS_STORE (self));
  add_int (job, id);
  add_int (job, pid);
  add_int (job, now);
  add_int (job, stale_before);
  queue_job (self, job, taube_store_outbox_claim_async, cancellable, callback, user_data);
}

/**
 * taube_store_outbox_release_async:
 * @self: a #TaubeStore
 * @id: a row
 * @pid: the process whose claim ends (one that no longer runs)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Puts a message that @pid was sending back in the queue (a sent one stays sent).
 */
void
taube_store_outbox_release_async (TaubeStore          *self,
                                  gint64               id,
                                  gint64               pid,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  OutboxJob *job = outbox_job_new (
    "UPDATE outbox SET state = CASE WHEN state = 1 THEN 0 ELSE state END, claim_pid = NULL, "
    "claimed_at = NULL WHERE id = ? AND claim_pid = ?;", RESULT_CHANGES);

  g_return_if_fail (TAUBE_IS_STORE (self));
  add_int (job, id);
  add_int (job, pid);
  queue_job (self, job, taube_store_outbox_release_async, cancellable, callback, user_data);
}

/**
 * taube_store_outbox_update_async:
 * @self: a #TaubeStore
 * @id: a row
 * @state: its new TaubeOutboxState (3 for sent, copy not saved yet)
 * @send_after: when to try next (ms since 1970)
 * @attempts: how many attempts failed so far
 * @error_text: (nullable): the last error, for the person
 * @keep_claim: the claiming process goes on with the message (sent, now saving the copy);
 *   otherwise any state but "sending" ends the claim
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 */
void
taube_store_outbox_update_async (TaubeStore          *self,
                                 gint64               id,
                                 int                  state,
                                 gint64               send_after,
                                 guint                attempts,
                                 const char          *error_text,
                                 gboolean             keep_claim,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  OutboxJob *job = outbox_job_new (
    "UPDATE outbox SET state = ?2, send_after = ?3, attempts = ?4, error = ?5, "
    "claim_pid = CASE WHEN ?2 = 1 OR ?6 THEN claim_pid END, "
    "claimed_at = CASE WHEN ?2 = 1 OR ?6 THEN claimed_at END WHERE id = ?1;", RESULT_CHANGES);

  g_return_if_fail (TAUBE_IS_STORE (self));
  add_int (job, id);
  add_int (job, state);
  add_int (job, send_after);
  add_int (job, attempts);
  add_text (job, error_text);
  add_int (job, keep_claim);
  queue_job (self, job, taube_store_outbox_update_async, cancellable, callback, user_data);
}

/**
 * taube_store_outbox_requeue_async:
 * @self: a #TaubeStore
 * @id: a failed message
 * @send_after: when to try it (ms since 1970)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done; taube_store_outbox_change_finish() says if it was failed
 * @user_data: data for @callback
 *
 * Queues a failed message again, with a fresh count of attempts.
 */
void
taube_store_outbox_requeue_async (TaubeStore          *self,
                                  gint64               id,
                                  gint64               send_after,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  OutboxJob *job = outbox_job_new (
    "UPDATE outbox SET state = 0, send_after = ?, attempts = 0, error = NULL "
    "WHERE id = ? AND state = 2;", RESULT_CHANGES);

  g_return_if_fail (TAUBE_IS_STORE (self));
  add_int (job, send_after);
  add_int (job, id);
  queue_job (self, job, taube_store_outbox_requeue_async, cancellable, callback, user_data);
}

/**
 * taube_store_outbox_due_now_async:
 * @self: a #TaubeStore
 * @now: ms since 1970
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done; taube_store_outbox_change_finish() says if any row changed
 * @user_data: data for @callback
 *
 * Makes every queued message nobody is sending due at @now, also those waiting for a retry:
 * the person asked to send now.
 */
void
taube_store_outbox_due_now_async (TaubeStore          *self,
                                  gint64               now,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  OutboxJob *job = outbox_job_new (
    "UPDATE outbox SET send_after = ?1 WHERE state IN (0, 3) AND claim_pid IS NULL "
    "AND send_after > ?1;", RESULT_CHANGES);

  g_return_if_fail (TAUBE_IS_STORE (self));
  add_int (job, now);
  queue_job (self, job, taube_store_outbox_due_now_async, cancellable, callback, user_data);
}

/**
 * taube_store_outbox_remove_async:
 * @self: a #TaubeStore
 * @id: a row
 * @only_unclaimed: remove it only if nobody is sending it and it was not sent (undo);
 *   %FALSE once it is sent and saved
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done; taube_store_outbox_change_finish() says if it was removed
 * @user_data: data for @callback
 */
void
taube_store_outbox_remove_async (TaubeStore          *self,
                                 gint64               id,
                                 gboolean             only_unclaimed,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  OutboxJob *job = outbox_job_new (
    "DELETE FROM outbox WHERE id = ? AND (? = 0 OR state IN (0, 2));", RESULT_CHANGES);

  g_return_if_fail (TAUBE_IS_STORE (self));
  add_int (job, id);
  add_int (job, only_unclaimed);
  queue_job (self, job, taube_store_outbox_remove_async, cancellable, callback, user_data);
}

gboolean
taube_store_outbox_change_finish (TaubeStore    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gssize changes;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  changes = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return changes > 0;
}
