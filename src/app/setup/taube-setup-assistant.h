/* taube-setup-assistant.h — the window that adds or edits a mail account
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "taube-account-manager.h"

G_BEGIN_DECLS

#define TAUBE_TYPE_SETUP_ASSISTANT (taube_setup_assistant_get_type ())

G_DECLARE_FINAL_TYPE (TaubeSetupAssistant, taube_setup_assistant, TAUBE, SETUP_ASSISTANT,
                      AdwWindow)

TaubeSetupAssistant *taube_setup_assistant_new             (GtkWindow           *parent,
                                                            TaubeAccountManager *manager);
TaubeSetupAssistant *taube_setup_assistant_new_for_account (GtkWindow           *parent,
                                                            TaubeAccountManager *manager,
                                                            TaubeAccount        *account);
TaubeAccount        *taube_setup_assistant_get_draft       (TaubeSetupAssistant *self);
const char          *taube_setup_assistant_get_page        (TaubeSetupAssistant *self);

G_END_DECLS
