/* taube-setup-first-sync.h — the first sync of an account the assistant just saved
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "taube-account-manager.h"

G_BEGIN_DECLS

void taube_setup_start_first_sync (GtkApplication      *application,
                                   TaubeAccountManager *manager,
                                   TaubeAccount        *account);

G_END_DECLS
