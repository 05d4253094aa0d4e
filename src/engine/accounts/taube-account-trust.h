/* taube-account-trust.h — the certificates one account accepts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "taube-account.h"
#include "taube-tls-trust.h"

G_BEGIN_DECLS

TaubeTlsTrust *taube_account_new_tls_trust (TaubeAccount  *account,
                                            GError       **error);

G_END_DECLS
