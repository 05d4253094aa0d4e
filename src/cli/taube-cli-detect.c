/* taube-cli-detect.c — taube-cli detect, and detection and verification for account add
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same TaubeAccountDetector and TaubeAccountVerifier the setup assistant uses; the CLI
 * only runs a main loop until they are done and prints what they say.
 */
#define G_LOG_DOMAIN "taube-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "taube-account-detector.h"
#include "taube-account-verifier.h"
#include "taube-autoconfig-error.h"
#include "taube-cli-commands.h"

typedef struct
{
  GMainLoop *loop;
  GAsyncResult *result;
} Waiter;

static void
waiter_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  g_main_loop_quit (waiter->loop);
}

static GAsyncResult *
waiter_wait (Waiter *waiter)
{
  g_main_loop_run (waiter->loop);
  g_main_loop_unref (waiter->loop);
  return waiter->result;
}

static const char *
source_name (TaubeAutoconfigSource source)
{
  switch (source)
    {
    case TAUBE_AUTOCONFIG_SOURCE_DATABASE: return "database";
    case TAUBE_AUTOCONFIG_SOURCE_AUTOCONFIG: return "autoconfig";
    case TAUBE_AUTOCONFIG_SOURCE_SRV: return "srv";
    case TAUBE_AUTOCONFIG_SOURCE_MX: return "mx";
    case TAUBE_AUTOCONFIG_SOURCE_PROBE:
    default: return "probe";
    }
}

static const char *
source_description (TaubeAutoconfigSource source)
{
  switch (source)
    {
    case TAUBE_AUTOCONFIG_SOURCE_DATABASE: return _("Taube’s list of providers");
    case TAUBE_AUTOCONFIG_SOURCE_AUTOCONFIG: return _("the provider’s own configuration server");
    case TAUBE_AUTOCONFIG_SOURCE_SRV: return _("DNS service records (SRV)");
    case TAUBE_AUTOCONFIG_SOURCE_MX: return _("the domain’s mail exchanger (MX)");
    case TAUBE_AUTOCONFIG_SOURCE_PROBE:
    default: return _("servers that answered on the usual names and ports");
    }
}

static void
detector_progress_cb (TaubeAccountDetector  *detector,
                      TaubeAutoconfigSource  step,
                      const char            *message,
                      gpointer               user_data)
{
  /* Progress on stderr: stdout holds only the result, for scripts. */
  g_printerr ("%s\n", message);
}

/**
 * taube_cli_run_detection:
 * @address: the email address
 * @timeout: the time limit in seconds, or 0 for the detector's default
 * @quiet: whether to keep the progress messages to itself
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): what the detector found
 */
TaubeProviderConfig *
taube_cli_run_detection (const char  *address,
                         guint        timeout,
                         gboolean     quiet,
                         GError     **error)
{
  g_autoptr(TaubeAccountDetector) detector = taube_account_detector_new ();
  Waiter waiter = { g_main_loop_new (NULL, FALSE), NULL };
  g_autoptr(GAsyncResult) result = NULL;

  if (timeout > 0)
    g_object_set (detector, "timeout", timeout, NULL);
  if (!quiet)
    g_signal_connect (detector, "progress", G_CALLBACK (detector_progress_cb), NULL);
  taube_account_detector_detect_async (detector, address, NULL, waiter_done_cb, &waiter);
  result = waiter_wait (&waiter);
  return taube_account_detector_detect_finish (detector, result, error);
}

static const char *
protocol_name (TaubeAutoconfigServer *server)
{
  if (taube_autoconfig_server_is_outgoing (server))
    return "smtp";
  return taube_autoconfig_server_get_protocol (server) == TAUBE_PROTOCOL_POP3 ? "pop3" : "imap";
}

static gboolean
same_server (TaubeAutoconfigServer *a,
             TaubeAutoconfigServer *b)
{
  return a != NULL && b != NULL && a == b;
}

static void
print_servers_json (GListModel            *ranked,
                    TaubeAutoconfigServer *recommended)
{
  guint n = g_list_model_get_n_items (ranked);

  g_print ("[");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TaubeAutoconfigServer) server = g_list_model_get_item (ranked, i);
      g_autofree char *host = taube_cli_json_string (taube_autoconfig_server_get_hostname (server));
      g_autofree char *user = taube_cli_json_string (taube_autoconfig_server_get_username (server));

      g_print ("%s\n    {\"protocol\": \"%s\", \"host\": %s, \"port\": %u, \"security\": \"%s\", "
               "\"username\": %s, \"recommended\": %s}", i > 0 ? "," : "", protocol_name (server),
               host, taube_autoconfig_server_get_port (server),
               taube_security_to_string (taube_autoconfig_server_get_security (server)), user,
               same_server (server, recommended) ? "true" : "false");
    }
  g_print ("%s]", n > 0 ? "\n  " : "");
}

static void
print_json (TaubeProviderConfig *config,
            const char          *address)
{
  g_autoptr(GListModel) incoming = taube_provider_config_rank_incoming (config);
  g_autoptr(GListModel) outgoing = taube_provider_config_rank_outgoing (config);
  g_autoptr(TaubeAutoconfigServer) best_in = NULL;
  g_autoptr(TaubeAutoconfigServer) best_out = NULL;
  g_autofree char *j_address = taube_cli_json_string (address);
  g_autofree char *j_provider = taube_cli_json_string (
    taube_provider_config_get_display_name (config));

  best_in = taube_provider_config_get_recommended_incoming (config);
  best_out = taube_provider_config_get_recommended_outgoing (config);
  g_print ("{\n  \"address\": %s,\n  \"provider\": %s,\n  \"source\": \"%s\",\n"
           "  \"needs_confirmation\": %s,\n  \"incoming\": ", j_address, j_provider,
           source_name (taube_provider_config_get_source (config)),
           taube_provider_config_needs_confirmation (config, address) ? "true" : "false");
  print_servers_json (incoming, best_in);
  g_print (",\n  \"outgoing\": ");
  print_servers_json (outgoing, best_out);
  g_print ("\n}\n");
}

static void
print_servers_text (const char            *label,
                    GListModel            *ranked,
                    TaubeAutoconfigServer *recommended)
{
  for (guint i = 0; i < g_list_model_get_n_items (ranked); i++)
    {
      g_autoptr(TaubeAutoconfigServer) server = g_list_model_get_item (ranked, i);
      g_autofree char *protocol = g_ascii_strup (protocol_name (server), -1);

      g_print ("%-12s %s %s:%u %s, %s %s%s\n", i == 0 ? label : "", protocol,
               taube_autoconfig_server_get_hostname (server),
               taube_autoconfig_server_get_port (server),
               taube_security_to_string (taube_autoconfig_server_get_security (server)),
               _("user"), taube_autoconfig_server_get_username (server),
               same_server (server, recommended) ? _(" (recommended)") : "");
    }
}

/**
 * taube_cli_print_config:
 * @config: detected settings
 * @address: the address they are for
 * @json: whether to print JSON
 *
 * Prints the settings, their source and whether they need confirmation.
 */
void
taube_cli_print_config (TaubeProviderConfig *config,
                        const char          *address,
                        gboolean             json)
{
  g_autoptr(GListModel) incoming = NULL;
  g_autoptr(GListModel) outgoing = NULL;
  g_autoptr(TaubeAutoconfigServer) best_in = NULL;
  g_autoptr(TaubeAutoconfigServer) best_out = NULL;

  if (json)
    {
      print_json (config, address);
      return;
    }
  incoming = taube_provider_config_rank_incoming (config);
  outgoing = taube_provider_config_rank_outgoing (config);
  best_in = taube_provider_config_get_recommended_incoming (config);
  best_out = taube_provider_config_get_recommended_outgoing (config);
  /* Translators: the first %s is an email address, the second a provider's name. */
  g_print (_("Settings for %s (%s)\n"), address, taube_provider_config_get_display_name (config));
  /* Translators: %s says where settings came from, e.g. "Taube’s list of providers". */
  g_print (_("Found in: %s\n"), source_description (taube_provider_config_get_source (config)));
  if (taube_provider_config_needs_confirmation (config, address))
    g_print ("%s\n", _("Check these settings before use: they came over plain DNS or name "
                       "servers outside the address’s domain."));
  print_servers_text (_("Incoming:"), incoming, best_in);
  print_servers_text (_("Outgoing:"), outgoing, best_out);
}

/**
 * taube_cli_detect:
 * @argc: arguments after "detect"
 * @argv: (array length=argc): "detect", options and the address
 *
 * Returns: the exit code
 */
int
taube_cli_detect (int    argc,
                  char **argv)
{
  gboolean json = FALSE;
  int timeout = 0;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, N_("Give up after this many seconds (default: 15)"), N_("SECONDS") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("ADDRESS"));
  g_autoptr(TaubeProviderConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, _("Find the mail servers of an email address"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("taube-cli: %s\n", error->message);
      return TAUBE_CLI_USAGE;
    }
  if (argc != 2 || timeout < 0)
    {
      g_printerr (_("Usage: taube-cli detect [--json] [--timeout SECONDS] ADDRESS\n"));
      return TAUBE_CLI_USAGE;
    }
  config = taube_cli_run_detection (argv[1], (guint) timeout, json, &error);
  if (config == NULL)
    {
      g_printerr ("taube-cli: %s\n", error->message);
      return g_error_matches (error, TAUBE_AUTOCONFIG_ERROR,
                              TAUBE_AUTOCONFIG_ERROR_INVALID_ADDRESS) ? TAUBE_CLI_USAGE
                                                                      : TAUBE_CLI_FAILED;
    }
  taube_cli_print_config (config, argv[1], json);
  return 0;
}

static TaubeAutoconfigServer *
pick_incoming (TaubeProviderConfig *config,
               const char          *protocol)
{
  if (protocol == NULL)
    return taube_provider_config_get_recommended_incoming (config);
  return taube_provider_config_get_recommended_incoming_for_protocol (
    config, g_strcmp0 (protocol, "pop3") == 0 ? TAUBE_PROTOCOL_POP3 : TAUBE_PROTOCOL_IMAP);
}

/**
 * taube_cli_apply_detected:
 * @account: the account being added
 * @config: detected settings
 * @protocol: (nullable): "imap" or "pop3" if the person chose, else the recommended one
 * @error: return location for a #GError
 *
 * Fills @account's servers with the recommended (encrypted) ones of @config.
 *
 * Returns: %FALSE if @config has no encrypted server of the kind needed
 */
gboolean
taube_cli_apply_detected (TaubeAccount         *account,
                          TaubeProviderConfig  *config,
                          const char           *protocol,
                          GError              **error)
{
  g_autoptr(TaubeAutoconfigServer) incoming = pick_incoming (config, protocol);
  g_autoptr(TaubeAutoconfigServer) outgoing = taube_provider_config_get_recommended_outgoing (
    config);

  if (incoming == NULL || outgoing == NULL)
    {
      g_set_error (error, TAUBE_AUTOCONFIG_ERROR, TAUBE_AUTOCONFIG_ERROR_NOT_FOUND,
                   _("The settings found lack an encrypted incoming or outgoing server. Give "
                     "the servers with --host and --smtp-host instead of --detect."));
      return FALSE;
    }
  g_object_set (account,
                "protocol", taube_autoconfig_server_get_protocol (incoming),
                "incoming-host", taube_autoconfig_server_get_hostname (incoming),
                "incoming-port", taube_autoconfig_server_get_port (incoming),
                "incoming-security", taube_autoconfig_server_get_security (incoming),
                "incoming-username", taube_autoconfig_server_get_username (incoming),
                "outgoing-host", taube_autoconfig_server_get_hostname (outgoing),
                "outgoing-port", taube_autoconfig_server_get_port (outgoing),
                "outgoing-security", taube_autoconfig_server_get_security (outgoing),
                "outgoing-username", taube_autoconfig_server_get_username (outgoing),
                NULL);
  return TRUE;
}

/**
 * taube_cli_verify_account:
 * @account: the account being added
 * @password: its password
 * @error: return location for a #GError in %TAUBE_VERIFY_ERROR
 *
 * Logs in to both servers. After a certificate error, says how to trust the certificate.
 *
 * Returns: %TRUE if both servers accepted the login
 */
gboolean
taube_cli_verify_account (TaubeAccount  *account,
                          const char    *password,
                          GError       **error)
{
  g_autoptr(TaubeAccountVerifier) verifier = taube_account_verifier_new (account);
  Waiter waiter = { g_main_loop_new (NULL, FALSE), NULL };
  g_autoptr(GAsyncResult) result = NULL;
  GError *local_error = NULL;

  taube_account_verifier_verify_async (verifier, password, NULL, waiter_done_cb, &waiter);
  result = waiter_wait (&waiter);
  if (taube_account_verifier_verify_finish (verifier, result, NULL, &local_error))
    return TRUE;
  if (g_error_matches (local_error, TAUBE_VERIFY_ERROR, TAUBE_VERIFY_ERROR_CERTIFICATE)
      && taube_account_verifier_get_fingerprint (verifier) != NULL)
    /* Translators: %s is a SHA-256 fingerprint in hex. */
    g_printerr (_("The server’s certificate has the SHA-256 fingerprint %s.\n"),
                taube_account_verifier_get_fingerprint (verifier));
  g_propagate_error (error, local_error);
  return FALSE;
}
