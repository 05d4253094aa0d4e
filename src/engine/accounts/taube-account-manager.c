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

/**
 * taube_account_manager_save:
 * @self: a #TaubeAccountManager
 * @account: a new or changed account
 * @error: return location for a #GError
 *
 * Validates @account and writes its file; a new account is added to the list.
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
  guint position;

  g_return_val_if_fail (TAUBE_IS_ACCOUNT_MANAGER (self), FALSE);
  g_return_val_if_fail (TAUBE_IS_ACCOUNT (account), FALSE);

  if (!taube_account_validate (account, error))
    return FALSE;
  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      int saved_errno = errno;

      /* Translators: %s is a folder, the second %s the system's reason */
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create the folder %s: %s"), self->directory,
                   g_strerror (saved_errno));
      return FALSE;
    }

  keyfile = taube_account_to_keyfile (account);
  data = g_key_file_to_data (keyfile, &length, NULL);
  path = account_path (self, taube_account_get_id (account));
  if (!g_file_set_contents_full (path, data, (gssize) length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, error))
    return FALSE;

  if (!find (self, taube_account_get_id (account), &position))
    {
      g_ptr_array_add (self->accounts, g_object_ref (account));
      g_list_model_items_changed (G_LIST_MODEL (self), self->accounts->len - 1, 0, 1);
    }
  return TRUE;
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
