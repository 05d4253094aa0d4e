/* imap-sync-bench.c — how fast IMAP sync fills the store, and how fast it resyncs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run by bench/run-imap-sync under the rig, after imap-fill-maildir has put N messages
 * into a folder of the rig user ("Bench"). Reports, for a fresh store:
 *   - the initial metadata sync (folder list, every folder; flags, dates, sizes and the
 *     list's header fields), end to end into the store: messages per second;
 *   - peak RSS (getrusage), to compare across N;
 *   - an unchanged resync with QRESYNC (nothing changed on the server), whole account and
 *     the filled folder alone;
 *   - a two-word full-text search over the folder (median of 21), and the index size.
 */
#define G_LOG_DOMAIN "taube-bench"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>

#include "taube-imap-sync.h"
#include "taube-store.h"

static TaubeFolder *biggest_folder (TaubeStore *store);

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static const char *
env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL)
    g_error ("%s is not set: run me through bench/run-imap-sync", name);
  return value;
}

static TaubeImapClient *
connect_alice (void)
{
  g_autoptr(TaubeTlsTrust) trust = taube_tls_trust_new ();
  g_autoptr(TaubeConnection) connection = NULL;
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GAsyncResult) logged_in = NULL;
  g_autoptr(GError) error = NULL;
  TaubeImapClient *client;

  if (!taube_tls_trust_add_ca_file (trust, env ("TAUBE_RIG_CA"), &error))
    g_error ("%s", error->message);
  connection = taube_connection_new (env ("TAUBE_RIG_HOST"),
                                     (guint16) atoi (env ("TAUBE_RIG_IMAPS_PORT")),
                                     TAUBE_SECURITY_TLS, trust, "taube-imap", 20000, 600000);
  client = taube_imap_client_new (connection);
  taube_imap_client_connect_async (client, NULL, store_result_cb, &connected);
  if (!taube_imap_client_connect_finish (client, wait_for (&connected), &error))
    g_error ("%s", error->message);
  taube_imap_client_login_async (client, env ("TAUBE_RIG_USER"), env ("TAUBE_RIG_PASSWORD"),
                                 NULL, store_result_cb, &logged_in);
  if (!taube_imap_client_login_finish (client, wait_for (&logged_in), &error))
    g_error ("%s", error->message);
  return client;
}

static double
run_all (TaubeImapSync *sync,
         gboolean       prepare)
{
  g_autoptr(GAsyncResult) prepared = NULL;
  g_autoptr(GAsyncResult) synced = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  if (prepare)
    {
      taube_imap_sync_prepare_async (sync, NULL, store_result_cb, &prepared);
      if (!taube_imap_sync_prepare_finish (sync, wait_for (&prepared), &error))
        g_error ("%s", error->message);
    }
  taube_imap_sync_all_async (sync, NULL, store_result_cb, &synced);
  if (!taube_imap_sync_all_finish (sync, wait_for (&synced), &error))
    g_error ("%s", error->message);
  return (g_get_monotonic_time () - start) / 1e6;
}

static double
run_folder (TaubeImapSync *sync,
            gint64         folder_id)
{
  g_autoptr(GAsyncResult) synced = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  taube_imap_sync_folder_async (sync, folder_id, NULL, store_result_cb, &synced);
  if (!taube_imap_sync_folder_finish (sync, wait_for (&synced), &error))
    g_error ("%s", error->message);
  return (g_get_monotonic_time () - start) / 1e6;
}

/* The folder imap-fill-maildir filled: the biggest. */
static TaubeFolder *
biggest_folder (TaubeStore *store)
{
  g_autoptr(GListModel) folders = taube_store_list_folders (store, "bench", NULL);
  g_autoptr(TaubeFolder) biggest = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr(TaubeFolder) folder = g_list_model_get_item (folders, i);

      if (biggest == NULL || taube_folder_get_total (folder) > taube_folder_get_total (biggest))
        g_set_object (&biggest, folder);
    }
  if (biggest == NULL)
    g_error ("no folders");
  return g_steal_pointer (&biggest);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Two words of the newest message's subject, as a person would type them. */
static char *
two_words (TaubeStore *store,
           gint64      folder_id)
{
  g_autoptr(GListModel) page = taube_store_list_messages (store, folder_id, 0, 50, NULL);

  for (guint i = 0; i < g_list_model_get_n_items (page); i++)
    {
      g_autoptr(TaubeMessage) message = g_list_model_get_item (page, i);
      g_auto(GStrv) words = g_strsplit (taube_message_get_subject (message), " ", -1);
      GPtrArray *chosen = g_ptr_array_new ();

      for (guint j = 0; words[j] != NULL && chosen->len < 2; j++)
        if (g_utf8_strlen (words[j], -1) >= 4 && g_ascii_isalpha (words[j][0]))
          g_ptr_array_add (chosen, words[j]);
      if (chosen->len == 2)
        {
          char *query = g_strdup_printf ("%s %s", (char *) chosen->pdata[0],
                                         (char *) chosen->pdata[1]);

          g_ptr_array_free (chosen, TRUE);
          return query;
        }
      g_ptr_array_free (chosen, TRUE);
    }
  g_error ("no subject with two words");
}

static void
bench_search (TaubeStore *store,
              gint64      folder_id)
{
  g_autofree char *query = two_words (store, folder_id);
  double times[21];
  guint hits = 0;

  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GArray) ids = NULL;
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();

      taube_store_search_async (store, query, 0, 50, NULL, store_result_cb, &result);
      ids = taube_store_search_finish (store, wait_for (&result), &error);
      if (ids == NULL)
        g_error ("%s", error->message);
      times[i] = (g_get_monotonic_time () - start) / 1e3;
      hits = ids->len;
    }
  qsort (times, G_N_ELEMENTS (times), sizeof (double), compare_doubles);
  g_print ("search \"%s\" (first 50 of the folder): median %.1f ms, max %.1f ms, %u hits\n",
           query, times[G_N_ELEMENTS (times) / 2], times[G_N_ELEMENTS (times) - 1], hits);
}

static void
report_size (const char *dir,
             guint       total)
{
  g_autofree char *index = g_build_filename (dir, "index.sqlite", NULL);
  g_autofree char *wal = g_strconcat (index, "-wal", NULL);
  GStatBuf st = { 0 };
  GStatBuf wal_st = { 0 };

  g_stat (index, &st);
  g_stat (wal, &wal_st);
  g_print ("index.sqlite and its WAL (with search, headers only): %.1f MiB, %.0f bytes/message\n",
           (st.st_size + wal_st.st_size) / 1048576.0,
           (double) (st.st_size + wal_st.st_size) / MAX (total, 1));
}

/* The first sync above also paid for Dovecot indexing the freshly written Maildir files on
 * first access, which a real server did long ago. A second fresh store, synced from the
 * same (now indexed) folder, shows Taube's own rate. */
static void
second_store (TaubeImapClient *client)
{
  g_autofree char *dir = g_dir_make_tmp ("taube-sync-bench-XXXXXX", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(TaubeStore) store = NULL;
  g_autoptr(TaubeImapSync) sync = NULL;
  g_autoptr(TaubeFolder) folder = NULL;
  g_autoptr(GError) error = NULL;
  double seconds;
  guint total;

  store = taube_store_new_sync (file, NULL, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  sync = taube_imap_sync_new (store, "bench", client);
  seconds = run_all (sync, FALSE);
  folder = biggest_folder (store);
  total = taube_folder_get_total (folder);
  g_print ("initial sync into a second fresh store (server index warm): %u messages in %.2f s"
           " = %.0f msg/s\n", total, seconds, total / seconds);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dir = g_dir_make_tmp ("taube-sync-bench-XXXXXX", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(TaubeStore) store = NULL;
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(TaubeImapSync) sync = NULL;
  g_autoptr(TaubeFolder) inbox = NULL;
  g_autoptr(GError) error = NULL;
  struct rusage usage;
  double seconds;
  guint total;

  store = taube_store_new_sync (file, NULL, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  client = connect_alice ();
  sync = taube_imap_sync_new (store, "bench", client);

  seconds = run_all (sync, TRUE);
  inbox = biggest_folder (store);
  total = taube_folder_get_total (inbox);
  getrusage (RUSAGE_SELF, &usage);
  g_print ("initial sync: %u messages in %.2f s = %.0f msg/s; peak RSS %ld MiB\n", total,
           seconds, total / seconds, usage.ru_maxrss / 1024);

  seconds = run_all (sync, FALSE);
  g_print ("unchanged resync with QRESYNC, whole account: %.3f s\n", seconds);
  seconds = run_folder (sync, taube_folder_get_id (inbox));
  g_print ("unchanged resync with QRESYNC, %s alone: %.3f s\n",
           taube_folder_get_name (inbox), seconds);

  bench_search (store, taube_folder_get_id (inbox));
  report_size (dir, total);
  second_store (client);
  getrusage (RUSAGE_SELF, &usage);
  g_print ("peak RSS at the end: %ld MiB\n", usage.ru_maxrss / 1024);
  return 0;
}
