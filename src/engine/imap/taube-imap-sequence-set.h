/* taube-imap-sequence-set.h — message numbers and UIDs as "1:5,7,9:*"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "taube-imap-value.h"

G_BEGIN_DECLS

/* "*": the largest number in use (RFC 9051 §9 seq-number). */
#define TAUBE_IMAP_SEQUENCE_STAR G_MAXUINT32

typedef struct _TaubeImapSequenceSet TaubeImapSequenceSet;

TaubeImapSequenceSet *taube_imap_sequence_set_new            (void);
TaubeImapSequenceSet *taube_imap_sequence_set_parse          (const char            *text,
                                                              GError               **error);
TaubeImapSequenceSet *taube_imap_sequence_set_new_from_value (const TaubeImapValue  *value,
                                                              GError               **error);
TaubeImapSequenceSet *taube_imap_sequence_set_new_from_array (const guint32         *numbers,
                                                              gsize                  n_numbers);
void                  taube_imap_sequence_set_free           (TaubeImapSequenceSet  *set);
void                  taube_imap_sequence_set_add_range      (TaubeImapSequenceSet  *set,
                                                              guint32                first,
                                                              guint32                last);

guint    taube_imap_sequence_set_get_n_ranges (const TaubeImapSequenceSet *set);
void     taube_imap_sequence_set_get_range    (const TaubeImapSequenceSet *set,
                                               guint                       index,
                                               guint32                    *first,
                                               guint32                    *last);
gboolean taube_imap_sequence_set_contains     (const TaubeImapSequenceSet *set,
                                               guint32                     number);
guint64  taube_imap_sequence_set_get_count    (const TaubeImapSequenceSet *set);
GArray  *taube_imap_sequence_set_to_array     (const TaubeImapSequenceSet *set,
                                               gsize                       max,
                                               GError                    **error);
char    *taube_imap_sequence_set_to_string    (const TaubeImapSequenceSet *set);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeImapSequenceSet, taube_imap_sequence_set_free)

G_END_DECLS
