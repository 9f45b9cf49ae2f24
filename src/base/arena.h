/*
 * arena.h - memory with one lifetime per unit of work, and what grows in it:
 * the arena, an array of pointers (ml_ptr_vec) and a string (ml_strbuf), all
 * defined in arena.c; ml_out_of_memory for where memory runs out.
 */
#ifndef MIGRALINT_ARENA_H
#define MIGRALINT_ARENA_H

#include <stdarg.h>
#include <stddef.h>

#include <protobuf-c/protobuf-c.h>

typedef struct ml_arena ml_arena;

/* Memory ran out where the library cannot go on: calls the handler set with
 * ml_set_out_of_memory_handler (which exits), or reports and aborts. Does
 * not return. */
_Noreturn void ml_out_of_memory(size_t size);

/* Returns a new empty arena, or NULL when memory runs out. */
ml_arena *ml_arena_new(void);
/* Releases every block the arena handed out, and the arena. NULL is fine. */
void ml_arena_free(ml_arena *arena);
/* Releases every block but keeps the arena (and its first chunk) for reuse. */
void ml_arena_reset(ml_arena *arena);
/* Returns size bytes aligned for any type, zeroed, owned by the arena. When
 * the system is out of memory it does not return: ml_out_of_memory. */
void *ml_arena_alloc(ml_arena *arena, size_t size);
/* Copies len bytes of s and a NUL into the arena. */
char *ml_arena_strndup(ml_arena *arena, const char *s, size_t len);
/* ptr (from this arena, old_size bytes; NULL for none) resized to new_size
 * bytes, the old bytes kept and the new ones zeroed. A large block is grown
 * in place when it can be; otherwise the old block stays until the arena
 * is freed. */
void *ml_arena_grow(ml_arena *arena, void *ptr, size_t old_size, size_t new_size);
/* A copy of s in the arena; NULL for NULL. */
char *ml_arena_strdup(ml_arena *arena, const char *s);
/* printf into arena memory. */
char *ml_arena_printf(ml_arena *arena, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *ml_arena_vprintf(ml_arena *arena, const char *fmt, va_list ap);
/* A protobuf-c allocator that takes its memory from arena; its free does
 * nothing, so an unpacked tree is released with the arena. */
ProtobufCAllocator ml_arena_protobuf_allocator(ml_arena *arena);

/* The arena's slot for key (the address of something a module owns, e.g.
 * one of its static variables): a pointer the arena keeps until it is freed
 * or reset, NULL until the module stores in it memory of this same arena.
 * Lets a module cache what it learned during one unit of work in the arena
 * of that work (git.c: the repositories and commits it resolved). Like the
 * arena, for one thread at a time. */
void **ml_arena_slot(ml_arena *arena, const void *key);

/* A growable array of pointers in an arena. */
typedef struct ml_ptr_vec {
	void **items;
	size_t len, cap;
} ml_ptr_vec;
/* Appends item, growing the array in arena (the old array stays in the
 * arena until it is freed). vec starts zeroed. */
void ml_ptr_vec_push(ml_arena *arena, ml_ptr_vec *vec, void *item);

/* A NUL-terminated string growing in an arena. Starts as { .arena = a };
 * data stays NULL until something (even "") is added. */
typedef struct ml_strbuf {
	ml_arena *arena;
	char *data;
	size_t len, cap;
} ml_strbuf;
/* Appends n bytes of s (which need not be NUL-terminated). */
void ml_strbuf_add(ml_strbuf *b, const char *s, size_t n);
/* Appends the string s. */
void ml_strbuf_str(ml_strbuf *b, const char *s);

#endif
