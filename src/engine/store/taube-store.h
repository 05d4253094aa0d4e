/* taube-store.h — the local message store: index, search and message files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "taube-folder.h"
#include "taube-message.h"
#include "taube-message-flags.h"
#include "taube-new-message.h"

G_BEGIN_DECLS

#define TAUBE_TYPE_STORE (taube_store_get_type ())

G_DECLARE_FINAL_TYPE (TaubeStore, taube_store, TAUBE, STORE, GObject)

void          taube_store_new_async               (GFile                *directory,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
TaubeStore   *taube_store_new_finish              (GAsyncResult         *result,
                                                   GError              **error);
TaubeStore   *taube_store_new_sync                (GFile                *directory,
                                                   GCancellable         *cancellable,
                                                   GError              **error);
GFile        *taube_store_get_directory           (TaubeStore           *self);

/* Folders: taube-store-folders.c */
void          taube_store_add_folder_async        (TaubeStore           *self,
                                                   const char           *account_id,
                                                   const char           *name,
                                                   const char           *display_name,
                                                   TaubeFolderRole       role,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gint64        taube_store_add_folder_finish       (TaubeStore           *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void          taube_store_set_folder_state_async  (TaubeStore           *self,
                                                   gint64                folder_id,
                                                   guint32               uidvalidity,
                                                   guint32               uidnext,
                                                   guint64               highestmodseq,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean      taube_store_set_folder_state_finish (TaubeStore           *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void          taube_store_remove_folder_async     (TaubeStore           *self,
                                                   gint64                folder_id,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean      taube_store_remove_folder_finish    (TaubeStore           *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
GListModel   *taube_store_list_folders            (TaubeStore           *self,
                                                   const char           *account_id,
                                                   GError              **error);
TaubeFolder  *taube_store_get_folder              (TaubeStore           *self,
                                                   gint64                folder_id,
                                                   GError              **error);

/* Adding messages: taube-store-add.c */
void          taube_store_add_message_async       (TaubeStore           *self,
                                                   gint64                folder_id,
                                                   TaubeNewMessage      *message,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gint64        taube_store_add_message_finish      (TaubeStore           *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void          taube_store_add_messages_async      (TaubeStore           *self,
                                                   gint64                folder_id,
                                                   GPtrArray            *messages,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GArray       *taube_store_add_messages_finish     (TaubeStore           *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void          taube_store_set_body_async          (TaubeStore           *self,
                                                   gint64                message_id,
                                                   GBytes               *raw,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean      taube_store_set_body_finish         (TaubeStore           *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/* Changing and removing messages: taube-store-messages.c */
void          taube_store_set_flags_async         (TaubeStore           *self,
                                                   gint64                message_id,
                                                   TaubeMessageFlags     flags,
                                                   const char *const    *keywords,
                                                   guint64               modseq,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean      taube_store_set_flags_finish        (TaubeStore           *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void          taube_store_change_flags_async      (TaubeStore           *self,
                                                   const gint64         *message_ids,
                                                   guint                 n_message_ids,
                                                   TaubeMessageFlags     add,
                                                   TaubeMessageFlags     remove,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean      taube_store_change_flags_finish     (TaubeStore           *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void          taube_store_remove_messages_async   (TaubeStore           *self,
                                                   const gint64         *message_ids,
                                                   guint                 n_message_ids,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean      taube_store_remove_messages_finish  (TaubeStore           *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/* Reading: taube-store-read.c */
GListModel   *taube_store_list_messages           (TaubeStore           *self,
                                                   gint64                folder_id,
                                                   guint                 offset,
                                                   guint                 limit,
                                                   GError              **error);
TaubeMessage *taube_store_get_message             (TaubeStore           *self,
                                                   gint64                message_id,
                                                   GError              **error);
TaubeMessage *taube_store_lookup_uid              (TaubeStore           *self,
                                                   gint64                folder_id,
                                                   guint32               uid,
                                                   GError              **error);
TaubeMessage *taube_store_lookup_uidl             (TaubeStore           *self,
                                                   gint64                folder_id,
                                                   const char           *uidl,
                                                   GError              **error);
GListModel   *taube_store_lookup_message_id       (TaubeStore           *self,
                                                   const char           *message_id,
                                                   GError              **error);
GListModel   *taube_store_list_thread             (TaubeStore           *self,
                                                   gint64                thread_id,
                                                   GError              **error);
GStrv         taube_store_get_keywords            (TaubeStore           *self,
                                                   gint64                message_id,
                                                   GError              **error);
void          taube_store_read_message_async      (TaubeStore           *self,
                                                   gint64                message_id,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GBytes       *taube_store_read_message_finish     (TaubeStore           *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/* Search: taube-store-search.c */
void          taube_store_search_async            (TaubeStore           *self,
                                                   const char           *query,
                                                   gint64                folder_id,
                                                   guint                 limit,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GArray       *taube_store_search_finish           (TaubeStore           *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
char         *taube_store_build_match_query       (const char           *query);

G_END_DECLS
