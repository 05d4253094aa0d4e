/* taube-crash-point.c — TAUBE_TEST_CRASH_AT: die at a named point, for crash tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The POP3 sync promises that killing Taube at any moment loses and duplicates nothing.
 * The tests hold it to that by killing it at the moments that matter. A kill from outside
 * cannot hit "after the message is stored, before DELE" reliably, so the process kills
 * itself there when TAUBE_TEST_CRASH_AT names the point. It dies by SIGKILL, like kill -9:
 * no atexit handlers, no flushing, no cleanup.
 */
#define G_LOG_DOMAIN "taube-sync"

#include "config.h"

#include <signal.h>
#include <unistd.h>

#include "taube-crash-point.h"

/**
 * _taube_crash_point:
 * @name: the point reached, such as "after-store"
 *
 * Kills the process with SIGKILL if TAUBE_TEST_CRASH_AT equals @name; does nothing
 * otherwise (and costs one getenv()).
 */
void
_taube_crash_point (const char *name)
{
  const char *wanted = g_getenv (TAUBE_CRASH_POINT_ENV);

  if (wanted == NULL || g_strcmp0 (wanted, name) != 0)
    return;
  g_printerr ("%s=%s: killing the process\n", TAUBE_CRASH_POINT_ENV, name);
  raise (SIGKILL);
  _exit (137);
}

/* Passes writes through and reaches the crash point once @after_bytes are in the base
 * stream, so a file cut off in the middle is left behind, as after a real kill. */
#define TAUBE_TYPE_CRASH_STREAM (taube_crash_stream_get_type ())
G_DECLARE_FINAL_TYPE (TaubeCrashStream, taube_crash_stream, TAUBE, CRASH_STREAM,
                      GFilterOutputStream)

struct _TaubeCrashStream
{
  GFilterOutputStream parent_instance;
  char *name;
  guint64 after_bytes;
  guint64 written;
};

G_DEFINE_FINAL_TYPE (TaubeCrashStream, taube_crash_stream, G_TYPE_FILTER_OUTPUT_STREAM)

static gssize
taube_crash_stream_write (GOutputStream  *stream,
                          const void     *buffer,
                          gsize           count,
                          GCancellable   *cancellable,
                          GError        **error)
{
  TaubeCrashStream *self = TAUBE_CRASH_STREAM (stream);
  GOutputStream *base = g_filter_output_stream_get_base_stream (G_FILTER_OUTPUT_STREAM (stream));
  gssize written = g_output_stream_write (base, buffer, count, cancellable, error);

  if (written > 0)
    {
      self->written += (guint64) written;
      if (self->written >= self->after_bytes)
        _taube_crash_point (self->name);
    }
  return written;
}

static void
taube_crash_stream_finalize (GObject *object)
{
  g_free (TAUBE_CRASH_STREAM (object)->name);
  G_OBJECT_CLASS (taube_crash_stream_parent_class)->finalize (object);
}

static void
taube_crash_stream_class_init (TaubeCrashStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = taube_crash_stream_finalize;
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = taube_crash_stream_write;
}

static void
taube_crash_stream_init (TaubeCrashStream *self)
{
}

/**
 * _taube_crash_point_stream:
 * @base: the stream to write to
 * @name: the crash point
 * @after_bytes: how many bytes reach @base before the crash point
 *
 * Returns: (transfer full): @base itself unless TAUBE_TEST_CRASH_AT names @name; then a
 *   stream that writes to @base and reaches the crash point after @after_bytes
 */
GOutputStream *
_taube_crash_point_stream (GOutputStream *base,
                           const char    *name,
                           guint64        after_bytes)
{
  TaubeCrashStream *self;

  if (g_strcmp0 (g_getenv (TAUBE_CRASH_POINT_ENV), name) != 0)
    return g_object_ref (base);
  self = g_object_new (TAUBE_TYPE_CRASH_STREAM, "base-stream", base, NULL);
  self->name = g_strdup (name);
  self->after_bytes = MAX (after_bytes, 1);
  return G_OUTPUT_STREAM (self);
}
