/* taube-store-queue.h — the persistent rows of the offline queue
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "taube-store.h"

G_BEGIN_DECLS

/**
 * TaubeStoreQueuedOp:
 * @id: the row id, which is also the replay order (0 before it is stored)
 * @account_id: the account
 * @kind: what to do; the offline queue's enum, stored as a number
 * @mailbox: the source mailbox as the server spells it
 * @uidvalidity: its UIDVALIDITY when the op was made
 * @uids: (element-type guint32): the messages in @mailbox
 * @target: (nullable): the target mailbox of a move
 * @flags_add: flags to set
 * @flags_remove: flags to clear
 * @message: (nullable): a draft to upload
 * @local_ids: (element-type gint64): local rows standing in for the result of a move
 * @attempts: how often a replay failed for a reason other than being offline
 *
 * One change a person made, waiting for the server.
 */
typedef struct
{
  gint64 id;
  char *account_id;
  int kind;
  char *mailbox;
  guint32 uidvalidity;
  GArray *uids;
  char *target;
  guint flags_add;
  guint flags_remove;
  GBytes *message;
  GArray *local_ids;
  guint attempts;
} TaubeStoreQueuedOp;

TaubeStoreQueuedOp *taube_store_queued_op_new     (void);
void                taube_store_queued_op_free    (TaubeStoreQueuedOp  *op);

void       taube_store_queue_push_async     (TaubeStore                *self,
                                             const TaubeStoreQueuedOp  *op,
                                             GCancellable              *cancellable,
                                             GAsyncReadyCallback        callback,
                                             gpointer                   user_data);
gint64     taube_store_queue_push_finish    (TaubeStore                *self,
                                             GAsyncResult              *result,
                                             GError                   **error);
void       taube_store_queue_remove_async   (TaubeStore                *self,
                                             gint64                     op_id,
                                             GCancellable              *cancellable,
                                             GAsyncReadyCallback        callback,
                                             gpointer                   user_data);
gboolean   taube_store_queue_remove_finish  (TaubeStore                *self,
                                             GAsyncResult              *result,
                                             GError                   **error);
void       taube_store_queue_count_attempt_async  (TaubeStore          *self,
                                                   gint64               op_id,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean   taube_store_queue_count_attempt_finish (TaubeStore          *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
GPtrArray *taube_store_queue_list           (TaubeStore                *self,
                                             const char                *account_id,
                                             GError                   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeStoreQueuedOp, taube_store_queued_op_free)

G_END_DECLS
