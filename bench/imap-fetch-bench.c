/* imap-fetch-bench.c — how fast TaubeImapClient fetches the message list of a big folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Logs in to the rig's Dovecot as alice, selects the folder bench/imap-fill-maildir filled,
 * and fetches what a message list needs for every message, as the sync service would:
 *   UID FETCH 1:* (UID FLAGS ENVELOPE BODYSTRUCTURE
 *                  BODY.PEEK[HEADER.FIELDS (From To Subject Date Message-ID References
 *                                           In-Reply-To)])
 * several times in a row. The first run is "cold": Dovecot has never seen the files and
 * parses every message to build its cache, which is server work; the later runs are
 * "warm" and measure the client (and loopback TLS). Reports messages per second per run
 * and the process's peak resident memory (getrusage ru_maxrss), which must not grow with
 * the number of messages: the client hands each message over and frees it.
 *
 * Run through bench/run-imap-fetch, which starts the rig and fills the folder.
 */
#define G_LOG_DOMAIN "taube-bench"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "taube-imap-client.h"

static int opt_runs = 3;
static char *opt_folder = NULL;
static gboolean opt_plain = FALSE;

static const GOptionEntry entries[] = {
  { "runs", 'r', 0, G_OPTION_ARG_INT, &opt_runs, "Fetches of the whole folder (3)", "N" },
  { "folder", 'f', 0, G_OPTION_ARG_STRING, &opt_folder, "Folder (Bench)", "NAME" },
  { "plain", 'p', 0, G_OPTION_ARG_NONE, &opt_plain,
    "Unencrypted IMAP on 127.0.0.1 instead of TLS", NULL },
  { NULL }
};

typedef struct
{
  guint64 messages;
  guint64 header_bytes;
  guint64 parts;
  guint64 seen;
  guint32 last_uid;
  gboolean ordered;
} Tally;

static void
count_parts (const TaubeImapBodystructure *body,
             Tally                        *tally)
{
  tally->parts++;
  for (guint i = 0; body->parts != NULL && i < body->parts->len; i++)
    count_parts (g_ptr_array_index (body->parts, i), tally);
}

/* Touches what a message list would keep, so the work is real. */
static void
message_cb (const TaubeImapFetchedMessage *message,
            gpointer                       user_data)
{
  Tally *tally = user_data;

  tally->messages++;
  if (message->uid <= tally->last_uid || message->envelope == NULL
      || message->bodystructure == NULL || message->header_fields == NULL)
    tally->ordered = FALSE;
  tally->last_uid = message->uid;
  tally->header_bytes += g_bytes_get_size (message->header_fields);
  for (guint i = 0; message->flags[i] != NULL; i++)
    tally->seen += g_ascii_strcasecmp (message->flags[i], "\\Seen") == 0;
  count_parts (message->bodystructure, tally);
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static const char *
env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL)
    g_error ("%s is not set: run this under tests/rig/taube-rig --with dovecot", name);
  return value;
}

static TaubeImapClient *
log_in (void)
{
  g_autoptr(TaubeTlsTrust) trust = taube_tls_trust_new ();
  g_autoptr(TaubeConnection) connection = NULL;
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GAsyncResult) logged_in = NULL;
  g_autoptr(GError) error = NULL;
  TaubeImapClient *client;
  const char *port = env (opt_plain ? "TAUBE_RIG_IMAP_PORT" : "TAUBE_RIG_IMAPS_PORT");

  if (!taube_tls_trust_add_ca_file (trust, env ("TAUBE_RIG_CA"), &error))
    g_error ("%s", error->message);
  /* A cold fetch of 100,000 messages keeps Dovecot busy: generous read timeout. */
  connection = taube_connection_new (env ("TAUBE_RIG_HOST"),
                                     (guint16) g_ascii_strtoull (port, NULL, 10),
                                     opt_plain ? TAUBE_SECURITY_NONE : TAUBE_SECURITY_TLS,
                                     trust, "taube-imap", 10000, 600000);
  client = taube_imap_client_new (connection);
  taube_imap_client_set_allow_plaintext (client, opt_plain);
  taube_imap_client_connect_async (client, NULL, store_result_cb, &connected);
  if (!taube_imap_client_connect_finish (client, wait_for (&connected), &error))
    g_error ("connect: %s", error->message);
  taube_imap_client_login_async (client, env ("TAUBE_RIG_USER"), env ("TAUBE_RIG_PASSWORD"),
                                 NULL, store_result_cb, &logged_in);
  if (!taube_imap_client_login_finish (client, wait_for (&logged_in), &error))
    g_error ("login: %s", error->message);
  return client;
}

/* CPU seconds this process used so far: the client's share of the work. */
static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static double
fetch_all (TaubeImapClient *client,
           guint64          expected,
           int              run)
{
  static const char *const fields[] = {
    "From", "To", "Subject", "Date", "Message-ID", "References", "In-Reply-To", NULL,
  };
  TaubeImapFetchRequest request = {
    .uids = "1:*",
    .items = TAUBE_IMAP_FETCH_FLAGS | TAUBE_IMAP_FETCH_ENVELOPE
             | TAUBE_IMAP_FETCH_BODYSTRUCTURE,
    .header_fields = fields,
  };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Tally tally = { .ordered = TRUE };
  gint64 began = g_get_monotonic_time ();
  double cpu_began = cpu_seconds ();
  double seconds, cpu;

  taube_imap_client_fetch_async (client, &request, message_cb, NULL, &tally, NULL,
                                 store_result_cb, &result);
  if (!taube_imap_client_fetch_finish (client, wait_for (&result), NULL, &error))
    g_error ("fetch: %s", error->message);
  seconds = (g_get_monotonic_time () - began) / 1e6;
  cpu = cpu_seconds () - cpu_began;
  if (tally.messages != expected || !tally.ordered)
    g_error ("run %d got %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " messages%s", run,
             tally.messages, expected, tally.ordered ? "" : ", or one incomplete");
  g_print ("run %d (%s): %" G_GUINT64_FORMAT " messages in %.2f s = %.0f messages/s; "
           "client CPU %.2f s = %.1f us/message (%.1f MB of header fields, %" G_GUINT64_FORMAT
           " body parts, %" G_GUINT64_FORMAT " seen)\n", run, run == 1 ? "cold" : "warm",
           tally.messages, seconds, tally.messages / seconds, cpu, cpu * 1e6 / tally.messages,
           tally.header_bytes / 1e6, tally.parts, tally.seen);
  return tally.messages / seconds;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— fetch a big folder's list data");
  g_autoptr(TaubeImapClient) client = NULL;
  g_autoptr(GAsyncResult) selected = NULL;
  g_autoptr(GError) error = NULL;
  TaubeImapSelectInfo info = { 0 };
  struct rusage usage;
  double best = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (opt_folder == NULL)
    opt_folder = g_strdup ("Bench");

  client = log_in ();
  taube_imap_client_select_async (client, opt_folder, NULL, store_result_cb, &selected);
  if (!taube_imap_client_select_finish (client, wait_for (&selected), &info, &error))
    g_error ("select: %s", error->message);
  g_print ("%s: %" G_GUINT64_FORMAT " messages, %s\n", opt_folder, info.exists,
           opt_plain ? "plain IMAP" : "TLS");
  for (int run = 1; run <= opt_runs; run++)
    {
      double rate = fetch_all (client, info.exists, run);

      if (run > 1)
        best = MAX (best, rate);
    }
  getrusage (RUSAGE_SELF, &usage);
  g_print ("best warm rate: %.0f messages/s; peak RSS: %ld KiB\n", best, usage.ru_maxrss);
  return 0;
}
