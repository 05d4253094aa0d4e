/* taube-smtp-client.c — sending mail through a submission server (RFC 6409)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This file holds the session: greeting, EHLO (HELO for old servers), STARTTLS
 * (RFC 3207), AUTH PLAIN and LOGIN (RFC 4954), RSET, QUIT, the command exchange and how
 * replies become errors. Sending a message is in taube-smtp-client-send.c.
 *
 * Security rules, checked before any credential is sent: with STARTTLS, a server that
 * does not offer it or refuses it is left at once (no downgrade); without TLS, AUTH needs
 * allow-plaintext, and the password is not sent if the server offers no PLAIN or LOGIN
 * there (how servers refuse plaintext). RFC 8314 §3.3: implicit TLS is preferred.
 */
#define G_LOG_DOMAIN "taube-smtp"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "taube-smtp-client-private.h"
#include "taube-smtp-error.h"

typedef enum
{
  STATE_DISCONNECTED,
  STATE_READY,
} State;

struct _TaubeSmtpClient
{
  GObject parent_instance;

  TaubeConnection *connection;
  gboolean allow_plaintext;
  GHashTable *extensions;  /* empty after HELO */
  State state;
  gboolean busy;
};

G_DEFINE_FINAL_TYPE (TaubeSmtpClient, taube_smtp_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_ALLOW_PLAINTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
taube_smtp_recipient_free (TaubeSmtpRecipient *recipient)
{
  if (recipient == NULL)
    return;
  g_free (recipient->address);
  g_free (recipient->text);
  g_free (recipient);
}

static void
taube_smtp_client_finalize (GObject *object)
{
  TaubeSmtpClient *self = TAUBE_SMTP_CLIENT (object);

  g_clear_object (&self->connection);
  g_clear_pointer (&self->extensions, g_hash_table_unref);

  G_OBJECT_CLASS (taube_smtp_client_parent_class)->finalize (object);
}

static void
taube_smtp_client_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TaubeSmtpClient *self = TAUBE_SMTP_CLIENT (object);

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
taube_smtp_client_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  TaubeSmtpClient *self = TAUBE_SMTP_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    case PROP_ALLOW_PLAINTEXT:
      taube_smtp_client_set_allow_plaintext (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
taube_smtp_client_class_init (TaubeSmtpClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = taube_smtp_client_finalize;
  object_class->get_property = taube_smtp_client_get_property;
  object_class->set_property = taube_smtp_client_set_property;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, TAUBE_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ALLOW_PLAINTEXT] =
    g_param_spec_boolean ("allow-plaintext", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
taube_smtp_client_init (TaubeSmtpClient *self)
{
}

/**
 * taube_smtp_client_new:
 * @connection: a #TaubeConnection that is not connected yet
 *
 * Returns: (transfer full): an SMTP client that will use @connection
 */
TaubeSmtpClient *
taube_smtp_client_new (TaubeConnection *connection)
{
  g_return_val_if_fail (TAUBE_IS_CONNECTION (connection), NULL);

  return g_object_new (TAUBE_TYPE_SMTP_CLIENT, "connection", connection, NULL);
}

/**
 * taube_smtp_client_get_connection:
 * @self: a #TaubeSmtpClient
 *
 * Returns: (transfer none): the connection
 */
TaubeConnection *
taube_smtp_client_get_connection (TaubeSmtpClient *self)
{
  g_return_val_if_fail (TAUBE_IS_SMTP_CLIENT (self), NULL);
  return self->connection;
}

gboolean
taube_smtp_client_get_allow_plaintext (TaubeSmtpClient *self)
{
  g_return_val_if_fail (TAUBE_IS_SMTP_CLIENT (self), FALSE);
  return self->allow_plaintext;
}

/**
 * taube_smtp_client_set_allow_plaintext:
 * @self: a #TaubeSmtpClient
 * @allow_plaintext: whether the account agreed to send its password unencrypted
 */
void
taube_smtp_client_set_allow_plaintext (TaubeSmtpClient *self,
                                       gboolean         allow_plaintext)
{
  g_return_if_fail (TAUBE_IS_SMTP_CLIENT (self));

  allow_plaintext = !!allow_plaintext;
  if (self->allow_plaintext == allow_plaintext)
    return;
  self->allow_plaintext = allow_plaintext;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOW_PLAINTEXT]);
}

/**
 * taube_smtp_client_get_extension:
 * @self: a connected #TaubeSmtpClient
 * @keyword: an EHLO keyword such as "SIZE" or "PIPELINING"
 *
 * Returns: (nullable): its parameters ("" if none), or %NULL if the server lacks it
 */
const char *
taube_smtp_client_get_extension (TaubeSmtpClient *self,
                                 const char      *keyword)
{
  g_autofree char *upper = NULL;

  g_return_val_if_fail (TAUBE_IS_SMTP_CLIENT (self), NULL);
  g_return_val_if_fail (keyword != NULL, NULL);

  if (self->extensions == NULL)
    return NULL;
  upper = g_ascii_strup (keyword, -1);
  return g_hash_table_lookup (self->extensions, upper);
}

/**
 * taube_smtp_client_get_max_size:
 * @self: a connected #TaubeSmtpClient
 *
 * Returns: the largest message the server takes (RFC 1870 SIZE), or 0 if it did not say
 */
guint64
taube_smtp_client_get_max_size (TaubeSmtpClient *self)
{
  const char *size = taube_smtp_client_get_extension (self, "SIZE");

  if (size == NULL || !g_ascii_isdigit (*size))
    return 0;
  return g_ascii_strtoull (size, NULL, 10);
}

/* -- Operations and errors ------------------------------------------------------------ */

GTask *
_taube_smtp_client_begin (TaubeSmtpClient     *self,
                          gpointer             source_tag,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  if (self->busy)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "Another SMTP command is still running");
      return NULL;
    }
  if (source_tag != taube_smtp_client_connect_async && self->state != STATE_READY)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("Not connected to the server %s. Connect again."),
                               taube_connection_get_host (self->connection));
      return NULL;
    }
  self->busy = TRUE;
  return g_steal_pointer (&task);
}

void
_taube_smtp_client_release (TaubeSmtpClient *self)
{
  self->busy = FALSE;
}

/* Ends @task with @error (taken); after a fatal one, or any that is not a server's reply,
 * the session is in an unknown state and closed. */
void
_taube_smtp_client_fail (GTask   *task,
                         GError  *error,
                         gboolean fatal)
{
  TaubeSmtpClient *self = g_task_get_source_object (task);

  self->busy = FALSE;
  /* A refused argument was never sent: the session is as it was. */
  if ((error->domain != TAUBE_SMTP_ERROR
       && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT))
      || g_error_matches (error, TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_PROTOCOL))
    fatal = TRUE;
  if (fatal)
    {
      self->state = STATE_DISCONNECTED;
      taube_connection_close_async (self->connection, NULL, NULL, NULL);
    }
  g_task_return_error (task, error);
}

GError *
_taube_smtp_client_protocol_error (TaubeSmtpClient *self,
                                   const GError    *detail)
{
  g_debug ("Protocol error: %s", detail->message);
  /* Translators: %s is a server name. */
  return g_error_new (TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_PROTOCOL,
                      _("The server %s sent a reply that is not valid SMTP. Check that the "
                        "server name and port belong to a server for sending mail."),
                      taube_connection_get_host (self->connection));
}

/* The error for a 4xx or 5xx reply (RFC 5321 §4.2.1, RFC 3463, RFC 4954 §6). */
GError *
_taube_smtp_client_reply_error (TaubeSmtpClient      *self,
                                const TaubeSmtpReply *reply)
{
  const char *host = taube_connection_get_host (self->connection);
  g_autofree char *text = taube_smtp_reply_get_text (reply);

  /* Translators: in all of these, %s is a server name and the quoted %s the server's reply,
   * such as “5.7.8 Authentication failed”. */
  if (reply->code == 535)
    return g_error_new (TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_BAD_CREDENTIALS,
                        _("The server %s did not accept the user name or password. Check "
                          "them and try again. The server said: “%s”"), host, text);
  if (reply->code == 530)
    return g_error_new (TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_AUTH_REQUIRED,
                        _("The server %s only sends mail after logging in. Enter the user "
                          "name and password for sending. The server said: “%s”"),
                        host, text);
  if (reply->code == 534 || reply->code == 538)
    return g_error_new (TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_PLAINTEXT_REFUSED,
                        _("The server %s does not accept this way of logging in without "
                          "encryption. Choose TLS or STARTTLS. The server said: “%s”"),
                        host, text);
  if (reply->code == 552 || g_strcmp0 (reply->enhanced, "5.3.4") == 0)
    return g_error_new (TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_MESSAGE_TOO_BIG,
                        _("The message is too big for the server %s. Remove attachments or "
                          "share them another way. The server said: “%s”"), host, text);
  if (taube_smtp_reply_get_class (reply) == 4)
    return g_error_new (TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_TRANSIENT,
                        _("The server %s cannot take the message right now. Try again later. "
                          "The server said: “%s”"), host, text);
  if (taube_smtp_reply_get_class (reply) == 5)
    return g_error_new (TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_PERMANENT,
                        _("The server %s refused the message. The server said: “%s”"),
                        host, text);
  return g_error_new (TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_PROTOCOL,
                      _("The server %s gave an unexpected reply: “%s”"), host, text);
}

/* -- The command exchange ------------------------------------------------------------- */

typedef struct
{
  GPtrArray *commands;  /* empty: read one reply without sending */
  char *secret;
  gboolean pipelined;
  guint sent;
  guint expected;
  GPtrArray *replies;
  TaubeSmtpReplyParser parser;
} Exchange;

static void
exchange_free (Exchange *exchange)
{
  g_clear_pointer (&exchange->commands, g_ptr_array_unref);
  if (exchange->secret != NULL)
    explicit_bzero (exchange->secret, strlen (exchange->secret));
  g_clear_pointer (&exchange->secret, g_free);
  g_clear_pointer (&exchange->replies, g_ptr_array_unref);
  taube_smtp_reply_parser_clear (&exchange->parser);
  g_free (exchange);
}

static void exchange_send (GTask *task);
static void exchange_read (GTask *task);

static void
taube_smtp_client_read_line_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeSmtpClient *self = g_task_get_source_object (task);
  Exchange *exchange = g_task_get_task_data (task);
  g_autofree char *line = NULL;
  g_autoptr(GError) error = NULL;
  TaubeSmtpReply *reply = NULL;
  gsize length;

  line = taube_connection_read_line_finish (TAUBE_CONNECTION (object), result, &length, &error);
  if (line == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
        g_task_return_new_error (task, TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_PROTOCOL, "%s",
                                 error->message);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!taube_smtp_reply_parser_feed (&exchange->parser, line, length, &reply, &error))
    {
      g_task_return_error (task, _taube_smtp_client_protocol_error (self, error));
      return;
    }
  if (reply == NULL)
    {
      exchange_read (task);
      return;
    }
  g_ptr_array_add (exchange->replies, reply);
  if (exchange->replies->len == exchange->expected)
    g_task_return_pointer (task, g_ptr_array_ref (exchange->replies),
                           (GDestroyNotify) g_ptr_array_unref);
  else if (exchange->replies->len == exchange->sent)
    exchange_send (task);
  else
    exchange_read (task);
}

static void
exchange_read (GTask *task)
{
  TaubeSmtpClient *self = g_task_get_source_object (task);

  taube_connection_read_line_async (self->connection, g_task_get_cancellable (task),
                                    taube_smtp_client_read_line_cb, g_object_ref (task));
}

static void
taube_smtp_client_write_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!taube_connection_write_finish (TAUBE_CONNECTION (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  exchange_read (task);
}

static void
exchange_send (GTask *task)
{
  TaubeSmtpClient *self = g_task_get_source_object (task);
  Exchange *exchange = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  guint count;
  const char *first;

  if (exchange->commands->len == 0)
    {
      exchange->sent = 1;
      exchange_read (task);
      return;
    }
  first = g_ptr_array_index (exchange->commands, exchange->sent);
  count = exchange->pipelined ? exchange->commands->len - exchange->sent : 1;
  if (count == 1)
    {
      exchange->sent++;
      /* An empty command with a secret is a bare SASL response (RFC 4954 §4). */
      taube_connection_write_line_async (self->connection, first[0] == '\0' ? NULL : first,
                                         exchange->secret, cancellable,
                                         taube_smtp_client_write_cb, g_object_ref (task));
      return;
    }
  /* RFC 2920 §3.1: the commands of a group go out together. */
  g_ptr_array_add (exchange->commands, NULL);
  taube_connection_write_lines_async (self->connection,
                                      (const char * const *) exchange->commands->pdata
                                        + exchange->sent,
                                      cancellable, taube_smtp_client_write_cb,
                                      g_object_ref (task));
  g_ptr_array_remove_index (exchange->commands, exchange->commands->len - 1);
  exchange->sent += count;
}

/*
 * Sends @commands (NULL: none, just read one reply) and reads one reply for each,
 * pipelined when the server offers PIPELINING. @secret follows the only command. Errors
 * are transport and protocol errors; replies of every code are returned.
 */
void
_taube_smtp_client_exchange_async (TaubeSmtpClient     *self,
                                   const char * const  *commands,
                                   const char          *secret,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Exchange *exchange = g_new0 (Exchange, 1);

  g_task_set_source_tag (task, _taube_smtp_client_exchange_async);
  g_task_set_task_data (task, exchange, (GDestroyNotify) exchange_free);
  exchange->commands = g_ptr_array_new_with_free_func (g_free);
  exchange->replies = g_ptr_array_new_with_free_func ((GDestroyNotify) taube_smtp_reply_free);
  exchange->secret = g_strdup (secret);
  taube_smtp_reply_parser_init (&exchange->parser);
  for (guint i = 0; commands != NULL && commands[i] != NULL; i++)
    g_ptr_array_add (exchange->commands, g_strdup (commands[i]));
  exchange->expected = MAX (exchange->commands->len, 1);
  g_assert (secret == NULL || exchange->commands->len == 1);
  exchange->pipelined = exchange->commands->len > 1
                        && taube_smtp_client_get_extension (self, "PIPELINING") != NULL;
  exchange_send (task);
}

GPtrArray *
_taube_smtp_client_exchange_finish (TaubeSmtpClient  *self,
                                    GAsyncResult     *result,
                                    GError          **error)
{
  g_assert (g_task_is_valid (result, self));
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
_taube_smtp_client_read_reply_async (TaubeSmtpClient     *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  _taube_smtp_client_exchange_async (self, NULL, NULL, cancellable, callback, user_data);
}

static void
command_async (TaubeSmtpClient     *self,
               const char          *command,
               const char          *secret,
               GTask               *task,
               GAsyncReadyCallback  callback)
{
  const char *commands[] = { command, NULL };

  _taube_smtp_client_exchange_async (self, command != NULL ? commands : NULL, secret,
                                     g_task_get_cancellable (task), callback,
                                     g_object_ref (task));
}

/* Takes the only reply; on failure ends @task and returns NULL. */
static TaubeSmtpReply *
command_finish (GTask        *task,
                GAsyncResult *result)
{
  TaubeSmtpClient *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) replies = NULL;
  GError *error = NULL;

  replies = _taube_smtp_client_exchange_finish (self, result, &error);
  if (replies == NULL)
    {
      _taube_smtp_client_fail (task, error, TRUE);
      return NULL;
    }
  return g_ptr_array_steal_index (replies, 0);
}

/* -- Connecting ----------------------------------------------------------------------- */

typedef enum
{
  CONNECT_GREETING,
  CONNECT_EHLO,
  CONNECT_HELO,
  CONNECT_STARTTLS,
  CONNECT_EHLO_AGAIN,
} ConnectStep;

static char *
helo_argument (TaubeSmtpClient *self)
{
  g_autoptr(GSocketAddress) local = taube_connection_get_local_address (self->connection);
  g_autofree char *address = NULL;
  GInetAddress *inet;

  /* RFC 5321 §4.1.4: an address literal; the machine's name would tell every recipient
   * more than needed. */
  if (!G_IS_INET_SOCKET_ADDRESS (local))
    return g_strdup ("[127.0.0.1]");
  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local));
  address = g_inet_address_to_string (inet);
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("[IPv6:%s]", address);
  return g_strdup_printf ("[%s]", address);
}

static void taube_smtp_client_connect_step_cb (GObject      *object,
                                               GAsyncResult *result,
                                               gpointer      user_data);

static void
connect_send (GTask       *task,
              ConnectStep  step,
              const char  *verb)
{
  TaubeSmtpClient *self = g_task_get_source_object (task);
  g_autofree char *argument = helo_argument (self);
  g_autofree char *command = g_strdup_printf ("%s %s", verb, argument);

  g_task_set_task_data (task, GINT_TO_POINTER (step), NULL);
  command_async (self, g_str_equal (verb, "STARTTLS") ? verb : command, NULL, task,
                 taube_smtp_client_connect_step_cb);
}

static void
taube_smtp_client_start_tls_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!taube_connection_start_tls_finish (TAUBE_CONNECTION (object), result, &error))
    {
      _taube_smtp_client_fail (task, error, TRUE);
      return;
    }
  /* RFC 3207 §4.2: forget everything learnt before TLS and say EHLO again. */
  connect_send (task, CONNECT_EHLO_AGAIN, "EHLO");
}

static void
connect_after_hello (GTask *task)
{
  TaubeSmtpClient *self = g_task_get_source_object (task);

  if (taube_connection_get_security (self->connection) == TAUBE_SECURITY_STARTTLS
      && !taube_connection_is_encrypted (self->connection))
    {
      if (taube_smtp_client_get_extension (self, "STARTTLS") == NULL)
        {
          _taube_smtp_client_fail (task, g_error_new (
            TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_STARTTLS_NOT_OFFERED,
            /* Translators: %s is a server name. */
            _("The server %s does not offer encryption with STARTTLS, so Taube did not log "
              "in. Choose TLS on the port for encrypted connections (usually 465), or ask "
              "the provider."), taube_connection_get_host (self->connection)), TRUE);
          return;
        }
      connect_send (task, CONNECT_STARTTLS, "STARTTLS");
      return;
    }
  self->state = STATE_READY;
  _taube_smtp_client_release (self);
  g_task_return_boolean (task, TRUE);
}

static void
taube_smtp_client_connect_step_cb (GObject      *object,
                                   GAsyncResult *result,
                                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeSmtpClient *self = g_task_get_source_object (task);
  ConnectStep step = GPOINTER_TO_INT (g_task_get_task_data (task));
  g_autoptr(TaubeSmtpReply) reply = command_finish (task, result);
  g_autofree char *text = NULL;

  if (reply == NULL)
    return;
  switch (step)
    {
    case CONNECT_GREETING:
      if (reply->code != 220)
        {
          /* RFC 5321 §3.1: 554 instead of 220 means "no service here". */
          _taube_smtp_client_fail (task, _taube_smtp_client_reply_error (self, reply), TRUE);
          return;
        }
      connect_send (task, CONNECT_EHLO, "EHLO");
      return;
    case CONNECT_EHLO:
    case CONNECT_EHLO_AGAIN:
      if (reply->code == 250)
        {
          g_clear_pointer (&self->extensions, g_hash_table_unref);
          self->extensions = taube_smtp_parse_extensions (reply);
          connect_after_hello (task);
        }
      else if (step == CONNECT_EHLO && taube_smtp_reply_get_class (reply) == 5)
        connect_send (task, CONNECT_HELO, "HELO");  /* RFC 5321 §4.1.4: an old server */
      else
        _taube_smtp_client_fail (task, _taube_smtp_client_reply_error (self, reply), TRUE);
      return;
    case CONNECT_HELO:
      if (reply->code != 250)
        {
          _taube_smtp_client_fail (task, _taube_smtp_client_reply_error (self, reply), TRUE);
          return;
        }
      g_clear_pointer (&self->extensions, g_hash_table_unref);
      self->extensions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      connect_after_hello (task);
      return;
    case CONNECT_STARTTLS:
    default:
      if (reply->code != 220)
        {
          text = taube_smtp_reply_get_text (reply);
          _taube_smtp_client_fail (task, g_error_new (
            TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_STARTTLS_FAILED,
            /* Translators: %s is a server name, then the server's reply in quotes. */
            _("The server %s refused to start encryption (“%s”), so Taube did not log in. "
              "Try again later, or choose TLS instead of STARTTLS."),
            taube_connection_get_host (self->connection), text), TRUE);
          return;
        }
      g_clear_pointer (&self->extensions, g_hash_table_unref);
      taube_connection_start_tls_async (self->connection, g_task_get_cancellable (task),
                                        taube_smtp_client_start_tls_cb, g_object_ref (task));
      return;
    }
}

static void
taube_smtp_client_connected_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeSmtpClient *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!taube_connection_connect_finish (TAUBE_CONNECTION (object), result, &error))
    {
      _taube_smtp_client_fail (task, error, TRUE);
      return;
    }
  g_task_set_task_data (task, GINT_TO_POINTER (CONNECT_GREETING), NULL);
  command_async (self, NULL, NULL, task, taube_smtp_client_connect_step_cb);
}

/**
 * taube_smtp_client_connect_async:
 * @self: a #TaubeSmtpClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the session is ready for login or sending
 * @user_data: data for @callback
 *
 * Connects, reads the greeting, says EHLO (HELO if the server does not know EHLO) and,
 * for %TAUBE_SECURITY_STARTTLS, switches to TLS and says EHLO again. Without STARTTLS in
 * the EHLO reply this fails with %TAUBE_SMTP_ERROR_STARTTLS_NOT_OFFERED.
 */
void
taube_smtp_client_connect_async (TaubeSmtpClient     *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TAUBE_IS_SMTP_CLIENT (self));

  task = _taube_smtp_client_begin (self, taube_smtp_client_connect_async, cancellable, callback,
                                   user_data);
  if (task == NULL)
    return;
  if (taube_connection_is_connected (self->connection))
    {
      _taube_smtp_client_release (self);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "Already connected");
      return;
    }
  g_clear_pointer (&self->extensions, g_hash_table_unref);
  taube_connection_connect_async (self->connection, cancellable,
                                  taube_smtp_client_connected_cb, g_steal_pointer (&task));
}

gboolean
taube_smtp_client_connect_finish (TaubeSmtpClient  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* -- Logging in ----------------------------------------------------------------------- */

typedef struct
{
  GQueue responses;  /* base64 strings to send, one per 334 challenge */
} Login;

static void
login_free (Login *login)
{
  char *response;

  while ((response = g_queue_pop_head (&login->responses)) != NULL)
    {
      explicit_bzero (response, strlen (response));
      g_free (response);
    }
  g_free (login);
}

static char *
encode_secret (const char *first,
               const char *second)
{
  /* RFC 4616 PLAIN: NUL user NUL password; LOGIN sends each alone (second == NULL). */
  GByteArray *raw = g_byte_array_new ();
  char *encoded;

  if (second != NULL)
    g_byte_array_append (raw, (const guint8 *) "", 1);
  g_byte_array_append (raw, (const guint8 *) first, (guint) strlen (first));
  if (second != NULL)
    {
      g_byte_array_append (raw, (const guint8 *) "", 1);
      g_byte_array_append (raw, (const guint8 *) second, (guint) strlen (second));
    }
  encoded = g_base64_encode (raw->data, raw->len);
  explicit_bzero (raw->data, raw->len);
  g_byte_array_unref (raw);
  return encoded;
}

static gboolean
offers_mechanism (TaubeSmtpClient *self,
                  const char      *mechanism)
{
  const char *auth = taube_smtp_client_get_extension (self, "AUTH");
  g_auto(GStrv) mechanisms = NULL;

  if (auth == NULL)
    return FALSE;
  mechanisms = g_strsplit (auth, " ", -1);
  for (guint i = 0; mechanisms[i] != NULL; i++)
    if (g_ascii_strcasecmp (mechanisms[i], mechanism) == 0)
      return TRUE;
  return FALSE;
}

static void
taube_smtp_client_auth_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeSmtpClient *self = g_task_get_source_object (task);
  Login *login = g_task_get_task_data (task);
  g_autoptr(TaubeSmtpReply) reply = command_finish (task, result);
  g_autofree char *response = NULL;

  if (reply == NULL)
    return;
  if (reply->code == 235)
    {
      _taube_smtp_client_release (self);
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (reply->code != 334)
    {
      _taube_smtp_client_fail (task, _taube_smtp_client_reply_error (self, reply), FALSE);
      return;
    }
  response = g_queue_pop_head (&login->responses);
  if (response == NULL)
    {
      g_autoptr(GError) detail = g_error_new_literal (TAUBE_SMTP_ERROR,
                                                      TAUBE_SMTP_ERROR_PROTOCOL,
                                                      "unexpected SASL challenge");

      _taube_smtp_client_fail (task, _taube_smtp_client_protocol_error (self, detail), TRUE);
      return;
    }
  command_async (self, "", response, task, taube_smtp_client_auth_cb);
  explicit_bzero (response, strlen (response));
}

/**
 * taube_smtp_client_login_async:
 * @self: a connected #TaubeSmtpClient
 * @user: the user name
 * @password: the password
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when logged in
 * @user_data: data for @callback
 *
 * Logs in with AUTH PLAIN, or AUTH LOGIN when the server offers only that (RFC 4954).
 * A wrong password fails with %TAUBE_SMTP_ERROR_BAD_CREDENTIALS.
 */
void
taube_smtp_client_login_async (TaubeSmtpClient     *self,
                               const char          *user,
                               const char          *password,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *initial = NULL;
  gboolean encrypted;
  Login *login;

  g_return_if_fail (TAUBE_IS_SMTP_CLIENT (self));
  g_return_if_fail (user != NULL);
  g_return_if_fail (password != NULL);

  task = _taube_smtp_client_begin (self, taube_smtp_client_login_async, cancellable, callback,
                                   user_data);
  if (task == NULL)
    return;
  login = g_new0 (Login, 1);
  g_queue_init (&login->responses);
  g_task_set_task_data (task, login, (GDestroyNotify) login_free);

  encrypted = taube_connection_is_encrypted (self->connection);
  if (!encrypted && !self->allow_plaintext)
    {
      _taube_smtp_client_fail (task, g_error_new (
        TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_PLAINTEXT_REFUSED,
        /* Translators: %s is a server name. */
        _("The connection to %s is not encrypted, so Taube did not send the password. "
          "Choose TLS or STARTTLS in the account settings."),
        taube_connection_get_host (self->connection)), TRUE);
      return;
    }
  if (offers_mechanism (self, "PLAIN"))
    {
      /* RFC 4954 §4: the initial response saves a round trip. */
      initial = encode_secret (user, password);
      command_async (self, "AUTH PLAIN", initial, task, taube_smtp_client_auth_cb);
      explicit_bzero (initial, strlen (initial));
      return;
    }
  if (offers_mechanism (self, "LOGIN"))
    {
      g_queue_push_tail (&login->responses, encode_secret (user, NULL));
      g_queue_push_tail (&login->responses, encode_secret (password, NULL));
      command_async (self, "AUTH LOGIN", NULL, task, taube_smtp_client_auth_cb);
      return;
    }
  if (!encrypted)
    _taube_smtp_client_fail (task, g_error_new (
      TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_PLAINTEXT_REFUSED,
      _("The server %s does not accept passwords over an unencrypted connection. Choose TLS "
        "or STARTTLS in the account settings."),
      taube_connection_get_host (self->connection)), TRUE);
  else
    _taube_smtp_client_fail (task, g_error_new (
      TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_NOT_SUPPORTED,
      _("The server %s offers no way of logging in with a password that Taube knows."),
      taube_connection_get_host (self->connection)), TRUE);
}

gboolean
taube_smtp_client_login_finish (TaubeSmtpClient  *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* -- RSET and QUIT -------------------------------------------------------------------- */

static void
taube_smtp_client_quit_closed_cb (GObject      *object,
                                  GAsyncResult *result,
                                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  taube_connection_close_finish (TAUBE_CONNECTION (object), result, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
taube_smtp_client_simple_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeSmtpClient *self = g_task_get_source_object (task);
  g_autoptr(TaubeSmtpReply) reply = command_finish (task, result);

  if (reply == NULL)
    return;
  if (g_task_get_source_tag (task) == taube_smtp_client_quit_async)
    {
      /* Whatever QUIT got back, the session is over (RFC 5321 §4.1.1.10). */
      self->state = STATE_DISCONNECTED;
      _taube_smtp_client_release (self);
      taube_connection_close_async (self->connection, NULL, taube_smtp_client_quit_closed_cb,
                                    g_object_ref (task));
      return;
    }
  if (taube_smtp_reply_get_class (reply) != 2)
    {
      _taube_smtp_client_fail (task, _taube_smtp_client_reply_error (self, reply), FALSE);
      return;
    }
  _taube_smtp_client_release (self);
  g_task_return_boolean (task, TRUE);
}

/**
 * taube_smtp_client_reset_async:
 * @self: a connected #TaubeSmtpClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: finish with taube_smtp_client_command_finish()
 * @user_data: data for @callback
 *
 * Abandons the current mail transaction (RFC 5321 §4.1.1.5 RSET).
 */
void
taube_smtp_client_reset_async (TaubeSmtpClient     *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TAUBE_IS_SMTP_CLIENT (self));

  task = _taube_smtp_client_begin (self, taube_smtp_client_reset_async, cancellable, callback,
                                   user_data);
  if (task != NULL)
    command_async (self, "RSET", NULL, task, taube_smtp_client_simple_cb);
}

/**
 * taube_smtp_client_quit_async:
 * @self: a #TaubeSmtpClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: finish with taube_smtp_client_command_finish()
 * @user_data: data for @callback
 *
 * Ends the session with QUIT and closes the connection.
 */
void
taube_smtp_client_quit_async (TaubeSmtpClient     *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TAUBE_IS_SMTP_CLIENT (self));

  task = _taube_smtp_client_begin (self, taube_smtp_client_quit_async, cancellable, callback,
                                   user_data);
  if (task != NULL)
    command_async (self, "QUIT", NULL, task, taube_smtp_client_simple_cb);
}

gboolean
taube_smtp_client_command_finish (TaubeSmtpClient  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
