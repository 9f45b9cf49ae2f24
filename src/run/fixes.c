/*
 * fixes.c - applying the mechanical fixes of a file's diagnostics to its
 * text (ml_fixes_apply), for --fix, --diff and an editor's "fix all". Only
 * bytes inside the fixes' edits change; a fix that would touch another one,
 * or a statement PostgreSQL's parser did not read, is left out, so that
 * applying fixes again until none is left converges.
 */
#include <stdlib.h>
#include <string.h>

#include "migralint/migralint.h"

/* Findings about text the parser did not read: no fix may touch it. */
static bool unparsed(const ml_diagnostic *d)
{
	return !strcmp(d->rule, "syntax-error") || !strcmp(d->rule, "statement-too-complex") ||
	       !strcmp(d->rule, "invalid-input") || !strcmp(d->rule, "psql-meta-command");
}

/* Do [a0, a1) and [b0, b1) overlap or touch? Two insertions at one byte
 * touch: their order would be a guess. */
static bool touches(size_t a0, size_t a1, size_t b0, size_t b1)
{
	return a0 <= b1 && b0 <= a1;
}

struct taken_edit {
	const ml_edit *edit;
};

static int compare_fix_starts(const void *pa, const void *pb)
{
	const ml_diagnostic *a = *(const ml_diagnostic *const *)pa, *b = *(const ml_diagnostic *const *)pb;
	size_t sa = a->fix->edits[0].start, sb = b->fix->edits[0].start;
	if (sa != sb)
		return sa < sb ? -1 : 1;
	return a < b ? -1 : a > b;
}

static int compare_edits(const void *pa, const void *pb)
{
	const ml_edit *a = ((const struct taken_edit *)pa)->edit, *b = ((const struct taken_edit *)pb)->edit;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return 0;
}

/* Can fix go in with the edits taken so far and the unparsed ranges? */
static bool fits(const ml_fix *fix, size_t len, const struct taken_edit *taken, size_t n_taken,
		 const ml_diagnostic *diagnostics, size_t n, const char *path)
{
	for (size_t e = 0; e < fix->n_edits; e++) {
		const ml_edit *ed = &fix->edits[e];
		if (ed->start > ed->end || ed->end > len)
			return false;
		for (size_t t = 0; t < n_taken; t++)
			if (touches(ed->start, ed->end, taken[t].edit->start, taken[t].edit->end))
				return false;
		for (size_t k = 0; k < n; k++) {
			const ml_diagnostic *d = &diagnostics[k];
			/* An insertion at the very start of an unparsed statement
			 * leaves its bytes as they are. */
			if (unparsed(d) && !strcmp(d->path, path) && ed->end > d->start && ed->start < d->end)
				return false;
		}
	}
	return true;
}

char *ml_fixes_apply(const char *path, const char *text, size_t len, const ml_diagnostic *diagnostics, size_t n,
		     size_t *out_len, size_t *applied)
{
	size_t n_fixes = 0, n_edits = 0;
	for (size_t k = 0; k < n; k++) {
		const ml_diagnostic *d = &diagnostics[k];
		if (d->fix && d->fix->n_edits && !d->suppressed && !strcmp(d->path, path)) {
			n_fixes++;
			n_edits += d->fix->n_edits;
		}
	}
	const ml_diagnostic **fixes = malloc((n_fixes + 1) * sizeof(*fixes));
	struct taken_edit *taken = malloc((n_edits + 1) * sizeof(*taken));
	if (!fixes || !taken) {
		free(fixes);
		free(taken);
		return NULL;
	}
	n_fixes = 0;
	for (size_t k = 0; k < n; k++) {
		const ml_diagnostic *d = &diagnostics[k];
		if (d->fix && d->fix->n_edits && !d->suppressed && !strcmp(d->path, path))
			fixes[n_fixes++] = d;
	}
	qsort(fixes, n_fixes, sizeof(*fixes), compare_fix_starts);
	size_t n_taken = 0, n_applied = 0, grow = 0;
	for (size_t f = 0; f < n_fixes; f++) {
		const ml_fix *fix = fixes[f]->fix;
		/* The same fix reported by two findings (two rules asking for
		 * one change) is taken once. */
		bool same = f > 0 && fixes[f - 1]->fix->n_edits == fix->n_edits;
		for (size_t e = 0; same && e < fix->n_edits; e++) {
			const ml_edit *a = &fixes[f - 1]->fix->edits[e], *b = &fix->edits[e];
			same = a->start == b->start && a->end == b->end && !strcmp(a->replacement, b->replacement);
		}
		if (same || !fits(fix, len, taken, n_taken, diagnostics, n, path))
			continue;
		for (size_t e = 0; e < fix->n_edits; e++) {
			taken[n_taken++].edit = &fix->edits[e];
			grow += strlen(fix->edits[e].replacement);
		}
		n_applied++;
	}
	qsort(taken, n_taken, sizeof(*taken), compare_edits);
	char *out = malloc(len + grow + 1);
	if (out) {
		size_t at = 0, o = 0;
		for (size_t t = 0; t < n_taken; t++) {
			const ml_edit *ed = taken[t].edit;
			memcpy(out + o, text + at, ed->start - at);
			o += ed->start - at;
			size_t r = strlen(ed->replacement);
			memcpy(out + o, ed->replacement, r);
			o += r;
			at = ed->end;
		}
		memcpy(out + o, text + at, len - at);
		o += len - at;
		out[o] = '\0';
		if (out_len)
			*out_len = o;
		if (applied)
			*applied = n_applied;
	}
	free(fixes);
	free(taken);
	return out;
}
