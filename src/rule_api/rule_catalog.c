/*
 * rule_catalog.c - the questions rules ask about what the migrations built
 * and about the transaction (rule_api.h), answered from the values the
 * engine hands them in the context: ctx->catalog (catalog.h) and ctx->tx
 * (tx.h). Nothing here reads engine state.
 */
#include "arena.h"
#include "catalog.h"
#include "column_refs.h"
#include "facts.h"
#include "rule.h"
#include "rule_catalog.h"
#include "rule_report.h"
#include "rule_tree.h"
#include "schema_changes.h"
#include "tx.h"

bool ml_table_is_new(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel)
{
	return rel && ml_catalog_table_is_new(ctx->catalog, rel->schemaname, rel->relname);
}

/* The catalog's entry for rel, or NULL. */
static const ml_table_state *table_of(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel)
{
	return rel ? ml_catalog_table(ctx->catalog, rel->schemaname, rel->relname) : NULL;
}

bool ml_table_seen(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel)
{
	return table_of(ctx, rel) != NULL;
}

bool ml_table_is_partitioned(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel)
{
	const ml_table_state *t = table_of(ctx, rel);
	return t && t->partitioned;
}

bool ml_table_has_default_partition(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel)
{
	const ml_table_state *t = table_of(ctx, rel);
	for (size_t i = 0; t && i < t->partitions.len; i++)
		if (((const ml_table_state *)t->partitions.items[i])->default_partition)
			return true;
	return false;
}

const char *ml_partition_names(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel)
{
	const ml_table_state *t = table_of(ctx, rel);
	if (!t || t->partitions.len == 0)
		return NULL;
	ml_arena *arena = ctx->arena;
	ml_strbuf names = { .arena = arena };
	size_t shown = t->partitions.len < ML_PARTITION_NAMES_SHOWN ? t->partitions.len : ML_PARTITION_NAMES_SHOWN;
	for (size_t i = 0; i < shown; i++) {
		const ml_table_state *p = t->partitions.items[i];
		if (i)
			ml_strbuf_str(&names, ", ");
		ml_strbuf_str(&names, ml_qualified_name(arena, p->schema, p->name));
	}
	if (shown < t->partitions.len)
		ml_strbuf_str(&names, ml_arena_printf(arena, " and %zu more", t->partitions.len - shown));
	return names.data;
}

/* The table of the index named name, when the catalog saw it created. */
static const ml_table_state *index_table(const ml_stmt_ctx *ctx, const char *name)
{
	const ml_index_state *ix = ml_catalog_index(ctx->catalog, name);
	return ix ? ml_catalog_table(ctx->catalog, ix->schema, ix->table_name) : NULL;
}

bool ml_index_is_partitioned(const ml_stmt_ctx *ctx, const char *name)
{
	const ml_table_state *t = index_table(ctx, name);
	return t && t->partitioned;
}

bool ml_index_table_is_new(const ml_stmt_ctx *ctx, const char *name)
{
	const ml_index_state *ix = ml_catalog_index(ctx->catalog, name);
	return ix && ml_catalog_table_is_new(ctx->catalog, ix->schema, ix->table_name);
}

const ml_column_facts *ml_column_find(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel,
				       const char *column)
{
	return rel ? ml_catalog_column(ctx->catalog, rel->schemaname, rel->relname, column) : NULL;
}

const char *ml_table_name(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel)
{
	if (!rel)
		return "?";
	/* A name dynamic SQL computes is the placeholder here; reports say
	 * what it is (ml_without_placeholder). */
	return ml_qualified_name(ctx->arena, rel->schemaname, rel->relname);
}

bool ml_procedure_commits(const ml_stmt_ctx *ctx, const char *name)
{
	return ml_catalog_procedure_commits(ctx->catalog, name);
}

bool ml_expr_is_volatile(const ml_stmt_ctx *ctx, const PgQuery__Node *expr, const char **name)
{
	return ml_catalog_expr_is_volatile(ctx->catalog, expr, name);
}

ml_emptied ml_table_emptied(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel)
{
	return rel ? ml_tx_emptied(ctx->tx, ctx->catalog, rel->schemaname, rel->relname) : ML_NOT_EMPTIED;
}

bool ml_table_is_new_or_truncated(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel)
{
	return ml_table_is_new(ctx, rel) || ml_table_emptied(ctx, rel) == ML_EMPTIED_BY_TRUNCATE;
}

bool ml_constraint_dropped_earlier(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel, const char *name)
{
	return ml_tx_constraint_dropped(ctx->tx, rel, name);
}

const ml_dependent_hit *ml_column_dependents(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel, const char *column,
					     size_t *n)
{
	*n = 0;
	return rel ? ml_catalog_column_dependents(ctx->catalog, ctx->arena, rel->schemaname, rel->relname, column, n)
		   : NULL;
}

const ml_dependent_hit *ml_table_dependents(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel, size_t *n)
{
	*n = 0;
	return rel ? ml_catalog_table_dependents(ctx->catalog, ctx->arena, rel->schemaname, rel->relname, n) : NULL;
}

const ml_gone_column *ml_column_gone(const ml_stmt_ctx *ctx, const char *schema, const char *table, const char *column)
{
	return ml_catalog_gone_column(ctx->catalog, schema, table, column);
}

void ml_stmt_gone_column_refs(const ml_stmt_ctx *ctx, ml_column_ref_fn fn, void *data)
{
	if (!ctx->stmt || !ml_catalog_has_gone_columns(ctx->catalog))
		return;
	/* Most statements name none of the gone columns: their words say so
	 * before any walk of the tree. */
	const ml_stmt_span *span = &ctx->span;
	if (span->text && span->end > span->start &&
	    !ml_catalog_text_names_gone_column(ctx->catalog, span->text + span->start, span->end - span->start))
		return;
	ml_column_refs_of_stmt(ctx->catalog, ctx->stmt, fn, data);
}

#define DEPENDENTS_NAMED 6

const char *ml_dependents_text(const ml_stmt_ctx *ctx, const ml_dependent_hit *hits, size_t n,
			       bool (*keep)(const ml_dependent_hit *hit), const char *effect, ml_reference *refs,
			       size_t max_refs, size_t *n_refs)
{
	ml_strbuf text = { .arena = ctx->arena };
	size_t count = 0;
	for (size_t i = 0; i < n; i++) {
		if (!keep(&hits[i]))
			continue;
		const ml_dependent *d = hits[i].dependent;
		if (count < DEPENDENTS_NAMED) {
			if (count)
				ml_strbuf_str(&text, ", ");
			ml_strbuf_str(&text, ml_arena_printf(ctx->arena, "%s %s (%s:%d)", d->kind, d->name, d->path, d->line));
		}
		count++;
		if (*n_refs < max_refs)
			refs[(*n_refs)++] = (ml_reference){ .kind = d->kind, .name = d->name, .effect = effect,
							    .path = d->path, .line = d->line };
	}
	if (!count)
		return NULL;
	if (count > DEPENDENTS_NAMED)
		ml_strbuf_str(&text, ml_arena_printf(ctx->arena, " and %zu more", count - DEPENDENTS_NAMED));
	return text.data;
}

const ml_dependent_hit *ml_dependents_unsettled(const ml_stmt_ctx *ctx, const ml_dependent_hit *hits, size_t n,
						const char *column, const char *table, size_t *n_out)
{
	*n_out = 0;
	if (!n)
		return NULL;
	ml_dependent_hit *kept = ml_arena_alloc(ctx->arena, n * sizeof(*kept));
	int comes_back = -1; /* not looked at yet */
	for (size_t i = 0; i < n; i++) {
		if (hits[i].dependency == ML_DEPENDENCY_UNTRACKED) {
			if (comes_back < 0)
				comes_back = (column && ml_later_in_file_adds_column(ctx, column)) ||
					     (table && ml_later_in_file_makes_table(ctx, table));
			if (comes_back || ml_later_in_file_replaces(ctx, hits[i].dependent->name))
				continue;
		}
		kept[(*n_out)++] = hits[i];
	}
	return kept;
}

const char *ml_dependent_table(const ml_stmt_ctx *ctx, const ml_dependent *d)
{
	const ml_table_state *t = ml_catalog_table_by_id(ctx->catalog, d->table);
	return t ? t->name : NULL;
}

const ml_object_change *ml_step_removes(const ml_step_changes *step, const ml_schema_object *obj)
{
	return ml_step_changes_removes(step, obj);
}

const ml_object_change *ml_step_makes(const ml_step_changes *step, const ml_schema_object *obj)
{
	return ml_step_changes_makes(step, obj);
}

bool ml_step_replaces(const ml_step_changes *step, const ml_schema_object *obj)
{
	const ml_object_change *gone = ml_step_changes_removes(step, obj), *back = ml_step_changes_makes(step, obj);
	return gone && back && gone->object.kind == obj->kind && back->object.kind == obj->kind && !gone->renamed_from &&
	       !back->renamed_from;
}

const char *ml_object_text(const ml_stmt_ctx *ctx, const ml_schema_object *obj)
{
	return ml_schema_object_text(ctx->arena, obj);
}
