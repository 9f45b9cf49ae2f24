/*
 * trace-error - a statement PostgreSQL refused when `migralint trace` ran
 * it. The engine reports it from what the tracer saw (engine_rules.c); this
 * file only describes the rule.
 */
#include "rule_api.h"

const ml_rule ml_rule_trace_error = {
	.info = {
		.name = "trace-error",
		.severity = ML_SEVERITY_ERROR,
		.summary = "a statement PostgreSQL refused when the migration was traced",
		.help = "fix the statement: PostgreSQL's message says why it failed. In a migration that runs in a "
			"transaction, the statements after it did not run (the timeline lists them as not run)",
	},
};
