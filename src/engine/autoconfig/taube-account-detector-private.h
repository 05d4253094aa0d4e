/* taube-account-detector-private.h — what the detector's step files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "taube-account-detector.h"
#include "taube-provider-database.h"
#include "taube-tls-trust.h"

G_BEGIN_DECLS

/* Everything one detection needs, fixed when it starts; shared by its steps (refcounted:
 * a step that finishes late still has it). */
typedef struct
{
  char *address;
  char *domain;
  GResolver *resolver;
  GTlsDatabase *tls_database;          /* nullable: the system's CAs */
  TaubeTlsTrust *trust;                /* tls_database and TAUBE_EXTRA_CA_FILE, for probes */
  TaubeProviderDatabase *database;
  guint autoconfig_port;               /* 443, or a test's */
  GHashTable *probe_ports;             /* standard port -> port to use, for tests */
  gint64 deadline;                     /* g_get_monotonic_time () limit */
} TaubeDetectContext;

TaubeDetectContext  *_taube_detect_context_ref            (TaubeDetectContext  *context);
void                 _taube_detect_context_unref          (TaubeDetectContext  *context);
guint                _taube_detect_context_remaining_ms   (TaubeDetectContext  *context,
                                                           guint                cap_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaubeDetectContext, _taube_detect_context_unref)

/* Each step finishes with a config, or NULL and no error when it found nothing; an
 * error only for a cancellation. */
void                 _taube_detect_autoconfig_async       (TaubeDetectContext  *context,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
TaubeProviderConfig *_taube_detect_autoconfig_finish      (GAsyncResult        *result,
                                                           GError             **error);
void                 _taube_detect_dns_async              (TaubeDetectContext  *context,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
TaubeProviderConfig *_taube_detect_dns_finish             (GAsyncResult        *result,
                                                           GError             **error);
/* Probing keeps what it found when cancelled by the time limit: see its file. */
void                 _taube_detect_probe_async            (TaubeDetectContext  *context,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
TaubeProviderConfig *_taube_detect_probe_finish           (GAsyncResult        *result,
                                                           GError             **error);

/* A config for @context's domain with no servers yet, for SRV and probe results. */
TaubeProviderConfig *_taube_detect_new_config             (TaubeDetectContext  *context,
                                                           TaubeAutoconfigSource source);

G_END_DECLS
