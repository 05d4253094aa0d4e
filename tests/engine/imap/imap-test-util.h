/* imap-test-util.h — feeding the IMAP parser and recording what it reports
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The log is split-independent on purpose: a streamed body is written once, at its
 * end, not chunk by chunk, so that feeding the same bytes in any pieces must give
 * the very same log.
 */
#pragma once

#include <string.h>

#include "taube-imap-parser.h"

typedef struct
{
  GString *log;
  GByteArray *body;
  GPtrArray *responses;
  gsize max_chunk;
  guint n_chunks;
} Collector;

static inline void
imap_test_append_escaped (GString    *out,
                          const char *bytes,
                          gsize       len)
{
  g_string_append_c (out, '"');
  for (gsize i = 0; i < len; i++)
    {
      guchar c = bytes[i];

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_c (out, c);
    }
  g_string_append_c (out, '"');
}

static inline void
collector_response_cb (TaubeImapParser   *parser,
                       TaubeImapResponse *response,
                       gpointer           user_data)
{
  Collector *collector = user_data;
  g_autofree char *text = taube_imap_response_to_string (response);

  g_string_append_printf (collector->log, "%s\n", text);
  g_ptr_array_add (collector->responses, taube_imap_response_ref (response));
}

static inline void
collector_literal_begin_cb (TaubeImapParser      *parser,
                            guint64               sequence,
                            const TaubeImapValue *item,
                            guint64               size,
                            gpointer              user_data)
{
  Collector *collector = user_data;
  g_autofree char *name = taube_imap_value_to_string (item);

  g_string_append_printf (collector->log, "begin %" G_GUINT64_FORMAT " %s %" G_GUINT64_FORMAT "\n",
                          sequence, name, size);
  g_byte_array_set_size (collector->body, 0);
}

static inline void
collector_literal_chunk_cb (TaubeImapParser *parser,
                            const guint8    *data,
                            gsize            len,
                            gpointer         user_data)
{
  Collector *collector = user_data;

  g_assert_cmpuint (len, >, 0);
  g_byte_array_append (collector->body, data, len);
  collector->max_chunk = MAX (collector->max_chunk, len);
  collector->n_chunks++;
}

static inline void
collector_literal_end_cb (TaubeImapParser *parser,
                          gpointer         user_data)
{
  Collector *collector = user_data;

  g_string_append (collector->log, "end ");
  imap_test_append_escaped (collector->log, (const char *) collector->body->data,
                            collector->body->len);
  g_string_append_c (collector->log, '\n');
}

static const TaubeImapParserCallbacks collector_callbacks = {
  collector_response_cb,
  collector_literal_begin_cb,
  collector_literal_chunk_cb,
  collector_literal_end_cb,
};

static inline void
collector_init (Collector *collector)
{
  collector->log = g_string_new (NULL);
  collector->body = g_byte_array_new ();
  collector->responses =
    g_ptr_array_new_with_free_func ((GDestroyNotify) taube_imap_response_unref);
  collector->max_chunk = 0;
  collector->n_chunks = 0;
}

static inline void
collector_clear (Collector *collector)
{
  g_string_free (collector->log, TRUE);
  g_byte_array_unref (collector->body);
  g_ptr_array_unref (collector->responses);
}

/* Feeds @input cut at the ascending offsets @cuts; returns the log, or NULL and @error. */
static inline char *
imap_test_parse_cuts (const char  *input,
                      gsize        len,
                      const gsize *cuts,
                      guint        n_cuts,
                      GError     **error)
{
  Collector collector;
  g_autoptr(TaubeImapParser) parser = NULL;
  gsize start = 0;
  gboolean ok = TRUE;
  char *log;

  collector_init (&collector);
  parser = taube_imap_parser_new (&collector_callbacks, &collector);
  for (guint i = 0; ok && i <= n_cuts; i++)
    {
      gsize end = i < n_cuts ? cuts[i] : len;

      ok = taube_imap_parser_feed (parser, (const guint8 *) input + start, end - start, error);
      start = end;
    }
  log = ok ? g_strdup (collector.log->str) : NULL;
  collector_clear (&collector);
  return log;
}

/* Feeds @input in pieces of @step bytes, or all at once for 0. */
static inline char *
imap_test_parse_steps (const char *input,
                       gsize       len,
                       gsize       step,
                       GError    **error)
{
  g_autofree gsize *cuts = NULL;
  guint n = 0;

  if (step > 0 && len > 0)
    {
      cuts = g_new (gsize, len / step + 1);
      for (gsize at = step; at < len; at += step)
        cuts[n++] = at;
    }
  return imap_test_parse_cuts (input, len, cuts, n, error);
}

/* Parses @text, which must hold exactly one response, and returns it. */
static inline TaubeImapResponse *
imap_test_parse_one (const char *text)
{
  Collector collector;
  g_autoptr(TaubeImapParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  TaubeImapResponse *response;

  collector_init (&collector);
  parser = taube_imap_parser_new (&collector_callbacks, &collector);
  taube_imap_parser_feed (parser, (const guint8 *) text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (collector.responses->len, ==, 1);
  response = taube_imap_response_ref (collector.responses->pdata[0]);
  collector_clear (&collector);
  return response;
}

/* Parses @text and returns the error it must cause. */
static inline GError *
imap_test_parse_error (const char *text,
                       gsize       len)
{
  GError *error = NULL;
  g_autofree char *log = imap_test_parse_steps (text, len, 0, &error);

  g_assert_null (log);
  g_assert_nonnull (error);
  return error;
}
