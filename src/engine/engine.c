/*
 * engine.c - the fold over a file's statement units (the driver in
 * src/run/lint_file.c makes them): keeps the transaction and lock state as
 * the units run in order, runs every enabled rule over each statement,
 * walks the units of a PL/pgSQL body after the statement they belong to,
 * maps the other kinds of unit to the engine's own rules, and records the
 * findings with the suppression comments that silence them.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pg_query.h>

#include "engine.h"
#include "plpgsql.h"

/* Excerpts show at most this many lines of a statement, and of each line
 * at most this many bytes, then EXCERPT_CUT. */
#define EXCERPT_MAX_LINES 6
#define EXCERPT_MAX_LINE_BYTES 1000
#define EXCERPT_CUT " ..."
#define EXCERPT_MAX_BYTES (EXCERPT_MAX_LINES * (EXCERPT_MAX_LINE_BYTES + sizeof(EXCERPT_CUT)))

const char *ml_lock_mode_name(ml_lock_mode mode)
{
	static const char *const NAMES[] = {
		"", "ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE",
		"SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE",
	};
	return mode <= ML_LOCK_ACCESS_EXCLUSIVE ? NAMES[mode] : "";
}

/* ---- reporting ----------------------------------------------------------- */

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$' || c == '.' || (unsigned char)c >= 0x80;
}

const char *ml_engine_without_placeholder(ml_arena *arena, const char *text)
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

/* The public view of the comment s, for the findings it silences: made once,
 * in the run's arena (the comment itself lives with the file). */
static const ml_suppression_info *suppression_info(ml_engine_state *st, ml_suppression *s)
{
	if (!s->info) {
		ml_suppression_info *info = ml_arena_alloc(st->run->arena, sizeof(*info));
		info->kind = ml_suppression_kind(s);
		info->reason = s->reason && *s->reason ? ml_arena_strdup(st->run->arena, s->reason) : NULL;
		info->line = s->line;
		info->column = s->column;
		s->info = info;
	}
	return s->info;
}

static const char *excerpt_of(ml_engine_state *st, int line, int end_line)
{
	if (end_line - line + 1 > EXCERPT_MAX_LINES)
		end_line = line + EXCERPT_MAX_LINES - 1;
	size_t start = ml_line_map_line_start(&st->map, line);
	size_t end = ml_line_map_line_end(&st->map, end_line);
	if (end < start)
		end = start;
	/* Text already given back reads as zeros: no excerpt rather than a
	 * wrong one (the engine keeps what its findings can point at). */
	if (st->source && start < st->source->dropped)
		return NULL;
	/* Each line is cut at EXCERPT_MAX_LINE_BYTES (on a character
	 * boundary), so a 50 MB line does not come back in every report. */
	/* A line of up to EXCERPT_MAX_LINE_BYTES + 3 bytes gets longer when
	 * cut: room for a cut mark on every line. */
	size_t room = (end - start < EXCERPT_MAX_BYTES ? end - start : EXCERPT_MAX_BYTES) +
		      EXCERPT_MAX_LINES * (sizeof(EXCERPT_CUT) - 1) + 1;
	char *out = ml_arena_alloc(st->run->arena, room);
	size_t used = 0;
	/* Lines are joined with "\n" whatever their breaks were ("\r\n", a
	 * lone "\r"), so every report sees one kind of line. */
	for (int l = line; l <= end_line; l++) {
		size_t at = ml_line_map_line_start(&st->map, l);
		size_t line_end = ml_line_map_line_end(&st->map, l);
		size_t take = line_end - at;
		bool cut = take > EXCERPT_MAX_LINE_BYTES;
		if (cut) {
			take = EXCERPT_MAX_LINE_BYTES;
			while (take > 0 && ((unsigned char)st->map.text[at + take] & 0xC0) == 0x80)
				take--;
		}
		memcpy(out + used, st->map.text + at, take);
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

/* ml_engine_report_at for a finding whose ignore comments are those of
 * directive_line (0: the finding's own line); about, when not NULL, is a
 * comment the finding is about, which does not silence it. */
static ml_diagnostic *report_at(ml_engine_state *st, const ml_rule *rule, size_t start, size_t end,
				int directive_line, const ml_suppression *about, const char *help, const char *message)
{
	ml_run *run = st->run;
	if (!st->rule_enabled[ml_registry_index(rule)])
		return NULL;
	/* Said, even if a comment silences it: the hazard was looked at. */
	if (rule->reports_slow_work && !st->slow_work_rule)
		st->slow_work_rule = rule;
	int line, column, end_line, end_column;
	ml_line_map_position(&st->map, start, &line, &column);
	if (end < start)
		end = start;
	ml_line_map_position(&st->map, end, &end_line, &end_column);
	if (!directive_line)
		directive_line = line;
	ml_suppression *by = ml_ignore_index_match(&st->ignores, ml_registry_index(rule), directive_line, line,
						   about);
	ml_diagnostic *d = ml_arena_alloc(run->arena, sizeof(*d));
	if (by)
		d->suppressed = suppression_info(st, by);
	d->rule = rule->info.name;
	d->severity = st->rule_severity[ml_registry_index(rule)];
	d->path = st->path;
	d->line = line;
	d->column = column;
	d->end_line = end_line;
	d->end_column = end_column;
	/* Names computed at run time are the placeholder inside the engine;
	 * only dynamic SQL makes them. */
	if (st->had_dynamic) {
		message = ml_engine_without_placeholder(st->file_arena, message);
		help = ml_engine_without_placeholder(st->file_arena, help);
	}
	d->message = ml_arena_strdup(run->arena, message);
	/* A rule's own help is static: only a message-specific one is copied. */
	d->help = !help || help == rule->info.help ? help : ml_arena_strdup(run->arena, help);
	d->excerpt = st->options->skip_excerpts ? NULL : excerpt_of(st, line, end_line);
	d->rewrite = d->scan = -1;
	const ml_effect *e = st->effect;
	if (e && e->n_locks) {
		ml_table_lock *locks = ml_arena_alloc(run->arena, e->n_locks * sizeof(*locks));
		for (size_t i = 0; i < e->n_locks; i++) {
			locks[i].table = ml_arena_strdup(run->arena, st->had_dynamic ? ml_engine_without_placeholder(
										       st->file_arena, e->locks[i].table)
									 : e->locks[i].table);
			locks[i].mode = ml_lock_mode_name(e->locks[i].mode);
		}
		d->locks = locks;
		d->n_locks = e->n_locks;
		d->rewrite = e->rewrite;
		d->scan = e->scan;
	}
	ml_ptr_vec_push(run->arena, &run->diagnostics, d);
	return d;
}

ml_diagnostic *ml_engine_report_at(ml_engine_state *st, const ml_rule *rule, size_t start, size_t end,
				  const char *help, const char *message)
{
	return report_at(st, rule, start, end, st->unit ? st->unit->directive_line : 0, NULL, help, message);
}

/* An insertion of text at byte offset at of the statement's text. */
struct fix_request {
	size_t at;
	const char *insert;
	const char *description;
};

static void report_va(const ml_stmt_ctx *ctx, const ml_rule *rule, int location, const char *help,
		      const struct fix_request *fix, const char *fmt, va_list ap)
{
	ml_engine_state *st = (ml_engine_state *)ctx->engine;
	const ml_unit *unit = st->unit;
	size_t start = unit->start;
	if (location >= 0 && unit->loc_exact && (size_t)location < unit->loc_limit)
		start = unit->loc_base + (size_t)location;
	if (start < unit->start || start > unit->end)
		start = unit->start;
	char *message = ml_arena_vprintf(st->file_arena, fmt, ap);
	ml_diagnostic *d = ml_engine_report_at(st, rule, start, unit->end, help, message);
	if (!d || !fix || !fix->insert || fix->at == (size_t)-1 || !unit->loc_exact ||
	    unit->loc_base + fix->at > unit->end)
		return;
	ml_fix *f = ml_arena_alloc(st->run->arena, sizeof(*f));
	ml_line_map_position(&st->map, unit->loc_base + fix->at, &f->line, &f->column);
	f->end_line = f->line;
	f->end_column = f->column;
	f->replacement = ml_arena_strdup(st->run->arena, fix->insert);
	f->description = ml_arena_strdup(st->run->arena, fix->description);
	d->fix = f;
}

void ml_report(const ml_stmt_ctx *ctx, const ml_rule *rule, int location, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report_va(ctx, rule, location, rule->info.help, NULL, fmt, ap);
	va_end(ap);
}

void ml_report_help(const ml_stmt_ctx *ctx, const ml_rule *rule, int location, const char *help,
		    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report_va(ctx, rule, location, help, NULL, fmt, ap);
	va_end(ap);
}

void ml_report_fix(const ml_stmt_ctx *ctx, const ml_rule *rule, int location, size_t insert_at,
		   const char *insert, const char *description, const char *fmt, ...)
{
	struct fix_request fix = { .at = insert_at, .insert = insert, .description = description };
	va_list ap;
	va_start(ap, fmt);
	report_va(ctx, rule, location, rule->info.help, &fix, fmt, ap);
	va_end(ap);
}

const char *ml_slow_work_reported_by(const ml_stmt_ctx *ctx)
{
	const ml_rule *rule = ctx->engine->slow_work_rule;
	return rule ? rule->info.name : NULL;
}

const char *ml_stmt_text(const ml_stmt_ctx *ctx, size_t *len)
{
	const ml_engine_state *st = ctx->engine;
	const ml_unit *unit = st->unit;
	if (!unit->loc_exact || unit->end < unit->loc_base) {
		*len = 0;
		return NULL;
	}
	*len = unit->end - unit->loc_base;
	return st->map.text + unit->loc_base;
}

/* ---- transaction and lock state ----------------------------------------- */

void ml_engine_end_transaction(ml_engine_state *st, bool keep_state)
{
	/* SET LOCAL lasts until the end of the transaction. */
	if (st->lock_timeout_local)
		st->lock_timeout_set = st->lock_timeout_local = false;
	if (st->statement_timeout_local)
		st->statement_timeout_set = st->statement_timeout_local = false;
	if (st->n_held)
		st->held_index = (ml_map){ 0 };
	st->n_held = 0;
	st->new_enum_values.len = 0;
	st->not_valid_in_tx.len = 0;
	st->emptied_tables.len = 0;
	if (keep_state)
		return;
	st->tx = ML_TX_NONE;
	st->tx_begin_line = 0;
}

static void hold_lock(ml_engine_state *st, const ml_lock *lock, int line)
{
	/* held_index maps a table to its slot + 1 (0 is "not held"). */
	size_t slot = (size_t)(uintptr_t)ml_map_get(&st->held_index, lock->table);
	if (slot) {
		ml_lock *held = &st->held[slot - 1];
		if (lock->mode > held->mode) {
			held->mode = lock->mode;
			held->line = line;
		}
		return;
	}
	if (st->n_held == st->cap_held) {
		size_t cap = st->cap_held ? st->cap_held * 2 : 16;
		ml_lock *grown = ml_arena_alloc(st->file_arena, cap * sizeof(*grown));
		if (st->n_held)
			memcpy(grown, st->held, st->n_held * sizeof(*grown));
		st->held = grown;
		st->cap_held = cap;
	}
	ml_lock copy = *lock;
	copy.table = ml_arena_strdup(st->file_arena, lock->table);
	copy.line = line;
	st->held[st->n_held++] = copy;
	ml_map_put(st->file_arena, &st->held_index, copy.table, (void *)(uintptr_t)st->n_held);
}

static void apply_transaction(ml_engine_state *st, const PgQuery__TransactionStmt *ts, int line,
			      ml_body_kind body)
{
	bool ends = ts->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT ||
		    ts->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK ||
		    ts->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_PREPARE;
	if (body == ML_BODY_DO) {
		/* COMMIT in a DO block works only when the block is its own
		 * transaction; inside a transaction block PostgreSQL raises
		 * "invalid transaction termination" and nothing changes. */
		if (ends && st->tx == ML_TX_IMPLICIT)
			ml_engine_end_transaction(st, true);
		return;
	}
	switch (ts->kind) {
	case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
	case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START:
		if (st->tx == ML_TX_NONE) {
			st->tx = ML_TX_EXPLICIT;
			st->tx_begin_line = line;
			st->tx_begin_start = st->unit->start;
			st->tx_begin_end = st->unit->end;
		}
		break;
	case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO:
		/* It may undo a TRUNCATE or DELETE: the tables may hold rows again. */
		st->emptied_tables.len = 0;
		break;
	default:
		if (ends)
			ml_engine_end_transaction(st, ts->chain); /* AND CHAIN starts the next one at once */
		break;
	}
}

/* Does SET give the timeout a limit? 0 (or '0', '0s') turns it off, as do
 * RESET and SET ... TO DEFAULT. */
static bool timeout_value_set(const PgQuery__VariableSetStmt *vs)
{
	if (vs->kind != PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE || vs->n_args != 1)
		return false;
	const PgQuery__Node *arg = vs->args[0];
	if (arg && arg->node_case == PG_QUERY__NODE__NODE_A_CONST) {
		const PgQuery__AConst *c = arg->a_const;
		if (c->val_case == PG_QUERY__A__CONST__VAL_IVAL)
			return c->ival->ival != 0;
		if (c->val_case == PG_QUERY__A__CONST__VAL_SVAL)
			return strtod(c->sval->sval, NULL) != 0;
	}
	return true;
}

/* Records that setting name (lock_timeout or statement_timeout) now has a
 * limit, or not; a local one ends with the transaction. */
static void note_timeout(ml_engine_state *st, const char *name, bool set, bool local)
{
	if (!strcmp(name, "lock_timeout")) {
		st->lock_timeout_set = set;
		st->lock_timeout_local = set && local;
	} else if (!strcmp(name, "statement_timeout")) {
		st->statement_timeout_set = set;
		st->statement_timeout_local = set && local;
	}
}

/* Reads a Boolean constant: true, 'yes', 't'::boolean, 1::bool. Returns
 * false (and leaves *value) for anything else, e.g. a variable. */
static bool sql_bool_constant(const PgQuery__Node *n, bool *value)
{
	if (n && n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST)
		n = n->type_cast->arg;
	if (!n || n->node_case != PG_QUERY__NODE__NODE_A_CONST)
		return false;
	const PgQuery__AConst *c = n->a_const;
	switch (c->val_case) {
	case PG_QUERY__A__CONST__VAL_BOOLVAL:
		*value = c->boolval->boolval;
		return true;
	case PG_QUERY__A__CONST__VAL_IVAL:
		*value = c->ival->ival != 0;
		return true;
	case PG_QUERY__A__CONST__VAL_SVAL:
		return ml_bool_word(c->sval->sval, value);
	default:
		return false;
	}
}

static bool set_config_call(const ProtobufCMessage *msg, void *data)
{
	ml_engine_state *st = data;
	if (msg->descriptor != &pg_query__func_call__descriptor)
		return true;
	const PgQuery__FuncCall *call = (const PgQuery__FuncCall *)msg;
	if (strcmp(ml_last_name(call->funcname, call->n_funcname), "set_config") != 0 || call->n_args != 3)
		return true;
	const PgQuery__Node *name = call->args[0], *value = call->args[1], *local = call->args[2];
	if (!name || name->node_case != PG_QUERY__NODE__NODE_A_CONST ||
	    name->a_const->val_case != PG_QUERY__A__CONST__VAL_SVAL)
		return true;
	bool set = true;
	if (value && value->node_case == PG_QUERY__NODE__NODE_A_CONST &&
	    value->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL)
		set = strtod(value->a_const->sval->sval, NULL) != 0;
	bool is_local = false;
	sql_bool_constant(local, &is_local);
	note_timeout(st, name->a_const->sval->sval, set, is_local);
	return true;
}

/* SELECT set_config('lock_timeout', '5s', false) sets it like SET does. */
static void note_set_config_calls(ml_engine_state *st, const PgQuery__Node *stmt)
{
	ml_walk(&stmt->base, set_config_call, st);
}

/* Records what the statement adds to the transaction's own facts: enum
 * values that cannot be used before COMMIT, constraints added NOT VALID. */
static void note_transaction_facts(ml_engine_state *st, const PgQuery__Node *stmt, int line)
{
	ml_arena *arena = st->file_arena;
	if (stmt->node_case == PG_QUERY__NODE__NODE_ALTER_ENUM_STMT) {
		const PgQuery__AlterEnumStmt *es = stmt->alter_enum_stmt;
		if (!es->new_val || !*es->new_val || (es->old_val && *es->old_val))
			return;
		const char *type = ml_last_name(es->type_name, es->n_type_name);
		for (size_t i = 0; i < st->new_enum_values.len; i++) {
			const ml_enum_value *seen = st->new_enum_values.items[i];
			if (!strcmp(seen->type, type) && !strcmp(seen->label, es->new_val))
				return; /* ADD VALUE IF NOT EXISTS again: one pending value */
		}
		ml_enum_value *v = ml_arena_alloc(arena, sizeof(*v));
		v->type = ml_arena_strdup(arena, type);
		v->label = ml_arena_strdup(arena, es->new_val);
		v->line = line;
		ml_ptr_vec_push(arena, &st->new_enum_values, v);
		return;
	}
	if (stmt->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_STMT || !stmt->alter_table_stmt->relation)
		return;
	const PgQuery__AlterTableStmt *as = stmt->alter_table_stmt;
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__Node *n = as->cmds[i];
		if (!n || n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
			continue;
		const PgQuery__AlterTableCmd *cmd = n->alter_table_cmd;
		if (cmd->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint || !cmd->def ||
		    cmd->def->node_case != PG_QUERY__NODE__NODE_CONSTRAINT || !cmd->def->constraint->skip_validation)
			continue;
		ml_pending_constraint *c = ml_arena_alloc(arena, sizeof(*c));
		c->table = ml_qualified_name(arena, as->relation->schemaname, as->relation->relname);
		c->name = ml_arena_strdup(arena, cmd->def->constraint->conname ? cmd->def->constraint->conname : "");
		c->line = line;
		ml_ptr_vec_push(arena, &st->not_valid_in_tx, c);
	}
}

/* The key of constraint name of table rel in st->dropped_constraints, in
 * buf. */
static const char *dropped_key(char *buf, size_t len, const PgQuery__RangeVar *rel, const char *name)
{
	snprintf(buf, len, "%s%s%s\n%s", rel->schemaname && *rel->schemaname ? rel->schemaname : "",
		 rel->schemaname && *rel->schemaname ? "." : "", rel->relname, name);
	return buf;
}

/* Records what the statement adds to the file's own facts: the constraints
 * it drops. */
static void note_file_facts(ml_engine_state *st, const PgQuery__Node *stmt)
{
	if (stmt->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_STMT || !stmt->alter_table_stmt->relation)
		return;
	const PgQuery__AlterTableStmt *as = stmt->alter_table_stmt;
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, i);
		if (!cmd || cmd->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint || !cmd->name)
			continue;
		char key[600];
		/* the value only says "present": the tree is gone by the next statement */
		ml_map_put(st->file_arena, &st->dropped_constraints, dropped_key(key, sizeof(key), as->relation, cmd->name),
			   (void *)"dropped");
	}
}

bool ml_constraint_dropped_earlier(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel, const char *name)
{
	char key[600];
	return rel && name && ml_map_get(&ctx->engine->dropped_constraints, dropped_key(key, sizeof(key), rel, name));
}

/* Does the statement need a lock stronger than SHARE UPDATE EXCLUSIVE on a
 * table that existed before it? */
static bool takes_strong_lock(const ml_effect *effect)
{
	/* CREATE INDEX ... ON ONLY builds nothing: its SHARE lock is instant.
	 * DETACH PARTITION ... CONCURRENTLY asks for ACCESS EXCLUSIVE on the
	 * partition only in its second transaction, once queries through the
	 * parent no longer see it; a timeout there would leave the detach
	 * pending, to be completed with FINALIZE. */
	if (ml_effect_has(effect, ML_FORM_CREATE_INDEX_ON_ONLY) ||
	    ml_effect_has(effect, ML_FORM_DETACH_PARTITION_CONCURRENTLY))
		return false;
	for (size_t i = 0; i < effect->n_locks; i++)
		if (effect->locks[i].mode > ML_LOCK_SHARE_UPDATE_EXCLUSIVE && !effect->locks[i].new_table)
			return true;
	return false;
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

static void record_statement(ml_engine_state *st, const PgQuery__Node *stmt, const ml_effect *effect,
			     ml_tx_state tx, ml_body_kind body)
{
	ml_run *run = st->run;
	ml_statement_record *r = ml_arena_alloc(run->arena, sizeof(*r));
	r->path = st->path;
	ml_line_map_position(&st->map, st->unit->start, &r->line, &r->column);
	r->kind = effect->n_locks ? ml_arena_strdup(run->arena, effect->form) : statement_type(run->arena, stmt);
	r->n_locks = effect->n_locks;
	for (size_t i = 0; i < effect->n_locks; i++) {
		r->locks[i] = effect->locks[i];
		r->locks[i].table = ml_arena_strdup(run->arena, st->had_dynamic ? ml_engine_without_placeholder(
									       st->file_arena, effect->locks[i].table)
								 : effect->locks[i].table);
	}
	r->rewrite = effect->rewrite;
	r->scan = effect->scan;
	r->tx = tx;
	r->body = body;
	r->n_held = st->tx == ML_TX_NONE ? 0 : st->n_held;
	r->held = ml_arena_alloc(run->arena, (r->n_held + 1) * sizeof(ml_lock));
	for (size_t i = 0; i < r->n_held; i++) {
		r->held[i] = st->held[i];
		r->held[i].table = ml_arena_strdup(run->arena, st->had_dynamic ? ml_engine_without_placeholder(
									     st->file_arena, st->held[i].table)
								   : st->held[i].table);
	}
	ml_ptr_vec_push(run->arena, &run->statements, r);
}

/* ---- one statement ------------------------------------------------------- */

static void fill_context(ml_engine_state *st, ml_stmt_ctx *ctx, const PgQuery__Node *stmt,
			 const ml_effect *effect, const ml_stmt_env *env)
{
	*ctx = (ml_stmt_ctx){
		.options = st->options,
		.stmt = stmt,
		.tx = st->tx,
		.tx_begin_line = st->tx_begin_line,
		.held = st->held,
		.n_held = st->n_held,
		.lock_timeout_set = st->lock_timeout_set,
		.statement_timeout_set = st->statement_timeout_set,
		.effect = effect,
		.body = env ? env->body : ML_BODY_TOP,
		.loop_depth = env ? env->loop_depth : 0,
		.loop_commits = env ? env->loop_commits : false,
		.loop_vars = env ? env->loop_vars : NULL,
		.n_loop_vars = env ? env->n_loop_vars : 0,
		.new_enum_values = (const ml_enum_value *const *)st->new_enum_values.items,
		.n_new_enum_values = st->new_enum_values.len,
		.not_valid_in_tx = (const ml_pending_constraint *const *)st->not_valid_in_tx.items,
		.n_not_valid_in_tx = st->not_valid_in_tx.len,
		.dynamic = env ? env->dynamic : false,
		.engine = st,
	};
}

static void analyse_body(ml_engine_state *st, const ml_unit *unit);

/* Analyses unit, a parsed statement (ML_UNIT_STATEMENT or ML_UNIT_TX_END):
 * computes its effect, runs the rules, then applies what it changes
 * (transaction, locks, schema), and analyses the units of its PL/pgSQL
 * body after it. */
static void ml_engine_statement(ml_engine_state *st, const ml_unit *unit)
{
	const PgQuery__Node *stmt = unit->stmt;
	const ml_stmt_env *env = &unit->env;
	ml_effect effect;
	ml_effect_compute(st, stmt, env, &effect);
	int line, column;
	ml_line_map_position(&st->map, unit->start, &line, &column);
	/* A function or procedure body runs when called: it changes neither
	 * the transaction nor the schema now. */
	bool runs_now = env->body == ML_BODY_TOP || env->body == ML_BODY_DO;

	ml_stmt_ctx ctx;
	fill_context(st, &ctx, stmt, &effect, env);
	ctx.first_strong_lock = runs_now && !st->seen_strong_lock && takes_strong_lock(&effect);
	size_t n_rules = ml_rule_count();
	const ml_effect *outer_effect = st->effect;
	st->effect = &effect;
	st->slow_work_rule = NULL;
	/* Registry order, then the rules that read what the others found. */
	for (int last = 0; last < 2; last++) {
		for (size_t i = 0; i < n_rules; i++) {
			const ml_rule *rule = ml_registry_rule(i);
			if (rule->check && st->rule_enabled[i] && rule->runs_last == (last == 1))
				rule->check(&ctx, rule);
		}
	}
	st->effect = outer_effect;
	if (!runs_now) {
		if (st->options->record_statements)
			record_statement(st, stmt, &effect, st->tx, env->body);
		return;
	}
	ml_tx_state tx_before = st->tx;
	if (ctx.first_strong_lock)
		st->seen_strong_lock = true;

	if (stmt->node_case == PG_QUERY__NODE__NODE_TRANSACTION_STMT) {
		apply_transaction(st, stmt->transaction_stmt, line, env->body);
	} else {
		if (stmt->node_case == PG_QUERY__NODE__NODE_VARIABLE_SET_STMT) {
			const PgQuery__VariableSetStmt *vs = stmt->variable_set_stmt;
			if (vs->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL) {
				note_timeout(st, "lock_timeout", false, false);
				note_timeout(st, "statement_timeout", false, false);
			} else if (vs->name) {
				note_timeout(st, vs->name, timeout_value_set(vs), vs->is_local);
			}
		} else if (stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT) {
			note_set_config_calls(st, stmt);
		}
		if (st->tx != ML_TX_NONE) {
			for (size_t i = 0; i < effect.n_locks; i++)
				hold_lock(st, &effect.locks[i], line);
			note_transaction_facts(st, stmt, line);
			ml_schema_note_rows(st, stmt);
		}
		note_file_facts(st, stmt);
		ml_schema_apply(st, stmt);
	}
	if (st->options->record_statements)
		record_statement(st, stmt, &effect, tx_before, env->body);

	if (stmt->node_case == PG_QUERY__NODE__NODE_DO_STMT ||
	    stmt->node_case == PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT) {
		/* The PL/pgSQL body: its statements are reported at their own
		 * lines, then this statement is the current unit again. */
		analyse_body(st, unit);
		st->unit = unit;
	}
}

/* Runs every rule's end-of-file hook. */
static void finish_file(ml_engine_state *st)
{
	ml_effect none;
	memset(&none, 0, sizeof(none));
	none.form = "";
	ml_stmt_ctx ctx;
	fill_context(st, &ctx, NULL, &none, NULL);
	/* Findings point at the open BEGIN, or at the end of the file. */
	bool open = st->tx == ML_TX_EXPLICIT;
	ml_unit end = { .start = open ? st->tx_begin_start : st->map.len, .end = open ? st->tx_begin_end : st->map.len };
	int col;
	ml_line_map_position(&st->map, end.start, &end.directive_line, &col);
	st->unit = &end;
	for (size_t i = 0; i < ml_rule_count(); i++) {
		const ml_rule *rule = ml_registry_rule(i);
		if (rule->finish && st->rule_enabled[i])
			rule->finish(&ctx, rule);
	}
	st->unit = NULL;
}

/* ---- units -------------------------------------------------------------- */

static void report_syntax_error(ml_engine_state *st, const ml_unit *unit)
{
	if (unit->is_statement && st->options->record_statements) {
		/* The timeline lists every statement, the ones that did not parse too. */
		ml_run *run = st->run;
		ml_statement_record *r = ml_arena_alloc(run->arena, sizeof(*r));
		r->path = st->path;
		ml_line_map_position(&st->map, unit->start, &r->line, &r->column);
		r->kind = "syntax error";
		r->tx = st->tx;
		r->held = ml_arena_alloc(run->arena, sizeof(ml_lock));
		ml_ptr_vec_push(run->arena, &run->statements, r);
	}
	ml_engine_report_at(st, &ml_rule_syntax_error, unit->error_start, unit->error_end, ml_rule_syntax_error.info.help,
			    unit->message);
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

static void report_too_complex(ml_engine_state *st, const ml_unit *unit)
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

/* Analyses one unit and, for a DO block or a PL/pgSQL routine, the units
 * of its body after it. */
static void analyse_unit(ml_engine_state *st, const ml_unit *unit)
{
	st->unit = unit;
	/* Names computed at run time are the placeholder from here on. */
	if (unit->env.dynamic)
		st->had_dynamic = true;
	switch (unit->kind) {
	case ML_UNIT_TX_END:
		if (unit->procedure)
			ml_ptr_vec_push(st->run->arena, &st->run->committing_procedures,
					ml_arena_strdup(st->run->arena, unit->procedure));
		ml_engine_statement(st, unit);
		break;
	case ML_UNIT_STATEMENT:
		ml_engine_statement(st, unit);
		break;
	case ML_UNIT_SYNTAX_ERROR:
		report_syntax_error(st, unit);
		break;
	case ML_UNIT_TOO_COMPLEX:
		report_too_complex(st, unit);
		break;
	case ML_UNIT_NOT_ANALYSED:
		ml_engine_report_at(st, &ml_rule_dynamic_sql_not_analysed, unit->start, unit->end,
				    ml_rule_dynamic_sql_not_analysed.info.help, unit->message);
		break;
	case ML_UNIT_META_COMMAND:
		ml_engine_report_at(st, &ml_rule_psql_meta_command, unit->start, unit->end,
				    ml_rule_psql_meta_command.info.help, unit->message);
		break;
	case ML_UNIT_INVALID_INPUT:
		ml_engine_report_at(st, &ml_rule_invalid_input, unit->start, unit->end, ml_rule_invalid_input.info.help,
				    unit->message);
		break;
	}
}

/* The units of the PL/pgSQL body of unit (a DO block or a routine), after
 * the ignore comments inside the body: the file's scan saw the body as
 * one string. */
static void analyse_body(ml_engine_state *st, const ml_unit *unit)
{
	ml_arena *arena = ml_arena_new();
	ml_unit_list body;
	ml_unit_list_init(&body, arena);
	ml_plpgsql_expand(unit, &st->map, &body);
	if (body.body_end > body.body_start &&
	    ml_mentions_directive(st->map.text + body.body_start, body.body_end - body.body_start)) {
		size_t first = st->suppressions.len;
		ml_suppressions_scan(st->file_arena, &st->map, body.body_start, body.body_end, &st->suppressions);
		ml_engine_take_suppressions(st, first);
	}
	/* A DO block run in autocommit is one transaction until it COMMITs. */
	bool implicit = body.walked && body.body == ML_BODY_DO && st->tx == ML_TX_NONE;
	if (implicit)
		st->tx = ML_TX_IMPLICIT;
	for (size_t i = 0; i < body.len; i++)
		analyse_unit(st, &body.items[i]);
	if (implicit)
		ml_engine_end_transaction(st, false);
	ml_unit_list_free(&body);
	ml_arena_free(arena);
}

void ml_engine_analyse(ml_engine_state *st, const ml_unit *units, size_t n)
{
	for (size_t i = 0; i < n; i++)
		analyse_unit(st, &units[i]);
	st->unit = NULL;
}

void ml_engine_end_command(ml_engine_state *st)
{
	if (st->tx == ML_TX_NONE)
		ml_engine_end_transaction(st, true); /* autocommit: the statement's own transaction ended */
}

/* ---- one file ------------------------------------------------------------ */

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
			report_at(st, &ml_rule_unknown_rule_in_ignore, at, at, 0, NULL,
				  ml_rule_unknown_rule_in_ignore.info.help, message);
			continue;
		}
		for (size_t k = 0; k < s->n_rules; k++) {
			if (s->names[k].rules[0] || s->names[k].foreign)
				continue;
			const char *message = ml_arena_printf(st->file_arena, "unknown rule \"%s\" in %s comment",
							      s->rules[k], ml_suppression_kind(s));
			size_t name_at = at + s->rule_at[k];
			report_at(st, &ml_rule_unknown_rule_in_ignore, name_at, name_at + strlen(s->rules[k]), 0, NULL,
				  ml_rule_unknown_rule_in_ignore.info.help, message);
		}
		if (!s->reason || !*s->reason) {
			/* Its own ignore-without-reason would only excuse itself. */
			const char *message = ml_arena_printf(
				st->file_arena, "%s comment gives no reason: say after %s why the waiver is safe",
				ml_suppression_kind(s),
				s->directive == ML_DIRECTIVE_SQUAWK ? "a second \"--\"" : "a colon");
			report_at(st, &ml_rule_ignore_without_reason, at, at, 0, s, ml_rule_ignore_without_reason.info.help,
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
static void report_unused_ignores(ml_engine_state *st)
{
	if (!st->rule_enabled[ml_registry_index(&ml_rule_unused_ignore)])
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
				report_at(st, &ml_rule_unused_ignore, s->offset, s->offset, 0, s,
					  ml_rule_unused_ignore.info.help, message);
			}
			for (size_t k = 0; k < s->n_rules; k++) {
				const ml_ignore_name *name = &s->names[k];
				if (!name->rules[0] || name->used)
					continue;
				bool about_itself = false, enabled = false;
				for (size_t r = 0; r < 2 && name->rules[r]; r++) {
					about_itself |= name->rules[r] == &ml_rule_unused_ignore;
					enabled |= st->rule_enabled[ml_registry_index(name->rules[r])];
				}
				if (!enabled || about_itself != (pass == 1))
					continue;
				const char *message = ml_arena_printf(
					st->file_arena, "\"%s\" in this %s comment silences nothing: %s has no %s%s%s finding",
					s->rules[k], ml_suppression_kind(s),
					s->whole_file ? "the file" : "the statement it covers", name->rules[0]->info.name,
					name->rules[1] ? " or " : "", name->rules[1] ? name->rules[1]->info.name : "");
				size_t at = s->offset + s->rule_at[k];
				report_at(st, &ml_rule_unused_ignore, at, at + strlen(s->rules[k]), 0,
					  about_itself ? s : NULL, ml_rule_unused_ignore.info.help, message);
			}
		}
	}
}

void ml_engine_file_start(ml_engine_state *st, ml_run *run, const char *path, const ml_options *options,
			  bool *rule_enabled, ml_severity *rule_severity, const struct ml_source *src, const ml_line_map *map,
			  ml_arena *file_arena)
{
	memset(st, 0, sizeof(*st));
	st->run = run;
	st->options = options;
	st->rule_enabled = rule_enabled;
	st->rule_severity = rule_severity;
	st->path = path;
	st->source = src;
	st->map = *map;
	st->file_arena = file_arena;
	run->file_count++;
	st->tx = options->assume_in_transaction ? ML_TX_ASSUMED : ML_TX_NONE;
}

void ml_engine_add_suppressions(ml_engine_state *st, ml_suppression *const *found, size_t n)
{
	size_t first = st->suppressions.len;
	for (size_t i = 0; i < n; i++)
		ml_ptr_vec_push(st->file_arena, &st->suppressions, found[i]);
	ml_engine_take_suppressions(st, first);
}

void ml_engine_finish_file(ml_engine_state *st)
{
	finish_file(st);
	report_unused_ignores(st);
}

size_t ml_engine_text_needed_from(const ml_engine_state *st, size_t next)
{
	/* Findings point at the next unit or later, or at the BEGIN of the
	 * open transaction. */
	if (st->tx == ML_TX_EXPLICIT && st->tx_begin_start < next)
		return st->tx_begin_start;
	return next;
}
