/* taube-imap-sync-folders.c — following the server's folder list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * LIST gives the names and their special-use attributes (RFC 6154). A name the store does
 * not know is a new folder or a renamed one; a stored name the server no longer lists is a
 * deleted folder or the old name of a renamed one. IMAP does not say which, but a rename
 * keeps the folder's UIDVALIDITY (RFC 9051 §6.3.6 lets it, and servers do), so each new
 * name is asked for its UIDVALIDITY with STATUS when some stored name went away: a match
 * is a rename and the folder keeps its messages; anything else is added or removed.
 */
#define G_LOG_DOMAIN "taube-sync"

#include "config.h"

#include "taube-imap-sync-private.h"
#include "taube-imap-error.h"
#include "taube-utf7.h"

typedef struct
{
  char *name;          /* modified UTF-7, as stored and sent */
  char *display_name;  /* UTF-8 */
  TaubeFolderRole role;
  guint32 uidvalidity; /* from STATUS, for new names only */
  gboolean is_new;
} ServerFolder;

typedef struct
{
  GPtrArray *server;   /* ServerFolder */
  GPtrArray *gone;     /* TaubeFolder the server no longer lists */
  guint next;
  guint phase;
} FoldersJob;

enum { PHASE_STATUS, PHASE_ADD, PHASE_REMOVE, PHASE_DONE };

static void
server_folder_free (ServerFolder *folder)
{
  g_free (folder->name);
  g_free (folder->display_name);
  g_free (folder);
}

static void
folders_job_free (FoldersJob *job)
{
  g_clear_pointer (&job->server, g_ptr_array_unref);
  g_clear_pointer (&job->gone, g_ptr_array_unref);
  g_free (job);
}

static TaubeFolderRole
role_of (const TaubeImapMailboxInfo *info)
{
  if (g_ascii_strcasecmp (info->name, "INBOX") == 0)
    return TAUBE_FOLDER_ROLE_INBOX;
  for (guint i = 0; info->flags != NULL && info->flags[i] != NULL; i++)
    {
      TaubeFolderRole role = taube_folder_role_from_special_use (info->flags[i]);

      if (role != TAUBE_FOLDER_ROLE_NONE)
        return role;
    }
  return TAUBE_FOLDER_ROLE_NONE;
}

/* Folders that cannot hold messages are not kept (RFC 9051 §7.3.1 \Noselect, \NonExistent). */
static GPtrArray *
server_folders (GPtrArray *mailboxes)
{
  GPtrArray *folders = g_ptr_array_new_with_free_func ((GDestroyNotify) server_folder_free);

  for (guint i = 0; i < mailboxes->len; i++)
    {
      const TaubeImapMailboxInfo *info = g_ptr_array_index (mailboxes, i);
      g_autoptr(GError) error = NULL;
      ServerFolder *folder;
      char *name;

      if (taube_imap_mailbox_info_has_flag (info, "\\Noselect")
          || taube_imap_mailbox_info_has_flag (info, "\\NonExistent"))
        continue;
      name = taube_utf7_encode (info->name, &error);
      if (name == NULL)
        {
          g_debug ("Skipping folder %s: %s", info->name, error->message);
          continue;
        }
      folder = g_new0 (ServerFolder, 1);
      folder->name = name;
      folder->display_name = g_strdup (info->name);
      folder->role = role_of (info);
      g_ptr_array_add (folders, folder);
    }
  return folders;
}

static gboolean
server_has (GPtrArray  *server,
            const char *name)
{
  for (guint i = 0; i < server->len; i++)
    if (g_strcmp0 (((ServerFolder *) g_ptr_array_index (server, i))->name, name) == 0)
      return TRUE;
  return FALSE;
}

/* Marks the server's new names and collects the stored folders it no longer lists. */
static gboolean
compare_with_store (TaubeImapSync  *self,
                    FoldersJob     *job,
                    GError        **error)
{
  g_autoptr(GListModel) stored = taube_store_list_folders (self->store, self->account_id, error);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  if (stored == NULL)
    return FALSE;
  job->gone = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (stored); i++)
    {
      g_autoptr(TaubeFolder) folder = g_list_model_get_item (stored, i);

      g_hash_table_add (names, (gpointer) taube_folder_get_name (folder));
      if (!server_has (job->server, taube_folder_get_name (folder)))
        g_ptr_array_add (job->gone, g_object_ref (folder));
    }
  for (guint i = 0; i < job->server->len; i++)
    {
      ServerFolder *folder = g_ptr_array_index (job->server, i);

      folder->is_new = !g_hash_table_contains (names, folder->name);
    }
  return TRUE;
}

static void folders_step (GTask *task);

static void
taube_imap_sync_folders_write_cb (GObject      *object,
                                  GAsyncResult *result,
                                  gpointer      user_data)
{
  GTask *task = user_data;
  TaubeStore *store = TAUBE_STORE (object);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (g_task_get_source_tag (G_TASK (result)) == taube_store_add_folder_async)
    ok = taube_store_add_folder_finish (store, result, &error) != 0;
  else if (g_task_get_source_tag (G_TASK (result)) == taube_store_rename_folder_async)
    ok = taube_store_rename_folder_finish (store, result, &error);
  else
    ok = taube_store_remove_folder_finish (store, result, &error);
  if (!ok)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  folders_step (task);
}

static void
taube_imap_sync_folders_status_cb (GObject      *object,
                                   GAsyncResult *result,
                                   gpointer      user_data)
{
  GTask *task = user_data;
  FoldersJob *job = g_task_get_task_data (task);
  ServerFolder *folder = g_ptr_array_index (job->server, job->next - 1);
  g_autoptr(TaubeImapResponse) response = NULL;
  g_autoptr(GPtrArray) untagged = NULL;
  g_autoptr(GError) error = NULL;

  response = taube_imap_client_command_finish (TAUBE_IMAP_CLIENT (object), result, &untagged,
                                               &error);
  /* A folder that went away between LIST and STATUS is simply not matched. */
  for (guint i = 0; untagged != NULL && i < untagged->len; i++)
    {
      TaubeImapResponse *item = g_ptr_array_index (untagged, i);
      const TaubeImapValue *data = taube_imap_response_get_data (item);
      const TaubeImapValue *value;
      guint64 number = 0;

      if (!taube_imap_response_is_keyword (item, "STATUS"))
        continue;
      value = taube_imap_value_lookup (taube_imap_value_get_item (data, 1), "UIDVALIDITY");
      if (value != NULL && taube_imap_value_get_number (value, &number))
        folder->uidvalidity = (guint32) number;
    }
  if (response == NULL && !g_error_matches (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_SERVER_NO))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  folders_step (task);
}

static TaubeFolder *
take_renamed (FoldersJob   *job,
              ServerFolder *folder)
{
  for (guint i = 0; folder->uidvalidity != 0 && i < job->gone->len; i++)
    {
      TaubeFolder *old = g_ptr_array_index (job->gone, i);

      if (taube_folder_get_uidvalidity (old) == folder->uidvalidity)
        return g_ptr_array_steal_index (job->gone, i);
    }
  return NULL;
}

/* Adds or updates a server folder, following a rename where the UIDVALIDITY says so. */
static void
store_folder (TaubeImapSync *self,
              GTask         *task,
              ServerFolder  *folder)
{
  FoldersJob *job = g_task_get_task_data (task);
  g_autoptr(TaubeFolder) renamed = folder->is_new ? take_renamed (job, folder) : NULL;

  if (renamed != NULL)
    {
      g_debug ("Folder %s was renamed to %s", taube_folder_get_name (renamed), folder->name);
      taube_store_rename_folder_async (self->store, taube_folder_get_id (renamed), folder->name,
                                       folder->display_name, folder->role,
                                       g_task_get_cancellable (task),
                                       taube_imap_sync_folders_write_cb, task);
      return;
    }
  taube_store_add_folder_async (self->store, self->account_id, folder->name,
                                folder->display_name, folder->role,
                                g_task_get_cancellable (task),
                                taube_imap_sync_folders_write_cb, task);
}

static void
folders_step (GTask *task)
{
  TaubeImapSync *self = g_task_get_source_object (task);
  FoldersJob *job = g_task_get_task_data (task);

  if (job->phase == PHASE_STATUS)
    {
      /* Only worth asking when something went away that a new name could be. */
      while (job->gone->len > 0 && job->next < job->server->len)
        {
          ServerFolder *folder = g_ptr_array_index (job->server, job->next++);
          g_autofree char *command = NULL;
          g_autofree char *quoted = NULL;

          if (!folder->is_new)
            continue;
          quoted = _taube_imap_sync_quote_mailbox (folder->name);
          command = g_strdup_printf ("STATUS %s (UIDVALIDITY)", quoted);
          taube_imap_client_command_async (self->client, command, g_task_get_cancellable (task),
                                           taube_imap_sync_folders_status_cb, task);
          return;
        }
      job->phase = PHASE_ADD;
      job->next = 0;
    }
  if (job->phase == PHASE_ADD)
    {
      if (job->next < job->server->len)
        {
          store_folder (self, task, g_ptr_array_index (job->server, job->next++));
          return;
        }
      job->phase = PHASE_REMOVE;
    }
  if (job->phase == PHASE_REMOVE && job->gone->len > 0)
    {
      g_autoptr(TaubeFolder) folder = g_ptr_array_steal_index (job->gone, job->gone->len - 1);

      g_debug ("Folder %s is gone from the server", taube_folder_get_name (folder));
      taube_store_remove_folder_async (self->store, taube_folder_get_id (folder),
                                       g_task_get_cancellable (task),
                                       taube_imap_sync_folders_write_cb, task);
      return;
    }
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
taube_imap_sync_folders_list_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  GTask *task = user_data;
  TaubeImapSync *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) mailboxes = NULL;
  FoldersJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  mailboxes = taube_imap_client_list_finish (TAUBE_IMAP_CLIENT (object), result, &error);
  if (mailboxes == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  job->server = server_folders (mailboxes);
  if (!compare_with_store (self, job, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  folders_step (task);
}

/**
 * taube_imap_sync_folders_async:
 * @self: a #TaubeImapSync
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the store's folders match the server's
 * @user_data: data for @callback
 *
 * Follows new, renamed and deleted folders and their special-use roles.
 */
void
taube_imap_sync_folders_async (TaubeImapSync       *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TAUBE_IS_IMAP_SYNC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_imap_sync_folders_async);
  g_task_set_task_data (task, g_new0 (FoldersJob, 1), (GDestroyNotify) folders_job_free);
  taube_imap_client_list_async (self->client, cancellable, taube_imap_sync_folders_list_cb,
                                task);
}

gboolean
taube_imap_sync_folders_finish (TaubeImapSync  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
