/*
 * fuzz_plpgsql.c - libFuzzer harness for the PL/pgSQL path: the input is
 * linted as the body of a DO block, of a CREATE FUNCTION ... LANGUAGE
 * plpgsql and of a CREATE PROCEDURE, each time between dollar quotes whose
 * tag does not occur in the input, so the body reaches the PL/pgSQL parser
 * and the rules that walk it instead of ending early.
 */
#define _GNU_SOURCE /* memmem */
#include "fuzz_common.h"
#include "migralint/migralint.h"

/* Writes into tag (at least 32 bytes) a dollar-quote delimiter that does not
 * occur in body: "$$", then "$f$", "$f0$", "$f1$", ... */
static void pick_tag(const char *body, size_t len, char *tag)
{
	strcpy(tag, "$$");
	if (!memmem(body, len, tag, 2))
		return;
	strcpy(tag, "$f$");
	for (unsigned i = 0; memmem(body, len, tag, strlen(tag)); i++)
		snprintf(tag, 32, "$f%u$", i);
}

/* Lints prefix TAG body TAG suffix as one file, with the given settings,
 * and writes the JSON and text reports. */
static void lint_wrapped(const char *prefix, const char *body, size_t len, const char *tag,
			 const char *suffix, int pg_major, bool in_transaction)
{
	size_t tag_len = strlen(tag), pre_len = strlen(prefix), suf_len = strlen(suffix);
	size_t total = pre_len + 2 * tag_len + len + suf_len;
	char *sql = malloc(total);
	FUZZ_CHECK(sql != NULL);
	char *p = sql;
	memcpy(p, prefix, pre_len), p += pre_len;
	memcpy(p, tag, tag_len), p += tag_len;
	memcpy(p, body, len), p += len;
	memcpy(p, tag, tag_len), p += tag_len;
	memcpy(p, suffix, suf_len);

	ml_options opts;
	ml_options_init(&opts);
	opts.pg_major = pg_major;
	opts.assume_in_transaction = in_transaction;
	opts.record_statements = true;
	fuzz_include_opt_in_rules(&opts);
	ml_run *run = ml_run_new(&opts);
	FUZZ_CHECK(run != NULL);
	FUZZ_CHECK(ml_run_lint_buffer(run, "plpgsql.sql", sql, total) == 0);
	fuzz_check_diagnostics(run);
	fuzz_write_report(run, ML_FORMAT_JSON, false);
	fuzz_write_report(run, ML_FORMAT_TEXT, false);
	ml_run_free(run);
	free(sql);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	char tag[32];
	pick_tag(body, size, tag);

	/* Outside a transaction a DO block may COMMIT (PostgreSQL 11+). */
	lint_wrapped("DO ", body, size, tag, ";\n", 15, false);
	lint_wrapped("BEGIN;\nCREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS ", body, size, tag,
		     ";\nCOMMIT;\n", 11, false);
	lint_wrapped("CREATE PROCEDURE p(n int) LANGUAGE plpgsql AS ", body, size, tag,
		     ";\nCALL p(1);\n", 17, true);
	return 0;
}
