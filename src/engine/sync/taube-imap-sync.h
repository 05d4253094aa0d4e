/* taube-imap-sync.h — keeps the store in step with an IMAP account
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "taube-account.h"
#include "taube-imap-client.h"
#include "taube-offline-queue.h"
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

/**
 * TaubeImapSyncBodies:
 * @TAUBE_IMAP_SYNC_BODIES_ON_DEMAND: only when a message is opened
 * @TAUBE_IMAP_SYNC_BODIES_RECENT: during sync, for messages of the last days
 * @TAUBE_IMAP_SYNC_BODIES_ALL: during sync, for every message
 *
 * Which bodies a sync downloads for reading offline.
 */
typedef enum
{
  TAUBE_IMAP_SYNC_BODIES_ON_DEMAND,
  TAUBE_IMAP_SYNC_BODIES_RECENT,
  TAUBE_IMAP_SYNC_BODIES_ALL,
} TaubeImapSyncBodies;

void             taube_imap_sync_set_bodies          (TaubeImapSync       *self,
                                                      TaubeImapSyncBodies  bodies,
                                                      guint                days);
void             taube_imap_sync_fetch_body_async    (TaubeImapSync       *self,
                                                      gint64               message_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean         taube_imap_sync_fetch_body_finish   (TaubeImapSync       *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* Opening a session for an account: taube-imap-sync-session.c */
void             taube_imap_sync_open_async          (TaubeAccount        *account,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
TaubeImapClient *taube_imap_sync_open_finish         (GAsyncResult        *result,
                                                      GError             **error);

/* One whole pass: queue replay, folder list, every folder: taube-sync-service-imap.c */
void             taube_imap_sync_run_async           (TaubeImapSync       *self,
                                                      TaubeOfflineQueue   *queue,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean         taube_imap_sync_run_finish          (TaubeImapSync       *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS
