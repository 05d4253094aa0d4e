/* taube-imap-quota.h — QUOTAROOT and QUOTA responses (RFC 9208)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "taube-imap-response.h"

G_BEGIN_DECLS

/**
 * TaubeImapQuotaResource:
 * @name: the resource in upper case: "STORAGE" (in units of 1024 octets), "MESSAGE",
 *   "MAILBOX" or "ANNOTATION-STORAGE" (RFC 9208 §5)
 * @usage: how much is used
 * @limit: how much may be used
 */
typedef struct
{
  char *name;
  guint64 usage;
  guint64 limit;
} TaubeImapQuotaResource;

/**
 * TaubeImapQuota:
 * @root: the quota root's name, often ""
 * @resources: (element-type TaubeImapQuotaResource): its limited resources
 */
typedef struct
{
  char *root;
  GPtrArray *resources;
} TaubeImapQuota;

/**
 * TaubeImapQuotaInfo:
 * @mailbox: the mailbox that was asked about, in UTF-8
 * @roots: the quota roots it belongs to (RFC 9208 §4.2.2)
 * @quotas: (element-type TaubeImapQuota): the quota of each root the server reported
 */
typedef struct
{
  char *mailbox;
  GStrv roots;
  GPtrArray *quotas;
} TaubeImapQuotaInfo;

void            taube_imap_quota_free          (TaubeImapQuota          *quota);
TaubeImapQuota *taube_imap_quota_parse         (const TaubeImapResponse *response,
                                                GError                 **error);
gboolean        taube_imap_quota_root_parse    (const TaubeImapResponse *response,
                                                gboolean                 utf8,
                                                char                   **mailbox,
                                                GStrv                   *roots,
                                                GError                 **error);
void            taube_imap_quota_info_free     (TaubeImapQuotaInfo      *info);
gboolean        taube_imap_quota_info_lookup   (const TaubeImapQuotaInfo *info,
                                                const char              *resource,
                                                guint64                 *usage,
                                                guint64                 *limit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeImapQuota, taube_imap_quota_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeImapQuotaInfo, taube_imap_quota_info_free)

G_END_DECLS
