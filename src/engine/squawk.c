/*
 * squawk.c - the rule names of squawk, the peer linter, that "-- squawk-ignore"
 * and "-- squawk-ignore-file" comments may name, and the migralint rules each
 * one silences, so that a team switching tools keeps every waiver it wrote.
 *
 * The names are the ones squawk's parser accepts for these comments (its
 * Rule::try_from, crates/squawk_linter/src/lib.rs), checked against its rule
 * documentation (https://squawkhq.com/docs/rules); docs/squawk.md shows the
 * table with its sources, and tests/fixture_runner.c checks that page against
 * this one. A squawk rule migralint has no counterpart for is listed with no
 * rule: the name is accepted and silences nothing.
 */
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "migralint/migralint.h"
#include "registry.h"

static const ml_squawk_name NAMES[] = {
	/* squawk's name                                 migralint's rule(s) */
	{ "adding-field-with-default", { "adding-field-with-default" } },
	{ "adding-foreign-key-constraint", { "adding-foreign-key-constraint" } },
	{ "adding-not-nullable-field", { "adding-not-nullable-field" } },
	{ "adding-required-field", { "adding-required-field" } },
	{ "adding-serial-primary-key-field", { "adding-serial-primary-key-field" } },
	{ "ban-alter-domain-with-add-constraint", { "ban-alter-domain-with-add-constraint" } },
	{ "ban-char-field", { "ban-char-field" } },
	{ "ban-concurrent-index-creation-in-transaction", { "concurrently-in-transaction" } },
	{ "ban-create-domain-with-constraint", { "ban-create-domain-with-constraint" } },
	{ "ban-drop-column", { "ban-drop-column" } },
	{ "ban-drop-database", { "ban-drop-database" } },
	{ "ban-drop-not-null", { "ban-drop-not-null" } },
	{ "ban-drop-table", { "ban-drop-table" } },
	{ "ban-duplicate-column-assignments", { "ban-duplicate-column-assignments" } },
	{ "ban-truncate-cascade", { "ban-truncate-cascade" } },
	{ "ban-uncommitted-transaction", { "ban-uncommitted-transaction" } },
	{ "changing-column-type", { "changing-column-type" } },
	{ "constraint-missing-not-valid", { "constraint-missing-not-valid" } },
	{ "disallowed-unique-constraint", { "disallowed-unique-constraint" } },
	{ "identifier-too-long", { "identifier-too-long" } },
	{ "prefer-bigint-over-int", { "prefer-bigint-over-int" } },
	{ "prefer-bigint-over-smallint", { "prefer-bigint-over-smallint" } },
	{ "prefer-identity", { "prefer-identity" } },
	{ "prefer-robust-stmts", { "prefer-robust-stmts" } },
	{ "prefer-text-field", { "prefer-text-field" } },
	{ "prefer-timestamp-tz", { "prefer-timestamptz" } },
	{ "prefer-timestamptz", { "prefer-timestamptz" } },
	{ "renaming-column", { "renaming-column" } },
	{ "renaming-table", { "renaming-table" } },
	{ "require-concurrent-index-creation", { "require-concurrent-index-creation" } },
	{ "require-concurrent-index-deletion", { "require-concurrent-index-deletion" } },
	{ "require-concurrent-partition-detach", { "require-concurrent-partition-detach" } },
	{ "require-concurrent-reindex", { "require-concurrent-reindex" } },
	{ "require-enum-value-ordering", { "require-enum-value-ordering" } },
	{ "require-lock-timeout", { "require-lock-timeout" } },
	{ "require-statement-timeout", { "require-statement-timeout" } },
	{ "require-table-schema", { "require-table-schema" } },
	/* squawk's older rule, which it now expands into the two above */
	{ "require-timeout-settings", { "require-lock-timeout", "require-statement-timeout" } },
	{ "transaction-nesting", { "transaction-nesting" } },
	/* squawk checks migralint does not have */
	{ "ban-add-column", { NULL } },
	{ "ban-add-composite-attribute", { NULL } },
	{ "ban-add-enum-value", { NULL } },
	{ "ban-alter-database-options", { NULL } },
	{ "ban-alter-extension", { NULL } },
	{ "ban-alter-function-options", { NULL } },
	{ "ban-alter-generated-expression", { NULL } },
	{ "ban-alter-identity", { NULL } },
	{ "ban-alter-policy-condition", { NULL } },
	{ "ban-alter-policy-roles", { NULL } },
	{ "ban-alter-role-options", { NULL } },
	{ "ban-alter-row-level-security", { NULL } },
	{ "ban-alter-sequence-values", { NULL } },
	{ "ban-alter-system-options", { NULL } },
	{ "ban-alter-view-options", { NULL } },
	{ "ban-create-policy", { NULL } },
	{ "ban-detach-inheritance", { NULL } },
	{ "ban-disable-trigger", { NULL } },
	{ "ban-drop-constraint", { NULL } },
	{ "ban-drop-default", { NULL } },
	{ "ban-drop-domain", { NULL } },
	{ "ban-drop-extension", { NULL } },
	{ "ban-drop-function", { NULL } },
	{ "ban-drop-generated-expression", { NULL } },
	{ "ban-drop-index", { NULL } },
	{ "ban-drop-policy", { NULL } },
	{ "ban-drop-schema", { NULL } },
	{ "ban-drop-sequence", { NULL } },
	{ "ban-drop-trigger", { NULL } },
	{ "ban-drop-type", { NULL } },
	{ "ban-drop-view", { NULL } },
	{ "ban-new-write-restriction", { NULL } },
	{ "ban-replace-view-function", { NULL } },
	{ "ban-replica-identity", { NULL } },
	{ "ban-revoke", { NULL } },
	{ "ban-set-default", { NULL } },
	{ "ban-set-schema", { NULL } },
	{ "prefer-repack", { NULL } },
	{ "renaming-object", { NULL } },
};

#define N_NAMES (sizeof(NAMES) / sizeof(NAMES[0]))

size_t ml_squawk_name_count(void)
{
	return N_NAMES;
}

const ml_squawk_name *ml_squawk_name_at(size_t index)
{
	return index < N_NAMES ? &NAMES[index] : NULL;
}

const ml_squawk_name *ml_squawk_find(const char *name)
{
	for (size_t i = 0; i < N_NAMES; i++)
		if (!strcmp(NAMES[i].squawk, name))
			return &NAMES[i];
	return NULL;
}

/* Does squawk's name s silence rule r? */
static bool squawk_silences(const ml_squawk_name *s, const ml_rule_info *r)
{
	for (size_t k = 0; k < 2 && s->rules[k]; k++)
		if (ml_rule_find(s->rules[k]) == r)
			return true;
	return false;
}

/* The --explain section for teams coming from squawk: which squawk-ignore
 * comments silence rule r (from the table in squawk.c). */
static void write_squawk_section(FILE *out, const ml_rule_info *r)
{
	fputs("\n## Coming from squawk\n\n", out);
	size_t found = 0;
	/* squawk's own name for it first, then the other names that cover it */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < ml_squawk_name_count(); i++) {
			const ml_squawk_name *s = ml_squawk_name_at(i);
			bool same = ml_rule_find(s->squawk) == r;
			if (!squawk_silences(s, r) || same != (pass == 0))
				continue;
			if (found == 0)
				fprintf(out, "squawk calls this check `%s`", s->squawk);
			else
				fprintf(out, "%s`%s`", found == 1 ? " (also " : ", ", s->squawk);
			found++;
		}
	}
	if (found) {
		fprintf(out, "%s: `-- squawk-ignore` and `-- squawk-ignore-file` comments naming %s silence this rule too.",
		       found > 1 ? ")" : "", found > 1 ? "any of these" : "it");
	} else {
		fprintf(out, "squawk has no such check; a `-- squawk-ignore %s` comment naming this rule's id works all "
		       "the same.", r->name);
	}
	fputs(" A `-- squawk-ignore-file` comment without rule names silences every rule, this one included. "
	      "See docs/squawk.md.\n", out);
}

void ml_rule_write_page(FILE *out, const ml_rule_info *r)
{
	const char *doc = ml_rule_doc(r);
	if (doc)
		fputs(doc, out);
	else
		fprintf(out, "%s (%s): %s\n", r->name, ml_severity_name(r->severity), r->summary);
	write_squawk_section(out, r);
}
