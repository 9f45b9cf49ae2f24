/*
 * unused-ignore - a rule name in a migralint-ignore comment that silenced no
 * finding: the statement it covers (or, in a migralint-ignore-file comment,
 * the file) has no finding of that rule, so the waiver is stale or misplaced.
 * Reported by the engine at the end of each file (engine.c), once every
 * finding had its chance to use the comment.
 */
#include "rule_api.h"

const ml_rule ml_rule_unused_ignore = {
	.info = {
		.name = "unused-ignore",
		.severity = ML_SEVERITY_WARNING,
		.summary = "an ignore comment names a rule that has no finding where the comment applies",
		.help = "remove the rule from the comment, or move the comment to the line above the statement it "
			"is meant for",
	},
};
