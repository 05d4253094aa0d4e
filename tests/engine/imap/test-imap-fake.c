/* test-imap-fake.c — IMAP session commands against a scripted server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What Dovecot will not do on request: BYE in the middle of a command or of IDLE,
 * garbage, a connection dropped in the middle of a response or of a literal, silence,
 * and bytes after COMPRESS that are not DEFLATE. Each must end the command with an error
 * (TAUBE_IMAP_ERROR for what the server said, G_IO_ERROR for the transport) and close the
 * session; none may hang or crash. Plain connections on 127.0.0.1 only.
 */
#include <string.h>

#include "taube-imap-client.h"
#include "taube-imap-error.h"
#include "taube-test-async.h"
#include "taube-test-server.h"

#define GREETING "* PREAUTH [CAPABILITY IMAP4rev1 IDLE LIST-EXTENDED LIST-STATUS " \
                 "SPECIAL-USE COMPRESS=DEFLATE QUOTA ENABLE QRESYNC CONDSTORE] welcome\r\n"

static TaubeTestLogCapture capture;

static TaubeImapClient *
connected_client (TaubeTestServer *server,
                  guint            read_timeout_ms)
{
  g_autoptr(TaubeConnection) connection =
    taube_connection_new ("127.0.0.1", taube_test_server_start (server), TAUBE_SECURITY_NONE,
                          NULL, "taube-imap", 5000, read_timeout_ms);
  g_autoptr(TaubeImapClient) client = taube_imap_client_new (connection);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  taube_imap_client_set_allow_plaintext (client, TRUE);
  taube_imap_client_connect_async (client, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_imap_client_connect_finish (client, taube_test_wait (&result), &error));
  g_assert_no_error (error);
  g_assert_true (taube_imap_client_is_logged_in (client));
  return g_steal_pointer (&client);
}

static void
finish_server (TaubeTestServer *server)
{
  g_autofree char *failure = NULL;

  if (!taube_test_server_finish (server, &failure))
    g_error ("script: %s", failure);
}

static GError *
list_error (TaubeImapClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  GError *error = NULL;

  taube_imap_client_list_mailboxes_async (client, TAUBE_IMAP_LIST_WITH_STATUS, NULL,
                                          taube_test_store_result_cb, &result);
  entries = taube_imap_client_list_mailboxes_finish (client, taube_test_wait (&result), &error);
  g_assert_null (entries);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  return error;
}

static GError *
status_error (TaubeImapClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TaubeImapMailboxStatus) status = NULL;
  GError *error = NULL;

  taube_imap_client_status_async (client, "INBOX", NULL, taube_test_store_result_cb, &result);
  status = taube_imap_client_status_finish (client, taube_test_wait (&result), &error);
  g_assert_null (status);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  return error;
}

/* The session is over: the next command fails at once, without touching the server. */
static void
assert_closed (TaubeImapClient *client)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (taube_imap_client_is_logged_in (client));
  g_assert_false (taube_connection_is_connected (taube_imap_client_get_connection (client)));
  g_clear_error (&error);
  error = status_error (client);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
}

static void
bye_cb (TaubeImapClient *client,
        const char      *text,
        gpointer         user_data)
{
  g_free (*(char **) user_data);
  *(char **) user_data = g_strdup (text);
}

static void
test_bye_mid_list (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bye = NULL;

  taube_test_server_send (server, GREETING);
  taube_test_server_expect (server, "A0001 LIST \"\" \"*\" RETURN (SPECIAL-USE CHILDREN STATUS "
                                    "(MESSAGES UNSEEN UIDNEXT UIDVALIDITY HIGHESTMODSEQ))");
  taube_test_server_send (server, "* LIST () \"/\" INBOX\r\n"
                                  "* STATUS INBOX (MESSAGES 3 UNSEEN 1)\r\n"
                                  "* BYE Server shutting down for maintenance\r\n");
  taube_test_server_close (server);
  client = connected_client (server, 5000);
  g_signal_connect (client, "bye", G_CALLBACK (bye_cb), &bye);
  error = list_error (client);
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_BYE);
  g_assert_nonnull (strstr (error->message, "maintenance"));
  g_assert_cmpstr (bye, ==, "Server shutting down for maintenance");
  assert_closed (client);
  g_clear_object (&client);
  finish_server (server);
}

/* The fallback's second command (STATUS) gets the BYE. */
static void
test_bye_mid_status_fallback (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  taube_test_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n");
  taube_test_server_expect (server, "A0001 LIST \"\" \"*\"");
  taube_test_server_send (server, "* LIST (\\HasNoChildren) \"/\" INBOX\r\n"
                                  "* LIST (\\Noselect) \"/\" Public\r\n"
                                  "* LIST () \"/\" Sent\r\nA0001 OK done\r\n");
  taube_test_server_expect (server, "A0002 STATUS \"INBOX\" (MESSAGES UNSEEN UIDNEXT UIDVALIDITY)");
  taube_test_server_send (server, "* STATUS INBOX (MESSAGES 2)\r\nA0002 OK done\r\n");
  /* \Noselect is skipped. */
  taube_test_server_expect (server, "A0003 STATUS \"Sent\" (MESSAGES UNSEEN UIDNEXT UIDVALIDITY)");
  taube_test_server_send (server, "* BYE idle for too long\r\n");
  taube_test_server_close (server);
  client = connected_client (server, 5000);
  taube_imap_client_list_mailboxes_async (client, TAUBE_IMAP_LIST_WITH_STATUS, NULL,
                                          taube_test_store_result_cb, &result);
  entries = taube_imap_client_list_mailboxes_finish (client, taube_test_wait (&result), &error);
  g_assert_null (entries);
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_BYE);
  assert_closed (client);
  g_clear_object (&result);
  g_clear_object (&client);
  finish_server (server);
}

static void
test_bye_during_idle (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bye = NULL;

  taube_test_server_send (server, GREETING);
  taube_test_server_expect (server, "A0001 IDLE");
  taube_test_server_send (server, "+ idling\r\n* 4 EXISTS\r\n* BYE Autologout; idle too long\r\n");
  taube_test_server_close (server);
  client = connected_client (server, 5000);
  g_signal_connect (client, "bye", G_CALLBACK (bye_cb), &bye);
  taube_imap_client_idle_async (client, NULL, taube_test_store_result_cb, &result);
  g_assert_false (taube_imap_client_idle_finish (client, taube_test_wait (&result), &error));
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_BYE);
  g_assert_cmpstr (bye, ==, "Autologout; idle too long");
  assert_closed (client);
  g_clear_object (&result);
  g_clear_object (&client);
  finish_server (server);
}

/* A server that answers IDLE with NO: the command fails, the session stays. */
static void
test_idle_refused (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  taube_test_server_send (server, GREETING);
  taube_test_server_expect (server, "A0001 IDLE");
  taube_test_server_send (server, "A0001 NO not in this state\r\n");
  client = connected_client (server, 5000);
  taube_imap_client_idle_async (client, NULL, taube_test_store_result_cb, &result);
  g_assert_false (taube_imap_client_idle_finish (client, taube_test_wait (&result), &error));
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_SERVER_NO);
  g_assert_true (taube_imap_client_is_logged_in (client));
  g_clear_object (&result);
  g_clear_object (&client);
  finish_server (server);
}

/* A server that ends IDLE at once, without "+", must not be asked again and again. */
static void
test_idle_without_continuation (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  taube_test_server_send (server, GREETING);
  taube_test_server_expect (server, "A0001 IDLE");
  taube_test_server_send (server, "A0001 OK done already\r\n");
  client = connected_client (server, 5000);
  taube_imap_client_idle_async (client, NULL, taube_test_store_result_cb, &result);
  g_assert_false (taube_imap_client_idle_finish (client, taube_test_wait (&result), &error));
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL);
  assert_closed (client);
  g_clear_object (&result);
  g_clear_object (&client);
  finish_server (server);
  g_assert_cmpuint (taube_test_server_get_received (server)->len, ==, 1);
}

static void
test_garbage (void)
{
  static const char *answers[] = {
    "this is not IMAP at all\r\n",
    "* STATUS INBOX (MESSAGES lots)\r\nA0001 OK done\r\n",
    "* STATUS INBOX MESSAGES 3\r\nA0001 OK done\r\n",
    "* LIST ((\\Sent \"/\" Sent\r\n",
    "* OK \x00\x01\x02 bytes\r\n",
    "A9999 OK not your tag\r\n",
    "+ nobody asked\r\n",
    "* 99999999999999999999999 EXISTS\r\n",
    "A0001 OK\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autoptr(TaubeTestServer) server = taube_test_server_new ();
      g_autoptr(TaubeImapClient) client = NULL;
      g_autoptr(GBytes) bytes = g_bytes_new_static (answers[i], strlen (answers[i])
                                                    + (i == 4 ? 21 - strlen (answers[i]) : 0));
      g_autoptr(GError) error = NULL;

      g_test_message ("answer %u", i);
      taube_test_server_send (server, GREETING);
      taube_test_server_expect (server, "A0001 STATUS \"INBOX\" (MESSAGES UNSEEN UIDNEXT "
                                        "UIDVALIDITY HIGHESTMODSEQ)");
      taube_test_server_send_bytes (server, bytes);
      client = connected_client (server, 5000);
      error = status_error (client);
      g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL);
      assert_closed (client);
      g_clear_object (&client);
      finish_server (server);
    }
}

static void
test_dropped (void)
{
  static const char *answers[] = {
    /* in the middle of a line */
    "* LIST () \"/\" INBOX\r\n* LIST () \"/\" Se",
    /* in the middle of a literal */
    "* LIST () \"/\" {20}\r\nonly a part",
    /* after the untagged data, before the tagged answer */
    "* LIST () \"/\" INBOX\r\n",
    /* before anything */
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autoptr(TaubeTestServer) server = taube_test_server_new ();
      g_autoptr(TaubeImapClient) client = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("answer %u", i);
      taube_test_server_send (server, GREETING);
      taube_test_server_expect (server, "A0001 LIST \"\" \"*\" RETURN (SPECIAL-USE CHILDREN "
                                        "STATUS (MESSAGES UNSEEN UIDNEXT UIDVALIDITY "
                                        "HIGHESTMODSEQ))");
      if (answers[i][0] != '\0')
        taube_test_server_send (server, answers[i]);
      taube_test_server_close (server);
      client = connected_client (server, 5000);
      error = list_error (client);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
      assert_closed (client);
      g_clear_object (&client);
      finish_server (server);
    }
}

static void
test_silence (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  taube_test_server_send (server, GREETING);
  taube_test_server_expect (server, "A0001 STATUS \"INBOX\" (MESSAGES UNSEEN UIDNEXT "
                                    "UIDVALIDITY HIGHESTMODSEQ)");
  taube_test_server_send (server, "* STATUS INBOX (MESSAGES 1)\r\n");
  client = connected_client (server, 300);
  start = g_get_monotonic_time ();
  error = status_error (client);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  assert_closed (client);
  g_clear_object (&client);
  finish_server (server);
}

/* Bytes after the COMPRESS answer in the same read went to the IMAP parser, not to the
 * decompressor: the session is given up. */
static void
test_compress_garbage (void)
{
  static const char answer[] = "A0001 OK DEFLATE active\r\n\xff\xff\xff\xff garbage";
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static (answer, sizeof answer - 1);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  taube_test_server_send (server, GREETING);
  taube_test_server_expect (server, "A0001 COMPRESS DEFLATE");
  taube_test_server_send_bytes (server, bytes);
  client = connected_client (server, 5000);
  taube_imap_client_compress_async (client, NULL, taube_test_store_result_cb, &result);
  g_assert_false (taube_imap_client_compress_finish (client, taube_test_wait (&result), &error));
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL);
  assert_closed (client);
  g_clear_object (&result);
  g_clear_object (&client);
  finish_server (server);
}

/* RFC 6855 §3: once UTF8=ACCEPT is enabled, mailbox names go both ways as UTF-8. */
static void
test_utf8_accept (void)
{
  const char *utf8[] = { "UTF8=ACCEPT", "QRESYNC", NULL };
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GAsyncResult) enabled = NULL;
  g_autoptr(GAsyncResult) created = NULL;
  g_autoptr(GAsyncResult) listed = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  TaubeImapMailboxEntry *entry;

  taube_test_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1 ENABLE UTF8=ACCEPT] hi\r\n");
  /* QRESYNC is not offered, so not asked for. */
  taube_test_server_expect (server, "A0001 ENABLE UTF8=ACCEPT");
  taube_test_server_send (server, "* ENABLED UTF8=ACCEPT\r\nA0001 OK enabled\r\n");
  taube_test_server_expect (server, "A0002 CREATE \"Gr\xc3\xb6\xc3\x9f" "e \\\"&\\\" Co\"");
  taube_test_server_send (server, "A0002 OK created\r\n");
  taube_test_server_expect (server, "A0003 LIST \"\" \"*\"");
  taube_test_server_send (server, "* LIST () \"/\" \"Gr\xc3\xb6\xc3\x9f" "e \\\"&\\\" Co\"\r\n"
                                  "* LIST () \"/\" \"R&-D\"\r\nA0003 OK done\r\n");
  client = connected_client (server, 5000);
  taube_imap_client_enable_async (client, utf8, NULL, taube_test_store_result_cb, &enabled);
  g_assert_true (taube_imap_client_enable_finish (client, taube_test_wait (&enabled), &error));
  g_assert_no_error (error);
  g_assert_true (taube_imap_client_is_enabled (client, "UTF8=ACCEPT"));
  g_assert_false (taube_imap_client_is_enabled (client, "QRESYNC"));
  taube_imap_client_create_async (client, "Gr\xc3\xb6\xc3\x9f" "e \"&\" Co", NULL,
                                  taube_test_store_result_cb, &created);
  g_assert_true (taube_imap_client_create_finish (client, taube_test_wait (&created), &error));
  g_assert_no_error (error);
  taube_imap_client_list_mailboxes_async (client, TAUBE_IMAP_LIST_DEFAULT, NULL,
                                          taube_test_store_result_cb, &listed);
  entries = taube_imap_client_list_mailboxes_finish (client, taube_test_wait (&listed), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (entry->info->name, ==, "Gr\xc3\xb6\xc3\x9f" "e \"&\" Co");
  entry = g_ptr_array_index (entries, 1);
  /* Not modified UTF-7 any more: "&-" is what it says. */
  g_assert_cmpstr (entry->info->name, ==, "R&-D");
  g_clear_object (&enabled);
  g_clear_object (&created);
  g_clear_object (&listed);
  g_clear_object (&client);
  finish_server (server);
}

/* What Taube asks for depends on what the server offers. */
static void
test_not_supported (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GAsyncResult) compress = NULL;
  g_autoptr(GAsyncResult) quota = NULL;
  g_autoptr(GAsyncResult) idle = NULL;
  g_autoptr(GAsyncResult) id = NULL;
  g_autoptr(GAsyncResult) ns = NULL;
  g_autoptr(TaubeImapQuotaInfo) quota_info = NULL;
  g_autoptr(GHashTable) id_info = NULL;
  g_autoptr(TaubeImapNamespaces) namespaces = NULL;
  g_autoptr(GError) error = NULL;

  taube_test_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n");
  client = connected_client (server, 5000);
  taube_imap_client_compress_async (client, NULL, taube_test_store_result_cb, &compress);
  g_assert_false (taube_imap_client_compress_finish (client, taube_test_wait (&compress), &error));
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  taube_imap_client_get_quota_root_async (client, "INBOX", NULL, taube_test_store_result_cb,
                                          &quota);
  quota_info = taube_imap_client_get_quota_root_finish (client, taube_test_wait (&quota), &error);
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  taube_imap_client_idle_async (client, NULL, taube_test_store_result_cb, &idle);
  g_assert_false (taube_imap_client_idle_finish (client, taube_test_wait (&idle), &error));
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  taube_imap_client_id_async (client, NULL, taube_test_store_result_cb, &id);
  id_info = taube_imap_client_id_finish (client, taube_test_wait (&id), &error);
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  taube_imap_client_namespace_async (client, NULL, taube_test_store_result_cb, &ns);
  namespaces = taube_imap_client_namespace_finish (client, taube_test_wait (&ns), &error);
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_NOT_SUPPORTED);
  g_assert_true (taube_imap_client_is_logged_in (client));
  /* The results hold the client; all go, so that it hangs up. */
  g_clear_object (&compress);
  g_clear_object (&quota);
  g_clear_object (&idle);
  g_clear_object (&id);
  g_clear_object (&ns);
  g_clear_object (&client);
  finish_server (server);
  /* Nothing was sent for any of them. */
  g_assert_cmpuint (taube_test_server_get_received (server)->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  capture.text = g_string_new (NULL);
  g_log_set_writer_func (taube_test_log_writer, &capture, NULL);

  g_test_add_func ("/imap/fake/bye-mid-list", test_bye_mid_list);
  g_test_add_func ("/imap/fake/bye-mid-status-fallback", test_bye_mid_status_fallback);
  g_test_add_func ("/imap/fake/bye-during-idle", test_bye_during_idle);
  g_test_add_func ("/imap/fake/idle-refused", test_idle_refused);
  g_test_add_func ("/imap/fake/idle-without-continuation", test_idle_without_continuation);
  g_test_add_func ("/imap/fake/garbage", test_garbage);
  g_test_add_func ("/imap/fake/dropped", test_dropped);
  g_test_add_func ("/imap/fake/silence", test_silence);
  g_test_add_func ("/imap/fake/compress-garbage", test_compress_garbage);
  g_test_add_func ("/imap/fake/not-supported", test_not_supported);
  g_test_add_func ("/imap/fake/utf8-accept", test_utf8_accept);

  return g_test_run ();
}
