/* taube-pop3-reply.h — POP3 status lines, multi-line replies and listings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  TAUBE_POP3_STATUS_OK,        /* "+OK" */
  TAUBE_POP3_STATUS_ERR,       /* "-ERR" */
  TAUBE_POP3_STATUS_CONTINUE,  /* "+ challenge", a SASL continuation (RFC 5034 §4) */
} TaubePop3Status;

typedef struct
{
  TaubePop3Status status;
  char *code;        /* the response code without brackets (RFC 2449 §8), or NULL */
  char *text;        /* the rest of the status line; never NULL */
  GPtrArray *lines;  /* a multi-line reply's lines, dot-unstuffed; NULL if single-line */
  gsize size;        /* bytes of all lines, for the caller's limits */
} TaubePop3Reply;

TaubePop3Reply *taube_pop3_reply_parse          (const char      *line,
                                                 gsize            length,
                                                 GError         **error);
gboolean        taube_pop3_reply_add_line       (TaubePop3Reply  *reply,
                                                 const char      *line,
                                                 gsize            length,
                                                 gboolean        *done,
                                                 GError         **error);
void            taube_pop3_reply_free           (TaubePop3Reply  *reply);

gboolean        taube_pop3_parse_listing        (const char      *text,
                                                 guint           *number,
                                                 guint64         *size,
                                                 GError         **error);
gboolean        taube_pop3_parse_unique_id      (const char      *text,
                                                 guint           *number,
                                                 char           **uid,
                                                 GError         **error);
GHashTable     *taube_pop3_parse_capabilities   (GPtrArray       *lines);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubePop3Reply, taube_pop3_reply_free)

G_END_DECLS
