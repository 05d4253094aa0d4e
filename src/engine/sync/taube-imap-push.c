/* taube-imap-push.c — an IMAP account kept in step all the time: IDLE, intervals, reconnects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The loop, on one session:
 *   open → replay the queue, sync everything → select the Inbox → IDLE
 *   IDLE woken by news in the Inbox ("exists", "expunge", "vanished", "flags-changed")
 *     → leave IDLE → replay the queue, sync the Inbox → IDLE again
 *   the interval (default 5 minutes) → leave IDLE → a whole pass → IDLE again
 * A failed session is dropped and opened again after 1, 2, 4 … up to 300 seconds; while
 * GNetworkMonitor says there is no network, nothing is tried, and when it comes back the
 * session is opened at once. A bad password, a refused certificate or wrong settings stop
 * the loop: retrying cannot help, the person has to act (taube_imap_push_get_error(), the
 * "stopped" signal). Every wait is a timeout or a socket read: no busy loop.
 */
#define G_LOG_DOMAIN "taube-sync"

#include "config.h"

#include "taube-imap-push-private.h"
#include "taube-imap-sync.h"
#include "taube-sync-error.h"
#include "taube-sync-lock.h"

#define DEFAULT_INTERVAL (5 * 60)
#define MAX_BACKOFF 300

typedef enum
{
  WAKE_NONE,
  WAKE_INBOX,
  WAKE_ALL,
} Wake;

struct _TaubeImapPush
{
  GObject parent_instance;

  TaubeStore *store;
  TaubeAccount *account;
  TaubeOfflineQueue *queue;
  GNetworkMonitor *monitor;
  gulong network_handler;

  gboolean running;
  TaubeSyncLock *lock;           /* held while a session is open: one sync per account */
  GCancellable *cancellable;     /* the whole session */
  GCancellable *idle;            /* the IDLE in progress */
  gboolean notify_asked;         /* NOTIFY SET sent in this session (or not offered) */
  TaubeImapClient *client;
  TaubeImapSync *sync;
  gint64 inbox_id;
  Wake wake;
  guint interval;
  guint interval_id;
  guint retry_id;
  guint wake_id;
  guint backoff;
  guint n_syncs;
  GError *error;
};

enum { SIGNAL_SYNCED, SIGNAL_STOPPED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TaubeImapPush, taube_imap_push, G_TYPE_OBJECT)

static void open_session (TaubeImapPush *self);
static void start_idle (TaubeImapPush *self);

static void
drop_session (TaubeImapPush *self)
{
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  /* IDLE runs on its own cancellable: end it too, or it would keep the connection. */
  if (self->idle != NULL)
    g_cancellable_cancel (self->idle);
  g_clear_object (&self->idle);
  g_clear_object (&self->sync);
  g_clear_object (&self->client);
  g_clear_pointer (&self->lock, taube_sync_lock_release);
  g_clear_handle_id (&self->interval_id, g_source_remove);
  g_clear_handle_id (&self->wake_id, g_source_remove);
  self->wake = WAKE_NONE;
  self->notify_asked = FALSE;
}

static void
taube_imap_push_dispose (GObject *object)
{
  TaubeImapPush *self = TAUBE_IMAP_PUSH (object);

  taube_imap_push_stop (self);
  g_clear_signal_handler (&self->network_handler, self->monitor);
  G_OBJECT_CLASS (taube_imap_push_parent_class)->dispose (object);
}

static void
taube_imap_push_finalize (GObject *object)
{
  TaubeImapPush *self = TAUBE_IMAP_PUSH (object);

  g_clear_object (&self->store);
  g_clear_object (&self->account);
  g_clear_object (&self->queue);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (taube_imap_push_parent_class)->finalize (object);
}

static void
taube_imap_push_class_init (TaubeImapPushClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = taube_imap_push_dispose;
  object_class->finalize = taube_imap_push_finalize;

  /* After each sync, successful or not stopped. */
  signals[SIGNAL_SYNCED] = g_signal_new ("synced", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 0);
  /* The loop gave up; taube_imap_push_get_error() says why. */
  signals[SIGNAL_STOPPED] = g_signal_new ("stopped", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
taube_imap_push_init (TaubeImapPush *self)
{
  self->interval = DEFAULT_INTERVAL;
  self->backoff = 1;
}

/**
 * taube_imap_push_new:
 * @store: the store
 * @account: an IMAP account
 *
 * Returns: (transfer full): a push loop, not started yet
 */
TaubeImapPush *
taube_imap_push_new (TaubeStore   *store,
                     TaubeAccount *account)
{
  TaubeImapPush *self;

  g_return_val_if_fail (TAUBE_IS_STORE (store), NULL);
  g_return_val_if_fail (TAUBE_IS_ACCOUNT (account), NULL);

  self = g_object_new (TAUBE_TYPE_IMAP_PUSH, NULL);
  self->store = g_object_ref (store);
  self->account = g_object_ref (account);
  self->queue = taube_offline_queue_new (store, taube_account_get_id (account));
  return self;
}

/**
 * taube_imap_push_set_interval:
 * @self: a #TaubeImapPush
 * @seconds: how often all folders are synced (the Inbox is pushed)
 */
void
taube_imap_push_set_interval (TaubeImapPush *self,
                              guint          seconds)
{
  g_return_if_fail (TAUBE_IS_IMAP_PUSH (self));
  g_return_if_fail (seconds > 0);

  self->interval = seconds;
}

const GError *
taube_imap_push_get_error (TaubeImapPush *self)
{
  g_return_val_if_fail (TAUBE_IS_IMAP_PUSH (self), NULL);

  return self->error;
}

guint
taube_imap_push_get_n_syncs (TaubeImapPush *self)
{
  g_return_val_if_fail (TAUBE_IS_IMAP_PUSH (self), 0);

  return self->n_syncs;
}

/* -- Errors and retries ----------------------------------------------------------------- */

static gboolean
taube_imap_push_retry_cb (gpointer user_data)
{
  TaubeImapPush *self = user_data;

  self->retry_id = 0;
  open_session (self);
  return G_SOURCE_REMOVE;
}

/* Takes @error. */
static void
session_failed (TaubeImapPush *self,
                GError        *error)
{
  TaubeSyncError kind = taube_sync_error_classify (error);

  drop_session (self);
  if (kind == TAUBE_SYNC_ERROR_CANCELLED)
    {
      g_error_free (error);
      return;
    }
  if (kind == TAUBE_SYNC_ERROR_NEEDS_PASSWORD || kind == TAUBE_SYNC_ERROR_CERTIFICATE
      || kind == TAUBE_SYNC_ERROR_SETTINGS)
    {
      g_message ("Account %s: %s", taube_account_get_id (self->account), error->message);
      g_clear_error (&self->error);
      self->error = taube_sync_error_wrap (error);
      g_error_free (error);
      self->running = FALSE;
      g_signal_emit (self, signals[SIGNAL_STOPPED], 0);
      return;
    }
  g_debug ("Account %s: %s; trying again in %u s", taube_account_get_id (self->account),
           error->message, self->backoff);
  g_error_free (error);
  self->retry_id = g_timeout_add_seconds (self->backoff, taube_imap_push_retry_cb, self);
  self->backoff = MIN (self->backoff * 2, MAX_BACKOFF);
}

/* -- Waking IDLE ------------------------------------------------------------------------ */

static gboolean
taube_imap_push_wake_cb (gpointer user_data)
{
  TaubeImapPush *self = user_data;

  self->wake_id = 0;
  if (self->idle != NULL)
    g_cancellable_cancel (self->idle);
  return G_SOURCE_REMOVE;
}

/* Signal handlers run inside the parser: leave IDLE from the main loop instead. */
static void
wake (TaubeImapPush *self,
      Wake           reason)
{
  self->wake = MAX (self->wake, reason);
  if (self->wake_id == 0)
    self->wake_id = g_idle_add (taube_imap_push_wake_cb, self);
}

static void
taube_imap_push_news_cb (TaubeImapPush *self)
{
  wake (self, WAKE_INBOX);
}

/* While idling, a STATUS can only be NOTIFY news of another folder: sync them all. */
static void
taube_imap_push_untagged_cb (TaubeImapPush     *self,
                             TaubeImapResponse *response)
{
  if (self->idle != NULL && _taube_imap_push_is_notify_news (response))
    wake (self, WAKE_ALL);
}

static gboolean
taube_imap_push_interval_cb (gpointer user_data)
{
  TaubeImapPush *self = user_data;

  self->interval_id = 0;
  wake (self, WAKE_ALL);
  return G_SOURCE_REMOVE;
}

/**
 * taube_imap_push_poke:
 * @self: a #TaubeImapPush
 *
 * Leaves IDLE to send the offline queue now, e.g. after the person changed something.
 */
void
taube_imap_push_poke (TaubeImapPush *self)
{
  g_return_if_fail (TAUBE_IS_IMAP_PUSH (self));

  if (self->idle != NULL)
    wake (self, WAKE_INBOX);
}

/* -- The loop --------------------------------------------------------------------------- */

static void
synced (TaubeImapPush *self)
{
  self->n_syncs++;
  g_signal_emit (self, signals[SIGNAL_SYNCED], 0);
}

static void
taube_imap_push_inbox_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(TaubeImapPush) self = user_data;
  GError *error = NULL;

  if (!taube_imap_sync_folder_finish (TAUBE_IMAP_SYNC (object), result, &error))
    {
      session_failed (self, error);
      return;
    }
  synced (self);
  start_idle (self);
}

static gint64
find_inbox (TaubeImapPush *self)
{
  g_autoptr(GListModel) folders = taube_store_list_folders (
    self->store, taube_account_get_id (self->account), NULL);

  for (guint i = 0; folders != NULL && i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr(TaubeFolder) folder = g_list_model_get_item (folders, i);

      if (taube_folder_get_role (folder) == TAUBE_FOLDER_ROLE_INBOX)
        return taube_folder_get_id (folder);
    }
  return 0;
}

/* Syncing the Inbox last leaves it selected for IDLE. */
static void
sync_inbox (TaubeImapPush *self)
{
  self->inbox_id = self->inbox_id != 0 ? self->inbox_id : find_inbox (self);
  if (self->inbox_id == 0)
    {
      session_failed (self, g_error_new_literal (TAUBE_SYNC_ERROR, TAUBE_SYNC_ERROR_SERVER,
                                                 "The server has no INBOX"));
      return;
    }
  taube_imap_sync_folder_async (self->sync, self->inbox_id, self->cancellable,
                                taube_imap_push_inbox_cb, g_object_ref (self));
}

static void
taube_imap_push_pass_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(TaubeImapPush) self = user_data;
  GError *error = NULL;

  if (!taube_imap_sync_run_finish (TAUBE_IMAP_SYNC (object), result, &error))
    {
      session_failed (self, error);
      return;
    }
  self->backoff = 1;
  sync_inbox (self);
}

static void
taube_imap_push_replay_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(TaubeImapPush) self = user_data;
  GError *error = NULL;

  if (!taube_offline_queue_replay_finish (TAUBE_OFFLINE_QUEUE (object), result, &error))
    {
      session_failed (self, error);
      return;
    }
  sync_inbox (self);
}

static void
taube_imap_push_idle_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(TaubeImapPush) self = user_data;
  GError *error = NULL;
  Wake reason = self->wake;

  taube_imap_client_idle_finish (TAUBE_IMAP_CLIENT (object), result, &error);
  g_clear_object (&self->idle);
  if (self->client != TAUBE_IMAP_CLIENT (object))
    {
      g_clear_error (&error);   /* an old session, dropped meanwhile */
      return;
    }
  if (error != NULL && !(reason != WAKE_NONE
                         && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)))
    {
      session_failed (self, error);
      return;
    }
  g_clear_error (&error);
  self->wake = WAKE_NONE;
  if (reason == WAKE_ALL)
    taube_imap_sync_run_async (self->sync, self->queue, self->cancellable,
                               taube_imap_push_pass_cb, g_object_ref (self));
  else
    taube_offline_queue_replay_async (self->queue, self->client, self->cancellable,
                                      taube_imap_push_replay_cb, g_object_ref (self));
}

static void
taube_imap_push_notify_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(TaubeImapPush) self = user_data;
  GError *error = NULL;

  if (self->client != TAUBE_IMAP_CLIENT (object))
    return;   /* an old session, dropped meanwhile */
  if (!_taube_imap_push_notify_finish (result, &error) && error != NULL)
    {
      session_failed (self, error);
      return;
    }
  start_idle (self);
}

static void
start_idle (TaubeImapPush *self)
{
  if (!self->notify_asked)
    {
      /* Once per session, with the Inbox selected: from now on the server tells about
       * the other folders too (taube-imap-push-notify.c). */
      self->notify_asked = TRUE;
      _taube_imap_push_notify_async (self->client, self->cancellable, taube_imap_push_notify_cb,
                                     g_object_ref (self));
      return;
    }
  /* Inbox news reported before now (e.g. EXISTS answering our own SELECT) is in the store
   * already, and what comes later the server reports in IDLE; an interval that fell due
   * meanwhile still leaves IDLE at once for its pass. */
  if (self->wake == WAKE_ALL)
    {
      if (self->wake_id == 0)
        self->wake_id = g_idle_add (taube_imap_push_wake_cb, self);
    }
  else
    {
      self->wake = WAKE_NONE;
      g_clear_handle_id (&self->wake_id, g_source_remove);
    }
  self->idle = g_cancellable_new ();
  if (self->interval_id == 0)
    self->interval_id = g_timeout_add_seconds (self->interval, taube_imap_push_interval_cb,
                                               self);
  taube_imap_client_idle_async (self->client, self->idle, taube_imap_push_idle_cb,
                                g_object_ref (self));
}

static void
taube_imap_push_open_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(TaubeImapPush) self = user_data;
  g_autoptr(TaubeImapClient) client = NULL;
  GError *error = NULL;

  client = taube_imap_sync_open_finish (result, &error);
  if (client == NULL)
    {
      session_failed (self, error);
      return;
    }
  if (!self->running)
    return;
  self->client = g_object_ref (client);
  self->sync = taube_imap_sync_new (self->store, taube_account_get_id (self->account), client);
  for (guint i = 0; i < 4; i++)
    g_signal_connect_swapped (client,
                              ((const char *[]) { "exists", "expunge", "vanished",
                                                  "flags-changed" })[i],
                              G_CALLBACK (taube_imap_push_news_cb), self);
  g_signal_connect_swapped (client, "untagged", G_CALLBACK (taube_imap_push_untagged_cb), self);
  taube_imap_sync_run_async (self->sync, self->queue, self->cancellable,
                             taube_imap_push_pass_cb, g_object_ref (self));
}

/* A server on this machine (a test, the demo) needs no network. */
static gboolean
is_loopback (TaubeImapPush *self)
{
  const char *host = taube_account_get_incoming_host (self->account);
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);

  return g_strcmp0 (host, "localhost") == 0
         || (address != NULL && g_inet_address_get_is_loopback (address));
}

static void
open_session (TaubeImapPush *self)
{
  GError *error = NULL;

  if (!self->running || self->client != NULL || self->cancellable != NULL)
    return;
  if (!g_network_monitor_get_network_available (self->monitor) && !is_loopback (self))
    {
      g_debug ("Account %s: waiting for the network", taube_account_get_id (self->account));
      return;
    }
  self->lock = taube_sync_lock_acquire (taube_store_get_directory (self->store),
                                        taube_account_get_id (self->account), &error);
  if (self->lock == NULL)
    {
      /* Another sync of the account (the app, an interval of the service): wait. */
      session_failed (self, error);
      return;
    }
  self->cancellable = g_cancellable_new ();
  taube_imap_sync_open_async (self->account, self->cancellable, taube_imap_push_open_cb,
                              g_object_ref (self));
}

static void
taube_imap_push_network_changed_cb (GNetworkMonitor *monitor,
                                    gboolean         available,
                                    gpointer         user_data)
{
  TaubeImapPush *self = user_data;

  if (!self->running)
    return;
  if (!available && !is_loopback (self))
    {
      drop_session (self);
      return;
    }
  /* Back online: no need to sit out the backoff. */
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->backoff = 1;
  open_session (self);
}

/**
 * taube_imap_push_start:
 * @self: a #TaubeImapPush
 *
 * Starts the loop (again, after it stopped on an error the person has fixed).
 */
void
taube_imap_push_start (TaubeImapPush *self)
{
  g_return_if_fail (TAUBE_IS_IMAP_PUSH (self));

  if (self->running)
    return;
  if (self->monitor == NULL)
    {
      self->monitor = g_network_monitor_get_default ();
      self->network_handler = g_signal_connect (self->monitor, "network-changed",
                                                G_CALLBACK (taube_imap_push_network_changed_cb),
                                                self);
    }
  g_clear_error (&self->error);
  self->running = TRUE;
  self->backoff = 1;
  open_session (self);
}

/**
 * taube_imap_push_stop:
 * @self: a #TaubeImapPush
 *
 * Stops the loop and drops the session; what was synced stays stored.
 */
void
taube_imap_push_stop (TaubeImapPush *self)
{
  g_return_if_fail (TAUBE_IS_IMAP_PUSH (self));

  self->running = FALSE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  drop_session (self);
}
