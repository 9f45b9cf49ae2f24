/*
 * tool.h - the interface every migration tool preset implements, the way
 * report formats implement report.h: what the tool counts as a migration,
 * its version and order, where its up and down are, and whether it runs a
 * migration in a transaction. One preset per file: tool_<name>.c. The
 * registry and the shared helpers are in tools.c; version order in
 * version.c. docs/tools.md gives each fact with its source.
 *
 * This layer reads names and text only: it knows no parse, no catalog and
 * no run. The run (src/run/history.c) asks it to order the inputs and to
 * cut each file into the steps the engine lints.
 */
#ifndef MIGRALINT_TOOL_H
#define MIGRALINT_TOOL_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

struct ml_map;

typedef enum ml_direction {
	ML_DIRECTION_UP = 0,
	ML_DIRECTION_DOWN = 1,
} ml_direction;

/* A migration directory as detection sees it: the names in it, one level
 * of subfolders, and the first bytes of a few of its files. Built once per
 * directory by tools.c. */
typedef struct ml_tool_dir {
	const char *path;         /* as the run names it */
	const char **files;       /* names of the regular files in it, sorted */
	size_t n_files;
	const char **subdirs;     /* names of its subfolders, sorted */
	size_t n_subdirs;
	const char **sub_files;   /* "subdir/name" of the files one level down, sorted */
	size_t n_sub_files;
	ml_arena *arena;
	struct ml_map *heads;     /* file heads read so far (ml_tool_dir_head), by name */
} ml_tool_dir;

/* What a preset makes of one file of its migration directory. */
typedef enum ml_file_kind {
	ML_FILE_MIGRATION = 0,    /* one of the tool's migrations: linted (or context) */
	ML_FILE_SKIPPED,          /* the tool's, but not PostgreSQL DDL it runs as a migration
				     (another dialect, a callback, a verify script): listed,
				     never parsed; skip says why */
} ml_file_kind;

typedef struct ml_migration_file {
	ml_file_kind kind;
	const char *skip;         /* ML_FILE_SKIPPED: why, one sentence (static or arena) */
	const char *version;      /* the version as written (arena or static); NULL when the
				     tool gives the file none (Flyway R__, plain without digits) */
	ml_direction direction;   /* of the whole file; a file with sections says UP */
	int group;                /* order class: every file of a lower group runs first
				     (Flyway: 0 versioned, 1 repeatable) */
	long plan_index;          /* position in the tool's own list (sqitch.plan, drizzle's
				     journal), or -1: then the version orders */
	const char *name;         /* the order's last tie-break (Flyway R__ by description),
				     or NULL: the path */
	int transaction;          /* from the name or the files beside it: 1 in a transaction,
				     0 not (pop .autocommit., diesel metadata.toml), -1 the
				     tool's default or the file's text decides */
	const char *transaction_why; /* what decided it, when transaction is not -1; static */
} ml_migration_file;

/* A part of a file that runs as one step: the whole file, or a section
 * (goose Up, goose Down, an Alembic revision, a Liquibase changeset). */
typedef struct ml_section {
	size_t start, end;        /* bytes of the file; sections do not overlap, in file order */
	ml_direction direction;
	bool in_transaction;      /* the tool wraps the step in a transaction (or sends it as
				     one multi-statement query: an implicit one) */
	bool one_query;           /* the tool sends the step as one query: outside a transaction
				     only while it holds a single statement, so a statement a
				     fix added would make it one implicit transaction */
	bool new_migration;       /* the step is a migration of its own (tables it meets from
				     earlier steps of the file are not new); false: it goes on
				     the migration of the step before (a revision of one
				     Alembic transaction) */
	const char *version;      /* the step's own version (Alembic revision), or NULL: the file's */
	const char *text;         /* NULL: the file's text; else the text this step lints, of the
				     file's length, with what is not the step's blanked (spaces,
				     line breaks kept) so that positions stay the file's */
	const char *why;          /* how the transaction was decided, for --print-config and
				     the docs ("-- +goose NO TRANSACTION"); static */
} ml_section;

#define ML_MAX_SECTIONS 4096

/* A tool's data about one migration directory that its hooks share:
 * read once when the directory is opened (sqitch.plan, drizzle's journal,
 * Flyway's config). */
typedef struct ml_tool_root {
	const char *path;         /* the migration directory */
	void *data;               /* the preset's own, in arena; NULL when it has none */
	const char *note;         /* something about the directory the user should know, or NULL
				     (a plan that could not be read) */
} ml_tool_root;

/* Whether a tool's migrations come with downs (for missing-down-migration). */
typedef enum ml_tool_downs {
	ML_DOWNS_NONE = 0,        /* the tool has no down migrations (plain, prisma, drizzle...) */
	ML_DOWNS_EXPECTED,        /* every up has a down: a file or section of its own */
	ML_DOWNS_WHEN_USED,       /* downs are optional: expected only in a migration directory
				     where some migration has one (Flyway undo, sqlx -r) */
} ml_tool_downs;

typedef struct ml_tool {
	const char *name;         /* the --tool value */
	const char *summary;      /* one line for --help and docs */
	/* How many folders above a migration file its migration directory is:
	 * 1 for a flat folder, 2 for one folder per migration (diesel, prisma)
	 * or deploy/revert folders (sqitch). */
	int depth;
	/* How sure it is that dir is this tool's migration directory, 0 (not
	 * at all) to 100; *why gets a short reason (static or dir->arena). */
	int (*detect)(const ml_tool_dir *dir, const char **why);
	/* Reads what the hooks need about the directory root->path into
	 * root->data (arena). NULL when the preset needs nothing. */
	void (*open_root)(ml_arena *arena, ml_tool_root *root);
	/* Classifies the file at relpath (from the migration directory, '/'
	 * separated) into *out, which comes holding the defaults (see
	 * ml_tool_classify): the hook sets only what differs. Never NULL. */
	void (*classify)(ml_arena *arena, const ml_tool_root *root, const char *relpath, ml_migration_file *out);
	/* Cuts text[0, len) of a classified file into steps, out[0, n), and
	 * returns n (at most max; at least 1 for a file with text). NULL: the
	 * whole file is one step in the file's direction, in a transaction as
	 * in_transaction_default (or as the name said). */
	size_t (*sections)(ml_arena *arena, const ml_tool_root *root, const ml_migration_file *file,
			   const char *text, size_t len, ml_section *out, size_t max);
	/* Whether the tool runs a migration in a transaction when neither the
	 * name nor the text says: 1 yes, 0 no, -1 the run's
	 * assume_in_transaction option (plain). */
	int in_transaction_default;
	/* Down migrations, as the tool lays them out. */
	ml_tool_downs downs;
	/* What the tool does with a new migration whose version sorts before
	 * one a database has already applied: one sentence for the finding
	 * ("golang-migrate records only the newest version: it never runs
	 * it"); static. NULL: the tool does not order by version (its own
	 * plan orders), and the rule says only that the order changed. */
	const char *out_of_order;
	/* Does the tool refuse such a migration (the deploy fails), given
	 * the directory's config (root)? NULL: it never does. */
	bool (*out_of_order_fails)(const ml_tool_root *root);
} ml_tool;

/* ---- tools.c ---------------------------------------------------------- */

/* The presets, in --help order: ml_tool_count() of them; plain is last. */
size_t ml_tool_count(void);
const ml_tool *ml_tool_at(size_t i);
/* The preset named name, or NULL. */
const ml_tool *ml_tool_find(const char *name);
/* The plain preset: every *.sql file, in version order, runs as given. */
const ml_tool *ml_tool_plain(void);
/* "goose, dbmate, ..." for messages; static. */
const char *ml_tool_names(void);

/* Lists the folder path (readable directory) into *dir, in arena: its
 * files, subfolders and their files. Symbolic links are not followed.
 * Returns 0, or -1 when path cannot be listed. */
int ml_tool_dir_read(ml_arena *arena, const char *path, ml_tool_dir *dir);
/* The first max bytes at most of the file at path (a regular file, not
 * followed through a link, never a FIFO or device), NUL-terminated in
 * arena, or NULL when there is none. */
const char *ml_tool_read_head(ml_arena *arena, const char *path, size_t max);
/* Is there a regular file name in dir's parent folder (a project config
 * file such as diesel.toml)? Not through a link. */
bool ml_tool_dir_parent_has(const ml_tool_dir *dir, const char *name);
/* The first max bytes at most of dir's file relpath (a regular file, not
 * followed through a link), NUL-terminated in dir->arena, or NULL. */
const char *ml_tool_dir_head(const ml_tool_dir *dir, const char *relpath, size_t max);
/* The best preset for dir: the highest detect score, plain when none scores
 * above 0. *why gets the reason (plain: that nothing matched). */
const ml_tool *ml_tool_detect(const ml_tool_dir *dir, const char **why);
/* The same, with the winner's score (0 for plain) in *score. */
const ml_tool *ml_tool_detect_scored(const ml_tool_dir *dir, const char **why, int *score);

/* Classifies relpath with tool's hook into *out, filled first with the
 * defaults: a migration, up, no version, group 0, no plan index, no
 * name, the transaction left to the tool's default and the text. */
void ml_tool_classify(const ml_tool *tool, ml_arena *arena, const ml_tool_root *root, const char *relpath,
		      ml_migration_file *out);

/* Helpers presets share. */
/* The last component of path. */
const char *ml_tool_base_name(const char *path);
/* Does name end with suffix? */
bool ml_tool_ends_with(const char *name, const char *suffix);
/* The length of the run of digits name starts with (0: none). */
size_t ml_tool_digits(const char *name);
/* Does a line of text[0, len) start with marker (after spaces)? Returns the
 * offset of that line's start, or (size_t)-1. from: where to start looking. */
size_t ml_tool_find_line(const char *text, size_t len, size_t from, const char *marker);
/* Does any of dir's files (or first-level files, when deep) hold marker at
 * the start of a line within its first bytes? */
bool ml_tool_dir_has_marker(const ml_tool_dir *dir, const char *marker, bool deep);
/* The same, counting only the files whose name name_ok accepts (NULL: every
 * *.sql): a marker in a file the tool would not run proves nothing. */
bool ml_tool_dir_marked(const ml_tool_dir *dir, const char *marker, bool deep, bool (*name_ok)(const char *name));
/* How many statements text[0, len) holds as psql's splitter finds them
 * (quotes, comments and bodies keep their ';'; empty ones are not sent),
 * counting up to at_most: a tool that sends a file as one query runs
 * several statements as one implicit transaction. */
size_t ml_tool_statement_count(ml_arena *arena, const char *text, size_t len, size_t at_most);
/* Does the line at text[at] mark a section (its direction, and whether
 * it turns the transaction off)? */
typedef bool (*ml_tool_marker)(const char *text, size_t len, size_t at, ml_direction *direction, bool *no_tx);
/* Cuts text[0, len) at every line marker accepts into out[0, n) (at most
 * max) and returns n: each section runs to the next marker, in a
 * transaction unless its marker says no (why_tx, why_no_tx say which); a
 * second up section belongs to the migration of the first. *seen_up says
 * whether any section is an up. */
size_t ml_tool_marker_sections(const ml_migration_file *file, const char *text, size_t len, ml_tool_marker marker,
			       const char *why_tx, const char *why_no_tx, ml_section *out, size_t max, bool *seen_up);
/* One step: the whole of text[0, len) in direction dir. */
size_t ml_tool_whole_file(const ml_migration_file *file, size_t len, bool in_transaction, const char *why,
			  ml_section *out);

/* ---- version.c -------------------------------------------------------- */

/* Compares two versions as versions: runs of digits as numbers (V2 < V10,
 * 1.2 < 1.10, timestamps of any width), the rest byte by byte, with '_'
 * equal to '.' (Flyway writes 1_2 for 1.2). NULL sorts after any version.
 * Returns <0, 0 or >0. */
int ml_version_compare(const char *a, const char *b);

#endif
