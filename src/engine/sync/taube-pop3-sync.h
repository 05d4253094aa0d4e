/* taube-pop3-sync.h — download a POP3 account's mail into the store, never losing any
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "taube-account.h"
#include "taube-store.h"

G_BEGIN_DECLS

/**
 * TaubePop3SyncStats:
 * @n_new: messages stored by this sync (whole or header only)
 * @n_partial: of those, how many only with their header (over the size limit)
 * @n_deleted: messages deleted on the server (after QUIT confirmed it)
 * @n_on_server: messages the server listed
 */
typedef struct
{
  guint n_new;
  guint n_partial;
  guint n_deleted;
  guint n_on_server;
} TaubePop3SyncStats;

#define TAUBE_TYPE_POP3_SYNC (taube_pop3_sync_get_type ())

G_DECLARE_FINAL_TYPE (TaubePop3Sync, taube_pop3_sync, TAUBE, POP3_SYNC, GObject)

TaubePop3Sync *taube_pop3_sync_new        (TaubeAccount         *account,
                                           TaubeStore           *store);
void           taube_pop3_sync_set_now    (TaubePop3Sync        *self,
                                           gint64                now);
void           taube_pop3_sync_run_async  (TaubePop3Sync        *self,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
void           taube_pop3_sync_fetch_message_async (TaubePop3Sync       *self,
                                                    gint64               message_id,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean       taube_pop3_sync_run_finish (TaubePop3Sync        *self,
                                           GAsyncResult         *result,
                                           TaubePop3SyncStats   *stats,
                                           GError              **error);

G_END_DECLS
