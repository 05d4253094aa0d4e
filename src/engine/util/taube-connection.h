/* taube-connection.h — a line-oriented connection to a mail server (POP3, SMTP, IMAP)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "taube-security.h"
#include "taube-tls-trust.h"

G_BEGIN_DECLS

/* RFC 5321 §4.5.3.1.5 allows 512 octets per reply line and RFC 2449 §4 255 per POP3
 * response line; real servers send longer ones, so the cap is generous but firm. */
#define TAUBE_CONNECTION_DEFAULT_MAX_LINE (64 * 1024)

#define TAUBE_TYPE_CONNECTION (taube_connection_get_type ())

G_DECLARE_FINAL_TYPE (TaubeConnection, taube_connection, TAUBE, CONNECTION, GObject)

TaubeConnection *taube_connection_new               (const char           *host,
                                                     guint16               port,
                                                     TaubeSecurity         security,
                                                     TaubeTlsTrust        *trust,
                                                     const char           *log_domain,
                                                     guint                 connect_timeout_ms,
                                                     guint                 read_timeout_ms);
const char      *taube_connection_get_host          (TaubeConnection      *self);
guint16          taube_connection_get_port          (TaubeConnection      *self);
TaubeSecurity    taube_connection_get_security      (TaubeConnection      *self);
TaubeTlsTrust   *taube_connection_get_trust         (TaubeConnection      *self);
const char      *taube_connection_get_log_domain    (TaubeConnection      *self);
gboolean         taube_connection_is_encrypted      (TaubeConnection      *self);
gboolean         taube_connection_is_connected      (TaubeConnection      *self);
guint            taube_connection_get_read_timeout  (TaubeConnection      *self);
void             taube_connection_set_read_timeout  (TaubeConnection      *self,
                                                     guint                 read_timeout_ms);
gsize            taube_connection_get_max_line_length (TaubeConnection    *self);
void             taube_connection_set_max_line_length (TaubeConnection    *self,
                                                       gsize               max_line_length);
GSocketAddress  *taube_connection_get_local_address (TaubeConnection      *self);

void             taube_connection_connect_async     (TaubeConnection      *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean         taube_connection_connect_finish    (TaubeConnection      *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void             taube_connection_start_tls_async   (TaubeConnection      *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean         taube_connection_start_tls_finish  (TaubeConnection      *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

void             taube_connection_read_line_async   (TaubeConnection      *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
char            *taube_connection_read_line_finish  (TaubeConnection      *self,
                                                     GAsyncResult         *result,
                                                     gsize                *length,
                                                     GError              **error);

void             taube_connection_fill_async        (TaubeConnection      *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean         taube_connection_fill_finish       (TaubeConnection      *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
const guint8    *taube_connection_peek              (TaubeConnection      *self,
                                                     gsize                *length);
void             taube_connection_consume           (TaubeConnection      *self,
                                                     gsize                 length);

void             taube_connection_write_line_async  (TaubeConnection      *self,
                                                     const char           *line,
                                                     const char           *secret,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
void             taube_connection_write_lines_async (TaubeConnection      *self,
                                                     const char * const   *lines,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
void             taube_connection_write_bytes_async (TaubeConnection      *self,
                                                     GBytes               *bytes,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean         taube_connection_write_finish      (TaubeConnection      *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

void             taube_connection_close_async       (TaubeConnection      *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean         taube_connection_close_finish      (TaubeConnection      *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

gboolean         taube_connection_start_compression (TaubeConnection    *self,
                                                     GError            **error);
gboolean         taube_connection_is_compressed     (TaubeConnection      *self);

G_END_DECLS
