/*
 * add-enum-value-in-transaction - ALTER TYPE ... ADD VALUE where PostgreSQL
 * rejects it or what follows it. Before PostgreSQL 12 the statement itself
 * cannot run inside a transaction block, a DO block or a function. From 12
 * on it can, but the new value cannot be used until the transaction that
 * added it commits ("unsafe use of new value"): the rule then reports the
 * statement that uses it, found as a string literal equal to the new label.
 * In autocommit every statement commits on its own, so nothing is reported.
 */
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
	else if (ctx->tx == ML_TX_EXPLICIT)
		ml_report(ctx, self, -1,
			  "ALTER TYPE %s ADD VALUE '%s' cannot run inside a transaction block (BEGIN at line %d) "
			  "before PostgreSQL 12: PostgreSQL rejects it",
			  type, es->new_val, ctx->tx_begin_line);
	else if (ctx->tx == ML_TX_ASSUMED)
		ml_report(ctx, self, -1,
			  "ALTER TYPE %s ADD VALUE '%s' cannot run inside a transaction block before PostgreSQL "
			  "12, and the migration tool runs this file in one (--assume-in-transaction): PostgreSQL "
			  "rejects it",
			  type, es->new_val);
}

struct use_search {
	const ml_stmt_ctx *ctx;
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

/* Finds the first string literal that is a new label. 'x'::other_type is
 * not a use of the enum value, 'x'::the_enum certainly is; a bare 'x' is
 * taken as one (its type comes from the context, which we cannot see). */
static bool find_use(const ProtobufCMessage *msg, void *data)
{
	struct use_search *s = data;
	if (s->found)
		return false;
	if (msg->descriptor == &pg_query__type_cast__descriptor) {
		const PgQuery__TypeCast *tc = (const PgQuery__TypeCast *)msg;
		const char *label = string_constant(tc->arg);
		if (!label || !tc->type_name)
			return true;
		const char *type = ml_last_name(tc->type_name->names, tc->type_name->n_names);
		const ml_enum_value *v = new_value_named(s->ctx, label, type);
		if (v) {
			s->found = v;
			s->location = tc->arg->a_const->location;
		}
		return false;
	}
	if (msg->descriptor == &pg_query__a__const__descriptor) {
		const PgQuery__AConst *c = (const PgQuery__AConst *)msg;
		if (c->val_case != PG_QUERY__A__CONST__VAL_SVAL || !c->sval)
			return false;
		const ml_enum_value *v = new_value_named(s->ctx, c->sval->sval, NULL);
		if (v) {
			s->found = v;
			s->location = c->location;
		}
		return false;
	}
	return true;
}

/* PG 12+: a statement of the same transaction using a value added in it. */
static void check_use(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	struct use_search s = { .ctx = ctx, .location = -1 };
	ml_walk(&ctx->stmt->base, find_use, &s);
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
