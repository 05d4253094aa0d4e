/* taube-smtp-error.c — what can go wrong sending through an SMTP submission server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "taube-smtp-error.h"

G_DEFINE_QUARK (taube-smtp-error-quark, taube_smtp_error)
