/* taube-account-verifier-private.h — what the verifier's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "taube-account-verifier.h"
#include "taube-connection.h"

G_BEGIN_DECLS

GError *_taube_verify_error_new (const GError    *error,
                                 TaubeConnection *connection,
                                 const char      *protocol_name,
                                 const char      *username);

G_END_DECLS
