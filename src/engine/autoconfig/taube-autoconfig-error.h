/* taube-autoconfig-error.h — the account-setup lookups' error domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TAUBE_AUTOCONFIG_ERROR (taube_autoconfig_error_quark ())

typedef enum
{
  /* The settings document is not well-formed XML or not UTF-8; the message gives the line. */
  TAUBE_AUTOCONFIG_ERROR_MALFORMED,
  /* The settings document is bigger than TAUBE_AUTOCONFIG_MAX_SIZE. */
  TAUBE_AUTOCONFIG_ERROR_TOO_BIG,
  /* The document names no IMAP or POP3 server with a valid host, port and socketType. */
  TAUBE_AUTOCONFIG_ERROR_NO_SERVERS,
  /* The email address has no "@" with text on both sides. */
  TAUBE_AUTOCONFIG_ERROR_INVALID_ADDRESS,
  /* Account detection found no settings within its time limit (taube-account-detector.h). */
  TAUBE_AUTOCONFIG_ERROR_NOT_FOUND,
} TaubeAutoconfigError;

GQuark taube_autoconfig_error_quark (void);

G_END_DECLS
