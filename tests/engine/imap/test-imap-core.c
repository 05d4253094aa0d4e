/* test-imap-core.c — the client core: unsolicited-data signals and per-command handlers
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
  return g_test_run ();
}
