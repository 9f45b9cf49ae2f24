/*
 * check-pg-query.c - run by CMakeLists.txt at configure time: does the
 * libpg_query library found belong to the pg_query.h found? The protobuf-c
 * descriptors compiled into the library record the size of each message
 * struct; built with a header of another libpg_query (PostgreSQL 15's
 * header with 17's archive, say), the sizes of messages whose fields
 * changed disagree. Exits 0 when they agree, else 1 naming the first
 * message that does not.
 */
#include <stdio.h>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#define CHECK(type, descriptor) { #type, sizeof(type), &(descriptor) }

int main(void)
{
	static const struct {
		const char *name;
		size_t header_size;
		const ProtobufCMessageDescriptor *library;
	} messages[] = {
		CHECK(PgQuery__Constraint, pg_query__constraint__descriptor),
		CHECK(PgQuery__ColumnDef, pg_query__column_def__descriptor),
		CHECK(PgQuery__IndexStmt, pg_query__index_stmt__descriptor),
		CHECK(PgQuery__CreateStmt, pg_query__create_stmt__descriptor),
		CHECK(PgQuery__AlterTableCmd, pg_query__alter_table_cmd__descriptor),
		CHECK(PgQuery__RangeTblEntry, pg_query__range_tbl_entry__descriptor),
		CHECK(PgQuery__Query, pg_query__query__descriptor),
		CHECK(PgQuery__MergeStmt, pg_query__merge_stmt__descriptor),
	};
	for (size_t i = 0; i < sizeof(messages) / sizeof(messages[0]); i++) {
		if (messages[i].header_size != messages[i].library->sizeof_message) {
			printf("%s is %zu bytes in the header (PostgreSQL %s) but %zu in the library\n", messages[i].name,
			       messages[i].header_size, PG_VERSION, messages[i].library->sizeof_message);
			return 1;
		}
	}
	printf("PostgreSQL %s\n", PG_VERSION);
	return 0;
}
