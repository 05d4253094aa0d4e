/* test-imap-core.c — the client core: unsolicited-data signals, per-command handlers and
 * pipelining
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Scripted server only: Dovecot sends EXPUNGE, VANISHED or ALERT to order for nobody, and
 * the handler cases need exact control over where a literal is cut.
 */
#include <string.h>

#include "taube-imap-client-private.h"
#include "taube-imap-error.h"
#include "taube-test-async.h"
#include "taube-test-server.h"

static TaubeImapClient *
fake_client (TaubeTestServer *server)
{
  g_autoptr(TaubeConnection) connection =
    taube_connection_new ("127.0.0.1", taube_test_server_start (server), TAUBE_SECURITY_NONE,
                          NULL, "taube-imap", 5000, 5000);
  TaubeImapClient *client = taube_imap_client_new (connection);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  taube_imap_client_set_allow_plaintext (client, TRUE);
  taube_imap_client_connect_async (client, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_imap_client_connect_finish (client, taube_test_wait (&result), &error));
  g_assert_no_error (error);
  g_assert_true (taube_imap_client_is_logged_in (client));
  return client;
}

static void
finish_server (TaubeTestServer *server)
{
  g_autofree char *failure = NULL;

  if (!taube_test_server_finish (server, &failure))
    g_error ("script: %s", failure);
}

/* -- Signals ------------------------------------------------------------------------- */

static void
exists_cb (TaubeImapClient *client, guint64 exists, GString *log)
{
  g_string_append_printf (log, "exists %" G_GUINT64_FORMAT "\n", exists);
}

static void
expunge_cb (TaubeImapClient *client, guint seq, GString *log)
{
  g_string_append_printf (log, "expunge %u\n", seq);
}

static void
vanished_cb (TaubeImapClient *client, const char *uids, gboolean earlier, GString *log)
{
  g_string_append_printf (log, "vanished %s%s\n", earlier ? "earlier " : "", uids);
}

static void
flags_changed_cb (TaubeImapClient *client, guint seq, guint uid, GStrv flags, guint64 modseq,
                  GString *log)
{
  g_autofree char *joined = g_strjoinv (" ", flags);

  g_string_append_printf (log, "flags %u uid %u (%s) modseq %" G_GUINT64_FORMAT "\n", seq, uid,
                          joined, modseq);
}

static void
alert_cb (TaubeImapClient *client, const char *text, GString *log)
{
  g_string_append_printf (log, "alert %s\n", text);
}

static void
bye_cb (TaubeImapClient *client, const char *text, GString *log)
{
  g_string_append_printf (log, "bye %s\n", text);
}

static void
connect_signals (TaubeImapClient *client,
                 GString         *log)
{
  g_signal_connect (client, "exists", G_CALLBACK (exists_cb), log);
  g_signal_connect (client, "expunge", G_CALLBACK (expunge_cb), log);
  g_signal_connect (client, "vanished", G_CALLBACK (vanished_cb), log);
  g_signal_connect (client, "flags-changed", G_CALLBACK (flags_changed_cb), log);
  g_signal_connect (client, "alert", G_CALLBACK (alert_cb), log);
  g_signal_connect (client, "bye", G_CALLBACK (bye_cb), log);
}

static TaubeImapResponse *
run_command (TaubeImapClient  *client,
             const char       *command,
             GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  taube_imap_client_command_async (client, command, NULL, taube_test_store_result_cb, &result);
  return taube_imap_client_command_finish (client, taube_test_wait (&result), NULL, error);
}

/* RFC 9051 §7.4.1, §7.5.2, RFC 7162 §3.2.10 and §3.1.4.1 examples, during a NOOP. */
static void
test_signals (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(TaubeImapResponse) response = NULL;
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  taube_test_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1 CONDSTORE QRESYNC] hi\r\n");
  taube_test_server_expect (server, "A0001 NOOP");
  taube_test_server_send (server,
                          "* 23 EXISTS\r\n"
                          "* 3 EXPUNGE\r\n"
                          "* VANISHED 405,407,410,425\r\n"
                          "* VANISHED (EARLIER) 300:310\r\n"
                          "* 12 FETCH (FLAGS (\\Seen \\Deleted) UID 4827 MODSEQ (65402))\r\n"
                          "* 14 FETCH (FLAGS ())\r\n"
                          "* 15 FETCH (RFC822.SIZE 44827)\r\n"
                          "* OK [ALERT] System shutdown in 10 minutes\r\n"
                          "A0001 OK NOOP completed\r\n");
  taube_test_server_expect (server, "A0002 NOOP");
  taube_test_server_send (server, "A0002 NO [ALERT] Mailbox is over quota\r\n");
  client = fake_client (server);
  connect_signals (client, log);

  response = run_command (client, "NOOP", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (log->str, ==,
                   "exists 23\n"
                   "expunge 3\n"
                   "vanished 405,407,410,425\n"
                   "vanished earlier 300:310\n"
                   "flags 12 uid 4827 (\\Seen \\Deleted) modseq 65402\n"
                   "flags 14 uid 0 () modseq 0\n"
                   "alert System shutdown in 10 minutes\n");
  g_string_truncate (log, 0);
  g_clear_pointer (&response, taube_imap_response_unref);
  response = run_command (client, "NOOP", &error);
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_SERVER_NO);
  g_assert_cmpstr (log->str, ==, "alert Mailbox is over quota\n");
  g_clear_object (&client);
  finish_server (server);
}

/* BYE reaches observers, and fails the command. */
static void
test_signal_bye (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(TaubeImapResponse) response = NULL;
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  taube_test_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n");
  taube_test_server_expect (server, "A0001 NOOP");
  taube_test_server_send (server, "* 2 EXISTS\r\n* BYE Server shutting down\r\n");
  taube_test_server_close (server);
  client = fake_client (server);
  connect_signals (client, log);
  response = run_command (client, "NOOP", &error);
  g_assert_null (response);
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_BYE);
  g_assert_cmpstr (log->str, ==, "exists 2\nbye Server shutting down\n");
  g_clear_object (&client);
  finish_server (server);
}

/* -- Handlers ------------------------------------------------------------------------ */

typedef struct
{
  GString *log;
  GByteArray *pending;    /* literal bytes not drained yet */
  GByteArray *drained;
  gsize max_pending;
  guint drains;
  gboolean claim_fetch;
} Handled;

static gboolean
handled_untagged (TaubeImapClient   *client,
                  TaubeImapResponse *response,
                  gpointer           data)
{
  Handled *handled = data;
  g_autofree char *text = taube_imap_response_to_string (response);

  g_string_append_printf (handled->log, "untagged %s\n", text);
  return handled->claim_fetch && taube_imap_response_is_keyword (response, "FETCH");
}

static void
handled_literal_begin (TaubeImapClient      *client,
                       guint64               sequence,
                       const TaubeImapValue *item,
                       guint64               size,
                       gpointer              data)
{
  Handled *handled = data;
  g_autofree char *name = taube_imap_value_to_string (item);

  g_string_append_printf (handled->log, "begin %" G_GUINT64_FORMAT " %s %" G_GUINT64_FORMAT "\n",
                          sequence, name, size);
}

static void
handled_literal_chunk (TaubeImapClient *client,
                       const guint8    *bytes,
                       gsize            len,
                       gpointer         data)
{
  Handled *handled = data;

  g_byte_array_append (handled->pending, bytes, len);
  handled->max_pending = MAX (handled->max_pending, handled->pending->len);
}

static void
handled_literal_end (TaubeImapClient *client,
                     gpointer         data)
{
  Handled *handled = data;

  g_string_append (handled->log, "end\n");
}

static void
handled_drain_async (TaubeImapClient     *client,
                     gpointer             data,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  Handled *handled = data;
  g_autoptr(GTask) task = g_task_new (client, cancellable, callback, user_data);

  handled->drains++;
  g_byte_array_append (handled->drained, handled->pending->data, handled->pending->len);
  g_byte_array_set_size (handled->pending, 0);
  g_task_return_boolean (task, TRUE);
}

static gboolean
handled_drain_finish (TaubeImapClient  *client,
                      GAsyncResult     *result,
                      GError          **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static const TaubeImapExchangeHandler handler = {
  .untagged = handled_untagged,
  .literal_begin = handled_literal_begin,
  .literal_chunk = handled_literal_chunk,
  .literal_end = handled_literal_end,
  .drain_async = handled_drain_async,
  .drain_finish = handled_drain_finish,
};

static void
handled_init (Handled *handled)
{
  handled->log = g_string_new (NULL);
  handled->pending = g_byte_array_new ();
  handled->drained = g_byte_array_new ();
}

static void
handled_clear (Handled *handled)
{
  g_string_free (handled->log, TRUE);
  g_byte_array_unref (handled->pending);
  g_byte_array_unref (handled->drained);
}

static TaubeImapResponse *
run_handled (TaubeImapClient  *client,
             const char       *command,
             Handled          *handled,
             GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) untagged = NULL;
  TaubeImapResponse *response;

  _taube_imap_client_exchange_with_handler_async (client, command, &handler, handled, NULL,
                                                  taube_test_store_result_cb, &result);
  response = _taube_imap_client_exchange_finish (client, taube_test_wait (&result), &untagged,
                                                 error);
  /* A handled exchange collects nothing. */
  g_assert_null (untagged);
  return response;
}

/* A body literal of 1 MiB goes to the handler in chunks and is drained chunk by chunk:
 * what was held at once stays far below the literal's size. Claimed FETCH responses raise
 * no "flags-changed"; an unclaimed EXISTS still raises "exists". */
static void
test_handler_streams (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(TaubeImapResponse) response = NULL;
  g_autoptr(GString) signals_log = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  gsize size = 1024 * 1024;
  g_autofree guint8 *bytes = g_malloc (size);
  g_autofree char *head = g_strdup_printf ("* 1 FETCH (UID 7 FLAGS (\\Seen) BODY[] {%zu}\r\n",
                                           size);
  Handled handled = { 0 };

  for (gsize i = 0; i < size; i++)
    bytes[i] = (guint8) (i * 7 + i / 251);
  body = g_bytes_new_static (bytes, size);
  handled_init (&handled);
  handled.claim_fetch = TRUE;
  taube_test_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n");
  taube_test_server_expect (server, "A0001 UID FETCH 7 (FLAGS BODY.PEEK[])");
  taube_test_server_send (server, head);
  taube_test_server_send_bytes (server, body);
  taube_test_server_send (server, ")\r\n* 4 EXISTS\r\nA0001 OK done\r\n");
  client = fake_client (server);
  connect_signals (client, signals_log);

  response = run_handled (client, "UID FETCH 7 (FLAGS BODY.PEEK[])", &handled, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);
  g_assert_cmpint (taube_imap_response_get_status (response), ==, TAUBE_IMAP_STATUS_OK);
  g_assert_cmpstr (handled.log->str, ==,
                   "begin 1 BODY[] 1048576\n"
                   "end\n"
                   "untagged * 1 FETCH (UID 7 FLAGS (\\Seen) BODY[] {streamed 1048576})\n"
                   "untagged * 4 EXISTS\n");
  g_assert_cmpuint (handled.pending->len, ==, 0);
  g_assert_cmpmem (handled.drained->data, handled.drained->len, bytes, size);
  g_assert_cmpuint (handled.drains, >, 1);
  g_test_message ("drains %u, most held at once %zu", handled.drains, handled.max_pending);
  g_assert_cmpuint (handled.max_pending, <=, 256 * 1024);
  g_assert_cmpstr (signals_log->str, ==, "exists 4\n");
  handled_clear (&handled);
  g_clear_object (&client);
  finish_server (server);
}

/* The connection drops in the middle of a literal: the command fails, nothing hangs, and
 * the literal gets no end. */
static void
test_handler_disconnect_mid_literal (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(TaubeImapResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  Handled handled = { 0 };

  handled_init (&handled);
  taube_test_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n");
  taube_test_server_expect (server, "A0001 UID FETCH 7 BODY.PEEK[]");
  taube_test_server_send (server, "* 1 FETCH (UID 7 BODY[] {100}\r\nFrom: a@example.org\r\n");
  taube_test_server_close (server);
  client = fake_client (server);

  response = run_handled (client, "UID FETCH 7 BODY.PEEK[]", &handled, &error);
  g_assert_null (response);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  g_assert_cmpstr (handled.log->str, ==, "begin 1 BODY[] 100\n");
  g_assert_cmpuint (handled.drained->len + handled.pending->len, ==, 21);
  g_assert_false (taube_imap_client_is_logged_in (client));
  handled_clear (&handled);
  g_clear_object (&client);
  finish_server (server);
}

/* -- Pipelining ---------------------------------------------------------------------- */

/* One asynchronous call: its result, and its name added to @order when it came. */
typedef struct
{
  const char *name;
  GString *order;
  GAsyncResult *result;
  GString *messages;   /* what a fetch delivered: "uid flags" lines */
} Call;

static void
call_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Call *call = user_data;

  g_string_append_printf (call->order, "%s ", call->name);
  call->result = g_object_ref (result);
}

static void
call_init (Call       *call,
           const char *name,
           GString    *order)
{
  *call = (Call) { .name = name, .order = order, .messages = g_string_new (NULL) };
}

static void
call_clear (Call *call)
{
  g_clear_object (&call->result);
  g_string_free (call->messages, TRUE);
}

static void
call_wait (Call *call)
{
  while (call->result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static void
fetched_cb (const TaubeImapFetchedMessage *message,
            gpointer                       user_data)
{
  Call *call = user_data;
  g_autofree char *flags = message->flags != NULL ? g_strjoinv (" ", message->flags) : NULL;

  g_string_append_printf (call->messages, "%u (%s)\n", message->uid,
                          flags != NULL ? flags : "no flags");
  if (message->header_fields != NULL)
    g_string_append_len (call->messages, g_bytes_get_data (message->header_fields, NULL),
                         g_bytes_get_size (message->header_fields));
}

static void
start_fetch (TaubeImapClient *client,
             const char      *uids,
             GCancellable    *cancellable,
             Call            *call)
{
  TaubeImapFetchRequest request = { .uids = uids, .items = TAUBE_IMAP_FETCH_FLAGS };

  taube_imap_client_fetch_async (client, &request, fetched_cb, NULL, call, cancellable,
                                 call_done_cb, call);
}

static gboolean
fetch_finish (TaubeImapClient  *client,
              Call             *call,
              GError          **error)
{
  call_wait (call);
  return taube_imap_client_fetch_finish (client, call->result, NULL, error);
}

static void
start_command (TaubeImapClient *client,
               const char      *command,
               GCancellable    *cancellable,
               Call            *call)
{
  taube_imap_client_command_async (client, command, cancellable, call_done_cb, call);
}

static TaubeImapResponse *
command_finish (TaubeImapClient  *client,
                Call             *call,
                GPtrArray       **untagged,
                GError          **error)
{
  call_wait (call);
  return taube_imap_client_command_finish (client, call->result, untagged, error);
}

/* Lets the client write whatever it would, so that a line it should hold back would
 * reach the server. */
static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

/* Two UID FETCHes and a STATUS go out before any answer (the server reads all three lines
 * first); the server answers them out of order and every caller gets its own data. */
static void
test_pipeline_out_of_order (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(TaubeImapResponse) response = NULL;
  g_autoptr(GPtrArray) untagged = NULL;
  g_autoptr(GString) order = g_string_new (NULL);
  g_autoptr(GString) signals_log = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  Call first, second, status;

  call_init (&first, "fetch-1", order);
  call_init (&second, "fetch-2", order);
  call_init (&status, "status", order);
  taube_test_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n");
  taube_test_server_expect (server, "A0001 UID FETCH 1 (UID FLAGS)");
  taube_test_server_expect (server, "A0002 UID FETCH 2 (UID FLAGS)");
  taube_test_server_expect (server, "A0003 STATUS Archive (MESSAGES)");
  taube_test_server_send (server,
                          "* STATUS Archive (MESSAGES 17)\r\n"
                          "A0003 OK status done\r\n"
                          "* 2 FETCH (UID 2 FLAGS (\\Flagged))\r\n"
                          "* 5 EXISTS\r\n"
                          "A0002 OK second done\r\n"
                          "* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n"
                          "* 9 FETCH (UID 9 FLAGS (\\Deleted))\r\n"
                          "A0001 OK first done\r\n");
  client = fake_client (server);
  connect_signals (client, signals_log);

  start_fetch (client, "1", NULL, &first);
  start_fetch (client, "2", NULL, &second);
  start_command (client, "STATUS Archive (MESSAGES)", NULL, &status);
  g_assert_true (fetch_finish (client, &first, &error));
  g_assert_no_error (error);
  g_assert_true (fetch_finish (client, &second, &error));
  g_assert_no_error (error);
  response = command_finish (client, &status, &untagged, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (taube_imap_response_get_tag (response), ==, "A0003");
  g_assert_cmpuint (untagged->len, >=, 1);
  g_assert_true (taube_imap_response_is_keyword (g_ptr_array_index (untagged, 0), "STATUS"));
  g_assert_cmpstr (order->str, ==, "status fetch-2 fetch-1 ");
  g_assert_cmpstr (first.messages->str, ==, "1 (\\Seen)\n");
  g_assert_cmpstr (second.messages->str, ==, "2 (\\Flagged)\n");
  /* Nobody asked for UID 9: it is news for the signals. */
  g_assert_cmpstr (signals_log->str, ==, "exists 5\nflags 9 uid 9 (\\Deleted) modseq 0\n");
  g_assert_true (taube_imap_client_is_logged_in (client));
  call_clear (&first);
  call_clear (&second);
  call_clear (&status);
  g_clear_object (&client);
  finish_server (server);
}

/* SELECT is a barrier: asked for while two UID FETCHes are in flight, it is not written
 * until both are answered. Here the second never is: SELECT must not have gone out. */
static void
test_pipeline_barrier_holds (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GString) order = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  Call first, second, select;

  call_init (&first, "fetch-1", order);
  call_init (&second, "fetch-2", order);
  call_init (&select, "select", order);
  taube_test_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n");
  taube_test_server_expect (server, "A0001 UID FETCH 1 (UID FLAGS)");
  taube_test_server_expect (server, "A0002 UID FETCH 2 (UID FLAGS)");
  taube_test_server_send (server, "* 1 FETCH (UID 1 FLAGS ())\r\nA0001 OK done\r\n");
  /* The script ends: the server records every line until the client hangs up. */
  client = fake_client (server);

  start_fetch (client, "1", NULL, &first);
  start_fetch (client, "2", cancellable, &second);
  taube_imap_client_select_async (client, "INBOX", NULL, call_done_cb, &select);
  g_assert_true (fetch_finish (client, &first, &error));
  g_assert_no_error (error);
  spin (300);
  g_assert_null (select.result);
  g_assert_null (second.result);
  /* Cancelling the read fails the rest of the pipe and closes the session. */
  g_cancellable_cancel (cancellable);
  g_assert_false (fetch_finish (client, &second, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  call_wait (&select);
  g_assert_false (taube_imap_client_select_finish (client, select.result, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (taube_imap_client_is_logged_in (client));
  call_clear (&first);
  call_clear (&second);
  call_clear (&select);
  g_clear_object (&client);
  finish_server (server);
  g_assert_false (taube_test_server_received_prefix (server, "A0003"));
}

/* Once the FETCHes are answered, the waiting SELECT goes out and completes last; a NOOP
 * asked for while SELECT holds the session is refused, as before pipelining. */
static void
test_pipeline_barrier_runs_after (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GString) order = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  Call first, second, select, noop;

  call_init (&first, "fetch-1", order);
  call_init (&second, "fetch-2", order);
  call_init (&select, "select", order);
  call_init (&noop, "noop", order);
  taube_test_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n");
  taube_test_server_expect (server, "A0001 UID FETCH 1 (UID FLAGS)");
  taube_test_server_expect (server, "A0002 UID FETCH 2 (UID FLAGS)");
  taube_test_server_send (server,
                          "* 2 FETCH (UID 2 FLAGS ())\r\nA0002 OK done\r\n"
                          "* 1 FETCH (UID 1 FLAGS ())\r\nA0001 OK done\r\n");
  taube_test_server_expect (server, "A0003 SELECT \"INBOX\"");
  taube_test_server_send (server,
                          "* 3 EXISTS\r\n* OK [UIDVALIDITY 42] ok\r\n* OK [UIDNEXT 4] ok\r\n"
                          "* FLAGS (\\Seen)\r\nA0003 OK [READ-WRITE] selected\r\n");
  client = fake_client (server);

  start_fetch (client, "1", NULL, &first);
  start_fetch (client, "2", NULL, &second);
  taube_imap_client_select_async (client, "INBOX", NULL, call_done_cb, &select);
  start_command (client, "NOOP", NULL, &noop);
  call_wait (&noop);
  g_assert_null (command_finish (client, &noop, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&error);
  call_wait (&select);
  g_assert_true (taube_imap_client_select_finish (client, select.result, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (fetch_finish (client, &first, &error));
  g_assert_true (fetch_finish (client, &second, &error));
  g_assert_cmpstr (order->str, ==, "noop fetch-2 fetch-1 select ");
  call_clear (&first);
  call_clear (&second);
  call_clear (&select);
  call_clear (&noop);
  g_clear_object (&client);
  finish_server (server);
}

/* The connection drops with three commands in flight: each fails with the same error,
 * nothing hangs, and the session is closed. */
static void
test_pipeline_disconnect (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(TaubeImapResponse) response = NULL;
  g_autoptr(GString) order = g_string_new (NULL);
  g_autoptr(GError) fetch_error = NULL;
  g_autoptr(GError) store_error = NULL;
  g_autoptr(GError) noop_error = NULL;
  const char *flags[] = { "\\Seen", NULL };
  Call fetch, store, noop;

  call_init (&fetch, "fetch", order);
  call_init (&store, "store", order);
  call_init (&noop, "noop", order);
  taube_test_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n");
  taube_test_server_expect (server, "A0001 UID FETCH 1:3 (UID FLAGS)");
  taube_test_server_expect (server, "A0002 UID STORE 4 +FLAGS.SILENT (\\Seen)");
  taube_test_server_expect (server, "A0003 NOOP");
  taube_test_server_send (server, "* 1 FETCH (UID 1 FLAGS ())\r\n");
  taube_test_server_close (server);
  client = fake_client (server);

  start_fetch (client, "1:3", NULL, &fetch);
  taube_imap_client_store_async (client, "4", TAUBE_IMAP_STORE_ADD, flags, TRUE, 0, NULL,
                                 call_done_cb, &store);
  start_command (client, "NOOP", NULL, &noop);
  g_assert_false (fetch_finish (client, &fetch, &fetch_error));
  call_wait (&store);
  g_assert_false (taube_imap_client_store_finish (client, store.result, NULL, &store_error));
  response = command_finish (client, &noop, NULL, &noop_error);
  g_assert_null (response);
  g_assert_error (fetch_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  g_assert_error (store_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  g_assert_error (noop_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  g_assert_cmpstr (fetch_error->message, ==, store_error->message);
  g_assert_cmpstr (fetch_error->message, ==, noop_error->message);
  g_assert_cmpstr (fetch.messages->str, ==, "1 ()\n");
  g_assert_false (taube_imap_client_is_logged_in (client));
  call_clear (&fetch);
  call_clear (&store);
  call_clear (&noop);
  g_clear_object (&client);
  finish_server (server);
}

/* With "pipeline-depth" 2, a third NOOP waits for a place: never answered, it was never
 * written. */
static void
test_pipeline_depth (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(TaubeImapResponse) response = NULL;
  g_autoptr(GString) order = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  Call calls[3];

  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    call_init (&calls[i], "noop", order);
  taube_test_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n");
  taube_test_server_expect (server, "A0001 NOOP");
  taube_test_server_expect (server, "A0002 NOOP");
  client = fake_client (server);
  g_object_set (client, "pipeline-depth", 2, NULL);
  g_assert_cmpuint (taube_imap_client_get_pipeline_depth (client), ==, 2);

  start_command (client, "NOOP", cancellable, &calls[0]);
  start_command (client, "NOOP", NULL, &calls[1]);
  start_command (client, "NOOP", NULL, &calls[2]);
  spin (300);
  g_assert_cmpstr (order->str, ==, "");
  g_cancellable_cancel (cancellable);
  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      response = command_finish (client, &calls[i], NULL, &error);
      g_assert_null (response);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_clear_error (&error);
      call_clear (&calls[i]);
    }
  g_clear_object (&client);
  finish_server (server);
  g_assert_true (taube_test_server_received_prefix (server, "A0002 NOOP"));
  g_assert_false (taube_test_server_received_prefix (server, "A0003"));
}

/* Cancelling the youngest of three commands in flight cuts the read they share at once:
 * the server never answers, yet all three fail and the session is closed. */
static void
test_pipeline_cancel_young (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GString) order = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  Call calls[3];

  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    call_init (&calls[i], "noop", order);
  taube_test_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n");
  taube_test_server_expect (server, "A0001 NOOP");
  taube_test_server_expect (server, "A0002 NOOP");
  taube_test_server_expect (server, "A0003 NOOP");
  client = fake_client (server);

  start_command (client, "NOOP", NULL, &calls[0]);
  start_command (client, "NOOP", NULL, &calls[1]);
  start_command (client, "NOOP", cancellable, &calls[2]);
  spin (200);
  g_assert_cmpstr (order->str, ==, "");
  g_cancellable_cancel (cancellable);
  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      g_autoptr(TaubeImapResponse) response = command_finish (client, &calls[i], NULL, &error);

      g_assert_null (response);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_clear_error (&error);
      call_clear (&calls[i]);
    }
  g_assert_false (taube_imap_client_is_logged_in (client));
  g_clear_object (&client);
  finish_server (server);
}

/* Body literals have one owner: a header FETCH streams beside an older FLAGS FETCH
 * (answered after it), and a second header FETCH waits its turn; each gets its own
 * data. */
static void
test_pipeline_literals (void)
{
  static const char *const subject[] = { "Subject", NULL };
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GString) order = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  TaubeImapFetchRequest first_request = { .uids = "1", .header_fields = subject };
  TaubeImapFetchRequest third_request = { .uids = "3", .header_fields = subject };
  Call first, second, third;

  call_init (&first, "headers-1", order);
  call_init (&second, "flags-2", order);
  call_init (&third, "headers-3", order);
  taube_test_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n");
  taube_test_server_expect (server, "A0001 UID FETCH 2 (UID FLAGS)");
  taube_test_server_expect (server, "A0002 UID FETCH 1 (UID BODY.PEEK[HEADER.FIELDS (Subject)])");
  taube_test_server_send (server,
                          "* 1 FETCH (UID 1 BODY[HEADER.FIELDS (Subject)] {16}\r\n"
                          "Subject: one\r\n\r\n)\r\nA0002 OK done\r\n"
                          "* 2 FETCH (UID 2 FLAGS (\\Seen))\r\nA0001 OK done\r\n");
  taube_test_server_expect (server, "A0003 UID FETCH 3 (UID BODY.PEEK[HEADER.FIELDS (Subject)])");
  taube_test_server_send (server,
                          "* 3 FETCH (UID 3 BODY[HEADER.FIELDS (Subject)] {18}\r\n"
                          "Subject: three\r\n\r\n)\r\nA0003 OK done\r\n");
  client = fake_client (server);

  start_fetch (client, "2", NULL, &second);
  taube_imap_client_fetch_async (client, &first_request, fetched_cb, NULL, &first, NULL,
                                 call_done_cb, &first);
  taube_imap_client_fetch_async (client, &third_request, fetched_cb, NULL, &third, NULL,
                                 call_done_cb, &third);
  g_assert_true (fetch_finish (client, &third, &error));
  g_assert_no_error (error);
  g_assert_true (fetch_finish (client, &first, &error));
  g_assert_true (fetch_finish (client, &second, &error));
  g_assert_cmpstr (order->str, ==, "headers-1 flags-2 headers-3 ");
  g_assert_cmpstr (first.messages->str, ==, "1 (no flags)\nSubject: one\r\n\r\n");
  g_assert_cmpstr (second.messages->str, ==, "2 (\\Seen)\n");
  g_assert_cmpstr (third.messages->str, ==, "3 (no flags)\nSubject: three\r\n\r\n");
  call_clear (&first);
  call_clear (&second);
  call_clear (&third);
  g_clear_object (&client);
  finish_server (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/imap/core/signals", test_signals);
  g_test_add_func ("/imap/core/signal-bye", test_signal_bye);
  g_test_add_func ("/imap/core/handler-streams", test_handler_streams);
  g_test_add_func ("/imap/core/handler-disconnect-mid-literal",
                   test_handler_disconnect_mid_literal);
  g_test_add_func ("/imap/core/pipeline-out-of-order", test_pipeline_out_of_order);
  g_test_add_func ("/imap/core/pipeline-barrier-holds", test_pipeline_barrier_holds);
  g_test_add_func ("/imap/core/pipeline-barrier-runs-after", test_pipeline_barrier_runs_after);
  g_test_add_func ("/imap/core/pipeline-disconnect", test_pipeline_disconnect);
  g_test_add_func ("/imap/core/pipeline-depth", test_pipeline_depth);
  g_test_add_func ("/imap/core/pipeline-literals", test_pipeline_literals);
  g_test_add_func ("/imap/core/pipeline-cancel-young", test_pipeline_cancel_young);
  return g_test_run ();
}
