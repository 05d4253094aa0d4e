/* taube-test-resolver.h — a GResolver that answers from tables, for detection tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TAUBE_TYPE_TEST_RESOLVER (taube_test_resolver_get_type ())

G_DECLARE_FINAL_TYPE (TaubeTestResolver, taube_test_resolver, TAUBE, TEST_RESOLVER, GResolver)

TaubeTestResolver *taube_test_resolver_new      (void);
void               taube_test_resolver_add_host (TaubeTestResolver *self,
                                                 const char        *name,
                                                 const char        *ip_address);
void               taube_test_resolver_add_srv  (TaubeTestResolver *self,
                                                 const char        *rrname,
                                                 const char        *target,
                                                 guint16            port);
void               taube_test_resolver_add_mx   (TaubeTestResolver *self,
                                                 const char        *domain,
                                                 guint16            preference,
                                                 const char        *host);
void               taube_test_resolver_set_slow (TaubeTestResolver *self,
                                                 const char        *suffix);
guint              taube_test_resolver_get_lookups (TaubeTestResolver *self);

G_END_DECLS
