/* taube-smtp-reply.h — SMTP replies: codes, multi-line text, enhanced status codes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint code;        /* 220, 250, 354, 535, ... */
  char *enhanced;    /* "5.7.8" (RFC 3463), or NULL */
  GPtrArray *lines;  /* the text of each line, the enhanced code taken off */
} TaubeSmtpReply;

typedef struct
{
  /*< private >*/
  TaubeSmtpReply *partial;
} TaubeSmtpReplyParser;

void            taube_smtp_reply_parser_init  (TaubeSmtpReplyParser  *parser);
void            taube_smtp_reply_parser_clear (TaubeSmtpReplyParser  *parser);
gboolean        taube_smtp_reply_parser_feed  (TaubeSmtpReplyParser  *parser,
                                               const char            *line,
                                               gsize                  length,
                                               TaubeSmtpReply       **reply,
                                               GError               **error);

void            taube_smtp_reply_free         (TaubeSmtpReply        *reply);
char           *taube_smtp_reply_get_text     (const TaubeSmtpReply  *reply);
guint           taube_smtp_reply_get_class    (const TaubeSmtpReply  *reply);
GHashTable     *taube_smtp_parse_extensions   (const TaubeSmtpReply  *reply);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeSmtpReply, taube_smtp_reply_free)

G_END_DECLS
