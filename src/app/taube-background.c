/* taube-background.c — the application keeps every account in step, with or without a window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opens the store off the UI thread, then: IMAP accounts stay connected with IDLE
 * (TaubeImapPush), POP3 accounts are synced by the TaubeSyncService every few minutes, and
 * the outbox sends what is queued. Accounts added or removed in the manager are followed.
 * While an account exists (and "run-in-background" is on) the application is held, so
 * closing the last window does not stop syncing; app.quit still quits. A wrong password or
 * a refused certificate stops that account and is emitted as "account-error" for the window
 * to show, instead of being retried silently.
 */
#define G_LOG_DOMAIN "taube-app"

#include "config.h"

#include "taube-background.h"
#include "taube-imap-push.h"
#include "taube-outbox.h"
#include "taube-sync-service.h"

/* POP3 has no push: the same default as `taube-cli sync`. */
#define POP3_INTERVAL_SECONDS (5 * 60)

struct _TaubeBackground
{
  GObject parent_instance;

  GApplication *application;     /* unowned: it owns us */
  TaubeAccountManager *accounts;
  GSettings *settings;
  GCancellable *cancellable;
  TaubeStore *store;
  TaubeSyncService *service;
  TaubeOutbox *outbox;
  GHashTable *pushes;            /* account id → TaubeImapPush */
  GHashTable *push_accounts;     /* account id → the TaubeAccount the push was made for */
  GHashTable *stopped;           /* POP3 account ids stopped on an error the person must fix */
  guint pop3_timeout_id;
  gboolean held;
  gboolean running;
};

G_DEFINE_FINAL_TYPE (TaubeBackground, taube_background, G_TYPE_OBJECT)

enum { SIGNAL_ACCOUNT_ERROR, N_SIGNALS };
static guint signals[N_SIGNALS];

static gboolean pop3_timeout_cb (gpointer user_data);

/* Only these need the person: anything else (network, busy) is retried on its own. */
static gboolean
error_stops_account (const GError *error)
{
  return g_error_matches (error, TAUBE_SYNC_ERROR, TAUBE_SYNC_ERROR_NEEDS_PASSWORD)
         || g_error_matches (error, TAUBE_SYNC_ERROR, TAUBE_SYNC_ERROR_CERTIFICATE);
}

static void
update_hold (TaubeBackground *self)
{
  gboolean want = self->running
                  && g_list_model_get_n_items (G_LIST_MODEL (self->accounts)) > 0
                  && g_settings_get_boolean (self->settings, "run-in-background");

  if (want == self->held)
    return;
  self->held = want;
  if (want)
    g_application_hold (self->application);
  else
    g_application_release (self->application);
}

static void
push_stopped_cb (TaubeImapPush *push,
                 gpointer       user_data)
{
  TaubeBackground *self = user_data;
  const GError *error = taube_imap_push_get_error (push);
  const char *account_id = g_object_get_data (G_OBJECT (push), "taube-account-id");

  g_signal_emit (self, signals[SIGNAL_ACCOUNT_ERROR], 0, account_id,
                 error != NULL ? error->message : "");
}

static void
stop_push (gpointer data)
{
  taube_imap_push_stop (data);
  g_object_unref (data);
}

static void
start_push (TaubeBackground *self,
            TaubeAccount    *account)
{
  const char *id = taube_account_get_id (account);
  TaubeImapPush *push = taube_imap_push_new (self->store, account);

  g_object_set_data_full (G_OBJECT (push), "taube-account-id", g_strdup (id), g_free);
  taube_imap_push_set_interval (push, POP3_INTERVAL_SECONDS);
  g_signal_connect_object (push, "stopped", G_CALLBACK (push_stopped_cb), self, 0);
  g_hash_table_replace (self->push_accounts, g_strdup (id), g_object_ref (account));
  g_hash_table_replace (self->pushes, g_strdup (id), push);
  taube_imap_push_start (push);
}

/* Brings the pushes in line with the manager: new or edited IMAP accounts get a fresh push,
 * removed ones lose theirs; a POP3 account that was edited gets another chance. */
static void
reconcile (TaubeBackground *self)
{
  GListModel *model = G_LIST_MODEL (self->accounts);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TaubeAccount) account = g_list_model_get_item (model, i);
      const char *id = taube_account_get_id (account);

      g_hash_table_add (seen, (gpointer) id);
      if (taube_account_get_protocol (account) != TAUBE_PROTOCOL_IMAP)
        continue;
      if (g_hash_table_lookup (self->push_accounts, id) != account)
        start_push (self, account);
    }
  g_hash_table_iter_init (&iter, self->pushes);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (seen, key))
      {
        g_hash_table_remove (self->push_accounts, key);
        g_hash_table_iter_remove (&iter);
      }
  g_hash_table_remove_all (self->stopped);
}

static void
accounts_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     gpointer    user_data)
{
  TaubeBackground *self = user_data;

  if (self->store != NULL)
    reconcile (self);
  update_hold (self);
}

static void
pop3_synced_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(TaubeBackground) self = user_data;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;

  results = taube_sync_service_sync_finish (TAUBE_SYNC_SERVICE (object), result, &error);
  if (results == NULL)
    {
      g_debug ("POP3 sync failed: %s", error->message);
      return;
    }
  for (guint i = 0; i < results->len; i++)
    {
      const TaubeSyncResult *one = g_ptr_array_index (results, i);

      if (one->error == NULL || !error_stops_account (one->error))
        continue;
      g_hash_table_add (self->stopped, g_strdup (one->account_id));
      g_signal_emit (self, signals[SIGNAL_ACCOUNT_ERROR], 0, one->account_id,
                     one->error->message);
    }
}

static void
sync_pop3_accounts (TaubeBackground *self)
{
  GListModel *model = G_LIST_MODEL (self->accounts);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TaubeAccount) account = g_list_model_get_item (model, i);
      const char *id = taube_account_get_id (account);

      if (taube_account_get_protocol (account) != TAUBE_PROTOCOL_POP3
          || g_hash_table_contains (self->stopped, id))
        continue;
      taube_sync_service_sync_async (self->service, id, self->cancellable, pop3_synced_cb,
                                     g_object_ref (self));
    }
}

static gboolean
pop3_timeout_cb (gpointer user_data)
{
  sync_pop3_accounts (user_data);
  return G_SOURCE_CONTINUE;
}

static void
store_opened_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TaubeBackground) self = user_data;
  g_autoptr(GError) error = NULL;
  TaubeStore *store = taube_store_new_finish (result, &error);

  if (store == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not open the mail store: %s", error->message);
      return;
    }
  if (!self->running)
    {
      g_object_unref (store);
      return;
    }
  self->store = store;
  self->service = taube_sync_service_new (self->accounts, store);
  self->outbox = taube_outbox_new (store, self->accounts);
  taube_outbox_start (self->outbox);
  reconcile (self);
  sync_pop3_accounts (self);
  self->pop3_timeout_id = g_timeout_add_seconds (POP3_INTERVAL_SECONDS, pop3_timeout_cb, self);
}

/**
 * taube_background_start:
 * @self: a #TaubeBackground
 *
 * Opens the store (in a thread) and starts syncing and sending; holds the application
 * while an account exists.
 */
void
taube_background_start (TaubeBackground *self)
{
  g_return_if_fail (TAUBE_IS_BACKGROUND (self));

  if (self->running)
    return;
  self->running = TRUE;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  update_hold (self);
  taube_store_new_async (NULL, self->cancellable, store_opened_cb, g_object_ref (self));
}

/**
 * taube_background_stop:
 * @self: a #TaubeBackground
 *
 * Stops syncing (a POP3 sync in progress is cancelled, which deletes nothing on the
 * server) and releases the application.
 */
void
taube_background_stop (TaubeBackground *self)
{
  g_return_if_fail (TAUBE_IS_BACKGROUND (self));

  self->running = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->pop3_timeout_id, g_source_remove);
  g_hash_table_remove_all (self->pushes);
  g_hash_table_remove_all (self->push_accounts);
  update_hold (self);
}

/**
 * taube_background_get_store:
 * @self: a #TaubeBackground
 *
 * Returns: (transfer none) (nullable): the store, once it is open
 */
TaubeStore *
taube_background_get_store (TaubeBackground *self)
{
  g_return_val_if_fail (TAUBE_IS_BACKGROUND (self), NULL);

  return self->store;
}

static void
settings_changed_cb (GSettings  *settings,
                     const char *key,
                     gpointer    user_data)
{
  update_hold (user_data);
}

static void
taube_background_dispose (GObject *object)
{
  TaubeBackground *self = TAUBE_BACKGROUND (object);

  if (self->running)
    taube_background_stop (self);
  if (self->accounts != NULL)
    g_signal_handlers_disconnect_by_data (self->accounts, self);
  g_clear_object (&self->accounts);
  g_clear_object (&self->settings);
  g_clear_object (&self->outbox);
  g_clear_object (&self->service);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (taube_background_parent_class)->dispose (object);
}

static void
taube_background_finalize (GObject *object)
{
  TaubeBackground *self = TAUBE_BACKGROUND (object);

  g_hash_table_unref (self->pushes);
  g_hash_table_unref (self->push_accounts);
  g_hash_table_unref (self->stopped);

  G_OBJECT_CLASS (taube_background_parent_class)->finalize (object);
}

static void
taube_background_class_init (TaubeBackgroundClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = taube_background_dispose;
  object_class->finalize = taube_background_finalize;

  /**
   * TaubeBackground::account-error:
   * @account_id: the account that stopped syncing
   * @message: why, for the person
   *
   * An account stopped syncing on an error only the person can fix (a wrong password, a
   * refused certificate). It is not retried until it is edited.
   */
  signals[SIGNAL_ACCOUNT_ERROR] = g_signal_new ("account-error", G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
taube_background_init (TaubeBackground *self)
{
  self->pushes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, stop_push);
  self->push_accounts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               g_object_unref);
  self->stopped = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

TaubeBackground *
taube_background_new (GApplication        *application,
                      TaubeAccountManager *accounts)
{
  TaubeBackground *self = g_object_new (TAUBE_TYPE_BACKGROUND, NULL);

  self->application = application;
  self->accounts = g_object_ref (accounts);
  self->settings = g_settings_new (APPLICATION_ID);
  g_signal_connect (accounts, "items-changed", G_CALLBACK (accounts_changed_cb), self);
  g_signal_connect (self->settings, "changed::run-in-background",
                    G_CALLBACK (settings_changed_cb), self);
  return self;
}
