/* test-store-sync.c — the store's API for mail sync and the offline queue's rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>

#include "store-test-util.h"
#include "taube-store-error.h"
#include "taube-store-queue.h"
#include "taube-store-sync.h"

#define ACCOUNT "alice@example.test"

static void
wait_ok (TaubeStore  *store,
         gboolean   (*finish) (TaubeStore *, GAsyncResult *, GError **),
         GAsyncResult **slot)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = store_test_wait (slot);

  g_assert_true (finish (store, result, &error));
  g_assert_no_error (error);
}

static TaubeFolder *
folder (StoreFixture *fixture,
        gint64        id)
{
  g_autoptr(GError) error = NULL;
  TaubeFolder *result = taube_store_get_folder (fixture->store, id, &error);

  g_assert_no_error (error);
  return result;
}

static void
test_rename (StoreFixture  *fixture,
             gconstpointer  data)
{
  gint64 id = store_test_add_folder (fixture->store, ACCOUNT, "Reisen");
  g_autoptr(TaubeFolder) renamed = NULL;
  GAsyncResult *slot = NULL;

  store_test_add_simple (fixture->store, id, 7, "trip", "trip@example.test", "", 0, "Hi");
  taube_store_rename_folder_async (fixture->store, id, "Urlaub", "Urlaub",
                                   TAUBE_FOLDER_ROLE_ARCHIVE, NULL, store_test_result_cb, &slot);
  wait_ok (fixture->store, taube_store_rename_folder_finish, &slot);
  renamed = folder (fixture, id);
  g_assert_cmpstr (taube_folder_get_name (renamed), ==, "Urlaub");
  g_assert_cmpint (taube_folder_get_role (renamed), ==, TAUBE_FOLDER_ROLE_ARCHIVE);
  g_assert_cmpuint (taube_folder_get_total (renamed), ==, 1);

  /* A folder that is gone says so. */
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;

    taube_store_rename_folder_async (fixture->store, id + 1000, "X", "X", 0, NULL,
                                     store_test_result_cb, &slot);
    result = store_test_wait (&slot);
    g_assert_false (taube_store_rename_folder_finish (fixture->store, result, &error));
    g_assert_error (error, TAUBE_STORE_ERROR, TAUBE_STORE_ERROR_NOT_FOUND);
  }
}

static void
test_uid_windows (StoreFixture  *fixture,
                  gconstpointer  data)
{
  g_autoptr(GArray) window = NULL;
  g_autoptr(GArray) states = g_array_new (FALSE, FALSE, sizeof (TaubeStoreUidState));
  g_autoptr(GArray) gone = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(TaubeFolder) after = NULL;
  TaubeStoreUidState flagged = { .uid = 5, .flags = TAUBE_MESSAGE_FLAG_SEEN
                                                    | TAUBE_MESSAGE_FLAG_FLAGGED, .modseq = 42 };
  TaubeStoreUidState unknown = { .uid = 99, .flags = TAUBE_MESSAGE_FLAG_SEEN };
  guint32 uid_to_remove = 3;
  guint32 min_uid, max_uid;
  GAsyncResult *slot = NULL;

  for (guint32 uid = 1; uid <= 6; uid++)
    {
      g_autofree char *subject = g_strdup_printf ("m%u", uid);
      g_autofree char *message_id = g_strdup_printf ("m%u@example.test", uid);

      store_test_add_simple (fixture->store, fixture->folder_id, uid * 2 - 1, subject,
                             message_id, "", uid, "text");
    }
  g_assert_true (taube_store_get_uid_bounds (fixture->store, fixture->folder_id, &min_uid,
                                             &max_uid, NULL));
  g_assert_cmpuint (min_uid, ==, 1);
  g_assert_cmpuint (max_uid, ==, 11);

  window = taube_store_list_uids (fixture->store, fixture->folder_id, 3, 7, NULL);
  g_assert_cmpuint (window->len, ==, 3);
  g_assert_cmpuint (g_array_index (window, TaubeStoreUidState, 0).uid, ==, 3);
  g_assert_cmpuint (g_array_index (window, TaubeStoreUidState, 2).uid, ==, 7);

  g_array_append_val (states, flagged);
  g_array_append_val (states, unknown);
  taube_store_update_uids_async (fixture->store, fixture->folder_id, states, NULL,
                                 store_test_result_cb, &slot);
  wait_ok (fixture->store, taube_store_update_uids_finish, &slot);
  g_array_append_val (gone, uid_to_remove);
  taube_store_remove_uids_async (fixture->store, fixture->folder_id, gone, NULL,
                                 store_test_result_cb, &slot);
  wait_ok (fixture->store, taube_store_remove_uids_finish, &slot);

  g_clear_pointer (&window, g_array_unref);
  window = taube_store_list_uids (fixture->store, fixture->folder_id, 1, 100, NULL);
  g_assert_cmpuint (window->len, ==, 5);
  for (guint i = 0; i < window->len; i++)
    {
      const TaubeStoreUidState *state = &g_array_index (window, TaubeStoreUidState, i);

      g_assert_cmpuint (state->uid, !=, 3);
      g_assert_cmpuint (state->flags, ==, state->uid == 5 ? flagged.flags : 0);
      g_assert_cmpuint (state->modseq, ==, state->uid == 5 ? 42 : 0);
    }
  after = folder (fixture, fixture->folder_id);
  g_assert_cmpuint (taube_folder_get_total (after), ==, 5);
  g_assert_cmpuint (taube_folder_get_unread (after), ==, 4);
}

/* A local move changes the folder, drops the UID, and keeps both counters right. */
static void
test_move (StoreFixture  *fixture,
           gconstpointer  data)
{
  gint64 archive = store_test_add_folder (fixture->store, ACCOUNT, "Archive");
  gint64 id = store_test_add_simple (fixture->store, fixture->folder_id, 4, "move me",
                                     "move@example.test", "", 0, "text");
  g_autoptr(TaubeFolder) source = NULL;
  g_autoptr(TaubeFolder) target = NULL;
  g_autoptr(TaubeMessage) moved = NULL;
  GAsyncResult *slot = NULL;

  taube_store_move_messages_async (fixture->store, &id, 1, archive, NULL, store_test_result_cb,
                                   &slot);
  wait_ok (fixture->store, taube_store_move_messages_finish, &slot);
  source = folder (fixture, fixture->folder_id);
  target = folder (fixture, archive);
  g_assert_cmpuint (taube_folder_get_total (source), ==, 0);
  g_assert_cmpuint (taube_folder_get_unread (source), ==, 0);
  g_assert_cmpuint (taube_folder_get_total (target), ==, 1);
  g_assert_cmpuint (taube_folder_get_unread (target), ==, 1);
  moved = taube_store_get_message (fixture->store, id, NULL);
  g_assert_cmpint (taube_message_get_folder_id (moved), ==, archive);
  g_assert_cmpuint (taube_message_get_uid (moved), ==, 0);
}

static gint64
push (TaubeStore               *store,
      const TaubeStoreQueuedOp *op)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  gint64 id;

  taube_store_queue_push_async (store, op, NULL, store_test_result_cb, &slot);
  result = store_test_wait (&slot);
  id = taube_store_queue_push_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

/* Rows come back in order, whole, after the store is opened again. */
static void
test_queue (StoreFixture  *fixture,
            gconstpointer  data)
{
  g_autoptr(TaubeStoreQueuedOp) flags = taube_store_queued_op_new ();
  g_autoptr(TaubeStoreQueuedOp) draft = taube_store_queued_op_new ();
  g_autoptr(GBytes) text = g_bytes_new_static ("Subject: x\r\n\r\nbody\r\n", 20);
  g_autoptr(GPtrArray) ops = NULL;
  const TaubeStoreQueuedOp *first;
  guint32 uids[] = { 4, 9, 4000000000u };
  gint64 local_ids[] = { 17, 18 };
  GAsyncResult *slot = NULL;
  gint64 first_id, second_id;

  flags->account_id = g_strdup (ACCOUNT);
  flags->kind = 1;
  flags->mailbox = g_strdup ("K&APw-che");
  flags->uidvalidity = 3000000000u;
  g_array_append_vals (flags->uids, uids, G_N_ELEMENTS (uids));
  g_array_append_vals (flags->local_ids, local_ids, G_N_ELEMENTS (local_ids));
  flags->flags_add = TAUBE_MESSAGE_FLAG_SEEN;
  flags->flags_remove = TAUBE_MESSAGE_FLAG_FLAGGED;
  draft->account_id = g_strdup (ACCOUNT);
  draft->kind = 4;
  draft->mailbox = g_strdup ("Drafts");
  draft->message = g_bytes_ref (text);
  first_id = push (fixture->store, flags);
  second_id = push (fixture->store, draft);
  g_assert_cmpint (second_id, >, first_id);

  g_clear_object (&fixture->store);
  fixture->store = store_test_open (fixture->dir);
  ops = taube_store_queue_list (fixture->store, ACCOUNT, NULL);
  g_assert_cmpuint (ops->len, ==, 2);
  first = g_ptr_array_index (ops, 0);
  g_assert_cmpint (first->id, ==, first_id);
  g_assert_cmpstr (first->mailbox, ==, "K&APw-che");
  g_assert_cmpuint (first->uidvalidity, ==, 3000000000u);
  g_assert_cmpmem (first->uids->data, first->uids->len * sizeof (guint32), uids, sizeof uids);
  g_assert_cmpmem (first->local_ids->data, first->local_ids->len * sizeof (gint64), local_ids,
                   sizeof local_ids);
  g_assert_cmpuint (first->flags_add, ==, TAUBE_MESSAGE_FLAG_SEEN);
  g_assert_cmpuint (first->flags_remove, ==, TAUBE_MESSAGE_FLAG_FLAGGED);
  g_assert_null (first->message);
  g_assert_true (g_bytes_equal (((TaubeStoreQueuedOp *) ops->pdata[1])->message, text));

  taube_store_queue_count_attempt_async (fixture->store, second_id, NULL, store_test_result_cb,
                                         &slot);
  wait_ok (fixture->store, taube_store_queue_count_attempt_finish, &slot);
  taube_store_queue_remove_async (fixture->store, first_id, NULL, store_test_result_cb, &slot);
  wait_ok (fixture->store, taube_store_queue_remove_finish, &slot);
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = taube_store_queue_list (fixture->store, ACCOUNT, NULL);
  g_assert_cmpuint (ops->len, ==, 1);
  g_assert_cmpint (((TaubeStoreQueuedOp *) ops->pdata[0])->id, ==, second_id);
  g_assert_cmpuint (((TaubeStoreQueuedOp *) ops->pdata[0])->attempts, ==, 1);
  /* Another account's queue is its own. */
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = taube_store_queue_list (fixture->store, "bob@example.test", NULL);
  g_assert_cmpuint (ops->len, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, StoreFixture, NULL, store_fixture_set_up, func, store_fixture_tear_down)
  ADD ("/store/sync/rename", test_rename);
  ADD ("/store/sync/uid-windows", test_uid_windows);
  ADD ("/store/sync/move", test_move);
  ADD ("/store/sync/queue", test_queue);
#undef ADD
  return g_test_run ();
}
