/* taube-outbox-sent.c — the copy of a sent message in the store's local Sent folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What POP3 accounts get: their Sent folder exists only on this computer. IMAP accounts
 * get IMAP APPEND (taube-outbox-imap.c).
 */
#define G_LOG_DOMAIN "taube-outbox"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "taube-outbox-private.h"

static gint64
find_sent_folder (TaubeStore *store,
                  const char *account_id)
{
  g_autoptr(GListModel) folders = taube_store_list_folders (store, account_id, NULL);
  guint n = folders != NULL ? g_list_model_get_n_items (folders) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TaubeFolder) folder = g_list_model_get_item (folders, i);

      if (taube_folder_get_role (folder) == TAUBE_FOLDER_ROLE_SENT)
        return taube_folder_get_id (folder);
    }
  return 0;
}

static void
message_added_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (taube_store_add_message_finish (TAUBE_STORE (object), result, &error) <= 0)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
add_to_folder (GTask  *task,
               gint64  folder_id)
{
  TaubeStore *store = g_task_get_source_object (task);
  g_autoptr(TaubeNewMessage) message = taube_new_message_new (g_task_get_task_data (task));

  /* The person wrote it: it is read already. */
  message->flags = TAUBE_MESSAGE_FLAG_SEEN;
  taube_store_add_message_async (store, folder_id, message, g_task_get_cancellable (task),
                                 message_added_cb, g_object_ref (task));
}

static void
folder_added_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gint64 folder_id = taube_store_add_folder_finish (TAUBE_STORE (object), result, &error);

  if (folder_id <= 0)
    {
      g_task_return_error (task, error);
      return;
    }
  add_to_folder (task, folder_id);
}

void
_taube_outbox_save_local (TaubeOutbox         *outbox,
                          TaubeAccount        *account,
                          GBytes              *raw,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  TaubeStore *store = _taube_outbox_get_store (outbox);
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);
  gint64 folder_id = find_sent_folder (store, taube_account_get_id (account));

  g_task_set_source_tag (task, _taube_outbox_save_local);
  g_task_set_task_data (task, g_bytes_ref (raw), (GDestroyNotify) g_bytes_unref);
  if (folder_id > 0)
    {
      add_to_folder (task, folder_id);
      return;
    }
  /* Translators: the name of the folder that keeps sent mail */
  taube_store_add_folder_async (store, taube_account_get_id (account), "Sent", _("Sent"),
                                TAUBE_FOLDER_ROLE_SENT, cancellable, folder_added_cb,
                                g_steal_pointer (&task));
}

gboolean
_taube_outbox_save_local_finish (GAsyncResult  *result,
                                 GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
