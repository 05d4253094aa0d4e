/* test-imap-client.c — IMAP against the rig's real Dovecot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every test's protocol log is captured; the checks on what went out look only at the
 * client's "C:" lines. The wrong-password case runs last: Dovecot slows down logins from
 * an address that just failed one.
 *
 * The /imap/client/scripted/ cases use the scripted line server on 127.0.0.1 for what
 * Dovecot will not do on request: LOGIN without AUTH=PLAIN, AUTHENTICATE without SASL-IR,
 * no STARTTLS, data injected after STARTTLS, BYE in the middle of a command, garbage.
 */
#include <string.h>

#include "taube-imap-client.h"
#include "taube-imap-error.h"
#include "taube-test-async.h"
#include "taube-test-server.h"

#define FAKE_PASSWORD "s3cret-Pa55word"

static TaubeTestLogCapture capture;
static gsize capture_mark;

/* The log is kept whole for the final password check; a test looks from its mark on. */
static void
capture_begin (void)
{
  capture_mark = capture.text->len;
}

static const char *
captured (void)
{
  return capture.text->str + capture_mark;
}

static TaubeImapClient *
new_client (const char    *host,
            const char    *port_variable,
            TaubeSecurity  security,
            gboolean       trust_rig_ca)
{
  g_autoptr(TaubeTlsTrust) trust = taube_tls_trust_new ();
  g_autoptr(TaubeConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  if (trust_rig_ca)
    {
      taube_tls_trust_add_ca_file (trust, taube_test_rig_env ("TAUBE_RIG_CA"), &error);
      g_assert_no_error (error);
    }
  connection = taube_connection_new (host, taube_test_rig_port (port_variable), security, trust,
                                     "taube-imap", 10000, 20000);
  return taube_imap_client_new (connection);
}

static gboolean
connect_client (TaubeImapClient  *client,
                GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  taube_imap_client_connect_async (client, NULL, taube_test_store_result_cb, &result);
  return taube_imap_client_connect_finish (client, taube_test_wait (&result), error);
}

static gboolean
login_client (TaubeImapClient  *client,
              const char       *user,
              const char       *password,
              GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  taube_imap_client_login_async (client, user, password, NULL, taube_test_store_result_cb,
                                 &result);
  return taube_imap_client_login_finish (client, taube_test_wait (&result), error);
}

static TaubeImapClient *
alice (void)
{
  TaubeImapClient *client = new_client (taube_test_rig_env ("TAUBE_RIG_HOST"),
                                        "TAUBE_RIG_IMAPS_PORT", TAUBE_SECURITY_TLS, TRUE);
  g_autoptr(GError) error = NULL;

  g_assert_true (connect_client (client, &error));
  g_assert_no_error (error);
  g_assert_true (login_client (client, taube_test_rig_env ("TAUBE_RIG_USER"),
                               taube_test_rig_env ("TAUBE_RIG_PASSWORD"), &error));
  g_assert_no_error (error);
  return client;
}

static void
logout (TaubeImapClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  taube_imap_client_logout_async (client, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_imap_client_logout_finish (client, taube_test_wait (&result), &error));
  g_assert_no_error (error);
  g_assert_false (taube_imap_client_is_logged_in (client));
  g_assert_false (taube_connection_is_connected (taube_imap_client_get_connection (client)));
}

static TaubeImapResponse *
run_command (TaubeImapClient  *client,
             const char       *command,
             GPtrArray       **untagged,
             GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  taube_imap_client_command_async (client, command, NULL, taube_test_store_result_cb, &result);
  return taube_imap_client_command_finish (client, taube_test_wait (&result), untagged, error);
}

static gboolean
select_mailbox (TaubeImapClient      *client,
                const char           *mailbox,
                TaubeImapSelectInfo  *info,
                GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  taube_imap_client_select_async (client, mailbox, NULL, taube_test_store_result_cb, &result);
  return taube_imap_client_select_finish (client, taube_test_wait (&result), info, error);
}

static GPtrArray *
list_mailboxes (TaubeImapClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *mailboxes;

  taube_imap_client_list_async (client, NULL, taube_test_store_result_cb, &result);
  mailboxes = taube_imap_client_list_finish (client, taube_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (mailboxes);
  return mailboxes;
}

/* Whether any line the client sent, as logged, contains @word. */
static gboolean
client_sent (const char *word)
{
  g_auto(GStrv) lines = g_strsplit (captured (), "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "C: ") && strstr (lines[i], word) != NULL)
      return TRUE;
  return FALSE;
}

static void
save_message (const char *user,
              const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) doveadm = NULL;
  g_autoptr(GBytes) input = g_bytes_new_static (message, strlen (message));
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;

  doveadm = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                              | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              "doveadm", "-c", taube_test_rig_env ("TAUBE_RIG_DOVECOT_CONF"),
                              "save", "-u", user, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate (doveadm, input, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (doveadm))
    g_error ("doveadm save failed: %.*s", (int) g_bytes_get_size (err),
             (const char *) g_bytes_get_data (err, NULL));
}

static void
test_login_tls (void)
{
  g_autoptr(TaubeImapClient) client = alice ();

  g_assert_true (taube_connection_is_encrypted (taube_imap_client_get_connection (client)));
  g_assert_true (taube_imap_client_is_logged_in (client));
  /* The capabilities after login are known, and no longer those of the login state. */
  g_assert_true (taube_imap_client_has_capability (client, "imap4rev1"));
  g_assert_false (taube_imap_client_has_capability (client, "AUTH=PLAIN"));
  logout (client);
}

static void
test_login_starttls_redacted (void)
{
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GError) error = NULL;
  const char *password = taube_test_rig_env ("TAUBE_RIG_PASSWORD");

  client = new_client (taube_test_rig_env ("TAUBE_RIG_HOST"), "TAUBE_RIG_IMAP_PORT",
                       TAUBE_SECURITY_STARTTLS, TRUE);
  capture_begin ();
  g_assert_true (connect_client (client, &error));
  g_assert_no_error (error);
  g_assert_true (taube_connection_is_encrypted (taube_imap_client_get_connection (client)));
  /* The capabilities were read again after the upgrade: STARTTLS is gone. */
  g_assert_false (taube_imap_client_has_capability (client, "STARTTLS"));
  g_assert_true (taube_imap_client_has_capability (client, "AUTH=PLAIN"));
  g_assert_true (login_client (client, taube_test_rig_env ("TAUBE_RIG_USER"), password, &error));
  g_assert_no_error (error);
  logout (client);

  g_assert_nonnull (strstr (captured (), "C: A0001 STARTTLS"));
  g_assert_nonnull (strstr (captured (), "C: A0002 CAPABILITY"));
  g_assert_nonnull (strstr (captured (), "AUTHENTICATE PLAIN ********"));
  g_assert_null (strstr (captured (), password));
}

static void
test_untrusted_certificate (void)
{
  const char *ports[] = { "TAUBE_RIG_IMAPS_PORT", "TAUBE_RIG_IMAP_PORT" };
  TaubeSecurity securities[] = { TAUBE_SECURITY_TLS, TAUBE_SECURITY_STARTTLS };

  for (guint i = 0; i < G_N_ELEMENTS (ports); i++)
    {
      g_autoptr(TaubeImapClient) client = NULL;
      g_autoptr(GError) error = NULL;
      TaubeTlsTrust *trust;

      client = new_client (taube_test_rig_env ("TAUBE_RIG_HOST"), ports[i], securities[i],
                           FALSE);
      g_assert_false (connect_client (client, &error));
      g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
      g_test_message ("%s", error->message);
      trust = taube_connection_get_trust (taube_imap_client_get_connection (client));
      g_assert_nonnull (taube_tls_trust_get_rejected (trust));
      g_assert_true (taube_tls_trust_get_rejected_flags (trust) & G_TLS_CERTIFICATE_UNKNOWN_CA);
      g_assert_false (taube_imap_client_is_logged_in (client));
    }
}

/* 127.0.0.2 behaves like a remote server: LOGINDISABLED without TLS. */
static void
test_logindisabled_remote (void)
{
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GError) error = NULL;

  client = new_client (taube_test_rig_env ("TAUBE_RIG_REMOTE_HOST"), "TAUBE_RIG_IMAP_PORT",
                       TAUBE_SECURITY_NONE, FALSE);
  taube_imap_client_set_allow_plaintext (client, TRUE);
  capture_begin ();
  g_assert_true (connect_client (client, &error));
  g_assert_no_error (error);
  g_assert_true (taube_imap_client_has_capability (client, "LOGINDISABLED"));
  g_assert_false (login_client (client, taube_test_rig_env ("TAUBE_RIG_USER"),
                                taube_test_rig_env ("TAUBE_RIG_PASSWORD"), &error));
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_LOGINDISABLED);
  g_test_message ("%s", error->message);
  g_assert_false (client_sent ("LOGIN"));
  g_assert_false (client_sent ("AUTHENTICATE"));
  g_assert_null (strstr (captured (), taube_test_rig_env ("TAUBE_RIG_PASSWORD")));
}

/* Without allow-plaintext nothing is even tried, even where the server would accept it. */
static void
test_plaintext_needs_consent (void)
{
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GError) error = NULL;

  client = new_client (taube_test_rig_env ("TAUBE_RIG_HOST"), "TAUBE_RIG_IMAP_PORT",
                       TAUBE_SECURITY_NONE, FALSE);
  capture_begin ();
  g_assert_true (connect_client (client, &error));
  g_assert_no_error (error);
  g_assert_false (login_client (client, taube_test_rig_env ("TAUBE_RIG_USER"),
                                taube_test_rig_env ("TAUBE_RIG_PASSWORD"), &error));
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_LOGINDISABLED);
  g_assert_false (client_sent ("LOGIN"));
  g_assert_false (client_sent ("AUTHENTICATE"));
}

static const TaubeImapMailboxInfo *
find_mailbox (GPtrArray  *mailboxes,
              const char *name)
{
  for (guint i = 0; i < mailboxes->len; i++)
    {
      const TaubeImapMailboxInfo *info = g_ptr_array_index (mailboxes, i);

      if (g_strcmp0 (info->name, name) == 0)
        return info;
    }
  return NULL;
}

static void
test_list (void)
{
  g_autoptr(TaubeImapClient) client = alice ();
  g_autoptr(GPtrArray) mailboxes = list_mailboxes (client);
  const char *special[] = { "Sent", "Drafts", "Trash", "Junk", "Archive" };

  g_assert_nonnull (find_mailbox (mailboxes, "INBOX"));
  for (guint i = 0; i < G_N_ELEMENTS (special); i++)
    {
      const TaubeImapMailboxInfo *info = find_mailbox (mailboxes, special[i]);
      g_autofree char *flag = g_strconcat ("\\", special[i], NULL);

      g_assert_nonnull (info);
      g_assert_true (taube_imap_mailbox_info_has_flag (info, flag));
      g_assert_cmpint (info->delimiter, !=, '\0');
    }
  logout (client);
}

static void
untagged_cb (TaubeImapClient   *client,
             TaubeImapResponse *response,
             gpointer           user_data)
{
  guint64 *exists = user_data;

  if (taube_imap_response_is_keyword (response, "EXISTS"))
    taube_imap_response_get_number (response, exists);
}

static void
test_select (void)
{
  const char *user = taube_test_rig_env ("TAUBE_RIG_USER");
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GError) error = NULL;
  TaubeImapSelectInfo info = { 0 };
  guint64 signalled = 0;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *message = g_strdup_printf (
        "From: alice@example.test\r\nSubject: number %u\r\n\r\nHello.\r\n", i);

      save_message (user, message);
    }
  client = alice ();
  g_signal_connect (client, "untagged", G_CALLBACK (untagged_cb), &signalled);
  g_assert_true (select_mailbox (client, "INBOX", &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.exists, ==, 3);
  g_assert_cmpuint (signalled, ==, 3);
  g_assert_cmpuint (info.uidvalidity, !=, 0);
  g_assert_cmpuint (info.uidnext, >=, 4);
  g_assert_false (info.read_only);
  if (taube_imap_client_has_capability (client, "CONDSTORE"))
    g_assert_cmpuint (info.highestmodseq, >, 0);
  logout (client);
}

/* NO and BAD fail the command with the server's words and leave the session usable. */
static void
test_errors_keep_session (void)
{
  g_autoptr(TaubeImapClient) client = alice ();
  g_autoptr(TaubeImapResponse) response = NULL;
  g_autoptr(GPtrArray) untagged = NULL;
  g_autoptr(GError) error = NULL;
  TaubeImapSelectInfo info = { 0 };

  g_assert_false (select_mailbox (client, "No such folder", &info, &error));
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_SERVER_NO);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  response = run_command (client, "FROBNICATE", NULL, &error);
  g_assert_null (response);
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_SERVER_BAD);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  g_assert_true (taube_imap_client_is_logged_in (client));
  response = run_command (client, "LIST \"\" \"*\"", &untagged, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);
  g_assert_cmpint (taube_imap_response_get_status (response), ==, TAUBE_IMAP_STATUS_OK);
  g_assert_cmpstr (taube_imap_response_get_tag (response), ==, "A0004");
  g_assert_cmpuint (untagged->len, >=, 6);
  for (guint i = 0; i < untagged->len; i++)
    g_assert_true (taube_imap_response_is_keyword (g_ptr_array_index (untagged, i), "LIST"));
  logout (client);
}

/* A command that needs the session alone (LIST here) refuses a second one while it runs,
 * even a pipelinable one: they are not interleaved. */
static void
test_one_at_a_time (void)
{
  g_autoptr(TaubeImapClient) client = alice ();
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(TaubeImapResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  taube_imap_client_command_async (client, "LIST \"\" \"INBOX\"", NULL,
                                   taube_test_store_result_cb, &first);
  taube_imap_client_command_async (client, "NOOP", NULL, taube_test_store_result_cb, &second);
  g_assert_null (taube_imap_client_command_finish (client, taube_test_wait (&second), NULL,
                                                   &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&error);
  response = taube_imap_client_command_finish (client, taube_test_wait (&first), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);
  logout (client);
}


/* -- Scripted server -------------------------------------------------------------------- */

static TaubeImapClient *
fake_client (TaubeTestServer *server,
             TaubeSecurity    security)
{
  g_autoptr(TaubeConnection) connection =
    taube_connection_new ("127.0.0.1", taube_test_server_start (server), security, NULL,
                          "taube-imap", 5000, 5000);
  TaubeImapClient *client = taube_imap_client_new (connection);

  taube_imap_client_set_allow_plaintext (client, TRUE);
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
assert_no_credentials (TaubeTestServer *server)
{
  GPtrArray *received = taube_test_server_get_received (server);

  for (guint i = 0; i < received->len; i++)
    {
      const char *line = g_ptr_array_index (received, i);

      g_assert_null (strstr (line, "LOGIN"));
      g_assert_null (strstr (line, "AUTHENTICATE"));
      g_assert_null (strstr (line, FAKE_PASSWORD));
    }
}

/* Without AUTH=PLAIN: LOGIN with quoted strings, backslash and quote escaped. */
static void
test_scripted_login_quoted (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GError) error = NULL;

  taube_test_server_send (server, "* OK [CAPABILITY IMAP4rev1] ready\r\n");
  taube_test_server_expect (server, "A0001 LOGIN \"al\\\"ice\" \"" FAKE_PASSWORD "\\\\\\\"\"");
  taube_test_server_send (server, "A0001 OK [CAPABILITY IMAP4rev1 IDLE] in\r\n");
  client = fake_client (server, TAUBE_SECURITY_NONE);
  capture_begin ();
  g_assert_true (connect_client (client, &error));
  g_assert_no_error (error);
  g_assert_true (login_client (client, "al\"ice", FAKE_PASSWORD "\\\"", &error));
  g_assert_no_error (error);
  g_assert_true (taube_imap_client_has_capability (client, "IDLE"));
  g_assert_nonnull (strstr (captured (), "C: A0001 LOGIN \"al\\\"ice\" ********"));
  g_assert_null (strstr (captured (), FAKE_PASSWORD));
  g_clear_object (&client);
  finish_server (server);
}

/* An 8-bit password goes as a synchronising literal; the OK without capabilities makes the
 * client ask for them. */
static void
test_scripted_login_literal (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GError) error = NULL;

  taube_test_server_send (server, "* OK [CAPABILITY IMAP4rev1] ready\r\n");
  taube_test_server_expect (server, "A0001 LOGIN \"alice\" {17}");
  taube_test_server_send (server, "+ go on\r\n");
  taube_test_server_expect (server, FAKE_PASSWORD "\xc3\xa4");
  taube_test_server_send (server, "A0001 OK in\r\n");
  taube_test_server_expect (server, "A0002 CAPABILITY");
  taube_test_server_send (server, "* CAPABILITY IMAP4rev1 MOVE\r\nA0002 OK done\r\n");
  client = fake_client (server, TAUBE_SECURITY_NONE);
  capture_begin ();
  g_assert_true (connect_client (client, &error));
  g_assert_true (login_client (client, "alice", FAKE_PASSWORD "\xc3\xa4", &error));
  g_assert_no_error (error);
  g_assert_true (taube_imap_client_has_capability (client, "MOVE"));
  g_assert_null (strstr (captured (), FAKE_PASSWORD));
  g_clear_object (&client);
  finish_server (server);
}

/* AUTH=PLAIN without SASL-IR: the response follows the server's "+". */
static void
test_scripted_authenticate_continuation (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *response = g_base64_encode ((const guchar *) "\0alice\0" FAKE_PASSWORD,
                                               strlen (FAKE_PASSWORD) + 7);

  taube_test_server_send (server, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n");
  taube_test_server_expect (server, "A0001 AUTHENTICATE PLAIN");
  taube_test_server_send (server, "+ \r\n");
  taube_test_server_expect (server, response);
  taube_test_server_send (server, "A0001 OK [CAPABILITY IMAP4rev1] in\r\n");
  client = fake_client (server, TAUBE_SECURITY_NONE);
  g_assert_true (connect_client (client, &error));
  g_assert_true (login_client (client, "alice", FAKE_PASSWORD, &error));
  g_assert_no_error (error);
  g_assert_true (taube_imap_client_is_logged_in (client));
  g_clear_object (&client);
  finish_server (server);
}

static void
test_scripted_starttls_not_offered (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GError) error = NULL;

  taube_test_server_send (server, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n");
  client = fake_client (server, TAUBE_SECURITY_STARTTLS);
  g_assert_false (connect_client (client, &error));
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_STARTTLS_FAILED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  /* The session is gone: even a careless caller cannot log in now. */
  g_assert_false (login_client (client, "alice", FAKE_PASSWORD, &error));
  g_assert_nonnull (error);
  g_clear_object (&client);
  finish_server (server);
  assert_no_credentials (server);
}

/* RFC 9051 §6.2.1: no PREAUTH before STARTTLS. */
static void
test_scripted_preauth_before_starttls (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GError) error = NULL;

  taube_test_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] welcome\r\n");
  client = fake_client (server, TAUBE_SECURITY_STARTTLS);
  g_assert_false (connect_client (client, &error));
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_STARTTLS_FAILED);
  g_assert_false (taube_imap_client_is_logged_in (client));
  g_clear_object (&client);
  finish_server (server);
}

static void
test_scripted_starttls_refused (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GError) error = NULL;

  taube_test_server_send (server, "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n");
  taube_test_server_expect (server, "A0001 STARTTLS");
  taube_test_server_send (server, "A0001 NO not now\r\n");
  client = fake_client (server, TAUBE_SECURITY_STARTTLS);
  g_assert_false (connect_client (client, &error));
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_STARTTLS_FAILED);
  g_assert_nonnull (strstr (error->message, "not now"));
  g_clear_object (&client);
  finish_server (server);
  assert_no_credentials (server);
}

/* Bytes after the STARTTLS answer were sent in the clear and are refused (RFC 3207 §6). */
static void
test_scripted_starttls_injection (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GError) error = NULL;

  taube_test_server_send (server, "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n");
  taube_test_server_expect (server, "A0001 STARTTLS");
  taube_test_server_send (server, "A0001 OK go\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] x\r\n");
  client = fake_client (server, TAUBE_SECURITY_STARTTLS);
  g_assert_false (connect_client (client, &error));
  /* Caught by the client when the extra bytes came in the same read as the answer (as
   * they do on loopback); had they come later, the TLS handshake would choke on them. */
  g_assert_nonnull (error);
  if (error->domain == TAUBE_IMAP_ERROR)
    g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_STARTTLS_FAILED);
  g_test_message ("%s", error->message);
  g_assert_false (taube_connection_is_connected (taube_imap_client_get_connection (client)));
  g_clear_object (&client);
  finish_server (server);
  assert_no_credentials (server);
}

static void
test_scripted_bye_during_command (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(TaubeImapResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  guint64 ignored = 0;

  taube_test_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] welcome\r\n");
  taube_test_server_expect (server, "A0001 NOOP");
  taube_test_server_send (server, "* 4 EXISTS\r\n* BYE shutting down\r\n");
  taube_test_server_close (server);
  client = fake_client (server, TAUBE_SECURITY_NONE);
  g_signal_connect (client, "untagged", G_CALLBACK (untagged_cb), &ignored);
  g_assert_true (connect_client (client, &error));
  g_assert_true (taube_imap_client_is_logged_in (client));
  response = run_command (client, "NOOP", NULL, &error);
  g_assert_null (response);
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_BYE);
  g_assert_nonnull (strstr (error->message, "shutting down"));
  g_assert_cmpuint (ignored, ==, 4);
  g_assert_false (taube_imap_client_is_logged_in (client));
  g_clear_error (&error);
  response = run_command (client, "NOOP", NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  g_clear_object (&client);
  finish_server (server);
}

static void
test_scripted_bad_greeting (void)
{
  const char *greetings[] = {
    "HTTP/1.1 400 Bad Request\r\n",
    "* BYE too busy\r\n",
  };
  const int codes[] = { TAUBE_IMAP_ERROR_PROTOCOL, TAUBE_IMAP_ERROR_BYE };

  for (guint i = 0; i < G_N_ELEMENTS (greetings); i++)
    {
      g_autoptr(TaubeTestServer) server = taube_test_server_new ();
      g_autoptr(TaubeImapClient) client = NULL;
      g_autoptr(GError) error = NULL;

      taube_test_server_send (server, greetings[i]);
      client = fake_client (server, TAUBE_SECURITY_NONE);
      g_assert_false (connect_client (client, &error));
      g_assert_error (error, TAUBE_IMAP_ERROR, codes[i]);
      g_test_message ("%s", error->message);
      g_clear_object (&client);
      finish_server (server);
    }
}

static void
test_password_never_logged (void)
{
  /* The whole log of every test that ran before this one. */
  g_assert_null (strstr (capture.text->str, taube_test_rig_env ("TAUBE_RIG_PASSWORD")));
}

static void
test_bad_password (void)
{
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GError) error = NULL;

  client = new_client (taube_test_rig_env ("TAUBE_RIG_HOST"), "TAUBE_RIG_IMAPS_PORT",
                       TAUBE_SECURITY_TLS, TRUE);
  g_assert_true (connect_client (client, &error));
  g_assert_false (login_client (client, taube_test_rig_env ("TAUBE_RIG_USER"), "wrong", &error));
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_BAD_CREDENTIALS);
  /* Dovecot: "NO [AUTHENTICATIONFAILED] Authentication failed." */
  g_assert_nonnull (strstr (error->message, "Authentication failed"));
  g_test_message ("%s", error->message);
  g_assert_false (taube_imap_client_is_logged_in (client));
  g_assert_true (taube_connection_is_connected (taube_imap_client_get_connection (client)));
  logout (client);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  capture.text = g_string_new (NULL);
  g_log_set_writer_func (taube_test_log_writer, &capture, NULL);

  g_test_add_func ("/imap/client/login-tls", test_login_tls);
  g_test_add_func ("/imap/client/login-starttls-redacted", test_login_starttls_redacted);
  g_test_add_func ("/imap/client/untrusted-certificate", test_untrusted_certificate);
  g_test_add_func ("/imap/client/logindisabled-remote", test_logindisabled_remote);
  g_test_add_func ("/imap/client/plaintext-needs-consent", test_plaintext_needs_consent);
  g_test_add_func ("/imap/client/list", test_list);
  g_test_add_func ("/imap/client/select", test_select);
  g_test_add_func ("/imap/client/errors-keep-session", test_errors_keep_session);
  g_test_add_func ("/imap/client/one-at-a-time", test_one_at_a_time);
  g_test_add_func ("/imap/client/scripted/login-quoted", test_scripted_login_quoted);
  g_test_add_func ("/imap/client/scripted/login-literal", test_scripted_login_literal);
  g_test_add_func ("/imap/client/scripted/authenticate-continuation",
                   test_scripted_authenticate_continuation);
  g_test_add_func ("/imap/client/scripted/starttls-not-offered",
                   test_scripted_starttls_not_offered);
  g_test_add_func ("/imap/client/scripted/preauth-before-starttls",
                   test_scripted_preauth_before_starttls);
  g_test_add_func ("/imap/client/scripted/starttls-refused", test_scripted_starttls_refused);
  g_test_add_func ("/imap/client/scripted/starttls-injection",
                   test_scripted_starttls_injection);
  g_test_add_func ("/imap/client/scripted/bye-during-command", test_scripted_bye_during_command);
  g_test_add_func ("/imap/client/scripted/bad-greeting", test_scripted_bad_greeting);
  g_test_add_func ("/imap/client/password-never-logged", test_password_never_logged);
  /* Last of the Dovecot cases: its auth penalty would slow down every login after it. The
   * scripted ones, a suite of their own, run after it but never talk to Dovecot. */
  g_test_add_func ("/imap/client/bad-password", test_bad_password);

  ret = g_test_run ();
  g_string_free (g_steal_pointer (&capture.text), TRUE);
  return ret;
}
