/*
 * report_json.c - the JSON report (docs/json-output.md, checked against
 * docs/json-output.schema.json): files, sorted diagnostics with the lock
 * their statement takes (a finding an ignore comment silenced is listed with
 * that comment as "suppressed"; what still uses what a statement drops, as
 * "references"), the statement timeline with --statements,
 * and a summary. Written as a stream, one diagnostic per line.
 */
#include <string.h>

#include "engine.h"
#include "facts.h"
#include "lock_table.h"
#include "migralint/migralint.h"
#include "report.h"

/* ,"tool":...,"direction":...,"version":... of a file or a finding (tool
 * NULL: not written). */
static void json_migration(FILE *out, const char *tool, const char *direction, const char *version)
{
	if (tool) {
		fputs(",\"tool\":", out);
		ml_json_string(out, tool);
	}
	fputs(",\"direction\":", out);
	ml_json_string(out, direction ? direction : "up");
	fputs(",\"version\":", out);
	ml_json_string(out, version);
}

static void json_begin(ml_report_ctx *rc)
{
	fprintf(rc->out, "{\"version\":1,\"tool\":{\"name\":\"migralint\",\"version\":\"%s\"},\"files\":[",
		MIGRALINT_VERSION);
	size_t n;
	const ml_file_summary *files = ml_run_files(rc->run, &n);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",{\"path\":" : "{\"path\":", rc->out);
		ml_json_string(rc->out, files[i].path);
		fprintf(rc->out, ",\"statements\":%d,\"syntax_errors\":%d", files[i].statements,
			files[i].syntax_errors);
		json_migration(rc->out, files[i].tool, files[i].direction, files[i].version);
		if (files[i].skipped) {
			fputs(",\"skipped\":", rc->out);
			ml_json_string(rc->out, files[i].skipped);
		}
		if (files[i].note) {
			fputs(",\"note\":", rc->out);
			ml_json_string(rc->out, files[i].note);
		}
		fputc('}', rc->out);
	}
	fputs("],\"diagnostics\":[", rc->out);
}

/* "line":...,"replacement":"..." of one edit of a fix. */
static void json_edit(FILE *out, const ml_edit *e)
{
	fprintf(out, "\"line\":%d,\"column\":%d,\"end_line\":%d,\"end_column\":%d,\"replacement\":", e->line,
		e->column, e->end_line, e->end_column);
	ml_json_string(out, e->replacement);
}

static void json_diagnostic(ml_report_ctx *rc, const ml_diagnostic *d)
{
	fputs(rc->index ? ",\n{\"rule\":" : "\n{\"rule\":", rc->out);
	ml_json_string(rc->out, d->rule);
	fprintf(rc->out, ",\"severity\":\"%s\",\"path\":", ml_severity_name(d->severity));
	ml_json_string(rc->out, d->path);
	fprintf(rc->out, ",\"line\":%d,\"column\":%d,\"end_line\":%d,\"end_column\":%d,\"message\":", d->line,
		d->column, d->end_line, d->end_column);
	ml_json_string(rc->out, d->message);
	fputs(",\"help\":", rc->out);
	ml_json_string(rc->out, d->help);
	json_migration(rc->out, NULL, d->direction, d->version);
	if (d->n_locks) {
		/* the strongest mode first: what the statement waits for */
		const char *strongest = d->locks[0].mode;
		for (size_t i = 1; i < d->n_locks; i++)
			if (ml_lock_rank(d->locks[i].mode) > ml_lock_rank(strongest))
				strongest = d->locks[i].mode;
		fprintf(rc->out, ",\"lock\":{\"mode\":\"%s\",\"tables\":[", strongest);
		for (size_t i = 0; i < d->n_locks; i++) {
			fputs(i ? ",{\"table\":" : "{\"table\":", rc->out);
			ml_json_string(rc->out, d->locks[i].table);
			fprintf(rc->out, ",\"mode\":\"%s\"", d->locks[i].mode);
			/* Its size, when the run's --stats give it. */
			if (d->locks[i].rows >= 0)
				fprintf(rc->out, ",\"rows\":%lld", d->locks[i].rows);
			if (d->locks[i].bytes >= 0)
				fprintf(rc->out, ",\"bytes\":%lld", d->locks[i].bytes);
			fputc('}', rc->out);
		}
		fprintf(rc->out, "]},\"rewrite\":%s,\"scan\":%s", d->rewrite ? "true" : "false",
			d->scan ? "true" : "false");
	}
	if (d->fix) {
		fputs(",\"fix\":{\"description\":", rc->out);
		ml_json_string(rc->out, d->fix->description);
		/* One edit is given inline, as every fix has so far; several are
		 * listed under "edits". */
		if (d->fix->n_edits == 1) {
			fputc(',', rc->out);
			json_edit(rc->out, &d->fix->edits[0]);
		}
		else {
			fputs(",\"edits\":[", rc->out);
			for (size_t i = 0; i < d->fix->n_edits; i++) {
				fputs(i ? ",{" : "{", rc->out);
				json_edit(rc->out, &d->fix->edits[i]);
				fputc('}', rc->out);
			}
			fputc(']', rc->out);
		}
		fputc('}', rc->out);
	}
	if (d->n_references) {
		/* What still uses what the statement drops or changes. */
		fputs(",\"references\":[", rc->out);
		for (size_t i = 0; i < d->n_references; i++) {
			const ml_reference *r = &d->references[i];
			fputs(i ? ",{\"kind\":" : "{\"kind\":", rc->out);
			ml_json_string(rc->out, r->kind);
			fputs(",\"name\":", rc->out);
			ml_json_string(rc->out, r->name);
			fputs(",\"effect\":", rc->out);
			ml_json_string(rc->out, r->effect);
			fputs(",\"path\":", rc->out);
			ml_json_string(rc->out, r->path);
			if (r->line > 0)
				fprintf(rc->out, ",\"line\":%d,\"text\":", r->line);
			else
				fputs(",\"line\":null,\"text\":", rc->out);
			ml_json_string(rc->out, r->text);
			fputc('}', rc->out);
		}
		fputc(']', rc->out);
	}
	if (d->suppressed) {
		fputs(",\"suppressed\":{\"kind\":", rc->out);
		ml_json_string(rc->out, d->suppressed->kind);
		fputs(",\"reason\":", rc->out);
		ml_json_string(rc->out, d->suppressed->reason);
		fprintf(rc->out, ",\"line\":%d,\"column\":%d}", d->suppressed->line, d->suppressed->column);
	}
	fputc('}', rc->out);
}

static void json_locks(FILE *out, const ml_lock *locks, size_t n, bool with_line)
{
	fputc('[', out);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",{\"table\":" : "{\"table\":", out);
		ml_json_string(out, locks[i].table);
		fprintf(out, ",\"mode\":\"%s\"", ml_lock_mode_name(locks[i].mode));
		if (with_line)
			fprintf(out, ",\"line\":%d", locks[i].line);
		fputc('}', out);
	}
	fputc(']', out);
}

static void json_names(FILE *out, const char *const *names, size_t n)
{
	fputc('[', out);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? "," : "", out);
		ml_json_string(out, names[i]);
	}
	fputc(']', out);
}

/* What PostgreSQL did with a traced statement: "observed". */
static void json_observed(FILE *out, const ml_observation *o)
{
	fprintf(out, ",\"observed\":{\"status\":\"%s\"", ml_observed_status_name(o->status));
	if (o->status == ML_OBSERVED_NOT_RUN) {
		fputs(",\"reason\":", out);
		ml_json_string(out, o->not_run);
		fputc('}', out);
		return;
	}
	if (o->status == ML_OBSERVED_FAILED) {
		fputs(",\"error\":{\"message\":", out);
		ml_json_string(out, o->error);
		fputs(",\"sqlstate\":", out);
		ml_json_string(out, o->sqlstate);
		fputs(",\"detail\":", out);
		ml_json_string(out, o->error_detail);
		fputs(",\"hint\":", out);
		ml_json_string(out, o->error_hint);
		fputc('}', out);
	}
	fprintf(out, ",\"ms\":%.3f,\"skipped\":%s", o->ms, o->skipped ? "true" : "false");
	if (o->rows >= 0)
		fprintf(out, ",\"rows\":%lld", o->rows);
	else
		fputs(",\"rows\":null", out);
	if (o->locks_seen) {
		fputs(",\"locks\":[", out);
		for (size_t i = 0; i < o->n_locks; i++) {
			const ml_observed_lock *l = &o->locks[i];
			fputs(i ? ",{\"table\":" : "{\"table\":", out);
			ml_json_string(out, l->table);
			fputs(",\"mode\":", out);
			ml_json_string(out, l->mode);
			fprintf(out, ",\"taken\":%s,\"created\":%s,\"is_table\":%s", l->taken ? "true" : "false",
				l->created ? "true" : "false", l->is_table ? "true" : "false");
			if (l->parent) {
				fputs(",\"parent\":", out);
				ml_json_string(out, l->parent);
			}
			if (l->renamed_from) {
				fputs(",\"renamed_from\":", out);
				ml_json_string(out, l->renamed_from);
			}
			if (l->via_index) {
				fputs(",\"via_index\":", out);
				ml_json_string(out, l->via_index);
			}
			fputc('}', out);
		}
		fprintf(out, "],\"sampled\":%s", o->locks_sampled ? "true" : "false");
	} else {
		fputs(",\"locks\":null,\"sampled\":false", out);
	}
	if (o->tables_seen) {
		fputs(",\"rewritten\":", out);
		json_names(out, o->rewritten, o->n_rewritten);
		fputs(",\"scanned\":", out);
		json_names(out, o->scanned, o->n_scanned);
		fputs(",\"absent\":", out);
		json_names(out, o->absent, o->n_absent);
	} else {
		fputs(",\"rewritten\":null,\"scanned\":null,\"absent\":null", out);
	}
	fputc('}', out);
}

static void json_statements(ml_report_ctx *rc)
{
	ml_run *run = rc->run;
	fputs(",\"statements\":[", rc->out);
	for (size_t i = 0; i < run->statements.len; i++) {
		const ml_statement_record *r = run->statements.items[i];
		fputs(i ? ",\n{\"path\":" : "\n{\"path\":", rc->out);
		ml_json_string(rc->out, r->path);
		fprintf(rc->out, ",\"line\":%d,\"column\":%d,\"kind\":", r->line, r->column);
		ml_json_string(rc->out, r->kind);
		fputs(",\"locks\":", rc->out);
		json_locks(rc->out, r->locks, r->n_locks, false);
		fprintf(rc->out, ",\"rewrite\":%s,\"scan\":%s,\"transaction\":\"%s\",\"body\":\"%s\",\"held\":",
			r->rewrite ? "true" : "false", r->scan ? "true" : "false", ml_tx_name(r->tx), ml_body_name(r->body));
		json_locks(rc->out, r->held, r->n_held, true);
		if (r->observed)
			json_observed(rc->out, r->observed);
		fputc('}', rc->out);
	}
	fputc(']', rc->out);
}

static void json_end(ml_report_ctx *rc)
{
	ml_report_totals t = ml_report_count(rc->run);
	fputc(']', rc->out);
	if (rc->run->options.record_statements)
		json_statements(rc);
	fprintf(rc->out,
		",\"summary\":{\"files\":%d,\"statements\":%d,\"errors\":%d,\"warnings\":%d,\"infos\":%d,"
		"\"suppressed\":%d,\"input_errors\":%d}}\n",
		t.files, t.statements, t.errors, t.warnings, t.infos, t.suppressed, rc->run->input_errors);
}

const ml_report_format ml_report_json = { "json", ML_FORMAT_JSON, json_begin, json_diagnostic, json_end, true };
