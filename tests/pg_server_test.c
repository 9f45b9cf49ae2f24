/*
 * pg_server_test.c - the throwaway PostgreSQL of `migralint trace`
 * (src/live/pg_server.c) against Debian's PostgreSQL 15:
 *   - a --pg-bin without the programs (empty, missing, initdb alone): NULL
 *     and a message naming the directory, what is missing, Debian's
 *     postgresql package and --pg-bin; nothing made in $TMPDIR;
 *   - stand-in programs (shell scripts) whose initdb fails, or whose pg_ctl
 *     does, and, as root, a $TMPDIR the postgres user cannot enter: the
 *     message carries the tail of their log or says what to change, and
 *     neither a directory nor a process is left;
 *   - a real server, in a $TMPDIR whose name holds a space and a quote:
 *     libpq connects with its conninfo and runs SELECT 1, the settings are
 *     those of a scratch server, ml_pg_server_major is 15, nothing reaches
 *     stdout; after ml_pg_server_stop the directory is gone, the postmaster
 *     has ended and no child process is left (the watchdog was reaped);
 *   - a process holding a server is killed with SIGKILL, its process group
 *     gets SIGINT (the terminal's Ctrl-C), or it exits without a stop: the
 *     postmaster and the watchdog end and the directory goes within a few
 *     seconds (polled), and none of them kept its stdout open;
 *   - the same Ctrl-C at several moments of the start (initdb or pg_ctl
 *     running): no process and no directory left.
 * The test process is a child subreaper, so the postmaster and the orphaned
 * watchdog become its children: "no process left" is exact.
 * Skips (77) without /usr/lib/postgresql/15/bin/initdb, or as root without
 * a postgres user, after the checks that need neither.
 *
 * usage: pg_server_test            run the checks
 *        pg_server_test time N     start and stop N servers and print the
 *                                  median times (not a test: no limits)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pg_server.h"

static int failures;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("FAIL ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	failures++;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* Entries of dir other than . and ..; -1 when it cannot be read. */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* A new directory under /tmp named from name_part (mkdtemp), mode 0755 so
 * that the postgres user can pass through it. Exits on failure: the test
 * cannot go on. */
static char *make_dir(const char *name_part)
{
	char *dir = malloc(256);
	if (dir)
		snprintf(dir, 256, "/tmp/%sXXXXXX", name_part);
	if (!dir || !mkdtemp(dir) || chmod(dir, 0755) != 0) {
		perror("pg_server_test: mkdtemp");
		exit(1);
	}
	return dir;
}

static void write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0 || chmod(path, mode) != 0) {
		perror(path);
		exit(1);
	}
}

static void remove_dir(const char *dir)
{
	char *argv[] = {"rm", "-rf", "--", (char *)dir, NULL};
	pid_t pid = fork();
	if (pid == 0) {
		execv("/bin/rm", argv);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
}

/* Reaps children (this process is a subreaper: orphaned descendants
 * included) until none is left or timeout_ms passes. Returns whether none
 * is left; *reaped_other is set when a pid other than allowed was reaped. */
static bool reap_all(long timeout_ms, pid_t allowed, bool *reaped_other)
{
	for (long waited = 0;; waited += 20) {
		int st;
		pid_t pid;
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
			if (pid != allowed && reaped_other)
				*reaped_other = true;
		}
		if (pid < 0 && errno == ECHILD)
			return true;
		if (waited >= timeout_ms)
			return false;
		sleep_ms(20);
	}
}

static pid_t read_postmaster_pid(const char *dir)
{
	char path[512];
	snprintf(path, sizeof path, "%s/data/postmaster.pid", dir);
	FILE *f = fopen(path, "r");
	long pid = 0;
	if (f) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	return (pid_t)pid;
}

/* The host of a conninfo, as libpq reads it (malloc'd; NULL: none). */
static char *conninfo_host(const char *conninfo)
{
	char *errmsg = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo, &errmsg);
	char *host = NULL;
	if (!opts) {
		fail("libpq cannot parse the conninfo \"%s\": %s", conninfo, errmsg ? errmsg : "?");
		PQfreemem(errmsg);
		return NULL;
	}
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (strcmp(o->keyword, "host") == 0 && o->val)
			host = strdup(o->val);
	}
	PQconninfoFree(opts);
	return host;
}

/* Runs sql on conn; returns its single value (malloc'd) or NULL. */
static char *query_value(PGconn *conn, const char *sql)
{
	PGresult *res = PQexec(conn, sql);
	char *value = NULL;
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 && PQnfields(res) == 1)
		value = strdup(PQgetvalue(res, 0, 0));
	else
		fail("%s: %s", sql, PQerrorMessage(conn));
	PQclear(res);
	return value;
}

static void expect_value(PGconn *conn, const char *sql, const char *want)
{
	char *got = query_value(conn, sql);
	if (got && strcmp(got, want) != 0)
		fail("%s gave '%s', expected '%s'", sql, got, want);
	free(got);
}

static void expect_contains(const char *what, const char *text, const char *part)
{
	if (!strstr(text, part))
		fail("%s does not contain \"%s\":\n%s", what, part, text);
}

/* A --pg-bin without the programs: NULL, a message naming the directory,
 * what is missing and the two ways out, and nothing made in $TMPDIR. */
static void check_bad_bin(void)
{
	char *tmp = make_dir("ml-pg-test-tmp-");
	char *empty = make_dir("ml-pg-test-empty-");
	char *only_initdb = make_dir("ml-pg-test-initdb-");
	char missing[300];
	snprintf(missing, sizeof missing, "%s/no-such-dir", empty);
	write_file(only_initdb, "initdb", "#!/bin/sh\nexit 0\n", 0755);
	setenv("TMPDIR", tmp, 1);

	const char *dirs[] = {empty, missing, only_initdb};
	for (size_t i = 0; i < 3; i++) {
		char err[1024] = "";
		ml_pg_server *server = ml_pg_server_start(dirs[i], err, sizeof err);
		if (server) {
			fail("a server started with --pg-bin %s", dirs[i]);
			ml_pg_server_stop(server);
			continue;
		}
		expect_contains("the message for a bad --pg-bin", err, dirs[i]);
		expect_contains("the message for a bad --pg-bin", err, "--pg-bin");
		expect_contains("the message for a bad --pg-bin", err, "postgresql");
		expect_contains("the message for a bad --pg-bin", err, "pg_ctl");
		if (i == 2)
			expect_contains("the message for a --pg-bin with initdb alone", err,
					"(pg_ctl and postgres not found there)");
	}
	if (count_entries(tmp) != 0)
		fail("a bad --pg-bin left something in $TMPDIR (%s)", tmp);
	unsetenv("TMPDIR");
	remove_dir(tmp);
	remove_dir(empty);
	remove_dir(only_initdb);
	free(tmp);
	free(empty);
	free(only_initdb);
	printf("ok bad --pg-bin\n");
}

/* Stand-in programs that fail: the message carries their log's tail, and
 * the directory and every process are gone. */
static void check_failing_programs(void)
{
	static const struct {
		const char *initdb, *pg_ctl, *in_message;
	} cases[] = {
		{"#!/bin/sh\necho 'initdb: first line' >&2\necho 'initdb: error: stand-in initdb fails' >&2\nexit 3\n",
		 "#!/bin/sh\nexit 0\n", "stand-in initdb fails"},
		{"#!/bin/sh\nmkdir -p \"$2\" && echo 15 >\"$2/PG_VERSION\" && touch \"$2/postgresql.conf\"\n",
		 "#!/bin/sh\necho 'pg_ctl: stand-in server refuses to start' >&2\nexit 1\n",
		 "stand-in server refuses to start"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *tmp = make_dir("ml-pg-test-tmp-");
		char *bin = make_dir("ml-pg-test-bin-");
		write_file(bin, "initdb", cases[i].initdb, 0755);
		write_file(bin, "pg_ctl", cases[i].pg_ctl, 0755);
		write_file(bin, "postgres", "#!/bin/sh\nexit 1\n", 0755);
		setenv("TMPDIR", tmp, 1);
		char err[2048] = "";
		ml_pg_server *server = ml_pg_server_start(bin, err, sizeof err);
		unsetenv("TMPDIR");
		if (server) {
			fail("a server started with failing stand-in programs");
			ml_pg_server_stop(server);
		} else {
			expect_contains("the message of a failed start", err, cases[i].in_message);
			expect_contains("the message of a failed start", err, "exit status");
		}
		bool other = false;
		if (!reap_all(5000, 0, &other) || other)
			fail("a failed start left a child process");
		if (count_entries(tmp) != 0)
			fail("a failed start left its directory in %s", tmp);
		remove_dir(tmp);
		remove_dir(bin);
		free(tmp);
		free(bin);
	}
	printf("ok failing initdb, failing pg_ctl\n");
}

/* As root, a $TMPDIR the postgres user cannot enter: a message that says
 * so, and nothing left (skipped when not root, or without PostgreSQL 15). */
static void check_unreachable_tmpdir(void)
{
	if (geteuid() != 0 || access(ML_PG_DEFAULT_BIN "/initdb", X_OK) != 0)
		return;
	char *tmp = make_dir("ml-pg-test-private-");
	chmod(tmp, 0700);
	setenv("TMPDIR", tmp, 1);
	char err[2048] = "";
	ml_pg_server *server = ml_pg_server_start(NULL, err, sizeof err);
	unsetenv("TMPDIR");
	if (server) {
		fail("a server started in a $TMPDIR the postgres user cannot enter");
		ml_pg_server_stop(server);
	} else {
		expect_contains("the message for an unreachable $TMPDIR", err, "cannot enter");
		expect_contains("the message for an unreachable $TMPDIR", err, tmp);
		expect_contains("the message for an unreachable $TMPDIR", err, "TMPDIR");
	}
	bool other = false;
	if (!reap_all(5000, 0, &other) || other)
		fail("a failed start left a child process");
	if (count_entries(tmp) != 0)
		fail("a failed start left its directory in %s", tmp);
	remove_dir(tmp);
	free(tmp);
	printf("ok a $TMPDIR the postgres user cannot enter\n");
}

/* A real server, in a $TMPDIR whose name needs quoting in a conninfo. */
static void check_server(void)
{
	char *tmp = make_dir("ml pg's test ");
	setenv("TMPDIR", tmp, 1);

	/* Nothing may reach stdout: it is the report's. */
	fflush(stdout);
	int saved_stdout = dup(1);
	char out_path[] = "/tmp/ml-pg-test-stdout-XXXXXX";
	int out = mkstemp(out_path);
	dup2(out, 1);

	char err[2048] = "";
	ml_pg_server *server = ml_pg_server_start(NULL, err, sizeof err);
	unsetenv("TMPDIR");
	if (!server) {
		dup2(saved_stdout, 1);
		fail("ml_pg_server_start: %s", err);
		return;
	}
	const char *conninfo = ml_pg_server_conninfo(server);
	char *host = conninfo_host(conninfo);
	if (!host || strncmp(host, tmp, strlen(tmp)) != 0 || host[strlen(tmp)] != '/')
		fail("the conninfo's host (%s) is not in $TMPDIR (%s): %s", host ? host : "none", tmp, conninfo);
	if (ml_pg_server_major(server) != 15)
		fail("ml_pg_server_major is %d, expected 15", ml_pg_server_major(server));

	pid_t pm = host ? read_postmaster_pid(host) : 0;
	if (pm <= 0 || kill(pm, 0) != 0)
		fail("no running postmaster in %s", host ? host : "?");
	if (host && geteuid() == 0) {
		struct stat st;
		struct passwd *pw = getpwnam("postgres");
		if (stat(host, &st) != 0 || !pw || st.st_uid != pw->pw_uid)
			fail("%s is not the postgres user's", host);
	}

	PGconn *conn = PQconnectdb(conninfo);
	if (PQstatus(conn) != CONNECTION_OK) {
		fail("cannot connect with \"%s\": %s", conninfo, PQerrorMessage(conn));
	} else {
		expect_value(conn, "SELECT 1", "1");
		expect_value(conn, "SELECT current_setting('server_version_num')::int / 10000", "15");
		expect_value(conn, "SELECT current_user", "postgres");
		expect_value(conn, "SHOW listen_addresses", "");
		expect_value(conn, "SHOW autovacuum", "off");
		expect_value(conn, "SHOW fsync", "off");
		expect_value(conn, "SHOW full_page_writes", "off");
		expect_value(conn, "SHOW synchronous_commit", "off");
		expect_value(conn, "SHOW track_counts", "on");
		/* The directory as one quoted element of the list. */
		char *socket_dirs = query_value(conn, "SHOW unix_socket_directories");
		char want[1100];
		snprintf(want, sizeof want, "\"%s\"", host ? host : "");
		if (socket_dirs && strcmp(socket_dirs, want) != 0)
			fail("unix_socket_directories is '%s', expected '%s'", socket_dirs, want);
		free(socket_dirs);
	}
	PQfinish(conn);
	ml_pg_server_stop(server);

	fflush(stdout);
	dup2(saved_stdout, 1);
	close(saved_stdout);
	struct stat st;
	if (fstat(out, &st) != 0 || st.st_size != 0)
		fail("starting and stopping the server wrote %lld bytes to stdout", (long long)st.st_size);
	close(out);
	unlink(out_path);

	if (host && exists(host))
		fail("%s is still there after ml_pg_server_stop", host);
	bool other = false;
	if (!reap_all(5000, pm, &other))
		fail("processes are left after ml_pg_server_stop");
	if (other)
		fail("ml_pg_server_stop left an unreaped child (the watchdog?)");
	if (pm > 0 && kill(pm, 0) == 0)
		fail("the postmaster (%ld) is still alive after ml_pg_server_stop", (long)pm);
	if (count_entries(tmp) != 0)
		fail("something is left in $TMPDIR (%s)", tmp);
	free(host);
	remove_dir(tmp);
	free(tmp);
	printf("ok server in a directory named with a space and a quote: SELECT 1, settings, major 15, stop\n");
}

/* Whether pid has a descriptor open on the pipe whose inode is ino. */
static bool holds_pipe(pid_t pid, ino_t ino)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%ld/fd", (long)pid);
	DIR *d = opendir(path);
	bool holds = false;
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		char fd_path[320];
		struct stat st;
		snprintf(fd_path, sizeof fd_path, "%s/%s", path, e->d_name);
		if (e->d_name[0] != '.' && stat(fd_path, &st) == 0 && S_ISFIFO(st.st_mode) && st.st_ino == ino)
			holds = true;
	}
	if (d)
		closedir(d);
	return holds;
}

/* The one child of parent (found in /proc); 0 when there is none, or
 * several. */
static pid_t only_child_of(pid_t parent)
{
	DIR *d = opendir("/proc");
	pid_t found = 0;
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		char path[300], buf[512];
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t len = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[len] = '\0';
		const char *paren = strrchr(buf, ')');
		char state;
		long ppid;
		if (paren && sscanf(paren + 1, " %c %ld", &state, &ppid) == 2 && ppid == (long)parent) {
			found = (pid_t)atol(e->d_name);
			n++;
		}
	}
	if (d)
		closedir(d);
	return n == 1 ? found : 0;
}

enum ending { END_SIGKILL, END_SIGINT_GROUP, END_EXIT };
static const char *const ending_name[] = {"SIGKILL", "SIGINT to its process group", "exit without a stop"};

/* Kept where LeakSanitizer sees it when the holder exits without a stop. */
static ml_pg_server *held_server;

/* The holder: a process that starts a server, reports its directory and
 * postmaster on info_fd, then waits: for EOF on go_fd, and then exits
 * without a stop (END_EXIT), or for the signal that ends it. */
static _Noreturn void hold_server(int info_fd, int go_fd, enum ending ending)
{
	setpgid(0, 0);
	signal(SIGINT, SIG_DFL);
	char err[2048];
	held_server = ml_pg_server_start(NULL, err, sizeof err);
	if (!held_server) {
		dprintf(info_fd, "error %s\n", err);
		_exit(1);
	}
	char *host = conninfo_host(ml_pg_server_conninfo(held_server));
	dprintf(info_fd, "%ld %s\n", (long)read_postmaster_pid(host), host);
	free(host);
	close(info_fd);
	if (ending == END_EXIT) {
		char byte;
		while (read(go_fd, &byte, 1) < 0 && errno == EINTR)
			;
		exit(0);
	}
	for (;;)
		pause();
}

static void check_ending(enum ending ending)
{
	char *tmp = make_dir("ml-pg-test-tmp-");
	setenv("TMPDIR", tmp, 1);
	int info[2], out[2], go[2];
	if (pipe(info) != 0 || pipe(out) != 0 || pipe(go) != 0) {
		perror("pipe");
		exit(1);
	}
	fflush(stdout);
	pid_t holder = fork();
	if (holder == 0) {
		close(info[0]);
		close(out[0]);
		close(go[1]);
		dup2(out[1], 1);
		close(out[1]);
		hold_server(info[1], go[0], ending);
	}
	unsetenv("TMPDIR");
	close(info[1]);
	close(out[1]);
	close(go[0]);

	/* One line; the pipe stays open to see who else holds it. */
	char line[1024] = "";
	size_t len = 0;
	ssize_t got;
	while (len + 1 < sizeof line && (got = read(info[0], line + len, 1)) == 1 && line[len] != '\n')
		len++;
	line[len] = '\0';
	if (len == 0)
		strcpy(line, "error the holder reported nothing");
	long pm = 0;
	char dir[1024] = "";
	if (strncmp(line, "error ", 6) == 0 || sscanf(line, "%ld %1023[^\n]", &pm, dir) != 2 || pm <= 0) {
		fail("%s: the holder could not start a server: %s", ending_name[ending], line);
		kill(holder, SIGKILL);
		reap_all(5000, 0, NULL);
		remove_dir(tmp);
		free(tmp);
		close(info[0]);
		close(out[0]);
		close(go[1]);
		return;
	}
	if (!exists(dir) || kill((pid_t)pm, 0) != 0)
		fail("%s: no server running in %s", ending_name[ending], dir);
	/* The holder's one child is its watchdog, in a session of its own (out
	 * of reach of the terminal's Ctrl-C); neither it nor the server holds
	 * the holder's stdout or the pipe it reported on. */
	pid_t watchdog = only_child_of(holder);
	if (watchdog <= 0)
		fail("%s: the holder has no watchdog (or more than one child)", ending_name[ending]);
	else if (getsid(watchdog) != watchdog)
		fail("%s: the watchdog %ld is not in a session of its own", ending_name[ending], (long)watchdog);
	struct stat out_st, info_st;
	fstat(out[0], &out_st);
	fstat(info[0], &info_st);
	const pid_t holders[] = {watchdog, (pid_t)pm};
	for (size_t i = 0; i < 2; i++) {
		if (holders[i] > 0 && (holds_pipe(holders[i], out_st.st_ino) || holds_pipe(holders[i], info_st.st_ino)))
			fail("%s: the %s holds a descriptor of the holder", ending_name[ending],
			     i == 0 ? "watchdog" : "postmaster");
	}

	if (ending == END_SIGKILL)
		kill(holder, SIGKILL);
	else if (ending == END_SIGINT_GROUP)
		kill(-holder, SIGINT);
	close(go[1]); /* END_EXIT: go */
	int st;
	waitpid(holder, &st, 0);
	int want_signal = ending == END_SIGKILL ? SIGKILL : ending == END_SIGINT_GROUP ? SIGINT : 0;
	if (want_signal ? !(WIFSIGNALED(st) && WTERMSIG(st) == want_signal) : !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		fail("%s: the holder ended with wait status %d", ending_name[ending], st);

	/* The watchdog and the postmaster end (both are our children now),
	 * the directory goes, and the holder's stdout reaches EOF. */
	double t0 = now();
	bool gone = false;
	while (now() - t0 < 15.0) {
		int status;
		while (waitpid(-1, &status, WNOHANG) > 0)
			;
		bool no_children = waitpid(-1, &status, WNOHANG) < 0 && errno == ECHILD;
		if (no_children && !exists(dir)) {
			gone = true;
			break;
		}
		sleep_ms(20);
	}
	double took = now() - t0;
	if (!gone)
		fail("%s: after 15 s, %s%s", ending_name[ending], exists(dir) ? "the directory is still there" : "",
		     reap_all(0, 0, NULL) ? "" : " processes are left");
	if (kill((pid_t)pm, 0) == 0)
		fail("%s: the postmaster %ld is still alive", ending_name[ending], pm);
	/* Neither the watchdog nor the server kept a descriptor of the holder:
	 * its stdout, or a pipe it wrote to and closed. */
	const struct {
		int fd;
		const char *name;
	} held[] = {{out[0], "stdout"}, {info[0], "pipe"}};
	for (size_t i = 0; i < 2; i++) {
		struct pollfd p = {held[i].fd, POLLIN, 0};
		char buf[256];
		ssize_t n = poll(&p, 1, 2000) == 1 ? read(held[i].fd, buf, sizeof buf) : -1;
		if (n != 0)
			fail("%s: the holder's %s %s", ending_name[ending], held[i].name,
			     n > 0 ? "got output" : "is still held open by a process");
		close(held[i].fd);
	}
	if (count_entries(tmp) != 0)
		fail("%s: something is left in $TMPDIR (%s)", ending_name[ending], tmp);
	remove_dir(tmp);
	free(tmp);
	printf("ok holder ended by %s: server and directory gone in %.2f s\n", ending_name[ending], took);
}

/* Whether the one directory in tmp (the server's) holds name. */
static bool server_file_exists(const char *tmp, const char *name)
{
	DIR *d = opendir(tmp);
	bool found = false;
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		char path[1024];
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s/%s", tmp, e->d_name, name);
		found = found || exists(path);
	}
	if (d)
		closedir(d);
	return found;
}

/* Ctrl-C while the server is starting: SIGINT to the holder's process
 * group delay_ms after the server's directory holds after_file (initdb.log:
 * initdb runs; data/postmaster.pid: the postmaster is coming up under
 * pg_ctl start). Within a few seconds no process is left and $TMPDIR is
 * empty again. */
static void check_interrupted_start(const char *after_file, long delay_ms)
{
	char *tmp = make_dir("ml-pg-test-tmp-");
	setenv("TMPDIR", tmp, 1);
	int info[2];
	if (pipe(info) != 0) {
		perror("pipe");
		exit(1);
	}
	fflush(stdout);
	pid_t holder = fork();
	if (holder == 0) {
		close(info[0]);
		hold_server(info[1], -1, END_SIGINT_GROUP);
	}
	unsetenv("TMPDIR");
	close(info[1]);
	for (double t0 = now(); !server_file_exists(tmp, after_file) && now() - t0 < 20.0;)
		sleep_ms(5);
	sleep_ms(delay_ms);
	kill(-holder, SIGINT);
	int st;
	waitpid(holder, &st, 0);
	char line[1024];
	struct pollfd p = {info[0], POLLIN, 0};
	ssize_t n = poll(&p, 1, 0) == 1 ? read(info[0], line, sizeof line) : 0;
	close(info[0]);
	double t0 = now();
	bool done = false;
	while (!done && now() - t0 < 15.0) {
		done = reap_all(0, 0, NULL) && count_entries(tmp) == 0;
		if (!done)
			sleep_ms(20);
	}
	if (!done)
		fail("Ctrl-C %ld ms after %s: after 15 s, %s", delay_ms, after_file,
		     count_entries(tmp) != 0 ? "something is left in $TMPDIR" : "processes are left");
	remove_dir(tmp);
	free(tmp);
	printf("ok Ctrl-C %ld ms after %s appeared (%s): nothing left after %.2f s\n", delay_ms, after_file,
	       n > 0 ? "the start had ended" : "during the start", now() - t0);
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Starts and stops n servers; prints the median of initdb + start + first
 * connection (SELECT 1), and of the stop. */
static int time_servers(int n)
{
	double *start = calloc((size_t)n, sizeof *start), *stop = calloc((size_t)n, sizeof *stop);
	for (int i = 0; i < n; i++) {
		char err[2048];
		double t0 = now();
		ml_pg_server *server = ml_pg_server_start(NULL, err, sizeof err);
		if (!server) {
			fprintf(stderr, "pg_server_test: %s\n", err);
			return 1;
		}
		PGconn *conn = PQconnectdb(ml_pg_server_conninfo(server));
		PGresult *res = PQexec(conn, "SELECT 1");
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			fprintf(stderr, "pg_server_test: SELECT 1: %s", PQerrorMessage(conn));
			return 1;
		}
		PQclear(res);
		double t1 = now();
		PQfinish(conn);
		ml_pg_server_stop(server);
		double t2 = now();
		start[i] = t1 - t0;
		stop[i] = t2 - t1;
		printf("run %d: start %.3f s, stop %.3f s\n", i + 1, start[i], stop[i]);
	}
	qsort(start, (size_t)n, sizeof *start, compare_double);
	qsort(stop, (size_t)n, sizeof *stop, compare_double);
	printf("median of %d: start (initdb, pg_ctl start, first connection) %.3f s [%.3f..%.3f], stop %.3f s [%.3f..%.3f]\n",
	       n, start[n / 2], start[0], start[n - 1], stop[n / 2], stop[0], stop[n - 1]);
	free(start);
	free(stop);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "time") == 0)
		return time_servers(atoi(argv[2]) > 0 ? atoi(argv[2]) : 5);
	if (argc != 1) {
		fprintf(stderr, "usage: pg_server_test [time N]\n");
		return 2;
	}
	/* Orphaned descendants (the postmaster, a watchdog whose parent died)
	 * become our children, so the test sees each of them end. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
		perror("prctl(PR_SET_CHILD_SUBREAPER)");
		return 1;
	}
	check_bad_bin();
	bool have_user = geteuid() != 0 || getpwnam("postgres") != NULL;
	if (have_user) {
		check_failing_programs();
		check_unreachable_tmpdir();
	}
	if (access(ML_PG_DEFAULT_BIN "/initdb", X_OK) != 0) {
		printf("skipped: %s/initdb not found (install Debian's postgresql package for PostgreSQL 15)\n",
		       ML_PG_DEFAULT_BIN);
		return failures ? 1 : 77;
	}
	if (!have_user) {
		printf("skipped: running as root and there is no postgres user to run the server as\n");
		return failures ? 1 : 77;
	}
	check_server();
	check_ending(END_SIGKILL);
	check_ending(END_SIGINT_GROUP);
	check_ending(END_EXIT);
	check_interrupted_start("initdb.log", 0);
	check_interrupted_start("initdb.log", 500);
	check_interrupted_start("data/postmaster.pid", 0);
	check_interrupted_start("data/postmaster.pid", 30);
	if (failures) {
		fprintf(stderr, "%d failure(s)\n", failures);
		return 1;
	}
	printf("all passed\n");
	return 0;
}
