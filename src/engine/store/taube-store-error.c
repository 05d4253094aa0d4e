/* taube-store-error.c — the local message store's error domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Errors of the store reach people when their disk is full or their index is damaged, so
 * each says what happened and what to do. The technical detail goes to the debug log.
 */
#define G_LOG_DOMAIN "taube-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>

#include "taube-store-error.h"
#include "taube-store-private.h"

G_DEFINE_QUARK (taube-store-error-quark, taube_store_error)

/* EFBIG is RLIMIT_FSIZE or the file system's largest file: to the person it is the same as a
 * full disk, because in both cases the mail cannot be written until something changes. */
static gboolean
errno_is_no_space (int errsv)
{
  return errsv == ENOSPC || errsv == EDQUOT || errsv == EFBIG;
}

/*
 * _taube_store_set_error_errno:
 * @error: return location for a #GError
 * @errsv: the errno of the failed call
 * @path: the file or directory it was about
 *
 * Sets @error to the store error that explains a failed system call on @path.
 */
void
_taube_store_set_error_errno (GError     **error,
                              int          errsv,
                              const char  *path)
{
  g_debug ("%s: %s", path, g_strerror (errsv));

  if (errno_is_no_space (errsv))
    _taube_store_set_error_no_space (error, path);
  else if (errsv == ENOENT)
    g_set_error (error, TAUBE_STORE_ERROR, TAUBE_STORE_ERROR_NOT_FOUND,
                 /* Translators: %s is a file name in the mail store */
                 _("The downloaded copy of a message is missing: “%s” does not exist."), path);
  else
    _taube_store_set_error_io (error, path, g_strerror (errsv));
}

/* The path of a file deep in the Maildir would not help a person; the log has it. */
void
_taube_store_set_error_no_space (GError     **error,
                                 const char  *path)
{
  g_debug ("No space for %s", path);
  g_set_error_literal (error, TAUBE_STORE_ERROR, TAUBE_STORE_ERROR_NO_SPACE,
                       _("There is not enough disk space to save mail. Free up some space, "
                         "then try again."));
}

void
_taube_store_set_error_io (GError     **error,
                           const char  *path,
                           const char  *reason)
{
  g_set_error (error, TAUBE_STORE_ERROR, TAUBE_STORE_ERROR_IO,
               /* Translators: a file or folder, then the system's reason ("Permission denied") */
               _("Taube could not read or write its mail store at “%s”: %s. Check that the "
                 "disk is connected and that you may write to it."), path, reason);
}

void
_taube_store_set_error_message_not_found (GError **error)
{
  g_set_error_literal (error, TAUBE_STORE_ERROR, TAUBE_STORE_ERROR_NOT_FOUND,
                       _("The message is no longer in the local mail store."));
}

void
_taube_store_set_error_folder_not_found (GError **error)
{
  g_set_error_literal (error, TAUBE_STORE_ERROR, TAUBE_STORE_ERROR_NOT_FOUND,
                       _("The folder is no longer in the local mail store."));
}

void
_taube_store_set_error_not_downloaded (GError **error)
{
  g_set_error_literal (error, TAUBE_STORE_ERROR, TAUBE_STORE_ERROR_NOT_FOUND,
                       _("This message has not been downloaded yet."));
}
