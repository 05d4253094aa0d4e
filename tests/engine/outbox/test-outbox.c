/* test-outbox.c — the outbox against the rig's real Dovecot submission and keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * alice sends through the outbox; what arrives is read from the recipients' Maildirs on the
 * rig (delivered through submission → relay → LMTP) and compared with what was queued.
 * Backoff is shortened through taube_outbox_set_backoff() so retries take a second.
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "taube-outbox.h"
#include "taube-password.h"
#include "taube-store-outbox.h"
#include "taube-test-async.h"
#include "taube-test-server.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeTextPart, g_object_unref)

typedef struct
{
  gint64 id;
  TaubeOutboxState state;
  char *error_text;
} Event;

typedef struct
{
  char *dir;
  TaubeStore *store;
  TaubeAccountManager *accounts;
  TaubeAccount *account;
  TaubeOutbox *outbox;
  GArray *events;
} Fixture;

static void
event_clear (Event *event)
{
  g_free (event->error_text);
}

static void
state_changed_cb (TaubeOutbox      *outbox,
                  gint64            id,
                  TaubeOutboxState  state,
                  const char       *error_text,
                  Fixture          *fixture)
{
  Event event = { id, state, g_strdup (error_text) };

  g_array_append_val (fixture->events, event);
}

static void
store_password (const char *account_id,
                const char *protocol)
{
  TaubePasswordKey key = { account_id, protocol, taube_test_rig_env ("TAUBE_RIG_HOST"),
                           taube_test_rig_env ("TAUBE_RIG_USER") };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  taube_password_store_async (&key, taube_test_rig_env ("TAUBE_RIG_PASSWORD"), NULL,
                              taube_test_store_result_cb, &result);
  g_assert_true (taube_password_store_finish (taube_test_wait (&result), &error));
  g_assert_no_error (error);
}

static TaubeOutbox *
new_outbox (Fixture *fixture,
            guint    undo_delay)
{
  TaubeOutbox *outbox = taube_outbox_new (fixture->store, fixture->accounts);

  taube_outbox_set_undo_delay (outbox, undo_delay);
  taube_outbox_set_backoff (outbox, 300, 1000);
  g_signal_connect (outbox, "state-changed", G_CALLBACK (state_changed_cb), fixture);
  return outbox;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *store_dir = NULL;
  g_autofree char *config_dir = NULL;
  g_autoptr(GFile) directory = NULL;
  g_autoptr(TaubeAccount) account = taube_account_new (NULL);

  fixture->dir = g_dir_make_tmp ("test-outbox-XXXXXX", &error);
  g_assert_no_error (error);
  store_dir = g_build_filename (fixture->dir, "store", NULL);
  config_dir = g_build_filename (fixture->dir, "accounts", NULL);
  directory = g_file_new_for_path (store_dir);
  fixture->store = taube_store_new_sync (directory, NULL, &error);
  g_assert_no_error (error);

  g_object_set (account,
                "display-name", "Alice",
                "email-address", taube_test_rig_env ("TAUBE_RIG_USER"),
                "protocol", TAUBE_PROTOCOL_POP3,
                "incoming-host", taube_test_rig_env ("TAUBE_RIG_HOST"),
                "incoming-port", (guint) taube_test_rig_port ("TAUBE_RIG_POP3S_PORT"),
                "incoming-security", TAUBE_SECURITY_TLS,
                "incoming-username", taube_test_rig_env ("TAUBE_RIG_USER"),
                "outgoing-host", taube_test_rig_env ("TAUBE_RIG_HOST"),
                "outgoing-port", (guint) taube_test_rig_port ("TAUBE_RIG_SUBMISSION_PORT"),
                "outgoing-security", TAUBE_SECURITY_STARTTLS,
                "ca-file", taube_test_rig_env ("TAUBE_RIG_CA"),
                NULL);
  fixture->accounts = taube_account_manager_new (config_dir);
  g_assert_true (taube_account_manager_save (fixture->accounts, account, &error));
  g_assert_no_error (error);
  fixture->account = taube_account_manager_lookup (fixture->accounts,
                                                   taube_account_get_id (account));
  g_assert_nonnull (fixture->account);
  store_password (taube_account_get_id (account), "smtp");
  fixture->events = g_array_new (FALSE, TRUE, sizeof (Event));
  g_array_set_clear_func (fixture->events, (GDestroyNotify) event_clear);
  fixture->outbox = new_outbox (fixture, 0);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static gboolean
timeout_cb (gpointer user_data);

/* An outbox keeps itself alive while a message is on its way (the copy to Sent, the removal
 * of its row can still be pending when a test has seen what it waited for), and it keeps
 * emitting state-changed to the fixture. Freeing the fixture before then let a late
 * emission write into freed memory in the next test: wait until the outbox is gone. */
static void
drop_outbox (TaubeOutbox **outbox)
{
  gboolean timed_out = FALSE;
  guint timer;

  if (*outbox == NULL)
    return;
  timer = g_timeout_add (20000, timeout_cb, &timed_out);
  g_object_add_weak_pointer (G_OBJECT (*outbox), (gpointer *) outbox);
  g_object_unref (*outbox);
  while (*outbox != NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    g_error ("The outbox still had work 20 s after it was dropped");
  g_source_remove (timer);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  drop_outbox (&fixture->outbox);
  g_clear_object (&fixture->accounts);
  g_clear_object (&fixture->store);
  g_array_unref (fixture->events);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* A message built with GMime, as the composer would. */
static GMimeMessage *
build_message (const char *subject,
               const char *to,
               const char *bcc,
               gboolean    date)
{
  GMimeMessage *message = g_mime_message_new (TRUE);
  g_autoptr(GMimeTextPart) body = g_mime_text_part_new_with_subtype ("plain");
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *id = g_strdup_printf ("%s.%s@example.test", subject, uuid);

  g_mime_message_add_mailbox (message, GMIME_ADDRESS_TYPE_FROM, "Alice",
                              taube_test_rig_env ("TAUBE_RIG_USER"));
  g_mime_message_add_mailbox (message, GMIME_ADDRESS_TYPE_TO, "Bob", to);
  if (bcc != NULL)
    g_mime_message_add_mailbox (message, GMIME_ADDRESS_TYPE_BCC, NULL, bcc);
  g_mime_message_set_subject (message, subject, "utf-8");
  g_mime_message_set_message_id (message, id);
  if (date)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      g_mime_message_set_date (message, now);
    }
  g_mime_text_part_set_text (body, "Grüße aus dem Postausgang.\n.a line with a dot\n");
  g_mime_message_set_mime_part (message, GMIME_OBJECT (body));
  return message;
}

static gint64
queue (Fixture      *fixture,
       TaubeOutbox  *outbox,
       GMimeMessage *message)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  taube_outbox_queue_message_async (outbox, taube_account_get_id (fixture->account), message,
                                    NULL, taube_test_store_result_cb, &result);
  id = taube_outbox_queue_finish (outbox, taube_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @id reached @state; returns the event's error text. */
static const char *
wait_for_state (Fixture          *fixture,
                gint64            id,
                TaubeOutboxState  state,
                guint             timeout_ms)
{
  gboolean timed_out = FALSE;
  guint timer = g_timeout_add (timeout_ms, timeout_cb, &timed_out);
  guint seen = 0;

  while (!timed_out)
    {
      for (; seen < fixture->events->len; seen++)
        {
          Event *event = &g_array_index (fixture->events, Event, seen);

          if (event->id == id && event->state == state)
            {
              g_source_remove (timer);
              return event->error_text != NULL ? event->error_text : "";
            }
        }
      g_main_context_iteration (NULL, TRUE);
    }
  g_error ("Outbox message %" G_GINT64_FORMAT " never reached state %d", id, state);
  return NULL;
}

static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static guint
count_events (Fixture          *fixture,
              gint64            id,
              TaubeOutboxState  state)
{
  guint n = 0;

  for (guint i = 0; i < fixture->events->len; i++)
    {
      Event *event = &g_array_index (fixture->events, Event, i);

      n += event->id == id && event->state == state;
    }
  return n;
}

/* The delivered file in @user's Maildir whose Message-ID is @id, or NULL. */
static GBytes *
find_delivered (const char *user,
                const char *id)
{
  g_autofree char *needle = g_strdup_printf ("Message-Id: <%s>", id);
  g_autofree char *local = g_strndup (user, strcspn (user, "@"));
  const char *subdirs[] = { "new", "cur" };

  for (gsize i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *path = g_build_filename (taube_test_rig_env ("TAUBE_RIG_MAIL_DIR"),
                                                "example.test", local, "Maildir", subdirs[i],
                                                NULL);
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *file = g_build_filename (path, name, NULL);
          g_autofree char *contents = NULL;
          gsize len;

          if (g_file_get_contents (file, &contents, &len, NULL)
              && g_strstr_len (contents, (gssize) len, needle) != NULL)
            return g_bytes_new_take (g_steal_pointer (&contents), len);
        }
    }
  return NULL;
}

static GBytes *
wait_delivered (const char *user,
                const char *id)
{
  for (guint i = 0; i < 100; i++)
    {
      GBytes *found = find_delivered (user, id);

      if (found != NULL)
        return found;
      run_for (100);
    }
  g_error ("%s never got %s", user, id);
  return NULL;
}

/* Line ends as LF, and without the lines of header field @drop (with its continuations). */
static char *
normalise (const char *text,
           gsize       len,
           const char *drop)
{
  g_auto(GStrv) lines = NULL;
  g_autofree char *copy = g_strndup (text, len);
  GString *out = g_string_new (NULL);
  gboolean dropping = FALSE;
  gboolean in_header = TRUE;

  lines = g_strsplit (copy, "\n", -1);
  for (gsize i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      gsize n = strlen (line);

      if (n > 0 && line[n - 1] == '\r')
        line[n - 1] = '\0';
      if (in_header && *line == '\0')
        in_header = FALSE;
      if (in_header && drop != NULL)
        {
          if (*line != ' ' && *line != '\t')
            dropping = g_ascii_strncasecmp (line, drop, strlen (drop)) == 0;
          if (dropping)
            continue;
        }
      g_string_append (out, line);
      if (lines[i + 1] != NULL)
        g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

static char *
message_text (GMimeMessage *message)
{
  g_autoptr(GMimeStream) stream = g_mime_stream_mem_new ();
  GByteArray *array;

  g_mime_object_write_to_stream (GMIME_OBJECT (message), NULL, stream);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  return g_strndup ((const char *) array->data, array->len);
}

static GPtrArray *
list_outbox (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *rows;

  taube_store_outbox_list_async (fixture->store, 0, NULL, taube_test_store_result_cb, &result);
  rows = taube_store_outbox_list_finish (fixture->store, taube_test_wait (&result), &error);
  g_assert_no_error (error);
  return rows;
}

static gint64
sent_folder (Fixture *fixture)
{
  g_autoptr(GListModel) folders =
    taube_store_list_folders (fixture->store, taube_account_get_id (fixture->account), NULL);

  for (guint i = 0; folders != NULL && i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr(TaubeFolder) folder = g_list_model_get_item (folders, i);

      if (taube_folder_get_role (folder) == TAUBE_FOLDER_ROLE_SENT)
        return taube_folder_get_id (folder);
    }
  return 0;
}

/* Sent through submission: bob (To) and alice (Bcc) get the same bytes as were queued, less
 * the Bcc field and plus the delivery's trace fields; Sent keeps the Bcc; the outbox is empty. */
static void
test_send (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GMimeMessage) message = build_message ("send", taube_test_rig_env ("TAUBE_RIG_USER2"),
                                                   taube_test_rig_env ("TAUBE_RIG_USER"), TRUE);
  const char *id = g_mime_message_get_message_id (message);
  g_autofree char *queued = message_text (message);
  g_autofree char *expected = normalise (queued, strlen (queued), "Bcc:");
  g_autoptr(GBytes) at_bob = NULL;
  g_autoptr(GBytes) at_alice = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GListModel) sent = NULL;
  gint64 outbox_id;
  gint64 folder;

  g_assert_nonnull (strstr (queued, "Bcc: "));
  outbox_id = queue (fixture, fixture->outbox, message);
  g_assert_cmpstr (wait_for_state (fixture, outbox_id, TAUBE_OUTBOX_STATE_SENT, 20000), ==, "");
  g_assert_cmpuint (count_events (fixture, outbox_id, TAUBE_OUTBOX_STATE_SENDING), ==, 1);

  at_bob = wait_delivered (taube_test_rig_env ("TAUBE_RIG_USER2"), id);
  at_alice = wait_delivered (taube_test_rig_env ("TAUBE_RIG_USER"), id);
  for (guint i = 0; i < 2; i++)
    {
      GBytes *got = i == 0 ? at_bob : at_alice;
      g_autofree char *text = normalise (g_bytes_get_data (got, NULL), g_bytes_get_size (got),
                                         NULL);

      if (!g_str_has_suffix (text, expected))
        g_printerr ("Delivered:\n%s\n---\nExpected at its end:\n%s\n", text, expected);
      g_assert_true (g_str_has_suffix (text, expected));
      g_assert_null (strstr (text, "\nBcc:"));
      g_assert_true (g_str_has_prefix (text, "Return-Path: <alice@example.test>"));
    }

  rows = list_outbox (fixture);
  g_assert_cmpuint (rows->len, ==, 0);
  folder = sent_folder (fixture);
  g_assert_cmpint (folder, >, 0);
  sent = taube_store_list_messages (fixture->store, folder, 0, 10, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (sent), ==, 1);
  {
    g_autoptr(TaubeMessage) copy = g_list_model_get_item (sent, 0);
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GBytes) raw = NULL;
    g_autofree char *raw_text = NULL;

    g_assert_cmpstr (taube_message_get_message_id (copy), ==, id);
    g_assert_true (taube_message_get_flags (copy) & TAUBE_MESSAGE_FLAG_SEEN);
    taube_store_read_message_async (fixture->store, taube_message_get_id (copy), NULL,
                                    taube_test_store_result_cb, &result);
    raw = taube_store_read_message_finish (fixture->store, taube_test_wait (&result), NULL);
    g_assert_nonnull (raw);
    raw_text = normalise (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), NULL);
    g_assert_cmpstr (raw_text, ==, normalise (queued, strlen (queued), NULL));
  }
}

static guint16
closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  /* Closed when @socket goes: nothing listens there afterwards. */
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* The file in alice's Maildir folder @folder ("" for INBOX) whose Message-ID is @id. */
static char *
find_in_folder (const char *folder,
                const char *id)
{
  g_autofree char *needle = g_strdup_printf ("Message-Id: <%s>", id);
  g_autofree char *path = g_build_filename (taube_test_rig_env ("TAUBE_RIG_MAIL_DIR"),
                                            "example.test", "alice", "Maildir", folder, "cur",
                                            NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);
      g_autofree char *contents = NULL;

      if (g_file_get_contents (file, &contents, NULL, NULL) && strstr (contents, needle) != NULL)
        return g_strdup (name);
    }
  return NULL;
}

/* An IMAP account: the copy goes to the server's Sent mailbox with APPEND, marked \Seen,
 * and no local Sent folder is made. */
static void
test_send_imap (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GMimeMessage) message = build_message ("imap", taube_test_rig_env ("TAUBE_RIG_USER2"),
                                                   NULL, TRUE);
  const char *id = g_mime_message_get_message_id (message);
  g_autoptr(GBytes) delivered = NULL;
  g_autofree char *copy = NULL;
  gint64 outbox_id;

  g_object_set (fixture->account, "protocol", TAUBE_PROTOCOL_IMAP,
                "incoming-port", (guint) taube_test_rig_port ("TAUBE_RIG_IMAPS_PORT"), NULL);
  store_password (taube_account_get_id (fixture->account), "imap");
  outbox_id = queue (fixture, fixture->outbox, message);
  g_assert_cmpstr (wait_for_state (fixture, outbox_id, TAUBE_OUTBOX_STATE_SENT, 20000), ==, "");
  delivered = wait_delivered (taube_test_rig_env ("TAUBE_RIG_USER2"), id);
  copy = find_in_folder (".Sent", id);
  g_assert_nonnull (copy);
  /* Maildir keeps the flags after ":2,"; S is \Seen. */
  g_assert_nonnull (strstr (strstr (copy, ":2,"), "S"));
  g_assert_cmpint (sent_folder (fixture), ==, 0);
  g_assert_cmpuint (list_outbox (fixture)->len, ==, 0);
}

static guint
count_delivered (const char *user,
                 const char *id)
{
  g_autofree char *needle = g_strdup_printf ("Message-Id: <%s>", id);
  g_autofree char *local = g_strndup (user, strcspn (user, "@"));
  const char *subdirs[] = { "new", "cur" };
  guint n = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *path = g_build_filename (taube_test_rig_env ("TAUBE_RIG_MAIL_DIR"),
                                                "example.test", local, "Maildir", subdirs[i],
                                                NULL);
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *file = g_build_filename (path, name, NULL);
          g_autofree char *contents = NULL;

          if (g_file_get_contents (file, &contents, NULL, NULL) && strstr (contents, needle))
            n++;
        }
    }
  return n;
}

/* Sent, but the IMAP server for the copy is unreachable: the message is not sent again, the
 * row waits (state sent) and the copy is saved once the server is back. */
static void
test_copy_retried (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GMimeMessage) message = build_message ("copy", taube_test_rig_env ("TAUBE_RIG_USER2"),
                                                   NULL, TRUE);
  const char *id = g_mime_message_get_message_id (message);
  g_autoptr(GBytes) delivered = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *copy = NULL;
  TaubeOutboxEntry *entry;
  const char *warning;
  gint64 outbox_id;

  g_object_set (fixture->account, "protocol", TAUBE_PROTOCOL_IMAP,
                "incoming-port", (guint) closed_port (), NULL);
  store_password (taube_account_get_id (fixture->account), "imap");
  outbox_id = queue (fixture, fixture->outbox, message);
  warning = wait_for_state (fixture, outbox_id, TAUBE_OUTBOX_STATE_SENT, 20000);
  g_assert_nonnull (strstr (warning, "Sent"));
  delivered = wait_delivered (taube_test_rig_env ("TAUBE_RIG_USER2"), id);
  rows = list_outbox (fixture);
  g_assert_cmpuint (rows->len, ==, 1);
  entry = g_ptr_array_index (rows, 0);
  g_assert_cmpint (entry->state, ==, 3);
  g_assert_cmpint (entry->claim_pid, ==, 0);

  g_object_set (fixture->account, "incoming-port",
                (guint) taube_test_rig_port ("TAUBE_RIG_IMAPS_PORT"), NULL);
  for (guint i = 0; i < 100 && (copy = find_in_folder (".Sent", id)) == NULL; i++)
    run_for (100);
  g_assert_nonnull (copy);
  for (guint i = 0; i < 50 && list_outbox (fixture)->len > 0; i++)
    run_for (100);
  g_assert_cmpuint (list_outbox (fixture)->len, ==, 0);
  g_assert_cmpuint (count_events (fixture, outbox_id, TAUBE_OUTBOX_STATE_SENDING), ==, 1);
  g_assert_cmpuint (count_delivered (taube_test_rig_env ("TAUBE_RIG_USER2"), id), ==, 1);
}

/* Undone within the window: nothing leaves, nothing stays. */
static void
test_undo (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GMimeMessage) message = build_message ("undo", taube_test_rig_env ("TAUBE_RIG_USER2"),
                                                   NULL, FALSE);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gint64 outbox_id;

  taube_outbox_set_undo_delay (fixture->outbox, 1500);
  outbox_id = queue (fixture, fixture->outbox, message);
  g_assert_cmpuint (list_outbox (fixture)->len, ==, 1);
  taube_outbox_undo_async (fixture->outbox, outbox_id, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_outbox_undo_finish (fixture->outbox, taube_test_wait (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_events (fixture, outbox_id, TAUBE_OUTBOX_STATE_UNDONE), ==, 1);

  run_for (3000);
  g_assert_cmpuint (count_events (fixture, outbox_id, TAUBE_OUTBOX_STATE_SENDING), ==, 0);
  g_assert_null (find_delivered (taube_test_rig_env ("TAUBE_RIG_USER2"),
                                 g_mime_message_get_message_id (message)));
  rows = list_outbox (fixture);
  g_assert_cmpuint (rows->len, ==, 0);

  /* Undoing it again: it is gone. */
  g_clear_object (&result);
  taube_outbox_undo_async (fixture->outbox, outbox_id, NULL, taube_test_store_result_cb, &result);
  g_assert_false (taube_outbox_undo_finish (fixture->outbox, taube_test_wait (&result), &error));
  g_assert_error (error, TAUBE_OUTBOX_ERROR, TAUBE_OUTBOX_ERROR_NOT_FOUND);
}

/* Submission down (nothing listens): retried with backoff, then sent once it is back. */
static void
test_retry (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GMimeMessage) message = build_message ("retry", taube_test_rig_env ("TAUBE_RIG_USER2"),
                                                   NULL, FALSE);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GBytes) delivered = NULL;
  TaubeOutboxEntry *entry;
  const char *error_text;
  gint64 outbox_id;
  gint64 started;

  g_object_set (fixture->account, "outgoing-port", (guint) closed_port (), NULL);
  outbox_id = queue (fixture, fixture->outbox, message);
  started = g_get_monotonic_time ();
  /* The first QUEUED event is the queuing itself; the retries carry the error. */
  wait_for_state (fixture, outbox_id, TAUBE_OUTBOX_STATE_SENDING, 5000);
  run_for (1200);
  g_assert_cmpuint (count_events (fixture, outbox_id, TAUBE_OUTBOX_STATE_FAILED), ==, 0);
  /* 300 ms, then 600 ms: two or three attempts in 1.2 s, not a busy loop. */
  g_assert_cmpuint (count_events (fixture, outbox_id, TAUBE_OUTBOX_STATE_SENDING), >=, 2);
  g_assert_cmpuint (count_events (fixture, outbox_id, TAUBE_OUTBOX_STATE_SENDING), <=, 4);
  error_text = g_array_index (fixture->events, Event, fixture->events->len - 1).error_text;
  g_assert_nonnull (error_text);
  rows = list_outbox (fixture);
  g_assert_cmpuint (rows->len, ==, 1);
  entry = g_ptr_array_index (rows, 0);
  g_assert_cmpint (entry->state, ==, TAUBE_OUTBOX_STATE_QUEUED);
  g_assert_cmpuint (entry->attempts, >=, 2);
  g_assert_nonnull (entry->error);

  g_object_set (fixture->account, "outgoing-port",
                (guint) taube_test_rig_port ("TAUBE_RIG_SUBMISSION_PORT"), NULL);
  wait_for_state (fixture, outbox_id, TAUBE_OUTBOX_STATE_SENT, 10000);
  /* Backoff is capped at 1 s here: the default 30 s would have been far beyond this. */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 10 * G_USEC_PER_SEC);
  delivered = wait_delivered (taube_test_rig_env ("TAUBE_RIG_USER2"),
                              g_mime_message_get_message_id (message));
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = list_outbox (fixture);
  g_assert_cmpuint (rows->len, ==, 0);
}

/* A 4xx reply (what Dovecot will not send on request): a scripted server says 451 after
 * DATA; the message is queued again with the reply, and sent once the real server answers. */
static void
test_transient_reply (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GMimeMessage) message = build_message ("try-later",
                                                   taube_test_rig_env ("TAUBE_RIG_USER2"), NULL,
                                                   TRUE);
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(GByteArray) secret = g_byte_array_new ();
  g_autoptr(GBytes) delivered = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *failure = NULL;
  const char *user = taube_test_rig_env ("TAUBE_RIG_USER");
  const char *password = taube_test_rig_env ("TAUBE_RIG_PASSWORD");
  const char *error_text;
  gint64 outbox_id;

  g_byte_array_append (secret, (const guint8 *) "", 1);
  g_byte_array_append (secret, (const guint8 *) user, strlen (user));
  g_byte_array_append (secret, (const guint8 *) "", 1);
  g_byte_array_append (secret, (const guint8 *) password, strlen (password));
  encoded = g_base64_encode (secret->data, secret->len);
  auth = g_strdup_printf ("AUTH PLAIN %s", encoded);
  taube_test_server_send (server, "220 fake.example ESMTP\r\n");
  taube_test_server_expect (server, "EHLO [127.0.0.1]");
  taube_test_server_send (server, "250-fake.example\r\n250-8BITMIME\r\n250 AUTH PLAIN\r\n");
  taube_test_server_expect (server, auth);
  taube_test_server_send (server, "235 2.7.0 Ok\r\n");
  taube_test_server_expect (server, "MAIL FROM:<alice@example.test> BODY=8BITMIME");
  taube_test_server_send (server, "250 Ok\r\n");
  taube_test_server_expect (server, "RCPT TO:<bob@example.test>");
  taube_test_server_send (server, "250 Ok\r\n");
  taube_test_server_expect (server, "DATA");
  taube_test_server_send (server, "354 Go ahead\r\n");
  taube_test_server_expect_data (server);
  taube_test_server_send (server, "451 4.3.0 Try again later\r\n");
  /* Plain text on loopback only, and only with the account's consent. */
  g_object_set (fixture->account, "outgoing-port", (guint) taube_test_server_start (server),
                "outgoing-security", TAUBE_SECURITY_NONE, "allow-plaintext", TRUE, NULL);

  outbox_id = queue (fixture, fixture->outbox, message);
  wait_for_state (fixture, outbox_id, TAUBE_OUTBOX_STATE_SENDING, 5000);
  /* The first QUEUED event is the queuing; the one after the attempt carries the reply. */
  error_text = NULL;
  for (guint i = 0; i < 100 && error_text == NULL; i++)
    {
      for (guint j = 0; j < fixture->events->len; j++)
        {
          Event *event = &g_array_index (fixture->events, Event, j);

          if (event->state == TAUBE_OUTBOX_STATE_QUEUED && event->error_text != NULL)
            error_text = event->error_text;
        }
      run_for (100);
    }
  g_assert_nonnull (error_text);
  g_assert_nonnull (strstr (error_text, "4.3.0"));
  g_object_set (fixture->account, "outgoing-port",
                (guint) taube_test_rig_port ("TAUBE_RIG_SUBMISSION_PORT"),
                "outgoing-security", TAUBE_SECURITY_STARTTLS, "allow-plaintext", FALSE, NULL);
  if (!taube_test_server_finish (server, &failure))
    g_error ("script: %s", failure);
  wait_for_state (fixture, outbox_id, TAUBE_OUTBOX_STATE_SENT, 10000);
  delivered = wait_delivered (taube_test_rig_env ("TAUBE_RIG_USER2"),
                              g_mime_message_get_message_id (message));
  g_assert_cmpuint (count_events (fixture, outbox_id, TAUBE_OUTBOX_STATE_FAILED), ==, 0);
}

/* 5xx: kept with the server's reason, not retried, not dropped; retry on request. */
static void
test_permanent_failure (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GMimeMessage) message = build_message ("rejected", "nobody@example.test", NULL, FALSE);
  g_autoptr(GPtrArray) rows = NULL;
  TaubeOutboxEntry *entry;
  const char *error_text;
  gint64 outbox_id;

  outbox_id = queue (fixture, fixture->outbox, message);
  error_text = wait_for_state (fixture, outbox_id, TAUBE_OUTBOX_STATE_FAILED, 20000);
  g_test_message ("The server said: %s", error_text);
  g_assert_true (strstr (error_text, "5.1.1") != NULL || strstr (error_text, "550") != NULL);

  run_for (1500);
  g_assert_cmpuint (count_events (fixture, outbox_id, TAUBE_OUTBOX_STATE_SENDING), ==, 1);
  rows = list_outbox (fixture);
  g_assert_cmpuint (rows->len, ==, 1);
  entry = g_ptr_array_index (rows, 0);
  g_assert_cmpint (entry->state, ==, TAUBE_OUTBOX_STATE_FAILED);
  g_assert_cmpstr (entry->error, ==, error_text);
  g_assert_cmpuint (entry->attempts, ==, 1);
  g_assert_cmpint (entry->claim_pid, ==, 0);

  /* Retried on request: refused again, and still kept. */
  taube_outbox_retry (fixture->outbox, outbox_id);
  wait_for_state (fixture, outbox_id, TAUBE_OUTBOX_STATE_SENDING, 5000);
  run_for (10);
  g_assert_cmpuint (count_events (fixture, outbox_id, TAUBE_OUTBOX_STATE_FAILED), >=, 1);
  while (count_events (fixture, outbox_id, TAUBE_OUTBOX_STATE_FAILED) < 2)
    g_main_context_iteration (NULL, TRUE);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = list_outbox (fixture);
  g_assert_cmpuint (rows->len, ==, 1);
}

/* The owner drops the outbox while a message is being sent: the message still leaves, its
 * copy is saved and its row removed, the last state-changed comes after the drop, and then
 * the outbox goes away instead of lingering. */
static void
test_dropped_while_sending (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GMimeMessage) message = build_message ("dropped",
                                                   taube_test_rig_env ("TAUBE_RIG_USER2"), NULL,
                                                   FALSE);
  g_autoptr(GBytes) delivered = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gint64 outbox_id;

  outbox_id = queue (fixture, fixture->outbox, message);
  wait_for_state (fixture, outbox_id, TAUBE_OUTBOX_STATE_SENDING, 5000);
  g_assert_cmpuint (count_events (fixture, outbox_id, TAUBE_OUTBOX_STATE_SENT), ==, 0);
  drop_outbox (&fixture->outbox);
  g_assert_null (fixture->outbox);
  g_assert_cmpuint (count_events (fixture, outbox_id, TAUBE_OUTBOX_STATE_SENT), ==, 1);
  delivered = wait_delivered (taube_test_rig_env ("TAUBE_RIG_USER2"),
                              g_mime_message_get_message_id (message));
  rows = list_outbox (fixture);
  g_assert_cmpuint (rows->len, ==, 0);
}

/* Queued, then the process "exits" before the window ends: the next start sends it. */
static void
test_restart (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GMimeMessage) message = build_message ("restart",
                                                   taube_test_rig_env ("TAUBE_RIG_USER2"), NULL,
                                                   FALSE);
  g_autoptr(TaubeOutbox) first = new_outbox (fixture, 600);
  g_autoptr(GBytes) delivered = NULL;
  gint64 outbox_id;

  outbox_id = queue (fixture, first, message);
  g_clear_object (&first);
  run_for (1000);
  g_assert_cmpuint (count_events (fixture, outbox_id, TAUBE_OUTBOX_STATE_SENDING), ==, 0);
  g_assert_cmpuint (list_outbox (fixture)->len, ==, 1);

  taube_outbox_start (fixture->outbox);
  wait_for_state (fixture, outbox_id, TAUBE_OUTBOX_STATE_SENT, 20000);
  delivered = wait_delivered (taube_test_rig_env ("TAUBE_RIG_USER2"),
                              g_mime_message_get_message_id (message));
  g_assert_cmpuint (list_outbox (fixture)->len, ==, 0);
}

/* A process died while sending (its claim is left): the next start takes the message over. */
static void
test_dead_claim (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GMimeMessage) message = build_message ("claim", taube_test_rig_env ("TAUBE_RIG_USER2"),
                                                   NULL, FALSE);
  g_autoptr(TaubeOutbox) first = new_outbox (fixture, 0);
  pid_t child;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) delivered = NULL;
  gint64 dead_pid;
  gint64 outbox_id;
  gint64 now = g_get_real_time () / 1000;

  /* Its timer goes with it, before it could fire. */
  outbox_id = queue (fixture, first, message);
  g_clear_object (&first);
  /* A pid that certainly ran and is gone: a child that exits at once, reaped. */
  child = fork ();
  if (child == 0)
    _exit (0);
  g_assert_cmpint (child, >, 0);
  g_assert_cmpint (waitpid (child, NULL, 0), ==, child);
  dead_pid = child;
  /* A claim by the dead process, as fresh as can be: only the pid check can release it. */
  taube_store_outbox_claim_async (fixture->store, outbox_id, dead_pid, now + 60000, 0, NULL,
                                  taube_test_store_result_cb, &result);
  g_assert_true (taube_store_outbox_change_finish (fixture->store, taube_test_wait (&result),
                                                   &error));
  g_assert_no_error (error);

  taube_outbox_start (fixture->outbox);
  wait_for_state (fixture, outbox_id, TAUBE_OUTBOX_STATE_SENT, 20000);
  delivered = wait_delivered (taube_test_rig_env ("TAUBE_RIG_USER2"),
                              g_mime_message_get_message_id (message));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_mime_init ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/outbox/send", test_send);
  ADD ("/outbox/send-imap-append", test_send_imap);
  ADD ("/outbox/copy-to-sent-retried", test_copy_retried);
  ADD ("/outbox/undo", test_undo);
  ADD ("/outbox/retry-when-submission-is-down", test_retry);
  ADD ("/outbox/4xx-is-retried", test_transient_reply);
  ADD ("/outbox/permanent-failure-is-kept", test_permanent_failure);
  ADD ("/outbox/dropped-while-sending", test_dropped_while_sending);
  ADD ("/outbox/restart", test_restart);
  ADD ("/outbox/dead-claim", test_dead_claim);
#undef ADD
  return g_test_run ();
}
