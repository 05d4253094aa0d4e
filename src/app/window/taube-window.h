/* taube-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "taube-application.h"

G_BEGIN_DECLS

#define TAUBE_TYPE_WINDOW (taube_window_get_type ())

G_DECLARE_FINAL_TYPE (TaubeWindow, taube_window, TAUBE, WINDOW, AdwApplicationWindow)

TaubeWindow *taube_window_new                  (TaubeApplication *application);
void         taube_window_show_toast           (TaubeWindow      *self,
                                                const char       *text);
void         taube_window_show_unsupported_uri (TaubeWindow      *self,
                                                const char       *uri);

G_END_DECLS
