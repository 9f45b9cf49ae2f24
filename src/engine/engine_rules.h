/*
 * engine_rules.h - the rules the engine reports itself (their ml_rule
 * values are in rules/, their findings made in engine_rules.c): units it
 * cannot check, and the ignore comments' own problems. Private to
 * src/engine/.
 */
#ifndef MIGRALINT_ENGINE_RULES_H
#define MIGRALINT_ENGINE_RULES_H

#include "engine.h"

extern const ml_rule ml_rule_syntax_error;
extern const ml_rule ml_rule_invalid_input;
extern const ml_rule ml_rule_psql_meta_command;
extern const ml_rule ml_rule_unknown_rule_in_ignore;
extern const ml_rule ml_rule_unused_ignore;
extern const ml_rule ml_rule_ignore_without_reason;
extern const ml_rule ml_rule_statement_too_complex;
extern const ml_rule ml_rule_dynamic_sql_not_analysed;
extern const ml_rule ml_rule_trace_error;

/* The finding of unit, a statement that did not parse (and, with
 * --statements, its record). */
void ml_engine_report_syntax_error(ml_engine_state *st, const ml_unit *unit);
/* The finding of unit, a statement of the top level that PostgreSQL
 * refused when traced (seen, the observer's account; NULL or not failed:
 * none). It points at the byte PostgreSQL named, or at the statement. */
void ml_engine_report_trace_error(ml_engine_state *st, const ml_unit *unit, const ml_observation *seen);
/* The finding of unit, one too large or too deeply nested to analyse. */
void ml_engine_report_too_complex(ml_engine_state *st, const ml_unit *unit);
/* Takes in the directive comments from st->suppressions.items[first] on:
 * indexes them, so they silence the findings they cover, and reports the
 * rule names that are unknown and the comments without a reason. */
void ml_engine_take_suppressions(ml_engine_state *st, size_t first);
/* Reports each rule name of the file's comments that silenced no finding,
 * once every other finding of the file is made. */
void ml_engine_report_unused_ignores(ml_engine_state *st);

#endif
