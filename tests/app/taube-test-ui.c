/* taube-test-ui.c — helpers for UI tests that drive real widgets under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "taube-test-ui.h"

typedef struct
{
  gboolean timed_out;
} Deadline;

static gboolean
deadline_reached_cb (gpointer user_data)
{
  ((Deadline *) user_data)->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until @condition holds; FALSE if it never did. */
gboolean
taube_test_wait_until (TaubeTestCondition condition,
                       gpointer           data,
                       guint              timeout_ms)
{
  Deadline deadline = { FALSE };
  guint id = g_timeout_add (timeout_ms, deadline_reached_cb, &deadline);

  while (!condition (data) && !deadline.timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!deadline.timed_out)
    g_source_remove (id);
  return condition (data);
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

/* Lets layout, rendering and D-Bus traffic settle for @ms. */
void
taube_test_run_briefly (guint ms)
{
  taube_test_wait_until (never, NULL, ms);
}

GtkWidget *
taube_test_find_by_name (GtkWidget  *root,
                         const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = taube_test_find_by_name (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_by_type (GtkWidget *root,
              GType      type,
              guint     *skip)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    {
      if (*skip == 0)
        return root;
      (*skip)--;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_type (child, type, skip);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The @nth widget of @type in depth-first order below @root. */
GtkWidget *
taube_test_find_by_type (GtkWidget *root,
                         GType      type,
                         guint      nth)
{
  return find_by_type (root, type, &nth);
}

/* Renders @widget as GTK draws it and saves it under $TAUBE_BUILD_DIR/screenshots. */
char *
taube_test_screenshot (GtkWidget  *widget,
                       const char *basename)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = NULL;
  char *path;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  /* A widget with a layout pending (a spinner or progress bar animating) draws nothing
   * until the next frame: try again for a little while. */
  for (int attempt = 0; node == NULL && attempt < 100; attempt++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();

      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node == NULL)
        taube_test_run_briefly (10);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));

  dir = g_build_filename (g_getenv ("TAUBE_BUILD_DIR"), "screenshots", NULL);
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, basename, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
  return path;
}

/* How many distinct colours a PNG holds: a blank or failed render has one or two. */
guint
taube_test_count_colours (const char *png_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_filename (png_path, &error);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autofree guint32 *pixels = NULL;
  int width;
  int height;

  g_assert_no_error (error);
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  pixels = g_new (guint32, (gsize) width * height);
  gdk_texture_download (texture, (guchar *) pixels, (gsize) width * 4);
  for (gsize i = 0; i < (gsize) width * height; i++)
    g_hash_table_add (seen, GUINT_TO_POINTER (pixels[i]));
  return g_hash_table_size (seen);
}
