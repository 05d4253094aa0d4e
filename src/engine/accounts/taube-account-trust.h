/* taube-account-trust.h — the certificates one account accepts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "taube-account.h"
#include "taube-connection.h"
#include "taube-tls-trust.h"

G_BEGIN_DECLS

TaubeTlsTrust *taube_account_new_tls_trust (TaubeAccount  *account,
                                            GError       **error);

/**
 * TaubeAccountServer:
 * @TAUBE_ACCOUNT_SERVER_INCOMING: the IMAP or POP3 server
 * @TAUBE_ACCOUNT_SERVER_OUTGOING: the SMTP submission server
 */
typedef enum
{
  TAUBE_ACCOUNT_SERVER_INCOMING,
  TAUBE_ACCOUNT_SERVER_OUTGOING,
} TaubeAccountServer;

TaubeConnection *taube_account_new_connection (TaubeAccount        *account,
                                               TaubeAccountServer   server,
                                               const char          *log_domain,
                                               guint                connect_timeout_ms,
                                               guint                read_timeout_ms,
                                               GError             **error);

G_END_DECLS
