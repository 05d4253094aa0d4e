/* taube-imap-mailbox-data.h — LIST, STATUS, VANISHED and flag-change responses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "taube-imap-response.h"
#include "taube-imap-sequence-set.h"

G_BEGIN_DECLS

/* Which STATUS items a #TaubeImapMailboxStatus holds (RFC 9051 §6.3.11, RFC 7162 §3.1.2). */
typedef enum
{
  TAUBE_IMAP_STATUS_ITEM_MESSAGES      = 1 << 0,
  TAUBE_IMAP_STATUS_ITEM_UNSEEN        = 1 << 1,
  TAUBE_IMAP_STATUS_ITEM_UIDNEXT       = 1 << 2,
  TAUBE_IMAP_STATUS_ITEM_UIDVALIDITY   = 1 << 3,
  TAUBE_IMAP_STATUS_ITEM_HIGHESTMODSEQ = 1 << 4,
} TaubeImapStatusItems;

/**
 * TaubeImapMailboxStatus:
 * @mailbox: the mailbox name in UTF-8
 * @items: which of the numbers below the server sent
 * @messages: MESSAGES
 * @unseen: UNSEEN
 * @uidnext: UIDNEXT
 * @uidvalidity: UIDVALIDITY
 * @highestmodseq: HIGHESTMODSEQ (RFC 7162)
 */
typedef struct
{
  char *mailbox;
  TaubeImapStatusItems items;
  guint32 messages;
  guint32 unseen;
  guint32 uidnext;
  guint32 uidvalidity;
  guint64 highestmodseq;
} TaubeImapMailboxStatus;

/**
 * TaubeImapFlagChange:
 * @seq: the message sequence number
 * @uid: the UID, or 0 if the FETCH did not carry one
 * @modseq: the MODSEQ (RFC 7162 §3.1.4), or 0
 * @flags: the message's complete flags now
 */
typedef struct
{
  guint32 seq;
  guint32 uid;
  guint64 modseq;
  GStrv flags;
} TaubeImapFlagChange;

void                    taube_imap_mailbox_status_free  (TaubeImapMailboxStatus  *status);
TaubeImapMailboxStatus *taube_imap_mailbox_status_parse (const TaubeImapResponse *response,
                                                         gboolean                 utf8,
                                                         GError                 **error);
TaubeImapSequenceSet   *taube_imap_vanished_parse       (const TaubeImapResponse *response,
                                                         gboolean                *earlier,
                                                         GError                 **error);
void                    taube_imap_flag_change_free     (TaubeImapFlagChange     *change);
TaubeImapFlagChange    *taube_imap_flag_change_parse    (const TaubeImapResponse *response);
char                   *taube_imap_mailbox_decode       (const char              *wire,
                                                         gboolean                 utf8);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeImapMailboxStatus, taube_imap_mailbox_status_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeImapFlagChange, taube_imap_flag_change_free)

G_END_DECLS
