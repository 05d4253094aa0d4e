/* taube-connection-compress.c — raw DEFLATE for a connection (RFC 4978, RFC 1951)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure helpers around GZlibCompressor and GZlibDecompressor; the connection owns the
 * converters and decides when to call them. Compression runs on the caller's thread:
 * a command line or a chunk of a message is small enough that it never blocks for long.
 */
#define G_LOG_DOMAIN "taube-connection"

#include "config.h"

#include "taube-connection-private.h"

#define DEFLATE_CHUNK (16 * 1024)

/*
 * Compresses @data and flushes (Z_SYNC_FLUSH) so that the server can decompress all of
 * it at once: without the flush, a command could sit in the compressor while the server
 * waits for it (RFC 4978 §4).
 */
GBytes *
_taube_connection_deflate (GConverter    *compressor,
                           const guint8  *data,
                           gsize          length,
                           GError       **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autofree guint8 *chunk = g_malloc (DEFLATE_CHUNK);
  gsize offset = 0;

  for (;;)
    {
      gsize read = 0;
      gsize written = 0;
      GConverterResult result;

      result = g_converter_convert (compressor, data + offset, length - offset, chunk,
                                    DEFLATE_CHUNK, G_CONVERTER_FLUSH, &read, &written, error);
      if (result == G_CONVERTER_ERROR)
        return NULL;
      offset += read;
      g_byte_array_append (out, chunk, written);
      if (result == G_CONVERTER_FLUSHED && offset == length)
        break;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/*
 * Decompresses from @pending (consumed from its start) into @out. Returns the number of
 * bytes written, 0 if more input is needed, or -1 with @error for data that is not
 * DEFLATE.
 */
gssize
_taube_connection_inflate (GConverter  *decompressor,
                           GByteArray  *pending,
                           guint8      *out,
                           gsize        out_length,
                           GError     **error)
{
  g_autoptr(GError) local = NULL;
  gsize read = 0;
  gsize written = 0;
  GConverterResult result;

  result = g_converter_convert (decompressor, pending->len > 0 ? pending->data : (guint8 *) "",
                                pending->len, out, out_length, G_CONVERTER_NO_FLAGS, &read,
                                &written, &local);
  if (result == G_CONVERTER_ERROR)
    {
      /* Only part of a block arrived; the rest comes with the next read. */
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
        return 0;
      g_propagate_error (error, g_steal_pointer (&local));
      return -1;
    }
  g_byte_array_remove_range (pending, 0, read);
  return (gssize) written;
}
