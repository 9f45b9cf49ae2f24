/*
 * rule_api.h - everything a rule in rules/ may use.
 *
 * A rule is a const struct ml_rule with a check function. The engine calls
 * check once per statement (top-level, or SQL found inside PL/pgSQL) with a
 * read-only context holding the facts it computed once for every rule: the
 * transaction state, the tables this run created, the locks the transaction
 * already holds, what this statement locks, rewrites and scans, and what is
 * known about columns. A rule only reads the context and calls ml_report.
 */
#ifndef MIGRALINT_RULE_API_H
#define MIGRALINT_RULE_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pg_query/pg_query.pb-c.h>

#include "migralint/migralint.h"

/* Lock modes, weakest first; the order is the conflict strength. */
typedef enum ml_lock_mode {
	ML_LOCK_NONE = 0,
	ML_LOCK_ACCESS_SHARE,
	ML_LOCK_ROW_SHARE,
	ML_LOCK_ROW_EXCLUSIVE,
	ML_LOCK_SHARE_UPDATE_EXCLUSIVE,
	ML_LOCK_SHARE,
	ML_LOCK_SHARE_ROW_EXCLUSIVE,
	ML_LOCK_EXCLUSIVE,
	ML_LOCK_ACCESS_EXCLUSIVE,
} ml_lock_mode;

/* "ACCESS EXCLUSIVE" and so on; "" for ML_LOCK_NONE. */
const char *ml_lock_mode_name(ml_lock_mode mode);

typedef enum ml_tx_state {
	ML_TX_NONE = 0,   /* autocommit: the statement is its own transaction */
	ML_TX_EXPLICIT,   /* after BEGIN / START TRANSACTION */
	ML_TX_ASSUMED,    /* --assume-in-transaction: the tool wraps the file */
	ML_TX_IMPLICIT,   /* inside a DO block run in autocommit: one transaction until it COMMITs */
} ml_tx_state;

/* Where the statement sits. */
typedef enum ml_body_kind {
	ML_BODY_TOP = 0,      /* a statement of the migration file */
	ML_BODY_DO,           /* inside a DO block: runs now, in the caller's transaction */
	ML_BODY_PROCEDURE,    /* inside a PL/pgSQL procedure body: runs when CALLed */
	ML_BODY_FUNCTION,     /* inside a PL/pgSQL function body: runs per call, not now */
} ml_body_kind;

/* Statement forms of the lock model (lock_table.c has a row for each). */
typedef enum ml_form {
	ML_FORM_NONE = 0,             /* takes no table lock worth reporting (SELECT, SET, ...) */
	ML_FORM_CREATE_TABLE,
	ML_FORM_CREATE_TABLE_REFERENCES,
	ML_FORM_DROP_TABLE,
	ML_FORM_ADD_COLUMN,
	ML_FORM_ADD_COLUMN_DEFAULT,
	ML_FORM_ADD_COLUMN_VOLATILE_DEFAULT,
	ML_FORM_ADD_COLUMN_GENERATED,
	ML_FORM_ADD_COLUMN_CHECKED_DOMAIN,   /* a domain type with a CHECK: every row is checked */
	ML_FORM_ADD_COLUMN_REFERENCES,
	ML_FORM_ALTER_COLUMN_TYPE,
	ML_FORM_ALTER_COLUMN_TYPE_COERCIBLE,
	ML_FORM_SET_NOT_NULL,
	ML_FORM_SET_NOT_NULL_CHECKED,
	ML_FORM_ALTER_COLUMN_METADATA,   /* DROP NOT NULL, SET/DROP DEFAULT */
	ML_FORM_DROP_COLUMN,
	ML_FORM_RENAME,                  /* RENAME COLUMN, RENAME TO */
	ML_FORM_RENAME_INDEX,
	ML_FORM_ADD_FOREIGN_KEY,
	ML_FORM_ADD_FOREIGN_KEY_NOT_VALID,
	ML_FORM_VALIDATE_CONSTRAINT,
	ML_FORM_ADD_CHECK,
	ML_FORM_ADD_CHECK_NOT_VALID,
	ML_FORM_ADD_UNIQUE,              /* UNIQUE or PRIMARY KEY building an index */
	ML_FORM_ADD_UNIQUE_USING_INDEX,
	ML_FORM_ADD_EXCLUDE,
	ML_FORM_DROP_CONSTRAINT,
	ML_FORM_DROP_FOREIGN_KEY,        /* also locks the referenced table */
	ML_FORM_CREATE_INDEX,
	ML_FORM_CREATE_INDEX_CONCURRENTLY,
	ML_FORM_CREATE_INDEX_ON_ONLY,
	ML_FORM_DROP_VIEW,               /* DROP VIEW / DROP MATERIALIZED VIEW */
	ML_FORM_DROP_INDEX,
	ML_FORM_DROP_INDEX_CONCURRENTLY,
	ML_FORM_REINDEX,
	ML_FORM_REINDEX_CONCURRENTLY,
	ML_FORM_CLUSTER,
	ML_FORM_VACUUM_FULL,
	ML_FORM_VACUUM,
	ML_FORM_TRUNCATE,
	ML_FORM_ATTACH_PARTITION,
	ML_FORM_DETACH_PARTITION,
	ML_FORM_DETACH_PARTITION_CONCURRENTLY,
	ML_FORM_CREATE_TRIGGER,
	ML_FORM_ENABLE_DISABLE_TRIGGER,
	ML_FORM_DROP_TRIGGER,
	ML_FORM_ADD_ENUM_VALUE,
	ML_FORM_REFRESH_MATVIEW,
	ML_FORM_REFRESH_MATVIEW_CONCURRENTLY,
	ML_FORM_SET_STORAGE,             /* SET STATISTICS, SET (...), CLUSTER ON, COMMENT ON */
	ML_FORM_SET_PERSISTENCE,         /* SET LOGGED / UNLOGGED / ACCESS METHOD / TABLESPACE */
	ML_FORM_LOCK_TABLE,
	ML_FORM_SELECT,                  /* a table a query reads (FROM, JOIN, USING, subqueries) */
	ML_FORM_READ_ALL,                /* a table INSERT ... SELECT / CREATE TABLE ... AS copies whole */
	ML_FORM_CREATE_TABLE_AS,         /* also SELECT ... INTO, CREATE MATERIALIZED VIEW */
	ML_FORM_UPDATE,
	ML_FORM_DELETE,
	ML_FORM_INSERT,
	ML_FORM_ALTER_TABLE_OTHER,
	ML_FORM_COUNT
} ml_form;
_Static_assert(ML_FORM_COUNT <= 64, "ml_effect.forms is a 64-bit set");

#define ML_MAX_STMT_LOCKS 8

typedef struct ml_lock {
	const char *table;        /* "schema.name" or "name", as written, lower-cased by the parser */
	ml_lock_mode mode;
	bool new_table;           /* the table was created earlier in this run */
	int line;                 /* line of the statement that took the lock */
} ml_lock;

/* What one statement does, from the lock table (lock_table.c). */
typedef struct ml_effect {
	const char *form;         /* label of the strongest form, e.g. "ALTER TABLE ... SET NOT NULL" */
	uint64_t forms;           /* every form the statement has, as bits 1 << ml_form */
	ml_lock locks[ML_MAX_STMT_LOCKS]; /* the strongest mode per table touched */
	size_t n_locks;
	bool rewrite;             /* rewrites the table (and its indexes) */
	bool scan;                /* reads the whole table */
	bool index_build;         /* builds an index */
	bool many_rows;           /* an UPDATE or DELETE not limited to one batch */
	bool slow;                /* rewrite, scan, index build or many rows on a table that existed before the run */
	bool unbatched;           /* UPDATE or DELETE whose WHERE does not bound it to one batch */
	bool fails_in_transaction; /* PostgreSQL rejects it inside a transaction block (CONCURRENTLY, VACUUM) */
} ml_effect;

/* Does the statement have this form (e.g. one ALTER TABLE subcommand)? */
static inline bool ml_effect_has(const ml_effect *effect, ml_form form)
{
	return (effect->forms >> form) & 1u;
}


/* What the run knows about a column it created or altered. */
typedef struct ml_column_facts {
	const char *name;
	const char *type;         /* type as written, e.g. "varchar(20)"; NULL when unknown */
	bool not_null;            /* known to be NOT NULL (NOT NULL, PRIMARY KEY, serial, identity, SET NOT NULL) */
	bool nullable;            /* known to allow NULL: defined without NOT NULL where nothing else could
				     have made it NOT NULL (no inherited columns, no PRIMARY KEY on it), or
				     DROP NOT NULL; neither flag: unknown */
	bool valid_not_null_check;   /* a CHECK (col IS NOT NULL) that is valid: added without NOT VALID, or VALIDATEd */
	bool pending_not_null_check; /* such a CHECK added NOT VALID and not validated yet */
} ml_column_facts;

typedef struct ml_stmt_ctx ml_stmt_ctx;
/* What the migrations built so far, and the transaction the statement runs
 * in: opaque to rules, which ask the query functions below. */
typedef struct ml_catalog ml_catalog;
typedef struct ml_tx ml_tx;

typedef struct ml_rule {
	ml_rule_info info;        /* public description; must stay the first member */
	/* Checks one statement. NULL for rules that the engine reports itself
	 * (syntax-error and the like). */
	void (*check)(const ml_stmt_ctx *ctx, const struct ml_rule *self);
	/* Called once at the end of each file, with ctx->stmt NULL and the
	 * final transaction state; ml_report(-1) points at the open BEGIN, or
	 * at the end of the file. NULL for most rules. */
	void (*finish)(const ml_stmt_ctx *ctx, const struct ml_rule *self);
	/* Its findings say that the statement's own slow work (a rewrite, a
	 * scan, an index build, many rows changed) blocks the tables it works
	 * on: ml_slow_work_reported_by names it. */
	bool reports_slow_work;
	/* Checks each statement after all the other rules, so that it sees
	 * what they reported. */
	bool runs_last;
} ml_rule;

/* An enum value added earlier in the current transaction. */
typedef struct ml_enum_value {
	const char *type;         /* enum type name as written */
	const char *label;
	int line;
} ml_enum_value;

/* A constraint added NOT VALID earlier in the current transaction. */
typedef struct ml_pending_constraint {
	const char *table;
	const char *name;
	int line;
} ml_pending_constraint;

/* Where a statement is in the file being linted, as byte offsets. */
typedef struct ml_stmt_span {
	const char *text;         /* the file's text */
	size_t start, end;        /* the statement's span: its findings point into it */
	size_t loc_base;          /* file offset of the statement's node location 0 */
	size_t loc_limit;         /* bytes of text node locations index */
	bool exact;               /* node locations map onto the file: the text was not rebuilt */
} ml_stmt_span;

struct ml_arena;
struct ml_findings;

/* The facts a rule reads. Everything is owned by the engine and valid only
 * during the check call. */
struct ml_stmt_ctx {
	const ml_options *options;
	const PgQuery__Node *stmt;  /* the statement */
	ml_tx_state tx_state;       /* transaction state the statement runs in */
	int tx_begin_line;          /* line of the BEGIN, or 0 */
	const ml_lock *held;        /* locks taken by earlier statements of this transaction */
	size_t n_held;
	bool lock_timeout_set;      /* SET lock_timeout seen earlier in the file */
	const ml_effect *effect;    /* what this statement locks, rewrites and scans */
	ml_body_kind body;          /* top level, DO block or function body */
	int loop_depth;             /* PL/pgSQL loops around the statement */
	bool loop_commits;          /* an enclosing loop COMMITs in its body */
	const char *const *loop_vars; /* PL/pgSQL variables in scope (loop variables among them) */
	size_t n_loop_vars;
	bool statement_timeout_set; /* SET statement_timeout seen earlier in the file */
	bool first_strong_lock;     /* the file's first statement to need a lock stronger than
				       SHARE UPDATE EXCLUSIVE on a table that existed before it */
	const ml_enum_value *const *new_enum_values; /* ALTER TYPE ... ADD VALUE earlier in this transaction */
	size_t n_new_enum_values;
	const ml_pending_constraint *const *not_valid_in_tx; /* NOT VALID constraints added earlier in this transaction */
	size_t n_not_valid_in_tx;
	bool dynamic;               /* built from EXECUTE of dynamic SQL; names may be placeholders */
	ml_stmt_span span;          /* where the statement is: findings point into it */
	const char *slow_work_reported_by; /* see ml_slow_work_reported_by */
	struct ml_arena *arena;     /* text the helpers below return lives here, for the file */
	struct ml_findings *out;    /* ml_report appends here; the engine takes the findings */
	const ml_catalog *catalog;  /* for the query functions below */
	const ml_tx *tx;            /* the same */
	struct ml_engine_state *engine; /* opaque; for the query functions below */
};

/* The name of the first rule that reported this statement's slow work (a
 * rule with reports_slow_work that found something, whether a comment
 * silences it or not), or NULL. Complete only for a rule that runs_last. */
const char *ml_slow_work_reported_by(const ml_stmt_ctx *ctx);

/* Does a procedure this run created COMMIT or ROLLBACK in its body? */
bool ml_procedure_commits(const ml_stmt_ctx *ctx, const char *name);

/* Did an earlier statement of this migration file drop the constraint name
 * of table rel (ALTER TABLE ... DROP CONSTRAINT [IF EXISTS] name)? */
bool ml_constraint_dropped_earlier(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel, const char *name);

/* Was this table created earlier in the same migration file, so that no one
 * else can be using it yet? (Tables created by earlier files of the run hold
 * data by now.) */
bool ml_table_is_new(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel);

/* Does the run know rel as a partitioned table (it saw CREATE TABLE ...
 * PARTITION BY)? */
bool ml_table_is_partitioned(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel);

/* The partitions of rel the run saw created or attached, as "a, b, c" in
 * engine memory, or NULL when it saw none. Only the first
 * ML_PARTITION_NAMES_SHOWN are named, then "and N more": the text stays
 * short (and its cost flat) however many partitions the table has. */
#define ML_PARTITION_NAMES_SHOWN 10
const char *ml_partition_names(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel);

/* Is the index named name one the run saw created on a partitioned table,
 * that is a partitioned index? */
bool ml_index_is_partitioned(const ml_stmt_ctx *ctx, const char *name);

/* Is the index named name one the run saw created on a table created earlier
 * in this file? */
bool ml_index_table_is_new(const ml_stmt_ctx *ctx, const char *name);

/* How a table was emptied earlier in the current transaction. */
typedef enum ml_emptied {
	ML_NOT_EMPTIED = 0,
	ML_EMPTIED_BY_DELETE,     /* DELETE without WHERE: no row is visible, the dead ones are still on disk */
	ML_EMPTIED_BY_TRUNCATE,   /* TRUNCATE: a new, empty file; scans, rewrites and index builds are instant */
} ml_emptied;

/* Was rel emptied earlier in the current transaction, so that it holds no
 * row this statement can see? The engine clears it when the transaction
 * ends (or rolls back to a savepoint) and when rows may come back: INSERT,
 * COPY FROM or MERGE into it, ATTACH PARTITION or INHERIT into it, CALL, or
 * a call of a function that is neither built in nor known to the run as
 * STABLE or IMMUTABLE. */
ml_emptied ml_table_emptied(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel);

/* Is scanning, rewriting or indexing rel instant because its file holds no
 * data: created earlier in this file (ml_table_is_new), or truncated earlier
 * in this transaction, whose ACCESS EXCLUSIVE lock it still holds? For the
 * rules about slow work; the others still care about a truncated table's
 * readers. */
bool ml_table_is_new_or_truncated(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel);

/* The column facts for table.column, or NULL when the run knows nothing. */
const ml_column_facts *ml_column_find(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel,
				       const char *column);

/* "schema.name" or "name" for rel, in engine memory. */
const char *ml_table_name(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel);
/* Appends "name" (quoted, after ", " when list is not empty) to the
 * NUL-terminated list in buf (size bytes), for a message naming several
 * tables. When it does not fit, appends "..." instead and returns false:
 * the list is full, append nothing more. */
bool ml_name_list_append(char *buf, size_t size, const char *name);

/* Reports a finding of rule at location (a byte offset into the statement's
 * text as libpg_query gives it; -1 means the statement start). The message is
 * printf-formatted; the help is the rule's unless ml_report_help is used.
 * Suppression comments and --exclude are applied by the engine. */
void ml_report(const ml_stmt_ctx *ctx, const ml_rule *rule, int location, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void ml_report_help(const ml_stmt_ctx *ctx, const ml_rule *rule, int location, const char *help,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Like ml_report, with a mechanical fix: insert `insert` at byte insert_at
 * of the statement's text (see ml_stmt_text). description says what the
 * fix does ("add CONCURRENTLY"). The fix is dropped when insert is NULL,
 * insert_at is (size_t)-1, or the statement's text is not a verbatim slice
 * of the file. */
void ml_report_fix(const ml_stmt_ctx *ctx, const ml_rule *rule, int location, size_t insert_at,
		   const char *insert, const char *description, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* The statement's source text in the file (not NUL-terminated; *len bytes),
 * or NULL when the statement was rebuilt (PL/pgSQL with INTO, dynamic SQL).
 * Byte 0 is where node location 0 is. */
const char *ml_stmt_text(const ml_stmt_ctx *ctx, size_t *len);

/* Where " NOT VALID" goes to fix a constraint added by an ALTER TABLE with
 * a single subcommand: the end of the statement's text. (size_t)-1 when the
 * statement has several subcommands or no verbatim text. */
size_t ml_not_valid_fix_at(const ml_stmt_ctx *ctx);

/* Byte offset just past the first whole word `word` (any case) in text, or
 * (size_t)-1 when it is not there. For placing fixes. */
size_t ml_word_end(const char *text, size_t len, const char *word);

/* ---- tree helpers -------------------------------------------------------- */

/* Visits msg and every message below it, depth first, without recursion. The
 * visitor returns false to skip the children of that message. Walks at most
 * a bounded number of messages. */
typedef bool (*ml_visit_fn)(const ProtobufCMessage *msg, void *data);
void ml_walk(const ProtobufCMessage *msg, ml_visit_fn visit, void *data);

/* The last name of a qualified name list (e.g. funcname, type names), or "". */
const char *ml_last_name(PgQuery__Node *const *names, size_t n);

/* "varchar(20)", "int4[]": a type as text in engine memory. */
const char *ml_type_text(const ml_stmt_ctx *ctx, const PgQuery__TypeName *type);

/* Is the column type a serial pseudo-type (serial, bigserial, smallserial)? */
bool ml_type_is_serial(const PgQuery__TypeName *type);

/* Does the expression call a volatile function (so a DEFAULT with it rewrites
 * the table even on PostgreSQL 11+)? *name receives the first one found. */
bool ml_expr_is_volatile(const ml_stmt_ctx *ctx, const PgQuery__Node *expr, const char **name);

/* Is a change from type old_text to new_text (as ml_type_text writes them)
 * one PostgreSQL makes without rewriting the table or rebuilding its
 * indexes? Only cases checked on PostgreSQL 15: varchar(n) -> varchar(m >= n)
 * / varchar / text, text -> varchar, numeric(p,s) -> numeric(p' >= p, s) /
 * numeric, varbit(n) -> varbit(m >= n) / varbit, a raised or dropped
 * precision of timestamp, timestamptz, time, timetz and interval, cidr ->
 * inet, and the same type again. NULL types: false. */
bool ml_type_change_is_coercible(const char *old_text, const char *new_text);

/* A column type a statement defines. */
typedef struct ml_column_type {
	const PgQuery__RangeVar *table;
	const char *column;
	const PgQuery__TypeName *type;
	const char *builtin;      /* the built-in type's name ("int4", "varchar", written bare or as
				     pg_catalog.x), or NULL for user types and %TYPE references */
	bool type_change;         /* ALTER COLUMN ... TYPE; false for a new column */
} ml_column_type;

typedef void (*ml_column_type_fn)(const ml_stmt_ctx *ctx, const ml_rule *rule, const ml_column_type *col);

/* Calls fn for every column type the statement defines: the columns of
 * CREATE TABLE (not temporary tables, which vanish with the session), ADD
 * COLUMN, and the new type of ALTER COLUMN ... TYPE. */
void ml_each_column_type(const ml_stmt_ctx *ctx, const ml_rule *rule, ml_column_type_fn fn);

/* Does ALTER COLUMN ... TYPE carry a USING expression that computes
 * something? USING col and USING col::type only restate the conversion
 * PostgreSQL would do anyway, so they decide nothing about a rewrite. */
bool ml_type_change_has_real_using(const PgQuery__AlterTableCmd *cmd);

/* The option defname in a list of DefElem nodes (the last one when it is
 * repeated, as PostgreSQL reads it), or NULL. Points into the tree. */
const PgQuery__DefElem *ml_option(PgQuery__Node *const *options, size_t n, const char *defname);

/* The value of a Boolean option of a utility statement (VACUUM (FULL false),
 * REINDEX (CONCURRENTLY off)), read the way PostgreSQL reads it: no value
 * is true; true, false, on, off in any case, quoted or not; the numbers 1
 * and 0. Values PostgreSQL rejects (it fails the statement) are read by
 * what they say when they are a Boolean word (yes, no, t, f), else as true.
 * NULL opt: false. */
bool ml_option_bool(const PgQuery__DefElem *opt);

/* Is the option defname given and true (ml_option, ml_option_bool)? Every
 * Boolean option the engine and the rules look at is read through this. */
bool ml_option_on(PgQuery__Node *const *options, size_t n, const char *defname);

/* Reads text the way PostgreSQL's boolin reads a SQL Boolean literal:
 * true/false, yes/no, on/off, 1/0 and unambiguous prefixes of the words,
 * in any case, blanks around ignored. Returns false (and leaves *value)
 * when text is not one. */
bool ml_bool_word(const char *text, bool *value);

/* "schema.name" or "name": the String nodes of a qualified name list joined
 * with dots, written into buf (cut short to fit len bytes, NUL included).
 * Returns buf; the caller owns it. */
const char *ml_dotted_name(PgQuery__Node *const *names, size_t n, char *buf, size_t len);

/* ---- ALTER TABLE, constraints and locks ---------------------------------- */

/* What these return points into the statement's tree, ctx->effect or engine
 * memory: the engine owns it, and it is valid only during the check call.
 * NULL arguments where noted give NULL, so that the calls chain:
 * ml_column_constraint(ml_added_column(ml_alter_cmd(as, i)), type). */

/* The statement as ALTER TABLE on a table (objtype TABLE), else NULL: ALTER
 * FOREIGN TABLE, INDEX, VIEW, SEQUENCE and ALTER TYPE ... ATTRIBUTE share the
 * node but hold no rows to scan or rewrite. */
const PgQuery__AlterTableStmt *ml_alter_table(const ml_stmt_ctx *ctx);

/* The i-th subcommand of as (i < as->n_cmds), or NULL when that entry is
 * not an AlterTableCmd. */
const PgQuery__AlterTableCmd *ml_alter_cmd(const PgQuery__AlterTableStmt *as, size_t i);

/* The column an ADD COLUMN subcommand adds (AT_AddColumn or its Recurse
 * form), or NULL for any other subcommand and for a NULL cmd. */
const PgQuery__ColumnDef *ml_added_column(const PgQuery__AlterTableCmd *cmd);

/* The constraint an ADD CONSTRAINT subcommand (AT_AddConstraint or its
 * Recurse form) adds when it is of that type (CHECK, UNIQUE, FOREIGN KEY,
 * ...), else NULL; NULL for a NULL cmd. */
const PgQuery__Constraint *ml_added_constraint(const PgQuery__AlterTableCmd *cmd, PgQuery__ConstrType type);

/* The first constraint of that type in a column definition (DEFAULT, NOT
 * NULL, PRIMARY KEY, REFERENCES, IDENTITY and the like are constraints
 * there), or NULL; NULL for a NULL def. */
const PgQuery__Constraint *ml_column_constraint(const PgQuery__ColumnDef *def, PgQuery__ConstrType type);

/* Does the column fill every existing row with a value of its own when it is
 * added: a serial type, GENERATED ... AS IDENTITY, or GENERATED ALWAYS AS
 * (expr)? (PostgreSQL rewrites the table to do so.) */
bool ml_column_fills_itself(const PgQuery__ColumnDef *def);

/* How a message names a constraint: `kind "name"` (kind e.g. "CHECK
 * constraint") in engine memory when it has a name, else the caller's
 * `unnamed` ("a CHECK constraint") itself. */
const char *ml_constraint_label(const ml_stmt_ctx *ctx, const PgQuery__Constraint *con, const char *kind,
				const char *unnamed);

/* The mode this statement takes on table (as ml_table_name writes it) in the
 * lock model (ctx->effect), or fallback when the model lists no lock on it. */
ml_lock_mode ml_lock_mode_on(const ml_stmt_ctx *ctx, const char *table, ml_lock_mode fallback);

/* When the statement is the file's first to need a lock stronger than SHARE
 * UPDATE EXCLUSIVE on a table that existed before it (ctx->first_strong_lock),
 * the strongest lock it takes on such a table; else NULL. */
const ml_lock *ml_first_strong_lock(const ml_stmt_ctx *ctx);

#endif
