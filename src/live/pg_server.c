/*
 * pg_server.c - the throwaway PostgreSQL of pg_server.h. (Interface only so
 * far: the server is built on branch h/server.)
 */
#include <stdio.h>

#include "pg_server.h"

ml_pg_server *ml_pg_server_start(const char *bin_dir, char *err, size_t err_size)
{
	(void)bin_dir;
	snprintf(err, err_size, "the throwaway server is not built yet");
	return NULL;
}

const char *ml_pg_server_conninfo(const ml_pg_server *server)
{
	(void)server;
	return "";
}

int ml_pg_server_major(const ml_pg_server *server)
{
	(void)server;
	return 0;
}

void ml_pg_server_stop(ml_pg_server *server)
{
	(void)server;
}
