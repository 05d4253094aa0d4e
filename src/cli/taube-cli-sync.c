/* taube-cli-sync.c — taube-cli sync [--account ID] [--once] [--interval SECONDS]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With --once: sync, print one line per account, exit 0 only if every account synced.
 * Without: sync at once, then again every interval until SIGINT or SIGTERM; a sync in
 * progress is cancelled, which deletes nothing on a POP3 server (see
 * src/engine/sync/README.md). After the first round, IMAP accounts stay connected with
 * IDLE (TaubeImapPush), which syncs their other folders every interval itself; the later
 * rounds find those accounts locked and skip them quietly.
 * An account that failed in a way only the person can fix (wrong password, refused
 * certificate, unsafe settings) is not tried again in later rounds: retrying a wrong
 * password every few minutes gets accounts locked by their servers. When no account is
 * left, the command ends with an error.
 */
#define G_LOG_DOMAIN "taube-cli"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "taube-cli-commands.h"
#include "taube-imap-push.h"
#include "taube-sync-service.h"

#define DEFAULT_INTERVAL_SECONDS (5 * 60)

typedef struct
{
  TaubeSyncService *service;
  char *account_id;
  GMainLoop *loop;
  GCancellable *cancellable;
  guint interval;
  gboolean once;
  gboolean syncing;
  gboolean all_ok;
  guint timeout_id;
  GHashTable *stopped;    /* ids of accounts not to sync again */
  GPtrArray *round;       /* ids of accounts still to sync in this round */
  GPtrArray *pushes;      /* TaubeImapPush, once the first round is done */
} SyncCommand;

static void sync_command_start (SyncCommand *command);
static void sync_command_next  (SyncCommand *command);

static void
print_result (const TaubeSyncResult *result)
{
  if (result->error != NULL)
    {
      /* Translators: an account id, then why its sync failed */
      g_printerr (_("%s: failed: %s\n"), result->account_id, result->error->message);
      return;
    }
  /* Translators: an account id, then counts of messages */
  g_print (_("%s: %u new (%u headers only), %u deleted on the server\n"), result->account_id,
           result->n_new, result->n_partial, result->n_deleted);
}

static gboolean
sync_command_timeout_cb (gpointer user_data)
{
  SyncCommand *command = user_data;

  command->timeout_id = 0;
  sync_command_start (command);
  return G_SOURCE_REMOVE;
}

/* Whether syncing the account again without a change by the person would be futile, or
 * harmful (a wrong password again). */
static gboolean
needs_person (const GError *error)
{
  return g_error_matches (error, TAUBE_SYNC_ERROR, TAUBE_SYNC_ERROR_NEEDS_PASSWORD)
         || g_error_matches (error, TAUBE_SYNC_ERROR, TAUBE_SYNC_ERROR_CERTIFICATE)
         || g_error_matches (error, TAUBE_SYNC_ERROR, TAUBE_SYNC_ERROR_SETTINGS);
}

static void
note_results (SyncCommand *command,
              GPtrArray   *results)
{
  for (guint i = 0; i < results->len; i++)
    {
      const TaubeSyncResult *one = g_ptr_array_index (results, i);

      if (one->error != NULL && (g_error_matches (one->error, TAUBE_SYNC_ERROR,
                                                  TAUBE_SYNC_ERROR_CANCELLED)
                                 || (command->pushes != NULL
                                     && one->protocol == TAUBE_PROTOCOL_IMAP
                                     && g_error_matches (one->error, TAUBE_SYNC_ERROR,
                                                         TAUBE_SYNC_ERROR_BUSY))))
        continue;
      print_result (one);
      command->all_ok = command->all_ok && one->error == NULL;
      if (!command->once && one->error != NULL && needs_person (one->error))
        {
          g_hash_table_add (command->stopped, g_strdup (one->account_id));
          /* Translators: %s is an account id */
          g_printerr (_("%s: not synchronized again until its settings or password are "
                        "fixed and taube-cli sync is started again.\n"), one->account_id);
        }
    }
}

static void
taube_cli_sync_push_stopped_cb (TaubeImapPush *push,
                                gpointer       user_data)
{
  SyncCommand *command = user_data;
  const char *account_id = g_object_get_data (G_OBJECT (push), "taube-cli-account-id");

  /* Translators: why an account stopped syncing, e.g. a wrong password */
  g_printerr (_("An account stopped syncing: %s\n"), taube_imap_push_get_error (push)->message);
  /* The push gave up for a reason only the person can fix: the rounds must not try the
   * same password again once the push has let go of the account's lock. */
  g_hash_table_add (command->stopped, g_strdup (account_id));
}

/* IMAP accounts stay connected from now on, with IDLE on the Inbox. */
static void
start_pushes (SyncCommand *command)
{
  TaubeAccountManager *accounts = taube_sync_service_get_accounts (command->service);
  GListModel *model = G_LIST_MODEL (accounts);

  command->pushes = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TaubeAccount) account = g_list_model_get_item (model, i);
      TaubeImapPush *push;

      if (taube_account_get_protocol (account) != TAUBE_PROTOCOL_IMAP
          || g_hash_table_contains (command->stopped, taube_account_get_id (account))
          || (command->account_id != NULL
              && g_strcmp0 (command->account_id, taube_account_get_id (account)) != 0))
        continue;
      push = taube_imap_push_new (taube_sync_service_get_store (command->service), account);
      taube_imap_push_set_interval (push, command->interval);
      g_object_set_data_full (G_OBJECT (push), "taube-cli-account-id",
                              g_strdup (taube_account_get_id (account)), g_free);
      g_signal_connect (push, "stopped", G_CALLBACK (taube_cli_sync_push_stopped_cb), command);
      taube_imap_push_start (push);
      g_ptr_array_add (command->pushes, push);
    }
}

static void
sync_command_done_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  SyncCommand *command = user_data;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;

  command->syncing = FALSE;
  results = taube_sync_service_sync_finish (TAUBE_SYNC_SERVICE (object), result, &error);
  if (results == NULL)
    {
      command->all_ok = FALSE;
      g_printerr ("taube-cli: %s\n", error->message);
    }
  else
    note_results (command, results);
  if (g_cancellable_is_cancelled (command->cancellable))
    {
      g_main_loop_quit (command->loop);
      return;
    }
  if (command->round->len > 0)
    {
      sync_command_next (command);
      return;
    }
  if (command->once)
    {
      g_main_loop_quit (command->loop);
      return;
    }
  if (command->pushes == NULL)
    start_pushes (command);
  command->timeout_id = g_timeout_add_seconds (command->interval, sync_command_timeout_cb,
                                               command);
}

/* Syncs the next account of the round; the service would go through them in the same
 * order, but this way the ones that need the person can be left out. */
static void
sync_command_next (SyncCommand *command)
{
  g_autofree char *account_id = g_ptr_array_steal_index (command->round, 0);

  command->syncing = TRUE;
  taube_sync_service_sync_async (command->service, account_id, command->cancellable,
                                 sync_command_done_cb, command);
}

static void
sync_command_start (SyncCommand *command)
{
  TaubeAccountManager *accounts = taube_sync_service_get_accounts (command->service);
  guint n_accounts = g_list_model_get_n_items (G_LIST_MODEL (accounts));

  command->all_ok = TRUE;
  g_ptr_array_set_size (command->round, 0);
  for (guint i = 0; command->account_id == NULL && i < n_accounts; i++)
    {
      g_autoptr(TaubeAccount) account = g_list_model_get_item (G_LIST_MODEL (accounts), i);

      g_ptr_array_add (command->round, g_strdup (taube_account_get_id (account)));
    }
  if (command->account_id != NULL)
    g_ptr_array_add (command->round, g_strdup (command->account_id));
  for (guint i = command->round->len; i > 0; i--)
    if (g_hash_table_contains (command->stopped, command->round->pdata[i - 1]))
      g_ptr_array_remove_index (command->round, i - 1);
  if (command->round->len > 0)
    {
      sync_command_next (command);
      return;
    }
  if (g_hash_table_size (command->stopped) > 0)
    {
      g_printerr (_("taube-cli: no account is left to synchronize.\n"));
      command->all_ok = FALSE;
    }
  else if (!command->once)
    {
      /* No account at all: keep running, as with accounts. */
      command->timeout_id = g_timeout_add_seconds (command->interval,
                                                   sync_command_timeout_cb, command);
      return;
    }
  g_main_loop_quit (command->loop);
}

/* SIGINT, SIGTERM: stop at the next safe point; the sync in progress is cancelled. */
static gboolean
sync_command_signal_cb (gpointer user_data)
{
  SyncCommand *command = user_data;

  g_cancellable_cancel (command->cancellable);
  g_clear_handle_id (&command->timeout_id, g_source_remove);
  for (guint i = 0; command->pushes != NULL && i < command->pushes->len; i++)
    taube_imap_push_stop (g_ptr_array_index (command->pushes, i));
  if (!command->syncing)
    g_main_loop_quit (command->loop);
  return G_SOURCE_CONTINUE;
}

static TaubeSyncService *
open_service (GError **error)
{
  g_autoptr(TaubeAccountManager) accounts = taube_account_manager_new (NULL);
  g_autoptr(TaubeStore) store = NULL;

  if (!taube_account_manager_load (accounts, error))
    return NULL;
  store = taube_store_new_sync (NULL, NULL, error);
  if (store == NULL)
    return NULL;
  return taube_sync_service_new (accounts, store);
}

static gboolean
parse_options (SyncCommand   *command,
               int           *argc,
               char        ***argv)
{
  int interval = DEFAULT_INTERVAL_SECONDS;
  const GOptionEntry entries[] = {
    { "account", 0, 0, G_OPTION_ARG_STRING, &command->account_id, N_("Sync only this account"), N_("ID") },
    { "once", 0, 0, G_OPTION_ARG_NONE, &command->once, N_("Sync once and exit"), NULL },
    { "interval", 0, 0, G_OPTION_ARG_INT, &interval, N_("Seconds between syncs (default: 300)"), N_("SECONDS") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, _("Download new mail for all accounts or one"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("taube-cli: %s\n", error->message);
      return FALSE;
    }
  if (interval <= 0 || *argc != 1)
    {
      g_printerr (_("taube-cli: sync takes no arguments and a positive --interval.\n"));
      return FALSE;
    }
  command->interval = (guint) interval;
  return TRUE;
}

int
taube_cli_sync (int    argc,
                char **argv)
{
  SyncCommand command = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean interrupted;
  guint sigint_id;
  guint sigterm_id;

  if (!parse_options (&command, &argc, &argv))
    {
      g_free (command.account_id);
      return TAUBE_CLI_USAGE;
    }
  command.service = open_service (&error);
  if (command.service == NULL)
    {
      g_printerr ("taube-cli: %s\n", error->message);
      g_free (command.account_id);
      return TAUBE_CLI_FAILED;
    }
  command.loop = g_main_loop_new (NULL, FALSE);
  command.cancellable = g_cancellable_new ();
  command.stopped = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  command.round = g_ptr_array_new_with_free_func (g_free);
  sigint_id = g_unix_signal_add (SIGINT, sync_command_signal_cb, &command);
  sigterm_id = g_unix_signal_add (SIGTERM, sync_command_signal_cb, &command);
  sync_command_start (&command);
  g_main_loop_run (command.loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_clear_handle_id (&command.timeout_id, g_source_remove);
  interrupted = g_cancellable_is_cancelled (command.cancellable);
  g_main_loop_unref (command.loop);
  g_object_unref (command.cancellable);
  g_hash_table_unref (command.stopped);
  g_ptr_array_unref (command.round);
  g_clear_pointer (&command.pushes, g_ptr_array_unref);
  g_object_unref (command.service);
  g_free (command.account_id);
  /* Interrupted on purpose: a failed round was reported already and retried meanwhile.
   * Ending by itself means no account was left to sync. */
  if (!command.once && interrupted)
    return 0;
  return command.all_ok ? 0 : TAUBE_CLI_FAILED;
}
