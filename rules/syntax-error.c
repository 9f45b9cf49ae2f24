/*
 * syntax-error - a statement the PostgreSQL 15 parser rejects. The engine
 * reports it while parsing (engine.c, plpgsql.c); this file only describes
 * the rule.
 */
#include "rule_api.h"

const ml_rule ml_rule_syntax_error = {
	.info = {
		.name = "syntax-error",
		.severity = ML_SEVERITY_ERROR,
		.summary = "a statement PostgreSQL's parser rejects",
		.help = "fix the statement; the statements around it were still linted (an unterminated quote "
			"runs to the end of the file). Syntax newer than PostgreSQL 15 (e.g. PG 18's ADD "
			"CONSTRAINT ... NOT NULL col) is not understood yet",
	},
};
