/* taube-smtp-stuffer.h — a message body made safe for DATA, as it streams
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TAUBE_SMTP_STUFFER_FINISH_SIZE 5

typedef struct
{
  /*< private >*/
  gboolean line_start;
  gboolean pending_cr;
} TaubeSmtpStuffer;

void  taube_smtp_stuffer_init   (TaubeSmtpStuffer *stuffer);
gsize taube_smtp_stuffer_feed   (TaubeSmtpStuffer *stuffer,
                                 const guint8     *input,
                                 gsize             input_length,
                                 guint8           *output);
gsize taube_smtp_stuffer_finish (TaubeSmtpStuffer *stuffer,
                                 guint8           *output);

G_END_DECLS
