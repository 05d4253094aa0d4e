/* taube-cli.c — Taube's engine without a display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "taube-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "taube-cli-commands.h"
#include "taube-utf7.h"

typedef int (*CommandFunc) (int argc, char **argv);

typedef struct
{
  const char *name;
  CommandFunc func;
  const char *summary;
} Command;

/* Mailbox names as IMAP servers spell them, and back: handy when reading a protocol log. */
static int
command_folder_name (int    argc,
                     char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *result = NULL;
  gboolean decode;

  if (argc != 3 || (g_strcmp0 (argv[1], "encode") != 0 && g_strcmp0 (argv[1], "decode") != 0))
    {
      g_printerr (_("Usage: taube-cli folder-name encode|decode NAME\n"));
      return 2;
    }
  decode = g_strcmp0 (argv[1], "decode") == 0;
  result = decode ? taube_utf7_decode (argv[2], &error) : taube_utf7_encode (argv[2], &error);
  if (result == NULL)
    {
      g_printerr ("taube-cli: %s\n", error->message);
      return 1;
    }
  g_print ("%s\n", result);
  return 0;
}

static const Command commands[] = {
  { "account", taube_cli_account, N_("Add, list or remove mail accounts") },
  { "detect", taube_cli_detect, N_("Find the mail servers of an email address") },
  { "folder-name", command_folder_name, N_("Convert an IMAP folder name (modified UTF-7)") },
  { "folders", taube_cli_folders, N_("List the folders in the local mail store") },
  { "messages", taube_cli_messages, N_("List the messages of a folder") },
  { "outbox", taube_cli_outbox, N_("List the messages waiting in the outbox") },
  { "search", taube_cli_search, N_("Search all mail in the local store") },
  { "send", taube_cli_send, N_("Send a message file through the outbox") },
  { "show", taube_cli_show, N_("Show a message") },
  { "sync", taube_cli_sync, N_("Download new mail, once or until interrupted") },
};

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n\n%s\n", _("Usage: taube-cli COMMAND [ARGUMENTS…]"), _("Commands:"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  %-14s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (stream, "  %-14s %s\n", "--version", _("Show the version"));
  fprintf (stream, "  %-14s %s\n", "--help", _("Show this help"));
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("TAUBE_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      print_usage (stderr);
      return 2;
    }
  if (g_strcmp0 (argv[1], "--version") == 0)
    {
      g_print ("taube-cli %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_strcmp0 (argv[1], "--help") == 0 || g_strcmp0 (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return 0;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_strcmp0 (argv[1], commands[i].name) == 0)
      return commands[i].func (argc - 1, argv + 1);

  /* Translators: %s is what the user typed as a command */
  g_printerr (_("taube-cli: unknown command “%s”. Try “taube-cli --help”.\n"), argv[1]);
  return 2;
}
