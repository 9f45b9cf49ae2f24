/*
 * fuzz_unpack.c - libFuzzer harness for src/source/unpack.c, the decoder of
 * libpg_query's protobuf trees. The input is used twice:
 *   - as SQL: when it parses, the packed tree must decode, and pack back
 *     to the same bytes (what protobuf-c's own decoder also gives);
 *   - as protobuf bytes: decoding anything must not crash or read out of
 *     bounds, and where protobuf-c decodes it to exactly those bytes with
 *     no unknown fields, ours must give the same message.
 */
#include <pg_query.h>

#include "fuzz_common.h"
#include "tree.h"
#include "../protobuf_compare.h"

/* protobuf-c recurses once per level: keep its input shallow. */
#define MAX_DEPTH 1000

static void decode_bytes(const uint8_t *data, size_t len)
{
	if (ml_protobuf_depth(&pg_query__parse_result__descriptor, data, len, MAX_DEPTH) > MAX_DEPTH)
		return;
	ml_arena *arena = ml_arena_new();
	const ProtobufCMessage *ours = ml_unpack(arena, &pg_query__parse_result__descriptor, data, len);
	ProtobufCMessage *theirs = protobuf_c_message_unpack(&pg_query__parse_result__descriptor, NULL, len, data);
	if (theirs && !pb_has_unknown_fields(theirs) && pb_packs_to(theirs, data, len)) {
		FUZZ_CHECK(ours != NULL);
		FUZZ_CHECK(pb_packs_to(ours, data, len));
	}
	if (theirs)
		protobuf_c_message_free_unpacked(theirs, NULL);
	ml_arena_free(arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	decode_bytes(data, size);

	char *sql = malloc(size + 1);
	FUZZ_CHECK(sql != NULL);
	memcpy(sql, data, size);
	sql[size] = '\0';
	if (ml_nesting_estimate(sql, size) <= 10000) {
		PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql);
		if (!r.error) {
			const uint8_t *bytes = (const uint8_t *)r.parse_tree.data;
			ml_arena *arena = ml_arena_new();
			/* The harness runs on the main thread's stack, not on the
			 * engine's large one: a deeper tree must be refused as too
			 * deep, not decoded. */
			bool too_deep;
			const ProtobufCMessage *tree = ml_unpack_bounded(arena, &pg_query__parse_result__descriptor, bytes,
									 r.parse_tree.len, MAX_DEPTH, &too_deep);
			int depth = ml_protobuf_depth(&pg_query__parse_result__descriptor, bytes, r.parse_tree.len,
						      MAX_DEPTH);
			FUZZ_CHECK(too_deep == (depth > MAX_DEPTH));
			FUZZ_CHECK(tree != NULL || too_deep);
			FUZZ_CHECK(!tree || pb_packs_to(tree, bytes, r.parse_tree.len));
			ml_arena_free(arena);
		}
		pg_query_free_protobuf_parse_result(r);
	}
	free(sql);
	return 0;
}
