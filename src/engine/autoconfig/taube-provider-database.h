/* taube-provider-database.h — the provider settings shipped with Taube
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "taube-provider-config.h"

G_BEGIN_DECLS

#define TAUBE_TYPE_PROVIDER_DATABASE (taube_provider_database_get_type ())

G_DECLARE_FINAL_TYPE (TaubeProviderDatabase, taube_provider_database, TAUBE, PROVIDER_DATABASE,
                      GObject)

TaubeProviderDatabase *taube_provider_database_new            (void);
GListModel            *taube_provider_database_get_providers  (TaubeProviderDatabase *self);
TaubeProviderConfig   *taube_provider_database_lookup_domain  (TaubeProviderDatabase *self,
                                                               const char            *domain);
TaubeProviderConfig   *taube_provider_database_lookup_mx_host (TaubeProviderDatabase *self,
                                                               const char            *mx_host);
TaubeProviderConfig   *taube_provider_database_lookup_address (TaubeProviderDatabase *self,
                                                               const char            *email_address,
                                                               GError               **error);
TaubeProviderConfig   *taube_provider_database_lookup_address_by_mx
                                                              (TaubeProviderDatabase *self,
                                                               const char            *email_address,
                                                               const char            *mx_host,
                                                               GError               **error);

G_END_DECLS
