/* test-imap-session.c — session and mailbox commands against the rig's real Dovecot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ID, ENABLE, NAMESPACE, LIST with SPECIAL-USE and LIST-STATUS (and the LIST + STATUS
 * fallback), STATUS, CREATE/RENAME/DELETE/SUBSCRIBE with non-ASCII names, EXAMINE,
 * SELECT with QRESYNC, GETQUOTAROOT, COMPRESS=DEFLATE and IDLE woken by a message sent
 * through submission. Each test program gets its own Dovecot, so counts are exact.
 */
#include "config.h"

#include <string.h>

#include "taube-imap-client.h"
#include "taube-imap-error.h"
#include "taube-smtp-client.h"
#include "taube-test-async.h"

static TaubeTestLogCapture capture;
static gsize capture_mark;

static void
capture_begin (void)
{
  capture_mark = capture.text->len;
}

/* Whether a line the client sent, as logged from the mark on, contains @word. */
static gboolean
client_sent (const char *word)
{
  g_auto(GStrv) lines = g_strsplit (capture.text->str + capture_mark, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "C: ") && strstr (lines[i], word) != NULL)
      return TRUE;
  return FALSE;
}

/* Connected over TLS, not logged in. */
static TaubeImapClient *
connect_only (void)
{
  g_autoptr(TaubeTlsTrust) trust = taube_tls_trust_new ();
  g_autoptr(TaubeConnection) connection = NULL;
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GError) error = NULL;

  taube_tls_trust_add_ca_file (trust, taube_test_rig_env ("TAUBE_RIG_CA"), &error);
  g_assert_no_error (error);
  connection = taube_connection_new (taube_test_rig_env ("TAUBE_RIG_HOST"),
                                     taube_test_rig_port ("TAUBE_RIG_IMAPS_PORT"),
                                     TAUBE_SECURITY_TLS, trust, "taube-imap", 10000, 20000);
  client = taube_imap_client_new (connection);
  taube_imap_client_connect_async (client, NULL, taube_test_store_result_cb, &connected);
  g_assert_true (taube_imap_client_connect_finish (client, taube_test_wait (&connected), &error));
  g_assert_no_error (error);
  return g_steal_pointer (&client);
}

static TaubeImapClient *
connect_user (const char *user_variable,
              const char *password_variable)
{
  g_autoptr(TaubeImapClient) client = connect_only ();
  g_autoptr(GAsyncResult) logged_in = NULL;
  g_autoptr(GError) error = NULL;

  taube_imap_client_login_async (client, taube_test_rig_env (user_variable),
                                 taube_test_rig_env (password_variable), NULL,
                                 taube_test_store_result_cb, &logged_in);
  g_assert_true (taube_imap_client_login_finish (client, taube_test_wait (&logged_in), &error));
  g_assert_no_error (error);
  return g_steal_pointer (&client);
}

static TaubeImapClient *
alice (void)
{
  return connect_user ("TAUBE_RIG_USER", "TAUBE_RIG_PASSWORD");
}

static void
logout (TaubeImapClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  taube_imap_client_logout_async (client, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_imap_client_logout_finish (client, taube_test_wait (&result), &error));
  g_assert_no_error (error);
}

static TaubeImapResponse *
run_command (TaubeImapClient *client,
             const char      *command)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TaubeImapResponse *response;

  taube_imap_client_command_async (client, command, NULL, taube_test_store_result_cb, &result);
  response = taube_imap_client_command_finish (client, taube_test_wait (&result), NULL, &error);
  g_assert_no_error (error);
  return response;
}

static void
save_message (const char *user,
              const char *mailbox,
              const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) doveadm = NULL;
  g_autoptr(GBytes) input = g_bytes_new_static (message, strlen (message));
  g_autoptr(GBytes) err = NULL;

  doveadm = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                              | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              "doveadm", "-c", taube_test_rig_env ("TAUBE_RIG_DOVECOT_CONF"),
                              "save", "-u", user, "-m", mailbox, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate (doveadm, input, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (doveadm))
    g_error ("doveadm save failed: %.*s", (int) g_bytes_get_size (err),
             (const char *) g_bytes_get_data (err, NULL));
}

static void
save_messages (const char *mailbox,
               guint       count)
{
  for (guint i = 0; i < count; i++)
    {
      g_autofree char *message = g_strdup_printf (
        "From: bob@example.test\r\nTo: alice@example.test\r\nSubject: %s %u\r\n"
        "Message-ID: <%s-%u@example.test>\r\n\r\nBody %u.\r\n", mailbox, i, mailbox, i, i);

      save_message (taube_test_rig_env ("TAUBE_RIG_USER"), mailbox, message);
    }
}

/* -- Calls --------------------------------------------------------------------------- */

static gboolean
enable (TaubeImapClient    *client,
        const char * const *extensions)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  taube_imap_client_enable_async (client, extensions, NULL, taube_test_store_result_cb, &result);
  ok = taube_imap_client_enable_finish (client, taube_test_wait (&result), &error);
  g_assert_no_error (error);
  return ok;
}

static GPtrArray *
list_mailboxes (TaubeImapClient    *client,
                TaubeImapListFlags  flags)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *entries;

  taube_imap_client_list_mailboxes_async (client, flags, NULL, taube_test_store_result_cb,
                                          &result);
  entries = taube_imap_client_list_mailboxes_finish (client, taube_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (entries);
  return entries;
}

static const TaubeImapMailboxEntry *
find_entry (GPtrArray  *entries,
            const char *name)
{
  for (guint i = 0; i < entries->len; i++)
    {
      const TaubeImapMailboxEntry *entry = g_ptr_array_index (entries, i);

      if (g_strcmp0 (entry->info->name, name) == 0)
        return entry;
    }
  return NULL;
}

static TaubeImapMailboxStatus *
status (TaubeImapClient  *client,
        const char       *mailbox,
        GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  taube_imap_client_status_async (client, mailbox, NULL, taube_test_store_result_cb, &result);
  return taube_imap_client_status_finish (client, taube_test_wait (&result), error);
}

typedef enum
{
  CREATE,
  DELETE,
  SUBSCRIBE,
  UNSUBSCRIBE,
} Verb;

static gboolean
mailbox_verb (TaubeImapClient  *client,
              Verb              verb,
              const char       *mailbox,
              GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  switch (verb)
    {
    case CREATE:
      taube_imap_client_create_async (client, mailbox, NULL, taube_test_store_result_cb, &result);
      return taube_imap_client_create_finish (client, taube_test_wait (&result), error);
    case DELETE:
      taube_imap_client_delete_async (client, mailbox, NULL, taube_test_store_result_cb, &result);
      return taube_imap_client_delete_finish (client, taube_test_wait (&result), error);
    case SUBSCRIBE:
    case UNSUBSCRIBE:
    default:
      taube_imap_client_subscribe_async (client, mailbox, verb == SUBSCRIBE, NULL,
                                         taube_test_store_result_cb, &result);
      return taube_imap_client_subscribe_finish (client, taube_test_wait (&result), error);
    }
}

static gboolean
rename_mailbox (TaubeImapClient  *client,
                const char       *from,
                const char       *to,
                GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  taube_imap_client_rename_async (client, from, to, NULL, taube_test_store_result_cb, &result);
  return taube_imap_client_rename_finish (client, taube_test_wait (&result), error);
}

static TaubeImapSelectResult *
open_mailbox (TaubeImapClient              *client,
              const char                   *mailbox,
              gboolean                      read_only,
              const TaubeImapQresyncParams *qresync)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TaubeImapSelectResult *opened;

  taube_imap_client_open_mailbox_async (client, mailbox, read_only, qresync, NULL,
                                        taube_test_store_result_cb, &result);
  opened = taube_imap_client_open_mailbox_finish (client, taube_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (opened);
  return opened;
}

/* -- Session ------------------------------------------------------------------------- */

static void
test_capability_id (void)
{
  g_autoptr(TaubeImapClient) client = alice ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) id_result = NULL;
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(GError) error = NULL;

  /* Dovecot sends its capabilities in the login OK's response code: no CAPABILITY needed. */
  g_assert_true (taube_imap_client_has_capability (client, "IMAP4rev1"));
  g_assert_true (taube_imap_client_has_capability (client, "QRESYNC"));
  capture_begin ();
  taube_imap_client_capability_async (client, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_imap_client_capability_finish (client, taube_test_wait (&result), &error));
  g_assert_no_error (error);
  g_assert_true (client_sent (" CAPABILITY"));
  g_assert_true (taube_imap_client_has_capability (client, "LIST-STATUS"));

  taube_imap_client_id_async (client, NULL, taube_test_store_result_cb, &id_result);
  server = taube_imap_client_id_finish (client, taube_test_wait (&id_result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (server);
  g_assert_cmpstr (g_hash_table_lookup (server, "name"), ==, "Dovecot");
  g_assert_true (client_sent ("ID (\"name\" \"Taube\" \"version\" \"" PACKAGE_VERSION "\")"));
  logout (client);
}

/* RFC 2971 §3.1: ID may come before login, e.g. to tell a provider who is connecting. */
static void
test_id_before_login (void)
{
  g_autoptr(TaubeImapClient) client = connect_only ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) namespace_result = NULL;
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(TaubeImapNamespaces) namespaces = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (taube_imap_client_is_logged_in (client));
  taube_imap_client_id_async (client, NULL, taube_test_store_result_cb, &result);
  server = taube_imap_client_id_finish (client, taube_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (server, "name"), ==, "Dovecot");
  /* The mailbox commands wait for the login. */
  taube_imap_client_namespace_async (client, NULL, taube_test_store_result_cb,
                                     &namespace_result);
  namespaces = taube_imap_client_namespace_finish (client, taube_test_wait (&namespace_result),
                                                   &error);
  g_assert_null (namespaces);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  logout (client);
}

static void
test_enable (void)
{
  const char *wanted[] = { "CONDSTORE", "QRESYNC", "UTF8=ACCEPT", "X-NO-SUCH-THING", NULL };
  g_autoptr(TaubeImapClient) client = alice ();
  g_autoptr(TaubeImapClient) again = NULL;

  g_assert_false (taube_imap_client_is_enabled (client, "QRESYNC"));
  capture_begin ();
  g_assert_true (enable (client, wanted));
  /* Only what the server offers is asked for. */
  g_assert_false (client_sent ("X-NO-SUCH-THING"));
  g_assert_true (taube_imap_client_is_enabled (client, "qresync"));
  g_assert_true (taube_imap_client_is_enabled (client, "CONDSTORE"));
  g_assert_cmpint (taube_imap_client_is_enabled (client, "UTF8=ACCEPT"), ==,
                   taube_imap_client_has_capability (client, "UTF8=ACCEPT"));
  g_assert_false (taube_imap_client_is_enabled (client, "X-NO-SUCH-THING"));
  logout (client);
  /* What was enabled belongs to the session that enabled it. */
  g_assert_false (taube_imap_client_is_enabled (client, "QRESYNC"));
  again = alice ();
  g_assert_false (taube_imap_client_is_enabled (again, "QRESYNC"));
  logout (again);
}

static void
test_namespace (void)
{
  g_autoptr(TaubeImapClient) client = alice ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TaubeImapNamespaces) namespaces = NULL;
  g_autoptr(GError) error = NULL;
  TaubeImapNamespace *personal;

  taube_imap_client_namespace_async (client, NULL, taube_test_store_result_cb, &result);
  namespaces = taube_imap_client_namespace_finish (client, taube_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (namespaces);
  /* The rig's dovecot.conf: one inbox namespace, no prefix, separator "/". */
  g_assert_cmpuint (namespaces->personal->len, ==, 1);
  personal = g_ptr_array_index (namespaces->personal, 0);
  g_assert_cmpstr (personal->prefix, ==, "");
  g_assert_cmpint (personal->delimiter, ==, '/');
  g_assert_cmpuint (namespaces->other_users->len, ==, 0);
  g_assert_cmpuint (namespaces->shared->len, ==, 0);
  logout (client);
}

/* -- Mailboxes ----------------------------------------------------------------------- */

static void
check_listing (GPtrArray *entries)
{
  const char *special[] = { "Sent", "Drafts", "Trash", "Junk", "Archive" };
  const TaubeImapMailboxEntry *inbox = find_entry (entries, "INBOX");
  const TaubeImapMailboxEntry *travel = find_entry (entries, "Reisen/Städte & Länder");
  const TaubeImapMailboxEntry *parent = find_entry (entries, "Reisen");

  g_assert_nonnull (inbox);
  g_assert_nonnull (inbox->status);
  g_assert_cmpuint (inbox->status->messages, ==, 3);
  g_assert_cmpuint (inbox->status->unseen, ==, 3);
  g_assert_cmpuint (inbox->status->uidnext, ==, 4);
  g_assert_cmpuint (inbox->status->uidvalidity, !=, 0);
  g_assert_cmpuint (inbox->status->highestmodseq, >, 0);
  g_assert_cmpuint (inbox->status->items, ==,
                    TAUBE_IMAP_STATUS_ITEM_MESSAGES | TAUBE_IMAP_STATUS_ITEM_UNSEEN
                    | TAUBE_IMAP_STATUS_ITEM_UIDNEXT | TAUBE_IMAP_STATUS_ITEM_UIDVALIDITY
                    | TAUBE_IMAP_STATUS_ITEM_HIGHESTMODSEQ);
  for (guint i = 0; i < G_N_ELEMENTS (special); i++)
    {
      const TaubeImapMailboxEntry *entry = find_entry (entries, special[i]);
      g_autofree char *flag = g_strconcat ("\\", special[i], NULL);

      g_assert_nonnull (entry);
      g_assert_true (taube_imap_mailbox_info_has_flag (entry->info, flag));
      g_assert_nonnull (entry->status);
      g_assert_cmpuint (entry->status->messages, ==, 0);
    }
  g_assert_nonnull (travel);
  g_assert_cmpint (travel->info->delimiter, ==, '/');
  g_assert_nonnull (travel->status);
  g_assert_cmpuint (travel->status->messages, ==, 2);
  /* The parent exists only as a level of the hierarchy here: no counts to ask for. */
  g_assert_nonnull (parent);
  g_assert_true (taube_imap_mailbox_info_has_flag (parent->info, "\\HasChildren"));
}

static void
test_list_status (void)
{
  g_autoptr(TaubeImapClient) client = alice ();
  g_autoptr(GPtrArray) combined = NULL;
  g_autoptr(GPtrArray) separate = NULL;
  g_autoptr(GPtrArray) plain = NULL;
  g_autoptr(GError) error = NULL;

  save_messages ("INBOX", 3);
  g_assert_true (mailbox_verb (client, CREATE, "Reisen/Städte & Länder", &error));
  g_assert_no_error (error);
  save_messages ("Reisen/Städte & Länder", 2);

  capture_begin ();
  combined = list_mailboxes (client, TAUBE_IMAP_LIST_WITH_STATUS);
  g_assert_true (client_sent ("LIST \"\" \"*\" RETURN (SPECIAL-USE CHILDREN STATUS (MESSAGES UNSEEN "
                              "UIDNEXT UIDVALIDITY HIGHESTMODSEQ))"));
  g_assert_false (client_sent (" STATUS \""));
  check_listing (combined);

  /* The fallback for servers without LIST-STATUS: LIST, then STATUS one by one. */
  capture_begin ();
  separate = list_mailboxes (client, TAUBE_IMAP_LIST_WITH_STATUS
                                     | TAUBE_IMAP_LIST_NO_LIST_STATUS);
  g_assert_true (client_sent ("LIST \"\" \"*\" RETURN (SPECIAL-USE CHILDREN)"));
  g_assert_true (client_sent (" STATUS \"INBOX\" (MESSAGES"));
  g_assert_true (client_sent (" STATUS \"Reisen/St&AOQ-dte &- L&AOQ-nder\" (MESSAGES"));
  check_listing (separate);
  g_assert_cmpuint (separate->len, ==, combined->len);

  plain = list_mailboxes (client, TAUBE_IMAP_LIST_DEFAULT);
  g_assert_cmpuint (plain->len, ==, combined->len);
  for (guint i = 0; i < plain->len; i++)
    g_assert_null (((TaubeImapMailboxEntry *) g_ptr_array_index (plain, i))->status);
  logout (client);
}

static void
test_status (void)
{
  g_autoptr(TaubeImapClient) client = alice ();
  g_autoptr(TaubeImapMailboxStatus) counts = NULL;
  g_autoptr(TaubeImapMailboxStatus) missing = NULL;
  g_autoptr(TaubeImapResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  save_messages ("Archive", 2);
  counts = status (client, "Archive", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (counts->mailbox, ==, "Archive");
  g_assert_cmpuint (counts->messages, ==, 2);
  g_assert_cmpuint (counts->unseen, ==, 2);
  g_assert_cmpuint (counts->uidnext, ==, 3);
  g_assert_cmpuint (counts->uidvalidity, !=, 0);
  g_assert_cmpuint (counts->highestmodseq, >, 0);

  missing = status (client, "Nirgendwo", &error);
  g_assert_null (missing);
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_SERVER_NO);
  g_test_message ("%s", error->message);
  /* A NO leaves the session usable. */
  response = run_command (client, "NOOP");
  g_assert_nonnull (response);
  logout (client);
}

static void
test_create_rename_delete (void)
{
  g_autoptr(TaubeImapClient) client = alice ();
  g_autoptr(GPtrArray) after_create = NULL;
  g_autoptr(GPtrArray) subscribed = NULL;
  g_autoptr(GPtrArray) unsubscribed = NULL;
  g_autoptr(GPtrArray) after_rename = NULL;
  g_autoptr(GPtrArray) after_delete = NULL;
  g_autoptr(GError) error = NULL;

  capture_begin ();
  g_assert_true (mailbox_verb (client, CREATE, "Projekte/Übersicht", &error));
  g_assert_no_error (error);
  /* RFC 9051 §5.1.3: "Ü" is U+00DC, in modified UTF-7 "&ANw-". */
  g_assert_true (client_sent ("CREATE \"Projekte/&ANw-bersicht\""));
  after_create = list_mailboxes (client, TAUBE_IMAP_LIST_DEFAULT);
  g_assert_nonnull (find_entry (after_create, "Projekte/Übersicht"));

  g_assert_false (mailbox_verb (client, CREATE, "Projekte/Übersicht", &error));
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_SERVER_NO);
  g_clear_error (&error);

  g_assert_true (mailbox_verb (client, SUBSCRIBE, "Projekte/Übersicht", &error));
  g_assert_no_error (error);
  subscribed = list_mailboxes (client, TAUBE_IMAP_LIST_SUBSCRIBED);
  g_assert_true (client_sent ("LIST (SUBSCRIBED) \"\" \"*\""));
  g_assert_nonnull (find_entry (subscribed, "Projekte/Übersicht"));
  g_assert_true (mailbox_verb (client, UNSUBSCRIBE, "Projekte/Übersicht", &error));
  g_assert_no_error (error);
  unsubscribed = list_mailboxes (client, TAUBE_IMAP_LIST_SUBSCRIBED);
  g_assert_null (find_entry (unsubscribed, "Projekte/Übersicht"));
  /* The special mailboxes are subscribed by the rig's configuration. */
  g_assert_nonnull (find_entry (unsubscribed, "Sent"));

  g_assert_true (rename_mailbox (client, "Projekte/Übersicht", "Projekte/Größe", &error));
  g_assert_no_error (error);
  after_rename = list_mailboxes (client, TAUBE_IMAP_LIST_DEFAULT);
  g_assert_null (find_entry (after_rename, "Projekte/Übersicht"));
  g_assert_nonnull (find_entry (after_rename, "Projekte/Größe"));

  g_assert_true (mailbox_verb (client, DELETE, "Projekte/Größe", &error));
  g_assert_no_error (error);
  after_delete = list_mailboxes (client, TAUBE_IMAP_LIST_DEFAULT);
  g_assert_null (find_entry (after_delete, "Projekte/Größe"));

  /* Nothing that cannot be a name leaves the client. */
  g_assert_false (mailbox_verb (client, CREATE, "Zeile\r\nA1 LOGOUT", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (client_sent ("A1 LOGOUT"));
  g_assert_true (taube_imap_client_is_logged_in (client));
  logout (client);
}

static void
test_examine (void)
{
  g_autoptr(TaubeImapClient) client = alice ();
  g_autoptr(TaubeImapSelectResult) examined = NULL;
  g_autoptr(TaubeImapSelectResult) selected = NULL;

  save_messages ("Junk", 2);
  capture_begin ();
  examined = open_mailbox (client, "Junk", TRUE, NULL);
  g_assert_true (client_sent ("EXAMINE \"Junk\" (CONDSTORE)"));
  g_assert_true (examined->info.read_only);
  g_assert_cmpuint (examined->info.exists, ==, 2);
  g_assert_false (examined->qresync);
  g_assert_true (g_strv_contains ((const char * const *) examined->flags, "\\Seen"));
  selected = open_mailbox (client, "Junk", FALSE, NULL);
  g_assert_false (selected->info.read_only);
  g_assert_cmpuint (selected->info.uidvalidity, ==, examined->info.uidvalidity);
  logout (client);
}

static gboolean
has_change (GPtrArray  *changed,
            guint32     uid,
            const char *flag)
{
  for (guint i = 0; i < changed->len; i++)
    {
      TaubeImapFlagChange *change = g_ptr_array_index (changed, i);

      if (change->uid == uid && g_strv_contains ((const char * const *) change->flags, flag))
        return change->modseq > 0;
    }
  return FALSE;
}

static void
vanished_cb (TaubeImapClient *client,
             const char      *uids,
             gboolean         earlier,
             gpointer         user_data)
{
  (*(guint *) user_data)++;
}

static void
test_qresync (void)
{
  const char *qresync[] = { "QRESYNC", NULL };
  g_autoptr(TaubeImapClient) client = alice ();
  g_autoptr(TaubeImapClient) other = NULL;
  g_autoptr(TaubeImapSelectResult) first = NULL;
  g_autoptr(TaubeImapSelectResult) second = NULL;
  g_autoptr(TaubeImapSelectResult) without = NULL;
  g_autoptr(TaubeImapResponse) stored = NULL;
  g_autoptr(TaubeImapResponse) expunged = NULL;
  g_autoptr(TaubeImapSequenceSet) known = taube_imap_sequence_set_new ();
  TaubeImapQresyncParams params = { 0 };
  guint signalled = 0;

  save_messages ("Drafts", 5);
  g_assert_true (enable (client, qresync));
  first = open_mailbox (client, "Drafts", FALSE, NULL);
  g_assert_cmpuint (first->info.exists, ==, 5);
  g_assert_cmpuint (first->info.highestmodseq, >, 0);
  logout (client);

  /* Meanwhile, another session flags message 2 and expunges 3 and 4. */
  other = alice ();
  g_clear_pointer (&second, taube_imap_select_result_free);
  second = open_mailbox (other, "Drafts", FALSE, NULL);
  stored = run_command (other, "UID STORE 2 +FLAGS.SILENT (\\Flagged)");
  g_clear_pointer (&stored, taube_imap_response_unref);
  stored = run_command (other, "UID STORE 3:4 +FLAGS.SILENT (\\Deleted)");
  expunged = run_command (other, "EXPUNGE");
  logout (other);
  g_clear_pointer (&second, taube_imap_select_result_free);

  g_clear_object (&client);
  client = alice ();
  g_assert_true (enable (client, qresync));
  g_signal_connect (client, "vanished", G_CALLBACK (vanished_cb), &signalled);
  taube_imap_sequence_set_add_range (known, 1, 5);
  params.uidvalidity = first->info.uidvalidity;
  params.modseq = first->info.highestmodseq;
  params.known_uids = known;
  capture_begin ();
  second = open_mailbox (client, "Drafts", FALSE, &params);
  g_assert_true (client_sent ("SELECT \"Drafts\" (QRESYNC ("));
  g_assert_true (second->qresync);
  g_assert_cmpuint (second->info.exists, ==, 3);
  g_assert_cmpuint (second->info.uidvalidity, ==, first->info.uidvalidity);
  g_assert_cmpuint (second->info.highestmodseq, >, first->info.highestmodseq);
  g_assert_cmpuint (taube_imap_sequence_set_get_count (second->vanished), ==, 2);
  g_assert_true (taube_imap_sequence_set_contains (second->vanished, 3));
  g_assert_true (taube_imap_sequence_set_contains (second->vanished, 4));
  g_assert_true (has_change (second->changed, 2, "\\Flagged"));
  /* The answer to the parameters is the result, not news for the signals. */
  g_assert_cmpuint (signalled, ==, 0);
  logout (client);

  /* Without ENABLE QRESYNC the parameters are not sent and nothing is reported. */
  g_clear_object (&client);
  client = alice ();
  capture_begin ();
  without = open_mailbox (client, "Drafts", FALSE, &params);
  g_assert_false (client_sent ("QRESYNC"));
  g_assert_false (without->qresync);
  g_assert_cmpuint (taube_imap_sequence_set_get_count (without->vanished), ==, 0);
  g_assert_cmpuint (without->changed->len, ==, 0);
  logout (client);
}

/* -- QUOTA, COMPRESS ----------------------------------------------------------------- */

static void
test_quota (void)
{
  g_autoptr(TaubeImapClient) client = alice ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TaubeImapQuotaInfo) quota = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  guint64 usage = 0;
  guint64 limit = 0;
  guint64 messages = 0;

  save_messages ("Trash", 4);
  /* The quota counts every message of the user, in all mailboxes. */
  entries = list_mailboxes (client, TAUBE_IMAP_LIST_WITH_STATUS);
  for (guint i = 0; i < entries->len; i++)
    {
      TaubeImapMailboxEntry *entry = g_ptr_array_index (entries, i);

      if (entry->status != NULL)
        messages += entry->status->messages;
    }
  g_assert_cmpuint (messages, >=, 4);
  taube_imap_client_get_quota_root_async (client, "INBOX", NULL, taube_test_store_result_cb,
                                          &result);
  quota = taube_imap_client_get_quota_root_finish (client, taube_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (quota);
  g_assert_cmpstr (quota->mailbox, ==, "INBOX");
  g_assert_cmpuint (g_strv_length (quota->roots), ==, 1);
  g_assert_cmpstr (quota->roots[0], ==, "User quota");
  /* The rig: quota_rule = *:storage=1G:messages=10000 (STORAGE counts KiB). */
  g_assert_true (taube_imap_quota_info_lookup (quota, "STORAGE", &usage, &limit));
  g_assert_cmpuint (limit, ==, 1024 * 1024);
  g_assert_cmpuint (usage, >, 0);
  g_assert_cmpuint (usage, <, 64);
  g_assert_true (taube_imap_quota_info_lookup (quota, "message", &usage, &limit));
  g_assert_cmpuint (limit, ==, 10000);
  g_assert_cmpuint (usage, ==, messages);
  g_assert_false (taube_imap_quota_info_lookup (quota, "MAILBOX", NULL, NULL));
  logout (client);
}

static void
test_compress (void)
{
  g_autoptr(TaubeImapClient) client = alice ();
  TaubeConnection *connection = taube_imap_client_get_connection (client);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) again = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(TaubeImapSelectResult) opened = NULL;
  g_autoptr(GError) error = NULL;

  g_autoptr(GString) big = g_string_new ("From: bob@example.test\r\nSubject: big\r\n\r\n");
  g_autoptr(TaubeImapResponse) tagged = NULL;
  g_autoptr(GPtrArray) untagged = NULL;
  g_autoptr(GAsyncResult) fetched_big = NULL;
  const TaubeImapValue *body;

  save_messages ("Sent", 30);
  /* 400 KB that compress to a few: one read of compressed bytes gives many buffers full. */
  while (big->len < 400 * 1024)
    g_string_append (big, "All work and no play makes Jack a dull boy.\r\n");
  save_message (taube_test_rig_env ("TAUBE_RIG_USER"), "Sent", big->str);
  taube_imap_client_compress_async (client, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_imap_client_compress_finish (client, taube_test_wait (&result), &error));
  g_assert_no_error (error);
  g_assert_true (taube_connection_is_compressed (connection));

  /* Commands and answers, several reads' worth, go through DEFLATE both ways. */
  entries = list_mailboxes (client, TAUBE_IMAP_LIST_WITH_STATUS);
  g_assert_nonnull (find_entry (entries, "Sent"));
  g_assert_cmpuint (find_entry (entries, "Sent")->status->messages, ==, 31);
  opened = open_mailbox (client, "Sent", TRUE, NULL);
  g_assert_cmpuint (opened->info.exists, ==, 31);
  taube_imap_client_command_async (client, "FETCH 31 (RFC822.SIZE BODY.PEEK[])", NULL,
                                   taube_test_store_result_cb, &fetched_big);
  tagged = taube_imap_client_command_finish (client, taube_test_wait (&fetched_big), &untagged,
                                             &error);
  g_assert_no_error (error);
  g_assert_cmpuint (untagged->len, ==, 1);
  body = taube_imap_response_get_fetch_item (g_ptr_array_index (untagged, 0), "BODY[]");
  g_assert_nonnull (body);
  g_assert_cmpuint (taube_imap_value_get_streamed_size (body), ==, big->len);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(TaubeImapResponse) fetched = run_command (client, "FETCH 1:* (ENVELOPE)");

      g_assert_nonnull (fetched);
    }

  /* RFC 4978 §3: a second COMPRESS is refused, and the session stays usable. */
  taube_imap_client_compress_async (client, NULL, taube_test_store_result_cb, &again);
  g_assert_false (taube_imap_client_compress_finish (client, taube_test_wait (&again), &error));
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_SERVER_NO);
  g_assert_true (taube_imap_client_is_logged_in (client));
  logout (client);
  g_assert_false (taube_connection_is_compressed (connection));
}

/* -- IDLE ---------------------------------------------------------------------------- */

/* Sends a message to alice through the rig's submission port, as a mail client would. */
static void
submit_to_alice (const char *subject)
{
  g_autoptr(TaubeTlsTrust) trust = taube_tls_trust_new ();
  g_autoptr(TaubeConnection) connection = NULL;
  g_autoptr(TaubeSmtpClient) smtp = NULL;
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GAsyncResult) logged_in = NULL;
  g_autoptr(GAsyncResult) sent = NULL;
  g_autoptr(GAsyncResult) quit = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GInputStream) input = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  const char *to[] = { taube_test_rig_env ("TAUBE_RIG_USER"), NULL };

  taube_tls_trust_add_ca_file (trust, taube_test_rig_env ("TAUBE_RIG_CA"), &error);
  g_assert_no_error (error);
  connection = taube_connection_new (taube_test_rig_env ("TAUBE_RIG_HOST"),
                                     taube_test_rig_port ("TAUBE_RIG_SUBMISSIONS_PORT"),
                                     TAUBE_SECURITY_TLS, trust, "taube-smtp", 10000, 20000);
  smtp = taube_smtp_client_new (connection);
  taube_smtp_client_connect_async (smtp, NULL, taube_test_store_result_cb, &connected);
  g_assert_true (taube_smtp_client_connect_finish (smtp, taube_test_wait (&connected), &error));
  g_assert_no_error (error);
  taube_smtp_client_login_async (smtp, taube_test_rig_env ("TAUBE_RIG_USER2"),
                                 taube_test_rig_env ("TAUBE_RIG_PASSWORD2"), NULL,
                                 taube_test_store_result_cb, &logged_in);
  g_assert_true (taube_smtp_client_login_finish (smtp, taube_test_wait (&logged_in), &error));
  g_assert_no_error (error);
  message = g_strdup_printf ("From: %s\r\nTo: %s\r\nSubject: %s\r\n"
                             "Message-ID: <%s@example.test>\r\n\r\nAre you there?\r\n",
                             taube_test_rig_env ("TAUBE_RIG_USER2"), to[0], subject, subject);
  input = g_memory_input_stream_new_from_data (message, (gssize) strlen (message), NULL);
  taube_smtp_client_send_async (smtp, taube_test_rig_env ("TAUBE_RIG_USER2"), to, input,
                                (gint64) strlen (message), TAUBE_SMTP_SEND_NONE, NULL,
                                taube_test_store_result_cb, &sent);
  results = taube_smtp_client_send_finish (smtp, taube_test_wait (&sent), &error);
  g_assert_no_error (error);
  g_assert_nonnull (results);
  taube_smtp_client_quit_async (smtp, NULL, taube_test_store_result_cb, &quit);
  g_assert_true (taube_smtp_client_command_finish (smtp, taube_test_wait (&quit), &error));
}

typedef struct
{
  guint64 exists;
  guint64 expunged;  /* the sequence numbers */
  guint64 flagged;
} News;

static void
exists_cb (TaubeImapClient *client,
           guint64          count,
           gpointer         user_data)
{
  ((News *) user_data)->exists = count;
}

static void
expunge_cb (TaubeImapClient *client,
            guint            seq,
            gpointer         user_data)
{
  ((News *) user_data)->expunged = seq;
}

static void
flags_changed_cb (TaubeImapClient *client,
                  guint            seq,
                  guint            uid,
                  GStrv            flags,
                  guint64          modseq,
                  gpointer         user_data)
{
  if (g_strv_contains ((const char * const *) flags, "\\Flagged"))
    ((News *) user_data)->flagged = seq;
}

static gboolean
timer_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until *@value differs from @unchanged or @ms pass; returns the time
 * waited in ms. */
static gint64
wait_for_change (const guint64 *value,
                 guint64        unchanged,
                 guint          ms)
{
  gboolean expired = FALSE;
  guint timer = g_timeout_add (ms, timer_cb, &expired);
  gint64 start = g_get_monotonic_time ();

  while (*value == unchanged && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (timer);
  return (g_get_monotonic_time () - start) / 1000;
}

static guint
count_sent (const char *suffix)
{
  g_auto(GStrv) lines = g_strsplit (capture.text->str + capture_mark, "\n", -1);
  guint count = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "C: ") && g_str_has_suffix (lines[i], suffix))
      count++;
  return count;
}

static void
test_idle (void)
{
  g_autoptr(TaubeImapClient) client = alice ();
  g_autoptr(TaubeImapClient) other = NULL;
  g_autoptr(TaubeImapSelectResult) opened = NULL;
  g_autoptr(TaubeImapSelectResult) opened_other = NULL;
  g_autoptr(TaubeImapResponse) response = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  News news = { 0 };
  guint64 before;
  gint64 waited;
  guint interval = 0;
  gboolean expired = FALSE;

  save_messages ("INBOX", 2);
  opened = open_mailbox (client, "INBOX", FALSE, NULL);
  before = opened->info.exists;
  g_object_set (client, "idle-interval", 1, NULL);
  g_object_get (client, "idle-interval", &interval, NULL);
  g_assert_cmpuint (interval, ==, 1);
  g_signal_connect (client, "exists", G_CALLBACK (exists_cb), &news);
  g_signal_connect (client, "expunge", G_CALLBACK (expunge_cb), &news);
  g_signal_connect (client, "flags-changed", G_CALLBACK (flags_changed_cb), &news);

  capture_begin ();
  taube_imap_client_idle_async (client, cancellable, taube_test_store_result_cb, &result);
  /* With an interval of one second, IDLE is left and issued again at least once. */
  g_timeout_add (2500, timer_cb, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (result);
  g_assert_cmpuint (count_sent (" IDLE"), >=, 2);
  g_assert_cmpuint (count_sent ("C: DONE"), >=, 1);

  news.exists = before;
  submit_to_alice ("idle-wakeup");
  waited = wait_for_change (&news.exists, before, 2000);
  g_test_message ("EXISTS came %" G_GINT64_FORMAT " ms after the message was submitted", waited);
  g_assert_cmpuint (news.exists, ==, before + 1);

  /* Another session flags message 1, then expunges message 2. */
  other = alice ();
  opened_other = open_mailbox (other, "INBOX", FALSE, NULL);
  response = run_command (other, "STORE 1 +FLAGS.SILENT (\\Flagged)");
  wait_for_change (&news.flagged, 0, 2000);
  g_assert_cmpuint (news.flagged, ==, 1);
  g_clear_pointer (&response, taube_imap_response_unref);
  response = run_command (other, "STORE 2 +FLAGS.SILENT (\\Deleted)");
  g_clear_pointer (&response, taube_imap_response_unref);
  response = run_command (other, "EXPUNGE");
  logout (other);
  wait_for_change (&news.expunged, 0, 2000);
  g_assert_cmpuint (news.expunged, ==, 2);
  g_assert_null (result);

  /* Cancelling leaves IDLE with DONE and keeps the session. */
  g_cancellable_cancel (cancellable);
  g_assert_false (taube_imap_client_idle_finish (client, taube_test_wait (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (taube_imap_client_is_logged_in (client));
  g_clear_pointer (&response, taube_imap_response_unref);
  response = run_command (client, "NOOP");
  g_assert_nonnull (response);
  logout (client);
}

/* -- The debug log ------------------------------------------------------------------- */

/* In a child process with G_MESSAGES_DEBUG=taube-imap and GLib's own log writer: a
 * session over STARTTLS with AUTHENTICATE PLAIN, COMPRESS and a LIST. */
static void
debug_log_session (void)
{
  g_autoptr(TaubeTlsTrust) trust = taube_tls_trust_new ();
  g_autoptr(TaubeConnection) connection = NULL;
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GAsyncResult) logged_in = NULL;
  g_autoptr(GAsyncResult) compressed = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  taube_tls_trust_add_ca_file (trust, taube_test_rig_env ("TAUBE_RIG_CA"), &error);
  g_assert_no_error (error);
  connection = taube_connection_new (taube_test_rig_env ("TAUBE_RIG_HOST"),
                                     taube_test_rig_port ("TAUBE_RIG_IMAP_PORT"),
                                     TAUBE_SECURITY_STARTTLS, trust, "taube-imap", 10000, 20000);
  client = taube_imap_client_new (connection);
  taube_imap_client_connect_async (client, NULL, taube_test_store_result_cb, &connected);
  g_assert_true (taube_imap_client_connect_finish (client, taube_test_wait (&connected), &error));
  taube_imap_client_login_async (client, taube_test_rig_env ("TAUBE_RIG_USER"),
                                 taube_test_rig_env ("TAUBE_RIG_PASSWORD"), NULL,
                                 taube_test_store_result_cb, &logged_in);
  g_assert_true (taube_imap_client_login_finish (client, taube_test_wait (&logged_in), &error));
  taube_imap_client_compress_async (client, NULL, taube_test_store_result_cb, &compressed);
  g_assert_true (taube_imap_client_compress_finish (client, taube_test_wait (&compressed),
                                                    &error));
  entries = list_mailboxes (client, TAUBE_IMAP_LIST_WITH_STATUS);
  logout (client);
}

static void
test_debug_log_redacted (void)
{
  const char *user = taube_test_rig_env ("TAUBE_RIG_USER");
  const char *password = taube_test_rig_env ("TAUBE_RIG_PASSWORD");
  g_autofree char *sasl = g_strdup_printf ("%c%s%c%s", 0, user, 0, password);
  g_autofree char *encoded = g_base64_encode ((const guchar *) sasl,
                                              strlen (user) + strlen (password) + 2);
  g_autofree char *no_password = g_strdup_printf ("*%s*", password);
  g_autofree char *no_sasl = g_strdup_printf ("*%s*", encoded);

  if (g_test_subprocess ())
    {
      debug_log_session ();
      return;
    }
  /* The child inherits the environment: only the IMAP conversation is shown (GLib writes
   * debug messages to stdout). */
  g_setenv ("G_MESSAGES_DEBUG", "taube-imap", TRUE);
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_unsetenv ("G_MESSAGES_DEBUG");
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*taube-imap-DEBUG*C: A0001 STARTTLS*");
  g_test_trap_assert_stdout ("*C: A0003 AUTHENTICATE PLAIN ********\n*");
  g_test_trap_assert_stdout ("*S: A0004 OK*");
  g_test_trap_assert_stdout ("*DEFLATE compression on*C: A0005 LIST*S: * LIST*S: * STATUS*");
  g_test_trap_assert_stdout_unmatched (no_password);
  g_test_trap_assert_stdout_unmatched (no_sasl);
  g_test_trap_assert_stdout_unmatched ("*taube-smtp*");
  g_test_trap_assert_stderr_unmatched (no_password);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  capture.text = g_string_new (NULL);
  /* A child of /imap/session/debug-log-redacted shows its log the way GLib does. */
  if (!g_test_subprocess ())
    g_log_set_writer_func (taube_test_log_writer, &capture, NULL);

  g_test_add_func ("/imap/session/capability-id", test_capability_id);
  g_test_add_func ("/imap/session/id-before-login", test_id_before_login);
  g_test_add_func ("/imap/session/enable", test_enable);
  g_test_add_func ("/imap/session/namespace", test_namespace);
  g_test_add_func ("/imap/session/list-status", test_list_status);
  g_test_add_func ("/imap/session/status", test_status);
  g_test_add_func ("/imap/session/create-rename-delete", test_create_rename_delete);
  g_test_add_func ("/imap/session/examine", test_examine);
  g_test_add_func ("/imap/session/qresync", test_qresync);
  g_test_add_func ("/imap/session/quota", test_quota);
  g_test_add_func ("/imap/session/compress", test_compress);
  g_test_add_func ("/imap/session/idle", test_idle);
  g_test_add_func ("/imap/session/debug-log-redacted", test_debug_log_redacted);

  ret = g_test_run ();
  g_string_free (g_steal_pointer (&capture.text), TRUE);
  return ret;
}
