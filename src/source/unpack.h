/*
 * unpack.h - decoding libpg_query's protobuf-encoded parse trees into
 * protobuf-c's structs in an arena, without protobuf-c's unbounded recursion
 * (unpack.c).
 */
#ifndef MIGRALINT_UNPACK_H
#define MIGRALINT_UNPACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "arena.h"

/* Decodes len bytes of a protobuf message of type desc into protobuf-c's
 * struct for it, allocated in arena (freed with it). Returns NULL when the
 * bytes are malformed. Thread-safe. */
void *ml_unpack(ml_arena *arena, const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t len);
/* The same, giving up (NULL, *too_deep set) where messages nest deeper than
 * max_depth: the decoder recurses once per level. */
void *ml_unpack_bounded(ml_arena *arena, const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t len,
			int max_depth, bool *too_deep);

#endif
