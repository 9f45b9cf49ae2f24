/*
 * run.c - the public face of the library: options, a run over many inputs
 * (files, directories, streams), the sorted diagnostics and the exit status.
 * An input that cannot be read is recorded once, naming the path, for the
 * caller (ml_run_input_error_list; the library writes nothing to stderr),
 * and the run goes on with the others.
 */
#define _GNU_SOURCE /* O_PATH */
#include <dirent.h>
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "catalog.h"
#include "code_refs.h"
#include "current_dir.h"
#include "engine.h"
#include "map.h"
#include "migralint/migralint.h"
#include "pipeline.h"
#include "run.h"
#include "tree.h"

char *ml_current_dir(void)
{
	size_t cap = 256;
	for (;;) {
		char *buf = malloc(cap);
		if (!buf)
			return NULL;
		if (getcwd(buf, cap))
			return buf;
		free(buf);
		if (errno != ERANGE || cap > 1 << 20)
			return NULL;
		cap *= 2;
	}
}

void ml_options_init(ml_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->pg_major = 15;
	opts->pg_minor = 0;
	opts->fail_on = ML_SEVERITY_WARNING;
	opts->max_input_size = ML_DEFAULT_MAX_INPUT_SIZE;
}

size_t ml_input_limit(const ml_options *opts)
{
	return opts->max_input_size ? opts->max_input_size : ML_DEFAULT_MAX_INPUT_SIZE;
}

int ml_options_set_pg_version(ml_options *opts, const char *text)
{
	char *end;
	errno = 0;
	long major = strtol(text, &end, 10);
	if (end == text || errno || major < 9 || major > 99)
		return -1;
	long minor = 0;
	if (*end == '.') {
		const char *m = end + 1;
		minor = strtol(m, &end, 10);
		if (end == m || minor < 0 || minor > 99)
			return -1;
	}
	if (*end)
		return -1;
	opts->pg_major = (int)major;
	opts->pg_minor = (int)minor;
	return 0;
}

void ml_run_set_options_hook(ml_run *run, ml_options_hook hook, void *data)
{
	run->options_hook = hook;
	run->options_hook_data = data;
}

ml_run *ml_run_new(const ml_options *opts)
{
	ml_run *run = calloc(1, sizeof(*run));
	if (!run)
		return NULL;
	run->options = *opts;
	run->arena = ml_arena_new();
	run->catalog = ml_catalog_new();
	run->bodies = ml_body_cache_new(ML_RUN_BODY_CACHE);
	if (!run->arena || !run->catalog) {
		ml_body_cache_free(run->bodies);
		ml_arena_free(run->arena);
		ml_catalog_free(run->catalog);
		free(run);
		return NULL;
	}
	return run;
}

void ml_run_free(ml_run *run)
{
	if (!run)
		return;
	ml_arena_free(run->arena);
	ml_catalog_free(run->catalog);
	ml_body_cache_free(run->bodies);
	free(run->sorted);
	free(run->files_copy);
	free(run);
}

/* Runs fn(arg) on a thread with a large stack: libpg_query and protobuf-c
 * recurse once per parse-tree level, and a deeply nested statement must get
 * a finding, not a crash. The stack is reserved, not committed: only what
 * is used costs memory. One thread serves a whole directory. */
static void run_on_large_stack(void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	pthread_t thread;
	if (pthread_attr_init(&attr) == 0) {
		bool started = pthread_attr_setstacksize(&attr, ML_LINT_STACK_SIZE) == 0 &&
			       pthread_create(&thread, &attr, fn, arg) == 0;
		pthread_attr_destroy(&attr);
		if (started) {
			pthread_join(thread, NULL);
			return;
		}
	}
	/* No thread to be had: the bounds in engine.h still keep the main
	 * stack safe for all but extreme statements. */
	fn(arg);
}

/* Lints items in order through a pipeline of jobs workers, on a thread
 * with a large stack. Takes over the items' text. */
struct items_job {
	ml_run *run;
	const ml_pipeline_item *items;
	const char *const *errors; /* per item: why it cannot be read, or NULL; or NULL for none */
	const ml_plan_entry *plan; /* per item: its place in its history */
	size_t n;
};

static void *items_job_main(void *arg)
{
	struct items_job *job = arg;
	/* jobs 0 (the default): the pipeline starts workers only for a run
	 * that lasts, and parks them on a busy machine. */
	int jobs = job->run->options.jobs > 0 ? job->run->options.jobs : 0;
	ml_pipeline *pipeline = ml_pipeline_new(job->items, job->n, jobs, job->run->options.max_input_size);
	if (!pipeline) {
		for (size_t k = 0; k < job->n; k++)
			free(job->items[k].text);
		ml_run_out_of_memory(job->run, job->n ? job->items[0].path : "-");
		return NULL;
	}
	for (size_t k = 0; k < job->n; k++) {
		if (job->errors && job->errors[k]) {
			/* Recorded in its turn, so the errors keep the inputs' order. */
			(void)ml_pipeline_source(pipeline, k);
			ml_run_input_error(job->run, job->items[k].path, job->errors[k]);
			ml_pipeline_release(pipeline, k);
			continue;
		}
		ml_run_lint_source(job->run, pipeline, k, &job->plan[k]);
	}
	if (getenv("MIGRALINT_PIPELINE_STATS")) {
		/* For bench/run.sh: what the adaptive workers did. */
		ml_pipeline_stats st = ml_pipeline_get_stats(pipeline);
		static const char *const MODES[] = { "serial", "probe", "parallel", "parked" };
		fprintf(stderr,
			"migralint: pipeline: %d workers, %s at the end, %u periods, %u parked, %u probes, %u put off "
			"(busy)\n",
			st.workers, MODES[st.mode], st.periods, st.parked_periods, st.probes, st.busy_checks);
	}
	ml_pipeline_free(pipeline);
	return NULL;
}

static void lint_items(ml_run *run, const ml_pipeline_item *items, const char *const *errors,
		       const ml_plan_entry *plan, size_t n)
{
	struct items_job job = { run, items, errors, plan, n };
	run_on_large_stack(items_job_main, &job);
}

static int lint_named_text(ml_run *run, const char *path, char *text, size_t len, bool lint_self);
static int use_set_texts(ml_run *run, ml_input_list *list);

static void file_key(char *buf, size_t len, const struct stat *sb)
{
	snprintf(buf, len, "%llu:%llu", (unsigned long long)sb->st_dev, (unsigned long long)sb->st_ino);
}

/* With references to scan: notes the folder holding the migration path,
 * whose other *.sql files are migrations too, not the application's code
 * (code_refs.c), even those this run does not lint. Each folder is
 * looked at once. */
static void note_migration_dir(ml_run *run, const char *path)
{
	if (!run->options.n_references)
		return;
	const char *slash = strrchr(path, '/');
	char *dir = slash ? ml_arena_strndup(run->arena, path, slash == path ? 1 : (size_t)(slash - path))
			  : ml_arena_strdup(run->arena, ".");
	if (ml_map_get(&run->migration_dir_paths, dir))
		return;
	ml_map_put(run->arena, &run->migration_dir_paths, dir, (void *)"");
	struct stat sb;
	if (stat(dir, &sb) == 0) {
		char key[64];
		file_key(key, sizeof(key), &sb);
		ml_map_put(run->arena, &run->migration_dirs, key, (void *)"");
	}
}

/* With references to scan: the file a buffer or stream is reported under,
 * when it exists (an editor lints its unsaved text), is that migration, not
 * the application's code. */
static void note_buffer_file(ml_run *run, const char *display_path)
{
	struct stat sb;
	if (!run->options.n_references || stat(display_path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return;
	char key[64];
	file_key(key, sizeof(key), &sb);
	ml_map_put(run->arena, &run->buffer_files, key, (void *)"");
	note_migration_dir(run, display_path);
}

int ml_run_lint_buffer(ml_run *run, const char *display_path, const char *data, size_t len)
{
	/* The engine reads NUL-terminated text of its own. */
	char *text = malloc(len + 1);
	if (!text)
		return ml_run_out_of_memory(run, display_path);
	memcpy(text, data, len);
	text[len] = '\0';
	ml_pipeline_item item = { .path = display_path, .text = text, .len = len };
	ml_plan_entry entry;
	ml_history_entry_for(run, display_path, &entry);
	lint_items(run, &item, NULL, &entry, 1);
	note_buffer_file(run, display_path);
	ml_run_check_code_references(run);
	return 0;
}

int ml_run_input_error(ml_run *run, const char *path, const char *what)
{
	if ((size_t)run->input_errors == run->input_error_cap) {
		size_t cap = run->input_error_cap ? run->input_error_cap * 2 : 8;
		ml_input_error *grown = ml_arena_alloc(run->arena, cap * sizeof(*grown));
		if (run->input_errors)
			memcpy(grown, run->input_error_list, (size_t)run->input_errors * sizeof(*grown));
		run->input_error_list = grown;
		run->input_error_cap = cap;
	}
	run->input_error_list[run->input_errors].path = ml_arena_strdup(run->arena, path);
	run->input_error_list[run->input_errors].reason = ml_arena_strdup(run->arena, what);
	run->input_errors++;
	return -1;
}

int ml_run_read_error(ml_run *run, const char *path, int err)
{
	if (err == ENOMEM)
		return ml_run_out_of_memory(run, path);
	return ml_run_input_error(run, path, strerror(err));
}

int ml_run_source_error(ml_run *run, const char *path, const ml_source *src)
{
	if (src->read_status == ML_READ_FAILED)
		return ml_run_read_error(run, path, src->read_errno);
	char why[128];
	return ml_run_input_error(run, path, ml_source_read_error(src, run->options.max_input_size, why, sizeof(why)));
}

int ml_run_out_of_memory(ml_run *run, const char *path)
{
	run->out_of_memory = true;
	return ml_run_input_error(run, path, "out of memory");
}

const ml_input_error *ml_run_input_error_list(const ml_run *run, size_t *count)
{
	*count = (size_t)run->input_errors;
	return run->input_error_list;
}

int ml_run_lint_stream(ml_run *run, const char *display_path, FILE *stream)
{
	ml_pipeline_item item = { .path = display_path };
	size_t max_size = ml_input_limit(&run->options);
	int err = ml_read_stream(stream, 64 * 1024, max_size, &item.text, &item.len);
	if (err) {
		ml_source unread = { .read_status = err == EFBIG ? ML_READ_TOO_LARGE : ML_READ_FAILED, .read_errno = err };
		return ml_run_source_error(run, display_path, &unread);
	}
	/* Standard input is an editor's buffer or a hook's file: linted as the
	 * file it is reported under would be, after its history. */
	lint_named_text(run, display_path, item.text, item.len, true);
	note_buffer_file(run, display_path);
	ml_run_check_code_references(run);
	return 0;
}

static void add_item(ml_input_list *list, const char *path, const char *error)
{
	if (list->len == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 64;
		ml_pipeline_item *items = ml_arena_alloc(list->arena, cap * sizeof(*items));
		const char **errors = ml_arena_alloc(list->arena, cap * sizeof(*errors));
		ml_plan_entry *plan = ml_arena_alloc(list->arena, cap * sizeof(*plan));
		if (list->len) {
			memcpy(items, list->items, list->len * sizeof(*items));
			memcpy(errors, list->errors, list->len * sizeof(*errors));
			memcpy(plan, list->plan, list->len * sizeof(*plan));
		}
		list->items = items;
		list->errors = errors;
		list->plan = plan;
		list->cap = cap;
	}
	ml_plan_entry *entry = &list->plan[list->len];
	memset(entry, 0, sizeof(*entry));
	entry->arg_dir = list->walking;
	entry->context = list->context;
	ml_pipeline_item *it = &list->items[list->len];
	memset(it, 0, sizeof(*it));
	it->path = ml_arena_strdup(list->arena, path);
	it->skip = error != NULL;
	list->errors[list->len] = error ? ml_arena_strdup(list->arena, error) : NULL;
	list->len++;
}

/* Adds a file to list, unless the same file (device and inode in sb, NULL
 * when unknown) is there already: named twice, or reached through a
 * symlink, its findings would only repeat. Returns the item, or NULL. */
static ml_pipeline_item *add_file(ml_run *run, ml_input_list *list, const char *path, const struct stat *sb)
{
	if (sb) {
		char key[64];
		file_key(key, sizeof(key), sb);
		if (ml_map_get(&run->seen_files, key))
			return NULL;
		ml_map_put(run->arena, &run->seen_files, key, (void *)"");
		note_migration_dir(run, path);
	}
	add_item(list, path, NULL);
	ml_pipeline_item *item = &list->items[list->len - 1];
	/* An excluded file is not read at all. The engine asks the hook again
	 * for the options: it must answer the same. */
	if (run->options_hook) {
		ml_options scratch = run->options;
		if (!run->options_hook(run->options_hook_data, path, &scratch))
			item->skip = true;
	}
	return item;
}

static bool has_sql_suffix(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && !strcmp(name + n - 4, ".sql");
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A walk below a directory named on the command line. A pull request
 * controls what the directory holds: symbolic links are followed only to
 * what lies inside the named directory, and nothing but directories and
 * regular files is opened, so a link to a secret, to /dev/zero or to a
 * FIFO is an input error naming the path, never read. Entries are examined
 * through descriptors of the directories that hold them (fstatat, openat,
 * O_NOFOLLOW), and each file's device and inode go with it to the reader,
 * which reads it only if what it opens is that same file: nothing swapped
 * in between the walk and the read gets read. */
struct walk {
	ml_run *run;
	ml_input_list *list;
	ml_map *seen_dirs;        /* "dev:inode" of the directories walked */
	const char *root;         /* as named */
	char *root_real;          /* its absolute path, symlinks resolved */
};

/* The absolute path of what fd is open on, malloc'd, or NULL. The kernel's
 * own answer (/proc/self/fd) names what was opened, whatever happened to
 * the path since; without /proc, path is resolved again. */
static char *real_path_of(int fd, const char *path)
{
	char link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	char *buf = malloc(PATH_MAX);
	if (!buf)
		return NULL;
	ssize_t n = readlink(link, buf, PATH_MAX - 1);
	if (n > 0 && buf[0] == '/') {
		buf[n] = '\0';
		return buf;
	}
	free(buf);
	return realpath(path, NULL);
}

/* Is path dir itself or below it? Both absolute and resolved. */
static bool lies_within(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return true;
	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

static const char *not_regular(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "a FIFO, not a regular file: not read in a directory (name it to read it)";
	if (S_ISCHR(mode))
		return "a character device, not a regular file: not read in a directory (name it to read it)";
	if (S_ISBLK(mode))
		return "a block device, not a regular file: not read in a directory";
	if (S_ISSOCK(mode))
		return "a socket, not a regular file: not read";
	return "not a regular file: not read";
}

/* Adds every *.sql below the directory open on fd, whose path is dir
 * (sorted, hidden entries skipped), and closes fd. Returns -1 when some
 * entry could not be read or was refused. */
static int walk_dir(struct walk *w, const char *dir, int fd, int depth)
{
	ml_arena *arena = w->list->arena;
	if (depth > 64) {
		close(fd);
		add_item(w->list, dir, "directories nested too deeply");
		return -1;
	}
	struct stat sb;
	if (fstat(fd, &sb) == 0) {
		/* A symlink back up the tree would loop: visit each directory once. */
		char key[64];
		file_key(key, sizeof(key), &sb);
		if (ml_map_get(w->seen_dirs, key)) {
			close(fd);
			return 0;
		}
		ml_map_put(arena, w->seen_dirs, key, (void *)dir);
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		add_item(w->list, dir, strerror(errno));
		close(fd);
		return -1;
	}
	ml_ptr_vec names = { 0 };
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			ml_ptr_vec_push(arena, &names, ml_arena_strdup(arena, e->d_name));
	if (names.len)
		qsort(names.items, names.len, sizeof(void *), compare_names);
	int dfd = dirfd(d);
	size_t dlen = strlen(dir);
	bool slash = dlen > 0 && dir[dlen - 1] == '/';
	int status = 0;
	for (size_t i = 0; i < names.len; i++) {
		const char *name = names.items[i];
		const char *child = ml_arena_printf(arena, "%s%s%s", dir, slash ? "" : "/", name);
		struct stat st;
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			add_item(w->list, child, strerror(errno));
			status = -1;
			continue;
		}
		bool link = S_ISLNK(st.st_mode);
		int target = -1;
		if (link) {
			/* O_PATH resolves the link without opening what it names:
			 * a FIFO does not block, a device is not touched. */
			target = openat(dfd, name, O_PATH | O_CLOEXEC);
			if (target < 0 || fstat(target, &st) != 0) {
				add_item(w->list, child, strerror(errno));
				if (target >= 0)
					close(target);
				status = -1;
				continue;
			}
			if (!S_ISDIR(st.st_mode) && !has_sql_suffix(name)) {
				close(target); /* not something the walk would read */
				continue;
			}
			char *real = real_path_of(target, child);
			bool within = real && lies_within(real, w->root_real);
			free(real);
			if (!within) {
				add_item(w->list, child,
					 ml_arena_printf(arena, "a symbolic link to outside '%s': not followed", w->root));
				close(target);
				status = -1;
				continue;
			}
		}
		if (S_ISDIR(st.st_mode)) {
			int sub = link ? openat(target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
				       : openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			struct stat now;
			if (sub < 0) {
				add_item(w->list, child, strerror(errno));
				status = -1;
			} else if (fstat(sub, &now) != 0 || now.st_dev != st.st_dev || now.st_ino != st.st_ino) {
				close(sub);
				add_item(w->list, child, "replaced while its directory was read: not read");
				status = -1;
			} else {
				status |= walk_dir(w, child, sub, depth + 1);
			}
		} else if (has_sql_suffix(name)) {
			if (!S_ISREG(st.st_mode)) {
				add_item(w->list, child, not_regular(st.st_mode));
				status = -1;
			} else {
				w->list->sql_found++;
				ml_pipeline_item *item = add_file(w->run, w->list, child, &st);
				if (item) {
					item->found_in_dir = true;
					item->via_link = link;
					item->dev = (unsigned long long)st.st_dev;
					item->ino = (unsigned long long)st.st_ino;
				}
			}
		}
		if (target >= 0)
			close(target);
	}
	closedir(d);
	return status;
}

/* Adds what path names: a file, read as given (a FIFO or a device too,
 * within the size limit), or every *.sql below a directory. */
static int collect_path(ml_run *run, ml_input_list *list, const char *path, ml_map *seen_dirs)
{
	struct stat sb;
	if (stat(path, &sb) != 0) {
		add_item(list, path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		if (!S_ISREG(sb.st_mode) && !S_ISFIFO(sb.st_mode) && !S_ISCHR(sb.st_mode)) {
			add_item(list, path, "not a regular file");
			return -1;
		}
		add_file(run, list, path, S_ISREG(sb.st_mode) ? &sb : NULL);
		return 0;
	}
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char *root_real = fd >= 0 ? real_path_of(fd, path) : NULL;
	if (!root_real) {
		add_item(list, path, strerror(errno ? errno : ENOMEM));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	struct walk w = { .run = run, .list = list, .seen_dirs = seen_dirs, .root = path, .root_real = root_real };
	size_t before = list->sql_found;
	list->walking = ml_arena_strdup(list->arena, path);
	int status = walk_dir(&w, path, fd, 0);
	list->walking = NULL;
	free(root_real);
	if (list->sql_found == before && status == 0) {
		add_item(list, path, "no .sql files in this directory");
		status = -1;
	}
	return status;
}

int ml_run_collect_dir(ml_run *run, ml_input_list *list, const char *path, bool context)
{
	ml_map seen_dirs = { 0 };
	bool was = list->context;
	list->context = context;
	int status = collect_path(run, list, path, &seen_dirs);
	list->context = was;
	return status;
}

/* Lints text (malloc'd, NUL-terminated, len bytes; taken over) under
 * path the way a file named alone is linted: when path lies in a migration
 * directory of a detected tool, after its earlier migrations, replayed as
 * context. With lint_self false only that context is replayed (into
 * run->catalog) and text is freed. Returns 0, or -1 when memory runs out. */
static int lint_named_text(ml_run *run, const char *path, char *text, size_t len, bool lint_self)
{
	ml_input_list list = { .arena = ml_arena_new() };
	if (!list.arena) {
		free(text);
		return ml_run_out_of_memory(run, path);
	}
	add_item(&list, path, NULL);
	list.items[0].text = text;
	list.items[0].len = len;
	/* The file on disk is the one being linted, not its own context. */
	struct stat sb;
	if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
		char key[64];
		file_key(key, sizeof(key), &sb);
		ml_map_put(run->arena, &run->seen_files, key, (void *)"");
	}
	ml_history_plan(run, &list);
	use_set_texts(run, &list);
	size_t at = 0;
	while (at < list.len && list.items[at].text != text)
		at++;
	/* What the pipeline is given it takes over: text too, when linted. */
	size_t n = lint_self ? list.len : at;
	if (n)
		lint_items(run, list.items, list.errors, list.plan, n);
	if (at >= n)
		free(text);
	ml_arena_free(list.arena);
	return 0;
}

ml_catalog *ml_history_before(const ml_options *opts, const char *path)
{
	ml_options o;
	if (opts)
		o = *opts;
	else
		ml_options_init(&o);
	/* Only the directory's own history: nothing reported, compared or traced. */
	o.context = NULL;
	o.n_context = 0;
	o.since = NULL;
	o.base = NULL;
	o.references = NULL;
	o.n_references = 0;
	o.observer = NULL;
	o.record_statements = false;
	ml_run *run = ml_run_new(&o);
	char *empty = run ? calloc(1, 1) : NULL;
	if (!empty) {
		ml_run_free(run);
		return NULL;
	}
	lint_named_text(run, path, empty, 0, false);
	ml_catalog *cat = run->catalog;
	run->catalog = NULL;
	bool failed = run->out_of_memory;
	ml_run_free(run);
	if (failed) {
		ml_catalog_free(cat);
		return NULL;
	}
	return cat ? cat : ml_catalog_new();
}

int ml_run_set_text(ml_run *run, const char *path, const char *text, size_t len)
{
	ml_run_text *t = ml_arena_alloc(run->arena, sizeof(*t));
	char *copy = ml_arena_alloc(run->arena, len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	*t = (ml_run_text){ copy, len };
	ml_map_put(run->arena, &run->texts, ml_arena_strdup(run->arena, path), t);
	return 0;
}

/* Gives the items whose path has a text of ml_run_set_text that text: the
 * pipeline reads it instead of the file. */
static int use_set_texts(ml_run *run, ml_input_list *list)
{
	if (!run->texts.len)
		return 0;
	for (size_t i = 0; i < list->len; i++) {
		/* An item with a text (a buffer) has its own. */
		const ml_run_text *t = list->errors[i] || list->items[i].text ? NULL
								 : ml_map_get(&run->texts, list->items[i].path);
		if (!t)
			continue;
		char *text = malloc(t->len + 1);
		if (!text)
			return ml_run_out_of_memory(run, list->items[i].path);
		memcpy(text, t->text, t->len + 1);
		list->items[i].text = text;
		list->items[i].len = t->len;
		list->items[i].found_in_dir = false;
	}
	return 0;
}

int ml_run_lint_paths(ml_run *run, const char *const *paths, size_t n)
{
	ml_input_list list = { .arena = ml_arena_new() };
	if (!list.arena)
		return ml_run_out_of_memory(run, n ? paths[0] : "-");
	ml_map seen_dirs = { 0 };
	int status = 0;
	for (size_t i = 0; i < n; i++)
		status |= collect_path(run, &list, paths[i], &seen_dirs);
	/* The files to lint come first: named among the context too, they are
	 * linted, not replayed. */
	list.context = true;
	for (size_t i = 0; i < run->options.n_context; i++)
		status |= collect_path(run, &list, run->options.context[i], &seen_dirs);
	list.context = false;
	ml_history_plan(run, &list);
	use_set_texts(run, &list);
	int errors_before = run->input_errors;
	if (run->base_error) {
		/* The history could not be compared as asked: nothing is linted
		 * (ml_run_base_error). */
		ml_arena_free(list.arena);
		return -1;
	}
	if (list.len)
		lint_items(run, list.items, list.errors, list.plan, list.len);
	ml_run_check_code_references(run);
	if (run->input_errors > errors_before)
		status = -1;
	ml_arena_free(list.arena);
	return status;
}

int ml_run_lint_path(ml_run *run, const char *path)
{
	return ml_run_lint_paths(run, &path, 1);
}

static int compare_diagnostics(const void *pa, const void *pb)
{
	const ml_diagnostic *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->column != b->column)
		return a->column < b->column ? -1 : 1;
	c = strcmp(a->rule, b->rule);
	if (c)
		return c;
	c = strcmp(a->message, b->message);
	if (c)
		return c;
	/* the same finding twice, once silenced: the one in force first */
	return (a->suppressed != NULL) - (b->suppressed != NULL);
}

const ml_diagnostic *ml_run_diagnostics(ml_run *run, size_t *count)
{
	if (!run->sorted || run->n_sorted != run->diagnostics.len) {
		free(run->sorted);
		run->n_sorted = run->diagnostics.len;
		run->sorted = malloc((run->n_sorted ? run->n_sorted : 1) * sizeof(*run->sorted));
		if (!run->sorted) {
			run->out_of_memory = true;
			*count = 0;
			return NULL;
		}
		for (size_t i = 0; i < run->n_sorted; i++)
			run->sorted[i] = *(const ml_diagnostic *)run->diagnostics.items[i];
		/* Ties are broken by message, so the order never depends on qsort. */
		qsort(run->sorted, run->n_sorted, sizeof(*run->sorted), compare_diagnostics);
	}
	*count = run->n_sorted;
	return run->sorted;
}

const ml_file_summary *ml_run_files(const ml_run *run, size_t *count)
{
	/* The engine updates summaries through pointers while it lints; callers
	 * get a contiguous copy, refreshed on every call. */
	ml_run *mutable = (ml_run *)run;
	if (mutable->files_copy_len < run->files.len + 1) {
		size_t cap = (run->files.len + 1) * 2;
		ml_file_summary *grown = realloc(mutable->files_copy, cap * sizeof(*grown));
		if (!grown) {
			*count = 0;
			return mutable->files_copy;
		}
		mutable->files_copy = grown;
		mutable->files_copy_len = cap;
	}
	for (size_t i = 0; i < run->files.len; i++)
		mutable->files_copy[i] = *(const ml_file_summary *)run->files.items[i];
	*count = run->files.len;
	return mutable->files_copy;
}

const char *ml_run_base_error(const ml_run *run)
{
	return run->base_error;
}

int ml_run_input_errors(const ml_run *run)
{
	return run->input_errors;
}

int ml_run_exit_status(ml_run *run)
{
	size_t n;
	const ml_diagnostic *d = ml_run_diagnostics(run, &n);
	if (run->out_of_memory)
		return ML_EXIT_FAILED;
	if (run->base_error)
		return ML_EXIT_USAGE;
	if (run->input_errors)
		return ML_EXIT_INPUT_ERROR;
	for (size_t i = 0; i < n; i++)
		if (!d[i].suppressed && d[i].severity >= run->options.fail_on)
			return ML_EXIT_FINDINGS;
	return ML_EXIT_CLEAN;
}
