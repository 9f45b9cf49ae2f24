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
 *
 * Where psql and PostgreSQL's scanner disagree with a plain reading of the
 * text, this follows them, because what they run is what must be linted:
 * a "--" comment ends at a carriage return as well as at a newline, while
 * psql reads its input, meta-commands and COPY data line by line at
 * newlines only; "\\" ends a meta-command and the rest of its line is SQL;
 * "\;" is a semicolon psql does not send at, so both sides reach the
 * server; and the SQL after "COPY ... FROM STDIN;" on the same line runs
 * once the COPY has read its data from the lines after it.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <string.h>

#include "arena.h"
#include "parse.h"
#include "split.h"
#include "suppress.h"

/* Adds chunk in the order of the chunks' starts, which the engine and the
 * pipeline rely on: a statement is pushed when it ends, after the commands
 * and COPY data found inside it. */
static void push_chunk(ml_arena *arena, ml_chunk_list *out, const ml_chunk *chunk)
{
	if (out->len == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 64;
		out->items = ml_arena_grow(arena, out->items, out->cap * sizeof(*out->items), cap * sizeof(*out->items));
		out->cap = cap;
	}
	size_t i = out->len++;
	while (i > 0 && out->items[i - 1].start > chunk->start) {
		out->items[i] = out->items[i - 1];
		i--;
	}
	out->items[i] = *chunk;
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

/* The state of one split: the output, and the COPY data psql will read from
 * the lines after the current one, which is not SQL. */
struct scanner {
	ml_arena *arena;
	const char *text, *end;
	ml_chunk_list *out;
	bool copy_data;           /* COPY ... FROM STDIN is followed by its data (not in ml_split_simple) */
	/* Data of COPY statements sent on the current line, not reached yet:
	 * [hole_start, hole_end) is skipped when the scanner gets there. */
	const char *hole_start, *hole_end;
	/* The statement being scanned, when one has started: data inside it
	 * is blanked out of its text. */
	bool in_statement;
	/* The newline at or after nl_from (NULL: none), for psql_line_end: a
	 * file without newlines is one psql line, not searched again for
	 * each command on it. */
	const char *nl_from, *nl;
};

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

/* How far the scanner may read before it must skip COPY data. */
static const char *limit(const struct scanner *sc)
{
	return sc->hole_start ? sc->hole_start : sc->end;
}

/* When p has reached COPY data waiting to be skipped, moves it past the
 * data and returns true. */
static bool skip_hole(struct scanner *sc, const char **p)
{
	if (!sc->hole_start || *p < sc->hole_start)
		return false;
	if (sc->in_statement)
		push_blank(sc->arena, sc->out, (size_t)(sc->hole_start - sc->text), (size_t)(sc->hole_end - sc->text));
	*p = sc->hole_end;
	sc->hole_start = sc->hole_end = NULL;
	return true;
}

/* The end of the line p is on for psql, which reads its input (and so
 * meta-commands and COPY data) line by line: the next newline, or end. */
static const char *psql_line_end(struct scanner *sc, const char *p)
{
	if (!sc->nl_from || p < sc->nl_from || p > (sc->nl ? sc->nl : sc->end)) {
		sc->nl_from = p;
		sc->nl = memchr(p, '\n', (size_t)(sc->end - p));
	}
	return sc->nl ? sc->nl : sc->end;
}

/* The end of a "--" comment starting at p: PostgreSQL's scanner ends it at
 * a newline or a carriage return. */
static const char *comment_end(const char *p, const char *end)
{
	while (p < end && *p != '\n' && *p != '\r')
		p++;
	return p;
}

/* Skips a quoted run starting at p (p points at the opening quote). Returns
 * the position after the closing quote, or end. */
static const char *skip_quoted(struct scanner *sc, const char *p, char quote, bool backslash_escapes)
{
	p++;
	do {
		const char *lim = limit(sc);
		while (p < lim) {
			if (backslash_escapes && *p == '\\') {
				p += 2;
				continue;
			}
			if (*p == quote) {
				if (p + 1 < lim && p[1] == quote) {
					p += 2;
					continue;
				}
				return p + 1;
			}
			p++;
		}
		/* COPY data comes after a newline, so no escape or doubled
		 * quote is cut by it. */
		if (p > lim)
			p = lim;
	} while (skip_hole(sc, &p));
	return sc->end;
}

/* Skips a (nested) block comment starting at p. *closed tells whether it
 * ended before end. */
static const char *skip_block_comment(struct scanner *sc, const char *p, bool *closed)
{
	int depth = 0;
	*closed = true;
	do {
		const char *lim = limit(sc);
		while (p < lim) {
			if (p + 1 < lim && p[0] == '/' && p[1] == '*') {
				depth++;
				p += 2;
			} else if (p + 1 < lim && p[0] == '*' && p[1] == '/') {
				p += 2;
				if (--depth == 0)
					return p;
			} else {
				p++;
			}
		}
	} while (skip_hole(sc, &p));
	*closed = false;
	return sc->end;
}

/* Skips a dollar-quoted string whose opener "$tag$" (tag bytes) is at p.
 * Returns the position after its closer, or end. */
static const char *skip_dollar_quoted(struct scanner *sc, const char *p, size_t tag)
{
	const char *open = p, *close = p + tag;
	do {
		const char *lim = limit(sc);
		while (close < lim && (close = memchr(close, '$', (size_t)(lim - close)))) {
			if ((size_t)(lim - close) >= tag && !memcmp(close, open, tag))
				return close + tag;
			close++;
		}
		close = lim;
	} while (skip_hole(sc, &close));
	return sc->end;
}

static size_t trim_end(const char *text, size_t start, size_t end)
{
	while (end > start && isspace((unsigned char)text[end - 1]))
		end--;
	return end;
}

/* A COPY ... FROM STDIN was sent at p. psql reads its data from the lines
 * after the current one, through a line holding only "\." (its newline
 * may be "\r\n"), then goes on with the rest of the current line: the data
 * becomes a chunk of its own and a hole the scanner skips when it gets
 * there. Several COPYs sent on one line read one block each, in turn. */
static void open_copy_data(struct scanner *sc, const char *p)
{
	const char *data;
	if (sc->hole_start) {
		data = sc->hole_end;
	} else {
		data = psql_line_end(sc, p);
		if (data < sc->end)
			data++;
	}
	const char *q = data, *data_end = sc->end, *resume = sc->end;
	bool closed = false;
	while (q < sc->end) {
		const char *le = psql_line_end(sc, q);
		size_t n = (size_t)(le - q);
		/* "\." at the very end of the file, without its newline, counts
		 * too: nothing follows it either way. */
		if ((n == 2 || (n == 3 && q[2] == '\r')) && q[0] == '\\' && q[1] == '.') {
			closed = true;
			data_end = q + 2;
			resume = le < sc->end ? le + 1 : le;
			break;
		}
		q = le < sc->end ? le + 1 : le;
	}
	ml_chunk c = { .kind = ML_CHUNK_COPY_DATA, .gap_start = (size_t)(data - sc->text),
		       .start = (size_t)(data - sc->text), .end = (size_t)(data_end - sc->text),
		       .unterminated = !closed };
	push_chunk(sc->arena, sc->out, &c);
	if (!sc->hole_start)
		sc->hole_start = data;
	sc->hole_end = resume;
}

/* Whether sending chunk makes the server ask psql for COPY data: it looks
 * like COPY ... FROM STDIN (stmt_words) and it parses as one. A COPY that
 * does not parse fails, and psql runs the lines after it as SQL. (One that
 * fails later, on a missing table, does the same; that cannot be known
 * here, and its rows are taken as data.) */
static bool sends_copy_from_stdin(struct scanner *sc, const ml_chunk *chunk, const struct stmt_words *words)
{
	if (!sc->copy_data || !words->copy_stdin)
		return false;
	size_t len = chunk->end - chunk->start;
	char *copy = ml_arena_alloc(sc->arena, len + 1);
	ml_chunk_copy_text(sc->text, sc->out, chunk->start, chunk->end, copy);
	return ml_copies_from_stdin(copy, len);
}

/* psql's whitespace between a meta-command's arguments: a carriage return
 * is one of them, a newline ends the command's line. */
static bool is_meta_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\n';
}

static bool name_is(const char *name, size_t n, const char *const *names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(names[i]) == n && !memcmp(name, names[i], n))
			return true;
	return false;
}

/* One psql meta-command, read the way psql reads it. */
struct meta {
	const char *name;
	size_t name_len;
	const char *end;          /* end of the command and its arguments */
	const char *next;         /* where scanning goes on: past a "\\" (SQL follows), at the
	                           * next command's backslash, or at the end of the line */
};

/* Reads the meta-command whose backslash is at p, on a line ending at le.
 * Its name runs to a blank or a backslash. Most commands' arguments end at
 * an unquoted backslash, which either starts the next command or, doubled,
 * ends the commands of the line and makes the rest of it SQL. A few take
 * the rest of the line, and so does a shell pipe ("\o |cmd") or an
 * unterminated quote (psql then drops the line). */
static struct meta read_meta(const char *p, const char *le)
{
	static const char *const WHOLE_LINE[] = { "!", "h", "help", "copy", "ef", "ev", "sf", "sf+", "sv", "sv+" };
	static const char *const PIPE_FIRST[] = { "o", "out", "w", "write", "g", "gx" };
	struct meta m = { .name = p + 1, .end = le, .next = le };
	const char *q = p + 1;
	while (q < le && !is_meta_space(*q) && *q != '\\')
		q++;
	m.name_len = (size_t)(q - m.name);
	if (name_is(m.name, m.name_len, WHOLE_LINE, sizeof(WHOLE_LINE) / sizeof(WHOLE_LINE[0])))
		return m;
	/* The argument that may be a pipe: the first, or for \g and \gx the
	 * one after a "(option=value ...)" group. */
	bool pipe_next = name_is(m.name, m.name_len, PIPE_FIRST, sizeof(PIPE_FIRST) / sizeof(PIPE_FIRST[0]));
	bool g_options = m.name[0] == 'g', in_options = false;
	for (;;) {
		while (q < le && is_meta_space(*q))
			q++;
		if (q >= le)
			return m;
		if (*q == '\\') {
			m.end = q;
			m.next = q + 1 < le && q[1] == '\\' ? q + 2 : q;
			return m;
		}
		if (pipe_next && !in_options && *q == '|')
			return m;
		if (pipe_next && g_options && !in_options && *q == '(')
			in_options = true;
		else if (!in_options)
			pipe_next = false;
		while (q < le && !is_meta_space(*q) && *q != '\\') {
			char quote = *q;
			if (quote != '\'' && quote != '"' && quote != '`') {
				q++;
				continue;
			}
			for (q++;; q++) {
				if (q >= le)
					return m; /* unterminated: psql drops the line */
				if (quote == '\'' && *q == '\\') {
					q++;
				} else if (*q == quote) {
					if (quote == '\'' && q + 1 < le && q[1] == '\'')
						q++;
					else
						break;
				}
			}
			q++;
		}
		if (in_options && q[-1] == ')')
			in_options = false; /* the group ends: a pipe may follow */
	}
}

/* psql sends the statement typed so far on these commands; every other
 * backslash command leaves it open and is not part of it. */
static bool meta_command_sends(const struct meta *m)
{
	static const char *const SENDING[] = { "g", "gx", "gset", "gexec", "gdesc", "watch", "crosstabview" };
	return name_is(m->name, m->name_len, SENDING, sizeof(SENDING) / sizeof(SENDING[0]));
}

static void split(ml_arena *arena, const char *text, size_t len, bool keep_bodies, ml_chunk_list *out)
{
	const char *p = text, *end = text + len;
	memset(out, 0, sizeof(*out));
	struct scanner sc = { .arena = arena, .text = text, .end = end, .out = out, .copy_data = keep_bodies };
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
		sc.in_statement = false;

		while (p < end && !ended) {
			if (sc.hole_start && p >= sc.hole_start) {
				if (!started && chunk.has_ignore_comment) {
					/* Directives in front of the data: keep them. */
					ml_chunk gap = { .kind = ML_CHUNK_TRAILER, .gap_start = chunk.gap_start,
							 .start = (size_t)(sc.hole_start - text),
							 .end = (size_t)(sc.hole_start - text), .has_ignore_comment = true };
					push_chunk(arena, out, &gap);
				}
				skip_hole(&sc, &p);
				if (!started)
					chunk = (ml_chunk){ .kind = ML_CHUNK_STATEMENT, .gap_start = (size_t)(p - text) };
				continue;
			}
			unsigned char c = (unsigned char)*p;
			if (isspace(c)) {
				p++;
			} else if (c == '-' && p + 1 < end && p[1] == '-') {
				const char *le = comment_end(p, end);
				if (contains_mark(p, le))
					chunk.has_ignore_comment = true;
				p = le;
			} else if (c == '/' && p + 1 < end && p[1] == '*') {
				bool closed;
				const char *ce = skip_block_comment(&sc, p, &closed);
				if (contains_mark(p, ce))
					chunk.has_ignore_comment = true;
				if (!closed && !started) {
					/* An unterminated comment: let the parser say so. */
					started = true;
					chunk.start = (size_t)(p - text);
				}
				p = ce;
			} else if (c == '\\' && p + 1 < end && (p[1] == ';' || p[1] == ':')) {
				/* psql puts a plain ';' or ':' into the statement, which
				 * it does not send there: the server gets both parts. */
				if (!started) {
					started = true;
					sc.in_statement = true;
					chunk.start = (size_t)(p - text);
				}
				push_blank(arena, out, (size_t)(p - text), (size_t)(p - text) + 1);
				p += 2;
				/* Its words start a statement (psql counts them afresh
				 * for BEGIN ATOMIC); a COPY FROM STDIN before still
				 * reads its data once the whole is sent. */
				if (c == '\\' && p[-1] == ';') {
					bool copy_stdin = words.copy_stdin;
					memset(&words, 0, sizeof(words));
					words.copy_stdin = copy_stdin;
				}
			} else if (c == '\\') {
				struct meta m = read_meta(p, psql_line_end(&sc, p));
				bool sends = meta_command_sends(&m);
				if (started && sends) {
					chunk.end = trim_end(text, chunk.start, (size_t)(p - text));
					push_chunk(arena, out, &chunk);
					started = false;
					sc.in_statement = false;
					if (sends_copy_from_stdin(&sc, &chunk, &words))
						open_copy_data(&sc, p);
				} else if (started) {
					/* The command is not part of the statement around it. */
					push_blank(arena, out, (size_t)(p - text), (size_t)(m.next - text));
				}
				ml_chunk meta = { .kind = ML_CHUNK_META_COMMAND, .gap_start = (size_t)(p - text),
						  .start = (size_t)(p - text) };
				meta.end = trim_end(text, meta.start, (size_t)(m.end - text));
				push_chunk(arena, out, &meta);
				p = m.next;
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
					sc.in_statement = true;
					chunk.start = (size_t)(p - text);
				}
				if (c == '\'') {
					bool escapes = p > text && (p[-1] == 'E' || p[-1] == 'e') &&
						       (p - 1 == text || !is_ident_char((unsigned char)p[-2]));
					p = skip_quoted(&sc, p, '\'', escapes);
				} else if (c == '"') {
					p = skip_quoted(&sc, p, '"', false);
				} else if (c == '$' && (p == text || !is_ident_char((unsigned char)p[-1])) &&
					   dollar_tag_len(p, end)) {
					p = skip_dollar_quoted(&sc, p, dollar_tag_len(p, end));
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
		if (ended && sends_copy_from_stdin(&sc, &chunk, &words))
			open_copy_data(&sc, p - 1);
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
	/* The blanks do not overlap and were found in the order of the text:
	 * a binary search finds the first that reaches into [start, end), so
	 * a file of many commands and statements costs no blanks x chunks. */
	size_t lo = 0, hi = chunks->n_blanks;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (chunks->blanks[mid].end <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < chunks->n_blanks && chunks->blanks[i].start < end; i++) {
		const ml_range *b = &chunks->blanks[i];
		size_t from = b->start > start ? b->start : start, to = b->end < end ? b->end : end;
		memset(dst + (from - start), ' ', to - from);
	}
}
