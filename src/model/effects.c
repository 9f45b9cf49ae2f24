/*
 * effects.c - classifies a statement into the forms of the lock table and
 * works out, once for every rule, what it locks (the tables it reads too),
 * rewrites and scans, and whether an UPDATE or DELETE is limited to one
 * batch.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "catalog.h"
#include "effects.h"
#include "facts.h"
#include "lock_forms.h"
#include "lock_table.h"
#include "pg_grammar.h"
#include "plpgsql.h"
#include "stmt_unit.h"
#include "tree.h"
#include "tx.h"

#define T(n) PG_QUERY__NODE__NODE_##n

struct classifier {
	ml_arena *arena;          /* for the table names of the locks */
	const ml_catalog *cat;
	const ml_tx *tx;          /* NULL: no transaction */
	int pg_major;
	ml_effect *out;
	int best_rank;            /* how strongly the chosen form locks, to pick the label */
};

static bool rel_is_new(const struct classifier *c, const char *schema, const char *name)
{
	return ml_catalog_table_is_new(c->cat, schema, name);
}

static ml_emptied rel_emptied(const struct classifier *c, const char *schema, const char *name)
{
	return c->tx ? ml_tx_emptied(c->tx, c->cat, schema, name) : ML_NOT_EMPTIED;
}

/* Is work on the table slow: it existed before this file and was not
 * truncated earlier in this transaction (a truncated table is an empty
 * file: scanning, rewriting or indexing it is instant)? */
static bool rel_holds_rows(const struct classifier *c, const char *schema, const char *name)
{
	return !rel_is_new(c, schema, name) && rel_emptied(c, schema, name) != ML_EMPTIED_BY_TRUNCATE;
}

static void add_lock(struct classifier *c, const char *table, bool is_new, ml_lock_mode mode)
{
	ml_effect *e = c->out;
	if (mode == ML_LOCK_NONE || !table)
		return;
	for (size_t i = 0; i < e->n_locks; i++) {
		if (!strcmp(e->locks[i].table, table)) {
			if (mode > e->locks[i].mode)
				e->locks[i].mode = mode;
			return;
		}
	}
	if (e->n_locks == ML_MAX_STMT_LOCKS)
		return;
	e->locks[e->n_locks++] = (ml_lock){ .table = table, .mode = mode, .new_table = is_new };
}

/* Applies the lock-table row for form to the target table and, when given,
 * a referenced table. label names the statement in reports when this form
 * is its strongest; NULL means the row's own label. */
static void apply_form_labelled(struct classifier *c, ml_form form, const char *label, const char *schema,
				const char *name, const char *ref_schema, const char *ref_name)
{
	const ml_lock_fact *f = ml_lock_fact_for(form, c->pg_major);
	ml_arena *arena = c->arena;
	c->out->forms |= (uint64_t)1 << form;
	bool target_new = name && rel_is_new(c, schema, name);
	if (name)
		add_lock(c, ml_qualified_name(arena, schema, name), target_new, f->target_lock);
	if (ref_name)
		add_lock(c, ml_qualified_name(arena, ref_schema, ref_name), rel_is_new(c, ref_schema, ref_name),
			 f->referenced_lock);
	c->out->rewrite |= f->rewrite;
	c->out->scan |= f->scan;
	c->out->index_build |= f->index_build;
	c->out->fails_in_transaction |= f->in_transaction_error;
	/* ADD COLUMN ... NOT NULL without a default reads the table, but fails
	 * on its first row: it succeeds only when there is nothing to read. */
	bool slow_scan = f->scan && form != ML_FORM_ADD_COLUMN_NOT_NULL;
	if (name && rel_holds_rows(c, schema, name) && (f->rewrite || slow_scan || f->index_build))
		c->out->slow = true;
	else if (!name && (f->rewrite || f->scan || f->index_build))
		c->out->slow = true; /* VACUUM FULL, REINDEX DATABASE: every table */
	int rank = (int)f->target_lock * 4 + (f->rewrite ? 2 : 0) + (f->scan ? 1 : 0);
	if (!c->out->form || rank > c->best_rank) {
		c->out->form = label ? label : f->label;
		c->best_rank = rank;
	}
}

static void apply_form(struct classifier *c, ml_form form, const char *schema, const char *name,
		       const char *ref_schema, const char *ref_name)
{
	apply_form_labelled(c, form, NULL, schema, name, ref_schema, ref_name);
}

static void apply_rel(struct classifier *c, ml_form form, const PgQuery__RangeVar *rel,
		      const PgQuery__RangeVar *ref)
{
	apply_form(c, form, rel ? rel->schemaname : NULL, rel ? rel->relname : NULL,
		   ref ? ref->schemaname : NULL, ref ? ref->relname : NULL);
}

static void classify_add_column(struct classifier *c, const PgQuery__RangeVar *rel,
				const PgQuery__ColumnDef *def)
{
	const PgQuery__Constraint *dflt = ml_column_constraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT);
	const PgQuery__Constraint *fk = ml_column_constraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN);
	ml_form form = ML_FORM_ADD_COLUMN;
	if (ml_column_fills_itself(def))
		form = ML_FORM_ADD_COLUMN_GENERATED;
	else if (dflt && dflt->raw_expr && ml_catalog_expr_is_volatile(c->cat, dflt->raw_expr, NULL))
		form = ML_FORM_ADD_COLUMN_VOLATILE_DEFAULT;
	else if (dflt)
		form = ML_FORM_ADD_COLUMN_DEFAULT;
	else if (def->type_name &&
		 ml_catalog_domain_is_checked(c->cat, ml_last_name(def->type_name->names, def->type_name->n_names)))
		form = ML_FORM_ADD_COLUMN_CHECKED_DOMAIN;
	/* With no value for the rows but NULL, PostgreSQL reads them all to
	 * check NOT NULL (a DEFAULT NULL is no value either). */
	bool null_default = dflt && dflt->raw_expr && dflt->raw_expr->node_case == PG_QUERY__NODE__NODE_A_CONST &&
			    dflt->raw_expr->a_const->isnull;
	bool not_null = def->is_not_null || ml_column_constraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL);
	if (not_null && (form == ML_FORM_ADD_COLUMN || (form == ML_FORM_ADD_COLUMN_DEFAULT && null_default)))
		form = ML_FORM_ADD_COLUMN_NOT_NULL;
	apply_rel(c, form, rel, NULL);
	if (fk)
		apply_rel(c, ML_FORM_ADD_COLUMN_REFERENCES, rel, fk->pktable);
	/* Constraints on the new column do their usual work: UNIQUE and
	 * PRIMARY KEY build an index, a CHECK reads every row, and a foreign
	 * key on a column with a default checks every row. */
	if (ml_column_constraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE) ||
	    ml_column_constraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY))
		apply_rel(c, ML_FORM_ADD_UNIQUE, rel, NULL);
	if (ml_column_constraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) || (fk && dflt)) {
		c->out->scan = true;
		if (rel && rel_holds_rows(c, rel->schemaname, rel->relname))
			c->out->slow = true;
	}
}

/* Base name and type modifiers of a type text such as "varchar(20)". */
static void split_type(const char *text, char *base, size_t base_len, int mods[2], int *n_mods)
{
	size_t i = 0;
	while (text[i] && text[i] != '(' && text[i] != '[' && i + 1 < base_len) {
		base[i] = text[i];
		i++;
	}
	base[i] = '\0';
	*n_mods = 0;
	const char *p = strchr(text, '(');
	while (p && *n_mods < 2) {
		mods[(*n_mods)++] = (int)strtol(p + 1, (char **)&p, 10);
		if (*p != ',')
			break;
	}
}

/* Types whose one modifier is a fractional-seconds precision that
 * PostgreSQL raises in place (timestamp_support, time_support). */
static bool is_precision_type(const char *base)
{
	return !strcmp(base, "timestamp") || !strcmp(base, "timestamptz") || !strcmp(base, "time") ||
	       !strcmp(base, "timetz");
}

/* The largest fractional-seconds precision of timestamp, time and interval:
 * raising a precision to it is free even from an unconstrained column. */
#define MAX_SECONDS_PRECISION 6
/* How coarse the smallest field of an interval type (as ml_type_text writes
 * it: "interval", "interval day", "interval hour to minute(3)") is: 0 for
 * SECOND and for no fields, 1 MINUTE, 2 HOUR, 3 DAY, 4 MONTH, 5 YEAR. */
static int interval_least_field(const char *base)
{
	static const char *const UNITS[] = { "second", "minute", "hour", "day", "month", "year" };
	const char *last = strrchr(base, ' ');
	for (int i = 0; last && i < (int)(sizeof(UNITS) / sizeof(UNITS[0])); i++)
		if (!strcmp(last + 1, UNITS[i]))
			return i;
	return 0;
}

/* PostgreSQL's interval_support: a change keeps every value as it is when
 * the new type is plain interval, or its smallest field is no coarser and,
 * where seconds count, its precision no lower. A precision is the one
 * modifier; none means the full one. */
static bool interval_change_is_free(const char *old_base, const int om[2], int on, const char *new_base,
				    const int nm[2], int nn)
{
	if (!strcmp(new_base, "interval") && nn == 0)
		return true;
	int old_least = interval_least_field(old_base), new_least = interval_least_field(new_base);
	int old_precision = on == 1 ? om[0] : INT_MAX, new_precision = nn == 1 ? nm[0] : INT_MAX;
	return new_least <= old_least &&
	       (old_least > 0 || new_precision >= MAX_SECONDS_PRECISION || new_precision >= old_precision);
}

/* Is a change from type old_text to new_text one that PostgreSQL makes
 * without rewriting the table or rebuilding its indexes? Only the cases
 * checked on PostgreSQL 15 (tests/lock_facts_test.sh). */
bool ml_type_change_is_coercible(const char *old_text, const char *new_text)
{
	if (!old_text || !new_text)
		return false;
	if (!strcmp(old_text, new_text))
		return true; /* the same type: PostgreSQL changes nothing */
	if (strchr(old_text, '[') || strchr(new_text, '['))
		return false;
	char ob[64], nb[64];
	int om[2], nm[2], on, nn;
	split_type(old_text, ob, sizeof(ob), om, &on);
	split_type(new_text, nb, sizeof(nb), nm, &nn);
	bool old_varchar = !strcmp(ob, "varchar"), new_varchar = !strcmp(nb, "varchar");
	if (old_varchar && !strcmp(nb, "text"))
		return true;
	if (old_varchar && new_varchar)
		return nn == 0 || (on == 1 && nm[0] >= om[0]);
	if (!strcmp(ob, "text") && new_varchar && nn == 0)
		return true;
	if (!strcmp(ob, "numeric") && !strcmp(nb, "numeric")) {
		if (nn == 0)
			return true;
		int old_scale = on == 2 ? om[1] : 0, new_scale = nn == 2 ? nm[1] : 0;
		return on >= 1 && nm[0] >= om[0] && new_scale == old_scale;
	}
	/* varbit(n) to varbit(m >= n) or varbit: the bits stay as they are. */
	if (!strcmp(ob, "varbit") && !strcmp(nb, "varbit"))
		return nn == 0 || (on == 1 && nn == 1 && nm[0] >= om[0]);
	/* timestamp(3) to timestamp(6) or timestamp: a value keeps its digits. */
	if (is_precision_type(ob) && !strcmp(ob, nb))
		return nn == 0 || (nn == 1 && (nm[0] >= MAX_SECONDS_PRECISION || (on == 1 && nm[0] >= om[0])));
	if (!strncmp(ob, "interval", 8) && !strncmp(nb, "interval", 8))
		return interval_change_is_free(ob, om, on, nb, nm, nn);
	/* cidr values are valid inet values, and they share the index operator family. */
	if (!strcmp(old_text, "cidr") && !strcmp(new_text, "inet"))
		return true;
	return false;
}

static void classify_alter_cmd(struct classifier *c, const PgQuery__AlterTableStmt *as,
			       const PgQuery__AlterTableCmd *cmd)
{
	const PgQuery__RangeVar *rel = as->relation;
	const PgQuery__Node *def = cmd->def;
	const char *schema = rel ? rel->schemaname : NULL, *table = rel ? rel->relname : NULL;
	switch (cmd->subtype) {
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
	ML_AT_RECURSE_CASE(AddColumn)
		if (def && def->node_case == T(COLUMN_DEF))
			classify_add_column(c, rel, def->column_def);
		else
			apply_rel(c, ML_FORM_ADD_COLUMN, rel, NULL);
		return;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType: {
		ml_form form = ML_FORM_ALTER_COLUMN_TYPE;
		if (def && def->node_case == T(COLUMN_DEF) && !ml_type_change_has_real_using(cmd)) {
			const ml_column_facts *col = ml_catalog_column(c->cat, schema, table, cmd->name);
			const char *new_type = ml_type_name_text(c->arena, def->column_def->type_name);
			if (col && ml_type_change_is_coercible(col->type, new_type))
				form = ML_FORM_ALTER_COLUMN_TYPE_COERCIBLE;
		}
		apply_rel(c, form, rel, NULL);
		return;
	}
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull: {
		const ml_column_facts *col = ml_catalog_column(c->cat, schema, table, cmd->name);
		apply_rel(c, col && col->valid_not_null_check ? ML_FORM_SET_NOT_NULL_CHECKED : ML_FORM_SET_NOT_NULL,
			  rel, NULL);
		return;
	}
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
		apply_rel(c, ML_FORM_ALTER_COLUMN_METADATA, rel, NULL);
		return;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
	ML_AT_RECURSE_CASE(DropColumn)
		apply_rel(c, ML_FORM_DROP_COLUMN, rel, NULL);
		return;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
	ML_AT_RECURSE_CASE(AddConstraint) {
		if (!def || def->node_case != T(CONSTRAINT))
			break;
		const PgQuery__Constraint *con = def->constraint;
		switch (con->contype) {
		case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
			apply_rel(c, con->skip_validation ? ML_FORM_ADD_FOREIGN_KEY_NOT_VALID : ML_FORM_ADD_FOREIGN_KEY,
				  rel, con->pktable);
			return;
		case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
			apply_rel(c, con->skip_validation ? ML_FORM_ADD_CHECK_NOT_VALID : ML_FORM_ADD_CHECK, rel, NULL);
			return;
		case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
		case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
			apply_rel(c, con->indexname && *con->indexname ? ML_FORM_ADD_UNIQUE_USING_INDEX : ML_FORM_ADD_UNIQUE,
				  rel, NULL);
			return;
		case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION:
			apply_rel(c, ML_FORM_ADD_EXCLUDE, rel, NULL);
			return;
		default:
			break;
		}
		break;
	}
	case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
	ML_AT_RECURSE_CASE(ValidateConstraint)
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
	ML_AT_RECURSE_CASE(DropConstraint) {
		/* A foreign key's other table is locked too, when we know it. */
		bool validate = ML_AT_IS(cmd->subtype, ValidateConstraint);
		const ml_table_state *t = ml_catalog_table(c->cat, schema, table);
		const ml_foreign_key_state *fk = cmd->name ? ml_catalog_foreign_key(t, cmd->name) : NULL;
		ml_form form = validate ? ML_FORM_VALIDATE_CONSTRAINT : fk ? ML_FORM_DROP_FOREIGN_KEY : ML_FORM_DROP_CONSTRAINT;
		apply_form(c, form, rel ? rel->schemaname : NULL, rel ? rel->relname : NULL, fk ? fk->ref_schema : NULL,
			   fk ? fk->ref_name : NULL);
		return;
	}
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStatistics:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetOptions:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetOptions:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_ClusterOn:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropCluster:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetRelOptions:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetRelOptions:
		apply_rel(c, ML_FORM_SET_STORAGE, rel, NULL);
		return;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetAccessMethod:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetTableSpace:
		apply_rel(c, ML_FORM_SET_PERSISTENCE, rel, NULL);
		return;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrig:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysTrig:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaTrig:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrig:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigAll:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigAll:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigUser:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigUser:
		apply_rel(c, ML_FORM_ENABLE_DISABLE_TRIGGER, rel, NULL);
		return;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition: {
		const PgQuery__PartitionCmd *pc = def && def->node_case == T(PARTITION_CMD) ? def->partition_cmd : NULL;
		ml_form form = cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition
				       ? ML_FORM_ATTACH_PARTITION
				       : (pc && pc->concurrent ? ML_FORM_DETACH_PARTITION_CONCURRENTLY
							       : ML_FORM_DETACH_PARTITION);
		apply_rel(c, form, rel, pc ? pc->name : NULL);
		return;
	}
	default:
		break;
	}
	apply_rel(c, ML_FORM_ALTER_TABLE_OTHER, rel, NULL);
}

static void classify_drop(struct classifier *c, const PgQuery__DropStmt *ds)
{
	for (size_t i = 0; i < ds->n_objects; i++) {
		const PgQuery__Node *o = ds->objects[i];
		if (!o || o->node_case != T(LIST))
			continue;
		const PgQuery__List *l = o->list;
		const char *name = ml_last_name(l->items, l->n_items);
		const char *qual = l->n_items >= 2 && l->items[l->n_items - 2]->node_case == T(STRING)
					   ? l->items[l->n_items - 2]->string->sval
					   : NULL;
		switch (ds->remove_type) {
		case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: {
			/* The lock is on the index's table; we know it only for
			 * indexes this run created. */
			const ml_index_state *ix = ml_catalog_index(c->cat, name);
			ml_form form = ds->concurrent ? ML_FORM_DROP_INDEX_CONCURRENTLY : ML_FORM_DROP_INDEX;
			const ml_lock_fact *f = ml_lock_fact_for(form, c->pg_major);
			c->out->forms |= (uint64_t)1 << form;
			add_lock(c, ix ? ix->table : ml_qualified_name(c->arena, qual, name),
				 ix && ml_catalog_table_is_new(c->cat, ix->schema, ix->table_name), f->target_lock);
			/* A partitioned index goes with the index of every
			 * partition, each table locked like the parent. */
			const ml_table_state *t = ix ? ml_catalog_table(c->cat, ix->schema, ix->table_name) : NULL;
			for (size_t k = 0; t && t->partitioned && k < t->partitions.len; k++) {
				const ml_table_state *part = t->partitions.items[k];
				add_lock(c, ml_qualified_name(c->arena, part->schema, part->name),
					 rel_is_new(c, part->schema, part->name), f->target_lock);
			}
			c->out->fails_in_transaction |= f->in_transaction_error;
			if (!c->out->form)
				c->out->form = f->label;
			break;
		}
		case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE: {
			/* Dropping a table drops its foreign keys: their tables are
			 * locked too. */
			const ml_table_state *t = ml_catalog_table(c->cat, qual, name);
			apply_form(c, ML_FORM_DROP_TABLE, qual, name, NULL, NULL);
			for (size_t k = 0; t && k < t->foreign_keys.len; k++) {
				const ml_foreign_key_state *fk = t->foreign_keys.items[k];
				apply_form(c, ML_FORM_DROP_TABLE, qual, name, fk->ref_schema, fk->ref_name);
			}
			break;
		}
		case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
		case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
			/* The view alone: the tables it reads are not locked. */
			apply_form_labelled(c, ML_FORM_DROP_VIEW,
					    ds->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW ? "DROP MATERIALIZED VIEW"
												  : NULL,
					    qual, name, NULL, NULL);
			break;
		case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER: {
			/* objects: [schema,] table, trigger */
			const char *table = l->n_items >= 2 && l->items[l->n_items - 2]->node_case == T(STRING)
						    ? l->items[l->n_items - 2]->string->sval
						    : NULL;
			const char *schema = l->n_items >= 3 && l->items[l->n_items - 3]->node_case == T(STRING)
						     ? l->items[l->n_items - 3]->string->sval
						     : NULL;
			apply_form(c, ML_FORM_DROP_TRIGGER, schema, table, NULL, NULL);
			break;
		}
		default:
			break;
		}
	}
}

static void classify_create_table(struct classifier *c, const PgQuery__CreateStmt *cs)
{
	bool any_fk = false;
	for (size_t i = 0; i < cs->n_table_elts; i++) {
		const PgQuery__Node *e = cs->table_elts[i];
		const PgQuery__RangeVar *ref = NULL;
		if (e && e->node_case == T(COLUMN_DEF)) {
			const PgQuery__Constraint *fk =
				ml_column_constraint(e->column_def, PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN);
			ref = fk ? fk->pktable : NULL;
		} else if (e && e->node_case == T(CONSTRAINT) &&
			   e->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) {
			ref = e->constraint->pktable;
		}
		if (ref) {
			any_fk = true;
			apply_rel(c, ML_FORM_CREATE_TABLE_REFERENCES, cs->relation, ref);
		}
	}
	if (!any_fk)
		apply_rel(c, ML_FORM_CREATE_TABLE, cs->relation, NULL);
	/* The new table itself is created by this statement: nobody else can
	 * be waiting on it. */
	for (size_t i = 0; i < c->out->n_locks; i++)
		if (cs->relation && !strcmp(c->out->locks[i].table,
					    ml_qualified_name(c->arena, cs->relation->schemaname,
							      cs->relation->relname)))
			c->out->locks[i].new_table = true;
}

/* ---- reads ----------------------------------------------------------------- */

#define MAX_CTES 32

/* The tables a statement reads: every relation it names in FROM, JOIN,
 * USING or a subquery, except the ones it writes, the names of its CTEs and
 * the system catalogs. */
struct reads {
	struct classifier *c;
	const ml_stmt_env *env;
	const PgQuery__RangeVar *target;  /* the table written (or created), or NULL */
	const char *ctes[MAX_CTES];
	size_t n_ctes;
};

static bool collect_cte(const ProtobufCMessage *msg, void *data)
{
	struct reads *r = data;
	if (msg->descriptor == &pg_query__common_table_expr__descriptor && r->n_ctes < MAX_CTES) {
		const PgQuery__CommonTableExpr *cte = (const PgQuery__CommonTableExpr *)msg;
		if (cte->ctename && *cte->ctename)
			r->ctes[r->n_ctes++] = cte->ctename;
	}
	return true;
}

static bool is_table_read(const struct reads *r, const PgQuery__RangeVar *rv)
{
	if (rv == r->target || !rv->relname || !*rv->relname || !strcmp(rv->relname, ML_DYNAMIC_PLACEHOLDER))
		return false;
	bool qualified = rv->schemaname && *rv->schemaname;
	if (qualified && (!strcmp(rv->schemaname, "pg_catalog") || !strcmp(rv->schemaname, "information_schema")))
		return false;
	if (!qualified && !strncmp(rv->relname, "pg_", 3))
		return false; /* pg_class, pg_indexes, pg_stat_activity: the catalogs */
	for (size_t i = 0; !qualified && i < r->n_ctes; i++)
		if (!strcmp(r->ctes[i], rv->relname))
			return false;
	return true;
}

static bool lock_read(const ProtobufCMessage *msg, void *data)
{
	struct reads *r = data;
	if (msg->descriptor != &pg_query__range_var__descriptor)
		return true;
	const PgQuery__RangeVar *rv = (const PgQuery__RangeVar *)msg;
	if (is_table_read(r, rv))
		apply_rel(r->c, ML_FORM_SELECT, rv, NULL);
	return true;
}

static void copy_reads(struct reads *r, const PgQuery__SelectStmt *s, int depth);

/* A data-modifying CTE (WITH x AS (INSERT ... RETURNING ...)) writes its
 * table: ROW EXCLUSIVE, where the read below would say ACCESS SHARE; an
 * INSERT ... SELECT there copies what it reads, as one at the top does. */
static bool lock_nested_write(const ProtobufCMessage *msg, void *data)
{
	struct reads *r = data;
	const PgQuery__RangeVar *rel = NULL;
	ml_form form = ML_FORM_INSERT;
	if (msg->descriptor == &pg_query__insert_stmt__descriptor) {
		const PgQuery__InsertStmt *is = (const PgQuery__InsertStmt *)msg;
		rel = is->relation;
		if (rel != r->target && is->select_stmt && is->select_stmt->node_case == T(SELECT_STMT) &&
		    is->select_stmt->select_stmt->n_values_lists == 0)
			copy_reads(r, is->select_stmt->select_stmt, 0);
	} else if (msg->descriptor == &pg_query__update_stmt__descriptor) {
		rel = ((const PgQuery__UpdateStmt *)msg)->relation;
		form = ML_FORM_UPDATE;
	} else if (msg->descriptor == &pg_query__delete_stmt__descriptor) {
		rel = ((const PgQuery__DeleteStmt *)msg)->relation;
		form = ML_FORM_DELETE;
	}
	if (rel && is_table_read(r, rel))
		apply_rel(r->c, form, rel, NULL);
	return true;
}

/* ACCESS SHARE on each table stmt reads, ROW EXCLUSIVE on each one a CTE
 * of it writes; target is the table it writes. */
static void apply_reads(struct reads *r, const PgQuery__Node *stmt)
{
	ml_walk(&stmt->base, collect_cte, r);
	ml_walk(&stmt->base, lock_nested_write, r);
	ml_walk(&stmt->base, lock_read, r);
}

static void copy_from_item(struct reads *r, const PgQuery__Node *item, const PgQuery__SelectStmt *s, int depth)
{
	if (!item || depth > 32)
		return;
	switch (item->node_case) {
	case T(RANGE_VAR):
		if (is_table_read(r, item->range_var) &&
		    !ml_where_is_batched(r->c->cat, item->range_var, s->where_clause, NULL, NULL, 0, r->env))
			apply_rel(r->c, ML_FORM_READ_ALL, item->range_var, NULL);
		return;
	case T(JOIN_EXPR):
		copy_from_item(r, item->join_expr->larg, s, depth + 1);
		copy_from_item(r, item->join_expr->rarg, s, depth + 1);
		return;
	case T(RANGE_SUBSELECT):
		if (item->range_subselect->subquery && item->range_subselect->subquery->node_case == T(SELECT_STMT))
			copy_reads(r, item->range_subselect->subquery->select_stmt, depth + 1);
		return;
	default:
		return;
	}
}

/* The tables a copy (INSERT ... SELECT, CREATE TABLE ... AS, SELECT INTO)
 * reads whole: those in the FROM of its SELECT, of the branches of a UNION,
 * of FROM subqueries and of CTEs, unless that SELECT has a LIMIT or a WHERE
 * that bounds it to one batch of the table (ml_where_is_batched). Tables
 * read only in a condition (WHERE NOT EXISTS (SELECT ...)) get no scan
 * claim. */
static void copy_reads(struct reads *r, const PgQuery__SelectStmt *s, int depth)
{
	if (!s || depth > 32 || s->limit_count)
		return;
	for (size_t i = 0; s->with_clause && i < s->with_clause->n_ctes; i++) {
		const PgQuery__Node *cte = s->with_clause->ctes[i];
		if (cte && cte->node_case == T(COMMON_TABLE_EXPR) && cte->common_table_expr->ctequery &&
		    cte->common_table_expr->ctequery->node_case == T(SELECT_STMT))
			copy_reads(r, cte->common_table_expr->ctequery->select_stmt, depth + 1);
	}
	copy_reads(r, s->larg, depth + 1);
	copy_reads(r, s->rarg, depth + 1);
	for (size_t i = 0; i < s->n_from_clause; i++)
		copy_from_item(r, s->from_clause[i], s, depth + 1);
}

/* CREATE TABLE ... AS, SELECT ... INTO, CREATE MATERIALIZED VIEW: the new
 * relation is locked (and new), the query's tables read, and read whole
 * when the data is copied. */
static void classify_create_as(struct classifier *c, const PgQuery__Node *stmt, const PgQuery__IntoClause *into,
			       const PgQuery__SelectStmt *query, const char *label, const ml_stmt_env *env)
{
	const PgQuery__RangeVar *rel = into ? into->rel : NULL;
	apply_form_labelled(c, ML_FORM_CREATE_TABLE_AS, label, rel ? rel->schemaname : NULL, rel ? rel->relname : NULL,
			    NULL, NULL);
	if (rel) {
		const char *name = ml_qualified_name(c->arena, rel->schemaname, rel->relname);
		for (size_t i = 0; i < c->out->n_locks; i++)
			if (!strcmp(c->out->locks[i].table, name))
				c->out->locks[i].new_table = true;
	}
	struct reads r = { .c = c, .env = env, .target = rel };
	apply_reads(&r, stmt);
	if (!into || !into->skip_data)
		copy_reads(&r, query, 0);
}

void ml_effect_compute(ml_arena *arena, const ml_catalog *cat, const ml_tx *tx, int pg_major,
		       const PgQuery__Node *stmt, const ml_stmt_env *env, ml_effect *out)
{
	memset(out, 0, sizeof(*out));
	struct classifier c = { .arena = arena, .cat = cat, .tx = tx, .pg_major = pg_major, .out = out };
	bool target_emptied = false; /* UPDATE or DELETE of a table with no visible row left */
	switch (stmt->node_case) {
	case T(CREATE_STMT):
		classify_create_table(&c, stmt->create_stmt);
		break;
	case T(ALTER_TABLE_STMT): {
		const PgQuery__AlterTableStmt *as = stmt->alter_table_stmt;
		if (as->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
			apply_rel(&c, as->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX ? ML_FORM_SET_STORAGE
											 : ML_FORM_ALTER_TABLE_OTHER,
				  as->relation, NULL);
			break;
		}
		for (size_t i = 0; i < as->n_cmds; i++)
			if (as->cmds[i] && as->cmds[i]->node_case == T(ALTER_TABLE_CMD))
				classify_alter_cmd(&c, as, as->cmds[i]->alter_table_cmd);
		break;
	}
	case T(INDEX_STMT): {
		const PgQuery__IndexStmt *ix = stmt->index_stmt;
		ml_form form = ix->concurrent ? ML_FORM_CREATE_INDEX_CONCURRENTLY
			       : (ix->relation && !ix->relation->inh) ? ML_FORM_CREATE_INDEX_ON_ONLY
								       : ML_FORM_CREATE_INDEX;
		apply_rel(&c, form, ix->relation, NULL);
		/* An index on a partitioned table is built on every partition,
		 * each locked like the parent (ON ONLY builds nothing). */
		const ml_table_state *parent =
			ix->relation ? ml_catalog_table(cat, ix->relation->schemaname, ix->relation->relname) : NULL;
		for (size_t k = 0; parent && form != ML_FORM_CREATE_INDEX_ON_ONLY && k < parent->partitions.len; k++) {
			const ml_table_state *part = parent->partitions.items[k];
			apply_form(&c, form, part->schema, part->name, NULL, NULL);
		}
		break;
	}
	case T(DROP_STMT):
		classify_drop(&c, stmt->drop_stmt);
		break;
	case T(REINDEX_STMT): {
		const PgQuery__ReindexStmt *rs = stmt->reindex_stmt;
		ml_form form = ml_option_on(rs->params, rs->n_params, "concurrently") ? ML_FORM_REINDEX_CONCURRENTLY : ML_FORM_REINDEX;
		if (rs->kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_TABLE && rs->relation) {
			apply_rel(&c, form, rs->relation, NULL);
		} else if (rs->kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX && rs->relation) {
			/* The index is locked, and so is its table, which is known
			 * for indexes this run created. The index is as new as its
			 * table. */
			const ml_index_state *ix = ml_catalog_index(cat, rs->relation->relname);
			apply_form(&c, form, ix ? ix->schema : NULL, ix ? ix->table_name : NULL, rs->relation->schemaname,
				   rs->relation->relname);
			const char *index = ml_qualified_name(arena, rs->relation->schemaname, rs->relation->relname);
			for (size_t i = 0; i < out->n_locks; i++)
				if (!strcmp(out->locks[i].table, index))
					out->locks[i].new_table = ix && ml_catalog_table_is_new(cat, ix->schema, ix->table_name);
		} else {
			/* SCHEMA, SYSTEM, DATABASE: every table in it, one at a time. */
			const ml_lock_fact *f = ml_lock_fact_for(form, pg_major);
			out->forms |= (uint64_t)1 << form;
			out->form = f->label;
			out->fails_in_transaction = true; /* REINDEX SCHEMA/DATABASE cannot run in a transaction block */
		}
		break;
	}
	case T(CLUSTER_STMT):
		apply_rel(&c, ML_FORM_CLUSTER, stmt->cluster_stmt->relation, NULL);
		break;
	case T(VACUUM_STMT): {
		const PgQuery__VacuumStmt *vs = stmt->vacuum_stmt;
		ml_form form = !vs->is_vacuumcmd ? ML_FORM_ANALYZE
			       : ml_option_on(vs->options, vs->n_options, "full") ? ML_FORM_VACUUM_FULL
										 : ML_FORM_VACUUM;
		for (size_t i = 0; i < vs->n_rels; i++) {
			const PgQuery__Node *r = vs->rels[i];
			if (r && r->node_case == T(VACUUM_RELATION))
				apply_rel(&c, form, r->vacuum_relation->relation, NULL);
		}
		if (vs->n_rels == 0)
			apply_form(&c, form, NULL, NULL, NULL, NULL);
		break;
	}
	case T(CREATE_PUBLICATION_STMT):
	case T(ALTER_PUBLICATION_STMT): {
		bool create = stmt->node_case == T(CREATE_PUBLICATION_STMT);
		size_t n = create ? stmt->create_publication_stmt->n_pubobjects : stmt->alter_publication_stmt->n_pubobjects;
		PgQuery__Node **objects =
			create ? stmt->create_publication_stmt->pubobjects : stmt->alter_publication_stmt->pubobjects;
		for (size_t i = 0; i < n; i++) {
			const PgQuery__Node *o = objects[i];
			if (o && o->node_case == T(PUBLICATION_OBJ_SPEC) && o->publication_obj_spec->pubtable)
				apply_rel(&c, ML_FORM_PUBLICATION_TABLE, o->publication_obj_spec->pubtable->relation, NULL);
		}
		break;
	}
	case T(TRUNCATE_STMT):
		for (size_t i = 0; i < stmt->truncate_stmt->n_relations; i++) {
			const PgQuery__Node *r = stmt->truncate_stmt->relations[i];
			if (r && r->node_case == T(RANGE_VAR))
				apply_rel(&c, ML_FORM_TRUNCATE, r->range_var, NULL);
		}
		break;
	case T(CREATE_TRIG_STMT):
		apply_rel(&c, ML_FORM_CREATE_TRIGGER, stmt->create_trig_stmt->relation, NULL);
		break;
	case T(ALTER_ENUM_STMT):
		if (stmt->alter_enum_stmt->new_val && *stmt->alter_enum_stmt->new_val &&
		    !(stmt->alter_enum_stmt->old_val && *stmt->alter_enum_stmt->old_val))
			apply_form(&c, ML_FORM_ADD_ENUM_VALUE, NULL, NULL, NULL, NULL);
		break;
	case T(REFRESH_MAT_VIEW_STMT):
		apply_rel(&c, stmt->refresh_mat_view_stmt->concurrent ? ML_FORM_REFRESH_MATVIEW_CONCURRENTLY
								       : ML_FORM_REFRESH_MATVIEW,
			  stmt->refresh_mat_view_stmt->relation, NULL);
		break;
	case T(LOCK_STMT): {
		const PgQuery__LockStmt *ls = stmt->lock_stmt;
		/* LockStmt.mode is PostgreSQL's LOCKMODE, 1 (AccessShareLock)
		 * to 8 (AccessExclusiveLock): the order of ml_lock_mode. */
		ml_lock_mode mode = ls->mode >= 1 && ls->mode <= 8 ? (ml_lock_mode)ls->mode : ML_LOCK_ACCESS_EXCLUSIVE;
		for (size_t i = 0; i < ls->n_relations; i++) {
			const PgQuery__Node *r = ls->relations[i];
			if (!r || r->node_case != T(RANGE_VAR))
				continue;
			apply_rel(&c, ML_FORM_LOCK_TABLE, NULL, NULL);
			add_lock(&c, ml_qualified_name(arena, r->range_var->schemaname, r->range_var->relname),
				 rel_is_new(&c, r->range_var->schemaname, r->range_var->relname), mode);
		}
		break;
	}
	case T(RENAME_STMT): {
		const PgQuery__RenameStmt *rs = stmt->rename_stmt;
		if (rs->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE ||
		    rs->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN)
			apply_rel(&c, ML_FORM_RENAME, rs->relation, NULL);
		else if (rs->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX)
			apply_rel(&c, ML_FORM_RENAME_INDEX, rs->relation, NULL);
		break;
	}
	case T(COMMENT_STMT): {
		/* COMMENT ON TABLE t / COLUMN t.c takes SHARE UPDATE EXCLUSIVE on t. */
		const PgQuery__CommentStmt *cs = stmt->comment_stmt;
		if (!cs->object || cs->object->node_case != T(LIST))
			break;
		const PgQuery__List *l = cs->object->list;
		size_t n = l->n_items;
		if (cs->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN && n >= 2)
			n--; /* drop the column name */
		else if (cs->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
			break;
		const char *table = ml_last_name(l->items, n);
		const char *schema = n >= 2 && l->items[n - 2]->node_case == T(STRING) ? l->items[n - 2]->string->sval : NULL;
		apply_form(&c, ML_FORM_SET_STORAGE, schema, table, NULL, NULL);
		break;
	}
	case T(UPDATE_STMT): {
		const PgQuery__UpdateStmt *us = stmt->update_stmt;
		apply_rel(&c, ML_FORM_UPDATE, us->relation, NULL);
		out->unbatched = !ml_where_is_batched(cat, us->relation, us->where_clause, us->with_clause,
						      us->from_clause, us->n_from_clause, env);
		out->scan = us->where_clause == NULL;
		target_emptied = us->relation &&
				 rel_emptied(&c, us->relation->schemaname, us->relation->relname) != ML_NOT_EMPTIED;
		struct reads r = { .c = &c, .env = env, .target = us->relation };
		apply_reads(&r, stmt);
		break;
	}
	case T(DELETE_STMT): {
		const PgQuery__DeleteStmt *ds = stmt->delete_stmt;
		apply_rel(&c, ML_FORM_DELETE, ds->relation, NULL);
		out->unbatched = !ml_where_is_batched(cat, ds->relation, ds->where_clause, ds->with_clause,
						      ds->using_clause, ds->n_using_clause, env);
		out->scan = ds->where_clause == NULL;
		target_emptied = ds->relation &&
				 rel_emptied(&c, ds->relation->schemaname, ds->relation->relname) != ML_NOT_EMPTIED;
		struct reads r = { .c = &c, .env = env, .target = ds->relation };
		apply_reads(&r, stmt);
		break;
	}
	case T(INSERT_STMT): {
		const PgQuery__InsertStmt *is = stmt->insert_stmt;
		const PgQuery__SelectStmt *query = is->select_stmt && is->select_stmt->node_case == T(SELECT_STMT)
							   ? is->select_stmt->select_stmt
							   : NULL;
		bool select = query && query->n_values_lists == 0;
		apply_form_labelled(&c, ML_FORM_INSERT, select ? "INSERT ... SELECT" : NULL,
				    is->relation ? is->relation->schemaname : NULL,
				    is->relation ? is->relation->relname : NULL, NULL, NULL);
		struct reads r = { .c = &c, .env = env, .target = is->relation };
		apply_reads(&r, stmt);
		for (size_t i = 0; is->with_clause && i < is->with_clause->n_ctes; i++) {
			const PgQuery__Node *cte = is->with_clause->ctes[i];
			if (cte && cte->node_case == T(COMMON_TABLE_EXPR) && cte->common_table_expr->ctequery &&
			    cte->common_table_expr->ctequery->node_case == T(SELECT_STMT))
				copy_reads(&r, cte->common_table_expr->ctequery->select_stmt, 0);
		}
		copy_reads(&r, query, 0);
		break;
	}
	case T(CREATE_TABLE_AS_STMT): {
		const PgQuery__CreateTableAsStmt *cs = stmt->create_table_as_stmt;
		const char *label = cs->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW ? "CREATE MATERIALIZED VIEW"
				    : cs->is_select_into ? "SELECT ... INTO"
							 : NULL;
		classify_create_as(&c, stmt, cs->into,
				   cs->query && cs->query->node_case == T(SELECT_STMT) ? cs->query->select_stmt : NULL, label,
				   env);
		break;
	}
	case T(SELECT_STMT): {
		const PgQuery__SelectStmt *ss = stmt->select_stmt;
		if (ss->into_clause && ss->into_clause->rel) {
			classify_create_as(&c, stmt, ss->into_clause, ss, "SELECT ... INTO", env);
		} else {
			struct reads r = { .c = &c, .env = env };
			apply_reads(&r, stmt);
		}
		break;
	}
	default:
		break;
	}
	if (out->unbatched && out->n_locks > 0 && !out->locks[0].new_table && !target_emptied) {
		out->many_rows = true;
		out->slow = true;
	}
	if (!out->form)
		out->form = ml_lock_fact_for(ML_FORM_NONE, pg_major)->label;
}

/* ---- batching ------------------------------------------------------------ */

static bool select_has_limit(const PgQuery__Node *n)
{
	if (!n || n->node_case != T(SELECT_STMT))
		return false;
	const PgQuery__SelectStmt *s = n->select_stmt;
	if (s->limit_count)
		return true;
	/* UNION ALL of limited selects */
	return s->larg && s->rarg && s->larg->limit_count && s->rarg->limit_count;
}

static const char *column_ref_text(const PgQuery__Node *n, char *buf, size_t len)
{
	if (!n || n->node_case != T(COLUMN_REF))
		return NULL;
	const PgQuery__ColumnRef *ref = n->column_ref;
	buf[0] = '\0';
	for (size_t i = 0; i < ref->n_fields; i++) {
		const PgQuery__Node *f = ref->fields[i];
		if (!f || f->node_case != T(STRING))
			return NULL;
		size_t used = strlen(buf);
		snprintf(buf + used, len - used, "%s%s", i ? "." : "", f->string->sval);
	}
	return buf;
}

static bool is_variable(const PgQuery__Node *n, const ml_stmt_env *env)
{
	if (!n || n->node_case != T(COLUMN_REF) || !env || n->column_ref->n_fields == 0)
		return false;
	/* v_id, or rec.id for a record variable */
	const PgQuery__Node *first = n->column_ref->fields[0];
	if (!first || first->node_case != T(STRING))
		return false;
	for (size_t i = 0; i < env->n_loop_vars; i++)
		if (!strcmp(env->loop_vars[i], first->string->sval))
			return true;
	return false;
}

/* A value that names one row of a unique key: a non-boolean constant, a
 * parameter, a PL/pgSQL variable, a scalar subquery, or a cast or expression
 * of those. *varies is set when it depends on a parameter or variable: a
 * value that changes from call to call or from one loop turn to the next. */
static bool is_point_value(const PgQuery__Node *n, const ml_stmt_env *env, bool *varies)
{
	if (!n)
		return false;
	switch (n->node_case) {
	case T(A_CONST):
		return !n->a_const->isnull && n->a_const->val_case != PG_QUERY__A__CONST__VAL_BOOLVAL;
	case T(PARAM_REF):
		*varies = true;
		return true;
	case T(TYPE_CAST):
		if (n->type_cast->arg && n->type_cast->arg->node_case == T(A_CONST) &&
		    n->type_cast->type_name &&
		    !strcmp(ml_last_name(n->type_cast->type_name->names, n->type_cast->type_name->n_names), "bool"))
			return false;
		return is_point_value(n->type_cast->arg, env, varies);
	case T(COLUMN_REF):
		if (!is_variable(n, env))
			return false;
		*varies = true;
		return true;
	case T(A_EXPR):
		return n->a_expr->kind == PG_QUERY__A__EXPR__KIND__AEXPR_OP &&
		       is_point_value(n->a_expr->lexpr, env, varies) && is_point_value(n->a_expr->rexpr, env, varies);
	case T(FUNC_CALL):
		/* e.g. currval('s'), lower($1) */
		for (size_t i = 0; i < n->func_call->n_args; i++)
			if (!is_point_value(n->func_call->args[i], env, varies))
				return false;
		return true;
	case T(SUB_LINK):
		/* (SELECT id FROM ... ): one value, or an error */
		return n->sub_link->sub_link_type == PG_QUERY__SUB_LINK_TYPE__EXPR_SUBLINK;
	default:
		return false;
	}
}

#define MAX_BOUNDS 16
#define MAX_IN_LIST 1000

/* What the AND-ed conditions of a WHERE say about the target's columns. */
struct bounds {
	char column[MAX_BOUNDS][128];
	bool lower[MAX_BOUNDS], upper[MAX_BOUNDS];
	int n;
	char equated[MAX_BOUNDS][128];  /* target columns equal to a constant (or in a list of them) */
	const char *equated_ptr[MAX_BOUNDS];
	int n_equated;
};

/* The table an UPDATE or DELETE changes, to tell its columns from those of
 * the tables it joins. */
struct target {
	const char *schema, *name, *alias;
};

static void note_bound(struct bounds *b, const char *column, bool lower)
{
	int i;
	for (i = 0; i < b->n; i++)
		if (!strcmp(b->column[i], column))
			break;
	if (i == b->n) {
		if (b->n == MAX_BOUNDS)
			return;
		snprintf(b->column[b->n], sizeof(b->column[0]), "%s", column);
		b->lower[b->n] = b->upper[b->n] = false;
		b->n++;
	}
	if (lower)
		b->lower[i] = true;
	else
		b->upper[i] = true;
}

static void note_equated(struct bounds *b, const char *column)
{
	if (b->n_equated == MAX_BOUNDS)
		return;
	snprintf(b->equated[b->n_equated], sizeof(b->equated[0]), "%s", column);
	b->equated_ptr[b->n_equated] = b->equated[b->n_equated];
	b->n_equated++;
}

/* The column name when n is a column of the target table: unqualified, or
 * qualified with its alias (or, without one, its name). NULL for columns of
 * other tables, PL/pgSQL variables and anything else. */
static const char *target_column(const PgQuery__Node *n, const struct target *target, const ml_stmt_env *env)
{
	if (!n || n->node_case != T(COLUMN_REF) || is_variable(n, env))
		return NULL;
	const PgQuery__ColumnRef *ref = n->column_ref;
	for (size_t i = 0; i < ref->n_fields; i++)
		if (!ref->fields[i] || ref->fields[i]->node_case != T(STRING))
			return NULL;
	const char *column = ref->n_fields ? ref->fields[ref->n_fields - 1]->string->sval : NULL;
	bool aliased = target && target->alias && *target->alias;
	switch (ref->n_fields) {
	case 1:
		return column;
	case 2: /* alias.col, or table.col without an alias */
		return target && !strcmp(ref->fields[0]->string->sval, aliased ? target->alias : target->name) ? column
														   : NULL;
	case 3: /* schema.table.col */
		return target && !aliased && target->schema && !strcmp(ref->fields[0]->string->sval, target->schema) &&
			       !strcmp(ref->fields[1]->string->sval, target->name)
			       ? column
			       : NULL;
	default:
		return NULL;
	}
}

/* Does the condition on column (a target column or NULL) with these point
 * values bound the statement at once (values that vary: one batch per call
 * or loop turn), or does it only equate the column, which bounds it when the
 * column completes a unique key? */
static bool note_point(struct bounds *bounds, const char *column, bool varies)
{
	if (varies)
		return true;
	if (column)
		note_equated(bounds, column);
	return false;
}

static bool conjunct_is_batched(const PgQuery__Node *n, const ml_stmt_env *env, const struct target *target,
				struct bounds *bounds)
{
	char buf[128];
	if (n->node_case == T(SUB_LINK))
		return select_has_limit(n->sub_link->subselect);
	if (n->node_case != T(A_EXPR))
		return false;
	const PgQuery__AExpr *e = n->a_expr;
	const char *op = ml_last_name(e->name, e->n_name);
	bool varies = false;
	switch (e->kind) {
	case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN:
	case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN_SYM:
		return column_ref_text(e->lexpr, buf, sizeof(buf)) != NULL;
	case PG_QUERY__A__EXPR__KIND__AEXPR_IN: {
		if (!column_ref_text(e->lexpr, buf, sizeof(buf)) || strcmp(op, "=") != 0 || !e->rexpr ||
		    e->rexpr->node_case != T(LIST))
			return false;
		const PgQuery__List *l = e->rexpr->list;
		if (l->n_items == 0 || l->n_items > MAX_IN_LIST)
			return false;
		for (size_t i = 0; i < l->n_items; i++)
			if (!is_point_value(l->items[i], env, &varies))
				return false;
		return note_point(bounds, target_column(e->lexpr, target, env), varies);
	}
	case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ANY:
		/* id = ANY($1), id = ANY(batch_ids), id = ANY(ARRAY[1, 2]) */
		if (strcmp(op, "=") != 0 || !column_ref_text(e->lexpr, buf, sizeof(buf)))
			return false;
		if (e->rexpr && e->rexpr->node_case == T(A_ARRAY_EXPR)) {
			for (size_t i = 0; i < e->rexpr->a_array_expr->n_elements; i++)
				if (!is_point_value(e->rexpr->a_array_expr->elements[i], env, &varies))
					return false;
		} else if (!is_point_value(e->rexpr, env, &varies)) {
			return false;
		}
		return note_point(bounds, target_column(e->lexpr, target, env), varies);
	case PG_QUERY__A__EXPR__KIND__AEXPR_OP: {
		const char *lcol = column_ref_text(e->lexpr, buf, sizeof(buf));
		char rbuf[128];
		const char *rcol = column_ref_text(e->rexpr, rbuf, sizeof(rbuf));
		if (lcol && is_variable(e->lexpr, env))
			lcol = NULL;
		if (rcol && is_variable(e->rexpr, env))
			rcol = NULL;
		if (!strcmp(op, "=")) {
			if (lcol && is_point_value(e->rexpr, env, &varies))
				return note_point(bounds, target_column(e->lexpr, target, env), varies);
			if (rcol && is_point_value(e->lexpr, env, &varies))
				return note_point(bounds, target_column(e->rexpr, target, env), varies);
			return false;
		}
		bool gt = !strcmp(op, ">") || !strcmp(op, ">="), lt = !strcmp(op, "<") || !strcmp(op, "<=");
		if (!gt && !lt)
			return false;
		/* A bound only counts when its other side is not a column of
		 * the table: id < other_id bounds nothing. */
		if (lcol && !rcol)
			note_bound(bounds, lcol, gt);
		else if (rcol && !lcol)
			note_bound(bounds, rcol, lt);
		return false;
	}
	default:
		return false;
	}
}

static bool collect_conjuncts(const PgQuery__Node *n, const ml_stmt_env *env, const struct target *target,
			      struct bounds *bounds, int depth)
{
	if (!n || depth > 64)
		return false;
	if (n->node_case == T(BOOL_EXPR) && n->bool_expr->boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR) {
		for (size_t i = 0; i < n->bool_expr->n_args; i++)
			if (collect_conjuncts(n->bool_expr->args[i], env, target, bounds, depth + 1))
				return true;
		return false;
	}
	return conjunct_is_batched(n, env, target, bounds);
}

bool ml_where_is_batched(const ml_catalog *cat, const PgQuery__RangeVar *rel, const PgQuery__Node *where,
			 const PgQuery__WithClause *with, PgQuery__Node *const *from, size_t n_from,
			 const ml_stmt_env *env)
{
	if (with) {
		for (size_t i = 0; i < with->n_ctes; i++) {
			const PgQuery__Node *cte = with->ctes[i];
			if (cte && cte->node_case == T(COMMON_TABLE_EXPR) &&
			    select_has_limit(cte->common_table_expr->ctequery))
				return true;
		}
	}
	for (size_t i = 0; i < n_from; i++) {
		const PgQuery__Node *f = from[i];
		if (f && f->node_case == T(RANGE_SUBSELECT) && select_has_limit(f->range_subselect->subquery))
			return true;
	}
	if (!where)
		return false;
	struct target target = { 0 };
	if (rel) {
		target.schema = rel->schemaname;
		target.name = rel->relname;
		target.alias = rel->alias ? rel->alias->aliasname : NULL;
	}
	struct bounds bounds = { .n = 0 };
	if (collect_conjuncts(where, env, rel ? &target : NULL, &bounds, 0))
		return true;
	for (int i = 0; i < bounds.n; i++)
		if (bounds.lower[i] && bounds.upper[i])
			return true;
	/* Equality with constants is a point fix only on a unique key. */
	return rel && bounds.n_equated > 0 &&
	       ml_catalog_columns_cover_key(cat, rel->schemaname, rel->relname, bounds.equated_ptr,
					   (size_t)bounds.n_equated);
}
