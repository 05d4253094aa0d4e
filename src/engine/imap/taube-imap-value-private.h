/* taube-imap-value-private.h — building value trees, for the parser only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "taube-imap-value.h"

G_BEGIN_DECLS

struct _TaubeImapValue
{
  TaubeImapValueKind kind;
  gboolean has_origin;
  guint64 number;       /* NUMBER's value, LITERAL_STREAMED's size, SECTION's origin */
  gsize len;            /* bytes in data, NUL terminator excluded */
  char *data;           /* ATOM/NUMBER text, STRING bytes, SECTION item name */
  char *spec;           /* SECTION: its items as text, e.g. "HEADER.FIELDS (From)" */
  GPtrArray *children;  /* LIST items, SECTION items */
  char inline_data[];   /* where data points for every kind but SECTION's spec */
};

TaubeImapValue *_taube_imap_value_new_scalar     (TaubeImapValueKind    kind,
                                                  const char           *bytes,
                                                  gsize                 len);
TaubeImapValue *_taube_imap_value_new_number     (const char           *digits,
                                                  gsize                 len,
                                                  guint64               number);
TaubeImapValue *_taube_imap_value_new_string     (gsize                 len);
TaubeImapValue *_taube_imap_value_new_list       (void);
TaubeImapValue *_taube_imap_value_new_section    (const char           *name,
                                                  gsize                 len);
TaubeImapValue *_taube_imap_value_new_streamed   (guint64               size);
void            _taube_imap_value_close_section  (TaubeImapValue       *section);
void            _taube_imap_value_append         (TaubeImapValue       *container,
                                                  TaubeImapValue       *child);
TaubeImapValue *_taube_imap_value_get_last       (const TaubeImapValue *container);
void            _taube_imap_value_free           (TaubeImapValue       *value);
void            _taube_imap_value_append_to      (const TaubeImapValue *value,
                                                  GString              *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeImapValue, _taube_imap_value_free)

G_END_DECLS
