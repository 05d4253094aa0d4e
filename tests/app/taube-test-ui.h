/* taube-test-ui.h — helpers for UI tests that drive real widgets under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef gboolean (*TaubeTestCondition) (gpointer data);

gboolean   taube_test_wait_until       (TaubeTestCondition condition,
                                        gpointer           data,
                                        guint              timeout_ms);
void       taube_test_run_briefly      (guint              ms);
GtkWidget *taube_test_find_by_name     (GtkWidget         *root,
                                        const char        *name);
GtkWidget *taube_test_find_by_type     (GtkWidget         *root,
                                        GType              type,
                                        guint              nth);
char      *taube_test_screenshot       (GtkWidget         *widget,
                                        const char        *basename);
guint      taube_test_count_colours    (const char        *png_path);

G_END_DECLS
