/* taube-pop3-sync.c — download a POP3 account's mail into the store, never losing any
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One run: connect, log in, UIDL+LIST, remember every UIDL, then for each message not
 * stored yet RETR (or TOP n 0 over the size limit) into a file in the inbox Maildir's tmp/,
 * hand it to the store, which syncs it to disk and commits its row; only after all that,
 * DELE what the account's policy says may go, and QUIT, which is when the server really
 * deletes (RFC 1939 §6). A run that stops anywhere before QUIT deletes nothing; a run that
 * stops after a message is stored never stores it twice, because the store knows its UIDL.
 * src/engine/sync/README.md explains the order and what each crash leaves behind.
 */
#define G_LOG_DOMAIN "taube-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "taube-crash-point.h"
#include "taube-password.h"
#include "taube-pop3-client.h"
#include "taube-pop3-sync-private.h"
#include "taube-pop3-sync.h"
#include "taube-store-pop3.h"
#include "taube-sync-error.h"

/* Temp files of downloads start with this, so a later run can tell its own leftovers
 * from anything else in tmp/. */
#define DOWNLOAD_PREFIX "taube-pop3-"
#define CONNECT_TIMEOUT_MS 30000
#define READ_TIMEOUT_MS 120000

struct _TaubePop3Sync
{
  GObject parent_instance;

  TaubeAccount *account;
  TaubeStore *store;
  gint64 now;
};

G_DEFINE_FINAL_TYPE (TaubePop3Sync, taube_pop3_sync, G_TYPE_OBJECT)

/* What one run works with; the task data of its GTask. */
typedef struct
{
  TaubePop3Policy policy;
  gint64 now;
  TaubePop3Client *client;
  gint64 folder_id;
  char *download_dir;
  GPtrArray *listing;         /* TaubePop3MessageInfo, the server's messages */
  GHashTable *uidl_counts;    /* UIDL -> how often the listing has it */
  GHashTable *states;         /* UIDL -> TaubePop3UidlState */
  guint next;                 /* index into listing */
  /* The download in progress */
  TaubePop3MessageInfo *current;
  char *temp_path;
  GOutputStream *temp_output;
  gboolean headers_only;
  GArray *to_delete;          /* guint message numbers */
  TaubePop3SyncStats stats;
} Run;

static void
run_free (Run *run)
{
  if (run->temp_path != NULL)
    g_unlink (run->temp_path);
  g_free (run->temp_path);
  g_clear_object (&run->temp_output);
  g_clear_object (&run->client);
  g_free (run->download_dir);
  g_clear_pointer (&run->listing, g_ptr_array_unref);
  g_clear_pointer (&run->uidl_counts, g_hash_table_unref);
  g_clear_pointer (&run->states, g_hash_table_unref);
  g_clear_pointer (&run->to_delete, g_array_unref);
  g_free (run);
}

static void download_next (GTask *task);

static TaubePop3Sync *
task_sync (GTask *task)
{
  return g_task_get_source_object (task);
}

static Run *
task_run (GTask *task)
{
  return g_task_get_task_data (task);
}

/* A failure before QUIT: the connection is dropped without QUIT, so the server keeps
 * every message, whatever was marked for deletion. Takes the chain's reference on @task. */
static void
fail (GTask  *task,
      GError *error)
{
  Run *run = task_run (task);

  if (run->client != NULL)
    taube_connection_close_async (taube_pop3_client_get_connection (run->client), NULL, NULL,
                                  NULL);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static gint64
real_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* -- QUIT ------------------------------------------------------------------------------- */

static void
quit_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = task_run (task);
  GError *error = NULL;

  if (!taube_pop3_client_command_finish (TAUBE_POP3_CLIENT (object), result, &error))
    {
      fail (task, error);
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
  Run *run = task_run (task);

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
      fail (task, error);
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
  Run *run = task_run (task);

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

static void
add_message_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = task_run (task);
  GError *error = NULL;
  TaubePop3UidlState *state;

  if (taube_store_add_message_finish (TAUBE_STORE (object), result, &error) == 0)
    {
      fail (task, error);
      return;
    }
  /* The message file and its row are on disk now: from here on, DELE cannot lose it. */
  _taube_crash_point ("after-store");
  forget_temp_file (run);
  state = g_new0 (TaubePop3UidlState, 1);
  state->first_seen = run->now;
  state->downloaded = real_now ();
  state->partial = run->headers_only;
  g_hash_table_replace (run->states, g_strdup (run->current->uid), state);
  run->stats.n_new++;
  if (run->headers_only)
    run->stats.n_partial++;
  download_next (task);
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
  Run *run = task_run (task);
  TaubePop3Sync *self = task_sync (task);
  g_autoptr(TaubeNewMessage) message = NULL;
  g_autoptr(GBytes) raw = NULL;
  GError *error = NULL;

  /* Mapped, not read: a message of many megabytes is not copied into memory here. */
  raw = map_download (run->temp_path, &error);
  if (raw == NULL)
    {
      fail (task, error);
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
      fail (task, error);
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
  Run *run = task_run (task);
  GError *error = NULL;

  if (!taube_pop3_client_retrieve_finish (TAUBE_POP3_CLIENT (object), result, NULL, &error))
    {
      fail (task, error);
      return;
    }
  g_output_stream_close_async (run->temp_output, G_PRIORITY_DEFAULT,
                               g_task_get_cancellable (task), close_download_cb, task);
}

static void
start_retrieve (GTask         *task,
                GOutputStream *file_output)
{
  Run *run = task_run (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  run->temp_output = _taube_crash_point_stream (file_output, "mid-retr",
                                                MAX (run->current->size / 2, 1));
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
      fail (task, error);
      return;
    }
  start_retrieve (task, G_OUTPUT_STREAM (output));
}

static void
download (GTask                *task,
          TaubePop3MessageInfo *info)
{
  Run *run = task_run (task);
  g_autoptr(GFile) file = NULL;
  g_autofree char *name = NULL;

  _taube_crash_point ("before-retr");
  run->current = info;
  run->headers_only = _taube_pop3_policy_headers_only (&run->policy, info->size);
  name = g_strdup_printf (DOWNLOAD_PREFIX "%" G_GINT64_FORMAT ".%d.%u", g_get_real_time (),
                          (int) getpid (), info->number);
  run->temp_path = g_build_filename (run->download_dir, name, NULL);
  file = g_file_new_for_path (run->temp_path);
  g_debug ("downloading message %u (%" G_GUINT64_FORMAT " bytes%s)", info->number, info->size,
           run->headers_only ? ", header only" : "");
  g_file_create_async (file, G_FILE_CREATE_PRIVATE, G_PRIORITY_DEFAULT,
                       g_task_get_cancellable (task), create_download_cb, task);
}

/* Takes the task's reference that the download chain passes along. */
static void
download_next (GTask *task)
{
  Run *run = task_run (task);

  while (run->next < run->listing->len)
    {
      TaubePop3MessageInfo *info = g_ptr_array_index (run->listing, run->next++);

      if (_taube_pop3_policy_should_download (g_hash_table_lookup (run->states, info->uid)))
        {
          download (task, info);
          return;
        }
    }
  delete_and_quit (task);
}

/* -- What the store knows --------------------------------------------------------------- */

static GStrv
listing_uidls (Run *run)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < run->listing->len; i++)
    {
      TaubePop3MessageInfo *info = g_ptr_array_index (run->listing, i);
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (run->uidl_counts, info->uid));

      g_hash_table_replace (run->uidl_counts, info->uid, GUINT_TO_POINTER (count + 1));
      g_strv_builder_add (builder, info->uid);
    }
  return g_strv_builder_end (builder);
}

static void
note_uidls_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = task_run (task);
  GError *error = NULL;

  if (!taube_store_pop3_note_uidls_finish (TAUBE_STORE (object), result, &error))
    {
      fail (task, error);
      return;
    }
  run->states = taube_store_pop3_get_states (TAUBE_STORE (object), run->folder_id, &error);
  if (run->states == NULL)
    {
      fail (task, error);
      return;
    }
  download_next (task);
}

static void
scan_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = task_run (task);
  g_auto(GStrv) uidls = NULL;
  GError *error = NULL;

  run->listing = taube_pop3_client_list_finish (TAUBE_POP3_CLIENT (object), result, &error);
  if (run->listing == NULL)
    {
      fail (task, error);
      return;
    }
  run->stats.n_on_server = run->listing->len;
  uidls = listing_uidls (run);
  taube_store_pop3_note_uidls_async (task_sync (task)->store, run->folder_id,
                                     (const char *const *) uidls, run->now,
                                     g_task_get_cancellable (task), note_uidls_cb, task);
}

/* -- Connecting and logging in ---------------------------------------------------------- */

static void
login_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!taube_pop3_client_login_finish (TAUBE_POP3_CLIENT (object), result, &error))
    {
      fail (task, error);
      return;
    }
  taube_pop3_client_scan_async (TAUBE_POP3_CLIENT (object), g_task_get_cancellable (task),
                                scan_cb, task);
}

typedef struct
{
  GTask *task;
  char *password;
} LoginData;

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  LoginData *data = user_data;
  GTask *task = data->task;
  g_autofree char *password = data->password;
  GError *error = NULL;

  g_free (data);
  if (!taube_pop3_client_connect_finish (TAUBE_POP3_CLIENT (object), result, &error))
    {
      fail (task, error);
      return;
    }
  taube_pop3_client_login_async (TAUBE_POP3_CLIENT (object),
                                 taube_account_get_incoming_username (task_sync (task)->account),
                                 password, g_task_get_cancellable (task), login_cb, task);
  explicit_bzero (password, strlen (password));
}

static TaubeTlsTrust *
build_trust (TaubeAccount  *account,
             GError       **error)
{
  g_autoptr(TaubeTlsTrust) trust = taube_tls_trust_new ();
  g_autofree char *ca_file = NULL;
  g_auto(GStrv) pins = NULL;

  g_object_get (account, "ca-file", &ca_file, "pinned-certificates", &pins, NULL);
  if (ca_file != NULL && *ca_file != '\0' && !taube_tls_trust_add_ca_file (trust, ca_file, error))
    return NULL;
  for (guint i = 0; pins != NULL && pins[i] != NULL; i++)
    taube_tls_trust_add_pin (trust, pins[i]);
  return g_steal_pointer (&trust);
}

static TaubePop3Client *
build_client (TaubeAccount  *account,
              GError       **error)
{
  g_autoptr(TaubeTlsTrust) trust = build_trust (account, error);
  g_autoptr(TaubeConnection) connection = NULL;
  TaubePop3Client *client;
  TaubeSecurity security;
  gboolean allow_plaintext;
  guint port;

  if (trust == NULL)
    return NULL;
  g_object_get (account, "incoming-port", &port, "incoming-security", &security,
                "allow-plaintext", &allow_plaintext, NULL);
  connection = taube_connection_new (taube_account_get_incoming_host (account), (guint16) port,
                                     security, trust, "taube-pop3", CONNECT_TIMEOUT_MS,
                                     READ_TIMEOUT_MS);
  client = taube_pop3_client_new (connection);
  taube_pop3_client_set_allow_plaintext (client, allow_plaintext);
  return client;
}

static void
password_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = task_run (task);
  LoginData *data;
  g_autofree char *password = NULL;
  GError *error = NULL;

  password = taube_password_lookup_finish (result, &error);
  if (password == NULL && error == NULL)
    error = g_error_new (TAUBE_SYNC_ERROR, TAUBE_SYNC_ERROR_NEEDS_PASSWORD,
                         /* Translators: %s is an email address */
                         _("No password is stored for %s. Enter it to download mail."),
                         taube_account_get_email_address (task_sync (task)->account));
  if (password != NULL)
    run->client = build_client (task_sync (task)->account, &error);
  if (run->client == NULL)
    {
      fail (task, error);
      return;
    }
  data = g_new0 (LoginData, 1);
  data->task = task;
  data->password = g_steal_pointer (&password);
  taube_pop3_client_connect_async (run->client, g_task_get_cancellable (task), connect_cb, data);
}

static void
lookup_password (GTask *task)
{
  TaubeAccount *account = task_sync (task)->account;
  TaubePasswordKey key = {
    taube_account_get_id (account),
    "pop3",
    taube_account_get_incoming_host (account),
    taube_account_get_incoming_username (account),
  };

  taube_password_lookup_async (&key, g_task_get_cancellable (task), password_cb, task);
}

/* -- The inbox and leftovers ------------------------------------------------------------ */

/* A download cut off by a crash leaves its file in tmp/. The store never saw it, so it
 * is garbage; the message itself is still on the server and is fetched again. Only one
 * sync of an account runs at a time (TaubeSyncService's lock), so none of these files
 * belongs to a download in progress. */
static void
remove_leftovers (const char *download_dir)
{
  g_autoptr(GDir) dir = g_dir_open (download_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, DOWNLOAD_PREFIX))
      {
        g_autofree char *path = g_build_filename (download_dir, name, NULL);

        g_debug ("removing the interrupted download %s", name);
        g_unlink (path);
      }
}

static void
add_folder_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = task_run (task);
  GError *error = NULL;

  run->folder_id = taube_store_add_folder_finish (TAUBE_STORE (object), result, &error);
  if (run->folder_id > 0)
    run->download_dir = taube_store_pop3_get_download_dir (TAUBE_STORE (object), run->folder_id,
                                                           &error);
  if (run->download_dir == NULL)
    {
      fail (task, error);
      return;
    }
  remove_leftovers (run->download_dir);
  lookup_password (task);
}

static void
read_policy (TaubeAccount    *account,
             TaubePop3Policy *policy)
{
  g_object_get (account,
                "pop3-leave-on-server", &policy->leave_on_server,
                "pop3-delete-after-days", &policy->delete_after_days,
                "pop3-delete-when-deleted", &policy->delete_when_deleted,
                "pop3-max-size-kib", &policy->max_size_kib,
                NULL);
}

/* -- The object ------------------------------------------------------------------------- */

static void
taube_pop3_sync_finalize (GObject *object)
{
  TaubePop3Sync *self = TAUBE_POP3_SYNC (object);

  g_clear_object (&self->account);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (taube_pop3_sync_parent_class)->finalize (object);
}

static void
taube_pop3_sync_class_init (TaubePop3SyncClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = taube_pop3_sync_finalize;
}

static void
taube_pop3_sync_init (TaubePop3Sync *self)
{
}

/**
 * taube_pop3_sync_new:
 * @account: a POP3 account
 * @store: the store its inbox is kept in
 *
 * Returns: (transfer full): a sync for @account
 */
TaubePop3Sync *
taube_pop3_sync_new (TaubeAccount *account,
                     TaubeStore   *store)
{
  TaubePop3Sync *self;

  g_return_val_if_fail (TAUBE_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (TAUBE_IS_STORE (store), NULL);

  self = g_object_new (TAUBE_TYPE_POP3_SYNC, NULL);
  self->account = g_object_ref (account);
  self->store = g_object_ref (store);
  return self;
}

/**
 * taube_pop3_sync_set_now:
 * @self: a #TaubePop3Sync
 * @now: seconds since 1970, or 0 for the clock
 *
 * The time the deletion policy ("after N days") is judged at. Tests set it to see what
 * a sync in two weeks would do; the app leaves it at 0.
 */
void
taube_pop3_sync_set_now (TaubePop3Sync *self,
                         gint64         now)
{
  g_return_if_fail (TAUBE_IS_POP3_SYNC (self));

  self->now = now;
}

/**
 * taube_pop3_sync_run_async:
 * @self: a #TaubePop3Sync
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the run is over
 * @user_data: data for @callback
 *
 * Downloads every message of the account's POP3 mailbox that the store does not have yet
 * into the account's inbox, then deletes on the server what the account's settings say
 * may go, and only messages that are stored whole. The caller makes sure only one run per
 * account is going on (TaubeSyncService holds a lock).
 */
void
taube_pop3_sync_run_async (TaubePop3Sync       *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;
  Run *run;

  g_return_if_fail (TAUBE_IS_POP3_SYNC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_pop3_sync_run_async);
  run = g_new0 (Run, 1);
  read_policy (self->account, &run->policy);
  run->now = self->now != 0 ? self->now : real_now ();
  run->uidl_counts = g_hash_table_new (g_str_hash, g_str_equal);
  run->to_delete = g_array_new (FALSE, FALSE, sizeof (guint));
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);
  /* Role and name as IMAP would have them, so the views treat both kinds alike. */
  taube_store_add_folder_async (self->store, taube_account_get_id (self->account), "INBOX",
                                "Inbox", TAUBE_FOLDER_ROLE_INBOX, cancellable, add_folder_cb,
                                task);
}

/**
 * taube_pop3_sync_run_finish:
 * @self: a #TaubePop3Sync
 * @result: the result passed to the callback
 * @stats: (out caller-allocates) (optional): what the run did
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the run completed. On failure, what was stored stays stored and
 *   nothing was deleted on the server.
 */
gboolean
taube_pop3_sync_run_finish (TaubePop3Sync       *self,
                            GAsyncResult        *result,
                            TaubePop3SyncStats  *stats,
                            GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (stats != NULL)
    *stats = task_run (G_TASK (result))->stats;
  return g_task_propagate_boolean (G_TASK (result), error);
}
