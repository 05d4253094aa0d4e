/* taube-pop3-sync-output.c — the temp file of a download, remembering whether it failed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * When RETR fails, the POP3 client passes on whatever failed: the network or the file it
 * writes the message into. A full disk is not a network problem: retrying later with
 * backoff would fail the same way, and the person has to free space. This stream sits
 * between the client and the file and notes that a write to the file failed, so the sync
 * can report TAUBE_SYNC_ERROR_STORE. Nothing is deleted on the server either way.
 */
#include "config.h"

#include "taube-pop3-sync-private.h"

#define TAUBE_TYPE_POP3_SYNC_OUTPUT (taube_pop3_sync_output_get_type ())
G_DECLARE_FINAL_TYPE (TaubePop3SyncOutput, taube_pop3_sync_output, TAUBE, POP3_SYNC_OUTPUT,
                      GFilterOutputStream)

struct _TaubePop3SyncOutput
{
  GFilterOutputStream parent_instance;
  gboolean failed;
};

G_DEFINE_FINAL_TYPE (TaubePop3SyncOutput, taube_pop3_sync_output, G_TYPE_FILTER_OUTPUT_STREAM)

static GOutputStream *
base_stream (GOutputStream *stream)
{
  return g_filter_output_stream_get_base_stream (G_FILTER_OUTPUT_STREAM (stream));
}

/* A cancelled write is not a failure of the disk. */
static void
note (TaubePop3SyncOutput *self,
      gboolean             ok,
      GError             **error)
{
  if (!ok && (error == NULL || *error == NULL
              || !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED)))
    self->failed = TRUE;
}

static gssize
taube_pop3_sync_output_write (GOutputStream  *stream,
                              const void     *buffer,
                              gsize           count,
                              GCancellable   *cancellable,
                              GError        **error)
{
  GError *local_error = NULL;
  gssize written = g_output_stream_write (base_stream (stream), buffer, count, cancellable,
                                          &local_error);

  note (TAUBE_POP3_SYNC_OUTPUT (stream), written >= 0, &local_error);
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return written;
}

static gboolean
taube_pop3_sync_output_flush (GOutputStream  *stream,
                              GCancellable   *cancellable,
                              GError        **error)
{
  GError *local_error = NULL;
  gboolean ok = g_output_stream_flush (base_stream (stream), cancellable, &local_error);

  note (TAUBE_POP3_SYNC_OUTPUT (stream), ok, &local_error);
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return ok;
}

static gboolean
taube_pop3_sync_output_close (GOutputStream  *stream,
                              GCancellable   *cancellable,
                              GError        **error)
{
  GError *local_error = NULL;
  gboolean ok = g_output_stream_close (base_stream (stream), cancellable, &local_error);

  note (TAUBE_POP3_SYNC_OUTPUT (stream), ok, &local_error);
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return ok;
}

static void
taube_pop3_sync_output_class_init (TaubePop3SyncOutputClass *klass)
{
  GOutputStreamClass *stream_class = G_OUTPUT_STREAM_CLASS (klass);

  stream_class->write_fn = taube_pop3_sync_output_write;
  stream_class->flush = taube_pop3_sync_output_flush;
  stream_class->close_fn = taube_pop3_sync_output_close;
}

static void
taube_pop3_sync_output_init (TaubePop3SyncOutput *self)
{
}

/* Returns: (transfer full): a stream writing to @file */
GOutputStream *
_taube_pop3_sync_output_new (GOutputStream *file)
{
  return g_object_new (TAUBE_TYPE_POP3_SYNC_OUTPUT, "base-stream", file, NULL);
}

/* Returns: whether writing to the file (not the network) failed */
gboolean
_taube_pop3_sync_output_failed (GOutputStream *stream)
{
  return TAUBE_IS_POP3_SYNC_OUTPUT (stream) && TAUBE_POP3_SYNC_OUTPUT (stream)->failed;
}
