/* test-connection-compress.c — raw DEFLATE on a TaubeConnection (RFC 4978, RFC 1951)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The helpers: every compressed write ends with a sync flush, so the peer can read all of
 * it at once; decompression copes with input cut anywhere. The connection: compressed
 * lines and a 400 KB body from a scripted server are read back byte for byte, also when
 * the compressed bytes arrived with the plain answer before compression began.
 */
#include <string.h>

#include "taube-connection-private.h"
#include "taube-test-async.h"
#include "taube-test-server.h"

static const guint8 sync_flush[] = { 0x00, 0x00, 0xff, 0xff };

static GConverter *
new_compressor (void)
{
  return G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW, -1));
}

static GConverter *
new_decompressor (void)
{
  return G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW));
}

static GBytes *
deflate_text (GConverter *compressor,
              const char *text)
{
  g_autoptr(GError) error = NULL;
  GBytes *out = _taube_connection_deflate (compressor, (const guint8 *) text, strlen (text),
                                           &error);

  g_assert_no_error (error);
  g_assert_nonnull (out);
  return out;
}

static void
test_flush_and_round_trip (void)
{
  const char *lines[] = {
    "A0001 NOOP\r\n",
    "A0002 LIST \"\" \"*\" RETURN (SPECIAL-USE)\r\n",
    "x",
    "A0003 LOGOUT\r\n",
  };
  g_autoptr(GConverter) compressor = new_compressor ();
  g_autoptr(GConverter) decompressor = new_decompressor ();
  g_autoptr(GByteArray) wire = g_byte_array_new ();
  g_autoptr(GByteArray) pending = g_byte_array_new ();
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(GString) got = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autoptr(GBytes) piece = deflate_text (compressor, lines[i]);
      gsize size;
      const guint8 *data = g_bytes_get_data (piece, &size);

      /* RFC 1951 §3.2.4 via Z_SYNC_FLUSH: each write ends a block on a byte boundary. */
      g_assert_cmpuint (size, >, sizeof sync_flush);
      g_assert_cmpmem (data + size - sizeof sync_flush, sizeof sync_flush, sync_flush,
                       sizeof sync_flush);
      g_byte_array_append (wire, data, (guint) size);
      g_string_append (expected, lines[i]);
    }

  /* Fed one byte at a time, decompressed into a buffer of three bytes. */
  for (guint i = 0; i < wire->len; i++)
    {
      g_byte_array_append (pending, wire->data + i, 1);
      for (;;)
        {
          guint8 out[3];
          g_autoptr(GError) error = NULL;
          gssize n = _taube_connection_inflate (decompressor, pending, out, sizeof out, &error);

          g_assert_no_error (error);
          g_assert_cmpint (n, >=, 0);
          if (n == 0)
            break;
          g_string_append_len (got, (const char *) out, n);
        }
    }
  g_assert_cmpstr (got->str, ==, expected->str);
}

static void
test_inflate_garbage (void)
{
  static const guint8 garbage[] = { 0xff, 0xff, 0xff, 0xff, 'n', 'o', 'p', 'e' };
  g_autoptr(GConverter) decompressor = new_decompressor ();
  g_autoptr(GByteArray) pending = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  guint8 out[64];

  g_byte_array_append (pending, garbage, sizeof garbage);
  g_assert_cmpint (_taube_connection_inflate (decompressor, pending, out, sizeof out, &error),
                   ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

static TaubeConnection *
connect_to (TaubeTestServer *server)
{
  TaubeConnection *connection = taube_connection_new ("127.0.0.1",
                                                      taube_test_server_start (server),
                                                      TAUBE_SECURITY_NONE, NULL, "taube-test",
                                                      5000, 5000);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  taube_connection_connect_async (connection, NULL, taube_test_store_result_cb, &result);
  g_assert_true (taube_connection_connect_finish (connection, taube_test_wait (&result), &error));
  g_assert_no_error (error);
  return connection;
}

static char *
read_line (TaubeConnection *connection)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *line;

  taube_connection_read_line_async (connection, NULL, taube_test_store_result_cb, &result);
  line = taube_connection_read_line_finish (connection, taube_test_wait (&result), NULL, &error);
  g_assert_no_error (error);
  return line;
}

static void
finish_server (TaubeTestServer *server)
{
  g_autofree char *failure = NULL;

  if (!taube_test_server_finish (server, &failure))
    g_error ("script: %s", failure);
}

static void
test_connection_reads (void)
{
  g_autoptr(TaubeTestServer) server = taube_test_server_new ();
  g_autoptr(TaubeConnection) connection = NULL;
  g_autoptr(GConverter) compressor = new_compressor ();
  g_autoptr(GBytes) first = deflate_text (compressor, "* OK compressed now\r\n* 3 EXIS");
  g_autoptr(GBytes) second = deflate_text (compressor, "TS\r\n");
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GBytes) third = NULL;
  g_autoptr(GByteArray) plain_and_first = g_byte_array_new ();
  g_autoptr(GString) got = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *ok = NULL;
  g_autofree char *line1 = NULL;
  g_autofree char *line2 = NULL;
  g_autoptr(GBytes) joined = NULL;

  while (body->len < 400 * 1024)
    g_string_append (body, "All work and no play makes Jack a dull boy.\r\n");
  third = deflate_text (compressor, body->str);
  /* The plain OK and the first compressed bytes come in one piece. */
  g_byte_array_append (plain_and_first, (const guint8 *) "A1 OK go\r\n", 10);
  g_byte_array_append (plain_and_first, g_bytes_get_data (first, NULL),
                       (guint) g_bytes_get_size (first));
  joined = g_byte_array_free_to_bytes (g_steal_pointer (&plain_and_first));
  taube_test_server_send_bytes (server, joined);
  taube_test_server_send_bytes (server, second);
  taube_test_server_send_bytes (server, third);
  taube_test_server_close (server);

  connection = connect_to (server);
  ok = read_line (connection);
  g_assert_cmpstr (ok, ==, "A1 OK go");
  g_assert_true (taube_connection_start_compression (connection, &error));
  g_assert_no_error (error);
  g_assert_true (taube_connection_is_compressed (connection));
  g_assert_false (taube_connection_start_compression (connection, &error));
  g_clear_error (&error);
  line1 = read_line (connection);
  g_assert_cmpstr (line1, ==, "* OK compressed now");
  line2 = read_line (connection);
  g_assert_cmpstr (line2, ==, "* 3 EXISTS");

  /* The body: far more decompressed than one read's buffer from a few compressed bytes. */
  g_assert_cmpuint (g_bytes_get_size (third), <, 16 * 1024);
  while (got->len < body->len)
    {
      g_autoptr(GAsyncResult) result = NULL;
      const guint8 *data;
      gsize len;

      taube_connection_fill_async (connection, NULL, taube_test_store_result_cb, &result);
      g_assert_true (taube_connection_fill_finish (connection, taube_test_wait (&result), &error));
      g_assert_no_error (error);
      data = taube_connection_peek (connection, &len);
      g_assert_cmpuint (len, <=, 16 * 1024);
      g_string_append_len (got, (const char *) data, (gssize) len);
      taube_connection_consume (connection, len);
    }
  g_assert_cmpuint (got->len, ==, body->len);
  g_assert_true (memcmp (got->str, body->str, body->len) == 0);
  g_clear_object (&connection);
  finish_server (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/connection/compress/flush-and-round-trip", test_flush_and_round_trip);
  g_test_add_func ("/connection/compress/inflate-garbage", test_inflate_garbage);
  g_test_add_func ("/connection/compress/connection-reads", test_connection_reads);

  return g_test_run ();
}
