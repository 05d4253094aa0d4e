/* taube-test-populate.c — fills the profile's store with message files, for the CLI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   taube-test-populate ACCOUNT FOLDER ROLE FILE...
 *
 * Adds FOLDER (role: none, inbox, sent, archive…) to ACCOUNT in the store of
 * $XDG_DATA_HOME/taube, then each FILE as a message through the engine's normal add path,
 * and prints the folder's id and then each message's id, one a line.
 */
#include <gio/gio.h>
#include <stdlib.h>

#include "taube-store.h"

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static TaubeFolderRole
parse_role (const char *text)
{
  GEnumClass *roles = g_type_class_ref (TAUBE_TYPE_FOLDER_ROLE);
  GEnumValue *value = g_enum_get_value_by_nick (roles, text);
  TaubeFolderRole role = value != NULL ? (TaubeFolderRole) value->value : TAUBE_FOLDER_ROLE_NONE;

  g_type_class_unref (roles);
  return role;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeStore) store = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gint64 folder_id;

  if (argc < 4)
    {
      g_printerr ("Usage: %s ACCOUNT FOLDER ROLE FILE...\n", argv[0]);
      return 2;
    }
  store = taube_store_new_sync (NULL, NULL, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  taube_store_add_folder_async (store, argv[1], argv[2], argv[2], parse_role (argv[3]), NULL,
                                result_cb, &result);
  folder_id = taube_store_add_folder_finish (store, wait_for (&result), &error);
  if (folder_id <= 0)
    g_error ("%s", error->message);
  g_print ("%" G_GINT64_FORMAT "\n", folder_id);

  for (int i = 4; i < argc; i++)
    {
      g_autofree char *contents = NULL;
      g_autoptr(TaubeNewMessage) message = NULL;
      g_autoptr(GBytes) raw = NULL;
      gsize len;
      gint64 id;

      if (!g_file_get_contents (argv[i], &contents, &len, &error))
        g_error ("%s", error->message);
      raw = g_bytes_new_take (g_steal_pointer (&contents), len);
      message = taube_new_message_new (raw);
      message->uid = (guint32) (i - 3);
      g_clear_object (&result);
      taube_store_add_message_async (store, folder_id, message, NULL, result_cb, &result);
      id = taube_store_add_message_finish (store, wait_for (&result), &error);
      if (id <= 0)
        g_error ("%s: %s", argv[i], error->message);
      g_print ("%" G_GINT64_FORMAT "\n", id);
    }
  return EXIT_SUCCESS;
}
