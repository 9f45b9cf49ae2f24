/*
 * report.c - picks the report format and drives its hooks over the sorted
 * diagnostics; holds the helpers the formats share. stdout carries only the
 * report.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "current_dir.h"
#include "engine.h"
#include "facts.h"
#include "linemap.h"
#include "lock_forms.h"
#include "lock_table.h"
#include "migralint/migralint.h"
#include "report.h"

static const ml_report_format *const FORMATS[] = {
	&ml_report_text,
	&ml_report_json,
	&ml_report_locks,
	&ml_report_sarif,
	&ml_report_github,
	&ml_report_gitlab,
	&ml_report_gcc,
	&ml_report_markdown,
};

int ml_format_parse(const char *name, ml_format *out)
{
	for (size_t i = 0; i < sizeof(FORMATS) / sizeof(FORMATS[0]); i++) {
		if (!strcmp(FORMATS[i]->name, name)) {
			*out = FORMATS[i]->id;
			return 0;
		}
	}
	return -1;
}

const char *ml_format_names(void)
{
	static char names[256];
	if (!names[0]) {
		for (size_t i = 0; i < sizeof(FORMATS) / sizeof(FORMATS[0]); i++) {
			if (i)
				strcat(names, ", ");
			strcat(names, FORMATS[i]->name);
		}
	}
	return names;
}

ml_report_totals ml_report_count(ml_run *run)
{
	ml_report_totals t = { 0 };
	size_t n;
	const ml_file_summary *files = ml_run_files(run, &n);
	t.files = (int)n;
	for (size_t i = 0; i < n; i++)
		t.statements += files[i].statements;
	const ml_diagnostic *d = ml_run_diagnostics(run, &n);
	for (size_t i = 0; i < n; i++) {
		if (d[i].suppressed)
			t.suppressed++;
		else if (d[i].severity == ML_SEVERITY_ERROR)
			t.errors++;
		else if (d[i].severity == ML_SEVERITY_WARNING)
			t.warnings++;
		else
			t.infos++;
	}
	return t;
}

int ml_lock_rank(const char *mode)
{
	for (int m = ML_LOCK_ACCESS_EXCLUSIVE; m > ML_LOCK_NONE; m--)
		if (!strcmp(ml_lock_mode_name((ml_lock_mode)m), mode))
			return m;
	return 0;
}

/* Writes s as a JSON string. Bytes that are not valid UTF-8 become U+FFFD so
 * the output always parses. */
void ml_json_string(FILE *out, const char *s)
{
	if (!s) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	size_t len = strlen(s);
	size_t i = 0;
	while (i < len) {
		/* Bytes that go out as they are, written in one call. */
		size_t run = 0;
		for (;;) {
			unsigned char c = (unsigned char)s[i + run];
			if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
				run++;
				continue;
			}
			size_t n = c >= 0x80 ? ml_utf8_sequence_length(s + i + run, len - i - run) : 0;
			if (n == 0)
				break;
			run += n;
		}
		if (run) {
			fwrite(s + i, 1, run, out);
			i += run;
			continue;
		}
		unsigned char c = (unsigned char)s[i++];
		switch (c) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (c < 0x20)
				fprintf(out, "\\u%04x", c);
			else
				fputs("\\ufffd", out); /* not UTF-8 */
			break;
		}
	}
	fputc('"', out);
}

const char *ml_observed_status_name(ml_observed_status status)
{
	return status == ML_OBSERVED_RAN ? "ran" : status == ML_OBSERVED_FAILED ? "failed" : "not run";
}

int ml_run_write_report(ml_run *run, ml_format format, FILE *out, bool color)
{
	const ml_report_format *f = NULL;
	for (size_t i = 0; i < sizeof(FORMATS) / sizeof(FORMATS[0]); i++)
		if (FORMATS[i]->id == format)
			f = FORMATS[i];
	if (!f)
		return -1;
	size_t n;
	const ml_diagnostic *d = ml_run_diagnostics(run, &n);
	/* memory ran out listing them: the report says what it can */
	bool out_of_memory = !d;
	ml_diagnostic *in_force = NULL;
	size_t silenced = 0;
	for (size_t i = 0; i < n && !f->with_suppressed; i++)
		silenced += d[i].suppressed != NULL;
	if (silenced) {
		/* a copy without them, so that index and count describe what the
		 * format writes */
		in_force = malloc((n - silenced + 1) * sizeof(*in_force));
		size_t k = 0;
		for (size_t i = 0; in_force && i < n; i++)
			if (!d[i].suppressed)
				in_force[k++] = d[i];
		out_of_memory |= !in_force;
		d = in_force;
		n = k;
	}
	ml_report_ctx rc = { .out = out, .run = run, .color = color, .diagnostics = d, .count = n };
	rc.out_of_memory = out_of_memory;
	f->begin(&rc);
	for (size_t i = 0; i < n; i++, rc.index++)
		f->diagnostic(&rc, &d[i]);
	f->end(&rc);
	free(in_force);
	/* A write that failed leaves its errno; a later successful call may
	 * not clear it, but fflush sets it again when it fails. */
	errno = 0;
	if (fflush(out) != 0 || ferror(out)) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	if (rc.out_of_memory) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* ---- helpers for the formats that point into a repository ---------------- */

const char *ml_report_strongest_lock(const ml_diagnostic *d)
{
	if (!d->n_locks)
		return NULL;
	const char *strongest = d->locks[0].mode;
	for (size_t i = 1; i < d->n_locks; i++)
		if (ml_lock_rank(d->locks[i].mode) > ml_lock_rank(strongest))
			strongest = d->locks[i].mode;
	return strongest;
}

/* Appends path's segments to out (which holds "" or an absolute path without
 * a trailing slash), resolving "." and "..". "..": back one segment, never
 * above the root when absolute; kept when a relative path has nothing to
 * remove. */
static void append_segments(char *out, const char *path, bool absolute)
{
	const char *p = path;
	while (*p) {
		while (*p == '/')
			p++;
		const char *e = p;
		while (*e && *e != '/')
			e++;
		size_t n = (size_t)(e - p);
		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = strrchr(out, '/');
			const char *last = slash ? slash + 1 : out;
			if (*out && strcmp(last, "..") != 0) {
				if (slash)
					*slash = '\0';
				else
					*out = '\0';
			} else if (!absolute) {
				strcat(out, *out ? "/.." : "..");
			}
		} else {
			size_t len = strlen(out);
			if (absolute || len)
				out[len++] = '/';
			memcpy(out + len, p, n);
			out[len + n] = '\0';
		}
		p = e;
	}
}

char *ml_report_path(const char *path, const char *cwd, bool *relative)
{
	bool absolute = path[0] == '/';
	size_t cap = strlen(path) + (cwd ? strlen(cwd) : 0) + 4;
	char *base = cwd ? malloc(strlen(cwd) + 2) : NULL;
	char *out = malloc(cap);
	if (!out || (cwd && !base)) {
		free(out);
		free(base);
		return NULL;
	}
	out[0] = '\0';
	if (!cwd || cwd[0] != '/') {
		/* no usable current directory: tidy the path as it is */
		append_segments(out, path, absolute);
		if (!absolute && !*out)
			strcpy(out, ".");
		*relative = !absolute;
		free(base);
		return out;
	}
	base[0] = '\0';
	append_segments(base, cwd, true);
	if (!absolute)
		strcpy(out, base);
	append_segments(out, path, true);
	if (!*out)
		strcpy(out, "/");
	size_t blen = strlen(base);
	*relative = false;
	if (blen == 0 && out[1]) {
		/* the current directory is the root */
		memmove(out, out + 1, strlen(out));
		*relative = true;
	} else if (blen && !strncmp(out, base, blen) && out[blen] == '/' && out[blen + 1]) {
		memmove(out, out + blen + 1, strlen(out + blen + 1) + 1);
		*relative = true;
	}
	free(base);
	return out;
}

const char *ml_report_effect_words(const char *effect)
{
	static const char *const WORDS[][2] = {
		{ "fails", "the statement fails" }, { "cascades", "CASCADE drops it" },
		{ "dropped", "dropped with it" },   { "breaks", "breaks when it runs" },
		{ "uses", "uses it" },              { "drops", "drops or renames it" },
		{ "held", "taken here, held until the transaction ends" },
	};
	for (size_t i = 0; effect && i < sizeof(WORDS) / sizeof(*WORDS); i++)
		if (!strcmp(effect, WORDS[i][0]))
			return WORDS[i][1];
	return effect;
}

char *ml_report_reference_text(const ml_reference *ref, bool with_place)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (!f)
		return NULL;
	bool code = ref->kind && !strcmp(ref->kind, "code");
	if (code)
		fputs(with_place ? "still used" : "still used here", f);
	else if (ref->kind && !strcmp(ref->kind, "lock"))
		fprintf(f, "the lock on %s", ref->name ? ref->name : "the table");
	else
		fprintf(f, "%s%s%s", ref->kind ? ref->kind : "reference", ref->name ? " " : "", ref->name ? ref->name : "");
	if (with_place && ref->path) {
		fprintf(f, " at %s", ref->path);
		if (ref->line > 0)
			fprintf(f, ":%d", ref->line);
	}
	if (code && ref->text && *ref->text)
		fprintf(f, ": %s", ref->text);
	else if (!code && ref->effect)
		fprintf(f, " (%s)", ml_report_effect_words(ref->effect));
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

const char *ml_report_doc_base(const ml_run *run)
{
	const char *base = run->options.doc_base_url;
	return base && *base ? base : NULL;
}

#define FNV_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME UINT64_C(0x100000001b3)

static uint64_t fnv_byte(uint64_t h, unsigned char c)
{
	return (h ^ c) * FNV_PRIME;
}

static uint64_t fnv_string(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = fnv_byte(h, (unsigned char)*s);
	return fnv_byte(h, 0);
}

/* Hashes s with runs of white space as one space, none at either end. */
static uint64_t fnv_collapsed(uint64_t h, const char *s)
{
	bool space = false, any = false;
	for (; s && *s; s++) {
		if (strchr(" \t\r\n\f\v", *s)) {
			space = any;
			continue;
		}
		if (space)
			h = fnv_byte(h, ' ');
		space = false;
		any = true;
		h = fnv_byte(h, (unsigned char)*s);
	}
	return fnv_byte(h, 0);
}

/* Hashes s with each run of digits as one '#'. */
static uint64_t fnv_without_numbers(uint64_t h, const char *s)
{
	for (; s && *s; s++) {
		if (*s >= '0' && *s <= '9') {
			while (s[1] >= '0' && s[1] <= '9')
				s++;
			h = fnv_byte(h, '#');
		} else {
			h = fnv_byte(h, (unsigned char)*s);
		}
	}
	return fnv_byte(h, 0);
}

/* Where the table sizes --stats added to d's message begin ("... (orders:
 * 48M rows, 12 GB)", the first table with a known size named first), or
 * NULL. */
static const char *sizes_note(const ml_diagnostic *d)
{
	size_t len = strlen(d->message);
	for (size_t i = 0; i < d->n_locks; i++) {
		if (d->locks[i].rows < 0)
			continue;
		if (!len || d->message[len - 1] != ')')
			return NULL;
		size_t room = strlen(d->locks[i].table) + 5;
		char *pattern = malloc(room);
		const char *hit = NULL;
		if (pattern) {
			snprintf(pattern, room, " (%s: ", d->locks[i].table);
			for (const char *p = d->message; (p = strstr(p, pattern)); p++)
				hit = p;
		}
		free(pattern);
		return hit;
	}
	return NULL;
}

/* Hashes d's message as fnv_without_numbers does, without the uses in the
 * application's code the scan added to it ("; still used at ...") and the
 * table sizes --stats added: a use that comes or goes, or a table that
 * grows, is not a new finding. */
static uint64_t fnv_message(uint64_t h, const ml_diagnostic *d)
{
	bool code = false;
	for (size_t i = 0; i < d->n_references && !code; i++)
		code = d->references[i].kind && !strcmp(d->references[i].kind, "code");
	const char *cut = NULL;
	for (const char *p = d->message; code && (p = strstr(p, "; still used at ")); p++)
		cut = p;
	const char *sizes = sizes_note(d);
	if (sizes && (!cut || sizes < cut))
		cut = sizes;
	if (!cut)
		return fnv_without_numbers(h, d->message);
	char *head = strndup(d->message, (size_t)(cut - d->message));
	h = fnv_without_numbers(h, head ? head : d->message);
	free(head);
	return h;
}

typedef struct fingerprint_key {
	uint64_t hash;
	size_t index;
} fingerprint_key;

static int compare_keys(const void *pa, const void *pb)
{
	const fingerprint_key *a = pa, *b = pb;
	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

uint64_t *ml_report_fingerprints(const ml_report_ctx *rc)
{
	size_t n = rc->count;
	const ml_diagnostic *d = rc->diagnostics;
	if (!d || !n)
		return NULL;
	uint64_t *out = malloc(n * sizeof(*out));
	fingerprint_key *keys = malloc(n * sizeof(*keys));
	char *cwd = ml_current_dir();
	if (!out || !keys) {
		free(out);
		free(keys);
		free(cwd);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		bool relative;
		char *path = ml_report_path(d[i].path, cwd, &relative);
		uint64_t h = fnv_string(FNV_OFFSET, d[i].rule);
		h = fnv_string(h, path ? path : d[i].path);
		h = fnv_collapsed(h, d[i].excerpt);
		h = fnv_message(h, &d[i]);
		free(path);
		keys[i].hash = h;
		keys[i].index = i;
	}
	qsort(keys, n, sizeof(*keys), compare_keys);
	/* Findings with the same key are told apart by their order in the file. */
	uint32_t occurrence = 0;
	for (size_t i = 0; i < n; i++) {
		occurrence = i && keys[i].hash == keys[i - 1].hash ? occurrence + 1 : 0;
		uint64_t h = FNV_OFFSET;
		for (int b = 0; b < 8; b++)
			h = fnv_byte(h, (unsigned char)(keys[i].hash >> (8 * b)));
		for (int b = 0; b < 4; b++)
			h = fnv_byte(h, (unsigned char)(occurrence >> (8 * b)));
		out[keys[i].index] = h;
	}
	free(keys);
	free(cwd);
	return out;
}
