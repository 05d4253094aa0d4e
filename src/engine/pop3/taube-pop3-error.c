/* taube-pop3-error.c — what can go wrong talking to a POP3 server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "taube-pop3-error.h"

G_DEFINE_QUARK (taube-pop3-error-quark, taube_pop3_error)
