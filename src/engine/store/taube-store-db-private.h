/* taube-store-db-private.h — one SQLite connection of the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

typedef struct _TaubeStoreDb TaubeStoreDb;

/* A prepared statement borrowed from a TaubeStoreDb's cache; g_autoptr resets it on scope exit
 * so a read connection never keeps a read transaction open by accident. */
typedef sqlite3_stmt TaubeStoreStmt;

TaubeStoreDb   *_taube_store_db_open           (const char      *path,
                                                gboolean         read_only,
                                                GError         **error);
void            _taube_store_db_close          (TaubeStoreDb    *db);
const char     *_taube_store_db_get_path       (TaubeStoreDb    *db);
TaubeStoreStmt *_taube_store_db_prepare        (TaubeStoreDb    *db,
                                                const char      *sql,
                                                GError         **error);
gboolean        _taube_store_db_exec           (TaubeStoreDb    *db,
                                                const char      *sql,
                                                GError         **error);
gboolean        _taube_store_db_next           (TaubeStoreDb    *db,
                                                TaubeStoreStmt  *stmt,
                                                GError         **error);
gboolean        _taube_store_db_run            (TaubeStoreDb    *db,
                                                TaubeStoreStmt  *stmt,
                                                GError         **error);
gboolean        _taube_store_db_begin          (TaubeStoreDb    *db,
                                                gboolean         durable,
                                                GError         **error);
gboolean        _taube_store_db_commit         (TaubeStoreDb    *db,
                                                GError         **error);
void            _taube_store_db_rollback       (TaubeStoreDb    *db);
gint64          _taube_store_db_last_insert_id (TaubeStoreDb    *db);
int             _taube_store_db_changes        (TaubeStoreDb    *db);
void            _taube_store_db_set_cancellable (TaubeStoreDb   *db,
                                                GCancellable    *cancellable);
void            _taube_store_db_set_error      (TaubeStoreDb    *db,
                                                int              rc,
                                                GError         **error);
void            _taube_store_stmt_reset        (TaubeStoreStmt  *stmt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeStoreDb, _taube_store_db_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeStoreStmt, _taube_store_stmt_reset)

/* Bind helpers: NULL strings and zero ids become SQL NULL where the schema says so. */
void _taube_store_stmt_bind_text     (TaubeStoreStmt *stmt,
                                      int             index,
                                      const char     *text);
void _taube_store_stmt_bind_int64    (TaubeStoreStmt *stmt,
                                      int             index,
                                      gint64          value);
void _taube_store_stmt_bind_id       (TaubeStoreStmt *stmt,
                                      int             index,
                                      gint64          id);
char *_taube_store_stmt_dup_text     (TaubeStoreStmt *stmt,
                                      int             column);

G_END_DECLS
