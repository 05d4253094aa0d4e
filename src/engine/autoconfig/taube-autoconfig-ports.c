/* taube-autoconfig-ports.c — standard ports, and what happens to a port when settings change
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rules the setup assistant follows when the person edits a server by hand:
 * - each service has one port for implicit TLS and one for STARTTLS (RFC 8314 §3.3, RFC 6186):
 *   IMAP 993/143, POP3 995/110, SMTP submission 465/587; plain text uses the STARTTLS port,
 *   which is the same listener without the upgrade;
 * - switching the security moves a standard port to its partner (993 <-> 143) but leaves a
 *   port the person or the provider chose alone (Charter really runs implicit TLS on 587);
 * - switching IMAP <-> POP3 gives the provider's own server for that protocol if it has one,
 *   otherwise the standard port, and never switches protocol on its own.
 */
#define G_LOG_DOMAIN "taube-autoconfig"

#include "config.h"

#include "taube-autoconfig-ports.h"

typedef struct
{
  guint tls;
  guint starttls;
} PortPair;

static const PortPair imap_ports = { 993, 143 };
static const PortPair pop3_ports = { 995, 110 };
static const PortPair smtp_ports = { 465, 587 };

static const PortPair *
incoming_ports (TaubeProtocol protocol)
{
  return protocol == TAUBE_PROTOCOL_POP3 ? &pop3_ports : &imap_ports;
}

static guint
pair_port (const PortPair *pair,
           TaubeSecurity   security)
{
  return security == TAUBE_SECURITY_TLS ? pair->tls : pair->starttls;
}

static guint
pair_switch (const PortPair *pair,
             guint           port,
             TaubeSecurity   from,
             TaubeSecurity   to)
{
  return port == pair_port (pair, from) ? pair_port (pair, to) : port;
}

/**
 * taube_autoconfig_standard_port:
 * @protocol: IMAP or POP3
 * @security: how the connection is protected
 *
 * Returns: 993 or 143 for IMAP, 995 or 110 for POP3
 */
guint
taube_autoconfig_standard_port (TaubeProtocol protocol,
                                TaubeSecurity security)
{
  return pair_port (incoming_ports (protocol), security);
}

/**
 * taube_autoconfig_standard_smtp_port:
 * @security: how the connection is protected
 *
 * Returns: 465 for implicit TLS, 587 otherwise (never 25, the port for server-to-server relay)
 */
guint
taube_autoconfig_standard_smtp_port (TaubeSecurity security)
{
  return pair_port (&smtp_ports, security);
}

/**
 * taube_autoconfig_port_for_security:
 * @protocol: IMAP or POP3
 * @port: the port shown now
 * @from: the security shown now
 * @to: the security the person picked
 *
 * Returns: the port to show with @to: the partner of a standard port, or @port unchanged
 */
guint
taube_autoconfig_port_for_security (TaubeProtocol protocol,
                                    guint         port,
                                    TaubeSecurity from,
                                    TaubeSecurity to)
{
  return pair_switch (incoming_ports (protocol), port, from, to);
}

/**
 * taube_autoconfig_smtp_port_for_security:
 * @port: the SMTP port shown now
 * @from: the security shown now
 * @to: the security the person picked
 *
 * Returns: 465 <-> 587 for the standard ports, @port unchanged otherwise
 */
guint
taube_autoconfig_smtp_port_for_security (guint         port,
                                         TaubeSecurity from,
                                         TaubeSecurity to)
{
  return pair_switch (&smtp_ports, port, from, to);
}

/**
 * taube_autoconfig_incoming_for_protocol:
 * @detected: (nullable): the settings found for the address, if any
 * @protocol: the protocol the person picked
 * @hostname: the host name shown now, used if @detected has no server for @protocol
 * @security: the security shown now, used likewise
 * @username: (nullable): the user name shown now, used likewise
 *
 * Returns: (transfer full): the provider's best encrypted server for @protocol, or the
 *   values shown now with the standard port for @protocol and @security
 */
TaubeAutoconfigServer *
taube_autoconfig_incoming_for_protocol (TaubeProviderConfig *detected,
                                        TaubeProtocol        protocol,
                                        const char          *hostname,
                                        TaubeSecurity        security,
                                        const char          *username)
{
  TaubeAutoconfigServer *server = NULL;

  g_return_val_if_fail (detected == NULL || TAUBE_IS_PROVIDER_CONFIG (detected), NULL);
  g_return_val_if_fail (hostname != NULL, NULL);

  if (detected != NULL)
    server = taube_provider_config_get_recommended_incoming_for_protocol (detected, protocol);
  if (server != NULL)
    return server;
  return taube_autoconfig_server_new_incoming (protocol, hostname,
                                               taube_autoconfig_standard_port (protocol, security),
                                               security, username);
}
