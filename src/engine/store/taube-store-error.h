/* taube-store-error.h — the local message store's error domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TAUBE_STORE_ERROR (taube_store_error_quark ())

typedef enum
{
  /* The index is not an SQLite database, or SQLite found it damaged (SQLITE_CORRUPT, SQLITE_NOTADB). */
  TAUBE_STORE_ERROR_CORRUPT,
  /* A newer Taube wrote the index: its PRAGMA user_version is above our last migration. */
  TAUBE_STORE_ERROR_TOO_NEW,
  /* The disk, the quota or the file size limit is full (SQLITE_FULL, ENOSPC, EDQUOT, EFBIG). */
  TAUBE_STORE_ERROR_NO_SPACE,
  /* No folder or message with that id, or its message file is gone (ENOENT). */
  TAUBE_STORE_ERROR_NOT_FOUND,
  /* Reading or writing the store directory failed otherwise (SQLITE_IOERR, SQLITE_CANTOPEN, EIO, EACCES). */
  TAUBE_STORE_ERROR_IO,
  /* Another process kept the index locked past the busy timeout (SQLITE_BUSY, SQLITE_LOCKED). */
  TAUBE_STORE_ERROR_BUSY,
  /* SQLite refused a statement, which is a bug in Taube (SQLITE_ERROR, SQLITE_CONSTRAINT, SQLITE_MISUSE). */
  TAUBE_STORE_ERROR_FAILED,
} TaubeStoreError;

GQuark taube_store_error_quark (void);

G_END_DECLS
