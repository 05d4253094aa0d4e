/* taube-pop3-error.h — what can go wrong talking to a POP3 server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TAUBE_POP3_ERROR (taube_pop3_error_quark ())

typedef enum
{
  /* -ERR to PASS or AUTH (RFC 1939 §7, RFC 5034 §4), or with [AUTH] (RFC 3206 §5). */
  TAUBE_POP3_ERROR_BAD_CREDENTIALS,
  /* Any other -ERR (RFC 1939 §3); the message carries the server's text. */
  TAUBE_POP3_ERROR_SERVER_ERROR,
  /* The server's reply is not POP3: no +OK/-ERR, a malformed listing, an overlong line. */
  TAUBE_POP3_ERROR_PROTOCOL,
  /* STARTTLS was asked for but CAPA does not list STLS (RFC 2595 §4); nothing was sent. */
  TAUBE_POP3_ERROR_STARTTLS_NOT_OFFERED,
  /* The server answered STLS with -ERR (RFC 2595 §4); the connection was dropped. */
  TAUBE_POP3_ERROR_STARTTLS_FAILED,
  /* No encryption and plaintext was not allowed, or the server refuses it (RFC 2595 §2). */
  TAUBE_POP3_ERROR_PLAINTEXT_REFUSED,
  /* A message is larger than the limit the caller set. */
  TAUBE_POP3_ERROR_MESSAGE_TOO_BIG,
  /* The server lacks something needed: UIDL or TOP (RFC 2449 §6), a login mechanism. */
  TAUBE_POP3_ERROR_NOT_SUPPORTED,
  /* -ERR [IN-USE]: another session holds the mailbox lock (RFC 2449 §8.1.1). */
  TAUBE_POP3_ERROR_IN_USE,
  /* -ERR [SYS/TEMP] or [LOGIN-DELAY]: try again later (RFC 3206 §4, RFC 2449 §8.1.2). */
  TAUBE_POP3_ERROR_TEMPORARY,
} TaubePop3Error;

GQuark taube_pop3_error_quark (void);

G_END_DECLS
