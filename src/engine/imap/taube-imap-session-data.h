/* taube-imap-session-data.h — ENABLED, NAMESPACE and ID responses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "taube-imap-response.h"

G_BEGIN_DECLS

/**
 * TaubeImapNamespace:
 * @prefix: the prefix of the namespace's mailbox names in UTF-8, e.g. "" or "Other Users/"
 * @delimiter: its hierarchy delimiter, or '\0' for none (NIL)
 */
typedef struct
{
  char *prefix;
  char delimiter;
} TaubeImapNamespace;

/**
 * TaubeImapNamespaces:
 * @personal: (element-type TaubeImapNamespace): the user's own mailboxes (RFC 2342 §5)
 * @other_users: (element-type TaubeImapNamespace): other users' mailboxes
 * @shared: (element-type TaubeImapNamespace): shared mailboxes
 */
typedef struct
{
  GPtrArray *personal;
  GPtrArray *other_users;
  GPtrArray *shared;
} TaubeImapNamespaces;

void                 taube_imap_namespaces_free  (TaubeImapNamespaces     *namespaces);
TaubeImapNamespaces *taube_imap_namespaces_parse (const TaubeImapResponse *response,
                                                  gboolean                 utf8,
                                                  GError                 **error);
GStrv                taube_imap_enabled_parse    (const TaubeImapResponse *response);
GHashTable          *taube_imap_id_parse         (const TaubeImapResponse *response,
                                                  GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeImapNamespaces, taube_imap_namespaces_free)

G_END_DECLS
