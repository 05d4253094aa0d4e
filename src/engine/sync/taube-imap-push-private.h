/* taube-imap-push-private.h — what the push's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "taube-imap-client.h"
#include "taube-imap-error.h"
#include "taube-imap-push.h"

G_BEGIN_DECLS

/* NOTIFY (taube-imap-push-notify.c). */
void     _taube_imap_push_notify_async   (TaubeImapClient     *client,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean _taube_imap_push_notify_finish  (GAsyncResult        *result,
                                          GError             **error);
gboolean _taube_imap_push_is_notify_news (TaubeImapResponse   *response);

G_END_DECLS
