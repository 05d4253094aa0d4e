/* taube-store-private.h — what the store's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

#include "taube-folder.h"
#include "taube-message.h"
#include "taube-store-db-private.h"
#include "taube-store.h"

G_BEGIN_DECLS

struct _TaubeStore
{
  GObject parent_instance;

  GFile *directory;
  /* The store directory; immutable after init, so workers may read it. */
  char *path;
  /* Used only on the thread that created the store (the list views). */
  TaubeStoreDb *reader;
  /* Used only by jobs of write_pool, which runs one at a time. */
  TaubeStoreDb *writer;
  GThreadPool *write_pool;
};

/* Runs in the writer thread; returns its result through @task. */
typedef void (*TaubeStoreWriteFunc) (TaubeStore   *self,
                                     TaubeStoreDb *db,
                                     GTask        *task,
                                     gpointer      task_data,
                                     GCancellable *cancellable);

void     _taube_store_queue_write          (TaubeStore          *self,
                                            GTask               *task,
                                            TaubeStoreWriteFunc  func);
char    *_taube_store_build_path           (TaubeStore          *self,
                                            const char          *relative);

/* taube-store-schema.c */
int      _taube_store_schema_get_latest    (void);
gboolean _taube_store_schema_migrate       (TaubeStoreDb        *db,
                                            int                  target,
                                            GError             **error);

/* taube-store-threads.c */
gboolean _taube_store_assign_thread        (TaubeStoreDb        *db,
                                            const char          *message_id,
                                            const char *const   *references,
                                            gint64              *thread_id,
                                            GError             **error);

/* taube-store-folders.c */
gboolean _taube_store_lookup_maildir       (TaubeStoreDb        *db,
                                            gint64               folder_id,
                                            char               **maildir,
                                            GError             **error);
gboolean _taube_store_ensure_maildir       (TaubeStore          *self,
                                            const char          *maildir,
                                            GError             **error);

/* taube-store-messages.c */
gboolean _taube_store_write_keywords       (TaubeStoreDb        *db,
                                            gint64               message_id,
                                            const char *const   *keywords,
                                            GError             **error);
gboolean _taube_store_collect_paths        (TaubeStoreDb        *db,
                                            const char          *select_sql,
                                            gint64               key,
                                            GPtrArray           *paths,
                                            GError             **error);
void     _taube_store_remove_files         (TaubeStore          *self,
                                            GPtrArray           *paths);

/* taube-store-error.c */
void     _taube_store_set_error_errno      (GError             **error,
                                            int                  errsv,
                                            const char          *path);
void     _taube_store_set_error_no_space   (GError             **error,
                                            const char          *path);
void     _taube_store_set_error_io         (GError             **error,
                                            const char          *path,
                                            const char          *reason);
void     _taube_store_set_error_message_not_found (GError      **error);
void     _taube_store_set_error_folder_not_found  (GError      **error);
void     _taube_store_set_error_not_downloaded    (GError      **error);

/* taube-html-text.c */
char    *_taube_html_to_text               (const char          *html,
                                            gsize                max_bytes);

/* taube-message.c, taube-folder.c: rows to objects */
#define TAUBE_MESSAGE_COLUMNS \
  "m.id, m.folder_id, m.uid, m.modseq, m.flags, m.internal_date, m.date, m.size, " \
  "m.has_attachment, m.thread_id, a.name, a.address, m.recipients, m.subject, m.preview, " \
  "m.message_id, m.in_reply_to, m.refs, m.path, m.uidl"
#define TAUBE_MESSAGE_TABLES "messages AS m LEFT JOIN addresses AS a ON a.id = m.from_id"
#define TAUBE_FOLDER_COLUMNS \
  "id, account_id, name, display_name, role, uidvalidity, uidnext, highestmodseq, total, unread"

TaubeMessage *_taube_message_new_from_stmt (sqlite3_stmt        *stmt);
const char   *_taube_message_get_path      (TaubeMessage        *self);
TaubeFolder  *_taube_folder_new_from_stmt  (sqlite3_stmt        *stmt);

G_END_DECLS
