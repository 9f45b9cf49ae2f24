/*
 * duplicate-migration-version - two migrations of one history share a
 * version, as happens when two branches each add one and both merge. The
 * tools key what they applied by version: they refuse the pair, or run
 * one and take the other for applied. Versions compare as versions (001
 * is 1); a tool's own plan (sqitch, drizzle) names changes instead.
 */
#include "rule_api.h"

static void check_history(const ml_history_ctx *ctx, const ml_rule *self)
{
	if (!ctx->versioned)
		return;
	/* In the tool's order, migrations of one version are neighbours (ups
	 * before downs), so each is compared with the one before it. */
	size_t previous = (size_t)-1;
	for (size_t m = 0; m < ctx->n; m++) {
		const ml_history_migration *mig = &ctx->migrations[m];
		if (mig->down || mig->planned || !mig->version || mig->base == ML_BASE_DELETED)
			continue;
		if (previous != (size_t)-1) {
			const ml_history_migration *before = &ctx->migrations[previous];
			if (before->group == mig->group && ml_history_same_version(before, mig)) {
				/* The one written later goes: the new one, when the other was
				 * already at the base. */
				bool before_is_new = before->base == ML_BASE_NEW && mig->base != ML_BASE_NEW &&
						     mig->base != ML_BASE_UNKNOWN;
				size_t at = before_is_new ? previous : m;
				const ml_history_migration *other = before_is_new ? mig : before;
				bool applied = other->base == ML_BASE_SAME || other->base == ML_BASE_EDITED ||
					       other->base == ML_BASE_COSMETIC;
				ml_report_history(ctx, self, at, 0, 0,
						  "%s has version %s, as %s does%s%s: %s keys what it applied by "
						  "version, so one of them is refused or never runs",
						  ctx->migrations[at].path, ctx->migrations[at].version, other->path,
						  applied ? ", which is already at " : "", applied ? ctx->base_ref : "",
						  ctx->tool);
			}
		}
		previous = m;
	}
}

const ml_rule ml_rule_duplicate_migration_version = {
	.info = {
		.name = "duplicate-migration-version",
		.severity = ML_SEVERITY_ERROR,
		.summary = "two migrations share a version",
		.help = "give the newer migration a version of its own, after the newest one (rename the file "
			"with a new timestamp)",
	},
	.check_history = check_history,
};
