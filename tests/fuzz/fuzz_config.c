/*
 * fuzz_config.c - libFuzzer harness for the configuration file: the input is
 * written to a .migralint.json in a private temporary directory and loaded
 * with ml_config_load (include/migralint/config.h); a loaded configuration
 * is applied with ml_config_apply to a few paths (inside and outside its
 * directory, relative and absolute, NULL, glob characters), the resulting
 * options are queried for every rule, a short migration is linted with them
 * (so doc_base_url and rule settings reach the engine and the SARIF and
 * markdown reports), and everything is freed.
 */
#include <strings.h>
#include <unistd.h>

#include "migralint/config.h"
#include "fuzz_common.h"
#include "migralint/migralint.h"

static char dir[64];
static char file[96];

static void cleanup(void)
{
	unlink(file);
	rmdir(dir);
}

static void setup(void)
{
	if (dir[0])
		return;
	strcpy(dir, "/tmp/migralint-fuzz-config-XXXXXX");
	FUZZ_CHECK(mkdtemp(dir) != NULL);
	snprintf(file, sizeof(file), "%s/" ML_CONFIG_FILE_NAME, dir);
	atexit(cleanup);
}

static void apply(const ml_config *cfg, const char *path, bool lint)
{
	ml_options opts;
	ml_options_init(&opts);
	ml_config_origins origins;
	ml_config_origins_init(&origins);
	if (!ml_config_apply(cfg, path, &opts, &origins)) {
		FUZZ_CHECK(path != NULL);
		return;
	}
	FUZZ_CHECK(opts.pg_major >= 9);
	for (size_t i = 0; i < ml_rule_count(); i++) {
		const ml_rule_info *rule = ml_rule_at(i);
		(void)ml_options_rule_enabled(&opts, rule);
		ml_severity sev = ml_options_rule_severity(&opts, rule);
		FUZZ_CHECK(sev >= ML_SEVERITY_INFO && sev <= ML_SEVERITY_ERROR);
		FUZZ_CHECK(origins.rule_state[i] != NULL && origins.rule_severity[i] != NULL);
	}
	FUZZ_CHECK(origins.pg_version && origins.assume_in_transaction && origins.fail_on &&
		   origins.doc_base_url && origins.exclude);
	/* A doc_base_url that loaded is a plain http(s) URL: nothing in it can
	 * end a Markdown link or reach a terminal as an escape. */
	if (opts.doc_base_url) {
		FUZZ_CHECK(!strncasecmp(opts.doc_base_url, "http://", 7) || !strncasecmp(opts.doc_base_url, "https://", 8));
		for (const unsigned char *p = (const unsigned char *)opts.doc_base_url; *p; p++)
			FUZZ_CHECK(*p > 0x20 && *p < 0x7f && !strchr("\"'()<>[]{}\\^`|", *p));
	}
	if (!lint)
		return;
	static const char SQL[] = "CREATE INDEX i ON t (c);\nALTER TABLE t DROP COLUMN c;\n"
				  "ALTER TABLE t ADD COLUMN d int NOT NULL DEFAULT random();\n";
	ml_run *run = ml_run_new(&opts);
	FUZZ_CHECK(run != NULL);
	ml_run_lint_buffer(run, path ? path : "x.sql", SQL, sizeof(SQL) - 1);
	fuzz_check_diagnostics(run);
	fuzz_write_report(run, ML_FORMAT_SARIF, false);
	fuzz_write_report(run, ML_FORMAT_MARKDOWN, false);
	ml_run_free(run);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	FILE *f = fopen(file, "wb");
	FUZZ_CHECK(f != NULL);
	FUZZ_CHECK(fwrite(data, 1, size, f) == size || size == 0);
	FUZZ_CHECK(fclose(f) == 0);

	char err[512];
	memset(err, 'x', sizeof(err));
	ml_config *cfg = ml_config_load(file, err, sizeof(err));
	if (!cfg) {
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
		FUZZ_CHECK(err[0] != '\0');
		return 0;
	}
	FUZZ_CHECK(strcmp(ml_config_path(cfg), file) == 0);
	const char *const *globs = ml_config_exclude_globs(cfg);
	for (size_t i = 0; globs && globs[i]; i++)
		FUZZ_CHECK(globs[i] != NULL);

	char inside[192], down[192], dotted[192];
	snprintf(inside, sizeof(inside), "%s/db/migrate/0001_init.sql", dir);
	snprintf(down, sizeof(down), "%s/db/migrate/down/0001_init.sql", dir);
	snprintf(dotted, sizeof(dotted), "%s/./db/../legacy/x/../[a]*?.sql", dir);
	apply(cfg, inside, true);
	apply(cfg, down, false);
	apply(cfg, dotted, false);
	apply(cfg, "/elsewhere/db/legacy/a.sql", false);
	apply(cfg, "relative/down/a.sql", false);
	apply(cfg, "", false);
	apply(cfg, NULL, true);
	ml_config_free(cfg);
	return 0;
}
