/* imap-fill-maildir.c — fills a Dovecot Maildir folder with N messages shaped like real mail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For the IMAP fetch benchmark (bench/run-imap-fetch). The messages are written straight
 * into the rig user's Maildir as files: 100,000 messages through LMTP or APPEND would take
 * minutes of protocol round trips and Dovecot's delivery work, none of which the benchmark
 * measures; Dovecot picks the files up on the next SELECT like mail another program
 * delivered. Each file name carries S= and W= (RFC 822 and CRLF sizes) as Dovecot's own
 * deliveries do, and a flags suffix, so some messages are seen, answered or flagged.
 *
 * The shapes, by share: 55 % text/plain, 25 % multipart/alternative (text and HTML),
 * 12 % multipart/mixed with one or two attachments, 8 % multipart/mixed around an
 * alternative with an inline image. 40 % are replies in threads (In-Reply-To, References up
 * to 12 deep), some subjects and names need RFC 2047, a fifth come from mailing lists.
 * Body sizes are skewed like real mail (most a few KB, attachments 8 KB-400 KB). MIME is
 * built with GMime. The generator is seeded, so runs compare.
 */
#define G_LOG_DOMAIN "taube-bench"

#include <errno.h>
#include <gmime/gmime.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* GMime 3.2 declares no autoptr cleanups. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InternetAddress, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeDataWrapper, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeFormatOptions, g_mime_format_options_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeObject, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimePart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)

static int opt_messages = 10000;
static char *opt_maildir = NULL;
static char *opt_folder = NULL;
static int opt_seed = 20240101;

static const GOptionEntry entries[] = {
  { "messages", 'n', 0, G_OPTION_ARG_INT, &opt_messages, "Messages to write (10000)", "N" },
  { "maildir", 'm', 0, G_OPTION_ARG_FILENAME, &opt_maildir,
    "The user's Maildir (default: $TAUBE_RIG_MAIL_DIR/example.test/alice/Maildir)", "DIR" },
  { "folder", 'f', 0, G_OPTION_ARG_STRING, &opt_folder, "Folder name (Bench)", "NAME" },
  { "seed", 's', 0, G_OPTION_ARG_INT, &opt_seed, "Random seed", "N" },
  { NULL }
};

static const char *const first_names[] = {
  "Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hans", "Ida", "Jonas", "Katrin",
  "Lukas", "Marie", "Noah", "Olga", "Paul", "Jürgen", "Rosa", "Stefan", "Tina", "Uwe", "Vera",
  "Walter", "Xenia", "Yusuf", "Zoë", "Björn", "Sören", "Chloé", "Amélie",
};
static const char *const last_names[] = {
  "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
  "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Krüger",
  "Smith", "Jones", "Taylor", "Brown", "Martin", "Dubois", "Rossi", "Nowak", "Jansen",
};
static const char *const domains[] = {
  "example.com", "example.org", "example.net", "mail.example.de", "uni-example.edu",
  "firma.example", "verein.example", "lists.example.org",
};
static const char *const words[] = {
  "Projekt", "meeting", "Termin", "budget", "Bericht", "report", "status", "Rechnung",
  "Angebot", "team", "release", "Planung", "Kunde", "update", "Frage", "question", "draft",
  "Entwurf", "Woche", "next", "Montag", "Freitag", "results", "Ergebnis", "Daten", "server",
  "Änderung", "Übersicht", "review", "Feedback", "Urlaub", "holiday", "Einladung", "agenda",
  "Protokoll", "minutes", "contract", "Vertrag", "Lieferung", "invoice", "Straße", "Größe",
  "the", "und", "der", "die", "das", "and", "to", "of", "mit", "for", "ist", "is", "wir",
};
static const char *const lists[] = {
  "<dev.lists.example.org>", "<users.verein.example>", "<announce.example.net>",
};

static GRand *rng;

static const char *
pick (const char *const *array,
      gsize              n)
{
  return array[g_rand_int_range (rng, 0, (gint32) n)];
}

#define PICK(array) pick (array, G_N_ELEMENTS (array))

/* Log-normal sizes: most mail is small, a few messages are large. */
static gsize
skewed_size (double median,
             double sigma,
             gsize  min,
             gsize  max)
{
  double u1 = g_rand_double_range (rng, 1e-9, 1.0);
  double u2 = g_rand_double (rng);
  double normal = sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
  double size = median * exp (sigma * normal);

  return CLAMP ((gsize) size, min, max);
}

static char *
sentence_text (gsize size)
{
  GString *text = g_string_sized_new (size + 100);
  guint column = 0;

  while (text->len < size)
    {
      const char *word = PICK (words);

      if (column + strlen (word) > 72)
        {
          g_string_append_c (text, '\n');
          column = 0;
        }
      else if (column > 0)
        {
          g_string_append_c (text, ' ');
          column++;
        }
      g_string_append (text, word);
      column += (guint) strlen (word);
    }
  g_string_append_c (text, '\n');
  return g_string_free (text, FALSE);
}

static void
add_person (InternetAddressList *list,
            guint                index)
{
  g_autofree char *name = g_strdup_printf ("%s %s", first_names[index % G_N_ELEMENTS (first_names)],
                                           last_names[(index / 7) % G_N_ELEMENTS (last_names)]);
  g_autofree char *address = g_strdup_printf ("user%u@%s", index,
                                              domains[index % G_N_ELEMENTS (domains)]);

  g_autoptr(InternetAddress) mailbox = internet_address_mailbox_new (name, address);

  internet_address_list_add (list, mailbox);
}

static GMimeTextPart *
text_part (const char *subtype,
           const char *text)
{
  GMimeTextPart *part = g_mime_text_part_new_with_subtype (subtype);

  g_mime_text_part_set_text (part, text);
  return part;
}

static GMimeTextPart *
html_part (const char *plain)
{
  g_autoptr(GString) html = g_string_new ("<html><body><p>");
  g_auto(GStrv) lines = g_strsplit (plain, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    g_string_append_printf (html, "%s<br>\n", lines[i]);
  g_string_append (html, "</p></body></html>\n");
  return text_part ("html", html->str);
}

static GMimePart *
attachment (const char *type,
            const char *subtype,
            const char *filename,
            gsize       size,
            gboolean    inline_image)
{
  GMimePart *part = g_mime_part_new_with_type (type, subtype);
  g_autoptr(GByteArray) bytes = g_byte_array_sized_new ((guint) size);
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeDataWrapper) content = NULL;

  g_byte_array_set_size (bytes, (guint) size);
  for (gsize i = 0; i + 4 <= size; i += 4)
    {
      guint32 r = g_rand_int (rng);

      memcpy (bytes->data + i, &r, 4);
    }
  stream = g_mime_stream_mem_new_with_byte_array (g_steal_pointer (&bytes));
  content = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);
  g_mime_part_set_content (part, content);
  g_mime_part_set_content_encoding (part, GMIME_CONTENT_ENCODING_BASE64);
  g_mime_part_set_filename (part, filename);
  if (inline_image)
    {
      g_autofree char *cid = g_strdup_printf ("img%u@bench.example", g_rand_int (rng));

      g_mime_object_set_disposition (GMIME_OBJECT (part), GMIME_DISPOSITION_INLINE);
      g_mime_part_set_content_id (part, cid);
    }
  return part;
}

static GMimeObject *
make_body (guint shape,
           gsize text_size)
{
  g_autofree char *plain = sentence_text (text_size);
  GMimeMultipart *mixed;
  GMimeMultipart *alternative;

  if (shape < 55)
    return GMIME_OBJECT (text_part ("plain", plain));
  alternative = g_mime_multipart_new_with_subtype ("alternative");
  g_mime_multipart_add (alternative, GMIME_OBJECT (text_part ("plain", plain)));
  g_mime_multipart_add (alternative, GMIME_OBJECT (html_part (plain)));
  if (shape < 80)
    return GMIME_OBJECT (alternative);
  mixed = g_mime_multipart_new_with_subtype ("mixed");
  if (shape < 92)
    {
      guint n = g_rand_int_range (rng, 1, 3);

      g_mime_multipart_add (mixed, GMIME_OBJECT (text_part ("plain", plain)));
      g_object_unref (alternative);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(GMimePart) file = attachment ("application", i == 0 ? "pdf" : "zip",
                                                  i == 0 ? "Bericht März.pdf" : "daten.zip",
                                                  skewed_size (40000, 1.0, 8000, 400000), FALSE);

          g_mime_multipart_add (mixed, GMIME_OBJECT (file));
        }
      return GMIME_OBJECT (mixed);
    }
  {
    g_autoptr(GMimePart) image = attachment ("image", "png", "logo.png",
                                             skewed_size (12000, 0.6, 2000, 80000), TRUE);

    g_mime_multipart_add (mixed, GMIME_OBJECT (alternative));
    g_object_unref (alternative);
    g_mime_multipart_add (mixed, GMIME_OBJECT (image));
  }
  return GMIME_OBJECT (mixed);
}

typedef struct
{
  GPtrArray *recent_ids;     /* message ids of thread roots and replies, for replying to */
  GHashTable *references;    /* id -> References of that message */
} Threads;

static char *
subject_words (void)
{
  guint n = g_rand_int_range (rng, 2, 8);
  g_autoptr(GString) subject = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (subject, "%s%s", i > 0 ? " " : "", PICK (words));
  return g_string_free (g_steal_pointer (&subject), FALSE);
}

static void
set_headers (GMimeMessage *message,
             guint         index,
             Threads      *threads,
             GDateTime    *date)
{
  g_autofree char *id = g_strdup_printf ("%u.%08x@bench.example", index, g_rand_int (rng));
  g_autofree char *subject = NULL;
  guint sender = g_rand_int_range (rng, 0, 2000);
  guint n_to = g_rand_int_range (rng, 0, 10) < 7 ? 1 : g_rand_int_range (rng, 2, 6);
  InternetAddressList *to;

  add_person (g_mime_message_get_from (message), sender);
  to = g_mime_message_get_addresses (message, GMIME_ADDRESS_TYPE_TO);
  g_mime_message_add_mailbox (message, GMIME_ADDRESS_TYPE_TO, "Alice", "alice@example.test");
  for (guint i = 1; i < n_to; i++)
    add_person (to, g_rand_int_range (rng, 0, 2000));
  if (g_rand_int_range (rng, 0, 4) == 0)
    add_person (g_mime_message_get_addresses (message, GMIME_ADDRESS_TYPE_CC),
                g_rand_int_range (rng, 0, 2000));

  if (threads->recent_ids->len > 0 && g_rand_int_range (rng, 0, 10) < 4)
    {
      const char *parent = g_ptr_array_index (threads->recent_ids,
                                              g_rand_int_range (rng, 0,
                                                                (gint32) threads->recent_ids->len));
      const char *parent_refs = g_hash_table_lookup (threads->references, parent);
      g_auto(GStrv) chain = g_strsplit (parent_refs != NULL ? parent_refs : "", " ", -1);
      g_autoptr(GString) refs = g_string_new (NULL);
      g_autofree char *in_reply_to = g_strdup_printf ("<%s>", parent);
      guint n = g_strv_length (chain);

      /* Keep the root and the last few, as mail clients do. */
      for (guint i = 0; i < n; i++)
        if (chain[i][0] != '\0' && (i == 0 || n - i < 11))
          g_string_append_printf (refs, "%s ", chain[i]);
      g_string_append_printf (refs, "<%s>", parent);
      g_mime_object_set_header (GMIME_OBJECT (message), "In-Reply-To", in_reply_to, NULL);
      g_mime_object_set_header (GMIME_OBJECT (message), "References", refs->str, NULL);
      g_hash_table_insert (threads->references, g_strdup (id), g_strdup (refs->str));
      subject = g_strdup_printf ("Re: %s", "Projekt Übersicht und Termine");
    }
  else
    subject = subject_words ();
  g_ptr_array_add (threads->recent_ids, g_strdup (id));
  if (threads->recent_ids->len > 500)
    {
      char *old = g_ptr_array_steal_index (threads->recent_ids, 0);

      g_hash_table_remove (threads->references, old);
      g_free (old);
    }

  g_mime_message_set_subject (message, subject, "utf-8");
  g_mime_message_set_date (message, date);
  g_mime_message_set_message_id (message, id);
  g_mime_object_set_header (GMIME_OBJECT (message), "MIME-Version", "1.0", NULL);
  if (g_rand_int_range (rng, 0, 5) == 0)
    g_mime_object_set_header (GMIME_OBJECT (message), "List-Id", PICK (lists), NULL);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *received = g_strdup_printf (
        "from mx%u.%s (mx%u.%s [192.0.2.%u]) by mail.example.test with ESMTPS id %08X for "
        "<alice@example.test>; %s", i, PICK (domains), i, PICK (domains),
        g_rand_int_range (rng, 1, 255), g_rand_int (rng), "Mon, 1 Jan 2024 10:00:00 +0000");

      g_mime_object_prepend_header (GMIME_OBJECT (message), "Received", received, NULL);
    }
}

static gboolean
write_message (const char   *cur,
               guint         index,
               GMimeMessage *message,
               uid_t         uid,
               gid_t         gid,
               GError      **error)
{
  static const char *const flag_sets[] = { "", "S", "S", "S", "RS", "FS", "S", "" };
  g_autoptr(GMimeStream) stream = g_mime_stream_mem_new ();
  g_autoptr(GMimeFormatOptions) options = g_mime_format_options_new ();
  GByteArray *bytes;
  gsize lines = 0;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  /* Maildir files use LF; IMAP sizes count CRLF (W=). */
  g_mime_format_options_set_newline_format (options, GMIME_NEWLINE_FORMAT_UNIX);
  g_mime_object_write_to_stream (GMIME_OBJECT (message), options, stream);
  bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  for (guint i = 0; i < bytes->len; i++)
    lines += bytes->data[i] == '\n';
  name = g_strdup_printf ("%u.M%uP%u.bench,S=%u,W=%" G_GSIZE_FORMAT ":2,%s",
                          1700000000 + index, index, (guint) getpid (), bytes->len,
                          bytes->len + lines, flag_sets[index % G_N_ELEMENTS (flag_sets)]);
  path = g_build_filename (cur, name, NULL);
  /* Nothing to keep safe here: no temporary file, no fsync. */
  if (!g_file_set_contents_full (path, (const char *) bytes->data, bytes->len,
                                 G_FILE_SET_CONTENTS_NONE, 0600, error))
    return FALSE;
  if (chown (path, uid, gid) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "chown %s: %s", path,
                   g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

static gboolean
make_dir (const char  *path,
          uid_t        uid,
          gid_t        gid,
          GError     **error)
{
  if (g_mkdir_with_parents (path, 0700) != 0 || chown (path, uid, gid) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s", path,
                   g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— fill a Maildir for the IMAP bench");
  g_autoptr(GError) error = NULL;
  g_autofree char *folder_dir = NULL;
  g_autofree char *cur = NULL;
  g_autoptr(GDateTime) start = NULL;
  Threads threads;
  GStatBuf home;
  gint64 began;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (opt_maildir == NULL)
    {
      const char *root = g_getenv ("TAUBE_RIG_MAIL_DIR");

      if (root == NULL)
        g_error ("Give --maildir or run under tests/rig/taube-rig --with dovecot");
      opt_maildir = g_build_filename (root, "example.test", "alice", "Maildir", NULL);
    }
  if (opt_folder == NULL)
    opt_folder = g_strdup ("Bench");
  /* Files belong to whoever owns the user's home (vmail when the rig runs as root). */
  {
    g_autofree char *parent = g_path_get_dirname (opt_maildir);

    if (g_stat (parent, &home) != 0)
      g_error ("%s: %s", parent, g_strerror (errno));
  }
  g_mime_init ();
  rng = g_rand_new_with_seed ((guint32) opt_seed);
  folder_dir = g_strdup_printf ("%s/.%s", opt_maildir, opt_folder);
  cur = g_build_filename (folder_dir, "cur", NULL);
  for (guint i = 0; i < 3; i++)
    {
      static const char *const subdirs[] = { "cur", "new", "tmp" };
      g_autofree char *sub = g_build_filename (folder_dir, subdirs[i], NULL);
      g_autofree char *top = g_build_filename (opt_maildir, subdirs[i], NULL);

      if (!make_dir (sub, home.st_uid, home.st_gid, &error)
          || !make_dir (top, home.st_uid, home.st_gid, &error))
        g_error ("%s", error->message);
    }
  if (chown (opt_maildir, home.st_uid, home.st_gid) != 0
      || chown (folder_dir, home.st_uid, home.st_gid) != 0)
    g_error ("%s: %s", folder_dir, g_strerror (errno));

  threads.recent_ids = g_ptr_array_new_with_free_func (g_free);
  threads.references = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  start = g_date_time_new_utc (2019, 1, 1, 8, 0, 0);
  began = g_get_monotonic_time ();
  for (int i = 0; i < opt_messages; i++)
    {
      g_autoptr(GMimeMessage) message = g_mime_message_new (TRUE);
      g_autoptr(GDateTime) date = g_date_time_add_seconds (start, i * 1500.0
                                                           + g_rand_int_range (rng, 0, 1200));
      guint shape = g_rand_int_range (rng, 0, 100);
      g_autoptr(GMimeObject) body = make_body (shape, skewed_size (1500, 0.9, 80, 60000));

      set_headers (message, (guint) i, &threads, date);
      g_mime_message_set_mime_part (message, body);
      if (!write_message (cur, (guint) i, message, home.st_uid, home.st_gid, &error))
        g_error ("%s", error->message);
    }
  g_print ("wrote %d messages into %s in %.1f s\n", opt_messages, folder_dir,
           (g_get_monotonic_time () - began) / 1e6);
  g_ptr_array_unref (threads.recent_ids);
  g_hash_table_unref (threads.references);
  g_rand_free (rng);
  g_mime_shutdown ();
  return 0;
}
