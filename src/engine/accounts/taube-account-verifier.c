/* taube-account-verifier.c — logs in to an account's incoming and outgoing servers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The setup assistant and `taube-cli account add` check settings the way the account
 * will really use them: the same clients, the same TLS trust (system CAs, the account's
 * CA file and pins), the same refusal to send a password in the clear. Each server gets
 * connect, login, logout; the first failure ends the check.
 */
#define G_LOG_DOMAIN "taube-accounts"

#include "config.h"

#include <string.h>

#include "taube-account-trust.h"
#include "taube-account-verifier-private.h"
#include "taube-imap-client.h"
#include "taube-pop3-client.h"
#include "taube-smtp-client.h"

/* Generous for a slow line, short enough that a person is not left waiting long. */
#define CONNECT_TIMEOUT_MS 15000
#define READ_TIMEOUT_MS 20000

struct _TaubeAccountVerifier
{
  GObject parent_instance;

  TaubeAccount *account;
  GTlsCertificate *certificate;
  char *fingerprint;
};

G_DEFINE_FINAL_TYPE (TaubeAccountVerifier, taube_account_verifier, G_TYPE_OBJECT)

/* The three clients differ in names only for what the verifier does with them. */
typedef struct
{
  const char *name;
  const char *log_domain;
  GObject  *(*new_client)     (TaubeConnection *connection);
  void      (*set_plaintext)  (GObject *client, gboolean allow);
  void      (*connect_async)  (GObject *client, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
  gboolean  (*connect_finish) (GObject *client, GAsyncResult *result, GError **error);
  void      (*login_async)    (GObject *client, const char *user, const char *password,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data);
  gboolean  (*login_finish)   (GObject *client, GAsyncResult *result, GError **error);
  void      (*logout_async)   (GObject *client, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
  gboolean  (*logout_finish)  (GObject *client, GAsyncResult *result, GError **error);
} ClientOps;

#define DEFINE_OPS(prefix, TYPE, logout, logout_finish_fn) \
  static GObject * prefix##_new (TaubeConnection *c) \
  { return G_OBJECT (taube_##prefix##_client_new (c)); } \
  static void prefix##_set_plaintext (GObject *o, gboolean a) \
  { taube_##prefix##_client_set_allow_plaintext (TYPE (o), a); } \
  static void prefix##_connect (GObject *o, GCancellable *c, GAsyncReadyCallback cb, gpointer d) \
  { taube_##prefix##_client_connect_async (TYPE (o), c, cb, d); } \
  static gboolean prefix##_connect_finish (GObject *o, GAsyncResult *r, GError **e) \
  { return taube_##prefix##_client_connect_finish (TYPE (o), r, e); } \
  static void prefix##_login (GObject *o, const char *u, const char *p, GCancellable *c, \
                              GAsyncReadyCallback cb, gpointer d) \
  { taube_##prefix##_client_login_async (TYPE (o), u, p, c, cb, d); } \
  static gboolean prefix##_login_finish (GObject *o, GAsyncResult *r, GError **e) \
  { return taube_##prefix##_client_login_finish (TYPE (o), r, e); } \
  static void prefix##_logout (GObject *o, GCancellable *c, GAsyncReadyCallback cb, gpointer d) \
  { logout (TYPE (o), c, cb, d); } \
  static gboolean prefix##_logout_finish (GObject *o, GAsyncResult *r, GError **e) \
  { return logout_finish_fn (TYPE (o), r, e); }

DEFINE_OPS (imap, TAUBE_IMAP_CLIENT, taube_imap_client_logout_async,
            taube_imap_client_logout_finish)
DEFINE_OPS (pop3, TAUBE_POP3_CLIENT, taube_pop3_client_quit_async,
            taube_pop3_client_command_finish)
DEFINE_OPS (smtp, TAUBE_SMTP_CLIENT, taube_smtp_client_quit_async,
            taube_smtp_client_command_finish)

static const ClientOps imap_ops = {
  "IMAP", "taube-imap", imap_new, imap_set_plaintext, imap_connect, imap_connect_finish,
  imap_login, imap_login_finish, imap_logout, imap_logout_finish,
};
static const ClientOps pop3_ops = {
  "POP3", "taube-pop3", pop3_new, pop3_set_plaintext, pop3_connect, pop3_connect_finish,
  pop3_login, pop3_login_finish, pop3_logout, pop3_logout_finish,
};
static const ClientOps smtp_ops = {
  "SMTP", "taube-smtp", smtp_new, smtp_set_plaintext, smtp_connect, smtp_connect_finish,
  smtp_login, smtp_login_finish, smtp_logout, smtp_logout_finish,
};

typedef struct
{
  char *password;
  TaubeVerifyStep step;
  const ClientOps *ops;
  char *username;
  TaubeTlsTrust *trust;
  TaubeConnection *connection;
  GObject *client;
} VerifyOp;

static void
verify_op_clear_step (VerifyOp *op)
{
  g_clear_object (&op->client);
  g_clear_object (&op->connection);
  g_clear_object (&op->trust);
  g_clear_pointer (&op->username, g_free);
}

static void
verify_op_free (VerifyOp *op)
{
  verify_op_clear_step (op);
  /* The password lives no longer than the check, and leaves no copy in freed memory. */
  if (op->password != NULL)
    explicit_bzero (op->password, strlen (op->password));
  g_free (op->password);
  g_free (op);
}

static void
taube_account_verifier_finalize (GObject *object)
{
  TaubeAccountVerifier *self = TAUBE_ACCOUNT_VERIFIER (object);

  g_clear_object (&self->account);
  g_clear_object (&self->certificate);
  g_clear_pointer (&self->fingerprint, g_free);

  G_OBJECT_CLASS (taube_account_verifier_parent_class)->finalize (object);
}

static void
taube_account_verifier_class_init (TaubeAccountVerifierClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = taube_account_verifier_finalize;
}

static void
taube_account_verifier_init (TaubeAccountVerifier *self)
{
}

/**
 * taube_account_verifier_new:
 * @account: the settings to check
 *
 * Returns: (transfer full): a verifier for @account
 */
TaubeAccountVerifier *
taube_account_verifier_new (TaubeAccount *account)
{
  TaubeAccountVerifier *self;

  g_return_val_if_fail (TAUBE_IS_ACCOUNT (account), NULL);

  self = g_object_new (TAUBE_TYPE_ACCOUNT_VERIFIER, NULL);
  self->account = g_object_ref (account);
  return self;
}

/* Closing without waiting: the result is known, the socket only needs to go. */
static void
close_quietly (TaubeConnection *connection)
{
  if (connection != NULL && taube_connection_is_connected (connection))
    taube_connection_close_async (connection, NULL, NULL, NULL);
}

static void
keep_certificate (TaubeAccountVerifier *self,
                  TaubeTlsTrust        *trust)
{
  GTlsCertificate *rejected = trust != NULL ? taube_tls_trust_get_rejected (trust) : NULL;

  if (rejected == NULL)
    return;
  g_set_object (&self->certificate, rejected);
  g_free (self->fingerprint);
  self->fingerprint = taube_tls_certificate_get_fingerprint (rejected);
}

static void
fail (GTask  *task,
      GError *error)
{
  TaubeAccountVerifier *self = g_task_get_source_object (task);
  VerifyOp *op = g_task_get_task_data (task);
  GError *verify_error;

  if (op->connection == NULL)
    verify_error = g_error_new_literal (TAUBE_VERIFY_ERROR, TAUBE_VERIFY_ERROR_CERTIFICATE,
                                        error->message);
  else
    verify_error = _taube_verify_error_new (error, op->connection, op->ops->name,
                                            op->username);
  if (g_error_matches (verify_error, TAUBE_VERIFY_ERROR, TAUBE_VERIFY_ERROR_CERTIFICATE))
    keep_certificate (self, op->trust);
  g_error_free (error);
  close_quietly (op->connection);
  g_task_return_error (task, verify_error);
}

static void start_step (GTask *task);

static void
taube_account_verifier_logout_cb (GObject      *object,
                                  GAsyncResult *result,
                                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VerifyOp *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* The login worked, which is what was asked; a server that hangs up on LOGOUT
   * instead of answering does not make the settings wrong. */
  if (!op->ops->logout_finish (object, result, &error))
    g_debug ("Logging out of %s: %s", taube_connection_get_host (op->connection),
             error->message);
  close_quietly (op->connection);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (op->step == TAUBE_VERIFY_STEP_OUTGOING)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  op->step = TAUBE_VERIFY_STEP_OUTGOING;
  start_step (g_steal_pointer (&task));
}

static void
taube_account_verifier_login_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VerifyOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!op->ops->login_finish (object, result, &error))
    {
      fail (task, error);
      return;
    }
  op->ops->logout_async (op->client, g_task_get_cancellable (task),
                         taube_account_verifier_logout_cb, g_object_ref (task));
}

static void
taube_account_verifier_connect_cb (GObject      *object,
                                   GAsyncResult *result,
                                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VerifyOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!op->ops->connect_finish (object, result, &error))
    {
      fail (task, error);
      return;
    }
  op->ops->login_async (op->client, op->username, op->password, g_task_get_cancellable (task),
                        taube_account_verifier_login_cb, g_object_ref (task));
}

static void
start_step (GTask *task)
{
  TaubeAccountVerifier *self = g_task_get_source_object (task);
  VerifyOp *op = g_task_get_task_data (task);
  gboolean incoming = op->step == TAUBE_VERIFY_STEP_INCOMING;
  g_autofree char *host = NULL;
  guint port = 0;
  TaubeSecurity security = TAUBE_SECURITY_TLS;
  gboolean allow_plaintext = FALSE;
  GError *error = NULL;

  verify_op_clear_step (op);
  g_object_get (self->account,
                incoming ? "incoming-host" : "outgoing-host", &host,
                incoming ? "incoming-port" : "outgoing-port", &port,
                incoming ? "incoming-security" : "outgoing-security", &security,
                "allow-plaintext", &allow_plaintext,
                NULL);
  op->username = g_strdup (incoming ? taube_account_get_incoming_username (self->account)
                                    : taube_account_get_outgoing_username (self->account));
  if (op->username == NULL)
    op->username = g_strdup (taube_account_get_email_address (self->account));
  if (!incoming)
    op->ops = &smtp_ops;
  else
    op->ops = taube_account_get_protocol (self->account) == TAUBE_PROTOCOL_POP3 ? &pop3_ops
                                                                               : &imap_ops;
  op->trust = taube_account_new_tls_trust (self->account, &error);
  if (op->trust == NULL)
    {
      fail (task, error);
      g_object_unref (task);
      return;
    }
  op->connection = taube_connection_new (host != NULL ? host : "", (guint16) port, security,
                                         op->trust, op->ops->log_domain, CONNECT_TIMEOUT_MS,
                                         READ_TIMEOUT_MS);
  op->client = op->ops->new_client (op->connection);
  op->ops->set_plaintext (op->client, allow_plaintext);
  op->ops->connect_async (op->client, g_task_get_cancellable (task),
                          taube_account_verifier_connect_cb, task);
}

/**
 * taube_account_verifier_verify_async:
 * @self: a #TaubeAccountVerifier
 * @password: the account's password; it is not kept after the call
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when both servers accepted the login, or one did not
 * @user_data: data for @callback
 *
 * Logs in to the incoming server and then to the outgoing one, logging out of each.
 */
void
taube_account_verifier_verify_async (TaubeAccountVerifier *self,
                                     const char           *password,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data)
{
  GTask *task;
  VerifyOp *op;

  g_return_if_fail (TAUBE_IS_ACCOUNT_VERIFIER (self));
  g_return_if_fail (password != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  g_clear_object (&self->certificate);
  g_clear_pointer (&self->fingerprint, g_free);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, taube_account_verifier_verify_async);
  op = g_new0 (VerifyOp, 1);
  op->password = g_strdup (password);
  op->step = TAUBE_VERIFY_STEP_INCOMING;
  g_task_set_task_data (task, op, (GDestroyNotify) verify_op_free);
  start_step (task);
}

/**
 * taube_account_verifier_verify_finish:
 * @self: a #TaubeAccountVerifier
 * @result: the result passed to the callback
 * @failed_step: (out) (optional): which server failed, when this returns %FALSE
 * @error: return location for a #GError in %TAUBE_VERIFY_ERROR (or %G_IO_ERROR_CANCELLED)
 *
 * Returns: %TRUE if both servers accepted the login
 */
gboolean
taube_account_verifier_verify_finish (TaubeAccountVerifier  *self,
                                      GAsyncResult          *result,
                                      TaubeVerifyStep       *failed_step,
                                      GError               **error)
{
  VerifyOp *op;
  gboolean ok;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (
    g_task_get_source_tag (G_TASK (result)) == taube_account_verifier_verify_async, FALSE);

  op = g_task_get_task_data (G_TASK (result));
  ok = g_task_propagate_boolean (G_TASK (result), error);
  if (!ok && failed_step != NULL)
    *failed_step = op->step;
  return ok;
}

/**
 * taube_account_verifier_get_certificate:
 * @self: a #TaubeAccountVerifier
 *
 * Returns: (transfer none) (nullable): the certificate the last check refused
 */
GTlsCertificate *
taube_account_verifier_get_certificate (TaubeAccountVerifier *self)
{
  g_return_val_if_fail (TAUBE_IS_ACCOUNT_VERIFIER (self), NULL);
  return self->certificate;
}

/**
 * taube_account_verifier_get_fingerprint:
 * @self: a #TaubeAccountVerifier
 *
 * Returns: (nullable): the SHA-256 fingerprint of that certificate, as the account's
 *   "pinned-certificates" holds it
 */
const char *
taube_account_verifier_get_fingerprint (TaubeAccountVerifier *self)
{
  g_return_val_if_fail (TAUBE_IS_ACCOUNT_VERIFIER (self), NULL);
  return self->fingerprint;
}
