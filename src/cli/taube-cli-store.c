/* taube-cli-store.c — opening the store and printing messages, for the reading commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * taube-cli may run while Taube runs on the same profile. The store copes: SQLite in WAL mode
 * lets readers and one writer work at once, every connection waits up to 5 s for a lock
 * (busy timeout) instead of failing, writes take the lock up front (BEGIN IMMEDIATE), the
 * schema is migrated inside such a transaction, and Maildir file names carry the pid.
 */
#define G_LOG_DOMAIN "taube-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "taube-cli-commands.h"
#include "taube-cli-store.h"

TaubeStore *
taube_cli_open_store (void)
{
  g_autoptr(GError) error = NULL;
  TaubeStore *store = taube_store_new_sync (NULL, NULL, &error);

  if (store == NULL)
    g_printerr ("taube-cli: %s\n", error->message);
  return store;
}

TaubeAccountManager *
taube_cli_load_accounts (void)
{
  g_autoptr(GError) error = NULL;
  TaubeAccountManager *accounts = taube_account_manager_new (NULL);

  /* A broken account file is reported, the others still work. */
  if (!taube_account_manager_load (accounts, &error))
    g_printerr ("taube-cli: %s\n", error->message);
  return accounts;
}

void
taube_cli_result_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

/* Runs the main context until the call whose callback got @slot has finished. */
GAsyncResult *
taube_cli_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

gboolean
taube_cli_parse_id (const char *text,
                    gint64     *id)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;
  *id = (gint64) value;
  return TRUE;
}

const char *
taube_cli_role_name (TaubeFolderRole role)
{
  static const char *const names[] = {
    "", "inbox", "drafts", "sent", "trash", "junk", "archive", "all", "flagged", "important"
  };

  return (guint) role < G_N_ELEMENTS (names) ? names[role] : "";
}

static char *
format_date (gint64 seconds,
             gboolean iso)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_local (seconds);

  if (date == NULL)
    return g_strdup ("");
  return iso ? g_date_time_format_iso8601 (date) : g_date_time_format (date, "%Y-%m-%d %H:%M");
}

static char *
flags_text (TaubeMessage *message,
            gboolean      json)
{
  g_auto(GStrv) atoms = taube_message_flags_to_imap (taube_message_get_flags (message), NULL);
  GString *out = g_string_new (json ? "[" : NULL);

  for (gsize i = 0; atoms[i] != NULL; i++)
    {
      if (json)
        {
          g_autofree char *quoted = taube_cli_json_string (atoms[i]);

          g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", quoted);
        }
      else
        g_string_append_printf (out, "%s%s", i > 0 ? " " : "", atoms[i]);
    }
  if (json)
    g_string_append_c (out, ']');
  return g_string_free (out, FALSE);
}

static void
print_json (TaubeMessage *message,
            const char   *folder,
            gboolean      last)
{
  g_autofree char *date = format_date (taube_message_get_date (message), TRUE);
  g_autofree char *flags = flags_text (message, TRUE);
  g_autofree char *j_date = taube_cli_json_string (date);
  g_autofree char *j_name = taube_cli_json_string (taube_message_get_from_name (message));
  g_autofree char *j_address = taube_cli_json_string (taube_message_get_from_address (message));
  g_autofree char *j_subject = taube_cli_json_string (taube_message_get_subject (message));
  g_autofree char *j_message_id = taube_cli_json_string (taube_message_get_message_id (message));
  g_autofree char *j_folder = taube_cli_json_string (folder);

  g_print ("  {\"id\": %" G_GINT64_FORMAT ", \"folder_id\": %" G_GINT64_FORMAT ", "
           "\"folder\": %s, \"uid\": %u, \"date\": %s, \"from_name\": %s, \"from\": %s, "
           "\"subject\": %s, \"flags\": %s, \"has_attachment\": %s, \"message_id\": %s, "
           "\"thread_id\": %" G_GINT64_FORMAT "}%s\n",
           taube_message_get_id (message), taube_message_get_folder_id (message), j_folder,
           taube_message_get_uid (message), j_date, j_name, j_address, j_subject, flags,
           taube_message_get_has_attachment (message) ? "true" : "false", j_message_id,
           taube_message_get_thread_id (message), last ? "" : ",");
}

/*
 * taube_cli_print_message:
 * @message: a message of the index
 * @folder: (nullable): its folder's name, printed when not %NULL
 * @json: one JSON object (a member of an array the caller opened)
 * @last: the last member: no comma
 */
void
taube_cli_print_message (TaubeMessage *message,
                         const char   *folder,
                         gboolean      json,
                         gboolean      last)
{
  g_autofree char *date = NULL;
  g_autofree char *flags = NULL;
  const char *from;

  if (json)
    {
      print_json (message, folder, last);
      return;
    }
  date = format_date (taube_message_get_date (message), FALSE);
  flags = flags_text (message, FALSE);
  from = taube_message_get_from_name (message);
  if (from == NULL || *from == '\0')
    from = taube_message_get_from_address (message);
  if (folder != NULL)
    g_print ("%" G_GINT64_FORMAT "\t%s\t%u\t%s\t%s\t%s\t%s\n", taube_message_get_id (message),
             folder, taube_message_get_uid (message), date, from != NULL ? from : "",
             taube_message_get_subject (message), flags);
  else
    g_print ("%" G_GINT64_FORMAT "\t%u\t%s\t%s\t%s\t%s\n", taube_message_get_id (message),
             taube_message_get_uid (message), date, from != NULL ? from : "",
             taube_message_get_subject (message), flags);
}

int
taube_cli_fail (const GError *error)
{
  g_printerr ("taube-cli: %s\n", error->message);
  return TAUBE_CLI_FAILED;
}
