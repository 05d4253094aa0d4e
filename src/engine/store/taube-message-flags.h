/* taube-message-flags.h — IMAP system flags and well-known keywords as a bitmask
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TAUBE_TYPE_MESSAGE_FLAGS (taube_message_flags_get_type ())

/* The values are stored in the index: never renumber them. */
typedef enum /*< flags >*/
{
  TAUBE_MESSAGE_FLAG_NONE      = 0,
  TAUBE_MESSAGE_FLAG_SEEN      = 1 << 0,  /* \Seen (RFC 9051 §2.3.2) */
  TAUBE_MESSAGE_FLAG_ANSWERED  = 1 << 1,  /* \Answered */
  TAUBE_MESSAGE_FLAG_FLAGGED   = 1 << 2,  /* \Flagged */
  TAUBE_MESSAGE_FLAG_DELETED   = 1 << 3,  /* \Deleted */
  TAUBE_MESSAGE_FLAG_DRAFT     = 1 << 4,  /* \Draft */
  TAUBE_MESSAGE_FLAG_RECENT    = 1 << 5,  /* \Recent (RFC 3501 only; the server sets it) */
  TAUBE_MESSAGE_FLAG_FORWARDED = 1 << 6,  /* $Forwarded (RFC 9051 §2.3.2) */
  TAUBE_MESSAGE_FLAG_MDN_SENT  = 1 << 7,  /* $MDNSent (RFC 9051 §2.3.2, RFC 3503) */
  TAUBE_MESSAGE_FLAG_JUNK      = 1 << 8,  /* $Junk (RFC 9051 §2.3.2) */
  TAUBE_MESSAGE_FLAG_NOT_JUNK  = 1 << 9,  /* $NotJunk (RFC 9051 §2.3.2) */
  TAUBE_MESSAGE_FLAG_PHISHING  = 1 << 10, /* $Phishing (RFC 9051 §2.3.2) */
} TaubeMessageFlags;

GType              taube_message_flags_get_type      (void) G_GNUC_CONST;
TaubeMessageFlags  taube_message_flags_from_imap     (const char *const  *atoms,
                                                      GStrv              *keywords);
GStrv              taube_message_flags_to_imap       (TaubeMessageFlags   flags,
                                                      const char *const  *keywords);

G_END_DECLS
