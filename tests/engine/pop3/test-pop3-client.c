/* test-pop3-client.c — POP3 against the rig's real Dovecot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Messages are put into alice's INBOX with "doveadm save", byte for byte, and must come
 * back from RETR exactly so. The wrong-password case runs last: Dovecot slows down
 * logins from an address that just failed one.
 */
#include <string.h>

#include "taube-pop3-client.h"
#include "taube-pop3-error.h"
#include "taube-test-async.h"

static TaubeTestLogCapture capture;

static TaubePop3Client *
new_client (const char    *host,
            const char    *port_variable,
            TaubeSecurity  security,
            gboolean       trust_rig_ca)
{
  g_autoptr(TaubeTlsTrust) trust = taube_tls_trust_new ();
  g_autoptr(TaubeConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  if (trust_rig_ca)
    {
      taube_tls_trust_add_ca_file (trust, taube_test_rig_env ("TAUBE_RIG_CA"), &error);
      g_assert_no_error (error);
    }
  connection = taube_connection_new (host, taube_test_rig_port (port_variable), security, trust,
                                     "taube-pop3", 10000, 20000);
  return taube_pop3_client_new (connection);
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
              const char       *user,
              const char       *password,
              GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  taube_pop3_client_login_async (client, user, password, NULL, taube_test_store_result_cb,
                                 &result);
  return taube_pop3_client_login_finish (client, taube_test_wait (&result), error);
}

static TaubePop3Client *
alice (void)
{
  TaubePop3Client *client = new_client (taube_test_rig_env ("TAUBE_RIG_HOST"),
                                        "TAUBE_RIG_POP3S_PORT", TAUBE_SECURITY_TLS, TRUE);
  g_autoptr(GError) error = NULL;

  g_assert_true (connect_client (client, &error));
  g_assert_no_error (error);
  g_assert_true (login_client (client, taube_test_rig_env ("TAUBE_RIG_USER"),
                               taube_test_rig_env ("TAUBE_RIG_PASSWORD"), &error));
  g_assert_no_error (error);
  return client;
}

static void
quit (TaubePop3Client *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  taube_pop3_client_quit_async (client, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_pop3_client_command_finish (client, taube_test_wait (&result), &error));
  g_assert_no_error (error);
}

static void
save_message (const char *user,
              GBytes     *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) doveadm = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;

  doveadm = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                              | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              "doveadm", "-c", taube_test_rig_env ("TAUBE_RIG_DOVECOT_CONF"),
                              "save", "-u", user, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate (doveadm, message, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (doveadm))
    g_error ("doveadm save failed: %.*s", (int) g_bytes_get_size (err),
             (const char *) g_bytes_get_data (err, NULL));
}

static GBytes *
retrieve (TaubePop3Client *client,
          guint            number,
          guint            top_lines,
          gboolean         top)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  guint64 size = 0;

  if (top)
    taube_pop3_client_top_async (client, number, top_lines, output, NULL,
                                 taube_test_store_result_cb, &result);
  else
    taube_pop3_client_retrieve_async (client, number, output, 0, NULL,
                                      taube_test_store_result_cb, &result);
  g_assert_true (taube_pop3_client_retrieve_finish (client, taube_test_wait (&result), &size,
                                                    &error));
  g_assert_no_error (error);
  g_output_stream_close (output, NULL, NULL);
  g_assert_cmpuint (size, ==,
                    g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (output)));
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (output));
}

static GBytes *
make_big_message (void)
{
  GString *text = g_string_new ("From: alice@example.test\r\nTo: alice@example.test\r\n"
                                "Subject: big\r\n\r\n");
  guint line = 0;

  /* 5 MB of 78-column lines, every seventh starting with a dot. */
  while (text->len < 5 * 1024 * 1024)
    {
      g_string_append_printf (text, "%s%08u ", line % 7 == 0 ? "." : "", line);
      for (guint i = 0; i < 60; i++)
        g_string_append_c (text, (char) ('a' + (line + i) % 26));
      g_string_append (text, "\r\n");
      line++;
    }
  return g_string_free_to_bytes (text);
}

static void
test_login_tls (void)
{
  g_autoptr(TaubePop3Client) client = alice ();

  g_assert_true (taube_connection_is_encrypted (taube_pop3_client_get_connection (client)));
  g_assert_true (taube_pop3_client_is_logged_in (client));
  quit (client);
}

static void
test_login_starttls_redacted (void)
{
  g_autoptr(TaubePop3Client) client = NULL;
  g_autoptr(GError) error = NULL;
  const char *password = taube_test_rig_env ("TAUBE_RIG_PASSWORD");

  client = new_client (taube_test_rig_env ("TAUBE_RIG_HOST"), "TAUBE_RIG_POP3_PORT",
                       TAUBE_SECURITY_STARTTLS, TRUE);
  capture.text = g_string_new (NULL);
  g_assert_true (connect_client (client, &error));
  g_assert_no_error (error);
  g_assert_true (taube_connection_is_encrypted (taube_pop3_client_get_connection (client)));
  g_assert_true (login_client (client, taube_test_rig_env ("TAUBE_RIG_USER"), password, &error));
  g_assert_no_error (error);
  quit (client);

  g_assert_nonnull (strstr (capture.text->str, "C: STLS"));
  g_assert_nonnull (strstr (capture.text->str, "C: AUTH PLAIN ********"));
  g_assert_null (strstr (capture.text->str, password));
  g_string_free (g_steal_pointer (&capture.text), TRUE);
}

static void
test_untrusted_certificate (void)
{
  const char *ports[] = { "TAUBE_RIG_POP3S_PORT", "TAUBE_RIG_POP3_PORT" };
  TaubeSecurity securities[] = { TAUBE_SECURITY_TLS, TAUBE_SECURITY_STARTTLS };

  for (guint i = 0; i < G_N_ELEMENTS (ports); i++)
    {
      g_autoptr(TaubePop3Client) client = NULL;
      g_autoptr(GError) error = NULL;
      TaubeTlsTrust *trust;

      client = new_client (taube_test_rig_env ("TAUBE_RIG_HOST"), ports[i], securities[i],
                           FALSE);
      g_assert_false (connect_client (client, &error));
      g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
      g_test_message ("%s", error->message);
      trust = taube_connection_get_trust (taube_pop3_client_get_connection (client));
      g_assert_nonnull (taube_tls_trust_get_rejected (trust));
      g_assert_true (taube_tls_trust_get_rejected_flags (trust) & G_TLS_CERTIFICATE_UNKNOWN_CA);
    }
}

/* 127.0.0.2 behaves like a remote server: no plaintext logins. */
static void
test_plaintext_refused_remote (void)
{
  g_autoptr(TaubePop3Client) client = NULL;
  g_autoptr(GError) error = NULL;
  const char *password = taube_test_rig_env ("TAUBE_RIG_PASSWORD");

  client = new_client (taube_test_rig_env ("TAUBE_RIG_REMOTE_HOST"), "TAUBE_RIG_POP3_PORT",
                       TAUBE_SECURITY_NONE, FALSE);
  taube_pop3_client_set_allow_plaintext (client, TRUE);
  capture.text = g_string_new (NULL);
  g_assert_true (connect_client (client, &error));
  g_assert_no_error (error);
  g_assert_false (login_client (client, taube_test_rig_env ("TAUBE_RIG_USER"), password,
                                &error));
  g_assert_error (error, TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_PLAINTEXT_REFUSED);
  g_assert_null (strstr (capture.text->str, "C: PASS"));
  g_assert_null (strstr (capture.text->str, "C: AUTH"));
  g_assert_null (strstr (capture.text->str, password));
  g_string_free (g_steal_pointer (&capture.text), TRUE);
}

/* Without allow-plaintext nothing is even tried, even where the server would accept it. */
static void
test_plaintext_needs_consent (void)
{
  g_autoptr(TaubePop3Client) client = NULL;
  g_autoptr(GError) error = NULL;

  client = new_client (taube_test_rig_env ("TAUBE_RIG_HOST"), "TAUBE_RIG_POP3_PORT",
                       TAUBE_SECURITY_NONE, FALSE);
  g_assert_true (connect_client (client, &error));
  g_assert_false (login_client (client, taube_test_rig_env ("TAUBE_RIG_USER"),
                                taube_test_rig_env ("TAUBE_RIG_PASSWORD"), &error));
  g_assert_error (error, TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_PLAINTEXT_REFUSED);
}

static void
test_mailbox (void)
{
  const char *user = taube_test_rig_env ("TAUBE_RIG_USER");
  g_autoptr(GBytes) small = g_bytes_new_static (
    "From: alice@example.test\r\nSubject: one\r\n\r\nHello.\r\n", 50);
  g_autoptr(GBytes) dots = g_bytes_new_static (
    "From: alice@example.test\r\nSubject: dots\r\n\r\n.leading dot\r\n..two dots\r\n.\r\n"
    "a line\r\n.\r\n. space\r\nend\r\n", 97);
  g_autoptr(GBytes) big = make_big_message ();
  g_autoptr(TaubePop3Client) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) infos = NULL;
  g_autoptr(GPtrArray) one = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) header = NULL;
  GBytes *sent[] = { small, dots, big };
  guint count = 0;
  guint64 total = 0;
  guint first = 1;

  for (guint i = 0; i < G_N_ELEMENTS (sent); i++)
    save_message (user, sent[i]);
  client = alice ();

  taube_pop3_client_stat_async (client, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_pop3_client_stat_finish (client, taube_test_wait (&result), &count,
                                                &total, &error));
  g_assert_cmpuint (count, ==, 3);
  g_assert_cmpuint (total, ==, g_bytes_get_size (small) + g_bytes_get_size (dots)
                               + g_bytes_get_size (big));
  g_clear_object (&result);

  taube_pop3_client_scan_async (client, NULL, taube_test_store_result_cb, &result);
  infos = taube_pop3_client_list_finish (client, taube_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (infos->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      TaubePop3MessageInfo *info = g_ptr_array_index (infos, i);

      g_assert_cmpuint (info->number, ==, i + 1);
      g_assert_cmpuint (info->size, ==, g_bytes_get_size (sent[i]));
      g_assert_nonnull (info->uid);
    }
  g_clear_object (&result);

  taube_pop3_client_uidl_async (client, 2, NULL, taube_test_store_result_cb, &result);
  one = taube_pop3_client_list_finish (client, taube_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (one->len, ==, 1);
  g_assert_cmpstr (((TaubePop3MessageInfo *) g_ptr_array_index (one, 0))->uid, ==,
                   ((TaubePop3MessageInfo *) g_ptr_array_index (infos, 1))->uid);
  g_clear_pointer (&one, g_ptr_array_unref);
  g_clear_object (&result);

  taube_pop3_client_list_async (client, 3, NULL, taube_test_store_result_cb, &result);
  one = taube_pop3_client_list_finish (client, taube_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (((TaubePop3MessageInfo *) g_ptr_array_index (one, 0))->size, ==,
                    g_bytes_get_size (big));
  g_clear_object (&result);

  header = retrieve (client, 2, 1, TRUE);
  g_assert_cmpmem (g_bytes_get_data (header, NULL), g_bytes_get_size (header),
                   "From: alice@example.test\r\nSubject: dots\r\n\r\n.leading dot\r\n", 57);
  for (guint i = 0; i < G_N_ELEMENTS (sent); i++)
    {
      g_autoptr(GBytes) got = retrieve (client, i + 1, 0, FALSE);

      g_assert_true (g_bytes_equal (got, sent[i]));
    }

  taube_pop3_client_delete_async (client, &first, 1, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_pop3_client_command_finish (client, taube_test_wait (&result), &error));
  g_assert_no_error (error);
  quit (client);
  g_clear_object (&client);
  g_clear_object (&result);

  /* Message 1 is gone; marking 2 and then RSET keeps it. */
  client = alice ();
  first = 2;
  taube_pop3_client_delete_async (client, &first, 1, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_pop3_client_command_finish (client, taube_test_wait (&result), &error));
  g_clear_object (&result);
  taube_pop3_client_reset_async (client, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_pop3_client_command_finish (client, taube_test_wait (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  taube_pop3_client_stat_async (client, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_pop3_client_stat_finish (client, taube_test_wait (&result), &count,
                                                NULL, &error));
  g_assert_cmpuint (count, ==, 2);
  quit (client);
}

static void
test_bad_password (void)
{
  g_autoptr(TaubePop3Client) client = NULL;
  g_autoptr(GError) error = NULL;

  client = new_client (taube_test_rig_env ("TAUBE_RIG_HOST"), "TAUBE_RIG_POP3S_PORT",
                       TAUBE_SECURITY_TLS, TRUE);
  g_assert_true (connect_client (client, &error));
  g_assert_false (login_client (client, taube_test_rig_env ("TAUBE_RIG_USER"), "wrong", &error));
  g_assert_error (error, TAUBE_POP3_ERROR, TAUBE_POP3_ERROR_BAD_CREDENTIALS);
  g_test_message ("%s", error->message);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (taube_test_log_writer, &capture, NULL);

  g_test_add_func ("/pop3/client/login-tls", test_login_tls);
  g_test_add_func ("/pop3/client/login-starttls-redacted", test_login_starttls_redacted);
  g_test_add_func ("/pop3/client/untrusted-certificate", test_untrusted_certificate);
  g_test_add_func ("/pop3/client/plaintext-refused-remote", test_plaintext_refused_remote);
  g_test_add_func ("/pop3/client/plaintext-needs-consent", test_plaintext_needs_consent);
  g_test_add_func ("/pop3/client/mailbox", test_mailbox);
  /* Last: Dovecot's auth penalty would slow down every login after it. */
  g_test_add_func ("/pop3/client/bad-password", test_bad_password);

  return g_test_run ();
}
