/* taube-imap-sync-private.h — what the IMAP sync's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "taube-imap-fetch.h"
#include "taube-imap-response.h"
#include "taube-imap-sync.h"
#include "taube-new-message.h"
#include "taube-store-sync.h"

G_BEGIN_DECLS

struct _TaubeImapSync
{
  GObject parent_instance;

  TaubeStore *store;
  char *account_id;
  TaubeImapClient *client;
  gboolean use_qresync;
  /* Set by taube_imap_sync_prepare_async() from what the server offers. */
  gboolean qresync;
  gboolean condstore;
  guint window;
  TaubeImapSyncBodies bodies;
  guint body_days;
  TaubeImapSyncStats stats;
};

/* taube-imap-sync-fetch.c */
extern const char *const _taube_imap_sync_list_headers[];

TaubeMessageFlags _taube_imap_sync_parse_flags        (const TaubeImapValue  *list,
                                                       GStrv                 *keywords);
gboolean         _taube_imap_sync_parse_fetch_state   (TaubeImapResponse     *response,
                                                       TaubeStoreUidState    *state);
TaubeNewMessage *_taube_imap_sync_new_message         (const TaubeImapFetchedMessage *fetched);

/* taube-imap-sync-body.c */
void _taube_imap_sync_fetch_selected_body_async (TaubeImapSync       *self,
                                                 gint64               message_id,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);

/* taube-imap-sync.c */
char            *_taube_imap_sync_quote_mailbox       (const char            *name);

G_END_DECLS
