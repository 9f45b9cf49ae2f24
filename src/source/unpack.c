/*
 * unpack.c - decodes libpg_query's protobuf bytes into protobuf-c's own
 * message structs, allocated in an arena. protobuf-c's unpacker visits
 * every field of a message's descriptor for every message it decodes, and
 * PgQuery__Node has a field per node type (about 250): most of its time
 * goes there. This decoder looks fields up by tag in a table made once per
 * descriptor, so a message costs what its bytes hold. The structs are the
 * same as protobuf-c's (same descriptors, same defaults), so the rest of
 * the code walks them as before.
 *
 * Only what protobuf-c would accept is accepted: a truncated or malformed
 * input gives NULL. Repeated occurrences of a singular field keep the last
 * (libpg_query writes each field once); unknown fields are skipped.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "tree.h"
#include "pb_types.h"
#include "unpack.h"

/* What the decoder needs of a message type, computed once. */
struct message_info {
	const ProtobufCMessageDescriptor *desc;
	const uint16_t *field_by_id;   /* id -> index into desc->fields + 1; 0: unknown */
	uint32_t max_id;
	bool has_repeated;
};

/* What the decoder knows of each type, by its number (pb_types.h). */
static struct message_info infos[ML_PB_MAX_TYPES];
static pthread_once_t infos_once = PTHREAD_ONCE_INIT;
static bool infos_ok = true;

static const struct message_info *info_of(const ProtobufCMessageDescriptor *desc)
{
	int index = ml_pb_type_index(desc);
	return index < 0 ? NULL : &infos[index];
}

/* Fills info for type number index; false when the decoder cannot take
 * it. */
static bool fill_info(struct message_info *info, size_t index)
{
	const ProtobufCMessageDescriptor *desc = ml_pb_type(index);
	bool repeated = false;
	for (unsigned f = 0; f < desc->n_fields; f++)
		repeated |= desc->fields[f].label == PROTOBUF_C_LABEL_REPEATED;
	uint32_t max_id;
	const uint16_t *table = ml_pb_field_table(index, &max_id);
	if (!table)
		return false;
	info->field_by_id = table;
	info->max_id = max_id;
	info->has_repeated = repeated;
	info->desc = desc;
	return true;
}

static void build_infos(void)
{
	size_t n = ml_pb_type_count();
	infos_ok = n > 0;
	for (size_t i = 0; i < n; i++)
		if (!fill_info(&infos[i], i))
			infos_ok = false;
}

/* ---- wire format ---------------------------------------------------------- */

struct reader {
	const uint8_t *p, *end;
};

static bool read_varint(struct reader *r, uint64_t *out)
{
	uint64_t v = 0;
	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (r->p >= r->end)
			return false;
		uint8_t b = *r->p++;
		v |= (uint64_t)(b & 0x7F) << shift;
		if (!(b & 0x80)) {
			*out = v;
			return true;
		}
	}
	return false;
}

static bool read_fixed(struct reader *r, unsigned size, uint64_t *out)
{
	if ((size_t)(r->end - r->p) < size)
		return false;
	uint64_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)r->p[i] << (8 * i);
	r->p += size;
	*out = v;
	return true;
}

/* Reads a field's key: at most 5 bytes, and a first byte with no field
 * number bits is refused, as protobuf-c does. A longer encoding of field
 * number 0 is an unknown field (0 is no field's number). */
static bool read_key(struct reader *r, uint64_t *id, unsigned *wire)
{
	if (r->p >= r->end || (*r->p & 0xF8) == 0)
		return false;
	uint64_t key;
	const uint8_t *start = r->p;
	if (!read_varint(r, &key) || r->p - start > 5)
		return false;
	*id = (key >> 3) & 0xFFFFFFFFu;
	*wire = key & 7;
	return true;
}

/* Skips a field's value of wire type wire. */
static bool skip_value(struct reader *r, unsigned wire)
{
	uint64_t v;
	switch (wire) {
	case 0:
		return read_varint(r, &v);
	case 1:
		return read_fixed(r, 8, &v);
	case 2:
		if (!read_varint(r, &v) || v > (uint64_t)(r->end - r->p))
			return false;
		r->p += v;
		return true;
	case 5:
		return read_fixed(r, 4, &v);
	default:
		return false; /* groups are not proto3 */
	}
}

static const ProtobufCFieldDescriptor *field_of(const struct message_info *info, uint64_t id)
{
	if (id > info->max_id || !info->field_by_id[id])
		return NULL;
	return &info->desc->fields[info->field_by_id[id] - 1];
}

/* The wire type a field's value has when not packed. */
static unsigned wire_type_of(ProtobufCType type)
{
	switch (type) {
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_DOUBLE:
		return 1;
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_FLOAT:
		return 5;
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_BYTES:
	case PROTOBUF_C_TYPE_MESSAGE:
		return 2;
	default:
		return 0;
	}
}

/* Counts the scalar values in a packed payload. */
static bool count_packed(ProtobufCType type, const uint8_t *p, size_t len, size_t *count)
{
	unsigned wire = wire_type_of(type);
	if (wire == 1 || wire == 5) {
		size_t size = wire == 1 ? 8 : 4;
		if (len % size)
			return false;
		*count = len / size;
		return true;
	}
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += !(p[i] & 0x80);
	if (len && (p[len - 1] & 0x80))
		return false;
	*count = n;
	return true;
}

/* One decoding: where it allocates, and how deep messages may nest. */
struct decoder {
	ml_arena *arena;
	int depth, max_depth;
	bool too_deep;
};

static void *decode_message(struct decoder *dec, const struct message_info *info, const uint8_t *data, size_t len);

/* Stores one scalar, string, bytes or message value of field at dst. The
 * value was read with wire type wire; v holds a varint or fixed value. */
static bool store_value(struct decoder *dec, const ProtobufCFieldDescriptor *field, void *dst, uint64_t v,
			const uint8_t *bytes, size_t n)
{
	switch (field->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_ENUM:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_FLOAT: {
		uint32_t u = (uint32_t)v;
		memcpy(dst, &u, 4);
		return true;
	}
	case PROTOBUF_C_TYPE_SINT32: {
		uint32_t u = (uint32_t)v;
		int32_t s = (int32_t)((u >> 1) ^ (~(u & 1) + 1));
		memcpy(dst, &s, 4);
		return true;
	}
	case PROTOBUF_C_TYPE_SINT64: {
		int64_t s = (int64_t)((v >> 1) ^ (~(v & 1) + 1));
		memcpy(dst, &s, 8);
		return true;
	}
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_DOUBLE:
		memcpy(dst, &v, 8);
		return true;
	case PROTOBUF_C_TYPE_BOOL: {
		protobuf_c_boolean b = v != 0;
		memcpy(dst, &b, sizeof(b));
		return true;
	}
	case PROTOBUF_C_TYPE_STRING: {
		char *s = ml_arena_alloc(dec->arena, n + 1);
		memcpy(s, bytes, n);
		s[n] = '\0';
		memcpy(dst, &s, sizeof(s));
		return true;
	}
	case PROTOBUF_C_TYPE_BYTES: {
		ProtobufCBinaryData b = { n, NULL };
		if (n) {
			b.data = ml_arena_alloc(dec->arena, n);
			memcpy(b.data, bytes, n);
		}
		memcpy(dst, &b, sizeof(b));
		return true;
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		const struct message_info *child = info_of(field->descriptor);
		if (!child)
			return false;
		if (++dec->depth > dec->max_depth) {
			dec->too_deep = true;
			return false;
		}
		void *m = decode_message(dec, child, bytes, n);
		dec->depth--;
		if (!m)
			return false;
		memcpy(dst, &m, sizeof(m));
		return true;
	}
	default:
		return false;
	}
}

/* Reads one value of field, of wire type wire, and stores it at dst. */
static bool read_value(struct decoder *dec, struct reader *r, const ProtobufCFieldDescriptor *field, unsigned wire,
		       void *dst)
{
	uint64_t v = 0;
	switch (wire) {
	case 0:
		if (!read_varint(r, &v))
			return false;
		return store_value(dec, field, dst, v, NULL, 0);
	case 1:
	case 5:
		if (!read_fixed(r, wire == 1 ? 8 : 4, &v))
			return false;
		return store_value(dec, field, dst, v, NULL, 0);
	case 2: {
		if (!read_varint(r, &v) || v > (uint64_t)(r->end - r->p))
			return false;
		const uint8_t *bytes = r->p;
		r->p += v;
		return store_value(dec, field, dst, 0, bytes, (size_t)v);
	}
	default:
		return false;
	}
}

/* Counts the values of each repeated field in a message's bytes, so that
 * their arrays are allocated once, at the right size. */
static bool count_repeated(const struct message_info *info, const uint8_t *data, size_t len, size_t *counts)
{
	struct reader r = { data, data + len };
	while (r.p < r.end) {
		uint64_t id;
		unsigned wire;
		if (!read_key(&r, &id, &wire))
			return false;
		const ProtobufCFieldDescriptor *field = field_of(info, id);
		const uint8_t *value = r.p;
		if (!skip_value(&r, wire))
			return false;
		if (!field || field->label != PROTOBUF_C_LABEL_REPEATED)
			continue;
		size_t index = (size_t)(field - info->desc->fields);
		if (wire == 2 && wire_type_of(field->type) != 2) {
			/* packed: a length, then the values */
			struct reader inner = { value, r.p };
			uint64_t n;
			size_t count;
			if (!read_varint(&inner, &n) || !count_packed(field->type, inner.p, (size_t)n, &count))
				return false;
			counts[index] += count;
		} else {
			counts[index]++;
		}
	}
	return true;
}

/* Sizes and allocates msg's repeated fields from a first look at its
 * bytes. Kept out of decode_message, which recurses: its counts array
 * would otherwise sit in every level's stack frame. */
static __attribute__((noinline)) bool allocate_repeated(struct decoder *dec, const struct message_info *info,
							 uint8_t *msg, const uint8_t *data, size_t len)
{
	const ProtobufCMessageDescriptor *desc = info->desc;
	size_t stack_counts[64];
	size_t *counts = desc->n_fields <= 64 ? stack_counts : ml_arena_alloc(dec->arena, desc->n_fields * sizeof(size_t));
	memset(counts, 0, desc->n_fields * sizeof(size_t));
	if (!count_repeated(info, data, len, counts))
		return false;
	for (unsigned f = 0; f < desc->n_fields; f++) {
		const ProtobufCFieldDescriptor *field = &desc->fields[f];
		if (field->label != PROTOBUF_C_LABEL_REPEATED || !counts[f])
			continue;
		void *array = ml_arena_alloc(dec->arena, counts[f] * ml_pb_value_size(field->type));
		memcpy(msg + field->offset, &array, sizeof(array));
		/* n_ counts up again as values are stored */
	}
	return true;
}

static void *decode_message(struct decoder *dec, const struct message_info *info, const uint8_t *data, size_t len)
{
	const ProtobufCMessageDescriptor *desc = info->desc;
	uint8_t *msg = ml_arena_alloc(dec->arena, desc->sizeof_message);
	desc->message_init((ProtobufCMessage *)msg);

	if (info->has_repeated && !allocate_repeated(dec, info, msg, data, len))
		return NULL;

	struct reader r = { data, data + len };
	while (r.p < r.end) {
		uint64_t id;
		unsigned wire;
		if (!read_key(&r, &id, &wire))
			return NULL;
		const ProtobufCFieldDescriptor *field = field_of(info, id);
		if (!field) {
			if (!skip_value(&r, wire))
				return NULL;
			continue;
		}
		if (field->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t *n = (size_t *)(msg + field->quantifier_offset);
			uint8_t *array;
			memcpy(&array, msg + field->offset, sizeof(array));
			size_t size = ml_pb_value_size(field->type);
			if (wire == 2 && wire_type_of(field->type) != 2) {
				uint64_t payload;
				if (!read_varint(&r, &payload) || payload > (uint64_t)(r.end - r.p))
					return NULL;
				struct reader packed = { r.p, r.p + payload };
				r.p += payload;
				unsigned inner = wire_type_of(field->type);
				while (packed.p < packed.end)
					if (!read_value(dec, &packed, field, inner, array + *n * size))
						return NULL;
					else
						(*n)++;
				continue;
			}
			if (wire != wire_type_of(field->type))
				return NULL;
			if (!read_value(dec, &r, field, wire, array + *n * size))
				return NULL;
			(*n)++;
			continue;
		}
		if (wire != wire_type_of(field->type))
			return NULL;
		if (!read_value(dec, &r, field, wire, msg + field->offset))
			return NULL;
		if (field->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			uint32_t case_id = field->id;
			memcpy(msg + field->quantifier_offset, &case_id, sizeof(case_id));
		} else if (field->label == PROTOBUF_C_LABEL_OPTIONAL && field->type != PROTOBUF_C_TYPE_MESSAGE &&
			   field->type != PROTOBUF_C_TYPE_STRING) {
			protobuf_c_boolean has = 1;
			memcpy(msg + field->quantifier_offset, &has, sizeof(has));
		}
	}
	return msg;
}

void *ml_unpack_bounded(ml_arena *arena, const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t len,
			int max_depth, bool *too_deep)
{
	pthread_once(&infos_once, build_infos);
	const struct message_info *info = infos_ok ? info_of(desc) : NULL;
	*too_deep = false;
	if (!info) {
		/* A type outside the tables: protobuf-c's own decoder, which
		 * recurses without a bound. */
		if (ml_protobuf_depth(desc, data, len, max_depth) > max_depth) {
			*too_deep = true;
			return NULL;
		}
		ProtobufCAllocator alloc = ml_arena_protobuf_allocator(arena);
		return protobuf_c_message_unpack(desc, &alloc, len, data);
	}
	struct decoder dec = { arena, 0, max_depth, false };
	void *msg = decode_message(&dec, info, data, len);
	*too_deep = dec.too_deep;
	return msg;
}

void *ml_unpack(ml_arena *arena, const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t len)
{
	bool too_deep;
	return ml_unpack_bounded(arena, desc, data, len, ML_MAX_TREE_DEPTH, &too_deep);
}
