/* taube-imap-client-compress.c — COMPRESS=DEFLATE (RFC 4978)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * After the tagged OK both sides talk raw DEFLATE. The client core reads nothing between
 * commands, but it has parsed the whole read with the OK: should the server have sent
 * compressed bytes in that same read, they went to the parser, and the session is given
 * up with a protocol error rather than decompressed from the middle.
 */
#define G_LOG_DOMAIN "taube-imap"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "taube-imap-client-op-private.h"
#include "taube-imap-error.h"

static void
compress_done (GTask             *task,
               TaubeImapResponse *tagged,
               GPtrArray         *untagged)
{
  TaubeImapClient *self = g_task_get_source_object (task);
  GError *error = NULL;

  /* Bytes after the OK are compressed (RFC 4978 §3), but the parser took them as plain
   * text: the session cannot go on. */
  if (_taube_imap_client_has_pending_input (self))
    {
      _taube_imap_client_fail (task, _taube_imap_client_protocol_error (
                                 self, "data after the COMPRESS answer"));
      return;
    }
  if (!taube_connection_start_compression (taube_imap_client_get_connection (self), &error))
    {
      /* The server compresses now; without the same on this side nothing is readable. */
      _taube_imap_client_fail (task, error);
      return;
    }
  _taube_imap_op_return (task, GINT_TO_POINTER (TRUE), NULL);
}

/**
 * taube_imap_client_compress_async:
 * @self: a logged-in #TaubeImapClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when compression is on
 * @user_data: data for @callback
 *
 * Compresses the rest of the session with COMPRESS DEFLATE (RFC 4978). Fails with
 * %TAUBE_IMAP_ERROR_NOT_SUPPORTED without the COMPRESS=DEFLATE capability, and with a
 * NO when the session is compressed already (RFC 4978 §3, [COMPRESSIONACTIVE]).
 */
void
taube_imap_client_compress_async (TaubeImapClient     *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TAUBE_IS_IMAP_CLIENT (self));

  task = _taube_imap_op_begin (self, taube_imap_client_compress_async, cancellable, callback,
                               user_data);
  if (task == NULL)
    return;
  if (!taube_imap_client_has_capability (self, "COMPRESS=DEFLATE"))
    {
      /* Translators: %s is a server name. */
      _taube_imap_op_return_error (task, g_error_new (
        TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_NOT_SUPPORTED,
        _("The server %s does not support compression."),
        taube_connection_get_host (taube_imap_client_get_connection (self))));
      return;
    }
  _taube_imap_op_send (task, "COMPRESS DEFLATE", compress_done);
}

gboolean
taube_imap_client_compress_finish (TaubeImapClient  *self,
                                   GAsyncResult     *result,
                                   GError          **error)
{
  return _taube_imap_op_finish (self, result, taube_imap_client_compress_async, error) != NULL;
}
