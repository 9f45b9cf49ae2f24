/*
 * git.h - a migration directory as git holds it at a base commit, for the
 * history checks of --base REF (applied-migration-modified,
 * migration-out-of-order): the repository that holds the directory, the
 * commit REF names there, the files below the directory at that commit,
 * and their text. Read by running the git program (never a shell), with
 * options ended before every name that comes from the user or the tree.
 * git gets the process's environment less the variables that point it at
 * a repository (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, ...: a git hook
 * exports them), so the repository is always the one that holds the folder.
 * Knows no run and prints nothing: errors come back as one sentence with
 * how to fix them. A base is read-only once opened: several threads may
 * list and read with it at once, each with its own arena.
 */
#ifndef MIGRALINT_GIT_H
#define MIGRALINT_GIT_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

/* A repository and the commit a REF resolved to in it. Opaque; lives in the
 * arena it was opened with. */
typedef struct ml_git_base ml_git_base;

/* One file below a directory at the base commit. */
typedef struct ml_git_file {
	const char *path;         /* relative to the directory asked for, '/' separated */
	const char *oid;          /* the blob's object id (hex) */
	const char *text;         /* its content once ml_git_base_read filled it, else NULL;
				     NUL-terminated, len bytes (a NUL inside is kept) */
	size_t len;
} ml_git_file;

/* Opens the repository that holds the folder dir (a path as the run names
 * it) and resolves ref to a commit there. Returns the base in *out (in
 * arena) and 0, or -1 with *error (in arena) one or two sentences that name
 * dir or ref and say how to fix it:
 * - git is not installed;
 * - dir is not in a git work tree (or git refuses it: "dubious ownership",
 *   with the safe.directory command);
 * - ref names no commit: in a shallow clone, fetch the history
 *   (actions/checkout fetch-depth: 0, git fetch --unshallow); otherwise
 *   fetch the branch or name another;
 * - ref starts with '-' (never passed to git as an option).
 * Opening the same repository and ref again is cheap: arena caches by the
 * repository's top folder (and each folder's top), so another folder of the
 * repository with the same ref gives the same base, and an open the arena
 * has seen runs no git. A ref thus resolves once per arena: a commit made
 * since is not seen until the arena is reset. */
int ml_git_base_open(ml_arena *arena, const char *dir, const char *ref, ml_git_base **out, const char **error);

/* The commit the base resolved to (hex; NULL for HEAD on a branch with no
 * commits yet, which ml_git_base_open accepts as an empty base: nothing is
 * applied), and the ref as given. Owned by the base. */
const char *ml_git_base_commit(const ml_git_base *base);
const char *ml_git_base_ref(const ml_git_base *base);

/* Lists the regular files (blobs; not symlinks or submodules) below the
 * folder dir at the base commit, recursively, sorted by path. dir is a path
 * as the run names it (relative to the current folder or absolute), inside
 * the base's work tree; symbolic links in it are resolved, and a folder
 * deleted from the work tree since is still listed. A folder that did not
 * exist at the commit gives 0 files. Returns 0 with *files (in arena) and
 * *n, or -1 with *error (dir is outside the base's repository, git
 * failed). */
int ml_git_base_list(const ml_git_base *base, ml_arena *arena, const char *dir, ml_git_file **files, size_t *n,
		     const char **error);

/* Reads the content of files[0, n) (from ml_git_base_list) into their text
 * and len, in arena, with one git process for all of them. A blob larger
 * than max_size bytes (0: no limit) is an error naming its path. Returns 0,
 * or -1 with *error (an object git does not have is named with its path);
 * after -1 some texts may be filled and others not. */
int ml_git_base_read(const ml_git_base *base, ml_arena *arena, ml_git_file *files, size_t n, size_t max_size,
		     const char **error);

#endif
