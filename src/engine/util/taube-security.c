/* taube-security.c — how a connection to a mail server is protected
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "taube-security.h"

G_DEFINE_ENUM_TYPE (TaubeSecurity, taube_security,
  G_DEFINE_ENUM_VALUE (TAUBE_SECURITY_TLS, "tls"),
  G_DEFINE_ENUM_VALUE (TAUBE_SECURITY_STARTTLS, "starttls"),
  G_DEFINE_ENUM_VALUE (TAUBE_SECURITY_NONE, "none"))

/**
 * taube_security_to_string:
 * @security: a #TaubeSecurity
 *
 * Returns: the word used in account files and on the command line: "tls", "starttls", "none"
 */
const char *
taube_security_to_string (TaubeSecurity security)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (TAUBE_TYPE_SECURITY);
  GEnumValue *value = g_enum_get_value (klass, security);

  g_return_val_if_fail (value != NULL, NULL);
  return value->value_nick;
}

/**
 * taube_security_from_string:
 * @text: "tls", "starttls" or "none"
 * @security: (out): where the value goes
 *
 * Returns: %TRUE if @text names a security
 */
gboolean
taube_security_from_string (const char    *text,
                            TaubeSecurity *security)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (TAUBE_TYPE_SECURITY);
  GEnumValue *value;

  g_return_val_if_fail (security != NULL, FALSE);

  value = text != NULL ? g_enum_get_value_by_nick (klass, text) : NULL;
  if (value == NULL)
    return FALSE;
  *security = value->value;
  return TRUE;
}
