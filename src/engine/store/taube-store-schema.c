/* taube-store-schema.c — numbered migrations of the index
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sql/version-NNN.sql are compiled into the library as a GResource. PRAGMA user_version
 * records the last one applied. The pending ones run in order in one transaction together with
 * the user_version bump, so a failure leaves the index as it was. An index
 * newer than this code is refused rather than touched: an older Taube cannot know what a
 * newer one's tables mean.
 */
#define G_LOG_DOMAIN "taube-store"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "taube-store-error.h"
#include "taube-store-private.h"
#include "taube-store-sql-resources.h"

#define MIGRATION_PATH RESOURCE_BASE "/store/sql/version-%03d.sql"

static GBytes *
lookup_migration (int version)
{
  g_autofree char *path = g_strdup_printf (MIGRATION_PATH, version);

  return g_resource_lookup_data (_taube_store_sql_get_resource (), path,
                                 G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
}

/*
 * _taube_store_schema_get_latest:
 *
 * Returns: the number of the last migration compiled in
 */
int
_taube_store_schema_get_latest (void)
{
  int version = 0;

  for (;;)
    {
      g_autoptr(GBytes) sql = lookup_migration (version + 1);

      if (sql == NULL)
        return version;
      version++;
    }
}

static gboolean
read_version (TaubeStoreDb  *db,
              int           *version,
              GError       **error)
{
  g_autoptr(TaubeStoreStmt) stmt = _taube_store_db_prepare (db, "PRAGMA user_version;", error);
  GError *local_error = NULL;

  if (stmt == NULL)
    return FALSE;
  if (!_taube_store_db_next (db, stmt, &local_error))
    {
      if (local_error == NULL)
        *version = 0;
      g_propagate_error (error, local_error);
      return local_error == NULL;
    }
  *version = sqlite3_column_int (stmt, 0);
  return TRUE;
}

static gboolean
apply_migration (TaubeStoreDb  *db,
                 int            version,
                 GError       **error)
{
  g_autoptr(GBytes) sql = lookup_migration (version);
  g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d;", version);
  g_autofree char *script = NULL;

  g_assert (sql != NULL);
  /* The resource data is NUL-terminated, but copy it to say so explicitly. */
  script = g_strndup (g_bytes_get_data (sql, NULL), g_bytes_get_size (sql));
  g_debug ("Applying migration %d to %s", version, _taube_store_db_get_path (db));
  return _taube_store_db_exec (db, script, error) && _taube_store_db_exec (db, bump, error);
}

static void
set_too_new_error (TaubeStoreDb  *db,
                   int            found,
                   int            latest,
                   GError       **error)
{
  g_debug ("Index version %d, this Taube knows up to %d", found, latest);
  g_set_error (error, TAUBE_STORE_ERROR, TAUBE_STORE_ERROR_TOO_NEW,
               /* Translators: %s is the index file, e.g. ~/.local/share/taube/index.sqlite */
               _("The mail index “%s” was created by a newer version of Taube. Update Taube to "
                 "open it."), _taube_store_db_get_path (db));
}

/*
 * _taube_store_schema_migrate:
 * @db: the writer connection
 * @target: the version to stop at; tests pass less than the latest to stage an upgrade
 * @error: return location for a #GError
 *
 * Brings the index up to @target (or the latest migration, whichever is lower).
 */
gboolean
_taube_store_schema_migrate (TaubeStoreDb  *db,
                             int            target,
                             GError       **error)
{
  int latest = _taube_store_schema_get_latest ();
  int version;

  if (!_taube_store_db_begin (db, FALSE, error))
    return FALSE;
  /* Read inside the transaction: another process may have migrated meanwhile. */
  if (!read_version (db, &version, error))
    goto fail;
  if (version > latest)
    {
      set_too_new_error (db, version, latest, error);
      goto fail;
    }
  for (int next = version + 1; next <= MIN (latest, target); next++)
    if (!apply_migration (db, next, error))
      goto fail;
  return _taube_store_db_commit (db, error);

fail:
  _taube_store_db_rollback (db);
  return FALSE;
}
