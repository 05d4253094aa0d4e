/* test-pop3-sync.c — POP3 download against the rig's real Dovecot, killed at every step
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each case starts from an empty server mailbox and an empty store, puts mail into
 * alice's INBOX with "doveadm save" (byte for byte), and runs pop3-sync-helper — a real
 * sync through TaubeSyncService in a process of its own — once killed (by the
 * TAUBE_TEST_CRASH_AT point, or by this test with SIGKILL in the middle of a RETR) and
 * once to completion. Then every message must be in the store exactly once, byte for
 * byte, and the server must hold exactly what the account's policy says. The wrong
 * password runs last: Dovecot slows down logins after a failed one.
 */
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "taube-account-manager.h"
#include "taube-password.h"
#include "taube-pop3-client.h"
#include "taube-store.h"
#include "taube-sync-error.h"
#include "taube-sync-lock.h"
#include "taube-test-async.h"

#define DAY (24 * 60 * 60)
#define LEFTOVER_PREFIX "taube-pop3-"

typedef struct
{
  gboolean leave_on_server;
  guint delete_after_days;
  gboolean delete_when_deleted;
  guint max_size_kib;
} Policy;

static const Policy leave_off = { FALSE, 0, FALSE, 0 };

/* The account of the current case; removed with everything else by reset(). */
static char *account_id;
/* How it connects; reset() goes back to implicit TLS on 127.0.0.1. */
static TaubeSecurity account_security = TAUBE_SECURITY_TLS;
static const char *account_host_variable = "TAUBE_RIG_HOST";

/* -- The server ------------------------------------------------------------------------- */

static void
doveadm (GBytes     *input,
         const char *first_arg,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  va_list ap;

  g_ptr_array_add (args, (char *) "doveadm");
  g_ptr_array_add (args, (char *) "-c");
  g_ptr_array_add (args, (char *) taube_test_rig_env ("TAUBE_RIG_DOVECOT_CONF"));
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  process = g_subprocess_newv ((const char *const *) args->pdata,
                               (input != NULL ? G_SUBPROCESS_FLAGS_STDIN_PIPE : 0)
                               | G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                               | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (process, input, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("doveadm %s failed: %.*s", first_arg, (int) g_bytes_get_size (err),
             (const char *) g_bytes_get_data (err, NULL));
}

static void
deliver (GBytes *message)
{
  doveadm (message, "save", "-u", taube_test_rig_env ("TAUBE_RIG_USER"), NULL);
}

static GBytes *
make_message (guint number,
              gsize body_size)
{
  GString *text = g_string_new (NULL);
  guint line = 0;

  g_string_append_printf (text, "From: Bob <bob@example.test>\r\nTo: alice@example.test\r\n"
                          "Subject: Message %u\r\nMessage-ID: <msg-%u@example.test>\r\n"
                          "Date: Sat, 28 Nov 2026 10:00:00 +0100\r\n\r\n", number, number);
  g_string_append (text, ".a line that POP3 dot-stuffs\r\n");
  while (text->len < body_size)
    {
      g_string_append_printf (text, "%s%07u ", line % 5 == 0 ? "." : "", line);
      for (guint i = 0; i < 64; i++)
        g_string_append_c (text, (char) ('a' + (line + i + number) % 26));
      g_string_append (text, "\r\n");
      line++;
    }
  return g_string_free_to_bytes (text);
}

static TaubePop3Client *
login (void)
{
  g_autoptr(TaubeTlsTrust) trust = taube_tls_trust_new ();
  g_autoptr(TaubeConnection) connection = NULL;
  g_autoptr(TaubePop3Client) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) result2 = NULL;
  g_autoptr(GError) error = NULL;

  taube_tls_trust_add_ca_file (trust, taube_test_rig_env ("TAUBE_RIG_CA"), &error);
  g_assert_no_error (error);
  connection = taube_connection_new (taube_test_rig_env ("TAUBE_RIG_HOST"),
                                     taube_test_rig_port ("TAUBE_RIG_POP3S_PORT"),
                                     TAUBE_SECURITY_TLS, trust, "taube-pop3", 10000, 60000);
  client = taube_pop3_client_new (connection);
  taube_pop3_client_connect_async (client, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_pop3_client_connect_finish (client, taube_test_wait (&result), &error));
  taube_pop3_client_login_async (client, taube_test_rig_env ("TAUBE_RIG_USER"),
                                 taube_test_rig_env ("TAUBE_RIG_PASSWORD"), NULL,
                                 taube_test_store_result_cb, &result2);
  g_assert_true (taube_pop3_client_login_finish (client, taube_test_wait (&result2), &error));
  g_assert_no_error (error);
  return g_steal_pointer (&client);
}

static GBytes *
retrieve (TaubePop3Client *client,
          guint            number)
{
  g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  taube_pop3_client_retrieve_async (client, number, output, 0, NULL,
                                    taube_test_store_result_cb, &result);
  g_assert_true (taube_pop3_client_retrieve_finish (client, taube_test_wait (&result), NULL,
                                                    &error));
  g_assert_no_error (error);
  g_output_stream_close (output, NULL, NULL);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (output));
}

/* Returns: (element-type GBytes): what RETR gives for each message on the server now */
static GPtrArray *
server_messages (void)
{
  g_autoptr(TaubePop3Client) client = login ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) quit_result = NULL;
  g_autoptr(GPtrArray) listing = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  taube_pop3_client_scan_async (client, NULL, taube_test_store_result_cb, &result);
  listing = taube_pop3_client_list_finish (client, taube_test_wait (&result), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < listing->len; i++)
    g_ptr_array_add (messages,
                     retrieve (client, ((TaubePop3MessageInfo *) listing->pdata[i])->number));
  taube_pop3_client_quit_async (client, NULL, taube_test_store_result_cb, &quit_result);
  g_assert_true (taube_pop3_client_command_finish (client, taube_test_wait (&quit_result),
                                                   &error));
  return messages;
}

static void
assert_server_has (GBytes **expected,
                   guint    n_expected)
{
  g_autoptr(GPtrArray) messages = server_messages ();

  g_assert_cmpuint (messages->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    g_assert_true (g_bytes_equal (messages->pdata[i], expected[i]));
}

/* -- The account and the store ---------------------------------------------------------- */

static void
store_password (const char *password)
{
  TaubePasswordKey key = { account_id, "pop3", taube_test_rig_env (account_host_variable),
                           taube_test_rig_env ("TAUBE_RIG_USER") };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  taube_password_store_async (&key, password, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_password_store_finish (taube_test_wait (&result), &error));
  g_assert_no_error (error);
}

static void
save_account (const Policy *policy)
{
  g_autoptr(TaubeAccountManager) manager = taube_account_manager_new (NULL);
  g_autoptr(TaubeAccount) account = taube_account_new (account_id);
  g_autoptr(GError) error = NULL;

  const char *port_variable = account_security == TAUBE_SECURITY_TLS ? "TAUBE_RIG_POP3S_PORT"
                                                                     : "TAUBE_RIG_POP3_PORT";

  g_object_set (account,
                "email-address", taube_test_rig_env ("TAUBE_RIG_USER"),
                "protocol", TAUBE_PROTOCOL_POP3,
                "incoming-host", taube_test_rig_env (account_host_variable),
                "incoming-port", (guint) taube_test_rig_port (port_variable),
                "incoming-security", account_security,
                "incoming-username", taube_test_rig_env ("TAUBE_RIG_USER"),
                "outgoing-host", taube_test_rig_env ("TAUBE_RIG_HOST"),
                "outgoing-port", (guint) taube_test_rig_port ("TAUBE_RIG_SUBMISSION_PORT"),
                "outgoing-security", TAUBE_SECURITY_STARTTLS,
                "ca-file", taube_test_rig_env ("TAUBE_RIG_CA"),
                "pop3-leave-on-server", policy->leave_on_server,
                "pop3-delete-after-days", policy->delete_after_days,
                "pop3-delete-when-deleted", policy->delete_when_deleted,
                "pop3-max-size-kib", policy->max_size_kib,
                NULL);
  taube_account_manager_load (manager, &error);
  g_assert_no_error (error);
  taube_account_manager_save (manager, account, &error);
  g_assert_no_error (error);
}

static char *
store_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "taube", NULL);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "rm", "-rf", path, NULL };
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                &status, &error);
  g_assert_no_error (error);
}

/* An empty mailbox, an empty store, and a fresh account with @policy, connecting with
 * account_security to account_host_variable. */
static void
reset_with (const Policy *policy)
{
  g_autofree char *store = store_path ();
  g_autofree char *accounts = g_build_filename (g_get_user_config_dir (), "taube", NULL);

  doveadm (NULL, "expunge", "-u", taube_test_rig_env ("TAUBE_RIG_USER"), "mailbox", "INBOX",
           "all", NULL);
  remove_tree (store);
  remove_tree (accounts);
  g_free (account_id);
  account_id = g_uuid_string_random ();
  save_account (policy);
  store_password (taube_test_rig_env ("TAUBE_RIG_PASSWORD"));
}

static void
reset (const Policy *policy)
{
  account_security = TAUBE_SECURITY_TLS;
  account_host_variable = "TAUBE_RIG_HOST";
  reset_with (policy);
}

static TaubeStore *
open_store (void)
{
  g_autoptr(GError) error = NULL;
  TaubeStore *store = taube_store_new_sync (NULL, NULL, &error);

  g_assert_no_error (error);
  return store;
}

static gint64
inbox_id (TaubeStore *store)
{
  g_autoptr(GListModel) folders = taube_store_list_folders (store, account_id, NULL);

  for (guint i = 0; folders != NULL && i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr(TaubeFolder) folder = g_list_model_get_item (folders, i);

      if (g_strcmp0 (taube_folder_get_name (folder), "INBOX") == 0)
        return taube_folder_get_id (folder);
    }
  return 0;
}

static GBytes *
read_stored (TaubeStore *store,
             gint64      id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  taube_store_read_message_async (store, id, NULL, taube_test_store_result_cb, &result);
  bytes = taube_store_read_message_finish (store, taube_test_wait (&result), &error);
  g_assert_no_error (error);
  return bytes;
}

/* Returns: Message-ID -> the stored message (an empty GBytes for a header only); fails
 * the test if a Message-ID is there twice */
static GHashTable *
stored_messages (void)
{
  g_autoptr(TaubeStore) store = open_store ();
  g_autoptr(GListModel) messages = NULL;
  GHashTable *stored = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) g_bytes_unref);
  gint64 folder_id = inbox_id (store);

  if (folder_id == 0)
    return stored;
  messages = taube_store_list_messages (store, folder_id, 0, 1000, NULL);
  for (guint i = 0; i < g_list_model_get_n_items (messages); i++)
    {
      g_autoptr(TaubeMessage) message = g_list_model_get_item (messages, i);
      const char *message_id = taube_message_get_message_id (message);

      g_assert_false (g_hash_table_contains (stored, message_id));
      g_hash_table_insert (stored, g_strdup (message_id),
                           taube_message_get_has_body (message)
                           ? read_stored (store, taube_message_get_id (message))
                           : g_bytes_new (NULL, 0));
    }
  return stored;
}

static void
assert_stored_exactly (GBytes **expected,
                       guint    n_expected)
{
  g_autoptr(GHashTable) stored = stored_messages ();

  g_assert_cmpuint (g_hash_table_size (stored), ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    {
      g_autofree char *message_id = NULL;
      const char *start = strstr (g_bytes_get_data (expected[i], NULL), "Message-ID: <");
      GBytes *copy;

      g_assert_nonnull (start);
      message_id = g_strndup (start + 13, strcspn (start + 13, ">"));
      copy = g_hash_table_lookup (stored, message_id);
      g_assert_nonnull (copy);
      g_assert_true (g_bytes_equal (copy, expected[i]));
    }
}

/* Returns: how many interrupted downloads are left in the store's Maildirs */
static guint
count_leftovers (const char *path,
                 goffset    *size)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint count = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      GStatBuf buf;

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        count += count_leftovers (child, size);
      else if (g_str_has_prefix (name, LEFTOVER_PREFIX) && g_stat (child, &buf) == 0)
        {
          count++;
          if (size != NULL)
            *size = buf.st_size;
        }
    }
  return count;
}

static guint
leftovers (goffset *size)
{
  g_autofree char *store = store_path ();

  return count_leftovers (store, size);
}

/* -- The sync, in a process of its own ------------------------------------------------- */

/* When set, the helper cannot write files larger than this (TAUBE_TEST_FILE_SIZE_LIMIT). */
static const char *file_size_limit;

/* With @fetch_id, the helper downloads the whole of that message instead of syncing. */
static GSubprocess *
spawn_helper_full (const char *crash_at,
                   gint64      now,
                   gint64      fetch_id)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *now_arg = g_strdup_printf ("%" G_GINT64_FORMAT, now);
  g_autofree char *fetch_arg = g_strdup_printf ("%" G_GINT64_FORMAT, fetch_id);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (crash_at != NULL)
    g_subprocess_launcher_setenv (launcher, "TAUBE_TEST_CRASH_AT", crash_at, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "TAUBE_TEST_CRASH_AT");
  if (file_size_limit != NULL)
    g_subprocess_launcher_setenv (launcher, "TAUBE_TEST_FILE_SIZE_LIMIT", file_size_limit,
                                  TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "TAUBE_TEST_FILE_SIZE_LIMIT");
  if (fetch_id != 0)
    process = g_subprocess_launcher_spawn (launcher, &error,
                                           taube_test_rig_env ("TAUBE_TEST_POP3_SYNC_HELPER"),
                                           account_id, "fetch", fetch_arg, NULL);
  else
    process = g_subprocess_launcher_spawn (launcher, &error,
                                           taube_test_rig_env ("TAUBE_TEST_POP3_SYNC_HELPER"),
                                           account_id, now != 0 ? now_arg : NULL, NULL);
  g_assert_no_error (error);
  return process;
}

static GSubprocess *
spawn_helper (const char *crash_at,
              gint64      now)
{
  return spawn_helper_full (crash_at, now, 0);
}

/* Returns: the helper's stdout, or its stderr if it failed; the process in @out_process */
static char *
run_helper_full (const char   *crash_at,
                 gint64        now,
                 gint64        fetch_id,
                 GSubprocess **out_process)
{
  g_autoptr(GSubprocess) process = spawn_helper_full (crash_at, now, fetch_id);
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  g_autofree char *err = NULL;

  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    {
      g_free (out);
      out = g_steal_pointer (&err);
    }
  if (out_process != NULL)
    *out_process = g_steal_pointer (&process);
  return out;
}

static char *
run_helper (const char   *crash_at,
            gint64        now,
            GSubprocess **out_process)
{
  return run_helper_full (crash_at, now, 0, out_process);
}

static void
assert_killed (GSubprocess *process)
{
  g_assert_true (g_subprocess_get_if_signaled (process));
  g_assert_cmpint (g_subprocess_get_term_sig (process), ==, SIGKILL);
}

static void
helper_ok (gint64      now,
           gint64      fetch_id,
           const char *expected)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = run_helper_full (NULL, now, fetch_id, &process);

  if (!g_subprocess_get_successful (process))
    g_error ("the sync failed: %s", out);
  g_assert_cmpstr (out, ==, expected);
}

static void
sync_ok (gint64      now,
         const char *expected)
{
  helper_ok (now, 0, expected);
}

/* -- The cases -------------------------------------------------------------------------- */

#define N_MESSAGES 3

static void
deliver_three (GBytes **messages)
{
  for (guint i = 0; i < N_MESSAGES; i++)
    {
      messages[i] = make_message (i, 2000 + i * 3000);
      deliver (messages[i]);
    }
  assert_server_has (messages, N_MESSAGES);
}

static void
clear_messages (GBytes **messages,
                guint    n)
{
  for (guint i = 0; i < n; i++)
    g_bytes_unref (messages[i]);
}

/* Killed at @point with leave-on-server off; a second run completes. What the server and
 * the store hold in between is what the order of operations promises. */
static void
test_crash_at (gconstpointer data)
{
  const char *point = data;
  GBytes *messages[N_MESSAGES];
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  guint stored_before = g_str_equal (point, "after-store") ? 1
                        : g_str_equal (point, "after-dele") ? N_MESSAGES : 0;
  guint expected_leftovers = g_str_equal (point, "mid-retr") || g_str_equal (point, "after-store");

  reset (&leave_off);
  deliver_three (messages);
  out = run_helper (point, 0, &process);
  assert_killed (process);

  /* Nothing is deleted before QUIT, and the QUIT never came. */
  assert_server_has (messages, N_MESSAGES);
  assert_stored_exactly (messages, stored_before);
  /* A download cut off, or stored but not yet cleaned up, leaves its temp file. */
  g_assert_cmpuint (leftovers (NULL), ==, expected_leftovers);

  g_clear_pointer (&out, g_free);
  out = g_strdup_printf ("new %u partial 0 deleted %u\n", N_MESSAGES - stored_before,
                         N_MESSAGES);
  sync_ok (0, out);
  assert_stored_exactly (messages, N_MESSAGES);
  assert_server_has (NULL, 0);
  g_assert_cmpuint (leftovers (NULL), ==, 0);
  clear_messages (messages, N_MESSAGES);
}

/* A real kill -9 from outside, while the temp file of a big message is being written. */
static void
test_kill_mid_retr (void)
{
  GBytes *messages[2] = { make_message (10, 20 * 1024 * 1024), make_message (11, 1000) };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  goffset size = 0;
  gint64 deadline;

  reset (&leave_off);
  deliver (messages[0]);
  deliver (messages[1]);
  process = spawn_helper (NULL, 0);
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while ((leftovers (&size) == 0 || size == 0) && g_get_monotonic_time () < deadline)
    g_usleep (500);
  g_assert_cmpint (size, >, 0);
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  assert_killed (process);

  /* Cut off in the middle: a partial temp file, nothing stored, nothing deleted. */
  g_assert_cmpuint (leftovers (&size), ==, 1);
  g_assert_cmpint (size, <, (goffset) g_bytes_get_size (messages[0]));
  assert_stored_exactly (messages, 0);
  assert_server_has (messages, 2);

  sync_ok (0, "new 2 partial 0 deleted 2\n");
  assert_stored_exactly (messages, 2);
  assert_server_has (NULL, 0);
  g_assert_cmpuint (leftovers (NULL), ==, 0);
  clear_messages (messages, 2);
}

/* The disk fills up in the middle of the second message: the run fails as a problem of
 * this computer (not of the network, which a retry would not fix), the first message is
 * stored, nothing is deleted on the server, no temp file is left, and once there is room
 * the next run fetches the rest without storing anything twice. */
static void
test_disk_full (void)
{
  GBytes *messages[2] = { make_message (70, 2000), make_message (71, 5 * 1024 * 1024) };
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expected = g_strdup_printf ("error %d:", TAUBE_SYNC_ERROR_STORE);

  reset (&leave_off);
  deliver (messages[0]);
  deliver (messages[1]);
  /* Room for the index and its WAL, not for the second message. */
  file_size_limit = "2097152";
  out = run_helper (NULL, 0, &process);
  file_size_limit = NULL;
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
  if (!g_str_has_prefix (out, expected))
    g_error ("expected %s, got %s", expected, out);
  g_assert_nonnull (strstr (out, "still on the server"));
  assert_server_has (messages, 2);
  assert_stored_exactly (messages, 1);
  g_assert_cmpuint (leftovers (NULL), ==, 0);

  sync_ok (0, "new 1 partial 0 deleted 2\n");
  assert_stored_exactly (messages, 2);
  assert_server_has (NULL, 0);
  g_assert_cmpuint (leftovers (NULL), ==, 0);
  clear_messages (messages, 2);
}

/* The UIDL of the only message on the server */
static char *
server_uidl (void)
{
  g_autoptr(TaubePop3Client) client = login ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) listing = NULL;
  g_autoptr(GError) error = NULL;

  taube_pop3_client_scan_async (client, NULL, taube_test_store_result_cb, &result);
  listing = taube_pop3_client_list_finish (client, taube_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listing->len, ==, 1);
  return g_strdup (((TaubePop3MessageInfo *) listing->pdata[0])->uid);
}

/* A message in the store with its UIDL but without a "downloaded" mark (stored before
 * the pop3_uidls table existed, or by other means) is neither fetched again on every run
 * nor kept on the server for ever. */
static void
test_stored_before (void)
{
  const Policy keep = { TRUE, 0, FALSE, 0 };
  GBytes *messages[1] = { make_message (80, 1000) };
  g_autoptr(TaubeStore) store = NULL;
  g_autoptr(TaubeNewMessage) message = NULL;
  g_autoptr(GAsyncResult) folder_result = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 folder_id;

  reset (&keep);
  deliver (messages[0]);
  store = open_store ();
  taube_store_add_folder_async (store, account_id, "INBOX", "Inbox", TAUBE_FOLDER_ROLE_INBOX,
                                NULL, taube_test_store_result_cb, &folder_result);
  folder_id = taube_store_add_folder_finish (store, taube_test_wait (&folder_result), &error);
  g_assert_no_error (error);
  message = taube_new_message_new (messages[0]);
  message->uidl = server_uidl ();
  taube_store_add_message_async (store, folder_id, message, NULL, taube_test_store_result_cb,
                                 &result);
  g_assert_cmpint (taube_store_add_message_finish (store, taube_test_wait (&result), &error),
                   >, 0);
  g_assert_no_error (error);
  g_clear_object (&store);

  sync_ok (0, "new 0 partial 0 deleted 0\n");
  save_account (&leave_off);
  sync_ok (0, "new 0 partial 0 deleted 1\n");
  assert_stored_exactly (messages, 1);
  assert_server_has (NULL, 0);
  clear_messages (messages, 1);
}

static void
test_leave_on_server (void)
{
  const Policy policy = { TRUE, 14, FALSE, 0 };
  GBytes *messages[N_MESSAGES];
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  reset (&policy);
  deliver_three (messages);
  sync_ok (0, "new 3 partial 0 deleted 0\n");
  sync_ok (now + 13 * DAY, "new 0 partial 0 deleted 0\n");
  assert_server_has (messages, N_MESSAGES);
  assert_stored_exactly (messages, N_MESSAGES);

  /* Fourteen days after the download, they may go. */
  sync_ok (now + 14 * DAY + 60, "new 0 partial 0 deleted 3\n");
  assert_server_has (NULL, 0);
  assert_stored_exactly (messages, N_MESSAGES);
  clear_messages (messages, N_MESSAGES);
}

static void
remove_stored (const char *message_id)
{
  g_autoptr(TaubeStore) store = open_store ();
  g_autoptr(GListModel) copies = taube_store_lookup_message_id (store, message_id, NULL);
  g_autoptr(TaubeMessage) message = g_list_model_get_item (copies, 0);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = taube_message_get_id (message);

  taube_store_remove_messages_async (store, &id, 1, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_store_remove_messages_finish (store, taube_test_wait (&result), &error));
  g_assert_no_error (error);
}

static void
test_deleted_locally (void)
{
  Policy policy = { TRUE, 0, FALSE, 0 };
  GBytes *messages[N_MESSAGES];

  reset (&policy);
  deliver_three (messages);
  sync_ok (0, "new 3 partial 0 deleted 0\n");
  remove_stored ("msg-0@example.test");

  /* Deleted here, kept there: never downloaded again. */
  sync_ok (0, "new 0 partial 0 deleted 0\n");
  assert_stored_exactly (messages + 1, N_MESSAGES - 1);
  assert_server_has (messages, N_MESSAGES);

  /* With "delete from the server when deleted here", it goes there too, and only it. */
  policy.delete_when_deleted = TRUE;
  save_account (&policy);
  sync_ok (0, "new 0 partial 0 deleted 1\n");
  assert_server_has (messages + 1, N_MESSAGES - 1);
  assert_stored_exactly (messages + 1, N_MESSAGES - 1);
  clear_messages (messages, N_MESSAGES);
}

static void
test_size_limit (void)
{
  const Policy policy = { FALSE, 0, FALSE, 8 };
  GBytes *messages[2] = { make_message (20, 4 * 1024), make_message (21, 30 * 1024) };
  g_autoptr(GHashTable) stored = NULL;
  g_autoptr(TaubeStore) store = NULL;
  g_autoptr(GListModel) copies = NULL;
  g_autoptr(TaubeMessage) big = NULL;

  reset (&policy);
  deliver (messages[0]);
  deliver (messages[1]);
  sync_ok (0, "new 2 partial 1 deleted 1\n");

  /* The big one: its header is indexed, its body stays on the server, even though the
   * account does not leave mail there. */
  stored = stored_messages ();
  g_assert_cmpuint (g_hash_table_size (stored), ==, 2);
  g_assert_true (g_bytes_equal (g_hash_table_lookup (stored, "msg-20@example.test"),
                                messages[0]));
  store = open_store ();
  copies = taube_store_lookup_message_id (store, "msg-21@example.test", NULL);
  big = g_list_model_get_item (copies, 0);
  g_assert_false (taube_message_get_has_body (big));
  g_assert_cmpstr (taube_message_get_subject (big), ==, "Message 21");
  g_assert_cmpint (taube_message_get_size (big), ==, g_bytes_get_size (messages[1]));
  assert_server_has (messages + 1, 1);

  /* A later sync neither fetches it again nor deletes it. */
  sync_ok (0, "new 0 partial 0 deleted 0\n");
  assert_server_has (messages + 1, 1);

  /* "Download the full message": now it is whole here, so the policy lets it go there. */
  helper_ok (0, taube_message_get_id (big), "downloaded\n");
  assert_stored_exactly (messages, 2);
  assert_server_has (NULL, 0);
  g_clear_object (&big);
  g_clear_object (&copies);
  copies = taube_store_lookup_message_id (store, "msg-21@example.test", NULL);
  big = g_list_model_get_item (copies, 0);
  g_assert_true (taube_message_get_has_body (big));
  clear_messages (messages, 2);
}

static void
test_busy (void)
{
  g_autoptr(TaubeSyncLock) lock = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GFile) directory = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *store = store_path ();
  g_autofree char *out = NULL;
  g_autofree char *expected = g_strdup_printf ("error %d:", TAUBE_SYNC_ERROR_BUSY);
  GBytes *messages[1] = { make_message (30, 100) };

  reset (&leave_off);
  deliver (messages[0]);
  directory = g_file_new_for_path (store);
  lock = taube_sync_lock_acquire (directory, account_id, &error);
  g_assert_no_error (error);
  out = run_helper (NULL, 0, &process);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
  g_assert_true (g_str_has_prefix (out, expected));
  assert_server_has (messages, 1);

  g_clear_pointer (&lock, taube_sync_lock_release);
  sync_ok (0, "new 1 partial 0 deleted 1\n");
  clear_messages (messages, 1);
}

static void
test_starttls (void)
{
  GBytes *messages[1] = { make_message (50, 100) };

  account_security = TAUBE_SECURITY_STARTTLS;
  account_host_variable = "TAUBE_RIG_REMOTE_HOST";
  reset_with (&leave_off);
  deliver (messages[0]);
  sync_ok (0, "new 1 partial 0 deleted 1\n");
  assert_stored_exactly (messages, 1);
  assert_server_has (NULL, 0);
  clear_messages (messages, 1);
}

/* No encryption and no consent to send the password in the clear: nothing is sent. */
static void
test_plaintext_refused (void)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expected = g_strdup_printf ("error %d:", TAUBE_SYNC_ERROR_SETTINGS);
  GBytes *messages[1] = { make_message (60, 100) };

  account_security = TAUBE_SECURITY_NONE;
  account_host_variable = "TAUBE_RIG_REMOTE_HOST";
  reset_with (&leave_off);
  deliver (messages[0]);
  out = run_helper (NULL, 0, &process);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
  g_assert_true (g_str_has_prefix (out, expected));
  assert_stored_exactly (messages, 0);
  assert_server_has (messages, 1);
  clear_messages (messages, 1);
}

static void
test_bad_password (void)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expected = g_strdup_printf ("error %d:", TAUBE_SYNC_ERROR_NEEDS_PASSWORD);
  GBytes *messages[1] = { make_message (40, 100) };

  reset (&leave_off);
  deliver (messages[0]);
  store_password ("not-the-password");
  out = run_helper (NULL, 0, &process);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
  g_assert_true (g_str_has_prefix (out, expected));
  g_assert_nonnull (strstr (out, "password"));
  assert_stored_exactly (messages, 0);
  assert_server_has (messages, 1);
  clear_messages (messages, 1);
}

int
main (int   argc,
      char *argv[])
{
  static const char *points[] = { "before-retr", "mid-retr", "after-store", "after-dele" };

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pop3-sync/crash-%s", points[i]);

      g_test_add_data_func (path, points[i], test_crash_at);
    }
  g_test_add_func ("/pop3-sync/crash-kill-mid-retr", test_kill_mid_retr);
  g_test_add_func ("/pop3-sync/disk-full", test_disk_full);
  g_test_add_func ("/pop3-sync/stored-before", test_stored_before);
  g_test_add_func ("/pop3-sync/leave-on-server", test_leave_on_server);
  g_test_add_func ("/pop3-sync/deleted-locally", test_deleted_locally);
  g_test_add_func ("/pop3-sync/size-limit", test_size_limit);
  g_test_add_func ("/pop3-sync/busy", test_busy);
  g_test_add_func ("/pop3-sync/starttls", test_starttls);
  g_test_add_func ("/pop3-sync/plaintext-refused", test_plaintext_refused);
  /* Last (GTest runs the cases of one level in the order added): Dovecot delays logins
   * after a failed one. */
  g_test_add_func ("/pop3-sync/bad-password", test_bad_password);
  return g_test_run ();
}
