/*
 * pg_names.c - the names PostgreSQL 15 makes up for unnamed indexes and
 * constraints, rebuilt from its documented behaviour and checked against a
 * real server (tests/schema_changes_test.sh): the table's name, the
 * columns' (or expressions') names and a label, cut to fit 63 bytes, and
 * numbered when taken.
 */
#include <stdio.h>
#include <string.h>

#include "pg_names.h"
#include "tree.h"

/* How many of the first len bytes of s to keep so that no more than limit
 * are kept and no UTF-8 character is cut (pg_mbcliplen). */
static size_t clip_utf8(const char *s, size_t len, size_t limit)
{
	size_t kept = 0;
	while (kept < len) {
		unsigned char c = (unsigned char)s[kept];
		size_t width = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		if (kept + width > limit)
			break;
		kept += width;
	}
	return kept;
}

const char *ml_pg_object_name(ml_arena *arena, const char *name1, const char *name2, const char *label)
{
	size_t overhead = (name2 ? 1 : 0) + (label ? strlen(label) + 1 : 0);
	size_t avail = ML_NAMEDATALEN - 1 > overhead ? ML_NAMEDATALEN - 1 - overhead : 0;
	size_t len1 = strlen(name1), len2 = name2 ? strlen(name2) : 0;
	/* The longer one gives way first, a byte at a time. */
	while (len1 + len2 > avail) {
		if (len1 > len2)
			len1--;
		else
			len2--;
	}
	len1 = clip_utf8(name1, len1, len1);
	if (name2)
		len2 = clip_utf8(name2, len2, len2);
	return ml_arena_printf(arena, "%.*s%s%.*s%s%s", (int)len1, name1, name2 ? "_" : "", (int)len2,
			       name2 ? name2 : "", label ? "_" : "", label ? label : "");
}

const char *ml_pg_name_addition(ml_arena *arena, const char *const *names, size_t n)
{
	char buf[ML_NAMEDATALEN * 2 + 2];
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (used > 0)
			buf[used++] = '_';
		/* Names are under 64 bytes already; the copy is bounded anyway. */
		size_t len = strnlen(names[i], ML_NAMEDATALEN - 1);
		memcpy(buf + used, names[i], len);
		used += len;
		buf[used] = '\0';
		if (used >= ML_NAMEDATALEN)
			break;
	}
	return ml_arena_strdup(arena, buf);
}

/* ---- the name of an index column's expression ------------------------- */

/* The name an expression gives its result column, and how strongly: 2 a
 * column's or function's name, 1 a fallback (a cast's type, "case") that
 * a stronger name inside wins over, 0 none (FigureColnameInternal). */
static int figure_name(const PgQuery__Node *node, const char **name)
{
	if (!node)
		return 0;
	switch (node->node_case) {
	case PG_QUERY__NODE__NODE_COLUMN_REF: {
		const PgQuery__ColumnRef *ref = node->column_ref;
		const char *last = NULL;
		for (size_t i = 0; i < ref->n_fields; i++)
			if (ref->fields[i] && ref->fields[i]->node_case == PG_QUERY__NODE__NODE_STRING)
				last = ref->fields[i]->string->sval;
		if (!last)
			return 0;
		*name = last;
		return 2;
	}
	case PG_QUERY__NODE__NODE_A_INDIRECTION: {
		const PgQuery__AIndirection *ind = node->a_indirection;
		const char *last = NULL;
		for (size_t i = 0; i < ind->n_indirection; i++)
			if (ind->indirection[i] && ind->indirection[i]->node_case == PG_QUERY__NODE__NODE_STRING)
				last = ind->indirection[i]->string->sval;
		if (!last)
			return figure_name(ind->arg, name);
		*name = last;
		return 2;
	}
	case PG_QUERY__NODE__NODE_FUNC_CALL:
		*name = ml_last_name(node->func_call->funcname, node->func_call->n_funcname);
		return 2;
	case PG_QUERY__NODE__NODE_A_EXPR:
		if (node->a_expr->kind != PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF)
			return 0;
		*name = "nullif";
		return 2;
	case PG_QUERY__NODE__NODE_TYPE_CAST: {
		int strength = figure_name(node->type_cast->arg, name);
		const PgQuery__TypeName *type = node->type_cast->type_name;
		if (strength <= 1 && type && type->n_names) {
			*name = ml_last_name(type->names, type->n_names);
			return 1;
		}
		return strength;
	}
	case PG_QUERY__NODE__NODE_COLLATE_CLAUSE:
		return figure_name(node->collate_clause->arg, name);
	case PG_QUERY__NODE__NODE_GROUPING_FUNC:
		*name = "grouping";
		return 2;
	case PG_QUERY__NODE__NODE_SUB_LINK:
		/* Index expressions hold no subqueries; the two that name
		 * themselves anyway. */
		if (node->sub_link->sub_link_type == PG_QUERY__SUB_LINK_TYPE__EXISTS_SUBLINK)
			*name = "exists";
		else if (node->sub_link->sub_link_type == PG_QUERY__SUB_LINK_TYPE__ARRAY_SUBLINK)
			*name = "array";
		else
			return 0;
		return 2;
	case PG_QUERY__NODE__NODE_CASE_EXPR: {
		int strength = figure_name(node->case_expr->defresult, name);
		if (strength <= 1) {
			*name = "case";
			return 1;
		}
		return strength;
	}
	case PG_QUERY__NODE__NODE_A_ARRAY_EXPR:
		*name = "array";
		return 2;
	case PG_QUERY__NODE__NODE_ROW_EXPR:
		*name = "row";
		return 2;
	case PG_QUERY__NODE__NODE_COALESCE_EXPR:
		*name = "coalesce";
		return 2;
	case PG_QUERY__NODE__NODE_MIN_MAX_EXPR:
		if (node->min_max_expr->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST)
			*name = "greatest";
		else if (node->min_max_expr->op == PG_QUERY__MIN_MAX_OP__IS_LEAST)
			*name = "least";
		else
			return 0;
		return 2;
	case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION: {
		static const char *const NAMES[] = {
			[PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_DATE] = "current_date",
			[PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIME] = "current_time",
			[PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIME_N] = "current_time",
			[PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP] = "current_timestamp",
			[PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP_N] = "current_timestamp",
			[PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME] = "localtime",
			[PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME_N] = "localtime",
			[PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP] = "localtimestamp",
			[PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP_N] = "localtimestamp",
			[PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_ROLE] = "current_role",
			[PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_USER] = "current_user",
			[PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_USER] = "user",
			[PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_SESSION_USER] = "session_user",
			[PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_CATALOG] = "current_catalog",
			[PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_SCHEMA] = "current_schema",
		};
		size_t op = (size_t)node->sqlvalue_function->op;
		if (op >= sizeof(NAMES) / sizeof(NAMES[0]) || !NAMES[op])
			return 0;
		*name = NAMES[op];
		return 2;
	}
	case PG_QUERY__NODE__NODE_XML_EXPR: {
		static const char *const NAMES[] = {
			[PG_QUERY__XML_EXPR_OP__IS_XMLCONCAT] = "xmlconcat",
			[PG_QUERY__XML_EXPR_OP__IS_XMLELEMENT] = "xmlelement",
			[PG_QUERY__XML_EXPR_OP__IS_XMLFOREST] = "xmlforest",
			[PG_QUERY__XML_EXPR_OP__IS_XMLPARSE] = "xmlparse",
			[PG_QUERY__XML_EXPR_OP__IS_XMLPI] = "xmlpi",
			[PG_QUERY__XML_EXPR_OP__IS_XMLROOT] = "xmlroot",
			[PG_QUERY__XML_EXPR_OP__IS_XMLSERIALIZE] = "xmlserialize",
		};
		size_t op = (size_t)node->xml_expr->op;
		if (op >= sizeof(NAMES) / sizeof(NAMES[0]) || !NAMES[op])
			return 0;
		*name = NAMES[op];
		return 2;
	}
	case PG_QUERY__NODE__NODE_XML_SERIALIZE:
		*name = "xmlserialize";
		return 2;
	default:
		return 0;
	}
}

/* The name an index element starts from: its own column name, the name
 * its expression gives, or "expr". */
static const char *element_name(const PgQuery__Node *e)
{
	if (!e)
		return "expr";
	if (e->node_case == PG_QUERY__NODE__NODE_STRING)
		return e->string->sval;
	if (e->node_case != PG_QUERY__NODE__NODE_INDEX_ELEM)
		return "expr";
	const PgQuery__IndexElem *ie = e->index_elem;
	if (ie->indexcolname && *ie->indexcolname)
		return ie->indexcolname;
	if (ie->name && *ie->name)
		return ie->name;
	const char *name = NULL;
	figure_name(ie->expr, &name);
	return name && *name ? name : "expr";
}

size_t ml_pg_index_column_names(ml_arena *arena, PgQuery__Node *const *elems, size_t n, const char **out, size_t max)
{
	size_t count = 0;
	for (size_t i = 0; i < n && count < max; i++) {
		const char *orig = element_name(elems[i]);
		const char *name = orig;
		/* A name met before gets the first free number. */
		for (int k = 1;; k++) {
			bool seen = false;
			for (size_t j = 0; j < count && !seen; j++)
				seen = !strcmp(out[j], name);
			if (!seen)
				break;
			char number[16];
			snprintf(number, sizeof(number), "%d", k);
			size_t keep = clip_utf8(orig, strlen(orig), ML_NAMEDATALEN - 1 - strlen(number));
			name = ml_arena_printf(arena, "%.*s%s", (int)keep, orig, number);
		}
		out[count++] = name;
	}
	return count;
}

const char *ml_pg_choose_name(ml_arena *arena, const char *name1, const char *name2, const char *label,
			      ml_pg_name_taken_fn taken, void *data)
{
	const char *name = ml_pg_object_name(arena, name1, name2, label);
	for (int pass = 1; taken && taken(name, data) && pass < 10000; pass++) {
		char numbered[ML_NAMEDATALEN];
		snprintf(numbered, sizeof(numbered), "%s%d", label ? label : "", pass);
		name = ml_pg_object_name(arena, name1, name2, numbered);
	}
	return name;
}
