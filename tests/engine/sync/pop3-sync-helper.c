/* pop3-sync-helper.c — sync one account once, in a process of its own, for crash tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   pop3-sync-helper ACCOUNT_ID [NOW]
 *   pop3-sync-helper ACCOUNT_ID fetch MESSAGE_ID
 *
 * Loads the accounts from $XDG_CONFIG_HOME/taube and the store from $XDG_DATA_HOME/taube,
 * like taube-cli, and syncs ACCOUNT_ID once through TaubeSyncService, with NOW (seconds
 * since 1970) as the time the deletion policy is judged at. TAUBE_TEST_CRASH_AT in the
 * environment makes it kill itself at that point. Prints "new N partial N deleted N" on
 * stdout and exits 0, or prints "error CODE: MESSAGE" (CODE a TaubeSyncError) on stderr
 * and exits 1. "fetch" downloads the whole of a message stored with its header only
 * (taube_sync_service_download_message_async) and prints "downloaded".
 *
 * TAUBE_TEST_FILE_SIZE_LIMIT=BYTES makes every file this process writes fail with EFBIG
 * beyond BYTES (setrlimit RLIMIT_FSIZE): a disk that fills up in the middle of a download,
 * without root, a special file system or a hook in Taube itself.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "taube-sync-service.h"

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static int
fetch (TaubeSyncService *service,
       const char       *account_id,
       gint64            message_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  taube_sync_service_download_message_async (service, account_id, message_id, NULL, done_cb,
                                             &result);
  if (!taube_sync_service_download_message_finish (service, wait_for (&result), &error))
    {
      g_printerr ("error %d: %s\n", error->code, error->message);
      return 1;
    }
  g_print ("downloaded\n");
  return 0;
}

static void
limit_file_size (void)
{
  const char *limit = g_getenv ("TAUBE_TEST_FILE_SIZE_LIMIT");
  struct rlimit rl;

  if (limit == NULL)
    return;
  rl.rlim_cur = rl.rlim_max = g_ascii_strtoull (limit, NULL, 10);
  /* Without this the kernel kills the process instead of failing the write. */
  signal (SIGXFSZ, SIG_IGN);
  if (setrlimit (RLIMIT_FSIZE, &rl) != 0)
    g_error ("setrlimit: %s", g_strerror (errno));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TaubeAccountManager) accounts = taube_account_manager_new (NULL);
  g_autoptr(TaubeStore) store = NULL;
  g_autoptr(TaubeSyncService) service = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  TaubeSyncResult *one;

  if (argc < 2 || argc > 4)
    {
      g_printerr ("usage: %s ACCOUNT_ID [NOW | fetch MESSAGE_ID]\n", argv[0]);
      return 2;
    }
  limit_file_size ();
  if (!taube_account_manager_load (accounts, &error)
      || (store = taube_store_new_sync (NULL, NULL, &error)) == NULL)
    g_error ("%s", error->message);
  service = taube_sync_service_new (accounts, store);
  if (argc == 4)
    return fetch (service, argv[1], g_ascii_strtoll (argv[3], NULL, 10));
  if (argc == 3)
    taube_sync_service_set_now (service, g_ascii_strtoll (argv[2], NULL, 10));

  taube_sync_service_sync_async (service, argv[1], NULL, done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  results = taube_sync_service_sync_finish (service, result, &error);
  if (results == NULL)
    g_error ("%s", error->message);
  g_assert_cmpuint (results->len, ==, 1);
  one = g_ptr_array_index (results, 0);
  if (one->error != NULL)
    {
      g_printerr ("error %d: %s\n", one->error->code, one->error->message);
      return 1;
    }
  g_print ("new %u partial %u deleted %u\n", one->n_new, one->n_partial, one->n_deleted);
  return 0;
}
