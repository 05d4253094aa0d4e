/* test-parsed-message.c — reading index fields from messages, well-formed and broken
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "store-test-util.h"
#include "taube-parsed-message.h"

static TaubeParsedMessage *
parse (const char *text)
{
  g_autoptr(GBytes) raw = g_bytes_new (text, strlen (text));

  return taube_parsed_message_new (raw);
}

static void
assert_valid (const TaubeParsedMessage *parsed)
{
  const char *fields[] = { parsed->subject, parsed->from_name, parsed->recipients,
                           parsed->addresses, parsed->preview, parsed->body_text };

  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_assert_nonnull (fields[i]);
      g_assert_true (g_utf8_validate (fields[i], -1, NULL));
    }
  g_assert_nonnull (parsed->references);
  g_assert_cmpint (g_utf8_strlen (parsed->preview, -1), <=, TAUBE_PARSED_MESSAGE_PREVIEW_CHARS);
  g_assert_cmpuint (strlen (parsed->body_text), <=, TAUBE_PARSED_MESSAGE_MAX_TEXT);
}

static void
test_headers (void)
{
  g_autoptr(TaubeParsedMessage) parsed = parse (
    "From: \"Müller, Jürgen\" <juergen@example.test>\r\n"
    "To: Team: anna@example.test, \"Ben B.\" <ben@example.test>;, carl@example.test\r\n"
    "Cc: =?ISO-8859-1?Q?Dora_D=F6rr?= <dora@example.test>\r\n"
    "Bcc: secret@example.test\r\n"
    "Subject: =?UTF-8?B?w5xiZXIgZGllIMOEbmRlcnVuZw==?= und\r\n"
    " =?ISO-8859-1?Q?=DCbersicht?=\r\n"
    "Date: Fri, 05 Jan 2024 17:30:00 +0100\r\n"
    "Message-ID: <abc.123@example.test>\r\n"
    "\r\n"
    "Text.\r\n");

  assert_valid (parsed);
  g_assert_cmpstr (parsed->subject, ==, "Über die Änderung und Übersicht");
  g_assert_cmpstr (parsed->from_name, ==, "Müller, Jürgen");
  g_assert_cmpstr (parsed->from_address, ==, "juergen@example.test");
  g_assert_cmpstr (parsed->recipients, ==, "anna@example.test, Ben B., carl@example.test, Dora Dörr");
  g_assert_nonnull (strstr (parsed->addresses, "secret@example.test"));
  g_assert_nonnull (strstr (parsed->addresses, "Dora Dörr <dora@example.test>"));
  g_assert_cmpint (parsed->date, ==, 1704472200);
  g_assert_cmpstr (parsed->message_id, ==, "abc.123@example.test");
  g_assert_cmpstr (parsed->preview, ==, "Text.");
  g_assert_false (parsed->has_attachment);
}

static void
test_html_only (void)
{
  g_autoptr(TaubeParsedMessage) parsed = parse (
    "From: shop@example.test\r\n"
    "Subject: Angebot\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "\r\n"
    "<html><head><title>Ignore me</title><style>p { color: red }</style></head>\r\n"
    "<body><script>alert('no');</script><!-- hidden comment -->\r\n"
    "<p>Gr&uuml;&szlig;e &amp; <b>Rabatt</b>&nbsp;f&#252;r Sie &#x2013; heute</p>"
    "<p>a < b and c > d</p></body></html>\r\n");

  assert_valid (parsed);
  g_assert_cmpstr (parsed->preview, ==, "Grüße & Rabatt für Sie – heute a < b and c > d");
  g_assert_null (strstr (parsed->body_text, "Ignore"));
  g_assert_null (strstr (parsed->body_text, "alert"));
  g_assert_null (strstr (parsed->body_text, "hidden"));
}

static void
test_preview_skips_quotes_and_signature (void)
{
  g_autoptr(TaubeParsedMessage) parsed = parse (
    "From: bob@example.test\r\n"
    "Subject: Re: Plan\r\n"
    "\r\n"
    "On Monday, Alice wrote:\r\n"
    "> Shall we meet?\r\n"
    ">> Earlier quote\r\n"
    "\r\n"
    "Yes,   Thursday\tworks.\r\n"
    "\r\n"
    "-- \r\n"
    "Bob, Example Inc.\r\n");

  g_assert_cmpstr (parsed->preview, ==, "Yes, Thursday works.");
  /* Search still has all of it. */
  g_assert_nonnull (strstr (parsed->body_text, "Shall we meet?"));
}

static void
test_preview_length (void)
{
  g_autofree char *long_text = g_strnfill (5000, 'w');
  g_autofree char *message = g_strdup_printf ("Subject: long\r\n\r\nÄ%s\r\n", long_text);
  g_autoptr(TaubeParsedMessage) parsed = parse (message);

  assert_valid (parsed);
  g_assert_cmpint (g_utf8_strlen (parsed->preview, -1), ==, TAUBE_PARSED_MESSAGE_PREVIEW_CHARS);
  g_assert_true (g_str_has_prefix (parsed->preview, "Äwww"));
}

#define MULTIPART(type, parts) \
  "From: a@example.test\r\nSubject: parts\r\nMIME-Version: 1.0\r\n" \
  "Content-Type: multipart/" type "; boundary=XX\r\n\r\n" parts "--XX--\r\n"
#define TEXT_PART(text) "--XX\r\nContent-Type: text/plain\r\n\r\n" text "\r\n"

static void
test_attachments (void)
{
  static const struct
  {
    const char *message;
    gboolean has_attachment;
  } cases[] = {
    { MULTIPART ("mixed", TEXT_PART ("see the file")
                 "--XX\r\nContent-Type: application/pdf\r\n"
                 "Content-Disposition: attachment; filename=a.pdf\r\n\r\nJVBERi0=\r\n"),
      TRUE },
    { MULTIPART ("related", "--XX\r\nContent-Type: text/html\r\n\r\n"
                 "<p>see the picture</p><img src=cid:x>\r\n"
                 "--XX\r\nContent-Type: image/png\r\nContent-ID: <x>\r\n\r\niVBO\r\n"),
      FALSE },
    { MULTIPART ("signed", TEXT_PART ("signed text")
                 "--XX\r\nContent-Type: application/pgp-signature\r\n\r\n-----BEGIN-----\r\n"),
      FALSE },
    { MULTIPART ("mixed", TEXT_PART ("forwarded")
                 "--XX\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nhi\r\n"),
      TRUE },
    { MULTIPART ("alternative", TEXT_PART ("plain") "--XX\r\nContent-Type: text/html\r\n\r\n"
                 "<p>html</p>\r\n"),
      FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TaubeParsedMessage) parsed = parse (cases[i].message);

      assert_valid (parsed);
      g_assert_cmpint (parsed->has_attachment, ==, cases[i].has_attachment);
      g_assert_cmpstr (parsed->preview, !=, "");
    }
}

static void
test_references (void)
{
  g_autoptr(TaubeParsedMessage) parsed = parse (
    "Message-ID: <self@x>\r\n"
    "In-Reply-To: <parent@x> (the parent)\r\n"
    "References: <root@x>\r\n <middle@x> <root@x> <self@x> not-an-id\r\n"
    "\r\n");
  static const char *const expected[] = { "root@x", "middle@x", "parent@x", NULL };

  assert_valid (parsed);
  g_assert_cmpstr (parsed->in_reply_to, ==, "parent@x");
  g_assert_cmpstrv (parsed->references, expected);
}

/* A References header of 1000 ids keeps the root and the latest ones. */
static void
test_references_capped (void)
{
  g_autoptr(GString) message = g_string_new ("References:");
  g_autoptr(TaubeParsedMessage) parsed = NULL;

  for (int i = 0; i < 1000; i++)
    g_string_append_printf (message, " <id%d@x>", i);
  g_string_append (message, "\r\n\r\n");
  parsed = parse (message->str);

  g_assert_cmpuint (g_strv_length (parsed->references), ==, 100);
  g_assert_cmpstr (parsed->references[0], ==, "id0@x");
  g_assert_cmpstr (parsed->references[1], ==, "id901@x");
  g_assert_cmpstr (parsed->references[99], ==, "id999@x");
}

static void
test_garbage (void)
{
  static const char *const inputs[] = {
    "",
    "\r\n\r\n",
    "no header at all, just text",
    "Subject: only a header",
    "Subject: =?UTF-8?B?!!!!?=\r\nFrom: <<<@@@>>>\r\nDate: yesterday\r\n\r\nx",
    "Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\n--\r\n",
    "Content-Type: multipart/mixed\r\n\r\nno boundary parameter\r\n",
    "Content-Type: text/plain; charset=no-such-charset\r\n\r\n\xe4\xf6\xfc\r\n",
    "Subject: \xff\xfe\xfd raw bytes\r\nFrom: \xc3\r\n\r\n\xff",
    "Message-ID: <a b c>\r\nReferences: <<<>>> <>\r\n\r\n",
  };
  GRand *rand = g_rand_new_with_seed (42);

  for (gsize i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(TaubeParsedMessage) parsed = parse (inputs[i]);

      assert_valid (parsed);
    }
  for (int round = 0; round < 20; round++)
    {
      gsize size = g_rand_int_range (rand, 1, 64 * 1024);
      guint8 *noise = g_malloc (size);
      g_autoptr(GBytes) raw = NULL;
      g_autoptr(TaubeParsedMessage) parsed = NULL;

      for (gsize i = 0; i < size; i++)
        noise[i] = g_rand_int (rand);
      raw = g_bytes_new_take (noise, size);
      parsed = taube_parsed_message_new (raw);
      assert_valid (parsed);
    }
  g_rand_free (rand);
}

/* Thousands of nested multiparts must not exhaust the stack. */
static void
test_deep_nesting (void)
{
  g_autoptr(GString) message = g_string_new ("Subject: deep\r\n");
  g_autoptr(TaubeParsedMessage) parsed = NULL;
  const int depth = 3000;

  for (int i = 0; i < depth; i++)
    g_string_append_printf (message, "Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n",
                            i, i);
  g_string_append (message, "Content-Type: text/plain\r\n\r\ninnermost\r\n");
  for (int i = depth - 1; i >= 0; i--)
    g_string_append_printf (message, "--b%d--\r\n", i);
  parsed = parse (message->str);

  assert_valid (parsed);
  g_assert_cmpstr (parsed->subject, ==, "deep");
}

/* --- The corpus: /work/shared/corpus, as ../shared/corpus next to the source tree --- */

static char *
corpus_dir (void)
{
  const char *source = g_getenv ("TAUBE_SOURCE_DIR");

  g_assert_nonnull (source);
  return g_build_filename (source, "..", "shared", "corpus", NULL);
}

/* Returns: (transfer full): the corpus files from MANIFEST.tsv, relative to the corpus */
static GStrv
corpus_files (void)
{
  g_autofree char *dir = corpus_dir ();
  g_autofree char *manifest = g_build_filename (dir, "MANIFEST.tsv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) files = g_strv_builder_new ();
  g_auto(GStrv) lines = NULL;

  g_file_get_contents (manifest, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  /* The first line names the columns. */
  for (gsize i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) columns = g_strsplit (lines[i], "\t", 2);

      if (columns[0] != NULL && *columns[0] != '\0')
        g_strv_builder_add (files, columns[0]);
    }
  return g_strv_builder_end (files);
}

static GBytes *
read_corpus_file (const char *name)
{
  g_autofree char *dir = corpus_dir ();
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (g_steal_pointer (&contents), length);
}

static void
test_corpus_parses (void)
{
  g_auto(GStrv) files = corpus_files ();

  g_assert_cmpuint (g_strv_length (files), >=, 270);
  for (gsize i = 0; files[i] != NULL; i++)
    {
      g_autoptr(GBytes) raw = read_corpus_file (files[i]);
      g_autoptr(TaubeParsedMessage) parsed = taube_parsed_message_new (raw);

      g_test_message ("%s: \"%s\"", files[i], parsed->subject);
      assert_valid (parsed);
    }
}

/* Subjects and senders checked by hand against the files' headers. */
typedef struct
{
  const char *file;
  const char *subject;
  const char *from_address;
  gboolean has_attachment;
} Expected;

static const Expected expected_corpus[] = {
  { "ruby-mail/rfc2822/example01.eml", "Saying Hello", "jdoe@machine.example", FALSE },
  { "mime4j/mimetools-testmsgs/german-qp.msg", "Testnachricht", "joern@zyn.de", FALSE },
  { "ruby-mail/attachment_emails/attachment_with_quoted_filename.eml", "Eelanalüüsi päring",
    "jeff@37signals.com", TRUE },
  { "mimekit/messages/japanese.txt", "日本語メールテスト (testing Japanese emails)", "x@x.com",
    FALSE },
  { "ruby-mail/multi_charset/japanese_iso_2022.eml", "まみむめも", "raasdnil@gmail.com", FALSE },
  { "ruby-mail/rfc6532/utf8_headers.eml", "Säying Hello", "jdöe@mächine.example", FALSE },
  { "ruby-mail/plain_emails/raw_email_with_partially_quoted_subject.eml",
    "Re: Test: \"漢字\" mid \"漢字\" tail", "jamis@37signals.com", FALSE },
  { "ruby-mail/error_emails/invalid_subject_characters.eml",
    "Formação FrenetikPolis: Mega Campanha Final Verão | Cursos de Setembro",
    "info@formacaofrenetik.info", FALSE },
  { "ruby-mail/attachment_emails/attachment_pdf.eml", "Another PDF with 🎉 Unicode chars in it 🍿",
    "xxxx@xxxx.com", TRUE },
  { "mimekit/messages/stack-overflow.txt", "Message Subject", "test@test.com", FALSE },
  { "thunderbird/mailnews/test/data/11-plaintext-greek.eml", "11 plaintext - Greek - ISO-8859-7",
    "test@example.com", FALSE },
  { "mimekit/smime/thunderbird-signed.txt", "This is a test of signing with S/MIME",
    "fejj@gnome.org", TRUE },
};

static const Expected *
lookup_expected (const char *file)
{
  for (gsize i = 0; i < G_N_ELEMENTS (expected_corpus); i++)
    if (g_str_equal (expected_corpus[i].file, file))
      return &expected_corpus[i];
  return NULL;
}

static GArray *
search_ids (TaubeStore *store,
            const char *query)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  GArray *ids;

  taube_store_search_async (store, query, 0, 0, NULL, store_test_result_cb, &slot);
  result = store_test_wait (&slot);
  ids = taube_store_search_finish (store, result, &error);
  g_assert_no_error (error);
  return ids;
}

static gboolean
found_file (TaubeStore *store,
            const char *query,
            GStrv       files,
            const char *file)
{
  g_autoptr(GArray) ids = search_ids (store, query);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(TaubeMessage) message = taube_store_get_message (store, g_array_index (ids, gint64, i),
                                                                 NULL);

      if (g_str_equal (files[taube_message_get_uid (message) - 1], file))
        return TRUE;
    }
  return FALSE;
}

/* All of the corpus goes into one store in one batch; then the sample is checked through the
 * store and the search finds what Thunderbird's own tests expect to be found. */
static void
test_corpus_indexes (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_auto(GStrv) files = corpus_files ();
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) taube_new_message_free);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  guint checked = 0;

  for (gsize i = 0; files[i] != NULL; i++)
    {
      g_autoptr(GBytes) raw = read_corpus_file (files[i]);
      TaubeNewMessage *message = taube_new_message_new (raw);

      message->uid = i + 1;
      g_ptr_array_add (batch, message);
    }
  taube_store_add_messages_async (fixture->store, fixture->folder_id, batch, NULL,
                                  store_test_result_cb, &slot);
  result = store_test_wait (&slot);
  ids = taube_store_add_messages_finish (fixture->store, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, g_strv_length (files));

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(TaubeMessage) message = taube_store_get_message (fixture->store,
                                                                 g_array_index (ids, gint64, i),
                                                                 NULL);
      const Expected *expected = lookup_expected (files[i]);

      if (expected == NULL)
        continue;
      g_test_message ("checking %s", files[i]);
      g_assert_cmpstr (taube_message_get_subject (message), ==, expected->subject);
      g_assert_cmpstr (taube_message_get_from_address (message), ==, expected->from_address);
      g_assert_cmpint (taube_message_get_has_attachment (message), ==, expected->has_attachment);
      checked++;
    }
  g_assert_cmpuint (checked, ==, G_N_ELEMENTS (expected_corpus));

  g_assert_true (found_file (fixture->store, "Καλησπέρα", files,
                             "thunderbird/mailnews/test/data/11-plaintext-greek.eml"));
  g_assert_true (found_file (fixture->store, "ShouldFindThisAgain", files,
                             "thunderbird/mailnews/test/data/HTML-with-split-tag1.eml"));
  g_assert_false (found_file (fixture->store, "ShouldntFindHref", files,
                              "thunderbird/mailnews/test/data/HTML-with-split-tag1.eml"));
  g_assert_true (found_file (fixture->store, "qptrailinghtml", files,
                             "thunderbird/mailnews/test/data/qp-trailing-equals-html.eml"));
  g_assert_true (found_file (fixture->store, "Münster", files,
                             "thunderbird/mailnews/test/data/html-entities-and-styles.eml"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/parsed/headers", test_headers);
  g_test_add_func ("/store/parsed/html-only", test_html_only);
  g_test_add_func ("/store/parsed/preview-skips-quotes-and-signature",
                   test_preview_skips_quotes_and_signature);
  g_test_add_func ("/store/parsed/preview-length", test_preview_length);
  g_test_add_func ("/store/parsed/attachments", test_attachments);
  g_test_add_func ("/store/parsed/references", test_references);
  g_test_add_func ("/store/parsed/references-capped", test_references_capped);
  g_test_add_func ("/store/parsed/garbage", test_garbage);
  g_test_add_func ("/store/parsed/deep-nesting", test_deep_nesting);
  g_test_add_func ("/store/corpus/parses", test_corpus_parses);
  g_test_add ("/store/corpus/indexes", StoreFixture, NULL, store_fixture_set_up,
              test_corpus_indexes, store_fixture_tear_down);

  return g_test_run ();
}
