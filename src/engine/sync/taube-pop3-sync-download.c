/* taube-pop3-sync-download.c — one POP3 run from the first RETR to QUIT
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each message to fetch goes RETR (or TOP n 0) -> a file in the inbox Maildir's tmp/ ->
 * the store, which makes it durable; only when every download is stored are the DELEs
 * decided and sent, and they take effect at QUIT. See README.md in this folder.
 */
#define G_LOG_DOMAIN "taube-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "taube-crash-point.h"
#include "taube-pop3-sync-private.h"
#include "taube-sync-error.h"

/* -- QUIT ------------------------------------------------------------------------------- */

static void
quit_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = _taube_pop3_sync_task_run (task);
  GError *error = NULL;

  if (!taube_pop3_client_command_finish (TAUBE_POP3_CLIENT (object), result, &error))
    {
      _taube_pop3_sync_fail (task, error);
      return;
    }
  /* RFC 1939 §6: +OK to QUIT means the deletions happened. */
  run->stats.n_deleted = run->to_delete->len;
  taube_connection_close_async (taube_pop3_client_get_connection (run->client), NULL, NULL,
                                NULL);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
quit (GTask *task)
{
  Run *run = _taube_pop3_sync_task_run (task);

  taube_pop3_client_quit_async (run->client, g_task_get_cancellable (task), quit_cb, task);
}

/* -- DELE ------------------------------------------------------------------------------- */

static void
delete_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!taube_pop3_client_command_finish (TAUBE_POP3_CLIENT (object), result, &error))
    {
      _taube_pop3_sync_fail (task, error);
      return;
    }
  _taube_crash_point ("after-dele");
  quit (task);
}

/* A UIDL listed twice could name two different messages; neither is deleted then. */
static gboolean
uidl_is_unique (Run        *run,
                const char *uidl)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (run->uidl_counts, uidl)) == 1;
}

static void
collect_deletions (Run *run)
{
  for (guint i = 0; i < run->listing->len; i++)
    {
      TaubePop3MessageInfo *info = g_ptr_array_index (run->listing, i);
      TaubePop3UidlState *state = g_hash_table_lookup (run->states, info->uid);

      if (uidl_is_unique (run, info->uid)
          && _taube_pop3_policy_should_delete (&run->policy, state, run->now))
        g_array_append_val (run->to_delete, info->number);
    }
}

static void
delete_and_quit (GTask *task)
{
  Run *run = _taube_pop3_sync_task_run (task);

  collect_deletions (run);
  if (run->to_delete->len == 0)
    {
      quit (task);
      return;
    }
  g_debug ("deleting %u messages on the server", run->to_delete->len);
  taube_pop3_client_delete_async (run->client, (const guint *) (gpointer) run->to_delete->data,
                                  run->to_delete->len, g_task_get_cancellable (task), delete_cb,
                                  task);
}

/* -- Downloading one message ------------------------------------------------------------ */

static void
forget_temp_file (Run *run)
{
  if (run->temp_path != NULL && g_unlink (run->temp_path) != 0)
    g_debug ("could not remove %s", run->temp_path);
  g_clear_pointer (&run->temp_path, g_free);
  g_clear_object (&run->temp_output);
}

/* The message file and its row are on disk now: from here on, DELE cannot lose it. */
static void
stored (GTask *task)
{
  Run *run = _taube_pop3_sync_task_run (task);
  TaubePop3UidlState *state = g_hash_table_lookup (run->states, run->current->uid);

  _taube_crash_point ("after-store");
  forget_temp_file (run);
  if (state == NULL)
    {
      state = g_new0 (TaubePop3UidlState, 1);
      state->first_seen = run->now;
      g_hash_table_replace (run->states, g_strdup (run->current->uid), state);
    }
  if (state->downloaded == 0)
    state->downloaded = _taube_pop3_sync_real_now ();
  state->partial = run->headers_only;
  run->stats.n_new++;
  if (run->headers_only)
    run->stats.n_partial++;
  _taube_pop3_sync_download_next (task);
}

/* A failure of the temp file is about this computer's disk, not the network: retrying
 * with backoff would not help, freeing space would. The store's own errors
 * (TAUBE_STORE_ERROR, "disk full" among them) are classified as STORE already and keep
 * their more precise message. Takes @error. */
static GError *
local_error (GError *error)
{
  GError *wrapped;

  if (error->domain != G_IO_ERROR || error->code == G_IO_ERROR_CANCELLED)
    return error;
  wrapped = g_error_new (TAUBE_SYNC_ERROR, TAUBE_SYNC_ERROR_STORE,
                         /* Translators: %s is the system's reason, e.g. "No space left
                          * on device" */
                         _("A downloaded message could not be saved on this computer (%s). "
                           "It is still on the server; free some disk space and download "
                           "mail again."), error->message);
  g_error_free (error);
  return wrapped;
}

static void
add_message_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (taube_store_add_message_finish (TAUBE_STORE (object), result, &error) == 0)
    {
      _taube_pop3_sync_fail (task, local_error (error));
      return;
    }
  stored (task);
}

static void
set_body_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!taube_store_set_body_finish (TAUBE_STORE (object), result, &error))
    {
      _taube_pop3_sync_fail (task, local_error (error));
      return;
    }
  stored (task);
}

static GBytes *
map_download (const char  *path,
              GError     **error)
{
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, error);

  return mapped != NULL ? g_mapped_file_get_bytes (mapped) : NULL;
}

static void
store_download (GTask *task)
{
  Run *run = _taube_pop3_sync_task_run (task);
  TaubePop3Sync *self = _taube_pop3_sync_task_sync (task);
  g_autoptr(TaubeNewMessage) message = NULL;
  g_autoptr(GBytes) raw = NULL;
  GError *error = NULL;

  /* Mapped, not read: a message of many megabytes is not copied into memory here. */
  raw = map_download (run->temp_path, &error);
  if (raw == NULL)
    {
      _taube_pop3_sync_fail (task, local_error (error));
      return;
    }
  if (run->fetch_uidl != NULL)
    {
      taube_store_set_body_async (self->store, run->fetch_id, raw,
                                  g_task_get_cancellable (task), set_body_cb, task);
      return;
    }
  message = taube_new_message_new (raw);
  message->uidl = g_strdup (run->current->uid);
  message->headers_only = run->headers_only;
  message->size = (gint64) run->current->size;
  taube_store_add_message_async (self->store, run->folder_id, message,
                                 g_task_get_cancellable (task), add_message_cb, task);
}

static void
close_download_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_output_stream_close_finish (G_OUTPUT_STREAM (object), result, &error))
    {
      _taube_pop3_sync_fail (task, local_error (error));
      return;
    }
  store_download (task);
}

static void
retrieve_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = _taube_pop3_sync_task_run (task);
  GError *error = NULL;

  if (!taube_pop3_client_retrieve_finish (TAUBE_POP3_CLIENT (object), result, NULL, &error))
    {
      if (_taube_pop3_sync_output_failed (run->temp_output))
        error = local_error (error);
      _taube_pop3_sync_fail (task, error);
      return;
    }
  g_output_stream_close_async (run->temp_output, G_PRIORITY_DEFAULT,
                               g_task_get_cancellable (task), close_download_cb, task);
}

static void
start_retrieve (GTask         *task,
                GOutputStream *file_output)
{
  Run *run = _taube_pop3_sync_task_run (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GOutputStream) crash_output = NULL;

  crash_output = _taube_crash_point_stream (file_output, "mid-retr",
                                            MAX (run->current->size / 2, 1));
  run->temp_output = _taube_pop3_sync_output_new (crash_output);
  if (run->headers_only)
    taube_pop3_client_top_async (run->client, run->current->number, 0, run->temp_output,
                                 cancellable, retrieve_cb, task);
  else
    taube_pop3_client_retrieve_async (run->client, run->current->number, run->temp_output, 0,
                                      cancellable, retrieve_cb, task);
}

static void
create_download_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GFileOutputStream) output = NULL;
  GError *error = NULL;

  output = g_file_create_finish (G_FILE (object), result, &error);
  if (output == NULL)
    {
      _taube_pop3_sync_fail (task, local_error (error));
      return;
    }
  start_retrieve (task, G_OUTPUT_STREAM (output));
}

static void
download (GTask                *task,
          TaubePop3MessageInfo *info)
{
  Run *run = _taube_pop3_sync_task_run (task);
  g_autoptr(GFile) file = NULL;
  g_autofree char *name = NULL;

  _taube_crash_point ("before-retr");
  run->current = info;
  run->headers_only = run->fetch_uidl == NULL
                      && _taube_pop3_policy_headers_only (&run->policy, info->size);
  name = g_strdup_printf (TAUBE_POP3_SYNC_DOWNLOAD_PREFIX "%" G_GINT64_FORMAT ".%d.%u",
                          g_get_real_time (), (int) getpid (), info->number);
  run->temp_path = g_build_filename (run->download_dir, name, NULL);
  file = g_file_new_for_path (run->temp_path);
  g_debug ("downloading message %u (%" G_GUINT64_FORMAT " bytes%s)", info->number, info->size,
           run->headers_only ? ", header only" : "");
  g_file_create_async (file, G_FILE_CREATE_PRIVATE, G_PRIORITY_DEFAULT,
                       g_task_get_cancellable (task), create_download_cb, task);
}

static gboolean
wanted (Run                  *run,
        TaubePop3MessageInfo *info)
{
  if (run->fetch_uidl != NULL)
    return g_str_equal (info->uid, run->fetch_uidl) && run->stats.n_new == 0;
  return _taube_pop3_policy_should_download (g_hash_table_lookup (run->states, info->uid));
}

static GError *
gone_error (void)
{
  return g_error_new_literal (TAUBE_SYNC_ERROR, TAUBE_SYNC_ERROR_SERVER,
                              _("The message is no longer on the server, so only its "
                                "header can be shown."));
}

/* Downloads the next message to fetch, or goes on to DELE and QUIT when there is none.
 * Takes the task's reference that the chain of callbacks passes along. */
void
_taube_pop3_sync_download_next (GTask *task)
{
  Run *run = _taube_pop3_sync_task_run (task);

  while (run->next < run->listing->len)
    {
      TaubePop3MessageInfo *info = g_ptr_array_index (run->listing, run->next++);

      if (wanted (run, info))
        {
          download (task, info);
          return;
        }
    }
  if (run->fetch_uidl != NULL && run->stats.n_new == 0)
    {
      _taube_pop3_sync_fail (task, gone_error ());
      return;
    }
  delete_and_quit (task);
}
