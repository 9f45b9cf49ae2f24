/*
 * diff.h - the unified diff `migralint --diff` prints (diff.c): what
 * --fix would write, as `patch -p1` and `git apply` read it.
 */
#ifndef MIGRALINT_DIFF_H
#define MIGRALINT_DIFF_H

#include <stddef.h>
#include <stdio.h>

/* Writes to out the unified diff that turns the old_len bytes at old_text
 * into the new_len bytes at new_text: "--- a/NAME" and "+++ b/NAME" (name
 * with a leading "./" left out; quoted as git quotes a name with control
 * characters, '"' or '\\'), then hunks with 3 lines of context. Lines end
 * at '\n' and keep every other byte ("\r" included); a last line without
 * one is followed by "\ No newline at end of file". Writes nothing when the
 * texts are equal. The diff is minimal unless the texts differ in very many
 * places (then some hunks are coarser, never wrong). Returns 0, or -1 when
 * memory runs out (errno ENOMEM) or writing fails (errno says why). */
int ml_write_unified_diff(FILE *out, const char *name, const char *old_text, size_t old_len, const char *new_text,
			  size_t new_len);

#endif
