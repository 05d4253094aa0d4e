/* taube-imap-address.h — one address of an ENVELOPE
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "taube-imap-value.h"

G_BEGIN_DECLS

/**
 * TaubeImapAddress:
 * @name: (nullable): the display name, still RFC 2047-encoded as the server sent it
 * @route: (nullable): the obsolete source route (addr-adl), almost always %NULL
 * @mailbox: (nullable): the local part
 * @host: (nullable): the domain
 * @group: (nullable): the name of the RFC 5322 group this address belongs to
 */
typedef struct
{
  char *name;
  char *route;
  char *mailbox;
  char *host;
  char *group;
} TaubeImapAddress;

void       taube_imap_address_free                 (TaubeImapAddress       *address);
char      *taube_imap_address_get_email            (const TaubeImapAddress *address);
GPtrArray *taube_imap_address_list_new_from_value  (const TaubeImapValue   *value,
                                                    GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeImapAddress, taube_imap_address_free)

G_END_DECLS
