/* taube-test-server.h — a scripted line server for protocol error paths
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _TaubeTestServer TaubeTestServer;

TaubeTestServer *taube_test_server_new          (void);
void             taube_test_server_send         (TaubeTestServer  *self,
                                                 const char       *data);
void             taube_test_server_send_bytes   (TaubeTestServer  *self,
                                                 GBytes           *data);
void             taube_test_server_expect       (TaubeTestServer  *self,
                                                 const char       *line);
void             taube_test_server_expect_data  (TaubeTestServer  *self);
void             taube_test_server_close        (TaubeTestServer  *self);
guint16          taube_test_server_start        (TaubeTestServer  *self);
gboolean         taube_test_server_finish       (TaubeTestServer  *self,
                                                 char            **failure);
GPtrArray       *taube_test_server_get_received (TaubeTestServer  *self);
GBytes          *taube_test_server_get_data     (TaubeTestServer  *self);
gboolean         taube_test_server_received_prefix (TaubeTestServer *self,
                                                    const char      *prefix);
void             taube_test_server_free         (TaubeTestServer  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeTestServer, taube_test_server_free)

G_END_DECLS
