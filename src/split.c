/*
 * split.c - cuts a migration file into the pieces psql would send one by one:
 * SQL statements, psql backslash commands and inline COPY data.
 *
 * Splitting ourselves, instead of handing the whole file to the parser, is
 * what lets one bad statement be reported at its own position while the rest
 * of the file is still linted. The scanner here only needs to know where
 * semicolons stop counting: inside quotes, dollar quotes, comments,
 * parentheses (CREATE RULE ... DO (a; b)) and BEGIN ATOMIC ... END bodies.
 * When a piece does not parse, the engine splits it again at every
 * semicolon (ml_split_simple), so a missing parenthesis costs one
 * statement, not the rest of the file. Only an unterminated quote runs to
 * the end of the file.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <string.h>

#include "internal.h"

static void push_chunk(ml_arena *arena, ml_chunk_list *out, const ml_chunk *chunk)
{
	if (out->len == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 64;
		out->items = ml_arena_grow(arena, out->items, out->cap * sizeof(*out->items), cap * sizeof(*out->items));
		out->cap = cap;
	}
	out->items[out->len++] = *chunk;
}

static bool is_ident_start(unsigned char c)
{
	return isalpha(c) || c == '_' || c >= 0x80;
}

static bool is_ident_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

static bool contains_mark(const char *p, const char *end)
{
	return ml_mentions_directive(p, (size_t)(end - p));
}

/* The length of a dollar-quote opener "$tag$" at p, or 0 when p does not
 * start one (e.g. "$1"). */
static size_t dollar_tag_len(const char *p, const char *end)
{
	const char *q = p + 1;
	if (q < end && *q == '$')
		return 2;
	if (q >= end || !is_ident_start((unsigned char)*q))
		return 0;
	while (q < end && (isalnum((unsigned char)*q) || *q == '_' || (unsigned char)*q >= 0x80))
		q++;
	if (q < end && *q == '$')
		return (size_t)(q - p) + 1;
	return 0;
}

/* Words of the statement being scanned that decide how it splits. */
struct stmt_words {
	int count;               /* words seen so far */
	char first[16], second[16], fourth[16];
	int begin_depth;         /* open BEGIN/CASE in a CREATE FUNCTION ... BEGIN ATOMIC body */
	bool copy_from;          /* COPY ... FROM seen, waiting for STDIN */
	bool copy_stdin;         /* COPY ... FROM STDIN */
	char prev[16];
};

static void word_copy(char *dst, const char *p, size_t n)
{
	size_t k = n < 15 ? n : 15;
	for (size_t i = 0; i < k; i++)
		dst[i] = (char)tolower((unsigned char)p[i]);
	dst[k] = '\0';
}

static bool is_routine_definition(const struct stmt_words *w)
{
	if (strcmp(w->first, "create") != 0)
		return false;
	if (!strcmp(w->second, "function") || !strcmp(w->second, "procedure"))
		return true;
	return !strcmp(w->second, "or") &&
	       (!strcmp(w->fourth, "function") || !strcmp(w->fourth, "procedure"));
}

static void see_word(struct stmt_words *w, const char *p, size_t n)
{
	char word[16];
	word_copy(word, p, n);
	w->count++;
	if (w->count == 1)
		strcpy(w->first, word);
	else if (w->count == 2)
		strcpy(w->second, word);
	else if (w->count == 4)
		strcpy(w->fourth, word);

	if (w->count > 2 && is_routine_definition(w)) {
		/* psql's own rule: BEGIN and CASE open, END closes, but only
		 * once the statement is known to define a routine. */
		if (!strcmp(word, "begin") || (w->begin_depth > 0 && !strcmp(word, "case")))
			w->begin_depth++;
		else if (!strcmp(word, "end") && w->begin_depth > 0)
			w->begin_depth--;
	}
	if (!strcmp(w->first, "copy")) {
		if (!strcmp(word, "from"))
			w->copy_from = true;
		else if (w->copy_from && !strcmp(word, "stdin"))
			w->copy_stdin = true;
		else
			w->copy_from = false;
	}
	strcpy(w->prev, word);
}

/* Skips a quoted run starting at p (p points at the opening quote). Returns
 * the position after the closing quote, or end. */
static const char *skip_quoted(const char *p, const char *end, char quote, bool backslash_escapes)
{
	p++;
	while (p < end) {
		if (backslash_escapes && *p == '\\') {
			p += 2;
			continue;
		}
		if (*p == quote) {
			if (p + 1 < end && p[1] == quote) {
				p += 2;
				continue;
			}
			return p + 1;
		}
		p++;
	}
	return end;
}

/* Skips a (nested) block comment starting at p. *closed tells whether it
 * ended before end. */
static const char *skip_block_comment(const char *p, const char *end, bool *closed)
{
	int depth = 0;
	*closed = true;
	while (p < end) {
		if (p + 1 < end && p[0] == '/' && p[1] == '*') {
			depth++;
			p += 2;
		} else if (p + 1 < end && p[0] == '*' && p[1] == '/') {
			p += 2;
			if (--depth == 0)
				return p;
		} else {
			p++;
		}
	}
	*closed = false;
	return end;
}

static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return nl ? nl : end;
}

static size_t trim_end(const char *text, size_t start, size_t end)
{
	while (end > start && isspace((unsigned char)text[end - 1]))
		end--;
	return end;
}

/* After COPY ... FROM STDIN; the data starts on the next line and runs
 * through a line holding only "\.". Returns where scanning resumes. */
static const char *skip_copy_data(ml_arena *arena, ml_chunk_list *out, const char *text,
				  const char *p, const char *end)
{
	const char *data = line_end(p, end);
	if (data < end)
		data++;
	const char *q = data;
	bool closed = false;
	while (q < end) {
		const char *le = line_end(q, end);
		const char *t = le;
		while (t > q && (t[-1] == '\r' || t[-1] == ' ' || t[-1] == '\t'))
			t--;
		if (t - q == 2 && q[0] == '\\' && q[1] == '.') {
			q = le;
			closed = true;
			break;
		}
		q = le < end ? le + 1 : end;
	}
	if (q > data || !closed) {
		ml_chunk c = { .kind = ML_CHUNK_COPY_DATA, .gap_start = (size_t)(data - text),
			       .start = (size_t)(data - text), .end = (size_t)(q - text), .unterminated = !closed };
		push_chunk(arena, out, &c);
	}
	return q;
}

/* psql sends the statement typed so far on these commands; every other
 * backslash command leaves it open and is not part of it. */
static bool meta_command_sends(const char *p, const char *end)
{
	static const char *const SENDING[] = { "g", "gx", "gset", "gexec", "gdesc", "watch", "crosstabview" };
	const char *q = p + 1;
	while (q < end && isalpha((unsigned char)*q))
		q++;
	size_t n = (size_t)(q - p - 1);
	for (size_t i = 0; i < sizeof(SENDING) / sizeof(SENDING[0]); i++)
		if (strlen(SENDING[i]) == n && !strncmp(p + 1, SENDING[i], n))
			return true;
	return false;
}

static void push_blank(ml_arena *arena, ml_chunk_list *out, size_t start, size_t end)
{
	if (out->n_blanks == out->cap_blanks) {
		size_t cap = out->cap_blanks ? out->cap_blanks * 2 : 8;
		out->blanks = ml_arena_grow(arena, out->blanks, out->cap_blanks * sizeof(*out->blanks),
					    cap * sizeof(*out->blanks));
		out->cap_blanks = cap;
	}
	out->blanks[out->n_blanks++] = (ml_range){ start, end };
}

static void split(ml_arena *arena, const char *text, size_t len, bool keep_bodies, ml_chunk_list *out)
{
	const char *p = text, *end = text + len;
	memset(out, 0, sizeof(*out));
	/* A UTF-8 byte order mark is not SQL. */
	if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;

	while (p < end) {
		ml_chunk chunk = { .kind = ML_CHUNK_STATEMENT, .gap_start = (size_t)(p - text) };
		struct stmt_words words;
		memset(&words, 0, sizeof(words));
		bool started = false;
		int paren_depth = 0;
		bool ended = false;

		while (p < end && !ended) {
			unsigned char c = (unsigned char)*p;
			if (isspace(c)) {
				p++;
			} else if (c == '-' && p + 1 < end && p[1] == '-') {
				const char *le = line_end(p, end);
				if (contains_mark(p, le))
					chunk.has_ignore_comment = true;
				p = le;
			} else if (c == '/' && p + 1 < end && p[1] == '*') {
				bool closed;
				const char *ce = skip_block_comment(p, end, &closed);
				if (contains_mark(p, ce))
					chunk.has_ignore_comment = true;
				if (!closed && !started) {
					/* An unterminated comment: let the parser say so. */
					started = true;
					chunk.start = (size_t)(p - text);
				}
				p = ce;
			} else if (c == '\\') {
				const char *le = line_end(p, end);
				bool sends = meta_command_sends(p, end);
				if (started && sends) {
					chunk.end = trim_end(text, chunk.start, (size_t)(p - text));
					push_chunk(arena, out, &chunk);
					started = false;
				} else if (started) {
					/* The command is not part of the statement around it. */
					push_blank(arena, out, (size_t)(p - text), (size_t)(le - text));
				}
				ml_chunk meta = { .kind = ML_CHUNK_META_COMMAND, .gap_start = (size_t)(p - text),
						  .start = (size_t)(p - text) };
				meta.end = trim_end(text, meta.start, (size_t)(le - text));
				push_chunk(arena, out, &meta);
				p = le;
				if (!started) {
					chunk = (ml_chunk){ .kind = ML_CHUNK_STATEMENT, .gap_start = (size_t)(p - text) };
					memset(&words, 0, sizeof(words));
					paren_depth = 0;
				}
			} else if (c == ';' && !started) {
				p++; /* an empty statement: nothing to send */
			} else {
				if (!started) {
					started = true;
					chunk.start = (size_t)(p - text);
				}
				if (c == '\'') {
					bool escapes = p > text && (p[-1] == 'E' || p[-1] == 'e') &&
						       (p - 1 == text || !is_ident_char((unsigned char)p[-2]));
					p = skip_quoted(p, end, '\'', escapes);
				} else if (c == '"') {
					p = skip_quoted(p, end, '"', false);
				} else if (c == '$' && (p == text || !is_ident_char((unsigned char)p[-1])) &&
					   dollar_tag_len(p, end)) {
					size_t tag = dollar_tag_len(p, end);
					const char *body = p + tag;
					const char *close = body;
					while ((close = memchr(close, '$', (size_t)(end - close)))) {
						if ((size_t)(end - close) >= tag && !memcmp(close, p, tag))
							break;
						close++;
					}
					p = close ? close + tag : end;
				} else if (is_ident_start(c)) {
					const char *w = p;
					while (p < end && is_ident_char((unsigned char)*p))
						p++;
					see_word(&words, w, (size_t)(p - w));
				} else if (c == '(') {
					paren_depth++;
					p++;
				} else if (c == ')') {
					if (paren_depth > 0)
						paren_depth--;
					p++;
				} else if (c == ';' && (!keep_bodies || (paren_depth == 0 && words.begin_depth == 0))) {
					chunk.end = (size_t)(p - text);
					chunk.terminated = true;
					p++;
					ended = true;
				} else {
					p++;
				}
			}
		}

		if (!started) {
			/* Only blanks and comments were left. A directive there
			 * still matters (migralint-ignore-file), so keep the gap. */
			if (chunk.has_ignore_comment) {
				chunk.kind = ML_CHUNK_TRAILER;
				chunk.start = chunk.end = (size_t)(p - text);
				push_chunk(arena, out, &chunk);
			}
			break;
		}
		if (!ended)
			chunk.end = trim_end(text, chunk.start, (size_t)(p - text));
		if (contains_mark(text + chunk.start, text + chunk.end))
			chunk.has_ignore_comment = true;
		push_chunk(arena, out, &chunk);
		if (ended && words.copy_stdin)
			p = skip_copy_data(arena, out, text, p, end);
	}
}

void ml_split(ml_arena *arena, const char *text, size_t len, ml_chunk_list *out)
{
	split(arena, text, len, true, out);
}

void ml_split_simple(ml_arena *arena, const char *text, size_t len, ml_chunk_list *out)
{
	split(arena, text, len, false, out);
}

void ml_chunk_copy_text(const char *text, const ml_chunk_list *chunks, size_t start, size_t end, char *dst)
{
	memcpy(dst, text + start, end - start);
	dst[end - start] = '\0';
	for (size_t i = 0; i < chunks->n_blanks; i++) {
		const ml_range *b = &chunks->blanks[i];
		if (b->end <= start || b->start >= end)
			continue;
		size_t from = b->start > start ? b->start : start, to = b->end < end ? b->end : end;
		memset(dst + (from - start), ' ', to - from);
	}
}
