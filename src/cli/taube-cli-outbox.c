/* taube-cli-outbox.c — taube-cli outbox: what waits to be sent, and why
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "taube-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "taube-cli-commands.h"
#include "taube-cli-store.h"
#include "taube-store-outbox.h"

static const char *
state_name (int state)
{
  static const char *const names[] = { "queued", "sending", "failed", "sent" };

  return state >= 0 && (guint) state < G_N_ELEMENTS (names) ? names[state] : "";
}

static void
print_entry (TaubeOutboxEntry *entry,
             gboolean          json,
             gboolean          last)
{
  if (json)
    {
      g_autofree char *j_account = taube_cli_json_string (entry->account_id);
      g_autofree char *j_subject = taube_cli_json_string (entry->subject);
      g_autofree char *j_error = taube_cli_json_string (entry->error);

      g_print ("  {\"id\": %" G_GINT64_FORMAT ", \"account_id\": %s, \"subject\": %s, "
               "\"state\": \"%s\", \"attempts\": %u, \"error\": %s}%s\n",
               entry->id, j_account, j_subject, state_name (entry->state), entry->attempts,
               j_error, last ? "" : ",");
      return;
    }
  g_print ("%" G_GINT64_FORMAT "\t%s\t%s\t%s\n", entry->id, state_name (entry->state),
           entry->subject, entry->error != NULL ? entry->error : "");
}

/**
 * taube_cli_outbox:
 * @argc: arguments after "outbox"
 * @argv: (array length=argc): [--json]
 *
 * Returns: the exit code
 */
int
taube_cli_outbox (int    argc,
                  char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(TaubeStore) store = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, _("List the messages waiting in the outbox"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 1)
    {
      g_printerr ("taube-cli: %s\n", error != NULL ? error->message
                                                  : _("Usage: taube-cli outbox [--json]"));
      return TAUBE_CLI_USAGE;
    }
  if ((store = taube_cli_open_store ()) == NULL)
    return TAUBE_CLI_FAILED;
  taube_store_outbox_list_async (store, 0, NULL, taube_cli_result_cb, &result);
  rows = taube_store_outbox_list_finish (store, taube_cli_wait (&result), &error);
  if (rows == NULL)
    return taube_cli_fail (error);
  if (json)
    g_print ("[\n");
  for (guint i = 0; i < rows->len; i++)
    print_entry (g_ptr_array_index (rows, i), json, i + 1 == rows->len);
  if (json)
    g_print ("]\n");
  return 0;
}
