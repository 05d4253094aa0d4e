/* taube-cli-folders.c — taube-cli folders, and messages FOLDER
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "taube-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "taube-cli-commands.h"
#include "taube-cli-store.h"

/* --account takes an account's id or its address. */
static char *
resolve_account (TaubeAccountManager *accounts,
                 const char          *text)
{
  GListModel *model = G_LIST_MODEL (accounts);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TaubeAccount) account = g_list_model_get_item (model, i);

      if (g_strcmp0 (taube_account_get_id (account), text) == 0
          || g_ascii_strcasecmp (taube_account_get_email_address (account), text) == 0)
        return g_strdup (taube_account_get_id (account));
    }
  /* Translators: %s is what was given to --account */
  g_printerr (_("taube-cli: there is no account “%s”. “taube-cli account list” shows them.\n"),
              text);
  return NULL;
}

static const char *
account_label (TaubeAccountManager *accounts,
               const char          *account_id)
{
  TaubeAccount *account = taube_account_manager_lookup (accounts, account_id);

  return account != NULL ? taube_account_get_email_address (account) : account_id;
}

static TaubeFolder *
folder_by_id (TaubeStore *store,
              const char *text,
              const char *account_id)
{
  g_autoptr(TaubeFolder) folder = NULL;
  gint64 id;

  if (!taube_cli_parse_id (text, &id))
    return NULL;
  folder = taube_store_get_folder (store, id, NULL);
  if (folder == NULL
      || (account_id != NULL && g_strcmp0 (taube_folder_get_account_id (folder), account_id) != 0))
    return NULL;
  return g_steal_pointer (&folder);
}

/* FOLDER is an id, or a name (as the server spells it, or as shown) of one account's folder. */
static TaubeFolder *
resolve_folder (TaubeStore          *store,
                TaubeAccountManager *accounts,
                const char          *text,
                const char          *account_id)
{
  g_autoptr(GListModel) folders = NULL;
  g_autoptr(GPtrArray) matches = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  TaubeFolder *folder = folder_by_id (store, text, account_id);

  if (folder != NULL)
    return folder;
  folders = taube_store_list_folders (store, account_id, &error);
  if (folders == NULL)
    {
      taube_cli_fail (error);
      return NULL;
    }
  for (guint i = 0; i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr(TaubeFolder) candidate = g_list_model_get_item (folders, i);

      if (g_strcmp0 (taube_folder_get_name (candidate), text) == 0
          || g_utf8_collate (taube_folder_get_display_name (candidate), text) == 0)
        g_ptr_array_add (matches, g_steal_pointer (&candidate));
    }
  if (matches->len == 1)
    return g_object_ref (g_ptr_array_index (matches, 0));
  if (matches->len == 0)
    {
      /* Translators: %s is the folder name the user typed */
      g_printerr (_("taube-cli: there is no folder “%s”. “taube-cli folders” shows them.\n"),
                  text);
      return NULL;
    }
  /* Translators: %s is a folder name; a list of "ID  ACCOUNT" lines follows */
  g_printerr (_("taube-cli: several accounts have a folder “%s”. Give its id, or choose the "
                "account with --account:\n"), text);
  for (guint i = 0; i < matches->len; i++)
    {
      TaubeFolder *match = g_ptr_array_index (matches, i);

      g_printerr ("  %" G_GINT64_FORMAT "\t%s\n", taube_folder_get_id (match),
                  account_label (accounts, taube_folder_get_account_id (match)));
    }
  return NULL;
}

static void
print_folder (TaubeAccountManager *accounts,
              TaubeFolder         *folder,
              gboolean             json,
              gboolean             last)
{
  const char *account = account_label (accounts, taube_folder_get_account_id (folder));

  if (json)
    {
      g_autofree char *j_account_id = taube_cli_json_string (taube_folder_get_account_id (folder));
      g_autofree char *j_account = taube_cli_json_string (account);
      g_autofree char *j_name = taube_cli_json_string (taube_folder_get_name (folder));
      g_autofree char *j_display = taube_cli_json_string (taube_folder_get_display_name (folder));

      g_print ("  {\"id\": %" G_GINT64_FORMAT ", \"account_id\": %s, \"account\": %s, "
               "\"name\": %s, \"display_name\": %s, \"role\": \"%s\", \"total\": %u, "
               "\"unread\": %u}%s\n",
               taube_folder_get_id (folder), j_account_id, j_account, j_name, j_display,
               taube_cli_role_name (taube_folder_get_role (folder)),
               taube_folder_get_total (folder), taube_folder_get_unread (folder),
               last ? "" : ",");
      return;
    }
  g_print ("%" G_GINT64_FORMAT "\t%s\t%s\t%s\t%u\t%u\n", taube_folder_get_id (folder), account,
           taube_folder_get_display_name (folder),
           taube_cli_role_name (taube_folder_get_role (folder)), taube_folder_get_total (folder),
           taube_folder_get_unread (folder));
}

/**
 * taube_cli_folders:
 * @argc: arguments after "folders"
 * @argv: (array length=argc): [--account ID] [--json]
 *
 * Returns: the exit code
 */
int
taube_cli_folders (int    argc,
                   char **argv)
{
  g_autofree char *account_text = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "account", 0, 0, G_OPTION_ARG_STRING, &account_text, N_("Only this account’s folders"), N_("ID") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(TaubeAccountManager) accounts = NULL;
  g_autoptr(TaubeStore) store = NULL;
  g_autoptr(GListModel) folders = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *account_id = NULL;
  guint n;

  g_option_context_set_summary (context, _("List the folders in the local mail store"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 1)
    {
      g_printerr ("taube-cli: %s\n", error != NULL ? error->message : _("Usage: taube-cli folders [--account ID] [--json]"));
      return TAUBE_CLI_USAGE;
    }
  accounts = taube_cli_load_accounts ();
  if (account_text != NULL && (account_id = resolve_account (accounts, account_text)) == NULL)
    return TAUBE_CLI_FAILED;
  if ((store = taube_cli_open_store ()) == NULL)
    return TAUBE_CLI_FAILED;
  folders = taube_store_list_folders (store, account_id, &error);
  if (folders == NULL)
    return taube_cli_fail (error);

  n = g_list_model_get_n_items (folders);
  if (json)
    g_print ("[\n");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TaubeFolder) folder = g_list_model_get_item (folders, i);

      print_folder (accounts, folder, json, i + 1 == n);
    }
  if (json)
    g_print ("]\n");
  return 0;
}

/**
 * taube_cli_messages:
 * @argc: arguments after "messages"
 * @argv: (array length=argc): FOLDER [--account ID] [--limit N] [--json]
 *
 * Returns: the exit code
 */
int
taube_cli_messages (int    argc,
                    char **argv)
{
  g_autofree char *account_text = NULL;
  gboolean json = FALSE;
  int limit = 50;
  const GOptionEntry entries[] = {
    { "account", 0, 0, G_OPTION_ARG_STRING, &account_text, N_("The account whose folder is meant"), N_("ID") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("Show at most N messages (default 50)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FOLDER"));
  g_autoptr(TaubeAccountManager) accounts = NULL;
  g_autoptr(TaubeStore) store = NULL;
  g_autoptr(TaubeFolder) folder = NULL;
  g_autoptr(GListModel) messages = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *account_id = NULL;
  guint n;

  g_option_context_set_summary (context, _("List the newest messages of a folder"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 || limit <= 0)
    {
      g_printerr ("taube-cli: %s\n",
                  error != NULL ? error->message
                                : _("Usage: taube-cli messages FOLDER [--account ID] [--limit N] [--json]"));
      return TAUBE_CLI_USAGE;
    }
  accounts = taube_cli_load_accounts ();
  if (account_text != NULL && (account_id = resolve_account (accounts, account_text)) == NULL)
    return TAUBE_CLI_FAILED;
  if ((store = taube_cli_open_store ()) == NULL)
    return TAUBE_CLI_FAILED;
  folder = resolve_folder (store, accounts, argv[1], account_id);
  if (folder == NULL)
    return TAUBE_CLI_FAILED;
  messages = taube_store_list_messages (store, taube_folder_get_id (folder), 0, (guint) limit,
                                        &error);
  if (messages == NULL)
    return taube_cli_fail (error);

  n = g_list_model_get_n_items (messages);
  if (json)
    g_print ("[\n");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TaubeMessage) message = g_list_model_get_item (messages, i);

      taube_cli_print_message (message, json ? taube_folder_get_name (folder) : NULL, json,
                               i + 1 == n);
    }
  if (json)
    g_print ("]\n");
  return 0;
}
