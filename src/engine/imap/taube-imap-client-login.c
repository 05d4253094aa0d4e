/* taube-imap-client-login.c — connecting and logging in a TaubeImapClient
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The greeting (RFC 9051 §7.1), CAPABILITY, STARTTLS (§6.2.1) and logging in with
 * AUTHENTICATE PLAIN (§6.2.2, RFC 4616, SASL-IR RFC 4959) or LOGIN (§6.2.3).
 *
 * Security rules, checked before any credential leaves the machine:
 * - with STARTTLS, a server that does not offer STARTTLS, refuses it or greets with PREAUTH
 *   on the plain connection is left at once; there is no fallback to plaintext
 *   (RFC 8314 §4.1, RFC 9051 §6.2.1);
 * - without TLS, logging in needs allow-plaintext, and even then nothing is sent to a
 *   server that advertises LOGINDISABLED (RFC 9051 §6.2.3).
 */
#define G_LOG_DOMAIN "taube-imap"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "taube-imap-client-private.h"
#include "taube-imap-error.h"

/* -- Connecting ----------------------------------------------------------------------- */

static const char *
host_of (TaubeImapClient *self)
{
  return taube_connection_get_host (taube_imap_client_get_connection (self));
}

/* Whether the connection was asked to switch to TLS with STARTTLS and has not yet. */
static gboolean
needs_starttls (TaubeImapClient *self)
{
  TaubeConnection *connection = taube_imap_client_get_connection (self);

  return taube_connection_get_security (connection) == TAUBE_SECURITY_STARTTLS
         && !taube_connection_is_encrypted (connection);
}

static void connect_step (GTask *task);

static GError *
starttls_not_offered_error (TaubeImapClient *self)
{
  /* Translators: %s is a server name. */
  return g_error_new (TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_STARTTLS_FAILED,
                      _("The server %s does not offer encryption with STARTTLS, so Taube did "
                        "not log in. Choose TLS on the port for encrypted connections "
                        "(usually 993), or ask the provider."),
                      host_of (self));
}

static void
taube_imap_client_connect_capability_cb (GObject      *object,
                                         GAsyncResult *result,
                                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeImapClient *self = TAUBE_IMAP_CLIENT (object);
  g_autoptr(TaubeImapResponse) response = NULL;
  GError *error = NULL;

  response = _taube_imap_client_exchange_finish (self, result, NULL, &error);
  if (response == NULL)
    {
      _taube_imap_client_fail (task, error);
      return;
    }
  /* CAPABILITY is mandatory (RFC 9051 §6.1.1): a server without it is not IMAP. */
  if (taube_imap_response_get_status (response) != TAUBE_IMAP_STATUS_OK
      || !_taube_imap_client_knows_capabilities (self))
    {
      _taube_imap_client_fail (task, _taube_imap_client_protocol_error (self, "no CAPABILITY"));
      return;
    }
  connect_step (task);
}

static void
taube_imap_client_start_tls_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!taube_connection_start_tls_finish (TAUBE_CONNECTION (object), result, &error))
    {
      _taube_imap_client_fail (task, error);
      return;
    }
  connect_step (task);
}

static void
taube_imap_client_starttls_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeImapClient *self = TAUBE_IMAP_CLIENT (object);
  g_autoptr(TaubeImapResponse) response = NULL;
  GError *error = NULL;

  response = _taube_imap_client_exchange_finish (self, result, NULL, &error);
  if (response == NULL)
    {
      _taube_imap_client_fail (task, error);
      return;
    }
  if (taube_imap_response_get_status (response) != TAUBE_IMAP_STATUS_OK)
    {
      _taube_imap_client_fail (task, g_error_new (
        TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_STARTTLS_FAILED,
        /* Translators: %s is a server name, then the server's own words in quotes. */
        _("The server %s refused to start encryption (“%s”), so Taube did not log in. Try "
          "again later, or choose TLS instead of STARTTLS."),
        host_of (self),
        taube_imap_response_get_text (response)));
      return;
    }
  /* RFC 9051 §6.2.1: capabilities learnt before TLS must be forgotten. */
  _taube_imap_client_forget_capabilities (self);
  taube_connection_start_tls_async (taube_imap_client_get_connection (self),
                                    g_task_get_cancellable (task),
                                    taube_imap_client_start_tls_cb, g_object_ref (task));
}

/* After the greeting: CAPABILITY if unknown, then STARTTLS if asked for, then done. */
static void
connect_step (GTask *task)
{
  TaubeImapClient *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (!_taube_imap_client_knows_capabilities (self))
    {
      _taube_imap_client_exchange_async (self, "CAPABILITY", NULL, NULL, cancellable,
                                         taube_imap_client_connect_capability_cb,
                                         g_object_ref (task));
      return;
    }
  if (needs_starttls (self))
    {
      if (!taube_imap_client_has_capability (self, "STARTTLS"))
        {
          _taube_imap_client_fail (task, starttls_not_offered_error (self));
          return;
        }
      _taube_imap_client_exchange_async (self, "STARTTLS", NULL, NULL, cancellable,
                                         taube_imap_client_starttls_cb, g_object_ref (task));
      return;
    }
  _taube_imap_client_release (self);
  g_task_return_boolean (task, TRUE);
}

static void
taube_imap_client_greeting_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeImapClient *self = TAUBE_IMAP_CLIENT (object);
  g_autoptr(TaubeImapResponse) response = NULL;
  GError *error = NULL;

  response = _taube_imap_client_exchange_finish (self, result, NULL, &error);
  if (response == NULL)
    {
      _taube_imap_client_fail (task, error);
      return;
    }
  switch (taube_imap_response_get_status (response))
    {
    case TAUBE_IMAP_STATUS_OK:
      _taube_imap_client_set_state (self, TAUBE_IMAP_CLIENT_NOT_AUTHENTICATED);
      break;
    case TAUBE_IMAP_STATUS_PREAUTH:
      /* RFC 9051 §6.2.1: STARTTLS is only possible before authentication, so a PREAUTH
       * on a connection that was to be upgraded leaves it unprotected. */
      if (needs_starttls (self))
        {
          _taube_imap_client_fail (task, starttls_not_offered_error (self));
          return;
        }
      _taube_imap_client_set_state (self, TAUBE_IMAP_CLIENT_AUTHENTICATED);
      break;
    case TAUBE_IMAP_STATUS_BYE:
      _taube_imap_client_fail (task, _taube_imap_client_bye_error (self, response));
      return;
    default:
      _taube_imap_client_fail (task, _taube_imap_client_protocol_error (self, "bad greeting"));
      return;
    }
  connect_step (task);
}

static void
taube_imap_client_connected_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeImapClient *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!taube_connection_connect_finish (TAUBE_CONNECTION (object), result, &error))
    {
      _taube_imap_client_fail (task, error);
      return;
    }
  _taube_imap_client_exchange_async (self, NULL, NULL, NULL, g_task_get_cancellable (task),
                                     taube_imap_client_greeting_cb, g_object_ref (task));
}

/**
 * taube_imap_client_connect_async:
 * @self: a #TaubeImapClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the session is ready to log in
 * @user_data: data for @callback
 *
 * Connects, reads the greeting (OK, PREAUTH or BYE) and the capabilities, from the
 * greeting's response code or with CAPABILITY, and, for %TAUBE_SECURITY_STARTTLS,
 * switches to TLS and reads the capabilities again. Without STARTTLS among them this fails
 * with %TAUBE_IMAP_ERROR_STARTTLS_FAILED and nothing else is sent.
 */
void
taube_imap_client_connect_async (TaubeImapClient     *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = _taube_imap_client_begin (self, taube_imap_client_connect_async, FALSE, cancellable,
                                   callback, user_data);
  if (task == NULL)
    return;
  if (taube_connection_is_connected (taube_imap_client_get_connection (self)))
    {
      _taube_imap_client_release (self);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "Already connected");
      return;
    }
  _taube_imap_client_forget (self);
  taube_connection_connect_async (taube_imap_client_get_connection (self), cancellable,
                                  taube_imap_client_connected_cb, g_steal_pointer (&task));
}

gboolean
taube_imap_client_connect_finish (TaubeImapClient  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (
    g_task_get_source_tag (G_TASK (result)) == taube_imap_client_connect_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* -- Logging in ----------------------------------------------------------------------- */

static GError *
login_refused_error (TaubeImapClient *self)
{
  /* Translators: %s is a server name. */
  return g_error_new (TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_LOGINDISABLED,
                      _("The server %s does not accept passwords over an unencrypted "
                        "connection. Choose TLS or STARTTLS in the account settings."),
                      host_of (self));
}

static void
taube_imap_client_login_capability_cb (GObject      *object,
                                       GAsyncResult *result,
                                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeImapClient *self = TAUBE_IMAP_CLIENT (object);
  g_autoptr(TaubeImapResponse) response = NULL;
  GError *error = NULL;

  response = _taube_imap_client_exchange_finish (self, result, NULL, &error);
  if (response == NULL)
    {
      _taube_imap_client_fail (task, error);
      return;
    }
  if (taube_imap_response_get_status (response) != TAUBE_IMAP_STATUS_OK)
    {
      _taube_imap_client_fail (task, _taube_imap_client_status_error (self, response));
      return;
    }
  _taube_imap_client_release (self);
  g_task_return_boolean (task, TRUE);
}

static gboolean
lists_capabilities (TaubeImapResponse *tagged,
                    GPtrArray         *untagged)
{
  if (g_strcmp0 (taube_imap_response_get_code_name (tagged), "CAPABILITY") == 0)
    return TRUE;
  for (guint i = 0; i < untagged->len; i++)
    {
      TaubeImapResponse *response = g_ptr_array_index (untagged, i);

      if (taube_imap_response_is_keyword (response, "CAPABILITY")
          || g_strcmp0 (taube_imap_response_get_code_name (response), "CAPABILITY") == 0)
        return TRUE;
    }
  return FALSE;
}

static void
taube_imap_client_login_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TaubeImapClient *self = TAUBE_IMAP_CLIENT (object);
  g_autoptr(TaubeImapResponse) response = NULL;
  g_autoptr(GPtrArray) untagged = NULL;
  GError *error = NULL;

  response = _taube_imap_client_exchange_finish (self, result, &untagged, &error);
  if (response == NULL)
    {
      _taube_imap_client_fail (task, error);
      return;
    }
  switch (taube_imap_response_get_status (response))
    {
    case TAUBE_IMAP_STATUS_OK:
      break;
    case TAUBE_IMAP_STATUS_NO:
      /* RFC 9051 §6.2.2, §6.2.3: NO is a failed authentication, usually with
       * [AUTHENTICATIONFAILED] (RFC 5530 §3). */
      /* Translators: %s is a server name, then the server's own words in quotes. */
      _taube_imap_client_fail (task, g_error_new (
        TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_BAD_CREDENTIALS,
        _("The server %s did not accept the user name or password (“%s”). "
          "Check them and try again."),
        host_of (self),
        taube_imap_response_get_text (response)));
      return;
    default:
      _taube_imap_client_fail (task, _taube_imap_client_status_error (self, response));
      return;
    }

  _taube_imap_client_set_state (self, TAUBE_IMAP_CLIENT_AUTHENTICATED);
  /* RFC 9051 §6.2.2: capabilities may change with authentication; the server may list
   * them in the OK, else they are asked for again. */
  if (!lists_capabilities (response, untagged))
    {
      _taube_imap_client_forget_capabilities (self);
      _taube_imap_client_exchange_async (self, "CAPABILITY", NULL, NULL,
                                         g_task_get_cancellable (task),
                                         taube_imap_client_login_capability_cb,
                                         g_object_ref (task));
      return;
    }
  _taube_imap_client_release (self);
  g_task_return_boolean (task, TRUE);
}

static char *
sasl_plain_response (const char *user,
                     const char *password)
{
  /* RFC 4616: authzid NUL authcid NUL passwd, with an empty authzid. */
  gsize user_len = strlen (user);
  gsize password_len = strlen (password);
  gsize len = user_len + password_len + 2;
  g_autofree guint8 *raw = g_malloc (len);
  char *encoded;

  raw[0] = '\0';
  memcpy (raw + 1, user, user_len);
  raw[1 + user_len] = '\0';
  memcpy (raw + 2 + user_len, password, password_len);
  encoded = g_base64_encode (raw, len);
  explicit_bzero (raw, len);
  return encoded;
}

static void
add_continuation (GPtrArray  *continuations,
                  char       *line,
                  char       *secret)
{
  g_ptr_array_add (continuations, line);
  g_ptr_array_add (continuations, secret);
}

/* AUTHENTICATE PLAIN (RFC 9051 §6.2.2), with the response on the command line when the
 * server offers SASL-IR (RFC 4959), else after its "+". */
static void
authenticate_plain (TaubeImapClient *self,
                    GTask           *task,
                    const char      *user,
                    const char      *password)
{
  g_autofree char *response = sasl_plain_response (user, password);
  GPtrArray *continuations = NULL;
  const char *secret = NULL;

  if (taube_imap_client_has_capability (self, "SASL-IR"))
    secret = response;
  else
    {
      continuations = g_ptr_array_new_with_free_func (_taube_imap_client_wipe_free);
      add_continuation (continuations, NULL, g_strdup (response));
    }
  _taube_imap_client_exchange_async (self, "AUTHENTICATE PLAIN", secret, continuations,
                                     g_task_get_cancellable (task), taube_imap_client_login_cb,
                                     g_object_ref (task));
  explicit_bzero (response, strlen (response));
}

/* LOGIN (RFC 9051 §6.2.3) with quoted strings, or synchronising literals for what cannot
 * be quoted; the password always goes out as the redacted part of a line. */
static void
login_plain (TaubeImapClient *self,
             GTask           *task,
             const char      *user,
             const char      *password)
{
  g_autofree char *quoted_user = _taube_imap_client_quote (user);
  g_autofree char *quoted_password = _taube_imap_client_quote (password);
  GPtrArray *continuations = g_ptr_array_new_with_free_func (_taube_imap_client_wipe_free);
  g_autofree char *line = NULL;
  const char *secret = NULL;

  if (quoted_user != NULL)
    {
      if (quoted_password != NULL)
        {
          line = g_strdup_printf ("LOGIN %s", quoted_user);
          secret = quoted_password;
        }
      else
        {
          line = g_strdup_printf ("LOGIN %s {%zu}", quoted_user, strlen (password));
          add_continuation (continuations, NULL, g_strdup (password));
        }
    }
  else
    {
      line = g_strdup_printf ("LOGIN {%zu}", strlen (user));
      if (quoted_password != NULL)
        add_continuation (continuations, g_strdup (user), g_strdup (quoted_password));
      else
        {
          add_continuation (continuations,
                            g_strdup_printf ("%s {%zu}", user, strlen (password)), NULL);
          add_continuation (continuations, NULL, g_strdup (password));
        }
    }
  _taube_imap_client_exchange_async (self, line, secret, continuations,
                                     g_task_get_cancellable (task), taube_imap_client_login_cb,
                                     g_object_ref (task));
  if (quoted_password != NULL)
    explicit_bzero (quoted_password, strlen (quoted_password));
}

/**
 * taube_imap_client_login_async:
 * @self: a connected #TaubeImapClient
 * @user: the user name
 * @password: the password
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when logged in
 * @user_data: data for @callback
 *
 * Logs in with AUTHENTICATE PLAIN when the server offers it, else LOGIN, and refreshes
 * the capabilities. A wrong password fails with %TAUBE_IMAP_ERROR_BAD_CREDENTIALS and the
 * session stays open for another try. Without encryption this needs
 * taube_imap_client_set_allow_plaintext(), and a server that advertises LOGINDISABLED gets
 * nothing: both fail with %TAUBE_IMAP_ERROR_LOGINDISABLED. After a PREAUTH greeting this
 * does nothing.
 */
void
taube_imap_client_login_async (TaubeImapClient     *self,
                               const char          *user,
                               const char          *password,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));
  g_return_if_fail (user != NULL);
  g_return_if_fail (password != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = _taube_imap_client_begin (self, taube_imap_client_login_async, FALSE, cancellable,
                                   callback, user_data);
  if (task == NULL)
    return;
  if (_taube_imap_client_get_state (self) != TAUBE_IMAP_CLIENT_NOT_AUTHENTICATED)
    {
      _taube_imap_client_release (self);
      if (_taube_imap_client_get_state (self) == TAUBE_IMAP_CLIENT_AUTHENTICATED)
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                                 _("Not connected to the server %s."),
                                 host_of (self));
      return;
    }
  if (!taube_connection_is_encrypted (taube_imap_client_get_connection (self))
      && !taube_imap_client_get_allow_plaintext (self))
    {
      _taube_imap_client_fail (task, g_error_new (
        TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_LOGINDISABLED,
        /* Translators: %s is a server name. */
        _("The connection to %s is not encrypted, so Taube did not send the password. "
          "Choose TLS or STARTTLS in the account settings."),
        host_of (self)));
      return;
    }
  if (taube_imap_client_has_capability (self, "LOGINDISABLED"))
    {
      _taube_imap_client_fail (task, login_refused_error (self));
      return;
    }
  if (taube_imap_client_has_capability (self, "AUTH=PLAIN"))
    authenticate_plain (self, task, user, password);
  else
    login_plain (self, task, user, password);
}

gboolean
taube_imap_client_login_finish (TaubeImapClient  *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (
    g_task_get_source_tag (G_TASK (result)) == taube_imap_client_login_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
