/* taube-sync-service-private.h — the per-protocol syncs the service dispatches to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "taube-sync-service.h"

G_BEGIN_DECLS

/* taube-sync-service-imap.c: one IMAP sync of @account. The finish function fills the
 * counters of @result (not its error) and returns FALSE with @error on failure. */
void     _taube_sync_service_sync_imap_async  (TaubeSyncService     *self,
                                               TaubeAccount         *account,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean _taube_sync_service_sync_imap_finish (TaubeSyncService     *self,
                                               GAsyncResult         *result,
                                               TaubeSyncResult      *sync_result,
                                               GError              **error);

G_END_DECLS
