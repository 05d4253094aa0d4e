/* taube-tls-trust.h — which server certificates an account accepts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TAUBE_TYPE_TLS_TRUST (taube_tls_trust_get_type ())

G_DECLARE_FINAL_TYPE (TaubeTlsTrust, taube_tls_trust, TAUBE, TLS_TRUST, GObject)

TaubeTlsTrust        *taube_tls_trust_new                   (void);
gboolean              taube_tls_trust_add_ca_file           (TaubeTlsTrust        *self,
                                                             const char           *path,
                                                             GError              **error);
void                  taube_tls_trust_add_pin               (TaubeTlsTrust        *self,
                                                             const char           *sha256_hex);
void                  taube_tls_trust_attach                (TaubeTlsTrust        *self,
                                                             GTlsClientConnection *connection);
GTlsCertificate      *taube_tls_trust_get_rejected          (TaubeTlsTrust        *self);
GTlsCertificateFlags  taube_tls_trust_get_rejected_flags    (TaubeTlsTrust        *self);
char                 *taube_tls_certificate_get_fingerprint (GTlsCertificate      *certificate);

/* Additions for account setup (taube-tls-trust-extra.c). */
void                  taube_tls_trust_add_database          (TaubeTlsTrust        *self,
                                                             GTlsDatabase         *database);
gboolean              taube_tls_trust_add_test_ca_from_env  (TaubeTlsTrust        *self,
                                                             GError              **error);
gboolean              taube_tls_trust_accepts               (TaubeTlsTrust        *self,
                                                             GTlsCertificate      *certificate,
                                                             GTlsCertificateFlags  errors,
                                                             GSocketConnectable   *identity);

G_END_DECLS
