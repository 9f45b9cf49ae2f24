/*
 * ban-create-domain-with-constraint - CREATE DOMAIN ... CHECK (...). Creating
 * it is harmless, but the check is then tied to every column of the type:
 * changing it later needs ALTER DOMAIN ... ADD CONSTRAINT, which checks all
 * those columns under locks that block writes, and there is no way to change
 * the rule for one table at a time. NOT NULL, NULL and DEFAULT are not
 * reported: dropping NOT NULL later is a catalog change only.
 */
#include "rule_api.h"

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->stmt->node_case != PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT || ctx->body == ML_BODY_FUNCTION)
		return;
	const PgQuery__CreateDomainStmt *cd = ctx->stmt->create_domain_stmt;
	char buf[192];
	const char *domain = ml_dotted_name(cd->domainname, cd->n_domainname, buf, sizeof(buf));
	for (size_t i = 0; i < cd->n_constraints; i++) {
		const PgQuery__Node *n = cd->constraints[i];
		if (!n || n->node_case != PG_QUERY__NODE__NODE_CONSTRAINT ||
		    n->constraint->contype != PG_QUERY__CONSTR_TYPE__CONSTR_CHECK)
			continue;
		ml_report(ctx, self, n->constraint->location,
			  "the CHECK of domain \"%s\" applies to every column of that type: changing it later means "
			  "ALTER DOMAIN, which checks all of them in every table under locks that block writes",
			  domain);
		return; /* once per domain */
	}
}

const ml_rule ml_rule_ban_create_domain_with_constraint = {
	.info = {
		.name = "ban-create-domain-with-constraint",
		.severity = ML_SEVERITY_INFO,
		.summary = "CREATE DOMAIN with a CHECK constraint",
		.help = "create the domain without the CHECK and put CHECK constraints on the table columns, "
			"where each can be changed with NOT VALID and VALIDATE without blocking writes",
	},
	.check = check,
};
