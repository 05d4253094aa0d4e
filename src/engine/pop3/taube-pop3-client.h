/* taube-pop3-client.h — a POP3 session (RFC 1939) with CAPA, STLS and SASL PLAIN
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "taube-connection.h"

G_BEGIN_DECLS

/* One message of a LIST, UIDL or both; fields not asked for are 0 or NULL. */
typedef struct
{
  guint number;
  guint64 size;
  char *uid;
} TaubePop3MessageInfo;

void taube_pop3_message_info_free (TaubePop3MessageInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubePop3MessageInfo, taube_pop3_message_info_free)

#define TAUBE_TYPE_POP3_CLIENT (taube_pop3_client_get_type ())

G_DECLARE_FINAL_TYPE (TaubePop3Client, taube_pop3_client, TAUBE, POP3_CLIENT, GObject)

TaubePop3Client *taube_pop3_client_new                (TaubeConnection      *connection);
TaubeConnection *taube_pop3_client_get_connection     (TaubePop3Client      *self);
gboolean         taube_pop3_client_get_allow_plaintext (TaubePop3Client     *self);
void             taube_pop3_client_set_allow_plaintext (TaubePop3Client     *self,
                                                        gboolean             allow_plaintext);
gboolean         taube_pop3_client_has_capability     (TaubePop3Client      *self,
                                                       const char           *name);
const char      *taube_pop3_client_get_capability     (TaubePop3Client      *self,
                                                       const char           *name);
gboolean         taube_pop3_client_is_logged_in       (TaubePop3Client      *self);

void             taube_pop3_client_connect_async      (TaubePop3Client      *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean         taube_pop3_client_connect_finish     (TaubePop3Client      *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
void             taube_pop3_client_login_async        (TaubePop3Client      *self,
                                                       const char           *user,
                                                       const char           *password,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean         taube_pop3_client_login_finish       (TaubePop3Client      *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void             taube_pop3_client_stat_async         (TaubePop3Client      *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean         taube_pop3_client_stat_finish        (TaubePop3Client      *self,
                                                       GAsyncResult         *result,
                                                       guint                *count,
                                                       guint64              *size,
                                                       GError              **error);
void             taube_pop3_client_list_async         (TaubePop3Client      *self,
                                                       guint                 number,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
void             taube_pop3_client_uidl_async         (TaubePop3Client      *self,
                                                       guint                 number,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
void             taube_pop3_client_scan_async         (TaubePop3Client      *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
GPtrArray       *taube_pop3_client_list_finish        (TaubePop3Client      *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void             taube_pop3_client_retrieve_async     (TaubePop3Client      *self,
                                                       guint                 number,
                                                       GOutputStream        *output,
                                                       guint64               max_size,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
void             taube_pop3_client_top_async          (TaubePop3Client      *self,
                                                       guint                 number,
                                                       guint                 lines,
                                                       GOutputStream        *output,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean         taube_pop3_client_retrieve_finish    (TaubePop3Client      *self,
                                                       GAsyncResult         *result,
                                                       guint64              *size,
                                                       GError              **error);

void             taube_pop3_client_delete_async       (TaubePop3Client      *self,
                                                       const guint          *numbers,
                                                       guint                 n_numbers,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
void             taube_pop3_client_noop_async         (TaubePop3Client      *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
void             taube_pop3_client_reset_async        (TaubePop3Client      *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
void             taube_pop3_client_quit_async         (TaubePop3Client      *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean         taube_pop3_client_command_finish     (TaubePop3Client      *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

G_END_DECLS
