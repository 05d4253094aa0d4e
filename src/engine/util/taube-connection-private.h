/* taube-connection-private.h — what the connection's own files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "taube-connection.h"

G_BEGIN_DECLS

/* Which step failed decides how a transport error is explained to a person. */
typedef enum
{
  TAUBE_CONNECTION_STEP_CONNECT,
  TAUBE_CONNECTION_STEP_HANDSHAKE,
  TAUBE_CONNECTION_STEP_IO,
} TaubeConnectionStep;

GError *_taube_connection_explain_error (TaubeConnection     *self,
                                         TaubeConnectionStep  step,
                                         guint                timeout_ms,
                                         const GError        *error);

GBytes *_taube_connection_deflate (GConverter    *compressor,
                                   const guint8  *data,
                                   gsize          length,
                                   GError       **error);
gssize  _taube_connection_inflate (GConverter    *decompressor,
                                   GByteArray    *pending,
                                   guint8        *out,
                                   gsize          out_length,
                                   GError       **error);

G_END_DECLS
