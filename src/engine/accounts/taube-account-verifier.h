/* taube-account-verifier.h — logs in to an account's incoming and outgoing servers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * API contract shared by the engine and the setup assistant.
 * Implementation: taube-account-verifier.c (and -errors.c).
 */
#pragma once

#include <gio/gio.h>

#include "taube-account.h"

G_BEGIN_DECLS

/**
 * TaubeVerifyError:
 * @TAUBE_VERIFY_ERROR_BAD_CREDENTIALS: the server refused the user name or password
 *   (the message suggests checking it, or an app password)
 * @TAUBE_VERIFY_ERROR_HOST_NOT_FOUND: the host name does not resolve
 * @TAUBE_VERIFY_ERROR_UNREACHABLE: refused or timed out on this port (try the other security)
 * @TAUBE_VERIFY_ERROR_CERTIFICATE: the certificate is not trusted; get it with
 *   taube_account_verifier_get_certificate () to show and, after an explicit choice, pin it
 * @TAUBE_VERIFY_ERROR_PLAINTEXT: the connection would send the password unencrypted
 * @TAUBE_VERIFY_ERROR_SERVER: the server said no for another reason (its words are quoted)
 * @TAUBE_VERIFY_ERROR_PROTOCOL: the server does not speak the protocol expected on that port
 */
typedef enum
{
  TAUBE_VERIFY_ERROR_BAD_CREDENTIALS,
  TAUBE_VERIFY_ERROR_HOST_NOT_FOUND,
  TAUBE_VERIFY_ERROR_UNREACHABLE,
  TAUBE_VERIFY_ERROR_CERTIFICATE,
  TAUBE_VERIFY_ERROR_PLAINTEXT,
  TAUBE_VERIFY_ERROR_SERVER,
  TAUBE_VERIFY_ERROR_PROTOCOL,
} TaubeVerifyError;

#define TAUBE_VERIFY_ERROR (taube_verify_error_quark ())

/**
 * TaubeVerifyStep:
 * @TAUBE_VERIFY_STEP_INCOMING: logging in to the IMAP or POP3 server
 * @TAUBE_VERIFY_STEP_OUTGOING: logging in to the SMTP submission server
 */
typedef enum
{
  TAUBE_VERIFY_STEP_INCOMING,
  TAUBE_VERIFY_STEP_OUTGOING,
} TaubeVerifyStep;

#define TAUBE_TYPE_ACCOUNT_VERIFIER (taube_account_verifier_get_type ())

G_DECLARE_FINAL_TYPE (TaubeAccountVerifier, taube_account_verifier, TAUBE, ACCOUNT_VERIFIER,
                      GObject)

GQuark                taube_verify_error_quark                (void);

/* Uses the account's hosts, ports, security, allow-plaintext, ca-file and pinned
 * certificates.  The password is only held for the duration of the call. */
TaubeAccountVerifier *taube_account_verifier_new              (TaubeAccount         *account);

/* Logs in to the incoming, then the outgoing server, and logs out again.  On failure the
 * error is in TAUBE_VERIFY_ERROR with a translated message saying what went wrong and what
 * to try; @failed_step tells which server failed. */
void                  taube_account_verifier_verify_async     (TaubeAccountVerifier *self,
                                                               const char           *password,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
gboolean              taube_account_verifier_verify_finish    (TaubeAccountVerifier *self,
                                                               GAsyncResult         *result,
                                                               TaubeVerifyStep      *failed_step,
                                                               GError              **error);

/* After TAUBE_VERIFY_ERROR_CERTIFICATE: the certificate the server presented, and its
 * SHA-256 fingerprint in the form the account's "pinned-certificates" holds. */
GTlsCertificate      *taube_account_verifier_get_certificate  (TaubeAccountVerifier *self);
const char           *taube_account_verifier_get_fingerprint  (TaubeAccountVerifier *self);

G_END_DECLS
