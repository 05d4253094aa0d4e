/* taube-outbox.c — the queue: undo window, claims, retries with backoff, state for the UI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A message's life: queued (a durable row; the undo window runs) → claimed by one process →
 * handed to SMTP → on success marked sent, copied to Sent, removed. A transient failure puts
 * it back with a later send_after (exponential backoff); a permanent one keeps it as failed
 * with the server's words until the person retries or deletes it. Nothing here deletes a
 * message that has not left.
 *
 * Rows, not memory, are the truth, so a restart (taube_outbox_start()) picks up where the
 * last process stopped. A process that died while sending leaves a claim; it is released
 * when its pid is gone, or after CLAIM_LEASE_MS. That may send a message twice (the server
 * may have taken it just before the crash), which is better than never.
 */
#define G_LOG_DOMAIN "taube-outbox"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <signal.h>
#include <unistd.h>

#include "taube-outbox-private.h"
#include "taube-store-outbox.h"

#define DEFAULT_UNDO_DELAY_MS 5000
#define DEFAULT_BACKOFF_INITIAL_MS (30 * 1000)
#define DEFAULT_BACKOFF_MAX_MS (30 * 60 * 1000)
#define CLAIM_LEASE_MS (15 * 60 * 1000)

struct _TaubeOutbox
{
  GObject parent_instance;

  TaubeStore *store;
  TaubeAccountManager *accounts;
  guint undo_delay;
  guint backoff_initial;
  guint backoff_max;
  GHashTable *timers;  /* row id → GSource id of its next attempt */
  GHashTable *busy;    /* row ids this process is working on */
  GCancellable *cancellable;
  TaubeOutboxSaveFunc save[2];
  TaubeOutboxSaveFinish save_finish[2];
};

G_DEFINE_FINAL_TYPE (TaubeOutbox, taube_outbox, G_TYPE_OBJECT)
G_DEFINE_QUARK (taube-outbox-error-quark, taube_outbox_error)

enum
{
  PROP_0,
  PROP_UNDO_DELAY,
  N_PROPS
};

enum
{
  STATE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* One attempt at one message; holds the outbox alive until it is done. */
typedef struct
{
  TaubeOutbox *self;
  gint64 id;
  TaubeOutboxEntry *entry;
  TaubeAccount *account;
  TaubeOutboxEnvelope *envelope;
  char *warning;
  TaubeOutboxSaveFinish save_finish;  /* the one that goes with the save call made */
} Work;

static void attempt (TaubeOutbox *self, gint64 id);

static TaubeAccount *
lookup_account (TaubeOutbox *self,
                const char  *account_id)
{
  TaubeAccount *account = taube_account_manager_lookup (self->accounts, account_id);

  return account != NULL ? g_object_ref (account) : NULL;
}

GType
taube_outbox_state_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { TAUBE_OUTBOX_STATE_QUEUED, "TAUBE_OUTBOX_STATE_QUEUED", "queued" },
    { TAUBE_OUTBOX_STATE_SENDING, "TAUBE_OUTBOX_STATE_SENDING", "sending" },
    { TAUBE_OUTBOX_STATE_FAILED, "TAUBE_OUTBOX_STATE_FAILED", "failed" },
    { TAUBE_OUTBOX_STATE_SENT, "TAUBE_OUTBOX_STATE_SENT", "sent" },
    { TAUBE_OUTBOX_STATE_UNDONE, "TAUBE_OUTBOX_STATE_UNDONE", "undone" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("TaubeOutboxState", values));
  return type;
}

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

void
_taube_outbox_emit_state (TaubeOutbox      *self,
            gint64            id,
            TaubeOutboxState  state,
            const char       *error_text)
{
  g_debug ("Outbox message %" G_GINT64_FORMAT ": state %d", id, state);
  g_signal_emit (self, signals[STATE_CHANGED], 0, id, state, error_text);
}

/**
 * taube_outbox_backoff_delay:
 * @initial_ms: the wait after the first failure
 * @max_ms: the longest wait
 * @attempts: failed attempts so far (1 or more)
 *
 * Returns: how long to wait before the next attempt: doubling from @initial_ms, at most @max_ms
 */
guint64
taube_outbox_backoff_delay (guint initial_ms,
                            guint max_ms,
                            guint attempts)
{
  guint64 delay = initial_ms;

  for (guint i = 1; i < attempts && delay < max_ms; i++)
    delay *= 2;
  return MIN (delay, (guint64) max_ms);
}

typedef struct
{
  TaubeOutbox *self;
  gint64 id;
} TimerData;

static gboolean
timer_cb (gpointer user_data)
{
  TimerData *data = user_data;

  g_hash_table_remove (data->self->timers, &data->id);
  attempt (data->self, data->id);
  return G_SOURCE_REMOVE;
}

void
_taube_outbox_remove_timer (TaubeOutbox *self,
              gint64       id)
{
  gpointer source_id;

  if (g_hash_table_lookup_extended (self->timers, &id, NULL, &source_id))
    {
      g_source_remove (GPOINTER_TO_UINT (source_id));
      g_hash_table_remove (self->timers, &id);
    }
}

/* The timer holds no reference: dispose removes every pending one. */
void
_taube_outbox_schedule (TaubeOutbox *self,
          gint64       id,
          gint64       delay_ms)
{
  TimerData *data = g_new0 (TimerData, 1);
  gint64 *key = g_new (gint64, 1);
  guint source_id;

  _taube_outbox_remove_timer (self, id);
  data->self = self;
  data->id = id;
  *key = id;
  source_id = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) CLAMP (delay_ms, 0, G_MAXINT),
                                  timer_cb, data, g_free);
  g_hash_table_insert (self->timers, key, GUINT_TO_POINTER (source_id));
}

static Work *
work_new (TaubeOutbox *self,
          gint64       id)
{
  Work *work = g_new0 (Work, 1);

  work->self = g_object_ref (self);
  work->id = id;
  return work;
}

static void
work_free (Work *work)
{
  g_hash_table_remove (work->self->busy, &work->id);
  g_clear_object (&work->self);
  g_clear_pointer (&work->entry, taube_outbox_entry_free);
  g_clear_object (&work->account);
  g_clear_pointer (&work->envelope, _taube_outbox_envelope_free);
  g_free (work->warning);
  g_free (work);
}

static void
store_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!taube_store_outbox_change_finish (TAUBE_STORE (object), result, &error) && error != NULL)
    g_warning ("Could not update the outbox: %s", error->message);
}

/* Ends an attempt: the row gets @state, @error_text and the next time to try. */
static void
work_finish (Work             *work,
             TaubeOutboxState  state,
             gint64            retry_in_ms,
             const char       *error_text)
{
  TaubeOutbox *self = work->self;
  int stored_state = state == TAUBE_OUTBOX_STATE_SENT ? 3 : (int) state;

  taube_store_outbox_update_async (self->store, work->id, stored_state, now_ms () + retry_in_ms,
                                   work->entry->attempts, error_text, FALSE, NULL, store_done_cb,
                                   NULL);
  _taube_outbox_emit_state (self, work->id, state, error_text);
  if (state == TAUBE_OUTBOX_STATE_QUEUED || state == TAUBE_OUTBOX_STATE_SENT)
    _taube_outbox_schedule (self, work->id, retry_in_ms);
  work_free (work);
}

static void
removed_after_save_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Work *work = user_data;
  g_autoptr(GError) error = NULL;

  if (!taube_store_outbox_change_finish (TAUBE_STORE (object), result, &error) && error != NULL)
    g_warning ("Could not remove a sent message from the outbox: %s", error->message);
  _taube_outbox_emit_state (work->self, work->id, TAUBE_OUTBOX_STATE_SENT, work->warning);
  work_free (work);
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Work *work = user_data;
  TaubeOutbox *self = work->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (work->save_finish (result, &error))
    {
      taube_store_outbox_remove_async (self->store, work->id, FALSE, NULL, removed_after_save_cb,
                                       work);
      return;
    }
  /* Sent, but no copy yet: keep the row and try the copy again later. */
  /* Translators: %s says why, e.g. "The disk is full." */
  text = g_strdup_printf (_("Sent, but the copy in Sent could not be saved: %s"), error->message);
  work->entry->attempts++;
  work_finish (work, TAUBE_OUTBOX_STATE_SENT,
               (gint64) taube_outbox_backoff_delay (self->backoff_initial, self->backoff_max,
                                                    work->entry->attempts), text);
}

static void
save_sent (Work *work)
{
  TaubeOutbox *self = work->self;
  TaubeProtocol protocol;

  if (work->account == NULL)
    work->account = lookup_account (self, work->entry->account_id);
  if (work->account == NULL)
    {
      /* The account went away after sending: there is no Sent folder left to save to. */
      taube_store_outbox_remove_async (self->store, work->id, FALSE, NULL, removed_after_save_cb,
                                       work);
      return;
    }
  protocol = taube_account_get_protocol (work->account);
  work->save_finish = self->save_finish[protocol];
  self->save[protocol] (self, work->account, work->entry->raw, self->cancellable, saved_cb, work);
}

static char *
describe_rejected (GPtrArray *recipients)
{
  g_autoptr(GString) text = NULL;

  for (guint i = 0; i < recipients->len; i++)
    {
      TaubeSmtpRecipient *recipient = g_ptr_array_index (recipients, i);

      if (recipient->accepted)
        continue;
      if (text == NULL)
        text = g_string_new (_("Sent, but the server refused these recipients:"));
      g_string_append_printf (text, "\n%s: %s", recipient->address,
                              recipient->text != NULL ? recipient->text : "");
    }
  return text != NULL ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Work *work = user_data;
  TaubeOutbox *self = work->self;
  g_autoptr(GPtrArray) recipients = NULL;
  g_autoptr(GError) error = NULL;

  recipients = _taube_outbox_send_finish (result, &error);
  if (recipients != NULL)
    {
      work->warning = describe_rejected (recipients);
      /* Recorded before the copy, so a crash now never sends it again; the claim stays ours
       * while the copy is saved. */
      taube_store_outbox_update_async (self->store, work->id, 3, now_ms (), work->entry->attempts,
                                       work->warning, TRUE, NULL, store_done_cb, NULL);
      save_sent (work);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Shutting down: let the next start try again. */
      taube_store_outbox_release_async (self->store, work->id, getpid (), NULL, store_done_cb,
                                        NULL);
      work_free (work);
      return;
    }
  work->entry->attempts++;
  if (_taube_outbox_error_is_transient (error))
    {
      guint64 delay = taube_outbox_backoff_delay (self->backoff_initial, self->backoff_max,
                                                  work->entry->attempts);

      g_debug ("Transient failure, next attempt in %" G_GUINT64_FORMAT " ms: %s", delay,
               error->message);
      work_finish (work, TAUBE_OUTBOX_STATE_QUEUED, (gint64) delay, error->message);
      return;
    }
  work_finish (work, TAUBE_OUTBOX_STATE_FAILED, 0, error->message);
}

static void
envelope_in_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GError *error = NULL;
  TaubeOutboxEnvelope *envelope = _taube_outbox_envelope_new (task_data, &error);

  if (envelope == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, envelope, (GDestroyNotify) _taube_outbox_envelope_free);
}

static void
envelope_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Work *work = user_data;
  g_autoptr(GError) error = NULL;

  work->envelope = g_task_propagate_pointer (G_TASK (result), &error);
  if (work->envelope == NULL)
    {
      work_finish (work, TAUBE_OUTBOX_STATE_FAILED, 0, error->message);
      return;
    }
  _taube_outbox_send_async (work->account, work->envelope, work->self->cancellable, sent_cb,
                            work);
}

static void
start_send (Work *work)
{
  TaubeOutbox *self = work->self;
  g_autoptr(GTask) task = NULL;

  _taube_outbox_emit_state (self, work->id, TAUBE_OUTBOX_STATE_SENDING, NULL);
  work->account = lookup_account (self, work->entry->account_id);
  if (work->account == NULL)
    {
      work_finish (work, TAUBE_OUTBOX_STATE_FAILED, 0,
                   _("The account this message should be sent from no longer exists."));
      return;
    }
  /* Parsing a big message is no work for the main thread. */
  task = g_task_new (NULL, NULL, envelope_cb, work);
  g_task_set_task_data (task, g_bytes_ref (work->entry->raw), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, envelope_in_thread);
}

/* Somebody else has it, or it is not due: look again when it might be ours. */
static void
not_claimed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Work *work = user_data;
  g_autoptr(GPtrArray) rows = taube_store_outbox_list_finish (TAUBE_STORE (object), result, NULL);
  TaubeOutboxEntry *entry = rows != NULL && rows->len > 0 ? g_ptr_array_index (rows, 0) : NULL;

  if (entry != NULL && entry->claim_pid != 0)
    _taube_outbox_schedule (work->self, work->id, entry->claimed_at + CLAIM_LEASE_MS - now_ms () + 1);
  else if (entry != NULL && (entry->state == 0 || entry->state == 3))
    _taube_outbox_schedule (work->self, work->id, MAX (entry->send_after - now_ms (), 1));
  work_free (work);
}

static void
claimed_row_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Work *work = user_data;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;

  rows = taube_store_outbox_list_finish (TAUBE_STORE (object), result, &error);
  if (rows == NULL || rows->len == 0)
    {
      if (error != NULL)
        g_warning ("Could not read the outbox: %s", error->message);
      work_free (work);
      return;
    }
  work->entry = g_ptr_array_steal_index (rows, 0);
  if (work->entry->state == 3)
    save_sent (work);
  else
    start_send (work);
}

static void
claim_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Work *work = user_data;
  g_autoptr(GError) error = NULL;
  TaubeStore *store = TAUBE_STORE (object);

  if (taube_store_outbox_change_finish (store, result, &error))
    {
      taube_store_outbox_list_async (store, work->id, NULL, claimed_row_cb, work);
      return;
    }
  if (error != NULL)
    {
      /* The index is busy or broken: try again later rather than give up on the message. */
      g_warning ("Could not claim an outbox message: %s", error->message);
      _taube_outbox_schedule (work->self, work->id, work->self->backoff_initial);
      work_free (work);
      return;
    }
  taube_store_outbox_list_async (store, work->id, NULL, not_claimed_cb, work);
}

static void
attempt (TaubeOutbox *self,
         gint64       id)
{
  gint64 *key;
  gint64 now = now_ms ();

  if (g_hash_table_contains (self->busy, &id))
    return;
  key = g_new (gint64, 1);
  *key = id;
  g_hash_table_add (self->busy, key);
  taube_store_outbox_claim_async (self->store, id, getpid (), now, now - CLAIM_LEASE_MS, NULL,
                                  claim_cb, work_new (self, id));
}

static void
taube_outbox_dispose (GObject *object)
{
  TaubeOutbox *self = TAUBE_OUTBOX (object);

  g_cancellable_cancel (self->cancellable);
  if (self->timers != NULL)
    {
      GHashTableIter iter;
      gpointer source_id;

      g_hash_table_iter_init (&iter, self->timers);
      while (g_hash_table_iter_next (&iter, NULL, &source_id))
        g_source_remove (GPOINTER_TO_UINT (source_id));
      g_clear_pointer (&self->timers, g_hash_table_unref);
    }
  g_clear_object (&self->store);
  g_clear_object (&self->accounts);
  G_OBJECT_CLASS (taube_outbox_parent_class)->dispose (object);
}

static void
taube_outbox_finalize (GObject *object)
{
  TaubeOutbox *self = TAUBE_OUTBOX (object);

  g_clear_pointer (&self->busy, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (taube_outbox_parent_class)->finalize (object);
}

static void
taube_outbox_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TaubeOutbox *self = TAUBE_OUTBOX (object);

  switch (prop_id)
    {
    case PROP_UNDO_DELAY:
      g_value_set_uint (value, self->undo_delay);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
taube_outbox_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  TaubeOutbox *self = TAUBE_OUTBOX (object);

  switch (prop_id)
    {
    case PROP_UNDO_DELAY:
      taube_outbox_set_undo_delay (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
taube_outbox_class_init (TaubeOutboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = taube_outbox_dispose;
  object_class->finalize = taube_outbox_finalize;
  object_class->get_property = taube_outbox_get_property;
  object_class->set_property = taube_outbox_set_property;

  /**
   * TaubeOutbox:undo-delay:
   *
   * How long (ms) a queued message waits before it leaves, so that it can be undone.
   */
  properties[PROP_UNDO_DELAY] =
    g_param_spec_uint ("undo-delay", NULL, NULL, 0, 60 * 60 * 1000, DEFAULT_UNDO_DELAY_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TaubeOutbox::state-changed:
   * @self: the outbox
   * @id: the message's outbox id
   * @state: a #TaubeOutboxState
   * @error_text: (nullable): why the last attempt failed, or a warning for a sent message
   */
  signals[STATE_CHANGED] =
    g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_INT64, TAUBE_TYPE_OUTBOX_STATE, G_TYPE_STRING);
}

static void
taube_outbox_init (TaubeOutbox *self)
{
  self->undo_delay = DEFAULT_UNDO_DELAY_MS;
  self->backoff_initial = DEFAULT_BACKOFF_INITIAL_MS;
  self->backoff_max = DEFAULT_BACKOFF_MAX_MS;
  self->timers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->busy = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
  self->save[TAUBE_PROTOCOL_IMAP] = _taube_outbox_save_imap;
  self->save_finish[TAUBE_PROTOCOL_IMAP] = _taube_outbox_save_imap_finish;
  self->save[TAUBE_PROTOCOL_POP3] = _taube_outbox_save_local;
  self->save_finish[TAUBE_PROTOCOL_POP3] = _taube_outbox_save_local_finish;
}

/**
 * taube_outbox_new:
 * @store: the store whose outbox table holds the queue
 * @accounts: the accounts, loaded
 *
 * An attempt under way keeps the outbox alive until it ends, so a message being sent is not
 * abandoned when the last reference is dropped: #TaubeOutbox::state-changed can still be
 * emitted after that. Disconnect handlers whose data goes away before dropping it.
 *
 * Returns: (transfer full): an outbox; it sends only messages queued through it until
 *   taube_outbox_start() is called
 */
TaubeOutbox *
taube_outbox_new (TaubeStore          *store,
                  TaubeAccountManager *accounts)
{
  TaubeOutbox *self = g_object_new (TAUBE_TYPE_OUTBOX, NULL);

  self->store = g_object_ref (store);
  self->accounts = g_object_ref (accounts);
  return self;
}

TaubeStore *
_taube_outbox_get_store (TaubeOutbox *self)
{
  return self->store;
}

TaubeAccountManager *
_taube_outbox_get_accounts (TaubeOutbox *self)
{
  return self->accounts;
}

gboolean
_taube_outbox_is_busy (TaubeOutbox *self,
                       gint64       id)
{
  return g_hash_table_contains (self->busy, &id);
}

/**
 * taube_outbox_set_save_func:
 * @self: a #TaubeOutbox
 * @protocol: the accounts it is for
 * @save: saves a sent message to the account's Sent folder
 * @finish: its finish function
 *
 * By default IMAP accounts get an APPEND to the server's Sent mailbox in a session of its
 * own, and POP3 accounts the store's local Sent folder. The sync service may replace the
 * IMAP one with an APPEND on its own connection.
 */
void
taube_outbox_set_save_func (TaubeOutbox           *self,
                            TaubeProtocol          protocol,
                            TaubeOutboxSaveFunc    save,
                            TaubeOutboxSaveFinish  finish)
{
  g_return_if_fail (TAUBE_IS_OUTBOX (self));
  g_return_if_fail ((guint) protocol < G_N_ELEMENTS (self->save));
  self->save[protocol] = save;
  self->save_finish[protocol] = finish;
}

guint
taube_outbox_get_undo_delay (TaubeOutbox *self)
{
  g_return_val_if_fail (TAUBE_IS_OUTBOX (self), 0);
  return self->undo_delay;
}

void
taube_outbox_set_undo_delay (TaubeOutbox *self,
                             guint        delay_ms)
{
  g_return_if_fail (TAUBE_IS_OUTBOX (self));
  if (self->undo_delay == delay_ms)
    return;
  self->undo_delay = delay_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNDO_DELAY]);
}

/**
 * taube_outbox_set_backoff:
 * @self: a #TaubeOutbox
 * @initial_ms: the wait after the first transient failure (default 30 s)
 * @max_ms: the longest wait (default 30 min)
 */
void
taube_outbox_set_backoff (TaubeOutbox *self,
                          guint        initial_ms,
                          guint        max_ms)
{
  g_return_if_fail (TAUBE_IS_OUTBOX (self));
  self->backoff_initial = initial_ms;
  self->backoff_max = MAX (max_ms, initial_ms);
}

static gboolean
pid_is_running (gint64 pid)
{
  return pid > 0 && (kill ((pid_t) pid, 0) == 0 || errno == EPERM);
}

static void
start_list_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TaubeOutbox) self = user_data;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = now_ms ();

  rows = taube_store_outbox_list_finish (TAUBE_STORE (object), result, &error);
  if (rows == NULL)
    {
      g_warning ("Could not read the outbox: %s", error->message);
      return;
    }
  for (guint i = 0; i < rows->len; i++)
    {
      TaubeOutboxEntry *entry = g_ptr_array_index (rows, i);
      gboolean dead_claim = entry->claim_pid != 0 && (entry->claim_pid == getpid ()
                                                      || !pid_is_running (entry->claim_pid));

      _taube_outbox_emit_state (self, entry->id, entry->state == 3 ? TAUBE_OUTBOX_STATE_SENT : entry->state,
                  entry->error);
      if (dead_claim)
        {
          /* Queued before the claim below runs: the writer keeps call order. */
          taube_store_outbox_release_async (self->store, entry->id, entry->claim_pid, NULL,
                                            store_done_cb, NULL);
          _taube_outbox_schedule (self, entry->id, 0);
        }
      else if (entry->claim_pid != 0)
        _taube_outbox_schedule (self, entry->id, entry->claimed_at + CLAIM_LEASE_MS - now + 1);
      else if (entry->state == 0 || entry->state == 3)
        _taube_outbox_schedule (self, entry->id, MAX (entry->send_after - now, 0));
    }
}

/**
 * taube_outbox_start:
 * @self: a #TaubeOutbox
 *
 * Picks up what earlier runs left: queued messages are sent when due, messages a crashed
 * process was sending are sent again, failed ones are reported through
 * #TaubeOutbox::state-changed and wait for taube_outbox_retry().
 */
void
taube_outbox_start (TaubeOutbox *self)
{
  g_return_if_fail (TAUBE_IS_OUTBOX (self));
  taube_store_outbox_list_async (self->store, 0, NULL, start_list_cb, g_object_ref (self));
}

static void
requeued_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  TimerData *data = user_data;
  g_autoptr(TaubeOutbox) self = data->self;
  g_autoptr(GError) error = NULL;
  gint64 id = data->id;

  g_free (data);
  /* Only a failed message goes back to the queue; others are on their way already. */
  if (taube_store_outbox_change_finish (TAUBE_STORE (object), result, &error))
    {
      _taube_outbox_emit_state (self, id, TAUBE_OUTBOX_STATE_QUEUED, NULL);
      _taube_outbox_schedule (self, id, 0);
    }
  else if (error != NULL)
    g_warning ("Could not queue a message again: %s", error->message);
}

/**
 * taube_outbox_retry:
 * @self: a #TaubeOutbox
 * @id: a failed message
 *
 * Tries a failed message again now, e.g. after the person fixed the password.
 */
void
taube_outbox_retry (TaubeOutbox *self,
                    gint64       id)
{
  TimerData *data;

  g_return_if_fail (TAUBE_IS_OUTBOX (self));
  data = g_new0 (TimerData, 1);
  data->self = g_object_ref (self);
  data->id = id;
  taube_store_outbox_requeue_async (self->store, id, now_ms (), NULL, requeued_cb, data);
}
