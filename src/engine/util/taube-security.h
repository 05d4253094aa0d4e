/* taube-security.h — how a connection to a mail server is protected
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * TaubeSecurity:
 * @TAUBE_SECURITY_TLS: TLS from the first byte (RFC 8314 "implicit TLS": 993, 995, 465)
 * @TAUBE_SECURITY_STARTTLS: plain connection upgraded before login (143, 110, 587); if the
 *   upgrade is not offered or fails, the connection is dropped, never used in plain text
 * @TAUBE_SECURITY_NONE: no encryption; only with the account's explicit consent
 */
typedef enum
{
  TAUBE_SECURITY_TLS,
  TAUBE_SECURITY_STARTTLS,
  TAUBE_SECURITY_NONE,
} TaubeSecurity;

#define TAUBE_TYPE_SECURITY (taube_security_get_type ())

GType         taube_security_get_type    (void);
const char   *taube_security_to_string   (TaubeSecurity  security);
gboolean      taube_security_from_string (const char    *text,
                                          TaubeSecurity *security);

G_END_DECLS
