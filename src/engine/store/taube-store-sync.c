/* taube-store-sync.c — folder renames, UID ranges and batched updates for mail sync
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * IMAP sync compares the server with the store a window of UIDs at a time, so it never holds
 * a whole folder in memory; these reads answer one window from the messages_by_uid index.
 * The writes take a whole window too and run as one transaction on the writer thread.
 */
#define G_LOG_DOMAIN "taube-store"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "taube-store-error.h"
#include "taube-store-private.h"
#include "taube-store-sync.h"

typedef struct
{
  gint64 folder_id;
  GArray *array;       /* TaubeStoreUidState, guint32 UIDs or gint64 ids, by call */
  char *name;
  char *display_name;
  TaubeFolderRole role;
} SyncJob;

typedef gboolean (*SyncWriteFunc) (TaubeStoreDb *db,
                                   SyncJob      *job,
                                   GPtrArray    *paths,
                                   GError      **error);

static void
sync_job_free (SyncJob *job)
{
  g_clear_pointer (&job->array, g_array_unref);
  g_free (job->name);
  g_free (job->display_name);
  g_free (job);
}

/* Runs in the writer thread: the task data's write function, in one transaction. */
static void
run_sync_job (TaubeStore   *self,
              TaubeStoreDb *db,
              GTask        *task,
              gpointer      task_data,
              GCancellable *cancellable)
{
  /* Set before the task was queued, never changed after. */
  SyncWriteFunc func = (SyncWriteFunc) g_object_get_data (G_OBJECT (task), "taube-func");
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  GError *error = NULL;

  g_assert (func != NULL);
  if (!_taube_store_db_begin (db, FALSE, &error)
      || !func (db, task_data, paths, &error)
      || !_taube_store_db_commit (db, &error))
    {
      _taube_store_db_rollback (db);
      g_task_return_error (task, error);
      return;
    }
  _taube_store_remove_files (self, paths);
  g_task_return_boolean (task, TRUE);
}

static void
queue_sync_job (TaubeStore          *self,
                gpointer             source_tag,
                SyncJob             *job,
                SyncWriteFunc        func,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, (GDestroyNotify) sync_job_free);
  g_object_set_data (G_OBJECT (task), "taube-func", func);
  _taube_store_queue_write (self, task, run_sync_job);
}

static gboolean
finish_sync_job (TaubeStore    *self,
                 GAsyncResult  *result,
                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* -- Renaming a folder ------------------------------------------------------------------ */

/* The Maildir keeps its directory: its path is in the row, and moving files is no gain. */
static gboolean
rename_folder (TaubeStoreDb  *db,
               SyncJob       *job,
               GPtrArray     *paths,
               GError       **error)
{
  TaubeStoreStmt *stmt = _taube_store_db_prepare (db,
    "UPDATE folders SET name = ?, display_name = ?, role = ? WHERE id = ?;", error);

  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_text (stmt, 1, job->name);
  _taube_store_stmt_bind_text (stmt, 2, job->display_name);
  _taube_store_stmt_bind_int64 (stmt, 3, job->role);
  _taube_store_stmt_bind_int64 (stmt, 4, job->folder_id);
  if (!_taube_store_db_run (db, stmt, error))
    return FALSE;
  if (_taube_store_db_changes (db) == 0)
    {
      _taube_store_set_error_folder_not_found (error);
      return FALSE;
    }
  return TRUE;
}

/**
 * taube_store_rename_folder_async:
 * @self: a #TaubeStore
 * @folder_id: a folder
 * @name: its new name as the server spells it
 * @display_name: the name to show
 * @role: what it is for now
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the folder is renamed
 * @user_data: data for @callback
 *
 * Follows a folder renamed on the server, keeping its messages.
 */
void
taube_store_rename_folder_async (TaubeStore          *self,
                                 gint64               folder_id,
                                 const char          *name,
                                 const char          *display_name,
                                 TaubeFolderRole      role,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  SyncJob *job;

  g_return_if_fail (TAUBE_IS_STORE (self));
  g_return_if_fail (name != NULL && display_name != NULL);

  job = g_new0 (SyncJob, 1);
  job->folder_id = folder_id;
  job->name = g_strdup (name);
  job->display_name = g_strdup (display_name);
  job->role = role;
  queue_sync_job (self, taube_store_rename_folder_async, job, rename_folder, cancellable,
                  callback, user_data);
}

gboolean
taube_store_rename_folder_finish (TaubeStore    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return finish_sync_job (self, result, error);
}

/* -- Reading UID ranges ----------------------------------------------------------------- */

/**
 * taube_store_get_uid_bounds:
 * @self: a #TaubeStore
 * @folder_id: a folder
 * @min_uid: (out): the lowest UID stored, or 0
 * @max_uid: (out): the highest UID stored, or 0
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success (an empty folder gives 0 and 0)
 */
gboolean
taube_store_get_uid_bounds (TaubeStore  *self,
                            gint64       folder_id,
                            guint32     *min_uid,
                            guint32     *max_uid,
                            GError     **error)
{
  g_autoptr(TaubeStoreStmt) stmt = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (TAUBE_IS_STORE (self), FALSE);

  *min_uid = *max_uid = 0;
  stmt = _taube_store_db_prepare (self->reader,
    "SELECT MIN(uid), MAX(uid) FROM messages WHERE folder_id = ? AND uid IS NOT NULL;", error);
  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_int64 (stmt, 1, folder_id);
  if (_taube_store_db_next (self->reader, stmt, &local_error))
    {
      *min_uid = (guint32) sqlite3_column_int64 (stmt, 0);
      *max_uid = (guint32) sqlite3_column_int64 (stmt, 1);
      return TRUE;
    }
  g_propagate_error (error, local_error);
  return local_error == NULL;
}

/**
 * taube_store_list_uids:
 * @self: a #TaubeStore
 * @folder_id: a folder
 * @first_uid: the lowest UID wanted
 * @last_uid: the highest UID wanted
 * @error: return location for a #GError
 *
 * Reads the stored messages with UIDs from @first_uid to @last_uid, by UID.
 *
 * Returns: (transfer full) (element-type TaubeStoreUidState): the messages, or %NULL on error
 */
static int
compare_keywords (const void *a,
                  const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/**
 * taube_store_uid_state_clear:
 * @state: a #TaubeStoreUidState
 *
 * Frees what @state owns (its keywords); a clear function for arrays of states.
 */
void
taube_store_uid_state_clear (gpointer state)
{
  g_clear_pointer (&((TaubeStoreUidState *) state)->keywords, g_strfreev);
}

/**
 * taube_store_keywords_normalize:
 * @keywords: (transfer full) (nullable): keywords in any order
 *
 * Returns: (transfer full): the same keywords sorted, an empty list for %NULL, so two
 *   lists can be compared with g_strv_equal()
 */
GStrv
taube_store_keywords_normalize (GStrv keywords)
{
  if (keywords == NULL)
    return g_new0 (char *, 1);
  qsort (keywords, g_strv_length (keywords), sizeof (char *), compare_keywords);
  return keywords;
}

/* Whether @a and @b carry the same keywords; %NULL counts as none. */
gboolean
taube_store_uid_state_same_keywords (const TaubeStoreUidState *a,
                                     const TaubeStoreUidState *b)
{
  static const char *const none[] = { NULL };

  return g_strv_equal (a->keywords != NULL ? (const char *const *) a->keywords : none,
                       b->keywords != NULL ? (const char *const *) b->keywords : none);
}

GArray *
taube_store_list_uids (TaubeStore  *self,
                       gint64       folder_id,
                       guint32      first_uid,
                       guint32      last_uid,
                       GError     **error)
{
  g_autoptr(TaubeStoreStmt) stmt = NULL;
  g_autoptr(GArray) states = g_array_new (FALSE, FALSE, sizeof (TaubeStoreUidState));
  GError *local_error = NULL;

  g_return_val_if_fail (TAUBE_IS_STORE (self), NULL);

  g_array_set_clear_func (states, taube_store_uid_state_clear);
  /* Keywords are atoms (RFC 9051 §2.3.2), so a space separates them safely. */
  stmt = _taube_store_db_prepare (self->reader,
    "SELECT uid, flags, modseq, id, "
    "  (SELECT group_concat (k.name, ' ') FROM message_keywords mk "
    "   JOIN keywords k ON k.id = mk.keyword_id WHERE mk.message_id = messages.id) "
    "FROM messages WHERE folder_id = ? AND uid BETWEEN ? AND ? ORDER BY uid;", error);
  if (stmt == NULL)
    return NULL;
  _taube_store_stmt_bind_int64 (stmt, 1, folder_id);
  _taube_store_stmt_bind_int64 (stmt, 2, first_uid);
  _taube_store_stmt_bind_int64 (stmt, 3, last_uid);
  while (_taube_store_db_next (self->reader, stmt, &local_error))
    {
      TaubeStoreUidState state = {
        .uid = (guint32) sqlite3_column_int64 (stmt, 0),
        .flags = sqlite3_column_int64 (stmt, 1),
        .modseq = (guint64) sqlite3_column_int64 (stmt, 2),
        .id = sqlite3_column_int64 (stmt, 3),
      };
      const char *keywords = (const char *) sqlite3_column_text (stmt, 4);

      state.keywords = taube_store_keywords_normalize (
        keywords != NULL ? g_strsplit (keywords, " ", -1) : NULL);

      g_array_append_val (states, state);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return g_steal_pointer (&states);
}

/**
 * taube_store_list_ids_without_body:
 * @self: a #TaubeStore
 * @folder_id: a folder
 * @since: only messages received at or after this time (seconds since 1970), or 0
 * @limit: the most to return
 * @error: return location for a #GError
 *
 * Finds messages whose body was not downloaded yet, newest first, for a body policy.
 *
 * Returns: (transfer full) (element-type gint64): their ids, or %NULL on error
 */
GArray *
taube_store_list_ids_without_body (TaubeStore  *self,
                                   gint64       folder_id,
                                   gint64       since,
                                   guint        limit,
                                   GError     **error)
{
  g_autoptr(TaubeStoreStmt) stmt = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GError *local_error = NULL;

  g_return_val_if_fail (TAUBE_IS_STORE (self), NULL);

  stmt = _taube_store_db_prepare (self->reader,
    "SELECT id FROM messages WHERE folder_id = ? AND path IS NULL AND uid IS NOT NULL "
    "AND internal_date >= ? ORDER BY internal_date DESC LIMIT ?;", error);
  if (stmt == NULL)
    return NULL;
  _taube_store_stmt_bind_int64 (stmt, 1, folder_id);
  _taube_store_stmt_bind_int64 (stmt, 2, since);
  _taube_store_stmt_bind_int64 (stmt, 3, limit);
  while (_taube_store_db_next (self->reader, stmt, &local_error))
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return g_steal_pointer (&ids);
}

/* -- Flag changes and expunges by UID --------------------------------------------------- */

static gboolean
update_uids (TaubeStoreDb  *db,
             SyncJob       *job,
             GPtrArray     *paths,
             GError       **error)
{
  for (guint i = 0; i < job->array->len; i++)
    {
      const TaubeStoreUidState *state = &g_array_index (job->array, TaubeStoreUidState, i);
      TaubeStoreStmt *stmt = _taube_store_db_prepare (db,
        "UPDATE messages SET flags = ?, modseq = MAX(modseq, ?) "
        "WHERE folder_id = ? AND uid = ? RETURNING id;", error);
      GError *local_error = NULL;
      gint64 message_id = 0;

      if (stmt == NULL)
        return FALSE;
      _taube_store_stmt_bind_int64 (stmt, 1, state->flags);
      _taube_store_stmt_bind_int64 (stmt, 2, (gint64) state->modseq);
      _taube_store_stmt_bind_int64 (stmt, 3, job->folder_id);
      _taube_store_stmt_bind_int64 (stmt, 4, state->uid);
      while (_taube_store_db_next (db, stmt, &local_error))
        message_id = sqlite3_column_int64 (stmt, 0);
      _taube_store_stmt_reset (stmt);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      if (message_id != 0 && state->keywords != NULL
          && !_taube_store_write_keywords (db, message_id,
                                           (const char *const *) state->keywords, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * taube_store_update_uids_async:
 * @self: a #TaubeStore
 * @folder_id: a folder
 * @states: (element-type TaubeStoreUidState): flags and MODSEQ by UID, as the server reported
 *   them; UIDs not in the store are skipped (they arrive with their headers)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when they are stored
 * @user_data: data for @callback
 *
 * Records a window of flag changes in one transaction.
 */
void
taube_store_update_uids_async (TaubeStore          *self,
                               gint64               folder_id,
                               GArray              *states,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  SyncJob *job;

  g_return_if_fail (TAUBE_IS_STORE (self));
  g_return_if_fail (states != NULL);

  job = g_new0 (SyncJob, 1);
  job->folder_id = folder_id;
  job->array = g_array_ref (states);
  queue_sync_job (self, taube_store_update_uids_async, job, update_uids, cancellable,
                  callback, user_data);
}

gboolean
taube_store_update_uids_finish (TaubeStore    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return finish_sync_job (self, result, error);
}

static gboolean
remove_uids (TaubeStoreDb  *db,
             SyncJob       *job,
             GPtrArray     *paths,
             GError       **error)
{
  for (guint i = 0; i < job->array->len; i++)
    {
      guint32 uid = g_array_index (job->array, guint32, i);
      TaubeStoreStmt *stmt = _taube_store_db_prepare (db,
        "DELETE FROM messages WHERE folder_id = ? AND uid = ? RETURNING path;", error);
      GError *local_error = NULL;

      if (stmt == NULL)
        return FALSE;
      _taube_store_stmt_bind_int64 (stmt, 1, job->folder_id);
      _taube_store_stmt_bind_int64 (stmt, 2, uid);
      while (_taube_store_db_next (db, stmt, &local_error))
        if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
          g_ptr_array_add (paths, _taube_store_stmt_dup_text (stmt, 0));
      _taube_store_stmt_reset (stmt);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * taube_store_remove_uids_async:
 * @self: a #TaubeStore
 * @folder_id: a folder
 * @uids: (element-type guint32): UIDs expunged on the server; unknown ones are skipped
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when they are gone
 * @user_data: data for @callback
 *
 * Removes expunged messages with their files, in one transaction.
 */
void
taube_store_remove_uids_async (TaubeStore          *self,
                               gint64               folder_id,
                               GArray              *uids,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  SyncJob *job;

  g_return_if_fail (TAUBE_IS_STORE (self));
  g_return_if_fail (uids != NULL);

  job = g_new0 (SyncJob, 1);
  job->folder_id = folder_id;
  job->array = g_array_ref (uids);
  queue_sync_job (self, taube_store_remove_uids_async, job, remove_uids, cancellable,
                  callback, user_data);
}

gboolean
taube_store_remove_uids_finish (TaubeStore    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return finish_sync_job (self, result, error);
}

/* -- Local moves ------------------------------------------------------------------------ */

/* The count triggers watch inserts, deletes and flags only, so a move adjusts both folders'
 * counters itself. */
static gboolean
move_one (TaubeStoreDb  *db,
          gint64         id,
          gint64         folder_id,
          GError       **error)
{
  static const char *const statements[] = {
    "UPDATE folders SET total = total - 1, unread = unread - (m.flags & 1 = 0) "
    "FROM (SELECT folder_id, flags FROM messages WHERE id = ?1) AS m "
    "WHERE folders.id = m.folder_id AND m.folder_id != ?2;",
    "UPDATE folders SET total = total + 1, unread = unread + (m.flags & 1 = 0) "
    "FROM (SELECT folder_id, flags FROM messages WHERE id = ?1) AS m "
    "WHERE folders.id = ?2 AND m.folder_id != ?2;",
    "UPDATE messages SET folder_id = ?2, uid = NULL, modseq = 0 "
    "WHERE id = ?1 AND folder_id != ?2;",
  };

  for (guint i = 0; i < G_N_ELEMENTS (statements); i++)
    {
      TaubeStoreStmt *stmt = _taube_store_db_prepare (db, statements[i], error);

      if (stmt == NULL)
        return FALSE;
      _taube_store_stmt_bind_int64 (stmt, 1, id);
      _taube_store_stmt_bind_int64 (stmt, 2, folder_id);
      if (!_taube_store_db_run (db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
move_messages (TaubeStoreDb  *db,
               SyncJob       *job,
               GPtrArray     *paths,
               GError       **error)
{
  for (guint i = 0; i < job->array->len; i++)
    if (!move_one (db, g_array_index (job->array, gint64, i), job->folder_id, error))
      return FALSE;
  return TRUE;
}

/**
 * taube_store_move_messages_async:
 * @self: a #TaubeStore
 * @message_ids: (array length=n_message_ids): messages
 * @n_message_ids: how many
 * @folder_id: the folder to move them to
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when they are moved
 * @user_data: data for @callback
 *
 * Moves messages to another folder of the index at once, as the person sees it; they have
 * no UID there until the server's copy is synced. Their files stay where they are.
 */
void
taube_store_move_messages_async (TaubeStore          *self,
                                 const gint64        *message_ids,
                                 guint                n_message_ids,
                                 gint64               folder_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  SyncJob *job;

  g_return_if_fail (TAUBE_IS_STORE (self));
  g_return_if_fail (message_ids != NULL || n_message_ids == 0);

  job = g_new0 (SyncJob, 1);
  job->folder_id = folder_id;
  job->array = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_message_ids);
  g_array_append_vals (job->array, message_ids, n_message_ids);
  queue_sync_job (self, taube_store_move_messages_async, job, move_messages, cancellable,
                  callback, user_data);
}

gboolean
taube_store_move_messages_finish (TaubeStore    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return finish_sync_job (self, result, error);
}
