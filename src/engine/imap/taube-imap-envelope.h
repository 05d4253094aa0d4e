/* taube-imap-envelope.h — the ENVELOPE FETCH item as a struct
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "taube-imap-address.h"
#include "taube-imap-value.h"

G_BEGIN_DECLS

/**
 * TaubeImapEnvelope:
 * @date: (nullable): the Date: header as sent, unparsed
 * @subject: (nullable): the Subject: header, still RFC 2047-encoded
 * @from: (element-type TaubeImapAddress): From:, never %NULL
 * @sender: (element-type TaubeImapAddress): Sender:, never %NULL
 * @reply_to: (element-type TaubeImapAddress): Reply-To:, never %NULL
 * @to: (element-type TaubeImapAddress): To:, never %NULL
 * @cc: (element-type TaubeImapAddress): Cc:, never %NULL
 * @bcc: (element-type TaubeImapAddress): Bcc:, never %NULL
 * @in_reply_to: (nullable): the In-Reply-To: header
 * @message_id: (nullable): the Message-ID: header
 *
 * Header texts are kept as the server sent them; decoding belongs to the MIME layer.
 */
typedef struct
{
  char *date;
  char *subject;
  GPtrArray *from;
  GPtrArray *sender;
  GPtrArray *reply_to;
  GPtrArray *to;
  GPtrArray *cc;
  GPtrArray *bcc;
  char *in_reply_to;
  char *message_id;
} TaubeImapEnvelope;

TaubeImapEnvelope *taube_imap_envelope_new_from_value (const TaubeImapValue *value,
                                                       GError              **error);
void               taube_imap_envelope_free           (TaubeImapEnvelope   *envelope);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeImapEnvelope, taube_imap_envelope_free)

G_END_DECLS
