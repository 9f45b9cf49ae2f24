/*
 * failing_malloc.c - an LD_PRELOAD shim for tests/hostile_test.sh: malloc,
 * calloc and realloc fail with ENOMEM for any request of
 * MIGRALINT_FAIL_FROM bytes or more, so a test can see what migralint does
 * when memory runs out (its documented exit status, a message, no crash).
 * Smaller requests go to glibc as usual. Not for sanitizer builds, whose
 * runtime must come first and replaces malloc itself.
 */
#include <errno.h>
#include <stdlib.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);

/* The size from which requests fail; SIZE_MAX when the variable is unset. */
static size_t fail_from(void)
{
	static size_t limit;
	if (!limit) {
		const char *v = getenv("MIGRALINT_FAIL_FROM"); /* getenv does not allocate */
		limit = v && *v ? (size_t)strtoull(v, NULL, 10) : (size_t)-1;
		if (!limit)
			limit = 1;
	}
	return limit;
}

void *malloc(size_t size)
{
	if (size >= fail_from()) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	if (size && n >= fail_from() / size) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_calloc(n, size);
}

void *realloc(void *ptr, size_t size)
{
	if (size >= fail_from()) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(ptr, size);
}
