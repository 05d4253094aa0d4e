/* taube-imap-fetch-private.h — what the fetch command and the FETCH parser share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "taube-imap-fetch.h"

G_BEGIN_DECLS

TaubeImapFetchedSection *_taube_imap_fetched_section_new   (const char        *section,
                                                            guint64            origin,
                                                            guint64            size);
void                     _taube_imap_fetched_section_free  (gpointer           section);
TaubeImapFetchedMessage *_taube_imap_fetched_message_parse (TaubeImapResponse *response,
                                                            GQueue            *streamed,
                                                            GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeImapFetchedSection, _taube_imap_fetched_section_free)

G_END_DECLS
