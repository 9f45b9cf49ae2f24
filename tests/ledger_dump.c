/*
 * ledger_dump.c - prints what the step ledger (src/model/schema_changes.c)
 * says each migration step makes and removes, for tests/schema_changes.py
 * to compare with what PostgreSQL did. Not part of the product.
 *
 * usage: ledger_dump SETUP.sql STEP.sql [STEP.sql...]
 * SETUP's statements are applied to a catalog; then each STEP is folded
 * into a ledger of its own, each statement before the catalog applies it,
 * and its net effect printed, one line a change:
 *   STEP-NUMBER TAB made|removed TAB kind TAB schema TAB name TAB member TAB
 *   parent TAB renamed_from TAB holds_data
 * with "public" for an unqualified schema and "-" for NULL; then
 *   STEP-NUMBER TAB complete TAB 0|1
 * Exits 2 when a file cannot be read or does not parse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "catalog.h"
#include "parse.h"
#include "pipeline.h"
#include "schema_changes.h"

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	if (f && ml_read_stream(f, 4096, (size_t)64 << 20, &text, len) != 0)
		text = NULL;
	if (f)
		fclose(f);
	return text;
}

static const char *const KINDS[] = {
	[ML_OBJECT_SCHEMA] = "schema",       [ML_OBJECT_TABLE] = "table",        [ML_OBJECT_COLUMN] = "column",
	[ML_OBJECT_INDEX] = "index",         [ML_OBJECT_CONSTRAINT] = "constraint", [ML_OBJECT_TYPE] = "type",
	[ML_OBJECT_FUNCTION] = "function",   [ML_OBJECT_VIEW] = "view",          [ML_OBJECT_SEQUENCE] = "sequence",
	[ML_OBJECT_TRIGGER] = "trigger",     [ML_OBJECT_EXTENSION] = "extension",
};

static const char *or_dash(const char *s)
{
	return s ? s : "-";
}

static void print_changes(int step, const char *what, const ml_object_change *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const ml_schema_object *o = &list[i].object;
		bool global = o->kind == ML_OBJECT_SCHEMA || o->kind == ML_OBJECT_EXTENSION;
		printf("%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", step, what, KINDS[o->kind],
		       global ? "-" : o->schema && *o->schema ? o->schema : "public", o->name, or_dash(o->member),
		       or_dash(o->parent), or_dash(list[i].renamed_from), list[i].holds_data ? 1 : 0);
	}
}

/* Applies the statements of path to cat, each folded into ledger first
 * when there is one. */
static int run_file(ml_catalog *cat, ml_step_ledger *ledger, const char *path)
{
	size_t len;
	char *text = read_file(path, &len);
	if (!text) {
		fprintf(stderr, "ledger_dump: cannot read %s\n", path);
		return 2;
	}
	ml_parsed parsed;
	ml_parse_statement(text, len, &parsed);
	if (parsed.status != ML_PARSED_OK || !parsed.tree) {
		fprintf(stderr, "ledger_dump: %s does not parse\n", path);
		ml_parsed_free(&parsed);
		free(text);
		return 2;
	}
	ml_catalog_begin_file(cat, path);
	for (size_t i = 0; i < parsed.tree->n_stmts; i++) {
		const PgQuery__RawStmt *raw = parsed.tree->stmts[i];
		if (!raw || !raw->stmt)
			continue;
		size_t start = (size_t)raw->stmt_location;
		int line = 1;
		for (size_t k = 0; k < start && k < len; k++)
			line += text[k] == '\n';
		if (ledger)
			ml_step_ledger_apply(ledger, cat, raw->stmt, line, start, start + (size_t)raw->stmt_len);
		ml_catalog_apply(cat, raw->stmt, line);
	}
	ml_parsed_free(&parsed);
	free(text);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: ledger_dump SETUP.sql STEP.sql [STEP.sql...]\n");
		return 2;
	}
	ml_catalog *cat = ml_catalog_new();
	ml_arena *arena = ml_arena_new();
	if (!cat || !arena)
		return 2;
	int status = run_file(cat, NULL, argv[1]);
	for (int i = 2; !status && i < argc; i++) {
		ml_step_ledger *ledger = ml_step_ledger_new(arena);
		status = run_file(cat, ledger, argv[i]);
		if (status)
			break;
		ml_step_changes changes;
		ml_step_ledger_result(ledger, arena, &changes);
		print_changes(i - 1, "made", changes.made, changes.n_made);
		print_changes(i - 1, "removed", changes.removed, changes.n_removed);
		printf("%d\tcomplete\t%d\n", i - 1, changes.complete ? 1 : 0);
	}
	ml_arena_free(arena);
	ml_catalog_free(cat);
	return status;
}
