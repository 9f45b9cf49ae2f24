/*
 * protobuf_compare.h - compares decoded protobuf-c messages by what they
 * pack to, for the decoder's unit test (tests/unit/test_unpack.c) and its
 * fuzz harness (tests/fuzz/fuzz_unpack.c).
 */
#ifndef MIGRALINT_PROTOBUF_COMPARE_H
#define MIGRALINT_PROTOBUF_COMPARE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <protobuf-c/protobuf-c.h>

/* protobuf-c's own encoder. The link sends the public names to migralint's
 * (src/source/pack.c, ld --wrap); these tests compare with protobuf-c. */
size_t __real_protobuf_c_message_get_packed_size(const ProtobufCMessage *message);
size_t __real_protobuf_c_message_pack(const ProtobufCMessage *message, uint8_t *out);

/* Does msg pack to exactly the len bytes at want? Aborts when out of
 * memory: a test cannot go on then. */
static inline bool pb_packs_to(const ProtobufCMessage *msg, const uint8_t *want, size_t len)
{
	size_t size = __real_protobuf_c_message_get_packed_size(msg);
	if (size != len)
		return false;
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		abort();
	__real_protobuf_c_message_pack(msg, buf);
	bool same = memcmp(buf, want, len) == 0;
	free(buf);
	return same;
}

/* Does msg, or any message in it, keep unknown fields? protobuf-c keeps
 * them and packs them back; migralint's decoder drops them. */
static inline bool pb_has_unknown_fields(const ProtobufCMessage *msg)
{
	if (msg->n_unknown_fields)
		return true;
	const ProtobufCMessageDescriptor *desc = msg->descriptor;
	const uint8_t *base = (const uint8_t *)msg;
	for (unsigned f = 0; f < desc->n_fields; f++) {
		const ProtobufCFieldDescriptor *field = &desc->fields[f];
		if (field->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if (field->flags & PROTOBUF_C_FIELD_FLAG_ONEOF &&
		    *(const uint32_t *)(base + field->quantifier_offset) != field->id)
			continue;
		if (field->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)(base + field->quantifier_offset);
			ProtobufCMessage *const *items = *(ProtobufCMessage *const *const *)(base + field->offset);
			for (size_t i = 0; i < n; i++)
				if (items[i] && pb_has_unknown_fields(items[i]))
					return true;
		} else {
			const ProtobufCMessage *sub = *(const ProtobufCMessage *const *)(base + field->offset);
			if (sub && pb_has_unknown_fields(sub))
				return true;
		}
	}
	return false;
}

#endif
