/*
 * engine_rules.c - the findings of the engine's own rules: units that are
 * not statements it can check (syntax errors, statements too large or too
 * deep), and the checks of the ignore comments themselves (names no rule,
 * gives no reason, silences nothing). It also takes a file's comments in,
 * so that they silence the findings they cover.
 */
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
				ml_engine_report_about(st, &ml_rule_unused_ignore, s->offset, s->offset, 0, s,
					  ml_rule_unused_ignore.info.help, message);
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
				ml_engine_report_about(st, &ml_rule_unused_ignore, at, at + strlen(s->rules[k]), 0,
					  about_itself ? s : NULL, ml_rule_unused_ignore.info.help, message);
			}
		}
	}
}
