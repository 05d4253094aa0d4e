/* taube-imap-client-private.h — what the IMAP client's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "taube-imap-client.h"

G_BEGIN_DECLS

typedef enum
{
  TAUBE_IMAP_CLIENT_DISCONNECTED,
  TAUBE_IMAP_CLIENT_NOT_AUTHENTICATED,
  TAUBE_IMAP_CLIENT_AUTHENTICATED,
} TaubeImapClientState;

GTask             *_taube_imap_client_begin          (TaubeImapClient     *self,
                                                      gpointer             source_tag,
                                                      gboolean             logged_in,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
void               _taube_imap_client_release        (TaubeImapClient     *self);
void               _taube_imap_client_forget         (TaubeImapClient     *self);
TaubeImapClientState _taube_imap_client_get_state    (TaubeImapClient     *self);
void               _taube_imap_client_set_state      (TaubeImapClient     *self,
                                                      TaubeImapClientState state);
gboolean           _taube_imap_client_knows_capabilities (TaubeImapClient *self);
void               _taube_imap_client_forget_capabilities (TaubeImapClient *self);
GError            *_taube_imap_client_protocol_error (TaubeImapClient     *self,
                                                      const char          *detail);
GError            *_taube_imap_client_bye_error      (TaubeImapClient     *self,
                                                      TaubeImapResponse   *response);
void               _taube_imap_client_wipe_free      (gpointer             data);
void               _taube_imap_client_fail           (GTask               *task,
                                                      GError              *error);
GError            *_taube_imap_client_status_error   (TaubeImapClient     *self,
                                                      TaubeImapResponse   *response);
char              *_taube_imap_client_quote          (const char          *text);
void               _taube_imap_client_exchange_async (TaubeImapClient     *self,
                                                      const char          *command,
                                                      const char          *secret,
                                                      GPtrArray           *continuations,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
TaubeImapResponse *_taube_imap_client_exchange_finish (TaubeImapClient    *self,
                                                       GAsyncResult       *result,
                                                       GPtrArray         **untagged,
                                                       GError            **error);

G_END_DECLS
