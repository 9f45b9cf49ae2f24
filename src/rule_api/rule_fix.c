/*
 * rule_fix.c - the mechanical fixes of rule_fix.h: a fix built as edits
 * of the file and reported with its finding, and the places rules put
 * them, read from the statement's tokens (PostgreSQL's own scanner, so
 * that comments, strings and quoted names are never mistaken for the
 * words around them) and from the file's text around the statement.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "catalog.h"
#include "findings.h"
#include "rule.h"
#include "rule_alter.h"
#include "rule_fix.h"
#include "rule_report.h"
#include "sql_tokens.h"

/* ---- the statement's tokens --------------------------------------------- */

/* The tokens of the statement last asked about, kept in the file's arena:
 * the rules reporting one statement ask for them again and again. */
struct stmt_tokens {
	size_t base, end;         /* the statement's text: [base, end) of the file */
	ml_token *tokens;         /* room for cap: reused from statement to statement */
	size_t n, cap;
	bool ok;
};

static const char stmt_tokens_key = 0;

const ml_token *ml_stmt_tokens(const ml_stmt_ctx *ctx, size_t *n)
{
	*n = 0;
	const ml_stmt_span *span = &ctx->span;
	if (!span->exact || !span->text || span->end < span->loc_base || !ctx->arena)
		return NULL;
	void **slot = ml_arena_slot(ctx->arena, &stmt_tokens_key);
	struct stmt_tokens *c = *slot;
	if (!c || c->base != span->loc_base || c->end != span->end) {
		if (!c) {
			c = ml_arena_alloc(ctx->arena, sizeof(*c));
			*slot = c;
		}
		c->base = span->loc_base;
		c->end = span->end;
		size_t count = 0;
		/* From the statement's own start: the text its locations index
		 * may hold the statements before it. The tokens are copied into
		 * the file's arena; the scan's own memory goes at once. */
		size_t from = span->start >= span->loc_base && span->start <= span->end ? span->start : span->loc_base;
		ml_arena *scratch = ml_arena_new();
		const ml_sql_token *t = scratch ? ml_sql_tokens(scratch, span->text + from, span->end - from, &count) : NULL;
		c->ok = t != NULL;
		c->n = t ? count : 0;
		/* The last statement's room is reused: the file's arena holds
		 * one statement's tokens at a time, not every statement's. */
		if (c->n + 1 > c->cap) {
			size_t cap = c->cap ? c->cap : 64;
			while (cap < c->n + 1)
				cap *= 2;
			c->tokens = ml_arena_alloc(ctx->arena, cap * sizeof(*c->tokens));
			c->cap = cap;
		}
		size_t shift = from - span->loc_base;
		for (size_t i = 0; i < c->n; i++)
			c->tokens[i] = (ml_token){ .start = t[i].start + shift, .end = t[i].end + shift,
						   .token = t[i].token, .keyword_kind = t[i].keyword_kind };
		ml_arena_free(scratch);
	}
	if (!c->ok)
		return NULL;
	*n = c->n;
	return c->tokens;
}

static const char *stmt_text(const ml_stmt_ctx *ctx)
{
	return ctx->span.text + ctx->span.loc_base;
}

bool ml_token_is(const ml_stmt_ctx *ctx, const ml_token *t, const char *word)
{
	size_t n = strlen(word);
	return t->end - t->start == n && strncasecmp(stmt_text(ctx) + t->start, word, n) == 0 &&
	       stmt_text(ctx)[t->start] != '"';
}

size_t ml_token_at(const ml_stmt_ctx *ctx, size_t at)
{
	size_t n;
	const ml_token *t = ml_stmt_tokens(ctx, &n);
	/* Tokens are in order: a binary search. */
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t[mid].start < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && t[lo].start == at ? lo : (size_t)-1;
}

size_t ml_stmt_word_end(const ml_stmt_ctx *ctx, size_t from, const char *word)
{
	size_t n;
	const ml_token *t = ml_stmt_tokens(ctx, &n);
	for (size_t i = 0; i < n; i++)
		if (t[i].start >= from && ml_token_is(ctx, &t[i], word))
			return t[i].end;
	return (size_t)-1;
}

static bool is_char(const ml_stmt_ctx *ctx, const ml_token *t, char c)
{
	return t->end == t->start + 1 && stmt_text(ctx)[t->start] == c;
}

/* A name: an identifier or a keyword (most keywords may be names). */
static bool is_name(const ml_token *t)
{
	return t->token == PG_QUERY__TOKEN__IDENT || t->keyword_kind != PG_QUERY__KEYWORD_KIND__NO_KEYWORD;
}

/* The index past a qualified name starting at token i: name ('.' name)*. */
static size_t name_end(const ml_stmt_ctx *ctx, const ml_token *t, size_t n, size_t i)
{
	if (i >= n || !is_name(&t[i]))
		return i;
	i++;
	while (i + 1 < n && is_char(ctx, &t[i], '.') && is_name(&t[i + 1]) && t[i].start == t[i - 1].end &&
	       t[i + 1].start == t[i].end)
		i += 2;
	return i;
}

const char *ml_relation_text(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel)
{
	if (!rel || rel->location < 0)
		return NULL;
	size_t n;
	const ml_token *t = ml_stmt_tokens(ctx, &n);
	size_t i = ml_token_at(ctx, (size_t)rel->location);
	if (!t || i == (size_t)-1)
		return NULL;
	size_t end = name_end(ctx, t, n, i);
	if (end == i)
		return NULL;
	return ml_arena_strndup(ctx->arena, stmt_text(ctx) + t[i].start, t[end - 1].end - t[i].start);
}

bool ml_alter_cmd_tokens(const ml_stmt_ctx *ctx, const PgQuery__AlterTableStmt *as, size_t i, size_t *first,
			 size_t *last)
{
	size_t n;
	const ml_token *t = ml_stmt_tokens(ctx, &n);
	size_t at = as && as->relation && as->relation->location >= 0 ? ml_token_at(ctx, (size_t)as->relation->location)
								     : (size_t)-1;
	if (!t || at == (size_t)-1 || i >= as->n_cmds)
		return false;
	size_t k = name_end(ctx, t, n, at);
	size_t cmd = 0, start = k;
	int depth = 0;
	for (; k <= n; k++) {
		bool end = k == n || (depth == 0 && is_char(ctx, &t[k], ','));
		if (!end) {
			if (is_char(ctx, &t[k], '(') || is_char(ctx, &t[k], '['))
				depth++;
			else if ((is_char(ctx, &t[k], ')') || is_char(ctx, &t[k], ']')) && depth > 0)
				depth--;
			continue;
		}
		if (cmd == i) {
			*first = start;
			*last = k;
		}
		cmd++;
		start = k + 1;
	}
	return cmd == as->n_cmds && *last > *first;
}

/* ---- types ---------------------------------------------------------------- */

/* The token's word, lower-cased unless quoted (then its text unquoted). */
static const char *token_word(const ml_stmt_ctx *ctx, const ml_token *t)
{
	const char *s = stmt_text(ctx) + t->start;
	size_t len = t->end - t->start;
	if (len >= 2 && s[0] == '"') {
		ml_strbuf b = { .arena = ctx->arena };
		ml_strbuf_str(&b, "");
		for (size_t i = 1; i + 1 < len; i++) {
			ml_strbuf_add(&b, s + i, 1);
			if (s[i] == '"')
				i++;
		}
		return b.data;
	}
	char *w = ml_arena_strndup(ctx->arena, s, len);
	for (char *p = w; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return w;
}

static bool word_in(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(w, *list))
			return true;
	return false;
}

bool ml_type_span_of(const ml_stmt_ctx *ctx, const PgQuery__TypeName *type, ml_type_span *out)
{
	size_t n;
	const ml_token *t = ml_stmt_tokens(ctx, &n);
	size_t i = type && type->location >= 0 ? ml_token_at(ctx, (size_t)type->location) : (size_t)-1;
	if (!t || i == (size_t)-1 || !is_name(&t[i]) || ml_token_is(ctx, &t[i], "setof"))
		return false;
	*out = (ml_type_span){ .start = t[i].start };
	size_t k = name_end(ctx, t, n, i);
	out->qualified = k > i + 1;
	size_t first = k - 1; /* the last name */
	out->last_name = t[first].start;
	ml_strbuf words = { .arena = ctx->arena };
	ml_strbuf_str(&words, token_word(ctx, &t[first]));
	if (!out->qualified) {
		/* The SQL types of several words (PostgreSQL's grammar):
		 * NATIONAL CHAR[ACTER], CHAR[ACTER] VARYING, DOUBLE PRECISION,
		 * BIT VARYING. */
		static const char *const CHARS[] = { "character", "char", "nchar", NULL };
		const char *w = words.data;
		if (!strcmp(w, "national") && k < n && (ml_token_is(ctx, &t[k], "character") || ml_token_is(ctx, &t[k], "char"))) {
			ml_strbuf_str(&words, " ");
			ml_strbuf_str(&words, token_word(ctx, &t[k++]));
			w = "char";
		}
		if ((word_in(w, CHARS) || !strcmp(w, "bit")) && k < n && ml_token_is(ctx, &t[k], "varying")) {
			ml_strbuf_str(&words, " varying");
			k++;
		} else if (!strcmp(w, "double") && k < n && ml_token_is(ctx, &t[k], "precision")) {
			ml_strbuf_str(&words, " precision");
			k++;
		}
	}
	size_t end = t[k - 1].end;
	out->mods_start = out->mods_end = end;
	if (k < n && is_char(ctx, &t[k], '(')) {
		int depth = 0;
		size_t m = k;
		for (; m < n; m++) {
			if (is_char(ctx, &t[m], '('))
				depth++;
			else if (is_char(ctx, &t[m], ')') && --depth == 0)
				break;
		}
		if (m == n)
			return false;
		out->mods_start = t[k].start;
		out->mods_end = end = t[m].end;
		k = m + 1;
	}
	/* TIMESTAMP and TIME take WITH or WITHOUT TIME ZONE after them. */
	const char *name = token_word(ctx, &t[first]);
	if (!out->qualified && (!strcmp(name, "timestamp") || !strcmp(name, "time")) && k + 2 < n &&
	    (ml_token_is(ctx, &t[k], "with") || ml_token_is(ctx, &t[k], "without")) &&
	    ml_token_is(ctx, &t[k + 1], "time") && ml_token_is(ctx, &t[k + 2], "zone")) {
		ml_strbuf_str(&words, ml_token_is(ctx, &t[k], "with") ? " with time zone" : " without time zone");
		end = t[k + 2].end;
		k += 3;
	}
	out->end = end;
	out->array = k < n && (is_char(ctx, &t[k], '[') || ml_token_is(ctx, &t[k], "array"));
	out->words = words.data;
	return true;
}

bool ml_type_written_as(const ml_type_span *span, const char *const *words)
{
	return span->words && word_in(span->words, words);
}

/* ---- names ---------------------------------------------------------------- */

const char *ml_quote_ident(const ml_stmt_ctx *ctx, const char *name)
{
	bool plain = (name[0] >= 'a' && name[0] <= 'z') || name[0] == '_';
	for (const char *p = name; plain && *p; p++)
		plain = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '$';
	if (plain) {
		/* A keyword other than an unreserved one must be quoted
		 * (quote_identifier does the same). */
		ml_arena *scratch = ml_arena_new();
		size_t n = 0;
		const ml_sql_token *t = scratch ? ml_sql_tokens(scratch, name, strlen(name), &n) : NULL;
		plain = t && n == 1 && (t[0].keyword_kind == PG_QUERY__KEYWORD_KIND__NO_KEYWORD ||
					t[0].keyword_kind == PG_QUERY__KEYWORD_KIND__UNRESERVED_KEYWORD);
		ml_arena_free(scratch);
	}
	if (plain)
		return ml_arena_strdup(ctx->arena, name);
	ml_strbuf b = { .arena = ctx->arena };
	ml_strbuf_str(&b, "\"");
	for (const char *p = name; *p; p++)
		ml_strbuf_add(&b, *p == '"' ? "\"\"" : p, *p == '"' ? 2 : 1);
	ml_strbuf_str(&b, "\"");
	return b.data;
}

const char *ml_added_constraint_name(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel,
				     const PgQuery__Constraint *con)
{
	if (!rel || !con)
		return NULL;
	return ml_catalog_added_constraint_name(ctx->catalog, ctx->arena, rel->schemaname, rel->relname, con);
}

const char *ml_fix_constraint_name(const ml_stmt_ctx *ctx, const PgQuery__RangeVar *rel, const char *column,
				   const char *label)
{
	return ml_catalog_free_constraint_name(ctx->catalog, ctx->arena, rel->schemaname, rel->relname, column, label);
}

/* ---- the rest of the file ------------------------------------------------- */

#define LOOK_AHEAD (64 * 1024)

static bool word_byte(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

/* Does phrase match text at at (whole words, blanks between them)? */
static bool phrase_at(const char *text, size_t at, const char *phrase)
{
	if (at > 0 && word_byte(text[at - 1]))
		return false;
	const char *p = phrase;
	size_t i = at;
	while (*p) {
		if (*p == ' ') {
			if (!isspace((unsigned char)text[i]))
				return false;
			while (isspace((unsigned char)text[i]))
				i++;
			p++;
			continue;
		}
		if (tolower((unsigned char)text[i]) != tolower((unsigned char)*p))
			return false;
		i++;
		p++;
	}
	return !word_byte(text[i]);
}

/* The first match of one of phrases at or after at, before limit (text
 * ends first at a NUL); limit when none: *end set when the text ended. */
static size_t next_mention(const char *text, size_t at, size_t limit, const char *const *phrases, size_t n,
			   bool *end)
{
	/* The bytes a phrase can start with, in either case: most bytes of
	 * the text are passed over with one look at this table. */
	bool starts[256] = { false };
	for (size_t k = 0; k < n; k++) {
		unsigned char c = (unsigned char)phrases[k][0];
		starts[tolower(c)] = starts[toupper(c)] = true;
	}
	*end = false;
	for (; at < limit; at++) {
		if (!text[at]) {
			*end = true;
			return at;
		}
		if (!starts[(unsigned char)text[at]])
			continue;
		for (size_t k = 0; k < n; k++)
			if (phrase_at(text, at, phrases[k]))
				return at;
	}
	return limit;
}

/* Are phrases those of memo, in order? By their text: a caller's array may
 * be built anew for each statement. */
static bool same_phrases(const ml_mention_memo *memo, const char *const *phrases, size_t n)
{
	if (!memo->phrases)
		return false;
	size_t at = 0;
	for (size_t k = 0; k < n; k++) {
		size_t len = strlen(phrases[k]) + 1;
		if (at + len > memo->phrases_len || memcmp(memo->phrases + at, phrases[k], len) != 0)
			return false;
		at += len;
	}
	return at == memo->phrases_len;
}

static ml_mention_memo *memo_for(const ml_stmt_ctx *ctx, const char *const *phrases, size_t n)
{
	ml_text_mentions *m = ctx->mentions;
	if (!m || !ctx->arena)
		return NULL;
	m->clock++;
	/* A rule's fixed list is asked for statement after statement; a
	 * column's name once or twice. The least asked goes, so that names
	 * replace names, and of those the least recent. */
	ml_mention_memo *slot = &m->memo[0];
	for (unsigned i = 0; i < ML_MENTION_MEMOS; i++) {
		ml_mention_memo *e = &m->memo[i];
		if (same_phrases(e, phrases, n)) {
			e->used = m->clock;
			e->hits++;
			return e;
		}
		if (e->hits < slot->hits || (e->hits == slot->hits && e->used < slot->used))
			slot = e;
	}
	size_t len = 0;
	for (size_t k = 0; k < n; k++)
		len += strlen(phrases[k]) + 1;
	char *copy = ml_arena_alloc(ctx->arena, len ? len : 1);
	if (!copy)
		return NULL;
	size_t at = 0;
	for (size_t k = 0; k < n; k++) {
		size_t one = strlen(phrases[k]) + 1;
		memcpy(copy + at, phrases[k], one);
		at += one;
	}
	*slot = (ml_mention_memo){ .phrases = copy, .phrases_len = len, .found = SIZE_MAX, .used = m->clock,
				    .hits = 1 };
	return slot;
}

bool ml_file_mentions_from(const ml_stmt_ctx *ctx, size_t offset, const char *const *phrases, size_t n)
{
	const char *text = ctx->span.text;
	if (!text || !ctx->span.exact)
		return true;
	size_t from = ctx->span.loc_base + offset;
	/* A file's statements ask in order: what was read for the one before
	 * still holds from here, and only the text past it is read. The
	 * answer is that of reading from `from`: a match, or the text going
	 * on past LOOK_AHEAD bytes. */
	ml_mention_memo *memo = memo_for(ctx, phrases, n);
	ml_mention_memo local;
	if (!memo)
		memo = &local;
	if (memo == &local || from < memo->from || from > (memo->found != SIZE_MAX ? memo->found : memo->scanned_to)) {
		memo->from = memo->scanned_to = from;
		memo->found = SIZE_MAX;
		memo->at_end = false;
	}
	if (memo->found != SIZE_MAX)
		return true;
	size_t limit = from + LOOK_AHEAD + 1;
	if (!memo->at_end && memo->scanned_to < limit) {
		bool end;
		size_t at = next_mention(text, memo->scanned_to, limit, phrases, n, &end);
		memo->scanned_to = at;
		memo->at_end = end;
		if (!end && at < limit) {
			memo->found = at;
			return true;
		}
	}
	return memo->scanned_to - from > LOOK_AHEAD;
}

/* ---- building a fix -------------------------------------------------------- */

bool ml_fix_start(ml_fix_plan *fix, const ml_stmt_ctx *ctx)
{
	/* Cheap: the statement's tokens are read when an edit is placed. */
	*fix = (ml_fix_plan){ .ctx = ctx };
	fix->refused = !ctx->span.exact || ctx->body != ML_BODY_TOP || ctx->dynamic || !ctx->span.text;
	return !fix->refused;
}

/* May the fix add a statement to the step? Not to one the tool sends as one
 * query while it runs outside a transaction: a second statement would make
 * the query one implicit transaction. */
static bool may_add_statement(const ml_stmt_ctx *ctx)
{
	return !(ctx->one_query_step && ctx->tx_state == ML_TX_NONE);
}

void ml_fix_refuse(ml_fix_plan *fix)
{
	fix->refused = true;
}

bool ml_fix_usable(const ml_fix_plan *fix)
{
	return !fix->refused && fix->n > 0;
}

/* Adds the file's bytes [start, end) -> text. */
static void add_step(ml_fix_plan *fix, size_t start, size_t end, const char *text)
{
	if (fix->refused)
		return;
	if (fix->n == ML_FIX_MAX_EDITS || !text || start > end) {
		fix->refused = true;
		return;
	}
	fix->edits[fix->n++] = (ml_fix_step){ .start = start, .end = end, .text = text };
}

/* Is [start, end) inside the statement's text? */
static bool in_stmt(const ml_fix_plan *fix, size_t start, size_t end)
{
	const ml_stmt_span *span = &fix->ctx->span;
	return start <= end && span->loc_base + end <= span->end && end <= span->loc_limit;
}

void ml_fix_replace(ml_fix_plan *fix, size_t start, size_t end, const char *text)
{
	if (start == (size_t)-1 || end == (size_t)-1 || !in_stmt(fix, start, end)) {
		fix->refused = true;
		return;
	}
	add_step(fix, fix->ctx->span.loc_base + start, fix->ctx->span.loc_base + end, text);
}

void ml_fix_insert(ml_fix_plan *fix, size_t at, const char *text)
{
	ml_fix_replace(fix, at, at, text);
}

const char *ml_fix_text(const ml_stmt_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *text = ml_arena_vprintf(ctx->arena, fmt, ap);
	va_end(ap);
	return text;
}

const char *ml_fix_newline(const ml_stmt_ctx *ctx)
{
	const char *text = ctx->span.text;
	if (!text)
		return "\n";
	/* The statement's first line break, else the one before it. */
	const char *br = strpbrk(text + ctx->span.start, "\r\n");
	if (!br) {
		for (size_t i = ctx->span.start; i > 0 && !br; i--)
			if (text[i - 1] == '\n' || text[i - 1] == '\r')
				br = text + i - 1;
		if (br && *br == '\n' && br > text && br[-1] == '\r')
			br--;
	}
	if (!br || *br == '\n')
		return "\n";
	return br[1] == '\n' ? "\r\n" : "\r";
}

/* The file offset past the comments and blanks at p, or (size_t)-1 for an
 * unterminated block comment. Block comments nest, as in PostgreSQL. */
static size_t skip_blanks_and_comments(const char *text, size_t p)
{
	for (;;) {
		while (isspace((unsigned char)text[p]))
			p++;
		if (text[p] == '-' && text[p + 1] == '-') {
			while (text[p] && text[p] != '\n' && text[p] != '\r')
				p++;
			continue;
		}
		if (text[p] == '/' && text[p + 1] == '*') {
			int depth = 0;
			do {
				if (!text[p])
					return (size_t)-1;
				if (text[p] == '/' && text[p + 1] == '*') {
					depth++;
					p += 2;
				} else if (text[p] == '*' && text[p + 1] == '/') {
					depth--;
					p += 2;
				} else {
					p++;
				}
			} while (depth > 0);
			continue;
		}
		return p;
	}
}

void ml_fix_statement_after(ml_fix_plan *fix, const char *sql)
{
	if (fix->refused)
		return;
	const ml_stmt_ctx *ctx = fix->ctx;
	size_t n;
	const ml_token *t = ml_stmt_tokens(ctx, &n);
	if (!t || n == 0 || !sql) {
		fix->refused = true;
		return;
	}
	if (!may_add_statement(ctx)) {
		fix->refused = true;
		return;
	}
	const char *text = ctx->span.text;
	const char *nl = ml_fix_newline(ctx);
	size_t code_end = ctx->span.loc_base + t[n - 1].end;
	size_t p = skip_blanks_and_comments(text, code_end);
	if (p == (size_t)-1) {
		fix->refused = true;
		return;
	}
	if (text[p] == ';') {
		/* After a comment that ends the line, or right after the ';'. */
		size_t q = p + 1;
		while (text[q] == ' ' || text[q] == '\t')
			q++;
		if (text[q] == '-' && text[q + 1] == '-')
			while (text[q] && text[q] != '\n' && text[q] != '\r')
				q++;
		size_t at = text[q] == '\n' || text[q] == '\r' || !text[q] ? q : p + 1;
		add_step(fix, at, at, ml_arena_printf(ctx->arena, "%s%s;", nl, sql));
	} else if (!text[p]) {
		/* The file's last statement, without its ';'. */
		add_step(fix, code_end, code_end, ml_arena_printf(ctx->arena, ";%s%s;", nl, sql));
	} else {
		fix->refused = true;
	}
}

/* Is text[start, end) (one line, its break left out) a comment a statement
 * below keeps with it: an ignore comment on its own line, or goose's
 * StatementBegin? */
static bool binds_to_next_line(const char *text, size_t start, size_t end)
{
	while (start < end && (text[start] == ' ' || text[start] == '\t'))
		start++;
	while (end > start && isspace((unsigned char)text[end - 1]))
		end--;
	if (end - start < 2 || text[start] != '-' || text[start + 1] != '-')
		return false;
	size_t i = start + 2;
	while (i < end && (text[i] == ' ' || text[i] == '\t'))
		i++;
	static const char *const WORDS[] = { "migralint-ignore", "squawk-ignore", "+goose statementbegin" };
	for (size_t k = 0; k < sizeof(WORDS) / sizeof(WORDS[0]); k++) {
		size_t len = strlen(WORDS[k]);
		if (end - i >= len && !strncasecmp(text + i, WORDS[k], len) &&
		    (end - i == len || !(isalnum((unsigned char)text[i + len]) || text[i + len] == '-' ||
					 text[i + len] == '_')))
			return true;
	}
	return false;
}

/* The start of the line before the one starting at line (its break just
 * before line), or (size_t)-1 at the file's start or past text given back
 * (read as NUL bytes). */
static size_t previous_line(const char *text, size_t line)
{
	if (line == 0)
		return (size_t)-1;
	size_t p = line - 1; /* the '\n' or '\r' ending the line above */
	if (text[p] == '\n' && p > 0 && text[p - 1] == '\r')
		p--;
	while (p > 0 && text[p - 1] != '\n' && text[p - 1] != '\r') {
		if (!text[p - 1])
			return (size_t)-1;
		p--;
	}
	return p;
}

void ml_fix_lines_before(ml_fix_plan *fix, const char *const *lines, size_t n)
{
	if (fix->refused)
		return;
	const ml_stmt_ctx *ctx = fix->ctx;
	size_t count;
	const ml_token *t = ml_stmt_tokens(ctx, &count);
	if (!t || count == 0 || !may_add_statement(ctx)) {
		fix->refused = true;
		return;
	}
	const char *text = ctx->span.text;
	size_t start = ctx->span.loc_base + t[0].start;
	size_t line = start;
	while (line > 0 && text[line - 1] != '\n' && text[line - 1] != '\r')
		line--;
	bool at_line_start = true;
	for (size_t i = line; i < start && at_line_start; i++)
		at_line_start = text[i] == ' ' || text[i] == '\t';
	size_t at = at_line_start ? line : start;
	/* Lines whose comment keeps to the statement go down with it. */
	for (int up = 0; up < 4; up++) {
		size_t above = previous_line(text, at_line_start ? at : line);
		if (above == (size_t)-1 || !binds_to_next_line(text, above, at_line_start ? at : line))
			break;
		if (!at_line_start) {
			/* The comment covers the statement's line, which would
			 * then start with the new lines, the statement below. */
			fix->refused = true;
			return;
		}
		at = above;
	}
	const char *nl = ml_fix_newline(ctx);
	ml_strbuf b = { .arena = ctx->arena };
	for (size_t i = 0; i < n; i++) {
		ml_strbuf_str(&b, lines[i]);
		ml_strbuf_str(&b, nl);
	}
	add_step(fix, at, at, b.data);
}

/* Does subcommand k of as add a CHECK or FOREIGN KEY constraint without a
 * name? */
static bool adds_unnamed_constraint(const PgQuery__AlterTableStmt *as, size_t k)
{
	const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, k);
	const PgQuery__Constraint *c = ml_added_constraint(cmd, PG_QUERY__CONSTR_TYPE__CONSTR_CHECK);
	if (!c)
		c = ml_added_constraint(cmd, PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN);
	return c && !(c->conname && *c->conname);
}

void ml_fix_not_valid(ml_fix_plan *fix, const PgQuery__AlterTableStmt *as, size_t i, const PgQuery__Constraint *con)
{
	if (fix->refused)
		return;
	const ml_stmt_ctx *ctx = fix->ctx;
	size_t first, last, n;
	const ml_token *t = ml_stmt_tokens(ctx, &n);
	const char *table = ml_relation_text(ctx, as ? as->relation : NULL);
	if (!t || !table || !as->relation->inh || !con || con->location < 0 ||
	    !ml_alter_cmd_tokens(ctx, as, i, &first, &last)) {
		fix->refused = true;
		return;
	}
	const char *name = con->conname && *con->conname ? con->conname : NULL;
	if (!name) {
		for (size_t k = 0; k < as->n_cmds; k++)
			if (k != i && adds_unnamed_constraint(as, k)) {
				fix->refused = true;
				return;
			}
		name = ml_added_constraint_name(ctx, as->relation, con);
		size_t at = (size_t)con->location;
		if (!name || at < t[first].start || at > t[last - 1].start) {
			fix->refused = true;
			return;
		}
		ml_fix_insert(fix, at, ml_arena_printf(ctx->arena, "CONSTRAINT %s ", ml_quote_ident(ctx, name)));
	}
	ml_fix_insert(fix, t[last - 1].end, " NOT VALID");
	ml_fix_statement_after(fix, ml_arena_printf(ctx->arena, "ALTER TABLE %s%s VALIDATE CONSTRAINT %s",
						    as->missing_ok ? "IF EXISTS " : "", table,
						    ml_quote_ident(ctx, name)));
}

void ml_fix_type(ml_fix_plan *fix, const ml_type_span *span, const char *name, const char *internal,
		 const char *tail)
{
	ml_fix_replace(fix, span->qualified ? span->last_name : span->start, span->end,
		       ml_fix_text(fix->ctx, "%s%s", span->qualified ? internal : name, tail ? tail : ""));
}

static int compare_steps(const void *pa, const void *pb)
{
	const ml_fix_step *a = pa, *b = pb;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	/* An insertion goes before a replacement starting at the same byte;
	 * ties keep the order they were added in (the sort is stable). */
	bool ia = a->start == a->end, ib = b->start == b->end;
	return ia != ib ? (ia ? -1 : 1) : 0;
}

void ml_report_fixed(const ml_stmt_ctx *ctx, const ml_rule *rule, int location, const char *help,
		     const ml_fix_plan *fix, const char *description, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *message = ml_arena_vprintf(ctx->out->arena, fmt, ap);
	va_end(ap);
	ml_edit *edits = NULL;
	size_t n_edits = 0;
	if (fix && ml_fix_usable(fix)) {
		/* In file order, the ones at one place in the order added (a
		 * stable insertion sort), touching ones joined into one edit. */
		ml_fix_step steps[ML_FIX_MAX_EDITS];
		size_t n = fix->n;
		for (size_t i = 0; i < n; i++) {
			size_t j = i;
			while (j > 0 && compare_steps(&steps[j - 1], &fix->edits[i]) > 0) {
				steps[j] = steps[j - 1];
				j--;
			}
			steps[j] = fix->edits[i];
		}
		edits = ml_arena_alloc(ctx->out->arena, n * sizeof(*edits));
		bool overlap = false;
		for (size_t i = 0; i < n && !overlap; i++) {
			ml_edit *last = n_edits ? &edits[n_edits - 1] : NULL;
			if (last && steps[i].start < last->end) {
				overlap = true;
			} else if (last && steps[i].start == last->end) {
				last->end = steps[i].end;
				last->replacement = ml_arena_printf(ctx->out->arena, "%s%s", last->replacement, steps[i].text);
			} else {
				edits[n_edits++] = (ml_edit){ .start = steps[i].start, .end = steps[i].end,
							      .replacement = ml_arena_strdup(ctx->out->arena, steps[i].text) };
			}
		}
		if (overlap)
			n_edits = 0;
	}
	ml_report_edits(ctx, rule, location, help ? help : rule->info.help, n_edits ? edits : NULL, n_edits,
			description, message);
}
