/* test-connection.c — lines, limits, timeouts, redaction and errors of TaubeConnection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "taube-connection.h"
#include "taube-test-async.h"
#include "taube-test-server.h"

static TaubeTestLogCapture capture;

static TaubeConnection *
connect_to (TaubeTestServer *server,
            guint            read_timeout_ms)
{
  TaubeConnection *connection = taube_connection_new ("127.0.0.1",
                                                      taube_test_server_start (server),
                                                      TAUBE_SECURITY_NONE, NULL, "taube-test",
                                                      5000, read_timeout_ms);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  taube_connection_connect_async (connection, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_connection_connect_finish (connection, taube_test_wait (&result), &error));
  g_assert_no_error (error);
  g_assert_true (taube_connection_is_connected (connection));
  g_assert_false (taube_connection_is_encrypted (connection));
  return connection;
}

static char *
read_line (TaubeConnection  *connection,
           gsize            *length,
           GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  taube_connection_read_line_async (connection, NULL, taube_test_store_result_cb, &result);
  return taube_connection_read_line_finish (connection, taube_test_wait (&result), length,
                                            error);
}

static void
close_connection (TaubeConnection *connection)
{
  g_autoptr(GAsyncResult) result = NULL;

  taube_connection_close_async (connection, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_connection_close_finish (connection, taube_test_wait (&result), NULL));
  g_assert_false (taube_connection_is_connected (connection));
}

static void
finish_server (TaubeTestServer *server)
{
  g_autofree char *failure = NULL;

  if (!taube_test_server_finish (server, &failure))
    g_error ("script: %s", failure);
}

static void
test_lines (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(GBytes) nul = g_bytes_new ("a\0b\r\n", 5);
  g_autoptr(TaubeConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  const char *expected[] = { "crlf", "bare lf", "", "cr inside\rline", NULL };
  const guint8 *rest;
  gsize length;

  taube_test_server_send (server, "crlf\r\nbare lf\n\r\ncr inside\rline\r\n");
  taube_test_server_send_bytes (server, nul);
  taube_test_server_send (server, "raw tail");
  taube_test_server_close (server);
  connection = connect_to (server, 5000);

  for (guint i = 0; expected[i] != NULL; i++)
    {
      g_autofree char *line = read_line (connection, &length, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (line, ==, expected[i]);
      g_assert_cmpuint (length, ==, strlen (expected[i]));
    }
  {
    g_autofree char *line = read_line (connection, &length, &error);

    g_assert_cmpmem (line, length, "a\0b", 3);
  }
  /* What follows the lines is there for raw reads. */
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GString) raw = g_string_new (NULL);

    while (raw->len < 8)
      {
        taube_connection_fill_async (connection, NULL, taube_test_store_result_cb, &result);
        g_assert_true (taube_connection_fill_finish (connection, taube_test_wait (&result),
                                                     &error));
        g_clear_object (&result);
        rest = taube_connection_peek (connection, &length);
        g_string_append_len (raw, (const char *) rest, (gssize) length);
        taube_connection_consume (connection, length);
      }
    g_assert_cmpstr (raw->str, ==, "raw tail");
    taube_connection_fill_async (connection, NULL, taube_test_store_result_cb, &result);
    g_assert_false (taube_connection_fill_finish (connection, taube_test_wait (&result),
                                                  &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
    g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  }
  close_connection (connection);
  finish_server (server);
}

static void
test_overlong_line (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *exact = g_strnfill (100, 'a');
  g_autofree char *text = g_strdup_printf ("%s\r\n%s\r\n", exact, exact);
  g_autofree char *endless = g_strnfill (300 * 1024, 'b');
  g_autofree char *line = NULL;

  taube_test_server_send (server, text);
  taube_test_server_send (server, endless);
  connection = connect_to (server, 5000);
  taube_connection_set_max_line_length (connection, 100);
  line = read_line (connection, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, exact);
  g_clear_pointer (&line, g_free);
  line = read_line (connection, NULL, &error);
  g_assert_cmpstr (line, ==, exact);
  g_clear_pointer (&line, g_free);
  /* A line without end stops at the limit, not at the end of memory. */
  taube_connection_set_max_line_length (connection, TAUBE_CONNECTION_DEFAULT_MAX_LINE);
  line = read_line (connection, NULL, &error);
  g_assert_null (line);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_test_message ("%s", error->message);
  g_clear_object (&connection);
  finish_server (server);
}

static void
test_read_timeout (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gint64 start;

  taube_test_server_send (server, "one\r\n");
  connection = connect_to (server, 200);
  line = read_line (connection, NULL, &error);
  g_assert_cmpstr (line, ==, "one");
  g_clear_pointer (&line, g_free);
  start = g_get_monotonic_time ();
  line = read_line (connection, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 150 * 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  g_test_message ("%s", error->message);
  close_connection (connection);
  finish_server (server);
}

static void
test_cancel_read (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeConnection) connection = connect_to (server, 0);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  taube_connection_read_line_async (connection, cancellable, taube_test_store_result_cb, &result);
  g_timeout_add_once (50, (GSourceOnceFunc) g_cancellable_cancel, cancellable);
  line = taube_connection_read_line_finish (connection, taube_test_wait (&result), NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  close_connection (connection);
  finish_server (server);
}

static void
test_connect_refused (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(TaubeConnection) connection = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  /* A port that was just free and has no listener. */
  g_socket_bind (socket, any, TRUE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  connection = taube_connection_new ("127.0.0.1", port, TAUBE_SECURITY_TLS, NULL, "taube-test",
                                     5000, 5000);
  taube_connection_connect_async (connection, NULL, taube_test_store_result_cb, &result);
  g_assert_false (taube_connection_connect_finish (connection, taube_test_wait (&result),
                                                   &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_nonnull (strstr (error->message, "port"));
  g_test_message ("%s", error->message);
}

/* A listener whose accept queue is full drops further SYNs: connecting hangs. */
static void
test_connect_timeout (void)
{
  g_autoptr(GSocket) listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                              G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GPtrArray) fillers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(TaubeConnection) connection = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  g_socket_bind (listener, any, TRUE, &error);
  g_assert_no_error (error);
  g_socket_set_listen_backlog (listener, 0);
  g_socket_listen (listener, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (listener, NULL);
  for (guint i = 0; i < 4; i++)
    {
      GSocket *filler = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL);

      g_socket_set_blocking (filler, FALSE);
      g_socket_connect (filler, bound, NULL, NULL);
      g_ptr_array_add (fillers, filler);
    }

  connection = taube_connection_new ("127.0.0.1",
                                     g_inet_socket_address_get_port (
                                       G_INET_SOCKET_ADDRESS (bound)),
                                     TAUBE_SECURITY_NONE, NULL, "taube-test", 300, 5000);
  start = g_get_monotonic_time ();
  taube_connection_connect_async (connection, NULL, taube_test_store_result_cb, &result);
  if (taube_connection_connect_finish (connection, taube_test_wait (&result), &error))
    {
      g_test_skip ("The kernel accepted the connection despite a full accept queue");
      return;
    }
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  g_assert_nonnull (strstr (error->message, "1"));
  g_test_message ("%s", error->message);
}

/* Implicit TLS against a server that speaks plaintext. */
static void
test_not_tls (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeConnection) connection = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  taube_test_server_send (server, "+OK plain POP3 here, no TLS\r\n");
  taube_test_server_close (server);
  connection = taube_connection_new ("127.0.0.1", taube_test_server_start (server),
                                     TAUBE_SECURITY_TLS, NULL, "taube-test", 5000, 5000);
  taube_connection_connect_async (connection, NULL, taube_test_store_result_cb, &result);
  g_assert_false (taube_connection_connect_finish (connection, taube_test_wait (&result),
                                                   &error));
  g_assert_true (error->domain == G_TLS_ERROR || error->domain == G_IO_ERROR);
  g_test_message ("%s", error->message);
  finish_server (server);
}

static void
test_write_redacted (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeConnection) connection = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *batch[] = { "UIDL", "LIST", NULL };
  g_autoptr(GBytes) body = g_bytes_new_static ("secret body\r\n", 13);

  taube_test_server_expect (server, "PASS hunter2-password");
  taube_test_server_expect (server, "c2VjcmV0LXNhc2w=");
  taube_test_server_expect (server, "UIDL");
  taube_test_server_expect (server, "LIST");
  taube_test_server_expect (server, "secret body");
  connection = connect_to (server, 5000);
  capture.text = g_string_new (NULL);

  taube_connection_write_line_async (connection, "PASS", "hunter2-password", NULL,
                                     taube_test_store_result_cb, &result);
  g_assert_true (taube_connection_write_finish (connection, taube_test_wait (&result), &error));
  g_clear_object (&result);
  taube_connection_write_line_async (connection, NULL, "c2VjcmV0LXNhc2w=", NULL,
                                     taube_test_store_result_cb, &result);
  g_assert_true (taube_connection_write_finish (connection, taube_test_wait (&result), &error));
  g_clear_object (&result);
  taube_connection_write_lines_async (connection, batch, NULL, taube_test_store_result_cb,
                                      &result);
  g_assert_true (taube_connection_write_finish (connection, taube_test_wait (&result), &error));
  g_clear_object (&result);
  taube_connection_write_bytes_async (connection, body, NULL, taube_test_store_result_cb,
                                      &result);
  g_assert_true (taube_connection_write_finish (connection, taube_test_wait (&result), &error));
  g_clear_object (&result);
  /* A line break in a user name would start a second command. */
  taube_connection_write_line_async (connection, "USER a\r\nDELE 1", NULL, NULL,
                                     taube_test_store_result_cb, &result);
  g_assert_false (taube_connection_write_finish (connection, taube_test_wait (&result),
                                                 &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);

  g_assert_nonnull (strstr (capture.text->str, "C: PASS ********\n"));
  g_assert_nonnull (strstr (capture.text->str, "C: ********\n"));
  g_assert_nonnull (strstr (capture.text->str, "C: UIDL\nC: LIST\n"));
  g_assert_nonnull (strstr (capture.text->str, "C: <13 bytes of data>"));
  g_assert_null (strstr (capture.text->str, "hunter2"));
  g_assert_null (strstr (capture.text->str, "c2VjcmV0"));
  g_assert_null (strstr (capture.text->str, "secret body"));
  g_string_free (g_steal_pointer (&capture.text), TRUE);
  close_connection (connection);
  finish_server (server);
}

/* Server lines are logged with control characters escaped. */
static void
test_log_escapes (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  taube_test_server_send (server, "+OK \033[31mred\xff\r\n");
  connection = connect_to (server, 5000);
  capture.text = g_string_new (NULL);
  line = read_line (connection, NULL, &error);
  g_assert_nonnull (strstr (capture.text->str, "S: +OK \\x1b[31mred\\xff\n"));
  g_string_free (g_steal_pointer (&capture.text), TRUE);
  close_connection (connection);
  finish_server (server);
}

static void
test_start_tls_with_buffered_data (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeConnection) connection = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  taube_test_server_send (server, "220 go ahead\r\n250 injected\r\n");
  connection = connect_to (server, 5000);
  line = read_line (connection, NULL, &error);
  taube_connection_start_tls_async (connection, NULL, taube_test_store_result_cb, &result);
  g_assert_false (taube_connection_start_tls_finish (connection, taube_test_wait (&result),
                                                     &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  close_connection (connection);
  finish_server (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (taube_test_log_writer, &capture, NULL);

  g_test_add_func ("/connection/lines", test_lines);
  g_test_add_func ("/connection/overlong-line", test_overlong_line);
  g_test_add_func ("/connection/read-timeout", test_read_timeout);
  g_test_add_func ("/connection/cancel-read", test_cancel_read);
  g_test_add_func ("/connection/connect-refused", test_connect_refused);
  g_test_add_func ("/connection/connect-timeout", test_connect_timeout);
  g_test_add_func ("/connection/not-tls", test_not_tls);
  g_test_add_func ("/connection/write-redacted", test_write_redacted);
  g_test_add_func ("/connection/log-escapes", test_log_escapes);
  g_test_add_func ("/connection/start-tls-with-buffered-data", test_start_tls_with_buffered_data);

  return g_test_run ();
}
