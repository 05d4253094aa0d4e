/* taube-pop3-sync-policy.c — what to download and what to delete on a POP3 server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rule that keeps mail safe: DELE only what is stored whole on this computer, or what
 * the person deleted here and asked to have deleted there too. A message stored only with
 * its header stays on the server, whatever the settings say, since its body exists nowhere
 * else.
 */
#include "config.h"

#include "taube-pop3-sync-private.h"

#define SECONDS_PER_DAY (24 * 60 * 60)

/* Returns: whether a message listed with @state (NULL: never seen) is to be fetched */
gboolean
_taube_pop3_policy_should_download (const TaubePop3UidlState *state)
{
  return state == NULL || (state->downloaded == 0 && !state->deleted_locally);
}

/* Returns: whether a message of @size bytes is fetched with TOP n 0 instead of RETR */
gboolean
_taube_pop3_policy_headers_only (const TaubePop3Policy *policy,
                                 guint64                size)
{
  return policy->max_size_kib != 0 && size > (guint64) policy->max_size_kib * 1024;
}

/* Returns: whether DELE may be sent for a message with @state at time @now */
gboolean
_taube_pop3_policy_should_delete (const TaubePop3Policy    *policy,
                                  const TaubePop3UidlState *state,
                                  gint64                    now)
{
  if (state == NULL)
    return FALSE;
  if (state->deleted_locally)
    return policy->delete_when_deleted || (!policy->leave_on_server && !state->partial);
  if (state->downloaded == 0 || state->partial)
    return FALSE;
  if (!policy->leave_on_server)
    return TRUE;
  return policy->delete_after_days != 0
         && now - state->downloaded >= (gint64) policy->delete_after_days * SECONDS_PER_DAY;
}
