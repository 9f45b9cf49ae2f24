/*
 * fix_write.h - how --fix reads a file it may change and writes it back
 * (fix_write.c): atomically, with the same permissions, and only when the
 * file is still the one that was read.
 */
#ifndef MIGRALINT_FIX_WRITE_H
#define MIGRALINT_FIX_WRITE_H

#include <stddef.h>
#include <sys/stat.h>

/* A file as --fix read it. */
typedef struct ml_fix_target {
	char *path;               /* the file written: the path named with every symbolic link
				     resolved (a link named as input stays a link); malloc'd */
	struct stat st;           /* what the file was when it was read */
} ml_fix_target;

/* Reads the file at path (following its links) to fix it: it must be a
 * regular file of at most max_size bytes. Returns 0 with *text (malloc'd,
 * NUL-terminated, *len bytes) and *target filled (free with
 * ml_fix_target_free), or -1 with why it could not be read in why
 * (why_size bytes: "Permission denied", "not a regular file", "larger
 * than --max-input-size (64MiB)") and nothing to free. */
int ml_fix_read(const char *path, size_t max_size, ml_fix_target *target, char **text, size_t *len, char *why,
		size_t why_size);

/* What ml_fix_write did. */
typedef enum ml_fix_write_status {
	ML_FIX_WRITTEN = 0,       /* the file now holds the new text */
	ML_FIX_CHANGED,           /* not written: the file changed since it was read (why
				     says how); it was left as it is */
	ML_FIX_FAILED,            /* not written: why says what failed; the file is as it was */
} ml_fix_write_status;

/* Replaces the file of target, which held the original_len bytes at
 * original when it was read, with the len bytes at text: written to a new
 * file in the same directory (mkstemp), given the file's permission bits
 * (and its owner and group when the process may set them), written whole
 * and fsync'd, then renamed over the file, and the directory fsync'd.
 * Nothing is written when the file is not the one that was read any more:
 * another inode, another size or modification time, or other bytes (checked
 * before the new file is made, and the inode, size and time again just
 * before the rename). A file with other hard links gets a new inode: the
 * other names keep the old text. Returns the status, with why filled
 * (why_size bytes) unless ML_FIX_WRITTEN. */
ml_fix_write_status ml_fix_write(const ml_fix_target *target, const char *original, size_t original_len,
				 const char *text, size_t len, char *why, size_t why_size);

/* Frees what target holds. */
void ml_fix_target_free(ml_fix_target *target);

#endif
