/*
 * tx.c - the transaction state of the file being linted, as a value (tx.h):
 * whether a transaction is open and since which BEGIN, the locks it holds,
 * the timeouts set (SET LOCAL ones end with it), the enum values and NOT
 * VALID constraints it added, the tables it emptied, and the constraints
 * the file dropped. The engine applies each statement that runs now after
 * the rules have seen it; PL/pgSQL's COMMIT and ROLLBACK arrive the same way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "catalog.h"
#include "facts.h"
#include "lock_forms.h"
#include "map.h"
#include "tree.h"
#include "tx.h"

void ml_tx_init(ml_tx *tx, ml_arena *arena, ml_tx_state state)
{
	*tx = (ml_tx){ .arena = arena, .state = state };
}

/* ---- ending, locks and BEGIN ---------------------------------------------- */

void ml_tx_end(ml_tx *tx, bool keep_state)
{
	/* SET LOCAL lasts until the end of the transaction. */
	if (tx->lock_timeout_local)
		tx->lock_timeout_set = tx->lock_timeout_local = false;
	if (tx->statement_timeout_local)
		tx->statement_timeout_set = tx->statement_timeout_local = false;
	if (tx->n_held)
		tx->held_index = (ml_map){ 0 };
	tx->n_held = 0;
	tx->new_enum_values.len = 0;
	tx->not_valid_in_tx.len = 0;
	tx->emptied_tables.len = 0;
	if (keep_state)
		return;
	tx->state = ML_TX_NONE;
	tx->begin_line = 0;
}

static void hold_lock(ml_tx *tx, const ml_lock *lock, int line)
{
	/* held_index maps a table to its slot + 1 (0 is "not held"). */
	size_t slot = (size_t)(uintptr_t)ml_map_get(&tx->held_index, lock->table);
	if (slot) {
		ml_lock *held = &tx->held[slot - 1];
		if (lock->mode > held->mode) {
			held->mode = lock->mode;
			held->line = line;
		}
		return;
	}
	if (tx->n_held == tx->cap_held) {
		size_t cap = tx->cap_held ? tx->cap_held * 2 : 16;
		ml_lock *grown = ml_arena_alloc(tx->arena, cap * sizeof(*grown));
		if (tx->n_held)
			memcpy(grown, tx->held, tx->n_held * sizeof(*grown));
		tx->held = grown;
		tx->cap_held = cap;
	}
	ml_lock copy = *lock;
	copy.table = ml_arena_strdup(tx->arena, lock->table);
	copy.line = line;
	tx->held[tx->n_held++] = copy;
	ml_map_put(tx->arena, &tx->held_index, copy.table, (void *)(uintptr_t)tx->n_held);
}

static void apply_transaction(ml_tx *tx, const PgQuery__TransactionStmt *ts, int line,
			      ml_body_kind body, size_t start, size_t end)
{
	bool ends = ts->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT ||
		    ts->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK ||
		    ts->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_PREPARE;
	if (body == ML_BODY_DO) {
		/* COMMIT in a DO block works only when the block is its own
		 * transaction; inside a transaction block PostgreSQL raises
		 * "invalid transaction termination" and nothing changes. */
		if (ends && tx->state == ML_TX_IMPLICIT)
			ml_tx_end(tx, true);
		return;
	}
	switch (ts->kind) {
	case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
	case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START:
		if (tx->state == ML_TX_NONE) {
			tx->state = ML_TX_EXPLICIT;
			tx->begin_line = line;
			tx->begin_start = start;
			tx->begin_end = end;
		}
		break;
	case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO:
		/* It may undo a TRUNCATE or DELETE: the tables may hold rows again. */
		tx->emptied_tables.len = 0;
		break;
	default:
		if (ends)
			ml_tx_end(tx, ts->chain); /* AND CHAIN starts the next one at once */
		break;
	}
}

/* ---- timeouts and the transaction's own facts ------------------------------ */

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
static void note_timeout(ml_tx *tx, const char *name, bool set, bool local)
{
	if (!strcmp(name, "lock_timeout")) {
		tx->lock_timeout_set = set;
		tx->lock_timeout_local = set && local;
	} else if (!strcmp(name, "statement_timeout")) {
		tx->statement_timeout_set = set;
		tx->statement_timeout_local = set && local;
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
	ml_tx *tx = data;
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
	note_timeout(tx, name->a_const->sval->sval, set, is_local);
	return true;
}

/* SELECT set_config('lock_timeout', '5s', false) sets it like SET does. */
static void note_set_config_calls(ml_tx *tx, const PgQuery__Node *stmt)
{
	ml_walk(&stmt->base, set_config_call, tx);
}

/* Records what the statement adds to the transaction's own facts: enum
 * values that cannot be used before COMMIT, constraints added NOT VALID. */
static void note_transaction_facts(ml_tx *tx, const PgQuery__Node *stmt, int line)
{
	ml_arena *arena = tx->arena;
	if (stmt->node_case == PG_QUERY__NODE__NODE_ALTER_ENUM_STMT) {
		const PgQuery__AlterEnumStmt *es = stmt->alter_enum_stmt;
		if (!es->new_val || !*es->new_val || (es->old_val && *es->old_val))
			return;
		const char *type = ml_last_name(es->type_name, es->n_type_name);
		for (size_t i = 0; i < tx->new_enum_values.len; i++) {
			const ml_enum_value *seen = tx->new_enum_values.items[i];
			if (!strcmp(seen->type, type) && !strcmp(seen->label, es->new_val))
				return; /* ADD VALUE IF NOT EXISTS again: one pending value */
		}
		ml_enum_value *v = ml_arena_alloc(arena, sizeof(*v));
		v->type = ml_arena_strdup(arena, type);
		v->label = ml_arena_strdup(arena, es->new_val);
		v->line = line;
		ml_ptr_vec_push(arena, &tx->new_enum_values, v);
		return;
	}
	if (stmt->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_STMT || !stmt->alter_table_stmt->relation)
		return;
	const PgQuery__AlterTableStmt *as = stmt->alter_table_stmt;
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, i);
		if (!cmd || cmd->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint || !cmd->def ||
		    cmd->def->node_case != PG_QUERY__NODE__NODE_CONSTRAINT || !cmd->def->constraint->skip_validation)
			continue;
		ml_pending_constraint *c = ml_arena_alloc(arena, sizeof(*c));
		c->table = ml_qualified_name(arena, as->relation->schemaname, as->relation->relname);
		c->name = ml_arena_strdup(arena, cmd->def->constraint->conname ? cmd->def->constraint->conname : "");
		c->line = line;
		ml_ptr_vec_push(arena, &tx->not_valid_in_tx, c);
	}
}

/* The key of constraint name of table rel in tx->dropped_constraints, in
 * buf. */
static const char *dropped_key(char *buf, size_t len, const PgQuery__RangeVar *rel, const char *name)
{
	snprintf(buf, len, "%s%s%s\n%s", rel->schemaname && *rel->schemaname ? rel->schemaname : "",
		 rel->schemaname && *rel->schemaname ? "." : "", rel->relname, name);
	return buf;
}

/* Records what the statement adds to the file's own facts: the constraints
 * it drops. */
static void note_file_facts(ml_tx *tx, const PgQuery__Node *stmt)
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
		ml_map_put(tx->arena, &tx->dropped_constraints, dropped_key(key, sizeof(key), as->relation, cmd->name),
			   (void *)"dropped");
	}
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

/* ---- tables emptied in the transaction ----------------------------------- */

struct ml_emptied_table {
	const ml_table_state *table;
	ml_emptied how;
};

static ml_emptied emptied_state(const ml_tx *tx, const ml_table_state *t)
{
	for (size_t i = 0; t && i < tx->emptied_tables.len; i++) {
		const struct ml_emptied_table *e = tx->emptied_tables.items[i];
		if (e->table == t)
			return e->how;
	}
	return ML_NOT_EMPTIED;
}

ml_emptied ml_tx_emptied(const ml_tx *tx, const ml_catalog *cat, const char *schema, const char *name)
{
	return name ? emptied_state(tx, ml_catalog_table(cat, schema, name)) : ML_NOT_EMPTIED;
}

static void mark_emptied(ml_tx *tx, ml_table_state *t, ml_emptied how, int depth)
{
	for (size_t i = 0; i < tx->emptied_tables.len; i++) {
		struct ml_emptied_table *e = tx->emptied_tables.items[i];
		if (e->table == t) {
			if (how > e->how)
				e->how = how;
			return;
		}
	}
	struct ml_emptied_table *e = ml_arena_alloc(tx->arena, sizeof(*e));
	e->table = t;
	e->how = how;
	ml_ptr_vec_push(tx->arena, &tx->emptied_tables, e);
	/* Without ONLY, TRUNCATE and DELETE empty the partitions too. */
	for (size_t i = 0; depth < 8 && i < t->partitions.len; i++)
		mark_emptied(tx, t->partitions.items[i], how, depth + 1);
}

/* rel empties as a whole: without ONLY, which would leave the rows of its
 * children (and ALTER TABLE reaches them). */
static void empty_relation(ml_tx *tx, ml_catalog *cat, const PgQuery__RangeVar *rel, ml_emptied how)
{
	if (rel && rel->inh)
		mark_emptied(tx, ml_catalog_touch(cat, rel->schemaname, rel->relname), how, 0);
}

/* The transaction and catalog a statement may fill tables of again. */
struct refill {
	ml_tx *tx;
	const ml_catalog *cat;
};

static void forget_emptied(const struct refill *r, const PgQuery__RangeVar *rel)
{
	ml_tx *tx = r->tx;
	const ml_table_state *t = rel ? ml_catalog_table(r->cat, rel->schemaname, rel->relname) : NULL;
	for (size_t i = 0; t && i < tx->emptied_tables.len; i++) {
		const struct ml_emptied_table *e = tx->emptied_tables.items[i];
		if (e->table == t) {
			tx->emptied_tables.items[i] = tx->emptied_tables.items[--tx->emptied_tables.len];
			return;
		}
	}
}

/* Forgets the emptied tables that a statement may fill again. */
static bool find_refills(const ProtobufCMessage *msg, void *data)
{
	const struct refill *r = data;
	ml_tx *tx = r->tx;
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	if (d == &pg_query__insert_stmt__descriptor) {
		forget_emptied(r, ((const PgQuery__InsertStmt *)msg)->relation);
	} else if (d == &pg_query__copy_stmt__descriptor) {
		if (((const PgQuery__CopyStmt *)msg)->is_from)
			forget_emptied(r, ((const PgQuery__CopyStmt *)msg)->relation);
	} else if (d == &pg_query__merge_stmt__descriptor) {
		forget_emptied(r, ((const PgQuery__MergeStmt *)msg)->relation);
	} else if (d == &pg_query__alter_table_stmt__descriptor) {
		/* ATTACH PARTITION brings the partition's rows to the parent;
		 * INHERIT makes the table's rows the parent's. */
		const PgQuery__AlterTableStmt *as = (const PgQuery__AlterTableStmt *)msg;
		for (size_t i = 0; i < as->n_cmds; i++) {
			const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, i);
			if (cmd && cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition)
				forget_emptied(r, as->relation);
			if (cmd && cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddInherit && cmd->def &&
			    cmd->def->node_case == PG_QUERY__NODE__NODE_RANGE_VAR)
				forget_emptied(r, cmd->def->range_var);
		}
	} else if (d == &pg_query__call_stmt__descriptor) {
		tx->emptied_tables.len = 0; /* a procedure may insert anywhere */
	} else if (d == &pg_query__func_call__descriptor) {
		/* So may a volatile function of the user's; built-in ones do not
		 * insert into user tables, and PostgreSQL refuses INSERT in a
		 * STABLE or IMMUTABLE one. */
		const PgQuery__FuncCall *call = (const PgQuery__FuncCall *)msg;
		const char *name = ml_last_name(call->funcname, call->n_funcname);
		bool builtin;
		char v = ml_catalog_function_volatility(r->cat, name, &builtin);
		if (!v || (v == 'v' && !builtin))
			tx->emptied_tables.len = 0;
	}
	return tx->emptied_tables.len > 0;
}

/* Records, for a statement that runs now inside a transaction, the tables
 * it empties (TRUNCATE, DELETE without WHERE) and the ones it may fill
 * again (see ml_table_emptied). */
static void note_rows(ml_tx *tx, ml_catalog *cat, const PgQuery__Node *stmt)
{
	struct refill r = { .tx = tx, .cat = cat };
	if (tx->emptied_tables.len > 0)
		ml_walk(&stmt->base, find_refills, &r);
	if (stmt->node_case == PG_QUERY__NODE__NODE_TRUNCATE_STMT) {
		const PgQuery__TruncateStmt *ts = stmt->truncate_stmt;
		for (size_t i = 0; i < ts->n_relations; i++)
			if (ts->relations[i] && ts->relations[i]->node_case == PG_QUERY__NODE__NODE_RANGE_VAR)
				empty_relation(tx, cat, ts->relations[i]->range_var, ML_EMPTIED_BY_TRUNCATE);
	} else if (stmt->node_case == PG_QUERY__NODE__NODE_DELETE_STMT) {
		/* Only a plain DELETE FROM t: USING an empty table deletes nothing,
		 * and rows a WITH clause inserts are not seen by the DELETE. */
		const PgQuery__DeleteStmt *ds = stmt->delete_stmt;
		if (!ds->where_clause && ds->n_using_clause == 0 && !ds->with_clause)
			empty_relation(tx, cat, ds->relation, ML_EMPTIED_BY_DELETE);
	}
}

bool ml_tx_first_strong_lock(const ml_tx *tx, const ml_effect *effect)
{
	return !tx->seen_strong_lock && takes_strong_lock(effect);
}

bool ml_tx_constraint_dropped(const ml_tx *tx, const PgQuery__RangeVar *rel, const char *name)
{
	char key[600];
	return rel && name && ml_map_get(&tx->dropped_constraints, dropped_key(key, sizeof(key), rel, name));
}

void ml_tx_apply(ml_tx *tx, ml_catalog *cat, const PgQuery__Node *stmt, const ml_effect *effect,
		 ml_body_kind body, int line, size_t start, size_t end)
{
	if (ml_tx_first_strong_lock(tx, effect))
		tx->seen_strong_lock = true;
	if (stmt->node_case == PG_QUERY__NODE__NODE_TRANSACTION_STMT) {
		apply_transaction(tx, stmt->transaction_stmt, line, body, start, end);
		return;
	}
	if (stmt->node_case == PG_QUERY__NODE__NODE_VARIABLE_SET_STMT) {
		const PgQuery__VariableSetStmt *vs = stmt->variable_set_stmt;
		if (vs->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL) {
			note_timeout(tx, "lock_timeout", false, false);
			note_timeout(tx, "statement_timeout", false, false);
		} else if (vs->name) {
			note_timeout(tx, vs->name, timeout_value_set(vs), vs->is_local);
		}
	} else if (stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT) {
		note_set_config_calls(tx, stmt);
	}
	if (tx->state != ML_TX_NONE) {
		for (size_t i = 0; i < effect->n_locks; i++)
			hold_lock(tx, &effect->locks[i], line);
		note_transaction_facts(tx, stmt, line);
		note_rows(tx, cat, stmt);
	}
	note_file_facts(tx, stmt);
}

const char *ml_tx_name(ml_tx_state tx)
{
	static const char *const NAMES[] = { "none", "explicit", "assumed", "implicit" };
	return tx <= ML_TX_IMPLICIT ? NAMES[tx] : "none";
}

const char *ml_body_name(ml_body_kind body)
{
	static const char *const NAMES[] = { "top", "do", "procedure", "function" };
	return body <= ML_BODY_FUNCTION ? NAMES[body] : "top";
}
