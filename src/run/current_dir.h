/*
 * current_dir.h - the working directory, which reports and the
 * configuration resolve paths against (run.c).
 */
#ifndef MIGRALINT_CURRENT_DIR_H
#define MIGRALINT_CURRENT_DIR_H

/* The current directory in a malloc'd string the caller frees, or NULL. */
char *ml_current_dir(void);

#endif
