/* taube-imap-response.c — one complete server response
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 9051 §2.2.2 and §7: a response is a continuation request ("+"), untagged data or
 * status ("*"), or the tagged completion of a command.  The parser fills in the generic
 * shape; the protocol layer reads FETCH, LIST, STATUS, ESEARCH and the rest through the
 * accessors here and in taube-imap-value.h.
 */
#define G_LOG_DOMAIN "taube-imap"

#include "taube-imap-response-private.h"

#include <string.h>

static void
response_clear (gpointer data)
{
  TaubeImapResponse *self = data;

  g_free (self->tag);
  g_free (self->keyword);
  g_free (self->text);
  _taube_imap_value_free (self->code);
  _taube_imap_value_free (self->data);
}

TaubeImapResponse *
_taube_imap_response_new (TaubeImapResponseKind kind)
{
  TaubeImapResponse *self = g_atomic_rc_box_new0 (TaubeImapResponse);

  self->kind = kind;
  self->data = _taube_imap_value_new_list ();
  return self;
}

/**
 * taube_imap_response_ref:
 * @response: a response
 *
 * Returns: (transfer full): @response
 */
TaubeImapResponse *
taube_imap_response_ref (TaubeImapResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);

  return g_atomic_rc_box_acquire (response);
}

/**
 * taube_imap_response_unref:
 * @response: (transfer full): a response
 */
void
taube_imap_response_unref (TaubeImapResponse *response)
{
  g_return_if_fail (response != NULL);

  g_atomic_rc_box_release_full (response, response_clear);
}

/**
 * taube_imap_response_get_kind:
 * @response: a response
 *
 * Returns: whether @response is tagged, untagged or a continuation request
 */
TaubeImapResponseKind
taube_imap_response_get_kind (const TaubeImapResponse *response)
{
  g_return_val_if_fail (response != NULL, TAUBE_IMAP_RESPONSE_UNTAGGED);

  return response->kind;
}

/**
 * taube_imap_response_get_tag:
 * @response: a response
 *
 * Returns: (nullable): the tag of a tagged response, %NULL otherwise
 */
const char *
taube_imap_response_get_tag (const TaubeImapResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);

  return response->tag;
}

/**
 * taube_imap_response_get_status:
 * @response: a response
 *
 * Returns: OK, NO, BAD, BYE or PREAUTH for status responses (RFC 9051 §7.1), NONE for
 *   data and continuation requests
 */
TaubeImapStatus
taube_imap_response_get_status (const TaubeImapResponse *response)
{
  g_return_val_if_fail (response != NULL, TAUBE_IMAP_STATUS_NONE);

  return response->status;
}

/**
 * taube_imap_response_get_keyword:
 * @response: a response
 *
 * The word that says what the response is, in upper case: "FETCH" for
 * "* 12 FETCH (...)", "LIST", "CAPABILITY", or the status word "OK", "BYE" ...
 *
 * Returns: (nullable): the keyword, %NULL for continuation requests
 */
const char *
taube_imap_response_get_keyword (const TaubeImapResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);

  return response->keyword;
}

/**
 * taube_imap_response_is_keyword:
 * @response: a response
 * @keyword: the keyword to compare with, ignoring ASCII case
 *
 * Returns: whether @response is, say, a "FETCH" response
 */
gboolean
taube_imap_response_is_keyword (const TaubeImapResponse *response,
                                const char              *keyword)
{
  g_return_val_if_fail (response != NULL, FALSE);
  g_return_val_if_fail (keyword != NULL, FALSE);

  return response->keyword != NULL && g_ascii_strcasecmp (response->keyword, keyword) == 0;
}

/**
 * taube_imap_response_get_number:
 * @response: a response
 * @number: (out) (optional): where to store the number
 *
 * Returns: whether the response started with a number, as "* 23 EXISTS" and
 *   "* 12 FETCH" do (RFC 9051 §7.4, §7.5)
 */
gboolean
taube_imap_response_get_number (const TaubeImapResponse *response,
                                guint64                 *number)
{
  g_return_val_if_fail (response != NULL, FALSE);

  if (!response->has_number)
    return FALSE;
  if (number != NULL)
    *number = response->number;
  return TRUE;
}

/**
 * taube_imap_response_get_code:
 * @response: a response
 *
 * The bracketed response code of a status response (RFC 9051 §7.1) as a list whose first
 * item is the code name in upper case.  Codes with known arguments (CAPABILITY,
 * PERMANENTFLAGS, UIDVALIDITY, COPYUID, ...) have them parsed; for any other code, the
 * text after the name is kept as a single string.
 *
 * Returns: (nullable): the code, or %NULL
 */
const TaubeImapValue *
taube_imap_response_get_code (const TaubeImapResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);

  return response->code;
}

/**
 * taube_imap_response_get_code_name:
 * @response: a response
 *
 * Returns: (nullable): the response code's name in upper case, e.g. "UIDNEXT", or %NULL
 */
const char *
taube_imap_response_get_code_name (const TaubeImapResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);

  return taube_imap_value_get_atom (taube_imap_value_get_item (response->code, 0));
}

/**
 * taube_imap_response_get_code_arg:
 * @response: a response
 * @index: which argument, from 0
 *
 * Returns: (nullable): the response code's argument, e.g. 4392 for "[UIDNEXT 4392]"
 */
const TaubeImapValue *
taube_imap_response_get_code_arg (const TaubeImapResponse *response,
                                  guint                    index)
{
  g_return_val_if_fail (response != NULL, NULL);

  if (index == G_MAXUINT)
    return NULL;
  return taube_imap_value_get_item (response->code, index + 1);
}

/**
 * taube_imap_response_get_text:
 * @response: a response
 *
 * The human-readable part of a status response or continuation request, made valid
 * UTF-8.  For "+ base64" continuations this is the base64 text.
 *
 * Returns: the text, possibly ""
 */
const char *
taube_imap_response_get_text (const TaubeImapResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);

  return response->text != NULL ? response->text : "";
}

/**
 * taube_imap_response_get_data:
 * @response: a response
 *
 * Everything after the keyword of a data response, as a list: for
 * "* LIST (\Noselect) "/" foo" the three items (\Noselect), "/" and foo; for
 * "* 12 FETCH (...)" one list with the FETCH items.
 *
 * Returns: a list, empty for status responses
 */
const TaubeImapValue *
taube_imap_response_get_data (const TaubeImapResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);

  return response->data;
}

/**
 * taube_imap_response_get_fetch_item:
 * @response: a response
 * @name: the item name, e.g. "FLAGS" or "BODY[HEADER]"; see taube_imap_value_matches_key()
 *
 * Returns: (nullable): the item's value in a FETCH response, or %NULL if @response is not
 *   a FETCH response or lacks the item
 */
const TaubeImapValue *
taube_imap_response_get_fetch_item (const TaubeImapResponse *response,
                                    const char              *name)
{
  g_return_val_if_fail (response != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (!response->has_number || !taube_imap_response_is_keyword (response, "FETCH"))
    return NULL;
  return taube_imap_value_lookup (taube_imap_value_get_item (response->data, 0), name);
}

static const char *
prefix_of (const TaubeImapResponse *response)
{
  switch (response->kind)
    {
    case TAUBE_IMAP_RESPONSE_TAGGED:
      return response->tag;
    case TAUBE_IMAP_RESPONSE_CONTINUATION:
      return "+";
    case TAUBE_IMAP_RESPONSE_UNTAGGED:
    default:
      return "*";
    }
}

static void
append_code_and_text (const TaubeImapResponse *response,
                      GString                 *out)
{
  if (response->code != NULL)
    {
      g_autofree char *code = taube_imap_value_to_string (response->code);

      /* The code is kept as a list; written back it wears brackets, not parentheses. */
      code[0] = '[';
      code[strlen (code) - 1] = ']';
      g_string_append_printf (out, " %s", code);
    }
  if (response->text != NULL && response->text[0] != '\0')
    g_string_append_printf (out, " %s", response->text);
}

/**
 * taube_imap_response_to_string:
 * @response: a response
 *
 * Writes the response back as one line for logs and tests, in the format of
 * taube_imap_value_to_string(), without the CRLF.
 *
 * Returns: (transfer full): the text
 */
char *
taube_imap_response_to_string (const TaubeImapResponse *response)
{
  GString *out;

  g_return_val_if_fail (response != NULL, NULL);

  out = g_string_new (prefix_of (response));
  if (response->has_number)
    g_string_append_printf (out, " %" G_GUINT64_FORMAT, response->number);
  if (response->keyword != NULL)
    g_string_append_printf (out, " %s", response->keyword);
  if (response->status != TAUBE_IMAP_STATUS_NONE ||
      response->kind == TAUBE_IMAP_RESPONSE_CONTINUATION)
    append_code_and_text (response, out);
  /* The data list is implicit on the wire, so its items are written without parentheses. */
  for (guint i = 0; i < response->data->children->len; i++)
    {
      g_string_append_c (out, ' ');
      _taube_imap_value_append_to (response->data->children->pdata[i], out);
    }
  return g_string_free (out, FALSE);
}
