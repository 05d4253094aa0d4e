/* taube-imap-client-mailbox.c — SELECT, LIST and LOGOUT on a TaubeImapClient
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Typed helpers on the client's command exchange: each sends one command and reads what
 * it needs from the untagged data that came with the tagged OK.
 */
#define G_LOG_DOMAIN "taube-imap"

#include "config.h"

#include <string.h>

#include "taube-imap-client-private.h"
#include "taube-imap-error.h"
#include "taube-utf7.h"

void
taube_imap_mailbox_info_free (TaubeImapMailboxInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_strfreev (info->flags);
  g_free (info);
}

/**
 * taube_imap_mailbox_info_has_flag:
 * @info: a mailbox from taube_imap_client_list_finish()
 * @flag: an attribute such as "\Sent" or "\Noselect", in any case
 *
 * Returns: whether the server listed @flag for the mailbox
 */
gboolean
taube_imap_mailbox_info_has_flag (const TaubeImapMailboxInfo *info,
                                  const char                 *flag)
{
  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (flag != NULL, FALSE);

  for (guint i = 0; info->flags[i] != NULL; i++)
    if (g_ascii_strcasecmp (info->flags[i], flag) == 0)
      return TRUE;
  return FALSE;
}

/* Finishes an exchange for @task: the tagged OK and its untagged data, or %NULL after
 * failing @task with the transport, protocol or NO/BAD error. */
static TaubeImapResponse *
finish_ok (GTask         *task,
           GAsyncResult  *result,
           GPtrArray    **untagged)
{
  TaubeImapClient *self = g_task_get_source_object (task);
  g_autoptr(TaubeImapResponse) response = NULL;
  GError *error = NULL;

  response = _taube_imap_client_exchange_finish (self, result, untagged, &error);
  if (response == NULL)
    {
      _taube_imap_client_fail (task, error);
      return NULL;
    }
  if (taube_imap_response_get_status (response) != TAUBE_IMAP_STATUS_OK)
    {
      g_clear_pointer (untagged, g_ptr_array_unref);
      _taube_imap_client_fail (task, _taube_imap_client_status_error (self, response));
      return NULL;
    }
  return g_steal_pointer (&response);
}

/* -- SELECT --------------------------------------------------------------------------- */

static guint64
code_number (TaubeImapResponse *response)
{
  guint64 number = 0;

  taube_imap_value_get_number (taube_imap_response_get_code_arg (response, 0), &number);
  return number;
}

static void
taube_imap_client_select_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(TaubeImapResponse) tagged = NULL;
  g_autoptr(GPtrArray) untagged = NULL;
  TaubeImapSelectInfo *info;

  tagged = finish_ok (task, result, &untagged);
  if (tagged == NULL)
    return;

  /* RFC 9051 §6.3.2: EXISTS as data, the rest as response codes of untagged OKs. */
  info = g_new0 (TaubeImapSelectInfo, 1);
  for (guint i = 0; i < untagged->len; i++)
    {
      TaubeImapResponse *response = g_ptr_array_index (untagged, i);
      const char *code = taube_imap_response_get_code_name (response);

      if (taube_imap_response_is_keyword (response, "EXISTS"))
        taube_imap_response_get_number (response, &info->exists);
      else if (g_strcmp0 (code, "UIDVALIDITY") == 0)
        info->uidvalidity = (guint32) code_number (response);
      else if (g_strcmp0 (code, "UIDNEXT") == 0)
        info->uidnext = (guint32) code_number (response);
      else if (g_strcmp0 (code, "HIGHESTMODSEQ") == 0)
        info->highestmodseq = code_number (response);
    }
  info->read_only = g_strcmp0 (taube_imap_response_get_code_name (tagged), "READ-ONLY") == 0;
  _taube_imap_client_release (g_task_get_source_object (task));
  g_task_return_pointer (task, info, g_free);
}

/**
 * taube_imap_client_select_async:
 * @self: a logged-in #TaubeImapClient
 * @mailbox: the mailbox name in UTF-8, e.g. "INBOX"
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the mailbox is selected
 * @user_data: data for @callback
 *
 * Selects @mailbox (RFC 9051 §6.3.2), with CONDSTORE when the server offers it so that
 * HIGHESTMODSEQ is reported (RFC 7162 §3.2.3). A mailbox that does not exist fails with
 * %TAUBE_IMAP_ERROR_SERVER_NO; the session stays usable, with no mailbox selected.
 */
void
taube_imap_client_select_async (TaubeImapClient     *self,
                                const char          *mailbox,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *command = NULL;
  GError *error = NULL;

  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));
  g_return_if_fail (mailbox != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = _taube_imap_client_begin (self, taube_imap_client_select_async, TRUE, cancellable,
                                   callback, user_data);
  if (task == NULL)
    return;
  encoded = taube_utf7_encode (mailbox, &error);
  if (encoded == NULL)
    {
      _taube_imap_client_release (self);
      g_task_return_error (task, error);
      return;
    }
  /* Modified UTF-7 is 7-bit, so it can always be quoted; only CR and LF could not. */
  quoted = _taube_imap_client_quote (encoded);
  if (quoted == NULL)
    {
      _taube_imap_client_release (self);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "Mailbox name contains a line break");
      return;
    }
  command = g_strdup_printf ("SELECT %s%s", quoted,
                             taube_imap_client_has_capability (self, "CONDSTORE")
                               ? " (CONDSTORE)" : "");
  _taube_imap_client_exchange_async (self, command, NULL, NULL, cancellable,
                                     taube_imap_client_select_cb, g_steal_pointer (&task));
}

/**
 * taube_imap_client_select_finish:
 * @self: a #TaubeImapClient
 * @result: the result passed to the callback
 * @info: (out caller-allocates) (optional): where to store what the server reported
 * @error: return location for a #GError
 *
 * Returns: whether the mailbox is now selected
 */
gboolean
taube_imap_client_select_finish (TaubeImapClient      *self,
                                 GAsyncResult         *result,
                                 TaubeImapSelectInfo  *info,
                                 GError              **error)
{
  g_autofree TaubeImapSelectInfo *got = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (
    g_task_get_source_tag (G_TASK (result)) == taube_imap_client_select_async, FALSE);

  got = g_task_propagate_pointer (G_TASK (result), error);
  if (got == NULL)
    return FALSE;
  if (info != NULL)
    *info = *got;
  return TRUE;
}

/* -- LIST ----------------------------------------------------------------------------- */

static void
taube_imap_client_list_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(TaubeImapResponse) tagged = NULL;
  g_autoptr(GPtrArray) untagged = NULL;
  GPtrArray *mailboxes;

  tagged = finish_ok (task, result, &untagged);
  if (tagged == NULL)
    return;

  mailboxes = g_ptr_array_new_with_free_func ((GDestroyNotify) taube_imap_mailbox_info_free);
  for (guint i = 0; i < untagged->len; i++)
    {
      TaubeImapResponse *response = g_ptr_array_index (untagged, i);
      TaubeImapMailboxInfo *info;

      if (!taube_imap_response_is_keyword (response, "LIST"))
        continue;
      /* RFC 9051 §7.3.1; the names are decoded as taube-imap-mailbox-data.c does. */
      info = taube_imap_list_parse (response,
                                    taube_imap_client_is_enabled (g_task_get_source_object (task),
                                                                  "UTF8=ACCEPT"),
                                    NULL);
      if (info != NULL)
        g_ptr_array_add (mailboxes, info);
      else
        g_debug ("Ignoring a malformed LIST response");
    }
  _taube_imap_client_release (g_task_get_source_object (task));
  g_task_return_pointer (task, mailboxes, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * taube_imap_client_list_async:
 * @self: a logged-in #TaubeImapClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the mailboxes
 * @user_data: data for @callback
 *
 * Lists every mailbox with `LIST "" "*"` (RFC 9051 §6.3.9); servers with SPECIAL-USE
 * mark the special folders among the attributes (RFC 6154 §2).
 */
void
taube_imap_client_list_async (TaubeImapClient     *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = _taube_imap_client_begin (self, taube_imap_client_list_async, TRUE, cancellable,
                                   callback, user_data);
  if (task == NULL)
    return;
  _taube_imap_client_exchange_async (self, "LIST \"\" \"*\"", NULL, NULL, cancellable,
                                     taube_imap_client_list_cb, g_steal_pointer (&task));
}

/**
 * taube_imap_client_list_finish:
 * @self: a #TaubeImapClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type TaubeImapMailboxInfo): the mailboxes in
 *   the server's order, or %NULL on error
 */
GPtrArray *
taube_imap_client_list_finish (TaubeImapClient  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (
    g_task_get_source_tag (G_TASK (result)) == taube_imap_client_list_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* -- LOGOUT --------------------------------------------------------------------------- */

static void
taube_imap_client_logout_closed_cb (GObject      *object,
                                    GAsyncResult *result,
                                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  taube_connection_close_finish (TAUBE_CONNECTION (object), result, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
taube_imap_client_logout_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeImapClient *self = g_task_get_source_object (task);
  g_autoptr(TaubeImapResponse) tagged = NULL;
  g_autoptr(GPtrArray) untagged = NULL;

  tagged = finish_ok (task, result, &untagged);
  if (tagged == NULL)
    return;
  _taube_imap_client_release (self);
  /* Forget the session's state, then close the connection the server is closing too. */
  _taube_imap_client_forget (self);
  taube_connection_close_async (taube_imap_client_get_connection (self), NULL,
                                taube_imap_client_logout_closed_cb, g_object_ref (task));
}

/**
 * taube_imap_client_logout_async:
 * @self: a connected #TaubeImapClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the session is over
 * @user_data: data for @callback
 *
 * Ends the session with LOGOUT (RFC 9051 §6.1.3) and closes the connection.
 */
void
taube_imap_client_logout_async (TaubeImapClient     *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = _taube_imap_client_begin (self, taube_imap_client_logout_async, FALSE, cancellable,
                                   callback, user_data);
  if (task == NULL)
    return;
  if (!taube_connection_is_connected (taube_imap_client_get_connection (self)))
    {
      _taube_imap_client_release (self);
      g_task_return_boolean (task, TRUE);
      return;
    }
  _taube_imap_client_exchange_async (self, "LOGOUT", NULL, NULL, cancellable,
                                     taube_imap_client_logout_cb, g_steal_pointer (&task));
}

gboolean
taube_imap_client_logout_finish (TaubeImapClient  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (
    g_task_get_source_tag (G_TASK (result)) == taube_imap_client_logout_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
