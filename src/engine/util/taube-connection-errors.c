/* taube-connection-errors.c — transport errors a person can act on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GIO's messages ("Error connecting: Connection refused") say what the socket saw, not
 * what to do about it. The domain and code stay GIO's, so callers can still tell a
 * refused certificate from a timeout; only the message is replaced.
 */
#define G_LOG_DOMAIN "taube-connection"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "taube-connection-private.h"

static guint
seconds_from_ms (guint timeout_ms)
{
  return (timeout_ms + 999) / 1000;
}

static const char *
describe_certificate_flags (GTlsCertificateFlags flags)
{
  /* The most telling reason first: a wrong name is more alarming than an unknown CA. */
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    return _("it was issued for a different server name");
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    return _("it has been revoked");
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    return _("it has expired");
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    return _("it is not valid yet");
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    return _("it uses an insecure algorithm");
  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    return _("it is not signed by a known certificate authority");
  return _("it is not valid");
}

static char *
explain_connect (TaubeConnection *self,
                 guint            timeout_ms,
                 const GError    *error)
{
  const char *host = taube_connection_get_host (self);
  guint port = taube_connection_get_port (self);

  if (error->domain == G_RESOLVER_ERROR)
    /* Translators: %s is a server name such as "pop.example.com". */
    return g_strdup_printf (_("The server name “%s” could not be found. Check the spelling "
                              "of the server name and your internet connection."), host);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    /* Translators: %s is a server name, %u a port number such as 995. */
    return g_strdup_printf (_("The server %s refused the connection on port %u. Check the "
                              "port number and the security setting."), host, port);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "The server %s did not answer within %u second. "
                                         "Check your internet connection, or try again later.",
                                         "The server %s did not answer within %u seconds. "
                                         "Check your internet connection, or try again later.",
                                         seconds_from_ms (timeout_ms)),
                            host, seconds_from_ms (timeout_ms));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE))
    return g_strdup_printf (_("The server %s cannot be reached. Check your internet "
                              "connection."), host);
  /* Translators: the first %s is a server name, the second GIO's description of the error. */
  return g_strdup_printf (_("Could not connect to the server %s: %s"), host, error->message);
}

static char *
explain_handshake (TaubeConnection *self,
                   const GError    *error)
{
  const char *host = taube_connection_get_host (self);
  TaubeTlsTrust *trust = taube_connection_get_trust (self);

  if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
    {
      GTlsCertificateFlags flags = trust != NULL ? taube_tls_trust_get_rejected_flags (trust) : 0;

      /* Translators: %s is a server name; the second %s a reason such as "it has expired". */
      return g_strdup_printf (_("The certificate of the server %s cannot be trusted: %s. "
                                "Someone may be intercepting the connection. Look at the "
                                "certificate, and only trust it if you are sure it belongs to "
                                "your provider."),
                              host, describe_certificate_flags (flags));
    }
  if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_NOT_TLS)
      || g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_EOF))
    return g_strdup_printf (_("The server %s does not speak TLS on port %u. Check the port "
                              "number and the security setting (TLS or STARTTLS)."),
                            host, (guint) taube_connection_get_port (self));
  /* Translators: the first %s is a server name, the second the TLS library's message. */
  return g_strdup_printf (_("The encrypted connection to the server %s could not be set up "
                            "(%s). Check the port number and the security setting (TLS or "
                            "STARTTLS)."), host, error->message);
}

static char *
explain_io (TaubeConnection *self,
            const GError    *error)
{
  const char *host = taube_connection_get_host (self);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_strdup_printf (_("The server %s stopped answering. Try again later."), host);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE)
      || g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_EOF))
    return g_strdup_printf (_("The server %s closed the connection unexpectedly. Try again "
                              "later."), host);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
    return g_strdup_printf (_("The server %s sent a reply line longer than %lu bytes. Check "
                              "that the server name and port belong to a mail server."),
                            host, (unsigned long) taube_connection_get_max_line_length (self));
  /* Translators: the first %s is a server name, the second GIO's description of the error. */
  return g_strdup_printf (_("The connection to the server %s failed: %s"), host, error->message);
}

/*
 * Returns a copy of @error with the same domain and code and a message that says what
 * happened and what to try. A cancellation is passed on untouched: nobody is shown it.
 */
GError *
_taube_connection_explain_error (TaubeConnection     *self,
                                 TaubeConnectionStep  step,
                                 guint                timeout_ms,
                                 const GError        *error)
{
  g_autofree char *message = NULL;

  g_assert (error != NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  switch (step)
    {
    case TAUBE_CONNECTION_STEP_CONNECT:
      message = explain_connect (self, timeout_ms, error);
      break;
    case TAUBE_CONNECTION_STEP_HANDSHAKE:
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        message = explain_connect (self, timeout_ms, error);
      else if (error->domain == G_TLS_ERROR)
        message = explain_handshake (self, error);
      else
        message = explain_io (self, error);
      break;
    case TAUBE_CONNECTION_STEP_IO:
    default:
      message = explain_io (self, error);
      break;
    }
  return g_error_new_literal (error->domain, error->code, message);
}
