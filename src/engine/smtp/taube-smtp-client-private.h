/* taube-smtp-client-private.h — what the SMTP client's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "taube-smtp-client.h"
#include "taube-smtp-reply.h"

G_BEGIN_DECLS

GTask     *_taube_smtp_client_begin           (TaubeSmtpClient      *self,
                                               gpointer              source_tag,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
void       _taube_smtp_client_release         (TaubeSmtpClient      *self);
void       _taube_smtp_client_fail            (GTask                *task,
                                               GError               *error,
                                               gboolean              fatal);
void       _taube_smtp_client_exchange_async  (TaubeSmtpClient      *self,
                                               const char * const   *commands,
                                               const char           *secret,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
GPtrArray *_taube_smtp_client_exchange_finish (TaubeSmtpClient      *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void       _taube_smtp_client_read_reply_async (TaubeSmtpClient     *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
GError    *_taube_smtp_client_reply_error     (TaubeSmtpClient      *self,
                                               const TaubeSmtpReply *reply);
GError    *_taube_smtp_client_protocol_error  (TaubeSmtpClient      *self,
                                               const GError         *detail);

G_END_DECLS
