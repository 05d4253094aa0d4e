/* taube-store-add.c — adding messages and their bodies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A batch is one transaction. Its message files are written first (each synced, then the
 * Maildir's cur/ once for the batch), then the rows; the commit is made durable because
 * the rows point at files that may exist nowhere else. If anything fails or the call is
 * cancelled before the commit, the transaction is rolled back and the files written for it
 * are removed, so a batch is stored entirely or not at all.
 */
#define G_LOG_DOMAIN "taube-store"

#include "config.h"

#include "taube-maildir.h"
#include "taube-parsed-message.h"
#include "taube-store-error.h"
#include "taube-store-private.h"

typedef struct
{
  gint64 folder_id;
  GPtrArray *messages;
} AddJob;

typedef struct
{
  gint64 message_id;
  GBytes *raw;
} BodyJob;

/* What one batch touched on disk, to sync or to take back. */
typedef struct
{
  char *maildir;       /* the folder's Maildir, relative to the store */
  GPtrArray *written;  /* files written, relative to the store */
} Delivery;

static void
add_job_free (AddJob *job)
{
  g_ptr_array_unref (job->messages);
  g_free (job);
}

static void
body_job_free (BodyJob *job)
{
  g_bytes_unref (job->raw);
  g_free (job);
}

static void
delivery_clear (Delivery *delivery)
{
  g_clear_pointer (&delivery->maildir, g_free);
  g_clear_pointer (&delivery->written, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Delivery, delivery_clear)

static gboolean
prepare_delivery (TaubeStore    *self,
                  TaubeStoreDb  *db,
                  gint64         folder_id,
                  Delivery      *delivery,
                  GError       **error)
{
  delivery->written = g_ptr_array_new_with_free_func (g_free);
  return _taube_store_lookup_maildir (db, folder_id, &delivery->maildir, error)
         && _taube_store_ensure_maildir (self, delivery->maildir, error);
}

/* Returns: (transfer full): the new file relative to the store */
static char *
deliver (TaubeStore         *self,
         Delivery           *delivery,
         GBytes             *raw,
         TaubeMessageFlags   flags,
         GCancellable       *cancellable,
         GError            **error)
{
  g_autofree char *path = _taube_store_build_path (self, delivery->maildir);
  g_autofree char *name = taube_maildir_write (path, raw, flags, cancellable, error);
  char *relative;

  if (name == NULL)
    return NULL;
  relative = g_build_filename (delivery->maildir, name, NULL);
  g_ptr_array_add (delivery->written, g_strdup (relative));
  return relative;
}

static gboolean
finish_delivery (TaubeStore  *self,
                 Delivery    *delivery,
                 GError     **error)
{
  g_autofree char *path = NULL;

  if (delivery->written->len == 0)
    return TRUE;
  path = _taube_store_build_path (self, delivery->maildir);
  return taube_maildir_sync (path, error);
}

static gboolean
find_existing (TaubeStoreDb          *db,
               gint64                 folder_id,
               const TaubeNewMessage *input,
               gint64                *id,
               GError               **error)
{
  g_autoptr(TaubeStoreStmt) stmt = NULL;
  GError *local_error = NULL;

  *id = 0;
  if (input->uid != 0)
    {
      stmt = _taube_store_db_prepare (db,
        "SELECT id FROM messages WHERE folder_id = ? AND uid = ?;", error);
      if (stmt != NULL)
        _taube_store_stmt_bind_int64 (stmt, 2, input->uid);
    }
  else if (input->uidl != NULL)
    {
      stmt = _taube_store_db_prepare (db,
        "SELECT id FROM messages WHERE folder_id = ? AND uidl = ?;", error);
      if (stmt != NULL)
        _taube_store_stmt_bind_text (stmt, 2, input->uidl);
    }
  else
    return TRUE;
  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_int64 (stmt, 1, folder_id);
  if (_taube_store_db_next (db, stmt, &local_error))
    *id = sqlite3_column_int64 (stmt, 0);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/* An IMAP message fetched again brings the server's current flags. A POP3 message has
 * only local flags, which a second download must not reset. */
static gboolean
update_existing (TaubeStoreDb          *db,
                 gint64                 id,
                 const TaubeNewMessage *input,
                 GError               **error)
{
  TaubeStoreStmt *stmt;

  if (input->uid == 0)
    return TRUE;
  stmt = _taube_store_db_prepare (db,
    "UPDATE messages SET flags = ?, modseq = MAX(modseq, ?) WHERE id = ?;", error);
  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_int64 (stmt, 1, input->flags);
  _taube_store_stmt_bind_int64 (stmt, 2, (gint64) input->modseq);
  _taube_store_stmt_bind_int64 (stmt, 3, id);
  return _taube_store_db_run (db, stmt, error)
         && (input->keywords == NULL
             || _taube_store_write_keywords (db, id, (const char *const *) input->keywords, error));
}

static gboolean
lookup_address (TaubeStoreDb  *db,
                const char    *address,
                const char    *name,
                gint64        *id,
                GError       **error)
{
  g_autoptr(TaubeStoreStmt) stmt = NULL;
  GError *local_error = NULL;

  stmt = _taube_store_db_prepare (db,
    "SELECT id FROM addresses WHERE address = ? AND name = ?;", error);
  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_text (stmt, 1, address);
  _taube_store_stmt_bind_text (stmt, 2, name);
  *id = 0;
  if (_taube_store_db_next (db, stmt, &local_error))
    *id = sqlite3_column_int64 (stmt, 0);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/* Senders repeat, so each (address, name) is stored once. */
static gboolean
ensure_address (TaubeStoreDb  *db,
                const char    *address,
                const char    *name,
                gint64        *id,
                GError       **error)
{
  TaubeStoreStmt *stmt;

  *id = 0;
  if (address == NULL)
    return TRUE;
  if (!lookup_address (db, address, name, id, error))
    return FALSE;
  if (*id != 0)
    return TRUE;
  stmt = _taube_store_db_prepare (db, "INSERT INTO addresses (address, name) VALUES (?, ?);",
                                  error);
  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_text (stmt, 1, address);
  _taube_store_stmt_bind_text (stmt, 2, name);
  if (!_taube_store_db_run (db, stmt, error))
    return FALSE;
  *id = _taube_store_db_last_insert_id (db);
  return TRUE;
}

/* A Date header more than a day after the message arrived is a broken clock or spam that
 * wants to stay on top of the list: the arrival time is used instead, as for a missing Date. */
static gint64
list_date (gint64 header_date,
           gint64 internal_date)
{
  if (header_date <= 0 || header_date > internal_date + 24 * 60 * 60)
    return internal_date;
  return header_date;
}

static void
bind_message (TaubeStoreStmt            *stmt,
              gint64                     folder_id,
              const TaubeNewMessage     *input,
              const TaubeParsedMessage  *parsed,
              const char                *path)
{
  gint64 internal_date = input->internal_date != 0 ? input->internal_date
                                                   : g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *refs = parsed->references[0] != NULL
                          ? g_strjoinv (" ", parsed->references) : NULL;

  _taube_store_stmt_bind_int64 (stmt, 1, folder_id);
  _taube_store_stmt_bind_id (stmt, 2, input->uid);
  _taube_store_stmt_bind_int64 (stmt, 3, (gint64) input->modseq);
  _taube_store_stmt_bind_int64 (stmt, 4, input->flags);
  _taube_store_stmt_bind_int64 (stmt, 5, internal_date);
  _taube_store_stmt_bind_int64 (stmt, 6, list_date (parsed->date, internal_date));
  _taube_store_stmt_bind_int64 (stmt, 7, input->size != 0 ? input->size
                                                          : (gint64) g_bytes_get_size (input->raw));
  _taube_store_stmt_bind_int64 (stmt, 8, input->attachment_known ? input->has_attachment
                                                                  : parsed->has_attachment);
  _taube_store_stmt_bind_text (stmt, 11, parsed->recipients);
  _taube_store_stmt_bind_text (stmt, 12, parsed->subject);
  _taube_store_stmt_bind_text (stmt, 13, parsed->preview);
  _taube_store_stmt_bind_text (stmt, 14, parsed->message_id);
  _taube_store_stmt_bind_text (stmt, 15, parsed->in_reply_to);
  _taube_store_stmt_bind_text (stmt, 16, refs);
  _taube_store_stmt_bind_text (stmt, 17, path);
  _taube_store_stmt_bind_text (stmt, 18, input->uidl);
}

static gboolean
insert_text (TaubeStoreDb              *db,
             gint64                     id,
             const TaubeParsedMessage  *parsed,
             GError                   **error)
{
  TaubeStoreStmt *stmt = _taube_store_db_prepare (db,
    "INSERT INTO message_text (id, addresses, body) VALUES (?, ?, ?);", error);

  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_int64 (stmt, 1, id);
  _taube_store_stmt_bind_text (stmt, 2, parsed->addresses);
  _taube_store_stmt_bind_text (stmt, 3, parsed->body_text);
  return _taube_store_db_run (db, stmt, error);
}

static gboolean
insert_message (TaubeStoreDb              *db,
                gint64                     folder_id,
                const TaubeNewMessage     *input,
                const TaubeParsedMessage  *parsed,
                const char                *path,
                gint64                    *id,
                GError                   **error)
{
  gint64 thread_id;
  gint64 from_id;
  TaubeStoreStmt *stmt;

  if (!_taube_store_assign_thread (db, parsed->message_id,
                                   (const char *const *) parsed->references, &thread_id, error)
      || !ensure_address (db, parsed->from_address, parsed->from_name, &from_id, error))
    return FALSE;

  stmt = _taube_store_db_prepare (db,
    "INSERT INTO messages (folder_id, uid, modseq, flags, internal_date, date, size, "
    "has_attachment, thread_id, from_id, recipients, subject, preview, message_id, "
    "in_reply_to, refs, path, uidl) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18);",
    error);
  if (stmt == NULL)
    return FALSE;
  bind_message (stmt, folder_id, input, parsed, path);
  _taube_store_stmt_bind_int64 (stmt, 9, thread_id);
  _taube_store_stmt_bind_id (stmt, 10, from_id);
  if (!_taube_store_db_run (db, stmt, error))
    return FALSE;
  *id = _taube_store_db_last_insert_id (db);

  return insert_text (db, *id, parsed, error)
         && (input->keywords == NULL
             || _taube_store_write_keywords (db, *id, (const char *const *) input->keywords,
                                             error));
}

static gboolean
add_one (TaubeStore             *self,
         TaubeStoreDb           *db,
         gint64                  folder_id,
         const TaubeNewMessage  *input,
         Delivery               *delivery,
         gint64                 *id,
         GCancellable           *cancellable,
         GError                **error)
{
  g_autoptr(TaubeParsedMessage) parsed = NULL;
  g_autofree char *path = NULL;

  if (!find_existing (db, folder_id, input, id, error))
    return FALSE;
  if (*id != 0)
    return update_existing (db, *id, input, error);

  parsed = taube_parsed_message_new (input->raw);
  if (!input->headers_only)
    {
      path = deliver (self, delivery, input->raw, input->flags, cancellable, error);
      if (path == NULL)
        return FALSE;
    }
  return insert_message (db, folder_id, input, parsed, path, id, error);
}

static gboolean
add_all (TaubeStore    *self,
         TaubeStoreDb  *db,
         AddJob        *job,
         Delivery      *delivery,
         GArray        *ids,
         GCancellable  *cancellable,
         GError       **error)
{
  for (guint i = 0; i < job->messages->len; i++)
    {
      gint64 id;

      if (!add_one (self, db, job->folder_id, g_ptr_array_index (job->messages, i), delivery,
                    &id, cancellable, error))
        return FALSE;
      g_array_append_val (ids, id);
    }
  return TRUE;
}

static gboolean
has_bodies (GPtrArray *messages)
{
  for (guint i = 0; i < messages->len; i++)
    if (!((TaubeNewMessage *) g_ptr_array_index (messages, i))->headers_only)
      return TRUE;
  return FALSE;
}

/* Files first and synced, then the commit; a cancellation up to the commit stores nothing. */
static void
add_messages_in_writer (TaubeStore   *self,
                        TaubeStoreDb *db,
                        GTask        *task,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  AddJob *job = task_data;
  g_auto(Delivery) delivery = { NULL, NULL };
  g_autoptr(GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), job->messages->len);
  GError *error = NULL;

  if (!_taube_store_db_begin (db, has_bodies (job->messages), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (!prepare_delivery (self, db, job->folder_id, &delivery, &error)
      || !add_all (self, db, job, &delivery, ids, cancellable, &error)
      || !finish_delivery (self, &delivery, &error)
      || g_cancellable_set_error_if_cancelled (cancellable, &error)
      || !_taube_store_db_commit (db, &error))
    {
      _taube_store_db_rollback (db);
      _taube_store_remove_files (self, delivery.written);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&ids), (GDestroyNotify) g_array_unref);
}

/**
 * taube_store_add_messages_async:
 * @self: a #TaubeStore
 * @folder_id: the folder to add to
 * @messages: (element-type TaubeNewMessage): the messages; the store keeps a reference until
 *   it is done, so neither the array nor its messages may change meanwhile
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the messages are stored
 * @user_data: data for @callback
 *
 * Indexes @messages and, unless they are only headers, writes them into the folder's
 * Maildir. When this succeeds, every file and index row has been synced to disk. A message
 * whose UID (or, for POP3, UIDL) the folder already has is not added twice: its flags are
 * updated from an IMAP fetch and its id is returned.
 */
void
taube_store_add_messages_async (TaubeStore          *self,
                                gint64               folder_id,
                                GPtrArray           *messages,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AddJob *job;

  g_return_if_fail (TAUBE_IS_STORE (self));
  g_return_if_fail (messages != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_store_add_messages_async);
  job = g_new0 (AddJob, 1);
  job->folder_id = folder_id;
  job->messages = g_ptr_array_ref (messages);
  g_task_set_task_data (task, job, (GDestroyNotify) add_job_free);
  _taube_store_queue_write (self, task, add_messages_in_writer);
}

/**
 * taube_store_add_messages_finish:
 * @self: a #TaubeStore
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type gint64): the ids of the messages, in the order
 *   given, or %NULL if none was stored
 */
GArray *
taube_store_add_messages_finish (TaubeStore    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == taube_store_add_messages_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
add_message_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GArray) ids = NULL;
  GError *error = NULL;

  ids = taube_store_add_messages_finish (TAUBE_STORE (object), result, &error);
  if (ids == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, g_array_index (ids, gint64, 0));
}

/**
 * taube_store_add_message_async:
 * @self: a #TaubeStore
 * @folder_id: the folder to add to
 * @message: the message; the store copies what it needs
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the message is stored
 * @user_data: data for @callback
 *
 * Adds one message like taube_store_add_messages_async(). POP3 may delete the server's copy
 * once this has succeeded: the message file and its index row are then on disk.
 */
void
taube_store_add_message_async (TaubeStore          *self,
                               gint64               folder_id,
                               TaubeNewMessage     *message,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) messages = NULL;

  g_return_if_fail (TAUBE_IS_STORE (self));
  g_return_if_fail (message != NULL && message->raw != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_store_add_message_async);
  g_task_set_check_cancellable (task, FALSE);
  messages = g_ptr_array_new_with_free_func ((GDestroyNotify) taube_new_message_free);
  g_ptr_array_add (messages, taube_new_message_copy (message));
  taube_store_add_messages_async (self, folder_id, messages, cancellable, add_message_cb,
                                  g_steal_pointer (&task));
}

/**
 * taube_store_add_message_finish:
 * @self: a #TaubeStore
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: the id of the message, or 0 if it was not stored
 */
gint64
taube_store_add_message_finish (TaubeStore    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  gint64 id;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == taube_store_add_message_async,
                        0);

  id = g_task_propagate_int (G_TASK (result), error);
  /* g_task_propagate_int() says -1 for an error; ids start at 1. */
  return MAX (id, 0);
}

static gboolean
lookup_body_state (TaubeStoreDb       *db,
                   gint64              message_id,
                   gint64             *folder_id,
                   gboolean           *has_body,
                   TaubeMessageFlags  *flags,
                   GError            **error)
{
  g_autoptr(TaubeStoreStmt) stmt = NULL;
  GError *local_error = NULL;

  stmt = _taube_store_db_prepare (db,
    "SELECT folder_id, path IS NOT NULL, flags FROM messages WHERE id = ?;", error);
  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_int64 (stmt, 1, message_id);
  if (_taube_store_db_next (db, stmt, &local_error))
    {
      *folder_id = sqlite3_column_int64 (stmt, 0);
      *has_body = sqlite3_column_int (stmt, 1) != 0;
      *flags = sqlite3_column_int64 (stmt, 2);
      return TRUE;
    }
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  else
    _taube_store_set_error_message_not_found (error);
  return FALSE;
}

static gboolean
update_body (TaubeStoreDb              *db,
             gint64                     message_id,
             const TaubeParsedMessage  *parsed,
             const char                *path,
             GError                   **error)
{
  TaubeStoreStmt *stmt = _taube_store_db_prepare (db,
    "UPDATE messages SET path = ?, preview = ?, has_attachment = ? WHERE id = ?;", error);

  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_text (stmt, 1, path);
  _taube_store_stmt_bind_text (stmt, 2, parsed->preview);
  _taube_store_stmt_bind_int64 (stmt, 3, parsed->has_attachment);
  _taube_store_stmt_bind_int64 (stmt, 4, message_id);
  if (!_taube_store_db_run (db, stmt, error))
    return FALSE;

  stmt = _taube_store_db_prepare (db, "UPDATE message_text SET body = ? WHERE id = ?;", error);
  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_text (stmt, 1, parsed->body_text);
  _taube_store_stmt_bind_int64 (stmt, 2, message_id);
  return _taube_store_db_run (db, stmt, error);
}

static gboolean
store_body (TaubeStore    *self,
            TaubeStoreDb  *db,
            BodyJob       *job,
            Delivery      *delivery,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(TaubeParsedMessage) parsed = NULL;
  g_autofree char *path = NULL;
  gint64 folder_id;
  gboolean has_body;
  TaubeMessageFlags flags;

  if (!lookup_body_state (db, job->message_id, &folder_id, &has_body, &flags, error))
    return FALSE;
  if (has_body)
    return TRUE;
  if (!prepare_delivery (self, db, folder_id, delivery, error))
    return FALSE;
  parsed = taube_parsed_message_new (job->raw);
  path = deliver (self, delivery, job->raw, flags, cancellable, error);
  return path != NULL
         && finish_delivery (self, delivery, error)
         && update_body (db, job->message_id, parsed, path, error);
}

static void
set_body_in_writer (TaubeStore   *self,
                    TaubeStoreDb *db,
                    GTask        *task,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  g_auto(Delivery) delivery = { NULL, NULL };
  GError *error = NULL;

  if (!_taube_store_db_begin (db, TRUE, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (!store_body (self, db, task_data, &delivery, cancellable, &error)
      || g_cancellable_set_error_if_cancelled (cancellable, &error)
      || !_taube_store_db_commit (db, &error))
    {
      _taube_store_db_rollback (db);
      if (delivery.written != NULL)
        _taube_store_remove_files (self, delivery.written);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * taube_store_set_body_async:
 * @self: a #TaubeStore
 * @message_id: a message added with only its header
 * @raw: the whole message
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the body is stored
 * @user_data: data for @callback
 *
 * Stores the whole message for one that was indexed from its header: writes its file,
 * its preview and its text for search. Does nothing if the message has its body already.
 */
void
taube_store_set_body_async (TaubeStore          *self,
                            gint64               message_id,
                            GBytes              *raw,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  BodyJob *job;

  g_return_if_fail (TAUBE_IS_STORE (self));
  g_return_if_fail (raw != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_store_set_body_async);
  job = g_new0 (BodyJob, 1);
  job->message_id = message_id;
  job->raw = g_bytes_ref (raw);
  g_task_set_task_data (task, job, (GDestroyNotify) body_job_free);
  _taube_store_queue_write (self, task, set_body_in_writer);
}

/**
 * taube_store_set_body_finish:
 * @self: a #TaubeStore
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE once the message file and its index fields are on disk, %FALSE with @error set otherwise.
 */
gboolean
taube_store_set_body_finish (TaubeStore    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
