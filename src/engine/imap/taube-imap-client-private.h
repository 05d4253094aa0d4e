/* taube-imap-client-private.h — what the IMAP client's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "taube-imap-client.h"
#include "taube-imap-sequence-set.h"

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
GTask             *_taube_imap_client_begin_pipelined (TaubeImapClient    *self,
                                                      gpointer             source_tag,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
void               _taube_imap_client_release_task   (GTask               *task);
gboolean           _taube_imap_client_is_pipelinable (const char          *command_line);
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

/*
 * TaubeImapExchangeHandler: what one command does with its data as it arrives, instead
 * of collecting every untagged response (a UID FETCH of 100,000 messages must not be held
 * in memory). Every member may be NULL. The callbacks other than drain_async run inside
 * the parser: they must not start commands, and report failure with
 * _taube_imap_client_exchange_error().
 *
 * @untagged: an untagged response while the command runs; returns whether it was the
 *   command's own data. Unclaimed responses are also reported through the client's
 *   signals ("exists", "expunge", "vanished", "flags-changed" …); claimed ones are not.
 *   ALERT and BYE are always signalled. With pipelined commands in flight, a response
 *   is offered to them oldest first until one claims it, so a handler must claim only
 *   what is surely its own (a FETCH for a UID it asked for, say).
 * @literal_begin, @literal_chunk, @literal_end: a FETCH body literal (BODY[…], BINARY[…],
 *   RFC822*) of message @sequence, streamed in chunks of at most
 *   TAUBE_IMAP_PARSER_CHUNK_SIZE; @item is the FETCH item name (a section value).
 *   A command that may get body literals is never in flight beside another one.
 * @sent: the command line went out; a LITERAL+ command writes its literal now.
 * @continuation: the server sent "+"; the command writes what it waited for. Without
 *   it, the exchange's continuation lines are sent.
 * @drain_async/@drain_finish: called after each chunk read from the server was parsed,
 *   before the next read and before the command finishes, so that the command can write
 *   out what it got (to a GOutputStream) with the reading paused: memory stays bounded by
 *   one read however fast the server sends. An error fails the command and closes the
 *   session.
 */
typedef struct
{
  gboolean (*untagged)      (TaubeImapClient      *self,
                             TaubeImapResponse    *response,
                             gpointer              handler_data);
  void     (*literal_begin) (TaubeImapClient      *self,
                             guint64               sequence,
                             const TaubeImapValue *item,
                             guint64               size,
                             gpointer              handler_data);
  void     (*literal_chunk) (TaubeImapClient      *self,
                             const guint8         *data,
                             gsize                 len,
                             gpointer              handler_data);
  void     (*literal_end)   (TaubeImapClient      *self,
                             gpointer              handler_data);
  void     (*sent)          (TaubeImapClient      *self,
                             gpointer              handler_data);
  void     (*continuation)  (TaubeImapClient      *self,
                             TaubeImapResponse    *response,
                             gpointer              handler_data);
  void     (*drain_async)   (TaubeImapClient      *self,
                             gpointer              handler_data,
                             GCancellable         *cancellable,
                             GAsyncReadyCallback   callback,
                             gpointer              user_data);
  gboolean (*drain_finish)  (TaubeImapClient      *self,
                             GAsyncResult         *result,
                             GError              **error);
} TaubeImapExchangeHandler;

void               _taube_imap_client_exchange_with_handler_async (TaubeImapClient                *self,
                                                                   const char                     *command,
                                                                   const TaubeImapExchangeHandler *handler,
                                                                   gpointer                        handler_data,
                                                                   GCancellable                   *cancellable,
                                                                   GAsyncReadyCallback             callback,
                                                                   gpointer                        user_data);
void               _taube_imap_client_exchange_error  (TaubeImapClient    *self,
                                                       GError             *error);

/* taube-imap-client-signals.c: the signals for unsolicited data. */
void               _taube_imap_client_install_signals (GObjectClass       *klass);
void               _taube_imap_client_signal_response   (TaubeImapClient    *self,
                                                       TaubeImapResponse  *response,
                                                       gboolean            claimed);

/* taube-imap-client-args.c: what the message commands share. */
char              *_taube_imap_client_mailbox_argument (const char          *mailbox,
                                                        GError             **error);
char              *_taube_imap_client_flag_list        (const char * const  *flags,
                                                        GError             **error);
char              *_taube_imap_client_uid_set_argument (const char          *uids,
                                                        GError             **error);
void               _taube_imap_client_refuse           (GTask               *task,
                                                        GError              *error);
TaubeImapResponse *_taube_imap_client_finish_ok        (GTask               *task,
                                                        GAsyncResult        *result);
TaubeImapSequenceSet *_taube_imap_client_code_set      (TaubeImapResponse   *response,
                                                        guint                index);
GError            *_taube_imap_client_not_supported    (TaubeImapClient     *self,
                                                        const char          *capability);

G_END_DECLS
