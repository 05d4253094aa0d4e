/* taube-sync-lock.h — one sync per account at a time, across processes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _TaubeSyncLock TaubeSyncLock;

TaubeSyncLock *taube_sync_lock_acquire (GFile          *directory,
                                        const char     *account_id,
                                        GError        **error);
void           taube_sync_lock_release (TaubeSyncLock  *lock);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeSyncLock, taube_sync_lock_release)

G_END_DECLS
