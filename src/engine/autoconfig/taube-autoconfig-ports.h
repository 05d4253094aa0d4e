/* taube-autoconfig-ports.h — standard ports, and what happens to a port when settings change
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "taube-provider-config.h"

G_BEGIN_DECLS

guint                  taube_autoconfig_standard_port         (TaubeProtocol        protocol,
                                                               TaubeSecurity        security);
guint                  taube_autoconfig_standard_smtp_port    (TaubeSecurity        security);
guint                  taube_autoconfig_port_for_security     (TaubeProtocol        protocol,
                                                               guint                port,
                                                               TaubeSecurity        from,
                                                               TaubeSecurity        to);
guint                  taube_autoconfig_smtp_port_for_security (guint               port,
                                                                TaubeSecurity       from,
                                                                TaubeSecurity       to);
TaubeAutoconfigServer *taube_autoconfig_incoming_for_protocol (TaubeProviderConfig *detected,
                                                               TaubeProtocol        protocol,
                                                               const char          *hostname,
                                                               TaubeSecurity        security,
                                                               const char          *username);

G_END_DECLS
