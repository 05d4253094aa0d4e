/* taube-tls-trust.c — which server certificates an account accepts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GIO verifies every server certificate against the system's CAs and the host name.
 * An account may add to that, never take away: a CA file (a company's own CA) and
 * certificates the user pinned after looking at them (by SHA-256 fingerprint of the DER
 * encoding). Anything else is rejected, and the rejected certificate is kept so the UI
 * can show it and offer to pin it. RFC 8314 §5: a session whose certificate was not
 * validated is not confidential, so there is no "accept anyway" switch here.
 */
#define G_LOG_DOMAIN "taube-tls"

#include "taube-tls-trust.h"

struct _TaubeTlsTrust
{
  GObject parent_instance;

  GPtrArray *ca_databases;
  GPtrArray *pins;
  GTlsCertificate *rejected;
  GTlsCertificateFlags rejected_flags;
};

G_DEFINE_FINAL_TYPE (TaubeTlsTrust, taube_tls_trust, G_TYPE_OBJECT)

static void
taube_tls_trust_finalize (GObject *object)
{
  TaubeTlsTrust *self = TAUBE_TLS_TRUST (object);

  g_clear_pointer (&self->ca_databases, g_ptr_array_unref);
  g_clear_pointer (&self->pins, g_ptr_array_unref);
  g_clear_object (&self->rejected);

  G_OBJECT_CLASS (taube_tls_trust_parent_class)->finalize (object);
}

static void
taube_tls_trust_class_init (TaubeTlsTrustClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = taube_tls_trust_finalize;
}

static void
taube_tls_trust_init (TaubeTlsTrust *self)
{
  self->ca_databases = g_ptr_array_new_with_free_func (g_object_unref);
  self->pins = g_ptr_array_new_with_free_func (g_free);
}

TaubeTlsTrust *
taube_tls_trust_new (void)
{
  return g_object_new (TAUBE_TYPE_TLS_TRUST, NULL);
}

/**
 * taube_tls_trust_add_ca_file:
 * @self: a #TaubeTlsTrust
 * @path: a PEM file with one or more CA certificates
 * @error: return location for a #GError
 *
 * Trusts the CAs in @path in addition to the system's.
 */
gboolean
taube_tls_trust_add_ca_file (TaubeTlsTrust  *self,
                             const char     *path,
                             GError        **error)
{
  GTlsDatabase *database;

  g_return_val_if_fail (TAUBE_IS_TLS_TRUST (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  database = g_tls_file_database_new (path, error);
  if (database == NULL)
    return FALSE;
  g_ptr_array_add (self->ca_databases, database);
  return TRUE;
}

/**
 * taube_tls_trust_add_pin:
 * @self: a #TaubeTlsTrust
 * @sha256_hex: a fingerprint as taube_tls_certificate_get_fingerprint() writes it
 *
 * Accepts the server certificate with this fingerprint even though no CA vouches for it.
 */
void
taube_tls_trust_add_pin (TaubeTlsTrust *self,
                         const char    *sha256_hex)
{
  g_return_if_fail (TAUBE_IS_TLS_TRUST (self));
  g_return_if_fail (sha256_hex != NULL);

  g_ptr_array_add (self->pins, g_ascii_strdown (sha256_hex, -1));
}

/**
 * taube_tls_certificate_get_fingerprint:
 * @certificate: a #GTlsCertificate
 *
 * Returns: (transfer full): the SHA-256 of the certificate's DER encoding, in lower-case hex
 */
char *
taube_tls_certificate_get_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
}

static gboolean
is_pinned (TaubeTlsTrust   *self,
           GTlsCertificate *certificate)
{
  g_autofree char *fingerprint = taube_tls_certificate_get_fingerprint (certificate);

  for (guint i = 0; i < self->pins->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->pins, i), fingerprint) == 0)
      return TRUE;
  return FALSE;
}

/* Only an unknown issuer may be cured by the account's own CAs: a wrong host name,
 * an expired or revoked certificate stays an error. */
static gboolean
is_vouched_by_extra_ca (TaubeTlsTrust        *self,
                        GSocketConnectable   *identity,
                        GTlsCertificate      *certificate,
                        GTlsCertificateFlags  errors)
{
  if (errors != G_TLS_CERTIFICATE_UNKNOWN_CA)
    return FALSE;

  for (guint i = 0; i < self->ca_databases->len; i++)
    {
      GTlsDatabase *database = g_ptr_array_index (self->ca_databases, i);
      GTlsCertificateFlags flags;

      /* A local check against an in-memory file database: it does not block on I/O. */
      flags = g_tls_database_verify_chain (database, certificate,
                                           G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER, identity,
                                           NULL, G_TLS_DATABASE_VERIFY_NONE, NULL, NULL);
      if (flags == 0)
        return TRUE;
    }
  return FALSE;
}

/**
 * taube_tls_trust_accepts:
 * @self: a #TaubeTlsTrust
 * @certificate: the certificate a server presented
 * @errors: what the system's verification found wrong with it
 * @identity: (nullable): the server name it was expected to carry
 *
 * For TLS connections this object does not attach to (libsoup's, for HTTPS autoconfig):
 * whether @self's CAs or pins accept a certificate the system's CAs did not. Nothing is
 * remembered as rejected.
 *
 * Returns: %TRUE to accept the certificate
 */
gboolean
taube_tls_trust_accepts (TaubeTlsTrust        *self,
                         GTlsCertificate      *certificate,
                         GTlsCertificateFlags  errors,
                         GSocketConnectable   *identity)
{
  g_return_val_if_fail (TAUBE_IS_TLS_TRUST (self), FALSE);
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), FALSE);

  return is_vouched_by_extra_ca (self, identity, certificate, errors)
         || is_pinned (self, certificate);
}

/**
 * taube_tls_trust_add_database:
 * @self: a #TaubeTlsTrust
 * @database: a database of CA certificates
 *
 * Trusts the CAs in @database in addition to the system's, like
 * taube_tls_trust_add_ca_file().
 */
void
taube_tls_trust_add_database (TaubeTlsTrust *self,
                              GTlsDatabase  *database)
{
  g_return_if_fail (TAUBE_IS_TLS_TRUST (self));
  g_return_if_fail (G_IS_TLS_DATABASE (database));

  g_ptr_array_add (self->ca_databases, g_object_ref (database));
}

static gboolean
taube_tls_trust_accept_certificate_cb (GTlsConnection       *connection,
                                       GTlsCertificate      *certificate,
                                       GTlsCertificateFlags  errors,
                                       gpointer              user_data)
{
  TaubeTlsTrust *self = user_data;

  GSocketConnectable *identity =
    g_tls_client_connection_get_server_identity (G_TLS_CLIENT_CONNECTION (connection));

  if (is_vouched_by_extra_ca (self, identity, certificate, errors))
    return TRUE;
  if (is_pinned (self, certificate))
    {
      g_debug ("Accepting pinned certificate (flags 0x%x)", errors);
      return TRUE;
    }

  g_debug ("Rejecting server certificate (flags 0x%x)", errors);
  g_set_object (&self->rejected, certificate);
  self->rejected_flags = errors;
  return FALSE;
}

/**
 * taube_tls_trust_attach:
 * @self: a #TaubeTlsTrust
 * @connection: a client connection before its handshake
 *
 * Makes @connection accept what @self trusts on top of the system's verification.
 */
void
taube_tls_trust_attach (TaubeTlsTrust        *self,
                        GTlsClientConnection *connection)
{
  g_return_if_fail (TAUBE_IS_TLS_TRUST (self));
  g_return_if_fail (G_IS_TLS_CLIENT_CONNECTION (connection));

  g_clear_object (&self->rejected);
  self->rejected_flags = 0;
  g_signal_connect_object (connection, "accept-certificate",
                           G_CALLBACK (taube_tls_trust_accept_certificate_cb), self, 0);
}

/**
 * taube_tls_trust_get_rejected:
 * @self: a #TaubeTlsTrust
 *
 * Returns: (transfer none) (nullable): the certificate the last handshake refused
 */
GTlsCertificate *
taube_tls_trust_get_rejected (TaubeTlsTrust *self)
{
  g_return_val_if_fail (TAUBE_IS_TLS_TRUST (self), NULL);

  return self->rejected;
}

/**
 * taube_tls_trust_get_rejected_flags:
 * @self: a #TaubeTlsTrust
 *
 * Returns: why the last handshake refused its certificate
 */
GTlsCertificateFlags
taube_tls_trust_get_rejected_flags (TaubeTlsTrust *self)
{
  g_return_val_if_fail (TAUBE_IS_TLS_TRUST (self), 0);

  return self->rejected_flags;
}
