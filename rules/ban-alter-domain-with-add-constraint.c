/*
 * ban-alter-domain-with-add-constraint - ALTER DOMAIN ... ADD CONSTRAINT
 * checks every stored value of the domain, in every column of every table
 * that uses it, while holding a SHARE lock (writes blocked) on each of those
 * tables. NOT VALID skips that check and takes no table lock, so it stays
 * quiet; its later VALIDATE CONSTRAINT is not reported.
 */
#include "rule_api.h"

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	if (ctx->stmt->node_case != PG_QUERY__NODE__NODE_ALTER_DOMAIN_STMT || ctx->body == ML_BODY_FUNCTION)
		return;
	const PgQuery__AlterDomainStmt *ad = ctx->stmt->alter_domain_stmt;
	/* subtype is PostgreSQL's one-letter code: 'C' is ADD CONSTRAINT */
	if (!ad->subtype || ad->subtype[0] != 'C' || !ad->def ||
	    ad->def->node_case != PG_QUERY__NODE__NODE_CONSTRAINT)
		return;
	const PgQuery__Constraint *con = ad->def->constraint;
	if (con->skip_validation)
		return;
	char buf[192];
	const char *domain = ml_dotted_name(ad->type_name, ad->n_type_name, buf, sizeof(buf));
	ml_report(ctx, self, con->location,
		  "adding %s to domain \"%s\" checks every column of that type in every table, holding a SHARE "
		  "lock on each of them that blocks writes until the transaction ends",
		  ml_constraint_label(ctx, con, "constraint", "a constraint"), domain);
}

const ml_rule ml_rule_ban_alter_domain_with_add_constraint = {
	.info = {
		.name = "ban-alter-domain-with-add-constraint",
		.severity = ML_SEVERITY_WARNING,
		.summary = "ALTER DOMAIN ... ADD CONSTRAINT, which checks every table using the domain",
		.help = "put the CHECK on the table columns instead (ADD CONSTRAINT ... NOT VALID, then VALIDATE in a "
			"later transaction), or add it to the domain NOT VALID",
	},
	.check = check,
};
