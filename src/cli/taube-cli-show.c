/* taube-cli-show.c — taube-cli show ID [--raw|--text], and search QUERY
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "taube-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <gmime/gmime.h>
#include <stdio.h>

#include "taube-cli-commands.h"
#include "taube-cli-store.h"
#include "taube-html-text.h"
#include "taube-sync-service.h"

/* GMime 3.2 declares no cleanup functions of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)

/* The longest HTML body turned into text: beyond this a terminal is the wrong place. */
#define MAX_HTML_TEXT (4 * 1024 * 1024)

typedef struct
{
  char *plain;
  char *html;
  GString *attachments;
} Body;

static void
visit_part (GMimeObject *parent,
            GMimeObject *part,
            gpointer     user_data)
{
  Body *body = user_data;
  GMimeContentType *type = g_mime_object_get_content_type (part);
  const char *filename;

  if (!GMIME_IS_PART (part))
    return;
  filename = g_mime_part_get_filename (GMIME_PART (part));
  if (g_mime_part_is_attachment (GMIME_PART (part)) || filename != NULL)
    {
      g_autofree char *mime_type = g_mime_content_type_get_mime_type (type);

      /* Translators: an attachment: its file name and its type, e.g. "report.pdf (application/pdf)" */
      g_string_append_printf (body->attachments, _("[Attachment: %s (%s)]\n"),
                              filename != NULL ? filename : _("unnamed"), mime_type);
      return;
    }
  if (!GMIME_IS_TEXT_PART (part))
    return;
  if (body->plain == NULL && g_mime_content_type_is_type (type, "text", "plain"))
    body->plain = g_mime_text_part_get_text (GMIME_TEXT_PART (part));
  else if (body->html == NULL && g_mime_content_type_is_type (type, "text", "html"))
    body->html = g_mime_text_part_get_text (GMIME_TEXT_PART (part));
}

static void
print_address_header (GMimeMessage     *message,
                      GMimeAddressType  type,
                      const char       *label)
{
  InternetAddressList *list = g_mime_message_get_addresses (message, type);
  g_autofree char *text = NULL;

  if (list == NULL || internet_address_list_length (list) == 0)
    return;
  text = internet_address_list_to_string (list, NULL, FALSE);
  g_print ("%s %s\n", label, text);
}

static void
print_text (GBytes *raw)
{
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeParser) parser = NULL;
  g_autoptr(GMimeMessage) message = NULL;
  Body body = { NULL, NULL, g_string_new (NULL) };
  GDateTime *date;

  g_mime_init ();
  stream = g_mime_stream_mem_new_with_buffer (g_bytes_get_data (raw, NULL),
                                             g_bytes_get_size (raw));
  parser = g_mime_parser_new_with_stream (stream);
  message = g_mime_parser_construct_message (parser, NULL);
  if (message == NULL)
    {
      fwrite (g_bytes_get_data (raw, NULL), 1, g_bytes_get_size (raw), stdout);
      g_string_free (body.attachments, TRUE);
      return;
    }
  /* Translators: header labels of taube-cli show; keep them short */
  print_address_header (message, GMIME_ADDRESS_TYPE_FROM, _("From:"));
  print_address_header (message, GMIME_ADDRESS_TYPE_TO, _("To:"));
  print_address_header (message, GMIME_ADDRESS_TYPE_CC, _("Cc:"));
  date = g_mime_message_get_date (message);
  if (date != NULL)
    {
      g_autofree char *text = g_date_time_format (date, "%c");

      g_print ("%s %s\n", _("Date:"), text);
    }
  g_print ("%s %s\n\n", _("Subject:"),
           g_mime_message_get_subject (message) != NULL ? g_mime_message_get_subject (message) : "");

  g_mime_message_foreach (message, visit_part, &body);
  if (body.plain != NULL)
    g_print ("%s\n", body.plain);
  else if (body.html != NULL)
    {
      g_autofree char *text = taube_html_to_text (body.html, MAX_HTML_TEXT);

      g_print ("%s\n", text);
    }
  if (body.attachments->len > 0)
    g_print ("\n%s", body.attachments->str);
  g_free (body.plain);
  g_free (body.html);
  g_string_free (body.attachments, TRUE);
}

static int
no_such_message (const char *text)
{
  /* Translators: %s is the message id the user typed */
  g_printerr (_("taube-cli: there is no message with id “%s”. “taube-cli messages FOLDER” "
                "shows the ids.\n"), text);
  return TAUBE_CLI_FAILED;
}

/* A message synced with its header only (IMAP, or POP3 over the size limit) is
 * downloaded first, as the app does when it is opened. */
static gboolean
download_body (TaubeStore    *store,
               TaubeMessage  *message,
               GError       **error)
{
  g_autoptr(TaubeFolder) folder = taube_store_get_folder (store,
                                                          taube_message_get_folder_id (message),
                                                          error);
  g_autoptr(TaubeAccountManager) accounts = taube_account_manager_new (NULL);
  g_autoptr(TaubeSyncService) service = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  if (folder == NULL || !taube_account_manager_load (accounts, error))
    return FALSE;
  service = taube_sync_service_new (accounts, store);
  taube_sync_service_download_message_async (service, taube_folder_get_account_id (folder),
                                             taube_message_get_id (message), NULL,
                                             taube_cli_result_cb, &result);
  return taube_sync_service_download_message_finish (service, taube_cli_wait (&result), error);
}

/**
 * taube_cli_show:
 * @argc: arguments after "show"
 * @argv: (array length=argc): ID [--raw|--text]
 *
 * Returns: the exit code
 */
int
taube_cli_show (int    argc,
                char **argv)
{
  gboolean raw_output = FALSE;
  gboolean text_output = FALSE;
  const GOptionEntry entries[] = {
    { "raw", 0, 0, G_OPTION_ARG_NONE, &raw_output, N_("Print the message as stored (RFC 5322)"), NULL },
    { "text", 0, 0, G_OPTION_ARG_NONE, &text_output, N_("Print the headers and the readable text (the default)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("ID"));
  g_autoptr(TaubeStore) store = NULL;
  g_autoptr(TaubeMessage) message = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  g_option_context_set_summary (context, _("Show a message of the local mail store"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2
      || (raw_output && text_output))
    {
      g_printerr ("taube-cli: %s\n", error != NULL ? error->message
                                                  : _("Usage: taube-cli show ID [--raw|--text]"));
      return TAUBE_CLI_USAGE;
    }
  if (!taube_cli_parse_id (argv[1], &id))
    return no_such_message (argv[1]);
  if ((store = taube_cli_open_store ()) == NULL)
    return TAUBE_CLI_FAILED;
  message = taube_store_get_message (store, id, &error);
  if (message == NULL)
    return no_such_message (argv[1]);

  if (!taube_message_get_has_body (message) && !download_body (store, message, &error))
    return taube_cli_fail (error);
  taube_store_read_message_async (store, id, NULL, taube_cli_result_cb, &result);
  raw = taube_store_read_message_finish (store, taube_cli_wait (&result), &error);
  if (raw == NULL)
    return taube_cli_fail (error);
  if (raw_output)
    fwrite (g_bytes_get_data (raw, NULL), 1, g_bytes_get_size (raw), stdout);
  else
    print_text (raw);
  return 0;
}

static const char *
folder_name (TaubeStore *store,
             GHashTable *names,
             gint64      folder_id)
{
  const char *name = g_hash_table_lookup (names, &folder_id);

  if (name == NULL)
    {
      g_autoptr(TaubeFolder) folder = taube_store_get_folder (store, folder_id, NULL);
      gint64 *key = g_new (gint64, 1);

      *key = folder_id;
      name = folder != NULL ? taube_folder_get_name (folder) : "";
      g_hash_table_insert (names, key, g_strdup (name));
      name = g_hash_table_lookup (names, key);
    }
  return name;
}

/**
 * taube_cli_search:
 * @argc: arguments after "search"
 * @argv: (array length=argc): QUERY [--limit N] [--json]
 *
 * Returns: the exit code
 */
int
taube_cli_search (int    argc,
                  char **argv)
{
  gboolean json = FALSE;
  int limit = 50;
  const GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("Show at most N messages (default 50)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("QUERY"));
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(TaubeStore) store = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, _("Search subjects, addresses and text of all mail"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 || limit <= 0)
    {
      g_printerr ("taube-cli: %s\n", error != NULL ? error->message
                                                  : _("Usage: taube-cli search QUERY [--limit N] [--json]"));
      return TAUBE_CLI_USAGE;
    }
  if ((store = taube_cli_open_store ()) == NULL)
    return TAUBE_CLI_FAILED;
  taube_store_search_async (store, argv[1], 0, (guint) limit, NULL, taube_cli_result_cb, &result);
  ids = taube_store_search_finish (store, taube_cli_wait (&result), &error);
  if (ids == NULL)
    return taube_cli_fail (error);

  for (guint i = 0; i < ids->len; i++)
    {
      TaubeMessage *message = taube_store_get_message (store, g_array_index (ids, gint64, i), NULL);

      /* Removed since the search ran: skip it. */
      if (message != NULL)
        g_ptr_array_add (messages, message);
    }
  if (json)
    g_print ("[\n");
  for (guint i = 0; i < messages->len; i++)
    {
      TaubeMessage *message = g_ptr_array_index (messages, i);

      taube_cli_print_message (message,
                               folder_name (store, names, taube_message_get_folder_id (message)),
                               json, i + 1 == messages->len);
    }
  if (json)
    g_print ("]\n");
  return 0;
}
