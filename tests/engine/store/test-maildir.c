/* test-maildir.c — message files: names, durable delivery, failures and a full disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
/* unshare() and CLONE_NEWNS, for the tmpfs test. */
#define _GNU_SOURCE

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include "store-test-util.h"
#include "taube-maildir.h"
#include "taube-store-error.h"
#include "taube-store-private.h"

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (handle);
  while (g_dir_read_name (handle) != NULL)
    n++;
  return n;
}

static char *
folder_subdir (StoreFixture *fixture,
               const char   *subdir)
{
  return g_build_filename (fixture->dir, "maildir", "alice%40example.test", "INBOX", subdir, NULL);
}

static void
test_info (void)
{
  static const struct
  {
    TaubeMessageFlags flags;
    const char *info;
  } cases[] = {
    { TAUBE_MESSAGE_FLAG_NONE, ":2," },
    { TAUBE_MESSAGE_FLAG_SEEN, ":2,S" },
    { TAUBE_MESSAGE_FLAG_SEEN | TAUBE_MESSAGE_FLAG_FLAGGED | TAUBE_MESSAGE_FLAG_ANSWERED,
      ":2,FRS" },
    { TAUBE_MESSAGE_FLAG_DRAFT | TAUBE_MESSAGE_FLAG_DELETED | TAUBE_MESSAGE_FLAG_FORWARDED
      | TAUBE_MESSAGE_FLAG_JUNK | TAUBE_MESSAGE_FLAG_RECENT, ":2,DPT" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *info = taube_maildir_get_info (cases[i].flags);

      g_assert_cmpstr (info, ==, cases[i].info);
    }
}

static void
test_escape_name (void)
{
  static const struct
  {
    const char *name;
    const char *escaped;
  } cases[] = {
    { "INBOX", "INBOX" },
    { "Sent Items", "Sent%20Items" },
    { "a/b", "a%2Fb" },
    { "..", "%2E." },
    { ".hidden", "%2Ehidden" },
    { "100%", "100%25" },
    { "Entw&APw-rfe", "Entw%26APw-rfe" },
    { "Entwürfe", "Entw%C3%BCrfe" },
  };
  g_autofree char *long_name = g_strnfill (200, 'x');
  g_autofree char *long_escaped = taube_maildir_escape_name (long_name);
  g_autofree char *empty = taube_maildir_escape_name ("");

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *escaped = taube_maildir_escape_name (cases[i].name);

      g_assert_cmpstr (escaped, ==, cases[i].escaped);
    }
  g_assert_true (g_str_has_prefix (long_escaped, "#"));
  g_assert_cmpuint (strlen (long_escaped), ==, 65);
  g_assert_true (g_str_has_prefix (empty, "#"));
}

static void
test_add_read_remove (void)
{
  g_autofree char *dir = g_dir_make_tmp ("taube-maildir-XXXXXX", NULL);
  g_autofree char *maildir = g_build_filename (dir, "deep", "Maildir", NULL);
  g_autofree char *tmp = g_build_filename (maildir, "tmp", NULL);
  g_autoptr(GBytes) contents = g_bytes_new_static ("Subject: hi\r\n\r\nbody\r\n", 21);
  g_autofree char *name = NULL;
  g_autofree char *file = NULL;
  g_autoptr(GBytes) read = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (taube_maildir_create (maildir, &error));
  g_assert_no_error (error);
  /* Creating again is fine. */
  g_assert_true (taube_maildir_create (maildir, &error));

  name = taube_maildir_add (maildir, contents, TAUBE_MESSAGE_FLAG_SEEN, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (name, "cur/"));
  g_assert_true (g_str_has_suffix (name, ":2,S"));
  g_assert_cmpuint (count_files (tmp), ==, 0);

  file = g_build_filename (maildir, name, NULL);
  read = taube_maildir_read (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (read, contents));

  g_assert_true (taube_maildir_remove_file (file, &error));
  g_assert_true (taube_maildir_remove_file (file, &error));
  g_assert_no_error (error);
  g_clear_pointer (&read, g_bytes_unref);
  read = taube_maildir_read (file, NULL, &error);
  g_assert_null (read);
  g_assert_error (error, TAUBE_STORE_ERROR, TAUBE_STORE_ERROR_NOT_FOUND);

  g_assert_true (taube_maildir_remove (maildir, NULL));
  g_assert_false (g_file_test (maildir, G_FILE_TEST_EXISTS));
  store_test_remove_tree (dir);
}

/* When the rename into cur/ fails, the file written to tmp/ goes too. */
static void
test_write_failure_cleans_tmp (void)
{
  g_autofree char *dir = g_dir_make_tmp ("taube-maildir-XXXXXX", NULL);
  g_autofree char *cur = g_build_filename (dir, "cur", NULL);
  g_autofree char *tmp = g_build_filename (dir, "tmp", NULL);
  g_autoptr(GBytes) contents = g_bytes_new_static ("x", 1);
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (taube_maildir_create (dir, NULL));
  /* A file where cur/ should be: unlike permissions, this stops root too. */
  g_assert_cmpint (g_rmdir (cur), ==, 0);
  g_assert_true (g_file_set_contents (cur, "", 0, NULL));

  name = taube_maildir_write (dir, contents, 0, NULL, &error);
  g_assert_null (name);
  g_assert_error (error, TAUBE_STORE_ERROR, TAUBE_STORE_ERROR_IO);
  g_assert_cmpuint (count_files (tmp), ==, 0);
  store_test_remove_tree (dir);
}

/* When the callback runs, the message is in cur/ with its bytes, and nothing is left in tmp/. */
static void
test_store_delivery (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(GBytes) raw = store_test_make_message ("a@example.test", "Durable", "d@example.test",
                                                   "", "Mon, 01 Jan 2024 00:00:00 +0000",
                                                   "Delivered before the callback.");
  g_autofree char *tmp = folder_subdir (fixture, "tmp");
  g_autofree char *cur = folder_subdir (fixture, "cur");
  g_autoptr(TaubeMessage) message = NULL;
  g_autofree char *file = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  gint64 id;

  g_assert_cmpuint (count_files (cur), ==, 0);
  id = store_test_add_raw (fixture->store, fixture->folder_id, raw, 1,
                           TAUBE_MESSAGE_FLAG_SEEN | TAUBE_MESSAGE_FLAG_FLAGGED);

  message = taube_store_get_message (fixture->store, id, NULL);
  g_assert_true (g_str_has_prefix (_taube_message_get_path (message),
                                   "maildir/alice%40example.test/INBOX/cur/"));
  g_assert_true (g_str_has_suffix (_taube_message_get_path (message), ":2,FS"));
  file = g_build_filename (fixture->dir, _taube_message_get_path (message), NULL);
  g_assert_true (g_file_get_contents (file, &contents, &length, NULL));
  g_assert_cmpmem (contents, length, g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  g_assert_cmpuint (count_files (cur), ==, 1);
  g_assert_cmpuint (count_files (tmp), ==, 0);
}

static GError *
try_add (StoreFixture *fixture,
         GPtrArray    *batch)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GArray) ids = NULL;
  GError *error = NULL;
  GAsyncResult *slot = NULL;

  taube_store_add_messages_async (fixture->store, fixture->folder_id, batch, NULL,
                                  store_test_result_cb, &slot);
  result = store_test_wait (&slot);
  ids = taube_store_add_messages_finish (fixture->store, result, &error);
  g_assert_true ((ids == NULL) == (error != NULL));
  return error;
}

static GPtrArray *
make_batch (const gsize *body_sizes,
            gsize        n)
{
  GPtrArray *batch = g_ptr_array_new_with_free_func ((GDestroyNotify) taube_new_message_free);

  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *body = g_strnfill (body_sizes[i], 'a');
      g_autofree char *message_id = g_strdup_printf ("batch-%" G_GSIZE_FORMAT "@example.test", i);
      g_autoptr(GBytes) raw = store_test_make_message ("a@example.test", "Batch", message_id, "",
                                                       "Mon, 01 Jan 2024 00:00:00 +0000", body);
      TaubeNewMessage *message = taube_new_message_new (raw);

      message->uid = i + 1;
      g_ptr_array_add (batch, message);
    }
  return batch;
}

static void
assert_folder_empty (StoreFixture *fixture)
{
  g_autoptr(GListModel) page = taube_store_list_messages (fixture->store, fixture->folder_id, 0,
                                                          50, NULL);
  g_autoptr(TaubeFolder) folder = taube_store_get_folder (fixture->store, fixture->folder_id,
                                                          NULL);
  g_autofree char *tmp = folder_subdir (fixture, "tmp");
  g_autofree char *cur = folder_subdir (fixture, "cur");

  g_assert_cmpuint (g_list_model_get_n_items (page), ==, 0);
  g_assert_cmpuint (taube_folder_get_total (folder), ==, 0);
  g_assert_cmpuint (count_files (tmp), ==, 0);
  g_assert_cmpuint (count_files (cur), ==, 0);
}

/* The Maildir cannot be written: the batch fails and leaves no index row. */
static void
test_unwritable_maildir (StoreFixture  *fixture,
                         gconstpointer  data)
{
  static const gsize sizes[] = { 10, 10 };
  g_autoptr(GPtrArray) batch = make_batch (sizes, G_N_ELEMENTS (sizes));
  g_autofree char *cur = folder_subdir (fixture, "cur");
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_rmdir (cur), ==, 0);
  g_assert_true (g_file_set_contents (cur, "", 0, NULL));
  error = try_add (fixture, batch);
  g_assert_error (error, TAUBE_STORE_ERROR, TAUBE_STORE_ERROR_IO);

  g_assert_cmpint (g_unlink (cur), ==, 0);
  g_assert_cmpint (g_mkdir (cur, 0700), ==, 0);
  assert_folder_empty (fixture);
}

/* The index refuses a row after its file was written: the file is taken back. */
static void
test_index_failure_removes_files (StoreFixture  *fixture,
                                  gconstpointer  data)
{
  static const gsize sizes[] = { 10, 10, 10 };
  g_autoptr(GPtrArray) batch = make_batch (sizes, G_N_ELEMENTS (sizes));
  g_autofree char *index = g_build_filename (fixture->dir, "index.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (index, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
    "CREATE TRIGGER fail_third BEFORE INSERT ON messages WHEN new.uid = 3 "
    "BEGIN SELECT RAISE (ABORT, 'injected failure'); END;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  error = try_add (fixture, batch);
  g_assert_error (error, TAUBE_STORE_ERROR, TAUBE_STORE_ERROR_FAILED);
  assert_folder_empty (fixture);
}

static gsize
largest_index_file (const char *dir)
{
  static const char *const names[] = { "index.sqlite", "index.sqlite-wal", "index.sqlite-shm" };
  gsize largest = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      GStatBuf buf;

      if (g_stat (path, &buf) == 0)
        largest = MAX (largest, (gsize) buf.st_size);
    }
  return largest;
}

/* RLIMIT_FSIZE makes writes past the limit fail with EFBIG, as ENOSPC would on a full disk,
 * without needing a small file system. Run in a child, which the limit dies with. */
static void
limit_file_size (rlim_t limit)
{
  struct rlimit rl = { limit, limit };

  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &rl), ==, 0);
}

static void
test_message_file_too_big (void)
{
  if (g_test_subprocess ())
    {
      static const gsize sizes[] = { 2000, 2000, 300 * 1024 };
      StoreFixture fixture = { 0 };
      g_autoptr(GPtrArray) batch = make_batch (sizes, G_N_ELEMENTS (sizes));
      g_autoptr(GError) error = NULL;

      store_fixture_set_up (&fixture, NULL);
      limit_file_size (MAX (largest_index_file (fixture.dir) + 64 * 1024, 200 * 1024));
      error = try_add (&fixture, batch);
      g_assert_error (error, TAUBE_STORE_ERROR, TAUBE_STORE_ERROR_NO_SPACE);
      assert_folder_empty (&fixture);
      store_fixture_tear_down (&fixture, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* The message file fits but the index cannot grow: no row, and the file is gone again. */
static void
test_index_too_big (void)
{
  if (g_test_subprocess ())
    {
      static const gsize sizes[] = { 60 * 1024 };
      StoreFixture fixture = { 0 };
      g_autoptr(GPtrArray) batch = make_batch (sizes, G_N_ELEMENTS (sizes));
      g_autoptr(GError) error = NULL;

      store_fixture_set_up (&fixture, NULL);
      limit_file_size (MAX (largest_index_file (fixture.dir), 64 * 1024) + 4096);
      error = try_add (&fixture, batch);
      g_assert_error (error, TAUBE_STORE_ERROR, TAUBE_STORE_ERROR_NO_SPACE);
      assert_folder_empty (&fixture);
      store_fixture_tear_down (&fixture, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* Every row that has a body has its file with the right size, and there are no other files. */
static void
assert_consistent (StoreFixture *fixture)
{
  g_autoptr(GListModel) page = taube_store_list_messages (fixture->store, fixture->folder_id, 0,
                                                          10000, NULL);
  g_autofree char *tmp = folder_subdir (fixture, "tmp");
  g_autofree char *cur = folder_subdir (fixture, "cur");
  guint with_body = 0;

  for (guint i = 0; i < g_list_model_get_n_items (page); i++)
    {
      g_autoptr(TaubeMessage) message = g_list_model_get_item (page, i);
      g_autofree char *file = NULL;
      GStatBuf buf;

      if (!taube_message_get_has_body (message))
        continue;
      with_body++;
      file = g_build_filename (fixture->dir, _taube_message_get_path (message), NULL);
      g_assert_cmpint (g_stat (file, &buf), ==, 0);
      g_assert_cmpint (buf.st_size, ==, taube_message_get_size (message));
    }
  g_assert_cmpuint (count_files (cur), ==, with_body);
  g_assert_cmpuint (count_files (tmp), ==, 0);
}

static void
assert_index_intact (const char *dir)
{
  g_autofree char *index = g_build_filename (dir, "index.sqlite", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (index, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check;", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO message_search (message_search) "
                                     "VALUES ('integrity-check');", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  sqlite3_close (db);
}

static void
fill_until_full (StoreFixture *fixture,
                 gsize         body_size,
                 gboolean      headers_only)
{
  for (guint i = 0; i < 100000; i++)
    {
      g_autoptr(GPtrArray) batch = make_batch (&body_size, 1);
      g_autoptr(GError) error = NULL;
      TaubeNewMessage *message = g_ptr_array_index (batch, 0);

      message->uid = (headers_only ? 500000 : 1) + i;
      message->headers_only = headers_only;
      error = try_add (fixture, batch);
      if (error != NULL)
        {
          g_assert_error (error, TAUBE_STORE_ERROR, TAUBE_STORE_ERROR_NO_SPACE);
          return;
        }
    }
  g_assert_not_reached ();
}

/* A real full disk: a 1 MiB tmpfs, mounted in a mount namespace of the child's own, so it
 * goes away with the child whatever happens. Needs root (CAP_SYS_ADMIN). */
static void
test_tmpfs_full (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *mountpoint = g_dir_make_tmp ("taube-tmpfs-XXXXXX", NULL);
      g_autofree char *ballast = g_build_filename (mountpoint, "ballast", NULL);
      g_autofree char *zeros = g_malloc0 (128 * 1024);
      StoreFixture fixture = { 0 };
      gsize body = 48 * 1024;

      g_assert_cmpint (unshare (CLONE_NEWNS), ==, 0);
      /* Keep our mount out of the parent namespace: "none" because the kernel ignores both. */
      g_assert_cmpint (mount ("none", "/", "none", MS_REC | MS_PRIVATE, NULL), ==, 0);
      g_assert_cmpint (mount ("tmpfs", mountpoint, "tmpfs", 0, "size=1m,mode=0700"), ==, 0);
      g_assert_true (g_file_set_contents (ballast, zeros, 128 * 1024, NULL));

      fixture.dir = g_build_filename (mountpoint, "store", NULL);
      fixture.store = store_test_open (fixture.dir);
      fixture.folder_id = store_test_add_folder (fixture.store, "alice@example.test", "INBOX");

      /* Message files fill the disk first, then index rows. */
      fill_until_full (&fixture, body, FALSE);
      assert_consistent (&fixture);
      fill_until_full (&fixture, 0, TRUE);
      assert_consistent (&fixture);

      /* With space again, the store carries on. */
      g_assert_cmpint (g_unlink (ballast), ==, 0);
      store_test_add_simple (fixture.store, fixture.folder_id, 999999, "After", "after@x", "", 0,
                             "Room again.");
      assert_consistent (&fixture);
      g_clear_object (&fixture.store);
      assert_index_intact (fixture.dir);
      g_free (fixture.dir);
      return;
    }
  if (geteuid () != 0)
    {
      g_test_skip ("Mounting a small tmpfs needs root; the RLIMIT_FSIZE tests cover the rest");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/maildir/info", test_info);
  g_test_add_func ("/store/maildir/escape-name", test_escape_name);
  g_test_add_func ("/store/maildir/add-read-remove", test_add_read_remove);
  g_test_add_func ("/store/maildir/write-failure-cleans-tmp", test_write_failure_cleans_tmp);
  g_test_add ("/store/maildir/store-delivery", StoreFixture, NULL, store_fixture_set_up,
              test_store_delivery, store_fixture_tear_down);
  g_test_add ("/store/maildir/unwritable-maildir", StoreFixture, NULL, store_fixture_set_up,
              test_unwritable_maildir, store_fixture_tear_down);
  g_test_add ("/store/maildir/index-failure-removes-files", StoreFixture, NULL,
              store_fixture_set_up, test_index_failure_removes_files, store_fixture_tear_down);
  g_test_add_func ("/store/disk-full/message-file-too-big", test_message_file_too_big);
  g_test_add_func ("/store/disk-full/index-too-big", test_index_too_big);
  g_test_add_func ("/store/disk-full/tmpfs", test_tmpfs_full);

  return g_test_run ();
}
