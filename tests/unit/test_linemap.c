/*
 * test_linemap.c - byte offsets to 1-based line and character column, line
 * bounds, and the UTF-8 helpers (src/source/linemap.c).
 */
#include <string.h>

#include "linemap.h"
#include "unit.h"

/* Builds a map of the NUL-terminated text s. */
static ml_line_map map_of(const char *s)
{
	ml_line_map map;
	ml_line_map_init(&map, arena, s, strlen(s));
	return map;
}

#define ck_assert_pos(map, offset, want_line, want_col)                                          \
	do {                                                                                       \
		int line_ = -1, col_ = -1;                                                         \
		ml_line_map_position(&(map), (offset), &line_, &col_);                             \
		ck_assert_msg(line_ == (want_line) && col_ == (want_col),                          \
			      "offset %zu: got %d:%d, want %d:%d", (size_t)(offset), line_, col_,  \
			      (want_line), (want_col));                                            \
	} while (0)

/* ---- ml_line_map_init / ml_line_map_position ----------------------------- */

START_TEST(position_ascii_lines)
{
	ml_line_map map = map_of("ab\ncd\n");
	ck_assert_uint_eq(map.n_lines, 3);
	ck_assert_uint_eq(map.line_starts[0], 0);
	ck_assert_uint_eq(map.line_starts[1], 3);
	ck_assert_uint_eq(map.line_starts[2], 6);
	ck_assert_pos(map, 0, 1, 1);
	ck_assert_pos(map, 1, 1, 2);
	ck_assert_pos(map, 2, 1, 3); /* the newline itself belongs to line 1 */
	ck_assert_pos(map, 3, 2, 1);
	ck_assert_pos(map, 4, 2, 2);
	ck_assert_pos(map, 6, 3, 1); /* end of text, after the final newline */
}
END_TEST

START_TEST(position_counts_utf8_characters)
{
	/* "xé y": x at 0, é at 1-2, space at 3, y at 4 */
	ml_line_map map = map_of("x\xC3\xA9 y\nz\xE2\x82\xAC\xF0\x9F\x98\x80w");
	ck_assert_pos(map, 0, 1, 1);
	ck_assert_pos(map, 1, 1, 2);
	ck_assert_pos(map, 3, 1, 3); /* é is one column */
	ck_assert_pos(map, 4, 1, 4);
	/* line 2: z(6) €(7-9) 😀(10-13) w(14) */
	ck_assert_pos(map, 6, 2, 1);
	ck_assert_pos(map, 7, 2, 2);
	ck_assert_pos(map, 10, 2, 3);
	ck_assert_pos(map, 14, 2, 4);
	ck_assert_pos(map, 15, 2, 5); /* end of text */
}
END_TEST

START_TEST(position_invalid_bytes_count_as_characters)
{
	/* a(0) FF(1) 80(2) b(3): the invalid lead byte 0xFF counts as one
	 * character, the stray continuation byte 0x80 starts none. */
	ml_line_map map = map_of("a\xFF\x80" "b\n");
	ck_assert_pos(map, 2, 1, 3);
	ck_assert_pos(map, 3, 1, 3);
	ck_assert_pos(map, 4, 1, 4);
}
END_TEST

START_TEST(position_empty_text)
{
	ml_line_map map = map_of("");
	ck_assert_uint_eq(map.n_lines, 1);
	ck_assert_pos(map, 0, 1, 1);
	ck_assert_pos(map, 10, 1, 1); /* clamped */
	ck_assert_uint_eq(ml_line_map_line_start(&map, 1), 0);
	ck_assert_uint_eq(ml_line_map_line_end(&map, 1), 0);
}
END_TEST

START_TEST(position_crlf)
{
	ml_line_map map = map_of("ab\r\ncd\r\n");
	ck_assert_uint_eq(map.n_lines, 3);
	ck_assert_pos(map, 1, 1, 2);
	ck_assert_pos(map, 4, 2, 1);
	ck_assert_pos(map, 5, 2, 2);
	ck_assert_pos(map, 8, 3, 1);
	ck_assert_uint_eq(ml_line_map_line_start(&map, 2), 4);
	ck_assert_uint_eq(ml_line_map_line_end(&map, 1), 2); /* before the \r */
	ck_assert_uint_eq(ml_line_map_line_end(&map, 2), 6);
}
END_TEST

START_TEST(position_lone_cr)
{
	/* PostgreSQL's scanner ends a line (and a -- comment) at a lone
	 * carriage return: a file with CR-only line endings has lines too. */
	ml_line_map map = map_of("ab\rcd\ref");
	ck_assert_uint_eq(map.n_lines, 3);
	ck_assert_pos(map, 1, 1, 2);
	ck_assert_pos(map, 2, 1, 3); /* the \r belongs to line 1 */
	ck_assert_pos(map, 3, 2, 1);
	ck_assert_pos(map, 6, 3, 1);
	ck_assert_pos(map, 8, 3, 3);
	ck_assert_uint_eq(ml_line_map_line_start(&map, 2), 3);
	ck_assert_uint_eq(ml_line_map_line_end(&map, 1), 2);
	ck_assert_uint_eq(ml_line_map_line_end(&map, 2), 5);
	ck_assert_uint_eq(ml_line_map_line_end(&map, 3), 8);
}
END_TEST

START_TEST(position_mixed_line_breaks)
{
	/* \n, \r\n and a lone \r each end one line; \r\r is two. */
	const char *t = "a\nb\r\nc\rd\r\re";
	ml_line_map map = map_of(t);
	ck_assert_uint_eq(map.n_lines, 6);
	static const size_t starts[] = { 0, 2, 5, 7, 9, 10 };
	for (size_t i = 0; i < 6; i++)
		ck_assert_uint_eq(map.line_starts[i], starts[i]);
	ck_assert_uint_eq(ml_line_map_line_end(&map, 2), 3); /* before the \r of \r\n */
	ck_assert_uint_eq(ml_line_map_line_end(&map, 3), 6);
	ck_assert_uint_eq(ml_line_map_line_end(&map, 5), 9); /* an empty line */
	ck_assert_uint_eq(ml_line_map_line_end(&map, 6), 11);
	ck_assert_pos(map, 10, 6, 1);
	ck_assert_uint_eq(ml_line_map_start_of_line_at(&map, 8), 7);
}
END_TEST

START_TEST(position_no_trailing_newline)
{
	ml_line_map map = map_of("a\nbc");
	ck_assert_uint_eq(map.n_lines, 2);
	ck_assert_pos(map, 2, 2, 1);
	ck_assert_pos(map, 4, 2, 3); /* end of text */
	ck_assert_pos(map, 99, 2, 3); /* clamped to the end */
	ck_assert_uint_eq(ml_line_map_line_end(&map, 2), 4);
}
END_TEST

START_TEST(position_not_nul_terminated)
{
	/* The map uses len, not the NUL: text past len is not seen. */
	const char *s = "a\nb\nc";
	ml_line_map map;
	ml_line_map_init(&map, arena, s, 3);
	ck_assert_uint_eq(map.n_lines, 2);
	ck_assert_pos(map, 5, 2, 2); /* clamped to len 3 */
}
END_TEST

START_TEST(position_memo_matches_a_fresh_count)
{
	/* Queries jump back and forth over long lines with multi-byte and
	 * invalid bytes: each answer must be what a map with no memory says. */
	char text[6000];
	size_t len = 0;
	static const char *const pieces[] = { "SELECT 1; ", "\xC3\xA9", "\xF0\x9F\x98\x80", "\xFF", "\n" };
	for (unsigned i = 0; len + 8 < sizeof(text); i = i * 7 + 3)
		for (const char *p = pieces[i % 5 == 4 && i % 3 ? 0 : i % 5]; *p; p++)
			text[len++] = *p;
	text[len] = '\0';
	ml_line_map map;
	ml_line_map_init(&map, arena, text, len);
	ck_assert_uint_gt(map.n_lines, 2);
	size_t offset = 0;
	for (unsigned k = 0; k < 3000; k++) {
		offset = (offset * 1103515245u + 12345u + k) % (len + 1);
		for (size_t step = 0; step < 3; step++) {
			size_t at = offset + step * 7 > len ? len : offset + step * 7;
			ml_line_map fresh;
			ml_line_map_init(&fresh, arena, text, len);
			int line, column, want_line, want_column;
			ml_line_map_position(&map, at, &line, &column);
			ml_line_map_position(&fresh, at, &want_line, &want_column);
			ck_assert_msg(line == want_line && column == want_column, "offset %zu: got %d:%d, want %d:%d", at,
				      line, column, want_line, want_column);
		}
	}
	ck_assert_uint_eq(ml_line_map_start_of_line_at(&map, len), map.line_starts[map.n_lines - 1]);
}
END_TEST

/* ---- ml_line_map_line_start / line_end ----------------------------------- */

START_TEST(line_start_and_end)
{
	ml_line_map map = map_of("one\n\nthree\n");
	ck_assert_uint_eq(ml_line_map_line_start(&map, 1), 0);
	ck_assert_uint_eq(ml_line_map_line_end(&map, 1), 3);
	ck_assert_uint_eq(ml_line_map_line_start(&map, 2), 4); /* empty line */
	ck_assert_uint_eq(ml_line_map_line_end(&map, 2), 4);
	ck_assert_uint_eq(ml_line_map_line_start(&map, 3), 5);
	ck_assert_uint_eq(ml_line_map_line_end(&map, 3), 10);
	ck_assert_uint_eq(ml_line_map_line_start(&map, 4), 11); /* after the last newline */
	ck_assert_uint_eq(ml_line_map_line_end(&map, 4), 11);
}
END_TEST

START_TEST(line_start_clamps)
{
	ml_line_map map = map_of("one\ntwo");
	ck_assert_uint_eq(ml_line_map_line_start(&map, 0), 0);
	ck_assert_uint_eq(ml_line_map_line_start(&map, -5), 0);
	ck_assert_uint_eq(ml_line_map_line_start(&map, 3), 4);
	ck_assert_uint_eq(ml_line_map_line_start(&map, 1000), 4);
	ck_assert_uint_eq(ml_line_map_line_end(&map, 1000), 7);
}
END_TEST

/* ---- ml_utf8_first_invalid ------------------------------------------------ */

static size_t first_invalid(const char *s)
{
	return ml_utf8_first_invalid(s, strlen(s));
}

START_TEST(utf8_valid)
{
	ck_assert_uint_eq(first_invalid(""), 0);
	ck_assert_uint_eq(first_invalid("SELECT 1;"), 9);
	ck_assert_uint_eq(first_invalid("\xC3\xA9"), 2);                 /* é, 2 bytes */
	ck_assert_uint_eq(first_invalid("\xE2\x82\xAC"), 3);             /* €, 3 bytes */
	ck_assert_uint_eq(first_invalid("\xF0\x9F\x98\x80"), 4);         /* 😀, 4 bytes */
	ck_assert_uint_eq(first_invalid("a\xC3\xA9z\xE2\x82\xAC\xF0\x9F\x98\x80!"), 12);
	ck_assert_uint_eq(first_invalid("\xC2\x80"), 2);                 /* U+0080, smallest 2-byte */
	ck_assert_uint_eq(first_invalid("\xEF\xBF\xBF"), 3);             /* U+FFFF */
	ck_assert_uint_eq(first_invalid("\xED\x9F\xBF"), 3);             /* U+D7FF, just below surrogates */
	ck_assert_uint_eq(first_invalid("\xF4\x8F\xBF\xBF"), 4);         /* U+10FFFF, the last */
}
END_TEST

START_TEST(utf8_overlong)
{
	ck_assert_uint_eq(first_invalid("\xC0\x80"), 0);
	ck_assert_uint_eq(first_invalid("ab\xC1\xBF"), 2);
	ck_assert_uint_eq(first_invalid("\xE0\x80\xAF"), 0);     /* '/' in 3 bytes */
	ck_assert_uint_eq(first_invalid("\xE0\x9F\xBF"), 0);     /* U+07FF in 3 bytes */
	ck_assert_uint_eq(first_invalid("x\xF0\x80\x80\x80"), 1);
	ck_assert_uint_eq(first_invalid("\xF0\x8F\xBF\xBF"), 0); /* U+FFFF in 4 bytes */
}
END_TEST

START_TEST(utf8_surrogates_and_out_of_range)
{
	ck_assert_uint_eq(first_invalid("\xED\xA0\x80"), 0);     /* U+D800 */
	ck_assert_uint_eq(first_invalid("ok\xED\xBF\xBF"), 2);   /* U+DFFF */
	ck_assert_uint_eq(first_invalid("\xF4\x90\x80\x80"), 0); /* U+110000 */
	ck_assert_uint_eq(first_invalid("\xF5\x80\x80\x80"), 0);
	ck_assert_uint_eq(first_invalid("\xFF"), 0);
	ck_assert_uint_eq(first_invalid("\xFE"), 0);
}
END_TEST

START_TEST(utf8_truncated)
{
	ck_assert_uint_eq(first_invalid("ab\xC3"), 2);
	ck_assert_uint_eq(first_invalid("ab\xE2\x82"), 2);
	ck_assert_uint_eq(first_invalid("ab\xF0\x9F\x98"), 2);
	/* cut short by an ASCII byte rather than by the end */
	ck_assert_uint_eq(first_invalid("\xE2\x82" "a"), 0);
	ck_assert_uint_eq(first_invalid("\xC3 "), 0);
	/* a complete sequence cut by len */
	ck_assert_uint_eq(ml_utf8_first_invalid("x\xC3\xA9", 2), 1);
}
END_TEST

START_TEST(utf8_stray_continuation)
{
	ck_assert_uint_eq(first_invalid("a\x80" "b"), 1);
	ck_assert_uint_eq(first_invalid("\xBF"), 0);
	ck_assert_uint_eq(first_invalid("\xC3\xA9\xA9"), 2); /* one continuation too many */
}
END_TEST

START_TEST(utf8_nul_is_valid)
{
	/* NUL is valid UTF-8; the engine rejects it separately. */
	ck_assert_uint_eq(ml_utf8_first_invalid("a\0b", 3), 3);
}
END_TEST

/* ---- ml_utf8_char_to_byte ------------------------------------------------- */

START_TEST(char_to_byte)
{
	/* a(0) é(1-2) €(3-5) b(6) 😀(7-10) */
	const char *s = "a\xC3\xA9\xE2\x82\xAC" "b\xF0\x9F\x98\x80";
	size_t len = strlen(s);
	ck_assert_uint_eq(len, 11);
	ck_assert_uint_eq(ml_utf8_char_to_byte(s, len, 1), 0);
	ck_assert_uint_eq(ml_utf8_char_to_byte(s, len, 2), 1);
	ck_assert_uint_eq(ml_utf8_char_to_byte(s, len, 3), 3);
	ck_assert_uint_eq(ml_utf8_char_to_byte(s, len, 4), 6);
	ck_assert_uint_eq(ml_utf8_char_to_byte(s, len, 5), 7);
	ck_assert_uint_eq(ml_utf8_char_to_byte(s, len, 6), len); /* past the end: clamped */
	ck_assert_uint_eq(ml_utf8_char_to_byte(s, len, 100), len);
	ck_assert_uint_eq(ml_utf8_char_to_byte(s, len, 0), 0);
	ck_assert_uint_eq(ml_utf8_char_to_byte(s, len, -3), 0);
	ck_assert_uint_eq(ml_utf8_char_to_byte("", 0, 2), 0);
}
END_TEST

START_TEST(char_to_byte_round_trips_with_position)
{
	/* The column of the byte found for character k is k, on one line. */
	const char *s = "\xC3\xA9t\xC3\xA9 \xE2\x82\xAC;";
	size_t len = strlen(s);
	ml_line_map map;
	ml_line_map_init(&map, arena, s, len);
	for (int k = 1; k <= 6; k++) {
		size_t b = ml_utf8_char_to_byte(s, len, k);
		int line, col;
		ml_line_map_position(&map, b, &line, &col);
		ck_assert_int_eq(line, 1);
		ck_assert_int_eq(col, k);
	}
}
END_TEST

Suite *linemap_suite(void)
{
	Suite *s = suite_create("linemap");
	TCase *tc = tcase_create("position");
	tcase_add_checked_fixture(tc, arena_setup, arena_teardown);
	tcase_add_test(tc, position_ascii_lines);
	tcase_add_test(tc, position_counts_utf8_characters);
	tcase_add_test(tc, position_invalid_bytes_count_as_characters);
	tcase_add_test(tc, position_empty_text);
	tcase_add_test(tc, position_crlf);
	tcase_add_test(tc, position_lone_cr);
	tcase_add_test(tc, position_mixed_line_breaks);
	tcase_add_test(tc, position_no_trailing_newline);
	tcase_add_test(tc, position_not_nul_terminated);
	tcase_add_test(tc, line_start_and_end);
	tcase_add_test(tc, line_start_clamps);
	suite_add_tcase(s, tc);

	tc = tcase_create("utf8");
	tcase_add_checked_fixture(tc, arena_setup, arena_teardown);
	tcase_add_test(tc, utf8_valid);
	tcase_add_test(tc, utf8_overlong);
	tcase_add_test(tc, utf8_surrogates_and_out_of_range);
	tcase_add_test(tc, utf8_truncated);
	tcase_add_test(tc, utf8_stray_continuation);
	tcase_add_test(tc, utf8_nul_is_valid);
	tcase_add_test(tc, char_to_byte);
	tcase_add_test(tc, char_to_byte_round_trips_with_position);
	tcase_add_test(tc, position_memo_matches_a_fresh_count);
	suite_add_tcase(s, tc);
	return s;
}
