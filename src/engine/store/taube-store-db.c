/* taube-store-db.c — one SQLite connection of the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A connection is used by one thread at a time (the writer's, or the thread that owns the
 * store for reads), so it is opened without SQLite's own mutex. Statements are prepared once
 * per connection and kept, because the same dozen statements run for every message of a sync.
 */
#define G_LOG_DOMAIN "taube-store"

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "taube-store-db-private.h"
#include "taube-store-error.h"
#include "taube-store-private.h"

/* How long a statement waits for another process's lock before giving up. */
#define BUSY_TIMEOUT_MS 5000

struct _TaubeStoreDb
{
  sqlite3 *handle;
  char *path;
  /* const char *sql (static strings) -> sqlite3_stmt * */
  GHashTable *statements;
  /* Borrowed while set; see _taube_store_db_set_cancellable(). */
  GCancellable *cancellable;
  /* The open transaction runs with synchronous=FULL. */
  gboolean durable;
};

static void
set_error_from_code (GError     **error,
                     const char  *path,
                     int          rc,
                     int          system_errno,
                     const char  *detail)
{
  g_debug ("SQLite error %d (%s) on %s: %s", rc, sqlite3_errstr (rc), path, detail);

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      _taube_store_set_error_no_space (error, path);
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, TAUBE_STORE_ERROR, TAUBE_STORE_ERROR_CORRUPT,
                   /* Translators: %s is the index file, e.g. ~/.local/share/taube/index.sqlite */
                   _("The mail index “%s” is damaged. Move the file elsewhere and restart Taube "
                     "to build a new index."), path);
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, TAUBE_STORE_ERROR, TAUBE_STORE_ERROR_BUSY,
                   /* Translators: %s is the index file */
                   _("Another program is using the mail index “%s”. Quit other copies of Taube, "
                     "then try again."), path);
      break;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      /* SQLite says "disk I/O error" for a write that hit a quota or the file size limit;
       * the errno knows. */
      if (system_errno != 0)
        _taube_store_set_error_errno (error, system_errno, path);
      else
        _taube_store_set_error_io (error, path, sqlite3_errstr (rc));
      break;
    default:
      g_set_error (error, TAUBE_STORE_ERROR, TAUBE_STORE_ERROR_FAILED,
                   /* Translators: %s is a technical message from the database, in English */
                   _("The mail store failed unexpectedly (%s). Please report this problem."),
                   detail);
      break;
    }
}

static int
file_last_errno (sqlite3_file *file)
{
  int errsv = 0;

  if (file == NULL || file->pMethods == NULL
      || file->pMethods->xFileControl (file, SQLITE_FCNTL_LAST_ERRNO, &errsv) != SQLITE_OK)
    return 0;
  return errsv;
}

/* sqlite3_system_errno() reads errno when the error is reported, by which time cleanup may
 * have changed it; the database and WAL files remember the errno of their own last failure.
 * The first that says "no space" wins, because that is the one a person can do something
 * about. */
static int
io_errno (TaubeStoreDb *db)
{
  sqlite3_file *main_file = NULL;
  sqlite3_file *journal = NULL;
  int candidates[3];

  sqlite3_file_control (db->handle, "main", SQLITE_FCNTL_FILE_POINTER, &main_file);
  sqlite3_file_control (db->handle, "main", SQLITE_FCNTL_JOURNAL_POINTER, &journal);
  candidates[0] = sqlite3_system_errno (db->handle);
  candidates[1] = file_last_errno (journal);
  candidates[2] = file_last_errno (main_file);
  for (gsize i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (candidates[i] == ENOSPC || candidates[i] == EDQUOT || candidates[i] == EFBIG)
      return candidates[i];
  return candidates[0];
}

void
_taube_store_db_set_error (TaubeStoreDb  *db,
                           int            rc,
                           GError       **error)
{
  int primary = rc & 0xff;
  int system_errno = 0;

  /* Only our progress handler interrupts, when the cancellable fired. */
  if (primary == SQLITE_INTERRUPT && g_cancellable_set_error_if_cancelled (db->cancellable, error))
    return;
  /* The errno only tells something if the failure was an I/O one. */
  if (primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN)
    system_errno = io_errno (db);
  set_error_from_code (error, db->path, rc, system_errno, sqlite3_errmsg (db->handle));
}

static gboolean
apply_pragmas (TaubeStoreDb  *db,
               gboolean       read_only,
               GError       **error)
{
  /* WAL lets the list views read while the writer writes. NORMAL is enough for the index,
   * except for commits that record new message files (see _taube_store_db_begin). */
  static const char writer_pragmas[] =
    "PRAGMA journal_mode = WAL;"
    "PRAGMA synchronous = NORMAL;"
    "PRAGMA foreign_keys = ON;";

  sqlite3_busy_timeout (db->handle, BUSY_TIMEOUT_MS);
  if (read_only)
    return TRUE;
  return _taube_store_db_exec (db, writer_pragmas, error);
}

/*
 * _taube_store_db_open:
 * @path: the index file
 * @read_only: open a connection that only reads (the list views, search)
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the connection, with its pragmas set
 */
TaubeStoreDb *
_taube_store_db_open (const char  *path,
                      gboolean     read_only,
                      GError     **error)
{
  g_autoptr(TaubeStoreDb) db = g_new0 (TaubeStoreDb, 1);
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  int rc;

  flags |= read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  db->path = g_strdup (path);
  db->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) sqlite3_finalize);
  rc = sqlite3_open_v2 (path, &db->handle, flags, NULL);
  if (rc != SQLITE_OK)
    {
      _taube_store_db_set_error (db, rc, error);
      return NULL;
    }
  if (!apply_pragmas (db, read_only, error))
    return NULL;
  return g_steal_pointer (&db);
}

void
_taube_store_db_close (TaubeStoreDb *db)
{
  if (db == NULL)
    return;
  g_clear_pointer (&db->statements, g_hash_table_unref);
  /* sqlite3_close_v2 also copes with a handle whose open failed. */
  sqlite3_close_v2 (db->handle);
  g_free (db->path);
  g_free (db);
}

const char *
_taube_store_db_get_path (TaubeStoreDb *db)
{
  return db->path;
}

/*
 * _taube_store_db_prepare:
 * @db: a connection
 * @sql: a statement; a string literal, because its address is the cache key's lifetime
 * @error: return location for a #GError
 *
 * Returns: (transfer none): the statement, reset and with no bindings
 */
TaubeStoreStmt *
_taube_store_db_prepare (TaubeStoreDb  *db,
                         const char    *sql,
                         GError       **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (db->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _taube_store_db_set_error (db, rc, error);
      return NULL;
    }
  g_hash_table_insert (db->statements, (gpointer) sql, stmt);
  return stmt;
}

gboolean
_taube_store_db_exec (TaubeStoreDb  *db,
                      const char    *sql,
                      GError       **error)
{
  int rc = sqlite3_exec (db->handle, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      _taube_store_db_set_error (db, rc, error);
      return FALSE;
    }
  return TRUE;
}

/*
 * _taube_store_db_next:
 *
 * Returns: %TRUE if @stmt produced a row; %FALSE when it is done or failed (then @error is set)
 */
gboolean
_taube_store_db_next (TaubeStoreDb    *db,
                      TaubeStoreStmt  *stmt,
                      GError         **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    _taube_store_db_set_error (db, rc, error);
  return FALSE;
}

/* Runs a statement that returns no rows to the end. */
gboolean
_taube_store_db_run (TaubeStoreDb    *db,
                     TaubeStoreStmt  *stmt,
                     GError         **error)
{
  GError *local_error = NULL;

  while (_taube_store_db_next (db, stmt, &local_error))
    ;
  sqlite3_reset (stmt);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/*
 * _taube_store_db_begin:
 * @durable: %TRUE if the transaction will record a message file that exists nowhere else
 *
 * IMMEDIATE takes the write lock up front, so a transaction never fails half-way with
 * SQLITE_BUSY because a reader upgraded first.
 *
 * In WAL mode with synchronous=NORMAL a commit survives a crash of Taube but not a power cut.
 * A transaction that records new message files commits with synchronous=FULL, so that when
 * the caller hears "stored" and tells a POP3 server to delete the message, the index row is
 * as durable as the file. SQLite only lets the level change outside a transaction.
 */
gboolean
_taube_store_db_begin (TaubeStoreDb  *db,
                       gboolean       durable,
                       GError       **error)
{
  if (durable && !_taube_store_db_exec (db, "PRAGMA synchronous = FULL;", error))
    return FALSE;
  db->durable = durable;
  if (_taube_store_db_exec (db, "BEGIN IMMEDIATE;", error))
    return TRUE;
  _taube_store_db_rollback (db);
  return FALSE;
}

gboolean
_taube_store_db_commit (TaubeStoreDb  *db,
                        GError       **error)
{
  gboolean ok = _taube_store_db_exec (db, "COMMIT;", error);

  _taube_store_db_rollback (db);
  return ok;
}

/* Ends the transaction if one is still open, and goes back to synchronous=NORMAL. */
void
_taube_store_db_rollback (TaubeStoreDb *db)
{
  /* Fails only if no transaction is open any more, which is what we want anyway. */
  if (!sqlite3_get_autocommit (db->handle))
    sqlite3_exec (db->handle, "ROLLBACK;", NULL, NULL, NULL);
  if (db->durable)
    sqlite3_exec (db->handle, "PRAGMA synchronous = NORMAL;", NULL, NULL, NULL);
  db->durable = FALSE;
}

static int
progress_cb (gpointer user_data)
{
  return g_cancellable_is_cancelled (user_data);
}

/*
 * _taube_store_db_set_cancellable:
 * @cancellable: (nullable): stops long statements when it fires; %NULL to stop watching
 *
 * A statement run while @cancellable is set fails with %G_IO_ERROR_CANCELLED soon after
 * @cancellable fires. The caller keeps @cancellable alive until it unsets it.
 */
void
_taube_store_db_set_cancellable (TaubeStoreDb *db,
                                 GCancellable *cancellable)
{
  db->cancellable = cancellable;
  /* Every 1000 virtual machine instructions: microseconds, so cancelling feels immediate. */
  if (cancellable != NULL)
    sqlite3_progress_handler (db->handle, 1000, progress_cb, cancellable);
  else
    sqlite3_progress_handler (db->handle, 0, NULL, NULL);
}

gint64
_taube_store_db_last_insert_id (TaubeStoreDb *db)
{
  return sqlite3_last_insert_rowid (db->handle);
}

int
_taube_store_db_changes (TaubeStoreDb *db)
{
  return sqlite3_changes (db->handle);
}

void
_taube_store_stmt_reset (TaubeStoreStmt *stmt)
{
  if (stmt != NULL)
    sqlite3_reset (stmt);
}

void
_taube_store_stmt_bind_text (TaubeStoreStmt *stmt,
                             int             index,
                             const char     *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

void
_taube_store_stmt_bind_int64 (TaubeStoreStmt *stmt,
                              int             index,
                              gint64          value)
{
  sqlite3_bind_int64 (stmt, index, value);
}

/* Ids start at 1, so 0 stands for "none" in the C API and NULL in SQL. */
void
_taube_store_stmt_bind_id (TaubeStoreStmt *stmt,
                           int             index,
                           gint64          id)
{
  if (id == 0)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, id);
}

char *
_taube_store_stmt_dup_text (TaubeStoreStmt *stmt,
                            int             column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}
