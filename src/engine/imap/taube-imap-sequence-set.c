/* taube-imap-sequence-set.c — message numbers and UIDs as "1:5,7,9:*"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 9051 §9 sequence-set: comma-separated numbers and "a:b" ranges, "*" standing for
 * the largest number in use, and "b:a" meaning the same as "a:b".  The order of the
 * ranges is kept, because COPYUID pairs its source and destination sets by position
 * (RFC 4315 §3); only ranges that continue one another are merged.
 */
#define G_LOG_DOMAIN "taube-imap"

#include "taube-imap-sequence-set.h"

#include "taube-imap-error.h"

#include <stdlib.h>

typedef struct
{
  guint32 first;
  guint32 last;
} Range;

struct _TaubeImapSequenceSet
{
  GArray *ranges;
};

/**
 * taube_imap_sequence_set_new:
 *
 * Returns: (transfer full): an empty set
 */
TaubeImapSequenceSet *
taube_imap_sequence_set_new (void)
{
  TaubeImapSequenceSet *set = g_new0 (TaubeImapSequenceSet, 1);

  set->ranges = g_array_new (FALSE, FALSE, sizeof (Range));
  return set;
}

/**
 * taube_imap_sequence_set_free:
 * @set: (nullable): a set
 */
void
taube_imap_sequence_set_free (TaubeImapSequenceSet *set)
{
  if (set == NULL)
    return;
  g_array_unref (set->ranges);
  g_free (set);
}

/**
 * taube_imap_sequence_set_add_range:
 * @set: a set
 * @first: the first number, not 0
 * @last: the last number, or %TAUBE_IMAP_SEQUENCE_STAR
 *
 * Appends a range; one that continues the last range ascending is merged into it.
 */
void
taube_imap_sequence_set_add_range (TaubeImapSequenceSet *set,
                                   guint32               first,
                                   guint32               last)
{
  Range range = { MIN (first, last), MAX (first, last) };
  Range *prev;

  g_return_if_fail (set != NULL);
  g_return_if_fail (first != 0 && last != 0);

  if (set->ranges->len > 0)
    {
      prev = &g_array_index (set->ranges, Range, set->ranges->len - 1);
      if (range.first >= prev->first && (guint64) range.first <= (guint64) prev->last + 1)
        {
          prev->last = MAX (prev->last, range.last);
          return;
        }
    }
  g_array_append_val (set->ranges, range);
}

static gboolean
parse_number (const char **p,
              guint32     *out)
{
  guint64 n = 0;
  const char *start = *p;

  if (**p == '*')
    {
      (*p)++;
      *out = TAUBE_IMAP_SEQUENCE_STAR;
      return TRUE;
    }
  for (; g_ascii_isdigit (**p) && n <= G_MAXUINT32; (*p)++)
    n = n * 10 + (guint) (**p - '0');
  *out = (guint32) n;
  return *p != start && n != 0 && n <= G_MAXUINT32;
}

static gboolean
parse_range (TaubeImapSequenceSet *set,
             const char          **p)
{
  guint32 first;
  guint32 last;

  if (!parse_number (p, &first))
    return FALSE;
  last = first;
  if (**p == ':')
    {
      (*p)++;
      if (!parse_number (p, &last))
        return FALSE;
    }
  taube_imap_sequence_set_add_range (set, first, last);
  return TRUE;
}

/**
 * taube_imap_sequence_set_parse:
 * @text: a sequence set such as "1:5,7,9:*"
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the set, or %NULL with %TAUBE_IMAP_ERROR_PROTOCOL
 */
TaubeImapSequenceSet *
taube_imap_sequence_set_parse (const char  *text,
                               GError     **error)
{
  g_autoptr(TaubeImapSequenceSet) set = taube_imap_sequence_set_new ();
  const char *p = text;

  g_return_val_if_fail (text != NULL, NULL);

  for (;;)
    {
      if (!parse_range (set, &p))
        break;
      if (*p == '\0')
        return g_steal_pointer (&set);
      if (*p != ',')
        break;
      p++;
    }
  g_set_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL,
               "Malformed IMAP sequence set \"%s\" at byte %d", text, (int) (p - text));
  return NULL;
}

/**
 * taube_imap_sequence_set_new_from_value:
 * @value: (nullable): an atom such as 1:5,7 or a number such as 7, as in VANISHED or
 *   COPYUID
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the set, or %NULL with %TAUBE_IMAP_ERROR_PROTOCOL
 */
TaubeImapSequenceSet *
taube_imap_sequence_set_new_from_value (const TaubeImapValue  *value,
                                        GError               **error)
{
  TaubeImapValueKind kind = TAUBE_IMAP_VALUE_NIL;

  if (value != NULL)
    kind = taube_imap_value_get_kind (value);
  if (kind != TAUBE_IMAP_VALUE_ATOM && kind != TAUBE_IMAP_VALUE_NUMBER)
    {
      g_set_error_literal (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL,
                           "Malformed IMAP sequence set: not an atom");
      return NULL;
    }
  return taube_imap_sequence_set_parse (taube_imap_value_get_astring (value, NULL), error);
}

static int
compare_u32 (const void *a,
             const void *b)
{
  guint32 x = *(const guint32 *) a;
  guint32 y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

/**
 * taube_imap_sequence_set_new_from_array:
 * @numbers: (array length=n_numbers): UIDs or message numbers in any order; 0 is skipped
 * @n_numbers: how many
 *
 * Returns: (transfer full): the smallest set that holds exactly @numbers, ranges ascending
 */
TaubeImapSequenceSet *
taube_imap_sequence_set_new_from_array (const guint32 *numbers,
                                        gsize          n_numbers)
{
  TaubeImapSequenceSet *set = taube_imap_sequence_set_new ();
  g_autofree guint32 *sorted = NULL;

  g_return_val_if_fail (numbers != NULL || n_numbers == 0, set);

  sorted = g_memdup2 (numbers, n_numbers * sizeof (guint32));
  if (n_numbers > 1)
    qsort (sorted, n_numbers, sizeof (guint32), compare_u32);
  for (gsize i = 0; i < n_numbers; i++)
    if (sorted[i] != 0)
      taube_imap_sequence_set_add_range (set, sorted[i], sorted[i]);
  return set;
}

/**
 * taube_imap_sequence_set_get_n_ranges:
 * @set: a set
 *
 * Returns: how many ranges the set has after merging
 */
guint
taube_imap_sequence_set_get_n_ranges (const TaubeImapSequenceSet *set)
{
  g_return_val_if_fail (set != NULL, 0);

  return set->ranges->len;
}

/**
 * taube_imap_sequence_set_get_range:
 * @set: a set
 * @index: which range, from 0
 * @first: (out) (optional): its lowest number
 * @last: (out) (optional): its highest number, possibly %TAUBE_IMAP_SEQUENCE_STAR
 */
void
taube_imap_sequence_set_get_range (const TaubeImapSequenceSet *set,
                                   guint                       index,
                                   guint32                    *first,
                                   guint32                    *last)
{
  const Range *range;

  g_return_if_fail (set != NULL);
  g_return_if_fail (index < set->ranges->len);

  range = &g_array_index (set->ranges, Range, index);
  if (first != NULL)
    *first = range->first;
  if (last != NULL)
    *last = range->last;
}

/**
 * taube_imap_sequence_set_contains:
 * @set: a set
 * @number: a number
 *
 * Returns: whether @number is in @set; "*" is taken literally as the largest number
 */
gboolean
taube_imap_sequence_set_contains (const TaubeImapSequenceSet *set,
                                  guint32                     number)
{
  g_return_val_if_fail (set != NULL, FALSE);

  for (guint i = 0; i < set->ranges->len; i++)
    {
      const Range *range = &g_array_index (set->ranges, Range, i);

      if (number >= range->first && number <= range->last)
        return TRUE;
    }
  return FALSE;
}

/**
 * taube_imap_sequence_set_get_count:
 * @set: a set
 *
 * Returns: how many numbers the ranges span, "*" counting as 4294967295
 */
guint64
taube_imap_sequence_set_get_count (const TaubeImapSequenceSet *set)
{
  guint64 count = 0;

  g_return_val_if_fail (set != NULL, 0);

  for (guint i = 0; i < set->ranges->len; i++)
    {
      const Range *range = &g_array_index (set->ranges, Range, i);

      count += (guint64) range->last - range->first + 1;
    }
  return count;
}

/**
 * taube_imap_sequence_set_to_array:
 * @set: a set
 * @max: the most numbers the caller accepts
 * @error: return location for a #GError
 *
 * Expands the set in its order, e.g. to pair COPYUID's source and destination UIDs.
 * A server can name four billion UIDs in ten bytes, so @max is required.
 *
 * Returns: (transfer full) (element-type guint32) (nullable): the numbers, or %NULL with
 *   %TAUBE_IMAP_ERROR_TOO_BIG if there are more than @max
 */
GArray *
taube_imap_sequence_set_to_array (const TaubeImapSequenceSet  *set,
                                  gsize                        max,
                                  GError                     **error)
{
  guint64 count;
  GArray *numbers;

  g_return_val_if_fail (set != NULL, NULL);

  count = taube_imap_sequence_set_get_count (set);
  if (count > max)
    {
      g_set_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_TOO_BIG,
                   "IMAP sequence set of %" G_GUINT64_FORMAT " numbers is over the limit of %"
                   G_GSIZE_FORMAT, count, max);
      return NULL;
    }
  numbers = g_array_sized_new (FALSE, FALSE, sizeof (guint32), (guint) count);
  for (guint i = 0; i < set->ranges->len; i++)
    {
      const Range *range = &g_array_index (set->ranges, Range, i);

      for (guint64 n = range->first; n <= range->last; n++)
        {
          guint32 number = (guint32) n;

          g_array_append_val (numbers, number);
        }
    }
  return numbers;
}

static void
append_number (GString *out,
               guint32  number)
{
  if (number == TAUBE_IMAP_SEQUENCE_STAR)
    g_string_append_c (out, '*');
  else
    g_string_append_printf (out, "%u", number);
}

/**
 * taube_imap_sequence_set_to_string:
 * @set: a set
 *
 * Returns: (transfer full): the set in IMAP syntax, "" when empty
 */
char *
taube_imap_sequence_set_to_string (const TaubeImapSequenceSet *set)
{
  GString *out;

  g_return_val_if_fail (set != NULL, NULL);

  out = g_string_new (NULL);
  for (guint i = 0; i < set->ranges->len; i++)
    {
      const Range *range = &g_array_index (set->ranges, Range, i);

      if (i > 0)
        g_string_append_c (out, ',');
      append_number (out, range->first);
      if (range->last != range->first)
        {
          g_string_append_c (out, ':');
          append_number (out, range->last);
        }
    }
  return g_string_free (out, FALSE);
}
