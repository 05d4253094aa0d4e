/* taube-outbox-private.h — what the outbox's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "taube-outbox.h"
#include "taube-smtp-client.h"

G_BEGIN_DECLS

/* GMime 3.2 declares no cleanup functions of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeFormatOptions, g_mime_format_options_free)

/* What goes over the wire for one message. */
typedef struct
{
  GBytes *data;            /* the message without Bcc */
  GStrv recipients;        /* bare addresses from To, Cc and Bcc, without duplicates */
  char *subject;
  TaubeSmtpSendFlags flags;
} TaubeOutboxEnvelope;

void      _taube_outbox_envelope_free (TaubeOutboxEnvelope *envelope);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeOutboxEnvelope, _taube_outbox_envelope_free)

/* taube-outbox-envelope.c */
GBytes              *_taube_outbox_complete_message (GBytes       *raw,
                                                     const char   *from_address,
                                                     char        **subject,
                                                     GError      **error);
TaubeOutboxEnvelope *_taube_outbox_envelope_new     (GBytes       *raw,
                                                     GError      **error);

/* taube-outbox-send.c: one attempt to hand a message to the account's SMTP server */
void       _taube_outbox_send_async     (TaubeAccount         *account,
                                         TaubeOutboxEnvelope  *envelope,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
GPtrArray *_taube_outbox_send_finish    (GAsyncResult         *result,
                                         GError              **error);
gboolean   _taube_outbox_error_is_transient (const GError     *error);

/* taube-outbox-sent.c: the default copy to Sent, into the store's local Sent folder */
void       _taube_outbox_save_local     (TaubeOutbox          *outbox,
                                         TaubeAccount         *account,
                                         GBytes               *raw,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean   _taube_outbox_save_local_finish (GAsyncResult      *result,
                                         GError              **error);

/* taube-outbox-imap.c: the copy in an IMAP account's Sent folder, with APPEND */
void       _taube_outbox_save_imap      (TaubeOutbox          *outbox,
                                         TaubeAccount         *account,
                                         GBytes               *raw,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean   _taube_outbox_save_imap_finish (GAsyncResult       *result,
                                         GError              **error);

/* taube-outbox.c */
TaubeStore          *_taube_outbox_get_store    (TaubeOutbox      *self);
TaubeAccountManager *_taube_outbox_get_accounts (TaubeOutbox      *self);
gboolean             _taube_outbox_is_busy      (TaubeOutbox      *self,
                                                 gint64            id);
void                 _taube_outbox_emit_state   (TaubeOutbox      *self,
                                                 gint64            id,
                                                 TaubeOutboxState  state,
                                                 const char       *error_text);
void                 _taube_outbox_schedule     (TaubeOutbox      *self,
                                                 gint64            id,
                                                 gint64            delay_ms);
void                 _taube_outbox_remove_timer (TaubeOutbox      *self,
                                                 gint64            id);

G_END_DECLS
