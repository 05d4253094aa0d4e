/* taube-outbox-send.c — one attempt to hand a message to the account's SMTP server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Password from the keyring, connect (TLS or STARTTLS as the account says, verified against
 * the system CAs, the account's CA file and its pins), log in, send, quit. Each step's
 * failure ends the attempt; the outbox decides from the error whether to try again.
 */
#define G_LOG_DOMAIN "taube-outbox"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "taube-account-trust.h"
#include "taube-outbox-private.h"
#include "taube-password.h"
#include "taube-smtp-error.h"

#define CONNECT_TIMEOUT_MS 30000
#define READ_TIMEOUT_MS 120000

typedef struct
{
  TaubeAccount *account;
  TaubeOutboxEnvelope *envelope;  /* borrowed: the caller keeps it alive */
  TaubeSmtpClient *client;
  GPtrArray *recipients;
} Attempt;

static void
attempt_free (Attempt *attempt)
{
  g_clear_object (&attempt->account);
  g_clear_object (&attempt->client);
  g_clear_pointer (&attempt->recipients, g_ptr_array_unref);
  g_free (attempt);
}

/* Connection trouble and 4xx replies pass; a refusal (5xx, bad password, certificate) does
 * not, because trying again would be refused again. */
gboolean
_taube_outbox_error_is_transient (const GError *error)
{
  if (error->domain == TAUBE_SMTP_ERROR)
    return error->code == TAUBE_SMTP_ERROR_TRANSIENT || error->code == TAUBE_SMTP_ERROR_PROTOCOL;
  if (error->domain == G_RESOLVER_ERROR)
    return TRUE;
  if (error->domain == G_IO_ERROR)
    return !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
           && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  return FALSE;
}

static TaubeConnection *
new_connection (TaubeAccount  *account,
                GError       **error)
{
  return taube_account_new_connection (account, TAUBE_ACCOUNT_SERVER_OUTGOING, "taube-smtp",
                                       CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS, error);
}

static void
quit_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Attempt *attempt = g_task_get_task_data (task);

  /* The message is accepted already; a failed QUIT changes nothing. */
  taube_smtp_client_command_finish (TAUBE_SMTP_CLIENT (object), result, NULL);
  g_task_return_pointer (task, g_steal_pointer (&attempt->recipients),
                         (GDestroyNotify) g_ptr_array_unref);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Attempt *attempt = g_task_get_task_data (task);
  GError *error = NULL;

  attempt->recipients = taube_smtp_client_send_finish (attempt->client, result, &error);
  if (attempt->recipients == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  taube_smtp_client_quit_async (attempt->client, NULL, quit_cb, g_object_ref (task));
}

static void
login_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Attempt *attempt = g_task_get_task_data (task);
  TaubeOutboxEnvelope *envelope = attempt->envelope;
  g_autoptr(GInputStream) input = NULL;
  GError *error = NULL;

  if (!taube_smtp_client_login_finish (attempt->client, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  input = g_memory_input_stream_new_from_bytes (envelope->data);
  taube_smtp_client_send_async (attempt->client, taube_account_get_email_address (attempt->account),
                                (const char * const *) envelope->recipients, input,
                                (gint64) g_bytes_get_size (envelope->data), envelope->flags,
                                g_task_get_cancellable (task), send_cb, g_object_ref (task));
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Attempt *attempt = g_task_get_task_data (task);
  g_autofree char *password = NULL;
  GError *error = NULL;

  if (!taube_smtp_client_connect_finish (attempt->client, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  password = g_strdup (g_object_get_data (G_OBJECT (task), "password"));
  g_object_set_data (G_OBJECT (task), "password", NULL);
  taube_smtp_client_login_async (attempt->client,
                                 taube_account_get_outgoing_username (attempt->account), password,
                                 g_task_get_cancellable (task), login_cb, g_object_ref (task));
  if (password != NULL)
    memset (password, 0, strlen (password));
}

static void
password_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Attempt *attempt = g_task_get_task_data (task);
  g_autoptr(TaubeConnection) connection = NULL;
  g_autofree char *password = NULL;
  gboolean allow_plaintext;
  GError *error = NULL;

  password = taube_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (password == NULL)
    {
      g_task_return_new_error (task, TAUBE_OUTBOX_ERROR, TAUBE_OUTBOX_ERROR_NO_PASSWORD,
                               _("The keyring has no password for the outgoing server of this "
                                 "account. Enter it in the account settings."));
      return;
    }
  connection = new_connection (attempt->account, &error);
  if (connection == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* Kept on the task only until the server asks for it, then wiped. */
  g_object_set_data_full (G_OBJECT (task), "password", g_steal_pointer (&password), g_free);
  g_object_get (attempt->account, "allow-plaintext", &allow_plaintext, NULL);
  attempt->client = taube_smtp_client_new (connection);
  taube_smtp_client_set_allow_plaintext (attempt->client, allow_plaintext);
  taube_smtp_client_connect_async (attempt->client, g_task_get_cancellable (task), connect_cb,
                                   g_object_ref (task));
}

/*
 * _taube_outbox_send_async:
 * @account: the account to send from
 * @envelope: what to send; must stay alive until the callback
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server took the message, or did not
 * @user_data: data for @callback
 */
void
_taube_outbox_send_async (TaubeAccount        *account,
                          TaubeOutboxEnvelope *envelope,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Attempt *attempt = g_new0 (Attempt, 1);
  TaubePasswordKey key = {
    taube_account_get_id (account),
    "smtp",
    taube_account_get_outgoing_host (account),
    taube_account_get_outgoing_username (account),
  };

  g_task_set_source_tag (task, _taube_outbox_send_async);
  attempt->account = g_object_ref (account);
  attempt->envelope = envelope;
  g_task_set_task_data (task, attempt, (GDestroyNotify) attempt_free);
  taube_password_lookup_async (&key, cancellable, password_cb, g_steal_pointer (&task));
}

/*
 * _taube_outbox_send_finish:
 *
 * Returns: (transfer full) (element-type TaubeSmtpRecipient): what the server said to each
 *   recipient, or %NULL with @error set
 */
GPtrArray *
_taube_outbox_send_finish (GAsyncResult  *result,
                           GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
