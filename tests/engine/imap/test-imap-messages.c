/* test-imap-messages.c — the message commands against the rig's real Dovecot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * UID FETCH (every item kind, partial sections, CHANGEDSINCE / VANISHED), UID SEARCH with
 * ESEARCH, UID STORE with UNCHANGEDSINCE, UID COPY / MOVE with COPYUID, UID EXPUNGE and
 * APPEND with APPENDUID, each test in mailboxes of its own. Messages are seeded with
 * doveadm, so fetching is not tested through our own APPEND; APPEND is then checked by
 * fetching the message back byte for byte.
 *
 * The /imap/messages/scripted/ cases use the scripted server for what Dovecot will not do
 * on request: drop the connection inside a literal, lack ESEARCH, MOVE or LITERAL+.
 */
#include <string.h>

#include "taube-imap-client.h"
#include "taube-imap-error.h"
#include "taube-test-async.h"
#include "taube-test-server.h"

/* -- Sample mail ---------------------------------------------------------------------- */

static const char plain_message[] =
  "From: Anna Example <anna@example.test>\r\n"
  "To: alice@example.test\r\n"
  "Subject: Plain and simple\r\n"
  "Date: Tue, 02 Jan 2024 10:00:00 +0100\r\n"
  "Message-ID: <plain-1@example.test>\r\n"
  "MIME-Version: 1.0\r\n"
  "Content-Type: text/plain; charset=utf-8\r\n"
  "\r\n"
  "Hello Alice,\r\n"
  "just a plain note.\r\n";

static const char alternative_message[] =
  "From: Bert <bert@example.test>\r\n"
  "To: alice@example.test\r\n"
  "Cc: carla@example.test\r\n"
  "Subject: Alternative views\r\n"
  "Date: Wed, 03 Jan 2024 11:30:00 +0000\r\n"
  "Message-ID: <alt-2@example.test>\r\n"
  "In-Reply-To: <plain-1@example.test>\r\n"
  "References: <plain-1@example.test>\r\n"
  "MIME-Version: 1.0\r\n"
  "Content-Type: multipart/alternative; boundary=\"b1\"\r\n"
  "\r\n"
  "--b1\r\n"
  "Content-Type: text/plain; charset=us-ascii\r\n"
  "\r\n"
  "The plain text part, long enough to cut.\r\n"
  "--b1\r\n"
  "Content-Type: text/html; charset=us-ascii\r\n"
  "\r\n"
  "<p>The HTML part.</p>\r\n"
  "--b1--\r\n";

static const char attachment_message[] =
  "From: Carla <carla@example.test>\r\n"
  "To: alice@example.test\r\n"
  "Subject: With an attachment\r\n"
  "Date: Thu, 04 Jan 2024 09:15:00 -0500\r\n"
  "Message-ID: <att-3@example.test>\r\n"
  "MIME-Version: 1.0\r\n"
  "Content-Type: multipart/mixed; boundary=\"b2\"\r\n"
  "\r\n"
  "--b2\r\n"
  "Content-Type: text/plain; charset=us-ascii\r\n"
  "\r\n"
  "See the file.\r\n"
  "--b2\r\n"
  "Content-Type: application/octet-stream; name=\"data.bin\"\r\n"
  "Content-Disposition: attachment; filename=\"data.bin\"\r\n"
  "Content-Transfer-Encoding: base64\r\n"
  "\r\n"
  "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\r\n"
  "--b2--\r\n";

static const char *const samples[] = { plain_message, alternative_message, attachment_message };

/* -- Helpers ---------------------------------------------------------------------------- */

static TaubeImapClient *
alice (void)
{
  g_autoptr(TaubeTlsTrust) trust = taube_tls_trust_new ();
  g_autoptr(TaubeConnection) connection = NULL;
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GAsyncResult) logged_in = NULL;
  g_autoptr(GError) error = NULL;
  TaubeImapClient *client;

  taube_tls_trust_add_ca_file (trust, taube_test_rig_env ("TAUBE_RIG_CA"), &error);
  g_assert_no_error (error);
  connection = taube_connection_new (taube_test_rig_env ("TAUBE_RIG_HOST"),
                                     taube_test_rig_port ("TAUBE_RIG_IMAPS_PORT"),
                                     TAUBE_SECURITY_TLS, trust, "taube-imap", 10000, 60000);
  client = taube_imap_client_new (connection);
  taube_imap_client_connect_async (client, NULL, taube_test_store_result_cb, &connected);
  g_assert_true (taube_imap_client_connect_finish (client, taube_test_wait (&connected),
                                                   &error));
  g_assert_no_error (error);
  taube_imap_client_login_async (client, taube_test_rig_env ("TAUBE_RIG_USER"),
                                 taube_test_rig_env ("TAUBE_RIG_PASSWORD"), NULL,
                                 taube_test_store_result_cb, &logged_in);
  g_assert_true (taube_imap_client_login_finish (client, taube_test_wait (&logged_in), &error));
  g_assert_no_error (error);
  return client;
}

static void
run_ok (TaubeImapClient *client,
        const char      *command)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TaubeImapResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  taube_imap_client_command_async (client, command, NULL, taube_test_store_result_cb, &result);
  response = taube_imap_client_command_finish (client, taube_test_wait (&result), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);
}

static TaubeImapSelectInfo
select_mailbox (TaubeImapClient *client,
                const char      *mailbox)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TaubeImapSelectInfo info = { 0 };

  taube_imap_client_select_async (client, mailbox, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_imap_client_select_finish (client, taube_test_wait (&result), &info,
                                                  &error));
  g_assert_no_error (error);
  return info;
}

/* A fresh mailbox named @name with the sample messages, saved by doveadm (UIDs 1, 2, 3). */
static void
seed_mailbox (const char *name)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i <= G_N_ELEMENTS (samples); i++)
    {
      g_autoptr(GSubprocess) doveadm = NULL;
      g_autoptr(GBytes) input = NULL;
      g_autoptr(GBytes) err = NULL;
      const char *conf = taube_test_rig_env ("TAUBE_RIG_DOVECOT_CONF");
      const char *user = taube_test_rig_env ("TAUBE_RIG_USER");

      if (i == 0)
        doveadm = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, "doveadm", "-c",
                                    conf, "mailbox", "create", "-u", user, name, NULL);
      else
        {
          input = g_bytes_new_static (samples[i - 1], strlen (samples[i - 1]));
          doveadm = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                      | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, "doveadm",
                                      "-c", conf, "save", "-u", user, "-m", name, NULL);
        }
      g_assert_no_error (error);
      g_subprocess_communicate (doveadm, input, NULL, NULL, &err, &error);
      g_assert_no_error (error);
      if (!g_subprocess_get_successful (doveadm))
        g_error ("doveadm failed: %.*s", (int) g_bytes_get_size (err),
                 (const char *) g_bytes_get_data (err, NULL));
    }
}

/* Collects what a fetch hands over: copies of the messages, and a memory stream per
 * body section that asked for one. */
typedef struct
{
  GPtrArray *messages;      /* of TaubeImapFetchedMessage, copied field by field */
  GPtrArray *streams;       /* of GMemoryOutputStream, in the order they were asked for */
  gboolean stream_bodies;
} Fetched;

static TaubeImapFetchedMessage *
copy_message (const TaubeImapFetchedMessage *message)
{
  g_autofree char *text = NULL;
  TaubeImapFetchedMessage *copy = g_new0 (TaubeImapFetchedMessage, 1);

  /* Only what the tests look at; the structs themselves are checked in test-imap-fetch. */
  copy->seq = message->seq;
  copy->uid = message->uid;
  copy->items = message->items;
  copy->flags = g_strdupv (message->flags);
  copy->internaldate = message->internaldate != NULL ? g_date_time_ref (message->internaldate)
                                                     : NULL;
  copy->size = message->size;
  copy->modseq = message->modseq;
  copy->header_fields = message->header_fields != NULL ? g_bytes_ref (message->header_fields)
                                                       : NULL;
  copy->sections = g_ptr_array_ref (message->sections);
  if (message->envelope != NULL)
    {
      copy->envelope = g_new0 (TaubeImapEnvelope, 1);
      copy->envelope->subject = g_strdup (message->envelope->subject);
      copy->envelope->message_id = g_strdup (message->envelope->message_id);
      copy->envelope->in_reply_to = g_strdup (message->envelope->in_reply_to);
    }
  if (message->bodystructure != NULL)
    {
      copy->bodystructure = g_new0 (TaubeImapBodystructure, 1);
      copy->bodystructure->type = g_strdup (message->bodystructure->type);
      copy->bodystructure->subtype = g_strdup (message->bodystructure->subtype);
      copy->bodystructure->parts = message->bodystructure->parts != NULL
                                   ? g_ptr_array_new () : NULL;
      for (guint i = 0; message->bodystructure->parts != NULL
                        && i < message->bodystructure->parts->len; i++)
        g_ptr_array_add (copy->bodystructure->parts, NULL);
    }
  return copy;
}

static void
collect_message (const TaubeImapFetchedMessage *message,
                 gpointer                       user_data)
{
  Fetched *fetched = user_data;

  g_ptr_array_add (fetched->messages, copy_message (message));
}

static GOutputStream *
stream_body (guint32     seq,
             const char *section,
             guint64     size,
             gpointer    user_data)
{
  Fetched *fetched = user_data;
  GOutputStream *stream;

  if (!fetched->stream_bodies)
    return NULL;
  stream = g_memory_output_stream_new_resizable ();
  g_ptr_array_add (fetched->streams, g_object_ref (stream));
  return stream;
}

static void
bodystructure_free_shallow (TaubeImapBodystructure *body)
{
  g_free (body->type);
  g_free (body->subtype);
  g_clear_pointer (&body->parts, g_ptr_array_unref);
  g_free (body);
}

static void
copied_message_free (TaubeImapFetchedMessage *message)
{
  if (message->envelope != NULL)
    {
      g_free (message->envelope->subject);
      g_free (message->envelope->message_id);
      g_free (message->envelope->in_reply_to);
      g_clear_pointer (&message->envelope, g_free);
    }
  if (message->bodystructure != NULL)
    g_clear_pointer (&message->bodystructure, bodystructure_free_shallow);
  taube_imap_fetched_message_free (message);
}

static void
fetched_init (Fetched *fetched)
{
  fetched->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) copied_message_free);
  fetched->streams = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
fetched_clear (Fetched *fetched)
{
  g_ptr_array_unref (fetched->messages);
  g_ptr_array_unref (fetched->streams);
}

static gboolean
run_fetch (TaubeImapClient              *client,
           const TaubeImapFetchRequest  *request,
           Fetched                      *fetched,
           TaubeImapSequenceSet        **vanished,
           GError                      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  taube_imap_client_fetch_async (client, request, collect_message, stream_body, fetched, NULL,
                                 taube_test_store_result_cb, &result);
  return taube_imap_client_fetch_finish (client, taube_test_wait (&result), vanished, error);
}

static TaubeImapFetchedMessage *
message_at (Fetched *fetched,
            guint    index)
{
  g_assert_cmpuint (index, <, fetched->messages->len);
  return g_ptr_array_index (fetched->messages, index);
}

static void
assert_bytes (GBytes     *bytes,
              const char *expected)
{
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected,
                   strlen (expected));
}

static void
assert_stream (GOutputStream *stream,
               const char    *expected,
               gsize          len)
{
  GMemoryOutputStream *memory = G_MEMORY_OUTPUT_STREAM (stream);

  g_assert_cmpmem (g_memory_output_stream_get_data (memory),
                   g_memory_output_stream_get_data_size (memory), expected, len);
}

static gboolean
has_flag (GStrv       flags,
          const char *flag)
{
  for (guint i = 0; flags != NULL && flags[i] != NULL; i++)
    if (g_ascii_strcasecmp (flags[i], flag) == 0)
      return TRUE;
  return FALSE;
}

static TaubeImapSequenceSet *
run_search (TaubeImapClient *client,
            const char      *criteria)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TaubeImapSequenceSet *uids;

  taube_imap_client_search_async (client, criteria, NULL, taube_test_store_result_cb, &result);
  uids = taube_imap_client_search_finish (client, taube_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (uids);
  return uids;
}

static char *
search_text (TaubeImapClient *client,
             const char      *criteria)
{
  g_autoptr(TaubeImapSequenceSet) uids = run_search (client, criteria);

  return taube_imap_sequence_set_to_string (uids);
}

static gboolean
run_store (TaubeImapClient        *client,
           const char             *uids,
           TaubeImapStoreMode      mode,
           const char * const     *flags,
           gboolean                silent,
           guint64                 unchanged_since,
           TaubeImapSequenceSet  **modified,
           GError                **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  taube_imap_client_store_async (client, uids, mode, flags, silent, unchanged_since, NULL,
                                 taube_test_store_result_cb, &result);
  return taube_imap_client_store_finish (client, taube_test_wait (&result), modified, error);
}

static guint64
modseq_of (TaubeImapClient *client,
           const char      *uid)
{
  TaubeImapFetchRequest request = { .uids = uid, .items = TAUBE_IMAP_FETCH_MODSEQ };
  g_autoptr(GError) error = NULL;
  Fetched fetched = { 0 };
  guint64 modseq;

  fetched_init (&fetched);
  g_assert_true (run_fetch (client, &request, &fetched, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fetched.messages->len, ==, 1);
  modseq = message_at (&fetched, 0)->modseq;
  fetched_clear (&fetched);
  g_assert_cmpuint (modseq, >, 0);
  return modseq;
}

static void
logout (TaubeImapClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  taube_imap_client_logout_async (client, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_imap_client_logout_finish (client, taube_test_wait (&result), &error));
  g_assert_no_error (error);
}

/* -- Fetch ---------------------------------------------------------------------------- */

static void
test_fetch_all_items (void)
{
  static const char *const fields[] = { "From", "Subject", "Message-ID", "References", NULL };
  TaubeImapFetchRequest request = {
    .uids = "1:*",
    .items = TAUBE_IMAP_FETCH_FLAGS | TAUBE_IMAP_FETCH_INTERNALDATE | TAUBE_IMAP_FETCH_SIZE
             | TAUBE_IMAP_FETCH_ENVELOPE | TAUBE_IMAP_FETCH_BODYSTRUCTURE
             | TAUBE_IMAP_FETCH_MODSEQ,
    .header_fields = fields,
  };
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GError) error = NULL;
  TaubeImapFetchedMessage *message;
  Fetched fetched = { 0 };

  seed_mailbox ("Fetch all");
  client = alice ();
  select_mailbox (client, "Fetch all");
  fetched_init (&fetched);
  g_assert_true (run_fetch (client, &request, &fetched, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fetched.messages->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      message = message_at (&fetched, i);
      g_assert_cmpuint (message->uid, ==, i + 1);
      g_assert_cmpuint (message->seq, ==, i + 1);
      g_assert_cmpuint (message->items, ==, request.items);
      g_assert_nonnull (message->flags);
      g_assert_false (has_flag (message->flags, "\\Seen"));
      g_assert_nonnull (message->internaldate);
      g_assert_cmpuint (message->size, ==, strlen (samples[i]));
      g_assert_cmpuint (message->modseq, >, 0);
      g_assert_nonnull (message->envelope);
      g_assert_nonnull (message->bodystructure);
      g_assert_cmpuint (message->sections->len, ==, 0);
    }
  message = message_at (&fetched, 1);
  g_assert_cmpstr (message->envelope->subject, ==, "Alternative views");
  g_assert_cmpstr (message->envelope->message_id, ==, "<alt-2@example.test>");
  g_assert_cmpstr (message->envelope->in_reply_to, ==, "<plain-1@example.test>");
  g_assert_cmpstr (message->bodystructure->type, ==, "multipart");
  g_assert_cmpstr (message->bodystructure->subtype, ==, "alternative");
  g_assert_cmpuint (message->bodystructure->parts->len, ==, 2);
  /* RFC 9051 §6.4.5: the fields in the message's order, then the empty line. */
  assert_bytes (message->header_fields,
                "From: Bert <bert@example.test>\r\n"
                "Subject: Alternative views\r\n"
                "Message-ID: <alt-2@example.test>\r\n"
                "References: <plain-1@example.test>\r\n"
                "\r\n");
  message = message_at (&fetched, 2);
  g_assert_cmpstr (message->bodystructure->subtype, ==, "mixed");
  assert_bytes (message->header_fields,
                "From: Carla <carla@example.test>\r\n"
                "Subject: With an attachment\r\n"
                "Message-ID: <att-3@example.test>\r\n"
                "\r\n");
  fetched_clear (&fetched);
  logout (client);
}

/* Partial sections kept in memory, whole ones streamed, and the whole message streamed
 * byte for byte; BODY.PEEK leaves \Seen alone. */
static void
test_fetch_partial_body (void)
{
  const TaubeImapFetchSection in_memory[] = { { "1", 4, 10 }, { "2.MIME", 0, 0 } };
  const TaubeImapFetchSection streamed[] = { { "2", 0, 0 }, { "", 0, 0 } };
  TaubeImapFetchRequest request = { .uids = "2", .items = TAUBE_IMAP_FETCH_FLAGS,
                                    .sections = in_memory, .n_sections = 2 };
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GError) error = NULL;
  const TaubeImapFetchedSection *section;
  TaubeImapFetchedMessage *message;
  Fetched fetched = { 0 };

  seed_mailbox ("Partial");
  client = alice ();
  select_mailbox (client, "Partial");
  fetched_init (&fetched);
  g_assert_true (run_fetch (client, &request, &fetched, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fetched.messages->len, ==, 1);
  message = message_at (&fetched, 0);
  section = taube_imap_fetched_message_get_section (message, "1");
  g_assert_nonnull (section);
  g_assert_cmpuint (section->origin, ==, 4);
  g_assert_cmpuint (section->size, ==, 10);
  assert_bytes (section->data, "plain text");
  section = taube_imap_fetched_message_get_section (message, "2.MIME");
  g_assert_nonnull (section);
  assert_bytes (section->data, "Content-Type: text/html; charset=us-ascii\r\n\r\n");

  request.sections = streamed;
  fetched.stream_bodies = TRUE;
  g_assert_true (run_fetch (client, &request, &fetched, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fetched.messages->len, ==, 2);
  g_assert_cmpuint (fetched.streams->len, ==, 2);
  message = message_at (&fetched, 1);
  section = taube_imap_fetched_message_get_section (message, "2");
  g_assert_true (section->stream == fetched.streams->pdata[0]);
  g_assert_null (section->data);
  assert_stream (section->stream, "<p>The HTML part.</p>", strlen ("<p>The HTML part.</p>"));
  section = taube_imap_fetched_message_get_section (message, "");
  g_assert_true (section->stream == fetched.streams->pdata[1]);
  assert_stream (section->stream, alternative_message, strlen (alternative_message));
  g_assert_false (has_flag (message->flags, "\\Seen"));
  fetched_clear (&fetched);
  logout (client);
}

/* RFC 7162: CHANGEDSINCE gives only what changed, VANISHED (EARLIER) what went. */
static void
test_fetch_changedsince_vanished (void)
{
  static const char *const seen[] = { "\\Seen", NULL };
  TaubeImapFetchRequest request = { .uids = "1:*", .items = TAUBE_IMAP_FETCH_FLAGS };
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(TaubeImapSequenceSet) vanished = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  Fetched fetched = { 0 };
  guint64 before;

  seed_mailbox ("Changes");
  client = alice ();
  run_ok (client, "ENABLE QRESYNC");
  select_mailbox (client, "Changes");
  before = modseq_of (client, "3");
  g_assert_true (run_store (client, "2", TAUBE_IMAP_STORE_ADD, seen, TRUE, 0, NULL, &error));
  g_assert_true (run_store (client, "3", TAUBE_IMAP_STORE_ADD, (const char *[]) { "\\Deleted",
                                                                                  NULL },
                            TRUE, 0, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GAsyncResult) result = NULL;

    taube_imap_client_expunge_async (client, "3", NULL, taube_test_store_result_cb, &result);
    g_assert_true (taube_imap_client_expunge_finish (client, taube_test_wait (&result),
                                                     &error));
    g_assert_no_error (error);
  }

  fetched_init (&fetched);
  request.changed_since = before;
  request.vanished = TRUE;
  g_assert_true (run_fetch (client, &request, &fetched, &vanished, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fetched.messages->len, ==, 1);
  g_assert_cmpuint (message_at (&fetched, 0)->uid, ==, 2);
  g_assert_true (has_flag (message_at (&fetched, 0)->flags, "\\Seen"));
  text = taube_imap_sequence_set_to_string (vanished);
  g_assert_cmpstr (text, ==, "3");
  fetched_clear (&fetched);

  /* Nothing changed since now: nothing comes. */
  fetched_init (&fetched);
  request.changed_since = modseq_of (client, "2") + 1000;
  request.vanished = FALSE;
  g_assert_true (run_fetch (client, &request, &fetched, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fetched.messages->len, ==, 0);
  fetched_clear (&fetched);
  logout (client);
}

static void
test_fetch_bad_arguments (void)
{
  const char *fields[] = { "Subject)", NULL };
  const TaubeImapFetchSection section = { "1] BODY[2", 0, 0 };
  TaubeImapFetchRequest requests[] = {
    { .uids = "1:*", .header_fields = fields },
    { .uids = "1:*", .sections = &section, .n_sections = 1 },
    { .uids = "1,,2" },
    { .uids = "1:*", .vanished = TRUE },
  };
  g_autoptr(TaubeImapClient) client = alice ();
  Fetched fetched = { 0 };

  select_mailbox (client, "INBOX");
  fetched_init (&fetched);
  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (run_fetch (client, &requests[i], &fetched, NULL, &error));
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
    }
  g_assert_cmpuint (fetched.messages->len, ==, 0);
  /* Refused before sending: the session is untouched. */
  g_assert_true (taube_imap_client_is_logged_in (client));
  run_ok (client, "NOOP");
  fetched_clear (&fetched);
  logout (client);
}

/* -- Search --------------------------------------------------------------------------- */

static void
test_search (void)
{
  g_autoptr(TaubeImapClient) client = NULL;
  g_autofree char *all = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *none = NULL;
  g_autofree char *header = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TaubeImapSequenceSet) uids = NULL;

  seed_mailbox ("Search");
  client = alice ();
  g_assert_true (taube_imap_client_has_capability (client, "ESEARCH"));
  select_mailbox (client, "Search");
  all = search_text (client, "ALL");
  g_assert_cmpstr (all, ==, "1:3");
  subject = search_text (client, "SUBJECT \"attachment\"");
  g_assert_cmpstr (subject, ==, "3");
  header = search_text (client, "OR FROM \"anna\" HEADER In-Reply-To \"plain-1\"");
  g_assert_cmpstr (header, ==, "1:2");
  none = search_text (client, "SUBJECT \"no such subject\"");
  g_assert_cmpstr (none, ==, "");

  taube_imap_client_search_async (client, "FROBNICATE", NULL, taube_test_store_result_cb,
                                  &result);
  uids = taube_imap_client_search_finish (client, taube_test_wait (&result), &error);
  g_assert_null (uids);
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_SERVER_BAD);
  g_assert_true (taube_imap_client_is_logged_in (client));
  logout (client);
}

/* -- Store, copy, move, expunge -------------------------------------------------------- */

static void
flags_changed_cb (TaubeImapClient *client,
                  guint            seq,
                  guint            uid,
                  GStrv            flags,
                  guint64          modseq,
                  GString         *log)
{
  g_autofree char *joined = g_strjoinv (" ", flags);

  g_string_append_printf (log, "%u %u (%s);", seq, uid, joined);
}

static void
test_store_unchangedsince (void)
{
  static const char *const flagged[] = { "\\Flagged", "$Important", NULL };
  static const char *const important[] = { "$Important", NULL };
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(TaubeImapSequenceSet) modified = NULL;
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *found = NULL;
  guint64 modseq;

  seed_mailbox ("Store");
  client = alice ();
  select_mailbox (client, "Store");
  g_signal_connect (client, "flags-changed", G_CALLBACK (flags_changed_cb), log);

  /* Not silent: the new flags come back as a signal. */
  modseq = modseq_of (client, "1");
  g_assert_true (run_store (client, "1", TAUBE_IMAP_STORE_ADD, flagged, FALSE, modseq,
                            &modified, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (taube_imap_sequence_set_get_n_ranges (modified), ==, 0);
  g_assert_nonnull (strstr (log->str, "1 1 ("));
  g_assert_nonnull (strstr (log->str, "\\Flagged"));
  found = search_text (client, "FLAGGED KEYWORD $Important");
  g_assert_cmpstr (found, ==, "1");

  /* RFC 7162 §3.1.3: an older UNCHANGEDSINCE leaves the message alone, named in MODIFIED. */
  g_clear_pointer (&modified, taube_imap_sequence_set_free);
  g_assert_true (run_store (client, "1:2", TAUBE_IMAP_STORE_REMOVE, important, TRUE, modseq,
                            &modified, &error));
  g_assert_no_error (error);
  text = taube_imap_sequence_set_to_string (modified);
  g_assert_cmpstr (text, ==, "1");
  g_clear_pointer (&found, g_free);
  found = search_text (client, "KEYWORD $Important");
  g_assert_cmpstr (found, ==, "1");

  /* Replace. */
  g_assert_true (run_store (client, "2", TAUBE_IMAP_STORE_REPLACE, important, TRUE, 0, NULL,
                            &error));
  g_assert_no_error (error);
  g_clear_pointer (&found, g_free);
  found = search_text (client, "KEYWORD $Important");
  g_assert_cmpstr (found, ==, "1:2");

  /* A flag that would break the line is refused before sending. */
  g_assert_false (run_store (client, "1", TAUBE_IMAP_STORE_ADD,
                             (const char *[]) { "\\Seen) (x", NULL }, TRUE, 0, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_true (taube_imap_client_is_logged_in (client));
  logout (client);
}

static void
expunge_cb (TaubeImapClient *client,
            guint            seq,
            GString         *log)
{
  g_string_append_printf (log, "expunge %u;", seq);
}

static void
vanished_cb (TaubeImapClient *client,
             const char      *uids,
             gboolean         earlier,
             GString         *log)
{
  g_string_append_printf (log, "vanished %s;", uids);
}

static gboolean
run_transfer (TaubeImapClient   *client,
              gboolean           move,
              const char        *uids,
              const char        *mailbox,
              TaubeImapCopyUid **copy_uid,
              GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  if (move)
    {
      taube_imap_client_move_async (client, uids, mailbox, NULL, taube_test_store_result_cb,
                                    &result);
      return taube_imap_client_move_finish (client, taube_test_wait (&result), copy_uid, error);
    }
  taube_imap_client_copy_async (client, uids, mailbox, NULL, taube_test_store_result_cb,
                                &result);
  return taube_imap_client_copy_finish (client, taube_test_wait (&result), copy_uid, error);
}

static void
assert_copy_uid (TaubeImapCopyUid *copy_uid,
                 guint32           uidvalidity,
                 const char       *source,
                 const char       *destination)
{
  g_autofree char *source_text = NULL;
  g_autofree char *destination_text = NULL;

  g_assert_nonnull (copy_uid);
  g_assert_cmpuint (copy_uid->uidvalidity, ==, uidvalidity);
  source_text = taube_imap_sequence_set_to_string (copy_uid->source_uids);
  destination_text = taube_imap_sequence_set_to_string (copy_uid->destination_uids);
  g_assert_cmpstr (source_text, ==, source);
  g_assert_cmpstr (destination_text, ==, destination);
}

static void
test_copy_move (void)
{
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(TaubeImapCopyUid) copied = NULL;
  g_autoptr(TaubeImapCopyUid) moved = NULL;
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *left = NULL;
  g_autofree char *arrived = NULL;
  TaubeImapSelectInfo target;

  seed_mailbox ("Source");
  client = alice ();
  run_ok (client, "CREATE \"Target &APw-\"");
  g_assert_true (taube_imap_client_has_capability (client, "MOVE"));
  target = select_mailbox (client, "Target ü");
  select_mailbox (client, "Source");
  g_signal_connect (client, "expunge", G_CALLBACK (expunge_cb), log);
  g_signal_connect (client, "vanished", G_CALLBACK (vanished_cb), log);

  g_assert_true (run_transfer (client, FALSE, "1,3", "Target ü", &copied, &error));
  g_assert_no_error (error);
  assert_copy_uid (copied, target.uidvalidity, "1,3", "1:2");
  g_assert_cmpstr (log->str, ==, "");

  g_assert_true (run_transfer (client, TRUE, "2", "Target ü", &moved, &error));
  g_assert_no_error (error);
  assert_copy_uid (moved, target.uidvalidity, "2", "3");
  /* RFC 6851 §4.3: the original leaves the source, reported as an expunge. */
  g_assert_cmpstr (log->str, ==, "expunge 2;");
  left = search_text (client, "ALL");
  g_assert_cmpstr (left, ==, "1,3");

  select_mailbox (client, "Target ü");
  arrived = search_text (client, "ALL");
  g_assert_cmpstr (arrived, ==, "1:3");

  g_assert_false (run_transfer (client, FALSE, "1", "No such box", NULL, &error));
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_SERVER_NO);
  g_assert_true (taube_imap_client_is_logged_in (client));
  logout (client);
}

/* UID EXPUNGE removes exactly the named messages, not every \Deleted one. */
static void
test_expunge_only_named (void)
{
  static const char *const deleted[] = { "\\Deleted", NULL };
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *left = NULL;

  seed_mailbox ("Expunge");
  client = alice ();
  select_mailbox (client, "Expunge");
  g_signal_connect (client, "expunge", G_CALLBACK (expunge_cb), log);
  g_assert_true (run_store (client, "1:3", TAUBE_IMAP_STORE_ADD, deleted, TRUE, 0, NULL,
                            &error));
  g_assert_no_error (error);
  taube_imap_client_expunge_async (client, "2", NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_imap_client_expunge_finish (client, taube_test_wait (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (log->str, ==, "expunge 2;");
  left = search_text (client, "ALL");
  g_assert_cmpstr (left, ==, "1,3");
  logout (client);
}

/* -- Append --------------------------------------------------------------------------- */

static gboolean
run_append (TaubeImapClient     *client,
            const char          *mailbox,
            const char * const  *flags,
            GDateTime           *date,
            GBytes              *message,
            guint32             *uidvalidity,
            guint32             *uid,
            GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  taube_imap_client_append_bytes_async (client, mailbox, flags, date, message, NULL,
                                        taube_test_store_result_cb, &result);
  return taube_imap_client_append_finish (client, taube_test_wait (&result), uidvalidity, uid,
                                          error);
}

/* A message of @size bytes: headers, then lines of varied text. */
static GBytes *
big_message (gsize size)
{
  g_autoptr(GString) text = g_string_new ("From: alice@example.test\r\n"
                                          "Subject: Big one\r\n\r\n");
  guint line = 0;

  while (text->len + 80 < size)
    g_string_append_printf (text, "%08u %s\r\n", line++,
                            "The quick brown fox jumps over the lazy dog, again and again.");
  while (text->len + 2 < size)
    g_string_append_c (text, 'x');
  g_string_append (text, "\r\n");
  return g_string_free_to_bytes (g_steal_pointer (&text));
}

static void
test_append_roundtrip (void)
{
  static const char *const flags[] = { "\\Seen", "$Label1", NULL };
  const TaubeImapFetchSection whole[] = { { "", 0, 0 } };
  TaubeImapFetchRequest request = {
    .items = TAUBE_IMAP_FETCH_FLAGS | TAUBE_IMAP_FETCH_INTERNALDATE | TAUBE_IMAP_FETCH_SIZE,
    .sections = whole, .n_sections = 1,
  };
  g_autoptr(TaubeImapClient) client = alice ();
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (-(3 * 3600 + 30 * 60));
  g_autoptr(GDateTime) date = g_date_time_new (zone, 2023, 12, 24, 18, 5, 9);
  g_autoptr(GBytes) small = g_bytes_new_static (alternative_message,
                                                strlen (alternative_message));
  g_autoptr(GBytes) big = big_message (3 * 1024 * 1024 + 17);
  g_autoptr(GError) error = NULL;
  g_autofree char *uid_text = NULL;
  TaubeImapSelectInfo info;
  TaubeImapFetchedMessage *message;
  guint32 uidvalidity = 0, uid = 0, big_uid = 0;
  Fetched fetched = { 0 };

  g_assert_true (taube_imap_client_has_capability (client, "LITERAL+"));
  run_ok (client, "CREATE \"Appended\"");
  g_assert_true (run_append (client, "Appended", flags, date, small, &uidvalidity, &uid,
                             &error));
  g_assert_no_error (error);
  g_assert_cmpuint (uid, ==, 1);
  g_assert_true (run_append (client, "Appended", NULL, NULL, big, NULL, &big_uid, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (big_uid, ==, 2);

  info = select_mailbox (client, "Appended");
  g_assert_cmpuint (info.uidvalidity, ==, uidvalidity);
  g_assert_cmpuint (info.exists, ==, 2);
  fetched_init (&fetched);
  fetched.stream_bodies = TRUE;
  uid_text = g_strdup_printf ("%u,%u", uid, big_uid);
  request.uids = uid_text;
  g_assert_true (run_fetch (client, &request, &fetched, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fetched.messages->len, ==, 2);
  message = message_at (&fetched, 0);
  g_assert_true (has_flag (message->flags, "\\Seen"));
  g_assert_true (has_flag (message->flags, "$Label1"));
  /* The same instant; Dovecot keeps a time stamp, so the zone comes back as its own. */
  g_assert_true (g_date_time_equal (message->internaldate, date));
  g_assert_cmpuint (message->size, ==, g_bytes_get_size (small));
  assert_stream (fetched.streams->pdata[0], alternative_message, strlen (alternative_message));
  message = message_at (&fetched, 1);
  g_assert_cmpuint (message->size, ==, g_bytes_get_size (big));
  g_assert_false (has_flag (message->flags, "\\Seen"));
  assert_stream (fetched.streams->pdata[1], g_bytes_get_data (big, NULL),
                 g_bytes_get_size (big));
  fetched_clear (&fetched);
  logout (client);
}

static void
test_append_errors (void)
{
  g_autoptr(TaubeImapClient) client = alice ();
  g_autoptr(GBytes) message = g_bytes_new_static (plain_message, strlen (plain_message));
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GError) error = NULL;
  guint32 uid = 99;

  /* RFC 9051 §6.3.12: no such mailbox is NO [TRYCREATE]; the session goes on. */
  g_assert_false (run_append (client, "Nowhere", NULL, NULL, message, NULL, &uid, &error));
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_SERVER_NO);
  g_assert_cmpuint (uid, ==, 0);
  g_clear_error (&error);
  g_assert_false (run_append (client, "INBOX", NULL, NULL, empty, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (run_append (client, "INBOX", NULL, NULL, message, NULL, &uid, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (uid, >, 0);
  logout (client);
}

/* -- Scripted server -------------------------------------------------------------------- */

static TaubeImapClient *
fake_client (TaubeTestServer *server)
{
  g_autoptr(TaubeConnection) connection =
    taube_connection_new ("127.0.0.1", taube_test_server_start (server), TAUBE_SECURITY_NONE,
                          NULL, "taube-imap", 5000, 5000);
  TaubeImapClient *client = taube_imap_client_new (connection);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  taube_imap_client_set_allow_plaintext (client, TRUE);
  taube_imap_client_connect_async (client, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_imap_client_connect_finish (client, taube_test_wait (&result), &error));
  g_assert_no_error (error);
  return client;
}

static void
finish_server (TaubeTestServer *server)
{
  g_autofree char *failure = NULL;

  if (!taube_test_server_finish (server, &failure))
    g_error ("script: %s", failure);
}

static void
greet (TaubeTestServer *server,
       const char      *capabilities)
{
  g_autofree char *greeting = g_strdup_printf ("* PREAUTH [CAPABILITY IMAP4rev1 %s] hi\r\n",
                                               capabilities);

  taube_test_server_send (server, greeting);
}

/* RFC 9051 §7.5.2 streamed: the connection drops inside a BODY[] literal. The fetch fails,
 * the partial message is never handed over, and nothing hangs. */
static void
test_scripted_disconnect_mid_literal (void)
{
  const TaubeImapFetchSection whole[] = { { "", 0, 0 } };
  TaubeImapFetchRequest request = { .uids = "5:6", .sections = whole, .n_sections = 1 };
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GError) error = NULL;
  Fetched fetched = { 0 };

  greet (server, "");
  taube_test_server_expect (server, "A0001 UID FETCH 5:6 (UID BODY.PEEK[])");
  taube_test_server_send (server, "* 1 FETCH (UID 5 BODY[] {12}\r\nSubject: a\r\n)\r\n"
                                  "* 2 FETCH (UID 6 BODY[] {5000}\r\nSubject: cut off");
  taube_test_server_close (server);
  client = fake_client (server);
  fetched_init (&fetched);
  fetched.stream_bodies = TRUE;
  g_assert_false (run_fetch (client, &request, &fetched, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  g_assert_cmpuint (fetched.messages->len, ==, 1);
  g_assert_cmpuint (message_at (&fetched, 0)->uid, ==, 5);
  g_assert_cmpuint (fetched.streams->len, ==, 2);
  assert_stream (fetched.streams->pdata[0], "Subject: a\r\n", 12);
  g_assert_false (taube_imap_client_is_logged_in (client));
  fetched_clear (&fetched);
  g_clear_object (&client);
  finish_server (server);
}

/* A flag change of a message not asked for is signalled, not handed over; a FETCH
 * without UID too; VANISHED (EARLIER) belongs to the fetch, plain VANISHED does not. */
static void
test_scripted_unsolicited_during_fetch (void)
{
  TaubeImapFetchRequest request = { .uids = "10:12,20", .items = TAUBE_IMAP_FETCH_FLAGS,
                                    .changed_since = 5, .vanished = TRUE };
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(TaubeImapSequenceSet) vanished = NULL;
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  Fetched fetched = { 0 };

  greet (server, "CONDSTORE QRESYNC");
  taube_test_server_expect (server, "A0001 UID FETCH 10:12,20 (UID FLAGS) "
                                    "(CHANGEDSINCE 5 VANISHED)");
  taube_test_server_send (server,
                          "* VANISHED (EARLIER) 11,13\r\n"
                          "* 1 FETCH (UID 10 FLAGS (\\Seen) MODSEQ (9))\r\n"
                          "* 4 FETCH (UID 30 FLAGS (\\Flagged) MODSEQ (10))\r\n"
                          "* 5 FETCH (FLAGS (\\Answered))\r\n"
                          "* VANISHED 31\r\n"
                          "* 2 FETCH (UID 20 FLAGS ())\r\n"
                          "A0001 OK done\r\n");
  client = fake_client (server);
  g_signal_connect (client, "flags-changed", G_CALLBACK (flags_changed_cb), log);
  g_signal_connect (client, "vanished", G_CALLBACK (vanished_cb), log);
  fetched_init (&fetched);
  g_assert_true (run_fetch (client, &request, &fetched, &vanished, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fetched.messages->len, ==, 2);
  g_assert_cmpuint (message_at (&fetched, 0)->uid, ==, 10);
  g_assert_cmpuint (message_at (&fetched, 1)->uid, ==, 20);
  text = taube_imap_sequence_set_to_string (vanished);
  g_assert_cmpstr (text, ==, "11,13");
  g_assert_cmpstr (log->str, ==, "4 30 (\\Flagged);5 0 (\\Answered);vanished 31;");
  fetched_clear (&fetched);
  g_clear_object (&client);
  finish_server (server);
}

static void
cancel_on_message (const TaubeImapFetchedMessage *message,
                   gpointer                       user_data)
{
  g_cancellable_cancel (user_data);
}

/* Cancelling in the middle of a fetch ends it with G_IO_ERROR_CANCELLED and closes the
 * session: the rest of the answer cannot be told apart from the next command's. */
static void
test_scripted_cancel_fetch (void)
{
  TaubeImapFetchRequest request = { .uids = "1:*", .items = TAUBE_IMAP_FETCH_FLAGS };
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  greet (server, "");
  taube_test_server_expect (server, "A0001 UID FETCH 1:* (UID FLAGS)");
  /* The rest never comes. */
  taube_test_server_send (server, "* 1 FETCH (UID 5 FLAGS ())\r\n");
  client = fake_client (server);
  taube_imap_client_fetch_async (client, &request, cancel_on_message, NULL, cancellable,
                                 cancellable, taube_test_store_result_cb, &result);
  g_assert_false (taube_imap_client_fetch_finish (client, taube_test_wait (&result), NULL,
                                                  &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (taube_imap_client_is_logged_in (client));
  g_clear_object (&client);
  finish_server (server);
}

static GOutputStream *
closed_stream (guint32     seq,
               const char *section,
               guint64     size,
               gpointer    user_data)
{
  GOutputStream *stream = g_memory_output_stream_new_resizable ();

  g_output_stream_close (stream, NULL, NULL);
  return stream;
}

static void
count_message (const TaubeImapFetchedMessage *message,
               gpointer                       user_data)
{
  (*(guint *) user_data)++;
}

/* A stream that cannot be written fails the fetch with its error; the message whose body
 * did not reach it is not handed over. */
static void
test_scripted_stream_fails (void)
{
  const TaubeImapFetchSection whole[] = { { "", 0, 0 } };
  TaubeImapFetchRequest request = { .uids = "5", .sections = whole, .n_sections = 1 };
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint delivered = 0;

  greet (server, "");
  taube_test_server_expect (server, "A0001 UID FETCH 5 (UID BODY.PEEK[])");
  taube_test_server_send (server, "* 1 FETCH (UID 5 BODY[] {12}\r\nSubject: a\r\n)\r\n"
                                  "A0001 OK done\r\n");
  client = fake_client (server);
  taube_imap_client_fetch_async (client, &request, count_message, closed_stream, &delivered,
                                 NULL, taube_test_store_result_cb, &result);
  g_assert_false (taube_imap_client_fetch_finish (client, taube_test_wait (&result), NULL,
                                                  &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_cmpuint (delivered, ==, 0);
  g_clear_object (&client);
  finish_server (server);
}

/* A malformed item fails the fetch with a protocol error and closes the session. */
static void
test_scripted_malformed_fetch (void)
{
  TaubeImapFetchRequest request = { .uids = "1:*", .items = TAUBE_IMAP_FETCH_ENVELOPE };
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GError) error = NULL;
  Fetched fetched = { 0 };

  greet (server, "");
  taube_test_server_expect (server, "A0001 UID FETCH 1:* (UID ENVELOPE)");
  taube_test_server_send (server, "* 1 FETCH (UID 1 ENVELOPE (\"date\"))\r\nA0001 OK done\r\n");
  client = fake_client (server);
  fetched_init (&fetched);
  g_assert_false (run_fetch (client, &request, &fetched, NULL, &error));
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL);
  g_assert_cmpuint (fetched.messages->len, ==, 0);
  g_assert_false (taube_imap_client_is_logged_in (client));
  fetched_clear (&fetched);
  g_clear_object (&client);
  finish_server (server);
}

/* Without ESEARCH: the plain answer, with CONDSTORE's trailing MODSEQ (RFC 7162 §3.1.5). */
static void
test_scripted_search_plain (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autofree char *found = NULL;

  greet (server, "CONDSTORE");
  taube_test_server_expect (server, "A0001 UID SEARCH UNSEEN");
  taube_test_server_send (server, "* SEARCH 2 5 6 7 11 12 (MODSEQ 917162500)\r\n"
                                  "A0001 OK done\r\n");
  taube_test_server_expect (server, "A0002 UID SEARCH DELETED");
  taube_test_server_send (server, "* SEARCH\r\nA0002 OK done\r\n");
  client = fake_client (server);
  found = search_text (client, "UNSEEN");
  g_assert_cmpstr (found, ==, "2,5:7,11:12");
  g_clear_pointer (&found, g_free);
  found = search_text (client, "DELETED");
  g_assert_cmpstr (found, ==, "");
  g_clear_object (&client);
  finish_server (server);
}

/* RFC 4731 §3.1's example answer. */
static void
test_scripted_esearch (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autofree char *found = NULL;

  greet (server, "ESEARCH");
  taube_test_server_expect (server, "A0001 UID SEARCH RETURN (ALL) UNDELETED");
  taube_test_server_send (server, "* ESEARCH (TAG \"A0001\") UID ALL 4:18,21,28\r\n"
                                  "A0001 OK done\r\n");
  client = fake_client (server);
  found = search_text (client, "UNDELETED");
  g_assert_cmpstr (found, ==, "4:18,21,28");
  g_clear_object (&client);
  finish_server (server);
}

/* Without MOVE (RFC 6851 §3.3): COPY, STORE \Deleted, UID EXPUNGE of just those UIDs. */
static void
test_scripted_move_fallback (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(TaubeImapCopyUid) copy_uid = NULL;
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  /* RFC 4315 §3's COPYUID example. */
  greet (server, "UIDPLUS");
  taube_test_server_expect (server, "A0001 UID COPY 304,319:320 \"Archive\"");
  taube_test_server_send (server, "A0001 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n");
  taube_test_server_expect (server, "A0002 UID STORE 304,319:320 +FLAGS.SILENT (\\Deleted)");
  taube_test_server_send (server, "A0002 OK done\r\n");
  taube_test_server_expect (server, "A0003 UID EXPUNGE 304,319:320");
  taube_test_server_send (server, "* 3 EXPUNGE\r\n* 3 EXPUNGE\r\n* 3 EXPUNGE\r\n"
                                  "A0003 OK done\r\n");
  client = fake_client (server);
  g_signal_connect (client, "expunge", G_CALLBACK (expunge_cb), log);
  g_assert_true (run_transfer (client, TRUE, "304,319:320", "Archive", &copy_uid, &error));
  g_assert_no_error (error);
  assert_copy_uid (copy_uid, 38505, "304,319:320", "3956:3958");
  g_assert_cmpstr (log->str, ==, "expunge 3;expunge 3;expunge 3;");
  g_clear_object (&client);
  finish_server (server);
}

/* Neither MOVE nor UIDPLUS: refused before anything is sent (a plain EXPUNGE could remove
 * other people's \Deleted mail). A failed COPY stops the fallback at once. */
static void
test_scripted_move_refused (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GError) error = NULL;

  greet (server, "");
  taube_test_server_expect (server, "A0001 NOOP");
  taube_test_server_send (server, "A0001 OK done\r\n");
  client = fake_client (server);
  g_assert_false (run_transfer (client, TRUE, "4", "Archive", NULL, &error));
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_NOT_SUPPORTED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  run_ok (client, "NOOP");
  g_clear_object (&client);
  finish_server (server);
}

static void
test_scripted_move_fallback_copy_fails (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GError) error = NULL;

  greet (server, "UIDPLUS");
  taube_test_server_expect (server, "A0001 UID COPY 4 \"Archive\"");
  taube_test_server_send (server, "A0001 NO [OVERQUOTA] Quota exceeded\r\n");
  taube_test_server_expect (server, "A0002 NOOP");
  taube_test_server_send (server, "A0002 OK done\r\n");
  client = fake_client (server);
  g_assert_false (run_transfer (client, TRUE, "4", "Archive", NULL, &error));
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_SERVER_NO);
  run_ok (client, "NOOP");
  g_clear_object (&client);
  finish_server (server);
}

/* Without LITERAL+ the literal waits for "+"; a NO instead of "+" sends nothing. */
static void
test_scripted_append_synchronizing (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GBytes) message = g_bytes_new_static ("Subject: t\r\n\r\nbody\r\n", 20);
  g_autoptr(GError) error = NULL;
  guint32 uidvalidity = 0, uid = 0;

  greet (server, "UIDPLUS");
  taube_test_server_expect (server, "A0001 APPEND \"Sent\" (\\Seen) {20}");
  taube_test_server_send (server, "+ Ready for literal data\r\n");
  taube_test_server_expect (server, "Subject: t");
  taube_test_server_expect (server, "");
  taube_test_server_expect (server, "body");
  taube_test_server_expect (server, "");
  taube_test_server_send (server, "A0001 OK [APPENDUID 38505 3955] APPEND completed\r\n");
  taube_test_server_expect (server, "A0002 APPEND \"Sent\" {20}");
  taube_test_server_send (server, "A0002 NO [TOOBIG] Too big\r\n");
  taube_test_server_expect (server, "A0003 NOOP");
  taube_test_server_send (server, "A0003 OK done\r\n");
  client = fake_client (server);
  g_assert_true (run_append (client, "Sent", (const char *[]) { "\\Seen", NULL }, NULL,
                             message, &uidvalidity, &uid, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (uidvalidity, ==, 38505);
  g_assert_cmpuint (uid, ==, 3955);
  g_assert_false (run_append (client, "Sent", NULL, NULL, message, NULL, NULL, &error));
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_SERVER_NO);
  run_ok (client, "NOOP");
  g_clear_object (&client);
  finish_server (server);
}

/* A stream shorter than announced cannot be taken back: the session is closed. */
static void
test_scripted_append_short_stream (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GInputStream) input = g_memory_input_stream_new_from_data ("Subject: t\r\n", 12,
                                                                      NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  greet (server, "LITERAL+");
  taube_test_server_expect (server, "A0001 APPEND \"INBOX\" {100+}");
  client = fake_client (server);
  taube_imap_client_append_async (client, "INBOX", NULL, NULL, input, 100, NULL,
                                  taube_test_store_result_cb, &result);
  g_assert_false (taube_imap_client_append_finish (client, taube_test_wait (&result), NULL,
                                                   NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
  g_assert_false (taube_imap_client_is_logged_in (client));
  g_clear_object (&client);
  finish_server (server);
}

/* -- Pipelining -------------------------------------------------------------------------- */

#define PIPELINE_PAIRS 50

static guint
count_char (const char *text,
            char        c)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    n += *p == c;
  return n;
}

typedef struct
{
  GAsyncResult *stored;
  GAsyncResult *fetched;
  Fetched messages;
} PipelinePair;

/* 50 UID STOREs and 50 UID FETCHes asked for at once on the selected mailbox: all are
 * accepted (before pipelining all but the first failed with G_IO_ERROR_PENDING), all
 * succeed, every fetch gets exactly its own message, and every store took effect. */
static void
test_pipeline_store_fetch (void)
{
  static const char *const subject_field[] = { "Subject", NULL };
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GString) changes = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  PipelinePair pairs[PIPELINE_PAIRS] = { 0 };
  TaubeImapFetchRequest sizes_request = { .uids = "1:3", .items = TAUBE_IMAP_FETCH_SIZE };
  TaubeImapFetchRequest flags_request = { .uids = "1:3", .items = TAUBE_IMAP_FETCH_FLAGS };
  Fetched sizes = { 0 };
  Fetched flags = { 0 };
  guint64 size_of[4] = { 0 };
  gint64 started;

  seed_mailbox ("Pipeline");
  client = alice ();
  select_mailbox (client, "Pipeline");
  fetched_init (&sizes);
  g_assert_true (run_fetch (client, &sizes_request, &sizes, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sizes.messages->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    size_of[message_at (&sizes, i)->uid] = message_at (&sizes, i)->size;
  g_signal_connect (client, "flags-changed", G_CALLBACK (flags_changed_cb), changes);

  started = g_get_monotonic_time ();
  for (guint i = 0; i < PIPELINE_PAIRS; i++)
    {
      g_autofree char *uid = g_strdup_printf ("%u", i % 3 + 1);
      g_autofree char *keyword = g_strdup_printf ("$Pipe%u", i % 6);
      const char *keywords[] = { keyword, NULL };
      /* Half of them stream a header section, which goes one at a time. */
      TaubeImapFetchRequest request = {
        .uids = uid, .items = TAUBE_IMAP_FETCH_SIZE,
        .header_fields = i % 2 == 0 ? subject_field : NULL,
      };

      fetched_init (&pairs[i].messages);
      taube_imap_client_store_async (client, uid, TAUBE_IMAP_STORE_ADD, keywords, FALSE, 0,
                                     NULL, taube_test_store_result_cb, &pairs[i].stored);
      taube_imap_client_fetch_async (client, &request, collect_message, NULL,
                                     &pairs[i].messages, NULL, taube_test_store_result_cb,
                                     &pairs[i].fetched);
    }
  for (guint i = 0; i < PIPELINE_PAIRS; i++)
    {
      TaubeImapFetchedMessage *message;

      g_assert_true (taube_imap_client_store_finish (client, taube_test_wait (&pairs[i].stored),
                                                     NULL, &error));
      g_assert_no_error (error);
      g_assert_true (taube_imap_client_fetch_finish (client, taube_test_wait (&pairs[i].fetched),
                                                     NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (pairs[i].messages.messages->len, ==, 1);
      message = message_at (&pairs[i].messages, 0);
      g_assert_cmpuint (message->uid, ==, i % 3 + 1);
      g_assert_cmpuint (message->size, ==, size_of[i % 3 + 1]);
      g_assert_true ((message->header_fields != NULL) == (i % 2 == 0));
      if (message->header_fields != NULL)
        g_assert_nonnull (g_strstr_len (g_bytes_get_data (message->header_fields, NULL),
                                        g_bytes_get_size (message->header_fields),
                                        "Subject:"));
      g_clear_object (&pairs[i].stored);
      g_clear_object (&pairs[i].fetched);
      fetched_clear (&pairs[i].messages);
    }
  g_test_message ("%u commands in %.1f ms with pipeline-depth %u", 2 * PIPELINE_PAIRS,
                  (g_get_monotonic_time () - started) / 1000.0,
                  taube_imap_client_get_pipeline_depth (client));
  /* The stores' answers went to the signals (none to a fetch, which got one message
   * each): at least the first setting of each of the 6 keyword and UID pairs. */
  g_test_message ("flag changes: %s", changes->str);
  g_assert_cmpuint (count_char (changes->str, ';'), >=, 6);

  fetched_init (&flags);
  g_assert_true (run_fetch (client, &flags_request, &flags, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (flags.messages->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      TaubeImapFetchedMessage *message = message_at (&flags, i);

      for (guint k = 0; k < 6; k++)
        {
          g_autofree char *keyword = g_strdup_printf ("$Pipe%u", k);

          /* Store i set $Pipe(i % 6) on UID i % 3 + 1. */
          g_assert_true (has_flag (message->flags, keyword) == (k % 3 + 1 == message->uid));
        }
    }
  g_assert_true (taube_imap_client_is_logged_in (client));
  fetched_clear (&sizes);
  fetched_clear (&flags);
  logout (client);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/imap/messages/fetch-all-items", test_fetch_all_items);
  g_test_add_func ("/imap/messages/fetch-partial-body", test_fetch_partial_body);
  g_test_add_func ("/imap/messages/fetch-changedsince-vanished",
                   test_fetch_changedsince_vanished);
  g_test_add_func ("/imap/messages/fetch-bad-arguments", test_fetch_bad_arguments);
  g_test_add_func ("/imap/messages/search", test_search);
  g_test_add_func ("/imap/messages/pipeline-store-fetch", test_pipeline_store_fetch);
  g_test_add_func ("/imap/messages/store-unchangedsince", test_store_unchangedsince);
  g_test_add_func ("/imap/messages/copy-move", test_copy_move);
  g_test_add_func ("/imap/messages/expunge-only-named", test_expunge_only_named);
  g_test_add_func ("/imap/messages/append-roundtrip", test_append_roundtrip);
  g_test_add_func ("/imap/messages/append-errors", test_append_errors);
  g_test_add_func ("/imap/messages/scripted/disconnect-mid-literal",
                   test_scripted_disconnect_mid_literal);
  g_test_add_func ("/imap/messages/scripted/unsolicited-during-fetch",
                   test_scripted_unsolicited_during_fetch);
  g_test_add_func ("/imap/messages/scripted/malformed-fetch", test_scripted_malformed_fetch);
  g_test_add_func ("/imap/messages/scripted/cancel-fetch", test_scripted_cancel_fetch);
  g_test_add_func ("/imap/messages/scripted/stream-fails", test_scripted_stream_fails);
  g_test_add_func ("/imap/messages/scripted/search-plain", test_scripted_search_plain);
  g_test_add_func ("/imap/messages/scripted/esearch", test_scripted_esearch);
  g_test_add_func ("/imap/messages/scripted/move-fallback", test_scripted_move_fallback);
  g_test_add_func ("/imap/messages/scripted/move-refused", test_scripted_move_refused);
  g_test_add_func ("/imap/messages/scripted/move-fallback-copy-fails",
                   test_scripted_move_fallback_copy_fails);
  g_test_add_func ("/imap/messages/scripted/append-synchronizing",
                   test_scripted_append_synchronizing);
  g_test_add_func ("/imap/messages/scripted/append-short-stream",
                   test_scripted_append_short_stream);
  return g_test_run ();
}
