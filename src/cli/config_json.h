/*
 * config_json.h - reading the configuration file as JSON with comments
 * (config_json.c).
 */
#ifndef MIGRALINT_CONFIG_JSON_H
#define MIGRALINT_CONFIG_JSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* Reads the file at path as JSON with // and block comments (and maybe a
 * UTF-8 byte order mark). Returns the tree, which the caller frees with
 * cJSON_Delete, or NULL with a one-line message in err (NUL-terminated when
 * err_len > 0): "PATH: cannot read the configuration file: ...", "PATH: out
 * of memory", "PATH: the file contains a NUL byte: ..." or
 * "PATH:LINE:COLUMN: invalid JSON ...". */
cJSON *ml_config_json_read(const char *path, char *err, size_t err_len);

#endif
