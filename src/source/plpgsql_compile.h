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
#include "body_cache.h"

/* Compiles body, the PL/pgSQL source of stmt (a DoStmt, or a
 * CreateFunctionStmt of LANGUAGE plpgsql), with libpg_query, telling it
 * what PostgreSQL would know of the routine, and parses the JSON it gives
 * with cJSON. Returns the outcome: the one cache keeps for the same
 * routine (cache may be NULL), else the new one, kept in cache when it
 * fits. Only when the return value is own is the outcome the caller's:
 * then the message is in arena and the caller frees own->tree with
 * cJSON_Delete. What cache returned is valid until it is next given a
 * body (ml_body_cache_put_body). */
const ml_body_outcome *ml_plpgsql_compile(ml_arena *arena, ml_body_cache *cache, const PgQuery__Node *stmt,
					  const char *body, ml_body_outcome *own);

#endif
