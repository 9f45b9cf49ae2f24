/*
 * unit_sql.c - walks the SQL files under a folder and hands each statement
 * to a test, for the tests that check something on every statement the
 * project (or the corpus) holds: the protobuf decoder's and encoder's.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "split.h"
#include "unit.h"

static void each_statement_of_file(const char *path, unit_statement_fn fn, void *data)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	struct stat sb;
	ck_assert(fstat(fileno(f), &sb) == 0);
	size_t cap = (size_t)sb.st_size + 1;
	char *text = malloc(cap);
	ck_assert_ptr_nonnull(text);
	size_t len = fread(text, 1, cap - 1, f);
	fclose(f);
	text[len] = '\0';
	if (memchr(text, '\0', len)) {
		free(text);
		return; /* not SQL text */
	}
	ml_arena *file_arena = ml_arena_new();
	ml_chunk_list chunks;
	ml_split(file_arena, text, len, &chunks);
	for (size_t i = 0; i < chunks.len; i++) {
		const ml_chunk *c = &chunks.items[i];
		if (c->kind != ML_CHUNK_STATEMENT)
			continue;
		char *stmt = ml_arena_alloc(file_arena, c->end - c->start + 1);
		ml_chunk_copy_text(text, &chunks, c->start, c->end, stmt);
		fn(stmt, path, c->start, data);
	}
	ml_arena_free(file_arena);
	free(text);
}

void unit_each_sql_statement(const char *dir, unit_statement_fn fn, void *data)
{
	DIR *d = opendir(dir);
	ck_assert_msg(d != NULL, "cannot open %s", dir);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		struct stat sb;
		if (stat(path, &sb) != 0)
			continue;
		size_t n = strlen(e->d_name);
		if (S_ISDIR(sb.st_mode))
			unit_each_sql_statement(path, fn, data);
		else if (n > 4 && !strcmp(e->d_name + n - 4, ".sql"))
			each_statement_of_file(path, fn, data);
	}
	closedir(d);
}
