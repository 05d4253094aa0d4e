/* taube-store-pop3.c — what a POP3 sync remembers about each UIDL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rows live in pop3_uidls (sql/version-003.sql). The sync writes a row for every UIDL
 * the server lists before it downloads anything; the triggers of version-003 mark a row
 * downloaded in the same transaction that stores its message, and deleted when the person
 * deletes the message. So the answer to "is this stored?" never depends on two commits.
 */
#define G_LOG_DOMAIN "taube-store"

#include "config.h"

#include "taube-store-pop3.h"
#include "taube-store-private.h"

typedef struct
{
  gint64 folder_id;
  GStrv uidls;
  gint64 now;
} NoteJob;

static void
note_job_free (NoteJob *job)
{
  g_strfreev (job->uidls);
  g_free (job);
}

/* A message stored with its UIDL before its pop3_uidls row existed (a profile from before
 * version-003, or mail added by other means) got no "downloaded" mark from the trigger,
 * and the row just written says "not downloaded": the sync would fetch it on every run
 * and never delete it by policy. Its row takes the message's state instead. */
static gboolean
mark_stored (TaubeStoreDb  *db,
             gint64         folder_id,
             GError       **error)
{
  TaubeStoreStmt *stmt = _taube_store_db_prepare (db,
    "UPDATE pop3_uidls SET"
    " downloaded = (SELECT MAX(m.internal_date, 1) FROM messages AS m"
    "               WHERE m.folder_id = pop3_uidls.folder_id AND m.uidl = pop3_uidls.uidl),"
    " partial = (SELECT m.path IS NULL FROM messages AS m"
    "            WHERE m.folder_id = pop3_uidls.folder_id AND m.uidl = pop3_uidls.uidl)"
    " WHERE folder_id = ? AND downloaded = 0 AND EXISTS (SELECT 1 FROM messages AS m"
    "       WHERE m.folder_id = pop3_uidls.folder_id AND m.uidl = pop3_uidls.uidl);",
    error);

  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_int64 (stmt, 1, folder_id);
  return _taube_store_db_run (db, stmt, error);
}

static gboolean
note_all (TaubeStoreDb  *db,
          NoteJob       *job,
          GError       **error)
{
  for (guint i = 0; job->uidls[i] != NULL; i++)
    {
      TaubeStoreStmt *stmt = _taube_store_db_prepare (db,
        "INSERT OR IGNORE INTO pop3_uidls (folder_id, uidl, first_seen) VALUES (?, ?, ?);",
        error);

      if (stmt == NULL)
        return FALSE;
      _taube_store_stmt_bind_int64 (stmt, 1, job->folder_id);
      _taube_store_stmt_bind_text (stmt, 2, job->uidls[i]);
      _taube_store_stmt_bind_int64 (stmt, 3, job->now);
      if (!_taube_store_db_run (db, stmt, error))
        return FALSE;
    }
  return mark_stored (db, job->folder_id, error);
}

static void
note_uidls_in_writer (TaubeStore   *self,
                      TaubeStoreDb *db,
                      GTask        *task,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  GError *error = NULL;

  if (!_taube_store_db_begin (db, FALSE, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (!note_all (db, task_data, &error)
      || g_cancellable_set_error_if_cancelled (cancellable, &error)
      || !_taube_store_db_commit (db, &error))
    {
      _taube_store_db_rollback (db);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * taube_store_pop3_note_uidls_async:
 * @self: a #TaubeStore
 * @folder_id: the POP3 account's inbox
 * @uidls: the UIDLs the server lists
 * @now: seconds since 1970, recorded as first_seen for UIDLs not seen before
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the rows are written
 * @user_data: data for @callback
 *
 * Remembers when each UIDL was first seen; UIDLs known already keep their row as it is.
 * A UIDL whose message is in the folder already counts as downloaded from then on.
 */
void
taube_store_pop3_note_uidls_async (TaubeStore          *self,
                                   gint64               folder_id,
                                   const char *const   *uidls,
                                   gint64               now,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  NoteJob *job;

  g_return_if_fail (TAUBE_IS_STORE (self));
  g_return_if_fail (uidls != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_store_pop3_note_uidls_async);
  job = g_new0 (NoteJob, 1);
  job->folder_id = folder_id;
  job->uidls = g_strdupv ((char **) uidls);
  job->now = now;
  g_task_set_task_data (task, job, (GDestroyNotify) note_job_free);
  _taube_store_queue_write (self, task, note_uidls_in_writer);
}

/**
 * taube_store_pop3_note_uidls_finish:
 * @self: a #TaubeStore
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE once the rows are committed
 */
gboolean
taube_store_pop3_note_uidls_finish (TaubeStore    *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static TaubePop3UidlState *
state_from_stmt (TaubeStoreStmt *stmt)
{
  TaubePop3UidlState *state = g_new0 (TaubePop3UidlState, 1);

  state->first_seen = sqlite3_column_int64 (stmt, 1);
  state->downloaded = sqlite3_column_int64 (stmt, 2);
  state->partial = sqlite3_column_int (stmt, 3) != 0;
  state->deleted_locally = sqlite3_column_int (stmt, 4) != 0;
  return state;
}

/**
 * taube_store_pop3_get_states:
 * @self: a #TaubeStore
 * @folder_id: the POP3 account's inbox
 * @error: return location for a #GError
 *
 * Reads what is known about every UIDL of the folder. A message stored with a UIDL but
 * without a pop3_uidls row (added by other means) counts as downloaded, so it is never
 * fetched twice either.
 *
 * Returns: (transfer full) (element-type utf8 TaubePop3UidlState): UIDL to state, or %NULL
 *   on error
 */
GHashTable *
taube_store_pop3_get_states (TaubeStore  *self,
                             gint64       folder_id,
                             GError     **error)
{
  g_autoptr(TaubeStoreStmt) stmt = NULL;
  g_autoptr(GHashTable) states = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (TAUBE_IS_STORE (self), NULL);

  stmt = _taube_store_db_prepare (self->reader,
    "SELECT uidl, first_seen, downloaded, partial, deleted_locally FROM pop3_uidls"
    " WHERE folder_id = ?1"
    " UNION ALL"
    " SELECT m.uidl, m.internal_date, m.internal_date, m.path IS NULL, 0 FROM messages AS m"
    " WHERE m.folder_id = ?1 AND m.uidl IS NOT NULL AND NOT EXISTS"
    " (SELECT 1 FROM pop3_uidls AS u WHERE u.folder_id = m.folder_id AND u.uidl = m.uidl);",
    error);
  if (stmt == NULL)
    return NULL;
  _taube_store_stmt_bind_int64 (stmt, 1, folder_id);
  states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  while (_taube_store_db_next (self->reader, stmt, &local_error))
    g_hash_table_replace (states, _taube_store_stmt_dup_text (stmt, 0), state_from_stmt (stmt));
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return g_steal_pointer (&states);
}

/**
 * taube_store_pop3_get_download_dir:
 * @self: a #TaubeStore
 * @folder_id: the POP3 account's inbox
 * @error: return location for a #GError
 *
 * The tmp/ directory of the folder's Maildir, where a download in progress belongs:
 * readers of a Maildir never look there, and it is on the same file system as the
 * folder. The Maildir is created if it is missing.
 *
 * Returns: (transfer full): an absolute path, or %NULL on error
 */
char *
taube_store_pop3_get_download_dir (TaubeStore  *self,
                                   gint64       folder_id,
                                   GError     **error)
{
  g_autofree char *maildir = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (TAUBE_IS_STORE (self), NULL);

  if (!_taube_store_lookup_maildir (self->reader, folder_id, &maildir, error)
      || !_taube_store_ensure_maildir (self, maildir, error))
    return NULL;
  path = _taube_store_build_path (self, maildir);
  return g_build_filename (path, "tmp", NULL);
}
