/* taube-store-pop3.h — what a POP3 sync remembers about each UIDL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "taube-store.h"

G_BEGIN_DECLS

/**
 * TaubePop3UidlState:
 * @first_seen: seconds since 1970 when a UIDL listing first showed the message
 * @downloaded: seconds since 1970 when it was stored; 0 if it is not stored yet
 * @partial: only its header is stored (it was larger than the account's limit)
 * @deleted_locally: the person deleted it here
 *
 * A message with @downloaded or @deleted_locally set must never be downloaded again.
 */
typedef struct
{
  gint64 first_seen;
  gint64 downloaded;
  gboolean partial;
  gboolean deleted_locally;
} TaubePop3UidlState;

void        taube_store_pop3_note_uidls_async  (TaubeStore          *self,
                                                gint64               folder_id,
                                                const char *const   *uidls,
                                                gint64               now,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean    taube_store_pop3_note_uidls_finish (TaubeStore          *self,
                                                GAsyncResult        *result,
                                                GError             **error);
GHashTable *taube_store_pop3_get_states        (TaubeStore          *self,
                                                gint64               folder_id,
                                                GError             **error);
char       *taube_store_pop3_get_download_dir  (TaubeStore          *self,
                                                gint64               folder_id,
                                                GError             **error);

G_END_DECLS
