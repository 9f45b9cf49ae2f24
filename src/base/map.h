/*
 * map.h - a string-keyed hash map whose memory (keys included) lives in an
 * arena (map.c).
 */
#ifndef MIGRALINT_MAP_H
#define MIGRALINT_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

typedef struct ml_map_entry {
	const char *key;          /* NULL: empty slot */
	uint64_t hash;
	void *value;
} ml_map_entry;

typedef struct ml_map {
	ml_map_entry *entries;
	size_t len, cap;          /* cap is 0 or a power of two */
} ml_map;

/* The value stored under key, or NULL. */
void *ml_map_get(const ml_map *map, const char *key);
/* Stores value under key (a copy of key is made in arena), replacing any
 * value already there. */
void ml_map_put(ml_arena *arena, ml_map *map, const char *key, void *value);

/* Makes *out a copy of map in arena: the same slots, so nothing is hashed
 * again; the keys are copied when copy_keys, else shared with map (which
 * must then outlive the copy). The values are map's: change them in
 * out->entries. */
void ml_map_copy(ml_arena *arena, ml_map *out, const ml_map *map, bool copy_keys);

#endif
