/*
 * rule_history.c - where the findings of a history rule go: the sink of
 * the history being checked (rule_history.h), in the order the rules
 * reported them. The run turns them into diagnostics.
 */
#include <stdarg.h>

#include "arena.h"
#include "findings.h"
#include "rule_history.h"
#include "tool.h"

bool ml_history_same_version(const ml_history_migration *a, const ml_history_migration *b)
{
	return a->version && b->version && ml_version_compare(a->version, b->version) == 0;
}

void ml_report_history(const ml_history_ctx *ctx, const ml_rule *rule, size_t m, size_t at, int step,
		       const char *fmt, ...)
{
	ml_history_findings *out = ctx->out;
	if (out->len == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 8;
		out->items = ml_arena_grow(out->arena, out->items, out->cap * sizeof(*out->items),
					   cap * sizeof(*out->items));
		out->cap = cap;
	}
	va_list ap;
	va_start(ap, fmt);
	const char *message = ml_arena_vprintf(out->arena, fmt, ap);
	va_end(ap);
	const ml_history_migration *mig = &ctx->migrations[m];
	if (at > mig->len)
		at = mig->len;
	out->items[out->len++] = (ml_history_finding){ .rule = rule, .migration = m, .at = at, .step = step,
						       .message = message };
}
