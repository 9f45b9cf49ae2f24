/*
 * statement-too-complex - a statement (or PL/pgSQL body) nested deeper, or
 * with more tokens, than migralint analyses safely, so it was not checked.
 * Reported by the engine (engine.c, plpgsql.c), never silently skipped.
 */
#include "rule_api.h"

const ml_rule ml_rule_statement_too_complex = {
	.info = {
		.name = "statement-too-complex",
		.severity = ML_SEVERITY_ERROR,
		.summary = "a statement too large or nested too deeply to analyse; it was not checked",
		.help = "review this statement by hand, or split it (a long generated chain of operators, or "
			"hundreds of thousands of VALUES rows: load those with COPY) into smaller statements",
	},
};
