/* taube-store-threads.c — which conversation a new message belongs to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A simplified version of Jamie Zawinski's threading algorithm
 * (https://www.jwz.org/doc/threading.html), done incrementally as messages arrive.
 * thread_members maps every Message-ID we have seen, as a message or only as a reference,
 * to a thread: JWZ's id table, placeholders included. A new message joins the thread of
 * any of its own or referenced ids; if they are in several threads (a parent arrives after
 * replies that did not know of each other) those are merged into the oldest. So the order
 * of arrival does not matter. Not done: grouping by subject when there are no references.
 */
#define G_LOG_DOMAIN "taube-store"

#include "taube-store-private.h"

static gboolean
lookup_thread (TaubeStoreDb  *db,
               const char    *message_id,
               gint64        *thread_id,
               GError       **error)
{
  g_autoptr(TaubeStoreStmt) stmt = NULL;
  GError *local_error = NULL;

  stmt = _taube_store_db_prepare (db, "SELECT thread_id FROM thread_members WHERE message_id = ?;",
                                  error);
  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_text (stmt, 1, message_id);
  *thread_id = 0;
  if (_taube_store_db_next (db, stmt, &local_error))
    *thread_id = sqlite3_column_int64 (stmt, 0);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/* Moves everything of thread @from into thread @into and drops @from. */
static gboolean
merge_thread (TaubeStoreDb  *db,
              gint64         from,
              gint64         into,
              GError       **error)
{
  static const char *const statements[] = {
    "UPDATE messages SET thread_id = ?2 WHERE thread_id = ?1;",
    "UPDATE thread_members SET thread_id = ?2 WHERE thread_id = ?1;",
    "DELETE FROM threads WHERE id = ?1;",
  };

  g_debug ("Merging thread %" G_GINT64_FORMAT " into %" G_GINT64_FORMAT, from, into);
  for (gsize i = 0; i < G_N_ELEMENTS (statements); i++)
    {
      TaubeStoreStmt *stmt = _taube_store_db_prepare (db, statements[i], error);

      if (stmt == NULL)
        return FALSE;
      _taube_store_stmt_bind_int64 (stmt, 1, from);
      _taube_store_stmt_bind_int64 (stmt, 2, into);
      if (!_taube_store_db_run (db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
new_thread (TaubeStoreDb  *db,
            gint64        *thread_id,
            GError       **error)
{
  TaubeStoreStmt *stmt = _taube_store_db_prepare (db, "INSERT INTO threads DEFAULT VALUES;", error);

  if (stmt == NULL || !_taube_store_db_run (db, stmt, error))
    return FALSE;
  *thread_id = _taube_store_db_last_insert_id (db);
  return TRUE;
}

static gboolean
add_member (TaubeStoreDb  *db,
            const char    *message_id,
            gint64         thread_id,
            GError       **error)
{
  TaubeStoreStmt *stmt = _taube_store_db_prepare (db,
    "INSERT OR IGNORE INTO thread_members (message_id, thread_id) VALUES (?, ?);", error);

  if (stmt == NULL)
    return FALSE;
  _taube_store_stmt_bind_text (stmt, 1, message_id);
  _taube_store_stmt_bind_int64 (stmt, 2, thread_id);
  return _taube_store_db_run (db, stmt, error);
}

static GPtrArray *
collect_ids (const char        *message_id,
             const char *const *references)
{
  GPtrArray *ids = g_ptr_array_new ();

  if (message_id != NULL)
    g_ptr_array_add (ids, (gpointer) message_id);
  for (gsize i = 0; references != NULL && references[i] != NULL; i++)
    g_ptr_array_add (ids, (gpointer) references[i]);
  return ids;
}

/*
 * _taube_store_assign_thread:
 * @db: the writer connection, inside a transaction
 * @message_id: (nullable): the new message's Message-ID
 * @references: (nullable): the Message-IDs it refers to
 * @thread_id: (out): the thread the message belongs to
 * @error: return location for a #GError
 *
 * Finds or makes the new message's thread and records its ids as members of it.
 */
gboolean
_taube_store_assign_thread (TaubeStoreDb       *db,
                            const char         *message_id,
                            const char *const  *references,
                            gint64             *thread_id,
                            GError            **error)
{
  g_autoptr(GPtrArray) ids = collect_ids (message_id, references);
  gint64 target = 0;
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 thread;

      if (!lookup_thread (db, g_ptr_array_index (ids, i), &thread, error))
        return FALSE;
      if (thread != 0)
        g_array_append_val (found, thread);
      if (thread != 0 && (target == 0 || thread < target))
        target = thread;
    }

  if (target == 0 && !new_thread (db, &target, error))
    return FALSE;
  for (guint i = 0; i < found->len; i++)
    {
      gint64 thread = g_array_index (found, gint64, i);

      /* merge_thread leaves no member in @thread, so a repeat finds nothing to move. */
      if (thread != target && !merge_thread (db, thread, target, error))
        return FALSE;
    }
  for (guint i = 0; i < ids->len; i++)
    if (!add_member (db, g_ptr_array_index (ids, i), target, error))
      return FALSE;

  *thread_id = target;
  return TRUE;
}
