/* main.c — the taube executable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "taube-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TaubeApplication) app = NULL;
  const char *localedir = g_getenv ("TAUBE_LOCALEDIR");

  /* TAUBE_LOCALEDIR lets the tests use the catalogues in the build tree. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = taube_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
