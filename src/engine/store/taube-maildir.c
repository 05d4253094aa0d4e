/* taube-maildir.c — message files in a Maildir, written durably
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The layout is D. J. Bernstein's Maildir (https://cr.yp.to/proto/maildir.html): a file is
 * written under tmp/ with a unique name, then renamed into place, so no reader ever sees half
 * a message. Taube is the reader that "moves mail from new to cur", so it delivers straight
 * into cur/ with the ":2," info suffix.
 *
 * Durability, in this order, because a POP3 server deletes its copy once we say "stored":
 * write the file, fsync it, rename it into cur/, fsync cur/. Only after that may the index
 * point at the file. The flags in the file name are those at delivery; afterwards the index
 * is the authority, which spares a rename on every "mark as read".
 */
#define G_LOG_DOMAIN "taube-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "taube-maildir.h"
#include "taube-store-private.h"

/* Longer escaped names are replaced by a hash, far below NAME_MAX (255). */
#define MAX_ESCAPED_NAME 100

static const char *const subdirs[] = { "tmp", "new", "cur" };

static gboolean
set_errno_error (GError     **error,
                 int          errsv,
                 const char  *path)
{
  _taube_store_set_error_errno (error, errsv, path);
  return FALSE;
}

/* A directory entry is durable only once the directory itself is synced. */
static gboolean
sync_directory (const char  *path,
                GError     **error)
{
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int errsv;

  if (fd < 0)
    return set_errno_error (error, errno, path);
  if (fsync (fd) != 0)
    {
      errsv = errno;
      close (fd);
      return set_errno_error (error, errsv, path);
    }
  close (fd);
  return TRUE;
}

static gboolean
make_directory (const char  *path,
                GError     **error)
{
  g_autofree char *parent = g_path_get_dirname (path);

  if (g_mkdir (path, 0700) != 0)
    {
      if (errno == EEXIST && g_file_test (path, G_FILE_TEST_IS_DIR))
        return TRUE;
      return set_errno_error (error, errno, path);
    }
  return sync_directory (parent, error);
}

/**
 * taube_maildir_create:
 * @path: the Maildir's directory
 * @error: return location for a #GError
 *
 * Creates @path (and its parents) with tmp/, new/ and cur/, readable only by the user.
 * Existing directories are fine.
 *
 * Returns: %TRUE on success
 */
gboolean
taube_maildir_create (const char  *path,
                      GError     **error)
{
  g_autofree char *parent = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  parent = g_path_get_dirname (path);
  if (g_mkdir_with_parents (parent, 0700) != 0)
    return set_errno_error (error, errno, parent);
  if (!make_directory (path, error))
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *subdir = g_build_filename (path, subdirs[i], NULL);

      if (!make_directory (subdir, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * taube_maildir_get_info:
 * @flags: the message's flags
 *
 * Returns: (transfer full): the ":2," suffix for @flags, its letters in ASCII order
 */
char *
taube_maildir_get_info (TaubeMessageFlags flags)
{
  GString *info = g_string_new (":2,");

  if (flags & TAUBE_MESSAGE_FLAG_DRAFT)
    g_string_append_c (info, 'D');
  if (flags & TAUBE_MESSAGE_FLAG_FLAGGED)
    g_string_append_c (info, 'F');
  if (flags & TAUBE_MESSAGE_FLAG_FORWARDED)
    g_string_append_c (info, 'P');
  if (flags & TAUBE_MESSAGE_FLAG_ANSWERED)
    g_string_append_c (info, 'R');
  if (flags & TAUBE_MESSAGE_FLAG_SEEN)
    g_string_append_c (info, 'S');
  if (flags & TAUBE_MESSAGE_FLAG_DELETED)
    g_string_append_c (info, 'T');
  return g_string_free (info, FALSE);
}

/* time.M<usec>P<pid>Q<counter>.host, with "/" and ":" in the host name written as the
 * Maildir specification says. */
static char *
unique_name (void)
{
  static gint counter;
  gint64 now = g_get_real_time ();
  g_autoptr(GString) host = g_string_new (g_get_host_name ());

  g_string_replace (host, "/", "\\057", 0);
  g_string_replace (host, ":", "\\072", 0);
  return g_strdup_printf ("%" G_GINT64_FORMAT ".M%06dP%dQ%d.%s", now / G_USEC_PER_SEC,
                          (int) (now % G_USEC_PER_SEC), (int) getpid (),
                          g_atomic_int_add (&counter, 1), host->str);
}

static gboolean
write_all (int           fd,
           const guint8 *data,
           gsize         size)
{
  while (size > 0)
    {
      gssize written = write (fd, data, MIN (size, (gsize) G_MAXSSIZE));

      if (written < 0 && errno == EINTR)
        continue;
      if (written < 0)
        return FALSE;
      data += written;
      size -= written;
    }
  return TRUE;
}

static gboolean
write_durably (const char  *file,
               GBytes      *contents,
               GError     **error)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (contents, &size);
  int fd = open (file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  int errsv;

  if (fd < 0)
    return set_errno_error (error, errno, file);
  if (!write_all (fd, data, size) || fsync (fd) != 0)
    {
      errsv = errno;
      close (fd);
      return set_errno_error (error, errsv, file);
    }
  /* close() can report a delayed write error (NFS); take it seriously. */
  if (close (fd) != 0)
    return set_errno_error (error, errno, file);
  return TRUE;
}

/**
 * taube_maildir_write:
 * @path: a Maildir made by taube_maildir_create()
 * @contents: the message
 * @flags: flags for the file name's info suffix
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Writes @contents into tmp/, syncs the file and renames it into cur/. The new name is not
 * durable until taube_maildir_sync() has synced cur/; that lets a batch share one sync.
 * Blocks: call it from a worker thread. On failure nothing is left behind.
 *
 * Returns: (transfer full): the new file's name relative to @path ("cur/…:2,S")
 */
char *
taube_maildir_write (const char         *path,
                     GBytes             *contents,
                     TaubeMessageFlags   flags,
                     GCancellable       *cancellable,
                     GError            **error)
{
  g_autofree char *unique = NULL;
  g_autofree char *info = NULL;
  g_autofree char *tmp_file = NULL;
  g_autofree char *name = NULL;
  g_autofree char *cur_file = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (contents != NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  unique = unique_name ();
  info = taube_maildir_get_info (flags);
  tmp_file = g_build_filename (path, "tmp", unique, NULL);
  name = g_strconcat ("cur/", unique, info, NULL);
  cur_file = g_build_filename (path, name, NULL);

  if (!write_durably (tmp_file, contents, error))
    {
      g_unlink (tmp_file);
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      g_unlink (tmp_file);
      return NULL;
    }
  if (g_rename (tmp_file, cur_file) != 0)
    {
      set_errno_error (error, errno, cur_file);
      g_unlink (tmp_file);
      return NULL;
    }
  return g_steal_pointer (&name);
}

/**
 * taube_maildir_sync:
 * @path: a Maildir
 * @error: return location for a #GError
 *
 * Makes the names of files that taube_maildir_write() put into cur/ durable.
 *
 * Returns: %TRUE on success
 */
gboolean
taube_maildir_sync (const char  *path,
                    GError     **error)
{
  g_autofree char *cur = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  cur = g_build_filename (path, "cur", NULL);
  return sync_directory (cur, error);
}

/**
 * taube_maildir_add:
 * @path: a Maildir made by taube_maildir_create()
 * @contents: the message
 * @flags: flags for the file name's info suffix
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Delivers @contents durably: when this returns, the file and its name survive a power cut.
 * Blocks: call it from a worker thread.
 *
 * Returns: (transfer full): the new file's name relative to @path ("cur/…:2,S")
 */
char *
taube_maildir_add (const char         *path,
                   GBytes             *contents,
                   TaubeMessageFlags   flags,
                   GCancellable       *cancellable,
                   GError            **error)
{
  g_autofree char *name = taube_maildir_write (path, contents, flags, cancellable, error);
  g_autofree char *file = NULL;

  if (name == NULL)
    return NULL;
  if (!taube_maildir_sync (path, error))
    {
      file = g_build_filename (path, name, NULL);
      g_unlink (file);
      return NULL;
    }
  return g_steal_pointer (&name);
}

/**
 * taube_maildir_read:
 * @file: a message file
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the file's bytes
 */
GBytes *
taube_maildir_read (const char    *file,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GFile) gfile = NULL;
  g_autoptr(GError) local_error = NULL;
  GBytes *bytes;

  g_return_val_if_fail (file != NULL, NULL);

  gfile = g_file_new_for_path (file);
  bytes = g_file_load_bytes (gfile, cancellable, NULL, &local_error);
  if (bytes != NULL)
    return bytes;

  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    _taube_store_set_error_errno (error, ENOENT, file);
  else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    _taube_store_set_error_io (error, file, local_error->message);
  return NULL;
}

/**
 * taube_maildir_remove_file:
 * @file: a message file
 * @error: return location for a #GError
 *
 * Deletes @file. A file that is already gone is not an error.
 *
 * Returns: %TRUE on success
 */
gboolean
taube_maildir_remove_file (const char  *file,
                           GError     **error)
{
  g_return_val_if_fail (file != NULL, FALSE);

  if (g_unlink (file) != 0 && errno != ENOENT)
    return set_errno_error (error, errno, file);
  return TRUE;
}

static gboolean
remove_subdir (const char  *subdir,
               GError     **error)
{
  g_autoptr(GDir) dir = g_dir_open (subdir, 0, NULL);
  const char *name;

  if (dir == NULL)
    return TRUE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (subdir, name, NULL);

      if (!taube_maildir_remove_file (file, error))
        return FALSE;
    }
  if (g_rmdir (subdir) != 0 && errno != ENOENT)
    return set_errno_error (error, errno, subdir);
  return TRUE;
}

/**
 * taube_maildir_remove:
 * @path: a Maildir
 * @error: return location for a #GError
 *
 * Deletes the Maildir with all its messages. Anything else in @path is left alone, and then
 * @path itself stays too.
 *
 * Returns: %TRUE on success
 */
gboolean
taube_maildir_remove (const char  *path,
                      GError     **error)
{
  g_return_val_if_fail (path != NULL, FALSE);

  for (gsize i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *subdir = g_build_filename (path, subdirs[i], NULL);

      if (!remove_subdir (subdir, error))
        return FALSE;
    }
  if (g_rmdir (path) != 0 && errno != ENOENT && errno != ENOTEMPTY)
    return set_errno_error (error, errno, path);
  return TRUE;
}

/**
 * taube_maildir_escape_name:
 * @name: an account id or a folder name as the server spells it
 *
 * Turns @name into one safe directory name: bytes outside [A-Za-z0-9-._~] are %-escaped,
 * as is a leading "." (no hidden files, no ".."). Distinct names stay distinct. A name that
 * would be too long becomes "#" and its SHA-256, which no escaped name can start with.
 *
 * Returns: (transfer full): the directory name
 */
char *
taube_maildir_escape_name (const char *name)
{
  g_autoptr(GString) escaped = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  escaped = g_string_new (NULL);
  if (name[0] == '.')
    g_string_append (escaped, "%2E");
  g_string_append_uri_escaped (escaped, name[0] == '.' ? name + 1 : name, NULL, FALSE);
  if (escaped->len == 0 || escaped->len > MAX_ESCAPED_NAME)
    {
      g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, name, -1);

      g_string_printf (escaped, "#%s", hash);
    }
  return g_string_free (g_steal_pointer (&escaped), FALSE);
}
