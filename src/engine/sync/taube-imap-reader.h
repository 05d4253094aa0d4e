/* taube-imap-reader.h — an account's second IMAP session, for reading on demand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "taube-account.h"
#include "taube-store.h"

G_BEGIN_DECLS

#define TAUBE_TYPE_IMAP_READER (taube_imap_reader_get_type ())

G_DECLARE_FINAL_TYPE (TaubeImapReader, taube_imap_reader, TAUBE, IMAP_READER, GObject)

TaubeImapReader *taube_imap_reader_new               (TaubeStore          *store,
                                                      TaubeAccount        *account);
void             taube_imap_reader_set_idle_timeout  (TaubeImapReader     *self,
                                                      guint                seconds);
gboolean         taube_imap_reader_is_connected      (TaubeImapReader     *self);
void             taube_imap_reader_fetch_body_async  (TaubeImapReader     *self,
                                                      gint64               message_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean         taube_imap_reader_fetch_body_finish (TaubeImapReader     *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS
