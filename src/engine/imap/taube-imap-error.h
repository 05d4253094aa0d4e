/* taube-imap-error.h — the IMAP subsystem's error domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TAUBE_IMAP_ERROR (taube_imap_error_quark ())

typedef enum
{
  /* The server sent bytes that are not a valid response (RFC 9051 §9 formal syntax). */
  TAUBE_IMAP_ERROR_PROTOCOL,
  /* A response line, literal or nesting depth went beyond the parser's limits. */
  TAUBE_IMAP_ERROR_TOO_BIG,
  /* LOGIN or AUTHENTICATE got a tagged NO, e.g. [AUTHENTICATIONFAILED] (RFC 9051 §7.1). */
  TAUBE_IMAP_ERROR_BAD_CREDENTIALS,
  /* A command failed with a tagged NO (RFC 9051 §7.1.2). */
  TAUBE_IMAP_ERROR_SERVER_NO,
  /* The server called a command invalid with BAD (RFC 9051 §7.1.3). */
  TAUBE_IMAP_ERROR_SERVER_BAD,
  /* The server is closing the connection with an untagged BYE (RFC 9051 §7.1.5). */
  TAUBE_IMAP_ERROR_BYE,
  /* LOGIN is refused on this connection: LOGINDISABLED capability (RFC 9051 §6.2.3). */
  TAUBE_IMAP_ERROR_LOGINDISABLED,
  /* STARTTLS was refused or its TLS negotiation failed (RFC 9051 §6.2.1). */
  TAUBE_IMAP_ERROR_STARTTLS_FAILED,
  /* The server lacks a capability the operation needs (RFC 9051 §6.1.1). */
  TAUBE_IMAP_ERROR_NOT_SUPPORTED,
  /* The server did not answer within the allowed time. */
  TAUBE_IMAP_ERROR_TIMEOUT,
} TaubeImapError;

GQuark taube_imap_error_quark (void);

gpointer _taube_imap_malformed_error (GError     **error,
                                      const char  *what);

G_END_DECLS
