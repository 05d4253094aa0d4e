/* taube-smtp-error.h — what can go wrong sending through an SMTP submission server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TAUBE_SMTP_ERROR (taube_smtp_error_quark ())

/* Every error that comes from a reply carries the server's text in its message. */
typedef enum
{
  /* 535 5.7.8: the user name or password is wrong (RFC 4954 §6). */
  TAUBE_SMTP_ERROR_BAD_CREDENTIALS,
  /* 530 5.7.0: the server wants a login before MAIL (RFC 4954 §6). */
  TAUBE_SMTP_ERROR_AUTH_REQUIRED,
  /* Any 4xx: the server cannot now, the outbox should retry later (RFC 5321 §4.2.1). */
  TAUBE_SMTP_ERROR_TRANSIENT,
  /* Any other 5xx: retrying the same will fail the same (RFC 5321 §4.2.1). */
  TAUBE_SMTP_ERROR_PERMANENT,
  /* Every recipient was refused with 5xx to RCPT (RFC 5321 §3.3). */
  TAUBE_SMTP_ERROR_RECIPIENT_REJECTED,
  /* 552 or 5.3.4, or larger than the server's SIZE (RFC 1870 §6). */
  TAUBE_SMTP_ERROR_MESSAGE_TOO_BIG,
  /* STARTTLS was asked for but EHLO does not list it (RFC 3207 §4); nothing was sent. */
  TAUBE_SMTP_ERROR_STARTTLS_NOT_OFFERED,
  /* The server answered STARTTLS with an error (RFC 3207 §4); the connection was dropped. */
  TAUBE_SMTP_ERROR_STARTTLS_FAILED,
  /* No encryption and plaintext not allowed, or the server refuses it (534, 538, RFC 4954). */
  TAUBE_SMTP_ERROR_PLAINTEXT_REFUSED,
  /* The reply is not SMTP: a bad code, an overlong line, a garbled continuation. */
  TAUBE_SMTP_ERROR_PROTOCOL,
  /* The server lacks what the message needs: SMTPUTF8 (RFC 6531), 8BITMIME (RFC 6152), AUTH. */
  TAUBE_SMTP_ERROR_NOT_SUPPORTED,
} TaubeSmtpError;

GQuark taube_smtp_error_quark (void);

G_END_DECLS
