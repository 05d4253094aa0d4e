/* taube-cli-send.c — taube-cli send FILE.eml: through the outbox, waiting for the result
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Exit codes: 0 sent; 1 refused by the server (the message stays in the outbox, failed, with
 * the reason) or another failure; 2 wrong use; 3 not sent yet because the server could not be
 * reached (it stays queued: Taube tries again when it runs); 4 undone with Ctrl+C.
 */
#define G_LOG_DOMAIN "taube-cli"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>

#include "taube-cli-commands.h"
#include "taube-cli-store.h"
#include "taube-outbox.h"
#include "taube-store-outbox.h"

#define EXIT_QUEUED 3
#define EXIT_UNDONE 4

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)

typedef struct
{
  TaubeOutbox *outbox;
  gint64 id;
  int exit_code;   /* -1 while waiting */
  gboolean undoing;
} Sending;

static void
state_changed_cb (TaubeOutbox      *outbox,
                  gint64            id,
                  TaubeOutboxState  state,
                  const char       *error_text,
                  Sending          *sending)
{
  if (id != sending->id || sending->id == 0)
    return;
  switch (state)
    {
    case TAUBE_OUTBOX_STATE_SENDING:
      g_printerr (_("Sending…\n"));
      break;
    case TAUBE_OUTBOX_STATE_SENT:
      if (error_text != NULL)
        g_printerr ("taube-cli: %s\n", error_text);
      g_print (_("Sent.\n"));
      sending->exit_code = 0;
      break;
    case TAUBE_OUTBOX_STATE_FAILED:
      /* Translators: %s is the server's reason */
      g_printerr (_("taube-cli: the message was not sent: %s\nIt stays in the outbox.\n"),
                  error_text);
      sending->exit_code = TAUBE_CLI_FAILED;
      break;
    case TAUBE_OUTBOX_STATE_QUEUED:
      if (error_text == NULL)
        break;
      /* Translators: %s says why, e.g. "Connection refused" */
      g_printerr (_("taube-cli: the message could not be sent yet: %s\nIt stays in the outbox, "
                    "and Taube tries again later.\n"), error_text);
      sending->exit_code = EXIT_QUEUED;
      break;
    case TAUBE_OUTBOX_STATE_UNDONE:
      g_printerr (_("Undone: the message was not sent.\n"));
      sending->exit_code = EXIT_UNDONE;
      break;
    default:
      break;
    }
}

static void
undone_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Sending *sending = user_data;
  g_autoptr(GError) error = NULL;

  sending->undoing = FALSE;
  if (!taube_outbox_undo_finish (TAUBE_OUTBOX (object), result, &error))
    g_printerr ("taube-cli: %s\n", error->message);
}

/* Ctrl+C during the undo window takes the message back. */
static gboolean
interrupt_cb (gpointer user_data)
{
  Sending *sending = user_data;

  if (sending->id != 0 && !sending->undoing)
    {
      sending->undoing = TRUE;
      taube_outbox_undo_async (sending->outbox, sending->id, NULL, undone_cb, sending);
    }
  return G_SOURCE_CONTINUE;
}

static char *
from_address (GBytes *raw)
{
  g_autoptr(GMimeStream) stream = g_mime_stream_mem_new_with_buffer (g_bytes_get_data (raw, NULL),
                                                                     g_bytes_get_size (raw));
  g_autoptr(GMimeParser) parser = g_mime_parser_new_with_stream (stream);
  g_autoptr(GMimeMessage) message = g_mime_parser_construct_message (parser, NULL);
  InternetAddressList *from = message != NULL ? g_mime_message_get_from (message) : NULL;
  InternetAddress *first;

  if (from == NULL || internet_address_list_length (from) == 0)
    return NULL;
  first = internet_address_list_get_address (from, 0);
  return INTERNET_ADDRESS_IS_MAILBOX (first)
         ? g_strdup (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (first)))
         : NULL;
}

/* --account, else the account whose address is the From, else the only account. */
static TaubeAccount *
choose_account (TaubeAccountManager *accounts,
                const char          *wanted,
                GBytes              *raw)
{
  GListModel *model = G_LIST_MODEL (accounts);
  g_autofree char *from = wanted == NULL ? from_address (raw) : NULL;
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TaubeAccount) account = g_list_model_get_item (model, i);
      const char *id = taube_account_get_id (account);
      const char *address = taube_account_get_email_address (account);

      if ((wanted != NULL && (g_strcmp0 (id, wanted) == 0 || g_ascii_strcasecmp (address, wanted) == 0))
          || (from != NULL && g_ascii_strcasecmp (address, from) == 0))
        return g_steal_pointer (&account);
    }
  if (wanted == NULL && n == 1)
    return g_list_model_get_item (model, 0);
  if (wanted != NULL)
    /* Translators: %s is what was given to --account */
    g_printerr (_("taube-cli: there is no account “%s”. “taube-cli account list” shows them.\n"),
                wanted);
  else if (n == 0)
    g_printerr (_("taube-cli: there is no account to send from. Add one with “taube-cli account add”.\n"));
  else
    g_printerr (_("taube-cli: no account has the message’s From address; choose one with --account ID.\n"));
  return NULL;
}

static void
queued_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Sending *sending = user_data;
  g_autoptr(GError) error = NULL;
  guint delay = taube_outbox_get_undo_delay (sending->outbox);

  sending->id = taube_outbox_queue_finish (sending->outbox, result, &error);
  if (sending->id == 0)
    {
      g_printerr ("taube-cli: %s\n", error->message);
      sending->exit_code = TAUBE_CLI_FAILED;
      return;
    }
  if (delay > 0)
    /* Translators: %u is a number of seconds */
    g_printerr (g_dngettext (GETTEXT_PACKAGE, "Sending in %u second; press Ctrl+C to undo.\n",
                             "Sending in %u seconds; press Ctrl+C to undo.\n",
                             (delay + 999) / 1000), (delay + 999) / 1000);
}

/* The store writes in call order on one thread: once a read queued now has answered, the
 * outbox's last update (the state, the error text) is on disk and the process may exit. */
static void
wait_for_writes (TaubeStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  taube_store_outbox_list_async (store, G_MAXINT64, NULL, taube_cli_result_cb, &result);
  rows = taube_store_outbox_list_finish (store, taube_cli_wait (&result), NULL);
}

static int
send_file (const char *path,
           const char *account_text,
           gboolean    no_undo)
{
  g_autoptr(TaubeAccountManager) accounts = taube_cli_load_accounts ();
  g_autoptr(TaubeAccount) account = NULL;
  g_autoptr(TaubeStore) store = NULL;
  g_autoptr(TaubeOutbox) outbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autofree char *contents = NULL;
  Sending sending = { NULL, 0, -1, FALSE };
  guint sigint;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, &error))
    return taube_cli_fail (error);
  raw = g_bytes_new_take (g_steal_pointer (&contents), len);
  g_mime_init ();
  if ((account = choose_account (accounts, account_text, raw)) == NULL)
    return TAUBE_CLI_FAILED;
  if ((store = taube_cli_open_store ()) == NULL)
    return TAUBE_CLI_FAILED;

  outbox = taube_outbox_new (store, accounts);
  if (no_undo)
    taube_outbox_set_undo_delay (outbox, 0);
  sending.outbox = outbox;
  g_signal_connect (outbox, "state-changed", G_CALLBACK (state_changed_cb), &sending);
  sigint = g_unix_signal_add (SIGINT, interrupt_cb, &sending);
  taube_outbox_queue_async (outbox, taube_account_get_id (account), raw, NULL, queued_cb,
                            &sending);
  while (sending.exit_code < 0)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (sigint);
  wait_for_writes (store);
  return sending.exit_code;
}

/**
 * taube_cli_send:
 * @argc: arguments after "send"
 * @argv: (array length=argc): FILE.eml [--account ID] [--no-undo]
 *
 * Returns: the exit code (see the top of this file)
 */
int
taube_cli_send (int    argc,
                char **argv)
{
  g_autofree char *account_text = NULL;
  gboolean no_undo = FALSE;
  const GOptionEntry entries[] = {
    { "account", 0, 0, G_OPTION_ARG_STRING, &account_text, N_("Send from this account (default: the one with the From address)"), N_("ID") },
    { "no-undo", 0, 0, G_OPTION_ARG_NONE, &no_undo, N_("Send at once, without the undo delay"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE.eml"));
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, _("Send a message through the outbox and wait until "
                                           "it is sent.\nExit status: 0 sent, 1 refused or "
                                           "failed, 3 queued for a later attempt, 4 undone."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2)
    {
      g_printerr ("taube-cli: %s\n", error != NULL ? error->message
                                                  : _("Usage: taube-cli send FILE.eml [--account ID] [--no-undo]"));
      return TAUBE_CLI_USAGE;
    }
  return send_file (argv[1], account_text, no_undo);
}
