/* store-test-util.h — helpers shared by the store's tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store's write API is asynchronous; tests run the thread-default main context until
 * the callback has run, which is also how the UI thread experiences it.
 */
#pragma once

#include <glib/gstdio.h>
#include <string.h>

#include "taube-store.h"

static void
store_test_result_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

/* Returns: (transfer full): the result once the call whose callback was
 * store_test_result_cb with @slot has finished */
static inline GAsyncResult *
store_test_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return g_steal_pointer (slot);
}

static inline void
store_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_unlink (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      store_test_remove_tree (child);
    }
  g_rmdir (path);
}

typedef struct
{
  char *dir;
  TaubeStore *store;
  gint64 folder_id;
} StoreFixture;

static inline TaubeStore *
store_test_open (const char *dir)
{
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  TaubeStore *store = taube_store_new_sync (file, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static inline gint64
store_test_add_folder (TaubeStore *store,
                       const char *account_id,
                       const char *name)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  gint64 id;

  taube_store_add_folder_async (store, account_id, name, name, TAUBE_FOLDER_ROLE_NONE, NULL,
                                store_test_result_cb, &slot);
  result = store_test_wait (&slot);
  id = taube_store_add_folder_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static inline void
store_fixture_set_up (StoreFixture  *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("taube-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->store = store_test_open (fixture->dir);
  fixture->folder_id = store_test_add_folder (fixture->store, "alice@example.test", "INBOX");
}

static inline void
store_fixture_tear_down (StoreFixture  *fixture,
                         gconstpointer  data)
{
  g_clear_object (&fixture->store);
  store_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* A small RFC 5322 message; @extra_headers end with CRLF each, or are "". */
static inline GBytes *
store_test_make_message (const char *from,
                         const char *subject,
                         const char *message_id,
                         const char *extra_headers,
                         const char *date,
                         const char *body)
{
  char *text = g_strdup_printf ("From: %s\r\n"
                                "To: Bob <bob@example.test>\r\n"
                                "Subject: %s\r\n"
                                "Date: %s\r\n"
                                "Message-ID: <%s>\r\n"
                                "%s"
                                "MIME-Version: 1.0\r\n"
                                "Content-Type: text/plain; charset=utf-8\r\n"
                                "Content-Transfer-Encoding: 8bit\r\n"
                                "\r\n"
                                "%s\r\n",
                                from, subject, date, message_id, extra_headers, body);

  return g_bytes_new_take (text, strlen (text));
}

/* Adds @raw with @uid (0 for none) and @flags; returns the new id. */
static inline gint64
store_test_add_raw (TaubeStore        *store,
                    gint64             folder_id,
                    GBytes            *raw,
                    guint32            uid,
                    TaubeMessageFlags  flags)
{
  g_autoptr(TaubeNewMessage) message = taube_new_message_new (raw);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  gint64 id;

  message->uid = uid;
  message->flags = flags;
  /* After every Date in the tests, so that none counts as "in the future". */
  message->internal_date = 1800000000;
  taube_store_add_message_async (store, folder_id, message, NULL, store_test_result_cb, &slot);
  result = store_test_wait (&slot);
  id = taube_store_add_message_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

/* Adds a simple message with Date @date_seconds after 2024-01-01; returns its id. */
static inline gint64
store_test_add_simple (TaubeStore *store,
                       gint64      folder_id,
                       guint32     uid,
                       const char *subject,
                       const char *message_id,
                       const char *extra_headers,
                       gint64      date_seconds,
                       const char *body)
{
  g_autoptr(GDateTime) base = g_date_time_new_utc (2024, 1, 1, 0, 0, 0);
  g_autoptr(GDateTime) when = g_date_time_add_seconds (base, (double) date_seconds);
  g_autofree char *date = g_date_time_format (when, "%a, %d %b %Y %H:%M:%S +0000");
  g_autoptr(GBytes) raw = store_test_make_message ("Alice <alice@example.test>", subject,
                                                   message_id, extra_headers, date, body);

  return store_test_add_raw (store, folder_id, raw, uid, TAUBE_MESSAGE_FLAG_NONE);
}
