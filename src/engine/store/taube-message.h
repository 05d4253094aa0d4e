/* taube-message.h — one message of the index, as the message list shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "taube-message-flags.h"

G_BEGIN_DECLS

#define TAUBE_TYPE_MESSAGE (taube_message_get_type ())

G_DECLARE_FINAL_TYPE (TaubeMessage, taube_message, TAUBE, MESSAGE, GObject)

gint64             taube_message_get_id             (TaubeMessage *self);
gint64             taube_message_get_folder_id      (TaubeMessage *self);
guint32            taube_message_get_uid            (TaubeMessage *self);
const char        *taube_message_get_uidl           (TaubeMessage *self);
guint64            taube_message_get_modseq         (TaubeMessage *self);
TaubeMessageFlags  taube_message_get_flags          (TaubeMessage *self);
gint64             taube_message_get_date           (TaubeMessage *self);
gint64             taube_message_get_internal_date  (TaubeMessage *self);
gint64             taube_message_get_size           (TaubeMessage *self);
gboolean           taube_message_get_has_attachment (TaubeMessage *self);
gboolean           taube_message_get_has_body       (TaubeMessage *self);
gint64             taube_message_get_thread_id      (TaubeMessage *self);
const char        *taube_message_get_from_name      (TaubeMessage *self);
const char        *taube_message_get_from_address   (TaubeMessage *self);
const char        *taube_message_get_recipients     (TaubeMessage *self);
const char        *taube_message_get_subject        (TaubeMessage *self);
const char        *taube_message_get_preview        (TaubeMessage *self);
const char        *taube_message_get_message_id     (TaubeMessage *self);
const char        *taube_message_get_in_reply_to    (TaubeMessage *self);
const char        *taube_message_get_references     (TaubeMessage *self);

G_END_DECLS
