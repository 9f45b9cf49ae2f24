/*
 * add-enum-value-in-transaction - ALTER TYPE ... ADD VALUE where PostgreSQL
 * rejects it or what follows it. Before PostgreSQL 12 the statement itself
 * cannot run inside a transaction block, a DO block or a function. From 12
 * on it can, but the new value cannot be used until the transaction that
 * added it commits ("unsafe use of new value"): the rule then reports the
 * statement that uses it: a literal cast to the enum ('x'::mood), a DEFAULT
 * of a column of that enum, or a literal equal to the new label compared
 * with, assigned to or inserted into a column. A column the run knows to be
 * of another type (text, say) is not a use.
 * In autocommit every statement commits on its own, so nothing is reported.
 */
#define _GNU_SOURCE
#include <string.h>

#include "rule_api.h"

#define USE_HELP                                                                                   \
	"commit the ADD VALUE before using the value: COMMIT after it, or move the statements that "   \
	"use it to the next migration"

static bool is_add_value(const PgQuery__Node *stmt)
{
	if (stmt->node_case != PG_QUERY__NODE__NODE_ALTER_ENUM_STMT)
		return false;
	const PgQuery__AlterEnumStmt *es = stmt->alter_enum_stmt;
	return es->new_val && *es->new_val && !(es->old_val && *es->old_val);
}

/* Before PG 12: the ADD VALUE itself fails in a transaction or function. */
static void check_add(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	const PgQuery__AlterEnumStmt *es = ctx->stmt->alter_enum_stmt;
	const char *type = ml_last_name(es->type_name, es->n_type_name);
	if (ctx->body != ML_BODY_TOP)
		ml_report(ctx, self, -1,
			  "ALTER TYPE %s ADD VALUE '%s' cannot be executed from a DO block or function before "
			  "PostgreSQL 12: PostgreSQL rejects it",
			  type, es->new_val);
	else if (ctx->tx_state == ML_TX_EXPLICIT)
		ml_report(ctx, self, -1,
			  "ALTER TYPE %s ADD VALUE '%s' cannot run inside a transaction block (BEGIN at line %d) "
			  "before PostgreSQL 12: PostgreSQL rejects it",
			  type, es->new_val, ctx->tx_begin_line);
	else if (ctx->tx_state == ML_TX_ASSUMED)
		ml_report(ctx, self, -1,
			  "ALTER TYPE %s ADD VALUE '%s' cannot run inside a transaction block before PostgreSQL "
			  "12, and the migration tool runs this file in one: PostgreSQL "
			  "rejects it",
			  type, es->new_val);
}

struct use_search {
	const ml_stmt_ctx *ctx;
	const PgQuery__RangeVar *table; /* the UPDATE / DELETE / INSERT target, or NULL */
	const ml_enum_value *found;
	int location;
};

static const ml_enum_value *new_value_named(const ml_stmt_ctx *ctx, const char *label, const char *type)
{
	for (size_t i = 0; i < ctx->n_new_enum_values; i++) {
		const ml_enum_value *v = ctx->new_enum_values[i];
		if (!strcmp(v->label, label) && (!type || !strcmp(v->type, type)))
			return v;
	}
	return NULL;
}

static const char *string_constant(const PgQuery__Node *n)
{
	if (n && n->node_case == PG_QUERY__NODE__NODE_A_CONST && n->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL &&
	    n->a_const->sval)
		return n->a_const->sval->sval;
	return NULL;
}

static const char *column_name(const PgQuery__Node *n)
{
	if (!n || n->node_case != PG_QUERY__NODE__NODE_COLUMN_REF)
		return NULL;
	return ml_last_name(n->column_ref->fields, n->column_ref->n_fields);
}

/* Is label a new value of the enum column holds? A column of unknown
 * type may be of any enum; one known to be of another type is not. */
static const ml_enum_value *new_value_of_column(const struct use_search *s, const char *column, const char *label)
{
	if (!column || !label)
		return NULL;
	const ml_column_facts *facts = ml_column_find(s->ctx, s->table, column);
	return new_value_named(s->ctx, label, facts && facts->type ? facts->type : NULL);
}

static void found_use(struct use_search *s, const ml_enum_value *v, int location)
{
	if (v && !s->found) {
		s->found = v;
		s->location = location;
	}
}

/* Finds the first certain use of a new label: a cast to its enum, or a
 * comparison with or assignment to a column known to be of that enum. */
static bool find_use(const ProtobufCMessage *msg, void *data)
{
	struct use_search *s = data;
	if (s->found)
		return false;
	if (msg->descriptor == &pg_query__type_cast__descriptor) {
		const PgQuery__TypeCast *tc = (const PgQuery__TypeCast *)msg;
		const char *label = string_constant(tc->arg);
		if (label && tc->type_name)
			found_use(s, new_value_named(s->ctx, label, ml_last_name(tc->type_name->names, tc->type_name->n_names)),
				  tc->arg->a_const->location);
		return !label;
	}
	if (msg->descriptor == &pg_query__a__expr__descriptor) {
		/* status = 'archived', 'archived' <> status, status IN ('archived') */
		const PgQuery__AExpr *e = (const PgQuery__AExpr *)msg;
		const char *column = column_name(e->lexpr);
		const PgQuery__Node *other = e->rexpr;
		if (!column) {
			column = column_name(e->rexpr);
			other = e->lexpr;
		}
		if (column && other && other->node_case == PG_QUERY__NODE__NODE_LIST) {
			for (size_t i = 0; i < other->list->n_items; i++)
				if (string_constant(other->list->items[i]))
					found_use(s, new_value_of_column(s, column, string_constant(other->list->items[i])),
						  other->list->items[i]->a_const->location);
		} else if (column && string_constant(other)) {
			found_use(s, new_value_of_column(s, column, string_constant(other)), other->a_const->location);
		}
		return true;
	}
	if (msg->descriptor == &pg_query__column_def__descriptor) {
		/* ADD COLUMN c the_enum DEFAULT 'new' */
		const PgQuery__ColumnDef *def = (const PgQuery__ColumnDef *)msg;
		const PgQuery__Constraint *dflt = ml_column_constraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT);
		const char *label = dflt ? string_constant(dflt->raw_expr) : NULL;
		if (label && def->type_name)
			found_use(s, new_value_named(s->ctx, label, ml_last_name(def->type_name->names, def->type_name->n_names)),
				  dflt->raw_expr->a_const->location);
		return true;
	}
	if (msg->descriptor == &pg_query__res_target__descriptor) {
		/* UPDATE ... SET status = 'archived' */
		const PgQuery__ResTarget *rt = (const PgQuery__ResTarget *)msg;
		if (rt->name && *rt->name && string_constant(rt->val))
			found_use(s, new_value_of_column(s, rt->name, string_constant(rt->val)), rt->val->a_const->location);
		return true;
	}
	return true;
}

/* INSERT INTO t (a, status) VALUES (1, 'archived'): columns and values pair up. */
static void find_insert_use(struct use_search *s, const PgQuery__InsertStmt *ins)
{
	const PgQuery__Node *sel = ins->select_stmt;
	if (!sel || sel->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
		return;
	const PgQuery__SelectStmt *values = sel->select_stmt;
	for (size_t r = 0; r < values->n_values_lists; r++) {
		const PgQuery__Node *row = values->values_lists[r];
		if (!row || row->node_case != PG_QUERY__NODE__NODE_LIST)
			continue;
		for (size_t i = 0; i < row->list->n_items && i < ins->n_cols; i++) {
			const PgQuery__Node *col = ins->cols[i];
			const char *label = string_constant(row->list->items[i]);
			if (label && col && col->node_case == PG_QUERY__NODE__NODE_RES_TARGET)
				found_use(s, new_value_of_column(s, col->res_target->name, label),
					  row->list->items[i]->a_const->location);
		}
	}
}

/* PG 12+: a statement of the same transaction using a value added in it. */
static void check_use(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	/* Most statements name no new label at all: look at the text before
	 * walking the tree. */
	size_t len;
	const char *text = ml_stmt_text(ctx, &len);
	if (text) {
		bool mentioned = false;
		for (size_t i = 0; i < ctx->n_new_enum_values && !mentioned; i++) {
			const char *label = ctx->new_enum_values[i]->label;
			mentioned = *label && memmem(text, len, label, strlen(label)) != NULL;
		}
		if (!mentioned)
			return;
	}
	struct use_search s = { .ctx = ctx, .location = -1 };
	const PgQuery__Node *stmt = ctx->stmt;
	if (stmt->node_case == PG_QUERY__NODE__NODE_UPDATE_STMT)
		s.table = stmt->update_stmt->relation;
	else if (stmt->node_case == PG_QUERY__NODE__NODE_DELETE_STMT)
		s.table = stmt->delete_stmt->relation;
	else if (stmt->node_case == PG_QUERY__NODE__NODE_INSERT_STMT) {
		s.table = stmt->insert_stmt->relation;
		find_insert_use(&s, stmt->insert_stmt);
	}
	ml_walk(&stmt->base, find_use, &s);
	if (!s.found)
		return;
	ml_report_help(ctx, self, s.location, USE_HELP,
		       "'%s' was added to enum %s at line %d in this same transaction: PostgreSQL rejects any "
		       "use of it before that transaction commits (unsafe use of new value)",
		       s.found->label, s.found->type, s.found->line);
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->options->pg_major < 12) {
		if (is_add_value(ctx->stmt))
			check_add(ctx, self);
		return;
	}
	/* Function bodies run later, in transactions of their own. */
	if (ctx->n_new_enum_values == 0 || (ctx->body != ML_BODY_TOP && ctx->body != ML_BODY_DO))
		return;
	check_use(ctx, self);
}

const ml_rule ml_rule_add_enum_value_in_transaction = {
	.info = {
		.name = "add-enum-value-in-transaction",
		.severity = ML_SEVERITY_ERROR,
		.summary = "ALTER TYPE ... ADD VALUE in a transaction before PG 12, or the new value used before COMMIT",
		.help = "run ALTER TYPE ... ADD VALUE in a migration of its own with the tool's transaction "
			"turned off (before PostgreSQL 12 it cannot run in a transaction block or DO block)",
	},
	.check = check,
};
