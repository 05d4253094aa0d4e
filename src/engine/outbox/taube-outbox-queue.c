/* taube-outbox-queue.c — putting a message into the outbox, and taking it back (undo)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "taube-outbox"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "taube-outbox-private.h"
#include "taube-store-outbox.h"

typedef struct
{
  char *account_id;
  char *from_address;
  GBytes *raw;
  char *subject;
  guint undo_delay;
} QueueJob;

static void
queue_job_free (QueueJob *job)
{
  g_free (job->account_id);
  g_free (job->from_address);
  g_clear_pointer (&job->raw, g_bytes_unref);
  g_free (job->subject);
  g_free (job);
}

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeOutbox *self = g_task_get_source_object (task);
  QueueJob *job = g_task_get_task_data (task);
  GError *error = NULL;
  gint64 id = taube_store_outbox_add_finish (TAUBE_STORE (object), result, &error);

  if (id <= 0)
    {
      g_task_return_error (task, error);
      return;
    }
  _taube_outbox_emit_state (self, id, TAUBE_OUTBOX_STATE_QUEUED, NULL);
  _taube_outbox_schedule (self, id, job->undo_delay);
  g_task_return_int (task, id);
}

static void
complete_in_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  QueueJob *job = task_data;
  GError *error = NULL;
  GBytes *complete = _taube_outbox_complete_message (job->raw, job->from_address, &job->subject,
                                                     &error);

  if (complete == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_bytes_unref (job->raw);
  job->raw = complete;
  g_task_return_boolean (task, TRUE);
}

static void
completed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeOutbox *self = g_task_get_source_object (task);
  QueueJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  taube_store_outbox_add_async (_taube_outbox_get_store (self), job->account_id, job->raw,
                                job->subject, g_get_real_time () / 1000 + job->undo_delay,
                                g_task_get_cancellable (task), added_cb, g_object_ref (task));
}

/**
 * taube_outbox_queue_async:
 * @self: a #TaubeOutbox
 * @account_id: the account to send it from
 * @raw: an RFC 5322 message, built with GMime
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the message is safely in the outbox
 * @user_data: data for @callback
 *
 * Queues a message. It leaves after #TaubeOutbox:undo-delay unless taube_outbox_undo_async()
 * takes it back first. A message without Date or Message-ID gets them here.
 */
void
taube_outbox_queue_async (TaubeOutbox         *self,
                          const char          *account_id,
                          GBytes              *raw,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;
  TaubeAccount *account;
  QueueJob *job;

  g_return_if_fail (TAUBE_IS_OUTBOX (self));
  g_return_if_fail (raw != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_outbox_queue_async);
  account = taube_account_manager_lookup (_taube_outbox_get_accounts (self), account_id);
  if (account == NULL)
    {
      /* Translators: %s is an account id */
      g_task_return_new_error (task, TAUBE_OUTBOX_ERROR, TAUBE_OUTBOX_ERROR_NO_ACCOUNT,
                               _("There is no account “%s”."), account_id);
      return;
    }
  job = g_new0 (QueueJob, 1);
  job->account_id = g_strdup (account_id);
  job->from_address = g_strdup (taube_account_get_email_address (account));
  job->raw = g_bytes_ref (raw);
  job->undo_delay = taube_outbox_get_undo_delay (self);
  g_task_set_task_data (task, job, (GDestroyNotify) queue_job_free);

  worker = g_task_new (NULL, cancellable, completed_cb, g_steal_pointer (&task));
  g_task_set_task_data (worker, job, NULL);
  g_task_run_in_thread (worker, complete_in_thread);
}

/**
 * taube_outbox_queue_message_async:
 * @self: a #TaubeOutbox
 * @account_id: the account to send it from
 * @message: the message, as the composer built it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the message is safely in the outbox
 * @user_data: data for @callback
 */
void
taube_outbox_queue_message_async (TaubeOutbox         *self,
                                  const char          *account_id,
                                  GMimeMessage        *message,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GMimeStream) stream = g_mime_stream_mem_new ();
  g_autoptr(GMimeFormatOptions) options = g_mime_format_options_new ();
  g_autoptr(GBytes) raw = NULL;
  GByteArray *array;

  g_return_if_fail (GMIME_IS_MESSAGE (message));
  /* SMTP wants CRLF line ends (RFC 5321 §2.3.8). */
  g_mime_format_options_set_newline_format (options, GMIME_NEWLINE_FORMAT_DOS);
  g_mime_object_write_to_stream (GMIME_OBJECT (message), options, stream);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  raw = g_bytes_new (array->data, array->len);
  taube_outbox_queue_async (self, account_id, raw, cancellable, callback, user_data);
}

/**
 * taube_outbox_queue_finish:
 *
 * Returns: the message's outbox id, or 0 with @error set
 */
gint64
taube_outbox_queue_finish (TaubeOutbox   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  return g_task_propagate_int (G_TASK (result), error);
}

static void
undo_check_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeOutbox *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) rows = taube_store_outbox_list_finish (TAUBE_STORE (object), result, NULL);
  gint64 id = GPOINTER_TO_SIZE (g_task_get_task_data (task));

  if (rows == NULL || rows->len == 0)
    {
      g_task_return_new_error (task, TAUBE_OUTBOX_ERROR, TAUBE_OUTBOX_ERROR_NOT_FOUND,
                               _("The message is no longer in the outbox."));
      return;
    }
  /* Our timer was removed; if the row is still only queued, put it back. */
  if (!_taube_outbox_is_busy (self, id))
    _taube_outbox_schedule (self, id, 0);
  g_task_return_new_error (task, TAUBE_OUTBOX_ERROR, TAUBE_OUTBOX_ERROR_TOO_LATE,
                           _("Too late to undo: the message is being sent."));
}

static void
undo_removed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeOutbox *self = g_task_get_source_object (task);
  gint64 id = GPOINTER_TO_SIZE (g_task_get_task_data (task));
  GError *error = NULL;

  if (taube_store_outbox_change_finish (TAUBE_STORE (object), result, &error))
    {
      _taube_outbox_emit_state (self, id, TAUBE_OUTBOX_STATE_UNDONE, NULL);
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  taube_store_outbox_list_async (TAUBE_STORE (object), id, NULL, undo_check_cb,
                                 g_steal_pointer (&task));
}

/**
 * taube_outbox_undo_async:
 * @self: a #TaubeOutbox
 * @id: a queued message
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when it is gone, or when it is too late
 * @user_data: data for @callback
 *
 * Takes a message back before it leaves (or deletes a failed one). Fails with
 * %TAUBE_OUTBOX_ERROR_TOO_LATE once it is being sent.
 */
void
taube_outbox_undo_async (TaubeOutbox         *self,
                         gint64               id,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TAUBE_IS_OUTBOX (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_outbox_undo_async);
  g_task_set_task_data (task, GSIZE_TO_POINTER (id), NULL);
  _taube_outbox_remove_timer (self, id);
  /* The store's condition decides: removed only if nobody has claimed it. */
  taube_store_outbox_remove_async (_taube_outbox_get_store (self), id, TRUE, cancellable,
                                   undo_removed_cb, g_steal_pointer (&task));
}

gboolean
taube_outbox_undo_finish (TaubeOutbox   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
