/* taube-connection.c — a line-oriented connection to a mail server (POP3, SMTP, IMAP)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One TCP connection, optionally wrapped in TLS from the start (RFC 8314 implicit TLS) or
 * later (STARTTLS, RFC 3207 / RFC 2595). Reads go through one bounded buffer: lines end at
 * LF (the CR before it is dropped, a bare LF is tolerated), no line may exceed
 * max-line-length, and streamed bodies are read from the same buffer with fill(), peek()
 * and consume(), so a server can never make the engine hold more than the buffer.
 *
 * All I/O is non-blocking on the caller's thread-default main context. Every operation
 * takes a GCancellable; reads, writes and handshakes also fail with G_IO_ERROR_TIMED_OUT
 * when the server stays silent for read-timeout milliseconds, and connecting (with the
 * handshake, for implicit TLS) for connect-timeout.
 *
 * After taube_connection_start_compression() (IMAP COMPRESS=DEFLATE, RFC 4978) both
 * directions are raw DEFLATE: every write is compressed and flushed on its own, reads
 * are decompressed into the same bounded buffer.
 *
 * The conversation is logged with g_debug in the protocol's log domain as "C: ..." and
 * "S: ..." lines. A secret (a password, a SASL response) is passed separately from the
 * command it belongs to and is logged as ********; message bodies are logged as a count.
 */
#define G_LOG_DOMAIN "taube-connection"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "taube-connection-private.h"

#define READ_CHUNK (16 * 1024)
#define REDACTED "********"

struct _TaubeConnection
{
  GObject parent_instance;

  char *host;
  guint16 port;
  TaubeSecurity security;
  TaubeTlsTrust *trust;
  char *log_domain;
  guint connect_timeout_ms;
  guint read_timeout_ms;
  gsize max_line_length;

  GSocketConnection *tcp;
  GIOStream *stream;
  gboolean encrypted;

  /* Received and not yet handed out: buffer[start, end). */
  guint8 *buffer;
  gsize buffer_size;
  gsize start;
  gsize end;
  gboolean reading;
  gboolean writing;

  /* DEFLATE, once started: received compressed bytes not yet decompressed, and whether
   * the decompressor may hold output that did not fit last time. */
  GConverter *deflater;
  GConverter *inflater;
  GByteArray *inflate_pending;
  guint8 *inflate_raw;
  gboolean inflate_more;
};

G_DEFINE_FINAL_TYPE (TaubeConnection, taube_connection, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_HOST,
  PROP_PORT,
  PROP_SECURITY,
  PROP_TRUST,
  PROP_LOG_DOMAIN,
  PROP_CONNECT_TIMEOUT,
  PROP_READ_TIMEOUT,
  PROP_MAX_LINE_LENGTH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A GCancellable for one GIO call that fires when the caller cancels or the time is up. */
typedef struct
{
  GCancellable *cancellable;
  GCancellable *outer;
  gulong outer_handler;
  GSource *timer;
  gboolean timed_out;
} Deadline;

typedef struct
{
  Deadline deadline;
  TaubeConnectionStep step;
  guint timeout_ms;
  GSocketClient *client;
  GTlsConnection *tls;
  GBytes *bytes;
  gboolean wipe;  /* bytes holds a secret: zero it before it is freed */
  gsize line_length;
} Op;

static void
outer_cancelled_cb (GCancellable *outer,
                    gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static gboolean
deadline_expired_cb (gpointer user_data)
{
  Deadline *deadline = user_data;

  deadline->timed_out = TRUE;
  g_cancellable_cancel (deadline->cancellable);
  return G_SOURCE_REMOVE;
}

static void
deadline_stop (Deadline *deadline)
{
  if (deadline->timer != NULL)
    g_source_destroy (deadline->timer);
  g_clear_pointer (&deadline->timer, g_source_unref);
  if (deadline->outer != NULL && deadline->outer_handler != 0)
    g_cancellable_disconnect (deadline->outer, deadline->outer_handler);
  deadline->outer_handler = 0;
  g_clear_object (&deadline->outer);
  g_clear_object (&deadline->cancellable);
}

static GCancellable *
deadline_start (Deadline     *deadline,
                GCancellable *outer,
                guint         timeout_ms)
{
  deadline_stop (deadline);
  deadline->timed_out = FALSE;
  deadline->cancellable = g_cancellable_new ();
  if (outer != NULL)
    {
      deadline->outer = g_object_ref (outer);
      deadline->outer_handler = g_cancellable_connect (outer, G_CALLBACK (outer_cancelled_cb),
                                                       g_object_ref (deadline->cancellable),
                                                       g_object_unref);
    }
  if (timeout_ms > 0)
    {
      deadline->timer = g_timeout_source_new (timeout_ms);
      g_source_set_callback (deadline->timer, deadline_expired_cb, deadline, NULL);
      g_source_set_static_name (deadline->timer, "[taube] connection timeout");
      g_source_attach (deadline->timer, g_main_context_get_thread_default ());
    }
  return deadline->cancellable;
}

/* A cancellation that the timer caused is a timeout, not the caller's cancellation. */
static void
deadline_check (Deadline  *deadline,
                GError   **error)
{
  if (*error != NULL && deadline->timed_out
      && g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      && (deadline->outer == NULL || !g_cancellable_is_cancelled (deadline->outer)))
    {
      g_clear_error (error);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "Timed out");
    }
  deadline_stop (deadline);
}

static void
op_free (Op *op)
{
  deadline_stop (&op->deadline);
  g_clear_object (&op->client);
  g_clear_object (&op->tls);
  if (op->bytes != NULL && op->wipe)
    {
      gsize size;
      gpointer data = (gpointer) g_bytes_get_data (op->bytes, &size);

      /* Only this op holds these bytes; it made them. */
      explicit_bzero (data, size);
    }
  g_clear_pointer (&op->bytes, g_bytes_unref);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Op, op_free)

static GTask *
op_task_new (TaubeConnection     *self,
             gpointer             source_tag,
             TaubeConnectionStep  step,
             guint                timeout_ms,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);

  op->step = step;
  op->timeout_ms = timeout_ms;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  return task;
}

/* Ends @task with @error (taken), explained for a person unless it is a cancellation. */
static void
op_return_error (GTask  *task,
                 GError *error)
{
  TaubeConnection *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) owned = error;

  deadline_check (&op->deadline, &owned);
  g_task_return_error (task, _taube_connection_explain_error (self, op->step, op->timeout_ms,
                                                              owned));
}

static void
log_conversation (TaubeConnection *self,
                  const char      *direction,
                  const guint8    *data,
                  gsize            length,
                  const char      *suffix)
{
  g_autoptr(GString) text = g_string_sized_new (length + 16);

  /* Control characters and non-ASCII bytes are escaped: a hostile server must not be
   * able to forge log lines or break the terminal of whoever reads them. */
  for (gsize i = 0; i < length; i++)
    {
      if (data[i] >= 0x20 && data[i] < 0x7f)
        g_string_append_c (text, (char) data[i]);
      else
        g_string_append_printf (text, "\\x%02x", data[i]);
    }
  g_log (self->log_domain, G_LOG_LEVEL_DEBUG, "%s: %s%s", direction, text->str,
         suffix != NULL ? suffix : "");
}

static void
stop_compression (TaubeConnection *self)
{
  g_clear_object (&self->deflater);
  g_clear_object (&self->inflater);
  g_clear_pointer (&self->inflate_pending, g_byte_array_unref);
  g_clear_pointer (&self->inflate_raw, g_free);
  self->inflate_more = FALSE;
}

static void
taube_connection_finalize (GObject *object)
{
  TaubeConnection *self = TAUBE_CONNECTION (object);

  stop_compression (self);
  g_clear_object (&self->stream);
  g_clear_object (&self->tcp);
  g_clear_object (&self->trust);
  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->log_domain, g_free);
  g_clear_pointer (&self->buffer, g_free);

  G_OBJECT_CLASS (taube_connection_parent_class)->finalize (object);
}

static void
taube_connection_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TaubeConnection *self = TAUBE_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_HOST:
      g_value_set_string (value, self->host);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_SECURITY:
      g_value_set_enum (value, self->security);
      break;
    case PROP_TRUST:
      g_value_set_object (value, self->trust);
      break;
    case PROP_LOG_DOMAIN:
      g_value_set_string (value, self->log_domain);
      break;
    case PROP_CONNECT_TIMEOUT:
      g_value_set_uint (value, self->connect_timeout_ms);
      break;
    case PROP_READ_TIMEOUT:
      g_value_set_uint (value, self->read_timeout_ms);
      break;
    case PROP_MAX_LINE_LENGTH:
      g_value_set_uint64 (value, self->max_line_length);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
taube_connection_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TaubeConnection *self = TAUBE_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_HOST:
      self->host = g_value_dup_string (value);
      break;
    case PROP_PORT:
      self->port = (guint16) g_value_get_uint (value);
      break;
    case PROP_SECURITY:
      self->security = g_value_get_enum (value);
      break;
    case PROP_TRUST:
      self->trust = g_value_dup_object (value);
      break;
    case PROP_LOG_DOMAIN:
      self->log_domain = g_value_dup_string (value);
      break;
    case PROP_CONNECT_TIMEOUT:
      self->connect_timeout_ms = g_value_get_uint (value);
      break;
    case PROP_READ_TIMEOUT:
      taube_connection_set_read_timeout (self, g_value_get_uint (value));
      break;
    case PROP_MAX_LINE_LENGTH:
      taube_connection_set_max_line_length (self, g_value_get_uint64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
taube_connection_class_init (TaubeConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = taube_connection_finalize;
  object_class->get_property = taube_connection_get_property;
  object_class->set_property = taube_connection_set_property;

  properties[PROP_HOST] = g_param_spec_string ("host", NULL, NULL, NULL, construct);
  properties[PROP_PORT] = g_param_spec_uint ("port", NULL, NULL, 1, G_MAXUINT16, 1, construct);
  properties[PROP_SECURITY] = g_param_spec_enum ("security", NULL, NULL, TAUBE_TYPE_SECURITY,
                                                 TAUBE_SECURITY_TLS, construct);
  properties[PROP_TRUST] = g_param_spec_object ("trust", NULL, NULL, TAUBE_TYPE_TLS_TRUST,
                                                construct);
  properties[PROP_LOG_DOMAIN] = g_param_spec_string ("log-domain", NULL, NULL, "taube-connection",
                                                     construct);
  properties[PROP_CONNECT_TIMEOUT] = g_param_spec_uint ("connect-timeout", NULL, NULL,
                                                        0, G_MAXUINT, 30000, construct);
  /* Writable: IMAP IDLE waits far longer for the server than any command. */
  properties[PROP_READ_TIMEOUT] =
    g_param_spec_uint ("read-timeout", NULL, NULL, 0, G_MAXUINT, 60000,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY
                       | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_LINE_LENGTH] =
    g_param_spec_uint64 ("max-line-length", NULL, NULL, 64, G_MAXUINT32,
                         TAUBE_CONNECTION_DEFAULT_MAX_LINE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
taube_connection_init (TaubeConnection *self)
{
  self->max_line_length = TAUBE_CONNECTION_DEFAULT_MAX_LINE;
}

/**
 * taube_connection_new:
 * @host: the server's name or address
 * @port: its port
 * @security: TLS from the start, STARTTLS later (see taube_connection_start_tls_async()),
 *   or none
 * @trust: (nullable): what certificates to accept besides the system's CAs
 * @log_domain: the log domain of the conversation, such as "taube-pop3"
 * @connect_timeout_ms: how long connecting (and the implicit TLS handshake) may take, or 0
 * @read_timeout_ms: how long the server may stay silent during any later I/O, or 0
 *
 * Returns: (transfer full): a connection that is not connected yet
 */
TaubeConnection *
taube_connection_new (const char    *host,
                      guint16        port,
                      TaubeSecurity  security,
                      TaubeTlsTrust *trust,
                      const char    *log_domain,
                      guint          connect_timeout_ms,
                      guint          read_timeout_ms)
{
  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (port != 0, NULL);
  g_return_val_if_fail (trust == NULL || TAUBE_IS_TLS_TRUST (trust), NULL);
  g_return_val_if_fail (log_domain != NULL, NULL);

  return g_object_new (TAUBE_TYPE_CONNECTION,
                       "host", host,
                       "port", (guint) port,
                       "security", security,
                       "trust", trust,
                       "log-domain", log_domain,
                       "connect-timeout", connect_timeout_ms,
                       "read-timeout", read_timeout_ms,
                       NULL);
}

const char *
taube_connection_get_host (TaubeConnection *self)
{
  g_return_val_if_fail (TAUBE_IS_CONNECTION (self), NULL);
  return self->host;
}

guint16
taube_connection_get_port (TaubeConnection *self)
{
  g_return_val_if_fail (TAUBE_IS_CONNECTION (self), 0);
  return self->port;
}

TaubeSecurity
taube_connection_get_security (TaubeConnection *self)
{
  g_return_val_if_fail (TAUBE_IS_CONNECTION (self), TAUBE_SECURITY_TLS);
  return self->security;
}

/**
 * taube_connection_get_trust:
 * @self: a #TaubeConnection
 *
 * Returns: (transfer none) (nullable): the trust that verifies the server's certificate; after
 *   a refused handshake it holds the refused certificate
 */
TaubeTlsTrust *
taube_connection_get_trust (TaubeConnection *self)
{
  g_return_val_if_fail (TAUBE_IS_CONNECTION (self), NULL);
  return self->trust;
}

const char *
taube_connection_get_log_domain (TaubeConnection *self)
{
  g_return_val_if_fail (TAUBE_IS_CONNECTION (self), NULL);
  return self->log_domain;
}

/**
 * taube_connection_is_encrypted:
 * @self: a #TaubeConnection
 *
 * Returns: %TRUE once a TLS handshake with a trusted certificate has completed
 */
gboolean
taube_connection_is_encrypted (TaubeConnection *self)
{
  g_return_val_if_fail (TAUBE_IS_CONNECTION (self), FALSE);
  return self->encrypted;
}

gboolean
taube_connection_is_connected (TaubeConnection *self)
{
  g_return_val_if_fail (TAUBE_IS_CONNECTION (self), FALSE);
  return self->stream != NULL;
}

guint
taube_connection_get_read_timeout (TaubeConnection *self)
{
  g_return_val_if_fail (TAUBE_IS_CONNECTION (self), 0);
  return self->read_timeout_ms;
}

/**
 * taube_connection_set_read_timeout:
 * @self: a #TaubeConnection
 * @read_timeout_ms: how long the server may stay silent, or 0 for ever
 *
 * Applies to reads and writes started from now on.
 */
void
taube_connection_set_read_timeout (TaubeConnection *self,
                                   guint            read_timeout_ms)
{
  g_return_if_fail (TAUBE_IS_CONNECTION (self));

  if (self->read_timeout_ms == read_timeout_ms)
    return;
  self->read_timeout_ms = read_timeout_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_TIMEOUT]);
}

gsize
taube_connection_get_max_line_length (TaubeConnection *self)
{
  g_return_val_if_fail (TAUBE_IS_CONNECTION (self), 0);
  return self->max_line_length;
}

/**
 * taube_connection_set_max_line_length:
 * @self: a #TaubeConnection
 * @max_line_length: the longest line, without its end, that a read may return
 *
 * A longer line fails the read with %G_IO_ERROR_INVALID_DATA; the connection is not usable
 * after that.
 */
void
taube_connection_set_max_line_length (TaubeConnection *self,
                                      gsize            max_line_length)
{
  g_return_if_fail (TAUBE_IS_CONNECTION (self));
  g_return_if_fail (max_line_length >= 64);
  g_return_if_fail (!self->reading);

  if (self->max_line_length == max_line_length)
    return;
  self->max_line_length = max_line_length;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_LINE_LENGTH]);
}

/**
 * taube_connection_get_local_address:
 * @self: a connected #TaubeConnection
 *
 * Returns: (transfer full) (nullable): our end of the connection, for SMTP's EHLO
 */
GSocketAddress *
taube_connection_get_local_address (TaubeConnection *self)
{
  g_return_val_if_fail (TAUBE_IS_CONNECTION (self), NULL);

  if (self->tcp == NULL)
    return NULL;
  return g_socket_connection_get_local_address (self->tcp, NULL);
}

/* -- Connecting and TLS ------------------------------------------------------------- */

static void
taube_connection_handshake_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeConnection *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (object), result, &error))
    {
      g_debug ("TLS handshake with %s failed: %s", self->host, error->message);
      op_return_error (task, error);
      return;
    }
  deadline_stop (&op->deadline);
  g_set_object (&self->stream, G_IO_STREAM (op->tls));
  self->encrypted = TRUE;
  g_log (self->log_domain, G_LOG_LEVEL_DEBUG, "TLS handshake with %s done", self->host);
  g_task_return_boolean (task, TRUE);
}

static void
begin_handshake (TaubeConnection *self,
                 GTask           *task)
{
  Op *op = g_task_get_task_data (task);
  g_autoptr(GSocketConnectable) identity = g_network_address_new (self->host, self->port);
  GCancellable *cancellable;
  GIOStream *tls;
  GError *error = NULL;

  op->step = TAUBE_CONNECTION_STEP_HANDSHAKE;
  tls = g_tls_client_connection_new (G_IO_STREAM (self->tcp), identity, &error);
  if (tls == NULL)
    {
      op_return_error (task, error);
      return;
    }
  op->tls = G_TLS_CONNECTION (tls);
  if (self->trust != NULL)
    taube_tls_trust_attach (self->trust, G_TLS_CLIENT_CONNECTION (tls));

  cancellable = deadline_start (&op->deadline, g_task_get_cancellable (task), op->timeout_ms);
  g_tls_connection_handshake_async (op->tls, G_PRIORITY_DEFAULT, cancellable,
                                    taube_connection_handshake_cb, g_object_ref (task));
}

static void
taube_connection_connect_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeConnection *self = g_task_get_source_object (task);
  GSocketConnection *tcp;
  GError *error = NULL;

  tcp = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (object), result, &error);
  if (tcp == NULL)
    {
      g_debug ("Connecting to %s:%u failed: %s", self->host, self->port, error->message);
      op_return_error (task, error);
      return;
    }
  g_log (self->log_domain, G_LOG_LEVEL_DEBUG, "Connected to %s:%u", self->host, self->port);
  self->tcp = tcp;
  self->stream = G_IO_STREAM (g_object_ref (tcp));

  if (self->security == TAUBE_SECURITY_TLS)
    {
      begin_handshake (self, task);
      return;
    }
  deadline_stop (&((Op *) g_task_get_task_data (task))->deadline);
  g_task_return_boolean (task, TRUE);
}

/**
 * taube_connection_connect_async:
 * @self: a #TaubeConnection that is not connected
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when connected (and, for %TAUBE_SECURITY_TLS, the handshake is done)
 * @user_data: data for @callback
 *
 * Opens the TCP connection; with %TAUBE_SECURITY_TLS also does the TLS handshake, verified
 * by the connection's trust. A refused certificate fails with %G_TLS_ERROR_BAD_CERTIFICATE
 * and stays available from the trust.
 */
void
taube_connection_connect_async (TaubeConnection     *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Op *op;
  GCancellable *deadline_cancellable;

  g_return_if_fail (TAUBE_IS_CONNECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (self->stream == NULL);

  task = op_task_new (self, taube_connection_connect_async, TAUBE_CONNECTION_STEP_CONNECT,
                      self->connect_timeout_ms, cancellable, callback, user_data);
  op = g_task_get_task_data (task);
  op->client = g_socket_client_new ();
  deadline_cancellable = deadline_start (&op->deadline, cancellable, self->connect_timeout_ms);
  g_log (self->log_domain, G_LOG_LEVEL_DEBUG, "Connecting to %s:%u (%s)", self->host,
         self->port, taube_security_to_string (self->security));
  g_socket_client_connect_to_host_async (op->client, self->host, self->port,
                                         deadline_cancellable, taube_connection_connect_cb,
                                         g_steal_pointer (&task));
}

gboolean
taube_connection_connect_finish (TaubeConnection  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == taube_connection_connect_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * taube_connection_start_tls_async:
 * @self: a connected, not yet encrypted #TaubeConnection
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the handshake is done
 * @user_data: data for @callback
 *
 * Upgrades the connection to TLS after the protocol's STARTTLS/STLS command was accepted,
 * verified in the same way as implicit TLS. Bytes the server sent after its go-ahead
 * and before the handshake would be read as if they had come over TLS (the STARTTLS
 * injection of CVE-2011-0411), so they fail the upgrade with %G_IO_ERROR_INVALID_DATA.
 */
void
taube_connection_start_tls_async (TaubeConnection     *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TAUBE_IS_CONNECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = op_task_new (self, taube_connection_start_tls_async, TAUBE_CONNECTION_STEP_HANDSHAKE,
                      self->read_timeout_ms, cancellable, callback, user_data);
  if (self->stream == NULL || self->encrypted || self->reading || self->writing)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("The connection to the server %s is not ready for "
                                 "encryption."), self->host);
      return;
    }
  if (self->start != self->end)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("The server %s sent unexpected data before switching to "
                                 "encryption. The connection was closed for safety."),
                               self->host);
      return;
    }
  g_log (self->log_domain, G_LOG_LEVEL_DEBUG, "Starting TLS with %s", self->host);
  begin_handshake (self, task);
}

gboolean
taube_connection_start_tls_finish (TaubeConnection  *self,
                                   GAsyncResult     *result,
                                   GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (
    g_task_get_source_tag (G_TASK (result)) == taube_connection_start_tls_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* -- Compression -------------------------------------------------------------------- */

/**
 * taube_connection_start_compression:
 * @self: a connected #TaubeConnection with no read or write pending
 * @error: return location for a #GError
 *
 * Switches both directions to raw DEFLATE (RFC 1951), as IMAP COMPRESS=DEFLATE asks
 * right after the server's OK (RFC 4978 §3). Bytes already received after that OK
 * were compressed and are decompressed from here on. Closing the connection ends it.
 *
 * Returns: whether compression is on
 */
gboolean
taube_connection_start_compression (TaubeConnection  *self,
                                    GError          **error)
{
  g_return_val_if_fail (TAUBE_IS_CONNECTION (self), FALSE);

  if (self->stream == NULL || self->reading || self->writing || self->deflater != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                   _("The connection to the server %s is not ready for compression."),
                   self->host);
      return FALSE;
    }
  self->deflater = G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW, -1));
  self->inflater = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW));
  self->inflate_pending = g_byte_array_new ();
  self->inflate_raw = g_malloc (READ_CHUNK);
  if (self->buffer != NULL)
    g_byte_array_append (self->inflate_pending, self->buffer + self->start,
                         (guint) (self->end - self->start));
  self->start = self->end = 0;
  g_log (self->log_domain, G_LOG_LEVEL_DEBUG, "DEFLATE compression on");
  return TRUE;
}

gboolean
taube_connection_is_compressed (TaubeConnection *self)
{
  g_return_val_if_fail (TAUBE_IS_CONNECTION (self), FALSE);
  return self->deflater != NULL;
}

/* -- Reading ------------------------------------------------------------------------ */

typedef enum
{
  LINE_FOUND,
  LINE_INCOMPLETE,
  LINE_TOO_LONG,
} LineResult;

static LineResult
take_line (TaubeConnection  *self,
           char            **line,
           gsize            *length)
{
  guint8 *begin = self->buffer + self->start;
  gsize available = self->end - self->start;
  guint8 *newline = available > 0 ? memchr (begin, '\n', available) : NULL;
  gsize len;

  if (newline == NULL)
    return available > self->max_line_length + 1 ? LINE_TOO_LONG : LINE_INCOMPLETE;

  len = (gsize) (newline - begin);
  self->start += len + 1;
  if (len > 0 && begin[len - 1] == '\r')
    len--;
  if (len > self->max_line_length)
    return LINE_TOO_LONG;

  *line = g_malloc (len + 1);
  memcpy (*line, begin, len);
  (*line)[len] = '\0';
  *length = len;
  log_conversation (self, "S", begin, len, NULL);
  return LINE_FOUND;
}

/* Makes room for one more chunk after the data already buffered. */
static void
prepare_buffer (TaubeConnection *self)
{
  gsize wanted = self->max_line_length + 2 + READ_CHUNK;

  if (self->start == self->end)
    self->start = self->end = 0;
  if (self->buffer_size < wanted)
    {
      self->buffer = g_realloc (self->buffer, wanted);
      self->buffer_size = wanted;
    }
  if (self->buffer_size - self->end < READ_CHUNK && self->start > 0)
    {
      memmove (self->buffer, self->buffer + self->start, self->end - self->start);
      self->end -= self->start;
      self->start = 0;
    }
}

static void read_more (TaubeConnection *self, GTask *task, GAsyncReadyCallback callback);

/* -- Reading through the decompressor -- */

static void inflate_step (GTask *task);

static void
taube_connection_inflate_raw_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeConnection *self = g_task_get_source_object (task);
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (n < 0)
    g_task_return_error (task, error);
  else if (n == 0 || self->inflater == NULL)
    g_task_return_int (task, 0);
  else
    {
      g_byte_array_append (self->inflate_pending, self->inflate_raw, (guint) n);
      inflate_step (g_steal_pointer (&task));
    }
}

/* Decompresses what is pending into the buffer, reading compressed bytes as needed. */
static void
inflate_step (GTask *task)
{
  TaubeConnection *self = g_task_get_source_object (task);
  gsize space = MIN (READ_CHUNK, self->buffer_size - self->end);
  GError *error = NULL;

  if (self->inflate_pending->len > 0 || self->inflate_more)
    {
      gssize n = _taube_connection_inflate (self->inflater, self->inflate_pending,
                                            self->buffer + self->end, space, &error);

      if (n < 0)
        {
          g_task_return_error (task, error);
          g_object_unref (task);
          return;
        }
      self->inflate_more = (gsize) n == space;
      if (n > 0)
        {
          g_task_return_int (task, n);
          g_object_unref (task);
          return;
        }
    }
  g_input_stream_read_async (g_io_stream_get_input_stream (self->stream), self->inflate_raw,
                             READ_CHUNK, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                             taube_connection_inflate_raw_cb, task);
}

static void
inflate_read_async (TaubeConnection     *self,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, inflate_read_async);
  inflate_step (task);
}

static void
read_more_done (TaubeConnection  *self,
                GTask            *task,
                GAsyncResult     *result,
                GError          **error)
{
  Op *op = g_task_get_task_data (task);
  gssize n;

  if (G_IS_TASK (result) && g_task_get_source_tag (G_TASK (result)) == inflate_read_async)
    n = g_task_propagate_int (G_TASK (result), error);
  else
    {
      /* The stream from the result: the connection may have been closed meanwhile. */
      g_autoptr(GObject) in = g_async_result_get_source_object (result);

      n = g_input_stream_read_finish (G_INPUT_STREAM (in), result, error);
    }
  if (n == 0)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "Connection closed");
  if (n <= 0)
    return;
  deadline_stop (&op->deadline);
  self->end += (gsize) n;
}

static void
read_line_step (TaubeConnection *self,
                GTask           *task)
{
  char *line = NULL;
  gsize length = 0;

  switch (take_line (self, &line, &length))
    {
    case LINE_FOUND:
      self->reading = FALSE;
      ((Op *) g_task_get_task_data (task))->line_length = length;
      g_task_return_pointer (task, line, g_free);
      break;
    case LINE_TOO_LONG:
      self->reading = FALSE;
      op_return_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                                  "Line too long"));
      break;
    case LINE_INCOMPLETE:
    default:
      read_more (self, task, NULL);
      break;
    }
}

static void
taube_connection_read_line_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeConnection *self = g_task_get_source_object (task);
  GError *error = NULL;

  read_more_done (self, task, result, &error);
  if (error != NULL)
    {
      self->reading = FALSE;
      op_return_error (task, error);
      return;
    }
  read_line_step (self, task);
}

static void
taube_connection_fill_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeConnection *self = g_task_get_source_object (task);
  GError *error = NULL;

  read_more_done (self, task, result, &error);
  self->reading = FALSE;
  if (error != NULL)
    op_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
read_more (TaubeConnection     *self,
           GTask               *task,
           GAsyncReadyCallback  callback)
{
  Op *op = g_task_get_task_data (task);
  GInputStream *in = g_io_stream_get_input_stream (self->stream);
  GCancellable *cancellable;

  prepare_buffer (self);
  cancellable = deadline_start (&op->deadline, g_task_get_cancellable (task), op->timeout_ms);
  if (self->inflater != NULL)
    {
      inflate_read_async (self, cancellable,
                          callback != NULL ? callback : taube_connection_read_line_cb,
                          g_object_ref (task));
      return;
    }
  g_input_stream_read_async (in, self->buffer + self->end,
                             MIN (READ_CHUNK, self->buffer_size - self->end),
                             G_PRIORITY_DEFAULT, cancellable,
                             callback != NULL ? callback : taube_connection_read_line_cb,
                             g_object_ref (task));
}

static gboolean
check_idle_reader (TaubeConnection *self,
                   GTask           *task)
{
  if (self->stream == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("Not connected to the server %s."), self->host);
      return FALSE;
    }
  if (self->reading)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "A read is already pending");
      return FALSE;
    }
  self->reading = TRUE;
  return TRUE;
}

/**
 * taube_connection_read_line_async:
 * @self: a connected #TaubeConnection
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the next line
 * @user_data: data for @callback
 *
 * Reads the next line. A line longer than #TaubeConnection:max-line-length fails with
 * %G_IO_ERROR_INVALID_DATA, the server closing the connection with
 * %G_IO_ERROR_CONNECTION_CLOSED, a silent server with %G_IO_ERROR_TIMED_OUT.
 */
void
taube_connection_read_line_async (TaubeConnection     *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TAUBE_IS_CONNECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = op_task_new (self, taube_connection_read_line_async, TAUBE_CONNECTION_STEP_IO,
                      self->read_timeout_ms, cancellable, callback, user_data);
  if (check_idle_reader (self, task))
    read_line_step (self, task);
}

/**
 * taube_connection_read_line_finish:
 * @self: a #TaubeConnection
 * @result: the result
 * @length: (out) (optional): the line's length; it may contain NUL bytes
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the line without its CRLF or LF, NUL-terminated
 */
char *
taube_connection_read_line_finish (TaubeConnection  *self,
                                   GAsyncResult     *result,
                                   gsize            *length,
                                   GError          **error)
{
  char *line;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (
    g_task_get_source_tag (G_TASK (result)) == taube_connection_read_line_async, NULL);

  line = g_task_propagate_pointer (G_TASK (result), error);
  if (length != NULL)
    *length = line != NULL ? ((Op *) g_task_get_task_data (G_TASK (result)))->line_length : 0;
  return line;
}

/**
 * taube_connection_fill_async:
 * @self: a connected #TaubeConnection
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when at least one byte is buffered
 * @user_data: data for @callback
 *
 * Makes sure taube_connection_peek() has something to return, reading from the server if
 * nothing is buffered. This is how message bodies are streamed: peek, use, consume, fill.
 */
void
taube_connection_fill_async (TaubeConnection     *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TAUBE_IS_CONNECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = op_task_new (self, taube_connection_fill_async, TAUBE_CONNECTION_STEP_IO,
                      self->read_timeout_ms, cancellable, callback, user_data);
  if (!check_idle_reader (self, task))
    return;
  if (self->start < self->end)
    {
      self->reading = FALSE;
      g_task_return_boolean (task, TRUE);
      return;
    }
  read_more (self, task, taube_connection_fill_cb);
}

gboolean
taube_connection_fill_finish (TaubeConnection  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == taube_connection_fill_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * taube_connection_peek:
 * @self: a #TaubeConnection with no read pending
 * @length: (out): how many bytes are buffered
 *
 * Returns: (transfer none) (array length=length): the buffered bytes, valid until the next
 *   read or taube_connection_consume()
 */
const guint8 *
taube_connection_peek (TaubeConnection *self,
                       gsize           *length)
{
  g_return_val_if_fail (TAUBE_IS_CONNECTION (self), NULL);
  g_return_val_if_fail (length != NULL, NULL);
  g_return_val_if_fail (!self->reading, NULL);

  *length = self->end - self->start;
  return self->buffer != NULL ? self->buffer + self->start : (const guint8 *) "";
}

/**
 * taube_connection_consume:
 * @self: a #TaubeConnection with no read pending
 * @length: how many of the peeked bytes were used
 */
void
taube_connection_consume (TaubeConnection *self,
                          gsize            length)
{
  g_return_if_fail (TAUBE_IS_CONNECTION (self));
  g_return_if_fail (!self->reading);
  g_return_if_fail (length <= self->end - self->start);

  self->start += length;
}

/* -- Writing ------------------------------------------------------------------------ */

static void
taube_connection_write_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeConnection *self = g_task_get_source_object (task);
  GError *error = NULL;

  self->writing = FALSE;
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    {
      op_return_error (task, error);
      return;
    }
  deadline_stop (&((Op *) g_task_get_task_data (task))->deadline);
  g_task_return_boolean (task, TRUE);
}

static void
write_bytes (TaubeConnection     *self,
             GBytes              *bytes,
             gboolean             wipe,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Op *op;
  GCancellable *deadline_cancellable;
  gsize size;
  gconstpointer data;

  task = op_task_new (self, taube_connection_write_bytes_async, TAUBE_CONNECTION_STEP_IO,
                      self->read_timeout_ms, cancellable, callback, user_data);
  if (self->stream == NULL || self->writing)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("Not connected to the server %s."), self->host);
      return;
    }
  op = g_task_get_task_data (task);
  op->wipe = wipe;
  if (self->deflater != NULL)
    {
      GError *error = NULL;

      data = g_bytes_get_data (bytes, &size);
      op->bytes = _taube_connection_deflate (self->deflater, data, size, &error);
      /* Only this write holds a secret's bytes (see write_line); the compressed copy is
       * wiped in their stead when the write is done. */
      if (wipe)
        explicit_bzero ((gpointer) data, size);
      if (op->bytes == NULL)
        {
          op_return_error (task, error);
          return;
        }
    }
  else
    op->bytes = g_bytes_ref (bytes);
  data = g_bytes_get_data (op->bytes, &size);
  self->writing = TRUE;
  deadline_cancellable = deadline_start (&op->deadline, cancellable, self->read_timeout_ms);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (self->stream), data, size,
                                   G_PRIORITY_DEFAULT, deadline_cancellable,
                                   taube_connection_write_cb, g_steal_pointer (&task));
}

static gboolean
has_line_break (const char *text)
{
  return text != NULL && strpbrk (text, "\r\n") != NULL;
}

static void
return_line_break_error (TaubeConnection     *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  /* A line break inside a user name or password would smuggle in a second command. */
  g_task_set_source_tag (task, taube_connection_write_bytes_async);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The user name or another setting contains a line break, which "
                             "cannot be sent to the server. Remove it and try again."));
}

/**
 * taube_connection_write_line_async:
 * @self: a connected #TaubeConnection
 * @line: (nullable): the command, without CRLF, logged as it is
 * @secret: (nullable): a credential that follows @line after a space, logged as ********
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when everything was written
 * @user_data: data for @callback
 *
 * Sends "@line @secret\r\n". For a SASL response alone, pass %NULL as @line. Neither part
 * may contain CR or LF.
 */
void
taube_connection_write_line_async (TaubeConnection     *self,
                                   const char          *line,
                                   const char          *secret,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GString) data = g_string_new (line);
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (TAUBE_IS_CONNECTION (self));
  g_return_if_fail (line != NULL || secret != NULL);

  if (has_line_break (line) || has_line_break (secret))
    {
      return_line_break_error (self, cancellable, callback, user_data);
      return;
    }
  if (secret != NULL)
    {
      if (data->len > 0)
        g_string_append_c (data, ' ');
      g_string_append (data, secret);
    }
  g_string_append (data, "\r\n");

  if (line == NULL)
    g_log (self->log_domain, G_LOG_LEVEL_DEBUG, "C: " REDACTED);
  else
    log_conversation (self, "C", (const guint8 *) line, strlen (line),
                      secret != NULL ? " " REDACTED : NULL);
  bytes = g_string_free_to_bytes (g_steal_pointer (&data));
  write_bytes (self, bytes, secret != NULL, cancellable, callback, user_data);
}

/**
 * taube_connection_write_lines_async:
 * @self: a connected #TaubeConnection
 * @lines: (array zero-terminated=1): commands without CRLF and without secrets
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when everything was written
 * @user_data: data for @callback
 *
 * Sends several commands in one write, for pipelining (RFC 2449 PIPELINING, RFC 2920).
 */
void
taube_connection_write_lines_async (TaubeConnection     *self,
                                    const char * const  *lines,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GString) data = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (TAUBE_IS_CONNECTION (self));
  g_return_if_fail (lines != NULL && lines[0] != NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    if (has_line_break (lines[i]))
      {
        return_line_break_error (self, cancellable, callback, user_data);
        return;
      }
  for (guint i = 0; lines[i] != NULL; i++)
    {
      log_conversation (self, "C", (const guint8 *) lines[i], strlen (lines[i]), NULL);
      g_string_append (data, lines[i]);
      g_string_append (data, "\r\n");
    }
  bytes = g_string_free_to_bytes (g_steal_pointer (&data));
  write_bytes (self, bytes, FALSE, cancellable, callback, user_data);
}

/**
 * taube_connection_write_bytes_async:
 * @self: a connected #TaubeConnection
 * @bytes: data to send as it is, such as a piece of a message body
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when everything was written
 * @user_data: data for @callback
 *
 * Sends raw data. Only its size is logged: message contents stay out of debug logs.
 */
void
taube_connection_write_bytes_async (TaubeConnection     *self,
                                    GBytes              *bytes,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (TAUBE_IS_CONNECTION (self));
  g_return_if_fail (bytes != NULL);

  g_log (self->log_domain, G_LOG_LEVEL_DEBUG, "C: <%" G_GSIZE_FORMAT " bytes of data>",
         g_bytes_get_size (bytes));
  write_bytes (self, bytes, FALSE, cancellable, callback, user_data);
}

gboolean
taube_connection_write_finish (TaubeConnection  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (
    g_task_get_source_tag (G_TASK (result)) == taube_connection_write_bytes_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* -- Closing ------------------------------------------------------------------------ */

static void
taube_connection_close_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* The server may already have gone; closing our end still succeeded. */
  if (!g_io_stream_close_finish (G_IO_STREAM (object), result, &error))
    g_debug ("Closing the connection: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

/**
 * taube_connection_close_async:
 * @self: a #TaubeConnection
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when closed
 * @user_data: data for @callback
 *
 * Closes the connection (with a TLS close_notify when encrypted). Never fails; closing a
 * connection that is not open does nothing.
 */
void
taube_connection_close_async (TaubeConnection     *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GIOStream) stream = NULL;
  Op *op;
  GCancellable *deadline_cancellable;

  g_return_if_fail (TAUBE_IS_CONNECTION (self));

  task = op_task_new (self, taube_connection_close_async, TAUBE_CONNECTION_STEP_IO,
                      self->read_timeout_ms, cancellable, callback, user_data);
  stream = g_steal_pointer (&self->stream);
  g_clear_object (&self->tcp);
  self->encrypted = FALSE;
  stop_compression (self);
  self->start = self->end = 0;
  if (stream == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_log (self->log_domain, G_LOG_LEVEL_DEBUG, "Closing the connection to %s", self->host);
  op = g_task_get_task_data (task);
  deadline_cancellable = deadline_start (&op->deadline, cancellable, self->read_timeout_ms);
  g_io_stream_close_async (stream, G_PRIORITY_DEFAULT, deadline_cancellable,
                           taube_connection_close_cb, g_steal_pointer (&task));
}

gboolean
taube_connection_close_finish (TaubeConnection  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == taube_connection_close_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
