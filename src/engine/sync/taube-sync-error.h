/* taube-sync-error.h — why syncing an account failed, as something the UI can act on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TAUBE_SYNC_ERROR (taube_sync_error_quark ())

typedef enum
{
  /* No password in the keyring, or the server refused it: stop and ask for it. */
  TAUBE_SYNC_ERROR_NEEDS_PASSWORD,
  /* The server's certificate was refused: stop and show it (G_TLS_ERROR_BAD_CERTIFICATE). */
  TAUBE_SYNC_ERROR_CERTIFICATE,
  /* Another Taube process (the app or taube-cli) is syncing this account right now. */
  TAUBE_SYNC_ERROR_BUSY,
  /* The server could not be reached or the connection dropped: try again later. */
  TAUBE_SYNC_ERROR_NETWORK,
  /* The server refused a command, lacks something needed (UIDL) or speaks no POP3/IMAP. */
  TAUBE_SYNC_ERROR_SERVER,
  /* The settings do not allow a safe connection (plaintext refused, STARTTLS missing). */
  TAUBE_SYNC_ERROR_SETTINGS,
  /* The local store failed, e.g. the disk is full; nothing on the server was deleted. */
  TAUBE_SYNC_ERROR_STORE,
  /* This kind of account cannot be synced yet. */
  TAUBE_SYNC_ERROR_NOT_SUPPORTED,
  /* The sync was cancelled; never shown to the person. */
  TAUBE_SYNC_ERROR_CANCELLED,
  /* Anything else. */
  TAUBE_SYNC_ERROR_FAILED,
} TaubeSyncError;

GQuark         taube_sync_error_quark    (void);
TaubeSyncError taube_sync_error_classify (const GError *error);
GError        *taube_sync_error_wrap     (const GError *error);

G_END_DECLS
