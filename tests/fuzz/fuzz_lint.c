/*
 * fuzz_lint.c - libFuzzer harness for the library's lint entry point,
 * ml_run_lint_buffer, and every report format.
 *
 * Input layout:
 *   byte 0  options: bits 0-3 pick the PostgreSQL major (9 + n % 10, so
 *           9..18), bit 4 assume_in_transaction, bit 5 the opt-in rules,
 *           bits 6-7 the minor version (0, 1, 6 or 22);
 *   byte 1  report: bits 0-2 the format (text, json, locks, sarif, github,
 *           gitlab, gcc, markdown), bit 3 colour, bit 4 record_statements
 *           (always on for locks), bit 5 lint the SQL a second time under
 *           another path, bit 6 a display path full of characters the
 *           reports must escape, bit 7 fail on errors only;
 *   rest    the SQL, linted as one file.
 *
 * The engine parses with 3 threads; when the input may hold enough
 * statements for them to start, it is linted again with jobs = 1 and the two
 * reports must be identical byte for byte.
 */
#include "fuzz_common.h"
#include "migralint/migralint.h"

static const int MINORS[4] = { 0, 1, 6, 22 };

/* A path with quotes, backslashes, commas, colons, percent signs, a newline,
 * markdown and HTML: what JSON, SARIF, GitHub commands, GCC lines and
 * markdown must escape. */
static const char ODD_PATH[] = "db/mi\"gr a\\tions/%0A,x:1:2::\n<b>`|*_[x](y)</b>\xc3\xa9\x01.sql";

/* Lints sql into a new run with opts (twice under two paths when asked),
 * checks the result, and returns the report in format (malloc'd, *out_len
 * bytes). */
static char *lint_and_report(const ml_options *opts, const char *path, const char *sql, size_t len,
			     bool twice, ml_format format, bool color, size_t *out_len)
{
	ml_run *run = ml_run_new(opts);
	FUZZ_CHECK(run != NULL);
	FUZZ_CHECK(ml_run_lint_buffer(run, path, sql, len) == 0);
	if (twice)
		FUZZ_CHECK(ml_run_lint_buffer(run, "a/second.sql", sql, len) == 0);

	size_t n_files = 0;
	const ml_file_summary *files = ml_run_files(run, &n_files);
	FUZZ_CHECK(n_files == (twice ? 2u : 1u));
	for (size_t i = 0; i < n_files; i++)
		FUZZ_CHECK(files[i].statements >= files[i].syntax_errors && files[i].syntax_errors >= 0);
	fuzz_check_diagnostics(run);

	char *buf = NULL;
	FILE *out = open_memstream(&buf, out_len);
	FUZZ_CHECK(out != NULL);
	int rc = ml_run_write_report(run, format, out, color);
	FUZZ_CHECK(fclose(out) == 0);
	FUZZ_CHECK(rc == 0);
	ml_run_free(run);
	return buf;
}

/* Whether the input may have enough statements for the engine to parse
 * them on worker threads (engine.h: ML_PREFETCH_MIN_CHUNKS, 64). */
static bool many_statements(const char *sql, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len && n < 64; i++)
		n += sql[i] == ';' || sql[i] == '\\';
	return n >= 64;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint8_t opt = data[0], rep = data[1];
	const char *sql = (const char *)data + 2;
	size_t len = size - 2;

	ml_options opts;
	ml_options_init(&opts);
	opts.pg_major = 9 + (opt & 0x0f) % 10;
	opts.pg_minor = MINORS[(opt >> 6) & 3];
	opts.assume_in_transaction = (opt & 0x10) != 0;
	if (opt & 0x20)
		fuzz_include_opt_in_rules(&opts);

	ml_format format = (ml_format)(rep & 7);
	bool color = (rep & 0x08) != 0;
	opts.record_statements = (rep & 0x10) != 0 || format == ML_FORMAT_LOCKS;
	bool twice = (rep & 0x20) != 0;
	const char *path = (rep & 0x40) ? ODD_PATH : "fuzz.sql";
	if (rep & 0x80)
		opts.fail_on = ML_SEVERITY_ERROR;

	/* More parsing threads than cores, so that a file with enough
	 * statements takes the threaded path even on a small machine. */
	opts.jobs = 3;
	size_t report_len = 0;
	char *report = lint_and_report(&opts, path, sql, len, twice, format, color, &report_len);
	if (many_statements(sql, len)) {
		/* The report must be the same, byte for byte, without threads. */
		opts.jobs = 1;
		size_t single_len = 0;
		char *single = lint_and_report(&opts, path, sql, len, twice, format, color, &single_len);
		FUZZ_CHECK(single_len == report_len && memcmp(single, report, report_len) == 0);
		free(single);
	}
	free(report);
	return 0;
}
