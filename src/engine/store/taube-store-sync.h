/* taube-store-sync.h — what mail sync needs from the store beyond the views' API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "taube-store.h"

G_BEGIN_DECLS

/**
 * TaubeStoreUidState:
 * @uid: the message's IMAP UID
 * @flags: its flags as stored
 * @modseq: its MODSEQ as stored (RFC 7162 §3.1.1), or 0
 * @id: the message's id in the store (0 when handed to the store as an update)
 * @keywords: (nullable): its keywords without a flag bit ($Label1, $Junk …), sorted; as an
 *   update, %NULL leaves the stored keywords alone and an empty list removes them
 *
 * One message as IMAP sync compares or updates it. Arrays of these that may hold keywords
 * free them with taube_store_uid_state_clear() as their clear function.
 */
typedef struct
{
  guint32 uid;
  TaubeMessageFlags flags;
  guint64 modseq;
  gint64 id;
  GStrv keywords;
} TaubeStoreUidState;

void      taube_store_uid_state_clear           (gpointer              state);
gboolean  taube_store_uid_state_same_keywords   (const TaubeStoreUidState *a,
                                                 const TaubeStoreUidState *b);
GStrv     taube_store_keywords_normalize        (GStrv                 keywords);

/* Folders */
void      taube_store_rename_folder_async       (TaubeStore           *self,
                                                 gint64                folder_id,
                                                 const char           *name,
                                                 const char           *display_name,
                                                 TaubeFolderRole       role,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean  taube_store_rename_folder_finish      (TaubeStore           *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

/* Reading what is stored of a folder, a UID range at a time (synchronous, like the views) */
gboolean  taube_store_get_uid_bounds            (TaubeStore           *self,
                                                 gint64                folder_id,
                                                 guint32              *min_uid,
                                                 guint32              *max_uid,
                                                 GError              **error);
GArray   *taube_store_list_uids                 (TaubeStore           *self,
                                                 gint64                folder_id,
                                                 guint32               first_uid,
                                                 guint32               last_uid,
                                                 GError              **error);
GArray   *taube_store_list_ids_without_body     (TaubeStore           *self,
                                                 gint64                folder_id,
                                                 gint64                since,
                                                 guint                 limit,
                                                 GError              **error);

/* Applying what the server reported, in one transaction each */
void      taube_store_update_uids_async         (TaubeStore           *self,
                                                 gint64                folder_id,
                                                 GArray               *states,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean  taube_store_update_uids_finish        (TaubeStore           *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
void      taube_store_remove_uids_async         (TaubeStore           *self,
                                                 gint64                folder_id,
                                                 GArray               *uids,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean  taube_store_remove_uids_finish        (TaubeStore           *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

/* Local moves (the offline queue): the row changes folder and loses its UID */
void      taube_store_move_messages_async       (TaubeStore           *self,
                                                 const gint64         *message_ids,
                                                 guint                 n_message_ids,
                                                 gint64                folder_id,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean  taube_store_move_messages_finish      (TaubeStore           *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

G_END_DECLS
