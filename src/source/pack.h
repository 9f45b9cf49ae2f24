/*
 * pack.h - a linear-time protobuf encoder for libpg_query's trees (see
 * pack.c), which the link puts in place of protobuf-c's for libpg_query.
 */
#ifndef ML_PACK_H
#define ML_PACK_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

/* The size of message's encoding, as protobuf_c_message_get_packed_size
 * gives it. message is only read. */
size_t ml_pack_size(const ProtobufCMessage *message);

/* Writes message's encoding to out, which has room for ml_pack_size bytes,
 * and returns that size: the very bytes protobuf_c_message_pack writes. */
size_t ml_pack(const ProtobufCMessage *message, uint8_t *out);

#endif
