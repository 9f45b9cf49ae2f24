/*
 * config_file.h - a loaded configuration file as config.c builds it and
 * config_apply.c applies it; the public side is migralint/config.h.
 */
#ifndef MIGRALINT_CONFIG_FILE_H
#define MIGRALINT_CONFIG_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "migralint/migralint.h"
#include "rule_set.h"

/* The settings of the top level or of one override. */
typedef struct ml_config_layer {
	char *origin;             /* "PATH" or "PATH overrides[N]" */
	bool has_pg_version;
	int pg_major, pg_minor;
	bool has_assume_in_transaction;
	bool assume_in_transaction;
	bool has_require_reasons; /* "require_reasons": turns ignore-without-reason on or off */
	bool require_reasons;
	ml_rule_change *rules;    /* on/off, in file order */
	size_t n_rules;
	ml_rule_change *severities; /* in file order */
	size_t n_severities;
	char **files;             /* overrides only: NULL-terminated globs */
} ml_config_layer;

struct ml_config {
	char *path;               /* as given */
	char *dir_real;           /* the file's directory, symlinks resolved */
	char *dir_lexical;        /* the same from the current directory, lexically */
	char *cwd;                /* current directory at load time */
	ml_config_layer top;
	bool has_fail_on;
	ml_severity fail_on;
	char *doc_base_url;
	size_t max_input_size;    /* 0: not set */
	char **exclude;           /* NULL-terminated globs */
	char *tool;               /* "tool": a preset name or "auto"; NULL: not set */
	bool has_down;            /* "down" */
	ml_down_mode down;
	char *base;               /* "base": a git revision; NULL: not set */
	char *since;              /* "since": a version; NULL: not set */
	char **context;           /* "context": NULL-terminated paths, relative ones taken from
				     the file's directory; NULL: not set */
	char **references;        /* "references"."paths": the application's code, NULL-terminated,
				     relative ones taken from the file's directory; NULL: not set */
	char **references_exclude; /* "references"."exclude": NULL-terminated globs, matched below
				     each reference path; NULL: not set */
	char *stats;              /* "stats": the --stats file, a relative path taken from the
				     file's directory; NULL: not set */
	long long small_rows;     /* "table_size"."small_rows"; 0: not set */
	long long large_rows;     /* "table_size"."large_rows"; 0: not set */
	ml_config_layer *overrides;
	size_t n_overrides;
};

#endif
