/* test-imap-bodystructure.c — BODY and BODYSTRUCTURE values into part trees
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "taube-imap-bodystructure.h"
#include "taube-imap-error.h"

#include "imap-test-util.h"

static TaubeImapBodystructure *
parse_body (const char  *body_text,
            GError     **error)
{
  g_autofree char *line = g_strdup_printf ("* 1 FETCH (BODYSTRUCTURE %s)\r\n", body_text);
  g_autoptr(TaubeImapResponse) response = imap_test_parse_one (line);

  return taube_imap_bodystructure_new_from_value (
    taube_imap_response_get_fetch_item (response, "BODYSTRUCTURE"), error);
}

static TaubeImapBodystructure *
part (const TaubeImapBodystructure *body,
      guint                         index)
{
  g_assert_cmpuint (index, <, body->parts->len);
  return body->parts->pdata[index];
}

static void
assert_type (const TaubeImapBodystructure *body,
             const char                   *type,
             const char                   *subtype,
             const char                   *section)
{
  g_assert_cmpstr (body->type, ==, type);
  g_assert_cmpstr (body->subtype, ==, subtype);
  g_assert_cmpstr (body->section, ==, section);
}

/* RFC 9051 §7.5.2's non-extensible BODY example: a single text part is part 1. */
static void
test_rfc9051_text (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeImapBodystructure) body = parse_body (
    "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92)", &error);

  g_assert_no_error (error);
  assert_type (body, "text", "plain", "1");
  g_assert_cmpstr (taube_imap_bodystructure_get_param (body, "charset"), ==, "US-ASCII");
  g_assert_null (taube_imap_bodystructure_get_param (body, "format"));
  g_assert_null (body->id);
  g_assert_null (body->description);
  g_assert_cmpstr (body->encoding, ==, "7bit");
  g_assert_cmpuint (body->size, ==, 3028);
  g_assert_cmpuint (body->lines, ==, 92);
  g_assert_cmpuint (body->parts->len, ==, 0);
  g_assert_false (taube_imap_bodystructure_is_multipart (body));
  g_assert_null (body->md5);
  g_assert_null (body->disposition);
}

/* A typical mail: multipart/mixed of multipart/alternative and a PDF, with extension
 * data as Dovecot sends it. */
static void
test_nested_multipart (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeImapBodystructure) body = parse_body (
    "(((\"text\" \"plain\" (\"charset\" \"utf-8\" \"format\" \"flowed\") NIL NIL "
    "\"quoted-printable\" 1234 40 NIL NIL NIL NIL)"
    "(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"base64\" 5678 73 NIL NIL NIL NIL) "
    "\"alternative\" (\"boundary\" \"b2\") NIL NIL NIL)"
    "(\"application\" \"pdf\" (\"name\" \"report.pdf\") \"<id1@example.org>\" \"The report\" "
    "\"BASE64\" 40000 \"md5sum\" (\"attachment\" (\"filename\" \"report.pdf\" \"size\" \"29000\")) "
    "(\"de\" \"en\") \"http://example.org/report.pdf\" (\"future\" 1)) "
    "\"mixed\" (\"boundary\" \"b1\") (\"inline\" NIL) \"fr\" NIL)", &error);
  const TaubeImapBodystructure *alternative;
  const TaubeImapBodystructure *pdf;

  g_assert_no_error (error);
  assert_type (body, "multipart", "mixed", "");
  g_assert_true (taube_imap_bodystructure_is_multipart (body));
  g_assert_cmpstr (taube_imap_bodystructure_get_param (body, "BOUNDARY"), ==, "b1");
  g_assert_cmpstr (body->disposition, ==, "inline");
  g_assert_null (body->disposition_params);
  g_assert_cmpstr (body->languages[0], ==, "fr");
  g_assert_null (body->languages[1]);
  g_assert_cmpuint (body->parts->len, ==, 2);

  alternative = part (body, 0);
  assert_type (alternative, "multipart", "alternative", "1");
  assert_type (part (alternative, 0), "text", "plain", "1.1");
  assert_type (part (alternative, 1), "text", "html", "1.2");
  g_assert_cmpstr (taube_imap_bodystructure_get_param (part (alternative, 0), "format"), ==,
                   "flowed");
  g_assert_cmpstr (part (alternative, 0)->encoding, ==, "quoted-printable");
  g_assert_cmpuint (part (alternative, 1)->lines, ==, 73);

  pdf = part (body, 1);
  assert_type (pdf, "application", "pdf", "2");
  g_assert_cmpstr (pdf->id, ==, "<id1@example.org>");
  g_assert_cmpstr (pdf->description, ==, "The report");
  g_assert_cmpstr (pdf->encoding, ==, "base64");
  g_assert_cmpuint (pdf->size, ==, 40000);
  g_assert_cmpuint (pdf->lines, ==, 0);
  g_assert_cmpstr (pdf->md5, ==, "md5sum");
  g_assert_cmpstr (pdf->disposition, ==, "attachment");
  g_assert_cmpstr (taube_imap_bodystructure_get_disposition_param (pdf, "Filename"), ==,
                   "report.pdf");
  g_assert_cmpstr (taube_imap_bodystructure_get_disposition_param (pdf, "size"), ==, "29000");
  g_assert_cmpstr (pdf->languages[0], ==, "de");
  g_assert_cmpstr (pdf->languages[1], ==, "en");
  g_assert_cmpstr (pdf->location, ==, "http://example.org/report.pdf");

  g_assert_true (taube_imap_bodystructure_find_section (body, "1.2") == part (alternative, 1));
  g_assert_true (taube_imap_bodystructure_find_section (body, "2") == pdf);
  g_assert_null (taube_imap_bodystructure_find_section (body, "3"));
}

/* RFC 9051 §6.4.5's numbering: a forwarded message (part 2) whose body is multipart
 * has parts 2.1 and 2.2; one whose body is a single part has part N.1. */
static void
test_message_rfc822 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeImapBodystructure) body = parse_body (
    "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 10 1)"
    "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 900 "
    "(\"Mon, 1 Jan 2024 10:00:00 +0000\" \"Inner\" ((\"A\" NIL \"a\" \"example.org\")) NIL NIL "
    "NIL NIL NIL NIL \"<inner@example.org>\") "
    "((\"text\" \"plain\" NIL NIL NIL \"7bit\" 20 2)(\"image\" \"png\" NIL NIL NIL \"base64\" 600) "
    "\"mixed\") 30)"
    "(\"MESSAGE\" \"GLOBAL\" NIL NIL NIL \"8bit\" 50 "
    "(NIL \"Short\" NIL NIL NIL NIL NIL NIL NIL NIL) "
    "(\"text\" \"plain\" NIL NIL NIL \"8bit\" 5 1) 4) \"mixed\")", &error);
  const TaubeImapBodystructure *forwarded;
  const TaubeImapBodystructure *global;

  g_assert_no_error (error);
  assert_type (part (body, 0), "text", "plain", "1");

  forwarded = part (body, 1);
  assert_type (forwarded, "message", "rfc822", "2");
  g_assert_cmpuint (forwarded->size, ==, 900);
  g_assert_cmpuint (forwarded->lines, ==, 30);
  g_assert_nonnull (forwarded->envelope);
  g_assert_cmpstr (forwarded->envelope->subject, ==, "Inner");
  g_assert_cmpuint (forwarded->parts->len, ==, 1);
  assert_type (part (forwarded, 0), "multipart", "mixed", "2");
  assert_type (part (part (forwarded, 0), 0), "text", "plain", "2.1");
  assert_type (part (part (forwarded, 0), 1), "image", "png", "2.2");
  g_assert_true (taube_imap_bodystructure_find_section (body, "2") == forwarded);
  g_assert_true (taube_imap_bodystructure_find_section (body, "2.2") ==
                 part (part (forwarded, 0), 1));

  global = part (body, 2);
  assert_type (global, "message", "global", "3");
  assert_type (part (global, 0), "text", "plain", "3.1");
  g_assert_cmpuint (global->lines, ==, 4);
}

/* Known server quirks: NIL types, numbers as strings, message/rfc822 without envelope,
 * text without a line count, a multipart without subtype, a bare-string disposition. */
static void
test_quirks (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeImapBodystructure) body = parse_body (
    "((NIL NIL NIL NIL NIL NIL \"123\")"
    "(\"text\" NIL (\"charset\" NIL NIL \"x\") NIL NIL NIL \"55\" \"7\")"
    "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 300 NIL \"attachment\")"
    "(\"text\" \"plain\" NIL NIL NIL \"7bit\" 4 \"md5\" NIL)"
    "(\"TEXT\" \"PLAIN\" () NIL NIL \"7BIT\" 8 NIL NIL NIL NIL))", &error);
  const TaubeImapBodystructure *bare;
  const TaubeImapBodystructure *text;
  const TaubeImapBodystructure *message;

  g_assert_no_error (error);
  assert_type (body, "multipart", "mixed", "");
  g_assert_cmpuint (body->parts->len, ==, 5);

  bare = part (body, 0);
  assert_type (bare, "application", "octet-stream", "1");
  g_assert_cmpstr (bare->encoding, ==, "7bit");
  g_assert_cmpuint (bare->size, ==, 123);

  text = part (body, 1);
  assert_type (text, "text", "plain", "2");
  g_assert_cmpstr (taube_imap_bodystructure_get_param (text, "charset"), ==, "");
  g_assert_null (taube_imap_bodystructure_get_param (text, "x"));
  g_assert_cmpuint (text->size, ==, 55);
  g_assert_cmpuint (text->lines, ==, 7);

  message = part (body, 2);
  assert_type (message, "message", "rfc822", "3");
  g_assert_null (message->envelope);
  g_assert_cmpuint (message->parts->len, ==, 0);
  g_assert_null (message->md5);
  g_assert_cmpstr (message->disposition, ==, "attachment");

  /* A string where the line count belongs is taken as the MD5 of a part without one. */
  g_assert_cmpuint (part (body, 3)->lines, ==, 0);
  g_assert_cmpstr (part (body, 3)->md5, ==, "md5");
  g_assert_null (part (body, 4)->params);
  g_assert_null (part (body, 4)->languages);
}

static void
test_malformed (void)
{
  const char *bad[] = {
    "NIL",
    "()",
    "\"text\"",
    "(\"text\" \"plain\" NIL NIL NIL \"7bit\")",
    "((\"text\" \"plain\" NIL NIL NIL) \"mixed\")",
    /* Parenthesised so that clang sees one string on purpose, not a missing comma. */
    ("(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 1 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) "
     "(\"broken\") 1)"),
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TaubeImapBodystructure) body = parse_body (bad[i], &error);

      g_assert_null (body);
      g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL);
    }
}

/* Nesting beyond what the interpreter allows fails cleanly even when the parser was
 * configured to accept the value tree. */
static void
test_too_deep (void)
{
  TaubeImapParserLimits limits = { .max_depth = 1000 };
  g_autoptr(GString) line = g_string_new ("* 1 FETCH (BODYSTRUCTURE ");
  g_autoptr(TaubeImapParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeImapBodystructure) body = NULL;
  Collector collector;

  for (guint i = 0; i < 300; i++)
    g_string_append_c (line, '(');
  g_string_append (line, "\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1");
  for (guint i = 0; i < 300; i++)
    g_string_append (line, " \"mixed\")");
  g_string_append (line, ")\r\n");

  collector_init (&collector);
  parser = taube_imap_parser_new (&collector_callbacks, &collector);
  taube_imap_parser_set_limits (parser, &limits);
  g_assert_true (taube_imap_parser_feed (parser, (const guint8 *) line->str, line->len, &error));
  g_assert_no_error (error);
  body = taube_imap_bodystructure_new_from_value (
    taube_imap_response_get_fetch_item (collector.responses->pdata[0], "BODYSTRUCTURE"), &error);
  g_assert_null (body);
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "nested too deeply"));
  collector_clear (&collector);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/imap/bodystructure/rfc9051-text", test_rfc9051_text);
  g_test_add_func ("/imap/bodystructure/nested-multipart", test_nested_multipart);
  g_test_add_func ("/imap/bodystructure/message-rfc822", test_message_rfc822);
  g_test_add_func ("/imap/bodystructure/quirks", test_quirks);
  g_test_add_func ("/imap/bodystructure/malformed", test_malformed);
  g_test_add_func ("/imap/bodystructure/too-deep", test_too_deep);

  return g_test_run ();
}
