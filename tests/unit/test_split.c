/*
 * test_split.c - ml_split: where statements, psql meta-commands and COPY
 * data begin and end (src/source/split.c).
 */
#include <string.h>

#include "arena.h"
#include "split.h"
#include "unit.h"

static ml_chunk_list split(const char *text)
{
	ml_chunk_list list;
	memset(&list, 0xAB, sizeof(list)); /* ml_split must initialise it */
	ml_split(arena, text, strlen(text), &list);
	return list;
}

/* Byte offset of the first occurrence of needle in text (which must have it). */
static size_t off(const char *text, const char *needle)
{
	const char *p = strstr(text, needle);
	ck_assert_msg(p != NULL, "\"%s\" not in the test text", needle);
	return (size_t)(p - text);
}

/* The text of chunk i, NUL-terminated, in the arena. */
static const char *chunk_text(const char *text, const ml_chunk_list *list, size_t i)
{
	ck_assert_uint_lt(i, list->len);
	const ml_chunk *c = &list->items[i];
	ck_assert_uint_le(c->start, c->end);
	return ml_arena_strndup(arena, text + c->start, c->end - c->start);
}

static const char *kind_name(ml_chunk_kind kind)
{
	switch (kind) {
	case ML_CHUNK_STATEMENT:
		return "STATEMENT";
	case ML_CHUNK_META_COMMAND:
		return "META_COMMAND";
	case ML_CHUNK_COPY_DATA:
		return "COPY_DATA";
	case ML_CHUNK_TRAILER:
		return "TRAILER";
	}
	return "?";
}

/* Asserts chunk i's kind and exact [start, end). */
#define ck_assert_chunk(list, i, want_kind, want_start, want_end)                                    \
	do {                                                                                         \
		ck_assert_uint_lt((i), (list).len);                                                  \
		const ml_chunk *c_ = &(list).items[(i)];                                             \
		ck_assert_msg(c_->kind == (want_kind), "chunk %d: kind %s, want %s", (int)(i),       \
			      kind_name(c_->kind), kind_name(want_kind));                            \
		ck_assert_msg(c_->start == (size_t)(want_start) && c_->end == (size_t)(want_end),    \
			      "chunk %d: [%zu, %zu), want [%zu, %zu)", (int)(i), c_->start, c_->end, \
			      (size_t)(want_start), (size_t)(want_end));                             \
	} while (0)


/* Every chunk of list as "K:text" joined by " | " (K: S statement, M
 * meta-command, D COPY data, T trailer), statements with the psql commands
 * and COPY data inside them blanked out as the engine sees them. */
static const char *describe(const char *text, const ml_chunk_list *list)
{
	static const char KINDS[] = "SMDT";
	const char *out = "";
	for (size_t i = 0; i < list->len; i++) {
		const ml_chunk *c = &list->items[i];
		char *piece = ml_arena_alloc(arena, c->end - c->start + 1);
		if (c->kind == ML_CHUNK_STATEMENT)
			ml_chunk_copy_text(text, list, c->start, c->end, piece);
		else
			piece = ml_arena_strndup(arena, text + c->start, c->end - c->start);
		out = ml_arena_printf(arena, "%s%s%c:%s", out, i ? " | " : "", KINDS[c->kind], piece);
	}
	return out;
}

/* ---- plain statements ---------------------------------------------------- */

START_TEST(two_statements)
{
	const char *t = "SELECT 1;\nSELECT 2;\n";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert_chunk(l, 0, ML_CHUNK_STATEMENT, 0, 8);
	ck_assert_uint_eq(l.items[0].gap_start, 0);
	ck_assert(l.items[0].terminated);
	ck_assert_chunk(l, 1, ML_CHUNK_STATEMENT, 10, 18);
	ck_assert_uint_eq(l.items[1].gap_start, 9); /* right after the first ';' */
	ck_assert(l.items[1].terminated);
	ck_assert(!l.items[0].has_ignore_comment);
	ck_assert(!l.items[1].has_ignore_comment);
	ck_assert_str_eq(chunk_text(t, &l, 1), "SELECT 2");
}
END_TEST

START_TEST(empty_and_blank_text)
{
	ck_assert_uint_eq(split("").len, 0);
	ck_assert_uint_eq(split("  \n\t\n").len, 0);
	ck_assert_uint_eq(split("-- just a comment\n/* and another */\n").len, 0);
}
END_TEST

START_TEST(statement_spanning_lines)
{
	const char *t = "ALTER TABLE t\n  ADD COLUMN c int;";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 1);
	ck_assert_chunk(l, 0, ML_CHUNK_STATEMENT, 0, strlen(t) - 1);
}
END_TEST

START_TEST(no_final_semicolon)
{
	const char *t = "SELECT 1;\nSELECT 2  \n\n";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert(l.items[0].terminated);
	/* trailing blanks are trimmed from a statement cut by the end of the file */
	ck_assert_chunk(l, 1, ML_CHUNK_STATEMENT, 10, 18);
	ck_assert(!l.items[1].terminated);
	ck_assert_str_eq(chunk_text(t, &l, 1), "SELECT 2");
}
END_TEST

START_TEST(no_final_semicolon_trailing_comment)
{
	const char *t = "SELECT 1 -- done";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 1);
	ck_assert(!l.items[0].terminated);
	ck_assert_uint_eq(l.items[0].start, 0);
	ck_assert_str_eq(chunk_text(t, &l, 0), "SELECT 1 -- done");
}
END_TEST

/* ---- quotes ----------------------------------------------------------- */

START_TEST(semicolon_in_string)
{
	const char *t = "SELECT 'a;b';SELECT 2;";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert_chunk(l, 0, ML_CHUNK_STATEMENT, 0, 12);
	ck_assert_str_eq(chunk_text(t, &l, 0), "SELECT 'a;b'");
	ck_assert_chunk(l, 1, ML_CHUNK_STATEMENT, 13, 21);
}
END_TEST

START_TEST(doubled_quote_in_string)
{
	const char *t = "SELECT 'it''s; here';SELECT 2;";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert_str_eq(chunk_text(t, &l, 0), "SELECT 'it''s; here'");
	ck_assert_str_eq(chunk_text(t, &l, 1), "SELECT 2");
}
END_TEST

START_TEST(escape_string)
{
	/* E'it\'s;' : the backslash escapes the quote, so ';' is inside */
	const char *t = "SELECT E'it\\'s;';SELECT 2;";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert_str_eq(chunk_text(t, &l, 0), "SELECT E'it\\'s;'");
	ck_assert_chunk(l, 1, ML_CHUNK_STATEMENT, off(t, "SELECT 2"), strlen(t) - 1);

	/* lower-case e and an escaped backslash before the closing quote */
	t = "SELECT e'\\\\';SELECT 3;";
	l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert_str_eq(chunk_text(t, &l, 0), "SELECT e'\\\\'");
}
END_TEST

START_TEST(standard_string_backslash_is_literal)
{
	/* 'a\' is a whole string (standard_conforming_strings): ';' ends it */
	const char *t = "SELECT 'a\\';SELECT 2;";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert_str_eq(chunk_text(t, &l, 0), "SELECT 'a\\'");
	/* an identifier ending in e is not an E prefix */
	t = "SELECT name'a\\';SELECT 2;";
	l = split(t);
	ck_assert_uint_eq(l.len, 2);
}
END_TEST

START_TEST(semicolon_in_quoted_identifier)
{
	const char *t = "SELECT \"quoted;ident\" FROM t;SELECT 2;";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert_chunk(l, 0, ML_CHUNK_STATEMENT, 0, off(t, ";SELECT 2"));
	ck_assert_str_eq(chunk_text(t, &l, 1), "SELECT 2");
}
END_TEST

START_TEST(dollar_quotes)
{
	const char *t = "SELECT $$a;b$$;SELECT 2;";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert_chunk(l, 0, ML_CHUNK_STATEMENT, 0, 14);
	ck_assert_chunk(l, 1, ML_CHUNK_STATEMENT, 15, 23);

	/* a tagged quote is not closed by $$ or by another tag */
	t = "DO $fn$ BEGIN x := 1; $$ ; $other$ ; END $fn$;\nSELECT 2;";
	l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert_chunk(l, 0, ML_CHUNK_STATEMENT, 0, off(t, ";\nSELECT 2"));
	ck_assert_chunk(l, 1, ML_CHUNK_STATEMENT, off(t, "SELECT 2"), strlen(t) - 1);
}
END_TEST

START_TEST(dollar_params_are_not_quotes)
{
	const char *t = "PREPARE p AS SELECT $1, $2;SELECT $1;";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert_chunk(l, 0, ML_CHUNK_STATEMENT, 0, off(t, ";SELECT $1"));
	ck_assert_str_eq(chunk_text(t, &l, 1), "SELECT $1");

	/* '$' inside an identifier (a$b$c) does not open a dollar quote */
	t = "SELECT a$b$c FROM t;SELECT 2;";
	l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert_str_eq(chunk_text(t, &l, 0), "SELECT a$b$c FROM t");
}
END_TEST

/* ---- comments -------------------------------------------------------- */

START_TEST(line_comment_hides_semicolon)
{
	const char *t = "SELECT 1 -- not; the end\n, 2;SELECT 3;";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert_str_eq(chunk_text(t, &l, 0), "SELECT 1 -- not; the end\n, 2");
	ck_assert_str_eq(chunk_text(t, &l, 1), "SELECT 3");
}
END_TEST

START_TEST(nested_block_comments)
{
	const char *t = "SELECT /* a /* b; */ still; comment */ 1;SELECT 2;";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert_chunk(l, 0, ML_CHUNK_STATEMENT, 0, off(t, ";SELECT 2"));
	ck_assert_str_eq(chunk_text(t, &l, 1), "SELECT 2");
}
END_TEST

START_TEST(start_excludes_leading_comments)
{
	const char *t = "SELECT 1;\n  -- lead; in\n/* block; */\n\tSELECT 2;";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert_uint_eq(l.items[1].gap_start, 9);
	ck_assert_chunk(l, 1, ML_CHUNK_STATEMENT, off(t, "SELECT 2"), strlen(t) - 1);

	/* the same at the very start of the file */
	t = "/* header */\n-- x\nSELECT 1;";
	l = split(t);
	ck_assert_uint_eq(l.len, 1);
	ck_assert_uint_eq(l.items[0].gap_start, 0);
	ck_assert_chunk(l, 0, ML_CHUNK_STATEMENT, off(t, "SELECT"), strlen(t) - 1);
}
END_TEST

/* ---- parentheses and routine bodies ---------------------------------- */

START_TEST(create_rule_body)
{
	const char *t = "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); "
			"UPDATE b SET x = 1);\nSELECT 1;";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert_chunk(l, 0, ML_CHUNK_STATEMENT, 0, off(t, ";\nSELECT 1"));
	ck_assert(l.items[0].terminated);
	ck_assert_str_eq(chunk_text(t, &l, 1), "SELECT 1");
}
END_TEST

START_TEST(begin_atomic_body)
{
	const char *t = "CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\n  SELECT 2;\nEND;\n"
			"SELECT 3;";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert_chunk(l, 0, ML_CHUNK_STATEMENT, 0, off(t, ";\nSELECT 3"));
	ck_assert_str_eq(chunk_text(t, &l, 1), "SELECT 3");
}
END_TEST

START_TEST(begin_atomic_with_case)
{
	const char *t = "CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC "
			"SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END; SELECT 2; END;\nSELECT 3;";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert_chunk(l, 0, ML_CHUNK_STATEMENT, 0, off(t, ";\nSELECT 3"));

	t = "CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); END;SELECT 3;";
	l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert_str_eq(chunk_text(t, &l, 1), "SELECT 3");
}
END_TEST

START_TEST(transaction_begin_is_not_a_body)
{
	/* BEGIN/END only nest inside a routine definition */
	const char *t = "BEGIN;\nSELECT CASE WHEN true THEN 1 END;\nEND;\nSELECT 2;";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 4);
	ck_assert_chunk(l, 0, ML_CHUNK_STATEMENT, 0, 5);
	ck_assert_str_eq(chunk_text(t, &l, 1), "SELECT CASE WHEN true THEN 1 END");
	ck_assert_str_eq(chunk_text(t, &l, 2), "END");
	ck_assert_str_eq(chunk_text(t, &l, 3), "SELECT 2");
}
END_TEST

/* ---- unterminated constructs ----------------------------------------- */

START_TEST(unterminated_string_runs_to_eof)
{
	const char *t = "SELECT 1;\nSELECT 'abc;\nSELECT 3;\n";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert_chunk(l, 0, ML_CHUNK_STATEMENT, 0, 8);
	ck_assert_chunk(l, 1, ML_CHUNK_STATEMENT, 10, strlen(t) - 1);
	ck_assert(!l.items[1].terminated);
}
END_TEST

START_TEST(unterminated_comment_and_dollar_quote)
{
	const char *t = "SELECT 1;\nSELECT /* open; SELECT 2;";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert_chunk(l, 1, ML_CHUNK_STATEMENT, 10, strlen(t));
	ck_assert(!l.items[1].terminated);

	t = "SELECT $x$ open; SELECT 2;";
	l = split(t);
	ck_assert_uint_eq(l.len, 1);
	ck_assert_chunk(l, 0, ML_CHUNK_STATEMENT, 0, strlen(t));
	ck_assert(!l.items[0].terminated);
}
END_TEST

/* ---- psql meta-commands ---------------------------------------------- */

START_TEST(meta_command_line)
{
	const char *t = "\\set x 1\nSELECT 1;";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert_chunk(l, 0, ML_CHUNK_META_COMMAND, 0, 8);
	ck_assert_chunk(l, 1, ML_CHUNK_STATEMENT, 9, 17);

	/* CRLF and trailing blanks are not part of the command */
	t = "SELECT 1;\n\\connect db  \r\nSELECT 2;";
	l = split(t);
	ck_assert_uint_eq(l.len, 3);
	ck_assert_chunk(l, 1, ML_CHUNK_META_COMMAND, 10, off(t, "  \r\n"));
	ck_assert_chunk(l, 2, ML_CHUNK_STATEMENT, off(t, "SELECT 2"), strlen(t) - 1);
}
END_TEST

START_TEST(meta_command_after_statement)
{
	const char *t = "SELECT 1 \\gset\nSELECT 2;";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 3);
	ck_assert_chunk(l, 0, ML_CHUNK_STATEMENT, 0, 8);
	ck_assert_chunk(l, 1, ML_CHUNK_META_COMMAND, 9, 14);
	ck_assert_chunk(l, 2, ML_CHUNK_STATEMENT, 15, 23);
}
END_TEST

START_TEST(meta_command_at_eof)
{
	const char *t = "SELECT 1;\n\\unset x";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert_chunk(l, 1, ML_CHUNK_META_COMMAND, 10, strlen(t));
}
END_TEST

/* ---- COPY ... FROM STDIN ---------------------------------------------- */

START_TEST(copy_from_stdin_data)
{
	const char *t = "COPY t (a, b) FROM stdin;\n1\tx;y\n2\t'z\n\\.\nSELECT 1;\n";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 3);
	ck_assert_chunk(l, 0, ML_CHUNK_STATEMENT, 0, off(t, ";\n1"));
	ck_assert(l.items[0].terminated);
	/* the data runs from the line after the COPY through "\." */
	ck_assert_chunk(l, 1, ML_CHUNK_COPY_DATA, off(t, "1\tx"), off(t, "\\.") + 2);
	ck_assert_chunk(l, 2, ML_CHUNK_STATEMENT, off(t, "SELECT 1"), strlen(t) - 2);
	ck_assert(l.items[2].terminated);
}
END_TEST

START_TEST(copy_from_stdin_with_options)
{
	const char *t = "COPY t FROM STDIN WITH (FORMAT csv);\na,b\n\\.\nSELECT 1;";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 3);
	ck_assert_chunk(l, 1, ML_CHUNK_COPY_DATA, off(t, "a,b"), off(t, "\\.") + 2);
	ck_assert_chunk(l, 2, ML_CHUNK_STATEMENT, off(t, "SELECT 1"), strlen(t) - 1);
}
END_TEST

START_TEST(copy_without_stdin_has_no_data)
{
	const char *t = "COPY t FROM '/tmp/x.csv';\nSELECT 1;\nCOPY t TO stdout;\nSELECT 2;";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 4);
	for (size_t i = 0; i < l.len; i++)
		ck_assert_int_eq(l.items[i].kind, ML_CHUNK_STATEMENT);
	ck_assert_str_eq(chunk_text(t, &l, 1), "SELECT 1");
}
END_TEST


/* ---- carriage returns -------------------------------------------------- */

START_TEST(cr_ends_line_comment)
{
	/* PostgreSQL's scanner: newline [\n\r]. psql -f runs this ALTER. */
	const char *t = "-- note\rALTER TABLE users RENAME COLUMN email TO e;";
	ml_chunk_list l = split(t);
	ck_assert_str_eq(describe(t, &l), "S:ALTER TABLE users RENAME COLUMN email TO e");
	ck_assert_uint_eq(l.items[0].gap_start, 0);
	ck_assert_uint_eq(l.items[0].start, 8);
}
END_TEST

START_TEST(cr_only_file)
{
	const char *t = "CREATE TABLE a (id int);\r-- c\rDROP INDEX i;\r-- c2\r\rUPDATE t SET c = 1\r";
	ml_chunk_list l = split(t);
	ck_assert_str_eq(describe(t, &l), "S:CREATE TABLE a (id int) | S:DROP INDEX i | S:UPDATE t SET c = 1");
	ck_assert(!l.items[2].terminated);
}
END_TEST

START_TEST(cr_ends_ignore_comment)
{
	const char *t = "SELECT 1;\r-- migralint-ignore ban-drop-column\rSELECT 2;\rSELECT 3;";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 3);
	ck_assert(!l.items[0].has_ignore_comment);
	ck_assert(l.items[1].has_ignore_comment);
	ck_assert(!l.items[2].has_ignore_comment);
	ck_assert_str_eq(chunk_text(t, &l, 1), "SELECT 2");
}
END_TEST

START_TEST(cr_does_not_end_meta_command)
{
	/* psql reads lines at newlines: the ALTER is an argument of \set
	 * (psql sets x to "1ALTERTABLE..."), and is not run. */
	const char *t = "\\set x 1\rALTER TABLE users RENAME COLUMN email TO e;\nSELECT 1;";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert_chunk(l, 0, ML_CHUNK_META_COMMAND, 0, off(t, "\nSELECT"));
	ck_assert_chunk(l, 1, ML_CHUNK_STATEMENT, off(t, "SELECT 1"), strlen(t) - 1);
}
END_TEST

/* ---- meta-commands: "\\" and more commands on one line ----------------- */

START_TEST(double_backslash_ends_meta_command)
{
	const char *t = "\\set ON_ERROR_STOP on \\\\ ALTER TABLE users RENAME COLUMN email TO e;\n";
	ml_chunk_list l = split(t);
	ck_assert_str_eq(describe(t, &l), "M:\\set ON_ERROR_STOP on | S:ALTER TABLE users RENAME COLUMN email TO e");
	ck_assert_uint_eq(l.items[1].gap_start, off(t, " ALTER"));

	/* no blank needed, and after a command without arguments */
	t = "\\echo\\\\DROP TABLE t;\n\\timing \\\\ DROP TABLE u;";
	l = split(t);
	ck_assert_str_eq(describe(t, &l), "M:\\echo | S:DROP TABLE t | M:\\timing | S:DROP TABLE u");
}
END_TEST

START_TEST(backslash_starts_next_meta_command)
{
	const char *t = "\\set x 1 \\echo hi \\\\ SELECT 1;\nSELECT 2;";
	ml_chunk_list l = split(t);
	ck_assert_str_eq(describe(t, &l), "M:\\set x 1 | M:\\echo hi | S:SELECT 1 | S:SELECT 2");
}
END_TEST

START_TEST(quoted_backslash_in_meta_argument)
{
	/* inside quotes a backslash neither ends the argument nor the command */
	const char *t = "\\echo 'a\\\\b' \"c\\d\" `echo \\\\` \\\\ SELECT 1;";
	ml_chunk_list l = split(t);
	ck_assert_str_eq(describe(t, &l), "M:\\echo 'a\\\\b' \"c\\d\" `echo \\\\` | S:SELECT 1");
	t = "\\set x 'it''s \\' \\\\ SELECT 1;";
	l = split(t);
	ck_assert_str_eq(describe(t, &l), "M:\\set x 'it''s \\' \\\\ SELECT 1;");
}
END_TEST

START_TEST(whole_line_meta_commands)
{
	/* These take the rest of the line, "\\" included: psql runs no SQL
	 * from it (checked with psql 15). */
	static const char *const lines[] = {
		"\\! echo \\\\ DROP TABLE t;", "\\copy t from stdin \\\\ DROP TABLE t;",
		"\\h SELECT \\\\ DROP TABLE t;", "\\sf+ f \\\\ DROP TABLE t;",
		"\\o |cat \\\\ DROP TABLE t;", "\\g |cat \\\\ DROP TABLE t;",
		"\\gx (format=csv tuples_only=on) |cat \\\\ DROP TABLE t;",
		"\\echo 'unterminated \\\\ DROP TABLE t;",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		const char *t = ml_arena_printf(arena, "%s\nSELECT 1;", lines[i]);
		ml_chunk_list l = split(t);
		const char *want = ml_arena_printf(arena, "M:%s | S:SELECT 1", lines[i]);
		ck_assert_str_eq(describe(t, &l), want);
	}
	/* a pipe is special only as the first argument */
	const char *t = "\\o out.txt |x \\\\ SELECT 1;";
	ml_chunk_list l = split(t);
	ck_assert_str_eq(describe(t, &l), "M:\\o out.txt |x | S:SELECT 1");
	t = "\\o (x) |cat \\\\ SELECT 1;"; /* only \g and \gx take options first */
	l = split(t);
	ck_assert_str_eq(describe(t, &l), "M:\\o (x) |cat | S:SELECT 1");
	t = "SELECT 1 \\g (format=csv) out.csv \\\\ SELECT 2;";
	l = split(t);
	ck_assert_str_eq(describe(t, &l), "S:SELECT 1 | M:\\g (format=csv) out.csv | S:SELECT 2");
}
END_TEST

START_TEST(meta_command_inside_statement_with_separator)
{
	/* psql keeps the query buffer across the commands of a line */
	const char *t = "SELECT 1 \\echo hi \\\\ , 2;";
	ml_chunk_list l = split(t);
	/* "\echo hi \\" becomes 11 blanks */
	ck_assert_str_eq(describe(t, &l), "S:SELECT 1             , 2 | M:\\echo hi");
	ck_assert_uint_eq(l.items[0].start, 0);

	/* a sending command ends it, and SQL follows the "\\" */
	t = "SELECT 1 \\g \\\\ SELECT 2;";
	l = split(t);
	ck_assert_str_eq(describe(t, &l), "S:SELECT 1 | M:\\g | S:SELECT 2");

	/* "\g|cat" is one unknown command name for psql: it sends nothing */
	t = "SELECT 1 \\g|cat\n, 2;";
	l = split(t);
	ck_assert_str_eq(describe(t, &l), "S:SELECT 1       \n, 2 | M:\\g|cat");
}
END_TEST


START_TEST(backslash_semicolon_is_sql)
{
	/* psql puts a plain ';' in the statement and sends the whole line at
	 * the real ';' (checked with psql 15): the CREATE runs. */
	const char *t = "SELECT 1 \\; CREATE TABLE t ();\n\\; DROP TABLE u;\nSELECT a\\:\\:int;";
	ml_chunk_list l = split(t);
	/* (the blank splits "a\:\:int", which psql sends as "a::int": a
	 * syntax error, reported, rather than text moved off its offsets) */
	ck_assert_str_eq(describe(t, &l), "S:SELECT 1  ; CREATE TABLE t () | S: ; DROP TABLE u | S:SELECT a : :int");
	/* a COPY after "\;" reads its data too (checked with psql 15), and
	 * the words after it start afresh (BEGIN ATOMIC) */
	t = "SELECT 1 \\; COPY t FROM stdin;\n1\n\\.\nSELECT 1 \\; CREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT 1; END;";
	l = split(t);
	ck_assert_str_eq(describe(t, &l), "S:SELECT 1  ; COPY t FROM stdin | D:1\n\\. | "
					   "S:SELECT 1  ; CREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT 1; END");
	/* after a command's arguments, too */
	t = "\\set x 1 \\; DROP TABLE t;";
	l = split(t);
	ck_assert_str_eq(describe(t, &l), "M:\\set x 1 | S: ; DROP TABLE t");
}
END_TEST

/* ---- COPY: the rest of the line is SQL ---------------------------------- */

START_TEST(copy_rest_of_line_is_sql)
{
	/* psql runs the COPY, reads its data from the next lines, then runs
	 * what followed it on its own line (checked with psql 15). */
	const char *t = "COPY t FROM stdin; ALTER TABLE users RENAME COLUMN email TO e;\n1\n\\.\nSELECT 1;\n";
	ml_chunk_list l = split(t);
	ck_assert_str_eq(describe(t, &l),
			 "S:COPY t FROM stdin | S:ALTER TABLE users RENAME COLUMN email TO e | D:1\n\\. | S:SELECT 1");
}
END_TEST

START_TEST(copy_in_cr_only_file)
{
	/* One psql line: the COPY reads no data (end of file), the rest runs. */
	const char *t = "COPY t FROM stdin;\rALTER TABLE users RENAME COLUMN email TO e;\r";
	ml_chunk_list l = split(t);
	ck_assert_str_eq(describe(t, &l), "S:COPY t FROM stdin | S:ALTER TABLE users RENAME COLUMN email TO e | D:");
	ck_assert(l.items[2].unterminated);
	ck_assert_uint_eq(l.items[2].start, strlen(t));
}
END_TEST

START_TEST(copy_statement_spans_data)
{
	/* A statement left open on the COPY's line goes on after the data,
	 * inside a string too. */
	const char *t = "COPY t FROM stdin; SELECT 'a\nx';y\n\\.\nb', $$\n$$;";
	ml_chunk_list l = split(t);
	ck_assert_str_eq(describe(t, &l), "S:COPY t FROM stdin | S:SELECT 'a\n        b', $$\n$$ | D:x';y\n\\.");

	t = "COPY t FROM stdin; /*\nx */ DROP TABLE t;\n\\.\n*/ SELECT 1;";
	l = split(t);
	ck_assert_str_eq(describe(t, &l), "S:COPY t FROM stdin | D:x */ DROP TABLE t;\n\\. | S:SELECT 1");
}
END_TEST

START_TEST(two_copies_on_one_line)
{
	const char *t = "COPY a FROM stdin; COPY b FROM stdin; SELECT 1;\n1\n\\.\n2\n\\.\r\nSELECT 2;";
	ml_chunk_list l = split(t);
	ck_assert_str_eq(describe(t, &l),
			 "S:COPY a FROM stdin | S:COPY b FROM stdin | S:SELECT 1 | D:1\n\\. | D:2\n\\. | S:SELECT 2");
}
END_TEST

START_TEST(copy_end_marker_is_exact)
{
	/* psql ends the data only at a line "\." + "\n" or "\r\n": with a
	 * blank after it, or a lone CR, the data goes on (the COPY fails). */
	const char *t = "COPY t FROM stdin;\n1\n\\. \nDROP TABLE t;\n\\.\rDROP TABLE u;\n";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert_int_eq(l.items[1].kind, ML_CHUNK_COPY_DATA);
	ck_assert(l.items[1].unterminated);
	ck_assert_uint_eq(l.items[1].end, strlen(t));
}
END_TEST

START_TEST(copy_that_fails_to_parse_reads_no_data)
{
	/* The server rejects the COPY, so psql runs the lines after it as SQL
	 * (checked with psql 15); a COPY TO reads no data either. */
	const char *t = ")COPY t FROM stdin;\nDROP TABLE u;\n\\.\nCOPY (SELECT a FROM stdin) TO stdout;\nSELECT 1;";
	ml_chunk_list l = split(t);
	ck_assert_str_eq(describe(t, &l),
			 "S:)COPY t FROM stdin | S:DROP TABLE u | M:\\. | S:COPY (SELECT a FROM stdin) TO stdout | S:SELECT 1");
}
END_TEST

START_TEST(copy_sent_by_meta_command)
{
	const char *t = "COPY t FROM stdin \\g \\\\ SELECT 1;\n1\n\\.\nSELECT 2;";
	ml_chunk_list l = split(t);
	ck_assert_str_eq(describe(t, &l), "S:COPY t FROM stdin | M:\\g | S:SELECT 1 | D:1\n\\. | S:SELECT 2");
}
END_TEST

START_TEST(ignore_comment_before_copy_data)
{
	const char *t = "COPY t FROM stdin; -- migralint-ignore-file ban-drop-table\n1\n\\.\nDROP TABLE t;";
	ml_chunk_list l = split(t);
	ck_assert_str_eq(describe(t, &l), "S:COPY t FROM stdin | D:1\n\\. | T: | S:DROP TABLE t");
	ck_assert(l.items[2].has_ignore_comment);
	ck_assert_uint_eq(l.items[2].gap_start, off(t, " -- migralint"));
	ck_assert(!l.items[3].has_ignore_comment);
	ck_assert_uint_eq(l.items[3].gap_start, off(t, "DROP"));
}
END_TEST

START_TEST(blanks_are_in_text_order)
{
	/* ml_chunk_copy_text relies on it */
	const char *t = "SELECT 1 \\; COPY t FROM stdin; SELECT\n1\n\\.\n2 \\echo x\n, 3 \\; SELECT 4;\n\\; SELECT 5;";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.n_blanks, 5);
	for (size_t i = 1; i < l.n_blanks; i++)
		ck_assert_uint_le(l.blanks[i - 1].end, l.blanks[i].start);
	ck_assert_str_eq(describe(t, &l), "S:SELECT 1  ; COPY t FROM stdin | S:SELECT\n     2        \n, 3  ; SELECT 4 | "
					   "D:1\n\\. | M:\\echo x | S: ; SELECT 5");
}
END_TEST

START_TEST(chunks_are_in_order)
{
	/* a statement ends after the commands inside it, but comes first */
	const char *t = "SELECT\n\\echo a\n1;\n\\echo b";
	ml_chunk_list l = split(t);
	ck_assert_str_eq(describe(t, &l), "S:SELECT\n       \n1 | M:\\echo a | M:\\echo b");
}
END_TEST

/* ---- directives -------------------------------------------------------- */

START_TEST(trailer_holds_ignore_file)
{
	const char *t = "SELECT 1;\n-- migralint-ignore-file ban-drop-column\n";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 2);
	ck_assert_chunk(l, 0, ML_CHUNK_STATEMENT, 0, 8);
	ck_assert_chunk(l, 1, ML_CHUNK_TRAILER, strlen(t), strlen(t));
	ck_assert_uint_eq(l.items[1].gap_start, 9);
	ck_assert(l.items[1].has_ignore_comment);
}
END_TEST

START_TEST(plain_trailing_comment_is_no_chunk)
{
	ml_chunk_list l = split("SELECT 1;\n-- the end\n/* really */\n");
	ck_assert_uint_eq(l.len, 1);
}
END_TEST

START_TEST(has_ignore_comment_flags)
{
	const char *t = "-- migralint-ignore ban-drop-column\nSELECT 1;\nSELECT 2;\n"
			"SELECT 3 /* migralint-ignore x */;\nSELECT 4; -- migralint-ignore y\nSELECT 5;";
	ml_chunk_list l = split(t);
	ck_assert_uint_eq(l.len, 5);
	ck_assert(l.items[0].has_ignore_comment);   /* in its leading gap */
	ck_assert(!l.items[1].has_ignore_comment);
	ck_assert(l.items[2].has_ignore_comment);   /* inside its text */
	ck_assert(!l.items[3].has_ignore_comment);
	ck_assert(l.items[4].has_ignore_comment);   /* the comment after "SELECT 4;" is in its gap */
	ck_assert_uint_eq(l.items[0].gap_start, 0);
	ck_assert_uint_eq(l.items[0].start, off(t, "SELECT 1"));
	ck_assert_uint_eq(l.items[4].gap_start, off(t, " -- migralint-ignore y"));
}
END_TEST

Suite *split_suite(void)
{
	Suite *s = suite_create("split");
	TCase *tc = tcase_create("statements");
	tcase_add_checked_fixture(tc, arena_setup, arena_teardown);
	tcase_add_test(tc, two_statements);
	tcase_add_test(tc, empty_and_blank_text);
	tcase_add_test(tc, statement_spanning_lines);
	tcase_add_test(tc, no_final_semicolon);
	tcase_add_test(tc, no_final_semicolon_trailing_comment);
	tcase_add_test(tc, semicolon_in_string);
	tcase_add_test(tc, doubled_quote_in_string);
	tcase_add_test(tc, escape_string);
	tcase_add_test(tc, standard_string_backslash_is_literal);
	tcase_add_test(tc, semicolon_in_quoted_identifier);
	tcase_add_test(tc, dollar_quotes);
	tcase_add_test(tc, dollar_params_are_not_quotes);
	tcase_add_test(tc, line_comment_hides_semicolon);
	tcase_add_test(tc, nested_block_comments);
	tcase_add_test(tc, start_excludes_leading_comments);
	tcase_add_test(tc, create_rule_body);
	tcase_add_test(tc, begin_atomic_body);
	tcase_add_test(tc, begin_atomic_with_case);
	tcase_add_test(tc, transaction_begin_is_not_a_body);
	tcase_add_test(tc, unterminated_string_runs_to_eof);
	tcase_add_test(tc, unterminated_comment_and_dollar_quote);
	tcase_add_test(tc, cr_ends_line_comment);
	tcase_add_test(tc, cr_only_file);
	tcase_add_test(tc, cr_ends_ignore_comment);
	suite_add_tcase(s, tc);

	tc = tcase_create("psql");
	tcase_add_checked_fixture(tc, arena_setup, arena_teardown);
	tcase_add_test(tc, meta_command_line);
	tcase_add_test(tc, meta_command_after_statement);
	tcase_add_test(tc, meta_command_at_eof);
	tcase_add_test(tc, copy_from_stdin_data);
	tcase_add_test(tc, copy_from_stdin_with_options);
	tcase_add_test(tc, copy_without_stdin_has_no_data);
	tcase_add_test(tc, cr_does_not_end_meta_command);
	tcase_add_test(tc, double_backslash_ends_meta_command);
	tcase_add_test(tc, backslash_starts_next_meta_command);
	tcase_add_test(tc, quoted_backslash_in_meta_argument);
	tcase_add_test(tc, whole_line_meta_commands);
	tcase_add_test(tc, meta_command_inside_statement_with_separator);
	tcase_add_test(tc, backslash_semicolon_is_sql);
	tcase_add_test(tc, copy_rest_of_line_is_sql);
	tcase_add_test(tc, copy_in_cr_only_file);
	tcase_add_test(tc, copy_statement_spans_data);
	tcase_add_test(tc, two_copies_on_one_line);
	tcase_add_test(tc, copy_end_marker_is_exact);
	tcase_add_test(tc, copy_sent_by_meta_command);
	tcase_add_test(tc, copy_that_fails_to_parse_reads_no_data);
	tcase_add_test(tc, ignore_comment_before_copy_data);
	tcase_add_test(tc, chunks_are_in_order);
	tcase_add_test(tc, blanks_are_in_text_order);
	suite_add_tcase(s, tc);

	tc = tcase_create("directives");
	tcase_add_checked_fixture(tc, arena_setup, arena_teardown);
	tcase_add_test(tc, trailer_holds_ignore_file);
	tcase_add_test(tc, plain_trailing_comment_is_no_chunk);
	tcase_add_test(tc, has_ignore_comment_flags);
	suite_add_tcase(s, tc);
	return s;
}
