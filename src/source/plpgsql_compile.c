/*
 * plpgsql_compile.c - hands a PL/pgSQL body to libpg_query's PL/pgSQL
 * compiler and, when the compiler refuses it, finds where.
 *
 * That compiler (Debian 12's libpg_query 15-4.0.0) knows a routine only by
 * the CREATE statement it is given, and less than PostgreSQL does: it never
 * notes OUT parameters, so it rejects the bare RETURN NEXT a set-returning
 * routine with OUT parameters (or RETURNS TABLE) must use; it names the
 * outermost block after the first part of a qualified name (the schema);
 * and it gives parameters no $n names (ALIAS FOR $1, $1 := ...). So it is
 * given a statement of our own: the routine's own name, every parameter
 * named (and also named $n), and the body, in which each bare RETURN NEXT
 * of such a routine has NEXT blanked out. A plain RETURN has the same
 * grammar there and the same length, so lines and columns stay put.
 *
 * What it gives (its JSON, read with cJSON, or where it stopped) goes into
 * the run's cache of bodies, keyed by that statement: the same routine met
 * again is not compiled again.
 *
 * Its errors carry no position (only "near line N", the last statement it
 * finished). The token it stopped at is found by compiling prefixes of the
 * body: one that ends before that token fails only for ending early, one
 * that ends after it fails with the same error.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <pg_query.h>

#include "arena.h"
#include "body_cache.h"
#include "linemap.h"
#include "parse_cache.h"
#include "plpgsql_compile.h"
#include "tree.h"

/* ---- tokens of a PL/pgSQL body ------------------------------------------- */

/* The lexical classes the searches below need. Strings, quoted names and
 * comments are what must never be mistaken for words. */
typedef enum tok_kind {
	TOK_WORD,                 /* keyword or name */
	TOK_QUOTED_NAME,          /* "name" */
	TOK_STRING,               /* '...', E'...', $tag$...$tag$ */
	TOK_NUMBER,
	TOK_PARAM,                /* $1 */
	TOK_OPERATOR,             /* a run of operator characters, :=, ::, .., => */
	TOK_PUNCT,                /* ( ) [ ] , ; : . */
} tok_kind;

typedef struct token {
	tok_kind kind;
	size_t start, end;        /* byte offsets in the body */
} token;

static bool is_word_start(unsigned char c)
{
	return isalpha(c) || c == '_' || c >= 0x80;
}

static bool is_word_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

static bool is_operator_char(char c)
{
	return c && strchr("+-*/<>=~!@#%^&|`?", c) != NULL;
}

/* Past the whitespace and comments at p. A "--" comment ends at a newline
 * or a bare carriage return, as in PostgreSQL's scanner; block comments
 * nest; an unterminated one runs to the end. */
static size_t skip_blank(const char *s, size_t len, size_t p)
{
	for (;;) {
		while (p < len && isspace((unsigned char)s[p]))
			p++;
		if (p + 1 < len && s[p] == '-' && s[p + 1] == '-') {
			while (p < len && s[p] != '\n' && s[p] != '\r')
				p++;
			continue;
		}
		if (p + 1 < len && s[p] == '/' && s[p + 1] == '*') {
			int depth = 0;
			while (p < len) {
				if (p + 1 < len && s[p] == '/' && s[p + 1] == '*') {
					depth++;
					p += 2;
				} else if (p + 1 < len && s[p] == '*' && s[p + 1] == '/') {
					p += 2;
					if (--depth == 0)
						break;
				} else {
					p++;
				}
			}
			continue;
		}
		return p;
	}
}

/* The end of the quoted text opened at p (a ' or "), past its closing
 * quote; a doubled quote stays inside, and so does a backslash escape when
 * backslashes is set (E'...'). Unterminated: len. */
static size_t quoted_end(const char *s, size_t len, size_t p, bool backslashes)
{
	char quote = s[p++];
	while (p < len) {
		if (backslashes && s[p] == '\\' && p + 1 < len) {
			p += 2;
		} else if (s[p] == quote) {
			if (p + 1 < len && s[p + 1] == quote)
				p += 2;
			else
				return p + 1;
		} else {
			p++;
		}
	}
	return len;
}

/* When a dollar quote opens at p ($$ or $tag$), the end of the string it
 * starts (len when unterminated), else 0. */
static size_t dollar_quote_end(const char *s, size_t len, size_t p)
{
	size_t q = p + 1;
	if (q < len && is_word_start((unsigned char)s[q]))
		while (q < len && s[q] != '$' && is_word_char((unsigned char)s[q]))
			q++;
	if (q >= len || s[q] != '$')
		return 0;
	size_t tag_len = q + 1 - p;
	const char *close = memmem(s + q + 1, len - (q + 1), s + p, tag_len);
	return close ? (size_t)(close - s) + tag_len : len;
}

/* Reads the token at or after *pos into *t and moves *pos past it. Returns
 * false at the end of the body. */
static bool next_token(const char *s, size_t len, size_t *pos, token *t)
{
	size_t p = skip_blank(s, len, *pos);
	if (p >= len) {
		*pos = len;
		return false;
	}
	t->start = p;
	unsigned char c = (unsigned char)s[p];
	if (c == '\'') {
		t->kind = TOK_STRING;
		p = quoted_end(s, len, p, false);
	} else if (c == '"') {
		t->kind = TOK_QUOTED_NAME;
		p = quoted_end(s, len, p, false);
	} else if (c == '$' && p + 1 < len && isdigit((unsigned char)s[p + 1])) {
		t->kind = TOK_PARAM;
		p++;
		while (p < len && isdigit((unsigned char)s[p]))
			p++;
	} else if (c == '$' && dollar_quote_end(s, len, p)) {
		t->kind = TOK_STRING;
		p = dollar_quote_end(s, len, p);
	} else if (is_word_start(c)) {
		while (p < len && is_word_char((unsigned char)s[p]))
			p++;
		t->kind = TOK_WORD;
		/* E'...', B'...', X'...', N'...': one string token. */
		if (p == t->start + 1 && p < len && s[p] == '\'' && strchr("eEbBxXnN", c)) {
			t->kind = TOK_STRING;
			p = quoted_end(s, len, p, c == 'e' || c == 'E');
		}
	} else if (isdigit(c) || (c == '.' && p + 1 < len && isdigit((unsigned char)s[p + 1]))) {
		t->kind = TOK_NUMBER;
		while (p < len && isdigit((unsigned char)s[p]))
			p++;
		/* 1..10 is a range, not the number "1." */
		if (p < len && s[p] == '.' && !(p + 1 < len && s[p + 1] == '.')) {
			p++;
			while (p < len && isdigit((unsigned char)s[p]))
				p++;
		}
		if (p + 1 < len && (s[p] == 'e' || s[p] == 'E') &&
		    (isdigit((unsigned char)s[p + 1]) ||
		     ((s[p + 1] == '+' || s[p + 1] == '-') && p + 2 < len && isdigit((unsigned char)s[p + 2])))) {
			p += 2;
			while (p < len && isdigit((unsigned char)s[p]))
				p++;
		}
		/* Trailing junk (1_000, 12abc) is part of the token it spoils. */
		while (p < len && is_word_char((unsigned char)s[p]))
			p++;
	} else if (p + 1 < len && ((c == ':' && (s[p + 1] == '=' || s[p + 1] == ':')) ||
				   (c == '.' && s[p + 1] == '.') || (c == '=' && s[p + 1] == '>'))) {
		t->kind = TOK_OPERATOR;
		p += 2;
	} else if (is_operator_char((char)c)) {
		t->kind = TOK_OPERATOR;
		p++;
		while (p < len && is_operator_char(s[p]) &&
		       !(p + 1 < len && ((s[p] == '-' && s[p + 1] == '-') || (s[p] == '/' && s[p + 1] == '*'))))
			p++;
	} else {
		t->kind = TOK_PUNCT;
		p += ml_utf8_sequence_length(s + p, len - p) ? ml_utf8_sequence_length(s + p, len - p) : 1;
	}
	t->end = p;
	*pos = p;
	return true;
}

static bool token_is(const char *body, const token *t, const char *word)
{
	size_t n = strlen(word);
	return t->end - t->start == n && !strncasecmp(body + t->start, word, n);
}

/* ---- the statement libpg_query is given ---------------------------------- */

/* Blanks NEXT in each bare "RETURN NEXT;" of body (len bytes, in place). */
static void blank_bare_return_next(char *body, size_t len)
{
	token before_last = { .kind = TOK_PUNCT }, last = { .kind = TOK_PUNCT }, t;
	size_t pos = 0;
	while (next_token(body, len, &pos, &t)) {
		if (t.kind == TOK_PUNCT && body[t.start] == ';' && last.kind == TOK_WORD &&
		    before_last.kind == TOK_WORD && token_is(body, &last, "next") && token_is(body, &before_last, "return"))
			memset(body + last.start, ' ', last.end - last.start);
		before_last = last;
		last = t;
	}
}

static void add_quoted_name(ml_strbuf *b, const char *name)
{
	ml_strbuf_str(b, "\"");
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			ml_strbuf_str(b, "\"\"");
		else
			ml_strbuf_add(b, p, 1);
	}
	ml_strbuf_str(b, "\"");
}

/* A dollar-quote tag that does not occur in body: $mlN$ with N above every
 * number of a $ml<digits>$ in it, found in one pass over the body (trying
 * $ml0$, $ml1$... in turn was quadratic in the number of such tags). A
 * number too long to count in 64 bits gets a longer one: 1 and as many
 * zeros as its digits. */
static const char *free_tag(ml_arena *arena, const char *body)
{
	enum { COUNTABLE_DIGITS = 18 };
	unsigned long long next = 0;
	size_t longest = 0;
	for (const char *p = strstr(body, "$ml"); p; p = strstr(p + 1, "$ml")) {
		const char *d = p + 3;
		size_t n = 0;
		unsigned long long value = 0;
		while (isdigit((unsigned char)d[n])) {
			if (n < COUNTABLE_DIGITS)
				value = value * 10 + (unsigned)(d[n] - '0');
			n++;
		}
		if (n == 0 || d[n] != '$')
			continue;
		if (n > longest)
			longest = n;
		if (n <= COUNTABLE_DIGITS && value + 1 > next)
			next = value + 1;
	}
	if (longest <= COUNTABLE_DIGITS)
		return ml_arena_printf(arena, "$ml%llu$", next);
	ml_strbuf tag = { .arena = arena };
	ml_strbuf_str(&tag, "$ml1");
	for (size_t i = 0; i < longest; i++)
		ml_strbuf_str(&tag, "0");
	ml_strbuf_str(&tag, "$");
	return tag.data;
}

/* What the compiler is told about the routine; the body itself is added
 * per compilation. */
typedef struct routine {
	const char *head;         /* the statement up to its body's opening quote */
	const char *tag;          /* the dollar quote around the body */
	bool blank_return_next;   /* set-returning with output parameters */
	/* The statement compiled: head, then a prefix of the body and tag.
	 * One buffer, big enough for the whole body, that every prefix
	 * reuses: keeping each prefix took memory in proportion to the
	 * body's size times the number of compilations. */
	char *source;
	size_t head_len, tag_len;
} routine;

static bool is_output_mode(PgQuery__FunctionParameterMode mode)
{
	return mode == PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_OUT ||
	       mode == PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_INOUT ||
	       mode == PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_TABLE;
}

static void describe_routine(ml_arena *arena, const PgQuery__Node *stmt, const char *body, routine *r)
{
	r->tag = free_tag(arena, body);
	r->blank_return_next = false;
	if (stmt->node_case != PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT) {
		r->head = ml_arena_printf(arena, "DO LANGUAGE plpgsql %s", r->tag);
		return;
	}
	const PgQuery__CreateFunctionStmt *fs = stmt->create_function_stmt;
	ml_strbuf b = { .arena = arena };
	ml_strbuf_str(&b, fs->is_procedure ? "CREATE PROCEDURE " : "CREATE FUNCTION ");
	add_quoted_name(&b, ml_last_name(fs->funcname, fs->n_funcname));
	ml_strbuf_str(&b, "(");
	/* Parameter types do not matter to the compiler; its variables have
	 * no type. Each parameter is also $n, as in PostgreSQL. */
	ml_strbuf columns = { .arena = arena };
	bool outputs = false, first = true;
	for (size_t i = 0; i < fs->n_parameters; i++) {
		const PgQuery__Node *n = fs->parameters[i];
		if (!n || n->node_case != PG_QUERY__NODE__NODE_FUNCTION_PARAMETER)
			continue;
		const PgQuery__FunctionParameter *p = n->function_parameter;
		outputs |= is_output_mode(p->mode);
		char position[24];
		snprintf(position, sizeof(position), "$%zu", i + 1);
		bool named = p->name && p->name[0];
		if (p->mode == PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_TABLE) {
			ml_strbuf_str(&columns, columns.len ? ", " : "");
			add_quoted_name(&columns, named ? p->name : position);
			ml_strbuf_str(&columns, " int");
		} else {
			ml_strbuf_str(&b, first ? "" : ", ");
			first = false;
			if (p->mode == PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_OUT)
				ml_strbuf_str(&b, "OUT ");
			else if (p->mode == PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_INOUT)
				ml_strbuf_str(&b, "INOUT ");
			add_quoted_name(&b, named ? p->name : position);
			ml_strbuf_str(&b, " int");
		}
		if (named) {
			ml_strbuf_str(&b, first ? "" : ", ");
			first = false;
			add_quoted_name(&b, position);
			ml_strbuf_str(&b, " int");
		}
	}
	ml_strbuf_str(&b, ")");
	const PgQuery__TypeName *ret = fs->return_type;
	bool setof = ret && ret->setof;
	if (columns.len) {
		ml_strbuf_str(&b, " RETURNS TABLE(");
		ml_strbuf_str(&b, columns.data);
		ml_strbuf_str(&b, ")");
		setof = true;
	} else if (ret) {
		/* The compiler looks at the result type only for SETOF and for
		 * "trigger" (then NEW and OLD exist). */
		bool trigger = false;
		for (size_t i = 0; i < ret->n_names; i++)
			if (ret->names[i]->node_case == PG_QUERY__NODE__NODE_STRING &&
			    !strcmp(ret->names[i]->string->sval, "trigger"))
				trigger = true;
		ml_strbuf_str(&b, setof ? " RETURNS SETOF " : " RETURNS ");
		ml_strbuf_str(&b, trigger ? "trigger" : "int");
	}
	ml_strbuf_str(&b, " LANGUAGE plpgsql AS ");
	ml_strbuf_str(&b, r->tag);
	r->head = b.data;
	r->blank_return_next = setof && outputs;
}

/* Makes r's source buffer, in arena, for bodies of up to max_len bytes. */
static void prepare_source(ml_arena *arena, routine *r, size_t max_len)
{
	r->head_len = strlen(r->head);
	r->tag_len = strlen(r->tag);
	r->source = ml_arena_alloc(arena, r->head_len + max_len + r->tag_len + 1);
	memcpy(r->source, r->head, r->head_len);
}

/* Compiles the first len bytes of body (len at most the max_len r's
 * source was prepared for) as the routine's body. */
static PgQueryPlpgsqlParseResult compile_prefix(const routine *r, const char *body, size_t len)
{
	memcpy(r->source + r->head_len, body, len);
	memcpy(r->source + r->head_len + len, r->tag, r->tag_len + 1);
	return pg_query_parse_plpgsql(r->source);
}

/* ---- where the compiler stopped ------------------------------------------ */

static bool same_text(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* Did compiling a prefix fail the way the whole body did? */
static bool same_error(const PgQueryError *a, const PgQueryError *b)
{
	return a && b && a->lineno == b->lineno && same_text(a->message, b->message) &&
	       same_text(a->funcname, b->funcname) && same_text(a->filename, b->filename);
}

/* The token of a message "... at or near "TOKEN"" (which may itself hold
 * quotes), in arena, or NULL. */
static const char *near_token(ml_arena *arena, const char *message)
{
	static const char MARK[] = " at or near \"";
	const char *open = strstr(message, MARK);
	const char *close = strrchr(message, '"');
	if (!open || close <= open + sizeof(MARK) - 1)
		return NULL;
	open += sizeof(MARK) - 1;
	return ml_arena_strndup(arena, open, (size_t)(close - open));
}

/* The first name a message quotes ("x" is not a known variable; variable
 * "c" must be ...), without a field ("r.f": r), in arena, or NULL. */
static const char *quoted_name(ml_arena *arena, const char *message)
{
	const char *open = strchr(message, '"');
	const char *close = open ? strchr(open + 1, '"') : NULL;
	if (!close || close == open + 1)
		return NULL;
	size_t n = (size_t)(close - open - 1);
	const char *dot = memchr(open + 1, '.', n);
	return ml_arena_strndup(arena, open + 1, dot ? (size_t)(dot - open - 1) : n);
}

/* Where in the statement that ends with the ';' token stop the SQL parser
 * stopped: PL/pgSQL hands each SQL statement to it alone. The statement
 * starts at one of the tokens after the previous ';'; the first start
 * from which the parser fails the same way gives the position. Returns
 * false when none does (an assignment or condition, not a statement). */
static bool locate_in_sql(ml_arena *arena, const char *body, const token *toks, size_t from, size_t stop,
			  const char *message, size_t *at)
{
	if (from >= stop)
		return false;
	/* One buffer for every start: the statement may be long. */
	char *sql = ml_arena_alloc(arena, toks[stop].start - toks[from].start + 1);
	size_t tries = 0;
	for (size_t s = from; s < stop && tries < 64; s++, tries++) {
		size_t n = toks[stop].start - toks[s].start;
		memcpy(sql, body + toks[s].start, n);
		sql[n] = '\0';
		PgQueryParseResult r = pg_query_parse(sql);
		bool same = r.error && r.error->cursorpos > 0 && !strcmp(r.error->message, message);
		if (same)
			*at = toks[s].start + ml_utf8_char_to_byte(sql, strlen(sql), r.error->cursorpos);
		pg_query_free_parse_result(r);
		if (same)
			return true;
	}
	return false;
}

/* Finds the token the compiler stopped at, given the tokens of body and
 * the error compiling all of it. */
static void locate_error(ml_arena *arena, const routine *r, const char *body, const token *toks, size_t n,
			 const PgQueryError *error, ml_body_outcome *out)
{
	if (n == 0)
		return;
	/* The smallest prefix, in whole tokens, failing the same way. The
	 * whole body does (what follows its last token is blank); no prefix
	 * ending before the line the compiler names does, since it had
	 * finished a statement there. The error is most often close after
	 * it: look there first, in growing steps, then halve. */
	size_t line_start = 0;
	for (int line = 1; line < out->near_line; line++) {
		const char *nl = strchr(body + line_start, '\n');
		if (!nl)
			break;
		line_start = (size_t)(nl - body) + 1;
	}
	size_t lo = 0, hi = n - 1;
	while (lo < hi && toks[lo].end <= line_start)
		lo++;
	for (size_t step = 1; lo + step - 1 < hi; step *= 2) {
		size_t probe = lo + step - 1;
		PgQueryPlpgsqlParseResult p = compile_prefix(r, body, toks[probe].end);
		bool same = same_error(p.error, error);
		pg_query_free_plpgsql_parse_result(p);
		if (same) {
			hi = probe;
			break;
		}
		lo = probe + 1;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		PgQueryPlpgsqlParseResult p = compile_prefix(r, body, toks[mid].end);
		if (same_error(p.error, error))
			hi = mid;
		else
			lo = mid + 1;
		pg_query_free_plpgsql_parse_result(p);
	}
	size_t stop = lo;
	/* The statement it stopped in begins after the ';' before it. */
	size_t from = stop;
	while (from > 0 && !(toks[from - 1].kind == TOK_PUNCT && body[toks[from - 1].start] == ';'))
		from--;
	const token *hit = &toks[stop];
	const char *near = near_token(arena, error->message);
	const char *name = near ? NULL : quoted_name(arena, error->message);
	bool at_semicolon = hit->kind == TOK_PUNCT && body[hit->start] == ';';
	size_t at;
	if (near && at_semicolon && strcmp(near, ";") != 0 &&
	    locate_in_sql(arena, body, toks, from, stop, error->message, &at)) {
		/* The SQL parser stopped inside the statement; its token. */
		size_t end = at;
		while (end < toks[stop].start && !isspace((unsigned char)body[end]) && body[end] != ';')
			end++;
		out->error_start = at;
		out->error_end = end > at ? end : at + 1;
		out->located = true;
		return;
	}
	/* The token named in the message, nearest before where it stopped. */
	const char *wanted = near ? near : name;
	if (!wanted) {
		/* A message about the statement (RETURN NEXT in a function
		 * that returns no set, RAISE with too many parameters): its
		 * first token, after the words that open a list of them. */
		static const char *const OPENERS[] = { "begin", "loop", "then", "else", "declare", "exception", ">>" };
		size_t first = from;
		for (size_t i = from; i < stop; i++)
			for (size_t k = 0; k < sizeof(OPENERS) / sizeof(OPENERS[0]); k++)
				if (token_is(body, &toks[i], OPENERS[k]))
					first = i + 1;
		hit = &toks[first];
	} else {
		for (size_t i = stop + 1; i-- > from;) {
			size_t len = toks[i].end - toks[i].start;
			if (len == strlen(wanted) && !strncasecmp(body + toks[i].start, wanted, len)) {
				hit = &toks[i];
				break;
			}
		}
	}
	out->error_start = hit->start;
	out->error_end = hit->end;
	out->located = true;
}

/* The JSON libpg_query's compiler gives for source, parsed, into *out;
 * or, when it refuses the body, where and why. */
static void compile(ml_arena *arena, routine *r, const char *text, size_t len, ml_body_outcome *out)
{
	/* A body compiled before in this process (a language server linting
	 * after an edit) comes from the parse cache when it is on. */
	size_t cached_len;
	char *cached = (char *)ml_parse_cache_get(ML_CACHE_PLPGSQL, r->source, &cached_len);
	if (cached && cached_len && !cached[cached_len - 1]) {
		out->tree = cJSON_ParseWithLength(cached, cached_len - 1);
		free(cached);
		return;
	}
	free(cached);
	PgQueryPlpgsqlParseResult result = compile_prefix(r, text, len);
	const PgQueryError *error = result.error;
	if (!error) {
		if (result.plpgsql_funcs) {
			size_t json_len = strlen(result.plpgsql_funcs);
			ml_parse_cache_put(ML_CACHE_PLPGSQL, r->source, (const uint8_t *)result.plpgsql_funcs, json_len + 1);
			out->tree = cJSON_ParseWithLength(result.plpgsql_funcs, json_len);
		}
		pg_query_free_plpgsql_parse_result(result);
		return;
	}
	out->failed = true;
	out->message = ml_arena_strdup(arena, error->message ? error->message : "the body cannot be compiled");
	const char *near_line = error->context ? strstr(error->context, " near line ") : NULL;
	if (near_line)
		out->near_line = atoi(near_line + strlen(" near line "));
	size_t n = 0, cap = 0, pos = 0;
	token *toks = NULL, t;
	while (next_token(text, len, &pos, &t)) {
		if (n == cap) {
			size_t grown = cap ? cap * 2 : 256;
			toks = ml_arena_grow(arena, toks, cap * sizeof(*toks), grown * sizeof(*toks));
			cap = grown;
		}
		toks[n++] = t;
	}
	if (error->message)
		locate_error(arena, r, text, toks, n, error, out);
	pg_query_free_plpgsql_parse_result(result);
}

const ml_body_outcome *ml_plpgsql_compile(ml_arena *arena, ml_body_cache *cache, const PgQuery__Node *stmt,
					  const char *body, ml_body_outcome *own)
{
	memset(own, 0, sizeof(*own));
	/* Prefixes and tokens are scratch: a long body is compiled many times. */
	ml_arena *scratch = ml_arena_new();
	size_t len = strlen(body);
	routine r;
	describe_routine(scratch, stmt, body, &r);
	char *text = ml_arena_strndup(scratch, body, len);
	if (r.blank_return_next)
		blank_bare_return_next(text, len);
	prepare_source(scratch, &r, len);
	/* The whole statement the compiler is given is the key: the same
	 * body in another routine may compile otherwise. */
	memcpy(r.source + r.head_len, text, len);
	memcpy(r.source + r.head_len + len, r.tag, r.tag_len + 1);
	const ml_body_outcome *kept = cache ? ml_body_cache_get_body(cache, r.source) : NULL;
	if (kept) {
		ml_arena_free(scratch);
		return kept;
	}
	/* Finding where a body that does not compile stops reuses the
	 * source buffer for prefixes: the key is kept apart. */
	const char *key = cache ? ml_arena_strdup(scratch, r.source) : NULL;
	compile(scratch, &r, text, len, own);
	own->message = ml_arena_strdup(arena, own->message);
	kept = cache ? ml_body_cache_put_body(cache, key, own) : NULL;
	ml_arena_free(scratch);
	if (kept) {
		memset(own, 0, sizeof(*own));
		return kept;
	}
	return own;
}
