/* taube-account-detector.h — finds an address's server settings (provider database,
 * autoconfig over HTTPS, DNS SRV and MX, probing)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * API contract shared by the engine (detection) and the setup assistant (UI).
 * Implementation: taube-account-detector.c and its -autoconfig, -dns and -probe files.
 */
#pragma once

#include <gio/gio.h>

#include "taube-provider-config.h"

G_BEGIN_DECLS

#define TAUBE_TYPE_ACCOUNT_DETECTOR (taube_account_detector_get_type ())

G_DECLARE_FINAL_TYPE (TaubeAccountDetector, taube_account_detector, TAUBE, ACCOUNT_DETECTOR,
                      GObject)

/*
 * Signals:
 *   "progress" (TaubeAccountDetector *self, TaubeAutoconfigSource step, const char *message,
 *               gpointer user_data)
 *     emitted on the thread-default main context of detect_async's caller when a step
 *     starts; @message is translated and ready to show ("Asking example.org's own
 *     configuration server…").
 *
 * Properties (for tests and special set-ups; defaults suit normal use):
 *   "resolver"      GResolver*    NULL = g_resolver_get_default ()
 *   "tls-database"  GTlsDatabase* NULL = the system CAs (for HTTPS autoconfig and probing)
 *   "timeout"       guint         overall limit in seconds, default 15
 *   "autoconfig-port" guint       (added) test hook: the port of the HTTPS autoconfig URLs,
 *                                 default 443
 */

TaubeAccountDetector *taube_account_detector_new            (void);

/* Finishes with the best TaubeProviderConfig found (its source says where it came from),
 * or G_IO_ERROR_CANCELLED, or TAUBE_AUTOCONFIG_ERROR_NOT_FOUND when nothing was found
 * in time (the assistant then offers manual settings). */
void                  taube_account_detector_detect_async   (TaubeAccountDetector *self,
                                                             const char           *email_address,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
TaubeProviderConfig  *taube_account_detector_detect_finish  (TaubeAccountDetector *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);

/* Test hook (added): probes of @standard_port (993, 143, …) connect to @port instead. */
void                  taube_account_detector_set_probe_port (TaubeAccountDetector *self,
                                                             guint                 standard_port,
                                                             guint                 port);

/* TRUE when the settings must be confirmed by the person before use: they came over
 * plain DNS (SRV, MX) or name a host outside the address's domain. */
gboolean              taube_provider_config_needs_confirmation (TaubeProviderConfig *config,
                                                                const char          *email_address);

G_END_DECLS
