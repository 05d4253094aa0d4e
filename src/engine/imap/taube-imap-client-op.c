/* taube-imap-client-op.c — typed commands built on the client's exchange
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An operation holds the session (it is "busy") from _taube_imap_op_begin() until it
 * returns, and may send several commands in a row, e.g. LIST and then one STATUS per
 * mailbox. Every step gets the untagged data of its command; a failed exchange fails the
 * operation the same way the client's own commands do (a NO or BAD keeps the session).
 */
#define G_LOG_DOMAIN "taube-imap"

#include "config.h"

#include "taube-imap-client-op-private.h"

typedef struct
{
  GTask *task;
  TaubeImapOpStep step;
  gboolean any_status;
  TaubeImapOpClaim claim;   /* with a handler: which responses are the command's own */
  GPtrArray *untagged;      /* with a handler: every untagged response */
} Pending;

static void
pending_free (Pending *pending)
{
  g_clear_object (&pending->task);
  g_clear_pointer (&pending->untagged, g_ptr_array_unref);
  g_free (pending);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pending, pending_free)

/* Starts an operation that needs a logged-in session, or returns %NULL after failing it. */
GTask *
_taube_imap_op_begin (TaubeImapClient     *self,
                      gpointer             source_tag,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  return _taube_imap_client_begin (self, source_tag, TRUE, cancellable, callback, user_data);
}

/* Starts an operation that sends one pipelinable command (STATUS, NOOP …). */
GTask *
_taube_imap_op_begin_pipelined (TaubeImapClient     *self,
                                gpointer             source_tag,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  return _taube_imap_client_begin_pipelined (self, source_tag, cancellable, callback,
                                             user_data);
}

static void
taube_imap_op_exchange_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(Pending) pending = user_data;
  GTask *task = pending->task;
  TaubeImapClient *self = TAUBE_IMAP_CLIENT (object);
  g_autoptr(TaubeImapResponse) tagged = NULL;
  g_autoptr(GPtrArray) untagged = NULL;
  GError *error = NULL;

  tagged = _taube_imap_client_exchange_finish (self, result,
                                               pending->untagged == NULL ? &untagged : NULL,
                                               &error);
  if (pending->untagged != NULL)
    untagged = g_steal_pointer (&pending->untagged);
  if (tagged == NULL)
    {
      _taube_imap_client_fail (task, error);
      return;
    }
  if (!pending->any_status && taube_imap_response_get_status (tagged) != TAUBE_IMAP_STATUS_OK)
    {
      _taube_imap_client_fail (task, _taube_imap_client_status_error (self, tagged));
      return;
    }
  pending->step (task, tagged, untagged);
}

static void
send_command (GTask           *task,
              const char      *command,
              TaubeImapOpStep  step,
              gboolean         any_status)
{
  TaubeImapClient *self = g_task_get_source_object (task);
  Pending *pending = g_new0 (Pending, 1);

  pending->task = g_object_ref (task);
  pending->step = step;
  pending->any_status = any_status;
  _taube_imap_client_exchange_async (self, command, NULL, NULL, g_task_get_cancellable (task),
                                     taube_imap_op_exchange_cb, pending);
}

static gboolean
claiming_untagged (TaubeImapClient   *self,
                   TaubeImapResponse *response,
                   gpointer           handler_data)
{
  Pending *pending = handler_data;

  g_ptr_array_add (pending->untagged, taube_imap_response_ref (response));
  return pending->claim (response);
}

static const TaubeImapExchangeHandler claiming_handler = {
  .untagged = claiming_untagged,
};

/*
 * Like _taube_imap_op_send(), but the responses @claim accepts are the command's own: the
 * client does not signal them as unsolicited ("vanished", "flags-changed" …). @step still
 * gets every untagged response.
 */
void
_taube_imap_op_send_claiming (GTask            *task,
                              const char       *command,
                              TaubeImapOpClaim  claim,
                              TaubeImapOpStep   step)
{
  TaubeImapClient *self = g_task_get_source_object (task);
  Pending *pending = g_new0 (Pending, 1);

  pending->task = g_object_ref (task);
  pending->step = step;
  pending->claim = claim;
  pending->untagged = g_ptr_array_new_with_free_func ((GDestroyNotify) taube_imap_response_unref);
  _taube_imap_client_exchange_with_handler_async (self, command, &claiming_handler, pending,
                                                  g_task_get_cancellable (task),
                                                  taube_imap_op_exchange_cb, pending);
}

/* Sends @command; @step runs on its tagged OK, a NO or BAD fails @task. */
void
_taube_imap_op_send (GTask           *task,
                     const char      *command,
                     TaubeImapOpStep  step)
{
  send_command (task, command, step, FALSE);
}

/* Sends @command; @step runs on whatever tagged status comes back. */
void
_taube_imap_op_send_any (GTask           *task,
                         const char      *command,
                         TaubeImapOpStep  step)
{
  send_command (task, command, step, TRUE);
}

/* Ends the operation successfully with @result (taken; must not be %NULL). */
void
_taube_imap_op_return (GTask          *task,
                       gpointer        result,
                       GDestroyNotify  result_free)
{
  g_assert (result != NULL);
  _taube_imap_client_release_task (task);
  g_task_return_pointer (task, result, result_free);
}

/* Ends the operation with @error (taken), which leaves the session usable. */
void
_taube_imap_op_return_error (GTask  *task,
                             GError *error)
{
  _taube_imap_client_release_task (task);
  g_task_return_error (task, error);
}

gpointer
_taube_imap_op_finish (TaubeImapClient  *self,
                       GAsyncResult     *result,
                       gpointer          source_tag,
                       GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
