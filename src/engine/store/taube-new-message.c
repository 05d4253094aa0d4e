/* taube-new-message.c — a message to add to the store, as a protocol fetched it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A plain struct rather than an object: the sync fills one per FETCH or RETR and hands it
 * over, and the store's writer thread reads it; nothing needs to watch it change.
 */
#define G_LOG_DOMAIN "taube-store"

#include "taube-new-message.h"

/**
 * taube_new_message_new:
 * @raw: the message as fetched
 *
 * Returns: (transfer full): a new message with no flags; fill in the other fields
 */
TaubeNewMessage *
taube_new_message_new (GBytes *raw)
{
  TaubeNewMessage *self;

  g_return_val_if_fail (raw != NULL, NULL);

  self = g_new0 (TaubeNewMessage, 1);
  self->raw = g_bytes_ref (raw);
  return self;
}

/**
 * taube_new_message_copy:
 * @self: a #TaubeNewMessage
 *
 * Returns: (transfer full): a copy of @self sharing its bytes
 */
TaubeNewMessage *
taube_new_message_copy (const TaubeNewMessage *self)
{
  TaubeNewMessage *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->raw = g_bytes_ref (self->raw);
  copy->uidl = g_strdup (self->uidl);
  copy->keywords = g_strdupv (self->keywords);
  return copy;
}

/**
 * taube_new_message_free:
 * @self: (nullable): a #TaubeNewMessage
 *
 * Frees @self and drops its reference to the message bytes.
 */
void
taube_new_message_free (TaubeNewMessage *self)
{
  if (self == NULL)
    return;
  g_bytes_unref (self->raw);
  g_free (self->uidl);
  g_strfreev (self->keywords);
  g_free (self);
}
