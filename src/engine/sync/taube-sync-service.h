/* taube-sync-service.h — keep every account's local copy in step with its server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "taube-account-manager.h"
#include "taube-store.h"
#include "taube-sync-error.h"

G_BEGIN_DECLS

/**
 * TaubeSyncResult:
 * @account_id: the account
 * @protocol: how it was synced
 * @n_new: messages stored by this sync
 * @n_partial: of those, stored with their header only (POP3 size limit)
 * @n_deleted: messages deleted on the server (POP3 policy)
 * @error: (nullable): why the sync failed, in %TAUBE_SYNC_ERROR; %NULL on success
 *
 * What one sync of one account did.
 */
typedef struct
{
  char *account_id;
  TaubeProtocol protocol;
  guint n_new;
  guint n_partial;
  guint n_deleted;
  GError *error;
} TaubeSyncResult;

void taube_sync_result_free (TaubeSyncResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeSyncResult, taube_sync_result_free)

#define TAUBE_TYPE_SYNC_SERVICE (taube_sync_service_get_type ())

G_DECLARE_FINAL_TYPE (TaubeSyncService, taube_sync_service, TAUBE, SYNC_SERVICE, GObject)

TaubeSyncService *taube_sync_service_new          (TaubeAccountManager  *accounts,
                                                   TaubeStore           *store);
TaubeAccountManager *taube_sync_service_get_accounts (TaubeSyncService  *self);
TaubeStore       *taube_sync_service_get_store    (TaubeSyncService     *self);
void              taube_sync_service_set_now      (TaubeSyncService     *self,
                                                   gint64                now);
void              taube_sync_service_sync_async   (TaubeSyncService     *self,
                                                   const char           *account_id,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GPtrArray        *taube_sync_service_sync_finish  (TaubeSyncService     *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void              taube_sync_service_download_message_async  (TaubeSyncService     *self,
                                                              const char           *account_id,
                                                              gint64                message_id,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
gboolean          taube_sync_service_download_message_finish (TaubeSyncService     *self,
                                                              GAsyncResult         *result,
                                                              GError              **error);

G_END_DECLS
