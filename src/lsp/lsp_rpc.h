/*
 * lsp_rpc.h - JSON-RPC 2.0 as the Language Server Protocol carries it
 * (lsp_rpc.c): messages framed by a Content-Length header, read from a file
 * descriptor with a cap on their size and a way back in step after bytes
 * that are not a message, and written whole, framed, as valid UTF-8.
 */
#ifndef MIGRALINT_LSP_RPC_H
#define MIGRALINT_LSP_RPC_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

/* The error codes of JSON-RPC and of the protocol. */
enum ml_rpc_error_code {
	ML_RPC_PARSE_ERROR = -32700,
	ML_RPC_INVALID_REQUEST = -32600,
	ML_RPC_METHOD_NOT_FOUND = -32601,
	ML_RPC_INVALID_PARAMS = -32602,
	ML_RPC_INTERNAL_ERROR = -32603,
	ML_RPC_SERVER_NOT_INITIALIZED = -32002,
};

/* The longest header line read before the bytes count as not a header. */
#define ML_RPC_MAX_HEADER_LINE 4096

/* Reads framed messages from a file descriptor. */
typedef struct ml_rpc_reader {
	int fd;
	size_t max_body;          /* a body larger than this is skipped, never held */
	char *buf;                /* bytes read, not yet taken: buf[pos, len) */
	size_t pos, len, cap;
	bool eof;                 /* the descriptor has no more bytes */
	size_t skipped;           /* bytes skipped that were not part of a message, not yet reported */
} ml_rpc_reader;

typedef enum ml_rpc_read_status {
	ML_RPC_MESSAGE = 0,       /* a message's body */
	ML_RPC_BAD_FRAME,         /* bytes that were not a message, or a body over the cap, were
				     skipped: the message says what; reading can go on */
	ML_RPC_END,               /* the input ended (the message says so when it ended inside a
				     message) */
	ML_RPC_READ_ERROR,        /* reading failed: the message says why */
} ml_rpc_read_status;

/* Starts a reader of fd; max_body > 0. Nothing is read yet. */
void ml_rpc_reader_init(ml_rpc_reader *r, int fd, size_t max_body);
/* Frees the reader's buffer (not the descriptor). */
void ml_rpc_reader_release(ml_rpc_reader *r);

/* Reads the next message. ML_RPC_MESSAGE: *body is a malloc'd copy of it,
 * NUL-terminated, *len bytes (the caller frees it). Otherwise *body is NULL
 * and msg (msg_len bytes) says what happened, or is empty. A header needs
 * Content-Length (other headers, Content-Type among them, are read and
 * passed over); lines may end with CRLF or LF. Bytes that are not a header
 * are skipped up to the next line that starts a header, and reported once
 * as ML_RPC_BAD_FRAME; so is a header with a bad or missing Content-Length
 * (up to its blank line), and a body over max_body (read and dropped).
 * Blocks until a message, the end of the input or an error. */
ml_rpc_read_status ml_rpc_read(ml_rpc_reader *r, char **body, size_t *len, char *msg, size_t msg_len);

/* Whether ml_rpc_read would find something without waiting: buffered
 * bytes, or the descriptor readable (or at its end). */
bool ml_rpc_pending(ml_rpc_reader *r);

/* Writes message (the caller keeps it) as one framed JSON text, with every
 * byte sequence that is not UTF-8 replaced by U+FFFD. Returns 0, or -1
 * with errno set when writing failed or memory ran out. */
int ml_rpc_send(int fd, const cJSON *message);

/* Messages to send, built new (the caller deletes them with cJSON_Delete).
 * id is copied (NULL: a null id); result and params are taken over (NULL:
 * a null result, no params). NULL when memory runs out. */
cJSON *ml_rpc_result(const cJSON *id, cJSON *result);
cJSON *ml_rpc_error(const cJSON *id, int code, const char *message);
cJSON *ml_rpc_notification(const char *method, cJSON *params);
cJSON *ml_rpc_request(long id, const char *method, cJSON *params);

#endif
