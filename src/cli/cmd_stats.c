/*
 * cmd_stats.c - `migralint stats --database-url URL [--output FILE]`: the
 * table sizes of a live database (src/live/table_stats.c), written as the
 * --stats file, to standard output or, atomically, to FILE. stdout
 * carries only the file's text; each error is said once on stderr.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "migralint/migralint.h"
#include "table_stats.h"

static const char STATS_USAGE[] =
	"usage: migralint stats --database-url URL [--output FILE] [--timeout SECONDS]\n"
	"       migralint stats --sql\n"
	"\n"
	"Writes the table sizes of a PostgreSQL database as the file --stats reads:\n"
	"{\"schema.table\": {\"rows\": N, \"bytes\": N}, ...}. One read-only query of\n"
	"pg_class and pg_stat_user_tables, in a READ ONLY transaction.\n"
	"\n"
	"options:\n"
	"  --database-url URL   the database: postgresql://user@host:5432/name, or a\n"
	"                       libpq connection string (host=... dbname=...); the\n"
	"                       PG* environment variables and ~/.pgpass apply\n"
	"  --output FILE        write FILE (replaced whole, only once the query\n"
	"                       succeeded) instead of standard output\n"
	"  --timeout SECONDS    statement_timeout of the query (default: 60)\n"
	"  --sql                print the query instead, for psql (docs/trace.md)\n"
	"  -h, --help           print this help and exit\n"
	"\n"
	"exit status: 0 written, 2 the database could not be read, 3 bad usage,\n"
	"4 the output could not be written\n";

/* "migralint stats: error: " and fmt on stderr, its one "%s" (if any)
 * replaced by arg escaped (ml_write_escaped): paths, arguments and
 * PostgreSQL's words land in CI logs. */
static void error(const char *fmt, const char *arg)
{
	fputs("migralint stats: error: ", stderr);
	const char *at = strstr(fmt, "%s");
	if (at && arg) {
		fwrite(fmt, 1, (size_t)(at - fmt), stderr);
		ml_write_escaped(stderr, arg);
		fputs(at + 2, stderr);
	} else {
		fputs(fmt, stderr);
	}
	fputc('\n', stderr);
}

static int usage_error(const char *fmt, const char *arg)
{
	error(fmt, arg);
	fputs("Try 'migralint stats --help'.\n", stderr);
	return ML_EXIT_USAGE;
}

/* Writes text to path through a new file beside it, renamed over path
 * once complete: a reader sees the old file or the new one, never a part.
 * Returns 0, or an errno value (nothing left behind). */
static int write_atomically(const char *path, const char *text)
{
	const char *slash = strrchr(path, '/');
	size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
	const char *base = slash ? slash + 1 : path;
	if (!*base)
		return EISDIR;
	size_t len = strlen(path) + 16;
	char *tmp = malloc(len);
	if (!tmp)
		return ENOMEM;
	snprintf(tmp, len, "%.*s.%s.XXXXXX", (int)dir_len, path, base);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int err = errno;
		free(tmp);
		return err;
	}
	/* mkstemp makes it 0600: give it the mode a new file gets. */
	mode_t mask = umask(0);
	umask(mask);
	int err = fchmod(fd, 0666 & ~mask) == 0 ? 0 : errno;
	for (size_t done = 0, n = strlen(text); !err && done < n;) {
		ssize_t w = write(fd, text + done, n - done);
		if (w < 0 && errno != EINTR)
			err = errno;
		else if (w > 0)
			done += (size_t)w;
	}
	if (!err && fsync(fd) != 0)
		err = errno;
	if (close(fd) != 0 && !err)
		err = errno;
	if (!err && rename(tmp, path) != 0)
		err = errno;
	if (err)
		unlink(tmp);
	free(tmp);
	return err;
}

int ml_cli_stats(int argc, char **argv)
{
	/* A closed pipe on stdout is a file that could not be written (exit
	 * status 4), not a death by SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	const char *url = NULL, *output = NULL;
	long timeout = 60;
	bool sql = false;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *value = NULL;
		char name[32];
		const char *eq = strchr(arg, '=');
		if (!strncmp(arg, "--", 2) && eq && eq - arg < (long)sizeof(name)) {
			memcpy(name, arg, (size_t)(eq - arg));
			name[eq - arg] = '\0';
			value = eq + 1;
		} else {
			snprintf(name, sizeof(name), "%s", arg);
		}
		bool takes_value = !strcmp(name, "--database-url") || !strcmp(name, "--output") ||
				   !strcmp(name, "--timeout");
		if (takes_value && !value) {
			if (i + 1 >= argc)
				return usage_error("option '%s' needs a value", name);
			value = argv[++i];
		} else if (!takes_value && value) {
			return usage_error("option '%s' takes no value", name);
		}
		if (!strcmp(name, "--database-url")) {
			url = value;
		} else if (!strcmp(name, "--output")) {
			if (!*value)
				return usage_error("--output needs a file name", NULL);
			output = value;
		} else if (!strcmp(name, "--timeout")) {
			char *end;
			timeout = strtol(value, &end, 10);
			if (end == value || *end || timeout < 1 || timeout > 86400)
				return usage_error("bad --timeout '%s' (a number of seconds from 1 to 86400)", value);
		} else if (!strcmp(name, "--sql")) {
			sql = true;
		} else if (!strcmp(name, "-h") || !strcmp(name, "--help")) {
			fputs(STATS_USAGE, stdout);
			return fflush(stdout) == 0 && !ferror(stdout) ? ML_EXIT_CLEAN : ML_EXIT_FAILED;
		} else {
			return usage_error(arg[0] == '-' ? "unknown option '%s'" : "unexpected argument '%s'", arg);
		}
	}
	if (sql) {
		if (url || output)
			return usage_error("--sql prints the query: it takes no --database-url or --output", NULL);
		fputs(ML_TABLE_STATS_SQL, stdout);
		return fflush(stdout) == 0 && !ferror(stdout) ? ML_EXIT_CLEAN : ML_EXIT_FAILED;
	}
	if (!url || !*url)
		return usage_error("--database-url is required (postgresql://user@host/name)", NULL);

	char err[1024];
	char *json = ml_table_stats_read(url, (int)timeout, err, sizeof(err));
	if (!json) {
		error("%s", err);
		return ML_EXIT_INPUT_ERROR;
	}
	size_t len = strlen(json);
	char *text = malloc(len + 2);
	if (!text) {
		free(json);
		error("out of memory", NULL);
		return ML_EXIT_FAILED;
	}
	memcpy(text, json, len);
	memcpy(text + len, "\n", 2);
	free(json);
	int status = ML_EXIT_CLEAN;
	errno = 0;
	if (output) {
		int werr = write_atomically(output, text);
		if (werr) {
			char msg[256];
			snprintf(msg, sizeof(msg), "cannot write '%%s': %s", strerror(werr));
			error(msg, output);
			status = ML_EXIT_FAILED;
		}
	} else if (fputs(text, stdout) < 0 || fflush(stdout) != 0 || ferror(stdout)) {
		int werr = errno ? errno : EIO;
		error("cannot write to standard output: %s", strerror(werr));
		status = ML_EXIT_FAILED;
	}
	free(text);
	return status;
}
