/*
 * glob.h - paths and path globs, for the configuration file and the scan of
 * the application's code (glob.c).
 */
#ifndef MIGRALINT_GLOB_H
#define MIGRALINT_GLOB_H

#include <stdbool.h>
#include <stddef.h>

/* Resolves ".", ".." and repeated slashes of an absolute path, in place. */
void ml_path_normalize(char *path);
/* base + "/" + rel, malloc'd (NULL: out of memory); a copy of rel when it
 * is absolute or base is NULL. */
char *ml_path_join(const char *base, const char *rel);
/* The directory part of an absolute, normalized path, malloc'd. */
char *ml_path_parent(const char *abs);
/* path (relative ones from cwd, then normalized) relative to the first of
 * the n_dirs absolute directories (NULL entries skipped) it lies below,
 * malloc'd; NULL when it lies below none of them (or is one of them), or
 * memory runs out. */
char *ml_path_relative(const char *path, const char *cwd, const char *const *dirs, size_t n_dirs);

/* Why glob is not usable ("empty glob", "bad glob: ..."), as a static
 * string, or NULL. */
const char *ml_glob_problem(const char *glob);
/* glob without a leading "./" or "/" or a trailing "/" (a glob naming a
 * directory matches every file below it), malloc'd; NULL when memory runs
 * out. */
char *ml_glob_normalize(const char *glob);
/* Does a usable glob (ml_glob_problem gives NULL) match path, or a
 * directory path lies in ("legacy" matches "legacy/0001.sql")? Costs at
 * most (path length) x (glob length) steps, whatever the glob. */
bool ml_glob_matches(const char *glob, const char *path);
/* The first of the NULL-terminated globs (NULL: none) that matches path
 * (NULL: nothing matches), or NULL. */
const char *ml_glob_first_match(char *const *globs, const char *path);

#endif
