/* taube-maildir.h — message files in a Maildir, written durably
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "taube-message-flags.h"

G_BEGIN_DECLS

gboolean  taube_maildir_create      (const char         *path,
                                     GError            **error);
char     *taube_maildir_add         (const char         *path,
                                     GBytes             *contents,
                                     TaubeMessageFlags   flags,
                                     GCancellable       *cancellable,
                                     GError            **error);
char     *taube_maildir_write       (const char         *path,
                                     GBytes             *contents,
                                     TaubeMessageFlags   flags,
                                     GCancellable       *cancellable,
                                     GError            **error);
gboolean  taube_maildir_sync        (const char         *path,
                                     GError            **error);
GBytes   *taube_maildir_read        (const char         *file,
                                     GCancellable       *cancellable,
                                     GError            **error);
gboolean  taube_maildir_remove_file (const char         *file,
                                     GError            **error);
gboolean  taube_maildir_remove      (const char         *path,
                                     GError            **error);
char     *taube_maildir_get_info    (TaubeMessageFlags   flags);
char     *taube_maildir_escape_name (const char         *name);

G_END_DECLS
