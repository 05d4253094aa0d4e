/* taube-imap-push.h — an IMAP account kept in step all the time: IDLE, intervals, reconnects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "taube-account.h"
#include "taube-store.h"

G_BEGIN_DECLS

#define TAUBE_TYPE_IMAP_PUSH (taube_imap_push_get_type ())

G_DECLARE_FINAL_TYPE (TaubeImapPush, taube_imap_push, TAUBE, IMAP_PUSH, GObject)

TaubeImapPush *taube_imap_push_new          (TaubeStore    *store,
                                             TaubeAccount  *account);
void           taube_imap_push_set_interval (TaubeImapPush *self,
                                             guint          seconds);
void           taube_imap_push_start        (TaubeImapPush *self);
void           taube_imap_push_stop         (TaubeImapPush *self);
void           taube_imap_push_poke         (TaubeImapPush *self);
const GError  *taube_imap_push_get_error    (TaubeImapPush *self);
guint          taube_imap_push_get_n_syncs  (TaubeImapPush *self);

G_END_DECLS
