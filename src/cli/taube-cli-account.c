/* taube-cli-account.c — taube-cli account add|list|remove
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "taube-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "taube-account-detector.h"
#include "taube-account-manager.h"
#include "taube-cli-commands.h"
#include "taube-password.h"

typedef struct
{
  char *email;
  char *name;
  char *protocol;
  char *host;
  int port;
  char *security;
  char *username;
  char *smtp_host;
  int smtp_port;
  char *smtp_security;
  char *smtp_username;
  char *ca_file;
  gboolean allow_plaintext;
  gboolean password_stdin;
  gboolean detect;
  gboolean no_verify;
  gboolean trust_detected;
} AddOptions;

static void
add_options_clear (AddOptions *options)
{
  g_free (options->email);
  g_free (options->name);
  g_free (options->protocol);
  g_free (options->host);
  g_free (options->security);
  g_free (options->username);
  g_free (options->smtp_host);
  g_free (options->smtp_security);
  g_free (options->smtp_username);
  g_free (options->ca_file);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AddOptions, add_options_clear)

/* Runs the main loop until an async call is done: the CLI has nothing else to do. */
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

static gboolean
store_password (const TaubePasswordKey  *key,
                const char              *password,
                GError                 **error)
{
  Waiter waiter = { g_main_loop_new (NULL, FALSE), NULL };
  g_autoptr(GAsyncResult) result = NULL;

  taube_password_store_async (key, password, NULL, waiter_done_cb, &waiter);
  result = waiter_wait (&waiter);
  return taube_password_store_finish (result, error);
}

static gboolean
clear_passwords (const char  *account_id,
                 GError     **error)
{
  Waiter waiter = { g_main_loop_new (NULL, FALSE), NULL };
  g_autoptr(GAsyncResult) result = NULL;

  taube_password_clear_async (account_id, NULL, waiter_done_cb, &waiter);
  result = waiter_wait (&waiter);
  return taube_password_clear_finish (result, error);
}

/* The password comes from standard input, never from the command line, where every
 * user of the machine could read it in the process list. */
static char *
read_password (void)
{
  char buffer[4096];
  gsize len;

  if (fgets (buffer, sizeof buffer, stdin) == NULL)
    return NULL;
  len = strcspn (buffer, "\r\n");
  buffer[len] = '\0';
  return len > 0 ? g_strdup (buffer) : NULL;
}

static guint
standard_port (const char    *service,
               TaubeSecurity  security)
{
  gboolean tls = security == TAUBE_SECURITY_TLS;

  if (g_strcmp0 (service, "imap") == 0)
    return tls ? 993 : 143;
  if (g_strcmp0 (service, "pop3") == 0)
    return tls ? 995 : 110;
  return tls ? 465 : 587;
}

static gboolean
parse_security (const char     *text,
                const char     *option,
                TaubeSecurity  *security)
{
  if (text == NULL)
    {
      *security = TAUBE_SECURITY_TLS;
      return TRUE;
    }
  if (taube_security_from_string (text, security))
    return TRUE;
  /* Translators: %s is a value the user typed and an option name such as --security */
  g_printerr (_("taube-cli: “%s” is not a security for %s; use tls, starttls or none.\n"), text,
              option);
  return FALSE;
}

static TaubeAccount *
account_from_options (const AddOptions *o)
{
  TaubeSecurity security;
  TaubeSecurity smtp_security;
  TaubeProtocol protocol = g_strcmp0 (o->protocol, "pop3") == 0 ? TAUBE_PROTOCOL_POP3
                                                                 : TAUBE_PROTOCOL_IMAP;
  TaubeAccount *account;

  if (!parse_security (o->security, "--security", &security)
      || !parse_security (o->smtp_security, "--smtp-security", &smtp_security))
    return NULL;

  account = taube_account_new (NULL);
  g_object_set (account,
                "display-name", o->name,
                "email-address", o->email,
                "protocol", protocol,
                "incoming-host", o->host,
                "incoming-port", o->port > 0 ? (guint) o->port
                                             : standard_port (o->protocol, security),
                "incoming-security", security,
                "incoming-username", o->username != NULL ? o->username : o->email,
                "outgoing-host", o->smtp_host,
                "outgoing-port", o->smtp_port > 0 ? (guint) o->smtp_port
                                                  : standard_port ("smtp", smtp_security),
                "outgoing-security", smtp_security,
                "outgoing-username", o->smtp_username,
                "allow-plaintext", o->allow_plaintext,
                "ca-file", o->ca_file,
                NULL);
  return account;
}

static gboolean
check_add_options (const AddOptions *o)
{
  if (o->email == NULL || (!o->detect && (o->host == NULL || o->smtp_host == NULL)))
    {
      g_printerr (_("taube-cli: account add needs --email, --host and --smtp-host.\n"));
      return FALSE;
    }
  if (o->detect && (o->host != NULL || o->smtp_host != NULL))
    {
      g_printerr (_("taube-cli: --detect finds the servers; leave out --host and --smtp-host.\n"));
      return FALSE;
    }
  if (o->protocol != NULL && g_strcmp0 (o->protocol, "imap") != 0
      && g_strcmp0 (o->protocol, "pop3") != 0)
    {
      g_printerr (_("taube-cli: --protocol must be imap or pop3.\n"));
      return FALSE;
    }
  if (!o->password_stdin)
    {
      g_printerr (_("taube-cli: give the password on standard input with --password-stdin.\n"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
save_account_passwords (TaubeAccount  *account,
                        const char    *password,
                        GError       **error)
{
  TaubePasswordKey incoming = {
    taube_account_get_id (account),
    taube_account_get_protocol (account) == TAUBE_PROTOCOL_POP3 ? "pop3" : "imap",
    taube_account_get_incoming_host (account),
    taube_account_get_incoming_username (account),
  };
  TaubePasswordKey outgoing = {
    taube_account_get_id (account),
    "smtp",
    taube_account_get_outgoing_host (account),
    taube_account_get_outgoing_username (account),
  };

  return store_password (&incoming, password, error)
         && store_password (&outgoing, password, error);
}

static void
print_to_stderr (const char *text)
{
  fputs (text, stderr);
}

/* --detect: fills in the servers found for the address and, unless --no-verify, logs in
 * to them. Settings a person should look at first are only used with --trust-detected:
 * logging in would hand the password to whoever answered a forged DNS query. */
static gboolean
detect_servers (TaubeAccount     *account,
                const AddOptions *o,
                const char       *password)
{
  g_autoptr(TaubeProviderConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  config = taube_cli_run_detection (o->email, 0, FALSE, &error);
  if (config != NULL)
    {
      /* What was found goes to stderr: stdout carries only the new account's id. */
      GPrintFunc old = g_set_print_handler (print_to_stderr);

      taube_cli_print_config (config, o->email, FALSE);
      g_set_print_handler (old);
    }
  if (config != NULL && taube_provider_config_needs_confirmation (config, o->email)
      && !o->trust_detected)
    {
      g_printerr (_("taube-cli: check the settings above; if they are right, add "
                    "--trust-detected, or give the servers with --host and --smtp-host.\n"));
      return FALSE;
    }
  if (config == NULL
      || !taube_cli_apply_detected (account, config, o->protocol, &error)
      || (!o->no_verify && !taube_cli_verify_account (account, password, &error)))
    {
      g_printerr ("taube-cli: %s\n", error->message);
      return FALSE;
    }
  return TRUE;
}

static int
command_add (int    argc,
             char **argv)
{
  g_auto(AddOptions) o = { 0 };
  const GOptionEntry entries[] = {
    { "email", 0, 0, G_OPTION_ARG_STRING, &o.email, N_("Email address"), N_("ADDRESS") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &o.name, N_("Your name, as recipients see it"), N_("NAME") },
    { "protocol", 0, 0, G_OPTION_ARG_STRING, &o.protocol, N_("imap or pop3"), N_("PROTOCOL") },
    { "host", 0, 0, G_OPTION_ARG_STRING, &o.host, N_("Incoming server"), N_("HOST") },
    { "port", 0, 0, G_OPTION_ARG_INT, &o.port, N_("Incoming port (default: standard)"), N_("PORT") },
    { "security", 0, 0, G_OPTION_ARG_STRING, &o.security, N_("tls, starttls or none"), N_("SECURITY") },
    { "username", 0, 0, G_OPTION_ARG_STRING, &o.username, N_("Login name (default: the address)"), N_("USER") },
    { "smtp-host", 0, 0, G_OPTION_ARG_STRING, &o.smtp_host, N_("Outgoing (SMTP) server"), N_("HOST") },
    { "smtp-port", 0, 0, G_OPTION_ARG_INT, &o.smtp_port, N_("Outgoing port (default: standard)"), N_("PORT") },
    { "smtp-security", 0, 0, G_OPTION_ARG_STRING, &o.smtp_security, N_("tls, starttls or none"), N_("SECURITY") },
    { "smtp-username", 0, 0, G_OPTION_ARG_STRING, &o.smtp_username, N_("SMTP login name (default: as incoming)"), N_("USER") },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &o.ca_file, N_("Also trust the CAs in this PEM file"), N_("FILE") },
    { "allow-plaintext", 0, 0, G_OPTION_ARG_NONE, &o.allow_plaintext, N_("Allow sending the password unencrypted"), NULL },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &o.password_stdin, N_("Read the password from standard input"), NULL },
    { "detect", 0, 0, G_OPTION_ARG_NONE, &o.detect, N_("Find the servers, and check the login before saving"), NULL },
    { "no-verify", 0, 0, G_OPTION_ARG_NONE, &o.no_verify, N_("With --detect: save without checking the login"), NULL },
    { "trust-detected", 0, 0, G_OPTION_ARG_NONE, &o.trust_detected, N_("With --detect: use settings that came over plain DNS or name other domains"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(TaubeAccountManager) manager = taube_account_manager_new (NULL);
  g_autoptr(TaubeAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;

  g_option_context_set_summary (context, _("Add a mail account"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("taube-cli: %s\n", error->message);
      return TAUBE_CLI_USAGE;
    }
  if (!check_add_options (&o))
    return TAUBE_CLI_USAGE;
  account = account_from_options (&o);
  if (account == NULL)
    return TAUBE_CLI_USAGE;

  password = read_password ();
  if (password == NULL)
    {
      g_printerr (_("taube-cli: no password on standard input.\n"));
      return TAUBE_CLI_USAGE;
    }
  if (o.detect && !detect_servers (account, &o, password))
    return TAUBE_CLI_FAILED;
  /* The password goes to the keyring first, so a saved account always has one. */
  if (!taube_account_validate (account, &error)
      || !save_account_passwords (account, password, &error)
      || !taube_account_manager_save (manager, account, &error))
    {
      g_printerr ("taube-cli: %s\n", error->message);
      clear_passwords (taube_account_get_id (account), NULL);
      return TAUBE_CLI_FAILED;
    }
  g_print ("%s\n", taube_account_get_id (account));
  return 0;
}

static void
print_account_json (TaubeAccount *account,
                    gboolean      last)
{
  g_autofree char *id = NULL, *name = NULL, *email = NULL, *host = NULL, *smtp_host = NULL;
  TaubeProtocol protocol;
  TaubeSecurity security, smtp_security;
  guint port, smtp_port;

  g_object_get (account, "id", &id, "display-name", &name, "email-address", &email,
                "protocol", &protocol, "incoming-host", &host, "incoming-port", &port,
                "incoming-security", &security, "outgoing-host", &smtp_host,
                "outgoing-port", &smtp_port, "outgoing-security", &smtp_security, NULL);
  {
    g_autofree char *j_id = taube_cli_json_string (id);
    g_autofree char *j_name = taube_cli_json_string (name);
    g_autofree char *j_email = taube_cli_json_string (email);
    g_autofree char *j_host = taube_cli_json_string (host);
    g_autofree char *j_smtp = taube_cli_json_string (smtp_host);

    g_print ("  {\"id\": %s, \"name\": %s, \"email\": %s, \"protocol\": \"%s\", "
             "\"host\": %s, \"port\": %u, \"security\": \"%s\", "
             "\"smtp_host\": %s, \"smtp_port\": %u, \"smtp_security\": \"%s\"}%s\n",
             j_id, j_name, j_email, protocol == TAUBE_PROTOCOL_POP3 ? "pop3" : "imap", j_host,
             port, taube_security_to_string (security), j_smtp, smtp_port,
             taube_security_to_string (smtp_security), last ? "" : ",");
  }
}

static void
print_account_line (TaubeAccount *account)
{
  g_autofree char *host = NULL;
  guint port;

  g_object_get (account, "incoming-host", &host, "incoming-port", &port, NULL);
  g_print ("%s  %s  %s  %s:%u\n", taube_account_get_id (account),
           taube_account_get_email_address (account),
           taube_account_get_protocol (account) == TAUBE_PROTOCOL_POP3 ? "pop3" : "imap", host,
           port);
}

static int
command_list (int    argc,
              char **argv)
{
  g_autoptr(TaubeAccountManager) manager = taube_account_manager_new (NULL);
  g_autoptr(GError) error = NULL;
  gboolean json = argc > 1 && g_strcmp0 (argv[1], "--json") == 0;
  guint n;

  if (!taube_account_manager_load (manager, &error))
    g_printerr ("taube-cli: %s\n", error->message);

  n = g_list_model_get_n_items (G_LIST_MODEL (manager));
  if (json)
    g_print ("[\n");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TaubeAccount) account = g_list_model_get_item (G_LIST_MODEL (manager), i);

      if (json)
        print_account_json (account, i + 1 == n);
      else
        print_account_line (account);
    }
  if (json)
    g_print ("]\n");
  return error != NULL ? TAUBE_CLI_FAILED : 0;
}

static int
command_remove (int    argc,
                char **argv)
{
  g_autoptr(TaubeAccountManager) manager = taube_account_manager_new (NULL);
  g_autoptr(GError) error = NULL;

  if (argc != 2)
    {
      g_printerr (_("Usage: taube-cli account remove ID\n"));
      return TAUBE_CLI_USAGE;
    }
  taube_account_manager_load (manager, NULL);
  if (!taube_account_manager_remove (manager, argv[1], &error)
      || !clear_passwords (argv[1], &error))
    {
      g_printerr ("taube-cli: %s\n", error->message);
      return TAUBE_CLI_FAILED;
    }
  return 0;
}

/**
 * taube_cli_account:
 * @argc: arguments after "account"
 * @argv: (array length=argc): "add|list|remove" and its options
 *
 * Returns: the exit code
 */
int
taube_cli_account (int    argc,
                   char **argv)
{
  if (argc >= 2 && g_strcmp0 (argv[1], "add") == 0)
    return command_add (argc - 1, argv + 1);
  if (argc >= 2 && g_strcmp0 (argv[1], "list") == 0)
    return command_list (argc - 1, argv + 1);
  if (argc >= 2 && g_strcmp0 (argv[1], "remove") == 0)
    return command_remove (argc - 1, argv + 1);
  g_printerr (_("Usage: taube-cli account add|list|remove …\n"));
  return TAUBE_CLI_USAGE;
}
