/* taube-sync-error.c — why syncing an account failed, as something the UI can act on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The protocol clients and the store report failures in their own domains, which is
 * right for a protocol log but too fine for a UI that must pick between "ask for the
 * password", "show the certificate" and "try again later". The classification lives here,
 * once, so the app and taube-cli react the same way.
 */
#include "config.h"

#include <gio/gio.h>

#include "taube-imap-error.h"
#include "taube-pop3-error.h"
#include "taube-store-error.h"
#include "taube-sync-error.h"

G_DEFINE_QUARK (taube-sync-error-quark, taube_sync_error)

static TaubeSyncError
classify_pop3 (int code)
{
  switch (code)
    {
    case TAUBE_POP3_ERROR_BAD_CREDENTIALS:
      return TAUBE_SYNC_ERROR_NEEDS_PASSWORD;
    case TAUBE_POP3_ERROR_STARTTLS_NOT_OFFERED:
    case TAUBE_POP3_ERROR_STARTTLS_FAILED:
    case TAUBE_POP3_ERROR_PLAINTEXT_REFUSED:
      return TAUBE_SYNC_ERROR_SETTINGS;
    case TAUBE_POP3_ERROR_IN_USE:
    case TAUBE_POP3_ERROR_TEMPORARY:
      return TAUBE_SYNC_ERROR_NETWORK;
    default:
      return TAUBE_SYNC_ERROR_SERVER;
    }
}

static TaubeSyncError
classify_imap (int code)
{
  switch (code)
    {
    case TAUBE_IMAP_ERROR_BAD_CREDENTIALS:
      return TAUBE_SYNC_ERROR_NEEDS_PASSWORD;
    case TAUBE_IMAP_ERROR_LOGINDISABLED:
    case TAUBE_IMAP_ERROR_STARTTLS_FAILED:
      return TAUBE_SYNC_ERROR_SETTINGS;
    case TAUBE_IMAP_ERROR_BYE:
    case TAUBE_IMAP_ERROR_TIMEOUT:
      return TAUBE_SYNC_ERROR_NETWORK;
    default:
      return TAUBE_SYNC_ERROR_SERVER;
    }
}

static TaubeSyncError
classify_io (int code)
{
  switch (code)
    {
    case G_IO_ERROR_CANCELLED:
      return TAUBE_SYNC_ERROR_CANCELLED;
    case G_IO_ERROR_NOT_SUPPORTED:
      return TAUBE_SYNC_ERROR_NOT_SUPPORTED;
    case G_IO_ERROR_NO_SPACE:
    case G_IO_ERROR_PERMISSION_DENIED:
    case G_IO_ERROR_READ_ONLY:
      return TAUBE_SYNC_ERROR_STORE;
    default:
      return TAUBE_SYNC_ERROR_NETWORK;
    }
}

/**
 * taube_sync_error_classify:
 * @error: an error from a sync
 *
 * Returns: what the UI should do about @error
 */
TaubeSyncError
taube_sync_error_classify (const GError *error)
{
  g_return_val_if_fail (error != NULL, TAUBE_SYNC_ERROR_FAILED);

  if (error->domain == TAUBE_SYNC_ERROR)
    return error->code;
  if (error->domain == TAUBE_POP3_ERROR)
    return classify_pop3 (error->code);
  if (error->domain == TAUBE_IMAP_ERROR)
    return classify_imap (error->code);
  if (error->domain == G_TLS_ERROR)
    return error->code == G_TLS_ERROR_BAD_CERTIFICATE ? TAUBE_SYNC_ERROR_CERTIFICATE
                                                      : TAUBE_SYNC_ERROR_NETWORK;
  if (error->domain == TAUBE_STORE_ERROR)
    return TAUBE_SYNC_ERROR_STORE;
  if (error->domain == G_IO_ERROR)
    return classify_io (error->code);
  if (error->domain == G_RESOLVER_ERROR)
    return TAUBE_SYNC_ERROR_NETWORK;
  return TAUBE_SYNC_ERROR_FAILED;
}

/**
 * taube_sync_error_wrap:
 * @error: an error from a sync
 *
 * Returns: (transfer full): @error's message in %TAUBE_SYNC_ERROR with the code of
 *   taube_sync_error_classify()
 */
GError *
taube_sync_error_wrap (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  return g_error_new_literal (TAUBE_SYNC_ERROR, taube_sync_error_classify (error),
                              error->message);
}
