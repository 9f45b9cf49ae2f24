/*
 * pg_grammar.h - what differs between the PostgreSQL grammars migralint
 * builds against: libpg_query 15 (Debian 12, the default) and 17 (Debian 13,
 * scripts/check-pg17.sh). Macros only, chosen at compile time from
 * PG_VERSION_NUM in pg_query.h. The source and model layers include it as
 * rules do; it lives here because src/rule_api/ is the only folder of src/
 * on the rules' include path (tests/layers_test.py allows it).
 */
#ifndef MIGRALINT_PG_GRAMMAR_H
#define MIGRALINT_PG_GRAMMAR_H

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#ifndef PG_VERSION_NUM
#error "pg_query.h defines no PG_VERSION_NUM"
#endif

/* PostgreSQL 16 dropped the five ALTER TABLE subtypes AT_AddColumnRecurse,
 * AT_DropColumnRecurse, AT_AddConstraintRecurse, AT_ValidateConstraintRecurse
 * and AT_DropConstraintRecurse from its node enum. PostgreSQL 15 set them
 * during execution, not in the parser, but they are values of libpg_query
 * 15's enum and migralint has always read them as the plain subtype; on 15
 * it still does, and on 17 the names no longer exist:
 *
 *   ML_AT_RECURSE_CASE(AddColumn)  expands to the case label of
 *     AT_AddColumnRecurse on the 15 grammar, to nothing on 16 and later;
 *   ML_AT_IS(subtype, AddColumn)  is true for AT_AddColumn, and on the 15
 *     grammar for AT_AddColumnRecurse too. */
#if PG_VERSION_NUM < 160000
#define ML_AT_RECURSE_CASE(name) case PG_QUERY__ALTER_TABLE_TYPE__AT_##name##Recurse:
#define ML_AT_IS(subtype, name)                                                                                        \
	((subtype) == PG_QUERY__ALTER_TABLE_TYPE__AT_##name || (subtype) == PG_QUERY__ALTER_TABLE_TYPE__AT_##name##Recurse)
#else
#define ML_AT_RECURSE_CASE(name)
#define ML_AT_IS(subtype, name) ((subtype) == PG_QUERY__ALTER_TABLE_TYPE__AT_##name)
#endif

/* PL/pgSQL (pg_query_parse_plpgsql's JSON): libpg_query 15 gives a declared
 * RECORD variable as a PLpgSQL_var datum of type "record", and the target
 * of SELECT ... INTO r or FOR r IN SELECT as a PLpgSQL_row with one field
 * naming r; libpg_query 17 gives r as a PLpgSQL_rec datum {refname, dno,
 * lineno}, that datum again as the target, and adds a PLpgSQL_recfield
 * datum per r.field read. NEW and OLD are PLpgSQL_rec on both, without a
 * lineno. When ML_PLPGSQL_RECORD_IS_REC is 1, src/source/plpgsql.c reads a
 * PLpgSQL_rec with a lineno as 15's PLpgSQL_var and row. (16 is taken to
 * be 17; only 15 and 17 are built and tested.) */
#if PG_VERSION_NUM < 160000
#define ML_PLPGSQL_RECORD_IS_REC 0
#else
#define ML_PLPGSQL_RECORD_IS_REC 1
#endif

#endif
