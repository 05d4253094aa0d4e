/* taube-imap-client.c — an IMAP session (RFC 9051) with STARTTLS and SASL PLAIN
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This file holds the session object and the command exchange (tags, the reader loop,
 * untagged data). Connecting and logging in are in taube-imap-client-login.c, the typed
 * mailbox commands (SELECT, LIST, LOGOUT) in taube-imap-client-mailbox.c.
 *
 * Reading: the server's bytes are only read while a command is outstanding. Each fill
 * feeds the incremental parser; a tagged response completes the command with its tag,
 * untagged responses are collected for the command they belong to, or handed one by one
 * to its TaubeImapExchangeHandler (which also gets the FETCH body literals in chunks),
 * and emitted with the "untagged" signal and, unless a command claimed them, the typed
 * signals of taube-imap-client-signals.c. Commands finish only after the whole chunk was
 * parsed (and, with a handler that drains, written out), so nothing re-enters the parser.
 * Between commands nothing is read: unsolicited EXISTS or EXPUNGE arrive with the next
 * command (IDLE would change that).
 *
 * Operations: one that needs the session alone (SELECT, LOGIN, APPEND, IDLE, anything
 * with several steps) holds it from begin to release, and any operation asked for
 * meanwhile fails with G_IO_ERROR_PENDING. Operations that send one pipelinable command
 * (UID FETCH, UID STORE, STATUS, NOOP; _taube_imap_client_begin_pipelined()) may run
 * side by side, their commands written before the earlier ones are answered (see "The
 * exchange" for the rules); one that needs the session alone may begin while they run,
 * and its commands wait until the pipe is empty. After a transport or protocol error, or
 * a BYE, the session is closed, every command in the pipe fails with the same error, and
 * the session must be connected again; a tagged NO or BAD leaves it usable.
 */
#define G_LOG_DOMAIN "taube-imap"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "taube-imap-client-op-private.h"
#include "taube-imap-client-private.h"
#include "taube-imap-error.h"
#include "taube-imap-parser.h"

/* How much of one response the protocol log shows. */
#define MAX_LOGGED_RESPONSE 1000

struct _TaubeImapClient
{
  GObject parent_instance;

  TaubeConnection *connection;
  TaubeImapParser *parser;
  gboolean allow_plaintext;
  GHashTable *capabilities;  /* upper-case names; NULL until the server listed them */
  TaubeImapClientState state;
  gboolean busy;             /* an operation that needs the session alone runs */
  guint shared;              /* operations that may be pipelined run */
  guint pipeline_depth;
  guint next_tag;

  /* The exchange (see "The exchange" below): commands not written yet, written and
   * waiting for their tagged response, and answered during the chunk being parsed; the
   * command taking the body literals of the response being parsed; a fatal error found
   * there. */
  GQueue waiting;
  GQueue in_flight;
  GQueue finished;
  GTask *literal_owner;
  GTask *writing;            /* the command whose line is being written, not owned */
  GCancellable *read_cancellable;  /* cancelled with any command in flight */
  GError *reader_error;
  guint responses_after_finish;
  gboolean reading;
  gboolean parsing;
};

G_DEFINE_FINAL_TYPE (TaubeImapClient, taube_imap_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_ALLOW_PLAINTEXT,
  PROP_PIPELINE_DEPTH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_UNTAGGED,
  N_SIGNALS
};

static void taube_imap_client_literal_begin_cb (TaubeImapParser      *parser,
                                                guint64               sequence,
                                                const TaubeImapValue *item,
                                                guint64               size,
                                                gpointer              user_data);
static void taube_imap_client_literal_chunk_cb (TaubeImapParser      *parser,
                                                const guint8         *data,
                                                gsize                 len,
                                                gpointer              user_data);
static void taube_imap_client_literal_end_cb   (TaubeImapParser      *parser,
                                                gpointer              user_data);

static guint signals[N_SIGNALS];

static void taube_imap_client_parser_response_cb (TaubeImapParser   *parser,
                                                  TaubeImapResponse *response,
                                                  gpointer           user_data);

static void
taube_imap_client_dispose (GObject *object)
{
  TaubeImapClient *self = TAUBE_IMAP_CLIENT (object);

  /* Every running exchange holds a reference, so none is left here. */
  g_assert (self->in_flight.length == 0 && self->finished.length == 0
            && self->waiting.length == 0);
  G_OBJECT_CLASS (taube_imap_client_parent_class)->dispose (object);
}

static void
taube_imap_client_finalize (GObject *object)
{
  TaubeImapClient *self = TAUBE_IMAP_CLIENT (object);

  g_clear_object (&self->connection);
  g_clear_pointer (&self->parser, taube_imap_parser_free);
  g_clear_pointer (&self->capabilities, g_hash_table_unref);
  g_clear_error (&self->reader_error);
  g_clear_object (&self->read_cancellable);

  G_OBJECT_CLASS (taube_imap_client_parent_class)->finalize (object);
}

static void
taube_imap_client_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TaubeImapClient *self = TAUBE_IMAP_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    case PROP_ALLOW_PLAINTEXT:
      g_value_set_boolean (value, self->allow_plaintext);
      break;
    case PROP_PIPELINE_DEPTH:
      g_value_set_uint (value, self->pipeline_depth);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
taube_imap_client_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  TaubeImapClient *self = TAUBE_IMAP_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    case PROP_ALLOW_PLAINTEXT:
      taube_imap_client_set_allow_plaintext (self, g_value_get_boolean (value));
      break;
    case PROP_PIPELINE_DEPTH:
      taube_imap_client_set_pipeline_depth (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
taube_imap_client_class_init (TaubeImapClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = taube_imap_client_dispose;
  object_class->finalize = taube_imap_client_finalize;
  object_class->get_property = taube_imap_client_get_property;
  object_class->set_property = taube_imap_client_set_property;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, TAUBE_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ALLOW_PLAINTEXT] =
    g_param_spec_boolean ("allow-plaintext", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * TaubeImapClient:pipeline-depth:
   *
   * How many commands that allow it (UID FETCH, UID STORE, STATUS, NOOP) may be written
   * before the earlier ones are answered (RFC 9051 §5.5); 1 turns pipelining off.
   */
  properties[PROP_PIPELINE_DEPTH] =
    g_param_spec_uint ("pipeline-depth", NULL, NULL, 1, TAUBE_IMAP_CLIENT_MAX_PIPELINE_DEPTH,
                       TAUBE_IMAP_CLIENT_DEFAULT_PIPELINE_DEPTH,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TaubeImapClient::untagged:
   * @self: the client
   * @response: (type gpointer): the #TaubeImapResponse, borrowed; take a reference to keep it
   *
   * Emitted for every untagged response (EXISTS, EXPUNGE, FETCH, BYE …) as it is parsed,
   * also those that belong to the running command.
   */
  signals[SIGNAL_UNTAGGED] =
    g_signal_new ("untagged", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  _taube_imap_client_install_signals (object_class);
  _taube_imap_client_install_idle_properties (object_class);
}

static void
taube_imap_client_init (TaubeImapClient *self)
{
  static const TaubeImapParserCallbacks callbacks = {
    .response = taube_imap_client_parser_response_cb,
    .literal_begin = taube_imap_client_literal_begin_cb,
    .literal_chunk = taube_imap_client_literal_chunk_cb,
    .literal_end = taube_imap_client_literal_end_cb,
  };

  self->parser = taube_imap_parser_new (&callbacks, self);
  self->next_tag = 1;
  self->pipeline_depth = TAUBE_IMAP_CLIENT_DEFAULT_PIPELINE_DEPTH;
  self->read_cancellable = g_cancellable_new ();
}

/**
 * taube_imap_client_new:
 * @connection: a #TaubeConnection that is not connected yet
 *
 * Returns: (transfer full): an IMAP client that will use @connection
 */
TaubeImapClient *
taube_imap_client_new (TaubeConnection *connection)
{
  g_return_val_if_fail (TAUBE_IS_CONNECTION (connection), NULL);

  return g_object_new (TAUBE_TYPE_IMAP_CLIENT, "connection", connection, NULL);
}

/**
 * taube_imap_client_get_connection:
 * @self: a #TaubeImapClient
 *
 * Returns: (transfer none): the connection
 */
TaubeConnection *
taube_imap_client_get_connection (TaubeImapClient *self)
{
  g_return_val_if_fail (TAUBE_IS_IMAP_CLIENT (self), NULL);
  return self->connection;
}

gboolean
taube_imap_client_get_allow_plaintext (TaubeImapClient *self)
{
  g_return_val_if_fail (TAUBE_IS_IMAP_CLIENT (self), FALSE);
  return self->allow_plaintext;
}

/**
 * taube_imap_client_set_allow_plaintext:
 * @self: a #TaubeImapClient
 * @allow_plaintext: whether the account agreed to send its password unencrypted
 *
 * Only matters for %TAUBE_SECURITY_NONE; without it, logging in fails with
 * %TAUBE_IMAP_ERROR_LOGINDISABLED before anything is sent.
 */
void
taube_imap_client_set_allow_plaintext (TaubeImapClient *self,
                                       gboolean         allow_plaintext)
{
  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));

  allow_plaintext = !!allow_plaintext;
  if (self->allow_plaintext == allow_plaintext)
    return;
  self->allow_plaintext = allow_plaintext;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOW_PLAINTEXT]);
}

guint
taube_imap_client_get_pipeline_depth (TaubeImapClient *self)
{
  g_return_val_if_fail (TAUBE_IS_IMAP_CLIENT (self), 1);
  return self->pipeline_depth;
}

/**
 * taube_imap_client_set_pipeline_depth:
 * @self: a #TaubeImapClient
 * @depth: how many pipelined commands may be in flight, 1 to
 *   %TAUBE_IMAP_CLIENT_MAX_PIPELINE_DEPTH
 *
 * Commands beyond the depth wait in the client's queue; a lower depth applies to the
 * commands written from then on.
 */
void
taube_imap_client_set_pipeline_depth (TaubeImapClient *self,
                                      guint            depth)
{
  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));
  g_return_if_fail (depth >= 1 && depth <= TAUBE_IMAP_CLIENT_MAX_PIPELINE_DEPTH);

  if (self->pipeline_depth == depth)
    return;
  self->pipeline_depth = depth;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PIPELINE_DEPTH]);
}

/**
 * taube_imap_client_has_capability:
 * @self: a connected #TaubeImapClient
 * @name: a capability such as "IDLE", "AUTH=PLAIN" or "LOGINDISABLED", in any case
 *
 * Returns: whether the server's current capability list names @name
 */
gboolean
taube_imap_client_has_capability (TaubeImapClient *self,
                                  const char      *name)
{
  g_autofree char *upper = NULL;

  g_return_val_if_fail (TAUBE_IS_IMAP_CLIENT (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (self->capabilities == NULL)
    return FALSE;
  upper = g_ascii_strup (name, -1);
  return g_hash_table_contains (self->capabilities, upper);
}

gboolean
taube_imap_client_is_logged_in (TaubeImapClient *self)
{
  g_return_val_if_fail (TAUBE_IS_IMAP_CLIENT (self), FALSE);
  return self->state == TAUBE_IMAP_CLIENT_AUTHENTICATED;
}

/* -- Operations ----------------------------------------------------------------------- */

/*
 * Starts an operation: a task, or %NULL after failing it already when the session is
 * busy or in the wrong state.
 */
GTask *
_taube_imap_client_begin (TaubeImapClient     *self,
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
                               "Another IMAP command is still running");
      return NULL;
    }
  if (logged_in && self->state != TAUBE_IMAP_CLIENT_AUTHENTICATED)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("Not logged in to the server %s. Connect again."),
                               taube_connection_get_host (self->connection));
      return NULL;
    }
  self->busy = TRUE;
  return g_steal_pointer (&task);
}

static GQuark
pipelined_quark (void)
{
  return g_quark_from_static_string ("taube-imap-pipelined");
}

/*
 * Like _taube_imap_client_begin() for a logged-in operation that sends a single
 * pipelinable command (see _taube_imap_client_is_pipelinable()): it may run beside other
 * such operations, but not while one that needs the session alone holds it. End it with
 * _taube_imap_client_release_task() or the functions that call it.
 */
GTask *
_taube_imap_client_begin_pipelined (TaubeImapClient     *self,
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
                               "Another IMAP command is still running");
      return NULL;
    }
  if (self->state != TAUBE_IMAP_CLIENT_AUTHENTICATED)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("Not logged in to the server %s. Connect again."),
                               taube_connection_get_host (self->connection));
      return NULL;
    }
  self->shared++;
  g_object_set_qdata (G_OBJECT (task), pipelined_quark (), GUINT_TO_POINTER (TRUE));
  return g_steal_pointer (&task);
}

void
_taube_imap_client_release (TaubeImapClient *self)
{
  self->busy = FALSE;
}

/* Ends the hold on the session of the operation @task, pipelined or not. */
void
_taube_imap_client_release_task (GTask *task)
{
  TaubeImapClient *self = g_task_get_source_object (task);

  if (g_object_steal_qdata (G_OBJECT (task), pipelined_quark ()) != NULL)
    {
      g_assert (self->shared > 0);
      self->shared--;
    }
  else
    self->busy = FALSE;
}

TaubeImapClientState
_taube_imap_client_get_state (TaubeImapClient *self)
{
  return self->state;
}

void
_taube_imap_client_set_state (TaubeImapClient      *self,
                              TaubeImapClientState  state)
{
  self->state = state;
}

/* Whether the server listed its capabilities since they were last forgotten. */
gboolean
_taube_imap_client_knows_capabilities (TaubeImapClient *self)
{
  return self->capabilities != NULL;
}

/*
 * Whether the server sent more after the response that just completed a command, in the
 * same read: after STARTTLS or COMPRESS such bytes belong to the next layer, and the
 * parser has taken them already.
 */
gboolean
_taube_imap_client_has_pending_input (TaubeImapClient *self)
{
  return self->responses_after_finish > 0 || !taube_imap_parser_is_idle (self->parser);
}

/* RFC 9051 §6.2.1, §6.2.2: capabilities change with TLS and authentication. */
void
_taube_imap_client_forget_capabilities (TaubeImapClient *self)
{
  g_clear_pointer (&self->capabilities, g_hash_table_unref);
}

/* Forgets the session's state; the connection is left as it is. */
void
_taube_imap_client_forget (TaubeImapClient *self)
{
  self->state = TAUBE_IMAP_CLIENT_DISCONNECTED;
  taube_imap_parser_reset (self->parser);
  g_clear_pointer (&self->capabilities, g_hash_table_unref);
  _taube_imap_client_session_reset (self);
}

static void fail_all (TaubeImapClient *self,
                      GError          *error);

static void
close_session (TaubeImapClient *self)
{
  _taube_imap_client_forget (self);
  if (taube_connection_is_connected (self->connection))
    taube_connection_close_async (self->connection, NULL, NULL, NULL);
}

/* Ends @task with @error (taken). Anything but a tagged NO or BAD, or an argument that
 * was refused before it was sent, leaves the session in an unknown state: it is closed. */
void
_taube_imap_client_fail (GTask  *task,
                         GError *error)
{
  TaubeImapClient *self = g_task_get_source_object (task);
  gboolean kept = g_error_matches (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_SERVER_NO)
                  || g_error_matches (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_SERVER_BAD)
                  || g_error_matches (error, TAUBE_IMAP_ERROR,
                                      TAUBE_IMAP_ERROR_BAD_CREDENTIALS)
                  || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);

  _taube_imap_client_release_task (task);
  /* The commands still in the pipe share the session's fate. */
  if (!kept && (self->in_flight.length > 0 || self->waiting.length > 0
                || self->finished.length > 0))
    fail_all (self, g_error_copy (error));
  else if (!kept)
    close_session (self);
  g_task_return_error (task, error);
}

GError *
_taube_imap_client_protocol_error (TaubeImapClient *self,
                                   const char      *detail)
{
  g_debug ("Protocol error: %s", detail);
  /* Translators: %s is a server name. */
  return g_error_new (TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL,
                      _("The server %s sent a reply that is not valid IMAP. Check that the "
                        "server name and port belong to an IMAP server."),
                      taube_connection_get_host (self->connection));
}

GError *
_taube_imap_client_bye_error (TaubeImapClient   *self,
                              TaubeImapResponse *response)
{
  /* Translators: %s is a server name, then the server's own words in quotes. */
  return g_error_new (TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_BYE,
                      _("The server %s closed the connection (“%s”). Connect again."),
                      taube_connection_get_host (self->connection),
                      taube_imap_response_get_text (response));
}

/* The error for a tagged NO or BAD (RFC 9051 §7.1.2, §7.1.3). */
GError *
_taube_imap_client_status_error (TaubeImapClient   *self,
                                 TaubeImapResponse *response)
{
  const char *host = taube_connection_get_host (self->connection);
  const char *text = taube_imap_response_get_text (response);

  if (taube_imap_response_get_status (response) == TAUBE_IMAP_STATUS_BAD)
    /* Translators: %s is a server name, then the server's own words in quotes. */
    return g_error_new (TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_SERVER_BAD,
                        _("The server %s did not understand a request from Taube (“%s”). "
                          "Please report this as a bug in Taube."), host, text);
  /* Translators: %s is a server name, then the server's own words in quotes. */
  return g_error_new (TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_SERVER_NO,
                      _("The server %s refused the request (“%s”)."), host, text);
}

/*
 * An IMAP string for @text (RFC 9051 §4.3): quoted with \ and " escaped, or %NULL when it
 * needs a literal (8-bit bytes, CR, LF).
 */
char *
_taube_imap_client_quote (const char *text)
{
  GString *quoted = g_string_new ("\"");

  for (const char *p = text; *p != '\0'; p++)
    {
      if ((guchar) *p >= 0x80 || *p == '\r' || *p == '\n')
        {
          g_string_free (quoted, TRUE);
          return NULL;
        }
      if (*p == '\\' || *p == '"')
        g_string_append_c (quoted, '\\');
      g_string_append_c (quoted, *p);
    }
  g_string_append_c (quoted, '"');
  return g_string_free (quoted, FALSE);
}

/* -- The exchange --------------------------------------------------------------------- */

/*
 * Pipelining (RFC 9051 §5.5). Every exchange is a Command in one of three queues:
 * waiting (not written yet), in flight (written, no tagged response yet) and finished
 * (tagged response parsed in the chunk being handled; returned once the chunk is done).
 *
 * A command is written when the pipe allows it:
 * - an empty pipe takes any command;
 * - otherwise only a "pipelined" command (UID FETCH, UID STORE, STATUS, NOOP with no
 *   continuation and no secret), only behind other pipelined ones, and only while fewer
 *   than "pipeline-depth" are in flight;
 * - at most one command whose answer may carry body literals (BODY[…], BINARY[…],
 *   RFC822…) is in flight, so literals have one owner.
 * Everything else (SELECT, EXAMINE, CLOSE, UNSELECT, LOGIN, AUTHENTICATE, STARTTLS,
 * COMPRESS, IDLE, APPEND, any command with continuations, the greeting) is a barrier: it
 * waits for the pipe to empty, and the queue behind it waits until it is answered.
 *
 * Untagged responses go, in this order: the greeting to the greeting exchange; a FETCH
 * whose body literals were streamed to the command that took them; otherwise to the
 * oldest in-flight command whose handler claims it (a FETCH claims only the UIDs it
 * asked for); what no handler claims is added to every in-flight command that collects
 * untagged data and is signalled as unsolicited. Tagged responses are matched by tag, in
 * any order. Any transport or protocol error, or a BYE, fails every command in all three
 * queues with the same error and closes the session.
 */

typedef struct
{
  char *tag;                /* NULL: wait for the greeting */
  char *line;
  char *secret;
  GPtrArray *continuations; /* line, secret, line, secret … sent one pair per "+" */
  guint next_continuation;
  GPtrArray *untagged;       /* NULL with a handler */
  const TaubeImapExchangeHandler *handler;
  gpointer handler_data;
  TaubeImapResponse *done;
  gboolean starttls;
  gboolean logout;
  gboolean pipelined;       /* may be in flight together with other pipelined commands */
  gboolean streams;         /* takes body literals */
  gulong cancel_id;         /* while in flight: its cancellable cuts the shared read */
} Command;

/* Frees a string that held a secret, zeroing it first. */
void
_taube_imap_client_wipe_free (gpointer data)
{
  char *text = data;

  if (text != NULL)
    explicit_bzero (text, strlen (text));
  g_free (text);
}

static void
command_free (Command *command)
{
  g_free (command->tag);
  g_free (command->line);
  _taube_imap_client_wipe_free (command->secret);
  g_clear_pointer (&command->continuations, g_ptr_array_unref);
  g_clear_pointer (&command->untagged, g_ptr_array_unref);
  g_clear_pointer (&command->done, taube_imap_response_unref);
  g_free (command);
}

static void reader_start (TaubeImapClient *self);
static void dispatch (TaubeImapClient *self);
static void drain_or_go_on (TaubeImapClient *self);
static void exchange_start (TaubeImapClient     *self,
                            Command             *command,
                            const char          *command_line,
                            const char          *secret,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data);

static void
cancel_read_cb (GCancellable *cancellable,
                gpointer      read_cancellable)
{
  g_cancellable_cancel (read_cancellable);
}

/* Every command in flight waits on the same read: cancelling any of them cuts it, which
 * fails them all and closes the session, whose state is unknown then. */
static void
command_watch (TaubeImapClient *self,
               GTask           *task)
{
  Command *command = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (cancellable != NULL)
    command->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_read_cb),
                                                g_object_ref (self->read_cancellable),
                                                g_object_unref);
}

static void
command_unwatch (GTask *task)
{
  Command *command = g_task_get_task_data (task);

  if (command->cancel_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), command->cancel_id);
  command->cancel_id = 0;
}

/* A read cancelled for a command that is gone must not cut the next one's. */
static void
renew_read_cancellable (TaubeImapClient *self)
{
  if (!g_cancellable_is_cancelled (self->read_cancellable))
    return;
  for (GList *l = self->in_flight.head; l != NULL; l = l->next)
    if (g_cancellable_is_cancelled (g_task_get_cancellable (l->data)))
      return;
  g_object_unref (self->read_cancellable);
  self->read_cancellable = g_cancellable_new ();
  for (GList *l = self->in_flight.head; l != NULL; l = l->next)
    {
      command_unwatch (l->data);
      command_watch (self, l->data);
    }
}

static gboolean
exchange_known (TaubeImapClient *self,
                GTask           *task)
{
  return g_queue_find (&self->in_flight, task) != NULL
         || g_queue_find (&self->finished, task) != NULL
         || g_queue_find (&self->waiting, task) != NULL;
}

/* Fails every exchange with @error (taken) and closes the session. */
static void
fail_all (TaubeImapClient *self,
          GError          *error)
{
  GQueue tasks = G_QUEUE_INIT;
  GTask *task;

  /* Finished first: they were sent first. Take them all before any callback runs, as
   * one may start the next command. */
  while ((task = g_queue_pop_head (&self->finished)) != NULL)
    g_queue_push_tail (&tasks, task);
  while ((task = g_queue_pop_head (&self->in_flight)) != NULL)
    {
      command_unwatch (task);
      g_queue_push_tail (&tasks, task);
    }
  while ((task = g_queue_pop_head (&self->waiting)) != NULL)
    g_queue_push_tail (&tasks, task);
  self->literal_owner = NULL;
  self->writing = NULL;
  close_session (self);
  while ((task = g_queue_pop_head (&tasks)) != NULL)
    {
      g_task_return_error (task, g_error_copy (error));
      g_object_unref (task);
    }
  g_error_free (error);
}

/* Fails the exchange @task if it has not finished yet, with every other one, and closes
 * the session. */
static void
exchange_fail (TaubeImapClient *self,
               GTask           *task,
               GError          *error)
{
  if (!exchange_known (self, task))
    {
      g_error_free (error);
      return;
    }
  fail_all (self, error);
}

static void
update_capabilities (TaubeImapClient      *self,
                     const TaubeImapValue *list,
                     guint                 first)
{
  g_clear_pointer (&self->capabilities, g_hash_table_unref);
  self->capabilities = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = first; i < taube_imap_value_get_length (list); i++)
    {
      const char *atom = taube_imap_value_get_atom (taube_imap_value_get_item (list, i));

      if (atom != NULL)
        g_hash_table_add (self->capabilities, g_ascii_strup (atom, -1));
    }
}

static void
log_response (TaubeImapClient   *self,
              TaubeImapResponse *response)
{
  const char *domain = taube_connection_get_log_domain (self->connection);
  g_autofree char *text = NULL;
  gsize len;

  /* A FETCH of 100,000 messages would otherwise write each out for nobody. A program
   * with its own log writer that wants the conversation sets G_MESSAGES_DEBUG too. */
  if (g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, domain))
    return;
  text = taube_imap_response_to_string (response);
  len = strlen (text);
  /* Control bytes are escaped by the parser's writer already. */
  g_log (domain, G_LOG_LEVEL_DEBUG, "S: %.*s%s",
         (int) MIN (len, MAX_LOGGED_RESPONSE), text,
         len > MAX_LOGGED_RESPONSE ? " …" : "");
}

static void
taube_imap_client_continuation_cb (GObject      *object,
                                   GAsyncResult *result,
                                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeImapClient *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!taube_connection_write_finish (TAUBE_CONNECTION (object), result, &error))
    exchange_fail (self, task, error);
}

static void
send_continuation (TaubeImapClient   *self,
                   GTask             *task,
                   TaubeImapResponse *response)
{
  Command *command = g_task_get_task_data (task);
  const char *line;
  const char *secret;

  if (command->handler != NULL && command->handler->continuation != NULL)
    {
      command->handler->continuation (self, response, command->handler_data);
      return;
    }
  if (command->continuations == NULL
      || command->next_continuation >= command->continuations->len)
    {
      g_set_error_literal (&self->reader_error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL,
                           "unexpected continuation request");
      return;
    }
  line = g_ptr_array_index (command->continuations, command->next_continuation);
  secret = g_ptr_array_index (command->continuations, command->next_continuation + 1);
  command->next_continuation += 2;
  taube_connection_write_line_async (self->connection, line, secret,
                                     g_task_get_cancellable (task),
                                     taube_imap_client_continuation_cb, g_object_ref (task));
}

/* Moves @task from the pipe to the finished queue with its tagged @response. */
static void
finish_command (TaubeImapClient   *self,
                GTask             *task,
                TaubeImapResponse *response)
{
  Command *command = g_task_get_task_data (task);

  command->done = taube_imap_response_ref (response);
  command_unwatch (task);
  g_queue_remove (&self->in_flight, task);
  g_queue_push_tail (&self->finished, task);
}

static GTask *
find_by_tag (TaubeImapClient *self,
             const char      *tag)
{
  for (GList *l = self->in_flight.head; l != NULL; l = l->next)
    {
      Command *command = g_task_get_task_data (l->data);

      if (command->tag != NULL && g_strcmp0 (command->tag, tag) == 0)
        return l->data;
    }
  return NULL;
}

static gboolean
offer_to_handler (TaubeImapClient   *self,
                  GTask             *task,
                  TaubeImapResponse *response)
{
  Command *command = g_task_get_task_data (task);

  return command->handler != NULL && command->handler->untagged != NULL
         && command->handler->untagged (self, response, command->handler_data);
}

/* Hands @response to the in-flight command it belongs to (see the rule above); returns
 * whether one claimed it. */
static gboolean
route_untagged (TaubeImapClient   *self,
                TaubeImapResponse *response)
{
  GTask *owner = g_steal_pointer (&self->literal_owner);
  gboolean claimed = FALSE;

  if (owner != NULL && g_queue_find (&self->in_flight, owner) != NULL)
    claimed = offer_to_handler (self, owner, response);
  for (GList *l = self->in_flight.head; l != NULL && !claimed; l = l->next)
    if (l->data != owner)
      claimed = offer_to_handler (self, l->data, response);
  if (claimed)
    return TRUE;
  for (GList *l = self->in_flight.head; l != NULL; l = l->next)
    {
      Command *command = g_task_get_task_data (l->data);

      if (command->untagged != NULL)
        g_ptr_array_add (command->untagged, taube_imap_response_ref (response));
    }
  return FALSE;
}

static gboolean
logout_in_flight (TaubeImapClient *self)
{
  for (GList *l = self->in_flight.head; l != NULL; l = l->next)
    if (((Command *) g_task_get_task_data (l->data))->logout)
      return TRUE;
  return FALSE;
}

static void
handle_untagged (TaubeImapClient   *self,
                 TaubeImapResponse *response)
{
  GTask *head = g_queue_peek_head (&self->in_flight);
  Command *command = head != NULL ? g_task_get_task_data (head) : NULL;
  TaubeImapStatus status = taube_imap_response_get_status (response);
  gboolean claimed;

  if (taube_imap_response_is_keyword (response, "CAPABILITY"))
    update_capabilities (self, taube_imap_response_get_data (response), 0);
  if (command != NULL && command->tag == NULL)
    {
      /* The greeting is the first response (RFC 9051 §7.1). */
      if (status == TAUBE_IMAP_STATUS_NONE)
        g_set_error_literal (&self->reader_error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL,
                             "greeting is not a status response");
      else
        finish_command (self, head, response);
      return;
    }
  claimed = route_untagged (self, response);
  _taube_imap_client_signal_response (self, response, claimed);
  /* RFC 9051 §7.1.5: BYE is part of LOGOUT; anywhere else the server is leaving. */
  if (status == TAUBE_IMAP_STATUS_BYE && !logout_in_flight (self) && self->reader_error == NULL)
    self->reader_error = _taube_imap_client_bye_error (self, response);
}

static void
handle_continuation (TaubeImapClient   *self,
                     TaubeImapResponse *response)
{
  GTask *head = g_queue_peek_head (&self->in_flight);
  Command *command = head != NULL ? g_task_get_task_data (head) : NULL;

  /* Only a barrier, alone in the pipe, waits for "+". */
  if (command != NULL && command->tag != NULL && !command->pipelined)
    send_continuation (self, head, response);
  else if (self->reader_error == NULL)
    self->reader_error = _taube_imap_client_protocol_error (self, "unexpected continuation");
}

static void
taube_imap_client_parser_response_cb (TaubeImapParser   *parser,
                                      TaubeImapResponse *response,
                                      gpointer           user_data)
{
  TaubeImapClient *self = user_data;
  GTask *task;

  log_response (self, response);
  if (self->finished.length > 0)
    self->responses_after_finish++;
  if (g_strcmp0 (taube_imap_response_get_code_name (response), "CAPABILITY") == 0)
    update_capabilities (self, taube_imap_response_get_code (response), 1);

  switch (taube_imap_response_get_kind (response))
    {
    case TAUBE_IMAP_RESPONSE_UNTAGGED:
      handle_untagged (self, response);
      g_signal_emit (self, signals[SIGNAL_UNTAGGED], 0, response);
      break;
    case TAUBE_IMAP_RESPONSE_TAGGED:
      /* RFC 9051 §7.1: an ALERT may come in a tagged response too. */
      if (g_strcmp0 (taube_imap_response_get_code_name (response), "ALERT") == 0)
        _taube_imap_client_signal_response (self, response, TRUE);
      task = find_by_tag (self, taube_imap_response_get_tag (response));
      if (task != NULL)
        finish_command (self, task, response);
      else if (self->reader_error == NULL)
        self->reader_error = _taube_imap_client_protocol_error (self, "unexpected tag");
      break;
    case TAUBE_IMAP_RESPONSE_CONTINUATION:
    default:
      handle_continuation (self, response);
      break;
    }
}

/* The command that takes body literals: the streaming one in the pipe, or the only
 * command with a handler when it is alone. */
static Command *
literal_command (TaubeImapClient *self)
{
  GTask *head = g_queue_peek_head (&self->in_flight);

  for (GList *l = self->in_flight.head; l != NULL; l = l->next)
    {
      Command *command = g_task_get_task_data (l->data);

      if (command->streams)
        {
          self->literal_owner = l->data;
          return command->handler != NULL ? command : NULL;
        }
    }
  if (head != NULL && self->in_flight.length == 1)
    {
      Command *command = g_task_get_task_data (head);

      if (command->handler != NULL)
        {
          self->literal_owner = head;
          return command;
        }
    }
  return NULL;
}

static void
taube_imap_client_literal_begin_cb (TaubeImapParser      *parser,
                                    guint64               sequence,
                                    const TaubeImapValue *item,
                                    guint64               size,
                                    gpointer              user_data)
{
  TaubeImapClient *self = user_data;
  Command *command = literal_command (self);

  if (command != NULL && command->handler->literal_begin != NULL)
    command->handler->literal_begin (self, sequence, item, size, command->handler_data);
}

static Command *
literal_owner_command (TaubeImapClient *self)
{
  Command *command;

  if (self->literal_owner == NULL || g_queue_find (&self->in_flight, self->literal_owner) == NULL)
    return NULL;
  command = g_task_get_task_data (self->literal_owner);
  return command->handler != NULL ? command : NULL;
}

static void
taube_imap_client_literal_chunk_cb (TaubeImapParser *parser,
                                    const guint8    *data,
                                    gsize            len,
                                    gpointer         user_data)
{
  TaubeImapClient *self = user_data;
  Command *command = literal_owner_command (self);

  if (command != NULL && command->handler->literal_chunk != NULL)
    command->handler->literal_chunk (self, data, len, command->handler_data);
}

static void
taube_imap_client_literal_end_cb (TaubeImapParser *parser,
                                  gpointer         user_data)
{
  TaubeImapClient *self = user_data;
  Command *command = literal_owner_command (self);

  if (command != NULL && command->handler->literal_end != NULL)
    command->handler->literal_end (self, command->handler_data);
}

/*
 * Fails the exchanges with @error (taken) and closes the session. Inside a handler's
 * parser callbacks, they fail once the chunk is parsed; the first error wins.
 */
void
_taube_imap_client_exchange_error (TaubeImapClient *self,
                                   GError          *error)
{
  if (self->parsing)
    {
      if (self->reader_error == NULL)
        self->reader_error = error;
      else
        g_error_free (error);
      return;
    }
  if (self->in_flight.length > 0 || self->finished.length > 0 || self->waiting.length > 0)
    fail_all (self, error);
  else
    g_error_free (error);
}

/* Returns one command that got its tagged response in the last chunk; FALSE when that
 * failed the session instead. */
static gboolean
complete_finished (TaubeImapClient *self)
{
  GTask *task = g_queue_peek_head (&self->finished);
  Command *command = g_task_get_task_data (task);

  /* RFC 9051 §6.2.1 / RFC 3207 §6: nothing may follow the STARTTLS answer in the clear;
   * bytes that did were injected before the handshake. */
  if (command->starttls
      && (self->responses_after_finish > 0 || !taube_imap_parser_is_idle (self->parser)))
    {
      g_debug ("Data after the STARTTLS answer");
      fail_all (self, g_error_new (
        TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_STARTTLS_FAILED,
        _("The server %s sent unexpected data before switching to encryption. The "
          "connection was closed for safety."),
        taube_connection_get_host (self->connection)));
      return FALSE;
    }
  g_queue_pop_head (&self->finished);
  g_task_return_pointer (task, taube_imap_response_ref (command->done),
                         (GDestroyNotify) taube_imap_response_unref);
  g_object_unref (task);
  return TRUE;
}

static void
go_on (TaubeImapClient *self)
{
  g_autoptr(TaubeImapClient) keep = g_object_ref (self);

  /* A finished command frees a place in the pipe: write what waits before the callbacks
   * queue more, so the order of writing stays the order of asking. */
  dispatch (self);
  while (self->finished.length > 0)
    if (!complete_finished (self))
      return;
  dispatch (self);
  if (self->in_flight.length > 0)
    reader_start (self);
}

/* Lets the commands' handlers write out what the last chunk gave them, one after the
 * other, then reads on. */
typedef struct
{
  TaubeImapClient *self;
  GPtrArray *tasks;
  guint next;
} Drain;

static void
drain_free (Drain *drain)
{
  g_object_unref (drain->self);
  g_ptr_array_unref (drain->tasks);
  g_free (drain);
}

static void drain_next (Drain *drain);

static void
taube_imap_client_drain_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  Drain *drain = user_data;
  TaubeImapClient *self = drain->self;
  GTask *task = g_ptr_array_index (drain->tasks, drain->next - 1);
  Command *command = g_task_get_task_data (task);
  GError *error = NULL;

  /* The exchange may have failed meanwhile (a write of the command's own). */
  if (!exchange_known (self, task))
    {
      command->handler->drain_finish (self, result, NULL);
      drain_free (drain);
      return;
    }
  if (!command->handler->drain_finish (self, result, &error))
    {
      exchange_fail (self, task, error);
      drain_free (drain);
      return;
    }
  drain_next (drain);
}

static void
drain_next (Drain *drain)
{
  while (drain->next < drain->tasks->len)
    {
      GTask *task = g_ptr_array_index (drain->tasks, drain->next++);
      Command *command = g_task_get_task_data (task);

      if (!exchange_known (drain->self, task))
        continue;
      command->handler->drain_async (drain->self, command->handler_data,
                                     g_task_get_cancellable (task),
                                     taube_imap_client_drain_cb, drain);
      return;
    }
  go_on (drain->self);
  drain_free (drain);
}

static void
add_drainers (GPtrArray *tasks,
              GQueue    *queue)
{
  for (GList *l = queue->head; l != NULL; l = l->next)
    {
      Command *command = g_task_get_task_data (l->data);

      if (command->handler != NULL && command->handler->drain_async != NULL)
        g_ptr_array_add (tasks, g_object_ref (l->data));
    }
}

static void
drain_or_go_on (TaubeImapClient *self)
{
  Drain *drain = g_new0 (Drain, 1);

  drain->self = g_object_ref (self);
  drain->tasks = g_ptr_array_new_with_free_func (g_object_unref);
  add_drainers (drain->tasks, &self->finished);
  add_drainers (drain->tasks, &self->in_flight);
  drain_next (drain);
}

static void
taube_imap_client_fill_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(TaubeImapClient) self = user_data;
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  gsize len;
  gboolean fed;

  self->reading = FALSE;
  if (!taube_connection_fill_finish (self->connection, result, &error))
    {
      if (self->in_flight.length > 0 || self->waiting.length > 0)
        fail_all (self, g_steal_pointer (&error));
      return;
    }
  data = taube_connection_peek (self->connection, &len);
  self->responses_after_finish = 0;
  self->parsing = TRUE;
  fed = taube_imap_parser_feed (self->parser, data, len, &error);
  self->parsing = FALSE;
  if (!fed)
    {
      g_debug ("Parser: %s", error->message);
      g_clear_error (&self->reader_error);
      /* Too big stays TOO_BIG; anything else is explained as not IMAP. */
      if (!g_error_matches (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_TOO_BIG))
        self->reader_error = _taube_imap_client_protocol_error (self, error->message);
      else
        self->reader_error = g_steal_pointer (&error);
    }
  taube_connection_consume (self->connection, len);

  if (self->reader_error != NULL)
    {
      if (self->in_flight.length > 0 || self->finished.length > 0 || self->waiting.length > 0)
        fail_all (self, g_steal_pointer (&self->reader_error));
      else
        close_session (self);
      g_clear_error (&self->reader_error);
      return;
    }
  drain_or_go_on (self);
}

static void
reader_start (TaubeImapClient *self)
{
  if (self->reading || self->in_flight.length == 0)
    return;
  self->reading = TRUE;
  renew_read_cancellable (self);
  taube_connection_fill_async (self->connection, self->read_cancellable,
                               taube_imap_client_fill_cb, g_object_ref (self));
}

static void
taube_imap_client_write_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeImapClient *self = g_task_get_source_object (task);
  Command *command;
  GError *error = NULL;

  /* After a failure the session may have moved on to a new command's write. */
  if (self->writing == task)
    self->writing = NULL;
  if (!taube_connection_write_finish (TAUBE_CONNECTION (object), result, &error))
    {
      /* A line break in an argument was refused before anything went out. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT)
          && g_queue_find (&self->in_flight, task) != NULL)
        {
          command_unwatch (task);
          g_queue_remove (&self->in_flight, task);
          g_task_return_error (task, error);
          g_object_unref (task);
          dispatch (self);
          return;
        }
      exchange_fail (self, task, error);
      return;
    }
  if (g_queue_find (&self->in_flight, task) == NULL)
    return;
  command = g_task_get_task_data (task);
  if (command->handler != NULL && command->handler->sent != NULL)
    command->handler->sent (self, command->handler_data);
  /* The handler may have failed the exchange. */
  if (g_queue_find (&self->in_flight, task) == NULL)
    return;
  reader_start (self);
  dispatch (self);
}

/* Whether @command may be written now (see the rule at the top of this section). */
static gboolean
may_write (TaubeImapClient *self,
           Command         *command)
{
  if (self->in_flight.length == 0)
    return TRUE;
  if (!command->pipelined || self->in_flight.length >= self->pipeline_depth)
    return FALSE;
  for (GList *l = self->in_flight.head; l != NULL; l = l->next)
    {
      Command *other = g_task_get_task_data (l->data);

      if (!other->pipelined || (command->streams && other->streams))
        return FALSE;
    }
  return TRUE;
}

/* Writes the commands waiting at the head of the queue as far as the pipe allows, one
 * write at a time. */
static void
dispatch (TaubeImapClient *self)
{
  GTask *task = g_queue_peek_head (&self->waiting);
  Command *command;

  if (self->writing != NULL || self->parsing || task == NULL)
    return;
  command = g_task_get_task_data (task);
  if (!may_write (self, command))
    return;
  g_queue_pop_head (&self->waiting);
  g_queue_push_tail (&self->in_flight, task);
  command_watch (self, task);
  if (command->tag == NULL)
    {
      reader_start (self);
      return;
    }
  self->writing = task;
  taube_connection_write_line_async (self->connection, command->line, command->secret,
                                     g_task_get_cancellable (task),
                                     taube_imap_client_write_cb, g_object_ref (task));
}

/*
 * Sends "TAG @command[ @secret]" (or, with @command %NULL, waits for the greeting) and
 * finishes with the tagged response, whatever its status, and the untagged responses
 * that came with it. @continuations (taken; line and secret in turn, each nullable) are
 * sent one pair per continuation request. Errors are transport and protocol errors and
 * BYE only; any of them closes the session.
 */
void
_taube_imap_client_exchange_async (TaubeImapClient     *self,
                                   const char          *command_line,
                                   const char          *secret,
                                   GPtrArray           *continuations,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  Command *command = g_new0 (Command, 1);

  command->untagged = g_ptr_array_new_with_free_func (
    (GDestroyNotify) taube_imap_response_unref);
  command->continuations = continuations;
  exchange_start (self, command, command_line, secret, cancellable, callback, user_data);
}

/*
 * Like _taube_imap_client_exchange_async() without a secret or continuation lines, but
 * every untagged response, body literal and continuation request goes to @handler (with
 * @handler_data, which must live until the exchange finishes) as it arrives. Finish with
 * _taube_imap_client_exchange_finish(), which then gives no untagged responses.
 */
void
_taube_imap_client_exchange_with_handler_async (TaubeImapClient                *self,
                                                const char                     *command_line,
                                                const TaubeImapExchangeHandler *handler,
                                                gpointer                        handler_data,
                                                GCancellable                   *cancellable,
                                                GAsyncReadyCallback             callback,
                                                gpointer                        user_data)
{
  Command *command = g_new0 (Command, 1);

  g_assert (command_line != NULL && handler != NULL);
  command->handler = handler;
  command->handler_data = handler_data;
  exchange_start (self, command, command_line, NULL, cancellable, callback, user_data);
}

/* RFC 9051 §5.5: commands that neither change the selected mailbox nor wait for a
 * continuation, and whose results do not depend on each other. Message sequence numbers
 * are left out: an EXPUNGE could shift them between the commands. */
gboolean
_taube_imap_client_is_pipelinable (const char *command_line)
{
  static const char *const prefixes[] = { "UID FETCH ", "UID STORE ", "STATUS ", "NOOP" };

  if (command_line == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (g_ascii_strncasecmp (command_line, prefixes[i], strlen (prefixes[i])) == 0)
      return (i < 3 || command_line[4] == '\0')
             /* A literal needs a continuation (or is a LITERAL+ write of its own). */
             && strchr (command_line, '{') == NULL;
  return FALSE;
}

/* Whether the answer may carry body literals: BODY[…], BINARY[…], RFC822*. */
static gboolean
may_stream (const char *command_line)
{
  g_autofree char *upper = g_ascii_strup (command_line, -1);

  return strchr (upper, '[') != NULL || strstr (upper, "RFC822") != NULL;
}

static void
exchange_start (TaubeImapClient     *self,
                Command             *command,
                const char          *command_line,
                const char          *secret,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, _taube_imap_client_exchange_async);
  g_task_set_task_data (task, command, (GDestroyNotify) command_free);
  g_queue_push_tail (&self->waiting, task);  /* owned until it finishes */

  if (command_line != NULL)
    {
      command->tag = g_strdup_printf ("A%04u", self->next_tag++);
      command->line = g_strdup_printf ("%s %s", command->tag, command_line);
      command->secret = g_strdup (secret);
      command->starttls = g_ascii_strcasecmp (command_line, "STARTTLS") == 0;
      command->logout = g_ascii_strcasecmp (command_line, "LOGOUT") == 0;
      command->pipelined = secret == NULL && command->continuations == NULL
                           && (command->handler == NULL
                               || (command->handler->continuation == NULL
                                   && command->handler->sent == NULL))
                           && _taube_imap_client_is_pipelinable (command_line);
      command->streams = may_stream (command_line);
    }
  dispatch (self);
}

TaubeImapResponse *
_taube_imap_client_exchange_finish (TaubeImapClient  *self,
                                    GAsyncResult     *result,
                                    GPtrArray       **untagged,
                                    GError          **error)
{
  TaubeImapResponse *response;

  g_assert (g_task_is_valid (result, self));
  response = g_task_propagate_pointer (G_TASK (result), error);
  if (untagged != NULL)
    {
      Command *command = g_task_get_task_data (G_TASK (result));

      *untagged = response != NULL && command->untagged != NULL
                  ? g_ptr_array_ref (command->untagged) : NULL;
    }
  return response;
}

/* -- The generic command -------------------------------------------------------------- */

typedef struct
{
  TaubeImapResponse *response;
  GPtrArray *untagged;
} CommandResult;

static void
command_result_free (CommandResult *result)
{
  g_clear_pointer (&result->response, taube_imap_response_unref);
  g_clear_pointer (&result->untagged, g_ptr_array_unref);
  g_free (result);
}

static void
taube_imap_client_command_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeImapClient *self = TAUBE_IMAP_CLIENT (object);
  g_autoptr(TaubeImapResponse) response = NULL;
  g_autoptr(GPtrArray) untagged = NULL;
  CommandResult *command_result;
  GError *error = NULL;

  response = _taube_imap_client_exchange_finish (self, result, &untagged, &error);
  if (response == NULL)
    {
      _taube_imap_client_fail (task, error);
      return;
    }
  if (taube_imap_response_get_status (response) != TAUBE_IMAP_STATUS_OK)
    {
      _taube_imap_client_fail (task, _taube_imap_client_status_error (self, response));
      return;
    }
  _taube_imap_client_release_task (task);
  command_result = g_new0 (CommandResult, 1);
  command_result->response = g_steal_pointer (&response);
  command_result->untagged = g_steal_pointer (&untagged);
  g_task_return_pointer (task, command_result, (GDestroyNotify) command_result_free);
}

/**
 * taube_imap_client_command_async:
 * @self: a connected #TaubeImapClient
 * @command: the command without its tag and CRLF, e.g. `LIST "" "*"`
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the tagged response
 * @user_data: data for @callback
 *
 * Sends @command with the next tag (A0001, A0002 …). A tagged NO fails with
 * %TAUBE_IMAP_ERROR_SERVER_NO and BAD with %TAUBE_IMAP_ERROR_SERVER_BAD, both with the
 * server's text, and the session stays usable; a BYE fails with %TAUBE_IMAP_ERROR_BYE and
 * closes it. Cancelling closes the session too: its state is then unknown. @command is
 * logged as it is, so credentials go through taube_imap_client_login_async() only.
 */
void
taube_imap_client_command_async (TaubeImapClient     *self,
                                 const char          *command,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));
  g_return_if_fail (command != NULL && command[0] != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  /* A pipelinable command of a logged-in session may go out beside others. */
  if (self->state == TAUBE_IMAP_CLIENT_AUTHENTICATED && _taube_imap_client_is_pipelinable (command))
    task = _taube_imap_client_begin_pipelined (self, taube_imap_client_command_async,
                                               cancellable, callback, user_data);
  else
    task = _taube_imap_client_begin (self, taube_imap_client_command_async, FALSE,
                                     cancellable, callback, user_data);
  if (task == NULL)
    return;
  if (self->state == TAUBE_IMAP_CLIENT_DISCONNECTED)
    {
      _taube_imap_client_release_task (task);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("Not connected to the server %s."),
                               taube_connection_get_host (self->connection));
      return;
    }
  _taube_imap_client_exchange_async (self, command, NULL, NULL, cancellable,
                                     taube_imap_client_command_cb, g_steal_pointer (&task));
}

/**
 * taube_imap_client_command_finish:
 * @self: a #TaubeImapClient
 * @result: the result passed to the callback
 * @untagged: (out) (optional) (transfer full) (element-type TaubeImapResponse): the untagged
 *   responses that arrived while the command ran
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the tagged OK response, or %NULL on error
 */
TaubeImapResponse *
taube_imap_client_command_finish (TaubeImapClient  *self,
                                  GAsyncResult     *result,
                                  GPtrArray       **untagged,
                                  GError          **error)
{
  CommandResult *command_result;
  TaubeImapResponse *response;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (
    g_task_get_source_tag (G_TASK (result)) == taube_imap_client_command_async, NULL);

  if (untagged != NULL)
    *untagged = NULL;
  command_result = g_task_propagate_pointer (G_TASK (result), error);
  if (command_result == NULL)
    return NULL;
  response = g_steal_pointer (&command_result->response);
  if (untagged != NULL)
    *untagged = g_steal_pointer (&command_result->untagged);
  command_result_free (command_result);
  return response;
}
