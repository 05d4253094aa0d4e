/* taube-offline-queue-private.h — what the offline queue's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "taube-offline-queue.h"
#include "taube-store-queue.h"

G_BEGIN_DECLS

struct _TaubeOfflineQueue
{
  GObject parent_instance;

  TaubeStore *store;
  char *account_id;
  /* Ops pushed but not replayed yet, as far as this object knows. */
  guint length;
};

char *_taube_offline_queue_draft_uidl (gint64 op_id);

G_END_DECLS
