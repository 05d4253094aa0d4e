/* taube-imap-error.c — the IMAP subsystem's error domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "taube-imap"

#include "taube-imap-error.h"

G_DEFINE_QUARK (taube-imap-error-quark, taube_imap_error)

/* Sets a protocol error for a response that does not have the shape its RFC gives it,
 * such as a STATUS without its list. Always returns %NULL, so that a parser can return
 * it. Not translated: the client reports protocol errors to people in its own words and
 * logs this one. */
gpointer
_taube_imap_malformed_error (GError     **error,
                             const char  *what)
{
  g_set_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL, "malformed %s response",
               what);
  return NULL;
}
