/*
 * map.c - a string-keyed hash map in an arena, for the lookups that run once
 * per statement or per file (tables by name, files already linted), so that
 * large migrations stay linear.
 */
#include <string.h>

#include "arena.h"
#include "map.h"

static uint64_t hash_string(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static void grow(ml_arena *arena, ml_map *map)
{
	size_t cap = map->cap ? map->cap * 2 : 64;
	ml_map_entry *entries = ml_arena_alloc(arena, cap * sizeof(*entries));
	for (size_t i = 0; i < map->cap; i++) {
		ml_map_entry *e = &map->entries[i];
		if (!e->key)
			continue;
		size_t k = e->hash & (cap - 1);
		while (entries[k].key)
			k = (k + 1) & (cap - 1);
		entries[k] = *e;
	}
	map->entries = entries;
	map->cap = cap;
}

void *ml_map_get(const ml_map *map, const char *key)
{
	if (!map->cap)
		return NULL;
	uint64_t h = hash_string(key);
	for (size_t k = h & (map->cap - 1);; k = (k + 1) & (map->cap - 1)) {
		const ml_map_entry *e = &map->entries[k];
		if (!e->key)
			return NULL;
		if (e->hash == h && !strcmp(e->key, key))
			return e->value;
	}
}

void ml_map_put(ml_arena *arena, ml_map *map, const char *key, void *value)
{
	if ((map->len + 1) * 4 > map->cap * 3)
		grow(arena, map);
	uint64_t h = hash_string(key);
	size_t k = h & (map->cap - 1);
	while (map->entries[k].key) {
		if (map->entries[k].hash == h && !strcmp(map->entries[k].key, key)) {
			map->entries[k].value = value;
			return;
		}
		k = (k + 1) & (map->cap - 1);
	}
	map->entries[k] = (ml_map_entry){ .key = ml_arena_strdup(arena, key), .hash = h, .value = value };
	map->len++;
}

void ml_map_copy(ml_arena *arena, ml_map *out, const ml_map *map, bool copy_keys)
{
	*out = (ml_map){ 0 };
	if (!map->cap)
		return;
	out->entries = ml_arena_alloc(arena, map->cap * sizeof(*out->entries));
	memcpy(out->entries, map->entries, map->cap * sizeof(*out->entries));
	out->len = map->len;
	out->cap = map->cap;
	if (copy_keys)
		for (size_t i = 0; i < out->cap; i++)
			if (out->entries[i].key)
				out->entries[i].key = ml_arena_strdup(arena, out->entries[i].key);
}
