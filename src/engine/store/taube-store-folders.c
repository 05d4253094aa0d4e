/* taube-store-folders.c — accounts and folders
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each folder has its own Maildir at maildir/<account>/<folder>, both names escaped by
 * taube_maildir_escape_name(). The path is recorded when the folder is added, so a folder
 * renamed on the server keeps its directory.
 */
#define G_LOG_DOMAIN "taube-store"

#include "config.h"

#include "taube-maildir.h"
#include "taube-store-error.h"
#include "taube-store-private.h"

typedef struct
{
  char *account_id;
  char *name;
  char *display_name;
  TaubeFolderRole role;
} FolderJob;

typedef struct
{
  gint64 folder_id;
  guint32 uidvalidity;
  guint32 uidnext;
  guint64 highestmodseq;
} FolderStateJob;

static void
folder_job_free (FolderJob *job)
{
  g_free (job->account_id);
  g_free (job->name);
  g_free (job->display_name);
  g_free (job);
}

static char *
maildir_for (const char *account_id,
             const char *name)
{
  g_autofree char *account_dir = taube_maildir_escape_name (account_id);
  g_autofree char *folder_dir = taube_maildir_escape_name (name);

  return g_build_filename ("maildir", account_dir, folder_dir, NULL);
}

static gboolean
ensure_account (TaubeStoreDb  *db,
                const char    *account_id,
                GError       **error)
{
  TaubeStoreStmt *stmt = _taube_store_db_prepare (db,
    "INSERT OR IGNORE INTO accounts (id) VALUES (?);", error);

  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_text (stmt, 1, account_id);
  return _taube_store_db_run (db, stmt, error);
}

/* Adds the folder, or updates its display name and role if it is there already. */
static gboolean
upsert_folder (TaubeStoreDb  *db,
               FolderJob     *job,
               gint64        *folder_id,
               char         **maildir,
               GError       **error)
{
  g_autoptr(TaubeStoreStmt) stmt = NULL;
  g_autofree char *new_maildir = maildir_for (job->account_id, job->name);
  GError *local_error = NULL;

  stmt = _taube_store_db_prepare (db,
    "INSERT INTO folders (account_id, name, display_name, role, maildir) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (account_id, name) DO UPDATE "
    "SET display_name = excluded.display_name, role = excluded.role "
    "RETURNING id, maildir;", error);
  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_text (stmt, 1, job->account_id);
  _taube_store_stmt_bind_text (stmt, 2, job->name);
  _taube_store_stmt_bind_text (stmt, 3, job->display_name);
  _taube_store_stmt_bind_int64 (stmt, 4, job->role);
  _taube_store_stmt_bind_text (stmt, 5, new_maildir);
  if (!_taube_store_db_next (db, stmt, &local_error))
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  *folder_id = sqlite3_column_int64 (stmt, 0);
  *maildir = _taube_store_stmt_dup_text (stmt, 1);
  return TRUE;
}

/*
 * _taube_store_lookup_maildir:
 * @maildir: (out): the folder's Maildir, relative to the store
 *
 * Fails with %TAUBE_STORE_ERROR_NOT_FOUND if there is no such folder.
 */
gboolean
_taube_store_lookup_maildir (TaubeStoreDb  *db,
                             gint64         folder_id,
                             char         **maildir,
                             GError       **error)
{
  g_autoptr(TaubeStoreStmt) stmt = NULL;
  GError *local_error = NULL;

  stmt = _taube_store_db_prepare (db, "SELECT maildir FROM folders WHERE id = ?;", error);
  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_int64 (stmt, 1, folder_id);
  if (_taube_store_db_next (db, stmt, &local_error))
    {
      *maildir = _taube_store_stmt_dup_text (stmt, 0);
      return TRUE;
    }
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  else
    _taube_store_set_error_folder_not_found (error);
  return FALSE;
}

/* Creating is cheap when the directories exist, and brings them back if someone removed them. */
gboolean
_taube_store_ensure_maildir (TaubeStore  *self,
                             const char  *maildir,
                             GError     **error)
{
  g_autofree char *path = _taube_store_build_path (self, maildir);

  return taube_maildir_create (path, error);
}

static void
add_folder_in_writer (TaubeStore   *self,
                      TaubeStoreDb *db,
                      GTask        *task,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  FolderJob *job = task_data;
  g_autofree char *maildir = NULL;
  gint64 folder_id = 0;
  GError *error = NULL;

  if (!_taube_store_db_begin (db, FALSE, &error)
      || !ensure_account (db, job->account_id, &error)
      || !upsert_folder (db, job, &folder_id, &maildir, &error)
      || !_taube_store_ensure_maildir (self, maildir, &error)
      || !_taube_store_db_commit (db, &error))
    {
      _taube_store_db_rollback (db);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_int (task, folder_id);
}

/**
 * taube_store_add_folder_async:
 * @self: a #TaubeStore
 * @account_id: the account's id
 * @name: the folder's name as the server spells it
 * @display_name: the name to show
 * @role: what the folder is for
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the folder is stored
 * @user_data: data for @callback
 *
 * Adds a folder and its Maildir. If the account has a folder of that name already, its
 * display name and role are updated and its id returned.
 */
void
taube_store_add_folder_async (TaubeStore          *self,
                              const char          *account_id,
                              const char          *name,
                              const char          *display_name,
                              TaubeFolderRole      role,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FolderJob *job;

  g_return_if_fail (TAUBE_IS_STORE (self));
  g_return_if_fail (account_id != NULL && *account_id != '\0');
  g_return_if_fail (name != NULL);
  g_return_if_fail (display_name != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_store_add_folder_async);
  job = g_new0 (FolderJob, 1);
  job->account_id = g_strdup (account_id);
  job->name = g_strdup (name);
  job->display_name = g_strdup (display_name);
  job->role = role;
  g_task_set_task_data (task, job, (GDestroyNotify) folder_job_free);
  _taube_store_queue_write (self, task, add_folder_in_writer);
}

/**
 * taube_store_add_folder_finish:
 * @self: a #TaubeStore
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: the folder's id, or 0 on error
 */
gint64
taube_store_add_folder_finish (TaubeStore    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  gint64 id;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  id = g_task_propagate_int (G_TASK (result), error);
  /* g_task_propagate_int() says -1 for an error; ids start at 1. */
  return MAX (id, 0);
}

static gboolean
read_uidvalidity (TaubeStoreDb  *db,
                  gint64         folder_id,
                  guint32       *uidvalidity,
                  GError       **error)
{
  g_autoptr(TaubeStoreStmt) stmt = NULL;
  GError *local_error = NULL;

  stmt = _taube_store_db_prepare (db, "SELECT uidvalidity FROM folders WHERE id = ?;", error);
  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_int64 (stmt, 1, folder_id);
  if (_taube_store_db_next (db, stmt, &local_error))
    {
      *uidvalidity = (guint32) sqlite3_column_int64 (stmt, 0);
      return TRUE;
    }
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  else
    _taube_store_set_error_folder_not_found (error);
  return FALSE;
}

/* RFC 9051 §2.3.1.1: with a new UIDVALIDITY the stored UIDs name other messages, or none. */
static gboolean
forget_messages (TaubeStoreDb  *db,
                 gint64         folder_id,
                 GPtrArray     *paths,
                 GError       **error)
{
  TaubeStoreStmt *stmt;

  if (!_taube_store_collect_paths (db, "SELECT path FROM messages WHERE folder_id = ?;",
                                   folder_id, paths, error))
    return FALSE;
  stmt = _taube_store_db_prepare (db, "DELETE FROM messages WHERE folder_id = ?;", error);
  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_int64 (stmt, 1, folder_id);
  return _taube_store_db_run (db, stmt, error);
}

static gboolean
write_folder_state (TaubeStoreDb    *db,
                    FolderStateJob  *job,
                    GPtrArray       *paths,
                    GError         **error)
{
  guint32 old_uidvalidity;
  TaubeStoreStmt *stmt;

  if (!read_uidvalidity (db, job->folder_id, &old_uidvalidity, error))
    return FALSE;
  if (old_uidvalidity != 0 && old_uidvalidity != job->uidvalidity)
    {
      g_debug ("UIDVALIDITY of folder %" G_GINT64_FORMAT " changed from %u to %u",
               job->folder_id, old_uidvalidity, job->uidvalidity);
      if (!forget_messages (db, job->folder_id, paths, error))
        return FALSE;
    }
  stmt = _taube_store_db_prepare (db,
    "UPDATE folders SET uidvalidity = ?, uidnext = ?, highestmodseq = ? WHERE id = ?;", error);
  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_int64 (stmt, 1, job->uidvalidity);
  _taube_store_stmt_bind_int64 (stmt, 2, job->uidnext);
  _taube_store_stmt_bind_int64 (stmt, 3, (gint64) job->highestmodseq);
  _taube_store_stmt_bind_int64 (stmt, 4, job->folder_id);
  return _taube_store_db_run (db, stmt, error);
}

static void
set_folder_state_in_writer (TaubeStore   *self,
                            TaubeStoreDb *db,
                            GTask        *task,
                            gpointer      task_data,
                            GCancellable *cancellable)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  GError *error = NULL;

  if (!_taube_store_db_begin (db, FALSE, &error)
      || !write_folder_state (db, task_data, paths, &error)
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
 * taube_store_set_folder_state_async:
 * @self: a #TaubeStore
 * @folder_id: a folder
 * @uidvalidity: UIDVALIDITY from SELECT (RFC 9051 §7.1)
 * @uidnext: UIDNEXT
 * @highestmodseq: HIGHESTMODSEQ (RFC 7162 §3.1.2.1), or 0
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the state is stored
 * @user_data: data for @callback
 *
 * Records how far the folder is synced. If @uidvalidity differs from the stored one, the
 * stored messages of the folder belong to UIDs that no longer mean anything and are
 * removed in the same transaction.
 */
void
taube_store_set_folder_state_async (TaubeStore          *self,
                                    gint64               folder_id,
                                    guint32              uidvalidity,
                                    guint32              uidnext,
                                    guint64              highestmodseq,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FolderStateJob *job;

  g_return_if_fail (TAUBE_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_store_set_folder_state_async);
  job = g_new0 (FolderStateJob, 1);
  job->folder_id = folder_id;
  job->uidvalidity = uidvalidity;
  job->uidnext = uidnext;
  job->highestmodseq = highestmodseq;
  g_task_set_task_data (task, job, g_free);
  _taube_store_queue_write (self, task, set_folder_state_in_writer);
}

/**
 * taube_store_set_folder_state_finish:
 * @self: a #TaubeStore
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the state is stored, %FALSE with @error set otherwise.
 */
gboolean
taube_store_set_folder_state_finish (TaubeStore    *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
delete_folder (TaubeStoreDb  *db,
               gint64         folder_id,
               GError       **error)
{
  TaubeStoreStmt *stmt = _taube_store_db_prepare (db, "DELETE FROM folders WHERE id = ?;", error);

  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_int64 (stmt, 1, folder_id);
  return _taube_store_db_run (db, stmt, error);
}

/* The rows go in the transaction (messages by ON DELETE CASCADE, with their search text by
 * trigger); the Maildir after the commit. */
static void
remove_folder_in_writer (TaubeStore   *self,
                         TaubeStoreDb *db,
                         GTask        *task,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  gint64 folder_id = *(gint64 *) task_data;
  g_autofree char *maildir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) remove_error = NULL;
  GError *error = NULL;

  if (!_taube_store_db_begin (db, FALSE, &error)
      || !_taube_store_lookup_maildir (db, folder_id, &maildir, &error)
      || !delete_folder (db, folder_id, &error)
      || !_taube_store_db_commit (db, &error))
    {
      _taube_store_db_rollback (db);
      g_task_return_error (task, error);
      return;
    }
  path = _taube_store_build_path (self, maildir);
  if (!taube_maildir_remove (path, &remove_error))
    g_debug ("Could not remove %s: %s", path, remove_error->message);
  g_task_return_boolean (task, TRUE);
}

/**
 * taube_store_remove_folder_async:
 * @self: a #TaubeStore
 * @folder_id: a folder
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the folder is gone
 * @user_data: data for @callback
 *
 * Removes a folder with its messages and their files.
 */
void
taube_store_remove_folder_async (TaubeStore          *self,
                                 gint64               folder_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TAUBE_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_store_remove_folder_async);
  g_task_set_task_data (task, g_memdup2 (&folder_id, sizeof folder_id), g_free);
  _taube_store_queue_write (self, task, remove_folder_in_writer);
}

/**
 * taube_store_remove_folder_finish:
 * @self: a #TaubeStore
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the folder is gone, %FALSE with @error set otherwise.
 */
gboolean
taube_store_remove_folder_finish (TaubeStore    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * taube_store_list_folders:
 * @self: a #TaubeStore
 * @account_id: (nullable): an account, or %NULL for the folders of all accounts
 * @error: return location for a #GError
 *
 * Reads the folders with their counts, by account and name. Call it from the thread that
 * created the store.
 *
 * Returns: (transfer full): a #GListModel of #TaubeFolder, or %NULL on error
 */
GListModel *
taube_store_list_folders (TaubeStore  *self,
                          const char  *account_id,
                          GError     **error)
{
  g_autoptr(GListStore) folders = NULL;
  g_autoptr(TaubeStoreStmt) stmt = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (TAUBE_IS_STORE (self), NULL);

  stmt = _taube_store_db_prepare (self->reader,
    "SELECT " TAUBE_FOLDER_COLUMNS " FROM folders "
    "WHERE ?1 IS NULL OR account_id = ?1 ORDER BY account_id, name;", error);
  if (stmt == NULL)
    return NULL;
  _taube_store_stmt_bind_text (stmt, 1, account_id);
  folders = g_list_store_new (TAUBE_TYPE_FOLDER);
  while (_taube_store_db_next (self->reader, stmt, &local_error))
    {
      g_autoptr(TaubeFolder) folder = _taube_folder_new_from_stmt (stmt);

      g_list_store_append (folders, folder);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return G_LIST_MODEL (g_steal_pointer (&folders));
}

/**
 * taube_store_get_folder:
 * @self: a #TaubeStore
 * @folder_id: a folder
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the folder, or %NULL with %TAUBE_STORE_ERROR_NOT_FOUND
 */
TaubeFolder *
taube_store_get_folder (TaubeStore  *self,
                        gint64       folder_id,
                        GError     **error)
{
  g_autoptr(TaubeStoreStmt) stmt = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (TAUBE_IS_STORE (self), NULL);

  stmt = _taube_store_db_prepare (self->reader,
    "SELECT " TAUBE_FOLDER_COLUMNS " FROM folders WHERE id = ?;", error);
  if (stmt == NULL)
    return NULL;
  _taube_store_stmt_bind_int64 (stmt, 1, folder_id);
  if (_taube_store_db_next (self->reader, stmt, &local_error))
    return _taube_folder_new_from_stmt (stmt);
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  else
    _taube_store_set_error_folder_not_found (error);
  return NULL;
}
