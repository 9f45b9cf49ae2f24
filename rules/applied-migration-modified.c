/*
 * applied-migration-modified - with --base, a migration that the base
 * revision already has was edited, renamed or deleted since. A database
 * that applied it never runs it again: the edit reaches only new
 * databases, and Flyway's checksums fail the deploy. What ran is compared
 * (a goose or dbmate Down section, and down files, are not), and an edit
 * to comments or layout only is one level milder.
 */
#include "rule_api.h"

static void check_history(const ml_history_ctx *ctx, const ml_rule *self)
{
	if (!ctx->base_ref)
		return;
	for (size_t m = 0; m < ctx->n; m++) {
		const ml_history_migration *mig = &ctx->migrations[m];
		switch (mig->base) {
		case ML_BASE_EDITED:
			ml_report_history(ctx, self, m, mig->changed_at, 0,
					  "%s is at %s, so databases may have applied it, and it was edited since: "
					  "they never run it again, and only new databases get the change",
					  mig->path, ctx->base_ref);
			break;
		case ML_BASE_COSMETIC:
			ml_report_history(ctx, self, m, mig->changed_at, -1,
					  "%s is at %s and was edited since, in comments, layout or letter case only: what it runs "
					  "is the same, but tools that checksum the file (Flyway) refuse the change",
					  mig->path, ctx->base_ref);
			break;
		case ML_BASE_RENAMED:
			ml_report_history(ctx, self, m, 0, 0,
					  "%s is %s renamed%s: the tool sees a new migration, which runs again on "
					  "databases that applied the old one, and the old one missing",
					  mig->path, mig->base_path,
					  mig->renamed_text == ML_BASE_COSMETIC ? " (and its comments or layout edited)" : "");
			break;
		case ML_BASE_DELETED:
			ml_report_history(ctx, self, m, 0, 0,
					  "%s is at %s and was deleted since: databases that applied it keep its "
					  "changes, new databases never get them",
					  mig->path, ctx->base_ref);
			break;
		default:
			break;
		}
	}
}

const ml_rule ml_rule_applied_migration_modified = {
	.info = {
		.name = "applied-migration-modified",
		.severity = ML_SEVERITY_ERROR,
		.summary = "a migration the base revision has was edited, renamed or deleted",
		.help = "leave applied migrations as they are and write a new migration that makes the change; "
			"restore the file from the base (git checkout <base> -- <path>)",
	},
	.check_history = check_history,
};
