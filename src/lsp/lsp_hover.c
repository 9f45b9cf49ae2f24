/*
 * lsp_hover.c - textDocument/hover on a statement: what the lock timeline
 * says of it, in Markdown. Its form, the lock it takes on each table and
 * what that lock blocks for everyone else, whether it rewrites or scans a
 * table, the transaction it runs in and the locks that transaction still
 * holds after it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp_internal.h"

/* What each lock mode blocks for other sessions: PostgreSQL's table of
 * conflicting lock modes ("Table-Level Lock Modes" in the manual's
 * chapter on explicit locking), in words. */
static const char *blocks(const char *mode)
{
	static const char *const WORDS[][2] = {
		{ "ACCESS SHARE", "only ACCESS EXCLUSIVE (DROP TABLE, most ALTER TABLE); reads and writes go on" },
		{ "ROW SHARE", "EXCLUSIVE and ACCESS EXCLUSIVE; reads and writes go on" },
		{ "ROW EXCLUSIVE", "SHARE and stronger (CREATE INDEX without CONCURRENTLY, most DDL); reads and "
				   "writes go on" },
		{ "SHARE UPDATE EXCLUSIVE", "VACUUM, ANALYZE, index builds and other schema changes; reads and "
					    "writes go on" },
		{ "SHARE", "writes (INSERT, UPDATE, DELETE) and schema changes; reads go on" },
		{ "SHARE ROW EXCLUSIVE", "writes (INSERT, UPDATE, DELETE) and schema changes; reads go on" },
		{ "EXCLUSIVE", "writes and SELECT ... FOR UPDATE/SHARE; only plain reads go on" },
		{ "ACCESS EXCLUSIVE", "everything, plain SELECTs too" },
	};
	for (size_t i = 0; mode && i < sizeof(WORDS) / sizeof(*WORDS); i++)
		if (!strcmp(mode, WORDS[i][0]))
			return WORDS[i][1];
	return "";
}

static const char *transaction_words(const char *tx)
{
	if (!strcmp(tx, "explicit"))
		return "inside the transaction a BEGIN of the file opened";
	if (!strcmp(tx, "assumed"))
		return "inside the transaction the migration tool wraps the file in";
	if (!strcmp(tx, "implicit"))
		return "in the transaction of a DO block run in autocommit";
	return "in a transaction of its own (autocommit)";
}

static const char *body_words(const char *body)
{
	if (!strcmp(body, "do"))
		return " It runs inside a DO block.";
	if (!strcmp(body, "function"))
		return " It runs inside a function's body, when the function is called.";
	if (!strcmp(body, "procedure"))
		return " It runs inside a procedure's body, when the procedure is called.";
	return "";
}

/* name as inline code inside a Markdown table cell: a pipe escaped, and
 * fenced with more backticks than it holds in a row. */
static void code_cell(FILE *f, const char *name)
{
	int run = 0, longest = 0;
	for (const char *p = name; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	for (int i = 0; i <= longest; i++)
		fputc('`', f);
	if (longest)
		fputc(' ', f);
	for (const char *p = name; *p; p++) {
		if (*p == '|')
			fputc('\\', f);
		fputc(*p == '\n' || *p == '\r' ? ' ' : *p, f);
	}
	if (longest)
		fputc(' ', f);
	for (int i = 0; i <= longest; i++)
		fputc('`', f);
}

/* The innermost statement holding offset (one of a PL/pgSQL body before the
 * DO block around it), its semicolon included, or NULL. */
static const ml_statement_info *statement_at(const ml_lsp_document *doc, size_t offset)
{
	const ml_lint_result *r = &doc->result;
	const ml_statement_info *best = NULL;
	for (size_t i = 0; i < r->n_statement_info; i++) {
		const ml_statement_info *st = &r->statement_info[i];
		size_t end = st->end < doc->len && doc->text[st->end] == ';' ? st->end + 1 : st->end;
		if (st->start <= offset && offset <= end && (!best || st->end - st->start < best->end - best->start))
			best = st;
	}
	return best;
}

static char *markdown(const ml_statement_info *st)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (!f)
		return NULL;
	fprintf(f, "**%s**: runs %s.%s\n\n", st->kind, transaction_words(st->transaction), body_words(st->body));
	if (st->n_locks) {
		fputs("| table | lock | blocks |\n|---|---|---|\n", f);
		for (size_t i = 0; i < st->n_locks; i++) {
			fputs("| ", f);
			code_cell(f, st->locks[i].table);
			fprintf(f, " | %s | %s |\n", st->locks[i].mode, blocks(st->locks[i].mode));
		}
		fprintf(f, "\nRewrites the table: %s. Reads the whole table: %s.\n", st->rewrite ? "**yes**" : "no",
			st->scan ? "**yes**" : "no");
	} else {
		fputs("Takes no table lock.\n", f);
	}
	if (st->n_held) {
		fputs("\nHeld after it, until the transaction ends:", f);
		for (size_t i = 0; i < st->n_held; i++) {
			fputs(i ? ", " : " ", f);
			fprintf(f, "%s on ", st->held[i].mode);
			code_cell(f, st->held[i].table);
		}
		fputs(".\n", f);
	} else if (strcmp(st->transaction, "none")) {
		fputs("\nNo table lock is held after it.\n", f);
	}
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

cJSON *ml_lsp_hover(const ml_lsp_document *doc, size_t offset)
{
	const ml_statement_info *st = doc->linted && !doc->not_linted ? statement_at(doc, offset) : NULL;
	if (!st || st->end > doc->len)
		return cJSON_CreateNull();
	char *md = markdown(st);
	cJSON *hover = cJSON_CreateObject(), *contents = cJSON_CreateObject();
	cJSON *range = ml_lsp_range_json(&doc->lines, st->start, st->end);
	bool ok = md && hover && contents && range && cJSON_AddStringToObject(contents, "kind", "markdown") &&
		  cJSON_AddStringToObject(contents, "value", md) && cJSON_AddItemToObject(hover, "contents", contents);
	if (ok)
		contents = NULL;
	ok = ok && cJSON_AddItemToObject(hover, "range", range);
	if (ok)
		range = NULL;
	free(md);
	cJSON_Delete(contents);
	cJSON_Delete(range);
	if (!ok) {
		cJSON_Delete(hover);
		return NULL;
	}
	return hover;
}
