/*
 * catalog_deps.c - what depends on the tables and columns the catalog
 * knows: the objects the migrations make that use them (views, indexes,
 * constraints, triggers, policies, statistics, rules, publications,
 * functions), where each was made, and what PostgreSQL does to it when a
 * column it uses is dropped; and the columns dropped or renamed, for the
 * statements that still use them. Objects are made once and never
 * changed, so copies of the catalog share them; each copy has its own
 * lists of the live ones (by name, by table, bodies by words, trigger
 * functions), oldest first, so a statement looks only at what it
 * concerns however long the history.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_private.h"
#include "column_refs.h"
#include "parse.h"
#include "plpgsql.h"
#include "tree.h"

/* ---- the uses of one object ----------------------------------------------- */

typedef struct uses {
	ml_catalog *cat;
	ml_column_use *items;
	size_t len, cap;
	ml_ptr_vec rows;          /* NEW.x and OLD.x: the names (char *), in the catalog */
} uses;

static void push_use(uses *u, ml_column_use use)
{
	for (size_t i = 0; i < u->len; i++)
		if (u->items[i].table == use.table && u->items[i].column == use.column &&
		    u->items[i].star == use.star)
			return;
	if (u->len == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 8;
		u->items = ml_arena_grow(u->cat->arena, u->items, u->cap * sizeof(*u->items), cap * sizeof(*u->items));
		u->cap = cap;
	}
	u->items[u->len++] = use;
}

/* gone_words' values (note_gone_word). */
#define GONE_COLUMN 1u
#define GONE_TABLE 2u

static uint64_t table_bit(size_t id)
{
	return (uint64_t)1 << (id % 64);
}

/* gone_index's key for (table, column) in buf; false when it does not fit. */
static bool gone_key(char *buf, size_t len, size_t table, const char *column)
{
	int n = snprintf(buf, len, "%zu:%s", table, column);
	return n > 0 && (size_t)n < len;
}

static const ml_gone_column *gone_of(const ml_catalog *cat, size_t table, const char *column)
{
	/* Every gone column's name is noted: most names never were. */
	if (!((uintptr_t)ml_map_get(&cat->gone_words, column) & GONE_COLUMN))
		return NULL;
	char key[256];
	if (gone_key(key, sizeof(key), table, column))
		return ml_map_get(&cat->gone_index, key);
	for (size_t i = cat->gone.len; i-- > 0;) {
		const ml_gone_column *g = cat->gone.items[i];
		if (g->table == table && !strcmp(g->column, column))
			return g;
	}
	return NULL;
}

/* Adds g to the gone columns, found by gone_of from now on. */
static void push_gone(ml_catalog *cat, ml_gone_column *g)
{
	ml_ptr_vec_push(cat->arena, &cat->gone, g);
	char key[256];
	if (gone_key(key, sizeof(key), g->table, g->column))
		ml_map_put(cat->arena, &cat->gone_index, key, g);
}

static void on_ref(const ml_column_ref *ref, void *data)
{
	uses *u = data;
	if (ref->trigger_row && ref->column) {
		for (size_t i = 0; i < u->rows.len; i++)
			if (!strcmp(u->rows.items[i], ref->column))
				return;
		ml_ptr_vec_push(u->cat->arena, &u->rows, ml_arena_strdup(u->cat->arena, ref->column));
		return;
	}
	if (!ref->table)
		return;
	ml_table_state *t = ml_catalog_touch(u->cat, ref->schema, ref->table);
	ml_column_use use = { .table = t->id, .star = ref->star };
	if (ref->column) {
		ml_column_facts *c = ml_catalog_column_facts(u->cat, t, ref->column, false);
		/* A column gone earlier is not made up again: the object's
		 * statement fails, and the rule about it says so. */
		if (!c && gone_of(u->cat, t->id, ref->column))
			return;
		if (!c)
			c = ml_catalog_column_facts(u->cat, t, ref->column, true);
		use.column = c->id;
	}
	push_use(u, use);
}

/* ---- objects ---------------------------------------------------------------- */

static ml_dependent *new_dependent(ml_catalog *cat, const char *kind, const char *name, const ml_table_state *own,
				   ml_dependency own_columns)
{
	ml_dependent *d = ml_arena_alloc(cat->arena, sizeof(*d));
	d->kind = kind;
	d->name = ml_arena_strdup(cat->arena, name ? name : "");
	d->path = cat->path ? cat->path : "";
	d->line = cat->line;
	d->table = own ? own->id : SIZE_MAX;
	d->own_columns = own_columns;
	d->made_at = cat->applied;
	return d;
}

/* ---- the lists of live dependents ------------------------------------------ */

/* Where d is, or would go, in list (ordered oldest first): the first item
 * not older than d. */
static size_t ordered_place(const ml_ptr_vec *list, const ml_dependent *d)
{
	size_t lo = 0, hi = list->len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (((const ml_dependent *)list->items[mid])->order < d->order)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool ordered_has(const ml_ptr_vec *list, const ml_dependent *d)
{
	size_t at = ordered_place(list, d);
	return at < list->len && list->items[at] == d;
}

/* Adds d to list in its place, once. A new dependent is the newest: it
 * goes at the end without a search. */
static void ordered_add(ml_arena *arena, ml_ptr_vec *list, const ml_dependent *d)
{
	if (!list->len || ((const ml_dependent *)list->items[list->len - 1])->order < d->order) {
		ml_ptr_vec_push(arena, list, (void *)d);
		return;
	}
	size_t at = ordered_place(list, d);
	if (at < list->len && list->items[at] == d)
		return;
	ml_ptr_vec_push(arena, list, NULL);
	memmove(&list->items[at + 1], &list->items[at], (list->len - 1 - at) * sizeof(*list->items));
	list->items[at] = (void *)d;
}

static void ordered_remove(ml_ptr_vec *list, const ml_dependent *d)
{
	size_t at = ordered_place(list, d);
	if (at >= list->len || list->items[at] != d)
		return;
	memmove(&list->items[at], &list->items[at + 1], (list->len - at - 1) * sizeof(*list->items));
	list->len--;
}

/* The list of the dependents of table id; with create, made when missing
 * (else NULL then). */
static ml_ptr_vec *table_list(const ml_catalog *cat, size_t id, ml_catalog *create)
{
	if (id == SIZE_MAX)
		return NULL;
	if (id < cat->table_dependents.len && cat->table_dependents.items[id])
		return cat->table_dependents.items[id];
	if (!create)
		return NULL;
	while (create->table_dependents.len <= id)
		ml_ptr_vec_push(create->arena, &create->table_dependents, NULL);
	ml_ptr_vec *list = ml_arena_alloc(create->arena, sizeof(*list));
	*list = (ml_ptr_vec){ 0 };
	create->table_dependents.items[id] = list;
	return list;
}

/* Makes d live: it joins every list it belongs in (each once). */
static void link_dependent(ml_catalog *cat, const ml_dependent *d)
{
	ml_ptr_vec *same = ml_map_get(&cat->dependent_names, d->name);
	if (!same) {
		same = ml_arena_alloc(cat->arena, sizeof(*same));
		*same = (ml_ptr_vec){ 0 };
		ml_map_put(cat->arena, &cat->dependent_names, d->name, same);
	}
	ordered_add(cat->arena, same, d);
	if (d->table != SIZE_MAX)
		ordered_add(cat->arena, table_list(cat, d->table, cat), d);
	for (size_t i = 0; i < d->n_uses; i++)
		ordered_add(cat->arena, table_list(cat, d->uses[i].table, cat), d);
	if (d->n_words)
		ordered_add(cat->arena, &cat->word_dependents, d);
	if (d->n_row_columns)
		ordered_add(cat->arena, &cat->row_dependents, d);
}

/* Forgets d: it leaves every list it is in. */
static void unlink_dependent(ml_catalog *cat, const ml_dependent *d)
{
	ml_ptr_vec *same = ml_map_get(&cat->dependent_names, d->name);
	if (same)
		ordered_remove(same, d);
	ml_ptr_vec *own = table_list(cat, d->table, NULL);
	if (own)
		ordered_remove(own, d);
	for (size_t i = 0; i < d->n_uses; i++) {
		ml_ptr_vec *used = table_list(cat, d->uses[i].table, NULL);
		if (used)
			ordered_remove(used, d);
	}
	if (d->n_words)
		ordered_remove(&cat->word_dependents, d);
	if (d->n_row_columns)
		ordered_remove(&cat->row_dependents, d);
}

/* Is d live in cat? */
static bool is_live(const ml_catalog *cat, const ml_dependent *d)
{
	const ml_ptr_vec *same = ml_map_get(&cat->dependent_names, d->name);
	return same && ordered_has(same, d);
}

/* The dependents of list that satisfy pred(d, data), copied (they leave
 * the lists as they are forgotten), in arena; *n of them. */
static const ml_dependent **select_from(ml_arena *arena, const ml_dependent *const *list, size_t len,
					bool (*pred)(const ml_dependent *, const void *), const void *data, size_t *n)
{
	*n = 0;
	const ml_dependent **out = NULL;
	for (size_t i = 0; i < len; i++) {
		if (!pred(list[i], data))
			continue;
		if (!out)
			out = ml_arena_alloc(arena, (len - i) * sizeof(*out));
		out[(*n)++] = list[i];
	}
	return out;
}

const ml_dependent *const *ml_catalog_dependents_named(const ml_catalog *cat, const char *name, size_t *n)
{
	const ml_ptr_vec *same = ml_map_get(&cat->dependent_names, name);
	*n = same ? same->len : 0;
	return same && same->len ? (const ml_dependent *const *)same->items : NULL;
}

bool ml_catalog_dependent_named(const ml_catalog *cat, const char *name)
{
	const ml_ptr_vec *same = ml_map_get(&cat->dependent_names, name);
	return same && same->len > 0;
}

const ml_dependent *const *ml_catalog_dependents_of_table(const ml_catalog *cat, size_t id, size_t *n)
{
	const ml_ptr_vec *list = table_list(cat, id, NULL);
	*n = list ? list->len : 0;
	return list && list->len ? (const ml_dependent *const *)list->items : NULL;
}

static int compare_order(const void *a, const void *b)
{
	size_t x = (*(const ml_dependent *const *)a)->order, y = (*(const ml_dependent *const *)b)->order;
	return x < y ? -1 : x > y;
}

const ml_dependent **ml_catalog_live_dependents(const ml_catalog *cat, ml_arena *arena, size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < cat->dependent_names.cap; i++) {
		const ml_map_entry *e = &cat->dependent_names.entries[i];
		if (e->key && e->value)
			*n += ((const ml_ptr_vec *)e->value)->len;
	}
	if (!*n)
		return NULL;
	const ml_dependent **all = ml_arena_alloc(arena, *n * sizeof(*all));
	size_t k = 0;
	for (size_t i = 0; i < cat->dependent_names.cap; i++) {
		const ml_map_entry *e = &cat->dependent_names.entries[i];
		const ml_ptr_vec *same = e->key ? e->value : NULL;
		for (size_t j = 0; same && j < same->len; j++)
			all[k++] = same->items[j];
	}
	qsort(all, *n, sizeof(*all), compare_order);
	return all;
}

/* Adds d with the uses in u, when it uses anything. */
static void keep(ml_catalog *cat, ml_dependent *d, const uses *u)
{
	if (!u->len && !d->n_words && !u->rows.len)
		return;
	d->uses = u->items;
	d->n_uses = u->len;
	for (size_t i = 0; i < u->len; i++)
		d->table_bits |= table_bit(u->items[i].table);
	d->row_columns = (const char *const *)u->rows.items;
	d->n_row_columns = u->rows.len;
	d->order = cat->next_order++;
	link_dependent(cat, d);
}

static bool same_kind(const ml_dependent *d, const char *kind)
{
	/* Kinds are this file's literals: the same pointer, mostly. */
	if (d->kind == kind)
		return true;
	/* DROP VIEW and DROP MATERIALIZED VIEW, ALTER TABLE ... DROP
	 * CONSTRAINT of a foreign key: one family each. */
	if (!strcmp(kind, "constraint"))
		return !strcmp(d->kind, "constraint") || !strcmp(d->kind, "foreign key");
	return !strcmp(d->kind, kind);
}

/* Which objects forget and rename_object take: of kind, on table own
 * (SIZE_MAX: any), among the ones of a name. */
struct of_kind {
	const char *kind;
	size_t own;
};

static bool is_of_kind(const ml_dependent *d, const void *data)
{
	const struct of_kind *k = data;
	return same_kind(d, k->kind) && (k->own == SIZE_MAX || d->table == k->own);
}

/* Forgets the objects of kind named name (on table own, SIZE_MAX: any). */
static void forget(ml_catalog *cat, const char *kind, const char *name, size_t own)
{
	size_t n_named, n;
	const ml_dependent *const *named = ml_catalog_dependents_named(cat, name, &n_named);
	struct of_kind k = { kind, own };
	const ml_dependent **gone = select_from(cat->arena, named, n_named, is_of_kind, &k, &n);
	for (size_t i = 0; i < n; i++)
		unlink_dependent(cat, gone[i]);
}

/* The same object under a new name: a copy, as objects never change; it
 * keeps its place among the others. */
static void rename_object(ml_catalog *cat, const char *kind, const char *name, const char *newname, size_t own)
{
	size_t n_named, n;
	const ml_dependent *const *named = ml_catalog_dependents_named(cat, name, &n_named);
	struct of_kind k = { kind, own };
	const ml_dependent **renamed = select_from(cat->arena, named, n_named, is_of_kind, &k, &n);
	for (size_t i = 0; i < n; i++) {
		ml_dependent *copy = ml_arena_alloc(cat->arena, sizeof(*copy));
		*copy = *renamed[i];
		copy->name = ml_arena_strdup(cat->arena, newname);
		unlink_dependent(cat, renamed[i]);
		link_dependent(cat, copy);
	}
}

/* A constraint of table t (written in column definition def, or NULL). */
static void record_constraint(ml_catalog *cat, ml_table_state *t, const PgQuery__Constraint *con,
			      const PgQuery__ColumnDef *def)
{
	const char *column = def ? def->colname : NULL;
	const char *kind;
	ml_dependency own = ML_DEPENDENCY_AUTO;
	switch (con->contype) {
	case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
	case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
	case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
	case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION:
		kind = "constraint";
		break;
	case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
		kind = "foreign key";
		break;
	case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED:
		/* A generated column depends on the columns it reads. */
		if (!column)
			return;
		kind = "generated column";
		own = ML_DEPENDENCY_NORMAL;
		break;
	default:
		return;
	}
	const char *name = own == ML_DEPENDENCY_NORMAL ? column
			   : def ? ml_catalog_column_constraint_name(cat, cat->arena, t->schema, t->name, def, con, NULL)
				 : ml_catalog_constraint_name(cat, cat->arena, t->schema, t->name, con, NULL, NULL);
	if (!name)
		return; /* a key folded into another of its column */
	uses u = { .cat = cat };
	ml_column_refs_of_constraint(cat, con, t->schema, t->name, column, on_ref, &u);
	keep(cat, new_dependent(cat, kind, name, t, own), &u);
}

static void record_column_def(ml_catalog *cat, ml_table_state *t, const PgQuery__ColumnDef *def)
{
	for (size_t i = 0; def->colname && i < def->n_constraints; i++) {
		const PgQuery__Node *c = def->constraints[i];
		if (c && c->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
			record_constraint(cat, t, c->constraint, def);
	}
}

/* An object made by stmt that uses what stmt names, on table own (NULL: none). */
static void record_stmt(ml_catalog *cat, const PgQuery__Node *stmt, const char *kind, const char *name,
			const ml_table_state *own, ml_dependency own_columns)
{
	uses u = { .cat = cat };
	ml_column_refs_of_stmt(cat, stmt, on_ref, &u);
	keep(cat, new_dependent(cat, kind, name, own, own_columns), &u);
}

/* ---- function bodies PostgreSQL does not track ------------------------------ */

static int compare_words(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_word_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool is_word_char(unsigned char c)
{
	return is_word_start(c) || (c >= '0' && c <= '9') || c == '$';
}

/* The words of a body, lower-cased, sorted and unique, in the catalog. */
static void body_words(ml_catalog *cat, ml_dependent *d, const char *body)
{
	ml_ptr_vec words = { 0 };
	ml_map seen = { 0 };
	ml_arena *scratch = ml_arena_new();
	if (!scratch)
		return;
	for (const char *p = body; *p;) {
		if (!is_word_start((unsigned char)*p)) {
			p++;
			continue;
		}
		const char *start = p;
		while (*p && is_word_char((unsigned char)*p))
			p++;
		char *word = ml_arena_strndup(scratch, start, (size_t)(p - start));
		for (char *c = word; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		if (ml_map_get(&seen, word))
			continue;
		ml_map_put(scratch, &seen, word, word);
		ml_ptr_vec_push(scratch, &words, word);
	}
	const char **sorted = ml_arena_alloc(cat->arena, (words.len ? words.len : 1) * sizeof(*sorted));
	for (size_t i = 0; i < words.len; i++)
		sorted[i] = ml_arena_strdup(cat->arena, words.items[i]);
	qsort(sorted, words.len, sizeof(*sorted), compare_words);
	d->words = sorted;
	d->n_words = words.len;
	ml_arena_free(scratch);
}

static bool has_word(const ml_dependent *d, const char *word)
{
	char lower[256];
	size_t n = strlen(word);
	if (n >= sizeof(lower))
		return false;
	for (size_t i = 0; i <= n; i++)
		lower[i] = word[i] >= 'A' && word[i] <= 'Z' ? (char)(word[i] - 'A' + 'a') : word[i];
	const char *key = lower;
	return d->n_words && bsearch(&key, d->words, d->n_words, sizeof(*d->words), compare_words);
}

static void record_function(ml_catalog *cat, const PgQuery__Node *stmt)
{
	const PgQuery__CreateFunctionStmt *fn = stmt->create_function_stmt;
	const char *name = ml_last_name(fn->funcname, fn->n_funcname);
	/* CREATE OR REPLACE: the new body replaces the old one. */
	forget(cat, "function", name, SIZE_MAX);
	cat->body_function = NULL;
	if (fn->sql_body) {
		record_stmt(cat, stmt, "function", name, NULL, ML_DEPENDENCY_NORMAL);
		return;
	}
	const PgQuery__DefElem *lang = ml_option(fn->options, fn->n_options, "language");
	const char *language = lang && lang->arg && lang->arg->node_case == PG_QUERY__NODE__NODE_STRING
				       ? lang->arg->string->sval : "sql";
	if (!strcmp(language, "c") || !strcmp(language, "internal"))
		return;
	const PgQuery__DefElem *as = ml_option(fn->options, fn->n_options, "as");
	const PgQuery__Node *body = as ? as->arg : NULL;
	if (body && body->node_case == PG_QUERY__NODE__NODE_LIST && body->list->n_items)
		body = body->list->items[0];
	if (!body || body->node_case != PG_QUERY__NODE__NODE_STRING || !body->string->sval)
		return;
	ml_dependent *d = new_dependent(cat, "function", name, NULL, ML_DEPENDENCY_UNTRACKED);
	uses u = { .cat = cat };
	if (!strcmp(language, "sql")) {
		/* Parsed here: what its statements use, resolved as a query's. */
		const char *text = body->string->sval;
		ml_parsed parsed;
		ml_parse_statement(text, strlen(text), &parsed);
		bool ok = parsed.status == ML_PARSED_OK && parsed.tree;
		for (size_t i = 0; ok && i < parsed.tree->n_stmts; i++)
			if (parsed.tree->stmts[i] && parsed.tree->stmts[i]->stmt)
				ml_column_refs_of_stmt(cat, parsed.tree->stmts[i]->stmt, on_ref, &u);
		ml_parsed_free(&parsed);
		if (ok) {
			keep(cat, d, &u);
			return;
		}
	}
	/* PL/pgSQL: its statements come from the engine's walk of the body
	 * (ml_catalog_body_stmt); its words stand in until then, and for a
	 * body the walk cannot read. */
	body_words(cat, d, body->string->sval);
	keep(cat, d, &u);
	if (!strcmp(language, "plpgsql") && d->n_words) {
		cat->body_function = d;
		cat->body_walked = false;
	}
}

void ml_catalog_body_stmt(ml_catalog *cat, const PgQuery__Node *stmt)
{
	if (!cat->body_function || !stmt)
		return;
	uses *u = cat->body_builder;
	if (!u) {
		u = ml_arena_alloc(cat->arena, sizeof(*u));
		u->cat = cat;
		cat->body_builder = u;
	}
	ml_column_refs_of_stmt(cat, stmt, on_ref, u);
	cat->body_walked = true;
}

void ml_catalog_body_end(ml_catalog *cat)
{
	const ml_dependent *was = cat->body_function;
	uses *u = cat->body_builder;
	cat->body_function = NULL;
	cat->body_builder = NULL;
	if (!was || !cat->body_walked)
		return;
	/* The walked body replaces the words: a copy, as objects never
	 * change, in the same place among the others. */
	if (!is_live(cat, was))
		return;
	ml_dependent *d = ml_arena_alloc(cat->arena, sizeof(*d));
	*d = *was;
	d->words = NULL;
	d->n_words = 0;
	d->uses = u ? u->items : NULL;
	d->n_uses = u ? u->len : 0;
	d->table_bits = 0;
	for (size_t k = 0; k < d->n_uses; k++)
		d->table_bits |= table_bit(d->uses[k].table);
	d->row_columns = u ? (const char *const *)u->rows.items : NULL;
	d->n_row_columns = u ? u->rows.len : 0;
	unlink_dependent(cat, was);
	link_dependent(cat, d);
}

/* ---- statements --------------------------------------------------------- */

static void note_gone_word(ml_catalog *cat, const char *word, unsigned kind)
{
	uintptr_t was = (uintptr_t)ml_map_get(&cat->gone_words, word);
	if ((was & kind) != kind)
		ml_map_put(cat->arena, &cat->gone_words, ml_arena_strdup(cat->arena, word), (void *)(was | kind));
}

/* A name dynamic SQL computes at run time: the same placeholder stands for
 * every such name, so it links nothing to anything. */
static bool is_dynamic(const char *name)
{
	return strstr(name, ML_DYNAMIC_PLACEHOLDER) != NULL;
}

/* A column of a table, as drop_column looks for its users. */
struct column_of {
	size_t table;
	const ml_column_facts *column; /* NULL: one the catalog does not know */
};

/* Does d use the column, as PostgreSQL tracks it (a body it does not
 * track stays, broken)? A star reads every column there was when d was
 * made. */
static bool uses_column(const ml_dependent *d, const void *data)
{
	const struct column_of *of = data;
	const ml_column_facts *c = of->column;
	for (size_t k = 0; d->own_columns != ML_DEPENDENCY_UNTRACKED && k < d->n_uses; k++) {
		const ml_column_use *u = &d->uses[k];
		if (u->table == of->table &&
		    ((c && u->column == c->id) || (u->star && (!c || c->added_at <= d->made_at))))
			return true;
	}
	return false;
}

static void drop_column(ml_catalog *cat, ml_table_state *t, const char *column)
{
	ml_column_facts *c = ml_catalog_column_facts(cat, t, column, false);
	/* What uses the column goes with it: PostgreSQL drops it, or with
	 * CASCADE, or refuses (then the migration stops there anyway).
	 * Function bodies it does not track stay, broken. */
	size_t n_of, n;
	const ml_dependent *const *of = ml_catalog_dependents_of_table(cat, t->id, &n_of);
	struct column_of use = { t->id, c };
	const ml_dependent **gone = select_from(cat->arena, of, n_of, uses_column, &use, &n);
	for (size_t i = 0; i < n; i++)
		unlink_dependent(cat, gone[i]);
	if (is_dynamic(column) || is_dynamic(t->name))
		return;
	ml_gone_column *g = ml_arena_alloc(cat->arena, sizeof(*g));
	*g = (ml_gone_column){ .table = t->id, .column = ml_arena_strdup(cat->arena, column),
			       .path = cat->path ? cat->path : "", .line = cat->line };
	push_gone(cat, g);
	note_gone_word(cat, g->column, GONE_COLUMN);
	note_gone_word(cat, t->name, GONE_TABLE);
}

/* Before the tables change: what goes; after: what is made. */
static void apply_alter(ml_catalog *cat, const PgQuery__AlterTableStmt *as, bool after)
{
	if (!as->relation || as->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
		return;
	ml_table_state *t = ml_catalog_touch(cat, as->relation->schemaname, as->relation->relname);
	for (size_t i = 0; i < as->n_cmds; i++) {
		const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, i);
		if (!cmd)
			continue;
		const PgQuery__Node *def = cmd->def;
		if (after != (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn ||
			      cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint))
			continue;
		switch (cmd->subtype) {
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
			if (def && def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF)
				record_column_def(cat, t, def->column_def);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
			if (def && def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
				record_constraint(cat, t, def->constraint, NULL);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
			if (cmd->name)
				forget(cat, "constraint", cmd->name, t->id);
			break;
		case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
			if (cmd->name)
				drop_column(cat, t, cmd->name);
			break;
		default:
			break;
		}
	}
}

static void apply_create(ml_catalog *cat, const PgQuery__CreateStmt *cs)
{
	ml_table_state *t = cs->relation ? ml_catalog_touch(cat, cs->relation->schemaname, cs->relation->relname)
					 : NULL;
	for (size_t i = 0; t && i < cs->n_table_elts; i++) {
		const PgQuery__Node *e = cs->table_elts[i];
		if (e && e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
			record_constraint(cat, t, e->constraint, NULL);
		else if (e && e->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF)
			record_column_def(cat, t, e->column_def);
	}
}

/* The names a DROP statement's object holds: its last name, and the one
 * before (a trigger's or policy's table, a table's schema). */
static const char *drop_name(const PgQuery__Node *o, const char **before)
{
	*before = NULL;
	if (!o)
		return NULL;
	if (o->node_case == PG_QUERY__NODE__NODE_LIST) {
		const PgQuery__List *l = o->list;
		if (l->n_items >= 2 && l->items[l->n_items - 2]->node_case == PG_QUERY__NODE__NODE_STRING)
			*before = l->items[l->n_items - 2]->string->sval;
		return ml_last_name(l->items, l->n_items);
	}
	if (o->node_case == PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS)
		return ml_last_name(o->object_with_args->objname, o->object_with_args->n_objname);
	if (o->node_case == PG_QUERY__NODE__NODE_STRING)
		return o->string->sval;
	return NULL;
}

/* A table dropped, with CASCADE or not. */
struct table_drop {
	size_t table;
	bool cascade;
};

/* Does d go with the table: its own, or with CASCADE what uses it (but
 * a body PostgreSQL does not track)? */
static bool goes_with_table(const ml_dependent *d, const void *data)
{
	const struct table_drop *drop = data;
	if (d->table == drop->table)
		return true;
	for (size_t u = 0; drop->cascade && d->own_columns != ML_DEPENDENCY_UNTRACKED && u < d->n_uses; u++)
		if (d->uses[u].table == drop->table)
			return true;
	return false;
}

static void apply_drop(ml_catalog *cat, const PgQuery__DropStmt *ds)
{
	const char *kind = NULL;
	switch (ds->remove_type) {
	case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
		kind = "view";
		break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
		kind = "materialized view";
		break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
		kind = "index";
		break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER:
		kind = "trigger";
		break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY:
		kind = "policy";
		break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_RULE:
		kind = "rule";
		break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_STATISTIC_EXT:
		kind = "statistics";
		break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_PUBLICATION:
		kind = "publication";
		break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
	case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
	case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
		kind = "function";
		break;
	case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
		break;
	default:
		return;
	}
	for (size_t i = 0; i < ds->n_objects; i++) {
		const char *before;
		const char *name = drop_name(ds->objects[i], &before);
		if (!name)
			continue;
		if (kind) {
			forget(cat, kind, name, SIZE_MAX);
			/* A function's triggers go with it (PostgreSQL asks for
			 * CASCADE). */
			for (size_t k = 0; !strcmp(kind, "function") && k < cat->trigger_functions.len; k++) {
				const ml_trigger_function *link = cat->trigger_functions.items[k];
				if (strcmp(link->function, name))
					continue;
				forget(cat, "trigger", link->trigger, link->table);
				cat->trigger_functions.items[k--] =
					cat->trigger_functions.items[--cat->trigger_functions.len];
			}
			continue;
		}
		/* A table takes its own objects with it, and with CASCADE
		 * whatever uses it. */
		const ml_table_state *t = ml_catalog_table(cat, before ? before : "", name);
		if (!t)
			continue;
		struct table_drop drop = { t->id, ds->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE };
		size_t n_of, n;
		const ml_dependent *const *of = ml_catalog_dependents_of_table(cat, t->id, &n_of);
		const ml_dependent **gone = select_from(cat->arena, of, n_of, goes_with_table, &drop, &n);
		for (size_t k = 0; k < n; k++)
			unlink_dependent(cat, gone[k]);
	}
}

/* A trigger (trigger set) or its function (function set) renamed: the
 * links follow, as copies (copies of the catalog share them). */
static void rename_links(ml_catalog *cat, const char *trigger, const char *function, const char *newname)
{
	for (size_t i = 0; i < cat->trigger_functions.len; i++) {
		const ml_trigger_function *link = cat->trigger_functions.items[i];
		if ((trigger && strcmp(link->trigger, trigger)) || (function && strcmp(link->function, function)))
			continue;
		ml_trigger_function *copy = ml_arena_alloc(cat->arena, sizeof(*copy));
		*copy = *link;
		if (trigger)
			copy->trigger = ml_arena_strdup(cat->arena, newname);
		else
			copy->function = ml_arena_strdup(cat->arena, newname);
		cat->trigger_functions.items[i] = copy;
	}
}

static void apply_rename(ml_catalog *cat, const PgQuery__RenameStmt *rs)
{
	if (!rs->newname)
		return;
	const PgQuery__RangeVar *rel = rs->relation;
	switch (rs->rename_type) {
	case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN: {
		if (!rel || !rel->relname || !rs->subname || is_dynamic(rs->subname) || is_dynamic(rel->relname))
			return;
		const ml_table_state *t = ml_catalog_table(cat, rel->schemaname, rel->relname);
		if (!t)
			t = ml_catalog_touch(cat, rel->schemaname, rel->relname);
		ml_gone_column *g = ml_arena_alloc(cat->arena, sizeof(*g));
		*g = (ml_gone_column){ .table = t->id, .column = ml_arena_strdup(cat->arena, rs->subname),
				       .renamed_to = ml_arena_strdup(cat->arena, rs->newname),
				       .path = cat->path ? cat->path : "", .line = cat->line };
		push_gone(cat, g);
		note_gone_word(cat, g->column, GONE_COLUMN);
		note_gone_word(cat, t->name, GONE_TABLE);
		return;
	}
	case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE: {
		/* Statements name the table by its new name from now on. */
		if (rel && rel->relname && ((uintptr_t)ml_map_get(&cat->gone_words, rel->relname) & GONE_TABLE))
			note_gone_word(cat, rs->newname, GONE_TABLE);
		return;
	}
	case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
		if (rel && rel->relname)
			rename_object(cat, "view", rel->relname, rs->newname, SIZE_MAX);
		return;
	case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
		if (rel && rel->relname)
			rename_object(cat, "materialized view", rel->relname, rs->newname, SIZE_MAX);
		return;
	case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
		if (rel && rel->relname)
			rename_object(cat, "index", rel->relname, rs->newname, SIZE_MAX);
		return;
	case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT:
		if (rs->subname)
			rename_object(cat, "constraint", rs->subname, rs->newname, SIZE_MAX);
		return;
	case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER:
		if (rs->subname) {
			rename_object(cat, "trigger", rs->subname, rs->newname, SIZE_MAX);
			rename_links(cat, rs->subname, NULL, rs->newname);
		}
		return;
	case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
	case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
	case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE: {
		const char *before;
		const char *name = drop_name(rs->object, &before);
		if (name) {
			rename_object(cat, "function", name, rs->newname, SIZE_MAX);
			rename_links(cat, NULL, name, rs->newname);
		}
		return;
	}
	case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY:
		if (rs->subname)
			rename_object(cat, "policy", rs->subname, rs->newname, SIZE_MAX);
		return;
	default:
		return;
	}
}

static ml_table_state *table_of(ml_catalog *cat, const PgQuery__RangeVar *rel)
{
	return rel && rel->relname ? ml_catalog_touch(cat, rel->schemaname, rel->relname) : NULL;
}

void ml_catalog_deps_apply(ml_catalog *cat, const PgQuery__Node *stmt, bool after)
{
	/* What a statement drops or renames is read before the tables
	 * change; what it makes, after: the columns it uses exist by then. */
	switch (stmt->node_case) {
	case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
		apply_alter(cat, stmt->alter_table_stmt, after);
		return;
	case PG_QUERY__NODE__NODE_DROP_STMT:
		if (!after)
			apply_drop(cat, stmt->drop_stmt);
		return;
	case PG_QUERY__NODE__NODE_RENAME_STMT:
		if (!after)
			apply_rename(cat, stmt->rename_stmt);
		return;
	default:
		if (!after)
			return;
		break;
	}
	switch (stmt->node_case) {
	case PG_QUERY__NODE__NODE_VIEW_STMT: {
		const PgQuery__ViewStmt *vs = stmt->view_stmt;
		if (!vs->view || !vs->view->relname)
			break;
		forget(cat, "view", vs->view->relname, SIZE_MAX);
		record_stmt(cat, stmt, "view", vs->view->relname, NULL, ML_DEPENDENCY_NORMAL);
		break;
	}
	case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT: {
		const PgQuery__CreateTableAsStmt *ct = stmt->create_table_as_stmt;
		if (ct->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW || !ct->into || !ct->into->rel)
			break;
		record_stmt(cat, stmt, "materialized view", ct->into->rel->relname, NULL, ML_DEPENDENCY_NORMAL);
		break;
	}
	case PG_QUERY__NODE__NODE_INDEX_STMT: {
		const PgQuery__IndexStmt *ix = stmt->index_stmt;
		ml_table_state *t = table_of(cat, ix->relation);
		if (!t)
			break;
		record_stmt(cat, stmt, "index", ml_catalog_index_name(cat, cat->arena, ix, NULL), t, ML_DEPENDENCY_AUTO);
		break;
	}
	case PG_QUERY__NODE__NODE_CREATE_STMT:
		apply_create(cat, stmt->create_stmt);
		break;
	case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT: {
		const PgQuery__CreateTrigStmt *tr = stmt->create_trig_stmt;
		ml_table_state *t = table_of(cat, tr->relation);
		if (t && tr->trigname)
			record_stmt(cat, stmt, "trigger", tr->trigname, t, ML_DEPENDENCY_NORMAL);
		/* Its function reads the table's columns through NEW and OLD
		 * without naming the table. */
		if (t && tr->n_funcname) {
			ml_trigger_function *link = ml_arena_alloc(cat->arena, sizeof(*link));
			link->table = t->id;
			link->trigger = ml_arena_strdup(cat->arena, tr->trigname ? tr->trigname : "");
			link->function = ml_arena_strdup(cat->arena, ml_last_name(tr->funcname, tr->n_funcname));
			ml_ptr_vec_push(cat->arena, &cat->trigger_functions, link);
		}
		break;
	}
	case PG_QUERY__NODE__NODE_CREATE_POLICY_STMT: {
		const PgQuery__CreatePolicyStmt *p = stmt->create_policy_stmt;
		ml_table_state *t = table_of(cat, p->table);
		if (t && p->policy_name)
			record_stmt(cat, stmt, "policy", p->policy_name, t, ML_DEPENDENCY_NORMAL);
		break;
	}
	case PG_QUERY__NODE__NODE_CREATE_STATS_STMT: {
		const PgQuery__CreateStatsStmt *st = stmt->create_stats_stmt;
		const PgQuery__Node *rel = st->n_relations == 1 ? st->relations[0] : NULL;
		ml_table_state *t = rel && rel->node_case == PG_QUERY__NODE__NODE_RANGE_VAR ? table_of(cat, rel->range_var)
											    : NULL;
		if (t)
			record_stmt(cat, stmt, "statistics", ml_last_name(st->defnames, st->n_defnames), t,
				    ML_DEPENDENCY_AUTO);
		break;
	}
	case PG_QUERY__NODE__NODE_RULE_STMT: {
		const PgQuery__RuleStmt *r = stmt->rule_stmt;
		ml_table_state *t = table_of(cat, r->relation);
		if (t && r->rulename)
			record_stmt(cat, stmt, "rule", r->rulename, t, ML_DEPENDENCY_NORMAL);
		break;
	}
	case PG_QUERY__NODE__NODE_CREATE_PUBLICATION_STMT: {
		/* A table's column list: its membership of the publication is
		 * the table's, gone silently with the table, but it pins the
		 * columns it lists. */
		const PgQuery__CreatePublicationStmt *ps = stmt->create_publication_stmt;
		for (size_t i = 0; ps->pubname && i < ps->n_pubobjects; i++) {
			const PgQuery__Node *o = ps->pubobjects[i];
			const PgQuery__PublicationTable *pt =
				o && o->node_case == PG_QUERY__NODE__NODE_PUBLICATION_OBJ_SPEC ? o->publication_obj_spec->pubtable
											: NULL;
			if (!pt || !pt->relation || !pt->relation->relname || !pt->n_columns)
				continue;
			uses u = { .cat = cat };
			for (size_t k = 0; k < pt->n_columns; k++) {
				const PgQuery__Node *c = pt->columns[k];
				if (!c || c->node_case != PG_QUERY__NODE__NODE_STRING)
					continue;
				ml_column_ref ref = { .schema = pt->relation->schemaname ? pt->relation->schemaname : "",
						      .table = pt->relation->relname, .column = c->string->sval };
				on_ref(&ref, &u);
			}
			ml_table_state *t = table_of(cat, pt->relation);
			keep(cat, new_dependent(cat, "publication", ps->pubname, t, ML_DEPENDENCY_NORMAL), &u);
		}
		break;
	}
	case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
		record_function(cat, stmt);
		break;
	default:
		break;
	}
}

/* ---- questions ------------------------------------------------------------ */

static void add_hit(ml_arena *arena, ml_dependent_hit **hits, size_t *n, size_t *cap, const ml_dependent *d,
		    ml_dependency dependency)
{
	if (*n == *cap) {
		size_t grown = *cap ? *cap * 2 : 8;
		*hits = ml_arena_grow(arena, *hits, *cap * sizeof(**hits), grown * sizeof(**hits));
		*cap = grown;
	}
	(*hits)[(*n)++] = (ml_dependent_hit){ d, dependency, false };
}

/* The views (and other tracked objects) that use view d, as a table, and
 * so on: PostgreSQL's refusal names them and CASCADE drops them too. Adds
 * each to hits once; depth bounds a chain. */
static void add_view_users(const ml_catalog *cat, ml_arena *arena, const ml_dependent *d, ml_dependent_hit **hits,
			   size_t *n, size_t *cap, int depth)
{
	if (depth > 8 || (strcmp(d->kind, "view") && strcmp(d->kind, "materialized view")))
		return;
	const ml_table_state *as_table = ml_catalog_table(cat, "", d->name);
	size_t n_users = 0;
	const ml_dependent *const *users = as_table ? ml_catalog_dependents_of_table(cat, as_table->id, &n_users) : NULL;
	for (size_t i = 0; i < n_users; i++) {
		const ml_dependent *user = users[i];
		if (user == d || user->own_columns == ML_DEPENDENCY_UNTRACKED)
			continue;
		bool found = false;
		for (size_t k = 0; !found && k < user->n_uses; k++)
			found = user->uses[k].table == as_table->id;
		for (size_t k = 0; found && k < *n; k++)
			found = (*hits)[k].dependent != user;
		if (!found)
			continue;
		add_hit(arena, hits, n, cap, user, ML_DEPENDENCY_NORMAL);
		(*hits)[*n - 1].indirect = true;
		add_view_users(cat, arena, user, hits, n, cap, depth + 1);
	}
}

/* A walk over a few lists of live dependents at once, oldest first, each
 * dependent once: the ones a question may concern, in the order of a walk
 * over all of them. */
typedef struct merged {
	const ml_ptr_vec *lists[3];
	size_t at[3];
	size_t n;
} merged;

static void merged_add(merged *m, const ml_ptr_vec *list)
{
	if (list && list->len)
		m->lists[m->n++] = list;
}

/* The next dependent, or NULL at the end. */
static const ml_dependent *merged_next(merged *m)
{
	const ml_dependent *next = NULL;
	for (size_t i = 0; i < m->n; i++) {
		const ml_dependent *d = m->at[i] < m->lists[i]->len ? m->lists[i]->items[m->at[i]] : NULL;
		if (d && (!next || d->order < next->order))
			next = d;
	}
	/* One object is in every list it belongs in: each moves past it. */
	for (size_t i = 0; next && i < m->n; i++)
		if (m->at[i] < m->lists[i]->len && m->lists[i]->items[m->at[i]] == next)
			m->at[i]++;
	return next;
}

/* Does a trigger on table run the function d? */
static bool runs_on(const ml_catalog *cat, const ml_dependent *d, const ml_table_state *table)
{
	for (size_t i = 0; table && i < cat->trigger_functions.len; i++) {
		const ml_trigger_function *link = cat->trigger_functions.items[i];
		if (link->table == table->id && !strcmp(link->function, d->name))
			return true;
	}
	return false;
}

ml_dependent_hit *ml_catalog_column_dependents(const ml_catalog *cat, ml_arena *arena, const char *schema,
					       const char *name, const char *column, size_t *n)
{
	*n = 0;
	if (!name || !column)
		return NULL;
	const ml_table_state *t = ml_catalog_table(cat, schema, name);
	const ml_column_facts *c = t ? ml_catalog_column_facts((ml_catalog *)cat, t, column, false) : NULL;
	ml_dependent_hit *hits = NULL;
	size_t cap = 0;
	uint64_t bit = t ? table_bit(t->id) : 0;
	/* What uses the table, and the bodies that may: by words, or
	 * through NEW and OLD. */
	merged m = { .n = 0 };
	merged_add(&m, t ? table_list(cat, t->id, NULL) : NULL);
	merged_add(&m, &cat->word_dependents);
	merged_add(&m, t ? &cat->row_dependents : NULL);
	for (const ml_dependent *d; (d = merged_next(&m));) {
		if (d->n_words) {
			if (has_word(d, column) && (has_word(d, name) || runs_on(cat, d, t)))
				add_hit(arena, &hits, n, &cap, d, ML_DEPENDENCY_UNTRACKED);
			continue;
		}
		if (!(d->table_bits & bit) && !d->n_row_columns)
			continue; /* no use of the table, no NEW.x */
		bool untracked = d->own_columns == ML_DEPENDENCY_UNTRACKED;
		bool hit = false;
		for (size_t k = 0; t && !hit && k < d->n_uses; k++) {
			const ml_column_use *u = &d->uses[k];
			hit = u->table == t->id &&
			      ((c && u->column == c->id) || (u->star && (!c || c->added_at <= d->made_at)));
		}
		for (size_t k = 0; t && !hit && k < d->n_row_columns; k++)
			hit = !strcmp(d->row_columns[k], column) && runs_on(cat, d, t);
		for (size_t k = 0; hit && k < *n; k++)
			hit = hits[k].dependent != d; /* listed already, through a view it uses */
		if (!hit)
			continue;
		ml_dependency dependency = untracked ? ML_DEPENDENCY_UNTRACKED
						     : d->table == t->id ? d->own_columns : ML_DEPENDENCY_NORMAL;
		add_hit(arena, &hits, n, &cap, d, dependency);
		if (dependency == ML_DEPENDENCY_NORMAL)
			add_view_users(cat, arena, d, &hits, n, &cap, 0);
	}
	return hits;
}

ml_dependent_hit *ml_catalog_table_dependents(const ml_catalog *cat, ml_arena *arena, const char *schema,
					      const char *name, size_t *n)
{
	*n = 0;
	if (!name)
		return NULL;
	const ml_table_state *t = ml_catalog_table(cat, schema, name);
	ml_dependent_hit *hits = NULL;
	size_t cap = 0;
	merged m = { .n = 0 };
	merged_add(&m, t ? table_list(cat, t->id, NULL) : NULL);
	merged_add(&m, &cat->word_dependents);
	for (const ml_dependent *d; (d = merged_next(&m));) {
		if (d->n_words) {
			if (has_word(d, name))
				add_hit(arena, &hits, n, &cap, d, ML_DEPENDENCY_UNTRACKED);
			continue;
		}
		if (!t || d->table == t->id || !(d->table_bits & table_bit(t->id)))
			continue;
		bool listed = false;
		for (size_t k = 0; k < *n; k++)
			listed = listed || hits[k].dependent == d;
		for (size_t k = 0; !listed && k < d->n_uses; k++) {
			if (d->uses[k].table != t->id)
				continue;
			bool untracked = d->own_columns == ML_DEPENDENCY_UNTRACKED;
			add_hit(arena, &hits, n, &cap, d, untracked ? ML_DEPENDENCY_UNTRACKED : ML_DEPENDENCY_NORMAL);
			if (!untracked)
				add_view_users(cat, arena, d, &hits, n, &cap, 0);
			break;
		}
	}
	return hits;
}

const ml_gone_column *ml_catalog_gone_column(const ml_catalog *cat, const char *schema, const char *name,
					     const char *column)
{
	if (!cat->gone.len || !name || !column)
		return NULL;
	const ml_table_state *t = ml_catalog_table(cat, schema, name);
	if (!t || ml_catalog_column_facts((ml_catalog *)cat, t, column, false))
		return NULL;
	return gone_of(cat, t->id, column);
}

bool ml_catalog_has_gone_columns(const ml_catalog *cat)
{
	return cat->gone.len > 0;
}

/* What the word (n bytes at text) is among the gone ones, as written or
 * folded to lower case: GONE_COLUMN, GONE_TABLE, both, or 0. */
static unsigned gone_word(const ml_map *map, const char *text, size_t n)
{
	char word[64];
	if (n >= sizeof(word))
		return 0;
	/* As written (a quoted name keeps its case), and folded as
	 * PostgreSQL folds a bare one. */
	memcpy(word, text, n);
	word[n] = '\0';
	unsigned found = (unsigned)(uintptr_t)ml_map_get(map, word);
	bool upper = false;
	for (size_t k = 0; k < n; k++) {
		if (word[k] >= 'A' && word[k] <= 'Z') {
			word[k] = (char)(word[k] - 'A' + 'a');
			upper = true;
		}
	}
	return upper ? found | (unsigned)(uintptr_t)ml_map_get(map, word) : found;
}

bool ml_catalog_text_names_gone_column(const ml_catalog *cat, const char *text, size_t len)
{
	unsigned seen = 0;
	for (size_t i = 0; i < len && seen != (GONE_COLUMN | GONE_TABLE);) {
		if (!is_word_start((unsigned char)text[i])) {
			i++;
			continue;
		}
		size_t start = i;
		while (i < len && is_word_char((unsigned char)text[i]))
			i++;
		seen |= gone_word(&cat->gone_words, text + start, i - start);
	}
	return seen == (GONE_COLUMN | GONE_TABLE);
}

/* ---- copies --------------------------------------------------------------- */

/* A list of the same pointers, in one block of arena. */
static ml_ptr_vec share_vec(ml_arena *arena, const ml_ptr_vec *vec)
{
	ml_ptr_vec out = { 0 };
	if (!vec->len)
		return out;
	out.items = ml_arena_alloc(arena, vec->len * sizeof(*out.items));
	memcpy(out.items, vec->items, vec->len * sizeof(*out.items));
	out.len = out.cap = vec->len;
	return out;
}

void ml_catalog_deps_clone(ml_catalog *cat, const ml_catalog *src, bool borrow)
{
	ml_arena *arena = cat->arena;
	cat->gone = (ml_ptr_vec){ 0 };
	cat->gone_index = (ml_map){ 0 };
	/* The lists are the copy's own, made again below, oldest first. */
	cat->dependent_names = (ml_map){ 0 };
	cat->table_dependents = (ml_ptr_vec){ 0 };
	cat->word_dependents = (ml_ptr_vec){ 0 };
	cat->row_dependents = (ml_ptr_vec){ 0 };
	cat->next_order = src->next_order;
	if (borrow) {
		/* The objects are shared, and the lists copied as they are (in
		 * order already): a down migration is linted against such a
		 * copy, one per down file, so this is done often. */
		ml_map_copy(arena, &cat->dependent_names, &src->dependent_names, false);
		for (size_t i = 0; i < cat->dependent_names.cap; i++) {
			ml_map_entry *e = &cat->dependent_names.entries[i];
			if (!e->key || !e->value)
				continue;
			ml_ptr_vec *same = ml_arena_alloc(arena, sizeof(*same));
			*same = share_vec(arena, e->value);
			e->value = same;
		}
		cat->table_dependents = share_vec(arena, &src->table_dependents);
		for (size_t i = 0; i < cat->table_dependents.len; i++) {
			const ml_ptr_vec *from = cat->table_dependents.items[i];
			if (!from)
				continue;
			ml_ptr_vec *list = ml_arena_alloc(arena, sizeof(*list));
			*list = share_vec(arena, from);
			cat->table_dependents.items[i] = list;
		}
		cat->word_dependents = share_vec(arena, &src->word_dependents);
		cat->row_dependents = share_vec(arena, &src->row_dependents);
		cat->gone = share_vec(arena, &src->gone);
		ml_map_copy(arena, &cat->gone_index, &src->gone_index, false);
		cat->trigger_functions = share_vec(arena, &src->trigger_functions);
		ml_map_copy(arena, &cat->gone_words, &src->gone_words, false);
		return;
	}
	size_t n_live;
	const ml_dependent **live = ml_catalog_live_dependents(src, arena, &n_live);
	for (size_t i = 0; i < n_live; i++) {
		const ml_dependent *from = live[i];
		ml_dependent *d = ml_arena_alloc(arena, sizeof(*d));
		*d = *from;
		d->name = ml_arena_strdup(arena, from->name);
		d->path = ml_arena_strdup(arena, from->path);
		if (from->n_uses) {
			ml_column_use *u = ml_arena_alloc(arena, from->n_uses * sizeof(*u));
			memcpy(u, from->uses, from->n_uses * sizeof(*u));
			d->uses = u;
		}
		if (from->n_row_columns) {
			const char **r = ml_arena_alloc(arena, from->n_row_columns * sizeof(*r));
			for (size_t k = 0; k < from->n_row_columns; k++)
				r[k] = ml_arena_strdup(arena, from->row_columns[k]);
			d->row_columns = r;
		}
		if (from->n_words) {
			const char **w = ml_arena_alloc(arena, from->n_words * sizeof(*w));
			for (size_t k = 0; k < from->n_words; k++)
				w[k] = ml_arena_strdup(arena, from->words[k]);
			d->words = w;
		}
		link_dependent(cat, d);
	}
	for (size_t i = 0; i < src->gone.len; i++) {
		const ml_gone_column *from = src->gone.items[i];
		ml_gone_column *g = ml_arena_alloc(arena, sizeof(*g));
		*g = *from;
		g->column = ml_arena_strdup(arena, from->column);
		g->renamed_to = ml_arena_strdup(arena, from->renamed_to);
		g->path = ml_arena_strdup(arena, from->path);
		push_gone(cat, g);
	}
	ml_map_copy(arena, &cat->gone_words, &src->gone_words, true);
	cat->trigger_functions = (ml_ptr_vec){ 0 };
	for (size_t i = 0; i < src->trigger_functions.len; i++) {
		const ml_trigger_function *from = src->trigger_functions.items[i];
		ml_trigger_function *link = ml_arena_alloc(arena, sizeof(*link));
		link->table = from->table;
		link->trigger = ml_arena_strdup(arena, from->trigger);
		link->function = ml_arena_strdup(arena, from->function);
		ml_ptr_vec_push(arena, &cat->trigger_functions, link);
	}
}
