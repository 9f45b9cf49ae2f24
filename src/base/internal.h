/*
 * internal.h - the pieces of libmigralint shared between its source files but
 * not part of the public API: the arena, the line map, the statement splitter
 * and suppression comments. Rules see only rule_api.h.
 */
#ifndef MIGRALINT_INTERNAL_H
#define MIGRALINT_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "migralint/migralint.h"

/* ---- arena: one allocation lifetime per unit of work ---------------------- */

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
char *ml_arena_strdup(ml_arena *arena, const char *s);
/* printf into arena memory. */
char *ml_arena_printf(ml_arena *arena, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *ml_arena_vprintf(ml_arena *arena, const char *fmt, va_list ap);
/* A protobuf-c allocator that takes its memory from arena; its free does
 * nothing, so an unpacked tree is released with the arena. */
ProtobufCAllocator ml_arena_protobuf_allocator(ml_arena *arena);
/* unpack.c: decodes len bytes of a protobuf message of type desc into
 * protobuf-c's struct for it, allocated in arena (freed with it). Returns
 * NULL when the bytes are malformed. Thread-safe. */
void *ml_unpack(ml_arena *arena, const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t len);
/* The same, giving up (NULL, *too_deep set) where messages nest deeper than
 * max_depth: the decoder recurses once per level. */
void *ml_unpack_bounded(ml_arena *arena, const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t len,
			int max_depth, bool *too_deep);

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

/* A string-keyed hash map whose memory (keys included) lives in an arena. */
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

/* The current directory in a malloc'd string the caller frees, or NULL. */
char *ml_current_dir(void);

/* The identifier put in for names dynamic SQL computes at run time. It
 * never reaches a report: ml_without_placeholder turns every name
 * holding it into ML_DYNAMIC_NAME_TEXT. */
#define ML_DYNAMIC_PLACEHOLDER "dynamic_name"
#define ML_DYNAMIC_NAME_TEXT "a name computed at run time"

/* ---- line map: byte offsets to 1-based line and character column --------- */

typedef struct ml_line_map {
	const char *text;       /* the file text; not owned */
	size_t len;
	size_t *line_starts;    /* byte offset of each line's first byte; arena-owned */
	size_t n_lines;
	/* The last positions ml_line_map_position computed: an offset on the
	 * same line counts characters on from the nearest one before it, so a
	 * long line of many statements is not counted again from its start
	 * for each one. A cache, not part of the map's value; one thread per
	 * map. */
	struct ml_line_memo {
		size_t offset, line;
		int column;
		bool valid;
	} memo[4];
	unsigned memo_next;
} ml_line_map;

/* Builds the map of text (len bytes) in arena. A line ends at "\n", "\r\n"
 * or a lone "\r", as PostgreSQL's scanner and editors see lines. */
void ml_line_map_init(ml_line_map *map, ml_arena *arena, const char *text, size_t len);
/* Converts a byte offset (clamped to the text) into a 1-based line and a
 * 1-based column counted in UTF-8 characters. A byte that is not a UTF-8
 * continuation byte counts as one character, so invalid text still gets
 * stable columns. */
void ml_line_map_position(const ml_line_map *map, size_t offset, int *line, int *column);
/* Byte offset of the first byte of 1-based line (clamped). */
size_t ml_line_map_line_start(const ml_line_map *map, int line);
/* Byte offset of the first byte of the line holding offset. */
size_t ml_line_map_start_of_line_at(const ml_line_map *map, size_t offset);
/* Byte offset just past the last character of 1-based line, before its
 * line break. */
size_t ml_line_map_line_end(const ml_line_map *map, int line);

/* Returns the byte offset of the first byte that is not valid UTF-8, or len
 * when the whole text is valid. */
size_t ml_utf8_first_invalid(const char *text, size_t len);
/* The length of the valid UTF-8 sequence at text (1 for ASCII), or 0 when
 * the bytes there are not one. */
size_t ml_utf8_sequence_length(const char *text, size_t len);
/* Byte offset of the character_index-th character (1-based, as libpg_query's
 * cursorpos counts) of text, clamped to len. */
size_t ml_utf8_char_to_byte(const char *text, size_t len, int character_index);

/* ---- statement splitting ------------------------------------------------- */

typedef enum ml_chunk_kind {
	ML_CHUNK_STATEMENT = 0,   /* SQL text ending at a ';' or the end of the file */
	ML_CHUNK_META_COMMAND,    /* a psql backslash command, to the end of its line */
	ML_CHUNK_COPY_DATA,       /* inline data after COPY ... FROM STDIN, through "\." */
	ML_CHUNK_TRAILER,         /* comments after the last statement that hold a directive; empty text */
} ml_chunk_kind;

typedef struct ml_chunk {
	ml_chunk_kind kind;
	size_t start;             /* byte offset of the first character (no leading blanks or comments) */
	size_t end;               /* byte offset one past the last byte; a statement's ';' is excluded */
	size_t gap_start;         /* where the blanks and comments in front of it begin */
	bool terminated;          /* a statement ended with ';' (false at end of file) */
	bool has_ignore_comment;  /* the gap or the text mentions a directive (ml_mentions_directive) */
	bool unterminated;        /* COPY data without its closing "\." line */
} ml_chunk;

typedef struct ml_range {
	size_t start, end;
} ml_range;

typedef struct ml_chunk_list {
	ml_chunk *items;          /* arena-owned */
	size_t len, cap;
	ml_range *blanks;         /* psql commands, the "\" of "\;" and COPY data inside statements:
	                           * not part of their text; in text order, never overlapping */
	size_t n_blanks, cap_blanks;
} ml_chunk_list;

/* Splits text into statements, psql meta-commands and COPY data, the way psql
 * would send them: quotes, dollar quotes, nested comments, parentheses (for
 * CREATE RULE) and BEGIN ATOMIC ... END bodies keep their semicolons. An
 * unterminated quote runs to the end of the text; an unterminated comment
 * becomes a statement for the parser to reject. A leading byte order mark
 * is skipped. Never fails; chunks are allocated in arena. */
void ml_split(ml_arena *arena, const char *text, size_t len, ml_chunk_list *out);
/* The same, but every semicolon outside quotes and comments ends a
 * statement: for re-splitting a piece that did not parse. */
void ml_split_simple(ml_arena *arena, const char *text, size_t len, ml_chunk_list *out);

/* parse.c: true when text (NUL-terminated, len bytes) parses, and one of
 * its statements is a COPY ... FROM STDIN: the server then asks psql for
 * the data. Thread-safe. */
bool ml_copies_from_stdin(const char *text, size_t len);

/* Copies text[start, end) to dst (end - start + 1 bytes) with the psql
 * commands inside it (chunks->blanks) turned into spaces, so offsets still
 * match the file, and a NUL. */
void ml_chunk_copy_text(const char *text, const ml_chunk_list *chunks, size_t start, size_t end, char *dst);

/* ---- suppression comments ----------------------------------------------- */

struct ml_ignore_name;            /* what a rule name resolves to: src/engine/ignore_index.h */

/* Whose syntax a directive comment uses. */
typedef enum ml_directive {
	ML_DIRECTIVE_MIGRALINT = 0,   /* migralint-ignore[-file] RULE[, RULE...][: reason] */
	ML_DIRECTIVE_SQUAWK,          /* squawk-ignore[-file] [RULE[, RULE...]][ -- reason] (docs/squawk.md) */
} ml_directive;

typedef struct ml_suppression {
	int line;                 /* 1-based line where the comment starts */
	int end_line;             /* line where it ends (block comments can span lines) */
	ml_directive directive;
	bool whole_file;          /* migralint-ignore-file, squawk-ignore-file */
	bool all_rules;           /* squawk-ignore-file without names: every rule */
	bool own_line;            /* nothing but the comment on that line */
	int column;               /* 1-based column of the comment, for warnings */
	size_t offset;            /* byte offset of the comment in the file */
	size_t n_rules;
	const char **rules;       /* rule names as written; arena-owned */
	const size_t *rule_at;    /* byte offset of each name from the comment's start */
	const char *reason;       /* text after ':' (or, in a squawk comment, after a second
				     "--"), or NULL */
	/* Set by the engine when it takes the comment in (ignore_index.h): */
	struct ml_ignore_name *names;  /* one per entry of rules */
	const ml_suppression_info *info; /* its public view, made when it first silences a
					    finding; run-owned */
} ml_suppression;

/* The name of a directive, e.g. "migralint-ignore-file". Static storage. */
const char *ml_suppression_kind(const ml_suppression *s);

/* Parses the text of one comment (with its -- or slash-star markers). Returns
 * true and fills *out (rules allocated in arena) when it is a migralint or
 * squawk directive; false otherwise. */
bool ml_suppression_parse(ml_arena *arena, const char *comment, size_t len, ml_suppression *out);

/* Does text[0, len) mention a directive ("migralint-ignore" or
 * "squawk-ignore")? A quick test before scanning for real comments. */
bool ml_mentions_directive(const char *text, size_t len);

/* Finds every directive comment in text[start, end) with pg_query_scan and
 * appends it to list (ml_suppression pointers in arena). Returns 0, or -1 when
 * the scanner rejected the text (nothing is appended then). */
int ml_suppressions_scan(ml_arena *arena, const ml_line_map *map, size_t start, size_t end,
			 ml_ptr_vec *list);

#endif
