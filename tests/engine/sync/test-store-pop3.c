/* test-store-pop3.c — what the store remembers for the POP3 sync (migration 003)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "store-test-util.h"
#include "taube-store-pop3.h"

#define NOW ((gint64) 1800000000)

static void
note (StoreFixture      *fixture,
      const char *const *uidls,
      gint64             now)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  taube_store_pop3_note_uidls_async (fixture->store, fixture->folder_id, uidls, now, NULL,
                                     store_test_result_cb, &slot);
  result = store_test_wait (&slot);
  g_assert_true (taube_store_pop3_note_uidls_finish (fixture->store, result, &error));
  g_assert_no_error (error);
}

static GHashTable *
states (StoreFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GHashTable *table = taube_store_pop3_get_states (fixture->store, fixture->folder_id, &error);

  g_assert_no_error (error);
  return table;
}

static gint64
add (StoreFixture *fixture,
     const char   *uidl,
     gboolean      headers_only)
{
  g_autofree char *message_id = g_strdup_printf ("%s@example.test", uidl);
  g_autoptr(GBytes) raw = store_test_make_message ("Bob <bob@example.test>", uidl, message_id,
                                                   "", "Sat, 28 Nov 2026 10:00:00 +0000",
                                                   "Hello");
  g_autoptr(TaubeNewMessage) message = taube_new_message_new (raw);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  gint64 id;

  message->uidl = g_strdup (uidl);
  message->headers_only = headers_only;
  taube_store_add_message_async (fixture->store, fixture->folder_id, message, NULL,
                                 store_test_result_cb, &slot);
  result = store_test_wait (&slot);
  id = taube_store_add_message_finish (fixture->store, result, &error);
  g_assert_no_error (error);
  return id;
}

static void
test_first_seen (StoreFixture  *fixture,
                 gconstpointer  data)
{
  const char *first[] = { "u1", "u2", NULL };
  const char *second[] = { "u2", "u3", NULL };
  g_autoptr(GHashTable) table = NULL;
  TaubePop3UidlState *state;

  note (fixture, first, NOW);
  note (fixture, second, NOW + 100);
  table = states (fixture);
  g_assert_cmpuint (g_hash_table_size (table), ==, 3);
  state = g_hash_table_lookup (table, "u2");
  g_assert_cmpint (state->first_seen, ==, NOW);
  g_assert_cmpint (state->downloaded, ==, 0);
  g_assert_false (state->partial);
  g_assert_false (state->deleted_locally);
  state = g_hash_table_lookup (table, "u3");
  g_assert_cmpint (state->first_seen, ==, NOW + 100);
}

static void
test_marked_when_stored (StoreFixture  *fixture,
                                 gconstpointer  data)
{
  const char *uidls[] = { "u1", "u2", NULL };
  g_autoptr(GHashTable) table = NULL;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  TaubePop3UidlState *state;

  note (fixture, uidls, NOW);
  add (fixture, "u1", FALSE);
  add (fixture, "u2", TRUE);
  table = states (fixture);
  state = g_hash_table_lookup (table, "u1");
  g_assert_cmpint (state->downloaded, >=, before);
  g_assert_cmpint (state->downloaded, <=, before + 60);
  g_assert_false (state->partial);
  state = g_hash_table_lookup (table, "u2");
  g_assert_cmpint (state->downloaded, >=, before);
  g_assert_true (state->partial);
}

static void
test_body_clears_partial (StoreFixture  *fixture,
                          gconstpointer  data)
{
  const char *uidls[] = { "u1", NULL };
  g_autoptr(GBytes) raw = store_test_make_message ("Bob <bob@example.test>", "u1",
                                                   "u1@example.test", "",
                                                   "Sat, 28 Nov 2026 10:00:00 +0000", "Hello");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GHashTable) table = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  gint64 id;

  note (fixture, uidls, NOW);
  id = add (fixture, "u1", TRUE);
  taube_store_set_body_async (fixture->store, id, raw, NULL, store_test_result_cb, &slot);
  result = store_test_wait (&slot);
  g_assert_true (taube_store_set_body_finish (fixture->store, result, &error));
  g_assert_no_error (error);
  table = states (fixture);
  g_assert_false (((TaubePop3UidlState *) g_hash_table_lookup (table, "u1"))->partial);
}

static void
test_deleted_locally (StoreFixture  *fixture,
                      gconstpointer  data)
{
  const char *uidls[] = { "u1", "u2", NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GHashTable) table = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  TaubePop3UidlState *state;
  gint64 id;

  note (fixture, uidls, NOW);
  id = add (fixture, "u1", FALSE);
  add (fixture, "u2", FALSE);
  taube_store_remove_messages_async (fixture->store, &id, 1, NULL, store_test_result_cb, &slot);
  result = store_test_wait (&slot);
  g_assert_true (taube_store_remove_messages_finish (fixture->store, result, &error));
  g_assert_no_error (error);

  /* The message is gone, its row stays: the sync must not fetch it again. */
  table = states (fixture);
  state = g_hash_table_lookup (table, "u1");
  g_assert_nonnull (state);
  g_assert_true (state->deleted_locally);
  g_assert_cmpint (state->downloaded, >, 0);
  g_assert_false (((TaubePop3UidlState *) g_hash_table_lookup (table, "u2"))->deleted_locally);
}

static void
test_message_without_row (StoreFixture  *fixture,
                          gconstpointer  data)
{
  g_autoptr(GHashTable) table = NULL;
  TaubePop3UidlState *state;

  const char *listed[] = { "u9", "u8", NULL };

  add (fixture, "u9", FALSE);
  table = states (fixture);
  state = g_hash_table_lookup (table, "u9");
  g_assert_nonnull (state);
  g_assert_cmpint (state->downloaded, >, 0);
  g_clear_pointer (&table, g_hash_table_unref);

  /* What a sync does: note the listing, then read the states. The row written for u9
   * takes its message's state, u8 (headers only) too. */
  add (fixture, "u8", TRUE);
  note (fixture, listed, NOW);
  table = states (fixture);
  state = g_hash_table_lookup (table, "u9");
  g_assert_cmpint (state->downloaded, >, 0);
  g_assert_false (state->partial);
  state = g_hash_table_lookup (table, "u8");
  g_assert_cmpint (state->downloaded, >, 0);
  g_assert_true (state->partial);
}

static void
test_per_folder (StoreFixture  *fixture,
                 gconstpointer  data)
{
  const char *uidls[] = { "u1", NULL };
  gint64 other = store_test_add_folder (fixture->store, "bob@example.test", "INBOX");
  g_autoptr(GHashTable) mine = NULL;
  g_autoptr(GHashTable) theirs = NULL;
  g_autoptr(GError) error = NULL;

  note (fixture, uidls, NOW);
  mine = states (fixture);
  theirs = taube_store_pop3_get_states (fixture->store, other, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (mine), ==, 1);
  g_assert_cmpuint (g_hash_table_size (theirs), ==, 0);
}

static void
test_download_dir (StoreFixture  *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = taube_store_pop3_get_download_dir (fixture->store, fixture->folder_id,
                                                            &error);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (dir, fixture->dir));
  g_assert_true (g_str_has_suffix (dir, G_DIR_SEPARATOR_S "tmp"));
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
  g_assert_null (taube_store_pop3_get_download_dir (fixture->store, 999, &error));
  g_assert_nonnull (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) \
  g_test_add (path, StoreFixture, NULL, store_fixture_set_up, func, store_fixture_tear_down)
  ADD ("/store/pop3/first-seen", test_first_seen);
  ADD ("/store/pop3/marked-when-stored", test_marked_when_stored);
  ADD ("/store/pop3/body-clears-partial", test_body_clears_partial);
  ADD ("/store/pop3/deleted-locally", test_deleted_locally);
  ADD ("/store/pop3/message-without-row", test_message_without_row);
  ADD ("/store/pop3/per-folder", test_per_folder);
  ADD ("/store/pop3/download-dir", test_download_dir);
#undef ADD
  return g_test_run ();
}
