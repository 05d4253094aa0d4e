/* taube-sync-lock.c — one sync per account at a time, across processes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The app and taube-cli may run against the same profile. Two POP3 syncs of one account
 * at once would download the same messages twice over two sessions (the store would
 * keep one copy, but the second DELE could come from a session that had not stored it);
 * two IMAP syncs would fight over the folder state. So each sync holds an flock(2) on
 * sync-ACCOUNT.lock in the store directory. The kernel drops the lock when the process
 * dies, even by SIGKILL, so a crash never leaves an account locked.
 */
#define G_LOG_DOMAIN "taube-sync"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "taube-maildir.h"
#include "taube-sync-error.h"
#include "taube-sync-lock.h"

struct _TaubeSyncLock
{
  int fd;
};

static char *
lock_path (GFile      *directory,
           const char *account_id)
{
  g_autofree char *dir = g_file_get_path (directory);
  g_autofree char *escaped = taube_maildir_escape_name (account_id);
  g_autofree char *name = g_strdup_printf ("sync-%s.lock", escaped);

  return g_build_filename (dir, name, NULL);
}

/**
 * taube_sync_lock_acquire:
 * @directory: the store directory
 * @account_id: the account to sync
 * @error: return location for a #GError
 *
 * Takes the account's sync lock without waiting. Fails with %TAUBE_SYNC_ERROR_BUSY if
 * another process (or another sync in this one) holds it.
 *
 * Returns: (transfer full): the lock, held until taube_sync_lock_release(), or %NULL
 */
TaubeSyncLock *
taube_sync_lock_acquire (GFile       *directory,
                         const char  *account_id,
                         GError     **error)
{
  g_autofree char *path = lock_path (directory, account_id);
  g_autofree char *dir = g_path_get_dirname (path);
  TaubeSyncLock *lock;
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0
      || (fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   /* Translators: %s is a file name, then the system's reason */
                   _("Could not open the lock file %s: %s"), path, g_strerror (errsv));
      return NULL;
    }
  /* Per open file description: a second open in this process conflicts too. */
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int errsv = errno;

      close (fd);
      if (errsv == EWOULDBLOCK)
        g_set_error_literal (error, TAUBE_SYNC_ERROR, TAUBE_SYNC_ERROR_BUSY,
                             _("This account is being synchronized by another Taube "
                               "program right now. Try again when it is done."));
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                     _("Could not lock %s: %s"), path, g_strerror (errsv));
      return NULL;
    }
  lock = g_new0 (TaubeSyncLock, 1);
  lock->fd = fd;
  return lock;
}

/**
 * taube_sync_lock_release:
 * @lock: (transfer full): a lock from taube_sync_lock_acquire()
 *
 * Lets the next sync of the account start. The file stays; removing it would race with
 * a process that has just opened it.
 */
void
taube_sync_lock_release (TaubeSyncLock *lock)
{
  if (lock == NULL)
    return;
  close (lock->fd);
  g_free (lock);
}
