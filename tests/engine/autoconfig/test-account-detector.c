/* test-account-detector.c — finding an address's servers, with no internet
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A table-driven GResolver (taube-test-resolver.c) stands in for DNS and maps the
 * example.test names to loopback; an HTTPS server (autoconfig-https-server.py, with the
 * rig's certificate, which is valid for *.example.test) plays the provider's autoconfig
 * server; the rig's Dovecot is probed under the example.test names.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "taube-account-detector.h"
#include "taube-account-verifier.h"
#include "taube-autoconfig-error.h"
#include "taube-autoconfig-parser.h"
#include "taube-test-async.h"
#include "taube-test-resolver.h"
#include "taube-test-server.h"

#define AUTOCONFIG_PATH "mail/config-v1.1.xml"
#define WELL_KNOWN_PATH ".well-known/autoconfig/mail/config-v1.1.xml"

static GSubprocess *https_server;
static char *https_root;
static guint https_port;
static GPtrArray *served_files;

/* -- The HTTPS server --------------------------------------------------------------- */

static char *
rig_tls_file (const char *name)
{
  g_autofree char *dir = g_path_get_dirname (taube_test_rig_env ("TAUBE_RIG_CA"));

  return g_build_filename (dir, name, NULL);
}

static void
start_https_server (void)
{
  g_autofree char *script = g_build_filename (taube_test_rig_env ("TAUBE_SOURCE_DIR"), "tests",
                                              "engine", "autoconfig",
                                              "autoconfig-https-server.py", NULL);
  g_autofree char *cert = rig_tls_file ("server.pem");
  g_autofree char *key = rig_tls_file ("server.key");
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GError) error = NULL;

  https_root = g_dir_make_tmp ("taube-autoconfig-XXXXXX", &error);
  g_assert_no_error (error);
  https_server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "python3", script,
                                   https_root, cert, key, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (https_server));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  https_port = (guint) g_ascii_strtoull (line, NULL, 10);
  g_assert_cmpuint (https_port, >, 0);
  served_files = g_ptr_array_new_with_free_func (g_free);
}

static void
serve (const char *host,
       const char *path,
       const char *content,
       gsize       length,
       gboolean    without_length)
{
  g_autofree char *file = g_build_filename (https_root, host, path, NULL);
  g_autofree char *dir = g_path_get_dirname (file);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (file, content, (gssize) length, &error);
  g_assert_no_error (error);
  if (without_length)
    {
      g_autofree char *marker = g_strconcat (file, ".no-length", NULL);

      g_file_set_contents (marker, "", 0, &error);
      g_assert_no_error (error);
      g_ptr_array_add (served_files, g_steal_pointer (&marker));
    }
  g_ptr_array_add (served_files, g_steal_pointer (&file));
}

/* Forgets the files and the request log; directories may stay. */
static void
unserve_all (void)
{
  g_autofree char *log = g_build_filename (https_root, "requests.log", NULL);

  for (guint i = 0; i < served_files->len; i++)
    g_unlink (g_ptr_array_index (served_files, i));
  g_ptr_array_set_size (served_files, 0);
  g_unlink (log);
}

static char *
request_log (void)
{
  g_autofree char *log = g_build_filename (https_root, "requests.log", NULL);
  char *text = NULL;

  if (!g_file_get_contents (log, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

static char *
config_xml (const char *imap_host,
            const char *smtp_host)
{
  return g_strdup_printf (
    "<?xml version=\"1.0\"?>\n<clientConfig version=\"1.1\">"
    "<emailProvider id=\"example.test\"><domain>example.test</domain>"
    "<displayName>Example Test Mail</displayName>"
    "<incomingServer type=\"imap\"><hostname>%s</hostname><port>993</port>"
    "<socketType>SSL</socketType><username>%%EMAILADDRESS%%</username>"
    "<authentication>password-cleartext</authentication></incomingServer>"
    "<outgoingServer type=\"smtp\"><hostname>%s</hostname><port>465</port>"
    "<socketType>SSL</socketType><username>%%EMAILADDRESS%%</username>"
    "<authentication>password-cleartext</authentication></outgoingServer>"
    "</emailProvider></clientConfig>\n", imap_host, smtp_host);
}

/* -- Running the detector ----------------------------------------------------------- */

static GTlsDatabase *
rig_ca_database (void)
{
  g_autoptr(GError) error = NULL;
  GTlsDatabase *database = g_tls_file_database_new (taube_test_rig_env ("TAUBE_RIG_CA"),
                                                    &error);

  g_assert_no_error (error);
  return database;
}

/* A detector using @resolver (also made the default, for connections) and, if asked,
 * trusting the rig's CA; probes of the standard ports reach the rig's Dovecot. */
static const struct
{
  guint standard;
  const char *variable;
} probe_ports[] = {
  { 993, "TAUBE_RIG_IMAPS_PORT" },
  { 143, "TAUBE_RIG_IMAP_PORT" },
  { 995, "TAUBE_RIG_POP3S_PORT" },
  { 110, "TAUBE_RIG_POP3_PORT" },
  { 465, "TAUBE_RIG_SUBMISSIONS_PORT" },
  { 587, "TAUBE_RIG_SUBMISSION_PORT" },
};

static TaubeAccountDetector *
new_detector (TaubeTestResolver *resolver,
              gboolean           trust_rig_ca)
{
  TaubeAccountDetector *detector = taube_account_detector_new ();
  g_autoptr(GTlsDatabase) database = trust_rig_ca ? rig_ca_database () : NULL;

  g_resolver_set_default (G_RESOLVER (resolver));
  g_object_set (detector, "resolver", resolver, "tls-database", database,
                "autoconfig-port", https_port, "timeout", 10, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (probe_ports); i++)
    taube_account_detector_set_probe_port (detector, probe_ports[i].standard,
                                           taube_test_rig_port (probe_ports[i].variable));
  return detector;
}

static void
detector_progress_cb (TaubeAccountDetector  *detector,
                      TaubeAutoconfigSource  step,
                      const char            *message,
                      gpointer               user_data)
{
  GString *steps = user_data;

  /* Each message names the domain being looked into. */
  g_assert_true (strstr (message, "example.test") != NULL || strstr (message, "posteo.de") != NULL);
  g_string_append_printf (steps, "%s%d", steps->len > 0 ? "," : "", (int) step);
}

/* Runs a detection; @steps gets the progress steps as "0,1,2,4". */
static TaubeProviderConfig *
detect (TaubeAccountDetector  *detector,
        const char            *address,
        GCancellable          *cancellable,
        GString               *steps,
        GError               **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  gulong handler = g_signal_connect (detector, "progress", G_CALLBACK (detector_progress_cb),
                                     steps);

  taube_account_detector_detect_async (detector, address, cancellable,
                                       taube_test_store_result_cb, &result);
  taube_test_wait (&result);
  g_signal_handler_disconnect (detector, handler);
  return taube_account_detector_detect_finish (detector, result, error);
}

static void
assert_server (GListModel    *servers,
               guint          position,
               const char    *host,
               guint          port,
               TaubeSecurity  security)
{
  g_autoptr(TaubeAutoconfigServer) server = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (servers), >, position);
  server = g_list_model_get_item (servers, position);
  g_assert_cmpstr (taube_autoconfig_server_get_hostname (server), ==, host);
  g_assert_cmpuint (taube_autoconfig_server_get_port (server), ==, port);
  g_assert_cmpint (taube_autoconfig_server_get_security (server), ==, security);
}

static void
assert_not_found (TaubeAccountDetector *detector,
                  const char           *address,
                  const char           *expected_steps)
{
  g_autoptr(GString) steps = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeProviderConfig) config = detect (detector, address, NULL, steps, &error);

  g_assert_null (config);
  g_assert_error (error, TAUBE_AUTOCONFIG_ERROR, TAUBE_AUTOCONFIG_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "example.test"));
  if (expected_steps != NULL)
    g_assert_cmpstr (steps->str, ==, expected_steps);
}

/* -- The tests ------------------------------------------------------------------------ */

static void
test_database (void)
{
  g_autoptr(TaubeTestResolver) resolver = taube_test_resolver_new ();
  g_autoptr(TaubeAccountDetector) detector = new_detector (resolver, FALSE);
  g_autoptr(GString) steps = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeProviderConfig) config = detect (detector, "bob@posteo.de", NULL, steps,
                                                  &error);

  g_assert_no_error (error);
  g_assert_cmpint (taube_provider_config_get_source (config), ==,
                   TAUBE_AUTOCONFIG_SOURCE_DATABASE);
  assert_server (taube_provider_config_get_incoming_servers (config), 0, "posteo.de", 993,
                 TAUBE_SECURITY_TLS);
  g_assert_false (taube_provider_config_needs_confirmation (config, "bob@posteo.de"));
  g_assert_cmpstr (steps->str, ==, "0");
  /* Nothing went to the network. */
  g_assert_cmpuint (taube_test_resolver_get_lookups (resolver), ==, 0);
}

static void
test_autoconfig (void)
{
  g_autoptr(TaubeTestResolver) resolver = taube_test_resolver_new ();
  g_autoptr(TaubeAccountDetector) detector = new_detector (resolver, TRUE);
  g_autoptr(GString) steps = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeProviderConfig) config = NULL;
  g_autoptr(TaubeAutoconfigServer) incoming = NULL;
  g_autofree char *xml = config_xml ("imap.example.test", "smtp.example.test");
  g_autofree char *log = NULL;

  serve ("autoconfig.example.test", AUTOCONFIG_PATH, xml, strlen (xml), FALSE);
  taube_test_resolver_add_host (resolver, "autoconfig.example.test", "127.0.0.1");
  config = detect (detector, "alice@example.test", NULL, steps, &error);
  g_assert_no_error (error);
  g_assert_cmpint (taube_provider_config_get_source (config), ==,
                   TAUBE_AUTOCONFIG_SOURCE_AUTOCONFIG);
  g_assert_cmpstr (steps->str, ==, "0,1");
  incoming = taube_provider_config_get_recommended_incoming (config);
  g_assert_cmpstr (taube_autoconfig_server_get_hostname (incoming), ==, "imap.example.test");
  g_assert_cmpstr (taube_autoconfig_server_get_username (incoming), ==, "alice@example.test");
  g_assert_false (taube_provider_config_needs_confirmation (config, "alice@example.test"));
  log = request_log ();
  g_assert_nonnull (strstr (log, "autoconfig.example.test /mail/config-v1.1.xml"
                                 "?emailaddress=alice%40example.test\n"));
  unserve_all ();
}

static void
test_autoconfig_well_known (void)
{
  g_autoptr(TaubeTestResolver) resolver = taube_test_resolver_new ();
  g_autoptr(TaubeAccountDetector) detector = new_detector (resolver, FALSE);
  g_autoptr(GString) steps = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeProviderConfig) config = NULL;
  g_autofree char *xml = config_xml ("mail.example.test", "mail.example.test");

  /* No autoconfig.example.test in DNS: the domain's own web server answers. Trust comes
   * from the TAUBE_EXTRA_CA_FILE hook this time. */
  serve ("example.test", WELL_KNOWN_PATH, xml, strlen (xml), FALSE);
  taube_test_resolver_add_host (resolver, "example.test", "127.0.0.1");
  g_setenv ("TAUBE_EXTRA_CA_FILE", taube_test_rig_env ("TAUBE_RIG_CA"), TRUE);
  config = detect (detector, "alice@example.test", NULL, steps, &error);
  g_unsetenv ("TAUBE_EXTRA_CA_FILE");
  g_assert_no_error (error);
  g_assert_cmpint (taube_provider_config_get_source (config), ==,
                   TAUBE_AUTOCONFIG_SOURCE_AUTOCONFIG);
  assert_server (taube_provider_config_get_incoming_servers (config), 0, "mail.example.test",
                 993, TAUBE_SECURITY_TLS);
  unserve_all ();
}

static void
test_autoconfig_untrusted (void)
{
  g_autoptr(TaubeTestResolver) resolver = taube_test_resolver_new ();
  g_autoptr(TaubeAccountDetector) detector = new_detector (resolver, FALSE);
  g_autofree char *xml = config_xml ("imap.example.test", "smtp.example.test");
  g_autofree char *log = NULL;

  /* The same server, but nothing vouches for its certificate: its answer is not used. */
  serve ("autoconfig.example.test", AUTOCONFIG_PATH, xml, strlen (xml), FALSE);
  taube_test_resolver_add_host (resolver, "autoconfig.example.test", "127.0.0.1");
  assert_not_found (detector, "alice@example.test", "0,1,2,4");
  log = request_log ();
  g_assert_cmpstr (log, ==, "");
  unserve_all ();
}

static void
test_autoconfig_too_big (void)
{
  g_autoptr(TaubeTestResolver) resolver = taube_test_resolver_new ();
  g_autoptr(TaubeAccountDetector) detector = new_detector (resolver, TRUE);
  g_autofree char *xml = config_xml ("imap.example.test", "smtp.example.test");
  g_autoptr(GString) big = g_string_new (NULL);
  g_autofree char *log = NULL;

  /* A valid document padded with a comment past the limit, once announced by its
   * Content-Length and once only noticed while reading. */
  g_string_append (big, "<?xml version=\"1.0\"?>\n<!-- ");
  while (big->len <= TAUBE_AUTOCONFIG_MAX_SIZE)
    g_string_append (big, "padding padding padding padding ");
  g_string_append (big, "-->\n");
  g_string_append (big, strchr (xml, '<') + strlen ("<?xml version=\"1.0\"?>\n"));
  serve ("autoconfig.example.test", AUTOCONFIG_PATH, big->str, big->len, FALSE);
  serve ("example.test", WELL_KNOWN_PATH, big->str, big->len, TRUE);
  taube_test_resolver_add_host (resolver, "autoconfig.example.test", "127.0.0.1");
  taube_test_resolver_add_host (resolver, "example.test", "127.0.0.1");
  /* example.test is loopback now: keep the probes away from the rig's Dovecot. */
  for (guint port = 1; port < 1000; port++)
    taube_account_detector_set_probe_port (detector, port, 0);
  assert_not_found (detector, "alice@example.test", "0,1,2,4");
  log = request_log ();
  g_assert_nonnull (strstr (log, "autoconfig.example.test /mail/config-v1.1.xml"));
  g_assert_nonnull (strstr (log, "example.test /.well-known/autoconfig/mail/config-v1.1.xml"));
  unserve_all ();
}

static void
test_srv (void)
{
  g_autoptr(TaubeTestResolver) resolver = taube_test_resolver_new ();
  g_autoptr(TaubeAccountDetector) detector = new_detector (resolver, TRUE);
  g_autoptr(GString) steps = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeProviderConfig) config = NULL;
  GListModel *incoming;

  taube_test_resolver_add_srv (resolver, "_imaps._tcp.example.test", "mail.example.test", 993);
  /* RFC 2782: "." says there is no such service. */
  taube_test_resolver_add_srv (resolver, "_pop3s._tcp.example.test", ".", 995);
  taube_test_resolver_add_srv (resolver, "_submission._tcp.example.test", "out.example.test",
                               587);
  taube_test_resolver_add_mx (resolver, "example.test", 10, "mx01.posteo.de");
  config = detect (detector, "alice@example.test", NULL, steps, &error);
  g_assert_no_error (error);
  g_assert_cmpint (taube_provider_config_get_source (config), ==, TAUBE_AUTOCONFIG_SOURCE_SRV);
  g_assert_cmpstr (steps->str, ==, "0,1,2");
  incoming = taube_provider_config_get_incoming_servers (config);
  g_assert_cmpuint (g_list_model_get_n_items (incoming), ==, 1);
  assert_server (incoming, 0, "mail.example.test", 993, TAUBE_SECURITY_TLS);
  assert_server (taube_provider_config_get_outgoing_servers (config), 0, "out.example.test",
                 587, TAUBE_SECURITY_STARTTLS);
  /* Plain DNS: the person confirms. */
  g_assert_true (taube_provider_config_needs_confirmation (config, "alice@example.test"));
}

static void
test_mx (void)
{
  g_autoptr(TaubeTestResolver) resolver = taube_test_resolver_new ();
  g_autoptr(TaubeAccountDetector) detector = new_detector (resolver, TRUE);
  g_autoptr(GString) steps = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeProviderConfig) config = NULL;
  g_autoptr(TaubeAutoconfigServer) incoming = NULL;

  /* The lowest preference wins; an outgoing SRV record alone is no account. */
  taube_test_resolver_add_mx (resolver, "example.test", 20, "mx.unknown-provider.test");
  taube_test_resolver_add_mx (resolver, "example.test", 10, "mx01.posteo.de");
  taube_test_resolver_add_srv (resolver, "_submissions._tcp.example.test", "out.example.test",
                               465);
  config = detect (detector, "alice@example.test", NULL, steps, &error);
  g_assert_no_error (error);
  g_assert_cmpint (taube_provider_config_get_source (config), ==, TAUBE_AUTOCONFIG_SOURCE_MX);
  g_assert_cmpstr (steps->str, ==, "0,1,2");
  incoming = taube_provider_config_get_recommended_incoming (config);
  g_assert_cmpstr (taube_autoconfig_server_get_hostname (incoming), ==, "posteo.de");
  g_assert_cmpstr (taube_autoconfig_server_get_username (incoming), ==, "alice@example.test");
  g_assert_true (taube_provider_config_needs_confirmation (config, "alice@example.test"));
}

static void
add_probe_hosts (TaubeTestResolver *resolver)
{
  taube_test_resolver_add_host (resolver, "imap.example.test", "127.0.0.1");
  taube_test_resolver_add_host (resolver, "pop.example.test", "127.0.0.1");
  taube_test_resolver_add_host (resolver, "smtp.example.test", "127.0.0.1");
}

static void
verify_detected (TaubeProviderConfig *config)
{
  g_autoptr(TaubeAutoconfigServer) incoming = NULL;
  g_autoptr(TaubeAutoconfigServer) outgoing = NULL;
  g_autoptr(TaubeAccount) account = taube_account_new (NULL);
  g_autoptr(TaubeAccountVerifier) verifier = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  incoming = taube_provider_config_get_recommended_incoming (config);
  outgoing = taube_provider_config_get_recommended_outgoing (config);
  g_object_set (account,
                "email-address", "alice@example.test",
                "incoming-host", taube_autoconfig_server_get_hostname (incoming),
                "incoming-port", taube_autoconfig_server_get_port (incoming),
                "incoming-security", taube_autoconfig_server_get_security (incoming),
                "incoming-username", taube_autoconfig_server_get_username (incoming),
                "outgoing-host", taube_autoconfig_server_get_hostname (outgoing),
                "outgoing-port", taube_autoconfig_server_get_port (outgoing),
                "outgoing-security", taube_autoconfig_server_get_security (outgoing),
                "outgoing-username", taube_autoconfig_server_get_username (outgoing),
                "ca-file", taube_test_rig_env ("TAUBE_RIG_CA"),
                NULL);
  verifier = taube_account_verifier_new (account);
  taube_account_verifier_verify_async (verifier, taube_test_rig_env ("TAUBE_RIG_PASSWORD"),
                                       NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_account_verifier_verify_finish (verifier, taube_test_wait (&result),
                                                       NULL, &error));
  g_assert_no_error (error);
}

static void
test_probe (void)
{
  g_autoptr(TaubeTestResolver) resolver = taube_test_resolver_new ();
  g_autoptr(TaubeAccountDetector) detector = new_detector (resolver, TRUE);
  g_autoptr(GString) steps = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeProviderConfig) config = NULL;
  g_autoptr(TaubeAutoconfigServer) pop3 = NULL;
  GListModel *incoming;
  GListModel *outgoing;

  add_probe_hosts (resolver);
  config = detect (detector, "alice@example.test", NULL, steps, &error);
  g_assert_no_error (error);
  g_assert_cmpint (taube_provider_config_get_source (config), ==,
                   TAUBE_AUTOCONFIG_SOURCE_PROBE);
  g_assert_cmpstr (steps->str, ==, "0,1,2,4");
  incoming = taube_provider_config_get_incoming_servers (config);
  outgoing = taube_provider_config_get_outgoing_servers (config);
  /* Implicit TLS first, then STARTTLS, never plain text. */
  g_assert_cmpuint (g_list_model_get_n_items (incoming), ==, 4);
  assert_server (incoming, 0, "imap.example.test", taube_test_rig_port ("TAUBE_RIG_IMAPS_PORT"),
                 TAUBE_SECURITY_TLS);
  assert_server (incoming, 1, "imap.example.test", taube_test_rig_port ("TAUBE_RIG_IMAP_PORT"),
                 TAUBE_SECURITY_STARTTLS);
  assert_server (incoming, 2, "pop.example.test", taube_test_rig_port ("TAUBE_RIG_POP3S_PORT"),
                 TAUBE_SECURITY_TLS);
  assert_server (incoming, 3, "pop.example.test", taube_test_rig_port ("TAUBE_RIG_POP3_PORT"),
                 TAUBE_SECURITY_STARTTLS);
  g_assert_cmpuint (g_list_model_get_n_items (outgoing), ==, 2);
  assert_server (outgoing, 0, "smtp.example.test",
                 taube_test_rig_port ("TAUBE_RIG_SUBMISSIONS_PORT"), TAUBE_SECURITY_TLS);
  assert_server (outgoing, 1, "smtp.example.test",
                 taube_test_rig_port ("TAUBE_RIG_SUBMISSION_PORT"), TAUBE_SECURITY_STARTTLS);
  pop3 = g_list_model_get_item (incoming, 2);
  g_assert_cmpint (taube_autoconfig_server_get_protocol (pop3), ==, TAUBE_PROTOCOL_POP3);
  g_assert_false (taube_provider_config_needs_confirmation (config, "alice@example.test"));

  /* What was found really works. */
  verify_detected (config);
}

static void
test_probe_untrusted (void)
{
  g_autoptr(TaubeTestResolver) resolver = taube_test_resolver_new ();
  g_autoptr(TaubeAccountDetector) detector = new_detector (resolver, FALSE);

  /* Dovecot answers, but over TLS nobody vouches for: not a find. */
  add_probe_hosts (resolver);
  assert_not_found (detector, "alice@example.test", "0,1,2,4");
}

static void
test_probe_starttls_required (void)
{
  g_autoptr(TaubeTestResolver) resolver = taube_test_resolver_new ();
  g_autoptr(TaubeAccountDetector) detector = new_detector (resolver, TRUE);
  g_autoptr(TaubeTestServer) fake = taube_test_server_new ();
  g_autoptr(GString) steps = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeProviderConfig) config = NULL;
  g_autofree char *failure = NULL;
  static const guint unused[] = { 143, 995, 110, 465 };

  /* A submission server on the STARTTLS port that does not offer STARTTLS is no find,
   * and hears nothing but EHLO. */
  taube_test_server_send (fake, "220 fake.example ESMTP\r\n");
  taube_test_server_expect (fake, "EHLO [127.0.0.1]");
  taube_test_server_send (fake, "250-fake.example says hello\r\n250 AUTH PLAIN LOGIN\r\n");
  for (guint i = 0; i < G_N_ELEMENTS (unused); i++)
    taube_account_detector_set_probe_port (detector, unused[i], 0);
  taube_account_detector_set_probe_port (detector, 587, taube_test_server_start (fake));
  taube_test_resolver_add_host (resolver, "imap.example.test", "127.0.0.1");
  taube_test_resolver_add_host (resolver, "smtp.example.test", "127.0.0.1");

  config = detect (detector, "alice@example.test", NULL, steps, &error);
  g_assert_no_error (error);
  g_assert_cmpint (taube_provider_config_get_source (config), ==,
                   TAUBE_AUTOCONFIG_SOURCE_PROBE);
  g_assert_cmpuint (g_list_model_get_n_items (taube_provider_config_get_incoming_servers (config)),
                    ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (taube_provider_config_get_outgoing_servers (config)),
                    ==, 0);
  if (!taube_test_server_finish (fake, &failure))
    g_error ("script: %s", failure);
  g_assert_cmpuint (taube_test_server_get_received (fake)->len, ==, 1);
}

static void
test_nothing_found (void)
{
  g_autoptr(TaubeTestResolver) resolver = taube_test_resolver_new ();
  g_autoptr(TaubeAccountDetector) detector = new_detector (resolver, TRUE);
  gint64 start = g_get_monotonic_time ();

  assert_not_found (detector, "alice@example.test", "0,1,2,4");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  /* Every step asked: both autoconfig names, six SRV names and MX, the probes' names. */
  g_assert_cmpuint (taube_test_resolver_get_lookups (resolver), >=, 2 + 7 + 5);
}

static void
test_time_limit (void)
{
  g_autoptr(TaubeTestResolver) resolver = taube_test_resolver_new ();
  g_autoptr(TaubeAccountDetector) detector = new_detector (resolver, TRUE);
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;

  /* DNS that never answers: the limit ends the detection. */
  taube_test_resolver_set_slow (resolver, "example.test");
  g_object_set (detector, "timeout", 2, NULL);
  assert_not_found (detector, "alice@example.test", NULL);
  elapsed = g_get_monotonic_time () - start;
  /* The steps' own network timeouts are cut to what is left of the limit, and the socket
   * timeout counts whole seconds, so the last probe may give up a little before the limit
   * itself fires: check that the detection waited on the silent DNS, not the exact end. */
  g_assert_cmpint (elapsed, >=, 1000 * 1000);
  g_assert_cmpint (elapsed, <, 4 * G_USEC_PER_SEC);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (void)
{
  g_autoptr(TaubeTestResolver) resolver = taube_test_resolver_new ();
  g_autoptr(TaubeAccountDetector) detector = new_detector (resolver, TRUE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GString) steps = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeProviderConfig) config = NULL;
  gint64 start = g_get_monotonic_time ();

  taube_test_resolver_set_slow (resolver, "example.test");
  g_timeout_add (300, cancel_cb, cancellable);
  config = detect (detector, "alice@example.test", cancellable, steps, &error);
  g_assert_null (config);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpstr (steps->str, ==, "0,1");
}

static void
test_cancelled_before (void)
{
  g_autoptr(TaubeTestResolver) resolver = taube_test_resolver_new ();
  g_autoptr(TaubeAccountDetector) detector = new_detector (resolver, TRUE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GString) steps = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeProviderConfig) config = NULL;

  /* Even a database hit, which needs no network, reports the cancellation. */
  g_cancellable_cancel (cancellable);
  config = detect (detector, "bob@posteo.de", cancellable, steps, &error);
  g_assert_null (config);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_invalid_address (void)
{
  g_autoptr(TaubeTestResolver) resolver = taube_test_resolver_new ();
  g_autoptr(TaubeAccountDetector) detector = new_detector (resolver, TRUE);
  g_autoptr(GString) steps = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeProviderConfig) config = detect (detector, "no-at-sign", NULL, steps, &error);

  g_assert_null (config);
  g_assert_error (error, TAUBE_AUTOCONFIG_ERROR, TAUBE_AUTOCONFIG_ERROR_INVALID_ADDRESS);
  g_assert_cmpstr (steps->str, ==, "");
}

static void
test_needs_confirmation (void)
{
  g_autofree char *inside = config_xml ("imap.example.test", "example.test");
  g_autofree char *outside = config_xml ("imap.example.test", "smtp.example.test.evil.test");
  g_autoptr(TaubeProviderConfig) good = NULL;
  g_autoptr(TaubeProviderConfig) bad = NULL;
  g_autoptr(GError) error = NULL;

  /* Autoconfig answers naming hosts elsewhere must be confirmed. */
  good = taube_autoconfig_parse (inside, strlen (inside), "alice@example.test", &error);
  g_assert_no_error (error);
  bad = taube_autoconfig_parse (outside, strlen (outside), "alice@example.test", &error);
  g_assert_no_error (error);
  g_assert_false (taube_provider_config_needs_confirmation (good, "alice@example.test"));
  g_assert_false (taube_provider_config_needs_confirmation (good, "alice@EXAMPLE.test"));
  g_assert_true (taube_provider_config_needs_confirmation (bad, "alice@example.test"));
  g_assert_true (taube_provider_config_needs_confirmation (good, "alice@other.test"));
  g_assert_true (taube_provider_config_needs_confirmation (good, "not an address"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  start_https_server ();

  g_test_add_func ("/autoconfig/detector/database", test_database);
  g_test_add_func ("/autoconfig/detector/autoconfig", test_autoconfig);
  g_test_add_func ("/autoconfig/detector/autoconfig-well-known", test_autoconfig_well_known);
  g_test_add_func ("/autoconfig/detector/autoconfig-untrusted", test_autoconfig_untrusted);
  g_test_add_func ("/autoconfig/detector/autoconfig-too-big", test_autoconfig_too_big);
  g_test_add_func ("/autoconfig/detector/srv", test_srv);
  g_test_add_func ("/autoconfig/detector/mx", test_mx);
  g_test_add_func ("/autoconfig/detector/probe", test_probe);
  g_test_add_func ("/autoconfig/detector/probe-untrusted", test_probe_untrusted);
  g_test_add_func ("/autoconfig/detector/probe-starttls-required",
                   test_probe_starttls_required);
  g_test_add_func ("/autoconfig/detector/nothing-found", test_nothing_found);
  g_test_add_func ("/autoconfig/detector/time-limit", test_time_limit);
  g_test_add_func ("/autoconfig/detector/cancel", test_cancel);
  g_test_add_func ("/autoconfig/detector/cancelled-before", test_cancelled_before);
  g_test_add_func ("/autoconfig/detector/invalid-address", test_invalid_address);
  g_test_add_func ("/autoconfig/detector/needs-confirmation", test_needs_confirmation);

  status = g_test_run ();
  g_subprocess_force_exit (https_server);
  g_subprocess_wait (https_server, NULL, NULL);
  g_clear_object (&https_server);
  unserve_all ();
  g_clear_pointer (&served_files, g_ptr_array_unref);
  return status;
}
