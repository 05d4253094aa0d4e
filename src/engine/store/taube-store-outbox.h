/* taube-store-outbox.h — the outbox table of the index (sql/version-004.sql)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Rows only: TaubeOutbox (src/engine/outbox) decides when they are sent.
 */
#pragma once

#include "taube-store.h"

G_BEGIN_DECLS

/* One queued message as stored. */
typedef struct
{
  gint64 id;
  char *account_id;
  GBytes *raw;
  char *subject;
  gint64 queued_at;   /* ms since 1970 */
  gint64 send_after;  /* ms since 1970 */
  int state;          /* TaubeOutboxState */
  guint attempts;
  char *error;        /* nullable */
  gint64 claim_pid;   /* 0 when nobody is sending it */
  gint64 claimed_at;  /* ms since 1970 */
} TaubeOutboxEntry;

void      taube_outbox_entry_free               (TaubeOutboxEntry *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeOutboxEntry, taube_outbox_entry_free)

void      taube_store_outbox_add_async          (TaubeStore           *self,
                                                 const char           *account_id,
                                                 GBytes               *raw,
                                                 const char           *subject,
                                                 gint64                send_after,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gint64    taube_store_outbox_add_finish         (TaubeStore           *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
void      taube_store_outbox_list_async         (TaubeStore           *self,
                                                 gint64                id,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GPtrArray *taube_store_outbox_list_finish       (TaubeStore           *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
void      taube_store_outbox_claim_async        (TaubeStore           *self,
                                                 gint64                id,
                                                 gint64                pid,
                                                 gint64                now,
                                                 gint64                stale_before,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
void      taube_store_outbox_release_async      (TaubeStore           *self,
                                                 gint64                id,
                                                 gint64                pid,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
void      taube_store_outbox_update_async       (TaubeStore           *self,
                                                 gint64                id,
                                                 int                   state,
                                                 gint64                send_after,
                                                 guint                 attempts,
                                                 const char           *error_text,
                                                 gboolean              keep_claim,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
void      taube_store_outbox_requeue_async      (TaubeStore           *self,
                                                 gint64                id,
                                                 gint64                send_after,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
void      taube_store_outbox_due_now_async      (TaubeStore           *self,
                                                 gint64                now,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
void      taube_store_outbox_remove_async       (TaubeStore           *self,
                                                 gint64                id,
                                                 gboolean              only_unclaimed,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
/* For claim, release, update, requeue, due_now and remove: TRUE if a row changed, FALSE (no error) if none. */
gboolean  taube_store_outbox_change_finish      (TaubeStore           *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

G_END_DECLS
