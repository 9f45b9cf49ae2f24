/*
 * engine_report.h - how the engine records what it found (engine_report.c):
 * findings into the output when their rule is on, with their severity and
 * the comment that silences them, and the statement records of the lock
 * timeline. Private to src/engine/.
 */
#ifndef MIGRALINT_ENGINE_REPORT_H
#define MIGRALINT_ENGINE_REPORT_H

#include "engine.h"

/* Reports a finding of rule at a file byte span: appends it to st->out
 * with its severity and the comment that silences it (a silenced finding
 * is kept, marked so), and the locks of the statement being checked.
 * message and help are copied. Returns the output's finding (valid until
 * the next one), or NULL when the rule is off. */
ml_engine_finding *ml_engine_report_at(ml_engine_state *st, const ml_rule *rule, size_t start, size_t end,
				       const char *help, const char *message);
/* ml_engine_report_at for a finding whose ignore comments are those of
 * directive_line (0: the finding's own line); about, when not NULL, is a
 * comment the finding is about, which does not silence it. */
ml_engine_finding *ml_engine_report_about(ml_engine_state *st, const ml_rule *rule, size_t start, size_t end,
					  int directive_line, const ml_suppression *about, const char *help,
					  const char *message);
/* Appends what stmt, the current unit's statement, did (effect; tx, the
 * transaction it ran in; body, where) and the locks held after it, for the
 * lock timeline. */
void ml_engine_record_statement(ml_engine_state *st, const PgQuery__Node *stmt, const ml_effect *effect,
				ml_tx_state tx, ml_body_kind body);

#endif
