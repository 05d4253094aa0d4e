/* taube-imap-sync.h — keeps the store in step with an IMAP account
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "taube-imap-client.h"
#include "taube-store.h"

G_BEGIN_DECLS

/**
 * TaubeImapSyncStats:
 * @folders: folders synced
 * @added: messages added to the store
 * @changed: flag changes applied
 * @removed: messages expunged on the server and removed
 *
 * What a sync did, for a summary.
 */
typedef struct
{
  guint folders;
  guint added;
  guint changed;
  guint removed;
} TaubeImapSyncStats;

#define TAUBE_TYPE_IMAP_SYNC (taube_imap_sync_get_type ())

G_DECLARE_FINAL_TYPE (TaubeImapSync, taube_imap_sync, TAUBE, IMAP_SYNC, GObject)

TaubeImapSync   *taube_imap_sync_new                 (TaubeStore          *store,
                                                      const char          *account_id,
                                                      TaubeImapClient     *client);
TaubeImapClient *taube_imap_sync_get_client          (TaubeImapSync       *self);
void             taube_imap_sync_set_use_qresync     (TaubeImapSync       *self,
                                                      gboolean             use_qresync);
void             taube_imap_sync_set_window          (TaubeImapSync       *self,
                                                      guint                window);
const TaubeImapSyncStats *taube_imap_sync_get_stats  (TaubeImapSync       *self);

void             taube_imap_sync_prepare_async       (TaubeImapSync       *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean         taube_imap_sync_prepare_finish      (TaubeImapSync       *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
void             taube_imap_sync_folders_async       (TaubeImapSync       *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean         taube_imap_sync_folders_finish      (TaubeImapSync       *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
void             taube_imap_sync_folder_async        (TaubeImapSync       *self,
                                                      gint64               folder_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean         taube_imap_sync_folder_finish       (TaubeImapSync       *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
void             taube_imap_sync_all_async           (TaubeImapSync       *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean         taube_imap_sync_all_finish          (TaubeImapSync       *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS
