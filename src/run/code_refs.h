/*
 * code_refs.h - the scan of the application's code (code_refs.c): after a
 * run has linted its migrations, the files below ml_options.references are
 * read once for every column a reported migration drops or renames
 * (run->column_checks), and each use becomes a "code" reference of the
 * finding about it. docs/code-references.md says what counts as a use.
 */
#ifndef MIGRALINT_CODE_REFS_H
#define MIGRALINT_CODE_REFS_H

#include <stdbool.h>
#include <stddef.h>

#include "run.h"

/* The longest word looked for: PostgreSQL cuts names at 63 bytes. */
#define ML_CODE_WORD_MAX 63
/* At most this many bytes of a line are kept as a reference's text (plus
 * "..." where it was cut). */
#define ML_CODE_TEXT_MAX 120
/* A file with a NUL byte in its first this many bytes is binary: not read. */
#define ML_CODE_BINARY_PROBE 8192

/* Looks for the columns of run->column_checks not looked for yet in the
 * files below run->options.references, all of them in one pass over the
 * files (several threads, as opts.jobs says), and then, for each check:
 * every use (file, line, the line's text) is appended to its diagnostic's
 * references, kind "code", effect "uses", after those it has, and its
 * message gets "; still used at PATH:LINE" (the first two uses, then "and
 * N more"); a check with only_if_used and no use has its diagnostic removed
 * from the run. A reference path that cannot be read, and a file below one
 * that cannot be read, are input errors naming them (each once per run);
 * the rest is scanned. Also checks the paths once per run when there is
 * nothing to look for. Does nothing without reference paths. Called at the
 * end of every lint call of the run. */
void ml_run_check_code_references(ml_run *run);

/* The words, lowercased, that name table in code (whole words; matching is
 * case-insensitive): the name itself, its singulars (users: user;
 * categories: category; addresses: address; statuses: status; people:
 * person), and each of these without its underscores (the CamelCase forms
 * UserProfile and UserProfiles of user_profiles, case aside). Writes at
 * most max of them, without repeats, to out (each ML_CODE_WORD_MAX + 1
 * bytes) and returns how many; 0 when table is not a word (letters, digits,
 * _ and bytes of non-ASCII characters) of at most ML_CODE_WORD_MAX bytes. */
size_t ml_code_table_words(const char *table, char (*out)[ML_CODE_WORD_MAX + 1], size_t max);

/* The same for a column: its name and its camelCase / PascalCase form (the
 * name without underscores: legacy_name, legacyname). At most 2. */
size_t ml_code_column_words(const char *column, char (*out)[ML_CODE_WORD_MAX + 1], size_t max);

#endif
