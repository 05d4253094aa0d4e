/* taube-provider-config.h — one provider's mail settings, as the setup assistant sees them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "taube-autoconfig-server.h"

G_BEGIN_DECLS

/**
 * TaubeAutoconfigSource:
 * @TAUBE_AUTOCONFIG_SOURCE_DATABASE: the provider database shipped with Taube
 * @TAUBE_AUTOCONFIG_SOURCE_AUTOCONFIG: the provider's own config-v1.1.xml (autoconfig.DOMAIN or
 *   DOMAIN/.well-known/autoconfig)
 * @TAUBE_AUTOCONFIG_SOURCE_SRV: DNS SRV records (RFC 6186)
 * @TAUBE_AUTOCONFIG_SOURCE_MX: the database entry of the domain's mail exchanger (MX)
 * @TAUBE_AUTOCONFIG_SOURCE_PROBE: servers that answered on standard names and ports
 *
 * Where settings came from; the assistant shows it, so the person can judge them.
 */
typedef enum
{
  TAUBE_AUTOCONFIG_SOURCE_DATABASE,
  TAUBE_AUTOCONFIG_SOURCE_AUTOCONFIG,
  TAUBE_AUTOCONFIG_SOURCE_SRV,
  TAUBE_AUTOCONFIG_SOURCE_MX,
  TAUBE_AUTOCONFIG_SOURCE_PROBE,
} TaubeAutoconfigSource;

#define TAUBE_TYPE_AUTOCONFIG_SOURCE (taube_autoconfig_source_get_type ())
#define TAUBE_TYPE_PROVIDER_CONFIG (taube_provider_config_get_type ())

G_DECLARE_FINAL_TYPE (TaubeProviderConfig, taube_provider_config, TAUBE, PROVIDER_CONFIG, GObject)

GType                  taube_autoconfig_source_get_type              (void);

const char            *taube_provider_config_get_id                  (TaubeProviderConfig *self);
const char            *taube_provider_config_get_display_name        (TaubeProviderConfig *self);
const char            *taube_provider_config_get_short_name          (TaubeProviderConfig *self);
const char * const    *taube_provider_config_get_domains             (TaubeProviderConfig *self);
GListModel            *taube_provider_config_get_incoming_servers    (TaubeProviderConfig *self);
GListModel            *taube_provider_config_get_outgoing_servers    (TaubeProviderConfig *self);
const char * const    *taube_provider_config_get_documentation_urls  (TaubeProviderConfig *self);
const char            *taube_provider_config_get_enable_url          (TaubeProviderConfig *self);
const char            *taube_provider_config_get_enable_instruction  (TaubeProviderConfig *self,
                                                                      const char          *language);
TaubeAutoconfigSource  taube_provider_config_get_source              (TaubeProviderConfig *self);

TaubeProviderConfig   *taube_provider_config_expand                  (TaubeProviderConfig *self,
                                                                      const char          *email_address,
                                                                      GError             **error);

/* Ranking (taube-autoconfig-rank.c). */
GListModel            *taube_provider_config_rank_incoming           (TaubeProviderConfig *self);
GListModel            *taube_provider_config_rank_outgoing           (TaubeProviderConfig *self);
TaubeAutoconfigServer *taube_provider_config_get_recommended_incoming (TaubeProviderConfig *self);
TaubeAutoconfigServer *taube_provider_config_get_recommended_incoming_for_protocol
                                                                     (TaubeProviderConfig *self,
                                                                      TaubeProtocol        protocol);
TaubeAutoconfigServer *taube_provider_config_get_recommended_outgoing (TaubeProviderConfig *self);

G_END_DECLS
