/* taube-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "taube-account-manager.h"

G_BEGIN_DECLS

#define TAUBE_TYPE_APPLICATION (taube_application_get_type ())

G_DECLARE_FINAL_TYPE (TaubeApplication, taube_application, TAUBE, APPLICATION, AdwApplication)

TaubeApplication    *taube_application_new                 (void);
TaubeAccountManager *taube_application_get_account_manager (TaubeApplication *self);

G_END_DECLS
