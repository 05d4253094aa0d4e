/* taube-utf7.c — modified UTF-7 for IMAP mailbox names
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 3501 §5.1.3 (kept by RFC 9051 for servers without UTF8=ACCEPT): printable US-ASCII
 * stands for itself except "&", which is written "&-". Everything else is UTF-16,
 * base64-encoded with "," in place of "/", without padding, between "&" and "-".
 * The decoder is strict, because a name we cannot map back exactly would make us
 * SELECT or DELETE the wrong mailbox.
 */
#define G_LOG_DOMAIN "taube-util"

#include "taube-utf7.h"

#include <string.h>

static const char b64_alphabet[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

G_DEFINE_QUARK (taube-utf7-error-quark, taube_utf7_error)

static gboolean
is_direct (gunichar c)
{
  return c >= 0x20 && c <= 0x7e && c != '&';
}

/* RFC 2781 §2.1: code points above the BMP become a surrogate pair. */
static void
append_utf16 (GArray   *units,
              gunichar  c)
{
  guint16 unit;

  if (c < 0x10000)
    {
      unit = (guint16) c;
      g_array_append_val (units, unit);
      return;
    }
  c -= 0x10000;
  unit = (guint16) (0xd800 | (c >> 10));
  g_array_append_val (units, unit);
  unit = (guint16) (0xdc00 | (c & 0x3ff));
  g_array_append_val (units, unit);
}

static void
flush_utf16 (GString       *out,
             const guint16 *units,
             gsize          n_units)
{
  guint32 bits = 0;
  guint n_bits = 0;

  g_string_append_c (out, '&');
  for (gsize i = 0; i < n_units; i++)
    {
      bits = (bits << 16) | units[i];
      n_bits += 16;
      while (n_bits >= 6)
        {
          n_bits -= 6;
          g_string_append_c (out, b64_alphabet[(bits >> n_bits) & 0x3f]);
        }
    }
  if (n_bits > 0)
    g_string_append_c (out, b64_alphabet[(bits << (6 - n_bits)) & 0x3f]);
  g_string_append_c (out, '-');
}

/**
 * taube_utf7_encode:
 * @utf8: a mailbox name in UTF-8
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the name in modified UTF-7, or %NULL if @utf8 is not UTF-8
 */
char *
taube_utf7_encode (const char  *utf8,
                   GError     **error)
{
  g_autoptr(GString) out = NULL;
  g_autoptr(GArray) pending = NULL;

  g_return_val_if_fail (utf8 != NULL, NULL);

  if (!g_utf8_validate (utf8, -1, NULL))
    {
      g_set_error_literal (error, TAUBE_UTF7_ERROR, TAUBE_UTF7_ERROR_INVALID,
                           "Mailbox name is not valid UTF-8");
      return NULL;
    }

  out = g_string_sized_new (strlen (utf8) + 8);
  pending = g_array_new (FALSE, FALSE, sizeof (guint16));

  for (const char *p = utf8; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!is_direct (c) && c != '&')
        {
          append_utf16 (pending, c);
          continue;
        }
      if (pending->len > 0)
        {
          flush_utf16 (out, (const guint16 *) pending->data, pending->len);
          g_array_set_size (pending, 0);
        }
      if (c == '&')
        g_string_append (out, "&-");
      else
        g_string_append_c (out, (char) c);
    }
  if (pending->len > 0)
    flush_utf16 (out, (const guint16 *) pending->data, pending->len);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static int
b64_value (char c)
{
  const char *hit = c != '\0' ? strchr (b64_alphabet, c) : NULL;

  return hit != NULL ? (int) (hit - b64_alphabet) : -1;
}

static void
set_invalid (GError     **error,
             const char  *input,
             const char  *reason)
{
  g_set_error (error, TAUBE_UTF7_ERROR, TAUBE_UTF7_ERROR_INVALID,
               "Mailbox name “%s” is not valid modified UTF-7: %s", input, reason);
}

static gboolean
fail (GError     **error,
      const char  *input,
      const char  *reason)
{
  set_invalid (error, input, reason);
  return FALSE;
}

/* Decodes one base64 run (between "&" and "-") into UTF-8, appending to @out. */
static gboolean
decode_run (GString     *out,
            const char  *run,
            gsize        len,
            const char  *input,
            GError     **error)
{
  g_autoptr(GArray) units = g_array_new (FALSE, FALSE, sizeof (gunichar2));
  g_autofree char *utf8 = NULL;
  guint32 bits = 0;
  guint n_bits = 0;

  for (gsize i = 0; i < len; i++)
    {
      int v = b64_value (run[i]);

      if (v < 0)
        return fail (error, input, "bad character in encoded run");
      bits = (bits << 6) | (guint32) v;
      n_bits += 6;
      if (n_bits >= 16)
        {
          gunichar2 unit = (bits >> (n_bits - 16)) & 0xffff;

          n_bits -= 16;
          /* A NUL would cut the name short in every C string it later passes through. */
          if (unit == 0)
            return fail (error, input, "encoded NUL character");
          g_array_append_val (units, unit);
        }
    }
  /* Leftover bits must be zero padding of fewer than 6 bits (RFC 2152 §"Rule 2"). */
  if (n_bits >= 6 || (bits & ((1u << n_bits) - 1)) != 0)
    return fail (error, input, "bad padding in encoded run");

  utf8 = g_utf16_to_utf8 ((const gunichar2 *) units->data, units->len, NULL, NULL, NULL);
  if (utf8 == NULL)
    return fail (error, input, "broken UTF-16 in encoded run");

  for (const char *p = utf8; *p != '\0'; p = g_utf8_next_char (p))
    if (is_direct (g_utf8_get_char (p)) || *p == '&')
      return fail (error, input, "encoded run holds printable ASCII");

  g_string_append (out, utf8);
  return TRUE;
}

/**
 * taube_utf7_decode:
 * @mutf7: a mailbox name as the server sent it
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the name in UTF-8, or %NULL if @mutf7 is not valid
 */
char *
taube_utf7_decode (const char  *mutf7,
                   GError     **error)
{
  g_autoptr(GString) out = NULL;
  const char *p;
  gboolean after_run = FALSE;

  g_return_val_if_fail (mutf7 != NULL, NULL);

  out = g_string_sized_new (strlen (mutf7));
  for (p = mutf7; *p != '\0';)
    {
      const char *end;

      if (*p != '&')
        {
          if (!is_direct ((guchar) *p))
            {
              set_invalid (error, mutf7, "character outside printable ASCII");
              return NULL;
            }
          g_string_append_c (out, *p++);
          after_run = FALSE;
          continue;
        }

      end = strchr (p + 1, '-');
      if (end == NULL)
        {
          set_invalid (error, mutf7, "encoded run is not closed");
          return NULL;
        }
      if (end == p + 1)
        {
          g_string_append_c (out, '&');
          after_run = FALSE;
        }
      else
        {
          /* Two adjacent runs must have been written as one. */
          if (after_run)
            {
              set_invalid (error, mutf7, "two encoded runs in a row");
              return NULL;
            }
          if (!decode_run (out, p + 1, (gsize) (end - p - 1), mutf7, error))
            return NULL;
          after_run = TRUE;
        }
      p = end + 1;
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}
