/* taube-tls-trust-env.c — the TAUBE_EXTRA_CA_FILE test hook
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Account setup talks to servers whose names a test cannot get a publicly trusted
 * certificate for. TAUBE_EXTRA_CA_FILE=FILE (a PEM file of CA certificates) makes the
 * detector and the verifier trust FILE in addition to the system's CAs; it only ever
 * adds trust, like an account's own CA file, and is meant for tests (src/engine/README.md).
 */
#define G_LOG_DOMAIN "taube-tls"

#include "taube-tls-trust.h"

/**
 * taube_tls_trust_add_test_ca_from_env:
 * @self: a #TaubeTlsTrust
 * @error: return location for a #GError
 *
 * Adds the CAs of the file TAUBE_EXTRA_CA_FILE names, if it is set.
 *
 * Returns: %FALSE if the variable names a file that cannot be read as CAs
 */
gboolean
taube_tls_trust_add_test_ca_from_env (TaubeTlsTrust  *self,
                                      GError        **error)
{
  const char *path = g_getenv ("TAUBE_EXTRA_CA_FILE");

  g_return_val_if_fail (TAUBE_IS_TLS_TRUST (self), FALSE);

  if (path == NULL || *path == '\0')
    return TRUE;
  g_debug ("Also trusting the CAs in %s (TAUBE_EXTRA_CA_FILE)", path);
  return taube_tls_trust_add_ca_file (self, path, error);
}
