/*
 * tree.c - generic helpers over libpg_query's protobuf-c parse tree: an
 * iterative walk driven by the protobuf descriptors (so no tree depth can
 * overflow our stack), node locations, names, type text and the volatility of
 * expressions.
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* Upper bound on messages one walk visits; a statement that big is not a
 * migration anyone reviews, and the bound keeps hostile input cheap. */
#define WALK_LIMIT 2000000

void ml_walk(const ProtobufCMessage *msg, ml_visit_fn visit, void *data)
{
	if (!msg)
		return;
	size_t cap = 256, len = 0, visited = 0;
	const ProtobufCMessage **stack = malloc(cap * sizeof(*stack));
	if (!stack)
		return;
	stack[len++] = msg;
	while (len > 0 && visited++ < WALK_LIMIT) {
		const ProtobufCMessage *m = stack[--len];
		if (!visit(m, data))
			continue;
		const ProtobufCMessageDescriptor *desc = m->descriptor;
		/* Push children in reverse so they are visited in source order. */
		for (size_t fi = desc->n_fields; fi-- > 0;) {
			const ProtobufCFieldDescriptor *f = &desc->fields[fi];
			if (f->type != PROTOBUF_C_TYPE_MESSAGE)
				continue;
			const char *base = (const char *)m;
			if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
				uint32_t which = *(const uint32_t *)(base + f->quantifier_offset);
				if (which != f->id)
					continue;
			}
			size_t n;
			const ProtobufCMessage *const *items;
			const ProtobufCMessage *single;
			if (f->label == PROTOBUF_C_LABEL_REPEATED) {
				n = *(const size_t *)(base + f->quantifier_offset);
				items = *(const ProtobufCMessage *const *const *)(base + f->offset);
			} else {
				single = *(const ProtobufCMessage *const *)(base + f->offset);
				n = single ? 1 : 0;
				items = &single;
			}
			if (len + n > cap) {
				while (len + n > cap)
					cap *= 2;
				const ProtobufCMessage **grown = realloc(stack, cap * sizeof(*stack));
				if (!grown) {
					free(stack);
					return;
				}
				stack = grown;
			}
			for (size_t k = n; k-- > 0;)
				if (items[k])
					stack[len++] = items[k];
		}
	}
	free(stack);
}

static const ProtobufCMessage *node_inner(const PgQuery__Node *node)
{
	if (!node || node->node_case == PG_QUERY__NODE__NODE__NOT_SET)
		return NULL;
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field(node->base.descriptor, (unsigned)node->node_case);
	if (!f)
		return NULL;
	return *(const ProtobufCMessage *const *)((const char *)node + f->offset);
}

int ml_node_location(const PgQuery__Node *node)
{
	const ProtobufCMessage *inner = node_inner(node);
	if (!inner)
		return -1;
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field_by_name(inner->descriptor, "location");
	if (!f || f->type != PROTOBUF_C_TYPE_INT32)
		return -1;
	return *(const int32_t *)((const char *)inner + f->offset);
}

const char *ml_last_name(PgQuery__Node *const *names, size_t n)
{
	for (size_t i = n; i-- > 0;)
		if (names[i] && names[i]->node_case == PG_QUERY__NODE__NODE_STRING)
			return names[i]->string->sval;
	return "";
}

bool ml_type_is_serial(const PgQuery__TypeName *type)
{
	if (!type)
		return false;
	const char *name = ml_last_name(type->names, type->n_names);
	static const char *const SERIALS[] = { "serial", "bigserial", "smallserial",
					       "serial2", "serial4", "serial8" };
	for (size_t i = 0; i < sizeof(SERIALS) / sizeof(SERIALS[0]); i++)
		if (!strcmp(name, SERIALS[i]))
			return true;
	return false;
}

static const char *type_alias(const char *name)
{
	static const char *const ALIASES[][2] = {
		{ "int4", "integer" }, { "int8", "bigint" }, { "int2", "smallint" },
		{ "float8", "double precision" }, { "float4", "real" }, { "bool", "boolean" },
		{ "varchar", "varchar" }, { "bpchar", "char" }, { "timestamptz", "timestamptz" },
	};
	for (size_t i = 0; i < sizeof(ALIASES) / sizeof(ALIASES[0]); i++)
		if (!strcmp(name, ALIASES[i][0]))
			return ALIASES[i][1];
	return name;
}

const char *ml_type_text(const ml_stmt_ctx *ctx, const PgQuery__TypeName *type)
{
	ml_arena *arena = ctx->engine->file_arena;
	if (!type)
		return NULL;
	const char *text = type_alias(ml_last_name(type->names, type->n_names));
	if (type->n_typmods > 0) {
		const char *mods = "";
		for (size_t i = 0; i < type->n_typmods; i++) {
			const PgQuery__Node *m = type->typmods[i];
			const char *piece = "?";
			if (m && m->node_case == PG_QUERY__NODE__NODE_A_CONST && m->a_const->val_case ==
			    PG_QUERY__A__CONST__VAL_IVAL)
				piece = ml_arena_printf(arena, "%d", m->a_const->ival->ival);
			mods = ml_arena_printf(arena, "%s%s%s", mods, i ? "," : "", piece);
		}
		text = ml_arena_printf(arena, "%s(%s)", text, mods);
	}
	if (type->n_array_bounds > 0)
		text = ml_arena_printf(arena, "%s[]", text);
	return text;
}

bool ml_has_option(PgQuery__Node *const *options, size_t n, const char *defname)
{
	for (size_t i = 0; i < n; i++)
		if (options[i] && options[i]->node_case == PG_QUERY__NODE__NODE_DEF_ELEM &&
		    !strcmp(options[i]->def_elem->defname, defname))
			return true;
	return false;
}

struct volatility_search {
	ml_run *run;
	const char *found;
};

static bool find_volatile(const ProtobufCMessage *msg, void *data)
{
	struct volatility_search *s = data;
	if (s->found)
		return false;
	if (msg->descriptor == &pg_query__func_call__descriptor) {
		const PgQuery__FuncCall *call = (const PgQuery__FuncCall *)msg;
		const char *name = ml_last_name(call->funcname, call->n_funcname);
		char v = ml_schema_function_volatility(s->run, name);
		if (!v)
			v = ml_builtin_volatility(name);
		/* A function we know nothing about was made with CREATE FUNCTION,
		 * whose default is VOLATILE. */
		if (!v || v == 'v')
			s->found = name;
	}
	/* A subquery cannot appear in a DEFAULT; nothing else calls functions. */
	return true;
}

bool ml_expr_is_volatile(const ml_stmt_ctx *ctx, const PgQuery__Node *expr, const char **name)
{
	struct volatility_search s = { .run = ctx->engine->run };
	ml_walk(&expr->base, find_volatile, &s);
	if (name)
		*name = s.found;
	return s.found != NULL;
}
