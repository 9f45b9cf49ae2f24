/*
 * engine_report.c - how the engine records what it found, in the output its
 * caller takes (engine_output.h): a finding of a rule that is on for the
 * file becomes an entry with its severity, the comment that silences it and
 * its statement's locks; a statement analysed becomes a record for the lock
 * timeline. Byte offsets only: the run makes lines and excerpts.
 */
#include <ctype.h>
#include <string.h>

#include <pg_query.h>

#include "engine_report.h"

ml_engine_finding *ml_engine_report_about(ml_engine_state *st, const ml_rule *rule, size_t start, size_t end,
					  int directive_line, const ml_suppression *about, const char *help,
					  const char *message)
{
	ml_engine_output *out = st->out;
	if (!st->rules->enabled[ml_registry_index(rule)])
		return NULL;
	/* Said, even if a comment silences it: the hazard was looked at. */
	if (rule->reports_slow_work && !st->slow_work_rule)
		st->slow_work_rule = rule;
	/* The line only finds the comments that cover the finding; the run
	 * makes the positions it reports. */
	int line, column;
	ml_line_map_position(&st->map, start, &line, &column);
	if (end < start)
		end = start;
	if (!directive_line)
		directive_line = line;
	ml_suppression *by = ml_ignore_index_match(&st->ignores, ml_registry_index(rule), directive_line, line,
						   about);
	ml_engine_finding *e = ml_engine_output_add_finding(out);
	e->suppressed_by = by;
	e->severity = st->rules->severity[ml_registry_index(rule)];
	e->dynamic_names = st->had_dynamic;
	e->finding.rule = rule;
	e->finding.start = start;
	e->finding.end = end;
	/* Copied: a body's units and their text are gone before the caller
	 * takes the output. A rule's own help is static. */
	e->finding.message = ml_arena_strdup(out->arena, message);
	e->finding.help = !help || help == rule->info.help ? help : ml_arena_strdup(out->arena, help);
	e->rewrite = e->scan = -1;
	const ml_effect *eff = st->effect;
	if (eff && eff->n_locks) {
		ml_lock *locks = ml_arena_alloc(out->arena, eff->n_locks * sizeof(*locks));
		for (size_t i = 0; i < eff->n_locks; i++) {
			locks[i] = eff->locks[i];
			locks[i].table = ml_arena_strdup(out->arena, eff->locks[i].table);
		}
		e->locks = locks;
		e->n_locks = eff->n_locks;
		e->rewrite = eff->rewrite;
		e->scan = eff->scan;
	}
	return e;
}

ml_engine_finding *ml_engine_report_at(ml_engine_state *st, const ml_rule *rule, size_t start, size_t end,
				       const char *help, const char *message)
{
	return ml_engine_report_about(st, rule, start, end, st->unit ? st->unit->directive_line : 0, NULL, help,
				      message);
}

/* The statement type for the lock timeline: "CREATE FUNCTION" for
 * CreateFunctionStmt, from the protobuf field name. */
static const char *statement_type(ml_arena *arena, const PgQuery__Node *stmt)
{
	if (stmt->node_case == PG_QUERY__NODE__NODE_TRANSACTION_STMT) {
		static const char *const KINDS[] = { "TRANSACTION", "BEGIN", "START TRANSACTION", "COMMIT",
						     "ROLLBACK", "SAVEPOINT", "RELEASE", "ROLLBACK TO",
						     "PREPARE TRANSACTION", "COMMIT PREPARED", "ROLLBACK PREPARED" };
		size_t k = (size_t)stmt->transaction_stmt->kind;
		return k < sizeof(KINDS) / sizeof(KINDS[0]) ? KINDS[k] : "TRANSACTION";
	}
	if (stmt->node_case == PG_QUERY__NODE__NODE_VARIABLE_SET_STMT)
		return "SET";
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field(stmt->base.descriptor, (unsigned)stmt->node_case);
	if (!f)
		return "statement";
	char *name = ml_arena_strdup(arena, f->name);
	size_t n = strlen(name);
	if (n > 5 && !strcmp(name + n - 5, "_stmt"))
		name[n - 5] = '\0';
	for (char *p = name; *p; p++)
		*p = *p == '_' ? ' ' : (char)toupper((unsigned char)*p);
	return name;
}

void ml_engine_record_statement(ml_engine_state *st, const PgQuery__Node *stmt, const ml_effect *effect,
				ml_tx_state tx, ml_body_kind body)
{
	ml_arena *arena = st->out->arena;
	ml_engine_record *r = ml_engine_output_add_statement(st->out);
	r->start = st->unit->start;
	r->end = st->unit->end;
	r->kind = effect->n_locks ? ml_arena_strdup(arena, effect->form) : statement_type(arena, stmt);
	r->n_locks = effect->n_locks;
	for (size_t i = 0; i < effect->n_locks; i++) {
		r->locks[i] = effect->locks[i];
		r->locks[i].table = ml_arena_strdup(arena, effect->locks[i].table);
	}
	r->rewrite = effect->rewrite;
	r->scan = effect->scan;
	r->tx = tx;
	r->body = body;
	r->n_held = st->tx.state == ML_TX_NONE ? 0 : st->tx.n_held;
	/* The held locks' tables are the transaction's, in the file arena: a
	 * long transaction's list is copied, not its names. */
	r->held = ml_arena_alloc(arena, (r->n_held + 1) * sizeof(ml_lock));
	if (r->n_held)
		memcpy(r->held, st->tx.held, r->n_held * sizeof(ml_lock));
	r->dynamic_names = st->had_dynamic;
	r->observed = body == ML_BODY_TOP ? st->observed : NULL;
}
