/* test-store-search.c — full-text search: words, phrases, umlauts, hostile input
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <sqlite3.h>

#include "store-test-util.h"
#include "taube-store-error.h"

typedef struct
{
  StoreFixture base;
  gint64 report;
  gint64 munich;
  gint64 lunch;
  gint64 archive_id;
  gint64 archived;
} SearchFixture;

static void
search_fixture_set_up (SearchFixture *fixture,
                       gconstpointer  data)
{
  g_autoptr(GBytes) munich = store_test_make_message (
    "=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.test>",
    "=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_M=C3=BCnchen?=", "munich@example.test", "",
    "Wed, 03 Jan 2024 09:00:00 +0000", "Die Straße ist gesperrt, wir treffen uns am Café.");

  store_fixture_set_up (&fixture->base, data);
  fixture->report = store_test_add_simple (fixture->base.store, fixture->base.folder_id, 1,
                                           "Quarterly report", "report@example.test", "",
                                           0, "Here are the numbers for Q3: revenue is up.");
  fixture->munich = store_test_add_raw (fixture->base.store, fixture->base.folder_id, munich, 2,
                                        TAUBE_MESSAGE_FLAG_NONE);
  fixture->lunch = store_test_add_simple (fixture->base.store, fixture->base.folder_id, 3,
                                          "Lunch?", "lunch@example.test", "", 3 * 86400,
                                          "Shall we have lunch? The report can wait.");
  fixture->archive_id = store_test_add_folder (fixture->base.store, "alice@example.test",
                                               "Archive");
  fixture->archived = store_test_add_simple (fixture->base.store, fixture->archive_id, 1,
                                             "Old report", "old@example.test", "", -86400,
                                             "Last year's report.");
}

static void
search_fixture_tear_down (SearchFixture *fixture,
                          gconstpointer  data)
{
  store_fixture_tear_down (&fixture->base, data);
}

static GArray *
search (SearchFixture  *fixture,
        const char     *query,
        gint64          folder_id,
        GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  taube_store_search_async (fixture->base.store, query, folder_id, 0, NULL, store_test_result_cb,
                            &slot);
  result = store_test_wait (&slot);
  return taube_store_search_finish (fixture->base.store, result, error);
}

/* Searches all folders and checks the ids found, in order. */
static void
assert_search (SearchFixture *fixture,
               const char    *query,
               const gint64  *expected,
               guint          n_expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = search (fixture, query, 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ids);
  if (ids->len != n_expected)
    g_error ("Search for “%s” found %u messages, expected %u", query, ids->len, n_expected);
  for (guint i = 0; i < n_expected; i++)
    g_assert_cmpint (g_array_index (ids, gint64, i), ==, expected[i]);
}

#define ASSERT_SEARCH(fixture, query, ...) \
  G_STMT_START { \
    const gint64 expected_[] = { __VA_ARGS__ }; \
    assert_search (fixture, query, expected_ + 1, G_N_ELEMENTS (expected_) - 1); \
  } G_STMT_END

static void
test_words (SearchFixture *fixture,
            gconstpointer  data)
{
  /* Newest first: lunch (day 3), report (day 0), old report (day -1). */
  ASSERT_SEARCH (fixture, "report", 0, fixture->lunch, fixture->report, fixture->archived);
  ASSERT_SEARCH (fixture, "REPORT numbers", 0, fixture->report);
  ASSERT_SEARCH (fixture, "report   missing", 0);
  ASSERT_SEARCH (fixture, "quarterly", 0, fixture->report);
  ASSERT_SEARCH (fixture, "revenue", 0, fixture->report);
}

static void
test_phrases (SearchFixture *fixture,
              gconstpointer  data)
{
  ASSERT_SEARCH (fixture, "\"numbers for Q3\"", 0, fixture->report);
  ASSERT_SEARCH (fixture, "\"for numbers\"", 0);
  ASSERT_SEARCH (fixture, "\"the report\" lunch", 0, fixture->lunch);
  /* A phrase never closed runs to the end. */
  ASSERT_SEARCH (fixture, "\"report can wait", 0, fixture->lunch);
}

static void
test_prefix (SearchFixture *fixture,
             gconstpointer  data)
{
  ASSERT_SEARCH (fixture, "quart*", 0, fixture->report);
  ASSERT_SEARCH (fixture, "quart", 0);
  ASSERT_SEARCH (fixture, "Münch*", 0, fixture->munich);
}

/* Case and accents do not matter; people type "muller" as often as "Müller". */
static void
test_umlauts (SearchFixture *fixture,
              gconstpointer  data)
{
  static const char *const queries[] = {
    "München", "MÜNCHEN", "munchen", "Müller", "muller", "Jürgen", "grüße", "Straße", "cafe",
    "Café", "\"grüße aus münchen\"",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (queries); i++)
    ASSERT_SEARCH (fixture, queries[i], 0, fixture->munich);
}

static void
test_addresses (SearchFixture *fixture,
                gconstpointer  data)
{
  ASSERT_SEARCH (fixture, "juergen@example.test", 0, fixture->munich);
  ASSERT_SEARCH (fixture, "bob", 0, fixture->lunch, fixture->munich, fixture->report,
                 fixture->archived);
}

static void
test_folder (SearchFixture *fixture,
             gconstpointer  data)
{
  g_autoptr(GArray) inbox = search (fixture, "report", fixture->base.folder_id, NULL);
  g_autoptr(GArray) archive = search (fixture, "report", fixture->archive_id, NULL);

  g_assert_cmpuint (inbox->len, ==, 2);
  g_assert_cmpuint (archive->len, ==, 1);
  g_assert_cmpint (g_array_index (archive, gint64, 0), ==, fixture->archived);
}

/* Whatever people type, the search does not fail: FTS5 syntax is never passed through. */
static void
test_hostile_input (SearchFixture *fixture,
                    gconstpointer  data)
{
  static const char *const queries[] = {
    "\"", "\"\"", "\"\"\"", "*", "**", "report*", "*report", "re*port", ":", "subject:report",
    "subject : report", "report\"", "\"report", "AND", "OR", "NOT", "report AND", "OR report",
    "NEAR(report lunch)", "report -numbers", "-report", "^report", "(report", "report)",
    "{subject}: report", "'", "''", "\\", "%", "_", "report; DROP TABLE messages; --",
    "\xff\xfe invalid utf-8", "a\"b\"c", "+", "report + lunch", "@", "[]", "\t\n", "",
    "   ", "\"\" report", "report NEAR/2 lunch", "col:*", "\"*\"", "😀", "*:*",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) ids = search (fixture, queries[i], 0, &error);

      g_assert_no_error (error);
      g_assert_nonnull (ids);
    }
  /* What the punctuation around a word does not change: */
  ASSERT_SEARCH (fixture, "subject:report", 0);
  ASSERT_SEARCH (fixture, "(report", 0, fixture->lunch, fixture->report, fixture->archived);
  ASSERT_SEARCH (fixture, "report)", 0, fixture->lunch, fixture->report, fixture->archived);
  ASSERT_SEARCH (fixture, "OR report", 0);
  ASSERT_SEARCH (fixture, "\"", 0);
  ASSERT_SEARCH (fixture, "\"\" report", 0, fixture->lunch, fixture->report, fixture->archived);
}

static void
test_build_match_query (void)
{
  static const struct
  {
    const char *query;
    const char *match;
  } cases[] = {
    { "report", "\"report\"" },
    { "  two   words ", "\"two\" \"words\"" },
    { "\"a phrase\" word", "\"a phrase\" \"word\"" },
    { "pre*", "\"pre\"*" },
    { "pre**", "\"pre\"*" },
    { "subject:x", "\"subject:x\"" },
    { "AND OR", "\"AND\" \"OR\"" },
    { "a\"b", "\"a\" \"b\"" },
    { "\"open phrase", "\"open phrase\"" },
    { "*", NULL },
    { "\"\"", NULL },
    { "- : *", NULL },
    { "", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *match = taube_store_build_match_query (cases[i].query);

      g_assert_cmpstr (match, ==, cases[i].match);
    }
}

static void
remove_message (TaubeStore *store,
                gint64      id)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  taube_store_remove_messages_async (store, &id, 1, NULL, store_test_result_cb, &slot);
  result = store_test_wait (&slot);
  g_assert_true (taube_store_remove_messages_finish (store, result, NULL));
}

static void
assert_search_index_intact (const char *dir)
{
  g_autofree char *index = g_build_filename (dir, "index.sqlite", NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (index, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO message_search (message_search) "
                                     "VALUES ('integrity-check');", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  sqlite3_close (db);
}

/* Removing messages and folders takes their text out of the search index. */
static void
test_removal (SearchFixture *fixture,
              gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  remove_message (fixture->base.store, fixture->report);
  ASSERT_SEARCH (fixture, "report", 0, fixture->lunch, fixture->archived);
  ASSERT_SEARCH (fixture, "revenue", 0);

  taube_store_remove_folder_async (fixture->base.store, fixture->archive_id, NULL,
                                   store_test_result_cb, &slot);
  result = store_test_wait (&slot);
  g_assert_true (taube_store_remove_folder_finish (fixture->base.store, result, NULL));
  ASSERT_SEARCH (fixture, "report", 0, fixture->lunch);
  assert_search_index_intact (fixture->base.dir);
}

static void
test_cancelled (SearchFixture *fixture,
                gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  g_cancellable_cancel (cancellable);
  taube_store_search_async (fixture->base.store, "report", 0, 0, cancellable,
                            store_test_result_cb, &slot);
  result = store_test_wait (&slot);
  ids = taube_store_search_finish (fixture->base.store, result, &error);
  g_assert_null (ids);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/store/search/" path, SearchFixture, NULL, search_fixture_set_up, func, \
              search_fixture_tear_down)

  ADD ("words", test_words);
  ADD ("phrases", test_phrases);
  ADD ("prefix", test_prefix);
  ADD ("umlauts", test_umlauts);
  ADD ("addresses", test_addresses);
  ADD ("folder", test_folder);
  ADD ("hostile-input", test_hostile_input);
  ADD ("removal", test_removal);
  ADD ("cancelled", test_cancelled);
  g_test_add_func ("/store/search/build-match-query", test_build_match_query);

#undef ADD

  return g_test_run ();
}
