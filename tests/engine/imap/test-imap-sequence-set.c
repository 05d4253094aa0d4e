/* test-imap-sequence-set.c — parsing, formatting and compressing sequence sets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "taube-imap-error.h"
#include "taube-imap-sequence-set.h"

#include "imap-test-util.h"

static void
assert_round_trip (const char *text,
                   const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeImapSequenceSet) set = taube_imap_sequence_set_parse (text, &error);
  g_autofree char *formatted = NULL;

  g_assert_no_error (error);
  formatted = taube_imap_sequence_set_to_string (set);
  g_assert_cmpstr (formatted, ==, expected);
}

static void
test_parse_format (void)
{
  assert_round_trip ("1", "1");
  assert_round_trip ("1:5,7,9:*", "1:5,7,9:*");
  assert_round_trip ("*", "*");
  assert_round_trip ("*:4", "4:*");
  /* RFC 9051 §9: 4:2 is the same as 2:4. */
  assert_round_trip ("4:2", "2:4");
  /* Ranges that continue one another merge; others keep their order (RFC 4315 COPYUID). */
  assert_round_trip ("1,2,3,5:6,7", "1:3,5:7");
  assert_round_trip ("304,319:320", "304,319:320");
  assert_round_trip ("10,1:3", "10,1:3");
  assert_round_trip ("1:10,5:7", "1:10");
  assert_round_trip ("41,43:116,118,120:211,214:540", "41,43:116,118,120:211,214:540");
  assert_round_trip ("4294967294", "4294967294");
}

static void
test_parse_invalid (void)
{
  const char *bad[] = {
    "", ",", "1,", ",1", "1:", ":1", "0", "1:0", "a", "1 2", "1;2", "-1",
    "4294967296", "99999999999999999999", "1::2", "1:2:3", "**",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TaubeImapSequenceSet) set = taube_imap_sequence_set_parse (bad[i], &error);

      g_assert_null (set);
      g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL);
    }
}

static void
test_from_array (void)
{
  static const guint32 uids[] = { 9, 3, 1, 2, 0, 5, 7, 3, 8, 4294967294, 10 };
  g_autoptr(TaubeImapSequenceSet) set =
    taube_imap_sequence_set_new_from_array (uids, G_N_ELEMENTS (uids));
  g_autoptr(TaubeImapSequenceSet) empty = taube_imap_sequence_set_new_from_array (NULL, 0);
  g_autofree char *text = taube_imap_sequence_set_to_string (set);
  g_autofree char *nothing = taube_imap_sequence_set_to_string (empty);
  guint32 first = 0;
  guint32 last = 0;

  g_assert_cmpstr (text, ==, "1:3,5,7:10,4294967294");
  g_assert_cmpstr (nothing, ==, "");
  g_assert_cmpuint (taube_imap_sequence_set_get_n_ranges (set), ==, 4);
  taube_imap_sequence_set_get_range (set, 2, &first, &last);
  g_assert_cmpuint (first, ==, 7);
  g_assert_cmpuint (last, ==, 10);
  g_assert_cmpuint (taube_imap_sequence_set_get_count (set), ==, 9);
  g_assert_cmpuint (taube_imap_sequence_set_get_count (empty), ==, 0);
}

static void
test_contains_and_expand (void)
{
  g_autoptr(TaubeImapSequenceSet) set = taube_imap_sequence_set_parse ("319:320,304,3:1", NULL);
  g_autoptr(TaubeImapSequenceSet) star = taube_imap_sequence_set_parse ("5:*", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) numbers = taube_imap_sequence_set_to_array (set, 100, &error);
  g_autoptr(GArray) too_many = NULL;
  static const guint32 expected[] = { 319, 320, 304, 1, 2, 3 };

  g_assert_no_error (error);
  g_assert_cmpmem (numbers->data, numbers->len * sizeof (guint32), expected, sizeof expected);
  g_assert_true (taube_imap_sequence_set_contains (set, 304));
  g_assert_true (taube_imap_sequence_set_contains (set, 2));
  g_assert_false (taube_imap_sequence_set_contains (set, 305));
  g_assert_false (taube_imap_sequence_set_contains (set, 0));
  g_assert_true (taube_imap_sequence_set_contains (star, TAUBE_IMAP_SEQUENCE_STAR));
  g_assert_true (taube_imap_sequence_set_contains (star, 100000));
  g_assert_false (taube_imap_sequence_set_contains (star, 4));

  /* "5:*" names four billion numbers; expanding it must be refused, not attempted. */
  too_many = taube_imap_sequence_set_to_array (star, 1000000, &error);
  g_assert_null (too_many);
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_TOO_BIG);
}

static void
test_add_range (void)
{
  g_autoptr(TaubeImapSequenceSet) set = taube_imap_sequence_set_new ();
  g_autofree char *text = NULL;

  taube_imap_sequence_set_add_range (set, 1, 1);
  taube_imap_sequence_set_add_range (set, 2, 4);
  taube_imap_sequence_set_add_range (set, 9, 6);
  taube_imap_sequence_set_add_range (set, 10, TAUBE_IMAP_SEQUENCE_STAR);
  taube_imap_sequence_set_add_range (set, TAUBE_IMAP_SEQUENCE_STAR, TAUBE_IMAP_SEQUENCE_STAR);
  text = taube_imap_sequence_set_to_string (set);
  g_assert_cmpstr (text, ==, "1:4,6:*");
}

/* The sets that VANISHED (RFC 7162 §3.2.10) and COPYUID (RFC 4315 §3) carry. */
static void
test_from_response (void)
{
  g_autoptr(TaubeImapResponse) vanished =
    imap_test_parse_one ("* VANISHED (EARLIER) 41,43:116,118,120:211,214:540\r\n");
  g_autoptr(TaubeImapResponse) single = imap_test_parse_one ("* VANISHED 405\r\n");
  g_autoptr(TaubeImapResponse) copyuid =
    imap_test_parse_one ("A004 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n");
  const TaubeImapValue *data = taube_imap_response_get_data (vanished);
  g_autoptr(TaubeImapSequenceSet) gone = NULL;
  g_autoptr(TaubeImapSequenceSet) one = NULL;
  g_autoptr(TaubeImapSequenceSet) source = NULL;
  g_autoptr(TaubeImapSequenceSet) dest = NULL;
  g_autoptr(TaubeImapSequenceSet) none = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (taube_imap_value_is_atom (
    taube_imap_value_get_item (taube_imap_value_get_item (data, 0), 0), "EARLIER"));
  gone = taube_imap_sequence_set_new_from_value (taube_imap_value_get_item (data, 1), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (taube_imap_sequence_set_get_count (gone), ==, 1 + 74 + 1 + 92 + 327);

  one = taube_imap_sequence_set_new_from_value (
    taube_imap_value_get_item (taube_imap_response_get_data (single), 0), &error);
  g_assert_no_error (error);
  g_assert_true (taube_imap_sequence_set_contains (one, 405));

  source = taube_imap_sequence_set_new_from_value (taube_imap_response_get_code_arg (copyuid, 1),
                                                   &error);
  dest = taube_imap_sequence_set_new_from_value (taube_imap_response_get_code_arg (copyuid, 2),
                                                 &error);
  g_assert_no_error (error);
  g_assert_cmpuint (taube_imap_sequence_set_get_count (source), ==,
                    taube_imap_sequence_set_get_count (dest));

  none = taube_imap_sequence_set_new_from_value (taube_imap_value_get_item (data, 0), &error);
  g_assert_null (none);
  g_assert_error (error, TAUBE_IMAP_ERROR, TAUBE_IMAP_ERROR_PROTOCOL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/imap/sequence-set/parse-format", test_parse_format);
  g_test_add_func ("/imap/sequence-set/parse-invalid", test_parse_invalid);
  g_test_add_func ("/imap/sequence-set/from-array", test_from_array);
  g_test_add_func ("/imap/sequence-set/contains-and-expand", test_contains_and_expand);
  g_test_add_func ("/imap/sequence-set/add-range", test_add_range);
  g_test_add_func ("/imap/sequence-set/from-response", test_from_response);

  return g_test_run ();
}
