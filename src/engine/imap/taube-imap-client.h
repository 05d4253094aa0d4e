/* taube-imap-client.h — an IMAP session (RFC 9051) with STARTTLS and SASL PLAIN
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "taube-connection.h"
#include "taube-imap-fetch.h"
#include "taube-imap-mailbox-data.h"
#include "taube-imap-quota.h"
#include "taube-imap-response.h"
#include "taube-imap-sequence-set.h"
#include "taube-imap-session-data.h"

G_BEGIN_DECLS

/**
 * TaubeImapSelectInfo:
 * @exists: the number of messages (RFC 9051 §7.4.1 EXISTS)
 * @uidvalidity: the UIDVALIDITY response code, or 0 if the server sent none
 * @uidnext: the UIDNEXT response code, or 0 if the server sent none
 * @highestmodseq: the HIGHESTMODSEQ response code (RFC 7162 §3.1.2.1), or 0
 * @read_only: whether the server answered [READ-ONLY]
 */
typedef struct
{
  guint64 exists;
  guint32 uidvalidity;
  guint32 uidnext;
  guint64 highestmodseq;
  gboolean read_only;
} TaubeImapSelectInfo;

/**
 * TaubeImapMailboxInfo:
 * @name: the mailbox name in UTF-8 (decoded from modified UTF-7)
 * @delimiter: the hierarchy delimiter, or '\0' for a flat name (NIL)
 * @flags: the name attributes, such as "\HasNoChildren" or the special-use "\Sent"
 *   (RFC 6154 §2)
 */
typedef struct
{
  char *name;
  char delimiter;
  GStrv flags;
} TaubeImapMailboxInfo;

void     taube_imap_mailbox_info_free     (TaubeImapMailboxInfo *info);
gboolean taube_imap_mailbox_info_has_flag (const TaubeImapMailboxInfo *info,
                                           const char                 *flag);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeImapMailboxInfo, taube_imap_mailbox_info_free)

/*
 * Signals of TaubeImapClient, for unsolicited data (RFC 9051 §7), whatever command is
 * running. The server's bytes are only read while a command runs, so between commands
 * they wait for the next one (or for IDLE). Data a command asked for itself (the FETCH
 * answers of a fetch, VANISHED (EARLIER) of a QRESYNC fetch) is given to that command and
 * not signalled; data it did not ask for is. Handlers run inside the response parser:
 * they must not start commands from there (use an idle source).
 *
 * "exists"        (TaubeImapClient *self, guint64 count): the mailbox has @count messages
 *                 (RFC 9051 §7.4.1).
 * "expunge"       (TaubeImapClient *self, guint seq): message number @seq was removed and
 *                 the numbers above it moved down by one (RFC 9051 §7.5.1).
 * "vanished"      (TaubeImapClient *self, const char *uids, gboolean earlier): the messages
 *                 with these UIDs (a sequence set such as "41,43:116") were removed; with
 *                 @earlier, some of them may have been reported already (RFC 7162 §3.2.10).
 * "flags-changed" (TaubeImapClient *self, guint seq, guint uid, GStrv flags, guint64 modseq):
 *                 message @seq now has @flags; @uid and @modseq are 0 when the server did
 *                 not include them (RFC 9051 §7.5.2, RFC 7162 §3.2.4).
 * "alert"         (TaubeImapClient *self, const char *text): a status response carried the
 *                 ALERT code: @text must be shown to the person (RFC 9051 §7.1).
 * "bye"           (TaubeImapClient *self, const char *text): the server is closing the
 *                 connection, also as part of LOGOUT (RFC 9051 §7.1.5).
 * "untagged"      (TaubeImapClient *self, TaubeImapResponse *response): every untagged
 *                 response, raw, also those that belong to the running command.
 */
#define TAUBE_TYPE_IMAP_CLIENT (taube_imap_client_get_type ())

G_DECLARE_FINAL_TYPE (TaubeImapClient, taube_imap_client, TAUBE, IMAP_CLIENT, GObject)

TaubeImapClient   *taube_imap_client_new                 (TaubeConnection      *connection);
TaubeConnection   *taube_imap_client_get_connection      (TaubeImapClient      *self);
gboolean           taube_imap_client_get_allow_plaintext (TaubeImapClient      *self);
void               taube_imap_client_set_allow_plaintext (TaubeImapClient      *self,
                                                          gboolean              allow_plaintext);

/* RFC 9051 §5.5: how many pipelinable commands may be in flight at once. */
#define TAUBE_IMAP_CLIENT_DEFAULT_PIPELINE_DEPTH 8
#define TAUBE_IMAP_CLIENT_MAX_PIPELINE_DEPTH 64

guint              taube_imap_client_get_pipeline_depth  (TaubeImapClient      *self);
void               taube_imap_client_set_pipeline_depth  (TaubeImapClient      *self,
                                                          guint                 depth);
gboolean           taube_imap_client_has_capability      (TaubeImapClient      *self,
                                                          const char           *name);
gboolean           taube_imap_client_is_logged_in        (TaubeImapClient      *self);

void               taube_imap_client_connect_async       (TaubeImapClient      *self,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
gboolean           taube_imap_client_connect_finish      (TaubeImapClient      *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
void               taube_imap_client_login_async         (TaubeImapClient      *self,
                                                          const char           *user,
                                                          const char           *password,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
gboolean           taube_imap_client_login_finish        (TaubeImapClient      *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);

void               taube_imap_client_command_async       (TaubeImapClient      *self,
                                                          const char           *command,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
TaubeImapResponse *taube_imap_client_command_finish      (TaubeImapClient      *self,
                                                          GAsyncResult         *result,
                                                          GPtrArray           **untagged,
                                                          GError              **error);

void               taube_imap_client_select_async        (TaubeImapClient      *self,
                                                          const char           *mailbox,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
gboolean           taube_imap_client_select_finish       (TaubeImapClient      *self,
                                                          GAsyncResult         *result,
                                                          TaubeImapSelectInfo  *info,
                                                          GError              **error);
void               taube_imap_client_list_async          (TaubeImapClient      *self,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
GPtrArray         *taube_imap_client_list_finish         (TaubeImapClient      *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
void               taube_imap_client_logout_async        (TaubeImapClient      *self,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
gboolean           taube_imap_client_logout_finish       (TaubeImapClient      *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);

/* Message commands: taube-imap-client-fetch.c, -search.c, -store.c, -append.c */

void               taube_imap_client_fetch_async         (TaubeImapClient              *self,
                                                          const TaubeImapFetchRequest  *request,
                                                          TaubeImapFetchMessageFunc     message_func,
                                                          TaubeImapFetchBodyFunc        body_func,
                                                          gpointer                      func_data,
                                                          GCancellable                 *cancellable,
                                                          GAsyncReadyCallback           callback,
                                                          gpointer                      user_data);
gboolean           taube_imap_client_fetch_finish        (TaubeImapClient              *self,
                                                          GAsyncResult                 *result,
                                                          TaubeImapSequenceSet        **vanished,
                                                          GError                      **error);

void               taube_imap_client_search_async        (TaubeImapClient              *self,
                                                          const char                   *criteria,
                                                          GCancellable                 *cancellable,
                                                          GAsyncReadyCallback           callback,
                                                          gpointer                      user_data);
TaubeImapSequenceSet *taube_imap_client_search_finish    (TaubeImapClient              *self,
                                                          GAsyncResult                 *result,
                                                          GError                      **error);

/**
 * TaubeImapStoreMode:
 * @TAUBE_IMAP_STORE_ADD: +FLAGS
 * @TAUBE_IMAP_STORE_REMOVE: -FLAGS
 * @TAUBE_IMAP_STORE_REPLACE: FLAGS
 */
typedef enum
{
  TAUBE_IMAP_STORE_ADD,
  TAUBE_IMAP_STORE_REMOVE,
  TAUBE_IMAP_STORE_REPLACE,
} TaubeImapStoreMode;

/**
 * TaubeImapCopyUid:
 * @uidvalidity: the destination mailbox's UIDVALIDITY
 * @source_uids: the UIDs copied, ascending
 * @destination_uids: their new UIDs in the destination, in the same order
 *
 * The COPYUID response code (RFC 4315 §3).
 */
typedef struct
{
  guint32 uidvalidity;
  TaubeImapSequenceSet *source_uids;
  TaubeImapSequenceSet *destination_uids;
} TaubeImapCopyUid;

void               taube_imap_copy_uid_free              (TaubeImapCopyUid             *copy_uid);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeImapCopyUid, taube_imap_copy_uid_free)

void               taube_imap_client_store_async         (TaubeImapClient              *self,
                                                          const char                   *uids,
                                                          TaubeImapStoreMode            mode,
                                                          const char * const           *flags,
                                                          gboolean                      silent,
                                                          guint64                       unchanged_since,
                                                          GCancellable                 *cancellable,
                                                          GAsyncReadyCallback           callback,
                                                          gpointer                      user_data);
gboolean           taube_imap_client_store_finish        (TaubeImapClient              *self,
                                                          GAsyncResult                 *result,
                                                          TaubeImapSequenceSet        **modified,
                                                          GError                      **error);
void               taube_imap_client_expunge_async       (TaubeImapClient              *self,
                                                          const char                   *uids,
                                                          GCancellable                 *cancellable,
                                                          GAsyncReadyCallback           callback,
                                                          gpointer                      user_data);
gboolean           taube_imap_client_expunge_finish      (TaubeImapClient              *self,
                                                          GAsyncResult                 *result,
                                                          GError                      **error);
void               taube_imap_client_copy_async          (TaubeImapClient              *self,
                                                          const char                   *uids,
                                                          const char                   *mailbox,
                                                          GCancellable                 *cancellable,
                                                          GAsyncReadyCallback           callback,
                                                          gpointer                      user_data);
gboolean           taube_imap_client_copy_finish         (TaubeImapClient              *self,
                                                          GAsyncResult                 *result,
                                                          TaubeImapCopyUid            **copy_uid,
                                                          GError                      **error);
void               taube_imap_client_move_async          (TaubeImapClient              *self,
                                                          const char                   *uids,
                                                          const char                   *mailbox,
                                                          GCancellable                 *cancellable,
                                                          GAsyncReadyCallback           callback,
                                                          gpointer                      user_data);
gboolean           taube_imap_client_move_finish         (TaubeImapClient              *self,
                                                          GAsyncResult                 *result,
                                                          TaubeImapCopyUid            **copy_uid,
                                                          GError                      **error);

void               taube_imap_client_append_async        (TaubeImapClient              *self,
                                                          const char                   *mailbox,
                                                          const char * const           *flags,
                                                          GDateTime                    *internaldate,
                                                          GInputStream                 *message,
                                                          guint64                       size,
                                                          GCancellable                 *cancellable,
                                                          GAsyncReadyCallback           callback,
                                                          gpointer                      user_data);
void               taube_imap_client_append_bytes_async  (TaubeImapClient              *self,
                                                          const char                   *mailbox,
                                                          const char * const           *flags,
                                                          GDateTime                    *internaldate,
                                                          GBytes                       *message,
                                                          GCancellable                 *cancellable,
                                                          GAsyncReadyCallback           callback,
                                                          gpointer                      user_data);
gboolean           taube_imap_client_append_finish       (TaubeImapClient              *self,
                                                          GAsyncResult                 *result,
                                                          guint32                      *uidvalidity,
                                                          guint32                      *uid,
                                                          GError                      **error);

/* -- Session and mailbox commands: taube-imap-client-session.c, -folders.c, -select.c,
 *    -quota.c, -compress.c, -idle.c (types in taube-imap-session-data.h,
 *    taube-imap-mailbox-data.h, taube-imap-quota.h) ---------------------------------- */

/**
 * TaubeImapMailboxEntry:
 * @info: the mailbox as listed
 * @status: (nullable): its counts, when asked for and the mailbox is selectable
 */
typedef struct
{
  TaubeImapMailboxInfo *info;
  TaubeImapMailboxStatus *status;
} TaubeImapMailboxEntry;

void                  taube_imap_mailbox_entry_free (TaubeImapMailboxEntry *entry);
TaubeImapMailboxInfo *taube_imap_list_parse         (const TaubeImapResponse *response,
                                                     gboolean                 utf8,
                                                     GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeImapMailboxEntry, taube_imap_mailbox_entry_free)

typedef enum
{
  TAUBE_IMAP_LIST_DEFAULT        = 0,
  /* Only subscribed mailboxes: LIST (SUBSCRIBED) (RFC 5258), or LSUB. */
  TAUBE_IMAP_LIST_SUBSCRIBED     = 1 << 0,
  /* With the STATUS counts of every selectable mailbox. */
  TAUBE_IMAP_LIST_WITH_STATUS    = 1 << 1,
  /* STATUS one mailbox at a time even where LIST-STATUS is offered. */
  TAUBE_IMAP_LIST_NO_LIST_STATUS = 1 << 2,
} TaubeImapListFlags;

/**
 * TaubeImapQresyncParams:
 * @uidvalidity: the mailbox's UIDVALIDITY when last seen
 * @modseq: the highest MODSEQ seen then
 * @known_uids: (nullable): the UIDs the caller holds, to keep VANISHED short
 */
typedef struct
{
  guint32 uidvalidity;
  guint64 modseq;
  const TaubeImapSequenceSet *known_uids;
} TaubeImapQresyncParams;

/**
 * TaubeImapSelectResult:
 * @info: the counts and codes, as for taube_imap_client_select_finish()
 * @flags: the flags defined in the mailbox (FLAGS response)
 * @qresync: whether QRESYNC parameters were sent
 * @vanished: UIDs expunged since the given modseq (VANISHED (EARLIER), RFC 7162 §3.2.10)
 * @changed: (element-type TaubeImapFlagChange): messages whose flags changed since then
 */
typedef struct
{
  TaubeImapSelectInfo info;
  GStrv flags;
  gboolean qresync;
  TaubeImapSequenceSet *vanished;
  GPtrArray *changed;
} TaubeImapSelectResult;

void taube_imap_select_result_free (TaubeImapSelectResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeImapSelectResult, taube_imap_select_result_free)

gboolean             taube_imap_client_is_enabled          (TaubeImapClient      *self,
                                                            const char           *extension);
void                 taube_imap_client_capability_async    (TaubeImapClient      *self,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
gboolean             taube_imap_client_capability_finish   (TaubeImapClient      *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);
void                 taube_imap_client_id_async            (TaubeImapClient      *self,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
GHashTable          *taube_imap_client_id_finish           (TaubeImapClient      *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);
void                 taube_imap_client_enable_async        (TaubeImapClient      *self,
                                                            const char * const   *extensions,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
gboolean             taube_imap_client_enable_finish       (TaubeImapClient      *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);
void                 taube_imap_client_namespace_async     (TaubeImapClient      *self,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
TaubeImapNamespaces *taube_imap_client_namespace_finish    (TaubeImapClient      *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);

void                 taube_imap_client_list_mailboxes_async  (TaubeImapClient    *self,
                                                              TaubeImapListFlags  flags,
                                                              GCancellable       *cancellable,
                                                              GAsyncReadyCallback callback,
                                                              gpointer            user_data);
GPtrArray           *taube_imap_client_list_mailboxes_finish (TaubeImapClient    *self,
                                                              GAsyncResult       *result,
                                                              GError            **error);
void                 taube_imap_client_status_async        (TaubeImapClient      *self,
                                                            const char           *mailbox,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
TaubeImapMailboxStatus *taube_imap_client_status_finish    (TaubeImapClient      *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);
void                 taube_imap_client_create_async        (TaubeImapClient      *self,
                                                            const char           *mailbox,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
gboolean             taube_imap_client_create_finish       (TaubeImapClient      *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);
void                 taube_imap_client_rename_async        (TaubeImapClient      *self,
                                                            const char           *mailbox,
                                                            const char           *new_name,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
gboolean             taube_imap_client_rename_finish       (TaubeImapClient      *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);
void                 taube_imap_client_delete_async        (TaubeImapClient      *self,
                                                            const char           *mailbox,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
gboolean             taube_imap_client_delete_finish       (TaubeImapClient      *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);
void                 taube_imap_client_subscribe_async     (TaubeImapClient      *self,
                                                            const char           *mailbox,
                                                            gboolean              subscribe,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
gboolean             taube_imap_client_subscribe_finish    (TaubeImapClient      *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);
void                 taube_imap_client_open_mailbox_async  (TaubeImapClient      *self,
                                                            const char           *mailbox,
                                                            gboolean              read_only,
                                                            const TaubeImapQresyncParams *qresync,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
TaubeImapSelectResult *taube_imap_client_open_mailbox_finish (TaubeImapClient    *self,
                                                              GAsyncResult       *result,
                                                              GError            **error);
void                 taube_imap_client_get_quota_root_async  (TaubeImapClient    *self,
                                                              const char         *mailbox,
                                                              GCancellable       *cancellable,
                                                              GAsyncReadyCallback callback,
                                                              gpointer            user_data);
TaubeImapQuotaInfo  *taube_imap_client_get_quota_root_finish (TaubeImapClient    *self,
                                                              GAsyncResult       *result,
                                                              GError            **error);
void                 taube_imap_client_compress_async      (TaubeImapClient      *self,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
gboolean             taube_imap_client_compress_finish     (TaubeImapClient      *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);
guint                taube_imap_client_get_idle_interval   (TaubeImapClient      *self);
void                 taube_imap_client_set_idle_interval   (TaubeImapClient      *self,
                                                            guint                 seconds);
void                 taube_imap_client_idle_async          (TaubeImapClient      *self,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
gboolean             taube_imap_client_idle_finish         (TaubeImapClient      *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);

G_END_DECLS
