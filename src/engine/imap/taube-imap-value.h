/* taube-imap-value.h — one node of a parsed IMAP response
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  /* A bare word: FLAGS, \Seen, 1:5,7, AUTH=PLAIN. */
  TAUBE_IMAP_VALUE_ATOM,
  /* An all-digit word that fits in 64 bits; its text is kept too. */
  TAUBE_IMAP_VALUE_NUMBER,
  /* A quoted string or a literal kept in memory; may hold NUL and 8-bit bytes. */
  TAUBE_IMAP_VALUE_STRING,
  /* The atom NIL. */
  TAUBE_IMAP_VALUE_NIL,
  /* A parenthesised list. */
  TAUBE_IMAP_VALUE_LIST,
  /* A FETCH item with a section, e.g. BODY[HEADER.FIELDS (From)]<0>. */
  TAUBE_IMAP_VALUE_SECTION,
  /* A body literal that went to the literal callbacks instead of the tree. */
  TAUBE_IMAP_VALUE_LITERAL_STREAMED,
} TaubeImapValueKind;

typedef struct _TaubeImapValue TaubeImapValue;

TaubeImapValueKind    taube_imap_value_get_kind           (const TaubeImapValue *value);
const char           *taube_imap_value_get_atom           (const TaubeImapValue *value);
gboolean              taube_imap_value_is_atom            (const TaubeImapValue *value,
                                                           const char           *name);
gboolean              taube_imap_value_get_number         (const TaubeImapValue *value,
                                                           guint64              *number);
const char           *taube_imap_value_get_string         (const TaubeImapValue *value,
                                                           gsize                *length);
const char           *taube_imap_value_get_astring        (const TaubeImapValue *value,
                                                           gsize                *length);
const char           *taube_imap_value_get_nstring        (const TaubeImapValue *value,
                                                           gsize                *length);
gboolean              taube_imap_value_is_nil             (const TaubeImapValue *value);
gboolean              taube_imap_value_is_list            (const TaubeImapValue *value);
guint                 taube_imap_value_get_length         (const TaubeImapValue *value);
const TaubeImapValue *taube_imap_value_get_item           (const TaubeImapValue *value,
                                                           guint                 index);
const TaubeImapValue *taube_imap_value_lookup             (const TaubeImapValue *list,
                                                           const char           *key);
const char           *taube_imap_value_get_section_name   (const TaubeImapValue *value);
const char           *taube_imap_value_get_section_spec   (const TaubeImapValue *value);
gboolean              taube_imap_value_get_section_origin (const TaubeImapValue *value,
                                                           guint64              *origin);
gboolean              taube_imap_value_matches_key        (const TaubeImapValue *value,
                                                           const char           *key);
guint64               taube_imap_value_get_streamed_size  (const TaubeImapValue *value);
char                 *taube_imap_value_to_string          (const TaubeImapValue *value);

G_END_DECLS
