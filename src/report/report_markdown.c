/*
 * report_markdown.c - the pull-request comment a review bot posts
 * (--format markdown): a header with the counts by severity (and of the
 * findings ignore comments silenced, which are not shown), then per file
 * each finding with its rule (linked to its doc page when doc_base_url says
 * where the pages are; else no link at all), line, message, SQL excerpt,
 * what still uses what it drops, the lock it takes and the safe recipe.
 *
 * GitHub rejects a comment over 65,536 characters, so the report keeps to a
 * budget of 60,000 bytes (a byte is never fewer characters): begin picks
 * the findings that fit, errors first, then warnings, then infos (each in
 * path and line order), and the comment shows them in path and line order;
 * the ones left out are summarised at the end with their counts by severity
 * and the number of files they are in. The same input always gives the same
 * comment.
 *
 * The comment pings no one: names from the input appear in code spans and
 * code blocks, where GitHub makes no mention or link, or in plain text with
 * a zero-width break after each "@", before the number of "#12", and inside
 * "://" and "www." (md_breaks_before).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "current_dir.h"
#include "engine.h"
#include "migralint/migralint.h"
#include "report.h"
#include "report_escape.h"

#define MD_BUDGET 60000           /* bytes the whole comment may take */
#define MD_CLOSING_RESERVE 1500   /* kept for the closing sections, whose text is bounded */
#define MD_EXCERPT_MAX 1200       /* bytes of SQL shown per finding */
#define MD_REFERENCES_MAX 10      /* references listed per finding; the rest are counted */

typedef struct md_state {
	char *cwd;                /* current directory, or NULL */
	const char *doc_base;     /* base URL of the rule pages, or NULL: no links */
	size_t shown;             /* findings that fit */
	bool *show;               /* per finding: shown in the comment; NULL: none */
	size_t *file_first;       /* per finding: the index of its file's first finding */
	size_t *file_count;       /* at a file's first finding: how many the file has */
	const char *last_path;    /* path of the last finding written, for file headers */
	bool out_of_memory;       /* a finding was left out for want of memory */
} md_state;

static const char *plural(long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static bool is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (unsigned char)c >= 0x80;
}

/* A zero-width space, as an entity: GitHub no longer sees a mention, an
 * issue reference or a link where it stands, and the reader sees nothing. */
#define MD_BREAK "&#8203;"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Whether a zero-width break goes before the character at `at` of the
 * paragraph [begin, end), because GitHub would otherwise turn what the
 * input wrote into a notification or a link: "@user" and "@org/team"
 * (mentions), "#12", "owner/repo#12" and "GH-12" (issue references, which
 * notify the referenced issue; "!12" and "&12" are GitLab's merge request
 * and epic references), "https://..." and "www...." (links, among them
 * links to other repositories' issues). Each is broken right after its
 * trigger. */
static bool md_breaks_before(const char *begin, const char *end, const char *at)
{
	if (at == begin)
		return false;
	char prev = at[-1], c = *at;
	if (prev == '@')
		return true;
	if ((prev == '#' || prev == '!' || prev == '&') && is_digit(c))
		return true;
	if (c == '-' && at - begin >= 2 && strncasecmp(at - 2, "gh", 2) == 0 && at + 1 < end && is_digit(at[1]))
		return true;
	if (prev == ':' && c == '/' && at + 1 < end && at[1] == '/')
		return true;
	return c == '.' && at - begin >= 3 && strncasecmp(at - 3, "www", 3) == 0;
}

/* Writes a run of plain characters (n bytes at s) of the paragraph
 * [begin, end) with the characters Markdown would read as markup
 * backslash-escaped ('_' only at a word boundary, where it could start
 * emphasis; '>', '#', '-', '+' and "1." only at the start, where they begin
 * a block) and the mentions, issue references and links GitHub would make
 * of it broken (md_breaks_before). leading_digits: how many digits the
 * paragraph starts with. */
static void md_paragraph_run(FILE *out, const char *begin, const char *end, size_t leading_digits, const char *s,
			     size_t n)
{
	for (const char *at = s; at < s + n; at++) {
		char c = *at;
		bool first = at == begin;
		bool markup = strchr("\\`*[]<|~&", c) != NULL;
		if (c == '_')
			markup = first || !is_word_char(at[-1]) || at + 1 >= end || !is_word_char(at[1]);
		if (first && strchr(">#-+=", c))
			markup = true;
		/* "12." or "12)" at the start would begin an ordered list */
		if ((c == '.' || c == ')') && leading_digits && (size_t)(at - begin) == leading_digits)
			markup = true;
		if (md_breaks_before(begin, end, at))
			fputs(MD_BREAK, out);
		if (markup)
			fputc('\\', out);
		fputc(c, out);
	}
}

/* Writes len bytes of s escaped as every report for people escapes what
 * comes from the input (report_escape.c). When paragraph is set, s is a
 * paragraph of plain text, and Markdown markup in it is escaped too. */
static void md_text_n(FILE *out, const char *s, size_t len, bool paragraph)
{
	size_t leading_digits = 0;
	while (leading_digits < len && s[leading_digits] >= '0' && s[leading_digits] <= '9')
		leading_digits++;
	ml_text_iter it;
	ml_text_piece piece;
	ml_text_iter_init(&it, s, len, 0);
	while (ml_text_next(&it, &piece)) {
		/* An escape is a backslash and letters or digits: Markdown shows
		 * it as it is, in a paragraph as in code. */
		if (paragraph && piece.shown == piece.src)
			md_paragraph_run(out, s, s + len, leading_digits, piece.src, piece.src_len);
		else
			fwrite(piece.shown, 1, piece.shown_len, out);
	}
}

/* Writes s (NULL: nothing) as a paragraph of plain text. */
static void md_text(FILE *out, const char *s)
{
	if (s)
		md_text_n(out, s, strlen(s), true);
}

/* The longest run of backticks in s. */
static size_t backtick_run(const char *s)
{
	size_t best = 0, run = 0;
	for (; s && *s; s++) {
		run = *s == '`' ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best;
}

/* Writes s as an inline code span, fenced with more backticks than it holds. */
static void md_code(FILE *out, const char *s)
{
	size_t fence = backtick_run(s) + 1;
	bool pad = s[0] == '`' || (*s && s[strlen(s) - 1] == '`');
	for (size_t i = 0; i < fence; i++)
		fputc('`', out);
	if (pad)
		fputc(' ', out);
	md_text_n(out, s, strlen(s), false);
	if (pad)
		fputc(' ', out);
	for (size_t i = 0; i < fence; i++)
		fputc('`', out);
}

/* Writes d's excerpt as a ```sql block, escaped line by line (a line of
 * the block cannot begin with "::"), the carriage return of a CRLF line
 * ending dropped, cut after MD_EXCERPT_MAX bytes (at a line or character
 * boundary), with a note when lines of the finding are missing. */
static void md_excerpt(FILE *out, const ml_diagnostic *d)
{
	const char *excerpt = d->excerpt;
	size_t fence = backtick_run(excerpt) + 1;
	if (fence < 3)
		fence = 3;
	size_t len = strlen(excerpt);
	bool cut = len > MD_EXCERPT_MAX;
	if (cut) {
		len = MD_EXCERPT_MAX;
		const char *nl = NULL;
		for (size_t i = len; i > MD_EXCERPT_MAX / 2; i--)
			if (excerpt[i - 1] == '\n') {
				nl = excerpt + i - 1;
				break;
			}
		if (nl)
			len = (size_t)(nl - excerpt);
		while (len && ((unsigned char)excerpt[len] & 0xC0) == 0x80)
			len--;
	}
	fputc('\n', out);
	for (size_t i = 0; i < fence; i++)
		fputc('`', out);
	fputs("sql\n", out);
	for (size_t i = 0; i <= len;) {
		const char *nl = memchr(excerpt + i, '\n', len - i);
		size_t j = nl ? (size_t)(nl - excerpt) : len;
		size_t k = j > i && excerpt[j - 1] == '\r' ? j - 1 : j;
		ml_text_write(out, excerpt + i, k - i, ML_TEXT_LINE_START);
		if (!nl)
			break;
		fputc('\n', out);
		i = j + 1;
	}
	int lines = 1;
	for (size_t i = 0; i < len; i++)
		if (excerpt[i] == '\n')
			lines++;
	int last = d->line + lines - 1;
	if (cut)
		fprintf(out, "\n-- ... (cut here; the finding ends at line %d)", d->end_line > d->line ? d->end_line : d->line);
	else if (last + 1 == d->end_line)
		fprintf(out, "\n-- ... (line %d not shown)", d->end_line);
	else if (last < d->end_line)
		fprintf(out, "\n-- ... (lines %d-%d not shown)", last + 1, d->end_line);
	fputc('\n', out);
	for (size_t i = 0; i < fence; i++)
		fputc('`', out);
	fputc('\n', out);
}

/* What still uses what the finding's statement drops, as a list: the
 * places and names in code spans, the effect in words (docs/formats.md). */
static void md_references(FILE *out, const ml_diagnostic *d)
{
	if (!d->n_references)
		return;
	fputs("\n**Still used by:**\n\n", out);
	for (size_t i = 0; i < d->n_references && i < MD_REFERENCES_MAX; i++) {
		const ml_reference *r = &d->references[i];
		bool code = r->kind && !strcmp(r->kind, "code");
		fputs("- ", out);
		if (code) {
			fputs("code", out);
		} else {
			md_text(out, r->kind ? r->kind : "reference");
			if (r->name) {
				fputc(' ', out);
				md_code(out, r->name);
			}
		}
		if (r->path) {
			fputs(" at ", out);
			char *place = r->line > 0 ? NULL : (char *)r->path;
			char buf[32];
			if (r->line > 0) {
				snprintf(buf, sizeof(buf), ":%d", r->line);
				size_t len = strlen(r->path) + strlen(buf) + 1;
				place = malloc(len);
				if (place)
					snprintf(place, len, "%s%s", r->path, buf);
			}
			md_code(out, place ? place : r->path);
			if (place != r->path)
				free(place);
		}
		if (code && r->text && *r->text) {
			fputs(": ", out);
			md_code(out, r->text);
		} else if (!code && r->effect) {
			fputs(" (", out);
			md_text(out, ml_report_effect_words(r->effect));
			fputc(')', out);
		}
		fputc('\n', out);
	}
	if (d->n_references > MD_REFERENCES_MAX)
		fprintf(out, "- ... and %zu more (the JSON and SARIF reports list them all)\n",
			d->n_references - MD_REFERENCES_MAX);
}

static const char *md_icon(ml_severity s)
{
	return s == ML_SEVERITY_ERROR ? ":x:" : s == ML_SEVERITY_WARNING ? ":warning:" : ":information_source:";
}

/* Writes one finding; with file_header, the heading of its file first
 * (file_findings is how many findings the file has). */
static void md_finding(FILE *out, const md_state *st, const ml_diagnostic *d, bool file_header,
		       size_t file_findings)
{
	if (file_header) {
		bool relative;
		char *path = ml_report_path(d->path, st->cwd, &relative);
		fputs("\n#### ", out);
		md_code(out, path ? path : d->path);
		fprintf(out, " (%zu finding%s)\n", file_findings, plural((long)file_findings, "", "s"));
		free(path);
	}
	if (st->doc_base)
		fprintf(out, "\n%s **%s** [`%s`](%s%s.md) · ", md_icon(d->severity), ml_severity_name(d->severity),
			d->rule, st->doc_base, d->rule);
	else
		fprintf(out, "\n%s **%s** `%s` · ", md_icon(d->severity), ml_severity_name(d->severity), d->rule);
	if (d->end_line > d->line)
		fprintf(out, "lines %d-%d\n\n", d->line, d->end_line);
	else
		fprintf(out, "line %d\n\n", d->line);
	md_text(out, d->message);
	fputc('\n', out);
	if (d->excerpt && *d->excerpt)
		md_excerpt(out, d);
	md_references(out, d);
	if (d->n_locks) {
		fputs("\n**Lock:** ", out);
		for (size_t i = 0; i < d->n_locks; i++) {
			fprintf(out, "%s%s on ", i ? ", " : "", d->locks[i].mode);
			md_code(out, d->locks[i].table);
		}
		if (d->rewrite == 1 && d->scan == 1)
			fputs(" · rewrites and scans the table", out);
		else if (d->rewrite == 1)
			fputs(" · rewrites the table", out);
		else if (d->scan == 1)
			fputs(" · scans the whole table", out);
		else
			fputs(" · no rewrite, no full scan", out);
		fputc('\n', out);
	}
	if (d->help) {
		fputs("\n**Safe recipe:** ", out);
		md_text(out, d->help);
		fputc('\n', out);
	}
}

/* Bytes md_finding writes, or MD_BUDGET + 1 when memory runs out to
 * measure it (st then says so). */
static size_t md_finding_size(md_state *st, const ml_diagnostic *d, bool file_header, size_t file_findings)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&buf, &size);
	if (!mem) {
		st->out_of_memory = true;
		return MD_BUDGET + 1;
	}
	md_finding(mem, st, d, file_header, file_findings);
	if (fclose(mem) != 0) {
		st->out_of_memory = true;
		size = MD_BUDGET + 1;
	}
	free(buf);
	return size;
}

/* Fills st's file_first and file_count for the n sorted findings d, in one
 * pass, so that nothing is counted again per finding: the comment costs
 * time in proportion to the findings, however many one file has. Returns
 * false when memory runs out. */
static bool md_index_files(md_state *st, const ml_diagnostic *d, size_t n)
{
	st->file_first = malloc(2 * n * sizeof(size_t));
	if (!st->file_first)
		return false;
	st->file_count = st->file_first + n;
	size_t first = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && strcmp(d[i].path, d[i - 1].path)) {
			st->file_count[first] = i - first;
			first = i;
		}
		st->file_first[i] = first;
	}
	st->file_count[first] = n - first;
	return true;
}

static void md_header(FILE *out, ml_report_ctx *rc, size_t shown)
{
	ml_report_totals t = ml_report_count(rc->run);
	size_t n = rc->count;
	const ml_diagnostic *d = rc->diagnostics;
	int files_with_findings = 0;
	for (size_t i = 0; i < n; i++)
		if (!i || strcmp(d[i].path, d[i - 1].path))
			files_with_findings++;
	fputs("<!-- migralint report -->\n", out);
	if (!n)
		fputs("### migralint: no findings\n", out);
	else
		fprintf(out, "### migralint: %d error%s, %d warning%s, %d info%s in %d file%s\n", t.errors,
			plural(t.errors, "", "s"), t.warnings, plural(t.warnings, "", "s"), t.infos,
			plural(t.infos, "", "s"), files_with_findings, plural(files_with_findings, "", "s"));
	fprintf(out, "\n%d file%s and %d statement%s checked.", t.files, plural(t.files, "", "s"), t.statements,
		plural(t.statements, "", "s"));
	int input_errors = rc->run->input_errors;
	if (input_errors)
		fprintf(out, " **%d input%s could not be read** and %s not checked; the job log names %s.", input_errors,
			plural(input_errors, "", "s"), plural(input_errors, "was", "were"),
			plural(input_errors, "it", "them"));
	if (t.suppressed)
		fprintf(out, " %d finding%s silenced by ignore comments %s not shown (the JSON and SARIF reports list "
			"them with their reasons).",
			t.suppressed, plural(t.suppressed, "", "s"), plural(t.suppressed, "is", "are"));
	fputc('\n', out);
	if (shown < n)
		fprintf(out, "\nThe first %zu finding%s %s shown; %zu more %s counted at the end.\n", shown,
			plural((long)shown, "", "s"), plural((long)shown, "is", "are"), n - shown,
			plural((long)(n - shown), "is", "are"));
}

/* The state when memory runs out: a header and counts, no findings. */
static md_state md_fallback;

static void md_begin(ml_report_ctx *rc)
{
	md_state *st = calloc(1, sizeof(*st));
	if (!st) {
		md_fallback.doc_base = ml_report_doc_base(rc->run);
		md_fallback.shown = 0;
		st = &md_fallback;
	} else {
		st->cwd = ml_current_dir();
		st->doc_base = ml_report_doc_base(rc->run);
	}
	rc->state = st;
	size_t n = rc->count;
	const ml_diagnostic *d = rc->diagnostics;

	/* The header with the longest truncation note it can have. */
	char *buf = NULL;
	size_t header = MD_BUDGET;
	FILE *mem = open_memstream(&buf, &header);
	if (mem) {
		md_header(mem, rc, 0);
		if (fclose(mem) != 0)
			header = MD_BUDGET;
		free(buf);
	}
	size_t used = header + 40 + MD_CLOSING_RESERVE;
	if (st != &md_fallback && n && md_index_files(st, d, n))
		st->show = calloc(n, sizeof(bool));
	if (n && !st->show)
		rc->out_of_memory = true; /* no finding is shown; all are counted */
	if (st->show) {
		/* Errors first, then warnings, then infos: what is left out is
		 * the least severe. A file's header is paid for once. */
		bool *file_paid = calloc(n, sizeof(bool));
		for (int tier = ML_SEVERITY_ERROR; tier >= ML_SEVERITY_INFO && file_paid; tier--) {
			for (size_t i = 0; i < n; i++) {
				if ((int)d[i].severity != tier)
					continue;
				size_t first = st->file_first[i];
				size_t size = md_finding_size(st, &d[i], !file_paid[first], st->file_count[first]);
				if (used + size > MD_BUDGET)
					continue;
				used += size;
				st->show[i] = true;
				file_paid[first] = true;
				st->shown++;
			}
		}
		if (!file_paid)
			rc->out_of_memory = true;
		free(file_paid);
	}
	md_header(rc->out, rc, st->shown);
}

static void md_diagnostic(ml_report_ctx *rc, const ml_diagnostic *d)
{
	md_state *st = rc->state;
	if (!st->show || !st->show[rc->index])
		return;
	bool first = !st->last_path || strcmp(st->last_path, d->path);
	st->last_path = d->path;
	md_finding(rc->out, st, d, first, first ? st->file_count[st->file_first[rc->index]] : 0);
}

static void md_end(ml_report_ctx *rc)
{
	md_state *st = rc->state;
	FILE *out = rc->out;
	size_t n = rc->count;
	const ml_diagnostic *d = rc->diagnostics;
	if (st->shown < n) {
		int counts[3] = { 0 };
		int files = 0;
		bool partly = false;
		/* One pass, file by file: a file counts once, whether or not
		 * some of it was shown. */
		for (size_t start = 0, end; start < n; start = end) {
			size_t left = 0;
			for (end = start; end < n && (end == start || !strcmp(d[end].path, d[start].path)); end++) {
				if (st->show && st->show[end])
					continue;
				left++;
				counts[d[end].severity <= ML_SEVERITY_ERROR ? d[end].severity : ML_SEVERITY_ERROR]++;
			}
			if (left) {
				files++;
				if (left < end - start)
					partly = true;
			}
		}
		size_t left = n - st->shown;
		int e = counts[ML_SEVERITY_ERROR], w = counts[ML_SEVERITY_WARNING], in = counts[ML_SEVERITY_INFO];
		fputs("\n#### Not shown\n\n", out);
		fprintf(out,
			"%zu finding%s %s left out to keep this comment under GitHub's size limit (%d error%s, %d "
			"warning%s, %d info%s), in %d file%s",
			left, plural((long)left, "", "s"), plural((long)left, "was", "were"), e, plural(e, "", "s"), w,
			plural(w, "", "s"), in, plural(in, "", "s"), files, plural(files, "", "s"));
		if (partly)
			fputs(files == 1 ? " (partly shown above)" : " (some partly shown above)", out);
		fputs(". The full report is in the CI job's artifacts: `migralint --format sarif` (code scanning) or "
		      "`--format json`.\n",
		      out);
	}
	if (st->doc_base)
		fprintf(out, "\n<sub>migralint " MIGRALINT_VERSION " · [rules](%s)</sub>\n", st->doc_base);
	else
		fputs("\n<sub>migralint " MIGRALINT_VERSION " · `migralint --explain RULE` shows a rule's page</sub>\n", out);
	if (st->out_of_memory)
		rc->out_of_memory = true;
	if (st != &md_fallback) {
		free(st->cwd);
		free(st->show);
		free(st->file_first);
		free(st);
	}
	rc->state = NULL;
}

const ml_report_format ml_report_markdown = { "markdown", ML_FORMAT_MARKDOWN, md_begin, md_diagnostic, md_end,
					      false };
