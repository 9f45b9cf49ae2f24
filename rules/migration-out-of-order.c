/*
 * migration-out-of-order - with --base, a new migration that the tool runs
 * before one the base already has: databases that applied the newer one
 * meet an older pending migration. Depending on the tool it runs late
 * (out of the order it was tested in), is refused (Flyway, unless
 * outOfOrder is set: then one level graver) or never runs at all.
 */
#include "rule_api.h"

static void check_history(const ml_history_ctx *ctx, const ml_rule *self)
{
	if (!ctx->base_ref || !ctx->versioned)
		return;
	/* The last migration the base has, per order class: what databases
	 * may have applied. */
	enum { GROUPS = 4 };
	size_t last[GROUPS];
	for (int g = 0; g < GROUPS; g++)
		last[g] = (size_t)-1;
	for (size_t m = 0; m < ctx->n; m++) {
		const ml_history_migration *mig = &ctx->migrations[m];
		if (mig->down || mig->order == (size_t)-1 || mig->group < 0 || mig->group >= GROUPS)
			continue;
		if (mig->base == ML_BASE_NEW || mig->base == ML_BASE_UNKNOWN)
			continue;
		if (!mig->version && !mig->planned)
			continue; /* runs every time it changes (Flyway R__): no place in the order */
		if (last[mig->group] == (size_t)-1 || mig->order > ctx->migrations[last[mig->group]].order)
			last[mig->group] = m;
	}
	for (size_t m = 0; m < ctx->n; m++) {
		const ml_history_migration *mig = &ctx->migrations[m];
		if (mig->down || mig->base != ML_BASE_NEW || mig->group < 0 || mig->group >= GROUPS)
			continue;
		if (!mig->version && !mig->planned)
			continue;
		size_t newest = last[mig->group];
		if (newest == (size_t)-1 || mig->order > ctx->migrations[newest].order)
			continue;
		const ml_history_migration *applied = &ctx->migrations[newest];
		/* Two versions alike are duplicate-migration-version's. */
		if (ml_history_same_version(mig, applied))
			continue;
		ml_report_history(ctx, self, m, 0, ctx->out_of_order_fails ? 1 : 0,
				  "new migration %s runs before %s, which is already at %s: %s",
				  mig->path, applied->path, ctx->base_ref,
				  ctx->out_of_order ? ctx->out_of_order
						    : "databases that applied it meet this one later, out of the order it "
						      "was written and tested in");
	}
}

const ml_rule ml_rule_migration_out_of_order = {
	.info = {
		.name = "migration-out-of-order",
		.severity = ML_SEVERITY_WARNING,
		.summary = "a new migration sorts before one the base revision already has",
		.help = "give the migration a version after the newest one on the base branch (rename the file "
			"with a new timestamp), so that every database runs it last",
	},
	.check_history = check_history,
};
