/* taube-new-message.h — a message to add to the store, as a protocol fetched it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "taube-message-flags.h"

G_BEGIN_DECLS

typedef struct
{
  GBytes            *raw;            /* the message as fetched, or only its header */
  gboolean           headers_only;   /* @raw is the header: index it, write no file */
  guint32            uid;            /* IMAP UID (RFC 9051 §2.3.1.1), 0 for POP3 and local mail */
  char              *uidl;           /* POP3 UIDL (RFC 1939 §7), or NULL */
  guint64            modseq;         /* CONDSTORE MODSEQ (RFC 7162 §3.1.1), or 0 */
  TaubeMessageFlags  flags;
  GStrv              keywords;       /* IMAP keywords without a bit in @flags, or NULL */
  gint64             internal_date;  /* INTERNALDATE in seconds since 1970; 0 means now */
  gint64             size;           /* RFC822.SIZE; 0 means the length of @raw */
  /* With @headers_only, the header cannot tell whether there are attachments; IMAP's
   * BODYSTRUCTURE can: then @attachment_known is set and @has_attachment says. */
  gboolean           attachment_known;
  gboolean           has_attachment;
} TaubeNewMessage;

TaubeNewMessage *taube_new_message_new  (GBytes                *raw);
TaubeNewMessage *taube_new_message_copy (const TaubeNewMessage *self);
void             taube_new_message_free (TaubeNewMessage       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeNewMessage, taube_new_message_free)

G_END_DECLS
