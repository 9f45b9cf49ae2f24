/*
 * pg_server.c - the throwaway PostgreSQL of `migralint trace` (pg_server.h).
 *
 * A start makes a private directory (mkdtemp under $TMPDIR or /tmp), forks
 * a watchdog, runs initdb into DIR/data, appends the settings of a scratch
 * server to its postgresql.conf (a unix socket in DIR only, no fsync, no
 * autovacuum) and starts it with pg_ctl -w. The programs run as child
 * processes from fork and execv, never through a shell or system(); as root
 * they run as the postgres system user (initdb and postgres refuse root),
 * who then owns DIR. Their output goes to log files in DIR, never to
 * migralint's stdout; a failure reports the tail of the relevant log.
 *
 * The watchdog is why nothing is left behind: it holds the read end of a
 * pipe whose write end only this process holds (O_CLOEXEC, so the programs
 * this process runs do not keep it), and it waits for EOF, which comes when
 * this process ends, however it ends (exit without a stop, SIGKILL, a
 * crash, Ctrl-C). It then stops the server (pg_ctl stop -m immediate, or
 * SIGQUIT to the postmaster of postmaster.pid) and removes DIR. It is in a
 * session of its own and ignores the terminal's signals, so the Ctrl-C that
 * ends migralint does not end it too. ml_pg_server_stop does the same work
 * itself, synchronously, then ends and reaps the watchdog.
 *
 * Settings go into postgresql.conf rather than pg_ctl -o because pg_ctl
 * hands -o to /bin/sh: DIR would need shell quoting there. DIR itself
 * appears in pg_ctl's own shell command between double quotes, so a $TMPDIR
 * holding a character that cannot stand there (", \, $, `, a newline), or
 * too long for a socket path, is passed over for /tmp.
 */
#define _GNU_SOURCE /* pipe2, close_range, getgrouplist */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pg_server.h"

/* Any fixed port will do: the socket is in a directory no other server
 * uses. */
#define PG_PORT 5432
#define SOCKET_NAME "/.s.PGSQL.5432"
#define DIR_TEMPLATE "/migralint-pg-XXXXXX"
/* Lines of a log an error message carries. */
#define LOG_TAIL_LINES 6
#define MAX_GROUPS 64

/* Who runs the PostgreSQL programs: this process's own user, or, as root,
 * the postgres system user with its groups (looked up before any fork, so
 * a forked child only makes system calls). */
typedef struct run_as {
	bool switch_user; /* switch to uid, gid and groups before exec */
	uid_t uid;
	gid_t gid;
	int ngroups;
	gid_t groups[MAX_GROUPS];
} run_as;

struct ml_pg_server {
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)]; /* the private directory: data/, socket, logs */
	char bin[PATH_MAX];                                      /* absolute: initdb, pg_ctl, postgres */
	run_as as;
	char *conninfo;  /* malloc'd */
	int major;       /* from data/PG_VERSION */
	pid_t watchdog;  /* 0: none */
	int watchdog_fd; /* the write end of the watchdog's pipe; -1: none */
};

extern char **environ;

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static pid_t wait_child(pid_t pid, int *wstatus)
{
	pid_t r;
	while ((r = waitpid(pid, wstatus, 0)) < 0 && errno == EINTR)
		;
	return r;
}

/* Why a child could not become the program it was to run: written by the
 * child to a close-on-exec pipe, so that nothing arrives when execv
 * worked. */
enum child_stage { STAGE_USER, STAGE_CWD, STAGE_LOG, STAGE_EXEC };
typedef struct child_failure {
	int stage;
	int err;
} child_failure;

static const char *const stage_text[] = {
	[STAGE_USER] = "cannot switch to the postgres user to run",
	[STAGE_CWD] = "cannot change to the server's directory to run",
	[STAGE_LOG] = "cannot open the log file for",
	[STAGE_EXEC] = "cannot run",
};

/* In a forked child: moves fd to 3 and closes every other descriptor above
 * 2, so that no descriptor of the parent (its stdout, the watchdog's pipe,
 * a libpq socket) outlives it in a program or a server. */
static int keep_only_fd3(int fd)
{
	if (fd != 3) {
		if (dup3(fd, 3, O_CLOEXEC) < 0)
			return -1;
	}
	if (close_range(4, ~0U, 0) != 0) {
		long max = sysconf(_SC_OPEN_MAX);
		for (long i = 4; i < (max > 0 ? max : 1024); i++)
			close((int)i);
	}
	return 3;
}

static void reset_signals(void)
{
	static const int sigs[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD};
	sigset_t none;
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static _Noreturn void child_fail(int report_fd, int stage)
{
	child_failure f = {stage, errno};
	ssize_t n = write(report_fd, &f, sizeof f);
	(void)n;
	_exit(127);
}

/* In a forked child: becomes the user of as (groups, group, then user). */
static int switch_user(const run_as *as)
{
	if (!as->switch_user)
		return 0;
	if (setgroups((size_t)as->ngroups, as->groups) != 0 || setgid(as->gid) != 0 || setuid(as->uid) != 0)
		return -1;
	return 0;
}

/* Runs argv[0] (an absolute path) with argv as the user of as, in cwd, its
 * stdin /dev/null and its stdout and stderr appended to log_path (made
 * 0600). With die_with_parent the program is killed when the thread that
 * runs it dies (PR_SET_PDEATHSIG), so an initdb does not outlive a killed
 * migralint. Returns 0 and the program's wait status in *wstatus, or -1
 * with a message in err when it could not be started. */
static int run_program(const run_as *as, const char *cwd, const char *log_path, char *const argv[],
		       bool die_with_parent, int *wstatus, char *err, size_t err_size)
{
	int report[2];
	if (pipe2(report, O_CLOEXEC) != 0) {
		snprintf(err, err_size, "cannot run %s: pipe: %s", argv[0], strerror(errno));
		return -1;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, err_size, "cannot run %s: fork: %s", argv[0], strerror(errno));
		close(report[0]);
		close(report[1]);
		return -1;
	}
	if (pid == 0) {
		/* Only system calls from here on: the parent may have threads. */
		int fd = keep_only_fd3(report[1]);
		if (fd < 0)
			_exit(127);
		reset_signals();
		if (switch_user(as) != 0)
			child_fail(fd, STAGE_USER);
		/* After the switch: a change of user clears the parent-death signal. */
		if (die_with_parent && (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent))
			_exit(127);
		if (chdir(cwd) != 0)
			child_fail(fd, STAGE_CWD);
		int null = open("/dev/null", O_RDONLY);
		int log = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (null < 0 || log < 0)
			child_fail(fd, STAGE_LOG);
		if (dup2(null, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0)
			child_fail(fd, STAGE_LOG);
		if (null > 2)
			close(null);
		if (log > 2)
			close(log);
		/* Not migralint's environment: the traced SQL runs as the
		 * server (COPY ... PROGRAM), and a CI job's secrets are there. */
		static char *const CLEAN_ENV[] = { "PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C", NULL };
		execve(argv[0], argv, CLEAN_ENV);
		child_fail(fd, STAGE_EXEC);
	}
	close(report[1]);
	child_failure f;
	ssize_t n;
	while ((n = read(report[0], &f, sizeof f)) < 0 && errno == EINTR)
		;
	close(report[0]);
	int status = 0;
	if (wait_child(pid, &status) < 0) {
		snprintf(err, err_size, "cannot run %s: waitpid: %s", argv[0], strerror(errno));
		return -1;
	}
	if (n == (ssize_t)sizeof f && f.stage == STAGE_CWD && as->switch_user) {
		snprintf(err, err_size,
			 "the postgres user, who runs the server, cannot enter %s (%s): point TMPDIR at a "
			 "directory it can reach",
			 cwd, strerror(f.err));
		return -1;
	}
	if (n == (ssize_t)sizeof f && f.stage >= STAGE_USER && f.stage <= STAGE_EXEC) {
		snprintf(err, err_size, "%s %s: %s", stage_text[f.stage], argv[0], strerror(f.err));
		return -1;
	}
	*wstatus = status;
	return 0;
}

/* How a program ended, for a message: "exit status 1", "signal 9". */
static void describe_status(int wstatus, char *out, size_t size)
{
	if (WIFEXITED(wstatus))
		snprintf(out, size, "exit status %d", WEXITSTATUS(wstatus));
	else if (WIFSIGNALED(wstatus))
		snprintf(out, size, "killed by signal %d", WTERMSIG(wstatus));
	else
		snprintf(out, size, "wait status %d", wstatus);
}

/* Appends to out (size bytes, holding a string) the last LOG_TAIL_LINES
 * non-empty lines of path, each on a line of its own indented by two
 * spaces. Returns how many lines it appended (0: no log, or an empty
 * one). */
static int append_log_tail(const char *path, char *out, size_t size)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	off_t end = lseek(fd, 0, SEEK_END);
	off_t from = end > (off_t)sizeof buf - 1 ? end - (off_t)sizeof buf + 1 : 0;
	ssize_t n = end < 0 ? -1 : pread(fd, buf, sizeof buf - 1, from);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* Walk back over LOG_TAIL_LINES non-empty lines. */
	char *start = buf + n;
	int lines = 0;
	while (start > buf && lines < LOG_TAIL_LINES) {
		char *p = start;
		while (p > buf && (p[-1] == '\n' || p[-1] == '\r'))
			p--;
		if (p == buf)
			break;
		while (p > buf && p[-1] != '\n')
			p--;
		start = p;
		lines++;
	}
	if (from > 0 && start == buf) { /* a cut first line */
		char *nl = strchr(start, '\n');
		start = nl ? nl + 1 : buf + n;
	}
	int appended = 0;
	for (char *line = start; *line;) {
		size_t len = strcspn(line, "\r\n");
		if (len > 0) {
			size_t used = strlen(out);
			if (used + 1 < size)
				snprintf(out + used, size - used, "\n  %.*s", (int)len, line);
			appended++;
		}
		line += len;
		line += strspn(line, "\r\n");
	}
	return appended;
}

/* pid's process exists and is not a zombie waiting for its parent (a zombie
 * postmaster has stopped; in a container whose init does not reap, it
 * would stay one). */
static bool process_running(pid_t pid)
{
	if (kill(pid, 0) != 0 && errno == ESRCH)
		return false;
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno != ENOENT;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	const char *paren = strrchr(buf, ')');
	return !(paren && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X'));
}

/* pid is a process named postgres: a pid read from a stale postmaster.pid
 * may have been given to another program since. */
static bool process_is_postgres(pid_t pid)
{
	char path[64], name[32];
	snprintf(path, sizeof path, "/proc/%ld/comm", (long)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, name, sizeof name - 1);
	close(fd);
	if (n <= 0)
		return false;
	name[n] = '\0';
	name[strcspn(name, "\n")] = '\0';
	return strcmp(name, "postgres") == 0;
}

/* Waits up to ms milliseconds for pid to stop running; returns whether it
 * did. */
static bool wait_gone(pid_t pid, long ms)
{
	for (long waited = 0; process_running(pid); waited += 20) {
		if (waited >= ms)
			return false;
		sleep_ms(20);
	}
	return true;
}

/* The number a file of DIR/data starts with (postmaster.pid, PG_VERSION),
 * when it lies in (min, max]; else 0. */
static long data_number(const ml_pg_server *server, const char *name, long min, long max)
{
	char path[PATH_MAX], buf[32];
	snprintf(path, sizeof path, "%s/data/%s", server->dir, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	long value = strtol(buf, NULL, 10);
	return value > min && value <= max ? value : 0;
}

/* The postmaster's pid from DIR/data/postmaster.pid; 0 when there is none. */
static pid_t postmaster_pid(const ml_pg_server *server)
{
	return (pid_t)data_number(server, "postmaster.pid", 1, INT_MAX);
}

/* Removes name (relative to the directory at at_fd) and, when it is a
 * directory, everything below it, without following symbolic links.
 * Returns 0, or -1 when something stayed. */
static int remove_tree_at(int at_fd, const char *name)
{
	if (unlinkat(at_fd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -1;
	/* A server still writing may add entries while they are read: a few
	 * passes. */
	for (int pass = 0; pass < 3; pass++) {
		int fd = openat(at_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return errno == ENOENT ? 0 : -1;
		DIR *d = fdopendir(fd);
		if (!d) {
			close(fd);
			return -1;
		}
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
				remove_tree_at(dirfd(d), e->d_name);
		}
		closedir(d);
		if (unlinkat(at_fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			return 0;
		if (errno != ENOTEMPTY && errno != EEXIST)
			return -1;
	}
	return -1;
}

/* Stops the server if one runs in server->dir (pg_ctl stop -m immediate;
 * when that fails, SIGQUIT and then SIGKILL to the postmaster) and removes
 * the directory. Used by ml_pg_server_stop, by a failed start and by the
 * watchdog; doing it twice is harmless. */
static void stop_and_remove(const ml_pg_server *server, bool die_with_parent)
{
	pid_t pm = postmaster_pid(server);
	if (pm > 0) {
		char pg_ctl[PATH_MAX + 16], data[PATH_MAX], log[PATH_MAX], err[256];
		snprintf(pg_ctl, sizeof pg_ctl, "%s/pg_ctl", server->bin);
		snprintf(data, sizeof data, "%s/data", server->dir);
		snprintf(log, sizeof log, "%s/pg_ctl.log", server->dir);
		char *argv[] = {pg_ctl, "stop", "-D", data, "-m", "immediate", "-w", "-t", "10", NULL};
		int status;
		if (run_program(&server->as, server->dir, log, argv, die_with_parent, &status, err, sizeof err) != 0 ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0 || !wait_gone(pm, 2000)) {
			if (process_running(pm) && process_is_postgres(pm)) {
				kill(pm, SIGQUIT); /* what an immediate shutdown sends */
				if (!wait_gone(pm, 5000) && process_is_postgres(pm)) {
					kill(pm, SIGKILL);
					wait_gone(pm, 2000);
				}
			}
		}
	}
	remove_tree_at(AT_FDCWD, server->dir);
}

/* The watchdog, in the child of a fork done with every signal blocked:
 * leaves the terminal's session and ignores its signals, keeps only the
 * read end of its pipe, waits for EOF (this process's parent ended without
 * ml_pg_server_stop, which kills the watchdog instead), then cleans up.
 * Never returns. */
static _Noreturn void watchdog_main(const ml_pg_server *server, int read_fd)
{
	setsid();
	static const int ignored[] = {SIGINT, SIGQUIT, SIGHUP, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU};
	for (size_t i = 0; i < sizeof ignored / sizeof *ignored; i++)
		signal(ignored[i], SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	int fd = keep_only_fd3(read_fd);
	int null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	char byte;
	if (fd >= 0) {
		while (read(fd, &byte, 1) < 0 && errno == EINTR)
			;
	}
	stop_and_remove(server, false);
	_exit(0);
}

/* Ends and reaps the watchdog without letting it clean up (there is
 * nothing left to do, or the caller does it), and closes its pipe. */
static void end_watchdog(ml_pg_server *server)
{
	if (server->watchdog > 0) {
		/* Still an unreaped child of ours: the pid cannot name another process. */
		kill(server->watchdog, SIGKILL);
		int status;
		wait_child(server->watchdog, &status);
		server->watchdog = 0;
	}
	if (server->watchdog_fd >= 0) {
		close(server->watchdog_fd);
		server->watchdog_fd = -1;
	}
}

/* Forks the watchdog of server (whose dir exists). Returns 0, or -1 with a
 * message in err. */
static int start_watchdog(ml_pg_server *server, char *err, size_t err_size)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0) {
		snprintf(err, err_size, "cannot start the server's watchdog: pipe: %s", strerror(errno));
		return -1;
	}
	/* Every signal blocked across the fork: a Ctrl-C arriving before the
	 * watchdog has left the terminal's session waits, and is then
	 * ignored. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[1]);
		watchdog_main(server, fds[0]);
	}
	int fork_errno = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close(fds[0]);
	if (pid < 0) {
		close(fds[1]);
		snprintf(err, err_size, "cannot start the server's watchdog: fork: %s", strerror(fork_errno));
		return -1;
	}
	server->watchdog = pid;
	server->watchdog_fd = fds[1];
	return 0;
}

/* The directory the server's directory goes in: $TMPDIR when the socket
 * path below it fits a sockaddr_un and pg_ctl's shell command can carry it
 * between double quotes; /tmp otherwise. */
static void temp_base(char *out, size_t size)
{
	const char *tmp = getenv("TMPDIR");
	size_t len = tmp ? strlen(tmp) : 0;
	while (len > 1 && tmp[len - 1] == '/')
		len--;
	bool usable = tmp && tmp[0] == '/' && len + strlen(DIR_TEMPLATE) + strlen(SOCKET_NAME) < size &&
		      strcspn(tmp, "\"\\$`\n\r") >= len;
	if (usable)
		snprintf(out, size, "%.*s", (int)len, tmp);
	else
		snprintf(out, size, "/tmp");
}

/* Fills as with the user the programs run as. Returns 0, or -1 with a
 * message in err. */
static int lookup_user(run_as *as, char *err, size_t err_size)
{
	memset(as, 0, sizeof *as);
	if (geteuid() != 0)
		return 0;
	errno = 0;
	struct passwd *pw = getpwnam("postgres");
	if (!pw) {
		snprintf(err, err_size,
			 "running as root, and there is no postgres user to run the server as (initdb and postgres "
			 "refuse to run as root): create that system user (Debian's postgresql package does) or run "
			 "migralint as another user");
		return -1;
	}
	as->switch_user = true;
	as->uid = pw->pw_uid;
	as->gid = pw->pw_gid;
	as->ngroups = MAX_GROUPS;
	if (getgrouplist("postgres", pw->pw_gid, as->groups, &as->ngroups) < 0) {
		as->ngroups = 1;
		as->groups[0] = pw->pw_gid;
	}
	return 0;
}

/* Checks that bin_dir holds the three programs and makes server->bin its
 * absolute path. Returns 0, or -1 with a message naming what is missing. */
static int find_programs(ml_pg_server *server, const char *bin_dir, char *err, size_t err_size)
{
	static const char *const programs[] = {"initdb", "pg_ctl", "postgres"};
	char why[128] = "";
	if (!realpath(bin_dir, server->bin)) {
		snprintf(why, sizeof why, "%s", errno == ENOENT ? "no such directory" : strerror(errno));
	} else {
		const char *missing[3];
		size_t n = 0;
		for (size_t i = 0; i < 3; i++) {
			char path[PATH_MAX + 16];
			struct stat st;
			snprintf(path, sizeof path, "%s/%s", server->bin, programs[i]);
			if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || access(path, X_OK) != 0)
				missing[n++] = programs[i];
		}
		if (n == 0)
			return 0;
		for (size_t i = 0; i < n; i++) {
			size_t used = strlen(why);
			snprintf(why + used, sizeof why - used, "%s%s", i == 0 ? "" : i + 1 < n ? ", " : " and ",
				 missing[i]);
		}
		snprintf(why + strlen(why), sizeof why - strlen(why), " not found there");
	}
	snprintf(err, err_size,
		 "no PostgreSQL programs in '%s' (%s): install Debian's postgresql package (PostgreSQL 15, in "
		 "%s) or name the directory of initdb, pg_ctl and postgres with --pg-bin DIR",
		 bin_dir, why, ML_PG_DEFAULT_BIN);
	return -1;
}

/* s quoted for a postgresql.conf value ('...', a quote doubled) into out. */
static void conf_quote(const char *s, char *out, size_t size)
{
	size_t o = 0;
	if (size < 3)
		return;
	out[o++] = '\'';
	for (; *s && o + 3 < size; s++) {
		if (*s == '\'' || *s == '\\')
			out[o++] = *s;
		out[o++] = *s;
	}
	out[o++] = '\'';
	out[o] = '\0';
}

/* Appends the scratch server's settings to DIR/data/postgresql.conf (later
 * lines win). Returns 0, or -1 with a message in err. */
static int write_settings(const ml_pg_server *server, char *err, size_t err_size)
{
	char path[PATH_MAX], socket_dirs[PATH_MAX], quoted[2 * PATH_MAX + 8];
	snprintf(path, sizeof path, "%s/data/postgresql.conf", server->dir);
	/* unix_socket_directories is a list: the directory as one quoted
	 * element, so a space or a comma in it stays part of it. */
	snprintf(socket_dirs, sizeof socket_dirs, "\"%s\"", server->dir);
	conf_quote(socket_dirs, quoted, sizeof quoted);
	FILE *f = fopen(path, "ae");
	if (!f) {
		snprintf(err, err_size, "cannot write the server's settings to %s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(f,
		"\n# migralint trace: a throwaway server, reached through a unix socket in its own\n"
		"# directory only, fast and quiet rather than durable.\n"
		"listen_addresses = ''\n"
		"unix_socket_directories = %s\n"
		"port = %d\n"
		"fsync = off\n"
		"full_page_writes = off\n"
		"synchronous_commit = off\n"
		"# The tracer reads the scan counters: no autovacuum to add to them.\n"
		"autovacuum = off\n"
		"track_counts = on\n",
		quoted, PG_PORT);
	if (fclose(f) != 0) {
		snprintf(err, err_size, "cannot write the server's settings to %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The major version in DIR/data/PG_VERSION ("15"); 0 when unreadable. */
static int read_major(const ml_pg_server *server)
{
	return (int)data_number(server, "PG_VERSION", 0, 999);
}

/* The libpq connection string: host quoted per libpq's rules ('...', with
 * \ before a quote or a backslash), so any directory name is one value. */
static char *make_conninfo(const char *dir)
{
	size_t len = strlen(dir);
	char *host = malloc(2 * len + 3);
	if (!host)
		return NULL;
	size_t o = 0;
	host[o++] = '\'';
	for (const char *p = dir; *p; p++) {
		if (*p == '\'' || *p == '\\')
			host[o++] = '\\';
		host[o++] = *p;
	}
	host[o++] = '\'';
	host[o] = '\0';
	static const char fmt[] = "host=%s port=%d user=postgres dbname=postgres";
	size_t size = o + sizeof fmt + 16;
	char *conninfo = malloc(size);
	if (conninfo)
		snprintf(conninfo, size, fmt, host, PG_PORT);
	free(host);
	return conninfo;
}

/* Runs initdb, then pg_ctl start, for server (its dir made, its watchdog
 * running). Returns 0, or -1 with a message in err. */
static int init_and_start(ml_pg_server *server, char *err, size_t err_size)
{
	char prog[PATH_MAX + 16], data[PATH_MAX], log[PATH_MAX], server_log[PATH_MAX], how[64];
	int status;
	snprintf(data, sizeof data, "%s/data", server->dir);

	snprintf(prog, sizeof prog, "%s/initdb", server->bin);
	snprintf(log, sizeof log, "%s/initdb.log", server->dir);
	/* No --no-instructions: its output goes to a log anyway, and initdb
	 * before 14 (--pg-bin) does not know it. */
	char *initdb[] = {prog, "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", NULL};
	if (run_program(&server->as, server->dir, log, initdb, true, &status, err, err_size) != 0)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		describe_status(status, how, sizeof how);
		snprintf(err, err_size, "initdb (%s) failed, %s:", server->bin, how);
		if (append_log_tail(log, err, err_size) == 0)
			snprintf(err + strlen(err), err_size - strlen(err), " (it wrote nothing)");
		return -1;
	}
	server->major = read_major(server);
	if (write_settings(server, err, err_size) != 0)
		return -1;

	snprintf(prog, sizeof prog, "%s/pg_ctl", server->bin);
	snprintf(log, sizeof log, "%s/pg_ctl.log", server->dir);
	snprintf(server_log, sizeof server_log, "%s/server.log", server->dir);
	char *pg_ctl[] = {prog, "start", "-D", data, "-l", server_log, "-w", "-t", "60", NULL};
	if (run_program(&server->as, server->dir, log, pg_ctl, true, &status, err, err_size) != 0)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		describe_status(status, how, sizeof how);
		snprintf(err, err_size, "the PostgreSQL server (%s) did not start, pg_ctl %s:", server->bin, how);
		if (append_log_tail(server_log, err, err_size) == 0 && append_log_tail(log, err, err_size) == 0)
			snprintf(err + strlen(err), err_size - strlen(err), " (no log)");
		return -1;
	}
	return 0;
}

ml_pg_server *ml_pg_server_start(const char *bin_dir, char *err, size_t err_size)
{
	ml_pg_server *server = calloc(1, sizeof *server);
	if (!server) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	server->watchdog_fd = -1;
	if (find_programs(server, bin_dir ? bin_dir : ML_PG_DEFAULT_BIN, err, err_size) != 0 ||
	    lookup_user(&server->as, err, err_size) != 0) {
		free(server);
		return NULL;
	}
	char base[sizeof server->dir];
	temp_base(base, sizeof base);
	/* temp_base left room for the template and the socket's name. */
	int len = snprintf(server->dir, sizeof server->dir, "%.*s%s",
			   (int)(sizeof server->dir - sizeof DIR_TEMPLATE - sizeof SOCKET_NAME), base, DIR_TEMPLATE);
	if (len < 0 || (size_t)len >= sizeof server->dir || !mkdtemp(server->dir)) {
		snprintf(err, err_size, "cannot make a temporary directory in %s for the server: %s", base,
			 strerror(errno));
		free(server);
		return NULL;
	}
	/* The watchdog first: from here on, whatever happens to this process,
	 * the directory goes. */
	if (start_watchdog(server, err, err_size) != 0) {
		remove_tree_at(AT_FDCWD, server->dir);
		free(server);
		return NULL;
	}
	if (server->as.switch_user && chown(server->dir, server->as.uid, server->as.gid) != 0) {
		snprintf(err, err_size, "cannot give %s to the postgres user: %s", server->dir, strerror(errno));
		ml_pg_server_stop(server);
		return NULL;
	}
	if (init_and_start(server, err, err_size) != 0) {
		ml_pg_server_stop(server);
		return NULL;
	}
	server->conninfo = make_conninfo(server->dir);
	if (!server->conninfo) {
		snprintf(err, err_size, "out of memory");
		ml_pg_server_stop(server);
		return NULL;
	}
	return server;
}

const char *ml_pg_server_conninfo(const ml_pg_server *server)
{
	return server->conninfo;
}

int ml_pg_server_major(const ml_pg_server *server)
{
	return server->major;
}

void ml_pg_server_stop(ml_pg_server *server)
{
	if (!server)
		return;
	stop_and_remove(server, true);
	end_watchdog(server);
	free(server->conninfo);
	free(server);
}
