/* taube-account-trust.c — the certificates one account accepts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "taube-accounts"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "taube-account-trust.h"

/**
 * taube_account_new_tls_trust:
 * @account: a #TaubeAccount
 * @error: return location for a #GError
 *
 * The system's CAs plus the account's CA file and pinned certificates (and, for tests,
 * TAUBE_EXTRA_CA_FILE).
 *
 * Returns: (transfer full) (nullable): the trust, or %NULL if the CA file cannot be read
 */
TaubeTlsTrust *
taube_account_new_tls_trust (TaubeAccount  *account,
                             GError       **error)
{
  g_autoptr(TaubeTlsTrust) trust = taube_tls_trust_new ();
  g_autofree char *ca_file = NULL;
  g_auto(GStrv) pins = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (TAUBE_IS_ACCOUNT (account), NULL);

  g_object_get (account, "ca-file", &ca_file, "pinned-certificates", &pins, NULL);
  if (ca_file != NULL && *ca_file != '\0'
      && !taube_tls_trust_add_ca_file (trust, ca_file, &local_error))
    {
      /* Translators: %s is a file name, the second %s the reason it could not be read. */
      g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                   _("The certificate authority file “%s” of this account could not be "
                     "read: %s"), ca_file, local_error->message);
      return NULL;
    }
  for (gsize i = 0; pins != NULL && pins[i] != NULL; i++)
    taube_tls_trust_add_pin (trust, pins[i]);
  if (!taube_tls_trust_add_test_ca_from_env (trust, error))
    return NULL;
  return g_steal_pointer (&trust);
}

/**
 * taube_account_new_connection:
 * @account: a #TaubeAccount
 * @server: which of its servers
 * @log_domain: the protocol's log domain, such as "taube-imap"
 * @connect_timeout_ms: how long connecting may take
 * @read_timeout_ms: how long one read may wait
 * @error: return location for a #GError
 *
 * A connection (not yet connected) to one of the account's servers, with its host, port,
 * security and the trust of taube_account_new_tls_trust(): every part of the engine
 * reaches the account's servers the same way.
 *
 * Returns: (transfer full) (nullable): the connection, or %NULL if the CA file cannot be read
 */
TaubeConnection *
taube_account_new_connection (TaubeAccount        *account,
                              TaubeAccountServer   server,
                              const char          *log_domain,
                              guint                connect_timeout_ms,
                              guint                read_timeout_ms,
                              GError             **error)
{
  g_autoptr(TaubeTlsTrust) trust = NULL;
  gboolean outgoing = server == TAUBE_ACCOUNT_SERVER_OUTGOING;
  TaubeSecurity security;
  guint port;

  g_return_val_if_fail (TAUBE_IS_ACCOUNT (account), NULL);

  trust = taube_account_new_tls_trust (account, error);
  if (trust == NULL)
    return NULL;
  g_object_get (account,
                outgoing ? "outgoing-port" : "incoming-port", &port,
                outgoing ? "outgoing-security" : "incoming-security", &security,
                NULL);
  return taube_connection_new (outgoing ? taube_account_get_outgoing_host (account)
                                        : taube_account_get_incoming_host (account),
                               (guint16) port, security, trust, log_domain,
                               connect_timeout_ms, read_timeout_ms);
}
