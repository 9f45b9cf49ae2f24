/*
 * parse.h - one statement from text to a protobuf-c tree, from any thread
 * (parse.c).
 */
#ifndef MIGRALINT_PARSE_H
#define MIGRALINT_PARSE_H

#include <stdbool.h>
#include <stddef.h>

/* True when text (NUL-terminated, len bytes) parses, and one of its
 * statements is a COPY ... FROM STDIN: the server then asks psql for the
 * data. Thread-safe. */
bool ml_copies_from_stdin(const char *text, size_t len);

#endif
