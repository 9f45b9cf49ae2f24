/*
 * test_lsp_text.c - what the language server builds on: byte offsets to
 * and from the protocol's positions (UTF-16 code units; 2-, 3- and 4-byte
 * characters, bytes that are not UTF-8, CRLF and lone CR line ends, past
 * the end), file: URIs and paths, the framing of messages (headers,
 * bodies split across reads, garbage, a bad or missing Content-Length, a
 * body over the cap, the end of input), and the parse cache the server
 * turns on (the same trees and lints, from the cache).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsp_rpc.h"
#include "lsp_text.h"
#include "lsp_uri.h"
#include "migralint/migralint.h"
#include "parse.h"
#include "parse_cache.h"
#include "unit.h"

static ml_lsp_position pos(size_t line, size_t character)
{
	return (ml_lsp_position){ line, character };
}

#define assert_position(lines, offset, l, c)                                         \
	do {                                                                         \
		ml_lsp_position p_ = ml_lsp_position_of((lines), (offset));          \
		ck_assert_msg(p_.line == (l) && p_.character == (c),                 \
			      "offset %zu: %zu:%zu, expected %zu:%zu", (size_t)(offset), \
			      p_.line, p_.character, (size_t)(l), (size_t)(c));     \
	} while (0)

static size_t offset_of(const ml_lsp_lines *lines, size_t line, size_t character)
{
	size_t offset = (size_t)-1;
	ck_assert_int_eq(ml_lsp_offset_of(lines, pos(line, character), &offset), 0);
	return offset;
}

START_TEST(multibyte_positions)
{
	/* é: 2 bytes, 1 unit; €: 3 bytes, 1 unit; 😀: 4 bytes, 2 units. */
	const char text[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z\n";
	ml_lsp_lines lines;
	ck_assert_int_eq(ml_lsp_lines_index(&lines, text, strlen(text)), 0);
	ck_assert_uint_eq(lines.n, 2);
	assert_position(&lines, 0, 0, 0);
	assert_position(&lines, 1, 0, 1);   /* before é */
	assert_position(&lines, 3, 0, 2);   /* before € */
	assert_position(&lines, 6, 0, 3);   /* before 😀 */
	assert_position(&lines, 10, 0, 5);  /* before z: 😀 counted as 2 */
	assert_position(&lines, 11, 0, 6);
	assert_position(&lines, 12, 1, 0);  /* after the line break */
	assert_position(&lines, 8, 0, 5);   /* inside 😀: counted as before it */
	assert_position(&lines, 500, 1, 0); /* past the end: the end */
	ck_assert_uint_eq(offset_of(&lines, 0, 3), 6);
	ck_assert_uint_eq(offset_of(&lines, 0, 5), 10);
	ck_assert_uint_eq(offset_of(&lines, 0, 4), 6);  /* inside the surrogate pair: its start */
	ck_assert_uint_eq(offset_of(&lines, 0, 99), 11); /* past the line's end: its end, before \n */
	ck_assert_uint_eq(offset_of(&lines, 1, 0), 12);
	size_t off;
	ck_assert_int_eq(ml_lsp_offset_of(&lines, pos(2, 0), &off), -1); /* past the last line */
	ck_assert_uint_eq(ml_lsp_utf16_units(text, strlen(text)), 7);
	ml_lsp_lines_release(&lines);
}
END_TEST

START_TEST(line_ends_and_bad_bytes)
{
	/* CRLF, a lone CR, LF; then bytes that are not UTF-8: a stray
	 * continuation byte, an overlong '/', a surrogate, a 4-byte
	 * character cut short at the end. */
	const char text[] = "ab\r\ncd\ref\n\x80x\xc0\xafy\xed\xa0\x80z\xf0\x9f\x98";
	size_t len = sizeof(text) - 1;
	ml_lsp_lines lines;
	ck_assert_int_eq(ml_lsp_lines_index(&lines, text, len), 0);
	ck_assert_uint_eq(lines.n, 4);
	ck_assert_uint_eq(lines.starts[1], 4);
	ck_assert_uint_eq(lines.starts[2], 7);
	ck_assert_uint_eq(lines.starts[3], 10);
	ck_assert_uint_eq(ml_lsp_line_end(&lines, 0), 2);
	ck_assert_uint_eq(ml_lsp_line_end(&lines, 1), 6);
	ck_assert_uint_eq(ml_lsp_line_end(&lines, 3), len);
	assert_position(&lines, 3, 0, 2); /* between CR and LF: the line's end */
	assert_position(&lines, 6, 1, 2);
	assert_position(&lines, 7, 2, 0);
	/* Each bad byte is one unit. */
	assert_position(&lines, 11, 3, 1);  /* after \x80 */
	assert_position(&lines, 12, 3, 2);  /* after x */
	assert_position(&lines, 14, 3, 4);  /* \xc0\xaf: two units */
	assert_position(&lines, 18, 3, 8);  /* y, then \xed\xa0\x80: three */
	assert_position(&lines, len, 3, 12); /* z, then the cut 😀: three */
	ck_assert_uint_eq(offset_of(&lines, 3, 4), 14);
	ck_assert_uint_eq(offset_of(&lines, 3, 12), len);
	ml_lsp_lines_release(&lines);

	ml_lsp_lines empty;
	ck_assert_int_eq(ml_lsp_lines_index(&empty, "", 0), 0);
	ck_assert_uint_eq(empty.n, 1);
	assert_position(&empty, 0, 0, 0);
	ck_assert_uint_eq(offset_of(&empty, 0, 7), 0);
	ml_lsp_lines_release(&empty);
}
END_TEST

START_TEST(uris)
{
	char *path = ml_lsp_uri_to_path("file:///home/me/db/001%20init%C3%A9.sql");
	ck_assert_str_eq(path, "/home/me/db/001 init\xc3\xa9.sql");
	char *uri = ml_lsp_path_to_uri(path, NULL);
	ck_assert_str_eq(uri, "file:///home/me/db/001%20init%C3%A9.sql");
	free(uri);
	free(path);
	path = ml_lsp_uri_to_path("file://localhost/tmp/a.sql");
	ck_assert_str_eq(path, "/tmp/a.sql");
	free(path);
	uri = ml_lsp_path_to_uri("db/a#1.sql", "/srv/app");
	ck_assert_str_eq(uri, "file:///srv/app/db/a%231.sql");
	free(uri);
	ck_assert_ptr_null(ml_lsp_uri_to_path("untitled:Untitled-1"));
	ck_assert_ptr_null(ml_lsp_uri_to_path("file://server/share/a.sql"));
	ck_assert_ptr_null(ml_lsp_uri_to_path("file:///a%00b.sql"));
	ck_assert_ptr_null(ml_lsp_uri_to_path("file:///a%zz.sql"));
	ck_assert_ptr_null(ml_lsp_uri_to_path("file:///a%4"));
}
END_TEST

/* A reader of what was written to a pipe (closed after it). */
static void reader_of(ml_rpc_reader *r, const char *bytes, size_t n, size_t max_body)
{
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], bytes, n), (ssize_t)n);
	close(fds[1]);
	ml_rpc_reader_init(r, fds[0], max_body);
}

static void expect(ml_rpc_reader *r, ml_rpc_read_status want, const char *body_or_message)
{
	char *body = NULL, msg[256];
	size_t len;
	ml_rpc_read_status got = ml_rpc_read(r, &body, &len, msg, sizeof(msg));
	ck_assert_msg(got == want, "status %d, expected %d (%s)", got, want, msg);
	if (got == ML_RPC_MESSAGE) {
		ck_assert_str_eq(body, body_or_message);
		ck_assert_uint_eq(len, strlen(body_or_message));
	} else if (body_or_message) {
		ck_assert_msg(strstr(msg, body_or_message), "message '%s' does not say '%s'", msg, body_or_message);
	}
	free(body);
}

START_TEST(framing)
{
	static const char input[] =
		"Content-Length: 2\r\n\r\n{}"                          /* plain */
		"\r\ncontent-length:3\nContent-Type: application/vscode-jsonrpc; charset=utf-8\n\n[1]" /* any case, LF, a
											   blank line before */
		"Content-Length: x2\r\n\r\n"                          /* bad length */
		"garbage\r\nmore garbageContent-Length: 4\r\n\r\nnull" /* resync mid-line */
		"Content-Type: a\r\n\r\n"                             /* no length */
		"Content-Length: 13\r\n\r\n{\"a\": \"long\"}"          /* over the cap of 8 */
		"Content-Length: 1\r\nContent-Length: 2\r\n\r\n"       /* two lengths */
		"Content-Length: 1\r\n\r\n7"
		"Content-Length: 6\r\n\r\n{}";                         /* cut short by the end */
	ml_rpc_reader r;
	reader_of(&r, input, sizeof(input) - 1, 8);
	expect(&r, ML_RPC_MESSAGE, "{}");
	expect(&r, ML_RPC_MESSAGE, "[1]");
	expect(&r, ML_RPC_BAD_FRAME, "bad Content-Length");
	expect(&r, ML_RPC_BAD_FRAME, "skipped 21 bytes");
	expect(&r, ML_RPC_MESSAGE, "null");
	expect(&r, ML_RPC_BAD_FRAME, "without Content-Length");
	expect(&r, ML_RPC_BAD_FRAME, "over the limit of 8 bytes");
	expect(&r, ML_RPC_BAD_FRAME, "two different Content-Length");
	expect(&r, ML_RPC_MESSAGE, "7");
	expect(&r, ML_RPC_END, "ended inside a message");
	expect(&r, ML_RPC_END, NULL);
	close(r.fd);
	ml_rpc_reader_release(&r);
}
END_TEST

START_TEST(framing_long_garbage)
{
	/* 100 KB without a line break, then a message: skipped in bounded
	 * memory, and found. */
	size_t n = 100000;
	char *input = malloc(n + 64);
	memset(input, 'x', n);
	int k = sprintf(input + n, "Content-Length: 2\r\n\r\n{}");
	ml_rpc_reader r;
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(fcntl(fds[1], F_SETPIPE_SZ, 1 << 20) > 0, 1);
	ck_assert_int_eq(write(fds[1], input, n + (size_t)k), (ssize_t)(n + (size_t)k));
	close(fds[1]);
	ml_rpc_reader_init(&r, fds[0], 1000);
	expect(&r, ML_RPC_BAD_FRAME, "skipped 100000 bytes");
	ck_assert_uint_le(r.cap, 200000);
	expect(&r, ML_RPC_MESSAGE, "{}");
	expect(&r, ML_RPC_END, NULL);
	close(fds[0]);
	ml_rpc_reader_release(&r);
	free(input);
}
END_TEST

/* The tree of a parse, packed again, to compare two parses byte for byte. */
static uint8_t *packed(const ml_parsed *p, size_t *len)
{
	ck_assert_int_eq(p->status, ML_PARSED_OK);
	*len = protobuf_c_message_get_packed_size(&p->tree->base);
	uint8_t *out = malloc(*len + 1);
	protobuf_c_message_pack(&p->tree->base, out);
	return out;
}

START_TEST(parse_cache)
{
	ml_parse_cache_enable(1 << 20);
	const char sql[] = "ALTER TABLE t ADD COLUMN a int NOT NULL DEFAULT now()";
	ml_parsed first, second, bad;
	ml_parse_statement(sql, strlen(sql), &first);
	ml_parse_statement(sql, strlen(sql), &second);
	size_t hits, misses, n1, n2;
	ml_parse_cache_counts(&hits, &misses);
	ck_assert_uint_eq(hits, 1);
	ck_assert_uint_eq(misses, 1);
	uint8_t *a = packed(&first, &n1), *b = packed(&second, &n2);
	ck_assert_uint_eq(n1, n2);
	ck_assert_int_eq(memcmp(a, b, n1), 0);
	free(a);
	free(b);
	/* A statement that does not parse is parsed every time. */
	ml_parse_statement("SELECT (", 8, &bad);
	ck_assert_int_eq(bad.status, ML_PARSED_ERROR);
	ml_parsed_free(&bad);
	ml_parse_statement("SELECT (", 8, &bad);
	ck_assert_int_eq(bad.status, ML_PARSED_ERROR);
	ml_parse_cache_counts(&hits, &misses);
	ck_assert_uint_eq(hits, 1);
	ml_parsed_free(&bad);
	ml_parsed_free(&first);
	ml_parsed_free(&second);

	/* A whole lint, PL/pgSQL bodies included, is the same from the cache. */
	const char text[] = "CREATE INDEX i ON t (a);\nDO $$ BEGIN UPDATE t SET a = 1; COMMIT; END $$;\n"
			    "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;\n";
	ml_lint_result r1 = ml_lint_text(NULL, NULL, "a.sql", text, strlen(text));
	ml_parse_cache_counts(&hits, &misses);
	size_t hits_before = hits;
	ml_lint_result r2 = ml_lint_text(NULL, NULL, "a.sql", text, strlen(text));
	ml_parse_cache_counts(&hits, &misses);
	/* The 3 statements, the 2 bodies, and the UPDATE in the DO block. */
	ck_assert_uint_eq(hits - hits_before, 6);
	ck_assert_uint_gt(r1.n_diagnostics, 0);
	ck_assert_uint_eq(r1.n_diagnostics, r2.n_diagnostics);
	for (size_t i = 0; i < r1.n_diagnostics; i++) {
		ck_assert_str_eq(r1.diagnostics[i].rule, r2.diagnostics[i].rule);
		ck_assert_uint_eq(r1.diagnostics[i].start, r2.diagnostics[i].start);
		ck_assert_str_eq(r1.diagnostics[i].message, r2.diagnostics[i].message);
	}
	ml_lint_result_free(&r1);
	ml_lint_result_free(&r2);
	ml_parse_cache_enable(0);
	ml_parse_statement(sql, strlen(sql), &first);
	ml_parse_cache_counts(&hits, &misses);
	ck_assert_uint_eq(hits + misses, 0); /* off: not even looked up */
	ml_parsed_free(&first);
}
END_TEST

Suite *lsp_text_suite(void)
{
	Suite *s = suite_create("lsp_text");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, multibyte_positions);
	tcase_add_test(tc, line_ends_and_bad_bytes);
	tcase_add_test(tc, uris);
	tcase_add_test(tc, framing);
	tcase_add_test(tc, framing_long_garbage);
	tcase_add_test(tc, parse_cache);
	suite_add_tcase(s, tc);
	return s;
}
