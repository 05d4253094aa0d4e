/* taube-remove-local-mail.c — deletes a removed account's mail from this computer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store has no "remove account" call; removing each of the account's folders
 * removes its messages and their files.  Runs in the background with the application
 * held, after the person confirmed the removal.
 */
#define G_LOG_DOMAIN "taube-preferences"

#include "config.h"

#include "taube-remove-local-mail.h"
#include "taube-store.h"

typedef struct
{
  GApplication *application;
  char *account_id;
  TaubeStore *store;
  guint pending;
} Removal;

static void
removal_free (Removal *removal)
{
  g_application_release (removal->application);
  g_object_unref (removal->application);
  g_free (removal->account_id);
  g_clear_object (&removal->store);
  g_free (removal);
}

static void
folder_removed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Removal *removal = user_data;
  g_autoptr(GError) error = NULL;

  if (!taube_store_remove_folder_finish (TAUBE_STORE (object), result, &error))
    g_warning ("Could not delete a folder of account %s: %s", removal->account_id,
               error->message);
  if (--removal->pending == 0)
    removal_free (removal);
}

static void
store_opened_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Removal *removal = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) folders = NULL;

  removal->store = taube_store_new_finish (result, &error);
  if (removal->store != NULL)
    folders = taube_store_list_folders (removal->store, removal->account_id, &error);
  if (folders == NULL)
    {
      g_warning ("Could not delete the mail of account %s: %s", removal->account_id,
                 error->message);
      removal_free (removal);
      return;
    }
  removal->pending = g_list_model_get_n_items (folders);
  if (removal->pending == 0)
    {
      removal_free (removal);
      return;
    }
  for (guint i = 0; i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr(TaubeFolder) folder = g_list_model_get_item (folders, i);

      taube_store_remove_folder_async (removal->store, taube_folder_get_id (folder), NULL,
                                       folder_removed_cb, removal);
    }
}

/**
 * taube_remove_local_mail:
 * @application: the application, held until the mail is deleted
 * @account_id: the account whose folders and messages go
 *
 * Deletes everything the local store keeps for @account_id, in the background.
 */
void
taube_remove_local_mail (GApplication *application,
                         const char   *account_id)
{
  Removal *removal;

  g_return_if_fail (G_IS_APPLICATION (application));
  g_return_if_fail (account_id != NULL);

  removal = g_new0 (Removal, 1);
  removal->application = g_object_ref (application);
  removal->account_id = g_strdup (account_id);
  g_application_hold (application);
  taube_store_new_async (NULL, NULL, store_opened_cb, removal);
}
