/* taube-account-manager.c — the accounts, as a list model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One key file per account in $XDG_CONFIG_HOME/taube/accounts/ID.conf. Files are small
 * and written with g_file_set_contents(), which writes a temporary file, fsyncs and
 * renames it, so a crash leaves either the old or the new settings, and the app and
 * taube-cli can share a profile without ever reading half a file.
 */
#define G_LOG_DOMAIN "taube-accounts"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <glib/gstdio.h>

#include "taube-account-manager.h"

struct _TaubeAccountManager
{
  GObject parent_instance;

  char *directory;
  GPtrArray *accounts;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TaubeAccountManager, taube_account_manager, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return TAUBE_TYPE_ACCOUNT;
}

static guint
get_n_items (GListModel *model)
{
  return TAUBE_ACCOUNT_MANAGER (model)->accounts->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  TaubeAccountManager *self = TAUBE_ACCOUNT_MANAGER (model);

  if (position >= self->accounts->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->accounts, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
taube_account_manager_finalize (GObject *object)
{
  TaubeAccountManager *self = TAUBE_ACCOUNT_MANAGER (object);

  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  g_free (self->directory);

  G_OBJECT_CLASS (taube_account_manager_parent_class)->finalize (object);
}

static void
taube_account_manager_class_init (TaubeAccountManagerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = taube_account_manager_finalize;
}

static void
taube_account_manager_init (TaubeAccountManager *self)
{
  self->accounts = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * taube_account_manager_new:
 * @directory: (nullable): where the account files are; %NULL for
 *   $XDG_CONFIG_HOME/taube/accounts
 *
 * Returns: (transfer full): an empty manager; call taube_account_manager_load()
 */
TaubeAccountManager *
taube_account_manager_new (const char *directory)
{
  TaubeAccountManager *self = g_object_new (TAUBE_TYPE_ACCOUNT_MANAGER, NULL);

  self->directory = directory != NULL
                      ? g_strdup (directory)
                      : g_build_filename (g_get_user_config_dir (), "taube", "accounts", NULL);
  return self;
}

const char *
taube_account_manager_get_directory (TaubeAccountManager *self)
{
  g_return_val_if_fail (TAUBE_IS_ACCOUNT_MANAGER (self), NULL);
  return self->directory;
}

static int
compare_by_address (gconstpointer a,
                    gconstpointer b)
{
  TaubeAccount *left = *(TaubeAccount **) a;
  TaubeAccount *right = *(TaubeAccount **) b;

  return g_strcmp0 (taube_account_get_email_address (left),
                    taube_account_get_email_address (right));
}

static TaubeAccount *
load_file (const char  *path,
           GError     **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  TaubeAccount *account;

  if (!g_key_file_load_from_file (keyfile, path, G_KEY_FILE_NONE, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", path);
      return NULL;
    }
  account = taube_account_new_from_keyfile (keyfile, &local_error);
  if (account == NULL)
    g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", path);
  return account;
}

/**
 * taube_account_manager_load:
 * @self: a #TaubeAccountManager
 * @error: return location for the first broken file's error
 *
 * Reads every account file. A broken file is skipped (with a warning) so one bad file
 * does not hide the other accounts; @error reports the first one.
 *
 * Returns: %TRUE if every file could be read
 */
gboolean
taube_account_manager_load (TaubeAccountManager  *self,
                            GError              **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) first_error = NULL;
  g_autoptr(GPtrArray) loaded = g_ptr_array_new_with_free_func (g_object_unref);
  const char *name;
  guint old_len;

  g_return_val_if_fail (TAUBE_IS_ACCOUNT_MANAGER (self), FALSE);

  dir = g_dir_open (self->directory, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(GError) local_error = NULL;
      TaubeAccount *account;

      if (!g_str_has_suffix (name, ".conf"))
        continue;
      path = g_build_filename (self->directory, name, NULL);
      account = load_file (path, &local_error);
      if (account != NULL)
        g_ptr_array_add (loaded, account);
      else
        {
          g_warning ("Skipping account file: %s", local_error->message);
          if (first_error == NULL)
            first_error = g_steal_pointer (&local_error);
        }
    }
  g_ptr_array_sort (loaded, compare_by_address);

  old_len = self->accounts->len;
  g_ptr_array_set_size (self->accounts, 0);
  g_ptr_array_extend_and_steal (self->accounts, g_steal_pointer (&loaded));
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len, self->accounts->len);

  if (first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }
  return TRUE;
}

static gboolean
find (TaubeAccountManager *self,
      const char          *id,
      guint               *position)
{
  for (guint i = 0; i < self->accounts->len; i++)
    if (g_strcmp0 (taube_account_get_id (g_ptr_array_index (self->accounts, i)), id) == 0)
      {
        *position = i;
        return TRUE;
      }
  return FALSE;
}

/**
 * taube_account_manager_lookup:
 * @self: a #TaubeAccountManager
 * @id: an account id
 *
 * Returns: (transfer none) (nullable): the account with @id
 */
TaubeAccount *
taube_account_manager_lookup (TaubeAccountManager *self,
                              const char          *id)
{
  guint position;

  g_return_val_if_fail (TAUBE_IS_ACCOUNT_MANAGER (self), NULL);

  return find (self, id, &position) ? g_ptr_array_index (self->accounts, position) : NULL;
}

static char *
account_path (TaubeAccountManager *self,
              const char          *id)
{
  g_autofree char *name = g_strconcat (id, ".conf", NULL);

  return g_build_filename (self->directory, name, NULL);
}

/* Writes one account's key file; blocks (fsync), so the async variant runs it in a worker
 * with copies of the directory, the path and the data. */
static gboolean
write_account_file (const char   *directory,
                    const char   *path,
                    const char   *data,
                    gsize         length,
                    GError      **error)
{
  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved_errno = errno;

      /* Translators: %s is a folder, the second %s the system's reason */
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create the folder %s: %s"), directory,
                   g_strerror (saved_errno));
      return FALSE;
    }
  return g_file_set_contents_full (path, data, (gssize) length,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}

/* A saved account that is new joins the list; an existing one is the same object. */
static void
add_if_new (TaubeAccountManager *self,
            TaubeAccount        *account)
{
  guint position;

  if (find (self, taube_account_get_id (account), &position))
    return;
  g_ptr_array_add (self->accounts, g_object_ref (account));
  g_list_model_items_changed (G_LIST_MODEL (self), self->accounts->len - 1, 0, 1);
}

/**
 * taube_account_manager_save:
 * @self: a #TaubeAccountManager
 * @account: the account to write
 * @error: return location for a #GError
 *
 * Validates and writes @account's key file, and adds it to the list if it is new. This
 * blocks on the disk (fsync); a UI uses taube_account_manager_save_async().
 *
 * Returns: %TRUE on success
 */
gboolean
taube_account_manager_save (TaubeAccountManager  *self,
                            TaubeAccount         *account,
                            GError              **error)
{
  g_autoptr(GKeyFile) keyfile = NULL;
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  gsize length;

  g_return_val_if_fail (TAUBE_IS_ACCOUNT_MANAGER (self), FALSE);
  g_return_val_if_fail (TAUBE_IS_ACCOUNT (account), FALSE);

  if (!taube_account_validate (account, error))
    return FALSE;
  keyfile = taube_account_to_keyfile (account);
  data = g_key_file_to_data (keyfile, &length, NULL);
  path = account_path (self, taube_account_get_id (account));
  if (!write_account_file (self->directory, path, data, length, error))
    return FALSE;
  add_if_new (self, account);
  return TRUE;
}

typedef struct
{
  char *directory;
  char *path;
  char *data;
  gsize length;
} SaveData;

static void
save_data_free (SaveData *save)
{
  g_free (save->directory);
  g_free (save->path);
  g_free (save->data);
  g_free (save);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveData *save = task_data;
  GError *error = NULL;

  if (write_account_file (save->directory, save->path, save->data, save->length, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
save_written_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* Back on the caller's context: the list changes where its views live. */
  add_if_new (TAUBE_ACCOUNT_MANAGER (object), g_task_get_task_data (task));
  g_task_return_boolean (task, TRUE);
}

/**
 * taube_account_manager_save_async:
 * @self: a #TaubeAccountManager
 * @account: the account to write
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the file is written
 * @user_data: data for @callback
 *
 * Like taube_account_manager_save(), with the disk write in a worker thread: the settings
 * are taken from @account now, and the list changes on the caller's main context.
 */
void
taube_account_manager_save_async (TaubeAccountManager *self,
                                  TaubeAccount        *account,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) writer = NULL;
  g_autoptr(GKeyFile) keyfile = NULL;
  g_autoptr(GError) error = NULL;
  SaveData *save;

  g_return_if_fail (TAUBE_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (TAUBE_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_account_manager_save_async);
  g_task_set_task_data (task, g_object_ref (account), g_object_unref);
  if (!taube_account_validate (account, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  save = g_new0 (SaveData, 1);
  keyfile = taube_account_to_keyfile (account);
  save->data = g_key_file_to_data (keyfile, &save->length, NULL);
  save->directory = g_strdup (self->directory);
  save->path = account_path (self, taube_account_get_id (account));
  /* The write itself is not cancelled halfway: the file is then either old or new. */
  writer = g_task_new (self, NULL, save_written_cb, g_steal_pointer (&task));
  g_task_set_task_data (writer, save, (GDestroyNotify) save_data_free);
  g_task_run_in_thread (writer, save_thread);
}

/**
 * taube_account_manager_save_finish:
 * @self: a #TaubeAccountManager
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the account was written
 */
gboolean
taube_account_manager_save_finish (TaubeAccountManager  *self,
                                   GAsyncResult         *result,
                                   GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * taube_account_manager_remove:
 * @self: a #TaubeAccountManager
 * @id: the account to remove
 * @error: return location for a #GError
 *
 * Deletes the account's settings. Its passwords are removed separately with
 * taube_password_clear_async(), its local mail by the store.
 *
 * Returns: %TRUE on success
 */
gboolean
taube_account_manager_remove (TaubeAccountManager  *self,
                              const char           *id,
                              GError              **error)
{
  g_autofree char *path = NULL;
  guint position;

  g_return_val_if_fail (TAUBE_IS_ACCOUNT_MANAGER (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (!find (self, id, &position))
    {
      /* Translators: %s is an account id */
      g_set_error (error, TAUBE_ACCOUNT_ERROR, TAUBE_ACCOUNT_ERROR_NOT_FOUND,
                   _("There is no account “%s”."), id);
      return FALSE;
    }
  path = account_path (self, id);
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not delete %s: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }
  g_ptr_array_remove_index (self->accounts, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  return TRUE;
}
