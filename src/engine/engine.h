/*
 * engine.h - the private state of a run and of the file being linted, shared
 * by the engine's source files (engine.c, effects.c, schema.c, plpgsql.c,
 * run.c, report.c). Rules never include this; they see rule_api.h.
 */
#ifndef MIGRALINT_ENGINE_H
#define MIGRALINT_ENGINE_H

#include <pg_query.h>

#include "internal.h"
#include "lock_table.h"
#include "rule_api.h"
#include "stmt_unit.h"

/* A table the run has seen defined or altered. */
typedef struct ml_table_state {
	const char *schema;       /* "" when unqualified */
	const char *name;
	bool created_in_run;
	int created_in_file;      /* run file number of the CREATE: the table is new only there */
	bool partitioned;
	ml_ptr_vec columns;       /* ml_column_facts * */
	ml_ptr_vec checks;        /* struct ml_check_state * */
	ml_ptr_vec foreign_keys;  /* ml_foreign_key_state *: its foreign keys the run saw */
	ml_ptr_vec partitions;    /* ml_table_state *: partitions the run saw attached or created */
	struct ml_table_state *parent; /* the partitioned table it is a partition of, or NULL */
	ml_ptr_vec unique_keys;   /* ml_unique_key *: primary key, unique constraints and indexes the run saw */
	bool keys_known;          /* the run saw the table's whole definition: unique_keys are all it has */
} ml_table_state;

/* A primary key, unique constraint or unique index on plain columns, without
 * a WHERE: each combination of its columns' values names at most one row. */
typedef struct ml_unique_key {
	const char *name;         /* constraint or index name as PostgreSQL would give it; "" when unknown */
	const char **columns;
	size_t n_columns;
} ml_unique_key;

/* A foreign key the run added, for the locks on the table it references. */
typedef struct ml_foreign_key_state {
	const char *name;         /* "" when unnamed */
	const char *ref_schema;   /* "" when unqualified */
	const char *ref_name;
} ml_foreign_key_state;

/* A CHECK (col IS NOT NULL) constraint the run added. */
typedef struct ml_check_state {
	const char *name;         /* constraint name, "" when unnamed */
	const char *column;
	bool valid;
} ml_check_state;

typedef struct ml_index_state {
	const char *name;
	const char *table;        /* display name of its table */
	const char *schema, *table_name; /* its table, for ml_schema_table_is_new */
} ml_index_state;

/* A function the run created, with its declared volatility. */
typedef struct ml_function_state {
	const char *name;
	char volatility;          /* 'i', 's' or 'v' */
} ml_function_state;

struct ml_run {
	ml_options options;
	ml_arena *arena;          /* diagnostics, file summaries and schema facts */
	ml_ptr_vec diagnostics;   /* ml_diagnostic * */
	ml_diagnostic *sorted;    /* sorted copy handed to callers; rebuilt when stale */
	size_t n_sorted;
	ml_ptr_vec files;         /* ml_file_summary * */
	ml_file_summary *files_copy; /* malloc'd contiguous copy handed to callers */
	size_t files_copy_len;    /* its capacity */
	ml_map seen_files;        /* "dev:inode" of files linted, so each is linted once */
	int input_errors;
	bool out_of_memory;       /* memory ran out: some input was not linted, or the
				     findings could not be sorted (ML_EXIT_FAILED) */
	ml_input_error *input_error_list; /* input_errors entries, run-arena */
	size_t input_error_cap;
	ml_options_hook options_hook; /* per-file options, or NULL */
	void *options_hook_data;
	int skipped_files;        /* inputs an exclude pattern skipped */
	ml_map tables;            /* "schema.name" (unqualified: public) -> ml_table_state * */
	ml_map indexes;           /* index name -> ml_index_state * (NULL once dropped) */
	ml_ptr_vec functions;     /* ml_function_state * */
	ml_ptr_vec committing_procedures; /* names (char *) of procedures whose body COMMITs */
	ml_map checked_domains;   /* domain name -> non-NULL when created with a CHECK */
	ml_ptr_vec statements;    /* ml_statement_record * */
	int file_count;           /* files started so far; numbers files for created_in_file */
};

/* What one rule name of a directive comment (ml_suppression.rules[k])
 * stands for. */
typedef struct ml_ignore_name {
	const ml_rule *rules[2];  /* the rules it silences (squawk's require-timeout-settings names
				     two); rules[0] is NULL when it silences none */
	bool foreign;             /* a squawk rule migralint has no counterpart for: accepted, and
				     never reported as unknown or unused */
	bool used;                /* it silenced a finding */
} ml_ignore_name;

/* The directive comments of a file indexed by the line they cover and the
 * rule they name (suppress.c): finding the comments that silence a finding
 * costs the same however many comments the file has. */
typedef struct ml_ignore_entry {
	ml_suppression *s;
	ml_ignore_name *name;     /* the name of s that names the rule */
	struct ml_ignore_entry *next;
} ml_ignore_entry;

typedef struct ml_ignore_bucket {
	uint64_t key;             /* line << 16 | (rule index + 1), line 0 for the whole file; 0: empty */
	ml_ignore_entry *first, *last; /* in the order the comments were taken in */
	bool all_used;            /* every entry's name is marked used */
} ml_ignore_bucket;

typedef struct ml_ignore_index {
	ml_ignore_bucket *slots;  /* open addressing; cap is 0 or a power of two */
	size_t len, cap;
} ml_ignore_index;

/* Resolves the rule names of s into s->names (in arena; a squawk comment's
 * names through squawk's table first, then as migralint's) and adds s to
 * index under the lines it covers: its own line, the line after it when it
 * is on a line of its own, or the whole file. A squawk-ignore-file without
 * names is filed for every rule, with s->names[0] marking its use. */
void ml_ignore_index_add(ml_arena *arena, ml_ignore_index *index, ml_suppression *s);

/* The comment that silences the rule with registry index rule for a
 * statement starting on stmt_line with the finding on line, or NULL. A
 * comment covering the line wins over a whole-file one; every comment that
 * covers the finding has its name marked used. about, when not NULL, is a
 * comment the finding is about: it does not silence it. */
ml_suppression *ml_ignore_index_match(ml_ignore_index *index, size_t rule, int stmt_line, int line,
				      const ml_suppression *about);

/* The file being linted and where the engine is in it. */
typedef struct ml_engine_state {
	ml_run *run;
	const ml_options *options;    /* this file's options */
	bool *rule_enabled;           /* this file's rules, indexed like the registry */
	ml_severity *rule_severity;   /* this file's severities, indexed like the registry */
	const char *path;         /* run-owned copy */
	ml_arena *file_arena;
	ml_line_map map;
	ml_ptr_vec suppressions;  /* ml_suppression *, in the order they were found */
	ml_ignore_index ignores;  /* the same, by line and rule */

	/* transaction */
	ml_tx_state tx;
	int tx_begin_line;
	ml_lock *held;            /* file-arena array */
	size_t n_held, cap_held;
	ml_map held_index;            /* table -> its slot in held + 1 */
	ml_ptr_vec new_enum_values;   /* ml_enum_value *, this transaction */
	ml_ptr_vec not_valid_in_tx;   /* ml_pending_constraint *, this transaction */
	ml_ptr_vec emptied_tables;    /* struct ml_emptied_table *: tables emptied in this transaction */
	size_t tx_begin_start, tx_begin_end; /* span of the open BEGIN, for end-of-file reports */
	const struct ml_source *source; /* the file's text as the pipeline holds it */
	bool lock_timeout_set;
	bool statement_timeout_set;
	bool lock_timeout_local, statement_timeout_local; /* set with SET LOCAL: ends with the transaction */
	bool seen_strong_lock;        /* a statement needed more than SHARE UPDATE EXCLUSIVE on an existing table */
	ml_map dropped_constraints;   /* "table\nconstraint" -> non-NULL: dropped by a statement of this file */
	bool had_dynamic;             /* the file had such SQL: its placeholder names may be in the
					 transaction's locks, so reports replace them from then on */
	const ml_effect *effect;      /* the statement being checked, for its findings; NULL outside */
	const ml_rule *slow_work_rule; /* the first rule that reported its slow work (ml_slow_work_reported_by) */

	const ml_unit *unit;          /* the unit being analysed: its span, position base and
					 environment; NULL before the first */
} ml_engine_state;

/* What one statement did, for the lock timeline (--format locks). */
typedef struct ml_statement_record {
	const char *path;
	int line, column;
	const char *kind;         /* form label, or the statement type */
	ml_lock locks[ML_MAX_STMT_LOCKS];
	size_t n_locks;
	bool rewrite, scan;
	ml_tx_state tx;
	ml_body_kind body;
	ml_lock *held;            /* locks held after it, in the transaction */
	size_t n_held;
} ml_statement_record;

/* engine.c */
typedef struct ml_pipeline ml_pipeline;
/* Which rules are on and at which severity under opts, indexed like the
 * registry (arrays of ml_rule_count() entries). */
void ml_rules_resolve(const ml_options *opts, bool *enabled, ml_severity *severity);
/* Starts the analysis of a file in st: path is its display path (run-owned),
 * options and rule_enabled/rule_severity (indexed like the registry) say
 * what to check, src holds its text and map maps it (copied), file_arena
 * (the caller's) holds what lasts the file. All must outlive the file's
 * analysis. The transaction starts as the options say. */
void ml_engine_file_start(ml_engine_state *st, ml_run *run, const char *path, const ml_options *options,
			  bool *rule_enabled, ml_severity *rule_severity, const struct ml_source *src, const ml_line_map *map,
			  ml_arena *file_arena);
/* Takes in the directive comments found[0, n) of the file (in the file
 * arena), as ml_engine_take_suppressions does. */
void ml_engine_add_suppressions(ml_engine_state *st, ml_suppression *const *found, size_t n);
/* Analyses units[0, n) in order: a statement's effect is computed, the
 * rules run over it and what it changes (transaction, locks, schema) is
 * applied, and the units of its PL/pgSQL body follow it; the other kinds of
 * unit become the finding of the engine's rule for them. The units stay
 * the caller's. */
void ml_engine_analyse(ml_engine_state *st, const ml_unit *units, size_t n);
/* A top-level command (what psql sends as one query: a statement chunk)
 * has been analysed: an autocommit transaction ends with it. */
void ml_engine_end_command(ml_engine_state *st);
/* Ends the file: runs every rule's end-of-file hook and reports the ignore
 * comments that silenced nothing. */
void ml_engine_finish_file(ml_engine_state *st);
/* The first byte of the file later findings may point at, when the next
 * unit starts at next: next, or the BEGIN of the open transaction. */
size_t ml_engine_text_needed_from(const ml_engine_state *st, size_t next);
/* Takes in the directive comments from st->suppressions.items[first] on:
 * indexes them, so they silence the findings they cover, and reports the
 * rule names that are unknown and the comments without a reason. */
void ml_engine_take_suppressions(ml_engine_state *st, size_t first);
/* Ends the current transaction: releases the held locks and forgets what
 * the transaction added. keep_state leaves the transaction state as it is
 * (a COMMIT inside a DO block starts the next transaction at once). */
void ml_engine_end_transaction(ml_engine_state *st, bool keep_state);
/* Reports a finding of rule at a file byte span. A finding a comment
 * silences is kept, marked suppressed. Returns the diagnostic (run-owned),
 * or NULL when the rule is off. */
ml_diagnostic *ml_engine_report_at(ml_engine_state *st, const ml_rule *rule, size_t start, size_t end,
				  const char *help, const char *message);

/* effects.c */
/* Fills *out with what stmt locks, rewrites and scans on this run's target
 * version. */
void ml_effect_compute(ml_engine_state *st, const PgQuery__Node *stmt, const ml_stmt_env *env,
		       ml_effect *out);
/* Is the WHERE of an UPDATE/DELETE of rel limited to one batch: a key range,
 * a subquery or CTE with LIMIT, a value that varies per call or loop turn,
 * or constants for every column of a unique key of rel the run knows of
 * (ml_schema_columns_cover_key)? */
bool ml_where_is_batched(ml_run *run, const PgQuery__RangeVar *rel, const PgQuery__Node *where,
			 const PgQuery__WithClause *with, PgQuery__Node *const *from, size_t n_from,
			 const ml_stmt_env *env);

/* schema.c */
/* The table the run knows as schema.name (an empty or NULL schema means
 * "public"), or NULL. The state belongs to the run. */
ml_table_state *ml_schema_find(ml_run *run, const char *schema, const char *name);
/* Was the table created earlier in the file being linted? Tables created by
 * earlier files of the run are history: they hold data by now. */
bool ml_schema_table_is_new(const ml_run *run, const char *schema, const char *name);
/* ml_schema_find, creating an empty entry (not created in the run) when
 * the run has not met the table yet. Never NULL; run-owned. */
ml_table_state *ml_schema_touch(ml_run *run, const char *schema, const char *name);
/* The facts about table.column; when unknown, a new empty entry if create
 * is set, else NULL. Run-owned. */
ml_column_facts *ml_schema_column(ml_run *run, ml_table_state *table, const char *column, bool create);
/* Records what stmt changes in the run's schema knowledge. */
void ml_schema_apply(ml_engine_state *st, const PgQuery__Node *stmt);
/* Records, for a statement that runs now inside a transaction, the tables
 * it empties (TRUNCATE, DELETE without WHERE) and the ones it may fill
 * again (see ml_table_emptied). */
void ml_schema_note_rows(ml_engine_state *st, const PgQuery__Node *stmt);
/* How the table schema.name was emptied in the current transaction. */
ml_emptied ml_schema_emptied(const ml_engine_state *st, const char *schema, const char *name);
/* Does a set of columns of the table, each equal to one value, name at most
 * one row: does it hold every column of a unique key the run knows (primary
 * key, unique constraint, unique index)? For a table whose definition the
 * run did not see (created before the run, by LIKE or as a partition), a
 * column named id also counts as a key. */
bool ml_schema_columns_cover_key(ml_run *run, const char *schema, const char *name, const char *const *columns,
				 size_t n_columns);
/* The index the run created under name and has not dropped, or NULL. */
const ml_index_state *ml_schema_index(ml_run *run, const char *name);
/* The foreign key named name of table t, or NULL when the run did not see it. */
const ml_foreign_key_state *ml_schema_foreign_key(const ml_table_state *t, const char *name);
/* 'i', 's' or 'v' for a function the run created (as declared; VOLATILE when
 * not said), 0 when the run did not create one of that name. */
char ml_schema_function_volatility(ml_run *run, const char *name);
/* Display name "schema.name" or "name" in arena. */
const char *ml_qualified_name(ml_arena *arena, const char *schema, const char *name);

/* plpgsql_compile.c */
/* What libpg_query's PL/pgSQL compiler made of a body. */
typedef struct ml_plpgsql_compiled {
	PgQueryPlpgsqlParseResult result; /* libpg_query's: on success plpgsql_funcs is the JSON */
	bool failed;              /* the compiler refused the body */
	const char *message;      /* then its message */
	bool located;             /* error_start/error_end hold where it stopped */
	size_t error_start, error_end; /* byte span in the body */
	int near_line;            /* the body line its context names ("near line N"), or 0 */
} ml_plpgsql_compiled;
/* Compiles body, the PL/pgSQL source of stmt (a DoStmt, or a
 * CreateFunctionStmt of LANGUAGE plpgsql), with libpg_query, telling it
 * what PostgreSQL would know of the routine. The message is copied into
 * arena; the caller releases *out with ml_plpgsql_compiled_free. */
void ml_plpgsql_compile(ml_arena *arena, const PgQuery__Node *stmt, const char *body, ml_plpgsql_compiled *out);
void ml_plpgsql_compiled_free(ml_plpgsql_compiled *compiled);

/* parse.c */
typedef enum ml_parse_status {
	ML_PARSED_NONE = 0,       /* not parsed (yet) */
	ML_PARSED_OK,             /* tree holds the statements (NULL if unpacking failed) */
	ML_PARSED_ERROR,          /* result.error says where and why */
	ML_PARSED_TOO_COMPLEX,    /* nested past the bounds below: not parsed or not unpacked */
} ml_parse_status;

typedef struct ml_parsed {
	ml_parse_status status;
	size_t too_many_tokens;            /* ML_PARSED_TOO_COMPLEX for its size: its tokens, else 0 */
	PgQueryProtobufParseResult result; /* ML_PARSED_ERROR: libpg_query's error */
	ml_arena *arena;                   /* owns tree */
	PgQuery__ParseResult *tree;
} ml_parsed;

/* Parses text (len bytes, NUL-terminated) into *out, from any thread. The
 * caller frees *out with ml_parsed_free. */
void ml_parse_statement(const char *text, size_t len, ml_parsed *out);
/* The same, with the tree in arena (the caller's; it must outlive the
 * tree): many small statements parsed for later cost no arena each. */
void ml_parse_statement_in(ml_arena *arena, const char *text, size_t len, ml_parsed *out);
void ml_parsed_free(ml_parsed *p);

/* pipeline.c */
/* A file of the run as the engine gets it: read, checked for NUL bytes and
 * split. Owned by the pipeline until ml_pipeline_release. */
typedef enum ml_read_status {
	ML_READ_DONE = 0,         /* read (or nothing to read: skipped, or text given) */
	ML_READ_FAILED,           /* read_errno says why */
	ML_READ_TOO_LARGE,        /* more bytes than the run's max_input_size */
	ML_READ_REPLACED,         /* found in a directory, but by the time it was opened no
				     longer the regular file the walk had seen there */
} ml_read_status;

typedef struct ml_source {
	const char *path;         /* display path, the caller's */
	char *text;               /* NUL-terminated; NULL when it was not read */
	size_t len;
	ml_read_status read_status;
	int read_errno;           /* ML_READ_FAILED: why (an errno value) */
	size_t mapped_size;       /* text is mmap'd pages of this size; 0: malloc'd */
	size_t dropped;           /* text before this offset is gone (ml_pipeline_drop_text) */
	bool has_nul;             /* then not split: nul_at is the first NUL */
	size_t nul_at;
	ml_arena *arena;          /* owns chunks */
	ml_chunk_list chunks;
} ml_source;

/* Reads stream to its end into a NUL-terminated malloc'd buffer (*text,
 * *len bytes; the caller frees it), starting with cap bytes and doubling,
 * but never more than limit bytes and the one after them. Returns 0, EFBIG
 * when the stream holds more than limit bytes, or another errno value
 * (nothing to free in both cases). */
int ml_read_stream(FILE *stream, size_t cap, size_t limit, char **text, size_t *len);

/* Why src could not be read, for a message: a static string, or buf (len
 * bytes). max_size is the run's max_input_size. On the engine's thread:
 * strerror's buffer may be per thread. */
const char *ml_source_read_error(const ml_source *src, size_t max_size, char *buf, size_t len);

typedef struct ml_pipeline_item {
	const char *path;         /* display path; read from it unless text is set */
	char *text;               /* malloc'd, NUL-terminated; the pipeline takes it over */
	size_t len;
	bool skip;                /* do not read: excluded, or nothing to read */
	/* Found by a directory walk, which saw a regular file (device dev,
	 * inode ino) there, through a symbolic link when via_link: it is opened
	 * without waiting (a FIFO put there since would block), without
	 * following a link that was not one, and read only if the descriptor is
	 * that same regular file. Named files are read as given. */
	bool found_in_dir;
	bool via_link;
	unsigned long long dev, ino;
} ml_pipeline_item;

/* Starts jobs workers (none when jobs < 2) that read, split and parse the
 * items' statements ahead of the engine, reading at most max_size bytes of
 * an input (0: ML_DEFAULT_MAX_INPUT_SIZE). items are copied; their paths
 * must outlive the pipeline. Returns NULL only when out of memory. */
ml_pipeline *ml_pipeline_new(const ml_pipeline_item *items, size_t n, int jobs, size_t max_size);
/* Item k, ready: prepared here if no worker got to it. Call for k = 0, 1,
 * ... in order, and release each before the next. */
const ml_source *ml_pipeline_source(ml_pipeline *p, size_t k);
/* Statement chunk j of item k as a worker parsed it, moved to *out (the
 * caller frees it); status ML_PARSED_NONE when no worker did, and then none
 * will. Take chunks in increasing order. */
void ml_pipeline_take(ml_pipeline *p, size_t k, size_t j, ml_parsed *out);
/* Gives the pages of item k's text wholly before offset before back to the
 * system, when the text has pages of its own (a large regular file): the
 * engine is done with them. They read as zeros afterwards. */
void ml_pipeline_drop_text(ml_pipeline *p, size_t k, size_t before);
/* Frees item k's text and chunks and whatever was parsed of it and not taken. */
void ml_pipeline_release(ml_pipeline *p, size_t k);
/* Stops the workers and frees everything. NULL is fine. */
void ml_pipeline_free(ml_pipeline *p);

/* tree.c */
/* How deeply messages nest in the protobuf-encoded data of a message of
 * type desc, read without recursion; stops counting past limit (returns
 * limit + 1 then). protobuf-c's own unpacking recurses, so deeper trees
 * must not reach it. */
int ml_protobuf_depth(const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t len, int limit);

/* What a statement costs to parse, read from its tokens without parsing. */
typedef struct ml_statement_size {
	/* An upper bound on how deeply its parse tree can nest: the tokens
	 * since the last comma, summed over open parentheses, plus the
	 * parenthesis depth (INT32_MAX past 4,096 open parentheses). */
	int depth;
	/* Its tokens: words, numbers, operators, punctuation; a quoted string
	 * or a dollar-quoted body counts as one, a comment as none. The parse
	 * tree, and the memory parsing takes, grow with them. */
	size_t tokens;
} ml_statement_size;
/* Measures text (len bytes) into *out. */
void ml_statement_measure(const char *text, size_t len, ml_statement_size *out);
/* ml_statement_measure's depth alone. */
int ml_nesting_estimate(const char *text, size_t len);

/* libpg_query and protobuf-c recurse once per tree level, using about a
 * kilobyte of stack each. Files are linted on a thread with a stack of
 * ML_LINT_STACK_SIZE; statements whose nesting estimate or decoded depth
 * passes these bounds are reported as statement-too-complex instead. */
#define ML_LINT_STACK_SIZE ((size_t)512 * 1024 * 1024)
#define ML_MAX_NESTING_ESTIMATE 100000
#define ML_MAX_TREE_DEPTH 300000
/* Parsing takes about 120 to 330 bytes of memory per token (measured with
 * libpg_query 15: a VALUES list of numbers at the low end, function calls,
 * casts and PL/pgSQL bodies at the high end), all at once. A statement or
 * PL/pgSQL body of more tokens than this is reported as
 * statement-too-complex instead of parsed, which bounds one parse at about
 * 330 MB: a 20 MB INSERT ... VALUES took 1.4 GB. */
#define ML_MAX_STATEMENT_TOKENS ((size_t)1000000)

/* volatility.c */
/* 'v', 's' or 'i' for a built-in function name, 0 when unknown. */
char ml_builtin_volatility(const char *name);

/* registry.c */
/* The index-th rule of the registry (rules.def order), or NULL past the end.
 * Rules are static. */
const ml_rule *ml_registry_rule(size_t index);
/* The registry index of rule, which must be a registered rule. */
size_t ml_registry_index(const ml_rule *rule);
/* The rule with this id or alias, or NULL. */
const ml_rule *ml_registry_find(const char *name);

/* squawk.c */
/* The entry of squawk's rule name, or NULL when squawk has no rule of that
 * name. Static. */
const ml_squawk_name *ml_squawk_find(const char *name);

/* The identifier put in for names dynamic SQL computes at run time. It
 * never reaches a report: ml_engine_without_placeholder turns every name
 * holding it into ML_DYNAMIC_NAME_TEXT. */
#define ML_DYNAMIC_PLACEHOLDER "dynamic_name"
#define ML_DYNAMIC_NAME_TEXT "a name computed at run time"

/* engine.c */
/* text, or a copy in arena where every name holding ML_DYNAMIC_PLACEHOLDER
 * (quoted with " or ', schema-qualified, or glued to other text as in
 * idx_dynamic_name) is replaced, quotes included, by ML_DYNAMIC_NAME_TEXT.
 * NULL gives NULL. */
const char *ml_engine_without_placeholder(ml_arena *arena, const char *text);

/* engine-reported rules */
extern const ml_rule ml_rule_syntax_error;
extern const ml_rule ml_rule_invalid_input;
extern const ml_rule ml_rule_psql_meta_command;
extern const ml_rule ml_rule_unknown_rule_in_ignore;
extern const ml_rule ml_rule_unused_ignore;
extern const ml_rule ml_rule_ignore_without_reason;
extern const ml_rule ml_rule_statement_too_complex;
extern const ml_rule ml_rule_dynamic_sql_not_analysed;

#endif
