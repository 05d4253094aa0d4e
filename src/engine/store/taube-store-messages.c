/* taube-store-messages.c — changing flags and removing messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "taube-store"

#include "config.h"

#include "taube-maildir.h"
#include "taube-store-error.h"
#include "taube-store-private.h"

/* The unread counters in sql/version-001.sql test bit 0 for \Seen. */
G_STATIC_ASSERT (TAUBE_MESSAGE_FLAG_SEEN == 1);

/* The messages a flag change or removal is about, and the change. */
typedef struct
{
  GArray *ids;
  TaubeMessageFlags flags;   /* set_flags: the new flags; change_flags: those to add */
  TaubeMessageFlags remove;
  GStrv keywords;
  guint64 modseq;
} MessagesJob;

static void
messages_job_free (MessagesJob *job)
{
  g_array_unref (job->ids);
  g_strfreev (job->keywords);
  g_free (job);
}

static MessagesJob *
messages_job_new (const gint64 *ids,
               guint         n_ids)
{
  MessagesJob *job = g_new0 (MessagesJob, 1);

  job->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_ids);
  g_array_append_vals (job->ids, ids, n_ids);
  return job;
}

static gboolean
ensure_keyword (TaubeStoreDb  *db,
                const char    *keyword,
                gint64        *id,
                GError       **error)
{
  g_autoptr(TaubeStoreStmt) stmt = NULL;
  GError *local_error = NULL;

  stmt = _taube_store_db_prepare (db,
    "INSERT INTO keywords (name) VALUES (?) "
    "ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id;", error);
  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_text (stmt, 1, keyword);
  if (_taube_store_db_next (db, stmt, &local_error))
    {
      *id = sqlite3_column_int64 (stmt, 0);
      return TRUE;
    }
  g_propagate_error (error, local_error);
  return FALSE;
}

/*
 * _taube_store_write_keywords:
 * @db: the writer connection, inside a transaction
 * @message_id: a message
 * @keywords: its keywords now
 * @error: return location for a #GError
 *
 * Replaces the message's keywords.
 */
gboolean
_taube_store_write_keywords (TaubeStoreDb       *db,
                            gint64              message_id,
                            const char *const  *keywords,
                            GError            **error)
{
  TaubeStoreStmt *stmt;

  stmt = _taube_store_db_prepare (db, "DELETE FROM message_keywords WHERE message_id = ?;", error);
  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_int64 (stmt, 1, message_id);
  if (!_taube_store_db_run (db, stmt, error))
    return FALSE;

  for (gsize i = 0; keywords[i] != NULL; i++)
    {
      gint64 keyword_id;

      if (!ensure_keyword (db, keywords[i], &keyword_id, error))
        return FALSE;
      stmt = _taube_store_db_prepare (db,
        "INSERT OR IGNORE INTO message_keywords (message_id, keyword_id) VALUES (?, ?);", error);
      if (stmt == NULL)
        return FALSE;
      _taube_store_stmt_bind_int64 (stmt, 1, message_id);
      _taube_store_stmt_bind_int64 (stmt, 2, keyword_id);
      if (!_taube_store_db_run (db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
set_flags (TaubeStoreDb  *db,
           MessagesJob      *job,
           GError       **error)
{
  gint64 id = g_array_index (job->ids, gint64, 0);
  TaubeStoreStmt *stmt = _taube_store_db_prepare (db,
    "UPDATE messages SET flags = ?, modseq = MAX(modseq, ?) WHERE id = ?;", error);

  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_int64 (stmt, 1, job->flags);
  _taube_store_stmt_bind_int64 (stmt, 2, (gint64) job->modseq);
  _taube_store_stmt_bind_int64 (stmt, 3, id);
  if (!_taube_store_db_run (db, stmt, error))
    return FALSE;
  if (_taube_store_db_changes (db) == 0)
    {
      _taube_store_set_error_message_not_found (error);
      return FALSE;
    }
  return job->keywords == NULL
         || _taube_store_write_keywords (db, id, (const char *const *) job->keywords, error);
}

/* A message that is gone meanwhile is no error here: the person's selection may be stale. */
static gboolean
change_flags (TaubeStoreDb  *db,
              MessagesJob      *job,
              GError       **error)
{
  for (guint i = 0; i < job->ids->len; i++)
    {
      TaubeStoreStmt *stmt = _taube_store_db_prepare (db,
        "UPDATE messages SET flags = (flags | ?1) & ~?2 WHERE id = ?3;", error);

      if (stmt == NULL)
        return FALSE;
      _taube_store_stmt_bind_int64 (stmt, 1, job->flags);
      _taube_store_stmt_bind_int64 (stmt, 2, job->remove);
      _taube_store_stmt_bind_int64 (stmt, 3, g_array_index (job->ids, gint64, i));
      if (!_taube_store_db_run (db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static void
run_flags_job (TaubeStoreDb  *db,
               GTask         *task,
               MessagesJob      *job,
               gboolean     (*func) (TaubeStoreDb *, MessagesJob *, GError **))
{
  GError *error = NULL;

  if (!_taube_store_db_begin (db, FALSE, &error)
      || !func (db, job, &error)
      || !_taube_store_db_commit (db, &error))
    {
      _taube_store_db_rollback (db);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
set_flags_in_writer (TaubeStore   *self,
                     TaubeStoreDb *db,
                     GTask        *task,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  run_flags_job (db, task, task_data, set_flags);
}

static void
change_flags_in_writer (TaubeStore   *self,
                        TaubeStoreDb *db,
                        GTask        *task,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  run_flags_job (db, task, task_data, change_flags);
}

/**
 * taube_store_set_flags_async:
 * @self: a #TaubeStore
 * @message_id: a message
 * @flags: its flags now
 * @keywords: (nullable) (array zero-terminated=1): its other keywords now; %NULL leaves
 *   them as they are
 * @modseq: the MODSEQ of the FETCH that reported them (RFC 7162 §3.1.4), or 0
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the flags are stored
 * @user_data: data for @callback
 *
 * Records flags as the server reported them. Fails with %TAUBE_STORE_ERROR_NOT_FOUND if
 * the message is not in the store.
 */
void
taube_store_set_flags_async (TaubeStore          *self,
                             gint64               message_id,
                             TaubeMessageFlags    flags,
                             const char *const   *keywords,
                             guint64              modseq,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  MessagesJob *job;

  g_return_if_fail (TAUBE_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_store_set_flags_async);
  job = messages_job_new (&message_id, 1);
  job->flags = flags;
  job->keywords = g_strdupv ((char **) keywords);
  job->modseq = modseq;
  g_task_set_task_data (task, job, (GDestroyNotify) messages_job_free);
  _taube_store_queue_write (self, task, set_flags_in_writer);
}

/**
 * taube_store_set_flags_finish:
 * @self: a #TaubeStore
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the flags are stored, %FALSE with @error set otherwise.
 */
gboolean
taube_store_set_flags_finish (TaubeStore    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * taube_store_change_flags_async:
 * @self: a #TaubeStore
 * @message_ids: (array length=n_message_ids): messages, e.g. the selection
 * @n_message_ids: how many
 * @add: flags to set
 * @remove: flags to clear
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the flags are stored
 * @user_data: data for @callback
 *
 * Sets and clears flags on several messages at once, as "mark as read" does, in one
 * transaction.
 */
void
taube_store_change_flags_async (TaubeStore          *self,
                                const gint64        *message_ids,
                                guint                n_message_ids,
                                TaubeMessageFlags    add,
                                TaubeMessageFlags    remove,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  MessagesJob *job;

  g_return_if_fail (TAUBE_IS_STORE (self));
  g_return_if_fail (message_ids != NULL || n_message_ids == 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_store_change_flags_async);
  job = messages_job_new (message_ids, n_message_ids);
  job->flags = add;
  job->remove = remove;
  g_task_set_task_data (task, job, (GDestroyNotify) messages_job_free);
  _taube_store_queue_write (self, task, change_flags_in_writer);
}

/**
 * taube_store_change_flags_finish:
 * @self: a #TaubeStore
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the flags are stored, %FALSE with @error set otherwise.
 */
gboolean
taube_store_change_flags_finish (TaubeStore    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/*
 * _taube_store_collect_paths:
 * @select_sql: a query for message paths with one parameter
 * @key: its value
 * @paths: (element-type utf8): where to add the paths
 *
 * Collects the files of messages about to be deleted, to remove them after the commit.
 */
gboolean
_taube_store_collect_paths (TaubeStoreDb  *db,
                            const char    *select_sql,
                            gint64         key,
                            GPtrArray     *paths,
                            GError       **error)
{
  g_autoptr(TaubeStoreStmt) stmt = _taube_store_db_prepare (db, select_sql, error);
  GError *local_error = NULL;

  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_int64 (stmt, 1, key);
  while (_taube_store_db_next (db, stmt, &local_error))
    if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
      g_ptr_array_add (paths, _taube_store_stmt_dup_text (stmt, 0));
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/*
 * _taube_store_remove_files:
 * @paths: (element-type utf8): message files relative to the store
 *
 * Removes message files whose rows are gone (or were never committed). Files are removed
 * only after the commit: a crash in between leaves a stray file, never a row without one.
 */
void
_taube_store_remove_files (TaubeStore *self,
                           GPtrArray  *paths)
{
  for (guint i = 0; i < paths->len; i++)
    {
      g_autofree char *file = _taube_store_build_path (self, g_ptr_array_index (paths, i));
      g_autoptr(GError) error = NULL;

      if (!taube_maildir_remove_file (file, &error))
        g_debug ("Could not remove %s: %s", file, error->message);
    }
}

static gboolean
delete_messages (TaubeStoreDb  *db,
                 GArray        *ids,
                 GPtrArray     *paths,
                 GError       **error)
{
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      TaubeStoreStmt *stmt;

      if (!_taube_store_collect_paths (db, "SELECT path FROM messages WHERE id = ?;", id, paths,
                                       error))
        return FALSE;
      stmt = _taube_store_db_prepare (db, "DELETE FROM messages WHERE id = ?;", error);
      if (stmt == NULL)
        return FALSE;
      _taube_store_stmt_bind_int64 (stmt, 1, id);
      if (!_taube_store_db_run (db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static void
remove_messages_in_writer (TaubeStore   *self,
                           TaubeStoreDb *db,
                           GTask        *task,
                           gpointer      task_data,
                           GCancellable *cancellable)
{
  MessagesJob *job = task_data;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  GError *error = NULL;

  if (!_taube_store_db_begin (db, FALSE, &error)
      || !delete_messages (db, job->ids, paths, &error)
      || !_taube_store_db_commit (db, &error))
    {
      _taube_store_db_rollback (db);
      g_task_return_error (task, error);
      return;
    }
  _taube_store_remove_files (self, paths);
  g_task_return_boolean (task, TRUE);
}

/**
 * taube_store_remove_messages_async:
 * @self: a #TaubeStore
 * @message_ids: (array length=n_message_ids): messages
 * @n_message_ids: how many
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the messages are gone
 * @user_data: data for @callback
 *
 * Removes messages from the index, the search index and the disk, e.g. after the server
 * expunged them. Ids that are not in the store are skipped.
 */
void
taube_store_remove_messages_async (TaubeStore          *self,
                                   const gint64        *message_ids,
                                   guint                n_message_ids,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TAUBE_IS_STORE (self));
  g_return_if_fail (message_ids != NULL || n_message_ids == 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_store_remove_messages_async);
  g_task_set_task_data (task, messages_job_new (message_ids, n_message_ids),
                        (GDestroyNotify) messages_job_free);
  _taube_store_queue_write (self, task, remove_messages_in_writer);
}

/**
 * taube_store_remove_messages_finish:
 * @self: a #TaubeStore
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the messages are gone, %FALSE with @error set otherwise.
 */
gboolean
taube_store_remove_messages_finish (TaubeStore    *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
