/*
 * arena.c - bump allocation for one unit of work (a run, a file, a
 * statement). Everything allocated from an arena is released together by
 * ml_arena_free or ml_arena_reset, which makes leaks and double frees
 * impossible by construction and is much cheaper than node-by-node frees of
 * libpg_query's protobuf trees.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "migralint/migralint.h"

#define ARENA_CHUNK_SIZE (64 * 1024)
#define ARENA_ALIGN 16

struct chunk {
	struct chunk *next;
	size_t size;   /* usable bytes after the header */
	size_t used;
	max_align_t data[];
};

/* A module's pointer kept with the arena (ml_arena_slot). */
struct slot {
	const void *key;
	void *value;
	struct slot *next;
};

struct ml_arena {
	struct chunk *head;   /* the chunk being filled; older chunks follow */
	struct slot *slots;   /* in the chunks, so gone with them */
};

static void (*out_of_memory_handler)(size_t size);

void ml_set_out_of_memory_handler(void (*handler)(size_t size))
{
	out_of_memory_handler = handler;
}

void ml_out_of_memory(size_t size)
{
	if (out_of_memory_handler)
		out_of_memory_handler(size);
	fprintf(stderr, "migralint: out of memory allocating %zu bytes\n", size);
	abort();
}

static struct chunk *chunk_new(size_t min_size)
{
	size_t size = min_size > ARENA_CHUNK_SIZE ? min_size : ARENA_CHUNK_SIZE;
	struct chunk *c = malloc(sizeof(*c) + size);
	if (!c) {
		ml_out_of_memory(size);
	}
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

ml_arena *ml_arena_new(void)
{
	ml_arena *arena = calloc(1, sizeof(*arena));
	if (!arena)
		return NULL;
	arena->head = chunk_new(0);
	return arena;
}

static void free_chunks(struct chunk *c)
{
	while (c) {
		struct chunk *next = c->next;
		free(c);
		c = next;
	}
}

void ml_arena_free(ml_arena *arena)
{
	if (!arena)
		return;
	free_chunks(arena->head);
	free(arena);
}

void ml_arena_reset(ml_arena *arena)
{
	/* Keep one standard-size chunk: per-statement arenas reuse it without
	 * touching malloc again. */
	struct chunk *keep = NULL, *c = arena->head;
	while (c) {
		struct chunk *next = c->next;
		if (!keep && c->size == ARENA_CHUNK_SIZE) {
			keep = c;
			keep->next = NULL;
			keep->used = 0;
		} else {
			free(c);
		}
		c = next;
	}
	arena->head = keep ? keep : chunk_new(0);
	arena->slots = NULL;
}

void **ml_arena_slot(ml_arena *arena, const void *key)
{
	for (struct slot *s = arena->slots; s; s = s->next)
		if (s->key == key)
			return &s->value;
	struct slot *s = ml_arena_alloc(arena, sizeof(*s));
	s->key = key;
	s->next = arena->slots;
	arena->slots = s;
	return &s->value;
}

void *ml_arena_alloc(ml_arena *arena, size_t size)
{
	size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need == 0)
		need = ARENA_ALIGN;
	struct chunk *c = arena->head;
	if (c->size - c->used < need) {
		struct chunk *fresh = chunk_new(need);
		if (need > ARENA_CHUNK_SIZE / 4) {
			/* A big block gets a chunk of its own behind the current
			 * one, so the current chunk's free space is not wasted. */
			fresh->next = c->next;
			c->next = fresh;
			fresh->used = need;
			memset(fresh->data, 0, need);
			return fresh->data;
		}
		fresh->next = c;
		arena->head = c = fresh;
	}
	void *p = (char *)c->data + c->used;
	c->used += need;
	memset(p, 0, need);
	return p;
}

void *ml_arena_grow(ml_arena *arena, void *ptr, size_t old_size, size_t new_size)
{
	if (!ptr)
		return ml_arena_alloc(arena, new_size);
	size_t old_need = (old_size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	size_t need = (new_size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	/* A block with a chunk of its own grows in place (realloc, which
	 * remaps large blocks), so a growing array does not leave all its
	 * smaller copies behind. Every chunk holds at least
	 * ARENA_CHUNK_SIZE: a smaller block has none of its own, and is not
	 * looked for among the chunks (a long-lived arena has thousands). */
	struct chunk **link = &arena->head;
	for (struct chunk *c = old_need >= ARENA_CHUNK_SIZE ? arena->head : NULL; c; link = &c->next, c = c->next) {
		if ((void *)c->data != ptr)
			continue;
		if (c == arena->head || c->used != old_need || c->size != old_need || need <= old_need)
			break;
		struct chunk *grown = realloc(c, sizeof(*grown) + need);
		if (!grown) {
			ml_out_of_memory(need);
		}
		memset((char *)grown->data + old_need, 0, need - old_need);
		grown->size = grown->used = need;
		*link = grown;
		return grown->data;
	}
	void *p = ml_arena_alloc(arena, new_size);
	memcpy(p, ptr, old_size < new_size ? old_size : new_size);
	return p;
}

char *ml_arena_strndup(ml_arena *arena, const char *s, size_t len)
{
	char *p = ml_arena_alloc(arena, len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *ml_arena_strdup(ml_arena *arena, const char *s)
{
	if (!s)
		return NULL;
	return ml_arena_strndup(arena, s, strlen(s));
}

char *ml_arena_vprintf(ml_arena *arena, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return ml_arena_strdup(arena, "");
	char *p = ml_arena_alloc(arena, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *ml_arena_printf(ml_arena *arena, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = ml_arena_vprintf(arena, fmt, ap);
	va_end(ap);
	return p;
}

void ml_strbuf_add(ml_strbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		b->data = ml_arena_grow(b->arena, b->data, b->cap, cap);
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void ml_strbuf_str(ml_strbuf *b, const char *s)
{
	ml_strbuf_add(b, s, strlen(s));
}

static void *protobuf_alloc(void *data, size_t size)
{
	return ml_arena_alloc(data, size);
}

static void protobuf_free(void *data, void *ptr)
{
	(void)data;
	(void)ptr;
}

ProtobufCAllocator ml_arena_protobuf_allocator(ml_arena *arena)
{
	ProtobufCAllocator a = { .alloc = protobuf_alloc, .free = protobuf_free, .allocator_data = arena };
	return a;
}

void ml_ptr_vec_push(ml_arena *arena, ml_ptr_vec *vec, void *item)
{
	if (vec->len == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 8;
		void **items = ml_arena_alloc(arena, cap * sizeof(*items));
		if (vec->len)
			memcpy(items, vec->items, vec->len * sizeof(*items));
		vec->items = items;
		vec->cap = cap;
	}
	vec->items[vec->len++] = item;
}
