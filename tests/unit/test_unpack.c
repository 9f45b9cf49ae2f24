/*
 * test_unpack.c - src/source/unpack.c against protobuf-c's own decoder: every
 * statement of the project's SQL files (fixtures, safe recipes, examples)
 * decodes to a tree that packs back to the very bytes libpg_query wrote;
 * truncated and corrupted bytes that protobuf-c decodes to what a packer
 * writes decode the same way, and no input makes it crash; packed repeated
 * scalars, which SQL never produces, decode too.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include "arena.h"
#include "tree.h"
#include "unit.h"
#include "unpack.h"
#include "../protobuf_compare.h"

/* Inputs check_agree found canonical, so that a test can tell it compared
 * something. */
static size_t canonical_inputs;

/* Both decoders on bytes. Where protobuf-c's decoding packs back to the
 * very same bytes (what a packer writes: no unknown fields, no repeated
 * singular field, each value in its own wire type), ours must decode them
 * and pack back to them too. On other bytes the two may differ on whether
 * to accept them (protobuf-c takes a bool in any wire type, say; ours
 * refuses), but ours must not crash or read out of bounds (the ASan build
 * runs this too). */
static void check_agree(const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t len)
{
	ml_arena *mine = ml_arena_new();
	const ProtobufCMessage *ours = ml_unpack(mine, desc, data, len);
	ProtobufCMessage *theirs = protobuf_c_message_unpack(desc, NULL, len, data);
	if (theirs && !pb_has_unknown_fields(theirs) && pb_packs_to(theirs, data, len)) {
		ck_assert_msg(ours != NULL, "%zu bytes: protobuf-c decodes them, ml_unpack refuses", len);
		ck_assert_msg(pb_packs_to(ours, data, len), "%zu bytes: the two decodings differ", len);
		canonical_inputs++;
	}
	if (theirs)
		protobuf_c_message_free_unpacked(theirs, NULL);
	ml_arena_free(mine);
}

static size_t statements_checked;

static void check_statement(const char *stmt, const char *path, size_t at, void *data)
{
	(void)data;
	PgQueryProtobufParseResult r = pg_query_parse_protobuf(stmt);
	if (!r.error) {
		const uint8_t *bytes = (const uint8_t *)r.parse_tree.data;
		ml_arena *tree_arena = ml_arena_new();
		const ProtobufCMessage *tree =
			ml_unpack(tree_arena, &pg_query__parse_result__descriptor, bytes, r.parse_tree.len);
		ck_assert_msg(tree != NULL, "%s: statement at byte %zu did not decode", path, at);
		ck_assert_msg(pb_packs_to(tree, bytes, r.parse_tree.len),
			      "%s: statement at byte %zu decodes to a different tree", path, at);
		ml_arena_free(tree_arena);
		statements_checked++;
	}
	pg_query_free_protobuf_parse_result(r);
}

START_TEST(project_sql_round_trips)
{
	statements_checked = 0;
	unit_each_sql_statement(MIGRALINT_SOURCE_DIR "/tests/fixtures", check_statement, NULL);
	unit_each_sql_statement(MIGRALINT_SOURCE_DIR "/tests/safe-recipes", check_statement, NULL);
	unit_each_sql_statement(MIGRALINT_SOURCE_DIR "/examples", check_statement, NULL);
	/* Hundreds of fixture files: a count this low means the walk broke. */
	ck_assert_msg(statements_checked > 500, "only %zu statements checked", statements_checked);
}
END_TEST

static PgQueryProtobufParseResult parse_ok(const char *sql)
{
	PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql);
	ck_assert_msg(!r.error, "%s: %s", sql, r.error ? r.error->message : "");
	return r;
}

START_TEST(truncations_agree)
{
	PgQueryProtobufParseResult r = parse_ok(
		"CREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL DEFAULT 'x', n numeric(10, 2) "
		"CHECK (n > -1.5)); SELECT $1::int, -2147483648, 9223372036854775807, true");
	canonical_inputs = 0;
	for (size_t len = 0; len <= r.parse_tree.len; len++)
		check_agree(&pg_query__parse_result__descriptor, (const uint8_t *)r.parse_tree.data, len);
	/* Cuts at a field boundary of the outer message are messages too. */
	ck_assert_uint_ge(canonical_inputs, 2);
	pg_query_free_protobuf_parse_result(r);
}
END_TEST

START_TEST(corruptions_agree)
{
	PgQueryProtobufParseResult r = parse_ok("ALTER TABLE a.b ADD COLUMN c int[] DEFAULT '{}' NOT NULL");
	uint8_t *copy = malloc(r.parse_tree.len);
	ck_assert_ptr_nonnull(copy);
	static const uint8_t values[] = { 0x00, 0x01, 0x02, 0x05, 0x08, 0x0a, 0x12, 0x7f, 0x80, 0xff };
	canonical_inputs = 0;
	for (size_t at = 0; at < r.parse_tree.len; at++) {
		for (size_t v = 0; v < sizeof(values); v++) {
			memcpy(copy, r.parse_tree.data, r.parse_tree.len);
			copy[at] = values[v];
			check_agree(&pg_query__parse_result__descriptor, copy, r.parse_tree.len);
		}
	}
	/* Many changes keep the bytes a valid message (another string, number
	 * or node type): those were compared. */
	ck_assert_uint_ge(canonical_inputs, 100);
	free(copy);
	pg_query_free_protobuf_parse_result(r);
}
END_TEST

START_TEST(packed_repeated_scalars)
{
	/* RangeTblFunction.funcparams is a repeated uint64: packed on the wire. */
	PgQuery__RangeTblFunction in = PG_QUERY__RANGE_TBL_FUNCTION__INIT;
	uint64_t params[] = { 0, 1, 127, 128, 300, UINT64_MAX };
	in.n_funcparams = sizeof(params) / sizeof(params[0]);
	in.funcparams = params;
	in.funccolcount = -7;
	size_t len = protobuf_c_message_get_packed_size(&in.base);
	uint8_t *buf = malloc(len);
	ck_assert_ptr_nonnull(buf);
	protobuf_c_message_pack(&in.base, buf);
	const PgQuery__RangeTblFunction *out = ml_unpack(arena, &pg_query__range_tbl_function__descriptor, buf, len);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(out->n_funcparams, in.n_funcparams);
	for (size_t i = 0; i < in.n_funcparams; i++)
		ck_assert(out->funcparams[i] == params[i]);
	ck_assert_int_eq(out->funccolcount, -7);
	for (size_t cut = 0; cut <= len; cut++)
		check_agree(&pg_query__range_tbl_function__descriptor, buf, cut);
	free(buf);
}
END_TEST

START_TEST(scan_results_decode)
{
	PgQueryScanResult r = pg_query_scan("SELECT 1 -- migralint-ignore x\n/* c */");
	ck_assert_ptr_null(r.error);
	const PgQuery__ScanResult *scan =
		ml_unpack(arena, &pg_query__scan_result__descriptor, (const uint8_t *)r.pbuf.data, r.pbuf.len);
	ck_assert_ptr_nonnull(scan);
	ck_assert_uint_eq(scan->n_tokens, 4);
	ck_assert_int_eq(scan->tokens[2]->token, PG_QUERY__TOKEN__SQL_COMMENT);
	ck_assert(pb_packs_to(&scan->base, (const uint8_t *)r.pbuf.data, r.pbuf.len));
	pg_query_free_scan_result(r);
}
END_TEST

START_TEST(depth_bound)
{
	PgQueryProtobufParseResult r = parse_ok("SELECT 1 + (2 + (3 + (4 + (5 + (6 + 7)))))");
	const uint8_t *bytes = (const uint8_t *)r.parse_tree.data;
	bool too_deep = true;
	ck_assert_ptr_nonnull(
		ml_unpack_bounded(arena, &pg_query__parse_result__descriptor, bytes, r.parse_tree.len, 1000, &too_deep));
	ck_assert(!too_deep);
	int depth = ml_protobuf_depth(&pg_query__parse_result__descriptor, bytes, r.parse_tree.len, 1000);
	/* The bound counts levels as ml_protobuf_depth does. */
	ck_assert_int_gt(depth, 10);
	ck_assert_ptr_nonnull(ml_unpack_bounded(arena, &pg_query__parse_result__descriptor, bytes, r.parse_tree.len,
						depth, &too_deep));
	ck_assert(!too_deep);
	ck_assert_ptr_null(ml_unpack_bounded(arena, &pg_query__parse_result__descriptor, bytes, r.parse_tree.len,
					     depth - 1, &too_deep));
	ck_assert(too_deep);
	pg_query_free_protobuf_parse_result(r);
}
END_TEST

Suite *unpack_suite(void)
{
	Suite *s = suite_create("unpack");
	TCase *tc = tcase_create("unpack");
	tcase_add_checked_fixture(tc, arena_setup, arena_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, project_sql_round_trips);
	tcase_add_test(tc, truncations_agree);
	tcase_add_test(tc, corruptions_agree);
	tcase_add_test(tc, packed_repeated_scalars);
	tcase_add_test(tc, scan_results_decode);
	tcase_add_test(tc, depth_bound);
	suite_add_tcase(s, tc);
	return s;
}
