/* test-store.c — opening, migrations, folders, adding, listing, flags, removal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <sqlite3.h>

#include "store-test-util.h"
#include "taube-maildir.h"
#include "taube-store-error.h"
#include "taube-store-private.h"

static int
index_version (const char *dir)
{
  g_autofree char *index = g_build_filename (dir, "index.sqlite", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int version;

  g_assert_cmpint (sqlite3_open_v2 (index, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version;", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return version;
}

static void
exec_on_index (const char *dir,
               const char *sql)
{
  g_autofree char *index = g_build_filename (dir, "index.sqlite", NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (index, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
test_migrate_from_empty (StoreFixture  *fixture,
                         gconstpointer  data)
{
  g_autoptr(GListModel) folders = NULL;

  g_assert_cmpint (_taube_store_schema_get_latest (), >=, 2);
  g_assert_cmpint (index_version (fixture->dir), ==, _taube_store_schema_get_latest ());
  folders = taube_store_list_folders (fixture->store, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (folders), ==, 1);
}

static void
test_reopen (StoreFixture  *fixture,
             gconstpointer  data)
{
  g_autoptr(TaubeFolder) folder = NULL;
  int version = index_version (fixture->dir);

  store_test_add_simple (fixture->store, fixture->folder_id, 1, "Kept", "kept@example.test", "",
                         0, "body");
  g_clear_object (&fixture->store);

  /* Twice: opening an up-to-date index changes nothing. */
  for (int i = 0; i < 2; i++)
    {
      g_clear_object (&fixture->store);
      fixture->store = store_test_open (fixture->dir);
      g_assert_cmpint (index_version (fixture->dir), ==, version);
    }
  folder = taube_store_get_folder (fixture->store, fixture->folder_id, NULL);
  g_assert_nonnull (folder);
  g_assert_cmpuint (taube_folder_get_total (folder), ==, 1);
  /* Adding the same folder again finds the existing one. */
  g_assert_cmpint (store_test_add_folder (fixture->store, "alice@example.test", "INBOX"), ==,
                   fixture->folder_id);
}

/* An index left at version 1 by an older Taube is brought up to date, keeping its rows. */
static void
test_upgrade_from_version_1 (void)
{
  g_autofree char *dir = g_dir_make_tmp ("taube-store-XXXXXX", NULL);
  g_autofree char *index = g_build_filename (dir, "index.sqlite", NULL);
  g_autoptr(TaubeStore) store = NULL;
  g_autoptr(GListModel) folders = NULL;
  g_autoptr(GError) error = NULL;
  TaubeStoreDb *db = _taube_store_db_open (index, FALSE, &error);

  g_assert_no_error (error);
  g_assert_true (_taube_store_schema_migrate (db, 1, &error));
  g_assert_no_error (error);
  g_assert_true (_taube_store_db_exec (db,
    "INSERT INTO accounts (id) VALUES ('old');"
    "INSERT INTO folders (account_id, name, display_name, maildir) "
    "VALUES ('old', 'INBOX', 'Inbox', 'maildir/old/INBOX');", &error));
  _taube_store_db_close (db);
  g_assert_cmpint (index_version (dir), ==, 1);

  store = store_test_open (dir);
  g_assert_cmpint (index_version (dir), ==, _taube_store_schema_get_latest ());
  folders = taube_store_list_folders (store, "old", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (folders), ==, 1);

  g_clear_object (&store);
  store_test_remove_tree (dir);
}

static void
test_too_new (void)
{
  g_autofree char *dir = g_dir_make_tmp ("taube-store-XXXXXX", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(TaubeStore) store = store_test_open (dir);
  g_autoptr(GError) error = NULL;

  g_clear_object (&store);
  exec_on_index (dir, "PRAGMA user_version = 999;");

  store = taube_store_new_sync (file, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, TAUBE_STORE_ERROR, TAUBE_STORE_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "index.sqlite"));
  /* Never a downgrade. */
  g_assert_cmpint (index_version (dir), ==, 999);
  store_test_remove_tree (dir);
}

static void
test_corrupt (void)
{
  g_autofree char *dir = g_dir_make_tmp ("taube-store-XXXXXX", NULL);
  g_autofree char *index = g_build_filename (dir, "index.sqlite", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(TaubeStore) store = NULL;
  g_autoptr(GError) error = NULL;
  char garbage[8192];

  memset (garbage, 'x', sizeof garbage);
  g_assert_true (g_file_set_contents (index, garbage, sizeof garbage, NULL));
  store = taube_store_new_sync (file, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, TAUBE_STORE_ERROR, TAUBE_STORE_ERROR_CORRUPT);
  store_test_remove_tree (dir);
}

/* Without a directory the store lives in $XDG_DATA_HOME/taube, which the rig makes private. */
static void
test_default_directory (void)
{
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "taube", NULL);
  g_autofree char *index = g_build_filename (expected, "index.sqlite", NULL);
  g_autoptr(TaubeStore) store = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (g_getenv ("TAUBE_RIG_DIR") == NULL)
    {
      g_test_skip ("Only under tests/rig/taube-rig, which gives a private XDG_DATA_HOME");
      return;
    }
  store = taube_store_new_sync (NULL, NULL, &error);
  g_assert_no_error (error);
  path = g_file_get_path (taube_store_get_directory (store));
  g_assert_cmpstr (path, ==, expected);
  g_assert_true (g_file_test (index, G_FILE_TEST_IS_REGULAR));
  g_clear_object (&store);
  store_test_remove_tree (expected);
}

static void
test_open_async (void)
{
  g_autofree char *dir = g_dir_make_tmp ("taube-store-XXXXXX", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TaubeStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  taube_store_new_async (file, NULL, store_test_result_cb, &slot);
  result = store_test_wait (&slot);
  store = taube_store_new_finish (result, &error);
  g_assert_no_error (error);
  g_assert_true (TAUBE_IS_STORE (store));
  g_assert_true (g_file_equal (taube_store_get_directory (store), file));
  g_clear_object (&store);
  store_test_remove_tree (dir);
}

static TaubeFolder *
find_folder (GListModel *folders,
             const char *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr(TaubeFolder) folder = g_list_model_get_item (folders, i);

      if (g_str_equal (taube_folder_get_name (folder), name))
        return g_steal_pointer (&folder);
    }
  return NULL;
}

static void
test_folders (StoreFixture  *fixture,
              gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GListModel) alice = NULL;
  g_autoptr(GListModel) all = NULL;
  g_autoptr(TaubeFolder) sent = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  gint64 sent_id;

  store_test_add_folder (fixture->store, "bob@example.test", "INBOX");
  taube_store_add_folder_async (fixture->store, "alice@example.test", "Gesendet", "Sent",
                                TAUBE_FOLDER_ROLE_SENT, NULL, store_test_result_cb, &slot);
  result = store_test_wait (&slot);
  sent_id = taube_store_add_folder_finish (fixture->store, result, &error);
  g_assert_no_error (error);

  alice = taube_store_list_folders (fixture->store, "alice@example.test", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (alice), ==, 2);
  all = taube_store_list_folders (fixture->store, NULL, &error);
  g_assert_cmpuint (g_list_model_get_n_items (all), ==, 3);

  sent = find_folder (alice, "Gesendet");
  g_assert_nonnull (sent);
  g_assert_cmpint (taube_folder_get_id (sent), ==, sent_id);
  g_assert_cmpstr (taube_folder_get_display_name (sent), ==, "Sent");
  g_assert_cmpint (taube_folder_get_role (sent), ==, TAUBE_FOLDER_ROLE_SENT);
  g_assert_cmpstr (taube_folder_get_account_id (sent), ==, "alice@example.test");
}

static void
set_folder_state (TaubeStore *store,
                  gint64      folder_id,
                  guint32     uidvalidity,
                  guint32     uidnext,
                  guint64     highestmodseq)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  taube_store_set_folder_state_async (store, folder_id, uidvalidity, uidnext, highestmodseq,
                                      NULL, store_test_result_cb, &slot);
  result = store_test_wait (&slot);
  g_assert_true (taube_store_set_folder_state_finish (store, result, &error));
  g_assert_no_error (error);
}

static char *
message_file (StoreFixture *fixture,
              gint64        id)
{
  g_autoptr(TaubeMessage) message = taube_store_get_message (fixture->store, id, NULL);

  g_assert_nonnull (message);
  return g_build_filename (fixture->dir, _taube_message_get_path (message), NULL);
}

/* RFC 9051 §2.3.1.1: a new UIDVALIDITY invalidates every stored UID of the folder. */
static void
test_folder_state (StoreFixture  *fixture,
                   gconstpointer  data)
{
  g_autoptr(TaubeFolder) folder = NULL;
  g_autoptr(GListModel) page = NULL;
  g_autofree char *file = NULL;
  gint64 id;

  set_folder_state (fixture->store, fixture->folder_id, 1000, 5, 77);
  id = store_test_add_simple (fixture->store, fixture->folder_id, 4, "Old", "old@example.test",
                              "", 0, "body");
  file = message_file (fixture, id);
  g_assert_true (g_file_test (file, G_FILE_TEST_EXISTS));

  /* The same UIDVALIDITY keeps the messages. */
  set_folder_state (fixture->store, fixture->folder_id, 1000, 6, 80);
  folder = taube_store_get_folder (fixture->store, fixture->folder_id, NULL);
  g_assert_cmpuint (taube_folder_get_uidvalidity (folder), ==, 1000);
  g_assert_cmpuint (taube_folder_get_uidnext (folder), ==, 6);
  g_assert_cmpuint (taube_folder_get_highestmodseq (folder), ==, 80);
  g_assert_cmpuint (taube_folder_get_total (folder), ==, 1);
  g_clear_object (&folder);

  set_folder_state (fixture->store, fixture->folder_id, 2000, 1, 0);
  folder = taube_store_get_folder (fixture->store, fixture->folder_id, NULL);
  g_assert_cmpuint (taube_folder_get_total (folder), ==, 0);
  g_assert_cmpuint (taube_folder_get_unread (folder), ==, 0);
  page = taube_store_list_messages (fixture->store, fixture->folder_id, 0, 50, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (page), ==, 0);
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
}

static void
test_remove_folder (StoreFixture  *fixture,
                    gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeFolder) folder = NULL;
  g_autofree char *maildir = g_build_filename (fixture->dir, "maildir", "alice%40example.test",
                                               "INBOX", NULL);
  GAsyncResult *slot = NULL;

  store_test_add_simple (fixture->store, fixture->folder_id, 1, "Gone", "gone@example.test", "",
                         0, "body");
  g_assert_true (g_file_test (maildir, G_FILE_TEST_IS_DIR));

  taube_store_remove_folder_async (fixture->store, fixture->folder_id, NULL,
                                   store_test_result_cb, &slot);
  result = store_test_wait (&slot);
  g_assert_true (taube_store_remove_folder_finish (fixture->store, result, &error));
  g_assert_no_error (error);

  folder = taube_store_get_folder (fixture->store, fixture->folder_id, &error);
  g_assert_null (folder);
  g_assert_error (error, TAUBE_STORE_ERROR, TAUBE_STORE_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (maildir, G_FILE_TEST_EXISTS));
}

static void
test_insert_and_get (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(GBytes) raw = store_test_make_message (
    "=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.test>",
    "=?ISO-8859-1?Q?Gr=FC=DFe_aus_M=FCnchen?=", "first@example.test",
    "Cc: Carol <carol@example.test>, dave@example.test\r\n",
    "Tue, 02 Jan 2024 10:00:00 +0100",
    "Hallo Bob,\r\n\r\ndas Treffen ist am Freitag.\r\n\r\n-- \r\nJürgen");
  g_autoptr(TaubeMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  id = store_test_add_raw (fixture->store, fixture->folder_id, raw, 42, TAUBE_MESSAGE_FLAG_SEEN);
  message = taube_store_get_message (fixture->store, id, &error);
  g_assert_no_error (error);

  g_assert_cmpint (taube_message_get_id (message), ==, id);
  g_assert_cmpint (taube_message_get_folder_id (message), ==, fixture->folder_id);
  g_assert_cmpuint (taube_message_get_uid (message), ==, 42);
  g_assert_cmpstr (taube_message_get_subject (message), ==, "Grüße aus München");
  g_assert_cmpstr (taube_message_get_from_name (message), ==, "Jürgen Müller");
  g_assert_cmpstr (taube_message_get_from_address (message), ==, "juergen@example.test");
  g_assert_cmpstr (taube_message_get_recipients (message), ==, "Bob, Carol, dave@example.test");
  g_assert_cmpint (taube_message_get_date (message), ==, 1704186000);
  g_assert_cmpint (taube_message_get_internal_date (message), ==, 1800000000);
  g_assert_cmpint (taube_message_get_size (message), ==, (gint64) g_bytes_get_size (raw));
  g_assert_cmpstr (taube_message_get_preview (message), ==,
                   "Hallo Bob, das Treffen ist am Freitag.");
  g_assert_cmpstr (taube_message_get_message_id (message), ==, "first@example.test");
  g_assert_null (taube_message_get_in_reply_to (message));
  g_assert_true (taube_message_get_has_body (message));
  g_assert_false (taube_message_get_has_attachment (message));
  g_assert_cmpint (taube_message_get_flags (message), ==, TAUBE_MESSAGE_FLAG_SEEN);
  g_assert_cmpint (taube_message_get_thread_id (message), >, 0);
}

static gint64
date_of (GListModel *page,
         guint       position)
{
  g_autoptr(TaubeMessage) message = g_list_model_get_item (page, position);

  return taube_message_get_date (message);
}

/* Messages arrive in any order; the list is by date, newest first, page after page. */
static void
test_list_paging (StoreFixture  *fixture,
                  gconstpointer  data)
{
  const guint n = 120;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  gint64 last_date = G_MAXINT64;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *message_id = g_strdup_printf ("page-%u@example.test", i);
      /* A permutation of 0..n-1 days (37 and 120 are coprime), so every date is distinct and
       * the order of arrival is not the order of dates. */
      gint64 day = (i * 37) % n;

      store_test_add_simple (fixture->store, fixture->folder_id, i + 1, "Paged", message_id, "",
                             day * 86400, "body");
    }

  for (guint offset = 0; offset < n; offset += 50)
    {
      g_autoptr(GListModel) page = taube_store_list_messages (fixture->store, fixture->folder_id,
                                                              offset, 50, NULL);
      guint expected = MIN (50, n - offset);

      g_assert_cmpuint (g_list_model_get_n_items (page), ==, expected);
      for (guint i = 0; i < expected; i++)
        {
          g_autoptr(TaubeMessage) message = g_list_model_get_item (page, i);
          gint64 id = taube_message_get_id (message);

          g_assert_cmpint (date_of (page, i), <, last_date);
          last_date = date_of (page, i);
          g_assert_false (g_hash_table_contains (seen, &id));
          g_hash_table_add (seen, g_memdup2 (&id, sizeof id));
        }
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, n);
}

static void
test_lookups (StoreFixture  *fixture,
              gconstpointer  data)
{
  gint64 archive = store_test_add_folder (fixture->store, "alice@example.test", "Archive");
  g_autoptr(TaubeMessage) by_uid = NULL;
  g_autoptr(TaubeMessage) missing = NULL;
  g_autoptr(GListModel) copies = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  id = store_test_add_simple (fixture->store, fixture->folder_id, 17, "Twice", "twice@example.test",
                              "", 0, "body");
  store_test_add_simple (fixture->store, archive, 17, "Twice", "twice@example.test", "", 0, "body");

  by_uid = taube_store_lookup_uid (fixture->store, fixture->folder_id, 17, &error);
  g_assert_no_error (error);
  g_assert_cmpint (taube_message_get_id (by_uid), ==, id);
  missing = taube_store_lookup_uid (fixture->store, fixture->folder_id, 18, &error);
  g_assert_no_error (error);
  g_assert_null (missing);

  copies = taube_store_lookup_message_id (fixture->store, "twice@example.test", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (copies), ==, 2);
}

static GAsyncResult *
add_pop3 (StoreFixture *fixture,
          const char   *uidl,
          const char   *message_id)
{
  g_autoptr(GBytes) raw = store_test_make_message ("a@example.test", "POP", message_id, "",
                                                   "Mon, 01 Jan 2024 00:00:00 +0000", "pop3");
  g_autoptr(TaubeNewMessage) message = taube_new_message_new (raw);
  GAsyncResult *slot = NULL;

  message->uidl = g_strdup (uidl);
  taube_store_add_message_async (fixture->store, fixture->folder_id, message, NULL,
                                 store_test_result_cb, &slot);
  return store_test_wait (&slot);
}

/* Fetching a message again (a sync restarted) must not make a second copy. */
static void
test_duplicates (StoreFixture  *fixture,
                 gconstpointer  data)
{
  g_autoptr(GBytes) raw = store_test_make_message ("a@example.test", "Dup", "dup@example.test",
                                                   "", "Mon, 01 Jan 2024 00:00:00 +0000", "x");
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(TaubeMessage) message = NULL;
  g_autoptr(TaubeMessage) by_uidl = NULL;
  g_autoptr(TaubeFolder) folder = NULL;
  gint64 id, again, pop_id;

  id = store_test_add_raw (fixture->store, fixture->folder_id, raw, 9, TAUBE_MESSAGE_FLAG_NONE);
  again = store_test_add_raw (fixture->store, fixture->folder_id, raw, 9,
                              TAUBE_MESSAGE_FLAG_SEEN | TAUBE_MESSAGE_FLAG_FLAGGED);
  g_assert_cmpint (again, ==, id);
  message = taube_store_get_message (fixture->store, id, NULL);
  g_assert_cmpint (taube_message_get_flags (message), ==,
                   TAUBE_MESSAGE_FLAG_SEEN | TAUBE_MESSAGE_FLAG_FLAGGED);

  first = add_pop3 (fixture, "UIDL-1", "pop@example.test");
  pop_id = taube_store_add_message_finish (fixture->store, first, NULL);
  second = add_pop3 (fixture, "UIDL-1", "pop@example.test");
  g_assert_cmpint (taube_store_add_message_finish (fixture->store, second, NULL), ==, pop_id);
  by_uidl = taube_store_lookup_uidl (fixture->store, fixture->folder_id, "UIDL-1", NULL);
  g_assert_nonnull (by_uidl);
  g_assert_cmpint (taube_message_get_id (by_uidl), ==, pop_id);
  g_assert_cmpstr (taube_message_get_uidl (by_uidl), ==, "UIDL-1");

  folder = taube_store_get_folder (fixture->store, fixture->folder_id, NULL);
  g_assert_cmpuint (taube_folder_get_total (folder), ==, 2);
}

static void
set_flags (TaubeStore        *store,
           gint64             id,
           TaubeMessageFlags  flags,
           const char *const *keywords,
           guint64            modseq,
           GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  taube_store_set_flags_async (store, id, flags, keywords, modseq, NULL, store_test_result_cb,
                               &slot);
  result = store_test_wait (&slot);
  taube_store_set_flags_finish (store, result, error);
}

static void
change_flags (TaubeStore        *store,
              const gint64      *ids,
              guint              n_ids,
              TaubeMessageFlags  add,
              TaubeMessageFlags  remove)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  taube_store_change_flags_async (store, ids, n_ids, add, remove, NULL, store_test_result_cb,
                                  &slot);
  result = store_test_wait (&slot);
  g_assert_true (taube_store_change_flags_finish (store, result, &error));
  g_assert_no_error (error);
}

static guint
unread_count (StoreFixture *fixture)
{
  g_autoptr(TaubeFolder) folder = taube_store_get_folder (fixture->store, fixture->folder_id,
                                                          NULL);

  return taube_folder_get_unread (folder);
}

static void
test_flags (StoreFixture  *fixture,
            gconstpointer  data)
{
  static const char *const keywords[] = { "$label1", "Work", NULL };
  g_autoptr(TaubeMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) stored = NULL;
  gint64 ids[3];

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *message_id = g_strdup_printf ("flags-%u@example.test", i);

      ids[i] = store_test_add_simple (fixture->store, fixture->folder_id, i + 1, "Flags",
                                      message_id, "", i, "body");
    }
  g_assert_cmpuint (unread_count (fixture), ==, 3);

  set_flags (fixture->store, ids[0], TAUBE_MESSAGE_FLAG_SEEN | TAUBE_MESSAGE_FLAG_ANSWERED,
             keywords, 12, &error);
  g_assert_no_error (error);
  message = taube_store_get_message (fixture->store, ids[0], NULL);
  g_assert_cmpint (taube_message_get_flags (message), ==,
                   TAUBE_MESSAGE_FLAG_SEEN | TAUBE_MESSAGE_FLAG_ANSWERED);
  g_assert_cmpuint (taube_message_get_modseq (message), ==, 12);
  stored = taube_store_get_keywords (fixture->store, ids[0], NULL);
  g_assert_cmpstrv (stored, ((const char *[]) { "$label1", "Work", NULL }));
  g_assert_cmpuint (unread_count (fixture), ==, 2);

  /* Mark all as read, then one as unread and flagged. */
  change_flags (fixture->store, ids, 3, TAUBE_MESSAGE_FLAG_SEEN, 0);
  g_assert_cmpuint (unread_count (fixture), ==, 0);
  change_flags (fixture->store, &ids[2], 1, TAUBE_MESSAGE_FLAG_FLAGGED, TAUBE_MESSAGE_FLAG_SEEN);
  g_assert_cmpuint (unread_count (fixture), ==, 1);
  g_clear_object (&message);
  message = taube_store_get_message (fixture->store, ids[2], NULL);
  g_assert_cmpint (taube_message_get_flags (message), ==, TAUBE_MESSAGE_FLAG_FLAGGED);

  set_flags (fixture->store, 999999, TAUBE_MESSAGE_FLAG_SEEN, NULL, 0, &error);
  g_assert_error (error, TAUBE_STORE_ERROR, TAUBE_STORE_ERROR_NOT_FOUND);
}

static void
remove_messages (TaubeStore   *store,
                 const gint64 *ids,
                 guint         n_ids)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  taube_store_remove_messages_async (store, ids, n_ids, NULL, store_test_result_cb, &slot);
  result = store_test_wait (&slot);
  g_assert_true (taube_store_remove_messages_finish (store, result, &error));
  g_assert_no_error (error);
}

static void
test_remove (StoreFixture  *fixture,
             gconstpointer  data)
{
  gint64 id = store_test_add_simple (fixture->store, fixture->folder_id, 1, "Delete me",
                                     "delete@example.test", "", 0, "body");
  gint64 kept = store_test_add_simple (fixture->store, fixture->folder_id, 2, "Keep me",
                                       "keep@example.test", "", 0, "body");
  g_autofree char *file = message_file (fixture, id);
  g_autoptr(TaubeMessage) message = NULL;
  g_autoptr(TaubeFolder) folder = NULL;
  g_autoptr(GError) error = NULL;
  gint64 ids[] = { id, 123456 };

  g_assert_true (g_file_test (file, G_FILE_TEST_EXISTS));
  remove_messages (fixture->store, ids, G_N_ELEMENTS (ids));

  message = taube_store_get_message (fixture->store, id, &error);
  g_assert_null (message);
  g_assert_error (error, TAUBE_STORE_ERROR, TAUBE_STORE_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  folder = taube_store_get_folder (fixture->store, fixture->folder_id, NULL);
  g_assert_cmpuint (taube_folder_get_total (folder), ==, 1);
  g_assert_cmpuint (taube_folder_get_unread (folder), ==, 1);
  message = taube_store_get_message (fixture->store, kept, NULL);
  g_assert_nonnull (message);
}

static GBytes *
read_message (TaubeStore  *store,
              gint64       id,
              GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  taube_store_read_message_async (store, id, NULL, store_test_result_cb, &slot);
  result = store_test_wait (&slot);
  return taube_store_read_message_finish (store, result, error);
}

/* IMAP may index the header first and fetch the body later. */
static void
test_headers_then_body (StoreFixture  *fixture,
                        gconstpointer  data)
{
  g_autoptr(GBytes) raw = store_test_make_message ("a@example.test", "Later", "later@example.test",
                                                   "", "Mon, 01 Jan 2024 00:00:00 +0000",
                                                   "The body arrives later.");
  gsize header_length = strstr (g_bytes_get_data (raw, NULL), "\r\n\r\n") + 4
                        - (const char *) g_bytes_get_data (raw, NULL);
  g_autoptr(GBytes) header = g_bytes_new_from_bytes (raw, 0, header_length);
  g_autoptr(TaubeNewMessage) input = taube_new_message_new (header);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TaubeMessage) message = NULL;
  g_autoptr(GBytes) read = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  gint64 id;

  input->headers_only = TRUE;
  input->uid = 5;
  input->size = g_bytes_get_size (raw);
  taube_store_add_message_async (fixture->store, fixture->folder_id, input, NULL,
                                 store_test_result_cb, &slot);
  result = store_test_wait (&slot);
  id = taube_store_add_message_finish (fixture->store, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  message = taube_store_get_message (fixture->store, id, NULL);
  g_assert_false (taube_message_get_has_body (message));
  g_assert_cmpstr (taube_message_get_subject (message), ==, "Later");
  g_assert_cmpstr (taube_message_get_preview (message), ==, "");
  g_assert_cmpint (taube_message_get_size (message), ==, (gint64) g_bytes_get_size (raw));
  read = read_message (fixture->store, id, &error);
  g_assert_null (read);
  g_assert_error (error, TAUBE_STORE_ERROR, TAUBE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  taube_store_set_body_async (fixture->store, id, raw, NULL, store_test_result_cb, &slot);
  result = store_test_wait (&slot);
  g_assert_true (taube_store_set_body_finish (fixture->store, result, &error));
  g_assert_no_error (error);

  g_clear_object (&message);
  message = taube_store_get_message (fixture->store, id, NULL);
  g_assert_true (taube_message_get_has_body (message));
  g_assert_cmpstr (taube_message_get_preview (message), ==, "The body arrives later.");
  read = read_message (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (read, raw));
}

static void
test_batch (StoreFixture  *fixture,
            gconstpointer  data)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) taube_new_message_free);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *message_id = g_strdup_printf ("batch-%u@example.test", i);
      g_autofree char *subject = g_strdup_printf ("Batch %u", i);
      g_autoptr(GBytes) raw = store_test_make_message ("a@example.test", subject, message_id, "",
                                                       "Mon, 01 Jan 2024 00:00:00 +0000", "x");
      TaubeNewMessage *message = taube_new_message_new (raw);

      message->uid = 100 + i;
      g_ptr_array_add (batch, message);
    }
  taube_store_add_messages_async (fixture->store, fixture->folder_id, batch, NULL,
                                  store_test_result_cb, &slot);
  result = store_test_wait (&slot);
  ids = taube_store_add_messages_finish (fixture->store, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 10);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(TaubeMessage) message = taube_store_get_message (fixture->store,
                                                                 g_array_index (ids, gint64, i),
                                                                 NULL);

      g_assert_cmpuint (taube_message_get_uid (message), ==, 100 + i);
    }
}

/* A write cancelled before it ran stores nothing and says so. */
static void
test_cancelled_add (StoreFixture  *fixture,
                    gconstpointer  data)
{
  g_autoptr(GBytes) raw = store_test_make_message ("a@example.test", "Never", "never@example.test",
                                                   "", "Mon, 01 Jan 2024 00:00:00 +0000", "x");
  g_autoptr(TaubeNewMessage) message = taube_new_message_new (raw);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GListModel) page = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  g_cancellable_cancel (cancellable);
  taube_store_add_message_async (fixture->store, fixture->folder_id, message, cancellable,
                                 store_test_result_cb, &slot);
  result = store_test_wait (&slot);
  g_assert_cmpint (taube_store_add_message_finish (fixture->store, result, &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  page = taube_store_list_messages (fixture->store, fixture->folder_id, 0, 50, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (page), ==, 0);
}

/* Dropping the store right after queuing writes lets them finish first. */
static void
test_unref_with_pending_writes (void)
{
  g_autofree char *dir = g_dir_make_tmp ("taube-store-XXXXXX", NULL);
  TaubeStore *store = store_test_open (dir);
  gint64 folder_id = store_test_add_folder (store, "a", "INBOX");
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GListModel) page = NULL;

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(GBytes) raw = store_test_make_message ("a@example.test", "Pending", "p@example.test",
                                                       "", "Mon, 01 Jan 2024 00:00:00 +0000", "x");
      g_autoptr(TaubeNewMessage) message = taube_new_message_new (raw);

      message->uid = i + 1;
      taube_store_add_message_async (store, folder_id, message, NULL,
                                     i == 19 ? store_test_result_cb : NULL, &slot);
    }
  g_object_unref (store);
  result = store_test_wait (&slot);

  store = store_test_open (dir);
  page = taube_store_list_messages (store, folder_id, 0, 50, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (page), ==, 20);
  g_object_unref (store);
  store_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/store/" path, StoreFixture, NULL, store_fixture_set_up, func, \
              store_fixture_tear_down)

  ADD ("schema/migrate-from-empty", test_migrate_from_empty);
  ADD ("schema/reopen", test_reopen);
  g_test_add_func ("/store/schema/upgrade-from-version-1", test_upgrade_from_version_1);
  g_test_add_func ("/store/schema/too-new", test_too_new);
  g_test_add_func ("/store/schema/corrupt", test_corrupt);
  g_test_add_func ("/store/open/default-directory", test_default_directory);
  g_test_add_func ("/store/open/async", test_open_async);
  g_test_add_func ("/store/open/unref-with-pending-writes", test_unref_with_pending_writes);
  ADD ("folders/add-and-list", test_folders);
  ADD ("folders/state-and-uidvalidity", test_folder_state);
  ADD ("folders/remove", test_remove_folder);
  ADD ("messages/insert-and-get", test_insert_and_get);
  ADD ("messages/list-paging", test_list_paging);
  ADD ("messages/lookups", test_lookups);
  ADD ("messages/duplicates", test_duplicates);
  ADD ("messages/flags", test_flags);
  ADD ("messages/remove", test_remove);
  ADD ("messages/headers-then-body", test_headers_then_body);
  ADD ("messages/batch", test_batch);
  ADD ("messages/cancelled-add", test_cancelled_add);

#undef ADD

  return g_test_run ();
}
