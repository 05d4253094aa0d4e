/* taube-store-search.c — full-text search
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What people type is never handed to FTS5 as query syntax: every word and every "quoted
 * phrase" becomes an FTS5 string, so quotes, asterisks, colons, AND/OR/NEAR and brackets
 * cannot make a syntax error or change the meaning. The one thing kept is a "*" at the end
 * of a word, which asks for words starting with it, as people expect from search fields.
 *
 * The FTS5 match runs as a sub-query producing ids; the outer query orders those messages
 * by date through the messages table. A MATCH inside a join would let the planner drive the
 * join from the wrong side.
 *
 * Searches run in a worker thread on a connection of their own: a search for a common word
 * in 100,000 messages takes milliseconds, not microseconds, and must not hold up the UI.
 */
#define G_LOG_DOMAIN "taube-store"

#include "config.h"

#include <string.h>

#include "taube-store-error.h"
#include "taube-store-private.h"

typedef struct
{
  char *index;
  char *match;
  gint64 folder_id;
  guint limit;
} SearchJob;

static void
search_job_free (SearchJob *job)
{
  g_free (job->index);
  g_free (job->match);
  g_free (job);
}

static gboolean
has_word_characters (const char *text,
                     gsize       length)
{
  for (const char *p = text; p < text + length; p = g_utf8_next_char (p))
    if (g_unichar_isalnum (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

/* Appends @text as an FTS5 string: in double quotes, with quotes doubled. */
static void
append_term (GString    *match,
             const char *text,
             gsize       length,
             gboolean    prefix)
{
  if (!has_word_characters (text, length))
    return;
  if (match->len > 0)
    g_string_append_c (match, ' ');
  g_string_append_c (match, '"');
  for (gsize i = 0; i < length; i++)
    {
      if (text[i] == '"')
        g_string_append_c (match, '"');
      g_string_append_c (match, text[i]);
    }
  g_string_append_c (match, '"');
  if (prefix)
    g_string_append_c (match, '*');
}

/* @p points after the opening quote; an unclosed phrase runs to the end. */
static const char *
read_phrase (const char *p,
             GString    *match)
{
  const char *end = strchr (p, '"');

  if (end == NULL)
    end = p + strlen (p);
  append_term (match, p, end - p, FALSE);
  return *end == '"' ? end + 1 : end;
}

static const char *
read_word (const char *p,
           GString    *match)
{
  const char *start = p;
  gsize length;
  gboolean prefix = FALSE;

  while (*p != '\0' && *p != '"' && !g_ascii_isspace (*p))
    p++;
  length = p - start;
  while (length > 0 && start[length - 1] == '*')
    {
      length--;
      prefix = TRUE;
    }
  append_term (match, start, length, prefix);
  return p;
}

/**
 * taube_store_build_match_query:
 * @query: what the person typed
 *
 * Turns a search as people type it (words, "quoted phrases", a trailing * for prefixes)
 * into an FTS5 query that finds messages containing all of them.
 *
 * Returns: (transfer full) (nullable): the FTS5 query, or %NULL if @query has nothing to
 *   search for
 */
char *
taube_store_build_match_query (const char *query)
{
  g_autofree char *valid = NULL;
  g_autoptr(GString) match = g_string_new (NULL);
  const char *p;

  g_return_val_if_fail (query != NULL, NULL);

  valid = g_utf8_make_valid (query, -1);
  for (p = valid; *p != '\0';)
    {
      if (g_ascii_isspace (*p))
        p++;
      else if (*p == '"')
        p = read_phrase (p + 1, match);
      else
        p = read_word (p, match);
    }
  if (match->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&match), FALSE);
}

static GArray *
run_search (TaubeStoreDb  *db,
            SearchJob     *job,
            GError       **error)
{
  g_autoptr(TaubeStoreStmt) stmt = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GError *local_error = NULL;

  stmt = _taube_store_db_prepare (db,
    "SELECT m.id FROM messages AS m "
    "WHERE m.id IN (SELECT rowid FROM message_search WHERE message_search MATCH ?1) "
    "  AND (?2 = 0 OR m.folder_id = ?2) "
    "ORDER BY m.date DESC, m.id ASC LIMIT ?3;", error);
  if (stmt == NULL)
    return NULL;
  _taube_store_stmt_bind_text (stmt, 1, job->match);
  _taube_store_stmt_bind_int64 (stmt, 2, job->folder_id);
  _taube_store_stmt_bind_int64 (stmt, 3, job->limit > 0 ? (gint64) job->limit : -1);
  while (_taube_store_db_next (db, stmt, &local_error))
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

static void
search_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  SearchJob *job = task_data;
  g_autoptr(TaubeStoreDb) db = NULL;
  GError *error = NULL;
  GArray *ids = NULL;

  db = _taube_store_db_open (job->index, TRUE, &error);
  if (db != NULL)
    {
      _taube_store_db_set_cancellable (db, cancellable);
      ids = run_search (db, job, &error);
      _taube_store_db_set_cancellable (db, NULL);
    }
  if (ids == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ids, (GDestroyNotify) g_array_unref);
}

/**
 * taube_store_search_async:
 * @self: a #TaubeStore
 * @query: what the person typed: words and "quoted phrases"; see
 *   taube_store_build_match_query()
 * @folder_id: a folder to search in, or 0 for all folders
 * @limit: the most results to return, or 0 for all
 * @cancellable: (nullable): a #GCancellable; a new keystroke should cancel the last search
 * @callback: called with the results
 * @user_data: data for @callback
 *
 * Searches subjects, senders' and recipients' names and addresses, and body text. Case and
 * accents do not matter ("muller" finds "Müller").
 */
void
taube_store_search_async (TaubeStore          *self,
                          const char          *query,
                          gint64               folder_id,
                          guint                limit,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SearchJob *job;

  g_return_if_fail (TAUBE_IS_STORE (self));
  g_return_if_fail (query != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_store_search_async);
  job = g_new0 (SearchJob, 1);
  job->match = taube_store_build_match_query (query);
  if (job->match == NULL)
    {
      search_job_free (job);
      g_task_return_pointer (task, g_array_new (FALSE, FALSE, sizeof (gint64)),
                             (GDestroyNotify) g_array_unref);
      return;
    }
  job->index = _taube_store_build_path (self, "index.sqlite");
  job->folder_id = folder_id;
  job->limit = limit;
  g_task_set_task_data (task, job, (GDestroyNotify) search_job_free);
  g_task_run_in_thread (task, search_thread);
}

/**
 * taube_store_search_finish:
 * @self: a #TaubeStore
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type gint64): ids of the matching messages, newest
 *   first, or %NULL on error
 */
GArray *
taube_store_search_finish (TaubeStore    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
