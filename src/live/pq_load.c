/*
 * pq_load.c - opens libpq with dlopen the first time a command needs a
 * server (see pq_load.h for why it is not linked).
 */
#define ML_PQ_LOAD_IMPLEMENTATION
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#include "pq_load.h"

struct ml_pq_api ml_pq;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[256];

/* The soname of Debian's libpq5 package (the ABI libpq-fe.h describes). */
#define LIBPQ_SONAME "libpq.so.5"

static void load(void)
{
	void *lib = dlopen(LIBPQ_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		const char *why = dlerror();
		snprintf(load_error, sizeof(load_error), "cannot load %s, needed to talk to PostgreSQL: %s (install libpq5)",
			 LIBPQ_SONAME, why ? why : "unknown error");
		return;
	}
	struct ml_pq_api api;
#define ML_PQ_RESOLVE(name)                                                                                      \
	*(void **)&api.name = dlsym(lib, #name);                                                                 \
	if (!api.name) {                                                                                         \
		snprintf(load_error, sizeof(load_error), "%s has no function %s: too old a libpq", LIBPQ_SONAME, #name); \
		dlclose(lib);                                                                                    \
		return;                                                                                          \
	}
	ML_PQ_FUNCTIONS(ML_PQ_RESOLVE)
#undef ML_PQ_RESOLVE
	/* Kept open for the life of the process: connections may outlive
	 * any one caller. */
	ml_pq = api;
}

int ml_pq_load(char *err, size_t err_size)
{
	pthread_once(&load_once, load);
	if (ml_pq.PQconnectdbParams)
		return 0;
	if (err && err_size)
		snprintf(err, err_size, "%s", load_error);
	return -1;
}
