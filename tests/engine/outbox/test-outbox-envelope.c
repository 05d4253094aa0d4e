/* test-outbox-envelope.c — what the outbox sends: recipients, Bcc, SMTP flags, backoff
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "taube-outbox-private.h"
#include "taube-smtp-error.h"

static GBytes *
text_bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static char *
bytes_text (GBytes *bytes)
{
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* To, Cc and Bcc, groups flattened, each address once; only the Bcc field leaves the bytes. */
static void
test_recipients_and_bcc (void)
{
  const char *raw =
    "From: Alice <alice@example.test>\r\n"
    "To: Bob <bob@example.test>, Team: carol@example.test, dave@example.test;\r\n"
    "Cc: BOB@example.test, erin@example.test\r\n"
    "Bcc: secret@example.test,\r\n"
    "  other@example.test\r\n"
    "Subject: Hello\r\n"
    "Message-ID: <1@example.test>\r\n"
    "Date: Sun, 29 Nov 2026 10:00:00 +0100\r\n"
    "\r\n"
    "Body text.\r\n";
  const char *expected =
    "From: Alice <alice@example.test>\r\n"
    "To: Bob <bob@example.test>, Team: carol@example.test, dave@example.test;\r\n"
    "Cc: BOB@example.test, erin@example.test\r\n"
    "Subject: Hello\r\n"
    "Message-ID: <1@example.test>\r\n"
    "Date: Sun, 29 Nov 2026 10:00:00 +0100\r\n"
    "\r\n"
    "Body text.\r\n";
  const char *recipients[] = { "bob@example.test", "carol@example.test", "dave@example.test",
                               "erin@example.test", "secret@example.test", "other@example.test",
                               NULL };
  g_autoptr(GBytes) bytes = text_bytes (raw);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeOutboxEnvelope) envelope = _taube_outbox_envelope_new (bytes, &error);
  g_autofree char *sent = NULL;

  g_assert_no_error (error);
  g_assert_cmpstrv (envelope->recipients, recipients);
  g_assert_cmpstr (envelope->subject, ==, "Hello");
  sent = bytes_text (envelope->data);
  g_assert_cmpstr (sent, ==, expected);
  g_assert_cmpint (envelope->flags, ==, TAUBE_SMTP_SEND_NONE);
}

/* Without Bcc the bytes are passed on as they are, the same GBytes even. */
static void
test_unchanged_without_bcc (void)
{
  g_autoptr(GBytes) bytes = text_bytes ("From: a@example.test\nTo: b@example.test\n"
                                        "Subject: x\n\nline\n");
  g_autoptr(TaubeOutboxEnvelope) envelope = _taube_outbox_envelope_new (bytes, NULL);

  g_assert_true (envelope->data == bytes);
}

/* 8-bit body: BODY=8BITMIME; UTF-8 in the header: SMTPUTF8 as well. */
static void
test_send_flags (void)
{
  g_autoptr(GBytes) body = text_bytes ("From: a@example.test\r\nTo: b@example.test\r\n"
                                       "Content-Type: text/plain; charset=utf-8\r\n"
                                       "Content-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n");
  g_autoptr(GBytes) header = text_bytes ("From: a@example.test\r\nTo: jörg@bücher.example\r\n"
                                         "Subject: x\r\n\r\nhi\r\n");
  g_autoptr(TaubeOutboxEnvelope) eight_bit = _taube_outbox_envelope_new (body, NULL);
  g_autoptr(TaubeOutboxEnvelope) utf8 = _taube_outbox_envelope_new (header, NULL);

  g_assert_cmpint (eight_bit->flags, ==, TAUBE_SMTP_SEND_8BIT);
  g_assert_cmpint (utf8->flags, ==, TAUBE_SMTP_SEND_8BIT | TAUBE_SMTP_SEND_UTF8);
}

/* A message without Date or Message-ID gets them, the id in the account's domain. */
static void
test_complete_adds_date_and_id (void)
{
  g_autoptr(GBytes) bytes = text_bytes ("From: a@example.test\r\nTo: b@example.test\r\n"
                                        "Subject: Hallo\r\n\r\nhi\r\n");
  g_autoptr(GError) error = NULL;
  g_autofree char *subject = NULL;
  g_autoptr(GBytes) complete = _taube_outbox_complete_message (bytes, "alice@taube.example",
                                                               &subject, &error);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  text = bytes_text (complete);
  g_assert_nonnull (strstr (text, "@taube.example>"));
  g_assert_nonnull (strstr (text, "\nDate: "));
  g_assert_nonnull (strstr (text, "Message-Id: <"));
  g_assert_true (g_str_has_suffix (text, "\r\n\r\nhi\r\n"));
  g_assert_cmpstr (subject, ==, "Hallo");
}

/* A complete message is queued byte for byte. */
static void
test_complete_keeps_complete (void)
{
  g_autoptr(GBytes) bytes = text_bytes ("From: a@example.test\nTo: b@example.test\n"
                                        "Date: Sun, 29 Nov 2026 10:00:00 +0100\n"
                                        "Message-ID: <x@example.test>\n\nhi\n");
  g_autoptr(GBytes) complete = _taube_outbox_complete_message (bytes, "a@example.test", NULL,
                                                               NULL);

  g_assert_true (complete == bytes);
}

static void
test_complete_refuses (void)
{
  const char *cases[] = {
    "From: a@example.test\r\nSubject: nobody to send to\r\n\r\nhi\r\n",
    "To: b@example.test\r\nSubject: nobody sends it\r\n\r\nhi\r\n",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = text_bytes (cases[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) complete = _taube_outbox_complete_message (bytes, "a@example.test", NULL,
                                                                   &error);

      g_assert_null (complete);
      g_assert_error (error, TAUBE_OUTBOX_ERROR, TAUBE_OUTBOX_ERROR_INVALID);
    }
}

/* 30 s, doubling, capped at 30 min; never overflows however many attempts. */
static void
test_backoff (void)
{
  const guint initial = 30 * 1000;
  const guint max = 30 * 60 * 1000;

  g_assert_cmpuint (taube_outbox_backoff_delay (initial, max, 1), ==, 30 * 1000);
  g_assert_cmpuint (taube_outbox_backoff_delay (initial, max, 2), ==, 60 * 1000);
  g_assert_cmpuint (taube_outbox_backoff_delay (initial, max, 3), ==, 120 * 1000);
  g_assert_cmpuint (taube_outbox_backoff_delay (initial, max, 6), ==, 960 * 1000);
  g_assert_cmpuint (taube_outbox_backoff_delay (initial, max, 7), ==, max);
  g_assert_cmpuint (taube_outbox_backoff_delay (initial, max, 1000), ==, max);
  g_assert_cmpuint (taube_outbox_backoff_delay (initial, max, G_MAXUINT), ==, max);
}

/* Which failures are worth another attempt. */
static void
test_transient (void)
{
  struct
  {
    GQuark domain;
    int code;
    gboolean transient;
  } cases[] = {
    { TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_TRANSIENT, TRUE },
    { TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_PERMANENT, FALSE },
    { TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_RECIPIENT_REJECTED, FALSE },
    { TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_BAD_CREDENTIALS, FALSE },
    { TAUBE_SMTP_ERROR, TAUBE_SMTP_ERROR_MESSAGE_TOO_BIG, FALSE },
    { G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, TRUE },
    { G_IO_ERROR, G_IO_ERROR_TIMED_OUT, TRUE },
    { G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, TRUE },
    { G_IO_ERROR, G_IO_ERROR_CANCELLED, FALSE },
    { G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE, TRUE },
    { G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE, FALSE },
    { TAUBE_OUTBOX_ERROR, TAUBE_OUTBOX_ERROR_NO_PASSWORD, FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (cases[i].domain, cases[i].code, "x");

      g_assert_cmpint (_taube_outbox_error_is_transient (error), ==, cases[i].transient);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/outbox/envelope/recipients-and-bcc", test_recipients_and_bcc);
  g_test_add_func ("/outbox/envelope/unchanged-without-bcc", test_unchanged_without_bcc);
  g_test_add_func ("/outbox/envelope/send-flags", test_send_flags);
  g_test_add_func ("/outbox/envelope/complete-adds-date-and-id", test_complete_adds_date_and_id);
  g_test_add_func ("/outbox/envelope/complete-keeps-complete", test_complete_keeps_complete);
  g_test_add_func ("/outbox/envelope/complete-refuses", test_complete_refuses);
  g_test_add_func ("/outbox/backoff", test_backoff);
  g_test_add_func ("/outbox/transient", test_transient);
  return g_test_run ();
}
