/* taube-imap-sync-folder.c — one folder: SELECT, changes, new messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The steps, each one command or one store write at a time:
 *  1. SELECT, with QRESYNC parameters when the folder was synced before (RFC 7162 §3.2.5):
 *     the server then reports what was expunged (VANISHED (EARLIER)) and the flags that
 *     changed since our HIGHESTMODSEQ, in the SELECT's own answer.
 *  2. A new UIDVALIDITY empties the folder in the store (set_folder_state does that), and it
 *     is filled again as new.
 *  3. With CONDSTORE but not QRESYNC: UID FETCH 1:n (FLAGS) (CHANGEDSINCE m) for flags, and
 *     UID SEARCH (ESEARCH's compact set) for the UIDs still there, compared with the store
 *     a window at a time. With neither, flags and expunges are found by comparison:
 *     UID FETCH lo:hi (FLAGS) one window of UIDs at a time against the same window read
 *     from the store.
 *  4. New messages, newest first, a window of UIDs per UID FETCH (flags, date, size and the
 *     list's header fields) and per store transaction;
 *     the next FETCH runs while the store writes the last window, with at most two windows
 *     waiting, so memory stays bounded whatever the folder's size.
 *  5. UIDNEXT and HIGHESTMODSEQ are stored last: a sync that stops halfway is redone from
 *     where the store says it got to (the UIDs it holds), never skipped.
 */
#define G_LOG_DOMAIN "taube-sync"

#include "config.h"

#include "taube-imap-sequence-set.h"
#include "taube-imap-sync-private.h"

#define MAX_PENDING_WRITES 2

typedef struct
{
  gint64 folder_id;
  TaubeFolder *folder;
  char *quoted;
  /* What SELECT said. */
  guint32 uidvalidity;
  guint32 uidnext;
  guint64 highestmodseq;
  guint64 exists;
  gboolean qresync_select;
  GArray *vanished;      /* guint32 */
  GArray *changed;       /* TaubeStoreUidState */
  /* Step 3: the window being compared, and where comparing ends (exclusive). */
  guint32 compare_first;
  guint32 compare_last;
  guint32 compare_end;
  /* Step 4: UID ranges still to fetch, as pairs (first, last), the newest last. */
  GArray *ranges;
  GPtrArray *window;     /* TaubeNewMessage of the FETCH running */
  guint pending_writes;
  gboolean fetching;
  gboolean done;
  /* Bodies by policy: the ones tried, so a message gone meanwhile is not tried forever. */
  GHashTable *tried;
  GArray *body_ids;
  GError *error;
} FolderJob;

static void
folder_job_free (FolderJob *job)
{
  g_clear_object (&job->folder);
  g_free (job->quoted);
  g_clear_pointer (&job->vanished, g_array_unref);
  g_clear_pointer (&job->changed, g_array_unref);
  g_clear_pointer (&job->ranges, g_array_unref);
  g_clear_pointer (&job->window, g_ptr_array_unref);
  g_clear_pointer (&job->tried, g_hash_table_unref);
  g_clear_pointer (&job->body_ids, g_array_unref);
  g_clear_error (&job->error);
  g_free (job);
}

static void fetch_step (GTask *task);
static void compare_step (GTask *task);
static void plan_new (GTask *task);

/* Ends the job with @error (taken); the store writes still running finish on their own. */
static void
folder_fail (GTask  *task,
             GError *error)
{
  FolderJob *job = g_task_get_task_data (task);

  g_assert (!job->done);
  job->done = TRUE;
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* -- Store writes ------------------------------------------------------------------------ */

static void
taube_imap_sync_folder_write_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  GTask *task = user_data;
  FolderJob *job = g_task_get_task_data (task);
  TaubeStore *store = TAUBE_STORE (object);
  gpointer tag = g_task_get_source_tag (G_TASK (result));
  g_autoptr(GArray) ids = NULL;
  GError *error = NULL;
  gboolean ok;

  if (tag == taube_store_add_messages_async)
    ok = (ids = taube_store_add_messages_finish (store, result, &error)) != NULL;
  else if (tag == taube_store_update_uids_async)
    ok = taube_store_update_uids_finish (store, result, &error);
  else
    ok = taube_store_remove_uids_finish (store, result, &error);
  job->pending_writes--;
  if (!ok && job->error == NULL)
    job->error = error;
  else if (!ok)
    g_error_free (error);
  /* Outside step 4 the chain of commands goes on by itself and waits for the writes at
   * its end; in step 4 a FETCH may be waiting for this write. */
  if (!job->done && !job->fetching && job->ranges != NULL)
    fetch_step (task);
  g_object_unref (task);
}

static void
write_changes (GTask  *task,
               GArray *changed,
               GArray *vanished)
{
  TaubeImapSync *self = g_task_get_source_object (task);
  FolderJob *job = g_task_get_task_data (task);
  gint64 folder_id = job->folder_id;

  if (changed != NULL && changed->len > 0)
    {
      self->stats.changed += changed->len;
      job->pending_writes++;
      taube_store_update_uids_async (self->store, folder_id, changed, NULL,
                                     taube_imap_sync_folder_write_cb, g_object_ref (task));
    }
  if (vanished != NULL && vanished->len > 0)
    {
      self->stats.removed += vanished->len;
      job->pending_writes++;
      taube_store_remove_uids_async (self->store, folder_id, vanished, NULL,
                                     taube_imap_sync_folder_write_cb, g_object_ref (task));
    }
}

/* -- 5. The end: record how far the folder is synced ------------------------------------ */

static void
taube_imap_sync_folder_state_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!taube_store_set_folder_state_finish (TAUBE_STORE (object), result, &error))
    {
      folder_fail (task, error);
      return;
    }
  ((FolderJob *) g_task_get_task_data (task))->done = TRUE;
  TAUBE_IMAP_SYNC (g_task_get_source_object (task))->stats.folders++;
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
finish_folder (GTask *task)
{
  TaubeImapSync *self = g_task_get_source_object (task);
  FolderJob *job = g_task_get_task_data (task);

  taube_store_set_folder_state_async (self->store, job->folder_id,
                                      job->uidvalidity, job->uidnext, job->highestmodseq,
                                      NULL, taube_imap_sync_folder_state_cb, task);
}

/* -- Bodies by policy, in the folder that is selected ---------------------------------- */

#define BODY_BATCH 20

static void bodies_step (GTask *task);

static void
taube_imap_sync_folder_body_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  if (!taube_imap_sync_fetch_body_finish (TAUBE_IMAP_SYNC (object), result, &error))
    {
      /* Gone meanwhile: the next sync removes it. Anything else fails the folder. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          folder_fail (task, g_steal_pointer (&error));
          return;
        }
      g_debug ("No body: %s", error->message);
    }
  bodies_step (task);
}

/* The next message whose body the policy wants, or 0. */
static gint64
next_body (TaubeImapSync  *self,
           FolderJob      *job,
           GError        **error)
{
  gint64 since = 0;

  if (job->tried == NULL)
    job->tried = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  if (self->bodies == TAUBE_IMAP_SYNC_BODIES_RECENT)
    since = g_get_real_time () / G_USEC_PER_SEC - (gint64) self->body_days * 24 * 3600;
  for (;;)
    {
      if (job->body_ids == NULL || job->body_ids->len == 0)
        {
          g_clear_pointer (&job->body_ids, g_array_unref);
          job->body_ids = taube_store_list_ids_without_body (self->store, job->folder_id, since,
                                                             BODY_BATCH + g_hash_table_size (
                                                               job->tried), error);
          if (job->body_ids == NULL)
            return -1;
          for (guint i = job->body_ids->len; i > 0; i--)
            if (g_hash_table_contains (job->tried, &g_array_index (job->body_ids, gint64, i - 1)))
              g_array_remove_index (job->body_ids, i - 1);
          if (job->body_ids->len == 0)
            return 0;
        }
      {
        gint64 id = g_array_index (job->body_ids, gint64, 0);

        g_array_remove_index (job->body_ids, 0);
        g_hash_table_add (job->tried, g_memdup2 (&id, sizeof id));
        return id;
      }
    }
}

static void
bodies_step (GTask *task)
{
  TaubeImapSync *self = g_task_get_source_object (task);
  FolderJob *job = g_task_get_task_data (task);
  GError *error = NULL;
  gint64 id;

  if (self->bodies == TAUBE_IMAP_SYNC_BODIES_ON_DEMAND)
    {
      finish_folder (task);
      return;
    }
  id = next_body (self, job, &error);
  if (id < 0)
    {
      folder_fail (task, error);
      return;
    }
  if (id == 0)
    {
      finish_folder (task);
      return;
    }
  _taube_imap_sync_fetch_selected_body_async (self, id, g_task_get_cancellable (task),
                                              taube_imap_sync_folder_body_cb, task);
}

/* -- 4. New messages in windows, newest first -------------------------------------------- */

static void
add_range (GArray  *ranges,
           guint32  first,
           guint32  last)
{
  if (first == 0 || first > last)
    return;
  g_array_append_val (ranges, first);
  g_array_append_val (ranges, last);
}

/* Takes the newest window of the last range; FALSE when nothing is left. */
static gboolean
next_window (FolderJob *job,
             guint      window,
             guint32   *first,
             guint32   *last)
{
  guint32 *range;

  if (job->ranges->len == 0)
    return FALSE;
  range = &g_array_index (job->ranges, guint32, job->ranges->len - 2);
  *last = range[1];
  *first = range[1] - range[0] + 1 > window ? range[1] - window + 1 : range[0];
  if (*first == range[0])
    g_array_set_size (job->ranges, job->ranges->len - 2);
  else
    range[1] = *first - 1;
  return TRUE;
}

static void
taube_imap_sync_folder_message_cb (const TaubeImapFetchedMessage *fetched,
                                   gpointer                       user_data)
{
  FolderJob *job = user_data;
  TaubeNewMessage *message = _taube_imap_sync_new_message (fetched);

  if (message != NULL)
    g_ptr_array_add (job->window, message);
}

static void
taube_imap_sync_folder_fetch_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  GTask *task = user_data;
  TaubeImapSync *self = g_task_get_source_object (task);
  FolderJob *job = g_task_get_task_data (task);
  g_autoptr(GPtrArray) messages = g_steal_pointer (&job->window);
  GError *error = NULL;

  job->fetching = FALSE;
  if (!taube_imap_client_fetch_finish (TAUBE_IMAP_CLIENT (object), result, NULL, &error))
    {
      folder_fail (task, error);
      return;
    }
  if (messages->len > 0)
    {
      self->stats.added += messages->len;
      job->pending_writes++;
      taube_store_add_messages_async (self->store, job->folder_id, messages, NULL,
                                      taube_imap_sync_folder_write_cb, g_object_ref (task));
    }
  fetch_step (task);
}

static void
fetch_step (GTask *task)
{
  TaubeImapSync *self = g_task_get_source_object (task);
  FolderJob *job = g_task_get_task_data (task);
  g_autofree char *uids = NULL;
  TaubeImapFetchRequest request = { 0 };
  guint32 first, last;

  if (job->error != NULL)
    {
      /* Wait for the writes still running before failing: they hold the task. */
      if (job->pending_writes == 0)
        folder_fail (task, g_steal_pointer (&job->error));
      return;
    }
  if (job->pending_writes >= MAX_PENDING_WRITES)
    return;   /* taube_imap_sync_folder_write_cb() comes back here */
  if (!next_window (job, self->window, &first, &last))
    {
      if (job->pending_writes == 0)
        bodies_step (task);
      return;
    }
  uids = g_strdup_printf ("%u:%u", first, last);
  request.uids = uids;
  /* BODYSTRUCTURE so the list can show the paperclip before any body is downloaded. */
  request.items = TAUBE_IMAP_FETCH_FLAGS | TAUBE_IMAP_FETCH_INTERNALDATE | TAUBE_IMAP_FETCH_SIZE
                  | TAUBE_IMAP_FETCH_BODYSTRUCTURE
                  | (self->condstore ? TAUBE_IMAP_FETCH_MODSEQ : 0);
  request.header_fields = _taube_imap_sync_list_headers;
  job->window = g_ptr_array_new_with_free_func ((GDestroyNotify) taube_new_message_free);
  job->fetching = TRUE;
  taube_imap_client_fetch_async (self->client, &request, taube_imap_sync_folder_message_cb,
                                 NULL, job, g_task_get_cancellable (task),
                                 taube_imap_sync_folder_fetch_cb, task);
}

/* Which UIDs to fetch: everything above what the store has, and, if an earlier first
 * sync stopped halfway (no UIDNEXT stored yet), everything below what it got to. */
static void
plan_new (GTask *task)
{
  TaubeImapSync *self = g_task_get_source_object (task);
  FolderJob *job = g_task_get_task_data (task);
  guint32 stored_next = taube_folder_get_uidnext (job->folder);
  guint32 top = job->uidnext > 0 ? job->uidnext - 1 : G_MAXUINT32 - 1;
  guint32 min_uid, max_uid;
  GError *error = NULL;

  job->ranges = g_array_new (FALSE, FALSE, sizeof (guint32));
  if (job->exists == 0)
    {
      fetch_step (task);
      return;
    }
  if (!taube_store_get_uid_bounds (self->store, job->folder_id, &min_uid,
                                   &max_uid, &error))
    {
      folder_fail (task, error);
      return;
    }
  if (stored_next == 0 && max_uid > 0)
    {
      add_range (job->ranges, 1, min_uid - 1);
      add_range (job->ranges, max_uid + 1, top);
    }
  else
    add_range (job->ranges, MAX (stored_next, 1), top);
  fetch_step (task);
}

/* -- 3. Flags and expunges by comparison ------------------------------------------------- */

static gint
compare_uid_states (gconstpointer a,
                    gconstpointer b)
{
  guint32 ua = ((const TaubeStoreUidState *) a)->uid;
  guint32 ub = ((const TaubeStoreUidState *) b)->uid;

  return ua < ub ? -1 : ua > ub;
}

/* Both arrays sorted by UID: what the store has that the server lacks went away. */
static void
diff_window (GArray *stored,
             GArray *server,
             GArray *changed,
             GArray *vanished)
{
  guint j = 0;

  for (guint i = 0; i < stored->len; i++)
    {
      const TaubeStoreUidState *mine = &g_array_index (stored, TaubeStoreUidState, i);

      while (j < server->len && g_array_index (server, TaubeStoreUidState, j).uid < mine->uid)
        j++;
      const TaubeStoreUidState *theirs;

      if (j >= server->len || g_array_index (server, TaubeStoreUidState, j).uid != mine->uid)
        {
          g_array_append_val (vanished, mine->uid);
          continue;
        }
      theirs = &g_array_index (server, TaubeStoreUidState, j);
      if (theirs->flags != mine->flags || !taube_store_uid_state_same_keywords (theirs, mine))
        {
          TaubeStoreUidState copy = *theirs;

          /* Both arrays free their keywords. */
          copy.keywords = g_strdupv (theirs->keywords);
          g_array_append_val (changed, copy);
        }
    }
}

static void
taube_imap_sync_folder_compare_cb (GObject      *object,
                                   GAsyncResult *result,
                                   gpointer      user_data)
{
  GTask *task = user_data;
  TaubeImapSync *self = g_task_get_source_object (task);
  FolderJob *job = g_task_get_task_data (task);
  g_autoptr(TaubeImapResponse) response = NULL;
  g_autoptr(GPtrArray) untagged = NULL;
  g_autoptr(GArray) server = g_array_new (FALSE, FALSE, sizeof (TaubeStoreUidState));
  g_autoptr(GArray) stored = NULL;
  g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (TaubeStoreUidState));
  g_autoptr(GArray) vanished = g_array_new (FALSE, FALSE, sizeof (guint32));
  GError *error = NULL;

  g_array_set_clear_func (server, taube_store_uid_state_clear);
  g_array_set_clear_func (changed, taube_store_uid_state_clear);

  response = taube_imap_client_command_finish (TAUBE_IMAP_CLIENT (object), result, &untagged,
                                               &error);
  if (response == NULL)
    {
      folder_fail (task, error);
      return;
    }
  for (guint i = 0; i < untagged->len; i++)
    {
      TaubeStoreUidState state;

      if (_taube_imap_sync_parse_fetch_state (g_ptr_array_index (untagged, i), &state))
        g_array_append_val (server, state);
    }
  g_array_sort (server, compare_uid_states);
  stored = taube_store_list_uids (self->store, job->folder_id, job->compare_first,
                                  job->compare_last, &error);
  if (stored == NULL)
    {
      folder_fail (task, error);
      return;
    }
  diff_window (stored, server, changed, vanished);
  write_changes (task, changed, vanished);
  compare_step (task);
}

static void
compare_step (GTask *task)
{
  TaubeImapSync *self = g_task_get_source_object (task);
  FolderJob *job = g_task_get_task_data (task);
  g_autofree char *command = NULL;

  job->compare_first = job->compare_last + 1;
  if (job->compare_first >= job->compare_end)
    {
      plan_new (task);
      return;
    }
  job->compare_last = (guint32) MIN ((guint64) job->compare_first + self->window - 1,
                                     (guint64) job->compare_end - 1);
  command = g_strdup_printf ("UID FETCH %u:%u (UID FLAGS)", job->compare_first,
                             job->compare_last);
  taube_imap_client_command_async (self->client, command, g_task_get_cancellable (task),
                                   taube_imap_sync_folder_compare_cb, task);
}

/* -- 3b. With CONDSTORE only: CHANGEDSINCE for flags, UID SEARCH for expunges ------------ */

static void
taube_imap_sync_folder_changed_cb (const TaubeImapFetchedMessage *fetched,
                                   gpointer                       user_data)
{
  FolderJob *job = user_data;
  TaubeStoreUidState state = { .uid = fetched->uid, .modseq = fetched->modseq };

  if (state.uid == 0 || fetched->flags == NULL)
    return;
  state.flags = taube_message_flags_from_imap ((const char *const *) fetched->flags,
                                               &state.keywords);
  state.keywords = taube_store_keywords_normalize (state.keywords);
  g_array_append_val (job->changed, state);
}

/* Stored UIDs the server's set lacks were expunged; the store is read a window at a time. */
static gboolean
find_expunged (TaubeImapSync               *self,
               FolderJob                   *job,
               const TaubeImapSequenceSet  *existing,
               GError                     **error)
{
  for (guint64 first = 1; first < job->compare_end; first += self->window)
    {
      guint32 last = (guint32) MIN (first + self->window - 1, (guint64) job->compare_end - 1);
      g_autoptr(GArray) stored = taube_store_list_uids (self->store, job->folder_id,
                                                        (guint32) first, last, error);

      if (stored == NULL)
        return FALSE;
      for (guint i = 0; i < stored->len; i++)
        {
          guint32 uid = g_array_index (stored, TaubeStoreUidState, i).uid;

          if (existing == NULL || !taube_imap_sequence_set_contains (existing, uid))
            g_array_append_val (job->vanished, uid);
        }
    }
  return TRUE;
}

static void
taube_imap_sync_folder_search_cb (GObject      *object,
                                  GAsyncResult *result,
                                  gpointer      user_data)
{
  GTask *task = user_data;
  TaubeImapSync *self = g_task_get_source_object (task);
  FolderJob *job = g_task_get_task_data (task);
  g_autoptr(TaubeImapSequenceSet) existing = NULL;
  GError *error = NULL;

  existing = taube_imap_client_search_finish (TAUBE_IMAP_CLIENT (object), result, &error);
  if (error != NULL || !find_expunged (self, job, existing, &error))
    {
      folder_fail (task, error);
      return;
    }
  write_changes (task, job->changed, job->vanished);
  plan_new (task);
}

static void
taube_imap_sync_folder_changedsince_cb (GObject      *object,
                                        GAsyncResult *result,
                                        gpointer      user_data)
{
  GTask *task = user_data;
  TaubeImapSync *self = g_task_get_source_object (task);
  FolderJob *job = g_task_get_task_data (task);
  g_autofree char *criteria = g_strdup_printf ("UID 1:%u", job->compare_end - 1);
  GError *error = NULL;

  if (!taube_imap_client_fetch_finish (TAUBE_IMAP_CLIENT (object), result, NULL, &error))
    {
      folder_fail (task, error);
      return;
    }
  /* With ESEARCH the answer is a compact set, whatever the folder's size. */
  taube_imap_client_search_async (self->client, criteria, g_task_get_cancellable (task),
                                  taube_imap_sync_folder_search_cb, task);
}

static void
sync_changed_since (GTask *task)
{
  TaubeImapSync *self = g_task_get_source_object (task);
  FolderJob *job = g_task_get_task_data (task);
  g_autofree char *uids = g_strdup_printf ("1:%u", job->compare_end - 1);
  TaubeImapFetchRequest request = {
    .uids = uids,
    .items = TAUBE_IMAP_FETCH_FLAGS | TAUBE_IMAP_FETCH_MODSEQ,
    .changed_since = taube_folder_get_highestmodseq (job->folder),
  };

  taube_imap_client_fetch_async (self->client, &request, taube_imap_sync_folder_changed_cb, NULL,
                                 job, g_task_get_cancellable (task),
                                 taube_imap_sync_folder_changedsince_cb, task);
}

/* -- 1. and 2. SELECT ------------------------------------------------------------------- */

static void
read_vanished (const TaubeImapValue *data,
               GArray               *vanished)
{
  /* "* VANISHED (EARLIER) 1:3,7" (RFC 7162 §3.2.10): the set is the last item. */
  guint n = taube_imap_value_get_length (data);
  g_autoptr(TaubeImapSequenceSet) set = NULL;
  g_autoptr(GError) error = NULL;

  if (n == 0)
    return;
  set = taube_imap_sequence_set_new_from_value (taube_imap_value_get_item (data, n - 1),
                                                &error);
  if (set == NULL)
    {
      g_debug ("Ignoring a malformed VANISHED: %s", error->message);
      return;
    }
  for (guint i = 0; i < taube_imap_sequence_set_get_n_ranges (set); i++)
    {
      guint32 first, last;

      taube_imap_sequence_set_get_range (set, i, &first, &last);
      for (guint64 uid = first; uid <= last && last != TAUBE_IMAP_SEQUENCE_STAR; uid++)
        {
          guint32 value = (guint32) uid;

          g_array_append_val (vanished, value);
        }
    }
}

static void
read_code (FolderJob         *job,
           TaubeImapResponse *response)
{
  const char *code = taube_imap_response_get_code_name (response);
  const TaubeImapValue *arg = taube_imap_response_get_code_arg (response, 0);
  guint64 number = 0;

  if (code == NULL || arg == NULL || !taube_imap_value_get_number (arg, &number))
    return;
  if (g_ascii_strcasecmp (code, "UIDVALIDITY") == 0)
    job->uidvalidity = (guint32) number;
  else if (g_ascii_strcasecmp (code, "UIDNEXT") == 0)
    job->uidnext = (guint32) number;
  else if (g_ascii_strcasecmp (code, "HIGHESTMODSEQ") == 0)
    job->highestmodseq = number;
}

static void
read_select (FolderJob *job,
             GPtrArray *untagged)
{
  for (guint i = 0; i < untagged->len; i++)
    {
      TaubeImapResponse *response = g_ptr_array_index (untagged, i);
      TaubeStoreUidState state;
      guint64 number;

      read_code (job, response);
      if (taube_imap_response_is_keyword (response, "EXISTS")
          && taube_imap_response_get_number (response, &number))
        job->exists = number;
      else if (taube_imap_response_is_keyword (response, "VANISHED"))
        read_vanished (taube_imap_response_get_data (response), job->vanished);
      else if (_taube_imap_sync_parse_fetch_state (response, &state))
        g_array_append_val (job->changed, state);
    }
}

static void
taube_imap_sync_folder_reset_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  GTask *task = user_data;
  FolderJob *job = g_task_get_task_data (task);
  TaubeImapSync *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!taube_store_set_folder_state_finish (TAUBE_STORE (object), result, &error))
    {
      folder_fail (task, error);
      return;
    }
  /* The store emptied the folder; read it again to start from nothing. */
  g_clear_object (&job->folder);
  job->folder = taube_store_get_folder (self->store, job->folder_id, &error);
  if (job->folder == NULL)
    {
      folder_fail (task, error);
      return;
    }
  plan_new (task);
}

static void
taube_imap_sync_folder_select_cb (GObject      *object,
                                  GAsyncResult *result,
                                  gpointer      user_data)
{
  GTask *task = user_data;
  TaubeImapSync *self = g_task_get_source_object (task);
  FolderJob *job = g_task_get_task_data (task);
  g_autoptr(TaubeImapResponse) response = NULL;
  g_autoptr(GPtrArray) untagged = NULL;
  guint32 stored_validity = taube_folder_get_uidvalidity (job->folder);
  GError *error = NULL;

  response = taube_imap_client_command_finish (TAUBE_IMAP_CLIENT (object), result, &untagged,
                                               &error);
  if (response == NULL)
    {
      folder_fail (task, error);
      return;
    }
  read_select (job, untagged);
  if (stored_validity != 0 && stored_validity != job->uidvalidity)
    {
      g_debug ("Folder %s: UIDVALIDITY %u is now %u, rebuilding it",
               taube_folder_get_name (job->folder), stored_validity, job->uidvalidity);
      taube_store_set_folder_state_async (self->store, job->folder_id,
                                          job->uidvalidity, 0, 0, NULL,
                                          taube_imap_sync_folder_reset_cb, task);
      return;
    }
  if (job->qresync_select)
    {
      write_changes (task, job->changed, job->vanished);
      plan_new (task);
      return;
    }
  job->compare_last = 0;
  job->compare_end = taube_folder_get_uidnext (job->folder);
  if (job->compare_end <= 1)
    plan_new (task);
  else if (self->condstore && taube_folder_get_highestmodseq (job->folder) != 0)
    sync_changed_since (task);
  else
    compare_step (task);
}

static char *
select_command (TaubeImapSync *self,
                FolderJob     *job)
{
  guint32 uidvalidity = taube_folder_get_uidvalidity (job->folder);
  guint64 modseq = taube_folder_get_highestmodseq (job->folder);

  job->qresync_select = self->qresync && uidvalidity != 0 && modseq != 0
                        && taube_folder_get_uidnext (job->folder) != 0;
  if (job->qresync_select)
    return g_strdup_printf ("SELECT %s (QRESYNC (%u %" G_GUINT64_FORMAT "))", job->quoted,
                            uidvalidity, modseq);
  if (self->condstore)
    return g_strdup_printf ("SELECT %s (CONDSTORE)", job->quoted);
  return g_strdup_printf ("SELECT %s", job->quoted);
}

/**
 * taube_imap_sync_folder_async:
 * @self: a #TaubeImapSync
 * @folder_id: a folder of the account in the store
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the folder is in step
 * @user_data: data for @callback
 *
 * Brings one folder's messages and flags in step with the server. The folder stays
 * selected afterwards (IDLE uses that).
 */
void
taube_imap_sync_folder_async (TaubeImapSync       *self,
                              gint64               folder_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;
  FolderJob *job;
  g_autofree char *command = NULL;
  GError *error = NULL;

  g_return_if_fail (TAUBE_IS_IMAP_SYNC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_imap_sync_folder_async);
  job = g_new0 (FolderJob, 1);
  job->folder_id = folder_id;
  g_task_set_task_data (task, job, (GDestroyNotify) folder_job_free);
  job->folder = taube_store_get_folder (self->store, folder_id, &error);
  if (job->folder == NULL)
    {
      folder_fail (task, error);
      return;
    }
  job->quoted = _taube_imap_sync_quote_mailbox (taube_folder_get_name (job->folder));
  job->vanished = g_array_new (FALSE, FALSE, sizeof (guint32));
  job->changed = g_array_new (FALSE, FALSE, sizeof (TaubeStoreUidState));
  g_array_set_clear_func (job->changed, taube_store_uid_state_clear);
  command = select_command (self, job);
  taube_imap_client_command_async (self->client, command, cancellable,
                                   taube_imap_sync_folder_select_cb, task);
}

gboolean
taube_imap_sync_folder_finish (TaubeImapSync  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
