/* taube-sync-service-imap.c — IMAP accounts in the sync service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TODO(imap-sync): this is the single place where the IMAP sync plugs into
 * TaubeSyncService. Until it exists, syncing an IMAP account fails with
 * G_IO_ERROR_NOT_SUPPORTED, which the service reports as TAUBE_SYNC_ERROR_NOT_SUPPORTED.
 * The service already holds the account's sync lock when this is called.
 */
#define G_LOG_DOMAIN "taube-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "taube-sync-service-private.h"

void
_taube_sync_service_sync_imap_async (TaubeSyncService    *self,
                                     TaubeAccount        *account,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, _taube_sync_service_sync_imap_async);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           /* Translators: %s is an email address */
                           _("Taube cannot synchronize IMAP accounts such as %s yet."),
                           taube_account_get_email_address (account));
}

gboolean
_taube_sync_service_sync_imap_finish (TaubeSyncService  *self,
                                      GAsyncResult      *result,
                                      TaubeSyncResult   *sync_result,
                                      GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
