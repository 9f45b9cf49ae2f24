/*
 * main.c - the migralint command line: parses arguments, hands the inputs to
 * the library, writes the report and exits. This is the only place that
 * exits; the exit codes are part of the interface (see README.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migralint/migralint.h"

static const char USAGE[] =
	"usage: migralint [options] PATH...\n"
	"\n"
	"Lints PostgreSQL migration files. A PATH is a file, a directory (every *.sql\n"
	"below it, sorted) or - for standard input.\n"
	"\n"
	"options:\n"
	"  --format text|json|locks  report format (default: text); locks prints the lock\n"
	"                            timeline, one line per statement\n"
	"  --statements              with --format json, add each statement's locks\n"
	"  --pg-version N[.M]        target PostgreSQL version (default: 15)\n"
	"  --assume-in-transaction   the migration tool wraps each file in a transaction\n"
	"  --exclude RULE[,RULE]     turn rules off\n"
	"  --include RULE[,RULE]     turn opt-in rules on\n"
	"  --fail-on error|warning|info\n"
	"                            lowest severity that makes the exit status 1 (default: warning)\n"
	"  --stdin-filename NAME     path reported for standard input\n"
	"  --list-rules              list the rules and exit\n"
	"  --explain RULE            print a rule's documentation and exit\n"
	"  --version                 print the version and exit\n"
	"  -h, --help                print this help and exit\n"
	"\n"
	"exit status: 0 clean, 1 findings, 2 some input could not be read, 3 bad usage\n";

static int usage_error(const char *fmt, const char *arg)
{
	fputs("migralint: error: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'migralint --help'.\n", stderr);
	return ML_EXIT_USAGE;
}

/* Splits a comma list into names[], after checking each is a known rule. */
static int add_rules(char *list, const char **names, const char *option)
{
	size_t n = 0;
	while (n < ML_MAX_RULE_FILTER && names[n])
		n++;
	for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
		while (*tok == ' ')
			tok++;
		if (!*tok)
			continue;
		if (!ml_rule_find(tok)) {
			fprintf(stderr, "migralint: error: unknown rule '%s' in %s\nTry 'migralint --list-rules'.\n",
				tok, option);
			return -1;
		}
		if (n + 1 >= ML_MAX_RULE_FILTER) {
			fprintf(stderr, "migralint: error: too many rules in %s\n", option);
			return -1;
		}
		names[n++] = tok;
		names[n] = NULL;
	}
	return 0;
}

static void list_rules(void)
{
	for (size_t i = 0; i < ml_rule_count(); i++) {
		const ml_rule_info *r = ml_rule_at(i);
		printf("%-38s %-8s %s%s\n", r->name, ml_severity_name(r->severity), r->summary,
		       r->opt_in ? " (opt-in)" : "");
	}
}

static int explain(const char *name)
{
	const ml_rule_info *r = ml_rule_find(name);
	if (!r)
		return usage_error("unknown rule '%s' (try --list-rules)", name);
	const char *doc = ml_rule_doc(r);
	if (doc)
		fputs(doc, stdout);
	else
		printf("%s (%s): %s\n", r->name, ml_severity_name(r->severity), r->summary);
	return ML_EXIT_CLEAN;
}

int main(int argc, char **argv)
{
	ml_options opts;
	ml_options_init(&opts);
	ml_format format = ML_FORMAT_TEXT;
	const char *stdin_name = "<stdin>";
	const char **paths = calloc((size_t)argc + 1, sizeof(*paths));
	size_t n_paths = 0;
	bool only_paths = false;
	if (!paths)
		return ML_EXIT_USAGE;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char *value = NULL;
		if (only_paths || arg[0] != '-' || !strcmp(arg, "-")) {
			paths[n_paths++] = arg;
			continue;
		}
		if (!strcmp(arg, "--")) {
			only_paths = true;
			continue;
		}
		/* --opt=value and --opt value */
		char name[64];
		const char *eq = strchr(arg, '=');
		if (eq && eq - arg < (long)sizeof(name)) {
			memcpy(name, arg, (size_t)(eq - arg));
			name[eq - arg] = '\0';
			value = eq + 1;
		} else {
			snprintf(name, sizeof(name), "%s", arg);
		}
		bool takes_value = !strcmp(name, "--format") || !strcmp(name, "--pg-version") ||
				   !strcmp(name, "--exclude") || !strcmp(name, "--include") ||
				   !strcmp(name, "--fail-on") || !strcmp(name, "--stdin-filename") ||
				   !strcmp(name, "--explain");
		if (takes_value && !value) {
			if (i + 1 >= argc) {
				free(paths);
				return usage_error("option '%s' needs a value", name);
			}
			value = argv[++i];
		} else if (!takes_value && value) {
			free(paths);
			return usage_error("option '%s' takes no value", name);
		}

		int status = -1;
		if (!strcmp(name, "--format")) {
			if (!strcmp(value, "text"))
				format = ML_FORMAT_TEXT;
			else if (!strcmp(value, "json"))
				format = ML_FORMAT_JSON;
			else if (!strcmp(value, "locks"))
				format = ML_FORMAT_LOCKS;
			else
				status = usage_error("unknown format '%s' (text, json, locks)", value);
		} else if (!strcmp(name, "--pg-version")) {
			if (ml_options_set_pg_version(&opts, value) != 0)
				status = usage_error("bad --pg-version '%s' (expected N or N.M, e.g. 11 or 13.4)", value);
		} else if (!strcmp(name, "--statements")) {
			opts.record_statements = true;
		} else if (!strcmp(name, "--assume-in-transaction")) {
			opts.assume_in_transaction = true;
		} else if (!strcmp(name, "--exclude") || !strcmp(name, "--include")) {
			char *copy = strdup(value);
			/* The option arrays keep pointers into copy until exit. */
			if (!copy || add_rules(copy, !strcmp(name, "--exclude") ? opts.exclude : opts.include, name) != 0)
				status = ML_EXIT_USAGE;
		} else if (!strcmp(name, "--fail-on")) {
			if (ml_severity_parse(value, &opts.fail_on) != 0)
				status = usage_error("bad --fail-on '%s' (error, warning, info)", value);
		} else if (!strcmp(name, "--stdin-filename")) {
			stdin_name = value;
		} else if (!strcmp(name, "--list-rules")) {
			list_rules();
			status = ML_EXIT_CLEAN;
		} else if (!strcmp(name, "--explain")) {
			status = explain(value);
		} else if (!strcmp(name, "--version")) {
			printf("migralint %s\n", MIGRALINT_VERSION);
			status = ML_EXIT_CLEAN;
		} else if (!strcmp(name, "-h") || !strcmp(name, "--help")) {
			fputs(USAGE, stdout);
			status = ML_EXIT_CLEAN;
		} else {
			status = usage_error("unknown option '%s'", arg);
		}
		if (status >= 0) {
			free(paths);
			return status;
		}
	}
	if (n_paths == 0) {
		free(paths);
		return usage_error("%s", "no input: give a file, a directory or - for standard input");
	}

	if (format == ML_FORMAT_LOCKS)
		opts.record_statements = true;
	ml_run *run = ml_run_new(&opts);
	if (!run) {
		free(paths);
		fputs("migralint: error: out of memory\n", stderr);
		return ML_EXIT_INPUT_ERROR;
	}
	for (size_t i = 0; i < n_paths; i++) {
		if (!strcmp(paths[i], "-"))
			ml_run_lint_stream(run, stdin_name, stdin);
		else
			ml_run_lint_path(run, paths[i]);
	}
	const char *no_color = getenv("NO_COLOR");
	bool color = format == ML_FORMAT_TEXT && isatty(STDOUT_FILENO) && !(no_color && *no_color);
	int status = ml_run_exit_status(run);
	if (ml_run_write_report(run, format, stdout, color) != 0) {
		fputs("migralint: error: cannot write the report\n", stderr);
		status = ML_EXIT_INPUT_ERROR;
	}
	ml_run_free(run);
	free(paths);
	return status;
}
