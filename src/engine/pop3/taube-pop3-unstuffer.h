/* taube-pop3-unstuffer.h — the end and the stuffed dots of a streamed multi-line response
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  /*< private >*/
  guint state;
  gboolean done;
} TaubePop3Unstuffer;

void     taube_pop3_unstuffer_init (TaubePop3Unstuffer *unstuffer);
gsize    taube_pop3_unstuffer_feed (TaubePop3Unstuffer *unstuffer,
                                    const guint8       *input,
                                    gsize               input_length,
                                    guint8             *output,
                                    gsize              *output_length);
gboolean taube_pop3_unstuffer_is_done (const TaubePop3Unstuffer *unstuffer);

G_END_DECLS
