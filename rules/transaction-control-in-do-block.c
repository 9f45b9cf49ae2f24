/*
 * transaction-control-in-do-block - COMMIT or ROLLBACK in PL/pgSQL where
 * PostgreSQL refuses it with "invalid transaction termination": in a DO
 * block that itself runs inside a transaction block (an explicit BEGIN, or
 * the migration tool's transaction), in a function body, and a CALL of a
 * procedure of this run whose body COMMITs, made inside a transaction block
 * or from a function. Transaction control works only when every caller up
 * to the top level is a DO or CALL run outside a transaction block.
 */
#include <stdio.h>

#include "rule_api.h"

/* " (BEGIN at line 3)" or ", and the migration tool runs this file in one
 * (its tool, or --assume-in-transaction)": why the statement is in a transaction block. */
static void report_in_block(const ml_stmt_ctx *ctx, const ml_rule *self, const char *what)
{
	if (ctx->tx_state == ML_TX_EXPLICIT)
		ml_report(ctx, self, -1,
			  "%s inside a transaction block (BEGIN at line %d): PostgreSQL raises \"invalid "
			  "transaction termination\"",
			  what, ctx->tx_begin_line);
	else
		ml_report(ctx, self, -1,
			  "%s inside the transaction the migration tool runs this file in: "
			  "PostgreSQL raises \"invalid transaction termination\"",
			  what);
}

static bool in_block(const ml_stmt_ctx *ctx)
{
	return ctx->tx_state == ML_TX_EXPLICIT || ctx->tx_state == ML_TX_ASSUMED;
}

static void check_transaction(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	PgQuery__TransactionStmtKind kind = ctx->stmt->transaction_stmt->kind;
	const char *verb;
	if (kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT)
		verb = "COMMIT";
	else if (kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK)
		verb = "ROLLBACK";
	else
		return;
	if (ctx->body == ML_BODY_FUNCTION) {
		ml_report(ctx, self, -1,
			  "%s in a function body: a function always runs inside its caller's transaction, so "
			  "PostgreSQL raises \"invalid transaction termination\" when it gets there",
			  verb);
		return;
	}
	if (ctx->body == ML_BODY_DO && in_block(ctx)) {
		const char *what = kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT
					   ? "COMMIT in a DO block run"
					   : "ROLLBACK in a DO block run";
		report_in_block(ctx, self, what);
	}
}

static void check_call(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	const PgQuery__FuncCall *call = ctx->stmt->call_stmt->funccall;
	if (!call)
		return;
	const char *name = ml_last_name(call->funcname, call->n_funcname);
	if (!*name || !ml_procedure_commits(ctx, name))
		return;
	if (ctx->body == ML_BODY_FUNCTION) {
		ml_report(ctx, self, -1,
			  "CALL %s() from a function body, and %s() has COMMIT or ROLLBACK: PostgreSQL raises "
			  "\"invalid transaction termination\" when it gets there",
			  name, name);
		return;
	}
	if ((ctx->body == ML_BODY_TOP || ctx->body == ML_BODY_DO) && in_block(ctx)) {
		char what[200];
		snprintf(what, sizeof(what), "CALL %s(), whose body has COMMIT or ROLLBACK, run", name);
		report_in_block(ctx, self, what);
	}
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->stmt->node_case == PG_QUERY__NODE__NODE_TRANSACTION_STMT && ctx->body != ML_BODY_TOP)
		check_transaction(ctx, self);
	else if (ctx->stmt->node_case == PG_QUERY__NODE__NODE_CALL_STMT)
		check_call(ctx, self);
}

const ml_rule ml_rule_transaction_control_in_do_block = {
	.info = {
		.name = "transaction-control-in-do-block",
		.severity = ML_SEVERITY_ERROR,
		.summary = "COMMIT or ROLLBACK in a DO block or procedure run inside a transaction block",
		.help = "run the DO block or CALL in a migration of its own with the tool's transaction turned "
			"off (and no BEGIN around it), or remove the COMMIT and let the migration's transaction "
			"commit",
	},
	.check = check,
};
