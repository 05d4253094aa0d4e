/* taube-account-manager.h — the accounts, as a list model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "taube-account.h"

G_BEGIN_DECLS

#define TAUBE_TYPE_ACCOUNT_MANAGER (taube_account_manager_get_type ())

G_DECLARE_FINAL_TYPE (TaubeAccountManager, taube_account_manager, TAUBE, ACCOUNT_MANAGER, GObject)

TaubeAccountManager *taube_account_manager_new    (const char          *directory);
gboolean             taube_account_manager_load   (TaubeAccountManager *self,
                                                   GError             **error);
gboolean             taube_account_manager_save   (TaubeAccountManager *self,
                                                   TaubeAccount        *account,
                                                   GError             **error);
void                 taube_account_manager_save_async  (TaubeAccountManager *self,
                                                        TaubeAccount        *account,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean             taube_account_manager_save_finish (TaubeAccountManager *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
gboolean             taube_account_manager_remove (TaubeAccountManager *self,
                                                   const char          *id,
                                                   GError             **error);
TaubeAccount        *taube_account_manager_lookup (TaubeAccountManager *self,
                                                   const char          *id);
const char          *taube_account_manager_get_directory (TaubeAccountManager *self);

G_END_DECLS
