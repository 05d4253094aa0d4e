/* taube-autoconfig-private.h — what the autoconfig files share among themselves
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "taube-autoconfig-server.h"
#include "taube-provider-config.h"

G_BEGIN_DECLS

/* An email address cut into the parts the %EMAIL…% placeholders stand for. */
typedef struct
{
  char *address;
  char *local_part;
  char *domain;
} TaubeAutoconfigAddress;

gboolean _taube_autoconfig_address_init  (TaubeAutoconfigAddress        *address,
                                          const char                    *email_address,
                                          GError                       **error);
void     _taube_autoconfig_address_clear (TaubeAutoconfigAddress        *address);
char    *_taube_autoconfig_expand        (const char                    *text,
                                          const TaubeAutoconfigAddress  *address);
gboolean _taube_autoconfig_is_host_name  (const char                    *host,
                                          gboolean                       allow_placeholders);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TaubeAutoconfigAddress, _taube_autoconfig_address_clear)

void     _taube_autoconfig_server_add_authentication (TaubeAutoconfigServer        *self,
                                                      TaubeAutoconfigAuth           auth);
void     _taube_autoconfig_server_set_pop3           (TaubeAutoconfigServer        *self,
                                                      int                           leave,
                                                      guint                         days);
TaubeAutoconfigServer *
         _taube_autoconfig_server_expand             (TaubeAutoconfigServer        *self,
                                                      const TaubeAutoconfigAddress *address);

TaubeProviderConfig *_taube_provider_config_new      (const char          *id);
void     _taube_provider_config_set_names            (TaubeProviderConfig *self,
                                                      const char          *display_name,
                                                      const char          *short_name);
void     _taube_provider_config_add_domain           (TaubeProviderConfig *self,
                                                      const char          *domain);
void     _taube_provider_config_add_server           (TaubeProviderConfig   *self,
                                                      TaubeAutoconfigServer *server);
void     _taube_provider_config_add_documentation    (TaubeProviderConfig *self,
                                                      const char          *url);
void     _taube_provider_config_set_enable_url       (TaubeProviderConfig *self,
                                                      const char          *url);
void     _taube_provider_config_add_instruction      (TaubeProviderConfig *self,
                                                      const char          *language,
                                                      const char          *text);
void     _taube_autoconfig_set_no_servers_error      (GError             **error);
void     _taube_provider_config_set_source           (TaubeProviderConfig   *self,
                                                      TaubeAutoconfigSource  source);

G_END_DECLS
