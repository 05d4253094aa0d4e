/* test-store-threads.c — conversations, whatever order their messages arrive in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "store-test-util.h"

/* One message of a conversation: its id and the headers that link it. */
typedef struct
{
  const char *name;
  const char *headers;  /* In-Reply-To / References; "{}" stands for the run's suffix */
} Node;

/* A <- B (In-Reply-To only) <- C (In-Reply-To only, so C does not name A)
 *   <- D (References A, a sibling of B)
 * C and D share no id, so when both come before B they start two threads that B merges. */
static const Node conversation[] = {
  { "a", "" },
  { "b", "In-Reply-To: <a{}>\r\nReferences: <a{}>\r\n" },
  { "c", "In-Reply-To: <b{}>\r\n" },
  { "d", "References: <a{}>\r\n" },
};

static gint64
add_node (StoreFixture *fixture,
          const Node   *node,
          const char   *suffix,
          guint         uid)
{
  g_autofree char *message_id = g_strdup_printf ("%s%s", node->name, suffix);
  g_autoptr(GString) headers = g_string_new (node->headers);
  g_autofree char *subject = g_strdup_printf ("Message %s", node->name);

  g_string_replace (headers, "{}", suffix, 0);
  return store_test_add_simple (fixture->store, fixture->folder_id, uid, subject, message_id,
                                headers->str, uid, "text");
}

static gint64
thread_of (StoreFixture *fixture,
           gint64        id)
{
  g_autoptr(TaubeMessage) message = taube_store_get_message (fixture->store, id, NULL);

  g_assert_nonnull (message);
  return taube_message_get_thread_id (message);
}

/* Adds the conversation in the order of @order and checks it ends up as one thread. */
static void
check_order (StoreFixture *fixture,
             const guint  *order,
             guint         run)
{
  g_autofree char *suffix = g_strdup_printf ("-%u@example.test", run);
  gint64 ids[G_N_ELEMENTS (conversation)];
  gint64 thread;
  gint64 unrelated;

  for (guint i = 0; i < G_N_ELEMENTS (conversation); i++)
    ids[order[i]] = add_node (fixture, &conversation[order[i]], suffix, run * 10 + i + 1);
  unrelated = store_test_add_simple (fixture->store, fixture->folder_id, run * 10 + 9,
                                     "Unrelated", suffix + 1, "", 0, "text");

  thread = thread_of (fixture, ids[0]);
  for (guint i = 1; i < G_N_ELEMENTS (ids); i++)
    g_assert_cmpint (thread_of (fixture, ids[i]), ==, thread);
  g_assert_cmpint (thread_of (fixture, unrelated), !=, thread);
}

static void
test_in_order (StoreFixture  *fixture,
               gconstpointer  data)
{
  static const guint order[] = { 0, 1, 2, 3 };

  check_order (fixture, order, 0);
}

/* Replies first, the root last: the placeholders for referenced ids join them. */
static void
test_reverse_order (StoreFixture  *fixture,
                    gconstpointer  data)
{
  static const guint order[] = { 3, 2, 1, 0 };

  check_order (fixture, order, 0);
}

static void
swap (guint *values,
      guint  a,
      guint  b)
{
  guint tmp = values[a];

  values[a] = values[b];
  values[b] = tmp;
}

/* The next permutation in lexicographic order; FALSE after the last. */
static gboolean
next_permutation (guint *values,
                  guint  n)
{
  guint i = n - 1;
  guint j = n - 1;

  while (i > 0 && values[i - 1] >= values[i])
    i--;
  if (i == 0)
    return FALSE;
  while (values[j] <= values[i - 1])
    j--;
  swap (values, i - 1, j);
  for (j = n - 1; i < j; i++, j--)
    swap (values, i, j);
  return TRUE;
}

/* All 24 orders of arrival give one thread. */
static void
test_all_orders (StoreFixture  *fixture,
                 gconstpointer  data)
{
  guint order[] = { 0, 1, 2, 3 };
  guint run = 0;

  do
    check_order (fixture, order, ++run);
  while (next_permutation (order, G_N_ELEMENTS (order)));
  g_assert_cmpuint (run, ==, 24);
}

/* X and Y reply to different messages we have not seen, so they start two threads. Their
 * parents P and Q arrive later, and Q replies to P: all four become one thread. */
static void
test_merge (StoreFixture  *fixture,
            gconstpointer  data)
{
  gint64 x = store_test_add_simple (fixture->store, fixture->folder_id, 1, "X", "x@example.test",
                                    "In-Reply-To: <p@example.test>\r\n", 1, "x");
  gint64 y = store_test_add_simple (fixture->store, fixture->folder_id, 2, "Y", "y@example.test",
                                    "References: <q@example.test>\r\n", 2, "y");
  gint64 y_thread = thread_of (fixture, y);
  g_autoptr(GListModel) absorbed = NULL;
  g_autoptr(GListModel) merged = NULL;
  gint64 q, p;

  g_assert_cmpint (thread_of (fixture, x), !=, y_thread);
  q = store_test_add_simple (fixture->store, fixture->folder_id, 3, "Q", "q@example.test",
                             "References: <p@example.test>\r\n", 0, "q");
  p = store_test_add_simple (fixture->store, fixture->folder_id, 4, "P", "p@example.test", "",
                             -1, "p");

  g_assert_cmpint (thread_of (fixture, y), ==, thread_of (fixture, x));
  g_assert_cmpint (thread_of (fixture, q), ==, thread_of (fixture, x));
  g_assert_cmpint (thread_of (fixture, p), ==, thread_of (fixture, x));

  /* One of the two threads is gone; the conversation lists oldest first. */
  merged = taube_store_list_thread (fixture->store, thread_of (fixture, x), NULL);
  g_assert_cmpuint (g_list_model_get_n_items (merged), ==, 4);
  {
    g_autoptr(TaubeMessage) first = g_list_model_get_item (merged, 0);
    g_autoptr(TaubeMessage) last = g_list_model_get_item (merged, 3);

    g_assert_cmpint (taube_message_get_id (first), ==, p);
    g_assert_cmpint (taube_message_get_id (last), ==, y);
  }
  if (y_thread != thread_of (fixture, x))
    {
      absorbed = taube_store_list_thread (fixture->store, y_thread, NULL);
      g_assert_cmpuint (g_list_model_get_n_items (absorbed), ==, 0);
    }
}

/* Without references a message is a thread of its own, with or without a Message-ID;
 * the same Message-ID in two folders (a copy) is one conversation. */
static void
test_unrelated_and_copies (StoreFixture  *fixture,
                           gconstpointer  data)
{
  g_autoptr(GBytes) no_id = g_bytes_new_static ("From: a@example.test\r\nSubject: no id\r\n\r\nx",
                                                42);
  gint64 archive = store_test_add_folder (fixture->store, "alice@example.test", "Archive");
  gint64 one = store_test_add_simple (fixture->store, fixture->folder_id, 1, "One",
                                      "one@example.test", "", 0, "x");
  gint64 two = store_test_add_simple (fixture->store, fixture->folder_id, 2, "Two",
                                      "two@example.test", "", 0, "x");
  gint64 copy = store_test_add_simple (fixture->store, archive, 1, "One", "one@example.test", "",
                                       0, "x");
  gint64 anonymous = store_test_add_raw (fixture->store, fixture->folder_id, no_id, 3, 0);
  gint64 anonymous2 = store_test_add_raw (fixture->store, fixture->folder_id, no_id, 4, 0);

  g_assert_cmpint (thread_of (fixture, one), !=, thread_of (fixture, two));
  g_assert_cmpint (thread_of (fixture, copy), ==, thread_of (fixture, one));
  g_assert_cmpint (thread_of (fixture, anonymous), !=, thread_of (fixture, anonymous2));
  g_assert_cmpint (thread_of (fixture, anonymous), !=, thread_of (fixture, one));
}

/* A message that names itself among its references must not break anything. */
static void
test_self_reference (StoreFixture  *fixture,
                     gconstpointer  data)
{
  gint64 id = store_test_add_simple (fixture->store, fixture->folder_id, 1, "Loop",
                                     "loop@example.test",
                                     "In-Reply-To: <loop@example.test>\r\n"
                                     "References: <loop@example.test> <loop@example.test>\r\n",
                                     0, "x");
  g_autoptr(TaubeMessage) message = taube_store_get_message (fixture->store, id, NULL);

  g_assert_null (taube_message_get_references (message));
  g_assert_cmpint (taube_message_get_thread_id (message), >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/store/threads/" path, StoreFixture, NULL, store_fixture_set_up, func, \
              store_fixture_tear_down)

  ADD ("in-order", test_in_order);
  ADD ("reverse-order", test_reverse_order);
  ADD ("all-orders", test_all_orders);
  ADD ("merge", test_merge);
  ADD ("unrelated-and-copies", test_unrelated_and_copies);
  ADD ("self-reference", test_self_reference);

#undef ADD

  return g_test_run ();
}
