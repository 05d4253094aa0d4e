/* sync-test-util.h — a store, IMAP sessions and Dovecot's doveadm for the sync tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib/gstdio.h>
#include <string.h>

#include "taube-imap-client.h"
#include "taube-imap-sync.h"
#include "taube-store.h"
#include "taube-store-sync.h"
#include "taube-test-async.h"

#define SYNC_TEST_ACCOUNT "alice-imap"

static inline TaubeImapClient *
sync_test_connect (guint16   port,
                   GError  **error)
{
  g_autoptr(TaubeTlsTrust) trust = taube_tls_trust_new ();
  g_autoptr(TaubeConnection) connection = NULL;
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GAsyncResult) logged_in = NULL;

  if (!taube_tls_trust_add_ca_file (trust, taube_test_rig_env ("TAUBE_RIG_CA"), error))
    return NULL;
  connection = taube_connection_new (taube_test_rig_env ("TAUBE_RIG_HOST"), port,
                                     TAUBE_SECURITY_TLS, trust, "taube-imap", 5000, 20000);
  client = taube_imap_client_new (connection);
  taube_imap_client_connect_async (client, NULL, taube_test_store_result_cb, &connected);
  if (!taube_imap_client_connect_finish (client, taube_test_wait (&connected), error))
    return NULL;
  taube_imap_client_login_async (client, taube_test_rig_env ("TAUBE_RIG_USER"),
                                 taube_test_rig_env ("TAUBE_RIG_PASSWORD"), NULL,
                                 taube_test_store_result_cb, &logged_in);
  if (!taube_imap_client_login_finish (client, taube_test_wait (&logged_in), error))
    return NULL;
  return g_steal_pointer (&client);
}

static inline TaubeImapClient *
sync_test_alice (void)
{
  g_autoptr(GError) error = NULL;
  TaubeImapClient *client = sync_test_connect (taube_test_rig_port ("TAUBE_RIG_IMAPS_PORT"),
                                               &error);

  g_assert_no_error (error);
  return client;
}

/* A command on a second session, as another mail client would send it. */
static inline void
sync_test_command (TaubeImapClient *client,
                   const char      *command)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TaubeImapResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  taube_imap_client_command_async (client, command, NULL, taube_test_store_result_cb, &result);
  response = taube_imap_client_command_finish (client, taube_test_wait (&result), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);
}

/* Delivers the message @raw into @mailbox of the rig's first user with doveadm save. */
static inline void
sync_test_save_raw (const char *mailbox,
                    const char *raw)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) doveadm = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GBytes) input = g_bytes_new (raw, strlen (raw));

  doveadm = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                              | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              "doveadm", "-c", taube_test_rig_env ("TAUBE_RIG_DOVECOT_CONF"),
                              "save", "-u", taube_test_rig_env ("TAUBE_RIG_USER"),
                              "-m", mailbox, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate (doveadm, input, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (doveadm))
    g_error ("doveadm save failed: %.*s", (int) g_bytes_get_size (err),
             (const char *) g_bytes_get_data (err, NULL));
}

/* Delivers a short plain message with @subject (also its Message-ID) into @mailbox. */
static inline void
sync_test_save (const char *mailbox,
                const char *subject,
                const char *extra_headers)
{
  g_autofree char *message = g_strdup_printf (
    "From: Grete Sender <grete@example.test>\r\nTo: alice@example.test\r\n"
    "Subject: %s\r\nDate: Tue, 3 Mar 2026 10:00:00 +0100\r\n"
    "Message-ID: <%s@example.test>\r\n%s\r\nBody of %s.\r\n",
    subject, subject, extra_headers != NULL ? extra_headers : "", subject);

  sync_test_save_raw (mailbox, message);
}

static inline TaubeStore *
sync_test_new_store (char **dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  TaubeStore *store;

  *dir = g_dir_make_tmp ("taube-sync-XXXXXX", &error);
  g_assert_no_error (error);
  file = g_file_new_for_path (*dir);
  store = taube_store_new_sync (file, NULL, &error);
  g_assert_no_error (error);
  return store;
}

static inline gboolean
sync_test_run_all (TaubeImapSync  *sync,
                   GError        **error)
{
  g_autoptr(GAsyncResult) prepared = NULL;
  g_autoptr(GAsyncResult) synced = NULL;

  taube_imap_sync_prepare_async (sync, NULL, taube_test_store_result_cb, &prepared);
  if (!taube_imap_sync_prepare_finish (sync, taube_test_wait (&prepared), error))
    return FALSE;
  taube_imap_sync_all_async (sync, NULL, taube_test_store_result_cb, &synced);
  return taube_imap_sync_all_finish (sync, taube_test_wait (&synced), error);
}

static inline TaubeFolder *
sync_test_find_folder_of (TaubeStore *store,
                          const char *account_id,
                          const char *name)
{
  g_autoptr(GListModel) folders = taube_store_list_folders (store, account_id, NULL);

  g_assert_nonnull (folders);
  for (guint i = 0; i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr(TaubeFolder) folder = g_list_model_get_item (folders, i);

      if (g_strcmp0 (taube_folder_get_name (folder), name) == 0)
        return g_steal_pointer (&folder);
    }
  return NULL;
}

static inline TaubeFolder *
sync_test_find_folder (TaubeStore *store,
                       const char *name)
{
  return sync_test_find_folder_of (store, SYNC_TEST_ACCOUNT, name);
}

/* The message of @folder with @subject, or NULL. */
static inline TaubeMessage *
sync_test_find_message (TaubeStore *store,
                        gint64      folder_id,
                        const char *subject)
{
  g_autoptr(GListModel) messages = taube_store_list_messages (store, folder_id, 0, 1000, NULL);

  g_assert_nonnull (messages);
  for (guint i = 0; i < g_list_model_get_n_items (messages); i++)
    {
      g_autoptr(TaubeMessage) message = g_list_model_get_item (messages, i);

      if (g_strcmp0 (taube_message_get_subject (message), subject) == 0)
        return g_steal_pointer (&message);
    }
  return NULL;
}

static inline void
sync_test_remove_dir (const char *path)
{
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = g_file_enumerate_children (
    dir, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
    G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;

  while (children != NULL
         && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autoptr(GFileInfo) owned = info;
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        sync_test_remove_dir (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}
