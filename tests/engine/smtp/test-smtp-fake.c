/* test-smtp-fake.c — SMTP paths against a scripted server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What Dovecot's submission will not show on request: a server without STARTTLS, refusals
 * of single recipients at RCPT, 4xx against 5xx, SIZE limits, HELO-only servers, a
 * connection lost in the middle of DATA. Plain connections on 127.0.0.1 only.
 */
#include <string.h>

#include "taube-smtp-client.h"
#include "taube-smtp-error.h"
#include "taube-test-async.h"
#include "taube-test-server.h"

#define PASSWORD "s3cret-Pa55word"

static TaubeTestLogCapture capture;

static TaubeSmtpClient *
new_client (guint16       port,
            TaubeSecurity security)
{
  g_autoptr(TaubeConnection) connection =
    taube_connection_new ("127.0.0.1", port, security, NULL, "taube-smtp", 5000, 5000);
  TaubeSmtpClient *client = taube_smtp_client_new (connection);

  taube_smtp_client_set_allow_plaintext (client, TRUE);
  return client;
}

static gboolean
connect_client (TaubeSmtpClient  *client,
                GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  taube_smtp_client_connect_async (client, NULL, taube_test_store_result_cb, &result);
  return taube_smtp_client_connect_finish (client, taube_test_wait (&result), error);
}

static gboolean
login_client (TaubeSmtpClient  *client,
              GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  taube_smtp_client_login_async (client, "alice", PASSWORD, NULL, taube_test_store_result_cb,
                                 &result);
  return taube_smtp_client_login_finish (client, taube_test_wait (&result), error);
}

static GPtrArray *
send_message (TaubeSmtpClient     *client,
              const char * const  *to,
              const char          *message,
              gint64               size,
              GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GInputStream) input = g_memory_input_stream_new_from_data (message, -1, NULL);

  taube_smtp_client_send_async (client, "alice@example.test", to, input, size,
                                TAUBE_SMTP_SEND_NONE, NULL, taube_test_store_result_cb,
                                &result);
  return taube_smtp_client_send_finish (client, taube_test_wait (&result), error);
}

static void
finish_server (TaubeTestServer *server)
{
  g_autofree char *failure = NULL;

  if (!taube_test_server_finish (server, &failure))
    g_error ("script: %s", failure);
}

static void
script_hello (TaubeTestServer *server,
              const char      *extensions)
{
  g_autofree char *ehlo = g_strdup_printf ("250-fake.example says hello\r\n%s", extensions);

  taube_test_server_send (server, "220 fake.example ESMTP\r\n");
  taube_test_server_expect (server, "EHLO [127.0.0.1]");
  taube_test_server_send (server, ehlo);
}

static void
test_starttls_not_offered (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  script_hello (server, "250 AUTH PLAIN LOGIN\r\n");
  client = new_client (taube_test_server_start (server), TAUBE_SECURITY_STARTTLS);
  g_assert_false (connect_client (client, &error));
  g_assert_error (error, TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_STARTTLS_NOT_OFFERED);
  g_clear_error (&error);
  g_assert_false (login_client (client, &error));
  g_clear_object (&client);
  finish_server (server);
  g_assert_false (taube_test_server_received_prefix (server, "AUTH"));
}

static void
test_starttls_refused (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  script_hello (server, "250-STARTTLS\r\n250 AUTH PLAIN\r\n");
  taube_test_server_expect (server, "STARTTLS");
  taube_test_server_send (server, "454 4.7.0 TLS not available due to temporary reason\r\n");
  client = new_client (taube_test_server_start (server), TAUBE_SECURITY_STARTTLS);
  g_assert_false (connect_client (client, &error));
  g_assert_error (error, TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_STARTTLS_FAILED);
  g_assert_nonnull (strstr (error->message, "TLS not available"));
  g_clear_object (&client);
  finish_server (server);
  g_assert_false (taube_test_server_received_prefix (server, "AUTH"));
}

static void
test_garbage_greeting (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  taube_test_server_send (server, "+OK this is POP3\r\n");
  client = new_client (taube_test_server_start (server), TAUBE_SECURITY_NONE);
  g_assert_false (connect_client (client, &error));
  g_assert_error (error, TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_PROTOCOL);
  g_clear_object (&client);
  finish_server (server);
}

static void
test_helo_fallback_no_auth (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  taube_test_server_send (server, "220 old.example\r\n");
  taube_test_server_expect (server, "EHLO *");
  taube_test_server_send (server, "500 Command unrecognized\r\n");
  taube_test_server_expect (server, "HELO [127.0.0.1]");
  taube_test_server_send (server, "250 old.example\r\n");
  client = new_client (taube_test_server_start (server), TAUBE_SECURITY_NONE);
  g_assert_true (connect_client (client, &error));
  g_assert_no_error (error);
  /* No AUTH offered over plaintext: the password stays here. */
  g_assert_false (login_client (client, &error));
  g_assert_error (error, TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_PLAINTEXT_REFUSED);
  g_clear_object (&client);
  finish_server (server);
  g_assert_false (taube_test_server_received_prefix (server, "AUTH"));
}

static void
test_plaintext_needs_consent (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  script_hello (server, "250 AUTH PLAIN\r\n");
  client = new_client (taube_test_server_start (server), TAUBE_SECURITY_NONE);
  taube_smtp_client_set_allow_plaintext (client, FALSE);
  g_assert_true (connect_client (client, &error));
  g_assert_false (login_client (client, &error));
  g_assert_error (error, TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_PLAINTEXT_REFUSED);
  g_clear_object (&client);
  finish_server (server);
  g_assert_false (taube_test_server_received_prefix (server, "AUTH"));
}

/* AUTH LOGIN sends user and password on lines of their own; the log shows neither. */
static void
test_auth_login_redacted (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user = g_base64_encode ((const guchar *) "alice", 5);
  g_autofree char *password = g_base64_encode ((const guchar *) PASSWORD, strlen (PASSWORD));

  script_hello (server, "250 AUTH LOGIN\r\n");
  taube_test_server_expect (server, "AUTH LOGIN");
  taube_test_server_send (server, "334 VXNlcm5hbWU6\r\n");
  taube_test_server_expect (server, user);
  taube_test_server_send (server, "334 UGFzc3dvcmQ6\r\n");
  taube_test_server_expect (server, password);
  taube_test_server_send (server, "535 5.7.8 Authentication credentials invalid\r\n");
  client = new_client (taube_test_server_start (server), TAUBE_SECURITY_NONE);
  capture.text = g_string_new (NULL);
  g_assert_true (connect_client (client, &error));
  g_assert_false (login_client (client, &error));
  g_assert_error (error, TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_BAD_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "5.7.8 Authentication credentials invalid"));
  g_assert_nonnull (strstr (capture.text->str, "C: AUTH LOGIN"));
  g_assert_nonnull (strstr (capture.text->str, "C: ********"));
  g_assert_null (strstr (capture.text->str, PASSWORD));
  g_assert_null (strstr (capture.text->str, password));
  g_string_free (g_steal_pointer (&capture.text), TRUE);
  g_clear_object (&client);
  finish_server (server);
}

static TaubeSmtpClient *
ready_client (TaubeTestServer *server)
{
  TaubeSmtpClient *client = new_client (taube_test_server_start (server), TAUBE_SECURITY_NONE);
  g_autoptr(GError) error = NULL;

  g_assert_true (connect_client (client, &error));
  g_assert_no_error (error);
  return client;
}

/* MAIL and both RCPTs in one go; one recipient refused, the message still goes. */
static void
test_pipelined_partial (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) recipients = NULL;
  const char *to[] = { "bob@example.test", "nobody@example.test", NULL };
  const char *message = "Subject: hi\n\n.leading dot\r\n.\r\nlast line without end";
  const char *wire = "Subject: hi\r\n\r\n..leading dot\r\n..\r\nlast line without end\r\n"
                     ".\r\n";
  GBytes *data;
  TaubeSmtpRecipient *refused;

  script_hello (server, "250-PIPELINING\r\n250-SIZE 1000\r\n250 8BITMIME\r\n");
  taube_test_server_expect (server, "MAIL FROM:<alice@example.test> SIZE=56");
  taube_test_server_expect (server, "RCPT TO:<bob@example.test>");
  taube_test_server_expect (server, "RCPT TO:<nobody@example.test>");
  taube_test_server_send (server, "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n"
                                  "550 5.1.1 <nobody@example.test>: Recipient address "
                                  "rejected\r\n");
  taube_test_server_expect (server, "DATA");
  taube_test_server_send (server, "354 End data with <CR><LF>.<CR><LF>\r\n");
  taube_test_server_expect_data (server);
  taube_test_server_send (server, "250 2.0.0 Ok: queued as 12345\r\n");
  taube_test_server_expect (server, "QUIT");
  taube_test_server_send (server, "221 2.0.0 Bye\r\n");
  client = ready_client (server);

  recipients = send_message (client, to, message, 56, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recipients->len, ==, 2);
  g_assert_true (((TaubeSmtpRecipient *) g_ptr_array_index (recipients, 0))->accepted);
  refused = g_ptr_array_index (recipients, 1);
  g_assert_false (refused->accepted);
  g_assert_cmpuint (refused->code, ==, 550);
  g_assert_cmpstr (refused->text, ==, "5.1.1 <nobody@example.test>: Recipient address rejected");
  {
    g_autoptr(GAsyncResult) result = NULL;

    taube_smtp_client_quit_async (client, NULL, taube_test_store_result_cb, &result);
    g_assert_true (taube_smtp_client_command_finish (client, taube_test_wait (&result), &error));
  }
  g_clear_object (&client);
  finish_server (server);
  data = taube_test_server_get_data (server);
  g_assert_cmpmem (g_bytes_get_data (data, NULL), g_bytes_get_size (data), wire, strlen (wire));
}

/* All recipients refused: 4xx is worth a retry, 5xx is not; RSET keeps the session. */
static void
test_all_refused (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) recipients = NULL;
  const char *to[] = { "a@example.test", "b@example.test", NULL };

  script_hello (server, "250 SIZE\r\n");
  taube_test_server_expect (server, "MAIL FROM:<alice@example.test> SIZE=3");
  taube_test_server_send (server, "250 Ok\r\n");
  taube_test_server_expect (server, "RCPT TO:<a@example.test>");
  taube_test_server_send (server, "450 4.2.1 Mailbox busy\r\n");
  taube_test_server_expect (server, "RCPT TO:<b@example.test>");
  taube_test_server_send (server, "451 4.3.0 Try later\r\n");
  taube_test_server_expect (server, "RSET");
  taube_test_server_send (server, "250 Ok\r\n");
  taube_test_server_expect (server, "MAIL FROM:<alice@example.test> SIZE=3");
  taube_test_server_send (server, "250 Ok\r\n");
  taube_test_server_expect (server, "RCPT TO:<a@example.test>");
  taube_test_server_send (server, "550 5.1.1 No such user\r\n");
  taube_test_server_expect (server, "RCPT TO:<b@example.test>");
  taube_test_server_send (server, "451 4.3.0 Try later\r\n");
  taube_test_server_expect (server, "RSET");
  taube_test_server_send (server, "250 Ok\r\n");
  taube_test_server_expect (server, "MAIL FROM:<alice@example.test> SIZE=3");
  taube_test_server_send (server, "250 Ok\r\n");
  taube_test_server_expect (server, "RCPT TO:<a@example.test>");
  taube_test_server_send (server, "250 Ok\r\n");
  taube_test_server_expect (server, "RCPT TO:<b@example.test>");
  taube_test_server_send (server, "250 Ok\r\n");
  taube_test_server_expect (server, "DATA");
  taube_test_server_send (server, "354 Go ahead\r\n");
  taube_test_server_expect_data (server);
  taube_test_server_send (server, "552 5.3.4 Message too big for system\r\n");
  client = ready_client (server);

  recipients = send_message (client, to, "hi\n", 3, &error);
  g_assert_null (recipients);
  g_assert_error (error, TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_TRANSIENT);
  g_clear_error (&error);
  recipients = send_message (client, to, "hi\n", 3, &error);
  g_assert_error (error, TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_RECIPIENT_REJECTED);
  g_assert_nonnull (strstr (error->message, "a@example.test: 5.1.1 No such user"));
  g_clear_error (&error);
  recipients = send_message (client, to, "hi\n", 3, &error);
  g_assert_error (error, TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_MESSAGE_TOO_BIG);
  g_clear_object (&client);
  finish_server (server);
}

/* Over the server's SIZE: refused before MAIL. Bad addresses: refused before sending. */
static void
test_refused_before_sending (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) recipients = NULL;
  const char *to[] = { "bob@example.test", NULL };
  const char *evil[] = { "bob@example.test>\r\nRCPT TO:<eve@example.test", NULL };
  const char *utf8[] = { "jürgen@example.test", NULL };

  script_hello (server, "250 SIZE 100\r\n");
  client = ready_client (server);
  g_assert_cmpuint (taube_smtp_client_get_max_size (client), ==, 100);
  recipients = send_message (client, to, "x", 5000, &error);
  g_assert_error (error, TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_MESSAGE_TOO_BIG);
  g_clear_error (&error);
  recipients = send_message (client, evil, "x", 1, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  recipients = send_message (client, utf8, "x", 1, &error);
  g_assert_error (error, TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_NOT_SUPPORTED);
  g_clear_object (&client);
  finish_server (server);
  g_assert_false (taube_test_server_received_prefix (server, "MAIL"));
  g_assert_false (taube_test_server_received_prefix (server, "RCPT"));
}

/* The connection drops while the message is being sent: an error, never a success. */
static void
test_disconnect_mid_data (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) recipients = NULL;
  const char *to[] = { "bob@example.test", NULL };
  g_autofree char *big = g_strnfill (4 * 1024 * 1024, 'x');

  script_hello (server, "250 8BITMIME\r\n");
  taube_test_server_expect (server, "MAIL FROM:<alice@example.test>");
  taube_test_server_send (server, "250 Ok\r\n");
  taube_test_server_expect (server, "RCPT TO:<bob@example.test>");
  taube_test_server_send (server, "250 Ok\r\n");
  taube_test_server_expect (server, "DATA");
  taube_test_server_send (server, "354 Go ahead\r\n");
  taube_test_server_close (server);
  client = ready_client (server);

  recipients = send_message (client, to, big, -1, &error);
  g_assert_null (recipients);
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_IO_ERROR || error->domain == TAUBE_SMTP_ERROR);
  g_test_message ("%s", error->message);
  g_clear_object (&client);
  finish_server (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (taube_test_log_writer, &capture, NULL);

  g_test_add_func ("/smtp/fake/starttls-not-offered", test_starttls_not_offered);
  g_test_add_func ("/smtp/fake/starttls-refused", test_starttls_refused);
  g_test_add_func ("/smtp/fake/garbage-greeting", test_garbage_greeting);
  g_test_add_func ("/smtp/fake/helo-fallback-no-auth", test_helo_fallback_no_auth);
  g_test_add_func ("/smtp/fake/plaintext-needs-consent", test_plaintext_needs_consent);
  g_test_add_func ("/smtp/fake/auth-login-redacted", test_auth_login_redacted);
  g_test_add_func ("/smtp/fake/pipelined-partial", test_pipelined_partial);
  g_test_add_func ("/smtp/fake/all-refused", test_all_refused);
  g_test_add_func ("/smtp/fake/refused-before-sending", test_refused_before_sending);
  g_test_add_func ("/smtp/fake/disconnect-mid-data", test_disconnect_mid_data);

  return g_test_run ();
}
