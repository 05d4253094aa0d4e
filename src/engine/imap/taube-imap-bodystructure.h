/* taube-imap-bodystructure.h — the BODY/BODYSTRUCTURE FETCH item as a tree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "taube-imap-envelope.h"
#include "taube-imap-value.h"

G_BEGIN_DECLS

typedef struct _TaubeImapBodystructure TaubeImapBodystructure;

/**
 * TaubeImapBodystructure:
 * @type: the media type in lower case, e.g. "text" or "multipart"
 * @subtype: the media subtype in lower case, e.g. "plain" or "mixed"
 * @params: (nullable) (array zero-terminated=1): Content-Type parameters as name, value,
 *   name, value ...; see taube_imap_bodystructure_get_param()
 * @id: (nullable): Content-ID
 * @description: (nullable): Content-Description
 * @encoding: Content-Transfer-Encoding in lower case, "7bit" when absent
 * @size: the size of the encoded body in bytes
 * @lines: the body's lines, for text/ and message/rfc822 parts
 * @envelope: (nullable): the envelope of a message/rfc822 or message/global part
 * @parts: (element-type TaubeImapBodystructure): the parts of a multipart, or the one
 *   body of a message/rfc822 part; empty otherwise, never %NULL
 * @md5: (nullable): Content-MD5 (extension data, BODYSTRUCTURE only)
 * @disposition: (nullable): Content-Disposition in lower case, e.g. "attachment"
 * @disposition_params: (nullable) (array zero-terminated=1): its parameters, as @params
 * @languages: (nullable) (array zero-terminated=1): Content-Language tags
 * @location: (nullable): Content-Location
 * @section: the part specifier to FETCH this part with (RFC 9051 §6.4.5), e.g. "1.2";
 *   "" for a message's top-level multipart
 */
struct _TaubeImapBodystructure
{
  char *type;
  char *subtype;
  char **params;
  char *id;
  char *description;
  char *encoding;
  guint64 size;
  guint64 lines;
  TaubeImapEnvelope *envelope;
  GPtrArray *parts;
  char *md5;
  char *disposition;
  char **disposition_params;
  char **languages;
  char *location;
  char *section;
};

TaubeImapBodystructure *taube_imap_bodystructure_new_from_value (const TaubeImapValue  *value,
                                                                 GError               **error);
void                    taube_imap_bodystructure_free           (TaubeImapBodystructure *body);
gboolean    taube_imap_bodystructure_is_multipart          (const TaubeImapBodystructure *body);
const char *taube_imap_bodystructure_get_param             (const TaubeImapBodystructure *body,
                                                            const char                   *name);
const char *taube_imap_bodystructure_get_disposition_param (const TaubeImapBodystructure *body,
                                                            const char                   *name);
const TaubeImapBodystructure *
taube_imap_bodystructure_find_section (const TaubeImapBodystructure *body,
                                       const char                   *section);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeImapBodystructure, taube_imap_bodystructure_free)

G_END_DECLS
