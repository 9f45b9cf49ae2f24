/*
 * pb_types.h - the protobuf message types of libpg_query's trees, found
 * once from the parse and scan results and numbered, so that the decoder
 * (unpack.c) and the encoder (pack.c) keep what they know of each type in
 * a plain array.
 */
#ifndef ML_PB_TYPES_H
#define ML_PB_TYPES_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

/* At most this many types are numbered; more make ml_pb_type_count 0. */
#define ML_PB_MAX_TYPES 1024

/* How many types are reachable from the parse and scan results: 0 when
 * they could not be numbered (too many). Thread-safe; the table is made on
 * the first call. */
size_t ml_pb_type_count(void);

/* Type number index (below ml_pb_type_count), as a static descriptor. */
const ProtobufCMessageDescriptor *ml_pb_type(size_t index);

/* desc's number, or -1 when it is not one of the types. Thread-safe. */
int ml_pb_type_index(const ProtobufCMessageDescriptor *desc);

/* Fields with ids above this get no table. */
#define ML_PB_MAX_TABLE_ID 4096

/* Type number index's fields by id: table[id] is the field's place in
 * desc->fields plus one, 0 for no field; *max_id is the largest id. NULL
 * when an id is above ML_PB_MAX_TABLE_ID (or memory ran out). Static. */
const uint16_t *ml_pb_field_table(size_t index, uint32_t *max_id);

/* The bytes one value of type takes in a protobuf-c struct (an element of
 * a repeated field's array). */
size_t ml_pb_value_size(ProtobufCType type);

#endif
