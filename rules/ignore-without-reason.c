/*
 * ignore-without-reason - an ignore comment that does not say why the waiver
 * is safe. Opt-in: "require_reasons": true in the configuration, or
 * --require-reasons, turns it on. Reported by the engine when it reads the
 * file's comments (engine.c).
 */
#include "rule_api.h"

const ml_rule ml_rule_ignore_without_reason = {
	.info = {
		.name = "ignore-without-reason",
		.severity = ML_SEVERITY_WARNING,
		.opt_in = true,
		.summary = "an ignore comment that gives no reason, when require_reasons is set",
		.help = "say why the waiver is safe after a colon: -- migralint-ignore RULE: the reason",
	},
};
