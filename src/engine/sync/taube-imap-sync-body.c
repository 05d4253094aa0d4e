/* taube-imap-sync-body.c — message bodies: on demand for reading, and by policy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The list needs only headers; a body is fetched (BODY.PEEK[], which leaves \Seen alone)
 * when the person opens the message, or during a sync for the messages the account's
 * policy wants offline (those of the last N days, or all). The store writes it to the
 * folder's Maildir durably and indexes its text for search.
 */
#define G_LOG_DOMAIN "taube-sync"

#include "config.h"

#include "taube-imap-sync-private.h"

typedef struct
{
  gint64 message_id;
  guint32 uid;
  GBytes *body;
} BodyJob;

static void
body_job_free (BodyJob *job)
{
  g_clear_pointer (&job->body, g_bytes_unref);
  g_free (job);
}

static void
fail (GTask  *task,
      GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
taube_imap_sync_body_stored_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!taube_store_set_body_finish (TAUBE_STORE (object), result, &error))
    {
      fail (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
taube_imap_sync_body_message_cb (const TaubeImapFetchedMessage *fetched,
                                 gpointer                       user_data)
{
  BodyJob *job = user_data;
  const TaubeImapFetchedSection *section = taube_imap_fetched_message_get_section (fetched,
                                                                                  "");

  if (fetched->uid == job->uid && section != NULL && section->data != NULL)
    job->body = g_bytes_ref (section->data);
}

static void
taube_imap_sync_body_fetch_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  GTask *task = user_data;
  TaubeImapSync *self = g_task_get_source_object (task);
  BodyJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  if (!taube_imap_client_fetch_finish (TAUBE_IMAP_CLIENT (object), result, NULL, &error))
    {
      fail (task, error);
      return;
    }
  if (job->body == NULL)
    {
      fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                       "The message is no longer on the server"));
      return;
    }
  taube_store_set_body_async (self->store, job->message_id, job->body, NULL,
                              taube_imap_sync_body_stored_cb, task);
}

static void
fetch_body (GTask *task)
{
  TaubeImapSync *self = g_task_get_source_object (task);
  BodyJob *job = g_task_get_task_data (task);
  g_autofree char *uids = g_strdup_printf ("%u", job->uid);
  static const TaubeImapFetchSection whole = { "", 0, 0 };
  TaubeImapFetchRequest request = {
    .uids = uids,
    .sections = &whole,
    .n_sections = 1,
  };

  taube_imap_client_fetch_async (self->client, &request, taube_imap_sync_body_message_cb, NULL,
                                 job, g_task_get_cancellable (task),
                                 taube_imap_sync_body_fetch_cb, task);
}

static void
taube_imap_sync_body_select_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(TaubeImapResponse) response = NULL;
  GError *error = NULL;

  response = taube_imap_client_command_finish (TAUBE_IMAP_CLIENT (object), result, NULL,
                                               &error);
  if (response == NULL)
    {
      fail (task, error);
      return;
    }
  fetch_body (task);
}

static void
start_body (TaubeImapSync       *self,
            gint64               message_id,
            gboolean             select,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(TaubeMessage) message = NULL;
  g_autoptr(TaubeFolder) folder = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *command = NULL;
  BodyJob *job;
  GError *error = NULL;

  g_task_set_source_tag (task, taube_imap_sync_fetch_body_async);
  message = taube_store_get_message (self->store, message_id, &error);
  if (message != NULL)
    folder = taube_store_get_folder (self->store, taube_message_get_folder_id (message), &error);
  if (folder == NULL)
    {
      fail (task, error);
      return;
    }
  if (taube_message_get_uid (message) == 0)
    {
      fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                       "The message is not on the server yet"));
      return;
    }
  job = g_new0 (BodyJob, 1);
  job->message_id = message_id;
  job->uid = taube_message_get_uid (message);
  g_task_set_task_data (task, job, (GDestroyNotify) body_job_free);
  if (!select)
    {
      fetch_body (task);
      return;
    }
  /* EXAMINE: reading a message changes nothing, not even \Recent. */
  quoted = _taube_imap_sync_quote_mailbox (taube_folder_get_name (folder));
  command = g_strdup_printf ("EXAMINE %s", quoted);
  taube_imap_client_command_async (self->client, command, cancellable,
                                   taube_imap_sync_body_select_cb, task);
}

/**
 * taube_imap_sync_fetch_body_async:
 * @self: a #TaubeImapSync
 * @message_id: a message of the account whose body is not stored yet
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the body is stored
 * @user_data: data for @callback
 *
 * Fetches a message's body for reading and stores it (taube_store_set_body_async()).
 * Opens the message's folder read-only (EXAMINE), so whoever IDLEs on this session has to
 * select its folder again afterwards.
 */
void
taube_imap_sync_fetch_body_async (TaubeImapSync       *self,
                                  gint64               message_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (TAUBE_IS_IMAP_SYNC (self));

  start_body (self, message_id, TRUE, cancellable, callback, user_data);
}

gboolean
taube_imap_sync_fetch_body_finish (TaubeImapSync  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* In a folder that is selected already: the body policy during a sync. */
void
_taube_imap_sync_fetch_selected_body_async (TaubeImapSync       *self,
                                            gint64               message_id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  start_body (self, message_id, FALSE, cancellable, callback, user_data);
}
