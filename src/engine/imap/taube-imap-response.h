/* taube-imap-response.h — one complete server response
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "taube-imap-value.h"

G_BEGIN_DECLS

typedef enum
{
  /* "tag OK/NO/BAD ...": completes the command with that tag (RFC 9051 §7.1). */
  TAUBE_IMAP_RESPONSE_TAGGED,
  /* "* ...": status or data not tied to a command (RFC 9051 §7). */
  TAUBE_IMAP_RESPONSE_UNTAGGED,
  /* "+ ...": the server waits for more client data (RFC 9051 §7.6). */
  TAUBE_IMAP_RESPONSE_CONTINUATION,
} TaubeImapResponseKind;

typedef enum
{
  TAUBE_IMAP_STATUS_NONE,
  TAUBE_IMAP_STATUS_OK,
  TAUBE_IMAP_STATUS_NO,
  TAUBE_IMAP_STATUS_BAD,
  TAUBE_IMAP_STATUS_BYE,
  TAUBE_IMAP_STATUS_PREAUTH,
} TaubeImapStatus;

typedef struct _TaubeImapResponse TaubeImapResponse;

TaubeImapResponse     *taube_imap_response_ref            (TaubeImapResponse       *response);
void                   taube_imap_response_unref          (TaubeImapResponse       *response);
TaubeImapResponseKind  taube_imap_response_get_kind       (const TaubeImapResponse *response);
const char            *taube_imap_response_get_tag        (const TaubeImapResponse *response);
TaubeImapStatus        taube_imap_response_get_status     (const TaubeImapResponse *response);
const char            *taube_imap_response_get_keyword    (const TaubeImapResponse *response);
gboolean               taube_imap_response_is_keyword     (const TaubeImapResponse *response,
                                                           const char              *keyword);
gboolean               taube_imap_response_get_number     (const TaubeImapResponse *response,
                                                           guint64                 *number);
const TaubeImapValue  *taube_imap_response_get_code       (const TaubeImapResponse *response);
const char            *taube_imap_response_get_code_name  (const TaubeImapResponse *response);
const TaubeImapValue  *taube_imap_response_get_code_arg   (const TaubeImapResponse *response,
                                                           guint                    index);
const char            *taube_imap_response_get_text       (const TaubeImapResponse *response);
const TaubeImapValue  *taube_imap_response_get_data       (const TaubeImapResponse *response);
const TaubeImapValue  *taube_imap_response_get_fetch_item (const TaubeImapResponse *response,
                                                           const char              *name);
char                  *taube_imap_response_to_string      (const TaubeImapResponse *response);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeImapResponse, taube_imap_response_unref)

G_END_DECLS
