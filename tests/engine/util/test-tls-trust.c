/* test-tls-trust.c — TLS against the rig's real Dovecot: verified, rejected, pinned
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "taube-tls-trust.h"

static const char *
rig_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL)
    g_error ("%s is not set: run this test under tests/rig/taube-rig --with dovecot", name);
  return value;
}

static GIOStream *
connect_tls (const char     *identity_host,
             TaubeTlsTrust  *trust,
             GError        **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) tcp = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autoptr(GIOStream) tls = NULL;
  guint16 port = (guint16) g_ascii_strtoull (rig_env ("TAUBE_RIG_IMAPS_PORT"), NULL, 10);

  g_socket_client_set_timeout (client, 10);
  tcp = g_socket_client_connect_to_host (client, rig_env ("TAUBE_RIG_HOST"), port, NULL, error);
  if (tcp == NULL)
    return NULL;

  identity = g_network_address_new (identity_host, port);
  tls = g_tls_client_connection_new (G_IO_STREAM (tcp), identity, error);
  if (tls == NULL)
    return NULL;
  taube_tls_trust_attach (trust, G_TLS_CLIENT_CONNECTION (tls));
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, error))
    return NULL;
  return g_steal_pointer (&tls);
}

static char *
read_line (GDataInputStream *in)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line (in, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (line);
  return line;
}

/* Reads lines until the tagged reply; returns it. */
static char *
imap_command (GIOStream  *stream,
              const char *tag,
              const char *command)
{
  GDataInputStream *in = g_object_get_data (G_OBJECT (stream), "in");
  g_autoptr(GError) error = NULL;
  g_autofree char *request = g_strdup_printf ("%s %s\r\n", tag, command);
  g_autofree char *prefix = g_strdup_printf ("%s ", tag);

  g_output_stream_write_all (g_io_stream_get_output_stream (stream), request, strlen (request),
                             NULL, NULL, &error);
  g_assert_no_error (error);
  for (;;)
    {
      char *line = read_line (in);

      if (g_str_has_prefix (line, prefix))
        return line;
      g_free (line);
    }
}

static GDataInputStream *
attach_reader (GIOStream *stream)
{
  GDataInputStream *in = g_data_input_stream_new (g_io_stream_get_input_stream (stream));

  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  g_object_set_data_full (G_OBJECT (stream), "in", in, g_object_unref);
  return in;
}

static void
test_verified_login (void)
{
  g_autoptr(TaubeTlsTrust) trust = taube_tls_trust_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autofree char *greeting = NULL;
  g_autofree char *command = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *bad_reply = NULL;

  taube_tls_trust_add_ca_file (trust, rig_env ("TAUBE_RIG_CA"), &error);
  g_assert_no_error (error);

  stream = connect_tls ("localhost", trust, &error);
  g_assert_no_error (error);
  g_assert_null (taube_tls_trust_get_rejected (trust));

  greeting = read_line (attach_reader (stream));
  g_assert_true (g_str_has_prefix (greeting, "* OK"));

  command = g_strdup_printf ("LOGIN \"%s\" \"%s\"", rig_env ("TAUBE_RIG_USER"),
                             rig_env ("TAUBE_RIG_PASSWORD"));
  /* The wrong password comes last: Dovecot slows down logins from an address that has
   * just failed one (its auth penalty), which would only make this test slow. */
  reply = imap_command (stream, "a1", command);
  g_assert_true (g_str_has_prefix (reply, "a1 OK"));
  g_clear_object (&stream);

  stream = connect_tls ("localhost", trust, &error);
  g_assert_no_error (error);
  g_free (greeting);
  greeting = read_line (attach_reader (stream));
  bad_reply = imap_command (stream, "b1", "LOGIN \"nobody@example.test\" \"wrong\"");
  g_assert_true (g_str_has_prefix (bad_reply, "b1 NO"));
}

static void
test_untrusted_rejected_then_pinned (void)
{
  g_autoptr(TaubeTlsTrust) trust = taube_tls_trust_new ();
  g_autoptr(TaubeTlsTrust) pinned = taube_tls_trust_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GIOStream) second = NULL;
  g_autofree char *fingerprint = NULL;
  GTlsCertificate *rejected;

  stream = connect_tls ("localhost", trust, &error);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_assert_null (stream);

  /* The refused certificate is kept, so the UI can show it. */
  rejected = taube_tls_trust_get_rejected (trust);
  g_assert_nonnull (rejected);
  g_assert_true (taube_tls_trust_get_rejected_flags (trust) & G_TLS_CERTIFICATE_UNKNOWN_CA);

  fingerprint = taube_tls_certificate_get_fingerprint (rejected);
  g_assert_cmpuint (strlen (fingerprint), ==, 64);
  taube_tls_trust_add_pin (pinned, fingerprint);
  g_clear_error (&error);
  second = connect_tls ("localhost", pinned, &error);
  g_assert_no_error (error);
  g_assert_nonnull (second);
}

static void
test_wrong_pin_rejected (void)
{
  g_autoptr(TaubeTlsTrust) trust = taube_tls_trust_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) stream = NULL;

  taube_tls_trust_add_pin (trust, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
  stream = connect_tls ("localhost", trust, &error);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_assert_nonnull (taube_tls_trust_get_rejected (trust));
}

/* The extra CA vouches for the issuer, not for a certificate on the wrong host. */
static void
test_wrong_host_rejected (void)
{
  g_autoptr(TaubeTlsTrust) trust = taube_tls_trust_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) stream = NULL;

  taube_tls_trust_add_ca_file (trust, rig_env ("TAUBE_RIG_CA"), &error);
  g_assert_no_error (error);
  stream = connect_tls ("imap.wrong-host.example", trust, &error);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_assert_true (taube_tls_trust_get_rejected_flags (trust) & G_TLS_CERTIFICATE_BAD_IDENTITY);
}

static void
test_bad_ca_file (void)
{
  g_autoptr(TaubeTlsTrust) trust = taube_tls_trust_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (taube_tls_trust_add_ca_file (trust, "/nonexistent/ca.pem", &error));
  g_assert_nonnull (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tls/trust/verified-login", test_verified_login);
  g_test_add_func ("/tls/trust/untrusted-rejected-then-pinned", test_untrusted_rejected_then_pinned);
  g_test_add_func ("/tls/trust/wrong-pin-rejected", test_wrong_pin_rejected);
  g_test_add_func ("/tls/trust/wrong-host-rejected", test_wrong_host_rejected);
  g_test_add_func ("/tls/trust/bad-ca-file", test_bad_ca_file);

  return g_test_run ();
}
