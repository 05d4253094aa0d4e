/* taube-autoconfig-parser.h — reads a provider's config-v1.1.xml
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "taube-provider-config.h"

G_BEGIN_DECLS

/* Real files are 1–10 KiB (mail.com's, with 200 domains, is 9 KiB); anything much bigger is
 * not a settings file, and an HTTP answer of that size is refused rather than parsed. */
#define TAUBE_AUTOCONFIG_MAX_SIZE (256 * 1024)

TaubeProviderConfig *taube_autoconfig_parse (const char  *xml,
                                             gsize        len,
                                             const char  *email_address,
                                             GError     **error);

G_END_DECLS
