/* test-smtp-client.c — sending through the rig's real Dovecot submission
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * alice sends to bob over submission (STARTTLS) and submissions (implicit TLS); the rig
 * relays to LMTP, and bob fetches the message over POP3 to compare it byte for byte. The
 * wrong password runs last because of Dovecot's auth penalty.
 */
#include <string.h>

#include "taube-pop3-client.h"
#include "taube-smtp-client.h"
#include "taube-smtp-error.h"
#include "taube-test-async.h"

static TaubeTestLogCapture capture;

static TaubeConnection *
new_connection (const char    *port_variable,
                TaubeSecurity  security,
                const char    *log_domain)
{
  g_autoptr(TaubeTlsTrust) trust = taube_tls_trust_new ();
  g_autoptr(GError) error = NULL;

  taube_tls_trust_add_ca_file (trust, taube_test_rig_env ("TAUBE_RIG_CA"), &error);
  g_assert_no_error (error);
  return taube_connection_new (taube_test_rig_env ("TAUBE_RIG_HOST"),
                               taube_test_rig_port (port_variable), security, trust,
                               log_domain, 10000, 30000);
}

static TaubeSmtpClient *
connect_smtp (const char    *port_variable,
              TaubeSecurity  security)
{
  g_autoptr(TaubeConnection) connection = new_connection (port_variable, security, "taube-smtp");
  TaubeSmtpClient *client = taube_smtp_client_new (connection);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  taube_smtp_client_connect_async (client, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_smtp_client_connect_finish (client, taube_test_wait (&result), &error));
  g_assert_no_error (error);
  g_assert_true (taube_connection_is_encrypted (connection));
  return client;
}

static gboolean
login (TaubeSmtpClient  *client,
       const char       *password,
       GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  taube_smtp_client_login_async (client, taube_test_rig_env ("TAUBE_RIG_USER"), password, NULL,
                                 taube_test_store_result_cb, &result);
  return taube_smtp_client_login_finish (client, taube_test_wait (&result), error);
}

static GPtrArray *
send_message (TaubeSmtpClient     *client,
              const char * const  *recipients,
              GBytes              *message,
              GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GInputStream) input = g_memory_input_stream_new_from_bytes (message);

  taube_smtp_client_send_async (client, taube_test_rig_env ("TAUBE_RIG_USER"), recipients,
                                input, (gint64) g_bytes_get_size (message),
                                TAUBE_SMTP_SEND_NONE, NULL, taube_test_store_result_cb,
                                &result);
  return taube_smtp_client_send_finish (client, taube_test_wait (&result), error);
}

static void
quit (TaubeSmtpClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  taube_smtp_client_quit_async (client, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_smtp_client_command_finish (client, taube_test_wait (&result), &error));
  g_assert_no_error (error);
}

static GBytes *
make_message (const char *subject,
              gsize       body_lines)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "From: %s\r\nTo: %s\r\nSubject: %s\r\n"
                                "Message-ID: <%s@example.test>\r\n\r\n",
                          taube_test_rig_env ("TAUBE_RIG_USER"),
                          taube_test_rig_env ("TAUBE_RIG_USER2"), subject, subject);
  g_string_append (text, ".a line that starts with a dot\r\n..two\r\n.\r\nafter the dot\r\n");
  for (gsize i = 0; i < body_lines; i++)
    g_string_append_printf (text, "%s%06" G_GSIZE_FORMAT " the quick brown fox jumps over the "
                                  "lazy dog\r\n", i % 5 == 0 ? "." : "", i);
  return g_string_free_to_bytes (text);
}

/* Polls bob's POP3 mailbox until a message ending with @sent is there; returns it. */
static GBytes *
fetch_as_bob (GBytes *sent)
{
  for (guint attempt = 0; attempt < 50; attempt++)
    {
      g_autoptr(TaubeConnection) connection =
        new_connection ("TAUBE_RIG_POP3S_PORT", TAUBE_SECURITY_TLS, "taube-pop3");
      g_autoptr(TaubePop3Client) pop3 = taube_pop3_client_new (connection);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GPtrArray) infos = NULL;
      g_autoptr(GError) error = NULL;

      taube_pop3_client_connect_async (pop3, NULL, taube_test_store_result_cb, &result);
      g_assert_true (taube_pop3_client_connect_finish (pop3, taube_test_wait (&result), &error));
      g_clear_object (&result);
      taube_pop3_client_login_async (pop3, taube_test_rig_env ("TAUBE_RIG_USER2"),
                                     taube_test_rig_env ("TAUBE_RIG_PASSWORD2"), NULL,
                                     taube_test_store_result_cb, &result);
      g_assert_true (taube_pop3_client_login_finish (pop3, taube_test_wait (&result), &error));
      g_clear_object (&result);
      taube_pop3_client_list_async (pop3, 0, NULL, taube_test_store_result_cb, &result);
      infos = taube_pop3_client_list_finish (pop3, taube_test_wait (&result), &error);
      g_assert_no_error (error);
      g_clear_object (&result);

      for (guint i = 0; i < infos->len; i++)
        {
          TaubePop3MessageInfo *info = g_ptr_array_index (infos, i);
          g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();
          g_autoptr(GBytes) got = NULL;
          gsize size = g_bytes_get_size (sent);

          taube_pop3_client_retrieve_async (pop3, info->number, output, 0, NULL,
                                            taube_test_store_result_cb, &result);
          g_assert_true (taube_pop3_client_retrieve_finish (pop3, taube_test_wait (&result),
                                                            NULL, &error));
          g_clear_object (&result);
          g_output_stream_close (output, NULL, NULL);
          got = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (output));
          /* Delivery puts its trace fields (Return-Path, Received) in front. */
          if (g_bytes_get_size (got) >= size
              && memcmp ((const char *) g_bytes_get_data (got, NULL) + g_bytes_get_size (got)
                         - size, g_bytes_get_data (sent, NULL), size) == 0)
            return g_steal_pointer (&got);
        }
      g_usleep (200 * 1000);
    }
  g_error ("The message did not arrive in bob's mailbox");
  return NULL;
}

static void
send_and_fetch (const char    *port_variable,
                TaubeSecurity  security,
                const char    *subject)
{
  g_autoptr(TaubeSmtpClient) client = connect_smtp (port_variable, security);
  g_autoptr(GBytes) message = make_message (subject, 30000);
  g_autoptr(GPtrArray) recipients = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GError) error = NULL;
  const char *to[] = { taube_test_rig_env ("TAUBE_RIG_USER2"), NULL };
  const char *password = taube_test_rig_env ("TAUBE_RIG_PASSWORD");

  capture.text = g_string_new (NULL);
  g_assert_true (login (client, password, &error));
  g_assert_no_error (error);
  recipients = send_message (client, to, message, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recipients->len, ==, 1);
  g_assert_true (((TaubeSmtpRecipient *) g_ptr_array_index (recipients, 0))->accepted);
  quit (client);
  g_assert_nonnull (strstr (capture.text->str, "C: AUTH PLAIN ********"));
  g_assert_null (strstr (capture.text->str, password));
  g_string_free (g_steal_pointer (&capture.text), TRUE);

  got = fetch_as_bob (message);
  g_assert_nonnull (got);
}

static void
test_send_starttls (void)
{
  send_and_fetch ("TAUBE_RIG_SUBMISSION_PORT", TAUBE_SECURITY_STARTTLS, "starttls");
}

static void
test_send_tls (void)
{
  send_and_fetch ("TAUBE_RIG_SUBMISSIONS_PORT", TAUBE_SECURITY_TLS, "implicit-tls");
}

/* A recipient the server refuses at RCPT does not stop the message to the others. */
static void
test_some_recipients_refused (void)
{
  g_autoptr(TaubeSmtpClient) client = connect_smtp ("TAUBE_RIG_SUBMISSIONS_PORT",
                                                    TAUBE_SECURITY_TLS);
  g_autoptr(GBytes) message = make_message ("partly", 3);
  g_autoptr(GPtrArray) recipients = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GError) error = NULL;
  const char *to[] = { taube_test_rig_env ("TAUBE_RIG_USER2"), "no-domain", NULL };
  TaubeSmtpRecipient *refused;

  g_assert_true (login (client, taube_test_rig_env ("TAUBE_RIG_PASSWORD"), &error));
  recipients = send_message (client, to, message, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recipients->len, ==, 2);
  g_assert_true (((TaubeSmtpRecipient *) g_ptr_array_index (recipients, 0))->accepted);
  refused = g_ptr_array_index (recipients, 1);
  g_assert_false (refused->accepted);
  g_assert_cmpuint (refused->code / 100, ==, 5);
  g_test_message ("refused: %u %s", refused->code, refused->text);
  quit (client);
  got = fetch_as_bob (message);
}

/* The rig's relay accepts every RCPT and finds out at delivery that a mailbox does not
 * exist: the reply to the final dot refuses the message, which is a permanent error. */
static void
test_unknown_recipient (void)
{
  g_autoptr(TaubeSmtpClient) client = connect_smtp ("TAUBE_RIG_SUBMISSION_PORT",
                                                    TAUBE_SECURITY_STARTTLS);
  g_autoptr(GBytes) message = make_message ("unknown", 3);
  g_autoptr(GPtrArray) recipients = NULL;
  g_autoptr(GError) error = NULL;
  const char *to[] = { "nobody@example.test", NULL };
  g_autoptr(GAsyncResult) result = NULL;

  g_assert_true (login (client, taube_test_rig_env ("TAUBE_RIG_PASSWORD"), &error));
  recipients = send_message (client, to, message, &error);
  g_assert_null (recipients);
  g_assert_error (error, TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_PERMANENT);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  /* The session is still usable. */
  taube_smtp_client_reset_async (client, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_smtp_client_command_finish (client, taube_test_wait (&result), &error));
  g_assert_no_error (error);
  quit (client);
}

static void
test_not_logged_in (void)
{
  g_autoptr(TaubeSmtpClient) client = connect_smtp ("TAUBE_RIG_SUBMISSIONS_PORT",
                                                    TAUBE_SECURITY_TLS);
  g_autoptr(GBytes) message = make_message ("anonymous", 1);
  g_autoptr(GPtrArray) recipients = NULL;
  g_autoptr(GError) error = NULL;
  const char *to[] = { taube_test_rig_env ("TAUBE_RIG_USER2"), NULL };

  recipients = send_message (client, to, message, &error);
  g_assert_error (error, TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_AUTH_REQUIRED);
  g_test_message ("%s", error->message);
}

/* 127.0.0.2 is "remote": without TLS no AUTH is offered, and no password is sent. */
static void
test_plaintext_refused_remote (void)
{
  g_autoptr(TaubeConnection) connection = taube_connection_new (
    taube_test_rig_env ("TAUBE_RIG_REMOTE_HOST"),
    taube_test_rig_port ("TAUBE_RIG_SUBMISSION_PORT"), TAUBE_SECURITY_NONE, NULL, "taube-smtp",
    10000, 30000);
  g_autoptr(TaubeSmtpClient) client = taube_smtp_client_new (connection);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  taube_smtp_client_set_allow_plaintext (client, TRUE);
  taube_smtp_client_connect_async (client, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_smtp_client_connect_finish (client, taube_test_wait (&result), &error));
  capture.text = g_string_new (NULL);
  g_assert_false (login (client, taube_test_rig_env ("TAUBE_RIG_PASSWORD"), &error));
  g_assert_error (error, TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_PLAINTEXT_REFUSED);
  g_assert_null (strstr (capture.text->str, "C: AUTH"));
  g_string_free (g_steal_pointer (&capture.text), TRUE);
}

static void
test_bad_password (void)
{
  g_autoptr(TaubeSmtpClient) client = connect_smtp ("TAUBE_RIG_SUBMISSION_PORT",
                                                    TAUBE_SECURITY_STARTTLS);
  g_autoptr(GError) error = NULL;

  g_assert_false (login (client, "wrong", &error));
  g_assert_error (error, TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_BAD_CREDENTIALS);
  g_test_message ("%s", error->message);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (taube_test_log_writer, &capture, NULL);

  g_test_add_func ("/smtp/client/send-starttls", test_send_starttls);
  g_test_add_func ("/smtp/client/send-tls", test_send_tls);
  g_test_add_func ("/smtp/client/some-recipients-refused", test_some_recipients_refused);
  g_test_add_func ("/smtp/client/unknown-recipient", test_unknown_recipient);
  g_test_add_func ("/smtp/client/not-logged-in", test_not_logged_in);
  g_test_add_func ("/smtp/client/plaintext-refused-remote", test_plaintext_refused_remote);
  /* Last: Dovecot's auth penalty would slow down every login after it. */
  g_test_add_func ("/smtp/client/bad-password", test_bad_password);

  return g_test_run ();
}
