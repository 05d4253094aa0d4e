/* taube-store-read.c — reading the index for the views
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * These run synchronously on the store's read connection, on the thread that created the
 * store. Each is an index lookup returning at most a page of rows, well under a millisecond
 * even in a folder of 100,000 messages (bench/store-bench.c measures it), and WAL means the
 * writer never blocks them. Only reading a message file, which can be megabytes from a slow
 * disk, goes to a worker thread.
 */
#define G_LOG_DOMAIN "taube-store"

#include "config.h"

#include "taube-maildir.h"
#include "taube-store-error.h"
#include "taube-store-private.h"

/* Steps @stmt to the end, turning each row into a TaubeMessage. */
static GListModel *
collect_messages (TaubeStoreDb    *db,
                  TaubeStoreStmt  *stmt,
                  GError         **error)
{
  g_autoptr(GListStore) messages = g_list_store_new (TAUBE_TYPE_MESSAGE);
  GError *local_error = NULL;

  while (_taube_store_db_next (db, stmt, &local_error))
    {
      g_autoptr(TaubeMessage) message = _taube_message_new_from_stmt (stmt);

      g_list_store_append (messages, message);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return G_LIST_MODEL (g_steal_pointer (&messages));
}

/* Returns the first row of @stmt, NULL without setting @error if there is none. */
static TaubeMessage *
first_message (TaubeStoreDb    *db,
               TaubeStoreStmt  *stmt,
               GError         **error)
{
  GError *local_error = NULL;

  if (_taube_store_db_next (db, stmt, &local_error))
    return _taube_message_new_from_stmt (stmt);
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return NULL;
}

/**
 * taube_store_list_messages:
 * @self: a #TaubeStore
 * @folder_id: a folder
 * @offset: how many messages to skip
 * @limit: the most to return, e.g. a page of 50
 * @error: return location for a #GError
 *
 * Reads a page of a folder's message list, newest first (messages with the same date in the
 * order they were added). The page's ids come from the messages_by_date index alone, so a
 * large @offset skips index entries, not rows.
 *
 * Returns: (transfer full): a #GListModel of #TaubeMessage, or %NULL on error
 */
GListModel *
taube_store_list_messages (TaubeStore  *self,
                           gint64       folder_id,
                           guint        offset,
                           guint        limit,
                           GError     **error)
{
  g_autoptr(TaubeStoreStmt) stmt = NULL;

  g_return_val_if_fail (TAUBE_IS_STORE (self), NULL);

  stmt = _taube_store_db_prepare (self->reader,
    "WITH page (id) AS ("
    "  SELECT id FROM messages WHERE folder_id = ?1"
    "  ORDER BY date DESC, id ASC LIMIT ?2 OFFSET ?3) "
    "SELECT " TAUBE_MESSAGE_COLUMNS " FROM page "
    "JOIN messages AS m ON m.id = page.id LEFT JOIN addresses AS a ON a.id = m.from_id "
    "ORDER BY m.date DESC, m.id ASC;", error);
  if (stmt == NULL)
    return NULL;
  _taube_store_stmt_bind_int64 (stmt, 1, folder_id);
  _taube_store_stmt_bind_int64 (stmt, 2, limit);
  _taube_store_stmt_bind_int64 (stmt, 3, offset);
  return collect_messages (self->reader, stmt, error);
}

/**
 * taube_store_get_message:
 * @self: a #TaubeStore
 * @message_id: a message
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the message, or %NULL with %TAUBE_STORE_ERROR_NOT_FOUND
 */
TaubeMessage *
taube_store_get_message (TaubeStore  *self,
                         gint64       message_id,
                         GError     **error)
{
  g_autoptr(TaubeStoreStmt) stmt = NULL;
  GError *local_error = NULL;
  TaubeMessage *message;

  g_return_val_if_fail (TAUBE_IS_STORE (self), NULL);

  stmt = _taube_store_db_prepare (self->reader,
    "SELECT " TAUBE_MESSAGE_COLUMNS " FROM " TAUBE_MESSAGE_TABLES " WHERE m.id = ?;", error);
  if (stmt == NULL)
    return NULL;
  _taube_store_stmt_bind_int64 (stmt, 1, message_id);
  message = first_message (self->reader, stmt, &local_error);
  if (message == NULL && local_error == NULL)
    _taube_store_set_error_message_not_found (&local_error);
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return message;
}

/**
 * taube_store_lookup_uid:
 * @self: a #TaubeStore
 * @folder_id: a folder
 * @uid: an IMAP UID
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the message, or %NULL if the folder has none with
 *   @uid (@error is then not set)
 */
TaubeMessage *
taube_store_lookup_uid (TaubeStore  *self,
                        gint64       folder_id,
                        guint32      uid,
                        GError     **error)
{
  g_autoptr(TaubeStoreStmt) stmt = NULL;

  g_return_val_if_fail (TAUBE_IS_STORE (self), NULL);

  stmt = _taube_store_db_prepare (self->reader,
    "SELECT " TAUBE_MESSAGE_COLUMNS " FROM " TAUBE_MESSAGE_TABLES
    " WHERE m.folder_id = ? AND m.uid = ?;", error);
  if (stmt == NULL)
    return NULL;
  _taube_store_stmt_bind_int64 (stmt, 1, folder_id);
  _taube_store_stmt_bind_int64 (stmt, 2, uid);
  return first_message (self->reader, stmt, error);
}

/**
 * taube_store_lookup_uidl:
 * @self: a #TaubeStore
 * @folder_id: a folder
 * @uidl: a POP3 unique id (RFC 1939 §7)
 * @error: return location for a #GError
 *
 * Tells a POP3 sync whether it downloaded a message before.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL if the folder has none with
 *   @uidl (@error is then not set)
 */
TaubeMessage *
taube_store_lookup_uidl (TaubeStore  *self,
                         gint64       folder_id,
                         const char  *uidl,
                         GError     **error)
{
  g_autoptr(TaubeStoreStmt) stmt = NULL;

  g_return_val_if_fail (TAUBE_IS_STORE (self), NULL);
  g_return_val_if_fail (uidl != NULL, NULL);

  stmt = _taube_store_db_prepare (self->reader,
    "SELECT " TAUBE_MESSAGE_COLUMNS " FROM " TAUBE_MESSAGE_TABLES
    " WHERE m.folder_id = ? AND m.uidl = ?;", error);
  if (stmt == NULL)
    return NULL;
  _taube_store_stmt_bind_int64 (stmt, 1, folder_id);
  _taube_store_stmt_bind_text (stmt, 2, uidl);
  return first_message (self->reader, stmt, error);
}

/**
 * taube_store_lookup_message_id:
 * @self: a #TaubeStore
 * @message_id: a Message-ID without angle brackets
 * @error: return location for a #GError
 *
 * Finds the copies of a message, e.g. in the inbox and in an archive.
 *
 * Returns: (transfer full): a #GListModel of #TaubeMessage, possibly empty, or %NULL on error
 */
GListModel *
taube_store_lookup_message_id (TaubeStore  *self,
                               const char  *message_id,
                               GError     **error)
{
  g_autoptr(TaubeStoreStmt) stmt = NULL;

  g_return_val_if_fail (TAUBE_IS_STORE (self), NULL);
  g_return_val_if_fail (message_id != NULL, NULL);

  stmt = _taube_store_db_prepare (self->reader,
    "SELECT " TAUBE_MESSAGE_COLUMNS " FROM " TAUBE_MESSAGE_TABLES
    " WHERE m.message_id = ? ORDER BY m.id;", error);
  if (stmt == NULL)
    return NULL;
  _taube_store_stmt_bind_text (stmt, 1, message_id);
  return collect_messages (self->reader, stmt, error);
}

/**
 * taube_store_list_thread:
 * @self: a #TaubeStore
 * @thread_id: a conversation, from taube_message_get_thread_id()
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the conversation's messages in all folders, oldest first, or
 *   %NULL on error
 */
GListModel *
taube_store_list_thread (TaubeStore  *self,
                         gint64       thread_id,
                         GError     **error)
{
  g_autoptr(TaubeStoreStmt) stmt = NULL;

  g_return_val_if_fail (TAUBE_IS_STORE (self), NULL);

  stmt = _taube_store_db_prepare (self->reader,
    "SELECT " TAUBE_MESSAGE_COLUMNS " FROM " TAUBE_MESSAGE_TABLES
    " WHERE m.thread_id = ? ORDER BY m.date, m.id;", error);
  if (stmt == NULL)
    return NULL;
  _taube_store_stmt_bind_int64 (stmt, 1, thread_id);
  return collect_messages (self->reader, stmt, error);
}

/**
 * taube_store_get_keywords:
 * @self: a #TaubeStore
 * @message_id: a message
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the message's keywords that have no #TaubeMessageFlags bit,
 *   sorted, or %NULL on error
 */
GStrv
taube_store_get_keywords (TaubeStore  *self,
                          gint64       message_id,
                          GError     **error)
{
  g_autoptr(TaubeStoreStmt) stmt = NULL;
  g_autoptr(GStrvBuilder) keywords = g_strv_builder_new ();
  GError *local_error = NULL;

  g_return_val_if_fail (TAUBE_IS_STORE (self), NULL);

  stmt = _taube_store_db_prepare (self->reader,
    "SELECT k.name FROM message_keywords AS mk JOIN keywords AS k ON k.id = mk.keyword_id "
    "WHERE mk.message_id = ? ORDER BY k.name;", error);
  if (stmt == NULL)
    return NULL;
  _taube_store_stmt_bind_int64 (stmt, 1, message_id);
  while (_taube_store_db_next (self->reader, stmt, &local_error))
    g_strv_builder_add (keywords, (const char *) sqlite3_column_text (stmt, 0));
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return g_strv_builder_end (keywords);
}

static void
read_message_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  GError *error = NULL;
  GBytes *bytes = taube_maildir_read (task_data, cancellable, &error);

  if (bytes == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
}

/**
 * taube_store_read_message_async:
 * @self: a #TaubeStore
 * @message_id: a message whose body is stored (taube_message_get_has_body())
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the message
 * @user_data: data for @callback
 *
 * Reads the whole message from its file. Fails with %TAUBE_STORE_ERROR_NOT_FOUND if the
 * message is gone, was never downloaded, or its file is missing.
 */
void
taube_store_read_message_async (TaubeStore          *self,
                                gint64               message_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(TaubeMessage) message = NULL;
  GError *error = NULL;

  g_return_if_fail (TAUBE_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_store_read_message_async);
  message = taube_store_get_message (self, message_id, &error);
  if (message != NULL && _taube_message_get_path (message) == NULL)
    _taube_store_set_error_not_downloaded (&error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, _taube_store_build_path (self, _taube_message_get_path (message)),
                        g_free);
  g_task_run_in_thread (task, read_message_thread);
}

/**
 * taube_store_read_message_finish:
 * @self: a #TaubeStore
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the message as it was fetched, or %NULL on error
 */
GBytes *
taube_store_read_message_finish (TaubeStore    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
