/* taube-pop3-client.c — a POP3 session (RFC 1939) with CAPA, STLS and SASL PLAIN
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This file holds the session: connecting, the greeting, CAPA (RFC 2449), STLS (RFC 2595),
 * logging in with AUTH PLAIN (RFC 5034) or USER/PASS, QUIT, and the command exchange
 * that everything uses. The mailbox commands are in taube-pop3-client-mailbox.c.
 *
 * Security rules, checked before any credential leaves the machine:
 * - with STARTTLS, a server that does not offer STLS or refuses it is left at once; there
 *   is no fallback to plaintext (RFC 8314 §4.1 / no downgrade);
 * - without TLS, logging in needs allow-plaintext, and even then the password is not sent
 *   if the server says it refuses plaintext logins (no USER in CAPA and no SASL PLAIN, or
 *   -ERR to USER).
 *
 * One command runs at a time; a second one fails with G_IO_ERROR_PENDING. After a
 * transport or protocol error the session is closed and must be connected again.
 */
#define G_LOG_DOMAIN "taube-pop3"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "taube-pop3-client-private.h"
#include "taube-pop3-error.h"

/* RFC 5034 §4: an AUTH command with its initial response must fit in 255 octets. */
#define MAX_AUTH_LINE 255
/* A CAPA, LIST or UIDL reply larger than this is not a real mailbox. */
#define MAX_MULTI_LINE_BYTES (64 * 1024 * 1024)

typedef enum
{
  STATE_DISCONNECTED,
  STATE_AUTHORIZATION,
  STATE_TRANSACTION,
} State;

struct _TaubePop3Client
{
  GObject parent_instance;

  TaubeConnection *connection;
  gboolean allow_plaintext;
  GHashTable *capabilities;  /* NULL when the server does not know CAPA */
  State state;
  gboolean busy;
};

G_DEFINE_FINAL_TYPE (TaubePop3Client, taube_pop3_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_ALLOW_PLAINTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
taube_pop3_message_info_free (TaubePop3MessageInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->uid);
  g_free (info);
}

static void
taube_pop3_client_finalize (GObject *object)
{
  TaubePop3Client *self = TAUBE_POP3_CLIENT (object);

  g_clear_object (&self->connection);
  g_clear_pointer (&self->capabilities, g_hash_table_unref);

  G_OBJECT_CLASS (taube_pop3_client_parent_class)->finalize (object);
}

static void
taube_pop3_client_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TaubePop3Client *self = TAUBE_POP3_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    case PROP_ALLOW_PLAINTEXT:
      g_value_set_boolean (value, self->allow_plaintext);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
taube_pop3_client_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  TaubePop3Client *self = TAUBE_POP3_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    case PROP_ALLOW_PLAINTEXT:
      taube_pop3_client_set_allow_plaintext (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
taube_pop3_client_class_init (TaubePop3ClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = taube_pop3_client_finalize;
  object_class->get_property = taube_pop3_client_get_property;
  object_class->set_property = taube_pop3_client_set_property;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, TAUBE_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ALLOW_PLAINTEXT] =
    g_param_spec_boolean ("allow-plaintext", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
taube_pop3_client_init (TaubePop3Client *self)
{
}

/**
 * taube_pop3_client_new:
 * @connection: a #TaubeConnection that is not connected yet
 *
 * Returns: (transfer full): a POP3 client that will use @connection
 */
TaubePop3Client *
taube_pop3_client_new (TaubeConnection *connection)
{
  g_return_val_if_fail (TAUBE_IS_CONNECTION (connection), NULL);

  return g_object_new (TAUBE_TYPE_POP3_CLIENT, "connection", connection, NULL);
}

/**
 * taube_pop3_client_get_connection:
 * @self: a #TaubePop3Client
 *
 * Returns: (transfer none): the connection
 */
TaubeConnection *
taube_pop3_client_get_connection (TaubePop3Client *self)
{
  g_return_val_if_fail (TAUBE_IS_POP3_CLIENT (self), NULL);
  return self->connection;
}

gboolean
taube_pop3_client_get_allow_plaintext (TaubePop3Client *self)
{
  g_return_val_if_fail (TAUBE_IS_POP3_CLIENT (self), FALSE);
  return self->allow_plaintext;
}

/**
 * taube_pop3_client_set_allow_plaintext:
 * @self: a #TaubePop3Client
 * @allow_plaintext: whether the account agreed to send its password unencrypted
 *
 * Only matters for %TAUBE_SECURITY_NONE; without it, logging in fails with
 * %TAUBE_POP3_ERROR_PLAINTEXT_REFUSED before anything is sent.
 */
void
taube_pop3_client_set_allow_plaintext (TaubePop3Client *self,
                                       gboolean         allow_plaintext)
{
  g_return_if_fail (TAUBE_IS_POP3_CLIENT (self));

  allow_plaintext = !!allow_plaintext;
  if (self->allow_plaintext == allow_plaintext)
    return;
  self->allow_plaintext = allow_plaintext;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOW_PLAINTEXT]);
}

/**
 * taube_pop3_client_has_capability:
 * @self: a connected #TaubePop3Client
 * @name: a CAPA name such as "UIDL" or "PIPELINING"
 *
 * Returns: whether the server's last CAPA listed @name
 */
gboolean
taube_pop3_client_has_capability (TaubePop3Client *self,
                                  const char      *name)
{
  return taube_pop3_client_get_capability (self, name) != NULL;
}

/**
 * taube_pop3_client_get_capability:
 * @self: a connected #TaubePop3Client
 * @name: a CAPA name such as "SASL"
 *
 * Returns: (nullable): the capability's arguments ("" if none), or %NULL if not offered
 */
const char *
taube_pop3_client_get_capability (TaubePop3Client *self,
                                  const char      *name)
{
  g_autofree char *upper = NULL;

  g_return_val_if_fail (TAUBE_IS_POP3_CLIENT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (self->capabilities == NULL)
    return NULL;
  upper = g_ascii_strup (name, -1);
  return g_hash_table_lookup (self->capabilities, upper);
}

/* Whether the server answered CAPA, so that a capability it lacks is really missing. */
gboolean
_taube_pop3_client_knows_capabilities (TaubePop3Client *self)
{
  return self->capabilities != NULL;
}

gboolean
taube_pop3_client_is_logged_in (TaubePop3Client *self)
{
  g_return_val_if_fail (TAUBE_IS_POP3_CLIENT (self), FALSE);
  return self->state == STATE_TRANSACTION;
}

/* -- Operations ----------------------------------------------------------------------- */

/*
 * Starts an operation: a task, or %NULL after failing it already when the session is
 * busy or in the wrong state.
 */
GTask *
_taube_pop3_client_begin (TaubePop3Client     *self,
                          gpointer             source_tag,
                          gboolean             logged_in,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  if (self->busy)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "Another POP3 command is still running");
      return NULL;
    }
  if (logged_in && self->state != STATE_TRANSACTION)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("Not logged in to the server %s. Connect again."),
                               taube_connection_get_host (self->connection));
      return NULL;
    }
  self->busy = TRUE;
  return g_steal_pointer (&task);
}

void
_taube_pop3_client_release (TaubePop3Client *self)
{
  self->busy = FALSE;
}

/* Ends @task with @error (taken). A fatal error, and any that is not a server's -ERR,
 * leaves the session in an unknown state: it is closed. */
void
_taube_pop3_client_fail (GTask   *task,
                         GError  *error,
                         gboolean fatal)
{
  TaubePop3Client *self = g_task_get_source_object (task);

  self->busy = FALSE;
  /* A refused argument was never sent: the session is as it was. */
  if ((error->domain != TAUBE_POP3_ERROR
       && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT))
      || g_error_matches (error, TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_PROTOCOL))
    fatal = TRUE;
  if (fatal)
    {
      self->state = STATE_DISCONNECTED;
      taube_connection_close_async (self->connection, NULL, NULL, NULL);
    }
  g_task_return_error (task, error);
}

GError *
_taube_pop3_client_protocol_error (TaubePop3Client *self,
                                   const GError    *detail)
{
  g_debug ("Protocol error: %s", detail->message);
  /* Translators: %s is a server name. */
  return g_error_new (TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_PROTOCOL,
                      _("The server %s sent a reply that is not valid POP3. Check that the "
                        "server name and port belong to a POP3 server."),
                      taube_connection_get_host (self->connection));
}

/* The error for a -ERR reply (RFC 2449 §8 response codes decide the kind). */
GError *
_taube_pop3_client_reply_error (TaubePop3Client      *self,
                                const TaubePop3Reply *reply)
{
  const char *host = taube_connection_get_host (self->connection);

  if (g_strcmp0 (reply->code, "IN-USE") == 0)
    /* Translators: %s is a server name, then the server's own words in quotes. */
    return g_error_new (TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_IN_USE,
                        _("The mailbox on the server %s is in use by another mail program "
                          "(“%s”). Close the other program or try again in a few minutes."),
                        host, reply->text);
  if (g_strcmp0 (reply->code, "SYS/TEMP") == 0 || g_strcmp0 (reply->code, "LOGIN-DELAY") == 0)
    return g_error_new (TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_TEMPORARY,
                        _("The server %s cannot do this right now (“%s”). Try again later."),
                        host, reply->text);
  return g_error_new (TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_SERVER_ERROR,
                      _("The server %s reported an error: “%s”"), host, reply->text);
}

/* -- The command exchange ------------------------------------------------------------- */

typedef struct
{
  GPtrArray *commands;      /* NULL entries: read a reply without sending (the greeting) */
  GArray *kinds;
  char *secret;
  gboolean pipelined;
  guint sent;
  GPtrArray *replies;
  TaubePop3Reply *current;  /* a multi-line reply being read */
} Exchange;

static void
exchange_free (Exchange *exchange)
{
  g_clear_pointer (&exchange->commands, g_ptr_array_unref);
  g_clear_pointer (&exchange->kinds, g_array_unref);
  /* The password (or the SASL response that carries it) is not left in freed memory,
   * like the login's own copy. */
  if (exchange->secret != NULL)
    explicit_bzero (exchange->secret, strlen (exchange->secret));
  g_clear_pointer (&exchange->secret, g_free);
  g_clear_pointer (&exchange->replies, g_ptr_array_unref);
  g_clear_pointer (&exchange->current, taube_pop3_reply_free);
  g_free (exchange);
}

static void exchange_send (GTask *task);
static void exchange_read (GTask *task);

static void
exchange_return_io_error (GTask  *task,
                          GError *error)
{
  /* An overlong line is a protocol error, whatever the transport. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
    {
      GError *protocol = g_error_new_literal (TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_PROTOCOL,
                                              error->message);
      g_error_free (error);
      error = protocol;
    }
  g_task_return_error (task, error);
}

static void
exchange_reply_done (GTask          *task,
                     TaubePop3Reply *reply)
{
  Exchange *exchange = g_task_get_task_data (task);

  g_ptr_array_add (exchange->replies, reply);
  if (exchange->replies->len == exchange->commands->len)
    g_task_return_pointer (task, g_ptr_array_ref (exchange->replies),
                           (GDestroyNotify) g_ptr_array_unref);
  else if (exchange->replies->len == exchange->sent)
    exchange_send (task);
  else
    exchange_read (task);
}

static void
taube_pop3_client_read_line_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubePop3Client *self = g_task_get_source_object (task);
  Exchange *exchange = g_task_get_task_data (task);
  g_autofree char *line = NULL;
  g_autoptr(GError) error = NULL;
  TaubePop3ReplyKind kind;
  TaubePop3Reply *reply;
  gboolean done = FALSE;
  gsize length;

  line = taube_connection_read_line_finish (TAUBE_CONNECTION (object), result, &length, &error);
  if (line == NULL)
    {
      exchange_return_io_error (task, g_steal_pointer (&error));
      return;
    }

  if (exchange->current != NULL)
    {
      if (!taube_pop3_reply_add_line (exchange->current, line, length, &done, &error))
        {
          g_task_return_error (task, _taube_pop3_client_protocol_error (self, error));
          return;
        }
      if (exchange->current->size > MAX_MULTI_LINE_BYTES)
        {
          g_set_error_literal (&error, TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_PROTOCOL,
                               "multi-line response too large");
          g_task_return_error (task, _taube_pop3_client_protocol_error (self, error));
          return;
        }
      if (done)
        exchange_reply_done (task, g_steal_pointer (&exchange->current));
      else
        exchange_read (task);
      return;
    }

  reply = taube_pop3_reply_parse (line, length, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, _taube_pop3_client_protocol_error (self, error));
      return;
    }
  kind = g_array_index (exchange->kinds, TaubePop3ReplyKind, exchange->replies->len);
  if (kind == TAUBE_POP3_REPLY_MULTI && reply->status == TAUBE_POP3_STATUS_OK)
    {
      exchange->current = reply;
      exchange_read (task);
      return;
    }
  exchange_reply_done (task, reply);
}

static void
exchange_read (GTask *task)
{
  TaubePop3Client *self = g_task_get_source_object (task);

  taube_connection_read_line_async (self->connection, g_task_get_cancellable (task),
                                    taube_pop3_client_read_line_cb, g_object_ref (task));
}

static void
taube_pop3_client_write_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!taube_connection_write_finish (TAUBE_CONNECTION (object), result, &error))
    {
      exchange_return_io_error (task, error);
      return;
    }
  exchange_read (task);
}

static void
exchange_send (GTask *task)
{
  TaubePop3Client *self = g_task_get_source_object (task);
  Exchange *exchange = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  const char *first = g_ptr_array_index (exchange->commands, exchange->sent);
  guint count = 1;

  if (first == NULL)
    {
      exchange->sent++;
      exchange_read (task);
      return;
    }
  if (exchange->pipelined)
    count = exchange->commands->len - exchange->sent;
  if (count == 1)
    {
      exchange->sent++;
      /* An empty command with a secret is a bare SASL response. */
      taube_connection_write_line_async (self->connection,
                                         first[0] == '\0' ? NULL : first, exchange->secret,
                                         cancellable,
                                         taube_pop3_client_write_cb, g_object_ref (task));
      return;
    }

  /* RFC 2449 §6.6: with PIPELINING, the commands go out in one write. */
  g_ptr_array_add (exchange->commands, NULL);
  taube_connection_write_lines_async (self->connection,
                                      (const char * const *) exchange->commands->pdata
                                        + exchange->sent,
                                      cancellable, taube_pop3_client_write_cb,
                                      g_object_ref (task));
  g_ptr_array_remove_index (exchange->commands, exchange->commands->len - 1);
  exchange->sent += count;
}

/*
 * Sends @commands (NULL-terminated; NULL itself means "read the greeting") and reads one
 * reply of the matching kind for each, pipelined when the server offers PIPELINING.
 * @secret follows the only command. Finishes with the replies, -ERR included; errors are
 * transport and protocol errors only.
 */
void
_taube_pop3_client_exchange_async (TaubePop3Client          *self,
                                   const char * const       *commands,
                                   const TaubePop3ReplyKind *kinds,
                                   const char               *secret,
                                   GCancellable             *cancellable,
                                   GAsyncReadyCallback       callback,
                                   gpointer                  user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Exchange *exchange = g_new0 (Exchange, 1);
  guint n = 0;

  g_task_set_source_tag (task, _taube_pop3_client_exchange_async);
  g_task_set_task_data (task, exchange, (GDestroyNotify) exchange_free);
  exchange->commands = g_ptr_array_new_with_free_func (g_free);
  exchange->kinds = g_array_new (FALSE, FALSE, sizeof (TaubePop3ReplyKind));
  exchange->replies = g_ptr_array_new_with_free_func ((GDestroyNotify) taube_pop3_reply_free);
  exchange->secret = g_strdup (secret);

  if (commands == NULL)
    {
      g_ptr_array_add (exchange->commands, NULL);
      n = 1;
    }
  else
    for (; commands[n] != NULL; n++)
      g_ptr_array_add (exchange->commands, g_strdup (commands[n]));
  g_array_append_vals (exchange->kinds, kinds, n);
  g_assert (n > 0);
  g_assert (secret == NULL || n == 1);
  exchange->pipelined = n > 1 && taube_pop3_client_has_capability (self, "PIPELINING");
  exchange_send (task);
}

GPtrArray *
_taube_pop3_client_exchange_finish (TaubePop3Client  *self,
                                    GAsyncResult     *result,
                                    GError          **error)
{
  g_assert (g_task_is_valid (result, self));
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Sends one command and finishes with its reply. */
static void
command_async (TaubePop3Client     *self,
               const char          *command,
               TaubePop3ReplyKind   kind,
               const char          *secret,
               GTask               *task,
               GAsyncReadyCallback  callback)
{
  const char *commands[] = { command, NULL };

  _taube_pop3_client_exchange_async (self, command != NULL ? commands : NULL, &kind, secret,
                                     g_task_get_cancellable (task), callback,
                                     g_object_ref (task));
}

static TaubePop3Reply *
command_finish (TaubePop3Client  *self,
                GAsyncResult     *result,
                GError          **error)
{
  g_autoptr(GPtrArray) replies = _taube_pop3_client_exchange_finish (self, result, error);

  if (replies == NULL)
    return NULL;
  return g_ptr_array_steal_index (replies, 0);
}

/* -- Connecting ----------------------------------------------------------------------- */

static void connect_read_capabilities (GTask *task);
static void taube_pop3_client_stls_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
taube_pop3_client_connect_capa_cb (GObject      *object,
                                   GAsyncResult *result,
                                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubePop3Client *self = g_task_get_source_object (task);
  g_autoptr(TaubePop3Reply) reply = NULL;
  GError *error = NULL;
  gboolean encrypted = taube_connection_is_encrypted (self->connection);

  reply = command_finish (self, result, &error);
  if (reply == NULL)
    {
      _taube_pop3_client_fail (task, error, TRUE);
      return;
    }
  g_clear_pointer (&self->capabilities, g_hash_table_unref);
  /* A server without CAPA answers -ERR; it then has no STLS either (RFC 2595 §4). */
  if (reply->status == TAUBE_POP3_STATUS_OK)
    self->capabilities = taube_pop3_parse_capabilities (reply->lines);

  if (taube_connection_get_security (self->connection) == TAUBE_SECURITY_STARTTLS && !encrypted)
    {
      if (!taube_pop3_client_has_capability (self, "STLS"))
        {
          _taube_pop3_client_fail (task, g_error_new (
            TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_STARTTLS_NOT_OFFERED,
            /* Translators: %s is a server name. */
            _("The server %s does not offer encryption with STARTTLS, so Taube did not log "
              "in. Choose TLS on the port for encrypted connections (usually 995), or ask "
              "the provider."), taube_connection_get_host (self->connection)), TRUE);
          return;
        }
      command_async (self, "STLS", TAUBE_POP3_REPLY_SINGLE, NULL, task,
                     taube_pop3_client_stls_cb);
      return;
    }

  self->state = STATE_AUTHORIZATION;
  _taube_pop3_client_release (self);
  g_task_return_boolean (task, TRUE);
}

static void
taube_pop3_client_start_tls_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!taube_connection_start_tls_finish (TAUBE_CONNECTION (object), result, &error))
    {
      _taube_pop3_client_fail (task, error, TRUE);
      return;
    }
  /* RFC 2595 §4: capabilities learnt before TLS must be forgotten. */
  connect_read_capabilities (task);
}

static void
taube_pop3_client_stls_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubePop3Client *self = g_task_get_source_object (task);
  g_autoptr(TaubePop3Reply) reply = NULL;
  GError *error = NULL;

  reply = command_finish (self, result, &error);
  if (reply == NULL)
    {
      _taube_pop3_client_fail (task, error, TRUE);
      return;
    }
  if (reply->status != TAUBE_POP3_STATUS_OK)
    {
      _taube_pop3_client_fail (task, g_error_new (
        TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_STARTTLS_FAILED,
        /* Translators: %s is a server name, then the server's own words in quotes. */
        _("The server %s refused to start encryption (“%s”), so Taube did not log in. Try "
          "again later, or choose TLS instead of STARTTLS."),
        taube_connection_get_host (self->connection), reply->text), TRUE);
      return;
    }
  taube_connection_start_tls_async (self->connection, g_task_get_cancellable (task),
                                    taube_pop3_client_start_tls_cb, g_object_ref (task));
}

static void
connect_read_capabilities (GTask *task)
{
  TaubePop3Client *self = g_task_get_source_object (task);

  command_async (self, "CAPA", TAUBE_POP3_REPLY_MULTI, NULL, task,
                 taube_pop3_client_connect_capa_cb);
}

static void
taube_pop3_client_greeting_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubePop3Client *self = g_task_get_source_object (task);
  g_autoptr(TaubePop3Reply) reply = NULL;
  GError *error = NULL;

  reply = command_finish (self, result, &error);
  if (reply == NULL)
    {
      _taube_pop3_client_fail (task, error, TRUE);
      return;
    }
  if (reply->status == TAUBE_POP3_STATUS_ERR)
    {
      _taube_pop3_client_fail (task, _taube_pop3_client_reply_error (self, reply), TRUE);
      return;
    }
  if (reply->status != TAUBE_POP3_STATUS_OK)
    {
      g_set_error_literal (&error, TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_PROTOCOL, "bad greeting");
      _taube_pop3_client_fail (task, _taube_pop3_client_protocol_error (self, error), TRUE);
      g_error_free (error);
      return;
    }
  connect_read_capabilities (task);
}

static void
taube_pop3_client_connected_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubePop3Client *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!taube_connection_connect_finish (TAUBE_CONNECTION (object), result, &error))
    {
      _taube_pop3_client_fail (task, error, TRUE);
      return;
    }
  command_async (self, NULL, TAUBE_POP3_REPLY_SINGLE, NULL, task,
                 taube_pop3_client_greeting_cb);
}

/**
 * taube_pop3_client_connect_async:
 * @self: a #TaubePop3Client
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the session is ready to log in
 * @user_data: data for @callback
 *
 * Connects, reads the greeting and the capabilities and, for %TAUBE_SECURITY_STARTTLS,
 * switches to TLS with STLS and reads the capabilities again. Without STLS in CAPA this
 * fails with %TAUBE_POP3_ERROR_STARTTLS_NOT_OFFERED and nothing else is sent.
 */
void
taube_pop3_client_connect_async (TaubePop3Client     *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TAUBE_IS_POP3_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = _taube_pop3_client_begin (self, taube_pop3_client_connect_async, FALSE, cancellable,
                                   callback, user_data);
  if (task == NULL)
    return;
  if (taube_connection_is_connected (self->connection))
    {
      _taube_pop3_client_release (self);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "Already connected");
      return;
    }
  g_clear_pointer (&self->capabilities, g_hash_table_unref);
  taube_connection_connect_async (self->connection, cancellable,
                                  taube_pop3_client_connected_cb, g_steal_pointer (&task));
}

gboolean
taube_pop3_client_connect_finish (TaubePop3Client  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (
    g_task_get_source_tag (G_TASK (result)) == taube_pop3_client_connect_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* -- Logging in ----------------------------------------------------------------------- */

typedef struct
{
  char *user;
  char *password;
  char *sasl_response;
  gboolean response_sent;
} Login;

static void
login_free (Login *login)
{
  g_free (login->user);
  if (login->password != NULL)
    explicit_bzero (login->password, strlen (login->password));
  g_free (login->password);
  if (login->sasl_response != NULL)
    explicit_bzero (login->sasl_response, strlen (login->sasl_response));
  g_free (login->sasl_response);
  g_free (login);
}

static GError *
plaintext_refused_error (TaubePop3Client *self)
{
  /* Translators: %s is a server name. */
  return g_error_new (TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_PLAINTEXT_REFUSED,
                      _("The server %s does not accept passwords over an unencrypted "
                        "connection. Choose TLS or STARTTLS in the account settings."),
                      taube_connection_get_host (self->connection));
}

static GError *
login_error (TaubePop3Client      *self,
             const TaubePop3Reply *reply)
{
  /* RFC 3206 §5: [AUTH] means the credentials; no code at all usually means the same. */
  if (reply->code == NULL || g_strcmp0 (reply->code, "AUTH") == 0)
    /* Translators: %s is a server name, then the server's own words in quotes. */
    return g_error_new (TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_BAD_CREDENTIALS,
                        _("The server %s did not accept the user name or password (“%s”). "
                          "Check them and try again."),
                        taube_connection_get_host (self->connection), reply->text);
  return _taube_pop3_client_reply_error (self, reply);
}

static void
login_done (GTask                *task,
            const TaubePop3Reply *reply)
{
  TaubePop3Client *self = g_task_get_source_object (task);

  if (reply->status == TAUBE_POP3_STATUS_OK)
    {
      self->state = STATE_TRANSACTION;
      _taube_pop3_client_release (self);
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (reply->status == TAUBE_POP3_STATUS_CONTINUE)
    {
      g_autoptr(GError) error = g_error_new_literal (TAUBE_POP3_ERROR,
                                                     TAUBE_POP3_ERROR_PROTOCOL,
                                                     "unexpected SASL challenge");
      _taube_pop3_client_fail (task, _taube_pop3_client_protocol_error (self, error), TRUE);
      return;
    }
  _taube_pop3_client_fail (task, login_error (self, reply), FALSE);
}

static void
taube_pop3_client_login_final_cb (GObject      *object,
                                  GAsyncResult *result,
                                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubePop3Client *self = g_task_get_source_object (task);
  g_autoptr(TaubePop3Reply) reply = NULL;
  GError *error = NULL;

  reply = command_finish (self, result, &error);
  if (reply == NULL)
    _taube_pop3_client_fail (task, error, TRUE);
  else
    login_done (task, reply);
}

static void
taube_pop3_client_auth_continue_cb (GObject      *object,
                                    GAsyncResult *result,
                                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubePop3Client *self = g_task_get_source_object (task);
  Login *login = g_task_get_task_data (task);
  g_autoptr(TaubePop3Reply) reply = NULL;
  GError *error = NULL;

  reply = command_finish (self, result, &error);
  if (reply == NULL)
    {
      _taube_pop3_client_fail (task, error, TRUE);
      return;
    }
  if (reply->status != TAUBE_POP3_STATUS_CONTINUE)
    {
      login_done (task, reply);
      return;
    }
  if (login->response_sent)
    {
      login_done (task, reply);
      return;
    }
  /* RFC 5034 §4: the response goes on a line of its own. */
  login->response_sent = TRUE;
  command_async (self, "", TAUBE_POP3_REPLY_SINGLE, login->sasl_response, task,
                 taube_pop3_client_login_final_cb);
}

static void
taube_pop3_client_user_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubePop3Client *self = g_task_get_source_object (task);
  Login *login = g_task_get_task_data (task);
  g_autoptr(TaubePop3Reply) reply = NULL;
  GError *error = NULL;

  reply = command_finish (self, result, &error);
  if (reply == NULL)
    {
      _taube_pop3_client_fail (task, error, TRUE);
      return;
    }
  if (reply->status != TAUBE_POP3_STATUS_OK)
    {
      /* Without TLS, a -ERR to USER is how servers refuse plaintext (Dovecot: "[AUTH]
       * Plaintext authentication disallowed"): the password stays here. */
      if (!taube_connection_is_encrypted (self->connection))
        _taube_pop3_client_fail (task, plaintext_refused_error (self), TRUE);
      else
        login_done (task, reply);
      return;
    }
  command_async (self, "PASS", TAUBE_POP3_REPLY_SINGLE, login->password, task,
                 taube_pop3_client_login_final_cb);
}

static char *
sasl_plain_response (const char *user,
                     const char *password)
{
  /* RFC 4616: authzid NUL authcid NUL passwd, with an empty authzid. */
  gsize user_len = strlen (user);
  gsize password_len = strlen (password);
  gsize len = user_len + password_len + 2;
  g_autofree guint8 *raw = g_malloc (len);
  char *encoded;

  raw[0] = '\0';
  memcpy (raw + 1, user, user_len);
  raw[1 + user_len] = '\0';
  memcpy (raw + 2 + user_len, password, password_len);
  encoded = g_base64_encode (raw, len);
  explicit_bzero (raw, len);
  return encoded;
}

static gboolean
offers_sasl_plain (TaubePop3Client *self)
{
  const char *sasl = taube_pop3_client_get_capability (self, "SASL");
  g_auto(GStrv) mechanisms = NULL;

  if (sasl == NULL)
    return FALSE;
  mechanisms = g_strsplit (sasl, " ", -1);
  for (guint i = 0; mechanisms[i] != NULL; i++)
    if (g_ascii_strcasecmp (mechanisms[i], "PLAIN") == 0)
      return TRUE;
  return FALSE;
}

/**
 * taube_pop3_client_login_async:
 * @self: a connected #TaubePop3Client
 * @user: the user name
 * @password: the password
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when logged in
 * @user_data: data for @callback
 *
 * Logs in with SASL PLAIN when the server offers it (RFC 5034), else USER and PASS
 * (RFC 1939 §7). A wrong password fails with %TAUBE_POP3_ERROR_BAD_CREDENTIALS and the
 * session stays open for another try; without encryption see
 * taube_pop3_client_set_allow_plaintext().
 */
void
taube_pop3_client_login_async (TaubePop3Client     *self,
                               const char          *user,
                               const char          *password,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  gboolean encrypted;
  Login *login;

  g_return_if_fail (TAUBE_IS_POP3_CLIENT (self));
  g_return_if_fail (user != NULL);
  g_return_if_fail (password != NULL);

  task = _taube_pop3_client_begin (self, taube_pop3_client_login_async, FALSE, cancellable,
                                   callback, user_data);
  if (task == NULL)
    return;
  if (self->state != STATE_AUTHORIZATION)
    {
      _taube_pop3_client_release (self);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("Not connected to the server %s."),
                               taube_connection_get_host (self->connection));
      return;
    }
  login = g_new0 (Login, 1);
  login->user = g_strdup (user);
  login->password = g_strdup (password);
  g_task_set_task_data (task, login, (GDestroyNotify) login_free);

  encrypted = taube_connection_is_encrypted (self->connection);
  if (!encrypted && !self->allow_plaintext)
    {
      _taube_pop3_client_fail (task, g_error_new (
        TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_PLAINTEXT_REFUSED,
        /* Translators: %s is a server name. */
        _("The connection to %s is not encrypted, so Taube did not send the password. "
          "Choose TLS or STARTTLS in the account settings."),
        taube_connection_get_host (self->connection)), TRUE);
      return;
    }

  if (offers_sasl_plain (self))
    {
      login->sasl_response = sasl_plain_response (user, password);
      login->response_sent =
        strlen ("AUTH PLAIN ") + strlen (login->sasl_response) + 2 <= MAX_AUTH_LINE;
      if (login->response_sent)
        command_async (self, "AUTH PLAIN", TAUBE_POP3_REPLY_SINGLE, login->sasl_response, task,
                       taube_pop3_client_auth_continue_cb);
      else
        command_async (self, "AUTH PLAIN", TAUBE_POP3_REPLY_SINGLE, NULL, task,
                       taube_pop3_client_auth_continue_cb);
      return;
    }
  /* A server with CAPA but neither USER nor SASL PLAIN takes no password from us: over
   * plaintext that is its refusal (Dovecot hides both), over TLS a method we lack. */
  if (self->capabilities != NULL && !taube_pop3_client_has_capability (self, "USER"))
    {
      if (!encrypted)
        _taube_pop3_client_fail (task, plaintext_refused_error (self), TRUE);
      else
        _taube_pop3_client_fail (task, g_error_new (
          TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_NOT_SUPPORTED,
          /* Translators: %s is a server name. */
          _("The server %s offers no way of logging in with a password that Taube knows."),
          taube_connection_get_host (self->connection)), TRUE);
      return;
    }
  {
    g_autofree char *command = g_strdup_printf ("USER %s", user);

    command_async (self, command, TAUBE_POP3_REPLY_SINGLE, NULL, task,
                   taube_pop3_client_user_cb);
  }
}

gboolean
taube_pop3_client_login_finish (TaubePop3Client  *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (
    g_task_get_source_tag (G_TASK (result)) == taube_pop3_client_login_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* -- Quitting ------------------------------------------------------------------------- */

static void
taube_pop3_client_quit_closed_cb (GObject      *object,
                                  GAsyncResult *result,
                                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = g_task_get_task_data (task);

  taube_connection_close_finish (TAUBE_CONNECTION (object), result, NULL);
  if (error != NULL)
    g_task_return_error (task, g_error_copy (error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
taube_pop3_client_quit_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubePop3Client *self = g_task_get_source_object (task);
  g_autoptr(TaubePop3Reply) reply = NULL;
  GError *error = NULL;
  gboolean was_logged_in = self->state == STATE_TRANSACTION;

  reply = command_finish (self, result, &error);
  if (reply == NULL)
    {
      _taube_pop3_client_fail (task, error, TRUE);
      return;
    }
  /* RFC 1939 §6: -ERR to QUIT in the TRANSACTION state means the deletions failed. */
  if (reply->status != TAUBE_POP3_STATUS_OK && was_logged_in)
    g_task_set_task_data (task, _taube_pop3_client_reply_error (self, reply),
                          (GDestroyNotify) g_error_free);
  self->state = STATE_DISCONNECTED;
  _taube_pop3_client_release (self);
  taube_connection_close_async (self->connection, NULL, taube_pop3_client_quit_closed_cb,
                                g_object_ref (task));
}

/**
 * taube_pop3_client_quit_async:
 * @self: a #TaubePop3Client
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the session is over
 * @user_data: data for @callback
 *
 * Ends the session with QUIT, which makes the server delete the messages marked with
 * taube_pop3_client_delete_async() (RFC 1939 §6), and closes the connection. Finish with
 * taube_pop3_client_command_finish(); an error means the deletions did not happen.
 */
void
taube_pop3_client_quit_async (TaubePop3Client     *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TAUBE_IS_POP3_CLIENT (self));

  task = _taube_pop3_client_begin (self, taube_pop3_client_quit_async, FALSE, cancellable,
                                   callback, user_data);
  if (task == NULL)
    return;
  if (self->state == STATE_DISCONNECTED)
    {
      _taube_pop3_client_release (self);
      taube_connection_close_async (self->connection, NULL, taube_pop3_client_quit_closed_cb,
                                    g_steal_pointer (&task));
      return;
    }
  command_async (self, "QUIT", TAUBE_POP3_REPLY_SINGLE, NULL, task, taube_pop3_client_quit_cb);
}

/**
 * taube_pop3_client_command_finish:
 * @self: a #TaubePop3Client
 * @result: the result of taube_pop3_client_delete_async(), _noop_async(), _reset_async()
 *   or _quit_async()
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the server answered +OK
 */
gboolean
taube_pop3_client_command_finish (TaubePop3Client  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
