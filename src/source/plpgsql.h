/*
 * plpgsql.h - the PL/pgSQL expander (plpgsql.c): the units a DO block or a
 * PL/pgSQL routine body runs, and the name it puts in for the names dynamic
 * SQL computes.
 */
#ifndef MIGRALINT_PLPGSQL_H
#define MIGRALINT_PLPGSQL_H

#include "body_cache.h"
#include "linemap.h"
#include "stmt_unit.h"

/* The identifier put in for names dynamic SQL computes at run time. It
 * never reaches a report: ml_without_placeholder turns every name
 * holding it into ML_DYNAMIC_NAME_TEXT. */
#define ML_DYNAMIC_PLACEHOLDER "dynamic_name"
#define ML_DYNAMIC_NAME_TEXT "a name computed at run time"

/* Appends to out the child units of parent, a statement unit: for a DO
 * block or a CREATE FUNCTION/PROCEDURE of LANGUAGE plpgsql whose body
 * lies in the file map holds, the units its body runs, in order (its SQL
 * statements with their spans and environments, a TX_END unit for each
 * COMMIT and ROLLBACK, the statements of EXECUTE'd text it can rebuild as
 * dynamic units, a not-analysed unit for the rest, and a syntax-error or
 * too-complex unit when the body does not compile or is too large); for
 * such a statement rebuilt from an EXECUTE, a not-analysed unit; for any
 * other statement, nothing. Also sets out->body, out->walked and the
 * body's span. The units live in out's arena and in the parses out takes
 * over (ml_unit_list_free); parent must outlive them. Reads nothing but
 * parent and the file. cache, the run's (NULL: none), gives what was
 * learnt of the same body before, and keeps what is learnt now: the units
 * are the same either way. */
void ml_plpgsql_expand(const ml_unit *parent, const ml_line_map *map, ml_body_cache *cache, ml_unit_list *out);

#endif
