/*
 * statement-too-complex - a statement (or PL/pgSQL body) nested deeper than
 * migralint analyses safely, so it was parsed but not checked. Reported by
 * the engine (engine.c, plpgsql.c), never silently skipped.
 */
#include "rule_api.h"

const ml_rule ml_rule_statement_too_complex = {
	.info = {
		.name = "statement-too-complex",
		.severity = ML_SEVERITY_ERROR,
		.summary = "a statement nested too deeply to analyse; it was not checked",
		.help = "review this statement by hand, or split the expression (e.g. a long generated chain of "
			"operators) into smaller statements",
	},
};
