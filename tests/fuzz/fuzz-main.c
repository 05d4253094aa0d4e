/* fuzz-main.c — runs a fuzz target over its seed corpus as an ordinary GTest program
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: fuzz-corpus-NAME DIR-OR-FILE...  Each file becomes a test path
 * /fuzz/corpus/FILE, so the TAP output names the input that crashed.
 */
#include "fuzz-target.h"

#include <glib.h>

static void
run_file (gconstpointer data)
{
  const char *path = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (LLVMFuzzerTestOneInput ((const uint8_t *) contents, len), ==, 0);
}

static void
add_path (GPtrArray  *files,
          const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    g_error ("Corpus path %s does not exist", path);
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_ptr_array_add (files, g_strdup (path));
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (files, g_build_filename (path, name, NULL));
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

  g_test_init (&argc, &argv, NULL);
  for (int i = 1; i < argc; i++)
    add_path (files, argv[i]);
  g_ptr_array_sort (files, compare_paths);
  if (files->len == 0)
    g_error ("No corpus files given or found");

  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *base = g_path_get_basename (files->pdata[i]);
      g_autofree char *test_path = g_strdup_printf ("/fuzz/corpus/%s", base);

      g_test_add_data_func (test_path, files->pdata[i], run_file);
    }
  return g_test_run ();
}
