/* taube-imap-sync-session.c — a logged-in IMAP session for an account
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The account's settings give host, port, security and trust (its CA file and pinned
 * certificates); the password comes from the keyring and is wiped once the client has
 * sent it. Errors keep their IMAP, TLS or I/O domain; taube_sync_error_classify() tells a
 * bad password and a changed certificate (stop and ask) from the network (retry later).
 */
#define G_LOG_DOMAIN "taube-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "taube-account-trust.h"
#include "taube-imap-sync-private.h"
#include "taube-password.h"
#include "taube-sync-error.h"

#define CONNECT_TIMEOUT_MS 20000
#define READ_TIMEOUT_MS 120000

typedef struct
{
  TaubeAccount *account;
  TaubeImapClient *client;
  char *password;
} OpenJob;

static void
open_job_free (OpenJob *job)
{
  g_clear_object (&job->account);
  g_clear_object (&job->client);
  if (job->password != NULL)
    explicit_bzero (job->password, strlen (job->password));
  g_free (job->password);
  g_free (job);
}

static TaubeImapClient *
build_client (TaubeAccount  *account,
              GError       **error)
{
  g_autoptr(TaubeConnection) connection = NULL;
  TaubeImapClient *client;
  gboolean allow_plaintext;

  connection = taube_account_new_connection (account, TAUBE_ACCOUNT_SERVER_INCOMING,
                                             "taube-imap", CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS,
                                             error);
  if (connection == NULL)
    return NULL;
  client = taube_imap_client_new (connection);
  g_object_get (account, "allow-plaintext", &allow_plaintext, NULL);
  taube_imap_client_set_allow_plaintext (client, allow_plaintext);
  return client;
}

static void
fail (GTask  *task,
      GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
taube_imap_sync_session_login_cb (GObject      *object,
                                  GAsyncResult *result,
                                  gpointer      user_data)
{
  GTask *task = user_data;
  OpenJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  if (!taube_imap_client_login_finish (TAUBE_IMAP_CLIENT (object), result, &error))
    {
      fail (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&job->client), g_object_unref);
  g_object_unref (task);
}

static void
taube_imap_sync_session_connect_cb (GObject      *object,
                                    GAsyncResult *result,
                                    gpointer      user_data)
{
  GTask *task = user_data;
  OpenJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  if (!taube_imap_client_connect_finish (TAUBE_IMAP_CLIENT (object), result, &error))
    {
      fail (task, error);
      return;
    }
  taube_imap_client_login_async (job->client,
                                 taube_account_get_incoming_username (job->account),
                                 job->password, g_task_get_cancellable (task),
                                 taube_imap_sync_session_login_cb, task);
  /* The client keeps its own copy until the login is over. */
  explicit_bzero (job->password, strlen (job->password));
}

static void
taube_imap_sync_session_password_cb (GObject      *object,
                                     GAsyncResult *result,
                                     gpointer      user_data)
{
  GTask *task = user_data;
  OpenJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  job->password = taube_password_lookup_finish (result, &error);
  if (job->password == NULL && error == NULL)
    error = g_error_new (TAUBE_SYNC_ERROR, TAUBE_SYNC_ERROR_NEEDS_PASSWORD,
                         /* Translators: %s is an email address */
                         _("No password is stored for %s. Enter it to get new mail."),
                         taube_account_get_email_address (job->account));
  if (job->password != NULL)
    job->client = build_client (job->account, &error);
  if (job->client == NULL)
    {
      fail (task, error);
      return;
    }
  taube_imap_client_connect_async (job->client, g_task_get_cancellable (task),
                                   taube_imap_sync_session_connect_cb, task);
}

/**
 * taube_imap_sync_open_async:
 * @account: an IMAP account
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the session
 * @user_data: data for @callback
 *
 * Connects and logs in with the password from the keyring.
 */
void
taube_imap_sync_open_async (TaubeAccount        *account,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;
  OpenJob *job;
  TaubePasswordKey key = {
    taube_account_get_id (account),
    "imap",
    taube_account_get_incoming_host (account),
    taube_account_get_incoming_username (account),
  };

  g_return_if_fail (TAUBE_IS_ACCOUNT (account));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_imap_sync_open_async);
  job = g_new0 (OpenJob, 1);
  job->account = g_object_ref (account);
  g_task_set_task_data (task, job, (GDestroyNotify) open_job_free);
  taube_password_lookup_async (&key, cancellable, taube_imap_sync_session_password_cb, task);
}

/**
 * taube_imap_sync_open_finish:
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a logged-in client, or %NULL on error
 */
TaubeImapClient *
taube_imap_sync_open_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
