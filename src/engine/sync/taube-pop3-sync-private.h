/* taube-pop3-sync-private.h — the POP3 sync's decisions, apart so they can be tested alone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "taube-store-pop3.h"

G_BEGIN_DECLS

/* An account's pop3-* settings. */
typedef struct
{
  gboolean leave_on_server;
  guint delete_after_days;
  gboolean delete_when_deleted;
  guint max_size_kib;
} TaubePop3Policy;

gboolean _taube_pop3_policy_should_download (const TaubePop3UidlState *state);
gboolean _taube_pop3_policy_headers_only    (const TaubePop3Policy    *policy,
                                             guint64                   size);
gboolean _taube_pop3_policy_should_delete   (const TaubePop3Policy    *policy,
                                             const TaubePop3UidlState *state,
                                             gint64                    now);

G_END_DECLS
