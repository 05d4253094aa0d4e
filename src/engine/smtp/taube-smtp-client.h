/* taube-smtp-client.h — sending mail through a submission server (RFC 6409)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "taube-connection.h"

G_BEGIN_DECLS

typedef enum
{
  TAUBE_SMTP_SEND_NONE = 0,
  TAUBE_SMTP_SEND_8BIT = 1 << 0,  /* the body has 8-bit data: BODY=8BITMIME (RFC 6152) */
  TAUBE_SMTP_SEND_UTF8 = 1 << 1,  /* UTF-8 headers or addresses: SMTPUTF8 (RFC 6531) */
} TaubeSmtpSendFlags;

/* What the server said to one RCPT TO. */
typedef struct
{
  char *address;
  gboolean accepted;
  guint code;
  char *text;  /* the server's reply, with its enhanced status code */
} TaubeSmtpRecipient;

void taube_smtp_recipient_free (TaubeSmtpRecipient *recipient);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeSmtpRecipient, taube_smtp_recipient_free)

#define TAUBE_TYPE_SMTP_CLIENT (taube_smtp_client_get_type ())

G_DECLARE_FINAL_TYPE (TaubeSmtpClient, taube_smtp_client, TAUBE, SMTP_CLIENT, GObject)

TaubeSmtpClient *taube_smtp_client_new                 (TaubeConnection     *connection);
TaubeConnection *taube_smtp_client_get_connection      (TaubeSmtpClient     *self);
gboolean         taube_smtp_client_get_allow_plaintext (TaubeSmtpClient     *self);
void             taube_smtp_client_set_allow_plaintext (TaubeSmtpClient     *self,
                                                        gboolean             allow_plaintext);
const char      *taube_smtp_client_get_extension       (TaubeSmtpClient     *self,
                                                        const char          *keyword);
guint64          taube_smtp_client_get_max_size        (TaubeSmtpClient     *self);

void             taube_smtp_client_connect_async       (TaubeSmtpClient     *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean         taube_smtp_client_connect_finish      (TaubeSmtpClient     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             taube_smtp_client_login_async         (TaubeSmtpClient     *self,
                                                        const char          *user,
                                                        const char          *password,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean         taube_smtp_client_login_finish        (TaubeSmtpClient     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             taube_smtp_client_send_async          (TaubeSmtpClient     *self,
                                                        const char          *from,
                                                        const char * const  *recipients,
                                                        GInputStream        *message,
                                                        gint64               size,
                                                        TaubeSmtpSendFlags   flags,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
GPtrArray       *taube_smtp_client_send_finish         (TaubeSmtpClient     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             taube_smtp_client_reset_async         (TaubeSmtpClient     *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
void             taube_smtp_client_quit_async          (TaubeSmtpClient     *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean         taube_smtp_client_command_finish      (TaubeSmtpClient     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

G_END_DECLS
