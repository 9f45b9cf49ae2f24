/*
 * git.c - a migration directory as git holds it at a base commit (git.h):
 * which repository holds the directory and which commit a ref names there
 * (git rev-parse), the files below the directory at that commit (git
 * ls-tree) and their content (one git cat-file --batch for all of them).
 *
 * git runs as a child process started with posix_spawnp and an argv, never
 * through a shell; options end before every name that comes from the user
 * or the tree (-C takes an absolute path, --end-of-options, --, literal
 * pathspecs), and a ref starting with '-' is refused. The child gets
 * LC_ALL=C (its messages are matched in English), no terminal prompt, no
 * pager, no optional locks, and none of the variables that point git at a
 * repository (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, ...): a git hook
 * exports them for the repository it runs in, and with GIT_DIR set git
 * would take the directory asked about for the top of the work tree. Its
 * stdout and stderr are read, and its stdin written, in one poll() loop, so
 * neither a large output nor a large input can block both sides.
 *
 * Nothing is printed: errors come back as a sentence in the arena. No
 * global state: SIGPIPE is blocked only in the calling thread while it
 * writes to git, and what was resolved is cached in the caller's arena.
 */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "git.h"
#include "map.h"

extern char **environ;

struct ml_git_base {
	const char *top;      /* the work tree's top folder, symbolic links resolved */
	const char *commit;   /* hex; NULL for HEAD on a branch with no commits yet (empty) */
	const char *ref;      /* as given */
};

/* ---- running git ---- */

/* How much of git's stderr is kept for a message. */
#define ERR_MAX 4096
#define IO_CHUNK 65536

/* Bytes growing on the heap (git's stdout and stderr). */
typedef struct bytes {
	char *data;   /* NUL-terminated once anything was added */
	size_t len, cap;
} bytes;

static void bytes_add(bytes *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *grown = realloc(b->data, cap);
		if (!grown)
			ml_out_of_memory(cap);
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* Takes a piece of git's stdout; returns 0, or -1 to be given no more. */
typedef int (*stdout_sink)(void *ctx, const char *data, size_t len);

/* One run of git and what it gave back. */
typedef struct git_call {
	const char *where;          /* the folder git runs in (-C): absolute */
	const char *const *args;    /* after "git", NULL-terminated */
	const char *input;          /* written to its stdin; NULL: /dev/null */
	size_t input_len;
	stdout_sink sink;           /* takes stdout; NULL: kept in out */
	void *sink_ctx;
	/* results */
	int spawn_error;            /* errno of starting git (ENOENT: none on PATH), else 0 */
	int status;                 /* exit status; -1 when a signal ended it */
	bytes out, err;             /* stdout (without a sink), stderr (its first ERR_MAX bytes) */
} git_call;

static void git_call_release(git_call *c)
{
	free(c->out.data);
	free(c->err.data);
	c->out = c->err = (bytes){ 0 };
}

/* Variables the child must not get from us: ours replace the first three;
 * the rest point git at a repository other than the one -C finds (a hook
 * exports them). */
static const char *const DROPPED_ENV[] = {
	"LC_ALL", "GIT_TERMINAL_PROMPT", "GIT_OPTIONAL_LOCKS", "GIT_DIR", "GIT_WORK_TREE",
	"GIT_IMPLICIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_INDEX_FILE", "GIT_PREFIX", "GIT_OBJECT_DIRECTORY",
	"GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_SHALLOW_FILE", "GIT_GRAFT_FILE", "GIT_PAGER",
};

static bool dropped_env(const char *entry)
{
	for (size_t i = 0; i < sizeof(DROPPED_ENV) / sizeof(*DROPPED_ENV); i++) {
		size_t n = strlen(DROPPED_ENV[i]);
		if (strncmp(entry, DROPPED_ENV[i], n) == 0 && entry[n] == '=')
			return true;
	}
	return false;
}

/* The child's environment: ours without DROPPED_ENV, plus the settings git
 * runs with here. malloc'd array of borrowed strings. */
static char **child_env(void)
{
	static char *const ADDED[] = { "LC_ALL=C", "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0" };
	size_t n = 0;
	for (char **e = environ; e && *e; e++)
		n++;
	size_t n_added = sizeof(ADDED) / sizeof(*ADDED);
	char **env = malloc((n + n_added + 1) * sizeof(*env));
	if (!env)
		ml_out_of_memory((n + n_added + 1) * sizeof(*env));
	size_t k = 0;
	for (char **e = environ; e && *e; e++)
		if (!dropped_env(*e))
			env[k++] = *e;
	for (size_t i = 0; i < n_added; i++)
		env[k++] = ADDED[i];
	env[k] = NULL;
	return env;
}

/* fd moved to a number above 2 (a process started with stdin, stdout or
 * stderr closed gets those numbers from pipe2), close-on-exec. */
static int fd_above_stdio(int fd)
{
	if (fd < 0 || fd > 2)
		return fd;
	int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	int saved = errno;
	close(fd);
	errno = saved;
	return moved;
}

static int make_pipe(int fds[2])
{
	if (pipe2(fds, O_CLOEXEC) != 0)
		return -1;
	fds[0] = fd_above_stdio(fds[0]);
	fds[1] = fd_above_stdio(fds[1]);
	if (fds[0] < 0 || fds[1] < 0) {
		int saved = errno;
		if (fds[0] >= 0)
			close(fds[0]);
		if (fds[1] >= 0)
			close(fds[1]);
		errno = saved;
		return -1;
	}
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Starts git with argv; returns its pid, or -1 with errno. The child's
 * stdin is in_fd (or /dev/null when -1), its stdout and stderr out_fd and
 * err_fd, its signal mask child_mask and SIGPIPE at its default. */
static pid_t spawn_git(char *const *argv, int in_fd, int out_fd, int err_fd, const sigset_t *child_mask)
{
	posix_spawn_file_actions_t actions;
	posix_spawnattr_t attr;
	int rc = posix_spawn_file_actions_init(&actions);
	if (rc) {
		errno = rc;
		return -1;
	}
	if ((rc = posix_spawnattr_init(&attr))) {
		posix_spawn_file_actions_destroy(&actions);
		errno = rc;
		return -1;
	}
	sigset_t pipe_only;
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	if (in_fd >= 0)
		rc = posix_spawn_file_actions_adddup2(&actions, in_fd, 0);
	else
		rc = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
	if (!rc)
		rc = posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
	if (!rc)
		rc = posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
	if (!rc)
		rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	if (!rc)
		rc = posix_spawnattr_setsigmask(&attr, child_mask);
	if (!rc)
		rc = posix_spawnattr_setsigdefault(&attr, &pipe_only);
	pid_t pid = -1;
	if (!rc) {
		char **env = child_env();
		rc = posix_spawnp(&pid, argv[0], &actions, &attr, argv, env);
		free(env);
	}
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&actions);
	if (rc) {
		errno = rc;
		return -1;
	}
	return pid;
}

/* Feeds c->input to git's stdin (in_fd, non-blocking) and reads its stdout
 * and stderr as they come, until both end. Sets *broken_pipe when git
 * closed its stdin before taking all of it. */
static void pump(git_call *c, int *in_fd, int *out_fd, int *err_fd, bool *broken_pipe)
{
	char *chunk = malloc(IO_CHUNK);
	if (!chunk)
		ml_out_of_memory(IO_CHUNK);
	size_t fed = 0;
	bool sink_done = false;
	while (*out_fd >= 0 || *err_fd >= 0) {
		struct pollfd pfd[3];
		int n = 0, in_at = -1, out_at = -1, err_at = -1;
		if (*in_fd >= 0) {
			in_at = n;
			pfd[n++] = (struct pollfd){ .fd = *in_fd, .events = POLLOUT };
		}
		if (*out_fd >= 0) {
			out_at = n;
			pfd[n++] = (struct pollfd){ .fd = *out_fd, .events = POLLIN };
		}
		if (*err_fd >= 0) {
			err_at = n;
			pfd[n++] = (struct pollfd){ .fd = *err_fd, .events = POLLIN };
		}
		if (poll(pfd, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (in_at >= 0 && pfd[in_at].revents) {
			size_t left = c->input_len - fed;
			ssize_t w = write(*in_fd, c->input + fed, left < IO_CHUNK ? left : IO_CHUNK);
			if (w > 0) {
				fed += (size_t)w;
				if (fed == c->input_len)
					close_fd(in_fd);
			} else if (w < 0 && errno != EAGAIN && errno != EINTR) {
				if (errno == EPIPE)
					*broken_pipe = true;
				close_fd(in_fd);
			}
		}
		if (out_at >= 0 && pfd[out_at].revents) {
			ssize_t r = read(*out_fd, chunk, IO_CHUNK);
			if (r > 0) {
				if (!c->sink)
					bytes_add(&c->out, chunk, (size_t)r);
				else if (!sink_done && c->sink(c->sink_ctx, chunk, (size_t)r) != 0)
					sink_done = true;
			} else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
				close_fd(out_fd);
			}
		}
		if (err_at >= 0 && pfd[err_at].revents) {
			ssize_t r = read(*err_fd, chunk, IO_CHUNK);
			if (r > 0) {
				size_t room = c->err.len < ERR_MAX ? ERR_MAX - c->err.len : 0;
				bytes_add(&c->err, chunk, (size_t)r < room ? (size_t)r : room);
			} else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
				close_fd(err_fd);
			}
		}
	}
	free(chunk);
}

/* Runs git -C c->where with c->args and waits for it; fills the results of
 * c. Returns 0 when git ran and exited 0, else -1 (c->spawn_error or
 * c->status says why). */
static int run_git(git_call *c)
{
	static const char *const GLOBAL[] = { "git", "--no-pager", "--literal-pathspecs", "-C" };
	size_t n_global = sizeof(GLOBAL) / sizeof(*GLOBAL), n_args = 0;
	while (c->args[n_args])
		n_args++;
	const char **argv = malloc((n_global + 1 + n_args + 1) * sizeof(*argv));
	if (!argv)
		ml_out_of_memory((n_global + 1 + n_args + 1) * sizeof(*argv));
	memcpy(argv, GLOBAL, sizeof(GLOBAL));
	argv[n_global] = c->where;
	memcpy(argv + n_global + 1, c->args, (n_args + 1) * sizeof(*argv));

	c->spawn_error = 0;
	c->status = -1;
	int in_fds[2] = { -1, -1 }, out_fds[2] = { -1, -1 }, err_fds[2] = { -1, -1 };
	if ((c->input && make_pipe(in_fds) != 0) || make_pipe(out_fds) != 0 || make_pipe(err_fds) != 0) {
		c->spawn_error = errno;
		goto done;
	}
	/* A write to a git that exited must fail with EPIPE, not kill the
	 * process: SIGPIPE is blocked in this thread only, and one it raised
	 * is taken back below. */
	sigset_t pipe_only, old_mask, pending;
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_only, &old_mask);
	sigpending(&pending);
	bool pipe_was_pending = sigismember(&pending, SIGPIPE);

	pid_t pid = spawn_git((char *const *)argv, in_fds[0], out_fds[1], err_fds[1], &old_mask);
	if (pid < 0)
		c->spawn_error = errno;
	close_fd(&in_fds[0]);
	close_fd(&out_fds[1]);
	close_fd(&err_fds[1]);
	if (pid >= 0) {
		bool broken_pipe = false;
		if (in_fds[1] >= 0) {
			if (c->input_len == 0)
				close_fd(&in_fds[1]);
			else
				fcntl(in_fds[1], F_SETFL, fcntl(in_fds[1], F_GETFL) | O_NONBLOCK);
		}
		pump(c, &in_fds[1], &out_fds[0], &err_fds[0], &broken_pipe);
		close_fd(&in_fds[1]);
		close_fd(&out_fds[0]);
		close_fd(&err_fds[0]);
		int wstatus;
		pid_t w;
		while ((w = waitpid(pid, &wstatus, 0)) < 0 && errno == EINTR)
			;
		if (w == pid && WIFEXITED(wstatus))
			c->status = WEXITSTATUS(wstatus);
		if (broken_pipe && !pipe_was_pending) {
			struct timespec now = { 0, 0 };
			while (sigtimedwait(&pipe_only, NULL, &now) < 0 && errno == EINTR)
				;
		}
	}
	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
done:
	for (int i = 0; i < 2; i++) {
		close_fd(&in_fds[i]);
		close_fd(&out_fds[i]);
		close_fd(&err_fds[i]);
	}
	free(argv);
	return c->spawn_error == 0 && c->status == 0 ? 0 : -1;
}

/* git's complaint for a message: the first line of its stderr without
 * "fatal: " or "error: ", or how it ended when it said nothing. */
static const char *git_complaint(ml_arena *arena, const git_call *c)
{
	const char *s = c->err.data ? c->err.data : "";
	while (*s == '\n' || *s == ' ')
		s++;
	if (strncmp(s, "fatal: ", 7) == 0)
		s += 7;
	else if (strncmp(s, "error: ", 7) == 0)
		s += 7;
	size_t n = strcspn(s, "\n");
	if (n > 0)
		return ml_arena_strndup(arena, s, n);
	if (c->status >= 0)
		return ml_arena_printf(arena, "it exited with status %d", c->status);
	return "a signal ended it";
}

/* The sentence for a git that could not be started. */
static const char *spawn_failure(ml_arena *arena, const char *what, int err)
{
	if (err == ENOENT)
		return ml_arena_printf(arena, "cannot read %s: git is not installed (no git on PATH); install git "
				       "(e.g. apt-get install git)", what);
	return ml_arena_printf(arena, "cannot read %s: running git failed: %s", what, strerror(err));
}

/* ---- paths ---- */

/* s quoted for a shell command in a hint, when it needs it. */
static const char *shell_word(ml_arena *arena, const char *s)
{
	if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._-+:@%=,") == strlen(s))
		return s;
	ml_strbuf b = { .arena = arena };
	ml_strbuf_str(&b, "'");
	for (; *s; s++) {
		if (*s == '\'')
			ml_strbuf_str(&b, "'\\''");
		else
			ml_strbuf_add(&b, s, 1);
	}
	ml_strbuf_str(&b, "'");
	return b.data;
}

/* path made absolute with its symbolic links resolved (realpath), except a
 * tail of folders that do not exist (any more), kept as written: a
 * directory deleted in the work tree may still be at the base. malloc'd,
 * or NULL with errno. */
static char *resolve_path(const char *path)
{
	if (!*path)
		path = ".";
	char *real = realpath(path, NULL);
	if (real || errno != ENOENT)
		return real;
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	size_t slash = len;
	while (slash > 0 && path[slash - 1] != '/')
		slash--;
	const char *name = path + slash;
	size_t name_len = len - slash;
	if (name_len == 0 || (name_len == 1 && name[0] == '.') || (name_len == 2 && name[0] == '.' && name[1] == '.')) {
		errno = ENOENT;
		return NULL;
	}
	char *parent;
	if (slash == 0)
		parent = strdup(".");
	else if (slash == 1)
		parent = strdup("/");
	else
		parent = strndup(path, slash - 1);
	if (!parent)
		ml_out_of_memory(slash + 2);
	char *resolved = resolve_path(parent);
	free(parent);
	if (!resolved)
		return NULL;
	size_t rlen = strlen(resolved);
	bool root = rlen == 1;
	char *joined = malloc(rlen + 1 + name_len + 1);
	if (!joined)
		ml_out_of_memory(rlen + name_len + 2);
	memcpy(joined, resolved, rlen);
	if (!root)
		joined[rlen++] = '/';
	memcpy(joined + rlen, name, name_len);
	joined[rlen + name_len] = '\0';
	free(resolved);
	return joined;
}

/* The nearest folder that exists at or above the absolute path (cut in
 * place): where git can start looking for the repository. */
static void existing_folder(char *path)
{
	for (;;) {
		struct stat st;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return;
		char *slash = strrchr(path, '/');
		if (!slash || slash == path) {
			strcpy(path, "/");
			return;
		}
		*slash = '\0';
	}
}

/* The part of the absolute path below top ("" for top itself), or NULL when
 * it is not inside top. */
static const char *below_top(const char *path, const char *top)
{
	size_t n = strlen(top);
	if (n == 1)   /* "/" */
		return path + 1;
	if (strncmp(path, top, n) != 0)
		return NULL;
	if (path[n] == '\0')
		return path + n;
	return path[n] == '/' ? path + n + 1 : NULL;
}

/* ---- the cache in the caller's arena ---- */

/* What the arena learned: the top folder of each resolved folder, and the
 * base of each top and ref. */
typedef struct git_cache {
	ml_map tops;    /* resolved folder -> const char *top */
	ml_map bases;   /* base_key(top, ref) -> ml_git_base * */
} git_cache;

/* Its address is the key of the cache's arena slot. */
static const char CACHE_SLOT;

static git_cache *arena_cache(ml_arena *arena)
{
	void **slot = ml_arena_slot(arena, &CACHE_SLOT);
	if (!*slot)
		*slot = ml_arena_alloc(arena, sizeof(git_cache));
	return *slot;
}

/* One key for a top and a ref, whatever characters either holds. */
static const char *base_key(ml_arena *arena, const char *top, const char *ref)
{
	return ml_arena_printf(arena, "%zu:%s%s", strlen(top), top, ref);
}

/* ---- opening ---- */

/* The hint for fetching ref: the branch to name when ref is one, else the
 * ref itself when it has no revision syntax in it, else NULL. */
static const char *fetchable(const char *ref)
{
	static const char *const PREFIXES[] = { "refs/remotes/origin/", "refs/heads/", "origin/" };
	if (strpbrk(ref, "~^:@{} \t\n\\*?["))
		return NULL;
	for (size_t i = 0; i < sizeof(PREFIXES) / sizeof(*PREFIXES); i++) {
		size_t n = strlen(PREFIXES[i]);
		if (strncmp(ref, PREFIXES[i], n) == 0 && ref[n])
			return ref + n;
	}
	return ref;
}

/* The sentence for a ref that named no commit in the repository at top. */
static const char *unknown_ref(ml_arena *arena, const char *ref, const char *top, bool shallow)
{
	if (shallow)
		return ml_arena_printf(arena, "the base '%s' is not in the repository at '%s': it is a shallow clone, "
				       "which holds only the latest commits; fetch the history (actions/checkout: "
				       "fetch-depth: 0, or git fetch --unshallow)", ref, top);
	const char *branch = fetchable(ref);
	if (branch)
		return ml_arena_printf(arena, "no commit '%s' in the repository at '%s'; fetch it (git fetch origin "
				       "%s) or name another ref", ref, top, shell_word(arena, branch));
	return ml_arena_printf(arena, "no commit '%s' in the repository at '%s'; fetch the branch it is on "
			       "(git fetch origin BRANCH) or name another ref", ref, top);
}

/* The repository git refused for its owner, as its stderr names it
 * ("... in repository at '/top'", or git 2.35's "unsafe repository
 * ('/top' is owned by someone else)"); NULL when not found. The name may
 * itself hold a quote, so it runs to the last quote of the line or to the
 * one before " is owned". (The command git suggests quotes it for a shell,
 * so it is not read.) */
static const char *refused_top(ml_arena *arena, const char *err)
{
	static const char *const STARTS[] = { "repository at '", "repository ('" };
	for (size_t i = 0; i < sizeof(STARTS) / sizeof(*STARTS); i++) {
		const char *start = strstr(err, STARTS[i]);
		if (!start)
			continue;
		start += strlen(STARTS[i]);
		const char *end = start + strcspn(start, "\n");
		const char *owned = strstr(start, "' is owned");
		if (i == 1 && owned && owned < end)
			end = owned + 1;
		if (end > start && end[-1] == '\'')
			end--;
		if (end > start)
			return ml_arena_strndup(arena, start, (size_t)(end - start));
	}
	return NULL;
}

/* The sentence for a rev-parse that found no work tree for dir. */
static const char *no_work_tree(ml_arena *arena, const char *dir, const git_call *c)
{
	const char *err = c->err.data ? c->err.data : "";
	if (strstr(err, "dubious ownership") || strstr(err, "unsafe repository")) {
		const char *top = refused_top(arena, err);
		if (!top)
			top = dir;
		return ml_arena_printf(arena, "git refuses the repository at '%s' that holds '%s': another user owns "
				       "it (dubious ownership); if you trust it, run git config --global --add "
				       "safe.directory %s", top, dir, shell_word(arena, top));
	}
	if (strstr(err, "not a git repository") || strstr(err, "must be run in a work tree"))
		return ml_arena_printf(arena, "'%s' is not in a git work tree, so there is no history to read; run "
				       "in a clone of the repository (git clone), not in a copy of its files", dir);
	return ml_arena_printf(arena, "cannot read the git repository of '%s': %s", dir, git_complaint(arena, c));
}

int ml_git_base_open(ml_arena *arena, const char *dir, const char *ref, ml_git_base **out, const char **error)
{
	*out = NULL;
	*error = NULL;
	if (!ref || !*ref) {
		*error = ml_arena_printf(arena, "no base ref given for '%s'; name a branch, tag or commit "
					 "(e.g. origin/main or HEAD)", dir);
		return -1;
	}
	if (ref[0] == '-') {
		*error = ml_arena_printf(arena, "the base ref '%s' starts with '-', which git would take for an "
					 "option; name a branch, tag or commit (none starts with '-')", ref);
		return -1;
	}
	char *resolved = resolve_path(dir);
	if (!resolved) {
		*error = ml_arena_printf(arena, "cannot find the folder '%s': %s; name a folder inside the git "
					 "work tree", dir, strerror(errno));
		return -1;
	}
	git_cache *cache = arena_cache(arena);
	const char *top = ml_map_get(&cache->tops, resolved);
	if (top) {
		ml_git_base *known = ml_map_get(&cache->bases, base_key(arena, top, ref));
		if (known) {
			free(resolved);
			*out = known;
			return 0;
		}
	}

	char *start = strdup(resolved);
	if (!start)
		ml_out_of_memory(strlen(resolved) + 1);
	existing_folder(start);
	const char *spec = ml_arena_printf(arena, "%s^{commit}", ref);
	const char *args[] = { "rev-parse", "--show-toplevel", "--is-shallow-repository", "--verify", "--quiet",
			       "--end-of-options", spec, NULL };
	git_call c = { .where = start, .args = args };
	run_git(&c);
	free(start);

	int rc = -1;
	/* Its lines: the top, "true" or "false" for shallow, the commit. */
	const char *lines[3] = { NULL, NULL, NULL };
	size_t n_lines = 0;
	for (char *s = c.out.data; s && *s && n_lines < 3;) {
		char *nl = strchr(s, '\n');
		if (!nl)
			break;
		*nl = '\0';
		lines[n_lines++] = s;
		s = nl + 1;
	}
	if (c.spawn_error) {
		*error = spawn_failure(arena, ml_arena_printf(arena, "the history of '%s'", dir), c.spawn_error);
		goto done;
	}
	if (n_lines < 2 || (c.status != 0 && c.status != 1)) {
		*error = no_work_tree(arena, dir, &c);
		goto done;
	}
	if (!top) {
		char *real_top = realpath(lines[0], NULL);
		top = ml_arena_strdup(arena, real_top ? real_top : lines[0]);
		free(real_top);
		ml_map_put(arena, &cache->tops, resolved, (void *)top);
	}
	bool unborn = false;
	if (c.status != 0 || n_lines < 3) {
		/* HEAD of a full clone names no commit only on a branch without
		 * one (a pre-commit hook before the first commit): nothing has been
		 * applied, an empty base. */
		unborn = strcmp(lines[1], "true") != 0 && (strcmp(ref, "HEAD") == 0 || strcmp(ref, "@") == 0);
		if (!unborn) {
			*error = unknown_ref(arena, ref, top, strcmp(lines[1], "true") == 0);
			goto done;
		}
	}
	/* another folder of a repository opened before */
	const char *key = base_key(arena, top, ref);
	ml_git_base *base = ml_map_get(&cache->bases, key);
	if (!base) {
		base = ml_arena_alloc(arena, sizeof(*base));
		base->top = top;
		base->commit = unborn ? NULL : ml_arena_strdup(arena, lines[2]);
		base->ref = ml_arena_strdup(arena, ref);
		ml_map_put(arena, &cache->bases, key, base);
	}
	*out = base;
	rc = 0;
done:
	free(resolved);
	git_call_release(&c);
	return rc;
}

const char *ml_git_base_commit(const ml_git_base *base)
{
	return base->commit;
}

const char *ml_git_base_ref(const ml_git_base *base)
{
	return base->ref;
}

/* ---- listing ---- */

static int compare_paths(const void *a, const void *b)
{
	return strcmp(((const ml_git_file *)a)->path, ((const ml_git_file *)b)->path);
}

/* Reads one record of ls-tree -z ("<mode> <type> <oid>\t<path>") at rec:
 * the regular file's oid and path, or false for anything else. */
static bool regular_file(char *rec, const char **oid, const char **path)
{
	char *tab = strchr(rec, '\t');
	if (!tab)
		return false;
	*tab = '\0';
	*path = tab + 1;
	char *type = strchr(rec, ' ');
	if (!type)
		return false;
	*type++ = '\0';
	char *hex = strchr(type, ' ');
	if (!hex)
		return false;
	*hex++ = '\0';
	*oid = hex;
	return strcmp(type, "blob") == 0 && (strcmp(rec, "100644") == 0 || strcmp(rec, "100755") == 0);
}

int ml_git_base_list(const ml_git_base *base, ml_arena *arena, const char *dir, ml_git_file **files, size_t *n,
		     const char **error)
{
	*files = NULL;
	*n = 0;
	*error = NULL;
	if (!base->commit)
		return 0; /* a branch without commits */
	char *resolved = resolve_path(dir);
	if (!resolved) {
		*error = ml_arena_printf(arena, "cannot find the folder '%s': %s", dir, strerror(errno));
		return -1;
	}
	const char *rel = below_top(resolved, base->top);
	if (!rel) {
		*error = ml_arena_printf(arena, "'%s' is not inside the repository at '%s' where the base '%s' was "
					 "opened; open the base from the repository that holds it", dir, base->top,
					 base->ref);
		free(resolved);
		return -1;
	}
	rel = ml_arena_strdup(arena, rel);
	free(resolved);
	size_t rel_len = strlen(rel);

	const char *args[] = { "ls-tree", "-r", "-z", "--full-tree", "--end-of-options", base->commit, "--", rel, NULL };
	if (rel_len == 0)
		args[6] = NULL;   /* the whole tree */
	git_call c = { .where = base->top, .args = args };
	if (run_git(&c) != 0) {
		*error = c.spawn_error
				 ? spawn_failure(arena, ml_arena_printf(arena, "'%s' at the base '%s'", dir, base->ref),
						 c.spawn_error)
				 : ml_arena_printf(arena, "cannot list '%s' at the base '%s' (%s): %s", dir, base->ref,
						   base->commit, git_complaint(arena, &c));
		git_call_release(&c);
		return -1;
	}
	size_t count = 0;
	for (size_t at = 0; at < c.out.len; at += strlen(c.out.data + at) + 1)
		count++;
	ml_git_file *list = ml_arena_alloc(arena, (count ? count : 1) * sizeof(*list));
	size_t k = 0;
	for (size_t at = 0; at < c.out.len;) {
		char *rec = c.out.data + at;
		at += strlen(rec) + 1;
		const char *oid, *path;
		if (!regular_file(rec, &oid, &path))
			continue;
		if (rel_len) {
			/* ls-tree also gives a file that is the folder's own path */
			if (strncmp(path, rel, rel_len) != 0 || path[rel_len] != '/')
				continue;
			path += rel_len + 1;
		}
		list[k].path = ml_arena_strdup(arena, path);
		list[k].oid = ml_arena_strdup(arena, oid);
		k++;
	}
	git_call_release(&c);
	qsort(list, k, sizeof(*list), compare_paths);
	*files = list;
	*n = k;
	return 0;
}

/* ---- reading ---- */

/* The state of reading cat-file --batch's replies: "<oid> blob <size>\n",
 * the content, "\n"; or "<oid> missing\n". */
typedef struct batch_reader {
	ml_arena *arena;
	ml_git_file *files;
	size_t n, at;               /* the file whose reply comes next */
	enum { IN_HEADER, IN_BODY, AT_BODY_END } state;
	char header[256];
	size_t header_len;
	size_t body_done;           /* bytes of files[at].text filled */
	size_t missing;             /* the first file git has no object for, or SIZE_MAX */
	size_t max_size;            /* the most bytes a blob may have (0: any) */
	size_t too_large;           /* the file larger than that, or SIZE_MAX */
	const char *malformed;      /* what was wrong with the output, or NULL */
} batch_reader;

/* Takes one header line; returns 0, or -1 (with r->malformed). */
static int batch_header(batch_reader *r)
{
	if (r->at >= r->n) {
		r->malformed = "more replies than objects asked for";
		return -1;
	}
	ml_git_file *f = &r->files[r->at];
	char *line = r->header;
	char *sp = strchr(line, ' ');
	if (!sp || (size_t)(sp - line) != strlen(f->oid) || memcmp(line, f->oid, (size_t)(sp - line)) != 0) {
		r->malformed = ml_arena_printf(r->arena, "a reply for another object than %s", f->oid);
		return -1;
	}
	const char *rest = sp + 1;
	if (strcmp(rest, "missing") == 0) {
		if (r->missing == SIZE_MAX)
			r->missing = r->at;
		f->text = NULL;
		f->len = 0;
		r->at++;
		return 0;
	}
	if (strncmp(rest, "blob ", 5) != 0) {
		r->malformed = ml_arena_printf(r->arena, "%s is not a blob: %s", f->oid, rest);
		return -1;
	}
	char *end;
	errno = 0;
	unsigned long long size = strtoull(rest + 5, &end, 10);
	if (errno || end == rest + 5 || *end || rest[5] == '-' || size >= SIZE_MAX) {
		r->malformed = ml_arena_printf(r->arena, "a bad size for %s: %s", f->oid, rest + 5);
		return -1;
	}
	if (r->max_size && size > r->max_size) {
		r->too_large = r->at;
		r->malformed = "";
		return -1;
	}
	f->len = (size_t)size;
	char *text = ml_arena_alloc(r->arena, f->len + 1);
	f->text = text;
	r->body_done = 0;
	r->state = f->len ? IN_BODY : AT_BODY_END;
	return 0;
}

static int batch_sink(void *ctx, const char *data, size_t len)
{
	batch_reader *r = ctx;
	while (len > 0) {
		switch (r->state) {
		case IN_HEADER: {
			const char *nl = memchr(data, '\n', len);
			size_t take = nl ? (size_t)(nl - data) : len;
			if (r->header_len + take >= sizeof(r->header)) {
				r->malformed = "a reply header too long";
				return -1;
			}
			memcpy(r->header + r->header_len, data, take);
			r->header_len += take;
			data += take;
			len -= take;
			if (nl) {
				data++;
				len--;
				r->header[r->header_len] = '\0';
				r->header_len = 0;
				if (batch_header(r) != 0)
					return -1;
			}
			break;
		}
		case IN_BODY: {
			ml_git_file *f = &r->files[r->at];
			size_t take = f->len - r->body_done;
			if (take > len)
				take = len;
			memcpy((char *)f->text + r->body_done, data, take);
			r->body_done += take;
			data += take;
			len -= take;
			if (r->body_done == f->len)
				r->state = AT_BODY_END;
			break;
		}
		case AT_BODY_END:
			if (*data != '\n') {
				r->malformed = ml_arena_printf(r->arena, "no newline after the content of %s",
							       r->files[r->at].oid);
				return -1;
			}
			data++;
			len--;
			r->at++;
			r->state = IN_HEADER;
			break;
		}
	}
	return 0;
}

int ml_git_base_read(const ml_git_base *base, ml_arena *arena, ml_git_file *files, size_t n, size_t max_size,
		     const char **error)
{
	*error = NULL;
	if (n == 0)
		return 0;
	size_t input_len = 0;
	for (size_t i = 0; i < n; i++)
		input_len += strlen(files[i].oid) + 1;
	char *input = malloc(input_len);
	if (!input)
		ml_out_of_memory(input_len);
	char *w = input;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(files[i].oid);
		memcpy(w, files[i].oid, len);
		w[len] = '\n';
		w += len + 1;
	}
	batch_reader reader = { .arena = arena, .files = files, .n = n, .missing = SIZE_MAX, .max_size = max_size,
				.too_large = SIZE_MAX };
	const char *args[] = { "cat-file", "--batch", NULL };
	git_call c = { .where = base->top, .args = args, .input = input, .input_len = input_len,
		       .sink = batch_sink, .sink_ctx = &reader };
	int ran = run_git(&c);
	free(input);
	int rc = -1;
	if (c.spawn_error)
		*error = spawn_failure(arena, ml_arena_printf(arena, "the files at the base '%s'", base->ref),
				       c.spawn_error);
	else if (reader.too_large != SIZE_MAX)
		*error = ml_arena_printf(arena, "'%s' at the base '%s' is larger than %zu bytes, the most migralint reads "
					 "of one input: raise --max-input-size to compare it",
					 files[reader.too_large].path, base->ref, max_size);
	else if (ran != 0)
		*error = ml_arena_printf(arena, "cannot read the files at the base '%s' (%s): git cat-file failed: %s",
					 base->ref, base->commit, git_complaint(arena, &c));
	else if (reader.malformed || reader.at != n || reader.state != IN_HEADER)
		*error = ml_arena_printf(arena, "cannot read the files at the base '%s' (%s): git cat-file gave %s",
					 base->ref, base->commit,
					 reader.malformed ? reader.malformed : "fewer replies than objects asked for");
	else if (reader.missing != SIZE_MAX)
		*error = ml_arena_printf(arena, "git has no object %s for '%s' at the base '%s' (%s): the repository "
					 "is incomplete; fetch again (git fetch) or check it (git fsck)",
					 files[reader.missing].oid, files[reader.missing].path, base->ref, base->commit);
	else
		rc = 0;
	git_call_release(&c);
	return rc;
}
