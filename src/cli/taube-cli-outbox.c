/* taube-cli-outbox.c — taube-cli outbox: what waits to be sent, and why
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With --send it sends what is queued now, retries included, and waits: exit 0 when all of
 * it was sent, 1 when the server refused some, 3 when a server could not be reached.
 */
#define G_LOG_DOMAIN "taube-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "taube-cli-commands.h"
#include "taube-cli-store.h"
#include "taube-outbox.h"
#include "taube-store-outbox.h"

#define EXIT_QUEUED 3

typedef struct
{
  GHashTable *pending;   /* ids still to be tried */
  GHashTable *tried;     /* ids seen being sent, so their results count */
  gboolean failed;
  gboolean queued;
} Flush;

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

static void
flush_state_cb (TaubeOutbox      *outbox,
                gint64            id,
                TaubeOutboxState  state,
                const char       *error_text,
                Flush            *flush)
{
  if (!g_hash_table_contains (flush->pending, &id))
    return;
  if (state == TAUBE_OUTBOX_STATE_SENDING)
    {
      g_hash_table_add (flush->tried, g_memdup2 (&id, sizeof id));
      return;
    }
  /* The states start() reports for what it found do not count: only results do. */
  if (!g_hash_table_contains (flush->tried, &id))
    return;
  if (state == TAUBE_OUTBOX_STATE_SENT)
    /* Translators: the result for one outbox message, after its id */
    g_print ("%" G_GINT64_FORMAT "\t%s\n", id, _("sent"));
  else if (state == TAUBE_OUTBOX_STATE_FAILED)
    {
      /* Translators: the result for one outbox message; the server's reason follows */
      g_printerr ("%" G_GINT64_FORMAT "\t%s: %s\n", id, _("not sent"), error_text);
      flush->failed = TRUE;
    }
  else if (state == TAUBE_OUTBOX_STATE_QUEUED && error_text != NULL)
    {
      /* Translators: the result for one outbox message; why follows, e.g. "Connection refused" */
      g_printerr ("%" G_GINT64_FORMAT "\t%s: %s\n", id, _("not sent yet"), error_text);
      flush->queued = TRUE;
    }
  else
    return;
  g_hash_table_remove (flush->pending, &id);
}

/* Sends the queued messages and waits for each one's result. */
static int
send_queued (TaubeStore *store,
             GPtrArray  *rows)
{
  g_autoptr(TaubeAccountManager) accounts = taube_cli_load_accounts ();
  g_autoptr(TaubeOutbox) outbox = taube_outbox_new (store, accounts);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) after = NULL;
  Flush flush = {
    g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL),
    g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL),
    FALSE, FALSE
  };

  for (guint i = 0; i < rows->len; i++)
    {
      TaubeOutboxEntry *entry = g_ptr_array_index (rows, i);

      if (entry->state == 0)
        g_hash_table_add (flush.pending, g_memdup2 (&entry->id, sizeof entry->id));
    }
  taube_store_outbox_due_now_async (store, g_get_real_time () / 1000, NULL, taube_cli_result_cb,
                                    &result);
  taube_store_outbox_change_finish (store, taube_cli_wait (&result), NULL);
  g_clear_object (&result);

  g_signal_connect (outbox, "state-changed", G_CALLBACK (flush_state_cb), &flush);
  taube_outbox_start (outbox);
  while (g_hash_table_size (flush.pending) > 0)
    g_main_context_iteration (NULL, TRUE);
  /* A read after the outbox's last write: once it answers, that write is on disk. */
  taube_store_outbox_list_async (store, G_MAXINT64, NULL, taube_cli_result_cb, &result);
  after = taube_store_outbox_list_finish (store, taube_cli_wait (&result), NULL);
  g_hash_table_unref (flush.pending);
  g_hash_table_unref (flush.tried);
  return flush.failed ? TAUBE_CLI_FAILED : flush.queued ? EXIT_QUEUED : 0;
}

/**
 * taube_cli_outbox:
 * @argc: arguments after "outbox"
 * @argv: (array length=argc): [--json] [--send]
 *
 * Returns: the exit code
 */
int
taube_cli_outbox (int    argc,
                  char **argv)
{
  gboolean json = FALSE;
  gboolean send = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "send", 0, 0, G_OPTION_ARG_NONE, &send, N_("Send the queued messages now and wait for the result"), NULL },
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
                                                  : _("Usage: taube-cli outbox [--json] [--send]"));
      return TAUBE_CLI_USAGE;
    }
  if ((store = taube_cli_open_store ()) == NULL)
    return TAUBE_CLI_FAILED;
  taube_store_outbox_list_async (store, 0, NULL, taube_cli_result_cb, &result);
  rows = taube_store_outbox_list_finish (store, taube_cli_wait (&result), &error);
  if (rows == NULL)
    return taube_cli_fail (error);
  if (send)
    return send_queued (store, rows);
  if (json)
    g_print ("[\n");
  for (guint i = 0; i < rows->len; i++)
    print_entry (g_ptr_array_index (rows, i), json, i + 1 == rows->len);
  if (json)
    g_print ("]\n");
  return 0;
}
