/*
 * diagnostics.c - the edge of the engine: turns the findings and statement
 * records it appended to its output (byte spans) into the run's public
 * diagnostics and lock timeline, with lines and columns from the file's
 * line map, excerpts of the lines a finding spans, the positions of its fix
 * edits and names computed at run time described in words. Called after
 * each call into the engine, while the text is still there.
 */
#include <ctype.h>
#include <string.h>

#include "diagnostics.h"
#include "plpgsql.h"
#include "run.h"
#include "table_sizes.h"

/* Excerpts show at most this many lines of a statement, and of each line
 * at most this many bytes, then EXCERPT_CUT. */
#define EXCERPT_MAX_LINES 6
#define EXCERPT_MAX_LINE_BYTES 1000
#define EXCERPT_CUT " ..."
#define EXCERPT_MAX_BYTES (EXCERPT_MAX_LINES * (EXCERPT_MAX_LINE_BYTES + sizeof(EXCERPT_CUT)))

/* ---- names computed at run time ----------------------------------------- */

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$' || c == '.' || (unsigned char)c >= 0x80;
}

const char *ml_without_placeholder(ml_arena *arena, const char *text)
{
	if (!text || !strstr(text, ML_DYNAMIC_PLACEHOLDER))
		return text;
	size_t len = strlen(text), room = len + 1;
	/* Each replacement grows the text by at most this much. */
	size_t grow = sizeof(ML_DYNAMIC_NAME_TEXT) > sizeof(ML_DYNAMIC_PLACEHOLDER)
			      ? sizeof(ML_DYNAMIC_NAME_TEXT) - sizeof(ML_DYNAMIC_PLACEHOLDER)
			      : 0;
	for (const char *p = text; (p = strstr(p, ML_DYNAMIC_PLACEHOLDER)); p += sizeof(ML_DYNAMIC_PLACEHOLDER) - 1)
		room += grow;
	char *out = ml_arena_alloc(arena, room);
	size_t used = 0, at = 0;
	const char *hit;
	while ((hit = strstr(text + at, ML_DYNAMIC_PLACEHOLDER))) {
		size_t start = (size_t)(hit - text), end = start + sizeof(ML_DYNAMIC_PLACEHOLDER) - 1;
		/* The whole name around it, and its quotes when it has them. */
		while (start > at && is_name_char(text[start - 1]))
			start--;
		while (end < len && is_name_char(text[end]))
			end++;
		while (end > start && text[end - 1] == '.')
			end--; /* a full stop ending the sentence */
		if (start > at && end < len && (text[start - 1] == '"' || text[start - 1] == '\'') &&
		    text[end] == text[start - 1]) {
			start--;
			end++;
		}
		memcpy(out + used, text + at, start - at);
		used += start - at;
		memcpy(out + used, ML_DYNAMIC_NAME_TEXT, sizeof(ML_DYNAMIC_NAME_TEXT) - 1);
		used += sizeof(ML_DYNAMIC_NAME_TEXT) - 1;
		at = end;
	}
	memcpy(out + used, text + at, len - at);
	used += len - at;
	out[used] = '\0';
	return out;
}

/* ---- diagnostics --------------------------------------------------------- */

/* The public view of the comment s, for the findings it silences: made once,
 * in arena (the results' arena; the comment itself lives with the file). */
static const ml_suppression_info *suppression_info(ml_arena *arena, ml_suppression *s)
{
	if (!s->info) {
		ml_suppression_info *info = ml_arena_alloc(arena, sizeof(*info));
		info->kind = ml_suppression_kind(s);
		info->reason = s->reason && *s->reason ? ml_arena_strdup(arena, s->reason) : NULL;
		info->line = s->line;
		info->column = s->column;
		s->info = info;
	}
	return s->info;
}

static const char *excerpt_of(ml_arena *arena, const ml_edge_file *file, int line, int end_line)
{
	if (end_line - line + 1 > EXCERPT_MAX_LINES)
		end_line = line + EXCERPT_MAX_LINES - 1;
	size_t start = ml_line_map_line_start(file->map, line);
	size_t end = ml_line_map_line_end(file->map, end_line);
	if (end < start)
		end = start;
	/* Text already given back reads as zeros: no excerpt rather than a
	 * wrong one (the engine keeps what its findings can point at). */
	if (start < file->dropped)
		return NULL;
	/* Each line is cut at EXCERPT_MAX_LINE_BYTES (on a character
	 * boundary), so a 50 MB line does not come back in every report. */
	/* A line of up to EXCERPT_MAX_LINE_BYTES + 3 bytes gets longer when
	 * cut: room for a cut mark on every line. */
	size_t room = (end - start < EXCERPT_MAX_BYTES ? end - start : EXCERPT_MAX_BYTES) +
		      EXCERPT_MAX_LINES * (sizeof(EXCERPT_CUT) - 1) + 1;
	char *out = ml_arena_alloc(arena, room);
	size_t used = 0;
	/* Lines are joined with "\n" whatever their breaks were ("\r\n", a
	 * lone "\r"), so every report sees one kind of line. */
	for (int l = line; l <= end_line; l++) {
		size_t at = ml_line_map_line_start(file->map, l);
		size_t line_end = ml_line_map_line_end(file->map, l);
		size_t take = line_end - at;
		bool cut = take > EXCERPT_MAX_LINE_BYTES;
		if (cut) {
			take = EXCERPT_MAX_LINE_BYTES;
			while (take > 0 && ((unsigned char)file->map->text[at + take] & 0xC0) == 0x80)
				take--;
		}
		memcpy(out + used, file->map->text + at, take);
		used += take;
		if (cut) {
			memcpy(out + used, EXCERPT_CUT, sizeof(EXCERPT_CUT) - 1);
			used += sizeof(EXCERPT_CUT) - 1;
		}
		if (l < end_line)
			out[used++] = '\n';
	}
	out[used] = '\0';
	return out;
}

/* A name holding the placeholder described, in arena, when dynamic SQL may
 * have put one there; else text itself. */
static const char *described(ml_arena *arena, bool dynamic, const char *text)
{
	return dynamic ? ml_without_placeholder(arena, text) : text;
}

/* text in arena: described, or copied as it is. */
static const char *copy_described(ml_arena *arena, bool dynamic, const char *text)
{
	const char *out = described(arena, dynamic, text);
	return out == text ? ml_arena_strdup(arena, text) : out;
}

void ml_diagnostic_from_finding(ml_arena *arena, const ml_edge_file *file, const ml_engine_finding *e,
				ml_diagnostic *d)
{
	const ml_finding *f = &e->finding;
	const ml_rule *rule = f->rule;
	memset(d, 0, sizeof(*d));
	if (e->suppressed_by)
		d->suppressed = suppression_info(arena, e->suppressed_by);
	d->rule = rule->info.name;
	d->severity = e->severity;
	d->path = file->path;
	ml_line_map_position(file->map, f->start, &d->line, &d->column);
	ml_line_map_position(file->map, f->end, &d->end_line, &d->end_column);
	d->start = f->start;
	d->end = f->end;
	/* Names computed at run time are the placeholder inside the engine;
	 * only dynamic SQL makes them. */
	d->message = copy_described(arena, e->dynamic_names, f->message);
	/* A rule's own help is static: only a message-specific one is copied. */
	const char *help = described(arena, e->dynamic_names, f->help);
	d->help = !help || help == rule->info.help || help != f->help ? help : ml_arena_strdup(arena, help);
	d->excerpt = file->excerpts ? excerpt_of(arena, file, d->line, d->end_line) : NULL;
	d->rewrite = e->rewrite;
	d->scan = e->scan;
	if (e->n_locks) {
		ml_table_lock *locks = ml_arena_alloc(arena, e->n_locks * sizeof(*locks));
		for (size_t i = 0; i < e->n_locks; i++) {
			locks[i].table = copy_described(arena, e->dynamic_names, e->locks[i].table);
			locks[i].mode = ml_lock_mode_name(e->locks[i].mode);
			locks[i].rows = locks[i].bytes = -1;
		}
		d->locks = locks;
		d->n_locks = e->n_locks;
	}
	if (f->n_references) {
		ml_reference *refs = ml_arena_alloc(arena, f->n_references * sizeof(*refs));
		for (size_t k = 0; k < f->n_references; k++) {
			const ml_reference *r = &f->references[k];
			refs[k] = (ml_reference){ .kind = r->kind, .effect = r->effect, .line = r->line,
						  .name = copy_described(arena, e->dynamic_names, r->name),
						  /* A lock's statement is in this file. */
						  .path = ml_arena_strdup(arena, r->path ? r->path
								   : !strcmp(r->kind, "lock") ? file->path : NULL),
						  .text = ml_arena_strdup(arena, r->text) };
		}
		d->references = refs;
		d->n_references = f->n_references;
	}
	if (f->n_edits) {
		ml_fix *fix = ml_arena_alloc(arena, sizeof(*fix));
		ml_edit *edits = ml_arena_alloc(arena, f->n_edits * sizeof(*edits));
		for (size_t k = 0; k < f->n_edits; k++) {
			edits[k] = f->edits[k];
			ml_line_map_position(file->map, edits[k].start, &edits[k].line, &edits[k].column);
			ml_line_map_position(file->map, edits[k].end, &edits[k].end_line, &edits[k].end_column);
			edits[k].replacement = ml_arena_strdup(arena, f->edits[k].replacement);
		}
		fix->edits = edits;
		fix->n_edits = f->n_edits;
		fix->description = ml_arena_strdup(arena, f->fix_description);
		d->fix = fix;
	}
}

void ml_statement_record_copy(ml_arena *arena, ml_map *kinds, const ml_edge_file *file,
			      const ml_engine_record *rec, ml_statement_record *r)
{
	memset(r, 0, sizeof(*r));
	r->path = file->path;
	r->start = rec->start;
	r->end = rec->end;
	ml_line_map_position(file->map, rec->start, &r->line, &r->column);
	/* A few dozen kinds over every statement of a run. */
	r->kind = kinds ? ml_map_get(kinds, rec->kind) : NULL;
	if (!r->kind) {
		r->kind = ml_arena_strdup(arena, rec->kind);
		if (kinds)
			ml_map_put(arena, kinds, r->kind, (void *)r->kind);
	}
	r->n_locks = rec->n_locks;
	for (size_t i = 0; i < rec->n_locks; i++) {
		r->locks[i] = rec->locks[i];
		r->locks[i].table = copy_described(arena, rec->dynamic_names, rec->locks[i].table);
	}
	r->rewrite = rec->rewrite;
	r->scan = rec->scan;
	r->tx = rec->tx;
	r->body = rec->body;
	r->n_held = rec->n_held;
	r->held = ml_arena_alloc(arena, (rec->n_held + 1) * sizeof(ml_lock));
	for (size_t i = 0; i < rec->n_held; i++) {
		r->held[i] = rec->held[i];
		r->held[i].table = copy_described(arena, rec->dynamic_names, rec->held[i].table);
	}
	r->observed = ml_observation_copy(arena, rec->observed);
}

/* ---- table sizes --------------------------------------------------------- */

/* Did a reported migration of run make the table the statement names
 * table ("schema.name" or "name")? The --stats sizes are the database's
 * before them. */
static bool made_by_reported(const ml_run *run, const char *table)
{
	if (!run->n_reported)
		return false;
	const char *dot = strchr(table, '.');
	char schema[256] = "";
	if (dot && (size_t)(dot - table) < sizeof(schema))
		memcpy(schema, table, (size_t)(dot - table));
	const ml_table_state *t = ml_catalog_table(run->catalog, schema, dot ? dot + 1 : table);
	if (!t || !t->created_in_run)
		return false;
	/* The ranges are in order: the last one starting at or before it. */
	size_t lo = 0, hi = run->n_reported;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (run->reported[mid].first <= t->created_in_file)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && t->created_in_file <= run->reported[lo - 1].last;
}

/* Gives d's tables their sizes from the run's --stats, and, for a rule
 * whose findings scale with them, its severity from them (info when every
 * table is known small, error when one is known large) and its message
 * the sizes it knows: "... (orders: 48M rows, 12 GB)". A table made
 * earlier in the same file is empty and counts for nothing; one a
 * reported migration made earlier in the run is unknown. */
static void apply_table_sizes(ml_run *run, const ml_engine_finding *e, ml_diagnostic *d)
{
	const ml_options *o = &run->options;
	long long small = o->small_rows > 0 ? o->small_rows : ML_DEFAULT_SMALL_ROWS;
	long long large = o->large_rows > 0 ? o->large_rows : ML_DEFAULT_LARGE_ROWS;
	ml_table_lock *locks = (ml_table_lock *)d->locks; /* made just now, in the run's arena */
	bool all_small = true, any_large = false;
	ml_strbuf note = { .arena = run->arena };
	for (size_t i = 0; i < d->n_locks; i++) {
		const ml_lock *l = &e->locks[i];
		if (l->new_table)
			continue; /* made earlier in the file: empty, it adds no work */
		const ml_table_size *size = NULL;
		if (!(e->dynamic_names && strstr(l->table, ML_DYNAMIC_PLACEHOLDER)) && !made_by_reported(run, l->table))
			size = ml_table_sizes_find(o->table_sizes, l->table);
		if (!size) {
			all_small = false;
			continue;
		}
		locks[i].rows = size->rows;
		locks[i].bytes = size->bytes;
		all_small &= size->rows < small;
		any_large |= size->rows >= large;
		char words[64];
		ml_strbuf_str(&note, note.data ? "; " : " (");
		ml_strbuf_str(&note, locks[i].table);
		ml_strbuf_str(&note, ": ");
		ml_strbuf_str(&note, ml_table_size_describe(size, words, sizeof(words)));
	}
	if (!e->finding.rule->scales_with_table_size || !note.data)
		return;
	if (any_large)
		d->severity = ML_SEVERITY_ERROR;
	else if (all_small)
		d->severity = ML_SEVERITY_INFO;
	ml_strbuf_str(&note, ")");
	d->message = ml_arena_printf(run->arena, "%s%s", d->message, note.data);
}

void ml_run_take_output(ml_run *run, const ml_edge_file *file, ml_engine_output *out)
{
	if (file->discard) {
		ml_engine_output_clear(out);
		return;
	}
	for (size_t i = 0; i < out->n_findings; i++) {
		ml_diagnostic *d = ml_arena_alloc(run->arena, sizeof(*d));
		ml_diagnostic_from_finding(run->arena, file, &out->findings[i], d);
		d->direction = file->direction ? file->direction : "up";
		d->version = file->version;
		if (run->options.table_sizes && d->n_locks)
			apply_table_sizes(run, &out->findings[i], d);
		if (file->as_info && !out->findings[i].finding.rule->about_downs)
			d->severity = ML_SEVERITY_INFO;
		ml_ptr_vec_push(run->arena, &run->diagnostics, d);
		const ml_finding *f = &out->findings[i].finding;
		if (f->gone_column && !file->as_info) {
			ml_column_check *check = ml_arena_alloc(run->arena, sizeof(*check));
			*check = (ml_column_check){ .diagnostic = d,
						    .schema = ml_arena_strdup(run->arena, f->gone_schema),
						    .table = ml_arena_strdup(run->arena, f->gone_table),
						    .column = ml_arena_strdup(run->arena, f->gone_column),
						    .only_if_used = f->only_if_used };
			ml_ptr_vec_push(run->arena, &run->column_checks, check);
		}
	}
	for (size_t i = 0; i < out->n_statements; i++) {
		ml_statement_record *r = ml_arena_alloc(run->arena, sizeof(*r));
		ml_statement_record_copy(run->arena, &run->statement_kinds, file, &out->statements[i], r);
		ml_ptr_vec_push(run->arena, &run->statements, r);
	}
	ml_engine_output_clear(out);
}
