/* taube-offline-queue.h — changes made without the server, applied at once, sent later
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "taube-imap-client.h"
#include "taube-store.h"

G_BEGIN_DECLS

/* Stored in the offline_ops table: never renumber. */
typedef enum
{
  TAUBE_OFFLINE_OP_FLAGS = 1,   /* UID STORE +FLAGS / -FLAGS */
  TAUBE_OFFLINE_OP_MOVE = 2,    /* UID MOVE (move, archive, delete to Trash) */
  TAUBE_OFFLINE_OP_EXPUNGE = 3, /* UID STORE +FLAGS (\Deleted), UID EXPUNGE */
  TAUBE_OFFLINE_OP_DRAFT = 4,   /* APPEND to Drafts */
} TaubeOfflineOpKind;

#define TAUBE_TYPE_OFFLINE_QUEUE (taube_offline_queue_get_type ())

G_DECLARE_FINAL_TYPE (TaubeOfflineQueue, taube_offline_queue, TAUBE, OFFLINE_QUEUE, GObject)

TaubeOfflineQueue *taube_offline_queue_new              (TaubeStore           *store,
                                                         const char           *account_id);
guint              taube_offline_queue_get_length       (TaubeOfflineQueue    *self);

void               taube_offline_queue_mark_async       (TaubeOfflineQueue    *self,
                                                         const gint64         *message_ids,
                                                         guint                 n_message_ids,
                                                         TaubeMessageFlags     add,
                                                         TaubeMessageFlags     remove,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
void               taube_offline_queue_move_async       (TaubeOfflineQueue    *self,
                                                         const gint64         *message_ids,
                                                         guint                 n_message_ids,
                                                         gint64                folder_id,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
void               taube_offline_queue_archive_async    (TaubeOfflineQueue    *self,
                                                         const gint64         *message_ids,
                                                         guint                 n_message_ids,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
void               taube_offline_queue_delete_async     (TaubeOfflineQueue    *self,
                                                         const gint64         *message_ids,
                                                         guint                 n_message_ids,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
void               taube_offline_queue_save_draft_async (TaubeOfflineQueue    *self,
                                                         GBytes               *message,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean           taube_offline_queue_change_finish    (TaubeOfflineQueue    *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

void               taube_offline_queue_replay_async     (TaubeOfflineQueue    *self,
                                                         TaubeImapClient      *client,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean           taube_offline_queue_replay_finish    (TaubeOfflineQueue    *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

G_END_DECLS
