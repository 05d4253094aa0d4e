/* taube-cli-json.c — just enough JSON for taube-cli's --json output
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "taube-cli-commands.h"

/**
 * taube_cli_json_string:
 * @text: (nullable): UTF-8 text
 *
 * Returns: (transfer full): @text as a JSON string literal (RFC 8259 §7), or "null"
 */
char *
taube_cli_json_string (const char *text)
{
  GString *out;

  if (text == NULL)
    return g_strdup ("null");

  out = g_string_new ("\"");
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if (*p < 0x20)
        g_string_append_printf (out, "\\u%04x", *p);
      else
        g_string_append_c (out, (char) *p);
    }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}
