/* taube-imap-parser.h — incremental parser for IMAP server responses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "taube-imap-response.h"
#include "taube-imap-value.h"

G_BEGIN_DECLS

typedef struct _TaubeImapParser TaubeImapParser;

/**
 * TaubeImapParserCallbacks:
 * @response: a complete response; borrowed, take a reference to keep it
 * @literal_begin: a message body literal starts: @item is the FETCH item it belongs to
 *   (BODY[...], BINARY[...], RFC822, RFC822.HEADER or RFC822.TEXT) in message @sequence,
 *   and @size bytes follow
 * @literal_chunk: the next at most 64 KiB of that literal
 * @literal_end: the literal is complete; the response it belongs to follows later
 *
 * Any member may be %NULL.  Callbacks must not feed, reset or free the parser.
 */
typedef struct
{
  void (*response)      (TaubeImapParser      *parser,
                         TaubeImapResponse    *response,
                         gpointer              user_data);
  void (*literal_begin) (TaubeImapParser      *parser,
                         guint64               sequence,
                         const TaubeImapValue *item,
                         guint64               size,
                         gpointer              user_data);
  void (*literal_chunk) (TaubeImapParser      *parser,
                         const guint8         *data,
                         gsize                 len,
                         gpointer              user_data);
  void (*literal_end)   (TaubeImapParser      *parser,
                         gpointer              user_data);
} TaubeImapParserCallbacks;

/**
 * TaubeImapParserLimits:
 * @max_line: bytes of one response outside its literals (default 1 MiB)
 * @max_literal: bytes of one literal kept in the value tree (default 1 MiB)
 * @max_buffered: bytes of all literals of one response kept in the tree (default 16 MiB)
 * @max_depth: nesting of lists and sections (default 100, at most 1000)
 *
 * A member left 0 keeps its default.  Body literals are streamed and count toward none.
 */
typedef struct
{
  gsize max_line;
  gsize max_literal;
  gsize max_buffered;
  guint max_depth;
} TaubeImapParserLimits;

#define TAUBE_IMAP_PARSER_CHUNK_SIZE (64 * 1024)

TaubeImapParser *taube_imap_parser_new        (const TaubeImapParserCallbacks *callbacks,
                                               gpointer                        user_data);
void             taube_imap_parser_free       (TaubeImapParser                *self);
void             taube_imap_parser_set_limits (TaubeImapParser                *self,
                                               const TaubeImapParserLimits    *limits);
gboolean         taube_imap_parser_feed       (TaubeImapParser                *self,
                                               const guint8                   *data,
                                               gsize                           len,
                                               GError                        **error);
void             taube_imap_parser_reset      (TaubeImapParser                *self);
gboolean         taube_imap_parser_is_idle    (TaubeImapParser                *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeImapParser, taube_imap_parser_free)

G_END_DECLS
