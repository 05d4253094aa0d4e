/* taube-imap-sync.c — keeps the store in step with an IMAP account
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A TaubeImapSync works on one logged-in TaubeImapClient and runs one thing at a time on
 * it: the folder list (taube-imap-sync-folders.c), then each folder
 * (taube-imap-sync-folder.c). Who connects, when to sync and IDLE is decided by its owner
 * (TaubeImapPush, the sync service). See README.md in this folder for the design.
 */
#define G_LOG_DOMAIN "taube-sync"

#include "config.h"

#include "taube-imap-sync-private.h"

#define DEFAULT_WINDOW 1000

G_DEFINE_FINAL_TYPE (TaubeImapSync, taube_imap_sync, G_TYPE_OBJECT)

static void
taube_imap_sync_finalize (GObject *object)
{
  TaubeImapSync *self = TAUBE_IMAP_SYNC (object);

  g_clear_object (&self->store);
  g_clear_object (&self->client);
  g_free (self->account_id);
  G_OBJECT_CLASS (taube_imap_sync_parent_class)->finalize (object);
}

static void
taube_imap_sync_class_init (TaubeImapSyncClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = taube_imap_sync_finalize;
}

static void
taube_imap_sync_init (TaubeImapSync *self)
{
  self->use_qresync = TRUE;
  self->window = DEFAULT_WINDOW;
}

/**
 * taube_imap_sync_new:
 * @store: the store to fill
 * @account_id: the account's id in the store
 * @client: a logged-in client, used by nobody else while a sync runs
 *
 * Returns: (transfer full): a new #TaubeImapSync
 */
TaubeImapSync *
taube_imap_sync_new (TaubeStore      *store,
                     const char      *account_id,
                     TaubeImapClient *client)
{
  TaubeImapSync *self;

  g_return_val_if_fail (TAUBE_IS_STORE (store), NULL);
  g_return_val_if_fail (account_id != NULL, NULL);
  g_return_val_if_fail (TAUBE_IS_IMAP_CLIENT (client), NULL);

  self = g_object_new (TAUBE_TYPE_IMAP_SYNC, NULL);
  self->store = g_object_ref (store);
  self->account_id = g_strdup (account_id);
  self->client = g_object_ref (client);
  return self;
}

TaubeImapClient *
taube_imap_sync_get_client (TaubeImapSync *self)
{
  g_return_val_if_fail (TAUBE_IS_IMAP_SYNC (self), NULL);

  return self->client;
}

/**
 * taube_imap_sync_set_use_qresync:
 * @self: a #TaubeImapSync
 * @use_qresync: %FALSE to ignore QRESYNC and CONDSTORE and compare flags UID by UID, as
 *   with a server that offers neither (tests use it)
 *
 * Takes effect at the next taube_imap_sync_prepare_async().
 */
void
taube_imap_sync_set_use_qresync (TaubeImapSync *self,
                                 gboolean       use_qresync)
{
  g_return_if_fail (TAUBE_IS_IMAP_SYNC (self));

  self->use_qresync = use_qresync;
}

/**
 * taube_imap_sync_set_window:
 * @self: a #TaubeImapSync
 * @window: UIDs per FETCH and per store transaction (default 1000)
 */
void
taube_imap_sync_set_window (TaubeImapSync *self,
                            guint          window)
{
  g_return_if_fail (TAUBE_IS_IMAP_SYNC (self));
  g_return_if_fail (window > 0);

  self->window = window;
}

/**
 * taube_imap_sync_set_bodies:
 * @self: a #TaubeImapSync
 * @bodies: which bodies a sync downloads
 * @days: with %TAUBE_IMAP_SYNC_BODIES_RECENT, how many days back
 */
void
taube_imap_sync_set_bodies (TaubeImapSync       *self,
                            TaubeImapSyncBodies  bodies,
                            guint                days)
{
  g_return_if_fail (TAUBE_IS_IMAP_SYNC (self));

  self->bodies = bodies;
  self->body_days = days;
}

/**
 * taube_imap_sync_get_stats:
 * @self: a #TaubeImapSync
 *
 * Returns: what the syncs of this object did so far
 */
const TaubeImapSyncStats *
taube_imap_sync_get_stats (TaubeImapSync *self)
{
  g_return_val_if_fail (TAUBE_IS_IMAP_SYNC (self), NULL);

  return &self->stats;
}

/* A mailbox name (modified UTF-7, as stored) as an IMAP quoted string. */
char *
_taube_imap_sync_quote_mailbox (const char *name)
{
  GString *quoted = g_string_new ("\"");

  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (quoted, '\\');
      g_string_append_c (quoted, *p);
    }
  g_string_append_c (quoted, '"');
  return g_string_free (quoted, FALSE);
}

/* -- Prepare: ENABLE ---------------------------------------------------------------------- */

static void
taube_imap_sync_enable_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeImapSync *self = g_task_get_source_object (task);
  g_autoptr(TaubeImapResponse) response = NULL;
  g_autoptr(GPtrArray) untagged = NULL;
  GError *error = NULL;

  response = taube_imap_client_command_finish (TAUBE_IMAP_CLIENT (object), result, &untagged,
                                               &error);
  if (response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* RFC 5161 §3.2: "* ENABLED" names what the server switched on. */
  for (guint i = 0; i < untagged->len; i++)
    {
      TaubeImapResponse *item = g_ptr_array_index (untagged, i);
      const TaubeImapValue *data = taube_imap_response_get_data (item);

      if (!taube_imap_response_is_keyword (item, "ENABLED"))
        continue;
      for (guint j = 0; j < taube_imap_value_get_length (data); j++)
        {
          const TaubeImapValue *atom = taube_imap_value_get_item (data, j);

          if (taube_imap_value_is_atom (atom, "QRESYNC"))
            self->qresync = self->condstore = TRUE;
          else if (taube_imap_value_is_atom (atom, "CONDSTORE"))
            self->condstore = TRUE;
        }
    }
  g_debug ("QRESYNC %s, CONDSTORE %s", self->qresync ? "on" : "off",
           self->condstore ? "on" : "off");
  g_task_return_boolean (task, TRUE);
}

/**
 * taube_imap_sync_prepare_async:
 * @self: a #TaubeImapSync
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Switches on QRESYNC (RFC 7162 §3.2.3), or CONDSTORE, when the server offers them. Call it
 * once per session, before the first sync.
 */
void
taube_imap_sync_prepare_async (TaubeImapSync       *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const char *command = NULL;

  g_return_if_fail (TAUBE_IS_IMAP_SYNC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_imap_sync_prepare_async);
  self->qresync = self->condstore = FALSE;
  if (self->use_qresync && taube_imap_client_has_capability (self->client, "QRESYNC"))
    command = "ENABLE QRESYNC";
  else if (self->use_qresync && taube_imap_client_has_capability (self->client, "CONDSTORE"))
    command = "ENABLE CONDSTORE";
  if (command == NULL || !taube_imap_client_has_capability (self->client, "ENABLE"))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  taube_imap_client_command_async (self->client, command, cancellable,
                                   taube_imap_sync_enable_cb, g_steal_pointer (&task));
}

gboolean
taube_imap_sync_prepare_finish (TaubeImapSync  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* -- Everything: the folder list, then each folder, the Inbox first ----------------------- */

typedef struct
{
  GArray *folder_ids;
  guint next;
} AllJob;

static void
all_job_free (AllJob *job)
{
  g_array_unref (job->folder_ids);
  g_free (job);
}

static void sync_next_folder (GTask *task);

static void
taube_imap_sync_all_folder_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!taube_imap_sync_folder_finish (TAUBE_IMAP_SYNC (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  sync_next_folder (g_steal_pointer (&task));
}

static void
sync_next_folder (GTask *task)
{
  TaubeImapSync *self = g_task_get_source_object (task);
  AllJob *job = g_task_get_task_data (task);

  if (job->next >= job->folder_ids->len)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  taube_imap_sync_folder_async (self, g_array_index (job->folder_ids, gint64, job->next++),
                                g_task_get_cancellable (task), taube_imap_sync_all_folder_cb,
                                task);
}

/* The Inbox first: it is what the person looks at. */
static GArray *
folders_to_sync (TaubeImapSync  *self,
                 GError        **error)
{
  g_autoptr(GListModel) folders = taube_store_list_folders (self->store, self->account_id,
                                                            error);
  g_autoptr(GArray) ids = NULL;

  if (folders == NULL)
    return NULL;
  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr(TaubeFolder) folder = g_list_model_get_item (folders, i);
      gint64 id = taube_folder_get_id (folder);

      if (taube_folder_get_role (folder) == TAUBE_FOLDER_ROLE_INBOX)
        g_array_prepend_val (ids, id);
      else
        g_array_append_val (ids, id);
    }
  return g_steal_pointer (&ids);
}

static void
taube_imap_sync_all_folders_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeImapSync *self = TAUBE_IMAP_SYNC (object);
  AllJob *job;
  GError *error = NULL;

  if (!taube_imap_sync_folders_finish (self, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  job = g_new0 (AllJob, 1);
  job->folder_ids = folders_to_sync (self, &error);
  if (job->folder_ids == NULL)
    {
      all_job_free (job);
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, job, (GDestroyNotify) all_job_free);
  sync_next_folder (g_steal_pointer (&task));
}

/**
 * taube_imap_sync_all_async:
 * @self: a #TaubeImapSync
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when every folder is synced, or at the first error
 * @user_data: data for @callback
 *
 * Follows the folder list, then syncs each selectable folder, the Inbox first.
 */
void
taube_imap_sync_all_async (TaubeImapSync       *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TAUBE_IS_IMAP_SYNC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_imap_sync_all_async);
  taube_imap_sync_folders_async (self, cancellable, taube_imap_sync_all_folders_cb,
                                 g_steal_pointer (&task));
}

gboolean
taube_imap_sync_all_finish (TaubeImapSync  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
