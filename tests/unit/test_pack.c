/*
 * test_pack.c - src/source/pack.c against protobuf-c's own encoder: on the
 * tree of every statement of the project's SQL files (fixtures, safe
 * recipes, examples) and, when ../shared is there, of the corpus and
 * PostgreSQL's regression SQL, both give the same size and the very same
 * bytes; and those are what libpg_query hands back. That the link sends
 * protobuf-c's names to pack.c (--wrap, which reaches libpg_query's
 * archive in the same link) is checked on this program's own reference to
 * them. Hand-built messages cover what SQL does not
 * produce: packed repeated scalars, negative enums and int32s, optional
 * fields, a double of -0.0, unknown fields.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include "arena.h"
#include "pack.h"
#include "unit.h"
#include "../protobuf_compare.h"

/* Both encoders on msg give the same size and bytes. Returns the size. */
static size_t check_same(const ProtobufCMessage *msg, const char *what)
{
	size_t theirs = __real_protobuf_c_message_get_packed_size(msg);
	size_t ours = ml_pack_size(msg);
	ck_assert_msg(ours == theirs, "%s: size %zu, protobuf-c says %zu", what, ours, theirs);
	uint8_t *a = malloc(theirs + 1), *b = malloc(theirs + 1);
	ck_assert(a && b);
	size_t na = __real_protobuf_c_message_pack(msg, a);
	size_t nb = ml_pack(msg, b);
	ck_assert_msg(na == nb && memcmp(a, b, na) == 0, "%s: the bytes differ from protobuf-c's", what);
	free(a);
	free(b);
	return ours;
}

static size_t statements_checked;
static size_t max_tree_bytes;

static void check_statement(const char *stmt, const char *path, size_t at)
{
	PgQueryProtobufParseResult r = pg_query_parse_protobuf(stmt);
	if (!r.error) {
		const uint8_t *bytes = (const uint8_t *)r.parse_tree.data;
		PgQuery__ParseResult *tree = pg_query__parse_result__unpack(NULL, r.parse_tree.len, bytes);
		ck_assert_msg(tree != NULL, "%s: statement at byte %zu did not decode", path, at);
		char what[4200];
		snprintf(what, sizeof(what), "%s: statement at byte %zu", path, at);
		size_t size = check_same(&tree->base, what);
		/* What libpg_query wrote is what protobuf-c writes. */
		ck_assert_msg(pb_packs_to(&tree->base, bytes, r.parse_tree.len), "%s: not libpg_query's bytes", what);
		if (size > max_tree_bytes)
			max_tree_bytes = size;
		pg_query__parse_result__free_unpacked(tree, NULL);
		statements_checked++;
	}
	pg_query_free_protobuf_parse_result(r);
}

static void check_each(const char *stmt, const char *path, size_t at, void *data)
{
	(void)data;
	check_statement(stmt, path, at);
}

START_TEST(project_sql_packs_as_protobuf_c)
{
	statements_checked = 0;
	unit_each_sql_statement(MIGRALINT_SOURCE_DIR "/tests/fixtures", check_each, NULL);
	unit_each_sql_statement(MIGRALINT_SOURCE_DIR "/tests/safe-recipes", check_each, NULL);
	unit_each_sql_statement(MIGRALINT_SOURCE_DIR "/examples", check_each, NULL);
	ck_assert_msg(statements_checked > 500, "only %zu statements checked", statements_checked);
}
END_TEST

/* The corpus holds every kind of statement PostgreSQL's own tests write:
 * nearly every node type and field. Skipped without ../shared, as in a
 * user's clone. */
START_TEST(corpus_packs_as_protobuf_c)
{
	const char *corpus = MIGRALINT_SOURCE_DIR "/../shared/corpus";
	struct stat sb;
	if (stat(corpus, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "test_pack: %s not found: corpus case skipped\n", corpus);
		return;
	}
	statements_checked = 0;
	max_tree_bytes = 0;
	unit_each_sql_statement(corpus, check_each, NULL);
	ck_assert_msg(statements_checked > 20000, "only %zu statements checked", statements_checked);
	/* Trees big enough for lengths of several bytes at many levels. */
	ck_assert_uint_gt(max_tree_bytes, 16384);
}
END_TEST

START_TEST(deep_and_wide_trees)
{
	/* Nested 300 deep, and a list of 5,000: lengths of 1, 2 and 3 bytes. */
	size_t depth = 300, wide = 5000;
	char *sql = malloc(depth * 8 + wide * 8 + 64);
	ck_assert_ptr_nonnull(sql);
	char *p = sql + sprintf(sql, "SELECT ");
	for (size_t i = 0; i < depth; i++)
		p += sprintf(p, "(1+");
	p += sprintf(p, "1");
	for (size_t i = 0; i < depth; i++)
		*p++ = ')';
	p += sprintf(p, " FROM t WHERE x IN (");
	for (size_t i = 0; i < wide; i++)
		p += sprintf(p, i ? ",%zu" : "%zu", i);
	sprintf(p, ")");
	statements_checked = 0;
	check_statement(sql, "generated", 0);
	ck_assert_uint_eq(statements_checked, 1);
	free(sql);
}
END_TEST

START_TEST(what_sql_does_not_produce)
{
	/* Packed repeated uint64, a negative int32. */
	PgQuery__RangeTblFunction fn = PG_QUERY__RANGE_TBL_FUNCTION__INIT;
	uint64_t params[] = { 0, 1, 127, 128, 300, UINT64_MAX };
	fn.n_funcparams = sizeof(params) / sizeof(params[0]);
	fn.funcparams = params;
	fn.funccolcount = -7;
	check_same(&fn.base, "RangeTblFunction");

	/* A oneof member set to an empty string is written; a plain string
	 * field that is empty is not. A negative enum takes ten bytes. */
	PgQuery__String str = PG_QUERY__STRING__INIT;
	str.sval = "";
	PgQuery__Node node = PG_QUERY__NODE__INIT;
	node.node_case = PG_QUERY__NODE__NODE_STRING;
	node.string = &str;
	check_same(&node.base, "Node with an empty String");
	PgQuery__ColumnDef col = PG_QUERY__COLUMN_DEF__INIT;
	col.colname = "";
	col.storage = "x";
	col.inhcount = -1;
	col.is_local = 1;
	check_same(&col.base, "ColumnDef");
	PgQuery__AConst aconst = PG_QUERY__A__CONST__INIT;
	aconst.isnull = 1;
	aconst.location = -1;
	check_same(&aconst.base, "A_Const");
	PgQuery__AlterTableCmd cmd = PG_QUERY__ALTER_TABLE_CMD__INIT;
	cmd.subtype = (PgQuery__AlterTableType)-3;
	cmd.behavior = PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
	cmd.def = &node;
	check_same(&cmd.base, "AlterTableCmd");

	/* A proto3 double is left out when it is 0 as a number, -0.0 too
	 * (protobuf-c compares the value, not its bits); 0.5 is written. */
	PgQuery__SubPlan plan = PG_QUERY__SUB_PLAN__INIT;
	plan.startup_cost = -0.0;
	plan.per_call_cost = 0.5;
	check_same(&plan.base, "SubPlan with a cost of -0.0");

	/* Unknown fields are written after the known ones. */
	uint8_t data[] = { 1, 2, 3 };
	ProtobufCMessageUnknownField unknown = { .tag = 4000, .wire_type = PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED,
						 .len = sizeof(data), .data = data };
	cmd.base.n_unknown_fields = 1;
	cmd.base.unknown_fields = &unknown;
	check_same(&cmd.base, "AlterTableCmd with an unknown field");
	cmd.base.n_unknown_fields = 0;
	cmd.base.unknown_fields = NULL;

	/* An empty Node (no member set) and an empty result. */
	PgQuery__Node empty = PG_QUERY__NODE__INIT;
	ck_assert_uint_eq(check_same(&empty.base, "empty Node"), 0);
	PgQuery__ParseResult none = PG_QUERY__PARSE_RESULT__INIT;
	check_same(&none.base, "empty ParseResult");
}
END_TEST

START_TEST(scan_results_pack_as_protobuf_c)
{
	PgQueryScanResult r = pg_query_scan("SELECT 1 -- migralint-ignore x\n/* c */ 'é' $$ body $$");
	ck_assert_ptr_null(r.error);
	PgQuery__ScanResult *scan =
		pg_query__scan_result__unpack(NULL, r.pbuf.len, (const uint8_t *)r.pbuf.data);
	ck_assert_ptr_nonnull(scan);
	check_same(&scan->base, "scan result");
	ck_assert(pb_packs_to(&scan->base, (const uint8_t *)r.pbuf.data, r.pbuf.len));
	pg_query__scan_result__free_unpacked(scan, NULL);
	pg_query_free_scan_result(r);
}
END_TEST

size_t __wrap_protobuf_c_message_get_packed_size(const ProtobufCMessage *message);
size_t __wrap_protobuf_c_message_pack(const ProtobufCMessage *message, uint8_t *out);

/* The link's --wrap options are in force: protobuf-c's names, in this
 * program as in the objects of libpg_query's archive linked with it, are
 * pack.c's functions. (With the shared libpg_query, MIGRALINT_STATIC_PG_QUERY
 * =OFF, its own calls stay inside it.) */
START_TEST(the_link_wraps_protobuf_c)
{
	size_t (*size_fn)(const ProtobufCMessage *) = protobuf_c_message_get_packed_size;
	size_t (*pack_fn)(const ProtobufCMessage *, uint8_t *) = protobuf_c_message_pack;
	ck_assert_ptr_eq((void *)size_fn, (void *)__wrap_protobuf_c_message_get_packed_size);
	ck_assert_ptr_eq((void *)pack_fn, (void *)__wrap_protobuf_c_message_pack);
}
END_TEST

Suite *pack_suite(void)
{
	Suite *s = suite_create("pack");
	TCase *tc = tcase_create("pack");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, the_link_wraps_protobuf_c);
	tcase_add_test(tc, project_sql_packs_as_protobuf_c);
	tcase_add_test(tc, corpus_packs_as_protobuf_c);
	tcase_add_test(tc, deep_and_wide_trees);
	tcase_add_test(tc, what_sql_does_not_produce);
	tcase_add_test(tc, scan_results_pack_as_protobuf_c);
	suite_add_tcase(s, tc);
	return s;
}
