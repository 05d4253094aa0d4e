/* taube-imap-error.c — the IMAP subsystem's error domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "taube-imap"

#include "taube-imap-error.h"

G_DEFINE_QUARK (taube-imap-error-quark, taube_imap_error)
