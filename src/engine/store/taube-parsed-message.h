/* taube-parsed-message.h — what the index keeps of a message, read with GMime
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The longest preview, in characters. */
#define TAUBE_PARSED_MESSAGE_PREVIEW_CHARS 200
/* The most body text kept for search, in bytes. */
#define TAUBE_PARSED_MESSAGE_MAX_TEXT (64 * 1024)

typedef struct
{
  char     *subject;        /* decoded; "" if there is none */
  char     *from_name;      /* "" if the sender gave none */
  char     *from_address;   /* NULL if there is no From */
  char     *recipients;     /* To and Cc for the message list: names, or addresses */
  char     *addresses;      /* From, To, Cc and Bcc with names, for search */
  gint64    date;           /* the Date header in seconds since 1970; 0 if missing or unreadable */
  char     *message_id;     /* without angle brackets; NULL if missing */
  char     *in_reply_to;    /* the parent's Message-ID; NULL if none */
  GStrv     references;     /* ancestors, oldest first: References, plus In-Reply-To */
  gboolean  has_attachment;
  char     *preview;        /* the start of the text, without quotes and signature */
  char     *body_text;      /* the text for search, HTML stripped, shortened */
} TaubeParsedMessage;

TaubeParsedMessage *taube_parsed_message_new  (GBytes             *raw);
void                taube_parsed_message_free (TaubeParsedMessage *self);
gboolean            taube_parsed_message_is_security_type (const char *type,
                                                           const char *subtype);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeParsedMessage, taube_parsed_message_free)

G_END_DECLS
