/* taube-pop3-sync-private.h — what the POP3 sync's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "taube-account.h"
#include "taube-pop3-client.h"
#include "taube-pop3-sync.h"
#include "taube-store-pop3.h"

G_BEGIN_DECLS

/* Temp files of downloads start with this, so a later run can tell its own leftovers
 * from anything else in tmp/. */
#define TAUBE_POP3_SYNC_DOWNLOAD_PREFIX "taube-pop3-"

/* An account's pop3-* settings. */
typedef struct
{
  gboolean leave_on_server;
  guint delete_after_days;
  gboolean delete_when_deleted;
  guint max_size_kib;
} TaubePop3Policy;

/* taube-pop3-sync.c */
struct _TaubePop3Sync
{
  GObject parent_instance;

  TaubeAccount *account;
  TaubeStore *store;
  gint64 now;
};

/* What one run works with; the task data of its GTask. */
typedef struct
{
  TaubePop3Policy policy;
  gint64 now;
  TaubePop3Client *client;
  gint64 folder_id;
  char *download_dir;
  GPtrArray *listing;         /* TaubePop3MessageInfo, the server's messages */
  GHashTable *uidl_counts;    /* UIDL -> how often the listing has it */
  GHashTable *states;         /* UIDL -> TaubePop3UidlState */
  guint next;                 /* index into listing */
  /* The download in progress */
  TaubePop3MessageInfo *current;
  char *temp_path;
  GOutputStream *temp_output;
  gboolean headers_only;
  GArray *to_delete;          /* guint message numbers */
  /* taube_pop3_sync_fetch_message_async(): the one message whose body is wanted */
  char *fetch_uidl;
  gint64 fetch_id;
  gint64 fetch_folder_id;
  TaubePop3SyncStats stats;
} Run;

void _taube_pop3_sync_fail           (GTask  *task,
                                      GError *error);

static inline TaubePop3Sync *
_taube_pop3_sync_task_sync (GTask *task)
{
  return g_task_get_source_object (task);
}

static inline Run *
_taube_pop3_sync_task_run (GTask *task)
{
  return g_task_get_task_data (task);
}

static inline gint64
_taube_pop3_sync_real_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* taube-pop3-sync-download.c: from the first RETR to QUIT */
void _taube_pop3_sync_download_next (GTask  *task);

/* taube-pop3-sync-output.c */
GOutputStream *_taube_pop3_sync_output_new    (GOutputStream *file);
gboolean       _taube_pop3_sync_output_failed (GOutputStream *stream);

/* taube-pop3-sync-policy.c */
gboolean _taube_pop3_policy_should_download (const TaubePop3UidlState *state);
gboolean _taube_pop3_policy_headers_only    (const TaubePop3Policy    *policy,
                                             guint64                   size);
gboolean _taube_pop3_policy_should_delete   (const TaubePop3Policy    *policy,
                                             const TaubePop3UidlState *state,
                                             gint64                    now);

G_END_DECLS
