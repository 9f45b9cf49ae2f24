/*
 * lsp_rpc.c - the base protocol of the Language Server Protocol: each
 * message a header ("Content-Length: N", CRLF, then a blank line) and N
 * bytes of JSON. The reader never holds a body over its cap, and after
 * bytes that are not a message it finds the next header, so a client that
 * sends garbage gets an error and the server goes on. The writer sends
 * each message whole, as valid UTF-8.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lsp_rpc.h"
#include "lsp_text.h"

static const char CONTENT_LENGTH[] = "content-length:";

void ml_rpc_reader_init(ml_rpc_reader *r, int fd, size_t max_body)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->max_body = max_body;
}

void ml_rpc_reader_release(ml_rpc_reader *r)
{
	free(r->buf);
	r->buf = NULL;
	r->pos = r->len = r->cap = 0;
}

/* Reads more bytes into the buffer, keeping room for at least want bytes
 * from pos. Returns 1 when bytes came, 0 at the end of the input, -1 on
 * an error (errno) or when memory runs out. */
static int fill(ml_rpc_reader *r, size_t want)
{
	if (r->eof)
		return 0;
	if (r->pos) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->pos = 0;
	}
	size_t need = want > r->len + 65536 ? want : r->len + 65536;
	if (need > r->cap) {
		char *grown = realloc(r->buf, need);
		if (!grown) {
			errno = ENOMEM;
			return -1;
		}
		r->buf = grown;
		r->cap = need;
	}
	for (;;) {
		ssize_t n = read(r->fd, r->buf + r->len, r->cap - r->len);
		if (n > 0) {
			r->len += (size_t)n;
			return 1;
		}
		if (n == 0) {
			r->eof = true;
			return 0;
		}
		if (errno != EINTR)
			return -1;
	}
}

/* After a large body the buffer shrinks back, so one big document does
 * not keep its size for the rest of the session. */
static void shrink(ml_rpc_reader *r)
{
	if (r->cap <= (4u << 20) || r->len - r->pos > 65536)
		return;
	memmove(r->buf, r->buf + r->pos, r->len - r->pos);
	r->len -= r->pos;
	r->pos = 0;
	char *smaller = realloc(r->buf, 65536);
	if (smaller) {
		r->buf = smaller;
		r->cap = 65536;
	}
}

/* Where "content-length:" starts in s (n bytes), any case, or -1. */
static long find_content_length(const char *s, size_t n)
{
	size_t k = sizeof(CONTENT_LENGTH) - 1;
	for (size_t i = 0; i + k <= n; i++)
		if ((s[i] == 'C' || s[i] == 'c') && !strncasecmp(s + i, CONTENT_LENGTH, k))
			return (long)i;
	return -1;
}

/* Is the line (n bytes, no line break) "Name: value", Name a header token
 * of at most 64 characters? */
static bool header_line(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && i < 64 && (s[i] == '-' || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
			 (s[i] >= '0' && s[i] <= '9')))
		i++;
	return i > 0 && i < n && s[i] == ':';
}

/* The value of a Content-Length line (n bytes): digits between blanks.
 * Returns 0 with *out set, or -1. */
static int content_length_value(const char *s, size_t n, size_t *out)
{
	size_t i = sizeof(CONTENT_LENGTH) - 1;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	size_t v = 0, digits = 0;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
		if (v > ((size_t)-1 - 9) / 10)
			return -1;
		v = v * 10 + (size_t)(s[i] - '0');
	}
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (!digits || i != n)
		return -1;
	*out = v;
	return 0;
}

/* Copies up to 60 bytes of s for a message, control characters and quotes
 * as '?' (the server's log and the client's message show it). */
static void quote_bytes(char *out, size_t out_len, const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n && i < 60 && k + 1 < out_len; i++)
		out[k++] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == '\'' || s[i] == '"' ? '?' : s[i];
	if (out_len)
		out[k < out_len ? k : out_len - 1] = '\0';
}

/* Drops n bytes of body, read or to come. Returns 0, or -1 at the end of
 * the input or on an error. */
static int discard(ml_rpc_reader *r, size_t n)
{
	while (n) {
		size_t have = r->len - r->pos;
		if (have) {
			size_t take = have < n ? have : n;
			r->pos += take;
			n -= take;
			continue;
		}
		r->pos = r->len = 0;
		if (fill(r, 0) <= 0)
			return -1;
	}
	return 0;
}

ml_rpc_read_status ml_rpc_read(ml_rpc_reader *r, char **body, size_t *len, char *msg, size_t msg_len)
{
	*body = NULL;
	*len = 0;
	if (msg_len)
		msg[0] = '\0';
	bool in_header = false, have_length = false;
	size_t length = 0;
	char bad[160] = "";
	for (;;) {
		char *start = r->buf + r->pos;
		size_t avail = r->len - r->pos;
		char *nl = avail ? memchr(start, '\n', avail) : NULL;
		if (!nl) {
			if (avail > ML_RPC_MAX_HEADER_LINE) {
				/* So long without a line break: not a header. Skip to
				 * the next "Content-Length:" after its first byte, or
				 * keep only a tail that may hold the start of one. */
				long at = find_content_length(start + 1, avail - 1);
				size_t drop = at >= 0 ? (size_t)at + 1 : avail - (sizeof(CONTENT_LENGTH) - 2);
				r->skipped += drop;
				r->pos += drop;
				in_header = have_length = false;
				bad[0] = '\0';
				continue;
			}
			int got = fill(r, 0);
			if (got < 0) {
				snprintf(msg, msg_len, "cannot read the input: %s", strerror(errno));
				return ML_RPC_READ_ERROR;
			}
			if (got == 0) {
				if (r->skipped || in_header || avail)
					snprintf(msg, msg_len, "the input ended inside a message header (%zu bytes skipped)",
						 r->skipped + avail);
				r->pos = r->len;
				r->skipped = 0;
				return ML_RPC_END;
			}
			continue;
		}
		size_t line_len = (size_t)(nl - start), full = line_len + 1;
		if (line_len && start[line_len - 1] == '\r')
			line_len--;
		if (!in_header) {
			if (!line_len && !r->skipped) {
				r->pos += full; /* blank lines between messages */
				continue;
			}
			/* Bytes before a "Content-Length:" are not part of it. */
			long at = find_content_length(start, line_len);
			if (at > 0 || !header_line(start, line_len)) {
				size_t drop = at > 0 ? (size_t)at : full;
				r->skipped += drop;
				r->pos += drop;
				continue;
			}
			if (r->skipped) {
				snprintf(msg, msg_len, "skipped %zu bytes that are not a message (a header starts "
					 "'Content-Length: N', then a blank line)", r->skipped);
				r->skipped = 0;
				return ML_RPC_BAD_FRAME;
			}
			in_header = true;
		}
		if (!line_len) {
			r->pos += full;
			if (bad[0]) {
				snprintf(msg, msg_len, "%s", bad);
				return ML_RPC_BAD_FRAME;
			}
			if (!have_length) {
				snprintf(msg, msg_len, "a message header without Content-Length");
				return ML_RPC_BAD_FRAME;
			}
			break;
		}
		long at = find_content_length(start, line_len);
		if (at > 0) {
			/* The next message starts mid-line: this one was cut short. */
			r->pos += (size_t)at;
			snprintf(msg, msg_len, "a message header cut short");
			return ML_RPC_BAD_FRAME;
		}
		if (!header_line(start, line_len)) {
			if (!bad[0]) {
				char quoted[64];
				quote_bytes(quoted, sizeof(quoted), start, line_len);
				snprintf(bad, sizeof(bad), "a header line that is not 'Name: value': '%s'", quoted);
			}
		} else if (line_len >= sizeof(CONTENT_LENGTH) - 1 &&
			   !strncasecmp(start, CONTENT_LENGTH, sizeof(CONTENT_LENGTH) - 1)) {
			size_t v;
			if (content_length_value(start, line_len, &v) != 0) {
				char quoted[64];
				quote_bytes(quoted, sizeof(quoted), start, line_len);
				if (!bad[0])
					snprintf(bad, sizeof(bad), "a bad Content-Length header: '%s'", quoted);
			} else if (have_length && v != length) {
				if (!bad[0])
					snprintf(bad, sizeof(bad), "two different Content-Length headers");
			} else {
				have_length = true;
				length = v;
			}
		}
		r->pos += full;
	}
	if (length > r->max_body) {
		int dropped = discard(r, length);
		snprintf(msg, msg_len, "a message of %zu bytes is over the limit of %zu bytes: it was %s", length,
			 r->max_body, dropped == 0 ? "skipped" : "cut short by the end of the input");
		if (dropped != 0)
			return ML_RPC_END;
		shrink(r);
		return ML_RPC_BAD_FRAME;
	}
	while (r->len - r->pos < length) {
		int got = fill(r, length + 1);
		if (got < 0) {
			snprintf(msg, msg_len, "cannot read the input: %s", strerror(errno));
			return ML_RPC_READ_ERROR;
		}
		if (got == 0) {
			snprintf(msg, msg_len, "the input ended inside a message of %zu bytes (%zu read)", length,
				 r->len - r->pos);
			r->pos = r->len;
			return ML_RPC_END;
		}
	}
	char *copy = malloc(length + 1);
	if (!copy) {
		r->pos += length;
		snprintf(msg, msg_len, "out of memory reading a message of %zu bytes: it was skipped", length);
		return ML_RPC_BAD_FRAME;
	}
	memcpy(copy, r->buf + r->pos, length);
	copy[length] = '\0';
	r->pos += length;
	shrink(r);
	*body = copy;
	*len = length;
	return ML_RPC_MESSAGE;
}

bool ml_rpc_pending(ml_rpc_reader *r)
{
	if (r->pos < r->len || r->eof)
		return true;
	struct pollfd p = { .fd = r->fd, .events = POLLIN };
	return poll(&p, 1, 0) > 0;
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A message as it is written: room for the header first, then the JSON. */
typedef struct out_buf {
	char *data;
	size_t len, cap;
	bool failed;              /* memory ran out */
} out_buf;

/* The header goes in front of the body, in the room left for it. */
#define HEADER_ROOM 48

static bool reserve(out_buf *b, size_t more)
{
	if (b->failed)
		return false;
	if (b->len + more <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->len + more)
		cap *= 2;
	char *grown = realloc(b->data, cap);
	if (!grown) {
		b->failed = true;
		return false;
	}
	b->data = grown;
	b->cap = cap;
	return true;
}

static void put(out_buf *b, const char *s, size_t n)
{
	if (reserve(b, n)) {
		memcpy(b->data + b->len, s, n);
		b->len += n;
	}
}

/* s as a JSON string: quotes, backslashes and control characters escaped,
 * and each byte sequence that is not UTF-8 (quoted from a document that
 * held one) replaced by U+FFFD, so the client always reads valid UTF-8. */
static void put_string(out_buf *b, const char *s)
{
	static const char HEX[] = "0123456789abcdef";
	put(b, "\"", 1);
	for (size_t i = 0; s[i];) {
		size_t run = i;
		while (s[run] && (unsigned char)s[run] >= 0x20 && (unsigned char)s[run] < 0x80 && s[run] != '"' &&
		       s[run] != '\\')
			run++;
		if (run > i) {
			put(b, s + i, run - i);
			i = run;
			continue;
		}
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };
			put(b, esc, 2);
			i++;
		} else if (c < 0x20) {
			const char *named = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
			char esc[6] = { '\\', 'u', '0', '0', HEX[c >> 4], HEX[c & 15] };
			if (named)
				put(b, named, 2);
			else
				put(b, esc, 6);
			i++;
		} else {
			size_t units, k = ml_lsp_char_at(s + i, strnlen(s + i, 4), &units);
			if (k)
				put(b, s + i, k);
			else
				put(b, "\xEF\xBF\xBD", 3);
			i += k ? k : 1;
		}
	}
	put(b, "\"", 1);
}

static void put_number(out_buf *b, double d)
{
	char num[40];
	int n;
	if (d != d || d - d != 0)
		n = snprintf(num, sizeof(num), "null"); /* NaN, infinities: not JSON */
	else if (d == (double)(long long)d && d < 9007199254740992.0 && d > -9007199254740992.0)
		n = snprintf(num, sizeof(num), "%lld", (long long)d);
	else
		n = snprintf(num, sizeof(num), "%.17g", d);
	put(b, num, (size_t)n);
}

static void put_value(out_buf *b, const cJSON *v)
{
	if (cJSON_IsString(v)) {
		put_string(b, v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		put_number(b, v->valuedouble);
	} else if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
		bool object = cJSON_IsObject(v);
		put(b, object ? "{" : "[", 1);
		for (const cJSON *c = v->child; c; c = c->next) {
			if (c != v->child)
				put(b, ",", 1);
			if (object) {
				put_string(b, c->string ? c->string : "");
				put(b, ":", 1);
			}
			put_value(b, c);
		}
		put(b, object ? "}" : "]", 1);
	} else if (cJSON_IsTrue(v)) {
		put(b, "true", 4);
	} else if (cJSON_IsFalse(v)) {
		put(b, "false", 5);
	} else if (cJSON_IsRaw(v) && v->valuestring) {
		put(b, v->valuestring, strlen(v->valuestring));
	} else {
		put(b, "null", 4);
	}
}

int ml_rpc_send(int fd, const cJSON *message)
{
	/* Written here rather than by cJSON_Print: a publication of many
	 * diagnostics is most of what the server writes after an edit, and
	 * this writes it in one pass, checking the UTF-8 as it goes. */
	out_buf b = { 0 };
	if (reserve(&b, HEADER_ROOM))
		b.len = HEADER_ROOM;
	put_value(&b, message);
	if (b.failed) {
		free(b.data);
		errno = ENOMEM;
		return -1;
	}
	char header[HEADER_ROOM];
	int h = snprintf(header, sizeof(header), "Content-Length: %zu\r\n\r\n", b.len - HEADER_ROOM);
	memcpy(b.data + HEADER_ROOM - h, header, (size_t)h);
	int status = write_all(fd, b.data + HEADER_ROOM - h, b.len - HEADER_ROOM + (size_t)h);
	int err = errno;
	free(b.data);
	errno = err;
	return status;
}

static cJSON *envelope(void)
{
	cJSON *m = cJSON_CreateObject();
	if (m && !cJSON_AddStringToObject(m, "jsonrpc", "2.0")) {
		cJSON_Delete(m);
		return NULL;
	}
	return m;
}

/* Adds a copy of id (NULL: null) to m. Returns false when memory runs out. */
static bool add_id(cJSON *m, const cJSON *id)
{
	cJSON *copy = id ? cJSON_Duplicate(id, 1) : cJSON_CreateNull();
	return copy && cJSON_AddItemToObject(m, "id", copy);
}

cJSON *ml_rpc_result(const cJSON *id, cJSON *result)
{
	cJSON *m = envelope();
	if (!result)
		result = cJSON_CreateNull();
	if (!m || !result || !add_id(m, id) || !cJSON_AddItemToObject(m, "result", result)) {
		cJSON_Delete(m);
		cJSON_Delete(result);
		return NULL;
	}
	return m;
}

cJSON *ml_rpc_error(const cJSON *id, int code, const char *message)
{
	cJSON *m = envelope();
	cJSON *err = cJSON_CreateObject();
	if (!m || !err || !add_id(m, id) || !cJSON_AddNumberToObject(err, "code", code) ||
	    !cJSON_AddStringToObject(err, "message", message) || !cJSON_AddItemToObject(m, "error", err)) {
		cJSON_Delete(m);
		cJSON_Delete(err);
		return NULL;
	}
	return m;
}

cJSON *ml_rpc_notification(const char *method, cJSON *params)
{
	cJSON *m = envelope();
	if (!m || !cJSON_AddStringToObject(m, "method", method) || (params && !cJSON_AddItemToObject(m, "params", params))) {
		cJSON_Delete(m);
		cJSON_Delete(params);
		return NULL;
	}
	return m;
}

cJSON *ml_rpc_request(long id, const char *method, cJSON *params)
{
	cJSON *m = ml_rpc_notification(method, params);
	if (m && !cJSON_AddNumberToObject(m, "id", (double)id)) {
		cJSON_Delete(m);
		return NULL;
	}
	return m;
}
