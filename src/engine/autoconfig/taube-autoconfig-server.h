/* taube-autoconfig-server.h — one server a provider's settings name
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "taube-account.h"
#include "taube-security.h"

G_BEGIN_DECLS

/**
 * TaubeAutoconfigAuth:
 * @TAUBE_AUTOCONFIG_AUTH_PASSWORD_CLEARTEXT: the password as is (LOGIN, AUTH PLAIN), inside TLS
 * @TAUBE_AUTOCONFIG_AUTH_PASSWORD_ENCRYPTED: a challenge-response mechanism such as CRAM-MD5
 * @TAUBE_AUTOCONFIG_AUTH_OAUTH2: an OAuth 2.0 token (XOAUTH2, OAUTHBEARER)
 * @TAUBE_AUTOCONFIG_AUTH_NTLM: NTLM
 * @TAUBE_AUTOCONFIG_AUTH_GSSAPI: Kerberos through GSSAPI (written "GSAPI" in the format)
 * @TAUBE_AUTOCONFIG_AUTH_CLIENT_IP_ADDRESS: no login; the server trusts the client's network
 * @TAUBE_AUTOCONFIG_AUTH_TLS_CLIENT_CERT: a TLS client certificate
 * @TAUBE_AUTOCONFIG_AUTH_NONE: no authentication
 *
 * The `<authentication>` values of the config-v1.1.xml format.
 */
typedef enum
{
  TAUBE_AUTOCONFIG_AUTH_PASSWORD_CLEARTEXT,
  TAUBE_AUTOCONFIG_AUTH_PASSWORD_ENCRYPTED,
  TAUBE_AUTOCONFIG_AUTH_OAUTH2,
  TAUBE_AUTOCONFIG_AUTH_NTLM,
  TAUBE_AUTOCONFIG_AUTH_GSSAPI,
  TAUBE_AUTOCONFIG_AUTH_CLIENT_IP_ADDRESS,
  TAUBE_AUTOCONFIG_AUTH_TLS_CLIENT_CERT,
  TAUBE_AUTOCONFIG_AUTH_NONE,
} TaubeAutoconfigAuth;

#define TAUBE_TYPE_AUTOCONFIG_AUTH (taube_autoconfig_auth_get_type ())
#define TAUBE_TYPE_AUTOCONFIG_SERVER (taube_autoconfig_server_get_type ())

G_DECLARE_FINAL_TYPE (TaubeAutoconfigServer, taube_autoconfig_server, TAUBE, AUTOCONFIG_SERVER,
                      GObject)

GType                  taube_autoconfig_auth_get_type         (void);
gboolean               taube_autoconfig_auth_from_string      (const char            *text,
                                                               TaubeAutoconfigAuth   *auth);

TaubeAutoconfigServer *taube_autoconfig_server_new_incoming   (TaubeProtocol          protocol,
                                                               const char            *hostname,
                                                               guint                  port,
                                                               TaubeSecurity          security,
                                                               const char            *username);
TaubeAutoconfigServer *taube_autoconfig_server_new_outgoing   (const char            *hostname,
                                                               guint                  port,
                                                               TaubeSecurity          security,
                                                               const char            *username);

gboolean               taube_autoconfig_server_is_outgoing    (TaubeAutoconfigServer *self);
TaubeProtocol          taube_autoconfig_server_get_protocol   (TaubeAutoconfigServer *self);
const char            *taube_autoconfig_server_get_hostname   (TaubeAutoconfigServer *self);
guint                  taube_autoconfig_server_get_port       (TaubeAutoconfigServer *self);
TaubeSecurity          taube_autoconfig_server_get_security   (TaubeAutoconfigServer *self);
const char            *taube_autoconfig_server_get_username   (TaubeAutoconfigServer *self);
const TaubeAutoconfigAuth *
                       taube_autoconfig_server_get_authentication (TaubeAutoconfigServer *self,
                                                                   guint                 *n_auth);
gboolean               taube_autoconfig_server_has_authentication (TaubeAutoconfigServer *self,
                                                                   TaubeAutoconfigAuth    auth);
gboolean               taube_autoconfig_server_get_pop3_leave_on_server (TaubeAutoconfigServer *self,
                                                                         gboolean        *leave);
guint                  taube_autoconfig_server_get_pop3_days_to_leave   (TaubeAutoconfigServer *self);

G_END_DECLS
