/* taube-html-text.h — the text of an HTML body, for previews, search and taube-cli show
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *taube_html_to_text (const char *html,
                          gsize       max_bytes);

G_END_DECLS
