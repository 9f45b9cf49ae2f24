/*
 * lint_file.c - the driver of one input of a run: takes the file the
 * pipeline read and split, records an input error when it could not be
 * read, and otherwise turns it into statement units in order (each chunk
 * parsed, or split again at its semicolons when it does not parse; psql
 * meta-commands, unterminated COPY data and text that is not valid input as
 * units of their own) and folds them into the engine, between the engine's
 * start and finish of the file. After each call into the engine it takes
 * what the engine decided and turns it into the run's diagnostics
 * (diagnostics.c), while the text the findings point into is still there.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "engine.h"
#include "facts.h"
#include "linemap.h"
#include "migralint/migralint.h"
#include "parse.h"
#include "pipeline.h"
#include "registry.h"
#include "rule_set.h"
#include "schema_changes.h"
#include "run.h"
#include "split.h"
#include "stmt_unit.h"
#include "suppress.h"
#include "tree.h"

/* A large file's text is given back to the system in steps of this many
 * bytes as the engine moves through it (ml_pipeline_drop_text). */
#define DROP_TEXT_STEP ((size_t)1 << 20)

/* The file being linted, as the driver sees it beside the engine. */
struct file_lint {
	ml_run *run;
	ml_engine_state *st;
	const ml_line_map *map;
	const ml_source *src;
	ml_engine_output out;     /* what the engine decided since it was last taken */
	ml_edge_file edge;        /* the file, for turning that into diagnostics */
	ml_file_summary *summary;
	ml_arena *chunk_arena;    /* the current chunk's text copies and units; reset per chunk */
	ml_pipeline *pipeline;
	size_t item;
	bool own_text;            /* the pass reads a step's own text: the pipeline's parses
				     are of the file's */
	size_t invalid_at;        /* the first byte that is not UTF-8, reported by the next
				     pass; 0 when none (or reported) */
	const char *file_version; /* the file's version, in the run's arena, or NULL */
	size_t sections_cut_at;   /* 1 + where the tool's sections were cut short (more than
				     ML_MAX_SECTIONS), reported by the first pass; 0: none */
	ml_migration_facts *migration; /* the pass's place in its migration, or NULL: not
				     tracked */
	const char *up_key;       /* with migration: its up's key in run->up_changes */
	const ml_statement_observer *observer; /* the up pass runs on a real PostgreSQL
				     (options.observer), or NULL: downs never do */
	bool context;             /* the file is replayed as history, not reported */
};

/* Is one of the rules about downs on? Only then does a pass track what it
 * makes and removes. */
static bool tracks_reversal(const ml_rule_set *rules)
{
	static const char *const NAMES[] = { "missing-down-migration", "down-does-not-reverse-up",
					     "rollback-loses-data" };
	for (size_t i = 0; i < sizeof(NAMES) / sizeof(*NAMES); i++) {
		const ml_rule *rule = ml_registry_find(NAMES[i]);
		if (rule && rules->enabled[ml_registry_index(rule)])
			return true;
	}
	return false;
}

/* The key of a migration's up in run->up_changes. */
static const char *up_key(ml_arena *arena, const ml_plan_entry *entry)
{
	return ml_arena_printf(arena, "%zu\n%s", entry->history, entry->file.version);
}

/* Whether the up of a file whose tool keeps its down in sections has one:
 * a down step, and a statement in it. */
static ml_down_presence down_in_sections(ml_arena *arena, const char *text, const ml_section *steps, size_t n)
{
	ml_down_presence presence = ML_DOWN_MISSING;
	for (size_t s = 0; s < n; s++) {
		if (steps[s].direction != ML_DIRECTION_DOWN)
			continue;
		const char *from = steps[s].text ? steps[s].text : text;
		if (steps[s].end > steps[s].start &&
		    ml_tool_statement_count(arena, from + steps[s].start, steps[s].end - steps[s].start, 1) > 0)
			return ML_DOWN_PRESENT;
		presence = ML_DOWN_EMPTY;
	}
	return presence;
}

/* A NUL-terminated copy of text[start, end) in arena, with the psql
 * commands inside it blanked out (ml_chunk_copy_text). */
static char *statement_copy(struct file_lint *f, ml_arena *arena, const ml_chunk_list *chunks, size_t start,
			    size_t end)
{
	char *copy = ml_arena_alloc(arena, end - start + 1);
	ml_chunk_copy_text(f->map->text, chunks, start, end, copy);
	return copy;
}

/* Takes what the engine decided since the last call into the run's
 * diagnostics. */
static void take_output(struct file_lint *f)
{
	f->edge.dropped = f->src->dropped;
	ml_run_take_output(f->run, &f->edge, &f->out);
}

/* Analyses units and empties the list: each parse is freed once its
 * statements are analysed. */
static void lint_units(struct file_lint *f, ml_unit_list *units)
{
	ml_engine_analyse(f->st, units->items, units->len);
	take_output(f);
	ml_unit_list_free(units);
}

/* Parses and analyses one statement chunk. One that does not parse is split
 * again at every semicolon (ml_split_simple): a missing parenthesis or END
 * then costs only the broken piece. */
static void lint_chunk(struct file_lint *f, const ml_chunk_list *chunks, size_t index, const ml_unit *like)
{
	const ml_chunk *c = &chunks->items[index];
	size_t len = c->end - c->start;
	/* The copies live only while this chunk is parsed. */
	ml_arena_reset(f->chunk_arena);
	char *text = statement_copy(f, f->chunk_arena, chunks, c->start, c->end);
	ml_unit_list units;
	ml_unit_list_init(&units, f->chunk_arena);
	ml_parsed ahead;
	if (f->own_text)
		memset(&ahead, 0, sizeof(ahead)); /* ML_PARSED_NONE */
	else
		ml_pipeline_take(f->pipeline, f->item, index, &ahead);
	if (ahead.status == ML_PARSED_NONE)
		ml_parse_statement(text, len, &ahead);
	if (ahead.status != ML_PARSED_ERROR) {
		ml_unit_list_add_parse(&units, &ahead, text, len, c->start, true, like, f->map);
		f->summary->statements++;
		lint_units(f, &units);
		return;
	}
	ml_chunk_list pieces;
	ml_split_simple(f->chunk_arena, text, len, &pieces);
	size_t statements = 0;
	for (size_t i = 0; i < pieces.len; i++)
		statements += pieces.items[i].kind == ML_CHUNK_STATEMENT;
	if (statements <= 1) {
		/* One statement that does not parse: its error, as parsed. */
		f->summary->statements++;
		f->summary->syntax_errors++;
		ml_unit_list_add_parse(&units, &ahead, text, len, c->start, true, like, f->map);
		lint_units(f, &units);
		return;
	}
	ml_parsed_free(&ahead);
	for (size_t i = 0; i < pieces.len; i++) {
		const ml_chunk *p = &pieces.items[i];
		if (p->kind != ML_CHUNK_STATEMENT)
			continue;
		/* Each piece is a statement of its own, for ignore comments too. */
		ml_unit piece_like = *like;
		int col;
		ml_line_map_position(f->map, c->start + p->start, &piece_like.directive_line, &col);
		piece_like.start = c->start + p->start;
		piece_like.end = c->start + p->end;
		char *piece = ml_arena_strndup(f->chunk_arena, text + p->start, p->end - p->start);
		f->summary->statements++;
		ml_parsed parsed;
		ml_parse_statement(piece, p->end - p->start, &parsed);
		if (ml_unit_list_add_parse(&units, &parsed, piece, p->end - p->start, c->start + p->start, true,
					   &piece_like, f->map) < 0)
			f->summary->syntax_errors++;
		lint_units(f, &units);
	}
}

/* Analyses the one unit unit. */
static void lint_unit(struct file_lint *f, const ml_unit *unit)
{
	ml_engine_analyse(f->st, unit, 1);
	take_output(f);
}

/* The steps of the file src as entry's tool cuts it, in out[0, n): n >= 1.
 * in_tx is what a step runs in when neither the tool nor the file says. */
static size_t file_steps(ml_arena *arena, const ml_plan_entry *entry, const ml_source *src, bool in_tx,
			 ml_section *out)
{
	const ml_tool *tool = entry->tool;
	const ml_migration_file *file = &entry->file;
	if (tool->sections) {
		size_t n = tool->sections(arena, entry->root, file, src->text, src->len, out, ML_MAX_SECTIONS);
		if (n)
			return n;
	}
	if (file->transaction >= 0)
		return ml_tool_whole_file(file, src->len, file->transaction, file->transaction_why, out);
	if (tool->in_transaction_default >= 0)
		return ml_tool_whole_file(file, src->len, tool->in_transaction_default, "the tool's default", out);
	return ml_tool_whole_file(file, src->len, in_tx, "assume_in_transaction", out);
}

/* The step of steps[0, n) that holds offset at (the last one starting at
 * or before it). */
static size_t step_at(const ml_section *steps, size_t n, size_t at)
{
	size_t s = 0;
	while (s + 1 < n && steps[s + 1].start <= at)
		s++;
	return s;
}

/* Findings from here on are in step: its own version (an Alembic
 * revision), or the file's. Copied into the run, which keeps them. */
static void step_version(struct file_lint *f, const ml_section *step)
{
	if (step->version)
		f->edge.version = ml_arena_strdup(f->run->arena, step->version);
	else
		f->edge.version = f->file_version;
}

/* Lints the chunks of the file whose start lies in a step that wants
 * (wants[step]), from the engine's start to its finish: the up steps of the
 * file in one pass, or one down step. chunks and the map are the text the
 * pass reads (the file's, or a down step's own); take_ahead says whether
 * the pipeline's parses of the chunks fit it (the file's chunks). */
static void lint_pass(struct file_lint *f, const ml_options *options, const ml_rule_set *rules, ml_catalog *catalog,
		      const ml_chunk_list *chunks, size_t lo, size_t hi, const ml_section *steps, size_t n_steps,
		      const bool *wants, bool drop_text, ml_arena *file_arena)
{
	const ml_line_map *map = f->map;
	const char *text = map->text;
	ml_engine_state *st = f->st;
	ml_engine_output_init(&f->out);
	ml_engine_file_start(st, catalog, options, rules, map, file_arena, &f->out, f->edge.path);
	ml_engine_set_body_cache(st, f->run->bodies);
	if (f->migration)
		ml_engine_set_migration(st, f->migration);
	if (f->observer) {
		ml_engine_set_observer(st, f->observer);
		f->observer->file_start(f->observer->data, f->edge.path, f->context);
	}

	ml_ptr_vec found = { 0 };
	for (size_t i = lo; i < hi; i++) {
		const ml_chunk *c = &chunks->items[i];
		if (!c->has_ignore_comment || !wants[step_at(steps, n_steps, c->start)])
			continue;
		size_t scan_end = c->kind == ML_CHUNK_TRAILER ? c->start : c->end;
		size_t scan_start = c->gap_start;
		size_t step_start = steps[step_at(steps, n_steps, c->start)].start;
		if (scan_start < step_start)
			scan_start = step_start; /* a comment before the step is the step before's */
		if (c->kind == ML_CHUNK_STATEMENT) {
			/* The scanner's tokens cost memory like a parse: in a
			 * statement too large to parse, only the comments in
			 * front of it are read. */
			ml_statement_size size;
			ml_statement_measure(text + c->start, c->end - c->start, &size);
			if (size.tokens > ML_MAX_STATEMENT_TOKENS)
				scan_end = c->start;
		}
		ml_suppressions_scan(file_arena, map, scan_start, scan_end, &found);
	}
	ml_engine_add_suppressions(st, (ml_suppression *const *)found.items, found.len);
	take_output(f);
	if (f->invalid_at && wants[step_at(steps, n_steps, f->invalid_at - 1)]) {
		ml_unit invalid = { .kind = ML_UNIT_INVALID_INPUT, .start = f->invalid_at - 1, .end = f->invalid_at,
				    .message = "invalid UTF-8 byte; the file is linted as it is, and columns after "
					       "this byte count bytes" };
		f->invalid_at = 0;
		lint_unit(f, &invalid);
	}
	if (f->sections_cut_at) {
		ml_unit cut = { .kind = ML_UNIT_INVALID_INPUT, .start = f->sections_cut_at - 1, .end = f->sections_cut_at,
				.message = "more than 4096 sections (migrations, up and down parts) in one file: from "
					   "here on the file was linted as one last section" };
		f->sections_cut_at = 0;
		lint_unit(f, &cut);
	}

	size_t kept_from = 0;
	size_t current = (size_t)-1;
	for (size_t i = lo; i < hi; i++) {
		const ml_chunk *c = &chunks->items[i];
		size_t step = step_at(steps, n_steps, c->start);
		if (!wants[step])
			continue;
		if (current != (size_t)-1 && step != current)
			ml_engine_next_step(st, steps[step].new_migration, steps[step].in_transaction);
		if (step != current) {
			step_version(f, &steps[step]);
			ml_engine_set_one_query(st, steps[step].one_query);
		}
		current = step;
		if (drop_text && f->src->mapped_size && c->start - kept_from >= DROP_TEXT_STEP) {
			/* Findings from here on point at this chunk or later (or
			 * at what the engine still needs): the text before can go. */
			kept_from = ml_line_map_start_of_line_at(map, ml_engine_text_needed_from(st, c->start));
			ml_pipeline_drop_text(f->pipeline, f->item, kept_from);
		}
		/* What the chunk's units have in common: a statement of the top
		 * level, whose ignore comments are those of its first line. */
		ml_unit chunk = { .start = c->start, .end = c->end, .env = { .body = ML_BODY_TOP } };
		int col;
		ml_line_map_position(map, c->start, &chunk.directive_line, &col);
		if (c->kind == ML_CHUNK_META_COMMAND) {
			/* psql reads a command's line up to a newline: text after a
			 * carriage return is more of its arguments, never SQL. */
			size_t shown = c->end - c->start;
			const char *cr = memchr(text + c->start, '\r', shown);
			if (cr)
				shown = (size_t)(cr - (text + c->start));
			ml_unit meta = chunk;
			meta.kind = ML_UNIT_META_COMMAND;
			meta.message = ml_arena_printf(
				file_arena, "psql meta-command \"%.*s\" skipped: migralint lints SQL only%s",
				(int)(shown > 40 ? 40 : shown), text + c->start,
				cr ? " (psql reads the text after the carriage return in it as arguments of the "
				     "command, not as SQL)"
				   : "");
			lint_unit(f, &meta);
			continue;
		}
		if (c->kind == ML_CHUNK_COPY_DATA && c->unterminated) {
			ml_unit copy = chunk;
			copy.kind = ML_UNIT_SYNTAX_ERROR;
			copy.error_start = copy.error_end = c->start;
			copy.message = "COPY ... FROM stdin data has no closing \\. line: the rest of the file was "
				       "read as data, not linted";
			lint_unit(f, &copy);
			continue;
		}
		if (c->kind != ML_CHUNK_STATEMENT)
			continue;
		lint_chunk(f, chunks, i, &chunk);
		ml_engine_end_command(st);
	}
	if (f->observer)
		f->observer->file_end(f->observer->data);
	ml_engine_finish_file(st);
	take_output(f);
	ml_engine_output_free(&f->out);
}

/* The first chunk of chunks starting at or after at. */
static size_t first_chunk_from(const ml_chunk_list *chunks, size_t at)
{
	size_t lo = 0, hi = chunks->len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (chunks->items[mid].start < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A text of the file's length for a pass over steps whose tool gave some
 * of them their own text (what the tool runs of them): the file's text
 * with each such step's range taken from its own. In arena. */
static const char *pass_text(ml_arena *arena, const ml_source *src, const ml_section *steps, size_t n_steps,
			     const bool *wants)
{
	char *text = ml_arena_alloc(arena, src->len + 1);
	memcpy(text, src->text, src->len);
	text[src->len] = '\0';
	for (size_t s = 0; s < n_steps; s++)
		if (wants[s] && steps[s].text && steps[s].start < steps[s].end && steps[s].end <= src->len)
			memcpy(text + steps[s].start, steps[s].text + steps[s].start, steps[s].end - steps[s].start);
	return text;
}

/* Lints down step steps[d] on its own: against a copy of the catalog as
 * its up left it (thrown away after), in its own transaction, with its own
 * text when the tool gave it one. */
static void lint_down(struct file_lint *f, const ml_options *file_options, const ml_rule_set *rules,
		      const ml_section *steps, size_t n_steps, size_t d, bool *wants, ml_arena *file_arena)
{
	ml_catalog *copy = ml_catalog_clone_borrowing(f->run->catalog);
	if (!copy) {
		ml_run_out_of_memory(f->run, f->src->path);
		return;
	}
	ml_options options = *file_options;
	options.assume_in_transaction = steps[d].in_transaction;
	memset(wants, 0, n_steps * sizeof(*wants));
	wants[d] = true;
	const ml_line_map *file_map = f->map;
	const ml_chunk_list *chunks = &f->src->chunks;
	ml_line_map own_map;
	ml_chunk_list own_chunks;
	if (steps[d].text) {
		/* Its own text (the file's length, the rest blanked): split
		 * anew, and parsed here, not by the pipeline. */
		ml_line_map_init(&own_map, file_arena, steps[d].text, f->src->len);
		ml_split(file_arena, steps[d].text, f->src->len, &own_chunks);
		f->map = &own_map;
		f->edge.map = &own_map;
		chunks = &own_chunks;
		f->own_text = true;
	}
	f->edge.direction = "down";
	step_version(f, &steps[d]);
	ml_migration_facts facts;
	ml_migration_facts *up_facts = f->migration;
	if (up_facts) {
		const ml_up_record *up = ml_map_get(&f->run->up_changes, f->up_key);
		facts = (ml_migration_facts){ .down = true, .version = f->edge.version,
					      .up = up ? &up->changes : NULL, .up_path = up ? up->path : NULL,
					      .irreversible = up ? up->irreversible : NULL,
					      .step_start = steps[d].start };
		f->migration = &facts;
	}
	f->edge.as_info = f->run->options.down == ML_DOWN_INFO;
	/* A byte that is not UTF-8 is reported by the pass of the step it is in. */
	size_t invalid_at = f->invalid_at;
	bool invalid_here = invalid_at && step_at(steps, n_steps, invalid_at - 1) == d;
	if (steps[d].text) {
		/* Its own text is all the step's (a rollback line may sit
		 * before the step's range): one step over all of it. */
		ml_section whole = steps[d];
		whole.start = 0;
		whole.end = f->src->len;
		bool all = true;
		f->invalid_at = invalid_here ? invalid_at : 0;
		lint_pass(f, &options, rules, copy, chunks, 0, chunks->len, &whole, 1, &all, false, file_arena);
		f->invalid_at = invalid_here ? 0 : invalid_at;
	} else {
		lint_pass(f, &options, rules, copy, chunks, first_chunk_from(chunks, steps[d].start),
			  first_chunk_from(chunks, steps[d].end), steps, n_steps, wants, false, file_arena);
	}
	f->map = file_map;
	f->edge.map = file_map;
	f->own_text = false;
	f->migration = up_facts;
	f->edge.as_info = false;
	f->edge.direction = "up";
	f->edge.version = f->file_version;
	ml_catalog_free(copy);
}

/* A reported input starts: the catalog files it begins from now on are
 * its own (ml_run_made_by_reported). */
static void begin_reported(ml_run *run)
{
	if (run->n_reported == run->cap_reported) {
		size_t cap = run->cap_reported ? run->cap_reported * 2 : 16;
		run->reported = ml_arena_grow(run->arena, run->reported, run->cap_reported * sizeof(*run->reported),
					      cap * sizeof(*run->reported));
		run->cap_reported = cap;
	}
	run->reported[run->n_reported++] = (ml_file_range){ ml_catalog_file(run->catalog) + 1, INT_MAX };
}

void ml_run_lint_source(ml_run *run, ml_pipeline *pipeline, size_t item, const ml_plan_entry *entry)
{
	const ml_source *src = ml_pipeline_source(pipeline, item);
	const char *path = src->path;
	ml_options file_options = run->options;
	if (run->options_hook && !run->options_hook(run->options_hook_data, path, &file_options)) {
		run->skipped_files++;
		ml_pipeline_release(pipeline, item);
		return;
	}
	const char *version = entry->file.version ? ml_arena_strdup(run->arena, entry->file.version) : NULL;
	const char *direction = entry->file.direction == ML_DIRECTION_DOWN ? "down" : "up";
	ml_file_summary context_summary = { 0 };
	ml_file_summary *summary = &context_summary;
	if (!entry->context || entry->since) {
		summary = ml_arena_alloc(run->arena, sizeof(*summary));
		summary->path = ml_arena_strdup(run->arena, path);
		summary->tool = entry->tool->name;
		summary->version = version;
		summary->direction = direction;
		summary->note = entry->note ? ml_arena_strdup(run->arena, entry->note) : NULL;
	}
	if (entry->since)
		summary->skipped = ml_arena_printf(run->arena,
						   "at or before --since %s: replayed as history, not reported",
						   run->options.since);
	if (entry->file.kind == ML_FILE_SKIPPED) {
		if (!entry->context || entry->since) {
			summary->skipped = ml_arena_strdup(run->arena, entry->file.skip); /* the plan's memory goes */
			ml_ptr_vec_push(run->arena, &run->files, summary);
		}
		ml_pipeline_release(pipeline, item);
		return;
	}
	if (src->read_status != ML_READ_DONE) {
		ml_run_source_error(run, path, src);
		ml_pipeline_release(pipeline, item);
		return;
	}
	if (!entry->context || entry->since)
		ml_ptr_vec_push(run->arena, &run->files, summary);
	const char *text = src->text;
	size_t len = src->len;
	ml_engine_state st;
	ml_arena *file_arena = ml_arena_new();
	ml_line_map map;
	ml_line_map_init(&map, file_arena, text, len);
	struct file_lint f = { .run = run, .st = &st, .map = &map, .src = src, .chunk_arena = ml_arena_new(),
			       .pipeline = pipeline, .item = item, .summary = summary, .file_version = version };
	ml_rule_set *rules = ml_arena_alloc(file_arena, sizeof(*rules));
	ml_rule_set_from_options(rules, &file_options);
	f.edge = (ml_edge_file){ .path = summary->path ? summary->path : path, .map = &map,
				 .excerpts = !file_options.skip_excerpts, .direction = direction, .version = version,
				 .discard = entry->context };

	/* Room for the tool's sections, if it has them: not zeroed, so only
	 * what the tool writes is touched. */
	ml_section one_step;
	ml_section *steps = entry->tool->sections && !src->has_nul ? malloc(ML_MAX_SECTIONS * sizeof(*steps)) : &one_step;
	if (!steps) {
		ml_run_out_of_memory(run, path);
		ml_arena_free(f.chunk_arena);
		ml_arena_free(file_arena);
		ml_pipeline_release(pipeline, item);
		return;
	}
	size_t n_steps = 1;
	if (src->has_nul)
		ml_tool_whole_file(&entry->file, len, file_options.assume_in_transaction, NULL, steps);
	else
		n_steps = file_steps(file_arena, entry, src, file_options.assume_in_transaction, steps);
	if (n_steps == ML_MAX_SECTIONS)
		f.sections_cut_at = steps[n_steps - 1].start + 1;
	bool *wants = ml_arena_alloc(file_arena, n_steps * sizeof(*wants));
	size_t first_up = n_steps;
	for (size_t s = 0; s < n_steps; s++) {
		wants[s] = steps[s].direction == ML_DIRECTION_UP;
		if (wants[s] && first_up == n_steps)
			first_up = s;
	}
	if (first_up == n_steps && run->options.down == ML_DOWN_SKIP && !src->has_nul)
		summary->skipped = "a down migration (--down skip)";

	/* What the reversibility rules need: a tool with downs here, and one
	 * of them on. */
	ml_migration_facts up_facts;
	if (entry->downs && entry->file.version && !src->has_nul && tracks_reversal(rules)) {
		up_facts = (ml_migration_facts){ .version = version,
						 .step_start = first_up < n_steps ? steps[first_up].start : 0 };
		if (first_up < n_steps) {
			bool down_step = false;
			for (size_t s = 0; s < n_steps; s++)
				down_step |= steps[s].direction == ML_DIRECTION_DOWN;
			if (down_step) {
				/* A down section of its own (goose, dbmate, sql-migrate). */
				up_facts.down_presence = down_in_sections(file_arena, text, steps, n_steps);
				up_facts.down_path = NULL;
			} else {
				up_facts.down_presence = entry->down;
				up_facts.down_path = entry->down_path;
			}
			const char *reason = NULL;
			size_t at = ml_find_irreversible(file_arena, text, 0, len, &reason);
			if (at != (size_t)-1) {
				up_facts.irreversible = reason;
				up_facts.irreversible_at = at;
			}
		}
		f.migration = &up_facts;
		f.up_key = up_key(file_arena, entry);
	}

	if (!entry->context)
		begin_reported(run);
	ml_options up_options = file_options;
	up_options.assume_in_transaction = steps[first_up < n_steps ? first_up : 0].in_transaction;
	if (src->has_nul) {
		ml_engine_output_init(&f.out);
		ml_engine_file_start(&st, run->catalog, &up_options, rules, &map, file_arena, &f.out, f.edge.path);
		ml_unit nul = { .kind = ML_UNIT_INVALID_INPUT, .start = src->nul_at, .end = src->nul_at + 1,
				.message = "file contains a NUL byte: it looks binary, not SQL text, and was not linted" };
		lint_unit(&f, &nul);
		ml_engine_output_free(&f.out);
	} else {
		size_t bad = ml_utf8_first_invalid(text, len);
		if (first_up < n_steps) {
			/* Every up step, in one pass: the catalog and a transaction the
			 * file opened itself carry from step to step. */
			bool has_down = false;
			for (size_t s = 0; s < n_steps; s++)
				has_down |= !wants[s];
			if (bad < len)
				f.invalid_at = bad + 1; /* reported by the pass of its step */
			f.observer = up_options.observer;
			f.context = entry->context;
			bool own_text = false;
			for (size_t s = 0; s < n_steps; s++)
				own_text |= wants[s] && steps[s].text;
			if (own_text) {
				/* What the tool runs of its up steps (sql-migrate never
				 * runs what precedes its first marker): split and
				 * parsed here, not by the pipeline. */
				ml_line_map own_map;
				ml_chunk_list own_chunks;
				const char *own = pass_text(file_arena, src, steps, n_steps, wants);
				ml_line_map_init(&own_map, file_arena, own, len);
				ml_split(file_arena, own, len, &own_chunks);
				f.map = f.edge.map = &own_map;
				f.own_text = true;
				lint_pass(&f, &up_options, rules, run->catalog, &own_chunks, 0, own_chunks.len, steps,
					  n_steps, wants, false, file_arena);
				f.map = f.edge.map = &map;
				f.own_text = false;
			} else {
				lint_pass(&f, &up_options, rules, run->catalog, &src->chunks, 0, src->chunks.len, steps,
					  n_steps, wants, !has_down, file_arena);
			}
			if (f.migration && st.ledger && up_facts.down_presence != ML_DOWN_MISSING) {
				/* Kept for its down, which may be another file (unless
				 * it is known to have none). */
				ml_up_record *record = ml_arena_alloc(run->arena, sizeof(*record));
				ml_step_ledger_result(st.ledger, run->arena, &record->changes);
				record->path = ml_arena_strdup(run->arena, f.edge.path);
				record->irreversible = up_facts.irreversible ? ml_arena_strdup(run->arena, up_facts.irreversible)
									     : NULL;
				ml_map_put(run->arena, &run->up_changes, ml_arena_strdup(run->arena, f.up_key), record);
			}
			f.observer = NULL;
		} else if (bad < len) {
			f.invalid_at = bad + 1;
		}
		if (run->options.down != ML_DOWN_SKIP)
			for (size_t s = 0; s < n_steps; s++)
				if (steps[s].direction == ML_DIRECTION_DOWN)
					lint_down(&f, &file_options, rules, steps, n_steps, s, wants, file_arena);
	}
	if (!entry->context)
		run->reported[run->n_reported - 1].last = ml_catalog_file(run->catalog);
	if (steps != &one_step)
		free(steps);
	ml_arena_free(f.chunk_arena);
	ml_arena_free(file_arena);
	ml_pipeline_release(pipeline, item);
}
