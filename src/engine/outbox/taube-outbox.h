/* taube-outbox.h — sending mail: a persistent queue with undo, retries and a copy in Sent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gmime/gmime.h>

#include "taube-account-manager.h"
#include "taube-store.h"

G_BEGIN_DECLS

/**
 * TaubeOutboxState:
 * @TAUBE_OUTBOX_STATE_QUEUED: waiting for the undo window to end, or for a retry
 * @TAUBE_OUTBOX_STATE_SENDING: being handed to the SMTP server
 * @TAUBE_OUTBOX_STATE_FAILED: the server refused it for good; kept until retried or deleted
 * @TAUBE_OUTBOX_STATE_SENT: the server took it (saved to Sent, then removed from the outbox)
 * @TAUBE_OUTBOX_STATE_UNDONE: undone within the window; nothing left
 */
typedef enum
{
  TAUBE_OUTBOX_STATE_QUEUED,
  TAUBE_OUTBOX_STATE_SENDING,
  TAUBE_OUTBOX_STATE_FAILED,
  TAUBE_OUTBOX_STATE_SENT,
  TAUBE_OUTBOX_STATE_UNDONE,
} TaubeOutboxState;

#define TAUBE_OUTBOX_ERROR (taube_outbox_error_quark ())

typedef enum
{
  /* The message has no recipient, or no From, or is not a message at all. */
  TAUBE_OUTBOX_ERROR_INVALID,
  /* The account it should be sent from does not exist (any more). */
  TAUBE_OUTBOX_ERROR_NO_ACCOUNT,
  /* Undo came too late: the message is being sent or was sent. */
  TAUBE_OUTBOX_ERROR_TOO_LATE,
  /* The keyring has no password for the account's SMTP server. */
  TAUBE_OUTBOX_ERROR_NO_PASSWORD,
  /* No such message in the outbox. */
  TAUBE_OUTBOX_ERROR_NOT_FOUND,
} TaubeOutboxError;

/* Saves a sent message to the account's Sent folder. The default saves it into the store's
 * local Sent folder; the sync service sets one that uses IMAP APPEND for IMAP accounts. */
typedef struct _TaubeOutbox TaubeOutbox;
typedef void     (*TaubeOutboxSaveFunc)   (TaubeOutbox          *outbox,
                                           TaubeAccount         *account,
                                           GBytes               *raw,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
typedef gboolean (*TaubeOutboxSaveFinish) (GAsyncResult         *result,
                                           GError              **error);

#define TAUBE_TYPE_OUTBOX_STATE (taube_outbox_state_get_type ())
#define TAUBE_TYPE_OUTBOX (taube_outbox_get_type ())

G_DECLARE_FINAL_TYPE (TaubeOutbox, taube_outbox, TAUBE, OUTBOX, GObject)

GQuark       taube_outbox_error_quark      (void);
GType        taube_outbox_state_get_type   (void) G_GNUC_CONST;

TaubeOutbox *taube_outbox_new              (TaubeStore           *store,
                                            TaubeAccountManager  *accounts);
void         taube_outbox_set_save_func    (TaubeOutbox          *self,
                                            TaubeProtocol         protocol,
                                            TaubeOutboxSaveFunc   save,
                                            TaubeOutboxSaveFinish finish);
void         taube_outbox_start            (TaubeOutbox          *self);

void         taube_outbox_queue_async      (TaubeOutbox          *self,
                                            const char           *account_id,
                                            GBytes               *raw,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
void         taube_outbox_queue_message_async (TaubeOutbox       *self,
                                            const char           *account_id,
                                            GMimeMessage         *message,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gint64       taube_outbox_queue_finish     (TaubeOutbox          *self,
                                            GAsyncResult         *result,
                                            GError              **error);
void         taube_outbox_undo_async       (TaubeOutbox          *self,
                                            gint64                id,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean     taube_outbox_undo_finish      (TaubeOutbox          *self,
                                            GAsyncResult         *result,
                                            GError              **error);
void         taube_outbox_retry            (TaubeOutbox          *self,
                                            gint64                id);

guint        taube_outbox_get_undo_delay   (TaubeOutbox          *self);
void         taube_outbox_set_undo_delay   (TaubeOutbox          *self,
                                            guint                 delay_ms);
void         taube_outbox_set_backoff      (TaubeOutbox          *self,
                                            guint                 initial_ms,
                                            guint                 max_ms);
guint64      taube_outbox_backoff_delay    (guint                 initial_ms,
                                            guint                 max_ms,
                                            guint                 attempts);

G_END_DECLS
