/* test-pop3-fake.c — POP3 error paths against a scripted server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What Dovecot will not do on request: garbage, a dropped connection in the middle of a
 * message, silence, a server without STLS. Plain connections on 127.0.0.1 only.
 */
#include <string.h>

#include "taube-pop3-client.h"
#include "taube-pop3-error.h"
#include "taube-test-async.h"
#include "taube-test-server.h"

#define PASSWORD "s3cret-Pa55word"

static TaubeTestLogCapture capture;

static TaubePop3Client *
new_client (guint16       port,
            TaubeSecurity security,
            guint         read_timeout_ms)
{
  g_autoptr(TaubeConnection) connection =
    taube_connection_new ("127.0.0.1", port, security, NULL, "taube-pop3", 5000,
                          read_timeout_ms);
  TaubePop3Client *client = taube_pop3_client_new (connection);

  taube_pop3_client_set_allow_plaintext (client, TRUE);
  return client;
}

static gboolean
connect_client (TaubePop3Client  *client,
                GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  taube_pop3_client_connect_async (client, NULL, taube_test_store_result_cb, &result);
  return taube_pop3_client_connect_finish (client, taube_test_wait (&result), error);
}

static gboolean
login_client (TaubePop3Client  *client,
              GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  taube_pop3_client_login_async (client, "alice", PASSWORD, NULL, taube_test_store_result_cb,
                                 &result);
  return taube_pop3_client_login_finish (client, taube_test_wait (&result), error);
}

static void
finish_server (TaubeTestServer *server)
{
  g_autofree char *failure = NULL;

  if (!taube_test_server_finish (server, &failure))
    g_error ("script: %s", failure);
}

static void
assert_no_credentials (TaubeTestServer *server)
{
  g_assert_false (taube_test_server_received_prefix (server, "USER"));
  g_assert_false (taube_test_server_received_prefix (server, "PASS"));
  g_assert_false (taube_test_server_received_prefix (server, "AUTH"));
  for (guint i = 0; i < taube_test_server_get_received (server)->len; i++)
    g_assert_null (strstr (g_ptr_array_index (taube_test_server_get_received (server), i),
                           PASSWORD));
}

static void
test_garbage_greeting (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubePop3Client) client = NULL;
  g_autoptr(GError) error = NULL;

  taube_test_server_send (server, "HTTP/1.1 400 Bad Request\r\n");
  client = new_client (taube_test_server_start (server), TAUBE_SECURITY_NONE, 5000);
  g_assert_false (connect_client (client, &error));
  g_assert_error (error, TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_PROTOCOL);
  g_clear_object (&client);
  finish_server (server);
}

static void
test_starttls_not_offered (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubePop3Client) client = NULL;
  g_autoptr(GError) error = NULL;

  taube_test_server_send (server, "+OK ready\r\n");
  taube_test_server_expect (server, "CAPA");
  taube_test_server_send (server, "+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n");
  client = new_client (taube_test_server_start (server), TAUBE_SECURITY_STARTTLS, 5000);
  g_assert_false (connect_client (client, &error));
  g_assert_error (error, TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_STARTTLS_NOT_OFFERED);
  g_clear_error (&error);
  /* The session is gone: even a careless caller cannot log in now. */
  g_assert_false (login_client (client, &error));
  g_assert_nonnull (error);
  g_clear_object (&client);
  finish_server (server);
  assert_no_credentials (server);
}

static void
test_starttls_refused (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubePop3Client) client = NULL;
  g_autoptr(GError) error = NULL;

  taube_test_server_send (server, "+OK ready\r\n");
  taube_test_server_expect (server, "CAPA");
  taube_test_server_send (server, "+OK\r\nSTLS\r\nUSER\r\n.\r\n");
  taube_test_server_expect (server, "STLS");
  taube_test_server_send (server, "-ERR TLS is broken today\r\n");
  client = new_client (taube_test_server_start (server), TAUBE_SECURITY_STARTTLS, 5000);
  g_assert_false (connect_client (client, &error));
  g_assert_error (error, TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_STARTTLS_FAILED);
  g_assert_nonnull (strstr (error->message, "TLS is broken today"));
  g_clear_object (&client);
  finish_server (server);
  assert_no_credentials (server);
}

/* Bytes after "+OK Begin TLS" would be read as if they came over TLS. */
static void
test_starttls_injection (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubePop3Client) client = NULL;
  g_autoptr(GError) error = NULL;

  taube_test_server_send (server, "+OK ready\r\n");
  taube_test_server_expect (server, "CAPA");
  taube_test_server_send (server, "+OK\r\nSTLS\r\n.\r\n");
  taube_test_server_expect (server, "STLS");
  taube_test_server_send (server, "+OK go ahead\r\n+OK injected\r\n");
  client = new_client (taube_test_server_start (server), TAUBE_SECURITY_STARTTLS, 5000);
  g_assert_false (connect_client (client, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_object (&client);
  finish_server (server);
  assert_no_credentials (server);
}

static void
script_login (TaubeTestServer *server,
              const char      *capabilities)
{
  taube_test_server_send (server, "+OK ready\r\n");
  taube_test_server_expect (server, "CAPA");
  taube_test_server_send (server, capabilities);
}

static void
test_plaintext_needs_consent (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubePop3Client) client = NULL;
  g_autoptr(GError) error = NULL;

  script_login (server, "+OK\r\nUSER\r\n.\r\n");
  client = new_client (taube_test_server_start (server), TAUBE_SECURITY_NONE, 5000);
  taube_pop3_client_set_allow_plaintext (client, FALSE);
  g_assert_true (connect_client (client, &error));
  g_assert_no_error (error);
  g_assert_false (login_client (client, &error));
  g_assert_error (error, TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_PLAINTEXT_REFUSED);
  g_clear_object (&client);
  finish_server (server);
  assert_no_credentials (server);
}

/* Dovecot's way of refusing plaintext: -ERR to USER. PASS must not follow. */
static void
test_plaintext_refused_at_user (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubePop3Client) client = NULL;
  g_autoptr(GError) error = NULL;

  taube_test_server_send (server, "+OK ready\r\n");
  taube_test_server_expect (server, "CAPA");
  taube_test_server_send (server, "-ERR unknown command\r\n");
  taube_test_server_expect (server, "USER alice");
  taube_test_server_send (server, "-ERR [AUTH] Plaintext authentication disallowed\r\n");
  client = new_client (taube_test_server_start (server), TAUBE_SECURITY_NONE, 5000);
  g_assert_true (connect_client (client, &error));
  g_assert_false (login_client (client, &error));
  g_assert_error (error, TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_PLAINTEXT_REFUSED);
  g_clear_object (&client);
  finish_server (server);
  g_assert_false (taube_test_server_received_prefix (server, "PASS"));
}

/* CAPA without USER and without SASL PLAIN, over plaintext: nothing is tried. */
static void
test_plaintext_refused_by_capa (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubePop3Client) client = NULL;
  g_autoptr(GError) error = NULL;

  script_login (server, "+OK\r\nSTLS\r\nSASL\r\nUIDL\r\n.\r\n");
  client = new_client (taube_test_server_start (server), TAUBE_SECURITY_NONE, 5000);
  g_assert_true (connect_client (client, &error));
  g_assert_false (login_client (client, &error));
  g_assert_error (error, TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_PLAINTEXT_REFUSED);
  g_clear_object (&client);
  finish_server (server);
  assert_no_credentials (server);
}

/* SASL PLAIN is preferred; the debug log never shows the password. */
static void
test_auth_plain_redacted (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubePop3Client) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *expected = NULL;
  const char raw[] = "\0alice\0" PASSWORD;

  encoded = g_base64_encode ((const guchar *) raw, sizeof raw - 1);
  expected = g_strdup_printf ("AUTH PLAIN %s", encoded);
  script_login (server, "+OK\r\nUSER\r\nSASL LOGIN PLAIN\r\n.\r\n");
  taube_test_server_expect (server, expected);
  taube_test_server_send (server, "+OK logged in\r\n");
  client = new_client (taube_test_server_start (server), TAUBE_SECURITY_NONE, 5000);

  capture.text = g_string_new (NULL);
  g_assert_true (connect_client (client, &error));
  g_assert_true (login_client (client, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (capture.text->str, "C: AUTH PLAIN ********"));
  g_assert_nonnull (strstr (capture.text->str, "S: +OK logged in"));
  g_assert_null (strstr (capture.text->str, PASSWORD));
  g_assert_null (strstr (capture.text->str, encoded));
  g_string_free (g_steal_pointer (&capture.text), TRUE);
  g_clear_object (&client);
  finish_server (server);
}

static void
test_user_pass_redacted (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubePop3Client) client = NULL;
  g_autoptr(GError) error = NULL;

  script_login (server, "+OK\r\nUSER\r\n.\r\n");
  taube_test_server_expect (server, "USER alice");
  taube_test_server_send (server, "+OK\r\n");
  taube_test_server_expect (server, "PASS " PASSWORD);
  taube_test_server_send (server, "-ERR [IN-USE] Mailbox locked\r\n");
  client = new_client (taube_test_server_start (server), TAUBE_SECURITY_NONE, 5000);

  capture.text = g_string_new (NULL);
  g_assert_true (connect_client (client, &error));
  g_assert_false (login_client (client, &error));
  g_assert_error (error, TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_IN_USE);
  g_assert_nonnull (strstr (capture.text->str, "C: PASS ********"));
  g_assert_null (strstr (capture.text->str, PASSWORD));
  g_string_free (g_steal_pointer (&capture.text), TRUE);
  g_clear_object (&client);
  finish_server (server);
}

static void
test_bad_credentials (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubePop3Client) client = NULL;
  g_autoptr(GError) error = NULL;

  script_login (server, "+OK\r\nSASL PLAIN\r\n.\r\n");
  taube_test_server_expect (server, "AUTH PLAIN *");
  taube_test_server_send (server, "-ERR [AUTH] Authentication failed.\r\n");
  client = new_client (taube_test_server_start (server), TAUBE_SECURITY_NONE, 5000);
  g_assert_true (connect_client (client, &error));
  g_assert_false (login_client (client, &error));
  g_assert_error (error, TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_BAD_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "Authentication failed."));
  g_clear_object (&client);
  finish_server (server);
}

static TaubePop3Client *
logged_in_client (TaubeTestServer *server,
                  guint            read_timeout_ms)
{
  TaubePop3Client *client = new_client (taube_test_server_start (server), TAUBE_SECURITY_NONE,
                                        read_timeout_ms);
  g_autoptr(GError) error = NULL;

  g_assert_true (connect_client (client, &error));
  g_assert_true (login_client (client, &error));
  g_assert_no_error (error);
  return client;
}

static void
script_logged_in (TaubeTestServer *server,
                  const char      *extra_capabilities)
{
  g_autofree char *capa = g_strdup_printf ("+OK\r\nUSER\r\nUIDL\r\nTOP\r\n%s.\r\n",
                                           extra_capabilities);

  script_login (server, capa);
  taube_test_server_expect (server, "USER alice");
  taube_test_server_send (server, "+OK\r\n");
  taube_test_server_expect (server, "PASS *");
  taube_test_server_send (server, "+OK\r\n");
}

static gboolean
retrieve (TaubePop3Client  *client,
          guint             number,
          guint64           max_size,
          GString          *into,
          GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();
  guint64 size = 0;
  gboolean ok;

  taube_pop3_client_retrieve_async (client, number, output, max_size, NULL,
                                    taube_test_store_result_cb, &result);
  ok = taube_pop3_client_retrieve_finish (client, taube_test_wait (&result), &size, error);
  g_string_append_len (into,
                       g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (output)),
                       (gssize) g_memory_output_stream_get_data_size (
                         G_MEMORY_OUTPUT_STREAM (output)));
  if (ok)
    g_assert_cmpuint (size, ==, into->len);
  return ok;
}

static void
test_disconnect_mid_retr (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubePop3Client) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) message = g_string_new (NULL);

  script_logged_in (server, "");
  taube_test_server_expect (server, "RETR 1");
  taube_test_server_send (server, "+OK 100 octets\r\nSubject: half\r\n\r\nThe first li");
  taube_test_server_close (server);
  client = logged_in_client (server, 5000);
  g_assert_false (retrieve (client, 1, 0, message, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  g_assert_false (taube_pop3_client_is_logged_in (client));
  g_clear_object (&client);
  finish_server (server);
}

static void
test_retr_then_more (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubePop3Client) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) message = g_string_new (NULL);
  g_autoptr(GString) too_big = g_string_new (NULL);
  g_autoptr(GAsyncResult) result = NULL;

  script_logged_in (server, "");
  taube_test_server_expect (server, "RETR 1");
  /* The next reply arrives in the same packet as the end of the message. */
  taube_test_server_send (server, "+OK\r\nA: b\r\n\r\n..x\r\n.\r\n");
  taube_test_server_expect (server, "NOOP");
  taube_test_server_send (server, "+OK\r\n");
  taube_test_server_expect (server, "RETR 2");
  taube_test_server_send (server, "-ERR no such message\r\n");
  taube_test_server_expect (server, "RETR 3");
  taube_test_server_send (server, "+OK\r\n0123456789\r\n0123456789\r\n.\r\n");
  client = logged_in_client (server, 5000);

  g_assert_true (retrieve (client, 1, 0, message, &error));
  g_assert_cmpstr (message->str, ==, "A: b\r\n\r\n.x\r\n");
  taube_pop3_client_noop_async (client, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_pop3_client_command_finish (client, taube_test_wait (&result), &error));
  g_assert_false (retrieve (client, 2, 0, message, &error));
  g_assert_error (error, TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_SERVER_ERROR);
  g_clear_error (&error);
  /* A -ERR leaves the session usable. */
  g_assert_false (retrieve (client, 3, 15, too_big, &error));
  g_assert_error (error, TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_MESSAGE_TOO_BIG);
  g_clear_object (&client);
  finish_server (server);
}

static void
test_read_timeout (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubePop3Client) client = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  /* The script ends without a greeting: the server accepts and stays silent. */
  client = new_client (taube_test_server_start (server), TAUBE_SECURITY_NONE, 300);
  g_assert_false (connect_client (client, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_clear_object (&client);
  finish_server (server);
}

static void
test_cancel (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubePop3Client) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;

  client = new_client (taube_test_server_start (server), TAUBE_SECURITY_NONE, 60000);
  taube_pop3_client_connect_async (client, cancellable, taube_test_store_result_cb, &result);
  g_timeout_add_once (100, (GSourceOnceFunc) g_cancellable_cancel, cancellable);
  g_assert_false (taube_pop3_client_connect_finish (client, taube_test_wait (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&client);
  finish_server (server);
}

static void
test_overlong_line (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubePop3Client) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *junk = g_strnfill (TAUBE_CONNECTION_DEFAULT_MAX_LINE + 10, 'x');
  g_autofree char *greeting = g_strdup_printf ("+OK %s\r\n", junk);

  taube_test_server_send (server, greeting);
  client = new_client (taube_test_server_start (server), TAUBE_SECURITY_NONE, 5000);
  g_assert_false (connect_client (client, &error));
  g_assert_error (error, TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_PROTOCOL);
  g_clear_object (&client);
  finish_server (server);
}

static void
test_nul_in_status (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(GBytes) greeting = g_bytes_new ("+OK a\0b\r\n", 9);
  g_autoptr(TaubePop3Client) client = NULL;
  g_autoptr(GError) error = NULL;

  taube_test_server_send_bytes (server, greeting);
  client = new_client (taube_test_server_start (server), TAUBE_SECURITY_NONE, 5000);
  g_assert_false (connect_client (client, &error));
  g_assert_error (error, TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_PROTOCOL);
  g_clear_object (&client);
  finish_server (server);
}

/* With PIPELINING, UIDL and LIST go out before either reply; bare LF is tolerated. */
static void
test_pipelined_scan (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubePop3Client) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) infos = NULL;
  TaubePop3MessageInfo *info;
  guint numbers[] = { 1, 2, 3 };

  script_logged_in (server, "PIPELINING\r\n");
  taube_test_server_expect (server, "UIDL");
  taube_test_server_expect (server, "LIST");
  taube_test_server_send (server, "+OK\r\n1 aaa\r\n2 bbb\r\n.\r\n"
                                  "+OK 2 messages\n1 100\n2 200\n.\n");
  taube_test_server_expect (server, "DELE 1");
  taube_test_server_expect (server, "DELE 2");
  taube_test_server_expect (server, "DELE 3");
  taube_test_server_send (server, "+OK\r\n+OK\r\n-ERR no such message\r\n");
  taube_test_server_expect (server, "QUIT");
  taube_test_server_send (server, "+OK bye\r\n");
  client = logged_in_client (server, 5000);

  taube_pop3_client_scan_async (client, NULL, taube_test_store_result_cb, &result);
  infos = taube_pop3_client_list_finish (client, taube_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (infos->len, ==, 2);
  info = g_ptr_array_index (infos, 1);
  g_assert_cmpuint (info->number, ==, 2);
  g_assert_cmpuint (info->size, ==, 200);
  g_assert_cmpstr (info->uid, ==, "bbb");

  g_clear_object (&result);
  taube_pop3_client_delete_async (client, numbers, 3, NULL, taube_test_store_result_cb, &result);
  g_assert_false (taube_pop3_client_command_finish (client, taube_test_wait (&result), &error));
  g_assert_error (error, TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_SERVER_ERROR);
  g_clear_error (&error);
  g_clear_object (&result);
  taube_pop3_client_quit_async (client, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_pop3_client_command_finish (client, taube_test_wait (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&client);
  finish_server (server);
}

static void
test_busy (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubePop3Client) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;

  script_logged_in (server, "");
  taube_test_server_expect (server, "NOOP");
  taube_test_server_send (server, "+OK\r\n");
  client = logged_in_client (server, 5000);
  taube_pop3_client_noop_async (client, NULL, taube_test_store_result_cb, &first);
  taube_pop3_client_stat_async (client, NULL, taube_test_store_result_cb, &second);
  g_assert_false (taube_pop3_client_stat_finish (client, taube_test_wait (&second), NULL, NULL,
                                                 &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_assert_true (taube_pop3_client_command_finish (client, taube_test_wait (&first), NULL));
  /* The results hold the client, and the client the connection the server waits on. */
  g_clear_object (&first);
  g_clear_object (&second);
  g_clear_object (&client);
  finish_server (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (taube_test_log_writer, &capture, NULL);

  g_test_add_func ("/pop3/fake/garbage-greeting", test_garbage_greeting);
  g_test_add_func ("/pop3/fake/starttls-not-offered", test_starttls_not_offered);
  g_test_add_func ("/pop3/fake/starttls-refused", test_starttls_refused);
  g_test_add_func ("/pop3/fake/starttls-injection", test_starttls_injection);
  g_test_add_func ("/pop3/fake/plaintext-needs-consent", test_plaintext_needs_consent);
  g_test_add_func ("/pop3/fake/plaintext-refused-at-user", test_plaintext_refused_at_user);
  g_test_add_func ("/pop3/fake/plaintext-refused-by-capa", test_plaintext_refused_by_capa);
  g_test_add_func ("/pop3/fake/auth-plain-redacted", test_auth_plain_redacted);
  g_test_add_func ("/pop3/fake/user-pass-redacted", test_user_pass_redacted);
  g_test_add_func ("/pop3/fake/bad-credentials", test_bad_credentials);
  g_test_add_func ("/pop3/fake/disconnect-mid-retr", test_disconnect_mid_retr);
  g_test_add_func ("/pop3/fake/retr-then-more", test_retr_then_more);
  g_test_add_func ("/pop3/fake/read-timeout", test_read_timeout);
  g_test_add_func ("/pop3/fake/cancel", test_cancel);
  g_test_add_func ("/pop3/fake/overlong-line", test_overlong_line);
  g_test_add_func ("/pop3/fake/nul-in-status", test_nul_in_status);
  g_test_add_func ("/pop3/fake/pipelined-scan", test_pipelined_scan);
  g_test_add_func ("/pop3/fake/busy", test_busy);

  return g_test_run ();
}
