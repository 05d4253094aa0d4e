/* store-bench.c — how fast the message store fills, how big it gets, how fast it answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Inserts N synthetic messages (default 100,000) into a fresh store through the public API,
 * in batches as a sync would, then reports:
 *   - the insert rate, with message files written and synced (or --headers-only);
 *   - index size per message, with the full-text search (index and its text) apart;
 *   - the time for the first page (50 rows) of the folder sorted by date, and a deep page;
 *   - search times for a common word, a rare word, a phrase and a prefix.
 *
 * The messages are made up but shaped like mail: 2,000 senders, German and English-looking
 * words with a skewed frequency, 40 % replies with References, 1–3 KB each, dates over five
 * years in random order. The generator is seeded, so runs compare.
 */
#define G_LOG_DOMAIN "taube-bench"

#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "taube-store.h"

#define N_SENDERS 2000
#define N_RECENT 5000
#define RARE_WORD "Zaubertrank"

static int opt_messages = 100000;
static int opt_batch = 500;
static gboolean opt_headers_only = FALSE;
static gboolean opt_keep = FALSE;
static char *opt_dir = NULL;

static const GOptionEntry entries[] = {
  { "messages", 'n', 0, G_OPTION_ARG_INT, &opt_messages, "Messages to insert (100000)", "N" },
  { "batch", 'b', 0, G_OPTION_ARG_INT, &opt_batch, "Messages per add_messages call (500)", "N" },
  { "headers-only", 0, 0, G_OPTION_ARG_NONE, &opt_headers_only,
    "Index headers only, write no message files", NULL },
  { "dir", 'd', 0, G_OPTION_ARG_FILENAME, &opt_dir, "Store directory (a new temporary one)",
    "DIR" },
  { "keep", 'k', 0, G_OPTION_ARG_NONE, &opt_keep, "Keep the store afterwards", NULL },
  { NULL }
};

static const char *const first_names[] = {
  "Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hans", "Ida", "Jonas", "Katrin",
  "Lukas", "Marie", "Noah", "Olga", "Paul", "Jürgen", "Rosa", "Stefan", "Tina", "Uwe", "Vera",
  "Walter", "Xenia", "Yusuf", "Zoë", "Björn", "Sören", "Chloé", "Amélie",
};
static const char *const last_names[] = {
  "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
  "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Krüger",
  "Smith", "Jones", "Taylor", "Brown", "Martin", "Dubois", "Rossi", "Nowak", "Jansen",
};
static const char *const syllables[] = {
  "ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "zu", "ber", "gen", "lich", "ung", "schaft",
  "über", "än", "pro", "jekt", "re", "port", "mee", "ting", "bud", "get", "plan", "ter", "min",
  "an", "ge", "bot", "rech", "nung", "team", "sta", "tus", "da", "ten", "kun", "de",
};

typedef struct
{
  char *message_id;
  char *references;  /* up to nine ancestors' ids, space-separated, for the next reply */
  char *subject;
} Recent;

typedef struct
{
  GRand *rand;
  GPtrArray *words;
  Recent recent[N_RECENT];
  guint n_recent;
  guint serial;
} Generator;

static void
generator_init (Generator *gen)
{
  gen->rand = g_rand_new_with_seed (20261128);
  gen->words = g_ptr_array_new_with_free_func (g_free);
  for (gsize a = 0; a < G_N_ELEMENTS (syllables); a++)
    for (gsize b = 0; b < G_N_ELEMENTS (syllables); b++)
      {
        g_ptr_array_add (gen->words, g_strconcat (syllables[a], syllables[b], NULL));
        for (gsize c = 0; c < G_N_ELEMENTS (syllables); c += 3)
          g_ptr_array_add (gen->words, g_strconcat (syllables[a], syllables[b], syllables[c],
                                                    NULL));
      }
}

static void
generator_clear (Generator *gen)
{
  for (guint i = 0; i < MIN (gen->n_recent, N_RECENT); i++)
    {
      g_free (gen->recent[i].message_id);
      g_free (gen->recent[i].references);
      g_free (gen->recent[i].subject);
    }
  g_ptr_array_unref (gen->words);
  g_rand_free (gen->rand);
}

/* Word frequencies fall off steeply, as in real text: a few words are everywhere. */
static const char *
random_word (Generator *gen)
{
  double r = g_rand_double (gen->rand);
  guint index = (guint) (gen->words->len * pow (r, 4.0));

  return g_ptr_array_index (gen->words, MIN (index, gen->words->len - 1));
}

static void
append_words (Generator *gen,
              GString   *out,
              guint      n)
{
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, (i % 12 == 0) ? '\n' : ' ');
      g_string_append (out, random_word (gen));
    }
}

static char *
make_sender (Generator *gen)
{
  guint sender = g_rand_int_range (gen->rand, 0, N_SENDERS);
  const char *first = first_names[sender % G_N_ELEMENTS (first_names)];
  const char *last = last_names[(sender / G_N_ELEMENTS (first_names)) % G_N_ELEMENTS (last_names)];

  return g_strdup_printf ("%s %s <p%u@host%u.example>", first, last, sender, sender % 97);
}

static char *
make_date (Generator *gen,
           gint64    *seconds)
{
  g_autoptr(GDateTime) base = g_date_time_new_utc (2020, 1, 1, 0, 0, 0);
  g_autoptr(GDateTime) when = NULL;

  *seconds = g_rand_int_range (gen->rand, 0, 5 * 365 * 86400);
  when = g_date_time_add_seconds (base, (double) *seconds);
  *seconds += g_date_time_to_unix (base);
  return g_date_time_format (when, "%a, %d %b %Y %H:%M:%S +0000");
}

/* Picks an earlier message to reply to, 40 % of the time. */
static const Recent *
pick_parent (Generator *gen)
{
  guint available = MIN (gen->n_recent, N_RECENT);

  if (available == 0 || g_rand_double (gen->rand) >= 0.4)
    return NULL;
  return &gen->recent[g_rand_int_range (gen->rand, 0, available)];
}

static void
remember (Generator    *gen,
          char         *message_id,
          const Recent *parent,
          const char   *subject)
{
  Recent *slot = &gen->recent[gen->n_recent % N_RECENT];
  g_autofree char *references = NULL;

  if (parent != NULL)
    {
      g_auto(GStrv) ids = g_strsplit (parent->references, " ", -1);
      guint n = g_strv_length (ids);
      g_autoptr(GString) kept = g_string_new (NULL);

      for (guint i = n > 9 ? n - 9 : 0; i < n; i++)
        if (*ids[i] != '\0')
          g_string_append_printf (kept, "%s ", ids[i]);
      g_string_append (kept, parent->message_id);
      references = g_string_free (g_steal_pointer (&kept), FALSE);
    }
  g_free (slot->message_id);
  g_free (slot->references);
  g_free (slot->subject);
  slot->message_id = message_id;
  slot->references = references != NULL ? g_steal_pointer (&references) : g_strdup ("");
  slot->subject = g_strdup (subject);
  gen->n_recent++;
}

static void
append_references (GString      *text,
                   const Recent *parent)
{
  g_auto(GStrv) ids = g_strsplit (parent->references, " ", -1);

  g_string_append_printf (text, "In-Reply-To: <%s>\r\nReferences:", parent->message_id);
  for (guint i = 0; ids[i] != NULL; i++)
    if (*ids[i] != '\0')
      g_string_append_printf (text, " <%s>", ids[i]);
  g_string_append_printf (text, " <%s>\r\n", parent->message_id);
}

static TaubeNewMessage *
generate_message (Generator *gen)
{
  const Recent *parent = pick_parent (gen);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) subject = g_string_new (NULL);
  g_autofree char *from = make_sender (gen);
  g_autofree char *date = NULL;
  char *message_id = g_strdup_printf ("m%u.%u@bench.example", ++gen->serial,
                                      g_rand_int (gen->rand));
  g_autoptr(GBytes) raw = NULL;
  TaubeNewMessage *message;
  gint64 seconds;

  if (parent != NULL)
    g_string_printf (subject, "%s%s", g_str_has_prefix (parent->subject, "Re: ") ? "" : "Re: ",
                     parent->subject);
  else
    append_words (gen, subject, g_rand_int_range (gen->rand, 3, 8));

  date = make_date (gen, &seconds);
  g_string_append_printf (text, "From: %s\r\nTo: Alice Example <alice@example.test>\r\n", from);
  if (g_rand_double (gen->rand) < 0.3)
    g_string_append (text, "Cc: Team <team@example.test>, Bob <bob@example.test>\r\n");
  g_string_append_printf (text, "Subject: %s\r\nDate: %s\r\nMessage-ID: <%s>\r\n", subject->str,
                          date, message_id);
  if (parent != NULL)
    append_references (text, parent);
  g_string_append (text, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                         "Content-Transfer-Encoding: 8bit\r\n\r\n");
  append_words (gen, text, g_rand_int_range (gen->rand, 40, 300));
  if (gen->serial % 1000 == 0)
    g_string_append (text, " " RARE_WORD);
  g_string_append (text, "\r\n");

  /* Headers only, as IMAP's BODY.PEEK[HEADER] would fetch them: the header and its blank line. */
  if (opt_headers_only)
    g_string_truncate (text, strstr (text->str, "\r\n\r\n") + 4 - text->str);
  raw = g_bytes_new (text->str, text->len);
  message = taube_new_message_new (raw);
  message->uid = gen->serial;
  message->internal_date = seconds + g_rand_int_range (gen->rand, 0, 600);
  message->flags = g_rand_double (gen->rand) < 0.8 ? TAUBE_MESSAGE_FLAG_SEEN : 0;
  message->headers_only = opt_headers_only;
  remember (gen, message_id, parent, subject->str);
  return message;
}

static GPtrArray *
generate_batch (Generator *gen,
                guint      n)
{
  GPtrArray *batch = g_ptr_array_new_with_free_func ((GDestroyNotify) taube_new_message_free);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (batch, generate_message (gen));
  return batch;
}

typedef struct
{
  guint pending;
  guint failed;
} Inflight;

static void
add_messages_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Inflight *inflight = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = taube_store_add_messages_finish (TAUBE_STORE (object), result, &error);

  if (ids == NULL)
    {
      g_printerr ("Insert failed: %s\n", error->message);
      inflight->failed++;
    }
  inflight->pending--;
}

/* Two batches in flight: the next one is generated while the writer thread stores one. */
static double
insert_all (TaubeStore *store,
            gint64      folder_id)
{
  Generator gen = { 0 };
  Inflight inflight = { 0, 0 };
  gint64 start = g_get_monotonic_time ();
  guint done = 0;

  generator_init (&gen);
  while (done < (guint) opt_messages)
    {
      guint n = MIN ((guint) opt_batch, opt_messages - done);
      g_autoptr(GPtrArray) batch = generate_batch (&gen, n);

      while (inflight.pending >= 2)
        g_main_context_iteration (NULL, TRUE);
      inflight.pending++;
      taube_store_add_messages_async (store, folder_id, batch, NULL, add_messages_cb, &inflight);
      done += n;
    }
  while (inflight.pending > 0)
    g_main_context_iteration (NULL, TRUE);
  generator_clear (&gen);
  if (inflight.failed > 0)
    g_error ("%u batches failed", inflight.failed);
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return g_steal_pointer (slot);
}

static gint64
add_folder (TaubeStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  gint64 id;

  taube_store_add_folder_async (store, "bench@example.test", "INBOX", "Inbox",
                                TAUBE_FOLDER_ROLE_INBOX, NULL, result_cb, &slot);
  result = wait_for (&slot);
  id = taube_store_add_folder_finish (store, result, &error);
  if (id == 0)
    g_error ("%s", error->message);
  return id;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Times @limit rows at @offset: the first call, then the median of 21 more, in ms. */
static void
time_page (TaubeStore *store,
           gint64      folder_id,
           guint       offset,
           const char *label)
{
  double runs[21];
  double first = 0;

  for (int i = -1; i < (int) G_N_ELEMENTS (runs); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();
      g_autoptr(GListModel) page = taube_store_list_messages (store, folder_id, offset, 50, &error);
      double ms = (g_get_monotonic_time () - start) / 1000.0;

      if (page == NULL || g_list_model_get_n_items (page) != 50)
        g_error ("Listing failed: %s", error != NULL ? error->message : "short page");
      if (i < 0)
        first = ms;
      else
        runs[i] = ms;
    }
  qsort (runs, G_N_ELEMENTS (runs), sizeof (double), compare_doubles);
  printf ("  %-34s first %7.3f ms, then median %7.3f ms\n", label, first, runs[10]);
}

static void
time_search (TaubeStore *store,
             const char *query,
             guint       limit)
{
  double runs[7];
  guint hits = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GArray) ids = NULL;
      g_autoptr(GError) error = NULL;
      GAsyncResult *slot = NULL;
      gint64 start = g_get_monotonic_time ();

      taube_store_search_async (store, query, 0, limit, NULL, result_cb, &slot);
      result = wait_for (&slot);
      ids = taube_store_search_finish (store, result, &error);
      if (ids == NULL)
        g_error ("Search failed: %s", error->message);
      runs[i] = (g_get_monotonic_time () - start) / 1000.0;
      hits = ids->len;
    }
  qsort (runs, G_N_ELEMENTS (runs), sizeof (double), compare_doubles);
  printf ("  %-28s limit %-5u %6u hits, median %8.2f ms (min %.2f)\n", query, limit, hits,
          runs[3], runs[0]);
}

typedef struct
{
  gint64 index_bytes;
  gint64 search_bytes;
  gint64 messages_table;
  gint64 messages_indexes;
  gint64 file_bytes;
} Sizes;

/* Page bytes per table and index, from SQLite's dbstat, after a checkpoint. */
static void
measure_sizes (const char *dir,
               Sizes      *sizes)
{
  g_autofree char *index = g_build_filename (dir, "index.sqlite", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_open (index, &db) != SQLITE_OK
      || sqlite3_exec (db, "PRAGMA wal_checkpoint(TRUNCATE);", NULL, NULL, NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (db, "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name;", -1, &stmt,
                             NULL) != SQLITE_OK)
    g_error ("dbstat: %s", sqlite3_errmsg (db));
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);
      gint64 bytes = sqlite3_column_int64 (stmt, 1);

      if (g_str_has_prefix (name, "message_search") || g_str_equal (name, "message_text"))
        sizes->search_bytes += bytes;
      else
        sizes->index_bytes += bytes;
      if (g_str_equal (name, "messages"))
        sizes->messages_table = bytes;
      else if (g_str_has_prefix (name, "messages_by_"))
        sizes->messages_indexes += bytes;
      printf ("    %-34s %10.1f KiB\n", name, bytes / 1024.0);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static gint64
directory_bytes (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  gint64 total = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      GStatBuf buf;

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        total += directory_bytes (child);
      else if (g_stat (child, &buf) == 0)
        total += buf.st_size;
    }
  return total;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static TaubeStore *
open_store (const char *dir)
{
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  TaubeStore *store = taube_store_new_sync (file, NULL, &error);

  if (store == NULL)
    g_error ("%s", error->message);
  return store;
}

static void
report_reads (const char *dir,
              gint64      folder_id)
{
  /* A fresh store object: the timings include preparing the statements once. */
  g_autoptr(TaubeStore) store = open_store (dir);

  printf ("\nMessage list (taube_store_list_messages, 50 rows, newest first):\n");
  time_page (store, folder_id, 0, "first page");
  time_page (store, folder_id, opt_messages / 2, "page in the middle");
  time_page (store, folder_id, opt_messages - 50, "last page");

  printf ("\nSearch (taube_store_search_async, all folders, call to callback):\n");
  time_search (store, "kamine", 50);
  time_search (store, "kamine", 0);
  time_search (store, RARE_WORD, 50);
  time_search (store, "\"kalo kalo\"", 50);
  time_search (store, "proj*", 50);
  time_search (store, "Müller", 50);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— benchmark Taube's message store");
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeStore) store = NULL;
  g_autofree char *dir = NULL;
  Sizes sizes = { 0 };
  gint64 folder_id;
  double seconds;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (opt_messages < 100 || opt_batch < 1)
    {
      g_printerr ("--messages must be at least 100 and --batch at least 1\n");
      return 2;
    }
  dir = opt_dir != NULL ? g_strdup (opt_dir) : g_dir_make_tmp ("taube-bench-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);

  store = open_store (dir);
  folder_id = add_folder (store);
  printf ("Store: %s\nInserting %d messages in batches of %d (%s)...\n", dir, opt_messages,
          opt_batch, opt_headers_only ? "headers only" : "message files written and synced");
  fflush (stdout);
  seconds = insert_all (store, folder_id);
  g_clear_object (&store);
  printf ("  %.1f s, %.0f messages/s\n", seconds, opt_messages / seconds);

  printf ("\nIndex (SQLite pages after a checkpoint):\n");
  measure_sizes (dir, &sizes);
  sizes.file_bytes = directory_bytes (dir);
  printf ("  index without search:  %8.1f MiB, %6.0f bytes/message\n",
          sizes.index_bytes / 1048576.0, (double) sizes.index_bytes / opt_messages);
  printf ("    of which messages:   %8.1f MiB, %6.0f bytes/message (+ %.0f in its indexes)\n",
          sizes.messages_table / 1048576.0, (double) sizes.messages_table / opt_messages,
          (double) sizes.messages_indexes / opt_messages);
  printf ("  search (FTS + text):   %8.1f MiB, %6.0f bytes/message\n",
          sizes.search_bytes / 1048576.0, (double) sizes.search_bytes / opt_messages);
  printf ("  whole store on disk:   %8.1f MiB\n", sizes.file_bytes / 1048576.0);

  report_reads (dir, folder_id);

  if (opt_keep)
    printf ("\nKept %s\n", dir);
  else
    remove_tree (dir);
  return 0;
}
