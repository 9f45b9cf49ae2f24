/*
 * invalid-input - a file that is not UTF-8 SQL text: a NUL byte (binary,
 * not linted) or invalid UTF-8 (linted as it is). Reported by the engine
 * before splitting (engine.c).
 */
#include "rule_api.h"

const ml_rule ml_rule_invalid_input = {
	.info = {
		.name = "invalid-input",
		.severity = ML_SEVERITY_ERROR,
		.summary = "the file is not UTF-8 text (NUL byte or invalid UTF-8)",
		.help = "save the migration as UTF-8 text; PostgreSQL servers with UTF8 encoding reject "
			"invalid byte sequences",
	},
};
