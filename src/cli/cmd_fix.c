/*
 * cmd_fix.c - `migralint --fix` and `--diff`: the mechanical fixes of a
 * run's findings applied to its files.
 *
 * The paths are linted as a run lints them (history, context, downs, the
 * configuration), which says which files the run reports; those are read,
 * and from then on every pass lints the texts held here in place of the
 * files (ml_run_set_text), so that the findings' byte offsets are those of
 * the bytes fixed. Each pass applies the fixes that do not touch one
 * another (ml_fixes_apply) and the next pass lints the result, until one
 * changes nothing: that last pass is the report of what is left. Context
 * files are read by every pass and never changed. Then --fix writes each
 * changed file (fix_write.c) and --diff prints the diff (diff.c).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "diff.h"
#include "fix_write.h"

/* Passes that may apply fixes: fixes wait for a later pass when they touch
 * one taken, and a fix may make room for another; a pass past this many
 * would mean fixes that undo each other. */
#define MAX_PASSES 8

typedef enum outcome {
	OUTCOME_KEPT = 0,         /* nothing to change, or --diff */
	OUTCOME_WRITTEN,
	OUTCOME_FAILED,           /* could not be written: the file is as it was */
	OUTCOME_CHANGED_ON_DISK,  /* changed by someone else since it was read: left alone */
} outcome;

/* A file the run reports, or standard input. */
typedef struct fix_file {
	char *path;               /* as the run reports it */
	bool from_stdin;
	bool readable;            /* read here: its text stands in for the file */
	ml_fix_target target;     /* files only */
	char *original;           /* the bytes read */
	size_t original_len;
	char *text;               /* with the fixes so far (== original until one applies) */
	size_t len;
	size_t fixes;             /* fixes applied */
	outcome done;
} fix_file;

typedef struct fixer {
	const ml_fix_request *req;
	const char **paths;       /* the paths linted: the request's, but those that are
				     neither a regular file nor a directory */
	size_t n_paths;
	fix_file *files;
	size_t n_files;
	bool stdin_used;          /* "-" among the paths */
	char *stdin_text;         /* what was read from it, or NULL when it could not be read */
	size_t stdin_len;
	bool io_failed;           /* a file could not be read, or written */
} fixer;

/* Writes a message with the run's paths escaped: "%s" is the only
 * directive, and each argument is a string. */
static void say(const char *fmt, const char *a, const char *b)
{
	const char *args[2] = { a, b };
	int next = 0;
	for (const char *p = fmt; *p; p++) {
		if (p[0] == '%' && p[1] == 's' && next < 2) {
			ml_write_escaped(stderr, args[next++]);
			p++;
		} else {
			fputc(*p, stderr);
		}
	}
}

static int out_of_memory(void)
{
	fputs("migralint: error: out of memory: nothing was fixed\n", stderr);
	return ML_EXIT_FAILED;
}

/* The most bytes read of path: its options' --max-input-size. */
static size_t input_limit(const ml_fix_request *req, const char *path)
{
	ml_options o = *req->options;
	if (req->hook)
		(void)req->hook(req->hook_data, path, &o);
	return o.max_input_size ? o.max_input_size : ML_DEFAULT_MAX_INPUT_SIZE;
}

/* Reads standard input whole, up to max bytes. Returns 0, or -1 with why. */
static int read_stdin(size_t max, char **text, size_t *len, char *why, size_t why_size)
{
	size_t cap = 65536, got = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		if (got == cap) {
			char *grown = realloc(buf, 2 * cap + 1);
			if (!grown)
				break;
			buf = grown;
			cap *= 2;
		}
		size_t want = cap - got;
		if (want > max + 1 - got)
			want = max + 1 - got;
		size_t n = fread(buf + got, 1, want, stdin);
		got += n;
		if (got > max) {
			char size[24];
			snprintf(why, why_size, "larger than --max-input-size (%s)", ml_size_format(max, size, sizeof(size)));
			free(buf);
			return -1;
		}
		if (n < want) {
			if (ferror(stdin)) {
				snprintf(why, why_size, "%s", strerror(errno ? errno : EIO));
				free(buf);
				return -1;
			}
			buf[got] = '\0';
			*text = buf;
			*len = got;
			return 0;
		}
	}
	free(buf);
	snprintf(why, why_size, "%s", strerror(ENOMEM));
	return -1;
}

/* One run over the paths, in the command line's order (paths between two
 * "-" are one batch, as in a plain run), with the texts held here in place
 * of the files once they are read. NULL when memory runs out. */
static ml_run *lint_pass(fixer *fx)
{
	const ml_fix_request *req = fx->req;
	ml_run *run = ml_run_new(req->options);
	if (!run)
		return NULL;
	ml_run_set_options_hook(run, req->hook, req->hook_data);
	for (size_t i = 0; i < fx->n_files; i++) {
		const fix_file *f = &fx->files[i];
		if (f->readable && !f->from_stdin && ml_run_set_text(run, f->path, f->text, f->len) != 0) {
			ml_run_free(run);
			return NULL;
		}
	}
	const char *stdin_text = fx->stdin_text;
	size_t stdin_len = fx->stdin_len;
	for (size_t i = 0; i < fx->n_files; i++)
		if (fx->files[i].from_stdin) {
			stdin_text = fx->files[i].text;
			stdin_len = fx->files[i].len;
		}
	for (size_t i = 0; i < fx->n_paths;) {
		if (!strcmp(fx->paths[i], "-")) {
			if (stdin_text)
				ml_run_lint_buffer(run, req->stdin_name, stdin_text, stdin_len);
			i++;
			continue;
		}
		size_t batch = 0;
		while (i + batch < fx->n_paths && strcmp(fx->paths[i + batch], "-"))
			batch++;
		ml_run_lint_paths(run, fx->paths + i, batch);
		i += batch;
	}
	return run;
}

/* Findings in force (not silenced by a comment). */
static size_t in_force(ml_run *run)
{
	size_t n, count = 0;
	const ml_diagnostic *d = ml_run_diagnostics(run, &n);
	for (size_t i = 0; i < n; i++)
		count += !d[i].suppressed;
	return count;
}

/* The files the first run reported, read. Returns false when memory runs
 * out. */
static bool collect_files(fixer *fx, ml_run *run)
{
	size_t n;
	const ml_file_summary *files = ml_run_files(run, &n);
	fx->files = calloc(n ? n : 1, sizeof(*fx->files));
	if (!fx->files)
		return false;
	bool stdin_taken = false;
	for (size_t i = 0; i < n; i++) {
		if (files[i].skipped)
			continue;
		bool from_stdin = fx->stdin_used && !strcmp(files[i].path, fx->req->stdin_name);
		if (from_stdin && stdin_taken) {
			/* Its findings cannot be told from standard input's. */
			say("migralint: warning: '%s' names both standard input (--stdin-filename) and a file of the "
			    "run: the file is not fixed\n", files[i].path, NULL);
			continue;
		}
		fix_file *f = &fx->files[fx->n_files];
		if (!(f->path = strdup(files[i].path)))
			return false;
		fx->n_files++;
		f->from_stdin = from_stdin;
		if (from_stdin) {
			stdin_taken = true;
			/* Standard input is read once, before the first pass. */
			f->readable = fx->stdin_text != NULL;
			f->original = fx->stdin_text;
			f->original_len = fx->stdin_len;
			fx->stdin_text = NULL;
		} else {
			char why[512];
			if (ml_fix_read(f->path, input_limit(fx->req, f->path), &f->target, &f->original, &f->original_len,
					why, sizeof(why)) != 0) {
				say("migralint: error: cannot read '%s' to fix it: %s\n", f->path, why);
				fx->io_failed = true;
				continue;
			}
			f->readable = true;
		}
		f->text = f->original;
		f->len = f->original_len;
	}
	return true;
}

/* Applies the fixes of run's findings to every text held. Returns 1 when a
 * text changed, 0 when none did, -1 when memory ran out. With dry_run set,
 * only says whether one would change. */
static int apply_fixes(fixer *fx, ml_run *run, bool dry_run)
{
	size_t n;
	const ml_diagnostic *diags = ml_run_diagnostics(run, &n);
	int changed = 0;
	for (size_t i = 0; i < fx->n_files; i++) {
		fix_file *f = &fx->files[i];
		if (!f->readable)
			continue;
		size_t len = 0, applied = 0;
		char *next = ml_fixes_apply(f->path, f->text, f->len, diags, n, &len, &applied);
		if (!next)
			return -1;
		bool differs = applied && (len != f->len || memcmp(next, f->text, len));
		if (!differs || dry_run) {
			changed |= differs;
			free(next);
			continue;
		}
		if (f->text != f->original)
			free(f->text);
		f->text = next;
		f->len = len;
		f->fixes += applied;
		changed = 1;
	}
	return changed;
}

static bool changed(const fix_file *f)
{
	return f->readable && (f->len != f->original_len || memcmp(f->text, f->original, f->len));
}

/* --fix: writes each changed file; says on stderr what could not be. */
static void write_files(fixer *fx)
{
	for (size_t i = 0; i < fx->n_files; i++) {
		fix_file *f = &fx->files[i];
		if (f->from_stdin || !changed(f))
			continue;
		if (f->target.st.st_nlink > 1)
			say("migralint: warning: '%s' has other hard links: it is replaced by a new file, and they keep "
			    "the old text\n", f->path, NULL);
		char why[1024];
		switch (ml_fix_write(&f->target, f->original, f->original_len, f->text, f->len, why, sizeof(why))) {
		case ML_FIX_WRITTEN:
			f->done = OUTCOME_WRITTEN;
			break;
		case ML_FIX_CHANGED:
			say("migralint: error: '%s' not fixed: %s; run --fix again\n", f->path, why);
			f->done = OUTCOME_CHANGED_ON_DISK;
			fx->io_failed = true;
			break;
		case ML_FIX_FAILED:
			say("migralint: error: cannot write '%s': %s; it was not changed\n", f->path, why);
			f->done = OUTCOME_FAILED;
			fx->io_failed = true;
			break;
		}
	}
}

/* After some file was not written: the report run over what the files hold
 * now (the fixed text where it was written, the text read where writing
 * failed, the file itself where someone else changed it). */
static ml_run *report_pass(fixer *fx)
{
	for (size_t i = 0; i < fx->n_files; i++) {
		fix_file *f = &fx->files[i];
		if (f->done == OUTCOME_CHANGED_ON_DISK) {
			f->readable = false;
		} else if (f->done == OUTCOME_FAILED) {
			if (f->text != f->original)
				free(f->text);
			f->text = f->original;
			f->len = f->original_len;
		}
	}
	return lint_pass(fx);
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void print_input_errors(const ml_run *run)
{
	size_t n;
	const ml_input_error *errors = ml_run_input_error_list(run, &n);
	for (size_t i = 0; i < n; i++)
		say("migralint: error: cannot read '%s': %s\n", errors[i].path, errors[i].reason);
}

/* The passes and what follows them, once the first run has named the
 * files. Returns the exit status. */
static int fix_files(fixer *fx, size_t before)
{
	const ml_fix_request *req = fx->req;
	ml_run *run = NULL;
	size_t passes = 0;
	for (;;) {
		if (!(run = lint_pass(fx)))
			return out_of_memory();
		if (ml_run_base_error(run)) {
			say("migralint: error: %s\n", ml_run_base_error(run), NULL);
			ml_run_free(run);
			return ML_EXIT_USAGE;
		}
		int step = apply_fixes(fx, run, passes == MAX_PASSES);
		if (step < 0) {
			ml_run_free(run);
			return out_of_memory();
		}
		if (!step)
			break;
		if (passes == MAX_PASSES) {
			fprintf(stderr,
				"migralint: warning: fixes still apply after %d passes (fixes that undo one another?): "
				"what the last pass would change is left as it is\n",
				MAX_PASSES);
			break;
		}
		passes++;
		ml_run_free(run);
	}

	size_t fixes = 0, files_changed = 0, not_written = 0;
	int status = ML_EXIT_CLEAN;
	if (req->diff) {
		for (size_t i = 0; i < fx->n_files; i++) {
			const fix_file *f = &fx->files[i];
			if (!changed(f))
				continue;
			fixes += f->fixes;
			files_changed++;
			if (ml_write_unified_diff(stdout, f->path, f->original, f->original_len, f->text, f->len) != 0 &&
			    errno == ENOMEM) {
				ml_run_free(run);
				return out_of_memory();
			}
		}
		status = files_changed ? ML_EXIT_FINDINGS : ML_EXIT_CLEAN;
		if (ml_run_exit_status(run) == ML_EXIT_INPUT_ERROR)
			status = ML_EXIT_INPUT_ERROR;
	} else {
		write_files(fx);
		for (size_t i = 0; i < fx->n_files; i++) {
			const fix_file *f = &fx->files[i];
			if (f->done == OUTCOME_WRITTEN || (f->from_stdin && changed(f))) {
				fixes += f->fixes;
				files_changed++;
			}
			not_written += f->done == OUTCOME_FAILED || f->done == OUTCOME_CHANGED_ON_DISK;
		}
		if (not_written) {
			ml_run_free(run);
			if (!(run = report_pass(fx)))
				return out_of_memory();
		}
		status = ml_run_exit_status(run);
	}
	print_input_errors(run);
	size_t after = in_force(run);
	if (ml_run_exit_status(run) == ML_EXIT_FAILED) {
		fputs("migralint: error: out of memory: some input was not linted, the report is not complete\n", stderr);
		status = ML_EXIT_FAILED;
	}

	/* stdout: the diff (written above), standard input's fixed text, or the
	 * report of what is left. */
	int write_status = 0;
	if (!req->diff && fx->stdin_used) {
		/* Not reported (excluded by the configuration, a file its tool
		 * does not run): the text as it came, never an empty buffer. */
		if (fx->stdin_text)
			fwrite(fx->stdin_text, 1, fx->stdin_len, stdout);
		for (size_t i = 0; i < fx->n_files; i++)
			if (fx->files[i].from_stdin && fx->files[i].readable)
				fwrite(fx->files[i].text, 1, fx->files[i].len, stdout);
	} else if (!req->diff) {
		write_status = ml_run_write_report(run, req->format, stdout, req->color);
	}
	int err = errno;
	if (write_status == 0 && (fflush(stdout) != 0 || ferror(stdout))) {
		write_status = -1;
		err = errno ? errno : EIO;
	}
	if (write_status != 0) {
		if (err == ENOMEM)
			fputs("migralint: error: out of memory while writing the report: it is not complete\n", stderr);
		else
			say("migralint: error: cannot write to standard output: %s\n", strerror(err), NULL);
		status = ML_EXIT_FAILED;
	}

	char line[512];
	int at = snprintf(line, sizeof(line), "migralint: %s: %zu %s %s, %zu %s %s, %zu %s; %zu %s before, %zu after",
			  req->diff ? "--diff" : "--fix", fixes, plural(fixes, "fix", "fixes"),
			  req->diff ? "to apply" : "applied", files_changed, plural(files_changed, "file", "files"),
			  req->diff ? "to change" : "changed", passes, plural(passes, "pass", "passes"), before,
			  plural(before, "finding", "findings"), after);
	if (not_written && at > 0 && (size_t)at < sizeof(line))
		at += snprintf(line + at, sizeof(line) - (size_t)at, "; %zu %s not written", not_written,
			       plural(not_written, "file", "files"));
	if (req->diff && at > 0 && (size_t)at < sizeof(line))
		snprintf(line + at, sizeof(line) - (size_t)at, "; nothing written");
	fprintf(stderr, "%s\n", line);

	if (fx->io_failed && status != ML_EXIT_FAILED)
		status = ML_EXIT_INPUT_ERROR;
	ml_run_free(run);
	return status;
}

int ml_cli_fix(const ml_fix_request *req)
{
	fixer fx = { .req = req, .paths = malloc((req->n_paths + 1) * sizeof(*fx.paths)) };
	if (!fx.paths)
		return out_of_memory();
	for (size_t i = 0; i < req->n_paths; i++) {
		const char *path = req->paths[i];
		struct stat st;
		/* A FIFO or a device named as input is read once by a plain
		 * run; the passes would read it again, and it cannot be
		 * rewritten. */
		if (strcmp(path, "-") && stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
			say("migralint: error: cannot fix '%s': not a regular file or a directory\n", path, NULL);
			fx.io_failed = true;
			continue;
		}
		fx.stdin_used |= !strcmp(path, "-");
		fx.paths[fx.n_paths++] = path;
	}
	if (fx.stdin_used) {
		char why[256];
		if (read_stdin(input_limit(req, req->stdin_name), &fx.stdin_text, &fx.stdin_len, why, sizeof(why)) != 0) {
			say("migralint: error: cannot read '%s': %s\n", req->stdin_name, why);
			fx.io_failed = true;
		}
	}
	/* The first run says which files the run reports (a directory's
	 * migrations, the tool's downs, what the configuration excludes). */
	ml_run *first = lint_pass(&fx);
	if (!first) {
		free(fx.stdin_text);
		return out_of_memory();
	}
	int status;
	if (ml_run_base_error(first)) {
		say("migralint: error: %s\n", ml_run_base_error(first), NULL);
		status = ML_EXIT_USAGE;
	} else if (!collect_files(&fx, first)) {
		status = out_of_memory();
	} else {
		size_t before = in_force(first);
		ml_run_free(first);
		first = NULL;
		status = fix_files(&fx, before);
	}
	ml_run_free(first);
	for (size_t i = 0; i < fx.n_files; i++) {
		fix_file *f = &fx.files[i];
		if (f->text != f->original)
			free(f->text);
		free(f->original);
		free(f->path);
		ml_fix_target_free(&f->target);
	}
	free(fx.files);
	free(fx.stdin_text);
	free(fx.paths);
	return status;
}
