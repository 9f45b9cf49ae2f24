/*
 * dynamic-sql-not-analysed - an EXECUTE in PL/pgSQL (or RETURN QUERY
 * EXECUTE, OPEN ... FOR EXECUTE, FOR ... IN EXECUTE) whose SQL migralint
 * could not rebuild, so the statement it runs was not checked. plpgsql.c
 * rebuilds SQL made of literals, ||, format() and variables given such a
 * value earlier in the same branch, and reports the rest here.
 */
#include "rule_api.h"

const ml_rule ml_rule_dynamic_sql_not_analysed = {
	.info = {
		.name = "dynamic-sql-not-analysed",
		.severity = ML_SEVERITY_INFO,
		.summary = "SQL run by EXECUTE that migralint could not rebuild, so it was not checked",
		.help = "review by hand the statements this EXECUTE can run; to have them checked, build the SQL "
			"in the same body from literals and format() and assign it outside branches and loops, "
			"e.g. sql := format('ALTER TABLE %I ...', tbl); EXECUTE sql;",
	},
};
