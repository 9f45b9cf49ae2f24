/*
 * fuzz_common.h - helpers shared by the libFuzzer harnesses in tests/fuzz/:
 * option decoding, writing a report to a memory stream, and the
 * LeakSanitizer suppression for the known libpg_query leak (the same one as
 * tests/lsan.supp), so the harnesses need no environment to run.
 */
#ifndef MIGRALINT_FUZZ_COMMON_H
#define MIGRALINT_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migralint/migralint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Debian's libpg_query leaks one strdup'd byte per rejected PL/pgSQL body (see
 * tests/lsan.supp); everything migralint allocates is still checked. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:pg_query_raw_parse\n";
}

/* Aborts with a message: an API contract the harness checks was broken.
 * libFuzzer records the input as a crash. */
#define FUZZ_CHECK(cond)                                                              \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                      \
		}                                                                     \
	} while (0)

/* Turns every opt-in rule on in opts (they are off by default). */
static inline void fuzz_include_opt_in_rules(ml_options *opts)
{
	size_t n = 0;
	for (size_t i = 0; i < ml_rule_count() && n + 1 < ML_MAX_RULE_FILTER; i++) {
		const ml_rule_info *rule = ml_rule_at(i);
		if (rule->opt_in)
			opts->include[n++] = rule->name;
	}
	opts->include[n] = NULL;
}

/* Writes run's report in format to a memory stream, checks that it is
 * NUL-free where the format is text, and frees it. */
static inline void fuzz_write_report(ml_run *run, ml_format format, bool color)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	FUZZ_CHECK(out != NULL);
	int rc = ml_run_write_report(run, format, out, color);
	FUZZ_CHECK(fclose(out) == 0);
	FUZZ_CHECK(rc == 0);
	free(buf);
}

/* The diagnostics must be well-formed whatever the input. */
static inline void fuzz_check_diagnostics(ml_run *run)
{
	size_t n = 0;
	const ml_diagnostic *d = ml_run_diagnostics(run, &n);
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(d[i].rule != NULL && d[i].message != NULL && d[i].path != NULL);
		FUZZ_CHECK(d[i].line >= 1 && d[i].column >= 1);
		FUZZ_CHECK(d[i].end_line >= d[i].line);
		FUZZ_CHECK(d[i].n_locks == 0 || d[i].locks != NULL);
	}
	int status = ml_run_exit_status(run);
	FUZZ_CHECK(status == ML_EXIT_CLEAN || status == ML_EXIT_FINDINGS || status == ML_EXIT_INPUT_ERROR);
}

#endif
