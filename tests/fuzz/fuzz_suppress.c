/*
 * fuzz_suppress.c - libFuzzer harness for suppression comments: the input
 * goes to the comment parser ml_suppression_parse (src/source/suppress.h) as it is,
 * after "-- migralint-ignore " and inside a block comment, and is then
 * linted as the directive of a file:
 *   "-- migralint-ignore <input>\nALTER TABLE t DROP COLUMN c;\n"
 * (and the same with migralint-ignore-file, a trailing comment and squawk's
 * squawk-ignore and squawk-ignore-file), so the engine's handling of the
 * rules it names (unknown, unused and squawk's ones included) runs too.
 */
#include "fuzz_common.h"
#include "arena.h"
#include "migralint/migralint.h"
#include "suppress.h"

static void check_parse(ml_arena *arena, const char *comment, size_t len)
{
	ml_suppression s;
	if (!ml_suppression_parse(arena, comment, len, &s))
		return;
	FUZZ_CHECK(s.n_rules == 0 || (s.rules != NULL && s.rule_at != NULL));
	for (size_t i = 0; i < s.n_rules; i++) {
		FUZZ_CHECK(s.rules[i] != NULL);
		/* each name lies inside the comment, as written */
		FUZZ_CHECK(s.rule_at[i] + strlen(s.rules[i]) <= len);
		FUZZ_CHECK(!memcmp(comment + s.rule_at[i], s.rules[i], strlen(s.rules[i])));
	}
	FUZZ_CHECK(!s.all_rules || (s.whole_file && s.n_rules == 0));
}

static char *concat3(const char *a, const char *b, size_t b_len, const char *c, size_t *out_len)
{
	size_t a_len = strlen(a), c_len = strlen(c);
	char *s = malloc(a_len + b_len + c_len + 1);
	FUZZ_CHECK(s != NULL);
	memcpy(s, a, a_len);
	memcpy(s + a_len, b, b_len);
	memcpy(s + a_len + b_len, c, c_len + 1);
	*out_len = a_len + b_len + c_len;
	return s;
}

static void lint(const char *sql, size_t len)
{
	ml_options opts;
	ml_options_init(&opts);
	ml_run *run = ml_run_new(&opts);
	FUZZ_CHECK(run != NULL);
	FUZZ_CHECK(ml_run_lint_buffer(run, "suppress.sql", sql, len) == 0);
	fuzz_check_diagnostics(run);
	fuzz_write_report(run, ML_FORMAT_JSON, false);
	ml_run_free(run);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	ml_arena *arena = ml_arena_new();
	FUZZ_CHECK(arena != NULL);
	size_t len;
	char *s;

	check_parse(arena, in, size);
	s = concat3("-- migralint-ignore ", in, size, "", &len);
	check_parse(arena, s, len);
	free(s);
	s = concat3("/* migralint-ignore-file ", in, size, " */", &len);
	check_parse(arena, s, len);
	free(s);
	s = concat3("-- squawk-ignore ", in, size, "", &len);
	check_parse(arena, s, len);
	free(s);
	s = concat3("/* squawk-ignore-file ", in, size, " */", &len);
	check_parse(arena, s, len);
	free(s);
	ml_arena_free(arena);

	s = concat3("-- migralint-ignore ", in, size, "\nALTER TABLE t DROP COLUMN c;\n", &len);
	lint(s, len);
	free(s);
	s = concat3("-- migralint-ignore-file ", in, size, "\nDROP TABLE t;\nALTER TABLE t DROP COLUMN c;\n", &len);
	lint(s, len);
	free(s);
	s = concat3("ALTER TABLE t DROP COLUMN c; /* migralint-ignore ", in, size, " */\n", &len);
	lint(s, len);
	free(s);
	s = concat3("-- squawk-ignore ", in, size, "\nALTER TABLE t DROP COLUMN c;\n", &len);
	lint(s, len);
	free(s);
	s = concat3("-- squawk-ignore-file ", in, size, "\nDROP TABLE t;\n", &len);
	lint(s, len);
	free(s);
	return 0;
}
