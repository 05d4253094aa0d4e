/* taube-imap-client-quota.c — GETQUOTAROOT (RFC 9208)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "taube-imap"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "taube-imap-client-op-private.h"
#include "taube-imap-error.h"
#include "taube-imap-quota.h"

/* Reads QUOTAROOT and QUOTA into @info; a protocol error for a malformed one. */
static gboolean
read_quota (TaubeImapClient     *self,
            TaubeImapQuotaInfo  *info,
            TaubeImapResponse   *response,
            GError             **error)
{
  if (taube_imap_response_is_keyword (response, "QUOTAROOT"))
    {
      g_clear_pointer (&info->mailbox, g_free);
      g_clear_pointer (&info->roots, g_strfreev);
      return taube_imap_quota_root_parse (response,
                                          taube_imap_client_is_enabled (self, "UTF8=ACCEPT"),
                                          &info->mailbox, &info->roots, error);
    }
  if (taube_imap_response_is_keyword (response, "QUOTA"))
    {
      TaubeImapQuota *quota = taube_imap_quota_parse (response, error);

      if (quota == NULL)
        return FALSE;
      g_ptr_array_add (info->quotas, quota);
    }
  return TRUE;
}

static void
quota_done (GTask             *task,
            TaubeImapResponse *tagged,
            GPtrArray         *untagged)
{
  TaubeImapClient *self = g_task_get_source_object (task);
  g_autoptr(TaubeImapQuotaInfo) info = g_new0 (TaubeImapQuotaInfo, 1);

  info->quotas = g_ptr_array_new_with_free_func ((GDestroyNotify) taube_imap_quota_free);
  for (guint i = 0; i < untagged->len; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!read_quota (self, info, g_ptr_array_index (untagged, i), &error))
        {
          _taube_imap_client_fail (task, _taube_imap_client_protocol_error (self,
                                                                            error->message));
          return;
        }
    }
  /* RFC 9208 §4.2.2: the QUOTAROOT response is required. */
  if (info->roots == NULL)
    {
      _taube_imap_client_fail (task, _taube_imap_client_protocol_error (self,
                                                                        "no QUOTAROOT"));
      return;
    }
  _taube_imap_op_return (task, g_steal_pointer (&info),
                         (GDestroyNotify) taube_imap_quota_info_free);
}

/**
 * taube_imap_client_get_quota_root_async:
 * @self: a logged-in #TaubeImapClient
 * @mailbox: the mailbox name in UTF-8, usually "INBOX"
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the quota
 * @user_data: data for @callback
 *
 * Asks for the quota roots of @mailbox and their usage and limits with GETQUOTAROOT
 * (RFC 9208 §4.2.2). Fails with %TAUBE_IMAP_ERROR_NOT_SUPPORTED without the QUOTA
 * capability.
 */
void
taube_imap_client_get_quota_root_async (TaubeImapClient     *self,
                                        const char          *mailbox,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *name = NULL;
  g_autofree char *command = NULL;
  GError *error = NULL;

  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));
  g_return_if_fail (mailbox != NULL);

  task = _taube_imap_op_begin (self, taube_imap_client_get_quota_root_async, cancellable,
                               callback, user_data);
  if (task == NULL)
    return;
  if (!taube_imap_client_has_capability (self, "QUOTA"))
    {
      /* Translators: %s is a server name. */
      _taube_imap_op_return_error (task, g_error_new (
        TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_NOT_SUPPORTED,
        _("The server %s does not report how much storage space is used."),
        taube_connection_get_host (taube_imap_client_get_connection (self))));
      return;
    }
  name = _taube_imap_client_mailbox_arg (self, mailbox, &error);
  if (name == NULL)
    {
      _taube_imap_op_return_error (task, error);
      return;
    }
  command = g_strdup_printf ("GETQUOTAROOT %s", name);
  _taube_imap_op_send (task, command, quota_done);
}

/**
 * taube_imap_client_get_quota_root_finish:
 * @self: a #TaubeImapClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the quota roots and their limits, or %NULL on error
 */
TaubeImapQuotaInfo *
taube_imap_client_get_quota_root_finish (TaubeImapClient  *self,
                                         GAsyncResult     *result,
                                         GError          **error)
{
  return _taube_imap_op_finish (self, result, taube_imap_client_get_quota_root_async, error);
}
