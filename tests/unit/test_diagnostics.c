/*
 * test_diagnostics.c - the edge where the engine's findings (byte spans)
 * become public diagnostics (src/run/diagnostics.c): lines and character
 * columns over multi-byte characters and CRLF line breaks, end positions,
 * excerpts, fix edits, the suppressing comment, names computed at run time,
 * statement records; and the same positions through a whole run.
 */
#include <string.h>

#include "diagnostics.h"
#include "plpgsql.h"
#include "migralint/migralint.h"
#include "unit.h"

static const ml_rule RULE = {
	.info = { .name = "test-rule", .severity = ML_SEVERITY_WARNING, .summary = "a rule for the edge",
		  .help = "the rule's own help" },
};

/* The edge's view of text (NUL-terminated), with excerpts. */
static ml_edge_file file_of(const char *text, ml_line_map *map)
{
	ml_line_map_init(map, arena, text, strlen(text));
	return (ml_edge_file){ .path = "m.sql", .map = map, .excerpts = true };
}

/* A finding of RULE over text[start, end). */
static ml_engine_finding finding_at(size_t start, size_t end)
{
	return (ml_engine_finding){
		.finding = { .rule = &RULE, .start = start, .end = end, .message = "a message", .help = RULE.info.help },
		.severity = ML_SEVERITY_ERROR,
		.rewrite = -1,
		.scan = -1,
	};
}

/* Where the byte offset of needle in text is. */
static size_t at(const char *text, const char *needle)
{
	const char *p = strstr(text, needle);
	ck_assert_ptr_nonnull(p);
	return (size_t)(p - text);
}

START_TEST(span_counts_characters_not_bytes)
{
	/* Line 2 holds "é" (2 bytes) and "€" (3 bytes) before the span. */
	const char *text = "SELECT 1;\nSELECT '\xC3\xA9\xE2\x82\xAC'; DROP TABLE t;\n";
	ml_line_map map;
	ml_edge_file file = file_of(text, &map);
	size_t start = at(text, "DROP"), end = start + strlen("DROP TABLE t");
	ml_engine_finding e = finding_at(start, end);
	ml_diagnostic d;
	ml_diagnostic_from_finding(arena, &file, &e, &d);
	ck_assert_int_eq(d.line, 2);
	ck_assert_int_eq(d.column, 14);     /* S E L E C T _ ' é € ' ; _ D: 14th character */
	ck_assert_int_eq(d.end_line, 2);
	ck_assert_int_eq(d.end_column, 26); /* one past "t" */
	ck_assert_uint_eq(d.start, start);   /* the bytes stay bytes */
	ck_assert_uint_eq(d.end, end);
	ck_assert_str_eq(d.excerpt, "SELECT '\xC3\xA9\xE2\x82\xAC'; DROP TABLE t;");
	ck_assert_str_eq(d.path, "m.sql");
	ck_assert_str_eq(d.rule, "test-rule");
	ck_assert_int_eq(d.severity, ML_SEVERITY_ERROR);
	ck_assert_str_eq(d.message, "a message");
	ck_assert_ptr_ne(d.message, e.finding.message); /* the results' own copy */
	ck_assert_ptr_eq(d.help, RULE.info.help);       /* static: shared */
	ck_assert_ptr_null(d.fix);
	ck_assert_ptr_null(d.suppressed);
	ck_assert_int_eq(d.rewrite, -1);
	ck_assert_uint_eq(d.n_locks, 0);
}
END_TEST

START_TEST(crlf_lines_and_excerpt)
{
	/* A span over two CRLF lines, after a multi-byte character: the CR is
	 * no column of the line before it, and the excerpt joins lines with
	 * "\n" alone. */
	const char *text = "-- \xC3\xBC\r\nALTER TABLE t\r\n  DROP COLUMN c;\r\nSELECT 1;\r\n";
	ml_line_map map;
	ml_edge_file file = file_of(text, &map);
	size_t start = at(text, "ALTER"), end = at(text, ";\r\nSELECT");
	ml_engine_finding e = finding_at(start, end);
	ml_diagnostic d;
	ml_diagnostic_from_finding(arena, &file, &e, &d);
	ck_assert_int_eq(d.line, 2);
	ck_assert_int_eq(d.column, 1);
	ck_assert_int_eq(d.end_line, 3);
	ck_assert_int_eq(d.end_column, 16); /* "  DROP COLUMN c" is 15 characters */
	ck_assert_str_eq(d.excerpt, "ALTER TABLE t\n  DROP COLUMN c;");

	/* The comment's line: "ü" is one column, the CR none. */
	e = finding_at(at(text, "\r\nALTER"), at(text, "\r\nALTER"));
	ml_diagnostic_from_finding(arena, &file, &e, &d);
	ck_assert_int_eq(d.line, 1);
	ck_assert_int_eq(d.column, 5);
	ck_assert_str_eq(d.excerpt, "-- \xC3\xBC");
}
END_TEST

START_TEST(fix_edits_get_positions)
{
	const char *text = "SELECT '\xE2\x82\xAC';\r\nCREATE INDEX i ON t (a);\r\n";
	ml_line_map map;
	ml_edge_file file = file_of(text, &map);
	size_t index = at(text, "INDEX") + strlen("INDEX");
	ml_edit edits[2] = {
		{ .start = index, .end = index, .replacement = " CONCURRENTLY" },
		{ .start = at(text, "(a)"), .end = at(text, "(a)") + 3, .replacement = "(b)" },
	};
	ml_engine_finding e = finding_at(at(text, "CREATE"), at(text, "(a)") + 3);
	e.finding.edits = edits;
	e.finding.n_edits = 2;
	e.finding.fix_description = "add CONCURRENTLY";
	ml_diagnostic d;
	ml_diagnostic_from_finding(arena, &file, &e, &d);
	ck_assert_ptr_nonnull(d.fix);
	ck_assert_uint_eq(d.fix->n_edits, 2);
	ck_assert_str_eq(d.fix->description, "add CONCURRENTLY");
	const ml_edit *k = d.fix->edits;
	ck_assert_uint_eq(k[0].start, index);
	ck_assert_int_eq(k[0].line, 2);
	ck_assert_int_eq(k[0].column, 13);
	ck_assert_int_eq(k[0].end_line, 2);
	ck_assert_int_eq(k[0].end_column, 13);
	ck_assert_str_eq(k[0].replacement, " CONCURRENTLY");
	ck_assert_ptr_ne(k[0].replacement, edits[0].replacement);
	ck_assert_int_eq(k[1].line, 2);
	ck_assert_int_eq(k[1].column, 21);
	ck_assert_int_eq(k[1].end_column, 24);
	/* Line 1's 3-byte "€" and CRLF count in no column of line 2. */
	ck_assert_int_eq(d.end_line, 2);
	ck_assert_int_eq(d.end_column, 24);
}
END_TEST

START_TEST(suppressing_comment_is_described_once)
{
	const char *text = "-- migralint-ignore test-rule: a reason\nDROP TABLE t;\n";
	ml_line_map map;
	ml_edge_file file = file_of(text, &map);
	ml_suppression s = { .line = 1, .column = 1, .directive = ML_DIRECTIVE_MIGRALINT, .reason = "a reason" };
	ml_engine_finding e = finding_at(at(text, "DROP"), at(text, "DROP") + strlen("DROP TABLE t"));
	e.suppressed_by = &s;
	ml_diagnostic d1, d2;
	ml_diagnostic_from_finding(arena, &file, &e, &d1);
	ml_diagnostic_from_finding(arena, &file, &e, &d2);
	ck_assert_ptr_nonnull(d1.suppressed);
	ck_assert_ptr_eq(d1.suppressed, d2.suppressed);
	ck_assert_str_eq(d1.suppressed->kind, "migralint-ignore");
	ck_assert_str_eq(d1.suppressed->reason, "a reason");
	ck_assert_int_eq(d1.suppressed->line, 1);
}
END_TEST

START_TEST(dropped_text_and_no_excerpts)
{
	const char *text = "SELECT 1;\nDROP TABLE t;\n";
	ml_line_map map;
	ml_edge_file file = file_of(text, &map);
	ml_engine_finding e = finding_at(at(text, "DROP"), at(text, "DROP") + strlen("DROP TABLE t"));
	ml_diagnostic d;
	/* Text given back up to the line's middle: no excerpt, not a wrong one. */
	file.dropped = at(text, "TABLE");
	ml_diagnostic_from_finding(arena, &file, &e, &d);
	ck_assert_ptr_null(d.excerpt);
	ck_assert_int_eq(d.line, 2);
	file.dropped = at(text, "DROP");
	ml_diagnostic_from_finding(arena, &file, &e, &d);
	ck_assert_str_eq(d.excerpt, "DROP TABLE t;");
	file.excerpts = false;
	ml_diagnostic_from_finding(arena, &file, &e, &d);
	ck_assert_ptr_null(d.excerpt);
}
END_TEST

START_TEST(dynamic_names_are_described)
{
	const char *text = "DO $$ BEGIN EXECUTE 'DROP TABLE ' || x; END $$;\n";
	ml_line_map map;
	ml_edge_file file = file_of(text, &map);
	ml_lock locks[1] = { { .table = "dynamic_name", .mode = ML_LOCK_ACCESS_EXCLUSIVE } };
	ml_engine_finding e = finding_at(0, strlen(text) - 1);
	e.finding.message = "dropping \"dynamic_name\" is forever";
	e.finding.help = "keep \"dynamic_name\"";
	e.locks = locks;
	e.n_locks = 1;
	e.rewrite = 0;
	e.scan = 1;
	ml_diagnostic d;
	ml_diagnostic_from_finding(arena, &file, &e, &d);
	/* Before the file had dynamic SQL the name is a real one. */
	ck_assert_str_eq(d.message, "dropping \"dynamic_name\" is forever");
	ck_assert_str_eq(d.locks[0].table, "dynamic_name");
	e.dynamic_names = true;
	ml_diagnostic_from_finding(arena, &file, &e, &d);
	ck_assert_str_eq(d.message, "dropping " ML_DYNAMIC_NAME_TEXT " is forever");
	ck_assert_str_eq(d.help, "keep " ML_DYNAMIC_NAME_TEXT);
	ck_assert_uint_eq(d.n_locks, 1);
	ck_assert_str_eq(d.locks[0].table, ML_DYNAMIC_NAME_TEXT);
	ck_assert_str_eq(d.locks[0].mode, "ACCESS EXCLUSIVE");
	ck_assert_int_eq(d.rewrite, 0);
	ck_assert_int_eq(d.scan, 1);
}
END_TEST

START_TEST(statement_record_gets_its_position)
{
	const char *text = "SELECT '\xC3\xA9';\r\n  ALTER TABLE t ADD c int;\r\n";
	ml_line_map map;
	ml_edge_file file = file_of(text, &map);
	ml_lock held[1] = { { .table = "dynamic_name", .mode = ML_LOCK_ACCESS_EXCLUSIVE } };
	ml_engine_record rec = { .start = at(text, "ALTER"), .kind = "ALTER TABLE", .n_locks = 1,
				 .locks = { { .table = "t", .mode = ML_LOCK_ACCESS_EXCLUSIVE } },
				 .held = held, .n_held = 1, .dynamic_names = true };
	ml_statement_record r, again;
	ml_map kinds = { 0 };
	ml_statement_record_copy(arena, &kinds, &file, &rec, &r);
	ml_statement_record_copy(arena, &kinds, &file, &rec, &again);
	ck_assert_ptr_ne(r.kind, rec.kind);
	ck_assert_ptr_eq(again.kind, r.kind); /* one copy per kind */
	ck_assert_str_eq(r.path, "m.sql");
	ck_assert_int_eq(r.line, 2);
	ck_assert_int_eq(r.column, 3);
	ck_assert_str_eq(r.kind, "ALTER TABLE");
	ck_assert_str_eq(r.locks[0].table, "t");
	ck_assert_uint_eq(r.n_held, 1);
	ck_assert_str_eq(r.held[0].table, ML_DYNAMIC_NAME_TEXT);
	ck_assert_ptr_ne(r.held, rec.held);
}
END_TEST

/* The same positions through a whole run: the engine's byte span of a
 * finding in a CRLF file with multi-byte characters, and its fix. */
START_TEST(run_reports_lines_and_columns_of_crlf_utf8)
{
	ml_options opts;
	ml_options_init(&opts);
	opts.exclude[0] = "require-lock-timeout";
	opts.exclude[1] = "require-statement-timeout";
	ml_run *run = ml_run_new(&opts);
	ck_assert_ptr_nonnull(run);
	const char *sql = "-- \xC3\xA9t\xC3\xA9\r\nSELECT '\xE2\x82\xAC'; CREATE INDEX i ON t (a);\r\n";
	ck_assert_int_eq(ml_run_lint_buffer(run, "m.sql", sql, strlen(sql)), 0);
	size_t n;
	const ml_diagnostic *d = ml_run_diagnostics(run, &n);
	const ml_diagnostic *hit = NULL;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(d[i].rule, "require-concurrent-index-creation"))
			hit = &d[i];
	ck_assert_ptr_nonnull(hit);
	ck_assert_int_eq(hit->line, 2);
	/* It points at the table: S E L E C T _ ' € ' ; _ C R E A T E _ I N D E X _ i _ O N _ t */
	ck_assert_int_eq(hit->column, 31);
	ck_assert_uint_eq(hit->start, (size_t)(strstr(sql, "t (a)") - sql));
	ck_assert_int_eq(hit->end_line, 2);
	ck_assert_int_eq(hit->end_column, 36); /* one past ")" */
	ck_assert_str_eq(hit->excerpt, "SELECT '\xE2\x82\xAC'; CREATE INDEX i ON t (a);");
	ck_assert_ptr_nonnull(hit->fix);
	ck_assert_uint_eq(hit->fix->n_edits, 1);
	ck_assert_int_eq(hit->fix->edits[0].line, 2);
	ck_assert_int_eq(hit->fix->edits[0].column, 25); /* after "CREATE INDEX" */
	ck_assert_uint_eq(hit->fix->edits[0].start, (size_t)(strstr(sql, " i ON") - sql));
	ml_run_free(run);
}
END_TEST

Suite *diagnostics_suite(void)
{
	Suite *s = suite_create("diagnostics");
	TCase *tc = tcase_create("edge");
	tcase_add_checked_fixture(tc, arena_setup, arena_teardown);
	tcase_add_test(tc, span_counts_characters_not_bytes);
	tcase_add_test(tc, crlf_lines_and_excerpt);
	tcase_add_test(tc, fix_edits_get_positions);
	tcase_add_test(tc, suppressing_comment_is_described_once);
	tcase_add_test(tc, dropped_text_and_no_excerpts);
	tcase_add_test(tc, dynamic_names_are_described);
	tcase_add_test(tc, statement_record_gets_its_position);
	tcase_add_test(tc, run_reports_lines_and_columns_of_crlf_utf8);
	suite_add_tcase(s, tc);
	return s;
}
