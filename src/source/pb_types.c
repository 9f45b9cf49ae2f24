/*
 * pb_types.c - numbers the protobuf message types reachable from
 * libpg_query's parse and scan results, once, and finds a type's number by
 * its descriptor's address (an open-addressing table read without locks
 * once made).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <pg_query/pg_query.pb-c.h>

#include "pb_types.h"

#define SLOTS (2 * ML_PB_MAX_TYPES)

struct slot {
	const ProtobufCMessageDescriptor *desc; /* NULL: empty */
	int index;
};

static struct slot slots[SLOTS];
static const ProtobufCMessageDescriptor *types[ML_PB_MAX_TYPES];
static uint16_t *field_tables[ML_PB_MAX_TYPES];
static uint32_t max_ids[ML_PB_MAX_TYPES];
static size_t n_types;
static bool too_many;
static pthread_once_t made = PTHREAD_ONCE_INIT;

static size_t slot_of(const ProtobufCMessageDescriptor *desc)
{
	uintptr_t h = (uintptr_t)desc;
	h ^= h >> 17;
	h *= 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 40) % SLOTS;
}

static void add(const ProtobufCMessageDescriptor *desc)
{
	size_t i = slot_of(desc);
	while (slots[i].desc) {
		if (slots[i].desc == desc)
			return;
		i = (i + 1) % SLOTS;
	}
	if (n_types == ML_PB_MAX_TYPES) {
		too_many = true;
		return;
	}
	slots[i] = (struct slot){ .desc = desc, .index = (int)n_types };
	types[n_types++] = desc;
	for (unsigned f = 0; f < desc->n_fields; f++)
		if (desc->fields[f].type == PROTOBUF_C_TYPE_MESSAGE)
			add(desc->fields[f].descriptor);
}

static void make_field_table(size_t index)
{
	const ProtobufCMessageDescriptor *desc = types[index];
	uint32_t max_id = 0;
	for (unsigned f = 0; f < desc->n_fields; f++)
		if (desc->fields[f].id > max_id)
			max_id = desc->fields[f].id;
	if (max_id > ML_PB_MAX_TABLE_ID || desc->n_fields >= UINT16_MAX)
		return;
	uint16_t *table = calloc(max_id + 1, sizeof(*table));
	if (!table)
		return;
	for (unsigned f = 0; f < desc->n_fields; f++)
		table[desc->fields[f].id] = (uint16_t)(f + 1);
	field_tables[index] = table;
	max_ids[index] = max_id;
}

static void make(void)
{
	add(&pg_query__parse_result__descriptor);
	add(&pg_query__scan_result__descriptor);
	for (size_t i = 0; !too_many && i < n_types; i++)
		make_field_table(i);
}

size_t ml_pb_type_count(void)
{
	pthread_once(&made, make);
	return too_many ? 0 : n_types;
}

const ProtobufCMessageDescriptor *ml_pb_type(size_t index)
{
	return index < ml_pb_type_count() ? types[index] : NULL;
}

const uint16_t *ml_pb_field_table(size_t index, uint32_t *max_id)
{
	if (index >= ml_pb_type_count())
		return NULL;
	*max_id = max_ids[index];
	return field_tables[index];
}

int ml_pb_type_index(const ProtobufCMessageDescriptor *desc)
{
	if (!ml_pb_type_count())
		return -1;
	/* Half the slots stay empty: a probe ends soon. */
	for (size_t i = slot_of(desc);; i = (i + 1) % SLOTS) {
		if (slots[i].desc == desc)
			return slots[i].index;
		if (!slots[i].desc)
			return -1;
	}
}

size_t ml_pb_value_size(ProtobufCType type)
{
	switch (type) {
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_DOUBLE:
		return 8;
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_STRING:
		return sizeof(char *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(void *);
	default:
		return 4;
	}
}
