/* taube-outbox-imap.c — the copy of a sent message in an IMAP account's Sent folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One short session of its own: connect, log in, find the mailbox with the \Sent attribute
 * (RFC 6154; "Sent" if the server marks none), APPEND the message with \Seen (RFC 9051
 * §6.3.12), log out. The sync service then finds it there like any other message.
 */
#define G_LOG_DOMAIN "taube-outbox"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "taube-account-trust.h"
#include "taube-imap-client.h"
#include "taube-outbox-private.h"
#include "taube-password.h"

#define CONNECT_TIMEOUT_MS 30000
#define READ_TIMEOUT_MS 120000

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeFilter, g_object_unref)

typedef struct
{
  TaubeAccount *account;
  GBytes *raw;
  TaubeImapClient *client;
  char *password;
} Save;

static void
save_free (Save *save)
{
  g_clear_object (&save->account);
  g_clear_pointer (&save->raw, g_bytes_unref);
  g_clear_object (&save->client);
  if (save->password != NULL)
    memset (save->password, 0, strlen (save->password));
  g_free (save->password);
  g_free (save);
}

/* APPEND wants CRLF line ends; a message file written on Unix may have bare LF. */
static GBytes *
to_crlf (GBytes *raw)
{
  g_autoptr(GMimeStream) memory = g_mime_stream_mem_new ();
  g_autoptr(GMimeStream) filtered = g_mime_stream_filter_new (memory);
  g_autoptr(GMimeFilter) unix2dos = g_mime_filter_unix2dos_new (FALSE);
  GByteArray *array;

  g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), unix2dos);
  g_mime_stream_write (filtered, g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  g_mime_stream_flush (filtered);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (memory));
  return g_bytes_new (array->data, array->len);
}

static void
logout_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  /* The copy is saved already; a failed LOGOUT changes nothing. */
  taube_imap_client_logout_finish (TAUBE_IMAP_CLIENT (object), result, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
appended_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!taube_imap_client_append_finish (TAUBE_IMAP_CLIENT (object), result, NULL, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  taube_imap_client_logout_async (TAUBE_IMAP_CLIENT (object), NULL, logout_cb,
                                  g_object_ref (task));
}

static const char *
sent_mailbox (GPtrArray *mailboxes)
{
  for (guint i = 0; mailboxes != NULL && i < mailboxes->len; i++)
    {
      TaubeImapMailboxInfo *info = g_ptr_array_index (mailboxes, i);

      if (taube_imap_mailbox_info_has_flag (info, "\\Sent"))
        return info->name;
    }
  return "Sent";
}

static void
listed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Save *save = g_task_get_task_data (task);
  g_autoptr(GPtrArray) mailboxes = NULL;
  g_autoptr(GBytes) crlf = NULL;
  const char *flags[] = { "\\Seen", NULL };
  GError *error = NULL;

  mailboxes = taube_imap_client_list_finish (save->client, result, &error);
  if (mailboxes == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  crlf = to_crlf (save->raw);
  taube_imap_client_append_bytes_async (save->client, sent_mailbox (mailboxes), flags, NULL, crlf,
                                        g_task_get_cancellable (task), appended_cb,
                                        g_object_ref (task));
}

static void
logged_in_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Save *save = g_task_get_task_data (task);
  GError *error = NULL;

  if (!taube_imap_client_login_finish (save->client, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  taube_imap_client_list_async (save->client, g_task_get_cancellable (task), listed_cb,
                                g_object_ref (task));
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Save *save = g_task_get_task_data (task);
  GError *error = NULL;

  if (!taube_imap_client_connect_finish (save->client, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  taube_imap_client_login_async (save->client,
                                 taube_account_get_incoming_username (save->account),
                                 save->password, g_task_get_cancellable (task), logged_in_cb,
                                 g_object_ref (task));
}

static TaubeConnection *
new_connection (TaubeAccount  *account,
                GError       **error)
{
  return taube_account_new_connection (account, TAUBE_ACCOUNT_SERVER_INCOMING, "taube-imap",
                                       CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS, error);
}

static void
password_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Save *save = g_task_get_task_data (task);
  g_autoptr(TaubeConnection) connection = NULL;
  gboolean allow_plaintext;
  GError *error = NULL;

  save->password = taube_password_lookup_finish (result, &error);
  if (error == NULL && save->password == NULL)
    g_set_error (&error, TAUBE_OUTBOX_ERROR, TAUBE_OUTBOX_ERROR_NO_PASSWORD,
                 _("The keyring has no password for the incoming server of this account. "
                   "Enter it in the account settings."));
  if (error == NULL)
    connection = new_connection (save->account, &error);
  if (connection == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_object_get (save->account, "allow-plaintext", &allow_plaintext, NULL);
  save->client = taube_imap_client_new (connection);
  taube_imap_client_set_allow_plaintext (save->client, allow_plaintext);
  taube_imap_client_connect_async (save->client, g_task_get_cancellable (task), connected_cb,
                                   g_object_ref (task));
}

void
_taube_outbox_save_imap (TaubeOutbox         *outbox,
                         TaubeAccount        *account,
                         GBytes              *raw,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Save *save = g_new0 (Save, 1);
  TaubePasswordKey key = {
    taube_account_get_id (account),
    "imap",
    taube_account_get_incoming_host (account),
    taube_account_get_incoming_username (account),
  };

  g_task_set_source_tag (task, _taube_outbox_save_imap);
  save->account = g_object_ref (account);
  save->raw = g_bytes_ref (raw);
  g_task_set_task_data (task, save, (GDestroyNotify) save_free);
  taube_password_lookup_async (&key, cancellable, password_cb, g_steal_pointer (&task));
}

gboolean
_taube_outbox_save_imap_finish (GAsyncResult  *result,
                                GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
