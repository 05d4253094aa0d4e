/* taube-remove-local-mail.h — deletes a removed account's mail from this computer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void taube_remove_local_mail (GApplication *application,
                              const char   *account_id);

G_END_DECLS
