/* taube-html-text.c — the text of an HTML body, for previews and search
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a renderer: tags are dropped, the contents of <script>, <style>, <head> and comments
 * too, block elements become line breaks and the common character references are decoded.
 * That is all a one-line preview and a word index need, and it cannot be made to run
 * anything. Runs of white space collapse, so a layout table does not fill the index.
 */
#define G_LOG_DOMAIN "taube-store"

#include <string.h>

#include "taube-html-text.h"
#include "taube-store-private.h"

static const char *const hidden_elements[] = { "script", "style", "head", "title", NULL };
static const char *const block_elements[] = {
  "br", "p", "div", "tr", "li", "table", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
  "hr", "ul", "ol", "pre", NULL
};

static gboolean
name_in (const char        *name,
         const char *const *list)
{
  for (gsize i = 0; list[i] != NULL; i++)
    if (g_ascii_strcasecmp (name, list[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Appends one character, collapsing white space: a space after a space is dropped and a
 * line break replaces a space before it. */
static void
append_collapsed (GString  *out,
                  gunichar  c)
{
  gboolean last_space = out->len > 0 && (out->str[out->len - 1] == ' '
                                         || out->str[out->len - 1] == '\n');

  if (c == '\n')
    {
      if (out->len > 0 && out->str[out->len - 1] == ' ')
        out->str[out->len - 1] = '\n';
      else if (out->len > 0 && !last_space)
        g_string_append_c (out, '\n');
      return;
    }
  if (g_unichar_isspace (c) || c == 0xa0)
    {
      if (out->len > 0 && !last_space)
        g_string_append_c (out, ' ');
      return;
    }
  g_string_append_unichar (out, c);
}

static const char *
skip_past (const char *p,
           const char *end_marker)
{
  const char *found = strstr (p, end_marker);

  return found != NULL ? found + strlen (end_marker) : p + strlen (p);
}

/* Skips everything up to the closing tag of @name, ignoring case. */
static const char *
skip_element_contents (const char *p,
                       const char *name)
{
  gsize len = strlen (name);

  for (; *p != '\0'; p++)
    if (p[0] == '<' && p[1] == '/' && g_ascii_strncasecmp (p + 2, name, len) == 0)
      return skip_past (p, ">");
  return p;
}

/* @p points after "<". Returns where the text continues. */
static const char *
read_tag (const char *p,
          GString    *out)
{
  char name[16];
  gsize n = 0;
  gboolean closing = (*p == '/');

  /* "a < b" in text is not a tag. */
  if (!g_ascii_isalpha (*p) && *p != '/' && *p != '!')
    {
      g_string_append_c (out, '<');
      return p;
    }
  if (g_str_has_prefix (p, "!--"))
    return skip_past (p + 3, "-->");
  if (closing)
    p++;
  while (g_ascii_isalnum (*p) && n < sizeof name - 1)
    name[n++] = *p++;
  name[n] = '\0';
  /* Quotes are not tracked: a ">" inside an attribute value costs a few characters of text,
   * an unbalanced quote tracked would cost the rest of the message. */
  while (*p != '\0' && *p != '>')
    p++;
  if (*p == '>')
    p++;
  if (!closing && name_in (name, hidden_elements))
    return skip_element_contents (p, name);
  if (name_in (name, block_elements))
    append_collapsed (out, '\n');
  return p;
}

typedef struct
{
  const char *name;
  gunichar c;
} Entity;

static const Entity entities[] = {
  { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
  { "nbsp", 0xa0 }, { "auml", 0xe4 }, { "ouml", 0xf6 }, { "uuml", 0xfc }, { "Auml", 0xc4 },
  { "Ouml", 0xd6 }, { "Uuml", 0xdc }, { "szlig", 0xdf }, { "eacute", 0xe9 }, { "euro", 0x20ac },
  { "hellip", 0x2026 }, { "ndash", 0x2013 }, { "mdash", 0x2014 }, { "zwnj", 0x200c },
};

static gunichar
numeric_reference (const char *ref)
{
  gboolean hex = (ref[0] == 'x' || ref[0] == 'X');
  guint64 value = g_ascii_strtoull (hex ? ref + 1 : ref, NULL, hex ? 16 : 10);

  return (value > 0 && value <= 0x10ffff && g_unichar_validate ((gunichar) value))
         ? (gunichar) value : 0xfffd;
}

/* @p points after "&". Returns where the text continues. */
static const char *
read_reference (const char *p,
                GString    *out)
{
  char ref[12];
  gsize n = 0;

  while (n < sizeof ref - 1 && (g_ascii_isalnum (p[n]) || (n == 0 && p[n] == '#')))
    {
      ref[n] = p[n];
      n++;
    }
  ref[n] = '\0';
  if (p[n] != ';' || n == 0)
    {
      g_string_append_c (out, '&');
      return p;
    }
  if (ref[0] == '#')
    {
      append_collapsed (out, numeric_reference (ref + 1));
      return p + n + 1;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (entities); i++)
    if (strcmp (ref, entities[i].name) == 0)
      {
        append_collapsed (out, entities[i].c);
        return p + n + 1;
      }
  g_string_append_c (out, '&');
  return p;
}

/*
 * _taube_html_to_text:
 * @html: UTF-8 HTML
 * @max_bytes: stop once the text is this long
 *
 * Returns: (transfer full): the text of @html
 */
char *
_taube_html_to_text (const char *html,
                     gsize       max_bytes)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *p = html;

  while (*p != '\0' && out->len < max_bytes)
    {
      if (*p == '<')
        p = read_tag (p + 1, out);
      else if (*p == '&')
        p = read_reference (p + 1, out);
      else
        {
          append_collapsed (out, g_utf8_get_char (p));
          p = g_utf8_next_char (p);
        }
    }
  return g_strstrip (g_string_free (g_steal_pointer (&out), FALSE));
}

/**
 * taube_html_to_text:
 * @html: UTF-8 HTML
 * @max_bytes: stop once the text is this long
 *
 * The public name of _taube_html_to_text(), for readers outside the store (taube-cli show).
 *
 * Returns: (transfer full): the text of @html
 */
char *
taube_html_to_text (const char *html,
                    gsize       max_bytes)
{
  return _taube_html_to_text (html, max_bytes);
}
