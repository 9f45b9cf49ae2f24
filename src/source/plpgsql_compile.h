/*
 * plpgsql_compile.h - libpg_query's PL/pgSQL compiler run over a body
 * (plpgsql_compile.c), with what PostgreSQL would know of the routine, for
 * the expander (plpgsql.c).
 */
#ifndef MIGRALINT_PLPGSQL_COMPILE_H
#define MIGRALINT_PLPGSQL_COMPILE_H

#include <stdbool.h>
#include <stddef.h>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include "arena.h"

/* What libpg_query's PL/pgSQL compiler made of a body. */
typedef struct ml_plpgsql_compiled {
	PgQueryPlpgsqlParseResult result; /* libpg_query's: on success plpgsql_funcs is the JSON */
	bool failed;              /* the compiler refused the body */
	const char *message;      /* then its message */
	bool located;             /* error_start/error_end hold where it stopped */
	size_t error_start, error_end; /* byte span in the body */
	int near_line;            /* the body line its context names ("near line N"), or 0 */
	bool cached;              /* result.plpgsql_funcs came from the parse cache (malloc'd) */
} ml_plpgsql_compiled;
/* Compiles body, the PL/pgSQL source of stmt (a DoStmt, or a
 * CreateFunctionStmt of LANGUAGE plpgsql), with libpg_query, telling it
 * what PostgreSQL would know of the routine. The message is copied into
 * arena; the caller releases *out with ml_plpgsql_compiled_free. */
void ml_plpgsql_compile(ml_arena *arena, const PgQuery__Node *stmt, const char *body, ml_plpgsql_compiled *out);
void ml_plpgsql_compiled_free(ml_plpgsql_compiled *compiled);

#endif
