/* taube-imap-client-op-private.h — typed commands built on the client's exchange
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "taube-imap-client-private.h"

G_BEGIN_DECLS

/*
 * One step of an operation: called with the tagged response of the command it was sent
 * with and the untagged data that came with it. It either ends @task (with
 * _taube_imap_op_return()) or sends the next command.
 */
typedef void (*TaubeImapOpStep) (GTask             *task,
                                 TaubeImapResponse *tagged,
                                 GPtrArray         *untagged);

/* Whether an untagged response is the running command's own answer. */
typedef gboolean (*TaubeImapOpClaim) (TaubeImapResponse *response);

GTask    *_taube_imap_op_begin          (TaubeImapClient     *self,
                                         gpointer             source_tag,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
GTask    *_taube_imap_op_begin_pipelined (TaubeImapClient   *self,
                                         gpointer             source_tag,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
void      _taube_imap_op_send           (GTask               *task,
                                         const char          *command,
                                         TaubeImapOpStep      step);
void      _taube_imap_op_send_claiming  (GTask               *task,
                                         const char          *command,
                                         TaubeImapOpClaim     claim,
                                         TaubeImapOpStep      step);
void      _taube_imap_op_send_any       (GTask               *task,
                                         const char          *command,
                                         TaubeImapOpStep      step);
void      _taube_imap_op_return         (GTask               *task,
                                         gpointer             result,
                                         GDestroyNotify       result_free);
void      _taube_imap_op_return_error   (GTask               *task,
                                         GError              *error);
gpointer  _taube_imap_op_finish         (TaubeImapClient     *self,
                                         GAsyncResult        *result,
                                         gpointer             source_tag,
                                         GError             **error);

/* Mailbox names on the wire: modified UTF-7, or UTF-8 once UTF8=ACCEPT is enabled. */
char     *_taube_imap_client_mailbox_arg  (TaubeImapClient   *self,
                                           const char        *name,
                                           GError           **error);
char     *_taube_imap_client_mailbox_name (TaubeImapClient   *self,
                                           const char        *wire);
void      _taube_imap_client_session_reset (TaubeImapClient  *self);
void      _taube_imap_client_install_idle_properties (GObjectClass *klass);
gboolean  _taube_imap_client_has_pending_input (TaubeImapClient *self);

G_END_DECLS
