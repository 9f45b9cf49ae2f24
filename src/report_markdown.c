/*
 * report_markdown.c - the pull-request comment a review bot posts
 * (--format markdown): a header with the counts by severity (and of the
 * findings ignore comments silenced, which are not shown), then per file
 * each finding with its rule (linked to its doc page), line, message, SQL
 * excerpt, the lock it takes and the safe recipe.
 *
 * GitHub rejects a comment over 65,536 characters, so the report keeps to a
 * budget of 60,000 bytes (a byte is never fewer characters): begin picks
 * the findings that fit, errors first, then warnings, then infos (each in
 * path and line order), and the comment shows them in path and line order;
 * the ones left out are summarised at the end with their counts by severity
 * and the number of files they are in. The same input always gives the same
 * comment.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define MD_BUDGET 60000           /* bytes the whole comment may take */
#define MD_CLOSING_RESERVE 1500   /* kept for the closing sections, whose text is bounded */
#define MD_EXCERPT_MAX 1200       /* bytes of SQL shown per finding */

typedef struct md_state {
	char *cwd;                /* current directory, or NULL */
	const char *doc_base;     /* base URL of the rule pages */
	size_t shown;             /* findings that fit */
	bool *show;               /* per finding: shown in the comment; NULL: none */
	const char *last_path;    /* path of the last finding written, for file headers */
} md_state;

static const char *plural(long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static bool is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (unsigned char)c >= 0x80;
}

/* Writes len bytes of s with every invalid UTF-8 byte as U+FFFD. When
 * escape is set, s is a paragraph of plain text: line breaks become spaces
 * and the characters Markdown would read as markup are backslash-escaped
 * ('_' only at a word boundary, where it could start emphasis; '>', '#',
 * '-', '+' and "1." only at the start, where they begin a block). */
static void md_text_n(FILE *out, const char *s, size_t len, bool escape)
{
	const char *begin = s;
	while (len) {
		size_t valid = ml_utf8_first_invalid(s, len);
		for (size_t i = 0; i < valid; i++) {
			char c = s[i];
			bool first = s + i == begin;
			if (escape && (c == '\n' || c == '\r')) {
				c = ' ';
			} else if (escape) {
				bool markup = strchr("\\`*[]<|~&", c) != NULL;
				/* s + i - 1 may lie in an earlier run (before an
				 * invalid byte): index from the character's own place. */
				const char *at = s + i;
				if (c == '_')
					markup = first || !is_word_char(at[-1]) || i + 1 >= len || !is_word_char(at[1]);
				if (first && strchr(">#-+=", c))
					markup = true;
				if ((c == '.' || c == ')') && i > 0) {
					/* "12." at the start would begin an ordered list */
					size_t k = 0;
					while (k < i && s[k] >= '0' && s[k] <= '9')
						k++;
					markup = k == i && s == begin;
				}
				if (markup)
					fputc('\\', out);
			}
			fputc(c, out);
		}
		s += valid;
		len -= valid;
		if (len) {
			fputs("\xEF\xBF\xBD", out);
			s++;
			len--;
		}
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
	for (const char *p = s; *p;) {
		size_t n = strcspn(p, "\r\n");
		md_text_n(out, p, n, false);
		p += n;
		if (*p) {
			fputc(' ', out);
			p++;
		}
	}
	if (pad)
		fputc(' ', out);
	for (size_t i = 0; i < fence; i++)
		fputc('`', out);
}

/* Writes d's excerpt as a ```sql block, carriage returns dropped and cut
 * after MD_EXCERPT_MAX bytes (at a line or character boundary), with a note
 * when lines of the finding are missing. */
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
	for (size_t i = 0; i < len;) {
		size_t j = i;
		while (j < len && excerpt[j] != '\r')
			j++;
		md_text_n(out, excerpt + i, j - i, false);
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
	fprintf(out, "\n%s **%s** [`%s`](%s%s.md) · ", md_icon(d->severity), ml_severity_name(d->severity), d->rule,
		st->doc_base, d->rule);
	if (d->end_line > d->line)
		fprintf(out, "lines %d-%d\n\n", d->line, d->end_line);
	else
		fprintf(out, "line %d\n\n", d->line);
	md_text(out, d->message);
	fputc('\n', out);
	if (d->excerpt && *d->excerpt)
		md_excerpt(out, d);
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

/* Bytes md_finding writes, or MD_BUDGET + 1 when it cannot be measured. */
static size_t md_finding_size(const md_state *st, const ml_diagnostic *d, bool file_header, size_t file_findings)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&buf, &size);
	if (!mem)
		return MD_BUDGET + 1;
	md_finding(mem, st, d, file_header, file_findings);
	if (fclose(mem) != 0)
		size = MD_BUDGET + 1;
	free(buf);
	return size;
}

/* Findings from index i on that share d[i]'s path. */
static size_t md_file_findings(const ml_diagnostic *d, size_t n, size_t i)
{
	size_t j = i;
	while (j < n && !strcmp(d[j].path, d[i].path))
		j++;
	return j - i;
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
	if (st != &md_fallback && n)
		st->show = calloc(n, sizeof(bool));
	if (st->show) {
		/* Errors first, then warnings, then infos: what is left out is
		 * the least severe. A file's header is paid for once. */
		bool *file_paid = calloc(n, sizeof(bool));
		for (int tier = ML_SEVERITY_ERROR; tier >= ML_SEVERITY_INFO && file_paid; tier--) {
			size_t file_start = 0;
			for (size_t i = 0; i < n; i++) {
				if (!i || strcmp(d[i].path, d[i - 1].path))
					file_start = i;
				if ((int)d[i].severity != tier)
					continue;
				bool header_needed = !file_paid[file_start];
				size_t size = md_finding_size(st, &d[i], header_needed,
							      md_file_findings(d, n, file_start));
				if (used + size > MD_BUDGET)
					continue;
				used += size;
				st->show[i] = true;
				file_paid[file_start] = true;
				st->shown++;
			}
		}
		free(file_paid);
	}
	md_header(rc->out, rc, st->shown);
}

static void md_diagnostic(ml_report_ctx *rc, const ml_diagnostic *d)
{
	md_state *st = rc->state;
	if (!st->show || !st->show[rc->index])
		return;
	size_t n = rc->count;
	const ml_diagnostic *all = rc->diagnostics;
	size_t i = rc->index, file_start = i;
	while (file_start > 0 && !strcmp(all[file_start - 1].path, d->path))
		file_start--;
	bool first = !st->last_path || strcmp(st->last_path, d->path);
	st->last_path = d->path;
	md_finding(rc->out, st, d, first, first ? md_file_findings(all, n, file_start) : 0);
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
		for (size_t i = 0; i < n; i++) {
			if (st->show && st->show[i])
				continue;
			counts[d[i].severity <= ML_SEVERITY_ERROR ? d[i].severity : ML_SEVERITY_ERROR]++;
			/* a file counts once, whether or not some of it was shown */
			size_t file_start = i;
			while (file_start > 0 && !strcmp(d[file_start - 1].path, d[i].path))
				file_start--;
			bool first_left_out = true;
			bool any_shown = false;
			for (size_t k = file_start; k < n && !strcmp(d[k].path, d[i].path); k++) {
				if (k < i && !(st->show && st->show[k]))
					first_left_out = false;
				if (st->show && st->show[k])
					any_shown = true;
			}
			if (first_left_out) {
				files++;
				if (any_shown)
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
	fprintf(out, "\n<sub>[migralint](" ML_PROJECT_URL ") " MIGRALINT_VERSION " · [rules](%s)</sub>\n",
		st->doc_base);
	if (st != &md_fallback) {
		free(st->cwd);
		free(st->show);
		free(st);
	}
	rc->state = NULL;
}

const ml_report_format ml_report_markdown = { "markdown", ML_FORMAT_MARKDOWN, md_begin, md_diagnostic, md_end,
					      false };
