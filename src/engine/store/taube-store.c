/* taube-store.c — the local message store: index, search and message files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store is a directory: index.sqlite (the index and full-text search) and maildir/, one
 * Maildir per folder with the messages as files. See README.md in this folder for the
 * threading model; in short:
 *
 * - Writes are asynchronous and run one at a time on a writer thread that owns the writer
 *   connection. One writer means no SQLITE_BUSY between our own writes and a total order that
 *   matches the order of the calls.
 * - Reads for the views are synchronous on a second, read-only connection that belongs to the
 *   thread that created the store. They are index lookups of a page of rows and take well
 *   under a millisecond; WAL means they never wait for the writer.
 * - Search and reading a message file are asynchronous, in GIO's worker threads.
 *
 * The files of this type: taube-store.c (opening, the writer), -folders.c, -add.c,
 * -messages.c (flags, removal), -read.c, -search.c, -threads.c, -schema.c, -db.c.
 */
#define G_LOG_DOMAIN "taube-store"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "taube-store-error.h"
#include "taube-store-private.h"

typedef struct
{
  GTask *task;
  TaubeStoreWriteFunc func;
} WriteJob;

enum {
  PROP_0,
  PROP_DIRECTORY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The store whose write job is running on this thread, if any (see finalize). */
static GPrivate current_writer;

static void taube_store_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TaubeStore, taube_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      taube_store_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_ASYNC_INITABLE, NULL))

static void
writer_run (gpointer data,
            gpointer user_data)
{
  WriteJob *job = data;
  TaubeStore *self = g_task_get_source_object (job->task);

  g_private_set (&current_writer, self);
  if (!g_task_return_error_if_cancelled (job->task))
    job->func (self, self->writer, job->task, g_task_get_task_data (job->task),
               g_task_get_cancellable (job->task));
  /* May drop the last reference to the store, which then finalizes on this thread. */
  g_object_unref (job->task);
  g_private_set (&current_writer, NULL);
  g_free (job);
}

/*
 * _taube_store_queue_write:
 * @task: a task whose source object is @self
 * @func: the work, run in the writer thread
 *
 * Queues a write behind the ones before it.
 *
 * A write reports what really happened: a write that committed before the cancellable fired
 * succeeds (check_cancellable is off), one cancelled before that stored nothing. A POP3 sync
 * must know which, since it deletes the server's copy only of what is stored.
 */
void
_taube_store_queue_write (TaubeStore          *self,
                          GTask               *task,
                          TaubeStoreWriteFunc  func)
{
  WriteJob *job = g_new0 (WriteJob, 1);

  g_assert (g_task_get_source_object (task) == (gpointer) self);

  g_task_set_check_cancellable (task, FALSE);
  job->task = g_object_ref (task);
  job->func = func;
  g_thread_pool_push (self->write_pool, job, NULL);
}

/* Returns: (transfer full): @relative (a path inside the store) as an absolute path */
char *
_taube_store_build_path (TaubeStore *self,
                         const char *relative)
{
  return g_build_filename (self->path, relative, NULL);
}

static gboolean
taube_store_initable_init (GInitable     *initable,
                           GCancellable  *cancellable,
                           GError       **error)
{
  TaubeStore *self = TAUBE_STORE (initable);
  g_autofree char *index = NULL;

  if (self->write_pool != NULL)
    return TRUE;

  if (self->directory == NULL)
    self->directory = g_file_new_build_filename (g_get_user_data_dir (), "taube", NULL);
  self->path = g_file_get_path (self->directory);
  if (g_mkdir_with_parents (self->path, 0700) != 0)
    {
      _taube_store_set_error_errno (error, errno, self->path);
      return FALSE;
    }

  index = g_build_filename (self->path, "index.sqlite", NULL);
  self->writer = _taube_store_db_open (index, FALSE, error);
  if (self->writer == NULL
      || !_taube_store_schema_migrate (self->writer, G_MAXINT, error))
    return FALSE;
  /* Opened after the writer has switched the file to WAL, which read-only cannot do. */
  self->reader = _taube_store_db_open (index, TRUE, error);
  if (self->reader == NULL)
    return FALSE;
  self->write_pool = g_thread_pool_new (writer_run, NULL, 1, FALSE, error);
  return self->write_pool != NULL;
}

static void
taube_store_initable_iface_init (GInitableIface *iface)
{
  iface->init = taube_store_initable_init;
}

static void
taube_store_finalize (GObject *object)
{
  TaubeStore *self = TAUBE_STORE (object);

  /* Every queued job holds a reference, so none is left; but the last reference may have
   * been dropped by the writer thread itself, which must not wait for itself. */
  if (self->write_pool != NULL)
    g_thread_pool_free (self->write_pool, FALSE, g_private_get (&current_writer) != self);
  g_clear_pointer (&self->reader, _taube_store_db_close);
  g_clear_pointer (&self->writer, _taube_store_db_close);
  g_clear_object (&self->directory);
  g_free (self->path);

  G_OBJECT_CLASS (taube_store_parent_class)->finalize (object);
}

static void
taube_store_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TaubeStore *self = TAUBE_STORE (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_value_set_object (value, self->directory);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
taube_store_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  TaubeStore *self = TAUBE_STORE (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      self->directory = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
taube_store_class_init (TaubeStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = taube_store_finalize;
  object_class->get_property = taube_store_get_property;
  object_class->set_property = taube_store_set_property;

  /**
   * TaubeStore:directory:
   *
   * Where the store keeps its files; %NULL at construction means `$XDG_DATA_HOME/taube`.
   */
  properties[PROP_DIRECTORY] =
    g_param_spec_object ("directory", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
taube_store_init (TaubeStore *self)
{
}

/**
 * taube_store_new_async:
 * @directory: (nullable): where to keep the store; %NULL for `$XDG_DATA_HOME/taube`
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the store is open
 * @user_data: data for @callback
 *
 * Opens the store, creating it or bringing its index up to date as needed. The store
 * belongs to the thread-default main context of the caller: call its synchronous read
 * functions only from that thread.
 */
void
taube_store_new_async (GFile               *directory,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (directory == NULL || G_IS_FILE (directory));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  g_async_initable_new_async (TAUBE_TYPE_STORE, G_PRIORITY_DEFAULT, cancellable, callback,
                              user_data, "directory", directory, NULL);
}

/**
 * taube_store_new_finish:
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the store, or %NULL with %TAUBE_STORE_ERROR_TOO_NEW,
 *   %TAUBE_STORE_ERROR_CORRUPT, %TAUBE_STORE_ERROR_IO…
 */
TaubeStore *
taube_store_new_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_autoptr(GObject) source = g_async_result_get_source_object (result);
  GObject *store;

  g_return_val_if_fail (G_IS_ASYNC_INITABLE (source), NULL);

  store = g_async_initable_new_finish (G_ASYNC_INITABLE (source), result, error);
  return store != NULL ? TAUBE_STORE (store) : NULL;
}

/**
 * taube_store_new_sync:
 * @directory: (nullable): where to keep the store; %NULL for `$XDG_DATA_HOME/taube`
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Like taube_store_new_async(), but blocks: for `taube-cli` and tests, never the UI.
 *
 * Returns: (transfer full): the store, or %NULL on error
 */
TaubeStore *
taube_store_new_sync (GFile         *directory,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_return_val_if_fail (directory == NULL || G_IS_FILE (directory), NULL);

  return g_initable_new (TAUBE_TYPE_STORE, cancellable, error, "directory", directory, NULL);
}

/**
 * taube_store_get_directory:
 * @self: a #TaubeStore
 *
 * Returns: (transfer none): the directory the store keeps its files in
 */
GFile *
taube_store_get_directory (TaubeStore *self)
{
  g_return_val_if_fail (TAUBE_IS_STORE (self), NULL);

  return self->directory;
}
