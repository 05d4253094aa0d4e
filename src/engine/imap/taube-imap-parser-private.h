/* taube-imap-parser-private.h — what the parser's two files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * taube-imap-parser.c frames responses (segments, literals' bytes, the fixed prefix,
 * response codes and text); taube-imap-parser-values.c lexes the values in between.
 */
#pragma once

#include "taube-imap-error.h"
#include "taube-imap-parser.h"
#include "taube-imap-response-private.h"

G_BEGIN_DECLS

typedef enum
{
  PHASE_START,     /* nothing of a response read yet */
  PHASE_RESP_TEXT, /* after a status word: "[code] text" may follow (RFC 9051 §7.1) */
  PHASE_DATA,      /* values into the innermost open container */
  PHASE_TEXT,      /* the rest of the line is human text */
} Phase;

/* One segment of a response: the bytes before CRLF (or a bare LF). */
typedef struct
{
  const guint8 *buf;
  gsize end;
  gsize pos;
  gboolean literal;  /* the segment ended in a literal's "{n}": the response goes on */
} Cursor;

struct _TaubeImapParser
{
  TaubeImapParserCallbacks callbacks;
  gpointer user_data;
  TaubeImapParserLimits limits;

  GByteArray *line;             /* the segment being collected */
  gsize offset;                 /* bytes of this response before the segment */
  gsize line_total;             /* bytes of this response outside literals */
  gsize buffered;               /* literal bytes of this response kept in the tree */

  Phase phase;
  TaubeImapResponse *response;  /* under construction */
  GPtrArray *stack;             /* open containers, owned by the response; [0] its data */

  gboolean in_literal;
  guint64 literal_left;
  TaubeImapValue *literal;      /* the string being filled; NULL while streaming */
  gsize literal_filled;

  gboolean failed;
  gboolean in_callback;
};

gboolean        _taube_imap_parser_failv          (TaubeImapParser *self,
                                                   GError         **error,
                                                   TaubeImapError   code,
                                                   const Cursor    *cur,
                                                   const char      *format,
                                                   va_list          args) G_GNUC_PRINTF (5, 0);
void            _taube_imap_parser_enter_text     (TaubeImapParser *self,
                                                   Cursor          *cur);
TaubeImapValue *_taube_imap_parser_top            (TaubeImapParser *self);
gboolean        _taube_imap_parser_is_digits      (const guint8    *p,
                                                   gsize            len);
gboolean        _taube_imap_parser_parse_u64      (const guint8    *p,
                                                   gsize            len,
                                                   guint64         *out);
gsize           _taube_imap_parser_scan_atom      (const Cursor    *cur,
                                                   gboolean         bracket_ends,
                                                   gboolean         open_bracket_ends);
gboolean        _taube_imap_parser_parse_values   (TaubeImapParser *self,
                                                   Cursor          *cur,
                                                   GError         **error);
void            _taube_imap_parser_finish_literal (TaubeImapParser *self);

G_END_DECLS
