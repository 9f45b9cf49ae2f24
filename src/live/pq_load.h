/*
 * pq_load.h - libpq, loaded when a command first talks to a server.
 *
 * Linking libpq brings in some twenty libraries (TLS, Kerberos, LDAP) that
 * the dynamic loader maps and relocates at every start, which tripled the
 * time of a plain lint of one small file. Only `trace` and `stats` use a
 * server, so libpq is opened with dlopen when they need it. Code in this
 * layer includes this header instead of <libpq-fe.h>: the PQ names below
 * call through the loaded table, with libpq's own types and signatures.
 */
#ifndef ML_PQ_LOAD_H
#define ML_PQ_LOAD_H

#include <stddef.h>

#include <libpq-fe.h>

#define ML_PQ_FUNCTIONS(X)                                                                                       \
	X(PQbackendPID) X(PQclear) X(PQcmdTuples) X(PQconnectdbParams) X(PQconsumeInput) X(PQerrorMessage)        \
	X(PQexec) X(PQexecParams) X(PQfinish) X(PQfreemem) X(PQgetCopyData) X(PQgetResult) X(PQgetisnull)         \
	X(PQgetvalue) X(PQisBusy) X(PQnfields) X(PQntuples) X(PQputCopyEnd) X(PQreset) X(PQresultErrorField)     \
	X(PQresultErrorMessage) X(PQresultStatus) X(PQsendQueryParams) X(PQsetNoticeReceiver) X(PQsocket)        \
	X(PQstatus) X(PQtransactionStatus)

struct ml_pq_api {
#define ML_PQ_MEMBER(name) __typeof__(name) *name;
	ML_PQ_FUNCTIONS(ML_PQ_MEMBER)
#undef ML_PQ_MEMBER
};

/* Filled by ml_pq_load; read-only after. */
extern struct ml_pq_api ml_pq;

/* Loads libpq (libpq.so.5) once per process; thread-safe. Returns 0 when
 * every function above is there, or -1 with a message naming the library
 * and what failed in err (err_size bytes). Calling it again after a
 * success costs nothing. */
int ml_pq_load(char *err, size_t err_size);

#ifndef ML_PQ_LOAD_IMPLEMENTATION
#define PQbackendPID (ml_pq.PQbackendPID)
#define PQclear (ml_pq.PQclear)
#define PQcmdTuples (ml_pq.PQcmdTuples)
#define PQconnectdbParams (ml_pq.PQconnectdbParams)
#define PQconsumeInput (ml_pq.PQconsumeInput)
#define PQerrorMessage (ml_pq.PQerrorMessage)
#define PQexec (ml_pq.PQexec)
#define PQexecParams (ml_pq.PQexecParams)
#define PQfinish (ml_pq.PQfinish)
#define PQfreemem (ml_pq.PQfreemem)
#define PQgetCopyData (ml_pq.PQgetCopyData)
#define PQgetResult (ml_pq.PQgetResult)
#define PQgetisnull (ml_pq.PQgetisnull)
#define PQgetvalue (ml_pq.PQgetvalue)
#define PQisBusy (ml_pq.PQisBusy)
#define PQnfields (ml_pq.PQnfields)
#define PQntuples (ml_pq.PQntuples)
#define PQputCopyEnd (ml_pq.PQputCopyEnd)
#define PQreset (ml_pq.PQreset)
#define PQresultErrorField (ml_pq.PQresultErrorField)
#define PQresultErrorMessage (ml_pq.PQresultErrorMessage)
#define PQresultStatus (ml_pq.PQresultStatus)
#define PQsendQueryParams (ml_pq.PQsendQueryParams)
#define PQsetNoticeReceiver (ml_pq.PQsetNoticeReceiver)
#define PQsocket (ml_pq.PQsocket)
#define PQstatus (ml_pq.PQstatus)
#define PQtransactionStatus (ml_pq.PQtransactionStatus)
#endif

#endif
