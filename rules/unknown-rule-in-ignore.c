/*
 * unknown-rule-in-ignore - a migralint-ignore comment naming a rule that
 * does not exist, which would silence nothing. Reported by the engine when
 * it reads the file's directives (engine.c).
 */
#include "rule_api.h"

const ml_rule ml_rule_unknown_rule_in_ignore = {
	.info = {
		.name = "unknown-rule-in-ignore",
		.severity = ML_SEVERITY_WARNING,
		.summary = "a migralint-ignore comment names a rule that does not exist",
		.help = "check the spelling against `migralint --list-rules`",
	},
};
