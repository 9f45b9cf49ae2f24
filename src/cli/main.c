/*
 * main.c - the migralint command line: parses arguments, hands the inputs to
 * the library, writes the report and exits. This is the only place that
 * exits; the exit codes are part of the interface (see README.md).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_settings.h"
#include "commands.h"
#include "migralint/config.h"
#include "migralint/migralint.h"

static const char USAGE[] =
	"usage: migralint [options] PATH...\n"
	"       migralint --fix|--diff [options] PATH...\n"
	"       migralint stats --database-url URL [--output FILE]\n"
	"       migralint trace [options] PATH...\n"
	"       migralint lsp\n"
	"\n"
	"Lints PostgreSQL migration files. A PATH is a file, a directory (every *.sql\n"
	"below it, sorted) or - for standard input. `migralint stats` writes the\n"
	"table sizes of a database for --stats (migralint stats --help).\n"
	"\n"
	"options:\n"
	"  --format FORMAT           report format: text (default), json, locks (the lock\n"
	"                            timeline, one line per statement), sarif, github,\n"
	"                            gitlab, gcc, markdown\n"
	"  --statements              with --format json, add each statement's locks\n"
	"  --fix                     apply the findings' mechanical fixes to the files, then\n"
	"                            report what is left (with -: print the fixed text)\n"
	"  --diff                    print what --fix would change as a unified diff and\n"
	"                            write nothing; exit status 1 when there is a change\n"
	"  --jobs N                  threads reading and parsing ahead (default: one per\n"
	"                            core); the report is the same for every N\n"
	"  --max-input-size SIZE     read no input larger than SIZE bytes, or with K, M or G\n"
	"                            (KiB, MiB, GiB): 512K, 64M (the default), 1G\n"
	"  --pg-version N[.M]        target PostgreSQL version (default: 15)\n"
	"  --tool NAME               the migration tool whose rules the history follows:\n"
	"                            auto (default: detected per migration directory),\n"
	"                            goose, dbmate, golang-migrate, flyway, liquibase,\n"
	"                            sqitch, sqlx, sql-migrate, diesel, pop, prisma,\n"
	"                            drizzle, alembic, django, plain\n"
	"  --down info|lint|skip     down migrations: linted, findings at info (default);\n"
	"                            linted like ups; or not linted\n"
	"  --context PATH            replay PATH's migrations as history without reporting\n"
	"                            them (repeatable); the linted files take their place\n"
	"  --since VERSION           report only migrations after VERSION; the earlier\n"
	"                            ones are context\n"
	"  --base REF                compare each migration directory with git's at REF\n"
	"                            (the pull request's base; HEAD before a commit): an\n"
	"                            applied migration edited, a new one out of order\n"
	"  --references PATH         the application's code: look there for uses of the\n"
	"                            columns a migration drops or renames (repeatable)\n"
	"  --stats FILE              table sizes ({\"schema.table\": {\"rows\": N, \"bytes\": N}},\n"
	"                            as migralint stats writes them): findings about locks,\n"
	"                            rewrites, scans and unbatched DML at info on small\n"
	"                            tables, at error on large ones, with the sizes\n"
	"  --assume-in-transaction   the migration tool wraps each file in a transaction\n"
	"  --no-assume-in-transaction\n"
	"                            it does not (beats assume_in_transaction in the config)\n"
	"  --exclude RULE[,RULE]     turn rules off\n"
	"  --include RULE[,RULE]     turn opt-in rules on\n"
	"  --require-reasons         an ignore comment without a reason is a finding\n"
	"                            (the rule ignore-without-reason)\n"
	"  --fail-on error|warning|info\n"
	"                            lowest severity that makes the exit status 1 (default: warning)\n"
	"  --stdin-filename NAME     path reported for standard input (the config applies\n"
	"                            to it as to a file of that path)\n"
	"  --config PATH             read this configuration file (default: the nearest\n"
	"                            .migralint.json from the current directory up)\n"
	"  --no-config               read no configuration file\n"
	"  --print-config [PATH...]  print the effective settings (for each PATH) and\n"
	"                            where each comes from, and exit\n"
	"  --list-rules              list the rules and exit\n"
	"  --explain RULE            print a rule's documentation (and the squawk names\n"
	"                            that silence it) and exit\n"
	"  --version                 print the version and exit\n"
	"  -h, --help                print this help and exit\n"
	"\n"
	"migralint trace applies the migrations to a real PostgreSQL and reports, per\n"
	"statement, the locks it took, the tables it rewrote or scanned, its rows, time\n"
	"and error, and where the lock model differs (trace-mismatch). It takes the\n"
	"options above (--format defaults to locks) and:\n"
	"  --pg-bin DIR              the PostgreSQL programs of the throwaway server\n"
	"                            (default: /usr/lib/postgresql/15/bin)\n"
	"  --database-url URL        trace on this scratch database instead, in one\n"
	"                            transaction that is rolled back: nothing is committed\n"
	"  --lock-timeout DURATION   every session's lock_timeout (default: 10s)\n"
	"\n"
	"exit status: 0 clean, 1 findings, 2 some input could not be read, 3 bad usage,\n"
	"4 no complete report (it could not be written, or memory ran out)\n";

/* Writes fmt to out with each "%s" replaced by its string argument,
 * escaped (ml_write_escaped): the paths, names and values a message quotes
 * can come from a pull request, and stderr lands in the same CI log as the
 * report. A "%s" right after a line break in fmt starts a line, where a
 * leading "::" would be a workflow command (ml_write_escaped_line). Only
 * "%s" is a directive. */
static void say(FILE *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	for (const char *p = fmt; *p; p++) {
		if (p[0] == '%' && p[1] == 's') {
			const char *arg = va_arg(ap, const char *);
			if (p > fmt && p[-1] == '\n')
				ml_write_escaped_line(out, arg);
			else
				ml_write_escaped(out, arg);
			p++;
		} else {
			fputc(*p, out);
		}
	}
	va_end(ap);
}

/* Memory ran out where the library cannot go on (its handler): the report
 * cannot be complete. */
static void out_of_memory(size_t size)
{
	char msg[160];
	int len = snprintf(msg, sizeof(msg),
			   "migralint: error: out of memory (allocating %zu bytes); no complete report\n", size);
	if (len > 0)
		(void)!write(STDERR_FILENO, msg, (size_t)len < sizeof(msg) ? (size_t)len : sizeof(msg) - 1);
	_exit(ML_EXIT_FAILED);
}

static int out_of_memory_status(void)
{
	fputs("migralint: error: out of memory\n", stderr);
	return ML_EXIT_FAILED;
}

/* The status to exit with after writing to stdout what an option asked
 * for (--version, --list-rules, ...): status, or ML_EXIT_FAILED when it
 * could not be written. */
static int stdout_status(int status)
{
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int err = errno ? errno : EIO;
		say(stderr, "migralint: error: cannot write to standard output: %s\n", strerror(err));
		return ML_EXIT_FAILED;
	}
	return status;
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs("migralint: error: ", stderr);
	say(stderr, fmt, arg);
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
			say(stderr, "migralint: error: unknown rule '%s' in %s\nTry 'migralint --list-rules'.\n", tok,
			    option);
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
	ml_rule_write_page(stdout, r);
	return ML_EXIT_CLEAN;
}

static const char FROM_CLI[] = "command line";

static void print_setting(const char *name, const char *value, const char *origin)
{
	printf("  %-24s ", name);
	/* Without a name (the second exclude glob on) only blanks precede it. */
	if (*name)
		ml_write_escaped(stdout, value);
	else
		ml_write_escaped_line(stdout, value);
	size_t len = strlen(value);
	printf("%*s ", len < 10 ? (int)(10 - len) : 0, "");
	say(stdout, "%s\n", origin);
}

/* --print-config: the settings for path (NULL: the top level). Returns
 * false when memory runs out. */
static bool print_config(const ml_cli_settings *s, const char *path)
{
	ml_options opts;
	ml_config_origins *origins = malloc(sizeof(*origins));
	if (!origins)
		return false;
	if (path)
		say(stdout, "\n%s\n", path);
	else
		printf("\nsettings (no path given: top level only, no overrides)\n");
	if (!ml_cli_effective_options(s, path, &opts, origins)) {
		say(stdout, "  excluded: not linted (exclude \"%s\" in %s)\n", origins->excluded_by,
		    ml_config_path(s->config));
		free(origins);
		return true;
	}
	char version[16];
	if (opts.pg_minor)
		snprintf(version, sizeof(version), "%d.%d", opts.pg_major, opts.pg_minor);
	else
		snprintf(version, sizeof(version), "%d", opts.pg_major);
	print_setting("pg_version", version, origins->pg_version);
	print_setting("assume_in_transaction", opts.assume_in_transaction ? "true" : "false",
		      origins->assume_in_transaction);
	/* Which tool the history follows here, and why. */
	const char *tool = opts.tool ? opts.tool : "auto", *why = NULL;
	if (path && ml_detect_tool(&opts, path, &tool, &why) == 0) {
		print_setting("tool", tool, origins->tool);
		say(stdout, "    %s\n", why);
	} else {
		print_setting("tool", tool, origins->tool);
	}
	static const char *const DOWN[] = { "info", "lint", "skip" };
	print_setting("down", DOWN[opts.down], origins->down);
	print_setting("since", opts.since ? opts.since : "(none)", origins->since);
	print_setting("base", opts.base ? opts.base : "(none)", origins->base);
	if (!opts.n_context)
		print_setting("context", "(none)", origins->context);
	for (size_t i = 0; i < opts.n_context; i++)
		print_setting(i ? "" : "context", opts.context[i], origins->context);
	if (!opts.n_references)
		print_setting("references", "(none)", origins->references);
	for (size_t i = 0; i < opts.n_references; i++)
		print_setting(i ? "" : "references", opts.references[i], origins->references);
	if (!opts.n_references_exclude)
		print_setting("references_exclude", "(none)", origins->references_exclude);
	for (size_t i = 0; i < opts.n_references_exclude; i++)
		print_setting(i ? "" : "references_exclude", opts.references_exclude[i], origins->references_exclude);
	print_setting("stats", s->stats ? s->stats : "(none)", origins->stats);
	char rows[32];
	snprintf(rows, sizeof(rows), "%lld", opts.small_rows ? opts.small_rows : ML_DEFAULT_SMALL_ROWS);
	print_setting("table_size.small_rows", rows, origins->small_rows);
	snprintf(rows, sizeof(rows), "%lld", opts.large_rows ? opts.large_rows : ML_DEFAULT_LARGE_ROWS);
	print_setting("table_size.large_rows", rows, origins->large_rows);
	print_setting("fail_on", ml_severity_name(opts.fail_on), origins->fail_on);
	const ml_rule_info *reasons = ml_rule_find("ignore-without-reason");
	print_setting("require_reasons", ml_options_rule_enabled(&opts, reasons) ? "true" : "false",
		      origins->rule_state[ml_rule_index(reasons)]);
	print_setting("doc_base_url", opts.doc_base_url ? opts.doc_base_url : "(none)",
		      origins->doc_base_url);
	char size[32];
	print_setting("max_input_size", ml_size_format(opts.max_input_size, size, sizeof(size)),
		      origins->max_input_size);
	const char *const *globs = ml_config_exclude_globs(s->config);
	if (!globs[0])
		print_setting("exclude", "(none)", origins->exclude);
	for (size_t i = 0; globs[i]; i++)
		print_setting(i ? "" : "exclude", globs[i], origins->exclude);
	printf("  rules:\n");
	for (size_t i = 0; i < ml_rule_count(); i++) {
		const ml_rule_info *r = ml_rule_at(i);
		const char *state = origins->rule_state[i], *severity = origins->rule_severity[i];
		printf("    %-38s %-3s %-8s ", r->name, ml_options_rule_enabled(&opts, r) ? "on" : "off",
		       ml_severity_name(ml_options_rule_severity(&opts, r)));
		if (!strcmp(state, severity))
			say(stdout, "%s\n", state);
		else
			say(stdout, "on/off: %s; severity: %s\n", state, severity);
	}
	free(origins);
	return true;
}

/* Why --fix or --diff (fix, diff) cannot go with the rest of the command
 * line, or NULL when they can. */
static const char *fix_usage_error(bool fix, bool diff, bool trace, bool print, bool format_given, ml_format format,
				   const char *const *paths, size_t n_paths)
{
	size_t n_stdin = 0;
	for (size_t i = 0; i < n_paths; i++)
		n_stdin += !strcmp(paths[i], "-");
	if (fix && diff)
		return "--fix and --diff exclude each other (--diff prints what --fix would write)";
	if (trace)
		return "migralint trace does not take --fix or --diff";
	if (print)
		return "--print-config does not go with --fix or --diff";
	if (diff && format_given)
		return "--diff prints a unified diff: --format does not go with it";
	if (n_stdin > 1)
		return "standard input (-) can be fixed once: give - once";
	if (fix && n_stdin && n_paths > 1)
		return "--fix with - prints the fixed text of standard input: give - alone (or use --diff)";
	if (fix && n_stdin && format_given)
		return "--fix with - prints the fixed text of standard input: --format does not go with it";
	if (fix && format == ML_FORMAT_LOCKS)
		return "--fix reports the findings left after fixing: --format locks has none (run it after --fix)";
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "stats"))
		return ml_cli_stats(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "lsp"))
		return ml_cli_lsp(argc - 1, argv + 1);
	ml_cli_settings set = { 0 };
	ml_options *opts = &set.cli;
	ml_options_init(opts);
	const char *config_path = NULL;
	bool no_config = false, print = false;
	ml_format format = ML_FORMAT_TEXT;
	const char *stdin_name = "<stdin>";
	const char **paths = calloc((size_t)argc + 1, sizeof(*paths));
	/* --context paths, and room for the config file's after them. */
	set.context = calloc((size_t)argc + 1, sizeof(*set.context));
	set.references = calloc((size_t)argc + 1, sizeof(*set.references));
	size_t n_paths = 0;
	bool only_paths = false;
	/* `migralint trace ...`: the same options, and a server to run on. */
	bool trace = argc > 1 && !strcmp(argv[1], "trace");
	ml_trace_args trace_args = { 0 };
	bool format_given = false;
	/* --fix, --diff: cmd_fix.c takes over once the options are read. */
	bool fix = false, diff = false;
	if (!paths || !set.context || !set.references) {
		free(paths);
		ml_cli_settings_free_lists(&set);
		return out_of_memory_status();
	}
	/* A closed pipe on stdout is a report that cannot be written (exit
	 * status 4), not a death by SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	ml_set_out_of_memory_handler(out_of_memory);

	for (int i = trace ? 2 : 1; i < argc; i++) {
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
				   !strcmp(name, "--explain") || !strcmp(name, "--config") || !strcmp(name, "--jobs") ||
				   !strcmp(name, "--max-input-size") || !strcmp(name, "--tool") || !strcmp(name, "--down") ||
				   !strcmp(name, "--since") || !strcmp(name, "--context") || !strcmp(name, "--base") ||
				   !strcmp(name, "--references") || !strcmp(name, "--stats") ||
				   (trace && (!strcmp(name, "--pg-bin") || !strcmp(name, "--database-url") ||
					      !strcmp(name, "--lock-timeout")));
		if (takes_value && !value) {
			if (i + 1 >= argc) {
				free(paths);
				ml_cli_settings_free_lists(&set);
				return usage_error("option '%s' needs a value", name);
			}
			value = argv[++i];
		} else if (!takes_value && value) {
			free(paths);
			ml_cli_settings_free_lists(&set);
			return usage_error("option '%s' takes no value", name);
		}

		int status = -1;
		if (!strcmp(name, "--format")) {
			format_given = true;
			if (ml_format_parse(value, &format) != 0) {
				say(stderr, "migralint: error: unknown format '%s' (%s)\nTry 'migralint --help'.\n", value,
				    ml_format_names());
				status = ML_EXIT_USAGE;
			}
		} else if (!strcmp(name, "--pg-version")) {
			if (ml_options_set_pg_version(opts, value) != 0)
				status = usage_error("bad --pg-version '%s' (expected N or N.M, e.g. 11 or 13.4)", value);
			set.given_pg_version = true;
		} else if (!strcmp(name, "--statements")) {
			opts->record_statements = true;
		} else if (!strcmp(name, "--fix")) {
			fix = true;
		} else if (!strcmp(name, "--diff")) {
			diff = true;
		} else if (!strcmp(name, "--jobs")) {
			char *end;
			long jobs = strtol(value, &end, 10);
			if (end == value || *end || jobs < 1 || jobs > 256)
				status = usage_error("bad --jobs '%s' (a number from 1 to 256)", value);
			else
				opts->jobs = (int)jobs;
		} else if (!strcmp(name, "--max-input-size")) {
			if (ml_size_parse(value, &opts->max_input_size) != 0)
				status = usage_error("bad --max-input-size '%s' (a number of bytes, or with K, M or G: 512K, "
						     "64M, 1G)", value);
			set.given_max_input_size = true;
		} else if (!strcmp(name, "--assume-in-transaction") || !strcmp(name, "--no-assume-in-transaction")) {
			opts->assume_in_transaction = !strcmp(name, "--assume-in-transaction");
			set.given_assume_in_transaction = true;
		} else if (!strcmp(name, "--tool")) {
			if (ml_options_set_tool(opts, value) != 0) {
				say(stderr, "migralint: error: unknown tool '%s' (auto, %s)\nTry 'migralint --help'.\n", value,
				    ml_tool_names());
				status = ML_EXIT_USAGE;
			}
			set.given_tool = true;
		} else if (!strcmp(name, "--down")) {
			if (ml_down_mode_parse(value, &opts->down) != 0)
				status = usage_error("bad --down '%s' (info, lint or skip)", value);
			set.given_down = true;
		} else if (!strcmp(name, "--since")) {
			opts->since = value;
			set.given_since = true;
		} else if (!strcmp(name, "--base")) {
			if (!*value)
				status = usage_error("%s", "--base needs a git revision (a branch, a tag or a commit)");
			opts->base = value;
			set.given_base = true;
		} else if (!strcmp(name, "--context")) {
			set.context[set.n_context++] = value;
			opts->n_context = set.n_context;
		} else if (!strcmp(name, "--references")) {
			set.references[set.n_references++] = value;
			opts->n_references = set.n_references;
		} else if (!strcmp(name, "--stats")) {
			if (!*value)
				status = usage_error("%s", "--stats needs the path of a table sizes file");
			set.stats = value;
			set.stats_origin = FROM_CLI;
		} else if (trace && !strcmp(name, "--pg-bin")) {
			trace_args.pg_bin = value;
		} else if (trace && !strcmp(name, "--database-url")) {
			trace_args.database_url = value;
		} else if (trace && !strcmp(name, "--lock-timeout")) {
			/* A duration as PostgreSQL reads one: digits, then a unit. */
			if (!*value || strspn(value, "0123456789") == 0 || strspn(value, "0123456789smhinu ") != strlen(value))
				status = usage_error("bad --lock-timeout '%s' (a duration: 10s, 500ms, 1min)", value);
			trace_args.lock_timeout = value;
		} else if (!strcmp(name, "--config")) {
			config_path = value;
		} else if (!strcmp(name, "--no-config")) {
			no_config = true;
		} else if (!strcmp(name, "--print-config")) {
			print = true;
		} else if (!strcmp(name, "--exclude") || !strcmp(name, "--include")) {
			char *copy = strdup(value);
			/* The option arrays keep pointers into copy until exit. */
			if (!copy)
				status = out_of_memory_status();
			else if (add_rules(copy, !strcmp(name, "--exclude") ? opts->exclude : opts->include, name) != 0)
				status = ML_EXIT_USAGE;
		} else if (!strcmp(name, "--require-reasons")) {
			/* The same as --include ignore-without-reason. */
			static char reasons_rule[] = "ignore-without-reason";
			if (add_rules(reasons_rule, opts->include, name) != 0)
				status = ML_EXIT_USAGE;
		} else if (!strcmp(name, "--fail-on")) {
			if (ml_severity_parse(value, &opts->fail_on) != 0)
				status = usage_error("bad --fail-on '%s' (error, warning, info)", value);
			set.given_fail_on = true;
		} else if (!strcmp(name, "--stdin-filename")) {
			stdin_name = value;
		} else if (!strcmp(name, "--list-rules")) {
			list_rules();
			status = ML_EXIT_CLEAN;
		} else if (!strcmp(name, "--explain")) {
			status = explain(value);
		} else if (!strcmp(name, "--version")) {
			printf("migralint %s (%s)\n", MIGRALINT_VERSION, ml_grammar_version());
			status = ML_EXIT_CLEAN;
		} else if (!strcmp(name, "-h") || !strcmp(name, "--help")) {
			fputs(USAGE, stdout);
			status = ML_EXIT_CLEAN;
		} else {
			status = usage_error("unknown option '%s'", arg);
		}
		if (status >= 0) {
			free(paths);
			ml_cli_settings_free_lists(&set);
			return stdout_status(status);
		}
	}
	if (n_paths == 0 && !print) {
		free(paths);
		ml_cli_settings_free_lists(&set);
		return usage_error("%s", "no input: give a file, a directory or - for standard input");
	}
	if (config_path && no_config) {
		free(paths);
		ml_cli_settings_free_lists(&set);
		return usage_error("%s", "--config and --no-config exclude each other");
	}
	const char *fix_misuse = fix || diff ? fix_usage_error(fix, diff, trace, print, format_given, format,
							     (const char *const *)paths, n_paths)
					     : NULL;
	if (fix_misuse) {
		free(paths);
		ml_cli_settings_free_lists(&set);
		return usage_error("%s", fix_misuse);
	}

	/* The configuration file, checked whole before anything is linted, and
	 * the table sizes too. */
	char load_err[1024];
	int loaded = ml_cli_settings_load_config(&set, config_path, no_config, ".", load_err, sizeof(load_err));
	if (loaded == ML_EXIT_CLEAN && !print)
		loaded = ml_cli_settings_load_stats(&set, load_err, sizeof(load_err));
	if (loaded != ML_EXIT_CLEAN) {
		if (loaded == ML_EXIT_USAGE)
			say(stderr, "migralint: error: %s\n", load_err);
		ml_config_free(set.config);
		free(paths);
		ml_cli_settings_free_lists(&set);
		return loaded == ML_EXIT_USAGE ? ML_EXIT_USAGE : out_of_memory_status();
	}

	if (print) {
		say(stdout, "config: %s\n", set.config ? ml_config_path(set.config) : "(none)");
		bool ok = true;
		if (n_paths == 0)
			ok = print_config(&set, NULL);
		for (size_t i = 0; ok && i < n_paths; i++)
			ok = print_config(&set, !strcmp(paths[i], "-") ? stdin_name : paths[i]);
		ml_config_free(set.config);
		free(paths);
		ml_cli_settings_free_lists(&set);
		return ok ? stdout_status(ML_EXIT_CLEAN) : out_of_memory_status();
	}

	if (trace) {
		if (!format_given)
			format = ML_FORMAT_LOCKS;
		if (format == ML_FORMAT_JSON)
			opts->record_statements = true; /* the observed timeline is the point */
		ml_cli_trace_rules_only(opts);
	}
	if (opts->record_statements && format != ML_FORMAT_JSON) {
		ml_config_free(set.config);
		free(paths);
		ml_cli_settings_free_lists(&set);
		return usage_error("%s", "--statements goes with --format json (--format locks prints the timeline)");
	}
	if (format == ML_FORMAT_LOCKS)
		opts->record_statements = true;
	/* The text and markdown reports quote the source, and the sarif and
	 * gitlab ones hash it into their fingerprints; the others need none. */
	opts->skip_excerpts = format == ML_FORMAT_JSON || format == ML_FORMAT_LOCKS || format == ML_FORMAT_GITHUB ||
			      format == ML_FORMAT_GCC;
	/* The run-wide settings (fail_on, doc_base_url) come from the top level
	 * and the command line; each file's from the hook. */
	ml_trace_session *trace_session = NULL;
	if (trace) {
		int started = ml_cli_trace_start(&trace_args, &trace_session);
		if (started != ML_EXIT_CLEAN) {
			ml_config_free(set.config);
			free(paths);
			ml_cli_settings_free_lists(&set);
			return started;
		}
		opts->observer = ml_cli_trace_observer(trace_session);
	}
	ml_options run_opts;
	ml_cli_effective_options(&set, NULL, &run_opts, NULL);
	if (fix || diff) {
		ml_fix_request request = { .diff = diff, .options = &run_opts, .hook = ml_cli_file_options, .hook_data = &set,
					   .paths = (const char *const *)paths, .n_paths = n_paths,
					   .stdin_name = stdin_name, .format = format,
					   .color = format == ML_FORMAT_TEXT && isatty(STDOUT_FILENO) && !getenv("NO_COLOR") };
		int status = ml_cli_fix(&request);
		ml_config_free(set.config);
		free(paths);
		ml_cli_settings_free_lists(&set);
		return status;
	}
	ml_run *run = ml_run_new(&run_opts);
	if (!run) {
		ml_cli_trace_finish(trace_session);
		ml_config_free(set.config);
		free(paths);
		ml_cli_settings_free_lists(&set);
		return out_of_memory_status();
	}
	ml_run_set_options_hook(run, ml_cli_file_options, &set);
	/* Paths between two "-" are one batch, read and parsed ahead together. */
	for (size_t i = 0; i < n_paths;) {
		if (!strcmp(paths[i], "-")) {
			ml_run_lint_stream(run, stdin_name, stdin);
			i++;
			continue;
		}
		size_t batch = 0;
		while (i + batch < n_paths && strcmp(paths[i + batch], "-"))
			batch++;
		ml_run_lint_paths(run, (const char *const *)paths + i, batch);
		i += batch;
	}
	const char *base_error = ml_run_base_error(run);
	if (base_error) {
		/* The history cannot be compared as asked: a usage error, and no
		 * report, which would look complete without the comparison. */
		say(stderr, "migralint: error: %s\n", base_error);
		ml_cli_trace_finish(trace_session);
		ml_run_free(run);
		ml_config_free(set.config);
		free(paths);
		ml_cli_settings_free_lists(&set);
		return ML_EXIT_USAGE;
	}
	size_t n_errors;
	const ml_input_error *errors = ml_run_input_error_list(run, &n_errors);
	for (size_t i = 0; i < n_errors; i++)
		say(stderr, "migralint: error: cannot read '%s': %s\n", errors[i].path, errors[i].reason);
	/* Any NO_COLOR, even an empty one, turns colour off: the user asked. */
	bool color = format == ML_FORMAT_TEXT && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	int status = ml_run_exit_status(run);
	if (status == ML_EXIT_FAILED)
		fputs("migralint: error: out of memory: some input was not linted, the report is not complete\n", stderr);
	if (ml_run_write_report(run, format, stdout, color) != 0) {
		int err = errno;
		if (err == ENOMEM)
			fputs("migralint: error: out of memory while writing the report: it is not complete\n", stderr);
		else
			say(stderr, "migralint: error: cannot write the report: %s\n", strerror(err));
		status = ML_EXIT_FAILED;
	}
	ml_cli_trace_finish(trace_session);
	ml_run_free(run);
	ml_config_free(set.config);
	free(paths);
	ml_cli_settings_free_lists(&set);
	return status;
}
