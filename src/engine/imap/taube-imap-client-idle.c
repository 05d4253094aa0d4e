/* taube-imap-client-idle.c — IDLE (RFC 2177, RFC 9051 §6.3.13)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * While idling, the server's EXISTS, EXPUNGE, VANISHED and FETCH responses reach the
 * client's signals as they come ("exists", "expunge" …): IDLE claims none of them.
 *
 * The server may drop an idle connection after 30 minutes of silence (RFC 2177 §3, RFC
 * 9051 §5.4), so IDLE is left with DONE and issued again every #TaubeImapClient:idle-interval
 * seconds (28 minutes by default). While idling the connection's read timeout is stretched
 * by that interval: silence is what IDLE expects.
 *
 * Cancelling ends IDLE cleanly: DONE is sent and the tagged OK awaited, so the session
 * stays usable; only then does the operation fail with G_IO_ERROR_CANCELLED. The exchange
 * itself is never cancelled (that would close the session); if DONE goes unanswered for
 * the read timeout, it is cut and the session closed.
 */
#define G_LOG_DOMAIN "taube-imap"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "taube-imap-client-op-private.h"
#include "taube-imap-error.h"

#define DEFAULT_IDLE_INTERVAL (28 * 60)

static GQuark
interval_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("taube-imap-idle-interval");
  return quark;
}

/**
 * taube_imap_client_get_idle_interval:
 * @self: a #TaubeImapClient
 *
 * Returns: after how many seconds IDLE is left and issued again
 */
guint
taube_imap_client_get_idle_interval (TaubeImapClient *self)
{
  guint seconds;

  g_return_val_if_fail (TAUBE_IS_IMAP_CLIENT (self), DEFAULT_IDLE_INTERVAL);

  seconds = GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (self), interval_quark ()));
  return seconds != 0 ? seconds : DEFAULT_IDLE_INTERVAL;
}

/**
 * taube_imap_client_set_idle_interval:
 * @self: a #TaubeImapClient
 * @seconds: after how many seconds IDLE is re-issued; below 29 minutes (RFC 2177 §3)
 *
 * Takes effect with the next IDLE.
 */
void
taube_imap_client_set_idle_interval (TaubeImapClient *self,
                                     guint            seconds)
{
  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));
  g_return_if_fail (seconds > 0 && seconds < 29 * 60);

  if (seconds == taube_imap_client_get_idle_interval (self))
    return;
  g_object_set_qdata (G_OBJECT (self), interval_quark (), GUINT_TO_POINTER (seconds));
  g_object_notify (G_OBJECT (self), "idle-interval");
}

/* -- The property, installed on the class by the core ------------------------------ */

enum {
  PROP_IDLE_INTERVAL = 0x1d1e,
};

static GObjectGetPropertyFunc parent_get_property;
static GObjectSetPropertyFunc parent_set_property;

static void
idle_get_property (GObject    *object,
                   guint       prop_id,
                   GValue     *value,
                   GParamSpec *pspec)
{
  if (prop_id == PROP_IDLE_INTERVAL)
    g_value_set_uint (value, taube_imap_client_get_idle_interval (TAUBE_IMAP_CLIENT (object)));
  else
    parent_get_property (object, prop_id, value, pspec);
}

static void
idle_set_property (GObject      *object,
                   guint         prop_id,
                   const GValue *value,
                   GParamSpec   *pspec)
{
  if (prop_id == PROP_IDLE_INTERVAL)
    taube_imap_client_set_idle_interval (TAUBE_IMAP_CLIENT (object), g_value_get_uint (value));
  else
    parent_set_property (object, prop_id, value, pspec);
}

/* Adds TaubeImapClient:idle-interval; called from the class_init of the client. */
void
_taube_imap_client_install_idle_properties (GObjectClass *klass)
{
  parent_get_property = klass->get_property;
  parent_set_property = klass->set_property;
  klass->get_property = idle_get_property;
  klass->set_property = idle_set_property;
  /**
   * TaubeImapClient:idle-interval:
   *
   * After how many seconds IDLE is left with DONE and issued again.
   */
  g_object_class_install_property (
    klass, PROP_IDLE_INTERVAL,
    g_param_spec_uint ("idle-interval", NULL, NULL, 1, 29 * 60 - 1, DEFAULT_IDLE_INTERVAL,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
}

/* -- IDLE ------------------------------------------------------------------------------ */

typedef struct
{
  GTask *task;                 /* not a reference: the task owns this */
  GCancellable *exchange;      /* cut an unanswered DONE; never the caller's */
  GSource *cancelled;          /* the caller cancelled: leave */
  GSource *timer;              /* re-issue, or give up on DONE */
  guint saved_read_timeout;
  gboolean idling;             /* the server said "+" */
  gboolean done_sent;
  gboolean done_writing;       /* DONE is still being written */
  gboolean answered;           /* the tagged answer came before that write ended */
  GError *refused;             /* that answer was NO or BAD */
  gboolean leave;              /* DONE for good, not for re-issuing */
} IdleData;

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static void
idle_data_free (IdleData *data)
{
  clear_source (&data->cancelled);
  clear_source (&data->timer);
  g_clear_object (&data->exchange);
  g_clear_error (&data->refused);
  g_free (data);
}

static void send_idle (GTask *task);
static void after_done (GTask *task);

static GSource *
attach_timeout (guint        seconds,
                GSourceFunc  func,
                gpointer     user_data)
{
  GSource *source = g_timeout_source_new_seconds (seconds);

  g_source_set_callback (source, func, user_data, NULL);
  g_source_set_static_name (source, "[taube] IMAP IDLE");
  g_source_attach (source, g_main_context_get_thread_default ());
  return source;
}

static gboolean
idle_done_timeout_cb (gpointer user_data)
{
  IdleData *data = user_data;

  g_debug ("No answer to DONE");
  g_cancellable_cancel (data->exchange);
  g_clear_pointer (&data->timer, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
taube_imap_client_idle_done_written_cb (GObject      *object,
                                        GAsyncResult *result,
                                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  IdleData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* A failed write breaks the connection, so the reading exchange fails too; if it does
   * not, the timer on DONE cuts it. */
  if (!taube_connection_write_finish (TAUBE_CONNECTION (object), result, &error))
    g_debug ("Writing DONE: %s", error->message);
  data->done_writing = FALSE;
  if (data->answered)
    after_done (task);
}

/* Leaves IDLE (RFC 2177 §3) once the server has confirmed it. */
static void
send_done (IdleData *data)
{
  TaubeImapClient *self = g_task_get_source_object (data->task);
  TaubeConnection *connection = taube_imap_client_get_connection (self);
  guint timeout_ms = data->saved_read_timeout;

  if (!data->idling || data->done_sent)
    return;
  data->done_sent = TRUE;
  data->done_writing = TRUE;
  clear_source (&data->timer);
  if (timeout_ms > 0)
    data->timer = attach_timeout (MAX (timeout_ms / 1000, 1), idle_done_timeout_cb, data);
  taube_connection_write_line_async (connection, "DONE", NULL, NULL,
                                     taube_imap_client_idle_done_written_cb,
                                     g_object_ref (data->task));
}

static gboolean
idle_reissue_cb (gpointer user_data)
{
  IdleData *data = user_data;

  g_clear_pointer (&data->timer, g_source_unref);
  send_done (data);
  return G_SOURCE_REMOVE;
}

static gboolean
idle_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  IdleData *data = user_data;

  data->leave = TRUE;
  g_clear_pointer (&data->cancelled, g_source_unref);
  send_done (data);
  return G_SOURCE_REMOVE;
}

static void
idle_continuation (TaubeImapClient   *self,
                   TaubeImapResponse *response,
                   gpointer           handler_data)
{
  IdleData *data = handler_data;

  if (data->idling)
    {
      _taube_imap_client_exchange_error (self, _taube_imap_client_protocol_error (
                                           self, "second continuation in IDLE"));
      return;
    }
  data->idling = TRUE;
  if (data->leave)
    send_done (data);
  else
    data->timer = attach_timeout (taube_imap_client_get_idle_interval (self), idle_reissue_cb,
                                  data);
}

static const TaubeImapExchangeHandler idle_handler = {
  .continuation = idle_continuation,
};

static void
finish_idle (GTask  *task,
             GError *error)
{
  TaubeImapClient *self = g_task_get_source_object (task);
  IdleData *data = g_task_get_task_data (task);

  taube_connection_set_read_timeout (taube_imap_client_get_connection (self),
                                     data->saved_read_timeout);
  clear_source (&data->timer);
  clear_source (&data->cancelled);
  if (error != NULL)
    {
      g_debug ("IDLE ended: %s", error->message);
      _taube_imap_client_fail (task, error);
    }
  else if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    _taube_imap_op_return_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                           "IDLE was cancelled"));
  else
    _taube_imap_op_return (task, GINT_TO_POINTER (TRUE), NULL);
}

static void
taube_imap_client_idle_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeImapClient *self = TAUBE_IMAP_CLIENT (object);
  IdleData *data = g_task_get_task_data (task);
  g_autoptr(TaubeImapResponse) tagged = NULL;
  GError *error = NULL;

  tagged = _taube_imap_client_exchange_finish (self, result, NULL, &error);
  if (tagged == NULL)
    {
      if (g_cancellable_is_cancelled (data->exchange))
        {
          g_clear_error (&error);
          /* Translators: %s is a server name. */
          error = g_error_new (TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_TIMEOUT,
                               _("The server %s did not answer in time. Connect again."),
                               taube_connection_get_host (
                                 taube_imap_client_get_connection (self)));
        }
      finish_idle (task, error);
      return;
    }
  if (taube_imap_response_get_status (tagged) != TAUBE_IMAP_STATUS_OK)
    data->refused = _taube_imap_client_status_error (self, tagged);
  /* RFC 2177 §3: IDLE is answered with "+" first; issuing it again on a server that
   * skips that would spin. */
  if (data->refused == NULL && !data->idling && !data->leave)
    {
      finish_idle (task, _taube_imap_client_protocol_error (self, "IDLE ended at once"));
      return;
    }
  clear_source (&data->timer);
  /* The connection writes one thing at a time: the next command waits for DONE to be
   * written out, even when the server answered it before the write reported back. */
  data->answered = TRUE;
  if (!data->done_writing)
    after_done (task);
}

/* IDLE ended with OK and DONE is written: idle again, or finish. */
static void
after_done (GTask *task)
{
  IdleData *data = g_task_get_task_data (task);

  data->answered = FALSE;
  if (data->refused != NULL)
    finish_idle (task, g_steal_pointer (&data->refused));
  else if (!data->leave && !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    send_idle (task);
  else
    finish_idle (task, NULL);
}

static void
send_idle (GTask *task)
{
  TaubeImapClient *self = g_task_get_source_object (task);
  IdleData *data = g_task_get_task_data (task);

  data->idling = FALSE;
  data->done_sent = FALSE;
  _taube_imap_client_exchange_with_handler_async (self, "IDLE", &idle_handler, data,
                                                  data->exchange, taube_imap_client_idle_cb,
                                                  g_object_ref (task));
}

/**
 * taube_imap_client_idle_async:
 * @self: a logged-in #TaubeImapClient, usually with a mailbox selected
 * @cancellable: (nullable): cancel to leave IDLE
 * @callback: called when IDLE is over
 * @user_data: data for @callback
 *
 * Waits for news from the server with IDLE (RFC 2177) until @cancellable is cancelled;
 * meanwhile the "exists", "expunge", "vanished" and "flags-changed" signals report what
 * happens in the selected mailbox. IDLE is re-issued every
 * #TaubeImapClient:idle-interval seconds. The session is busy meanwhile: cancel, wait
 * for the callback, then send other commands. Fails with %TAUBE_IMAP_ERROR_NOT_SUPPORTED
 * without the IDLE capability.
 */
void
taube_imap_client_idle_async (TaubeImapClient     *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TaubeConnection *connection;
  IdleData *data;

  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));

  task = _taube_imap_op_begin (self, taube_imap_client_idle_async, cancellable, callback,
                               user_data);
  if (task == NULL)
    return;
  connection = taube_imap_client_get_connection (self);
  if (!taube_imap_client_has_capability (self, "IDLE"))
    {
      /* Translators: %s is a server name. */
      _taube_imap_op_return_error (task, g_error_new (
        TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_NOT_SUPPORTED,
        _("The server %s cannot report new mail as it arrives."),
        taube_connection_get_host (connection)));
      return;
    }
  if (g_cancellable_is_cancelled (cancellable))
    {
      _taube_imap_op_return_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                             "IDLE was cancelled"));
      return;
    }
  data = g_new0 (IdleData, 1);
  data->task = task;
  data->exchange = g_cancellable_new ();
  data->saved_read_timeout = taube_connection_get_read_timeout (connection);
  g_task_set_task_data (task, data, (GDestroyNotify) idle_data_free);
  if (cancellable != NULL)
    {
      data->cancelled = g_cancellable_source_new (cancellable);
      g_source_set_callback (data->cancelled, G_SOURCE_FUNC (idle_cancelled_cb), data, NULL);
      g_source_attach (data->cancelled, g_main_context_get_thread_default ());
    }
  if (data->saved_read_timeout > 0)
    taube_connection_set_read_timeout (connection, data->saved_read_timeout
                                       + taube_imap_client_get_idle_interval (self) * 1000);
  send_idle (task);
}

gboolean
taube_imap_client_idle_finish (TaubeImapClient  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  return _taube_imap_op_finish (self, result, taube_imap_client_idle_async, error) != NULL;
}
