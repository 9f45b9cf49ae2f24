/*
 * pack.c - encodes libpg_query's protobuf-c trees in linear time, in place
 * of protobuf-c's encoder, for libpg_query's own calls to it.
 *
 * libpg_query turns each parse tree into protobuf-c structs and packs them
 * (pg_query_parse_protobuf). protobuf-c's encoder was half of all
 * instructions of a large run (bench/run.sh): it visits every field of a
 * message's descriptor, and PgQuery__Node has a field per node type (about
 * 250), one of which is set; and it writes each submessage after asking its
 * size, which walks the submessage again, so a tree of depth d is walked d
 * times. This encoder goes straight to the set member of a oneof, and
 * packs in two linear passes: one records the sizes of all submessages in
 * order, the other writes, reading them back.
 *
 * The link wraps protobuf_c_message_get_packed_size and
 * protobuf_c_message_pack (ld --wrap, CMakeLists.txt), so libpg_query's
 * archive calls these. The bytes are protobuf-c's, byte for byte: fields in
 * descriptor order, the same rules for what is left out
 * (tests/unit/test_pack.c compares the two on every statement of the
 * project's SQL and of the corpus). A message type this file does not know
 * (not reachable from the parse and scan results) goes to protobuf-c.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pack.h"
#include "pb_types.h"
#include "tree.h"

/* ---- message types, known once ---------------------------------------------- */

struct pack_info {
	const ProtobufCMessageDescriptor *desc;
	/* Every field is in one oneof (PgQuery__Node): the case says which
	 * field to write, found by id in by_id (field index + 1; 0: none). */
	bool single_oneof;
	unsigned case_offset;
	const uint16_t *by_id;
	uint32_t max_id;
};

static struct pack_info infos[ML_PB_MAX_TYPES];
static pthread_once_t infos_once = PTHREAD_ONCE_INIT;

static const struct pack_info *info_of(const ProtobufCMessageDescriptor *desc)
{
	int index = ml_pb_type_index(desc);
	return index < 0 ? NULL : &infos[index];
}

static bool is_single_oneof(const ProtobufCMessageDescriptor *desc, unsigned *case_offset, uint32_t *max_id)
{
	if (desc->n_fields < 2)
		return false;
	*max_id = 0;
	for (unsigned f = 0; f < desc->n_fields; f++) {
		const ProtobufCFieldDescriptor *fd = &desc->fields[f];
		if (!(fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) || fd->quantifier_offset != desc->fields[0].quantifier_offset)
			return false;
		if (fd->id > *max_id)
			*max_id = fd->id;
	}
	*case_offset = desc->fields[0].quantifier_offset;
	return *max_id <= ML_PB_MAX_TABLE_ID;
}

static void fill_info(struct pack_info *info, size_t index)
{
	const ProtobufCMessageDescriptor *desc = ml_pb_type(index);
	unsigned case_offset = 0;
	uint32_t max_id = 0;
	info->desc = desc;
	if (!is_single_oneof(desc, &case_offset, &max_id))
		return;
	const uint16_t *table = ml_pb_field_table(index, &max_id);
	if (!table)
		return; /* written field by field, as any message */
	info->single_oneof = true;
	info->case_offset = case_offset;
	info->by_id = table;
	info->max_id = max_id;
}

static void build_infos(void)
{
	for (size_t i = 0, n = ml_pb_type_count(); i < n; i++)
		fill_info(&infos[i], i);
}

/* Is desc one of libpg_query's types? Its submessages are too. */
static bool known(const ProtobufCMessageDescriptor *desc)
{
	pthread_once(&infos_once, build_infos);
	return ml_pb_type_index(desc) >= 0;
}

/* ---- the sizes of one tree, recorded by get_packed_size for pack ---------------- */

/* Per thread: the sizes of the message being packed and of its
 * submessages, depth first, the order in which they are written. */
struct sizes {
	size_t *items;
	size_t len, cap;
	size_t next; /* while packing: the next to read */
	bool failed; /* out of memory while recording */
};

/* Records larger than this many sizes are freed after use. */
#define SIZES_KEPT ((size_t)1 << 16)

static pthread_key_t sizes_key;
static pthread_once_t sizes_once = PTHREAD_ONCE_INIT;
static bool sizes_key_ok;

static void free_sizes(void *p)
{
	struct sizes *s = p;
	if (s)
		free(s->items);
	free(s);
}

static void make_sizes_key(void)
{
	sizes_key_ok = pthread_key_create(&sizes_key, free_sizes) == 0;
}

static struct sizes *thread_sizes(void)
{
	pthread_once(&sizes_once, make_sizes_key);
	if (!sizes_key_ok)
		return NULL;
	struct sizes *s = pthread_getspecific(sizes_key);
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (s && pthread_setspecific(sizes_key, s) != 0) {
			free(s);
			s = NULL;
		}
	}
	return s;
}

/* Reserves the next slot; its index, or SIZE_MAX when out of memory. */
static size_t reserve(struct sizes *s)
{
	if (s->len == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		size_t *grown = realloc(s->items, cap * sizeof(*grown));
		if (!grown) {
			s->failed = true;
			return SIZE_MAX;
		}
		s->items = grown;
		s->cap = cap;
	}
	return s->len++;
}

/* ---- the wire format ------------------------------------------------------------- */

static size_t varint_size(uint64_t v)
{
	size_t n = 1;
	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static size_t put_varint(uint8_t *out, uint64_t v)
{
	size_t n = 0;
	while (v >= 0x80) {
		out[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	out[n++] = (uint8_t)v;
	return n;
}

static size_t put_fixed(uint8_t *out, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		out[i] = (uint8_t)(v >> (8 * i));
	return bytes;
}

static ProtobufCWireType wire_type(ProtobufCType type)
{
	switch (type) {
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_FLOAT:
		return PROTOBUF_C_WIRE_TYPE_32BIT;
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_DOUBLE:
		return PROTOBUF_C_WIRE_TYPE_64BIT;
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_BYTES:
	case PROTOBUF_C_TYPE_MESSAGE:
		return PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED;
	default:
		return PROTOBUF_C_WIRE_TYPE_VARINT;
	}
}

static uint64_t tag_of(uint32_t id, ProtobufCWireType wt)
{
	return ((uint64_t)id << 3) | (uint64_t)wt;
}

/* A scalar's value as written in a varint, or its fixed bits. */
static uint64_t scalar_bits(ProtobufCType type, const void *member)
{
	switch (type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_ENUM:
		/* negative values take ten bytes, as a sign-extended int64 */
		return (uint64_t)(int64_t)*(const int32_t *)member;
	case PROTOBUF_C_TYPE_SINT32: {
		int32_t v = *(const int32_t *)member;
		return (uint32_t)(((uint32_t)v << 1) ^ (uint32_t)(v >> 31));
	}
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_FLOAT:
		return *(const uint32_t *)member;
	case PROTOBUF_C_TYPE_SINT64: {
		int64_t v = *(const int64_t *)member;
		return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
	}
	case PROTOBUF_C_TYPE_BOOL:
		return *(const protobuf_c_boolean *)member ? 1 : 0;
	default:
		return *(const uint64_t *)member;
	}
}

static size_t scalar_payload_size(ProtobufCType type, const void *member)
{
	switch (wire_type(type)) {
	case PROTOBUF_C_WIRE_TYPE_32BIT:
		return 4;
	case PROTOBUF_C_WIRE_TYPE_64BIT:
		return 8;
	default:
		return varint_size(scalar_bits(type, member));
	}
}

static size_t put_scalar(uint8_t *out, ProtobufCType type, const void *member)
{
	switch (wire_type(type)) {
	case PROTOBUF_C_WIRE_TYPE_32BIT:
		return put_fixed(out, scalar_bits(type, member), 4);
	case PROTOBUF_C_WIRE_TYPE_64BIT:
		return put_fixed(out, scalar_bits(type, member), 8);
	default:
		return put_varint(out, scalar_bits(type, member));
	}
}

/* What protobuf-c leaves out of a proto3 field with no presence. */
static bool is_zeroish(const ProtobufCFieldDescriptor *fd, const void *member)
{
	switch (fd->type) {
	case PROTOBUF_C_TYPE_STRING: {
		const char *s = *(const char *const *)member;
		return !s || !*s;
	}
	case PROTOBUF_C_TYPE_BYTES:
		return ((const ProtobufCBinaryData *)member)->len == 0;
	case PROTOBUF_C_TYPE_MESSAGE:
		return *(const void *const *)member == NULL;
	case PROTOBUF_C_TYPE_BOOL:
		return *(const protobuf_c_boolean *)member == 0;
	/* Compared as numbers, as protobuf-c does: -0.0 is left out too
	 * (its bits are not 0). */
	case PROTOBUF_C_TYPE_FLOAT:
		return *(const float *)member == 0;
	case PROTOBUF_C_TYPE_DOUBLE:
		return *(const double *)member == 0;
	default:
		return ml_pb_value_size(fd->type) == 8 ? *(const uint64_t *)member == 0 : *(const uint32_t *)member == 0;
	}
}

/* Is the field written at all (not counting repeated fields)? */
static bool is_present(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *fd, const void *member)
{
	const char *base = (const char *)msg;
	if (fd->label == PROTOBUF_C_LABEL_REQUIRED)
		return true;
	if (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
		if (*(const uint32_t *)(base + fd->quantifier_offset) != fd->id)
			return false;
	} else if (fd->label == PROTOBUF_C_LABEL_NONE) {
		return !is_zeroish(fd, member);
	} else if (fd->type != PROTOBUF_C_TYPE_MESSAGE && fd->type != PROTOBUF_C_TYPE_STRING) {
		/* optional with a has_ flag */
		return *(const protobuf_c_boolean *)(base + fd->quantifier_offset) != 0;
	}
	if (fd->type == PROTOBUF_C_TYPE_MESSAGE || fd->type == PROTOBUF_C_TYPE_STRING) {
		const void *p = *(const void *const *)member;
		return p != NULL && p != fd->default_value;
	}
	return true;
}

/* ---- measuring ------------------------------------------------------------------- */

static size_t message_size(struct sizes *s, const ProtobufCMessage *msg);

/* One value of fd (not its tag): its bytes, with the length prefix of a
 * string, bytes or message. */
static size_t value_size(struct sizes *s, const ProtobufCFieldDescriptor *fd, const void *member)
{
	switch (fd->type) {
	case PROTOBUF_C_TYPE_STRING: {
		const char *str = *(const char *const *)member;
		size_t len = str ? strlen(str) : 0;
		return varint_size(len) + len;
	}
	case PROTOBUF_C_TYPE_BYTES: {
		size_t len = ((const ProtobufCBinaryData *)member)->len;
		return varint_size(len) + len;
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessage *sub = *(const ProtobufCMessage *const *)member;
		if (!sub)
			return 1; /* protobuf-c writes an empty message */
		size_t len = message_size(s, sub);
		return varint_size(len) + len;
	}
	default:
		return scalar_payload_size(fd->type, member);
	}
}

static size_t field_size(struct sizes *s, const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *fd)
{
	const char *member = (const char *)msg + fd->offset;
	size_t tag = varint_size(tag_of(fd->id, wire_type(fd->type)));
	if (fd->label != PROTOBUF_C_LABEL_REPEATED)
		return is_present(msg, fd, member) ? tag + value_size(s, fd, member) : 0;
	size_t count = *(const size_t *)((const char *)msg + fd->quantifier_offset);
	if (count == 0)
		return 0;
	const char *array = *(const char *const *)member;
	size_t width = ml_pb_value_size(fd->type);
	if (fd->flags & PROTOBUF_C_FIELD_FLAG_PACKED) {
		size_t payload = 0;
		for (size_t i = 0; i < count; i++)
			payload += scalar_payload_size(fd->type, array + i * width);
		return varint_size(tag_of(fd->id, PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED)) + varint_size(payload) + payload;
	}
	size_t total = 0;
	for (size_t i = 0; i < count; i++)
		total += tag + value_size(s, fd, array + i * width);
	return total;
}

/* The size of msg's encoding. Records it, and those of its submessages
 * depth first, in s. */
static size_t message_size(struct sizes *s, const ProtobufCMessage *msg)
{
	size_t slot = reserve(s);
	const ProtobufCMessageDescriptor *desc = msg->descriptor;
	const struct pack_info *info = info_of(desc);
	size_t total = 0;
	if (info && info->single_oneof) {
		uint32_t id = *(const uint32_t *)((const char *)msg + info->case_offset);
		if (id && id <= info->max_id && info->by_id[id])
			total = field_size(s, msg, &desc->fields[info->by_id[id] - 1]);
	} else {
		for (unsigned f = 0; f < desc->n_fields; f++)
			total += field_size(s, msg, &desc->fields[f]);
	}
	for (unsigned u = 0; u < msg->n_unknown_fields; u++) {
		const ProtobufCMessageUnknownField *uf = &msg->unknown_fields[u];
		total += varint_size(tag_of(uf->tag, uf->wire_type)) + uf->len;
	}
	if (slot != SIZE_MAX)
		s->items[slot] = total;
	return total;
}

/* ---- writing --------------------------------------------------------------------- */

static size_t pack_message(struct sizes *s, const ProtobufCMessage *msg, uint8_t *out);

static size_t pack_value(struct sizes *s, const ProtobufCFieldDescriptor *fd, const void *member, uint8_t *out)
{
	switch (fd->type) {
	case PROTOBUF_C_TYPE_STRING: {
		const char *str = *(const char *const *)member;
		size_t len = str ? strlen(str) : 0;
		size_t n = put_varint(out, len);
		if (len)
			memcpy(out + n, str, len);
		return n + len;
	}
	case PROTOBUF_C_TYPE_BYTES: {
		const ProtobufCBinaryData *bd = member;
		size_t n = put_varint(out, bd->len);
		if (bd->len)
			memcpy(out + n, bd->data, bd->len);
		return n + bd->len;
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessage *sub = *(const ProtobufCMessage *const *)member;
		if (!sub) {
			out[0] = 0;
			return 1;
		}
		/* The size recorded for sub is the next one: submessages are
		 * measured and written in the same order. */
		size_t len = s->items[s->next];
		size_t n = put_varint(out, len);
		return n + pack_message(s, sub, out + n);
	}
	default:
		return put_scalar(out, fd->type, member);
	}
}

static size_t pack_field(struct sizes *s, const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *fd, uint8_t *out)
{
	const char *member = (const char *)msg + fd->offset;
	uint64_t tag = tag_of(fd->id, wire_type(fd->type));
	if (fd->label != PROTOBUF_C_LABEL_REPEATED) {
		if (!is_present(msg, fd, member))
			return 0;
		size_t n = put_varint(out, tag);
		return n + pack_value(s, fd, member, out + n);
	}
	size_t count = *(const size_t *)((const char *)msg + fd->quantifier_offset);
	if (count == 0)
		return 0;
	const char *array = *(const char *const *)member;
	size_t width = ml_pb_value_size(fd->type);
	size_t n = 0;
	if (fd->flags & PROTOBUF_C_FIELD_FLAG_PACKED) {
		size_t payload = 0;
		for (size_t i = 0; i < count; i++)
			payload += scalar_payload_size(fd->type, array + i * width);
		n += put_varint(out + n, tag_of(fd->id, PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED));
		n += put_varint(out + n, payload);
		for (size_t i = 0; i < count; i++)
			n += put_scalar(out + n, fd->type, array + i * width);
		return n;
	}
	for (size_t i = 0; i < count; i++) {
		n += put_varint(out + n, tag);
		n += pack_value(s, fd, array + i * width, out + n);
	}
	return n;
}

static size_t pack_message(struct sizes *s, const ProtobufCMessage *msg, uint8_t *out)
{
	s->next++; /* msg's own size, read by its parent */
	const ProtobufCMessageDescriptor *desc = msg->descriptor;
	const struct pack_info *info = info_of(desc);
	size_t n = 0;
	if (info && info->single_oneof) {
		uint32_t id = *(const uint32_t *)((const char *)msg + info->case_offset);
		if (id && id <= info->max_id && info->by_id[id])
			n = pack_field(s, msg, &desc->fields[info->by_id[id] - 1], out);
	} else {
		for (unsigned f = 0; f < desc->n_fields; f++)
			n += pack_field(s, msg, &desc->fields[f], out + n);
	}
	for (unsigned u = 0; u < msg->n_unknown_fields; u++) {
		const ProtobufCMessageUnknownField *uf = &msg->unknown_fields[u];
		n += put_varint(out + n, tag_of(uf->tag, uf->wire_type));
		memcpy(out + n, uf->data, uf->len);
		n += uf->len;
	}
	return n;
}

/* ---- the wrapped entry points ----------------------------------------------------- */

size_t __real_protobuf_c_message_get_packed_size(const ProtobufCMessage *message);
size_t __real_protobuf_c_message_pack(const ProtobufCMessage *message, uint8_t *out);

/* Measures message into this thread's record; NULL when this encoder does
 * not take it (an unknown type, or no memory for the record). */
static struct sizes *measure(const ProtobufCMessage *message, size_t *size)
{
	if (!known(message->descriptor))
		return NULL;
	struct sizes *s = thread_sizes();
	if (!s)
		return NULL;
	s->len = 0;
	s->failed = false;
	*size = message_size(s, message);
	return s->failed ? NULL : s;
}

size_t __wrap_protobuf_c_message_get_packed_size(const ProtobufCMessage *message)
{
	size_t size;
	if (!measure(message, &size))
		return __real_protobuf_c_message_get_packed_size(message);
	return size;
}

size_t __wrap_protobuf_c_message_pack(const ProtobufCMessage *message, uint8_t *out)
{
	/* Measured again, though libpg_query has just asked the size of this
	 * very tree: a record kept from that call could be of another tree
	 * since put at the same address, and writing by its sizes would run
	 * past the buffer. Measuring is one linear pass. */
	size_t size;
	struct sizes *s = measure(message, &size);
	if (!s)
		return __real_protobuf_c_message_pack(message, out);
	s->next = 0;
	size_t n = pack_message(s, message, out);
	/* A huge tree's record is not kept for the life of the thread (a
	 * language server's lives long). */
	if (s->cap > SIZES_KEPT) {
		free(s->items);
		s->items = NULL;
		s->len = s->cap = 0;
	}
	return n;
}

size_t ml_pack_size(const ProtobufCMessage *message)
{
	return __wrap_protobuf_c_message_get_packed_size(message);
}

size_t ml_pack(const ProtobufCMessage *message, uint8_t *out)
{
	return __wrap_protobuf_c_message_pack(message, out);
}
