/*
 * diff.c - the unified diff of --diff: two texts compared line by line,
 * written as `diff -u` and `git diff` write them, so that `patch -p1` and
 * `git apply` take it.
 *
 * Lines are matched with Myers' O(ND) algorithm in its linear-space form
 * (find the middle snake of the edit graph, then solve both halves), after
 * the common first and last lines are set aside: a file that --fix changes
 * in a few places costs about its length times the lines changed. The work
 * has a budget so that two texts that differ everywhere do not take
 * quadratic time; past it, each stretch still unsolved is written as one
 * change (a larger hunk, still exact).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

/* The lines of context around each change. */
#define CONTEXT 3
/* Steps of the search (diagonals tried and lines compared) before the
 * rest is given coarsely: a few tenths of a second. */
#define WORK_BUDGET 200000000LL

typedef struct line {
	const char *s;
	size_t len;               /* with its '\n', when it has one */
	uint64_t hash;
} line;

typedef struct side {
	line *lines;
	long n;
	bool *changed;            /* lines deleted (old) or inserted (new) */
} side;

static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

/* Splits text into lines (the last one may lack its '\n'). Returns false
 * when memory runs out. */
static bool split_lines(const char *text, size_t len, side *out)
{
	long n = 0;
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	if (len && text[len - 1] != '\n')
		n++;
	out->n = n;
	out->lines = malloc((size_t)(n ? n : 1) * sizeof(*out->lines));
	out->changed = calloc((size_t)(n ? n : 1), sizeof(*out->changed));
	if (!out->lines || !out->changed)
		return false;
	size_t start = 0;
	long k = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] != '\n' && i + 1 < len)
			continue;
		size_t end = i + 1;
		out->lines[k++] = (line){ text + start, end - start, hash_bytes(text + start, end - start) };
		start = end;
	}
	return true;
}

struct differ {
	const line *a, *b;
	bool *a_changed, *b_changed;
	long *fwd, *bwd;          /* by diagonal (x - y), shifted by offset */
	long offset;
	long long budget;
};

static bool same(const struct differ *d, long x, long y)
{
	const line *p = &d->a[x], *q = &d->b[y];
	return p->hash == q->hash && p->len == q->len && !memcmp(p->s, q->s, p->len);
}

#define NONE (-1L)

/* The diagonals k with |k - from| <= cost and the parity of from + cost,
 * within [kmin, kmax]: *lo and *hi (empty when *lo > *hi). */
static void diagonals(long from, long cost, long kmin, long kmax, long *lo, long *hi)
{
	*lo = from - cost;
	*hi = from + cost;
	if (*lo < kmin)
		*lo = kmin + ((kmin - *lo) & 1);
	if (*hi > kmax)
		*hi = kmax - ((*hi - kmax) & 1);
}

/* Finds a point (*sx, *sy) that a shortest edit path through the box
 * [a0, a1) x [b0, b1) passes through, other than its corners (the box's
 * first and last lines differ). In the edit graph x counts old lines and y
 * new ones; diagonal k holds the points with x - y = k. The forward search
 * starts at (a0, b0) and keeps, for each diagonal, the furthest x reached
 * with cost edits; the backward one starts at (a1, b1) and keeps the
 * smallest. Where they meet, the forward (odd difference of diagonals) or
 * backward (even) end of that snake splits the box. Returns false when
 * the work budget ran out. */
static bool middle_snake(struct differ *d, long a0, long a1, long b0, long b1, long *sx, long *sy)
{
	long *fwd = d->fwd + d->offset, *bwd = d->bwd + d->offset;
	long fk = a0 - b0, bk = a1 - b1, kmin = a0 - b1, kmax = a1 - b0;
	bool odd = ((fk - bk) & 1) != 0;
	fwd[fk] = a0;
	bwd[bk] = a1;
	long max_cost = (a1 - a0) + (b1 - b0);
	for (long cost = 1; cost <= max_cost; cost++) {
		if (d->budget < 0)
			return false;
		long lo, hi;
		diagonals(fk, cost, kmin, kmax, &lo, &hi);
		for (long k = lo; k <= hi; k += 2) {
			/* From diagonal k - 1 one old line is deleted (x + 1); from
			 * k + 1 one new line inserted (y + 1). Each only from a
			 * point the last round set, and only inside the box. */
			long left = k - 1 >= kmin && labs(k - 1 - fk) <= cost - 1 ? fwd[k - 1] : NONE;
			long up = k + 1 <= kmax && labs(k + 1 - fk) <= cost - 1 ? fwd[k + 1] : NONE;
			long x = NONE;
			if (left != NONE && left < a1)
				x = left + 1;
			if (up != NONE && up - (k + 1) < b1 && up > x)
				x = up;
			fwd[k] = x;
			d->budget--;
			if (x == NONE)
				continue;
			long y = x - k;
			while (x < a1 && y < b1 && same(d, x, y)) {
				x++;
				y++;
				d->budget--;
			}
			fwd[k] = x;
			if (odd && labs(k - bk) <= cost - 1 && bwd[k] != NONE && bwd[k] <= x) {
				*sx = x;
				*sy = x - k;
				return true;
			}
		}
		diagonals(bk, cost, kmin, kmax, &lo, &hi);
		for (long k = lo; k <= hi; k += 2) {
			/* Backwards: from diagonal k + 1 one old line is taken
			 * back (x - 1), from k - 1 one new line (y - 1). */
			long right = k + 1 <= kmax && labs(k + 1 - bk) <= cost - 1 ? bwd[k + 1] : NONE;
			long down = k - 1 >= kmin && labs(k - 1 - bk) <= cost - 1 ? bwd[k - 1] : NONE;
			long x = NONE;
			if (right != NONE && right > a0)
				x = right - 1;
			if (down != NONE && down - (k - 1) > b0 && (x == NONE || down < x))
				x = down;
			bwd[k] = x;
			d->budget--;
			if (x == NONE)
				continue;
			long y = x - k;
			while (x > a0 && y > b0 && same(d, x - 1, y - 1)) {
				x--;
				y--;
				d->budget--;
			}
			bwd[k] = x;
			if (!odd && labs(k - fk) <= cost && fwd[k] != NONE && x <= fwd[k]) {
				*sx = x;
				*sy = x - k;
				return true;
			}
		}
	}
	return false;
}

/* Marks the lines of a shortest edit script from old [a0, a1) to new
 * [b0, b1): those not marked match in order. */
static void compare(struct differ *d, long a0, long a1, long b0, long b1)
{
	while (a0 < a1 && b0 < b1 && same(d, a0, b0)) {
		a0++;
		b0++;
	}
	while (a0 < a1 && b0 < b1 && same(d, a1 - 1, b1 - 1)) {
		a1--;
		b1--;
	}
	long x, y;
	if (a0 == a1 || b0 == b1 || !middle_snake(d, a0, a1, b0, b1, &x, &y) || (x == a0 && y == b0) ||
	    (x == a1 && y == b1)) {
		/* One side is empty, or the budget is spent (the split is
		 * never a corner; the test above only guards the recursion). */
		for (long i = a0; i < a1; i++)
			d->a_changed[i] = true;
		for (long j = b0; j < b1; j++)
			d->b_changed[j] = true;
		return;
	}
	compare(d, a0, x, b0, y);
	compare(d, x, a1, y, b1);
}

/* Writes one line of a hunk: its mark and its bytes, then a line break and
 * the note when it has none (the last line of a text). */
static void put_line(FILE *out, char mark, const line *l)
{
	fputc(mark, out);
	fwrite(l->s, 1, l->len, out);
	if (!l->len || l->s[l->len - 1] != '\n')
		fputs("\n\\ No newline at end of file\n", out);
}

/* "l,n" as unified diffs give a range of n lines from 0-based start: an
 * empty range names the line before it, and ",1" is left out. */
static void put_range(FILE *out, long start, long n)
{
	if (n == 1)
		fprintf(out, "%ld", start + 1);
	else
		fprintf(out, "%ld,%ld", n ? start + 1 : start, n);
}

/* "a/NAME" or "b/NAME" on a header line: quoted as git quotes a name that
 * holds control characters, '"' or '\\' (so that a line break in a file
 * name cannot end the line), and followed by a tab when it holds a space,
 * where patch would end the name. */
static void put_name(FILE *out, char side_mark, const char *name)
{
	while (name[0] == '.' && name[1] == '/')
		for (name += 2; *name == '/'; name++)
			;
	bool quote = false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		quote |= *p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\';
	const char *sep = name[0] == '/' ? "" : "/";
	if (!quote) {
		fprintf(out, "%c%s%s%s\n", side_mark, sep, name, strchr(name, ' ') ? "\t" : "");
		return;
	}
	fprintf(out, "\"%c%s", side_mark, sep);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		switch (*p) {
		case '\a': fputs("\\a", out); break;
		case '\b': fputs("\\b", out); break;
		case '\t': fputs("\\t", out); break;
		case '\n': fputs("\\n", out); break;
		case '\v': fputs("\\v", out); break;
		case '\f': fputs("\\f", out); break;
		case '\r': fputs("\\r", out); break;
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(out, "\\%03o", *p);
			else
				fputc(*p, out);
		}
	}
	fputs("\"\n", out);
}

/* A run of changed lines: old [i0, i1) replaced by new [j0, j1). */
typedef struct change {
	long i0, i1, j0, j1;
} change;

static void write_hunks(FILE *out, const side *a, const side *b, const change *changes, size_t n)
{
	for (size_t c = 0; c < n;) {
		/* Changes closer than twice the context share a hunk. */
		size_t last = c;
		while (last + 1 < n && changes[last + 1].i0 - changes[last].i1 <= 2 * CONTEXT)
			last++;
		long before = changes[c].i0 < CONTEXT ? changes[c].i0 : CONTEXT;
		long after = a->n - changes[last].i1 < CONTEXT ? a->n - changes[last].i1 : CONTEXT;
		long i = changes[c].i0 - before, j = changes[c].j0 - before;
		long i_end = changes[last].i1 + after, j_end = changes[last].j1 + after;
		fputs("@@ -", out);
		put_range(out, i, i_end - i);
		fputs(" +", out);
		put_range(out, j, j_end - j);
		fputs(" @@\n", out);
		for (size_t k = c; k <= last; k++) {
			for (; i < changes[k].i0; i++, j++)
				put_line(out, ' ', &a->lines[i]);
			for (; i < changes[k].i1; i++)
				put_line(out, '-', &a->lines[i]);
			for (; j < changes[k].j1; j++)
				put_line(out, '+', &b->lines[j]);
		}
		for (; i < i_end; i++, j++)
			put_line(out, ' ', &a->lines[i]);
		c = last + 1;
	}
}

/* The runs of changed lines of a and b, in order (unmarked lines match one
 * to one). Returns a malloc'd array of *n changes, or NULL when memory runs
 * out. */
static change *changes_of(const side *a, const side *b, size_t *n)
{
	size_t cap = 16;
	change *changes = malloc(cap * sizeof(*changes));
	*n = 0;
	for (long i = 0, j = 0; changes && (i < a->n || j < b->n);) {
		if (i < a->n && j < b->n && !a->changed[i] && !b->changed[j]) {
			i++;
			j++;
			continue;
		}
		change c = { i, i, j, j };
		while (c.i1 < a->n && a->changed[c.i1])
			c.i1++;
		while (c.j1 < b->n && b->changed[c.j1])
			c.j1++;
		if (*n == cap) {
			change *grown = realloc(changes, 2 * cap * sizeof(*changes));
			if (!grown) {
				free(changes);
				return NULL;
			}
			changes = grown;
			cap *= 2;
		}
		changes[(*n)++] = c;
		i = c.i1;
		j = c.j1;
	}
	return changes;
}

int ml_write_unified_diff(FILE *out, const char *name, const char *old_text, size_t old_len, const char *new_text,
			  size_t new_len)
{
	if (old_len == new_len && !memcmp(old_text, new_text, old_len))
		return 0;
	side a = { 0 }, b = { 0 };
	struct differ d = { 0 };
	change *changes = NULL;
	size_t n = 0;
	bool ok = split_lines(old_text, old_len, &a) && split_lines(new_text, new_len, &b);
	if (ok) {
		d = (struct differ){ .a = a.lines, .b = b.lines, .a_changed = a.changed, .b_changed = b.changed,
				     .offset = b.n + 1, .budget = WORK_BUDGET };
		d.fwd = malloc((size_t)(a.n + b.n + 3) * sizeof(*d.fwd));
		d.bwd = malloc((size_t)(a.n + b.n + 3) * sizeof(*d.bwd));
		ok = d.fwd && d.bwd;
	}
	if (ok) {
		compare(&d, 0, a.n, 0, b.n);
		ok = (changes = changes_of(&a, &b, &n)) != NULL;
	}
	int status = -1;
	if (!ok) {
		errno = ENOMEM;
	} else {
		fputs("--- ", out);
		put_name(out, 'a', name);
		fputs("+++ ", out);
		put_name(out, 'b', name);
		write_hunks(out, &a, &b, changes, n);
		status = ferror(out) ? -1 : 0;
	}
	free(changes);
	free(d.fwd);
	free(d.bwd);
	free(a.lines);
	free(a.changed);
	free(b.lines);
	free(b.changed);
	return status;
}
