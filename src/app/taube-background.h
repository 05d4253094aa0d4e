/* taube-background.h — the application keeps every account in step, with or without a window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "taube-account-manager.h"
#include "taube-store.h"

G_BEGIN_DECLS

#define TAUBE_TYPE_BACKGROUND (taube_background_get_type ())

G_DECLARE_FINAL_TYPE (TaubeBackground, taube_background, TAUBE, BACKGROUND, GObject)

TaubeBackground *taube_background_new       (GApplication        *application,
                                             TaubeAccountManager *accounts);
void             taube_background_start     (TaubeBackground     *self);
void             taube_background_stop      (TaubeBackground     *self);
TaubeStore      *taube_background_get_store (TaubeBackground     *self);

G_END_DECLS
