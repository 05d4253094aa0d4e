/* taube-imap-response-private.h — building responses, for the parser only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "taube-imap-response.h"
#include "taube-imap-value-private.h"

G_BEGIN_DECLS

struct _TaubeImapResponse
{
  TaubeImapResponseKind kind;
  TaubeImapStatus status;
  char *tag;              /* TAGGED only */
  char *keyword;          /* upper case: "FETCH", "OK", ...; NULL for continuations */
  guint64 number;         /* "* 23 EXISTS" */
  gboolean has_number;
  TaubeImapValue *code;   /* "[...]" items, the first being the code name; or NULL */
  char *text;             /* human-readable text, valid UTF-8 */
  TaubeImapValue *data;   /* a LIST of everything after the keyword */
};

TaubeImapResponse *_taube_imap_response_new (TaubeImapResponseKind kind);

G_END_DECLS
