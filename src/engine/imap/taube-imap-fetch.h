/* taube-imap-fetch.h — what UID FETCH asks for and what it gives back, message by message
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "taube-imap-bodystructure.h"
#include "taube-imap-envelope.h"
#include "taube-imap-response.h"

G_BEGIN_DECLS

/**
 * TaubeImapFetchItems:
 * @TAUBE_IMAP_FETCH_FLAGS: FLAGS (RFC 9051 §7.5.2)
 * @TAUBE_IMAP_FETCH_INTERNALDATE: INTERNALDATE, when the server received the message
 * @TAUBE_IMAP_FETCH_SIZE: RFC822.SIZE
 * @TAUBE_IMAP_FETCH_ENVELOPE: ENVELOPE
 * @TAUBE_IMAP_FETCH_BODYSTRUCTURE: BODYSTRUCTURE
 * @TAUBE_IMAP_FETCH_MODSEQ: MODSEQ (RFC 7162 §3.1.4); needs CONDSTORE
 *
 * The simple items of a fetch. UID is always fetched.
 */
typedef enum
{
  TAUBE_IMAP_FETCH_FLAGS         = 1 << 0,
  TAUBE_IMAP_FETCH_INTERNALDATE  = 1 << 1,
  TAUBE_IMAP_FETCH_SIZE          = 1 << 2,
  TAUBE_IMAP_FETCH_ENVELOPE      = 1 << 3,
  TAUBE_IMAP_FETCH_BODYSTRUCTURE = 1 << 4,
  TAUBE_IMAP_FETCH_MODSEQ        = 1 << 5,
} TaubeImapFetchItems;

/**
 * TaubeImapFetchSection:
 * @section: the section between the brackets (RFC 9051 §6.4.5): "" for the whole
 *   message, "1.2", "HEADER", "TEXT", "2.MIME" …; letters, digits and dots only
 * @offset: where a partial fetch starts
 * @length: how many bytes from @offset, or 0 for the whole section
 *
 * A body section to fetch; always as BODY.PEEK, so \Seen is not set.
 */
typedef struct
{
  const char *section;
  guint64 offset;
  guint64 length;
} TaubeImapFetchSection;

/**
 * TaubeImapFetchRequest:
 * @uids: the UID set, e.g. "1:*" or "4,7:9"
 * @items: the simple items
 * @header_fields: (nullable) (array zero-terminated=1): header field names to fetch as
 *   BODY.PEEK[HEADER.FIELDS (...)], e.g. From, Subject, References
 * @sections: (array length=n_sections): body sections
 * @n_sections: how many
 * @changed_since: with a value > 0, only messages whose MODSEQ is higher
 *   (CHANGEDSINCE, RFC 7162 §3.1.4.1; needs CONDSTORE)
 * @vanished: with @changed_since, also report the UIDs in @uids that were expunged
 *   (VANISHED, RFC 7162 §3.2.6; needs QRESYNC enabled)
 *
 * Everything is copied when the fetch starts.
 */
typedef struct
{
  const char *uids;
  TaubeImapFetchItems items;
  const char * const *header_fields;
  const TaubeImapFetchSection *sections;
  guint n_sections;
  guint64 changed_since;
  gboolean vanished;
} TaubeImapFetchRequest;

/**
 * TaubeImapFetchedSection:
 * @section: the section as the server named it ("1.2", "HEADER.FIELDS (FROM)", "")
 * @origin: the offset of a partial fetch, or 0
 * @size: how many bytes the server sent; 0 for NIL
 * @data: (nullable): the bytes, when they were kept in memory
 * @stream: (nullable): the stream they were written to (see #TaubeImapFetchBodyFunc)
 */
typedef struct
{
  char *section;
  guint64 origin;
  guint64 size;
  GBytes *data;
  GOutputStream *stream;
} TaubeImapFetchedSection;

/**
 * TaubeImapFetchedMessage:
 * @seq: the message sequence number
 * @uid: the UID
 * @items: which simple items the server sent
 * @flags: (nullable): FLAGS
 * @internaldate: (nullable): INTERNALDATE
 * @size: RFC822.SIZE
 * @envelope: (nullable): ENVELOPE
 * @bodystructure: (nullable): BODYSTRUCTURE
 * @modseq: MODSEQ, or 0
 * @header_fields: (nullable): the header lines of BODY[HEADER.FIELDS (...)], ending in an
 *   empty line, as RFC 9051 §6.4.5 says
 * @sections: (element-type TaubeImapFetchedSection): the body sections, in the order
 *   the server sent them
 */
typedef struct
{
  guint32 seq;
  guint32 uid;
  TaubeImapFetchItems items;
  GStrv flags;
  GDateTime *internaldate;
  guint64 size;
  TaubeImapEnvelope *envelope;
  TaubeImapBodystructure *bodystructure;
  guint64 modseq;
  GBytes *header_fields;
  GPtrArray *sections;
} TaubeImapFetchedMessage;

/**
 * TaubeImapFetchMessageFunc:
 * @message: (transfer none): one message; copy what you keep
 * @user_data: the data given with the function
 *
 * Called for each message as its FETCH response arrives, after its body sections were
 * written to their streams. Runs inside the client's response parser: do not start
 * another command from here.
 */
typedef void (*TaubeImapFetchMessageFunc) (const TaubeImapFetchedMessage *message,
                                           gpointer                       user_data);

/**
 * TaubeImapFetchBodyFunc:
 * @seq: the message sequence number (the UID may come later in the response)
 * @section: the section as the server names it
 * @size: how many bytes follow
 * @user_data: the data given with the function
 *
 * Chooses where a body section's bytes go as it starts to arrive. They are written with
 * the reading paused until each chunk is out, so memory does not grow with the section.
 * The stream is not closed; it is in the message's #TaubeImapFetchedSection, to be
 * closed (or the file moved into place) from the #TaubeImapFetchMessageFunc.
 *
 * Returns: (transfer full) (nullable): the stream to write to, or %NULL to keep the bytes
 *   in memory in the section's @data
 */
typedef GOutputStream *(*TaubeImapFetchBodyFunc) (guint32     seq,
                                                  const char *section,
                                                  guint64     size,
                                                  gpointer    user_data);

void                     taube_imap_fetched_message_free  (TaubeImapFetchedMessage  *message);
TaubeImapFetchedMessage *taube_imap_fetched_message_new_from_response
                                                          (TaubeImapResponse        *response,
                                                           GError                  **error);
const TaubeImapFetchedSection *
                         taube_imap_fetched_message_get_section
                                                          (const TaubeImapFetchedMessage *message,
                                                           const char               *section);
GDateTime               *taube_imap_parse_internaldate    (const char               *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeImapFetchedMessage, taube_imap_fetched_message_free)

G_END_DECLS
