/* taube-cli-store.h — what the commands that read the store share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "taube-account-manager.h"
#include "taube-store.h"

G_BEGIN_DECLS

TaubeStore          *taube_cli_open_store         (void);
TaubeAccountManager *taube_cli_load_accounts      (void);
GAsyncResult        *taube_cli_wait               (GAsyncResult       **slot);
void                 taube_cli_result_cb          (GObject             *object,
                                                   GAsyncResult        *result,
                                                   gpointer             user_data);
gboolean             taube_cli_parse_id           (const char          *text,
                                                   gint64              *id);
const char          *taube_cli_role_name          (TaubeFolderRole      role);
void                 taube_cli_print_message      (TaubeMessage        *message,
                                                   const char          *folder,
                                                   gboolean             json,
                                                   gboolean             last);
int                  taube_cli_fail               (const GError        *error);

G_END_DECLS
