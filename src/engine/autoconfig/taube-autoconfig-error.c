/* taube-autoconfig-error.c — the account-setup lookups' error domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "taube-autoconfig"

#include "taube-autoconfig-error.h"

G_DEFINE_QUARK (taube-autoconfig-error-quark, taube_autoconfig_error)
