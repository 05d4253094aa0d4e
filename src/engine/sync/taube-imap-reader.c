/* taube-imap-reader.c — an account's second IMAP session, for reading on demand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The account's pool has two sessions: the push (taube-imap-push.c) holds one for the
 * passes and IDLE, and this one fetches the body of a message the person opens. Reading
 * then never waits behind a long sync nor breaks the push's IDLE, and it needs no sync
 * lock: it only adds a body, which the store accepts from any session.
 *
 * Requests run one after another on the one session (EXAMINE changes the selected
 * mailbox, so two at once could not share it). The session is opened on the first
 * request and logged out after "idle timeout" seconds without one (default 120), so an
 * account someone reads from now and then keeps no connection open for nothing.
 */
#define G_LOG_DOMAIN "taube-sync"

#include "config.h"

#include "taube-imap-error.h"
#include "taube-imap-reader.h"
#include "taube-imap-sync.h"

#define DEFAULT_IDLE_TIMEOUT 120

struct _TaubeImapReader
{
  GObject parent_instance;

  TaubeStore *store;
  TaubeAccount *account;
  TaubeImapSync *sync;           /* the open session, or NULL */
  GQueue requests;               /* GTask, the first one running */
  gboolean opening;
  guint idle_timeout;
  guint idle_id;
};

G_DEFINE_FINAL_TYPE (TaubeImapReader, taube_imap_reader, G_TYPE_OBJECT)

static void run_next (TaubeImapReader *self);

static void
close_session (TaubeImapReader *self)
{
  g_clear_handle_id (&self->idle_id, g_source_remove);
  if (self->sync == NULL)
    return;
  /* Nobody waits for the goodbye. */
  taube_imap_client_logout_async (taube_imap_sync_get_client (self->sync), NULL, NULL, NULL);
  g_clear_object (&self->sync);
}

static void
taube_imap_reader_dispose (GObject *object)
{
  TaubeImapReader *self = TAUBE_IMAP_READER (object);

  /* Every request holds a reference, so none is left here. */
  close_session (self);
  g_clear_object (&self->store);
  g_clear_object (&self->account);
  G_OBJECT_CLASS (taube_imap_reader_parent_class)->dispose (object);
}

static void
taube_imap_reader_class_init (TaubeImapReaderClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = taube_imap_reader_dispose;
}

static void
taube_imap_reader_init (TaubeImapReader *self)
{
  g_queue_init (&self->requests);
  self->idle_timeout = DEFAULT_IDLE_TIMEOUT;
}

/**
 * taube_imap_reader_new:
 * @store: the store the bodies go to
 * @account: an IMAP account
 *
 * Returns: (transfer full): a reader; it connects on its first request
 */
TaubeImapReader *
taube_imap_reader_new (TaubeStore   *store,
                       TaubeAccount *account)
{
  TaubeImapReader *self;

  g_return_val_if_fail (TAUBE_IS_STORE (store), NULL);
  g_return_val_if_fail (TAUBE_IS_ACCOUNT (account), NULL);

  self = g_object_new (TAUBE_TYPE_IMAP_READER, NULL);
  self->store = g_object_ref (store);
  self->account = g_object_ref (account);
  return self;
}

/* Seconds without a request before the session is logged out. */
void
taube_imap_reader_set_idle_timeout (TaubeImapReader *self,
                                    guint            seconds)
{
  g_return_if_fail (TAUBE_IS_IMAP_READER (self));

  self->idle_timeout = MAX (seconds, 1);
}

gboolean
taube_imap_reader_is_connected (TaubeImapReader *self)
{
  g_return_val_if_fail (TAUBE_IS_IMAP_READER (self), FALSE);

  return self->sync != NULL
         && taube_imap_client_is_logged_in (taube_imap_sync_get_client (self->sync));
}

static gboolean
taube_imap_reader_idle_cb (gpointer user_data)
{
  TaubeImapReader *self = user_data;

  self->idle_id = 0;
  g_debug ("Account %s: reading session idle, logging out",
           taube_account_get_id (self->account));
  close_session (self);
  return G_SOURCE_REMOVE;
}

static void
request_done (TaubeImapReader *self,
              GError          *error)
{
  g_autoptr(GTask) task = g_queue_pop_head (&self->requests);

  /* A failed session is not reused: the next request opens a new one. */
  if (error != NULL && !g_error_matches (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_SERVER_NO))
    g_clear_object (&self->sync);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  run_next (self);
}

static void
taube_imap_reader_body_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(TaubeImapReader) self = user_data;
  GError *error = NULL;

  taube_imap_sync_fetch_body_finish (TAUBE_IMAP_SYNC (object), result, &error);
  request_done (self, error);
}

static void
taube_imap_reader_open_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(TaubeImapReader) self = user_data;
  g_autoptr(TaubeImapClient) client = NULL;
  GError *error = NULL;

  self->opening = FALSE;
  client = taube_imap_sync_open_finish (result, &error);
  if (client == NULL)
    {
      request_done (self, error);
      return;
    }
  self->sync = taube_imap_sync_new (self->store, taube_account_get_id (self->account), client);
  run_next (self);
}

static void
run_next (TaubeImapReader *self)
{
  GTask *task = g_queue_peek_head (&self->requests);

  if (task == NULL)
    {
      if (self->sync != NULL && self->idle_id == 0)
        self->idle_id = g_timeout_add_seconds (self->idle_timeout, taube_imap_reader_idle_cb,
                                               self);
      return;
    }
  g_clear_handle_id (&self->idle_id, g_source_remove);
  if (self->opening)
    return;
  if (!taube_imap_reader_is_connected (self))
    {
      g_clear_object (&self->sync);
      self->opening = TRUE;
      taube_imap_sync_open_async (self->account, g_task_get_cancellable (task),
                                  taube_imap_reader_open_cb, g_object_ref (self));
      return;
    }
  taube_imap_sync_fetch_body_async (self->sync, GPOINTER_TO_SIZE (g_task_get_task_data (task)),
                                    g_task_get_cancellable (task), taube_imap_reader_body_cb,
                                    g_object_ref (self));
}

/**
 * taube_imap_reader_fetch_body_async:
 * @self: a #TaubeImapReader
 * @message_id: a message of the account whose body is not stored yet
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the body is stored
 * @user_data: data for @callback
 *
 * Fetches the message's body on the reading session and stores it, after the requests
 * asked for before it.
 */
void
taube_imap_reader_fetch_body_async (TaubeImapReader     *self,
                                    gint64               message_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TAUBE_IS_IMAP_READER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_imap_reader_fetch_body_async);
  g_task_set_task_data (task, GSIZE_TO_POINTER ((gsize) message_id), NULL);
  g_queue_push_tail (&self->requests, task);
  if (self->requests.length == 1)
    run_next (self);
}

gboolean
taube_imap_reader_fetch_body_finish (TaubeImapReader  *self,
                                     GAsyncResult     *result,
                                     GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
