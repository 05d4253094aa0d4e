/* taube-imap-push-notify.c — news from every folder while idling, with NOTIFY (RFC 5465)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * IDLE only reports the selected mailbox (the Inbox). Where the server offers NOTIFY,
 * the push asks once per session, just before its first IDLE, to also hear about new and
 * expunged messages in the account's other mailboxes: the server then sends an untagged
 * STATUS for such a mailbox, and the push leaves IDLE for a whole pass (cheap with
 * QRESYNC) instead of waiting for the interval.
 *
 * MailboxName events (folders created, renamed, deleted) are left out on purpose: the
 * server may send them at any time, also in the middle of the pass's own LIST, where an
 * unsolicited LIST reply could not be told apart from the answer. The interval still
 * follows folder changes.
 */
#define G_LOG_DOMAIN "taube-sync"

#include "config.h"

#include "taube-imap-push-private.h"

/* RFC 5465 §5: MessageNew needs MessageExpunge beside it, FlagChange needs both. */
#define NOTIFY_SET "NOTIFY SET (selected (MessageNew MessageExpunge FlagChange)) " \
                   "(personal (MessageNew MessageExpunge))"

static void
taube_imap_push_notify_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(TaubeImapResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = taube_imap_client_command_finish (TAUBE_IMAP_CLIENT (object), result, NULL,
                                               &error);
  if (response == NULL && !g_error_matches (error, TAUBE_IMAP_ERROR,
                                            TAUBE_IMAP_ERROR_SERVER_NO)
      && !g_error_matches (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_SERVER_BAD))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* A server that refuses the request still works: the interval covers the folders. */
  if (response == NULL)
    g_debug ("NOTIFY refused, other folders follow on the interval: %s", error->message);
  g_task_return_boolean (task, response != NULL);
}

/*
 * Asks @client for NOTIFY events when it offers them. Finishes with TRUE when they are
 * on, FALSE when not offered or refused, and an error only when the session failed.
 */
void
_taube_imap_push_notify_async (TaubeImapClient     *client,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (client, cancellable, callback, user_data);

  g_task_set_source_tag (task, _taube_imap_push_notify_async);
  if (!taube_imap_client_has_capability (client, "NOTIFY"))
    {
      g_task_return_boolean (task, FALSE);
      return;
    }
  taube_imap_client_command_async (client, NOTIFY_SET, cancellable, taube_imap_push_notify_cb,
                                   g_steal_pointer (&task));
}

/* Returns: %TRUE if the events are on; %FALSE with @error unset if they are not. */
gboolean
_taube_imap_push_notify_finish (GAsyncResult  *result,
                                GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Whether @response, received while idling, is NOTIFY news of another mailbox. */
gboolean
_taube_imap_push_is_notify_news (TaubeImapResponse *response)
{
  return taube_imap_response_get_kind (response) == TAUBE_IMAP_RESPONSE_UNTAGGED
         && taube_imap_response_is_keyword (response, "STATUS");
}
