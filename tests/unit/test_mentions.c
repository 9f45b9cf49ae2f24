/*
 * test_mentions.c - ml_file_mentions_from (src/rule_api/rule_fix.c) with
 * the file's memo, as the engine passes it, answers exactly as a fresh read
 * from each statement: over a generated file with matches near and far
 * past the 64 KiB look ahead, asked in order, backwards and at random, for
 * a static phrase list, the same phrases in a new array each time (rules
 * build one per statement), and more lists than the memo keeps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "rule.h"
#include "rule_fix.h"
#include "unit.h"

static char *make_text(size_t len, const size_t *at, const char *const *words, size_t n)
{
	char *text = malloc(len + 1);
	ck_assert_ptr_nonnull(text);
	for (size_t i = 0; i < len; i++)
		text[i] = (i % 61 == 60) ? '\n' : "abcdefg hijk;"[i % 13];
	text[len] = '\0';
	for (size_t k = 0; k < n; k++) {
		text[at[k] - 1] = ' ';
		memcpy(text + at[k], words[k], strlen(words[k]));
		text[at[k] + strlen(words[k])] = ' ';
	}
	return text;
}

static bool fresh_answer(const char *text, size_t from, const char *const *phrases, size_t n)
{
	ml_stmt_ctx ctx = { .span = { .text = text, .loc_base = from, .exact = true } };
	return ml_file_mentions_from(&ctx, 0, phrases, n);
}

START_TEST(memo_answers_as_a_fresh_read)
{
	const size_t len = 400000;
	const size_t at[] = { 1000, 70000, 71000, 250000, 399000 };
	const char *const words[] = { "CONCURRENTLY", "index", "Validate", "concurrently", "index" };
	char *text = make_text(len, at, words, 5);
	static const char *const CONCURRENT[] = { "concurrently", "index" };
	static const char *const VALIDATE[] = { "validate" };
	static const char *const NONE[] = { "reindex" };
	static const char *const OTHER[][1] = { { "hijk" }, { "abc" }, { "efg" } };
	static const char *const NAMES[][1] = { { "abcdefg" }, { "index" },	{ "validate" }, { "concurrently" },
						{ "hij" },     { "cdefg" },	{ "nosuch" },	{ "g" },
						{ "hijk;" },   { "abcdefg hijk" } };
	ml_arena *memo_arena = ml_arena_new();
	ml_text_mentions mentions = { 0 };
	ml_stmt_ctx ctx = { .span = { .text = text, .exact = true }, .arena = memo_arena, .mentions = &mentions };
	size_t checked = 0, yes = 0;
	unsigned seed = 7;
	for (size_t step = 0; step < 3000; step++) {
		size_t from;
		if (step < 1500)
			from = step * 263; /* in order, as the engine asks */
		else {
			seed = seed * 1103515245u + 12345u;
			from = (seed >> 4) % len; /* anywhere */
		}
		const char *fresh[2] = { "concurrently", "index" }; /* a new array, same phrases */
		/* Names asked once or twice, as a rule asks a column's: with the
		 * lists above, more than the memo keeps (ML_MENTION_MEMOS), so
		 * memos are replaced and made again further on. */
		const char *const *name = NAMES[(step * 7) % (sizeof(NAMES) / sizeof(NAMES[0]))];
		const char *const *lists[] = { CONCURRENT, fresh, VALIDATE, NONE, OTHER[step % 3], name };
		size_t sizes[] = { 2, 2, 1, 1, 1, 1 };
		for (size_t l = 0; l < 6; l++) {
			ctx.span.loc_base = from;
			bool got = ml_file_mentions_from(&ctx, 0, lists[l], sizes[l]);
			bool want = fresh_answer(text, from, lists[l], sizes[l]);
			ck_assert_msg(got == want, "from %zu, list %zu: %d, a fresh read says %d", from, l, got, want);
			checked++;
			yes += got;
		}
	}
	/* Both answers occur: near a match, and far from any near the end. */
	ck_assert_uint_gt(yes, 100);
	ck_assert_uint_gt(checked - yes, 100);
	ml_arena_free(memo_arena);
	free(text);
}
END_TEST

Suite *mentions_suite(void)
{
	Suite *s = suite_create("mentions");
	TCase *tc = tcase_create("mentions");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, memo_answers_as_a_fresh_read);
	suite_add_tcase(s, tc);
	return s;
}
