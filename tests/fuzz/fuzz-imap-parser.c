/* fuzz-imap-parser.c — libFuzzer target for the IMAP response parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each input is parsed twice: whole, and cut into three pieces at offsets derived from
 * a hash of the input.  Besides crashes and sanitizer reports, the target aborts if the
 * two runs disagree, since the parser promises that byte splits never matter.  Every
 * response is also run through the interpreters (ENVELOPE, BODYSTRUCTURE, sequence sets)
 * and written back as text.  One input in four is parsed under tiny limits, so the
 * TOO_BIG paths are fuzzed as well.
 */
#include "fuzz-target.h"

#include "taube-imap-bodystructure.h"
#include "taube-imap-envelope.h"
#include "taube-imap-error.h"
#include "taube-imap-fetch-private.h"
#include "taube-imap-mailbox-data.h"
#include "taube-imap-parser.h"
#include "taube-imap-quota.h"
#include "taube-imap-sequence-set.h"
#include "taube-imap-session-data.h"

#include <stdlib.h>
#include <string.h>

typedef struct
{
  GString *log;
  guint64 literal_bytes;
} Run;

static void
try_sequence_set (const TaubeImapValue *value,
                  GString              *log)
{
  g_autoptr(TaubeImapSequenceSet) set = taube_imap_sequence_set_new_from_value (value, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GArray) numbers = NULL;

  if (set == NULL)
    return;
  text = taube_imap_sequence_set_to_string (set);
  numbers = taube_imap_sequence_set_to_array (set, 4096, NULL);
  g_string_append_printf (log, "set %s %u\n", text, numbers != NULL ? numbers->len : 0);
}

static void
try_fetch (TaubeImapResponse *response,
           GString           *log)
{
  const char *body_items[] = { "BODY", "BODYSTRUCTURE" };
  g_autoptr(TaubeImapEnvelope) envelope = NULL;

  envelope = taube_imap_envelope_new_from_value (
    taube_imap_response_get_fetch_item (response, "ENVELOPE"), NULL);
  if (envelope != NULL)
    g_string_append_printf (log, "envelope %u\n", envelope->from->len + envelope->to->len);

  for (gsize i = 0; i < G_N_ELEMENTS (body_items); i++)
    {
      const TaubeImapValue *value = taube_imap_response_get_fetch_item (response, body_items[i]);
      g_autoptr(TaubeImapBodystructure) body =
        taube_imap_bodystructure_new_from_value (value, NULL);

      if (body != NULL)
        g_string_append_printf (log, "body %s/%s %u\n", body->type, body->subtype,
                                body->parts->len);
      if (body != NULL && taube_imap_bodystructure_find_section (body, "1") != NULL)
        g_string_append (log, "section 1\n");
    }
}

/* The typed readers must turn anything into a value or an error, never crash. */
static void
try_typed (TaubeImapResponse *response,
           GString           *log)
{
  g_autoptr(TaubeImapFetchedMessage) fetched = NULL;
  g_autoptr(TaubeImapMailboxStatus) status = NULL;
  g_autoptr(TaubeImapSequenceSet) vanished = NULL;
  g_autoptr(TaubeImapFlagChange) change = NULL;
  g_autoptr(TaubeImapQuota) quota = NULL;
  g_autoptr(TaubeImapNamespaces) namespaces = NULL;
  g_autoptr(GHashTable) id = NULL;
  g_auto(GStrv) enabled = NULL;
  gboolean earlier = FALSE;

  if (taube_imap_response_get_kind (response) != TAUBE_IMAP_RESPONSE_UNTAGGED)
    return;
  if (taube_imap_response_is_keyword (response, "FETCH"))
    {
      fetched = _taube_imap_fetched_message_parse (response, NULL, NULL);
      change = taube_imap_flag_change_parse (response);
    }
  else if (taube_imap_response_is_keyword (response, "STATUS"))
    status = taube_imap_mailbox_status_parse (response, TRUE, NULL);
  else if (taube_imap_response_is_keyword (response, "VANISHED"))
    vanished = taube_imap_vanished_parse (response, &earlier, NULL);
  else if (taube_imap_response_is_keyword (response, "QUOTA"))
    quota = taube_imap_quota_parse (response, NULL);
  else if (taube_imap_response_is_keyword (response, "NAMESPACE"))
    namespaces = taube_imap_namespaces_parse (response, TRUE, NULL);
  else if (taube_imap_response_is_keyword (response, "ENABLED"))
    enabled = taube_imap_enabled_parse (response);
  else if (taube_imap_response_is_keyword (response, "ID"))
    id = taube_imap_id_parse (response, NULL);
  g_string_append_printf (log, "typed %d%d%d%d%d%d%d%d\n", fetched != NULL, change != NULL,
                          status != NULL, vanished != NULL, quota != NULL,
                          namespaces != NULL, enabled != NULL, id != NULL);
}

static void
response_cb (TaubeImapParser   *parser,
             TaubeImapResponse *response,
             gpointer           user_data)
{
  Run *run = user_data;
  g_autofree char *text = taube_imap_response_to_string (response);
  const TaubeImapValue *data = taube_imap_response_get_data (response);

  g_string_append_printf (run->log, "%s\n", text);
  if (taube_imap_response_is_keyword (response, "FETCH"))
    try_fetch (response, run->log);
  try_typed (response, run->log);
  for (guint i = 0; i < taube_imap_value_get_length (data); i++)
    try_sequence_set (taube_imap_value_get_item (data, i), run->log);
  for (guint i = 0; taube_imap_response_get_code_arg (response, i) != NULL; i++)
    try_sequence_set (taube_imap_response_get_code_arg (response, i), run->log);
}

static void
literal_begin_cb (TaubeImapParser      *parser,
                  guint64               sequence,
                  const TaubeImapValue *item,
                  guint64               size,
                  gpointer              user_data)
{
  Run *run = user_data;
  g_autofree char *name = taube_imap_value_to_string (item);

  g_string_append_printf (run->log, "begin %" G_GUINT64_FORMAT " %s %" G_GUINT64_FORMAT "\n",
                          sequence, name, size);
  run->literal_bytes = 0;
}

static void
literal_chunk_cb (TaubeImapParser *parser,
                  const guint8    *data,
                  gsize            len,
                  gpointer         user_data)
{
  Run *run = user_data;

  if (len == 0 || len > TAUBE_IMAP_PARSER_CHUNK_SIZE)
    abort ();
  run->literal_bytes += len;
}

static void
literal_end_cb (TaubeImapParser *parser,
                gpointer         user_data)
{
  Run *run = user_data;

  g_string_append_printf (run->log, "end %" G_GUINT64_FORMAT "\n", run->literal_bytes);
}

static const TaubeImapParserCallbacks callbacks = {
  response_cb, literal_begin_cb, literal_chunk_cb, literal_end_cb,
};

/* Runs the parser over @data cut at @cuts; returns the log, ending in the error if any. */
static char *
parse (const uint8_t *data,
       size_t         size,
       const size_t  *cuts,
       guint          n_cuts,
       gboolean       tiny)
{
  static const TaubeImapParserLimits tiny_limits = { 512, 64, 256, 8 };
  Run run = { g_string_new (NULL), 0 };
  g_autoptr(TaubeImapParser) parser = taube_imap_parser_new (&callbacks, &run);
  g_autoptr(GError) error = NULL;
  size_t start = 0;

  if (tiny)
    taube_imap_parser_set_limits (parser, &tiny_limits);
  for (guint i = 0; i <= n_cuts && error == NULL; i++)
    {
      size_t end = i < n_cuts ? cuts[i] : size;

      if (!taube_imap_parser_feed (parser, data + start, end - start, &error))
        g_string_append_printf (run.log, "error %d %s\n", error->code, error->message);
      start = end;
    }
  /* A failed parser must stay failed, and a reset one must work again. */
  if (error != NULL && taube_imap_parser_feed (parser, (const guint8 *) "* 1 EXISTS\r\n", 12, NULL))
    abort ();
  taube_imap_parser_reset (parser);
  if (!taube_imap_parser_feed (parser, (const guint8 *) "* 1 EXISTS\r\n", 12, NULL))
    abort ();
  return g_string_free (run.log, FALSE);
}

static guint32
hash_input (const uint8_t *data,
            size_t         size)
{
  guint32 hash = 2166136261u;

  for (size_t i = 0; i < size; i++)
    hash = (hash ^ data[i]) * 16777619u;
  return hash;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  guint32 hash = hash_input (data, size);
  size_t cuts[2] = { 0, 0 };
  gboolean tiny = (hash & 3) == 0;
  g_autofree char *whole = NULL;
  g_autofree char *pieces = NULL;

  if (size > 0)
    {
      cuts[0] = (hash >> 2) % (size + 1);
      cuts[1] = (hash >> 13) % (size + 1);
    }
  if (cuts[0] > cuts[1])
    {
      size_t swap = cuts[0];

      cuts[0] = cuts[1];
      cuts[1] = swap;
    }

  whole = parse (data, size, NULL, 0, tiny);
  pieces = parse (data, size, cuts, 2, tiny);
  if (strcmp (whole, pieces) != 0)
    {
      g_printerr ("Split at %zu and %zu changed the result:\n%s\n---\n%s\n", cuts[0], cuts[1],
                  whole, pieces);
      abort ();
    }
  return 0;
}
