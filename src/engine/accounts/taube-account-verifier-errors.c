/* taube-account-verifier-errors.c — a failed login, told as what to try next
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The clients' error domains say precisely what happened in protocol terms; the person
 * setting up an account needs fewer, coarser cases, each with its own advice. The
 * certificate and server-refusal messages of the clients already say that, and are kept.
 */
#define G_LOG_DOMAIN "taube-accounts"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "taube-account-verifier-private.h"
#include "taube-imap-error.h"
#include "taube-pop3-error.h"
#include "taube-smtp-error.h"

G_DEFINE_QUARK (taube-verify-error-quark, taube_verify_error)

static TaubeVerifyError
classify_io (const GError *error)
{
  if (error->domain == G_RESOLVER_ERROR)
    return TAUBE_VERIFY_ERROR_HOST_NOT_FOUND;
  if (error->domain == G_TLS_ERROR)
    return g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE)
           ? TAUBE_VERIFY_ERROR_CERTIFICATE : TAUBE_VERIFY_ERROR_PROTOCOL;
  return TAUBE_VERIFY_ERROR_UNREACHABLE;
}

static TaubeVerifyError
classify_imap (const GError *error)
{
  switch ((TaubeImapError) error->code)
    {
    case TAUBE_IMAP_ERROR_BAD_CREDENTIALS: return TAUBE_VERIFY_ERROR_BAD_CREDENTIALS;
    case TAUBE_IMAP_ERROR_LOGINDISABLED:
    case TAUBE_IMAP_ERROR_STARTTLS_FAILED: return TAUBE_VERIFY_ERROR_PLAINTEXT;
    case TAUBE_IMAP_ERROR_PROTOCOL:
    case TAUBE_IMAP_ERROR_TOO_BIG: return TAUBE_VERIFY_ERROR_PROTOCOL;
    case TAUBE_IMAP_ERROR_TIMEOUT: return TAUBE_VERIFY_ERROR_UNREACHABLE;
    default: return TAUBE_VERIFY_ERROR_SERVER;
    }
}

static TaubeVerifyError
classify_pop3 (const GError *error)
{
  switch ((TaubePop3Error) error->code)
    {
    case TAUBE_POP3_ERROR_BAD_CREDENTIALS: return TAUBE_VERIFY_ERROR_BAD_CREDENTIALS;
    case TAUBE_POP3_ERROR_STARTTLS_NOT_OFFERED:
    case TAUBE_POP3_ERROR_STARTTLS_FAILED:
    case TAUBE_POP3_ERROR_PLAINTEXT_REFUSED: return TAUBE_VERIFY_ERROR_PLAINTEXT;
    case TAUBE_POP3_ERROR_PROTOCOL: return TAUBE_VERIFY_ERROR_PROTOCOL;
    default: return TAUBE_VERIFY_ERROR_SERVER;
    }
}

static TaubeVerifyError
classify_smtp (const GError *error)
{
  switch ((TaubeSmtpError) error->code)
    {
    case TAUBE_SMTP_ERROR_BAD_CREDENTIALS: return TAUBE_VERIFY_ERROR_BAD_CREDENTIALS;
    case TAUBE_SMTP_ERROR_STARTTLS_NOT_OFFERED:
    case TAUBE_SMTP_ERROR_STARTTLS_FAILED:
    case TAUBE_SMTP_ERROR_PLAINTEXT_REFUSED: return TAUBE_VERIFY_ERROR_PLAINTEXT;
    case TAUBE_SMTP_ERROR_PROTOCOL: return TAUBE_VERIFY_ERROR_PROTOCOL;
    default: return TAUBE_VERIFY_ERROR_SERVER;
    }
}

static TaubeVerifyError
classify (const GError *error)
{
  if (error->domain == TAUBE_IMAP_ERROR)
    return classify_imap (error);
  if (error->domain == TAUBE_POP3_ERROR)
    return classify_pop3 (error);
  if (error->domain == TAUBE_SMTP_ERROR)
    return classify_smtp (error);
  return classify_io (error);
}

static char *
explain_unreachable (const GError *error,
                     const char   *host,
                     guint         port)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    /* Translators: %s is a server name, %u a port number such as 993. */
    return g_strdup_printf (_("The server %s refused the connection on port %u. Check the port "
                              "number, or try the other security setting (TLS or STARTTLS) "
                              "with its usual port."), host, port);
  /* Translators: %s is a server name, %u a port number such as 993. */
  return g_strdup_printf (_("The server %s did not answer on port %u. Check the port number, "
                            "or try the other security setting (TLS or STARTTLS) with its usual "
                            "port. If that does not help, check your internet connection."),
                          host, port);
}

static char *
explain (TaubeVerifyError  code,
         const GError     *error,
         const char       *host,
         guint             port,
         const char       *protocol_name,
         const char       *username)
{
  switch (code)
    {
    case TAUBE_VERIFY_ERROR_BAD_CREDENTIALS:
      /* Translators: %s is a server name, the second %s a user name. */
      return g_strdup_printf (_("The server %s did not accept the user name “%s” with this "
                                "password. Check both for typing errors. Some providers want "
                                "an app password for mail programs instead of your usual "
                                "password: look for “app passwords” in your provider’s "
                                "security settings."), host, username);
    case TAUBE_VERIFY_ERROR_HOST_NOT_FOUND:
      /* Translators: %s is a server name. */
      return g_strdup_printf (_("The server name “%s” could not be found. Check its spelling "
                                "and your internet connection."), host);
    case TAUBE_VERIFY_ERROR_UNREACHABLE:
      return explain_unreachable (error, host, port);
    case TAUBE_VERIFY_ERROR_PLAINTEXT:
      /* Translators: %s is a server name, %u a port number. */
      return g_strdup_printf (_("The server %s offers no encrypted login on port %u, and Taube "
                                "does not send your password unencrypted. Choose TLS or "
                                "STARTTLS with its usual port, or ask your provider."),
                              host, port);
    case TAUBE_VERIFY_ERROR_PROTOCOL:
      /* Translators: the first %s is a server name, the second "IMAP", "POP3" or "SMTP",
       * %u a port number. */
      return g_strdup_printf (_("The server %s does not answer like a %s server on port %u. "
                                "Check the port number and the security setting (TLS or "
                                "STARTTLS)."), host, protocol_name, port);
    case TAUBE_VERIFY_ERROR_CERTIFICATE:
    case TAUBE_VERIFY_ERROR_SERVER:
    default:
      /* The connection's and the clients' messages already name the certificate's fault
       * or quote the server, and say what to do. */
      return g_strdup (error->message);
    }
}

/*
 * Returns @error in TAUBE_VERIFY_ERROR with a message for the person setting up the
 * account; a cancellation is passed on as it is.
 */
GError *
_taube_verify_error_new (const GError    *error,
                         TaubeConnection *connection,
                         const char      *protocol_name,
                         const char      *username)
{
  TaubeVerifyError code;
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  code = classify (error);
  message = explain (code, error, taube_connection_get_host (connection),
                     taube_connection_get_port (connection), protocol_name, username);
  g_debug ("Verification failed (%s %d → %d): %s", g_quark_to_string (error->domain),
           error->code, code, error->message);
  return g_error_new_literal (TAUBE_VERIFY_ERROR, code, message);
}
