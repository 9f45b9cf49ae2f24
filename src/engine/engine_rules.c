/*
 * engine_rules.c - the findings of the engine's own rules: units that are
 * not statements it can check (syntax errors, statements too large or too
 * deep), and the checks of the ignore comments themselves (names no rule,
 * gives no reason, silences nothing). It also takes a file's comments in,
 * so that they silence the findings they cover. A name that silences
 * nothing where the comment covers a statement gets a fix: the name taken
 * out of its comment, or the whole comment when none of its names silences
 * anything.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "engine_report.h"
#include "engine_rules.h"
#include "tree.h"

void ml_engine_report_syntax_error(ml_engine_state *st, const ml_unit *unit)
{
	if (unit->is_statement && st->options->record_statements) {
		/* The timeline lists every statement, the ones that did not parse too. */
		ml_engine_record *r = ml_engine_output_add_statement(st->out);
		r->start = unit->start;
		r->kind = "syntax error";
		r->tx = st->tx.state;
		r->held = ml_arena_alloc(st->out->arena, sizeof(ml_lock));
		r->observed = st->observed;
	}
	ml_engine_report_at(st, &ml_rule_syntax_error, unit->error_start, unit->error_end, ml_rule_syntax_error.info.help,
			    unit->message);
}

void ml_engine_report_trace_error(ml_engine_state *st, const ml_unit *unit, const ml_observation *seen)
{
	if (!seen || seen->status != ML_OBSERVED_FAILED)
		return;
	size_t at = unit->start;
	if (seen->error_offset >= 0 && (size_t)seen->error_offset < unit->end - unit->start)
		at += (size_t)seen->error_offset;
	/* Not the DETAIL: it may quote the rows of the database traced
	 * ("Key (email)=(...)"), and the finding lands in CI logs. The JSON
	 * timeline keeps it. */
	const char *message = ml_arena_printf(st->file_arena, "PostgreSQL refused it: %s (SQLSTATE %s)%s%s",
					      seen->error ? seen->error : "an error", seen->sqlstate ? seen->sqlstate : "?",
					      seen->error_hint ? "; hint: " : "", seen->error_hint ? seen->error_hint : "");
	ml_engine_report_at(st, &ml_rule_trace_error, at, at, ml_rule_trace_error.info.help, message);
}

/* n with a comma between groups of three digits, in arena. */
static const char *grouped(ml_arena *arena, size_t n)
{
	char digits[32], out[48];
	int len = snprintf(digits, sizeof(digits), "%zu", n), used = 0;
	for (int i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			out[used++] = ',';
		out[used++] = digits[i];
	}
	out[used] = '\0';
	return ml_arena_strdup(arena, out);
}

void ml_engine_report_too_complex(ml_engine_state *st, const ml_unit *unit)
{
	const char *message;
	if (unit->tokens)
		message = ml_arena_printf(st->file_arena,
					  "%s too large to analyse: %s tokens, more than the %s migralint parses; it was "
					  "not checked",
					  unit->what, grouped(st->file_arena, unit->tokens),
					  grouped(st->file_arena, ML_MAX_STATEMENT_TOKENS));
	else if (unit->partial)
		message = ml_arena_printf(st->file_arena,
					  "%s nested too deeply to analyse; statements below this depth were not checked",
					  unit->what);
	else
		message = ml_arena_printf(st->file_arena, "%s nested too deeply to analyse: it was not checked",
					  unit->what);
	ml_engine_report_at(st, &ml_rule_statement_too_complex, unit->start, unit->start,
			    ml_rule_statement_too_complex.info.help, message);
}

void ml_engine_take_suppressions(ml_engine_state *st, size_t first)
{
	for (size_t i = first; i < st->suppressions.len; i++)
		ml_ignore_index_add(st->file_arena, &st->ignores, st->suppressions.items[i]);
	/* Reports on a comment are silenced by the comments of their own line. */
	for (size_t i = first; i < st->suppressions.len; i++) {
		const ml_suppression *s = st->suppressions.items[i];
		size_t at = s->offset;
		if (s->n_rules == 0 && !s->all_rules) {
			const char *message = ml_arena_printf(st->file_arena, "%s names no rule; it silences nothing",
							      ml_suppression_kind(s));
			ml_engine_report_about(st, &ml_rule_unknown_rule_in_ignore, at, at, 0, NULL,
				  ml_rule_unknown_rule_in_ignore.info.help, message);
			continue;
		}
		for (size_t k = 0; k < s->n_rules; k++) {
			if (s->names[k].rules[0] || s->names[k].foreign)
				continue;
			const char *message = ml_arena_printf(st->file_arena, "unknown rule \"%s\" in %s comment",
							      s->rules[k], ml_suppression_kind(s));
			size_t name_at = at + s->rule_at[k];
			ml_engine_report_about(st, &ml_rule_unknown_rule_in_ignore, name_at, name_at + strlen(s->rules[k]), 0, NULL,
				  ml_rule_unknown_rule_in_ignore.info.help, message);
		}
		if (!s->reason || !*s->reason) {
			/* Its own ignore-without-reason would only excuse itself. */
			const char *message = ml_arena_printf(
				st->file_arena, "%s comment gives no reason: say after %s why the waiver is safe",
				ml_suppression_kind(s),
				s->directive == ML_DIRECTIVE_SQUAWK ? "a second \"--\"" : "a colon");
			ml_engine_report_about(st, &ml_rule_ignore_without_reason, at, at, 0, s, ml_rule_ignore_without_reason.info.help,
				  message);
		}
	}
}

/* ---- the fix of unused-ignore ---------------------------------------------- */

/* Would name k of s be reported as silencing nothing (see below)? */
static bool name_unused(const ml_engine_state *st, const ml_suppression *s, size_t k)
{
	const ml_ignore_name *name = &s->names[k];
	if (!name->rules[0] || name->used)
		return false;
	bool enabled = false;
	for (size_t r = 0; r < 2 && name->rules[r]; r++) {
		if (name->rules[r] == &ml_rule_unused_ignore)
			return false;
		enabled |= st->rules->enabled[ml_registry_index(name->rules[r])] && !name->rules[r]->check_history;
	}
	return enabled;
}

/* The end of the comment s starts at text[at]: its line's end for "--",
 * past the "*\/" that closes it (block comments nest) for a block comment
 * on one line; (size_t)-1 when it is neither, or the text there was given
 * back (it reads as NUL bytes). */
static size_t comment_end(const char *text, size_t at, const ml_suppression *s)
{
	if (text[at] == '-' && text[at + 1] == '-') {
		while (text[at] && text[at] != '\n' && text[at] != '\r')
			at++;
		return at;
	}
	if (text[at] != '/' || text[at + 1] != '*' || s->end_line != s->line)
		return (size_t)-1;
	int depth = 0;
	for (size_t i = at; text[i] && text[i] != '\n' && text[i] != '\r'; i++) {
		if (text[i] == '/' && text[i + 1] == '*') {
			depth++;
			i++;
		} else if (text[i] == '*' && text[i + 1] == '/') {
			i++;
			if (--depth == 0)
				return i + 1;
		}
	}
	return (size_t)-1;
}

/* Is a directive comment alone on the line just above s's line? Taking s's
 * line away would then hand that comment s's statement. */
static bool directive_above(const ml_engine_state *st, const ml_suppression *s)
{
	for (size_t i = 0; i < st->suppressions.len; i++) {
		const ml_suppression *o = st->suppressions.items[i];
		if (o->own_line && !o->whole_file && o->end_line == s->line - 1)
			return true;
	}
	return false;
}

/* The bytes [*start, *end) that take the comment s away: its line, line
 * break included, when it is alone there (only the comment when a
 * directive comment above would then cover the line below); the blanks
 * before it and the comment when it ends a line after a statement. */
static bool comment_removal(const ml_engine_state *st, const ml_suppression *s, size_t *start, size_t *end)
{
	const char *text = st->map.text;
	size_t at = s->offset, stop = comment_end(text, at, s);
	if (stop == (size_t)-1)
		return false;
	size_t line = at;
	while (line > 0 && (text[line - 1] == ' ' || text[line - 1] == '\t'))
		line--;
	size_t after = stop;
	while (text[after] == ' ' || text[after] == '\t')
		after++;
	bool ends_line = !text[after] || text[after] == '\n' || text[after] == '\r';
	if (!ends_line)
		return false;
	if (s->own_line && !directive_above(st, s)) {
		if (text[after] == '\r')
			after++;
		if (text[after] == '\n')
			after++;
		*start = line;
		*end = after;
		return true;
	}
	*start = s->own_line ? at : line;
	*end = stop;
	return true;
}

/* The bytes that take name k of s away, with the separators after it (or,
 * for the last name, the ones before it). */
static void name_removal(const ml_suppression *s, size_t k, size_t *start, size_t *end)
{
	if (k + 1 < s->n_rules) {
		*start = s->offset + s->rule_at[k];
		*end = s->offset + s->rule_at[k + 1];
	} else {
		*start = s->offset + s->rule_at[k - 1] + strlen(s->rules[k - 1]);
		*end = s->offset + s->rule_at[k] + strlen(s->rules[k]);
	}
}

/* Does s cover a statement: a file's, a statement's line it ends, or the
 * line below it when that line holds code? One above a blank or comment
 * line is more likely misplaced than stale: moving it is the user's call,
 * and its reason would be lost with it, so it gets no fix. */
static bool covers_code(const ml_engine_state *st, const ml_suppression *s)
{
	if (s->whole_file || !s->own_line)
		return true;
	if ((size_t)s->end_line >= st->map.n_lines)
		return false;
	const char *text = st->map.text;
	size_t at = ml_line_map_line_start(&st->map, s->end_line + 1), end = ml_line_map_line_end(&st->map, s->end_line + 1);
	while (at < end && isspace((unsigned char)text[at]))
		at++;
	return at < end && !(text[at] == '-' && text[at + 1] == '-') && !(text[at] == '/' && text[at + 1] == '*');
}

/* Gives e the fix of name k of s (k == n_rules: s has no names): the whole
 * comment taken away when every name it has is unused, else the name. */
static void fix_unused(ml_engine_state *st, ml_engine_finding *e, const ml_suppression *s, size_t k)
{
	if (!e || !covers_code(st, s))
		return;
	bool all = true;
	for (size_t i = 0; i < s->n_rules && all; i++)
		all = name_unused(st, s, i);
	size_t start, end;
	const char *description;
	if (all && comment_removal(st, s, &start, &end)) {
		description = "remove the unused ignore comment";
	} else if (k < s->n_rules && s->n_rules > 1) {
		name_removal(s, k, &start, &end);
		description = "remove the unused rule name from the comment";
	} else {
		return;
	}
	for (size_t i = start; i < end; i++)
		if (!st->map.text[i])
			return; /* text given back: not the comment's bytes any more */
	ml_edit *edit = ml_arena_alloc(st->out->arena, sizeof(*edit));
	*edit = (ml_edit){ .start = start, .end = end, .replacement = "" };
	e->finding.edits = edit;
	e->finding.n_edits = 1;
	e->finding.fix_description = description;
}

/* Reports each rule name of the file's comments that silenced no finding,
 * at the end of the file when every finding has been made. Names of rules
 * that are off for this file are not reported: the comment may be meant for
 * a run that checks them. A name that silences unused-ignore itself is
 * judged last, once the reports it may silence are made, and it never
 * silences the report about itself. */
void ml_engine_report_unused_ignores(ml_engine_state *st)
{
	if (!st->rules->enabled[ml_registry_index(&ml_rule_unused_ignore)])
		return;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < st->suppressions.len; i++) {
			ml_suppression *s = st->suppressions.items[i];
			if (s->all_rules && pass == 1 && !s->names[0].used) {
				/* It silences unused-ignore too: judged last, and
				 * never by itself. */
				const char *message = ml_arena_printf(
					st->file_arena, "this %s comment without rule names silences every rule, but the file "
							"has no finding to silence",
					ml_suppression_kind(s));
				fix_unused(st,
					   ml_engine_report_about(st, &ml_rule_unused_ignore, s->offset, s->offset, 0, s,
								  ml_rule_unused_ignore.info.help, message),
					   s, s->n_rules);
			}
			for (size_t k = 0; k < s->n_rules; k++) {
				const ml_ignore_name *name = &s->names[k];
				if (!name->rules[0] || name->used)
					continue;
				bool about_itself = false, enabled = false;
				for (size_t r = 0; r < 2 && name->rules[r]; r++) {
					about_itself |= name->rules[r] == &ml_rule_unused_ignore;
					/* A history rule's findings come from the history
					 * checks, never from this file's statements. */
					enabled |= st->rules->enabled[ml_registry_index(name->rules[r])] &&
						   !name->rules[r]->check_history;
				}
				if (!enabled || about_itself != (pass == 1))
					continue;
				const char *message = ml_arena_printf(
					st->file_arena, "\"%s\" in this %s comment silences nothing: %s has no %s%s%s finding",
					s->rules[k], ml_suppression_kind(s),
					s->whole_file ? "the file" : "the statement it covers", name->rules[0]->info.name,
					name->rules[1] ? " or " : "", name->rules[1] ? name->rules[1]->info.name : "");
				size_t at = s->offset + s->rule_at[k];
				ml_engine_finding *e = ml_engine_report_about(st, &ml_rule_unused_ignore, at,
									      at + strlen(s->rules[k]), 0,
									      about_itself ? s : NULL,
									      ml_rule_unused_ignore.info.help, message);
				if (!about_itself)
					fix_unused(st, e, s, k);
			}
		}
	}
}
