/* taube-utf7.h — modified UTF-7 for IMAP mailbox names
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TAUBE_UTF7_ERROR (taube_utf7_error_quark ())

typedef enum
{
  /* The input is not valid UTF-8 (encoding) or not valid modified UTF-7 (decoding). */
  TAUBE_UTF7_ERROR_INVALID,
} TaubeUtf7Error;

GQuark taube_utf7_error_quark (void);

char *taube_utf7_encode (const char *utf8,
                         GError    **error);
char *taube_utf7_decode (const char *mutf7,
                         GError    **error);

G_END_DECLS
