/*
 * report.c - writes a run's findings. Every format implements the same three
 * hooks (begin, one diagnostic, end) over the sorted diagnostics, so adding a
 * format never touches the engine. stdout carries only the report.
 */
#include <string.h>

#include "engine.h"

typedef struct report_ctx {
	FILE *out;
	ml_run *run;
	bool color;
	size_t index;             /* diagnostics written so far */
} report_ctx;

typedef struct report_format {
	void (*begin)(report_ctx *rc);
	void (*diagnostic)(report_ctx *rc, const ml_diagnostic *d);
	void (*end)(report_ctx *rc);
} report_format;

struct totals {
	int files, statements, errors, warnings, infos;
};

static struct totals count_totals(ml_run *run)
{
	struct totals t = { 0 };
	size_t n;
	const ml_file_summary *files = ml_run_files(run, &n);
	t.files = (int)n;
	for (size_t i = 0; i < n; i++)
		t.statements += files[i].statements;
	const ml_diagnostic *d = ml_run_diagnostics(run, &n);
	for (size_t i = 0; i < n; i++) {
		if (d[i].severity == ML_SEVERITY_ERROR)
			t.errors++;
		else if (d[i].severity == ML_SEVERITY_WARNING)
			t.warnings++;
		else
			t.infos++;
	}
	return t;
}

static int lock_rank(const char *mode)
{
	for (int m = ML_LOCK_ACCESS_EXCLUSIVE; m > ML_LOCK_NONE; m--)
		if (!strcmp(ml_lock_mode_name((ml_lock_mode)m), mode))
			return m;
	return 0;
}

/* ---- text ---------------------------------------------------------------- */

#define BOLD "\033[1m"
#define RESET "\033[0m"

static const char *severity_color(ml_severity s)
{
	return s == ML_SEVERITY_ERROR ? "\033[1;31m" : s == ML_SEVERITY_WARNING ? "\033[1;33m" : "\033[1;36m";
}

static void text_begin(report_ctx *rc)
{
	(void)rc;
}

/* Prints the excerpt with line numbers and a caret line under the first
 * line, from the column to the end of the finding on that line. */
static void text_excerpt(report_ctx *rc, const ml_diagnostic *d)
{
	if (!d->excerpt)
		return;
	int width = snprintf(NULL, 0, "%d", d->end_line > d->line ? d->end_line : d->line);
	const char *p = d->excerpt;
	int line = d->line;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len && p[len - 1] == '\r')
			len--;
		fprintf(rc->out, " %*d | %.*s\n", width, line, (int)len, p);
		if (line == d->line) {
			fprintf(rc->out, " %*s | ", width, "");
			int col = 1;
			const char *q = p;
			/* Keep tabs so the caret lines up with the text above. */
			while (col < d->column && q < p + len) {
				if (((unsigned char)*q & 0xC0) != 0x80) {
					fputc(*q == '\t' ? '\t' : ' ', rc->out);
					col++;
				}
				q++;
			}
			int chars = 0;
			for (const char *r = q; r < p + len; r++)
				if (((unsigned char)*r & 0xC0) != 0x80)
					chars++;
			int carets = d->end_line == d->line ? d->end_column - d->column : chars;
			if (carets > chars)
				carets = chars;
			if (carets < 1)
				carets = 1;
			if (rc->color)
				fputs(severity_color(d->severity), rc->out);
			for (int i = 0; i < carets; i++)
				fputc('^', rc->out);
			if (rc->color)
				fputs(RESET, rc->out);
			fputc('\n', rc->out);
		}
		line++;
		if (!nl)
			break;
		p = nl + 1;
	}
}

static void text_diagnostic(report_ctx *rc, const ml_diagnostic *d)
{
	const char *sev = ml_severity_name(d->severity);
	if (rc->color)
		fprintf(rc->out, BOLD "%s:%d:%d:" RESET " %s%s" RESET "[" BOLD "%s" RESET "]: %s\n", d->path, d->line,
			d->column, severity_color(d->severity), sev, d->rule, d->message);
	else
		fprintf(rc->out, "%s:%d:%d: %s[%s]: %s\n", d->path, d->line, d->column, sev, d->rule, d->message);
	text_excerpt(rc, d);
	if (d->help)
		fprintf(rc->out, "  %shelp%s: %s\n", rc->color ? BOLD : "", rc->color ? RESET : "", d->help);
	fputc('\n', rc->out);
}

static void text_end(report_ctx *rc)
{
	struct totals t = count_totals(rc->run);
	fprintf(rc->out, "%d file%s, %d statement%s: %d error%s, %d warning%s, %d info%s\n", t.files,
		t.files == 1 ? "" : "s", t.statements, t.statements == 1 ? "" : "s", t.errors,
		t.errors == 1 ? "" : "s", t.warnings, t.warnings == 1 ? "" : "s", t.infos, t.infos == 1 ? "" : "s");
}

/* ---- json ---------------------------------------------------------------- */

/* Writes s as a JSON string. Bytes that are not valid UTF-8 become U+FFFD so
 * the output always parses. */
static void json_string(FILE *out, const char *s)
{
	if (!s) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			fputc('\\', out);
			fputc(c, out);
			i++;
		} else if (c < 0x20) {
			switch (c) {
			case '\n': fputs("\\n", out); break;
			case '\r': fputs("\\r", out); break;
			case '\t': fputs("\\t", out); break;
			default: fprintf(out, "\\u%04x", c); break;
			}
			i++;
		} else if (c < 0x80) {
			fputc(c, out);
			i++;
		} else {
			size_t valid = ml_utf8_first_invalid(s + i, len - i);
			if (valid == 0) {
				fputs("\\ufffd", out);
				i++;
			} else {
				/* copy the valid run up to the next ASCII or invalid byte */
				size_t run = 0;
				while (run < valid && ((unsigned char)s[i + run] >= 0x80))
					run++;
				if (run == 0)
					run = 1;
				fwrite(s + i, 1, run, out);
				i += run;
			}
		}
	}
	fputc('"', out);
}

static void json_begin(report_ctx *rc)
{
	fprintf(rc->out, "{\"version\":1,\"tool\":{\"name\":\"migralint\",\"version\":\"%s\"},\"files\":[",
		MIGRALINT_VERSION);
	size_t n;
	const ml_file_summary *files = ml_run_files(rc->run, &n);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",{\"path\":" : "{\"path\":", rc->out);
		json_string(rc->out, files[i].path);
		fprintf(rc->out, ",\"statements\":%d,\"syntax_errors\":%d}", files[i].statements,
			files[i].syntax_errors);
	}
	fputs("],\"diagnostics\":[", rc->out);
}

static void json_diagnostic(report_ctx *rc, const ml_diagnostic *d)
{
	fputs(rc->index ? ",\n{\"rule\":" : "\n{\"rule\":", rc->out);
	json_string(rc->out, d->rule);
	fprintf(rc->out, ",\"severity\":\"%s\",\"path\":", ml_severity_name(d->severity));
	json_string(rc->out, d->path);
	fprintf(rc->out, ",\"line\":%d,\"column\":%d,\"end_line\":%d,\"end_column\":%d,\"message\":", d->line,
		d->column, d->end_line, d->end_column);
	json_string(rc->out, d->message);
	fputs(",\"help\":", rc->out);
	json_string(rc->out, d->help);
	if (d->n_locks) {
		/* the strongest mode first: what the statement waits for */
		const char *strongest = d->locks[0].mode;
		for (size_t i = 1; i < d->n_locks; i++)
			if (lock_rank(d->locks[i].mode) > lock_rank(strongest))
				strongest = d->locks[i].mode;
		fprintf(rc->out, ",\"lock\":{\"mode\":\"%s\",\"tables\":[", strongest);
		for (size_t i = 0; i < d->n_locks; i++) {
			fputs(i ? ",{\"table\":" : "{\"table\":", rc->out);
			json_string(rc->out, d->locks[i].table);
			fprintf(rc->out, ",\"mode\":\"%s\"}", d->locks[i].mode);
		}
		fprintf(rc->out, "]},\"rewrite\":%s,\"scan\":%s", d->rewrite ? "true" : "false",
			d->scan ? "true" : "false");
	}
	fputc('}', rc->out);
}

static const char *tx_name(ml_tx_state tx)
{
	static const char *const NAMES[] = { "none", "explicit", "assumed", "implicit" };
	return tx <= ML_TX_IMPLICIT ? NAMES[tx] : "none";
}

static const char *body_name(ml_body_kind body)
{
	static const char *const NAMES[] = { "top", "do", "procedure", "function" };
	return body <= ML_BODY_FUNCTION ? NAMES[body] : "top";
}

static void json_locks(FILE *out, const ml_lock *locks, size_t n, bool with_line)
{
	fputc('[', out);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",{\"table\":" : "{\"table\":", out);
		json_string(out, locks[i].table);
		fprintf(out, ",\"mode\":\"%s\"", ml_lock_mode_name(locks[i].mode));
		if (with_line)
			fprintf(out, ",\"line\":%d", locks[i].line);
		fputc('}', out);
	}
	fputc(']', out);
}

static void json_statements(report_ctx *rc)
{
	ml_run *run = rc->run;
	fputs(",\"statements\":[", rc->out);
	for (size_t i = 0; i < run->statements.len; i++) {
		const ml_statement_record *r = run->statements.items[i];
		fputs(i ? ",\n{\"path\":" : "\n{\"path\":", rc->out);
		json_string(rc->out, r->path);
		fprintf(rc->out, ",\"line\":%d,\"column\":%d,\"kind\":", r->line, r->column);
		json_string(rc->out, r->kind);
		fputs(",\"locks\":", rc->out);
		json_locks(rc->out, r->locks, r->n_locks, false);
		fprintf(rc->out, ",\"rewrite\":%s,\"scan\":%s,\"transaction\":\"%s\",\"body\":\"%s\",\"held\":",
			r->rewrite ? "true" : "false", r->scan ? "true" : "false", tx_name(r->tx), body_name(r->body));
		json_locks(rc->out, r->held, r->n_held, true);
		fputc('}', rc->out);
	}
	fputc(']', rc->out);
}

static void json_end(report_ctx *rc)
{
	struct totals t = count_totals(rc->run);
	fputc(']', rc->out);
	if (rc->run->options.record_statements)
		json_statements(rc);
	fprintf(rc->out,
		",\"summary\":{\"files\":%d,\"statements\":%d,\"errors\":%d,\"warnings\":%d,\"infos\":%d,"
		"\"input_errors\":%d}}\n",
		t.files, t.statements, t.errors, t.warnings, t.infos, rc->run->input_errors);
}

/* ---- locks: the lock timeline, one line per statement -------------------- */

static void locks_list(FILE *out, const ml_lock *locks, size_t n, bool with_line)
{
	if (!n) {
		fputs("-", out);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s%s %s", i ? ", " : "", locks[i].table, ml_lock_mode_name(locks[i].mode));
		if (with_line)
			fprintf(out, " (line %d)", locks[i].line);
	}
}

static void locks_begin(report_ctx *rc)
{
	ml_run *run = rc->run;
	for (size_t i = 0; i < run->statements.len; i++) {
		const ml_statement_record *r = run->statements.items[i];
		fprintf(rc->out, "%s:%d:%d: %s%s | locks: ", r->path, r->line, r->column, r->kind,
			r->body == ML_BODY_TOP ? "" : r->body == ML_BODY_DO ? " [in DO]" : " [in a routine body, not run now]");
		locks_list(rc->out, r->locks, r->n_locks, false);
		fprintf(rc->out, " | rewrite: %s | scan: %s | transaction: %s | held: ", r->rewrite ? "yes" : "no",
			r->scan ? "yes" : "no", tx_name(r->tx));
		locks_list(rc->out, r->held, r->n_held, true);
		fputc('\n', rc->out);
	}
}

/* The timeline lists statements, not findings. */
static void locks_diagnostic(report_ctx *rc, const ml_diagnostic *d)
{
	(void)rc;
	(void)d;
}

static void locks_end(report_ctx *rc)
{
	fprintf(rc->out, "%zu statement%s\n", rc->run->statements.len, rc->run->statements.len == 1 ? "" : "s");
}

static const report_format FORMATS[] = {
	[ML_FORMAT_TEXT] = { text_begin, text_diagnostic, text_end },
	[ML_FORMAT_JSON] = { json_begin, json_diagnostic, json_end },
	[ML_FORMAT_LOCKS] = { locks_begin, locks_diagnostic, locks_end },
};

int ml_run_write_report(ml_run *run, ml_format format, FILE *out, bool color)
{
	if ((size_t)format >= sizeof(FORMATS) / sizeof(FORMATS[0]))
		return -1;
	const report_format *f = &FORMATS[format];
	report_ctx rc = { .out = out, .run = run, .color = color };
	size_t n;
	const ml_diagnostic *d = ml_run_diagnostics(run, &n);
	f->begin(&rc);
	for (size_t i = 0; i < n; i++, rc.index++)
		f->diagnostic(&rc, &d[i]);
	f->end(&rc);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
