/* taube-crash-point.h — TAUBE_TEST_CRASH_AT: die at a named point, for crash tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Checked only when TAUBE_TEST_CRASH_AT is set; see src/engine/sync/README.md. */
#define TAUBE_CRASH_POINT_ENV "TAUBE_TEST_CRASH_AT"

void           _taube_crash_point        (const char    *name);
GOutputStream *_taube_crash_point_stream (GOutputStream *base,
                                          const char    *name,
                                          guint64        after_bytes);

G_END_DECLS
