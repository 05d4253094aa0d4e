/* taube-preferences-window.h — Taube's preferences: the accounts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "taube-account-manager.h"

G_BEGIN_DECLS

#define TAUBE_TYPE_PREFERENCES_WINDOW (taube_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (TaubePreferencesWindow, taube_preferences_window, TAUBE,
                      PREFERENCES_WINDOW, AdwPreferencesWindow)

TaubePreferencesWindow *taube_preferences_window_new (GtkWindow           *parent,
                                                      TaubeAccountManager *manager);

G_END_DECLS
