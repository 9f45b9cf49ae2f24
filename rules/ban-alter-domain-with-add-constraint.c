/*
 * ban-alter-domain-with-add-constraint - ALTER DOMAIN ... ADD CONSTRAINT
 * checks every stored value of the domain, in every column of every table
 * that uses it, while holding a SHARE lock (writes blocked) on each of those
 * tables. NOT VALID skips that check and takes no table lock, so it stays
 * quiet; its later VALIDATE CONSTRAINT is not reported.
 */
#include <stdio.h>

#include "rule_api.h"

/* "schema.name" or "name" of a qualified name list, in buf. */
static const char *qualified(PgQuery__Node *const *names, size_t n, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0, used = 0; i < n && used < len; i++) {
		if (!names[i] || names[i]->node_case != PG_QUERY__NODE__NODE_STRING)
			continue;
		int w = snprintf(buf + used, len - used, "%s%s", used ? "." : "", names[i]->string->sval);
		used += w > 0 ? (size_t)w : 0;
	}
	return buf;
}

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
	const char *domain = qualified(ad->type_name, ad->n_type_name, buf, sizeof(buf));
	if (con->conname && *con->conname)
		ml_report(ctx, self, con->location,
			  "adding constraint \"%s\" to domain \"%s\" checks every column of that type in every "
			  "table, holding a SHARE lock on each of them that blocks writes until the transaction "
			  "ends",
			  con->conname, domain);
	else
		ml_report(ctx, self, con->location,
			  "adding a constraint to domain \"%s\" checks every column of that type in every table, "
			  "holding a SHARE lock on each of them that blocks writes until the transaction ends",
			  domain);
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
