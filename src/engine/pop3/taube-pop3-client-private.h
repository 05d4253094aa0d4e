/* taube-pop3-client-private.h — what the POP3 client's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "taube-pop3-client.h"
#include "taube-pop3-reply.h"

G_BEGIN_DECLS

typedef enum
{
  TAUBE_POP3_REPLY_SINGLE,  /* a status line */
  TAUBE_POP3_REPLY_MULTI,   /* a status line and, after +OK, lines up to "." */
  TAUBE_POP3_REPLY_BODY,    /* a status line; the caller streams the lines itself */
} TaubePop3ReplyKind;

GTask     *_taube_pop3_client_begin            (TaubePop3Client     *self,
                                                gpointer             source_tag,
                                                gboolean             logged_in,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean   _taube_pop3_client_knows_capabilities (TaubePop3Client *self);
void       _taube_pop3_client_release          (TaubePop3Client     *self);
void       _taube_pop3_client_fail             (GTask               *task,
                                                GError              *error,
                                                gboolean             fatal);
void       _taube_pop3_client_exchange_async   (TaubePop3Client     *self,
                                                const char * const  *commands,
                                                const TaubePop3ReplyKind *kinds,
                                                const char          *secret,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
GPtrArray *_taube_pop3_client_exchange_finish  (TaubePop3Client     *self,
                                                GAsyncResult        *result,
                                                GError             **error);
GError    *_taube_pop3_client_reply_error      (TaubePop3Client     *self,
                                                const TaubePop3Reply *reply);
GError    *_taube_pop3_client_protocol_error   (TaubePop3Client     *self,
                                                const GError        *detail);

G_END_DECLS
