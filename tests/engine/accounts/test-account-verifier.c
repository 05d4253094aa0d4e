/* test-account-verifier.c — logging in with an account's settings, against the rig's Dovecot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The wrong-password case runs last: Dovecot slows down logins from an address that has
 * just failed one.
 */
#include <string.h>

#include "taube-account-verifier.h"
#include "taube-test-async.h"

static TaubeTestLogCapture capture;

static TaubeAccount *
new_account (TaubeProtocol  protocol,
             const char    *incoming_port_variable,
             TaubeSecurity  incoming_security,
             const char    *outgoing_port_variable,
             TaubeSecurity  outgoing_security,
             gboolean       trust_rig_ca)
{
  TaubeAccount *account = taube_account_new (NULL);
  const char *host = taube_test_rig_env ("TAUBE_RIG_HOST");

  g_object_set (account,
                "email-address", taube_test_rig_env ("TAUBE_RIG_USER"),
                "protocol", protocol,
                "incoming-host", host,
                "incoming-port", (guint) taube_test_rig_port (incoming_port_variable),
                "incoming-security", incoming_security,
                "incoming-username", taube_test_rig_env ("TAUBE_RIG_USER"),
                "outgoing-host", host,
                "outgoing-port", (guint) taube_test_rig_port (outgoing_port_variable),
                "outgoing-security", outgoing_security,
                "ca-file", trust_rig_ca ? taube_test_rig_env ("TAUBE_RIG_CA") : NULL,
                NULL);
  return account;
}

static TaubeAccount *
imap_account (gboolean trust_rig_ca)
{
  return new_account (TAUBE_PROTOCOL_IMAP, "TAUBE_RIG_IMAPS_PORT", TAUBE_SECURITY_TLS,
                      "TAUBE_RIG_SUBMISSIONS_PORT", TAUBE_SECURITY_TLS, trust_rig_ca);
}

/* Runs the verifier; returns its result, with the error and failed step. */
static gboolean
verify (TaubeAccountVerifier  *verifier,
        const char            *password,
        TaubeVerifyStep       *failed_step,
        GError               **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  taube_account_verifier_verify_async (verifier, password, NULL, taube_test_store_result_cb,
                                       &result);
  return taube_account_verifier_verify_finish (verifier, taube_test_wait (&result), failed_step,
                                               error);
}

static void
assert_verified (TaubeAccount *account)
{
  g_autoptr(TaubeAccountVerifier) verifier = taube_account_verifier_new (account);
  g_autoptr(GError) error = NULL;
  TaubeVerifyStep step = 42;

  g_assert_true (verify (verifier, taube_test_rig_env ("TAUBE_RIG_PASSWORD"), &step, &error));
  g_assert_no_error (error);
  g_assert_cmpint (step, ==, 42);
  g_assert_null (taube_account_verifier_get_certificate (verifier));
}

/* Verifies, expects @code at @expected_step, and returns the message. */
static char *
assert_fails (TaubeAccount     *account,
              const char       *password,
              TaubeVerifyError  code,
              TaubeVerifyStep   expected_step)
{
  g_autoptr(TaubeAccountVerifier) verifier = taube_account_verifier_new (account);
  g_autoptr(GError) error = NULL;
  TaubeVerifyStep step = 42;

  g_assert_false (verify (verifier, password, &step, &error));
  g_assert_error (error, TAUBE_VERIFY_ERROR, (int) code);
  g_assert_cmpint (step, ==, expected_step);
  g_assert_null (strstr (error->message, password));
  return g_strdup (error->message);
}

static void
test_imap_tls (void)
{
  g_autoptr(TaubeAccount) account = imap_account (TRUE);

  assert_verified (account);
}

static void
test_imap_starttls (void)
{
  g_autoptr(TaubeAccount) account = new_account (TAUBE_PROTOCOL_IMAP, "TAUBE_RIG_IMAP_PORT",
                                                 TAUBE_SECURITY_STARTTLS,
                                                 "TAUBE_RIG_SUBMISSION_PORT",
                                                 TAUBE_SECURITY_STARTTLS, TRUE);

  assert_verified (account);
}

static void
test_logs_out_and_keeps_secret (void)
{
  g_autoptr(TaubeAccount) imap = imap_account (TRUE);
  g_autoptr(TaubeAccount) pop3 = new_account (TAUBE_PROTOCOL_POP3, "TAUBE_RIG_POP3S_PORT",
                                              TAUBE_SECURITY_TLS, "TAUBE_RIG_SUBMISSION_PORT",
                                              TAUBE_SECURITY_STARTTLS, TRUE);
  const char *password = taube_test_rig_env ("TAUBE_RIG_PASSWORD");

  /* The protocol log shows each session ended politely, and never the password. */
  capture.text = g_string_new (NULL);
  assert_verified (imap);
  assert_verified (pop3);
  g_assert_nonnull (strstr (capture.text->str, "LOGOUT"));
  g_assert_nonnull (strstr (capture.text->str, "C: QUIT"));
  g_assert_nonnull (strstr (capture.text->str, "C: AUTH PLAIN ********"));
  g_assert_null (strstr (capture.text->str, password));
  g_string_free (g_steal_pointer (&capture.text), TRUE);
}

static void
test_pop3 (void)
{
  g_autoptr(TaubeAccount) tls = new_account (TAUBE_PROTOCOL_POP3, "TAUBE_RIG_POP3S_PORT",
                                             TAUBE_SECURITY_TLS, "TAUBE_RIG_SUBMISSION_PORT",
                                             TAUBE_SECURITY_STARTTLS, TRUE);
  g_autoptr(TaubeAccount) starttls = new_account (TAUBE_PROTOCOL_POP3, "TAUBE_RIG_POP3_PORT",
                                                  TAUBE_SECURITY_STARTTLS,
                                                  "TAUBE_RIG_SUBMISSIONS_PORT",
                                                  TAUBE_SECURITY_TLS, TRUE);

  assert_verified (tls);
  assert_verified (starttls);
}

static void
test_untrusted_then_pinned (void)
{
  g_autoptr(TaubeAccount) account = imap_account (FALSE);
  g_autoptr(TaubeAccountVerifier) verifier = taube_account_verifier_new (account);
  g_autoptr(GError) error = NULL;
  TaubeVerifyStep step = 42;
  const char *pins[2] = { NULL, NULL };

  g_assert_false (verify (verifier, taube_test_rig_env ("TAUBE_RIG_PASSWORD"), &step, &error));
  g_assert_error (error, TAUBE_VERIFY_ERROR, TAUBE_VERIFY_ERROR_CERTIFICATE);
  g_assert_cmpint (step, ==, TAUBE_VERIFY_STEP_INCOMING);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_assert_true (G_IS_TLS_CERTIFICATE (taube_account_verifier_get_certificate (verifier)));
  g_assert_cmpuint (strlen (taube_account_verifier_get_fingerprint (verifier)), ==, 64);

  /* The person looked at it and chose to trust it for this account. */
  pins[0] = taube_account_verifier_get_fingerprint (verifier);
  g_object_set (account, "pinned-certificates", pins, NULL);
  assert_verified (account);
}

static void
test_rig_ca_file (void)
{
  g_autoptr(TaubeAccount) account = imap_account (TRUE);
  g_autoptr(TaubeAccount) untrusted = imap_account (FALSE);
  g_autofree char *message = NULL;

  assert_verified (account);
  /* The same CA through the test hook, for the assistant's tests. */
  g_setenv ("TAUBE_EXTRA_CA_FILE", taube_test_rig_env ("TAUBE_RIG_CA"), TRUE);
  assert_verified (untrusted);
  g_unsetenv ("TAUBE_EXTRA_CA_FILE");
  message = assert_fails (untrusted, "x", TAUBE_VERIFY_ERROR_CERTIFICATE,
                          TAUBE_VERIFY_STEP_INCOMING);
}

static guint
closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  /* Bound but never listening: connections to it are refused. */
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
test_wrong_port (void)
{
  g_autoptr(TaubeAccount) incoming = imap_account (TRUE);
  g_autoptr(TaubeAccount) outgoing = imap_account (TRUE);
  g_autofree char *message = NULL;
  g_autofree char *outgoing_message = NULL;
  g_autofree char *port = NULL;
  g_autoptr(GSocket) holder = NULL;
  guint closed = closed_port ();

  port = g_strdup_printf ("%u", closed);
  g_object_set (incoming, "incoming-port", closed, NULL);
  message = assert_fails (incoming, taube_test_rig_env ("TAUBE_RIG_PASSWORD"),
                          TAUBE_VERIFY_ERROR_UNREACHABLE, TAUBE_VERIFY_STEP_INCOMING);
  g_assert_nonnull (strstr (message, port));
  g_assert_nonnull (strstr (message, "STARTTLS"));

  g_object_set (outgoing, "outgoing-port", closed, NULL);
  outgoing_message = assert_fails (outgoing, taube_test_rig_env ("TAUBE_RIG_PASSWORD"),
                                   TAUBE_VERIFY_ERROR_UNREACHABLE, TAUBE_VERIFY_STEP_OUTGOING);
}

static void
test_unknown_host (void)
{
  g_autoptr(TaubeAccount) account = imap_account (TRUE);
  g_autofree char *message = NULL;

  /* RFC 6761 §6.4: .invalid names never resolve. */
  g_object_set (account, "incoming-host", "no-such-server.invalid", NULL);
  message = assert_fails (account, taube_test_rig_env ("TAUBE_RIG_PASSWORD"),
                          TAUBE_VERIFY_ERROR_HOST_NOT_FOUND, TAUBE_VERIFY_STEP_INCOMING);
  g_assert_nonnull (strstr (message, "no-such-server.invalid"));
}

static void
test_plaintext_refused (void)
{
  g_autoptr(TaubeAccount) account = new_account (TAUBE_PROTOCOL_IMAP, "TAUBE_RIG_IMAP_PORT",
                                                 TAUBE_SECURITY_NONE,
                                                 "TAUBE_RIG_SUBMISSIONS_PORT",
                                                 TAUBE_SECURITY_TLS, TRUE);
  g_autofree char *message = NULL;

  /* "Remote" Dovecot, no encryption, and the account did not allow plaintext. */
  g_object_set (account, "incoming-host", taube_test_rig_env ("TAUBE_RIG_REMOTE_HOST"), NULL);
  message = assert_fails (account, taube_test_rig_env ("TAUBE_RIG_PASSWORD"),
                          TAUBE_VERIFY_ERROR_PLAINTEXT, TAUBE_VERIFY_STEP_INCOMING);
}

static void
test_wrong_security (void)
{
  g_autoptr(TaubeAccount) account = imap_account (TRUE);
  g_autofree char *message = NULL;

  /* Implicit TLS to the STARTTLS port: the server greets in plain text. */
  g_object_set (account, "incoming-port", (guint) taube_test_rig_port ("TAUBE_RIG_IMAP_PORT"),
                NULL);
  message = assert_fails (account, taube_test_rig_env ("TAUBE_RIG_PASSWORD"),
                          TAUBE_VERIFY_ERROR_PROTOCOL, TAUBE_VERIFY_STEP_INCOMING);
  g_assert_nonnull (strstr (message, "STARTTLS"));
}

static void
test_cancelled (void)
{
  g_autoptr(TaubeAccount) account = imap_account (TRUE);
  g_autoptr(TaubeAccountVerifier) verifier = taube_account_verifier_new (account);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  taube_account_verifier_verify_async (verifier, taube_test_rig_env ("TAUBE_RIG_PASSWORD"),
                                       cancellable, taube_test_store_result_cb, &result);
  g_cancellable_cancel (cancellable);
  g_assert_false (taube_account_verifier_verify_finish (verifier, taube_test_wait (&result),
                                                        NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_bad_password (void)
{
  g_autoptr(TaubeAccount) imap = imap_account (TRUE);
  g_autoptr(TaubeAccount) pop3 = new_account (TAUBE_PROTOCOL_POP3, "TAUBE_RIG_POP3S_PORT",
                                              TAUBE_SECURITY_TLS, "TAUBE_RIG_SUBMISSIONS_PORT",
                                              TAUBE_SECURITY_TLS, TRUE);
  g_autofree char *message = NULL;
  g_autofree char *pop3_message = NULL;

  message = assert_fails (imap, "wrong-password", TAUBE_VERIFY_ERROR_BAD_CREDENTIALS,
                          TAUBE_VERIFY_STEP_INCOMING);
  g_assert_nonnull (strstr (message, taube_test_rig_env ("TAUBE_RIG_USER")));
  g_assert_nonnull (strstr (message, "app password"));
  pop3_message = assert_fails (pop3, "wrong-password", TAUBE_VERIFY_ERROR_BAD_CREDENTIALS,
                               TAUBE_VERIFY_STEP_INCOMING);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (taube_test_log_writer, &capture, NULL);

  g_test_add_func ("/accounts/verifier/imap-tls", test_imap_tls);
  g_test_add_func ("/accounts/verifier/imap-starttls", test_imap_starttls);
  g_test_add_func ("/accounts/verifier/pop3", test_pop3);
  g_test_add_func ("/accounts/verifier/logs-out-and-keeps-secret",
                   test_logs_out_and_keeps_secret);
  g_test_add_func ("/accounts/verifier/untrusted-then-pinned", test_untrusted_then_pinned);
  g_test_add_func ("/accounts/verifier/rig-ca-file", test_rig_ca_file);
  g_test_add_func ("/accounts/verifier/wrong-port", test_wrong_port);
  g_test_add_func ("/accounts/verifier/unknown-host", test_unknown_host);
  g_test_add_func ("/accounts/verifier/plaintext-refused", test_plaintext_refused);
  g_test_add_func ("/accounts/verifier/wrong-security", test_wrong_security);
  g_test_add_func ("/accounts/verifier/cancelled", test_cancelled);
  /* Last: Dovecot's auth penalty slows the logins after it. */
  g_test_add_func ("/accounts/verifier/bad-password", test_bad_password);
  return g_test_run ();
}
