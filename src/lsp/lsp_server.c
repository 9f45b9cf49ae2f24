/*
 * lsp_server.c - the language server's loop and dispatcher: reads each
 * message, checks it is a JSON-RPC request or notification with the right
 * shapes, keeps the protocol's lifecycle (nothing before initialize but
 * exit, nothing after shutdown but exit), and hands it to its method.
 * Every request gets one answer, a bad one a JSON-RPC error, and the
 * server goes on. Documents that changed are linted when no message is
 * waiting, so a burst of edits costs one lint.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp_internal.h"
#include "lsp_uri.h"
#include "parse_cache.h"

/* ---- talking to the client ------------------------------------------------ */

static void log_line(ml_lsp_server *s, const char *text)
{
	if (s->opts.log) {
		fprintf(s->opts.log, "migralint lsp: %s\n", text);
		fflush(s->opts.log);
	}
}

void ml_lsp_send(ml_lsp_server *s, cJSON *message)
{
	if (s->output_failed) {
		cJSON_Delete(message);
		return;
	}
	if (!message) {
		log_line(s, "out of memory building a message: it was not sent");
		return;
	}
	if (ml_rpc_send(s->opts.out_fd, message) != 0) {
		if (errno == ENOMEM) {
			log_line(s, "out of memory writing a message: it was not sent");
		} else {
			char text[160];
			snprintf(text, sizeof(text), "cannot write to the client: %s; stopping", strerror(errno));
			log_line(s, text);
			s->output_failed = true;
		}
	}
	cJSON_Delete(message);
}

static void tell(ml_lsp_server *s, const char *method, int type, const char *text)
{
	log_line(s, text);
	cJSON *params = cJSON_CreateObject();
	if (!params || !cJSON_AddNumberToObject(params, "type", type) || !cJSON_AddStringToObject(params, "message", text)) {
		cJSON_Delete(params);
		ml_lsp_send(s, NULL);
		return;
	}
	ml_lsp_send(s, ml_rpc_notification(method, params));
}

void ml_lsp_show(ml_lsp_server *s, int type, const char *text)
{
	tell(s, "window/showMessage", type, text);
}

void ml_lsp_log(ml_lsp_server *s, int type, const char *text)
{
	tell(s, "window/logMessage", type, text);
}

/* ---- reading parameters ---------------------------------------------------- */

bool ml_lsp_json_long(const cJSON *v, long *out)
{
	/* Both bounds are exact doubles (-2^63 and 2^63 on 64 bits). */
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= (double)LONG_MIN && v->valuedouble < -(double)LONG_MIN) ||
	    v->valuedouble != (double)(long)v->valuedouble)
		return false;
	*out = (long)v->valuedouble;
	return true;
}

/* A request's problem, for its error answer. */
typedef struct failure {
	int code;
	char message[512];
} failure;

static int fail(failure *f, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(failure *f, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
	f->code = code;
	return -1;
}

/* The member key of object o (named where, for the message) of the JSON
 * type wanted ("object", "string", "number", "array", "boolean").
 * Returns it; NULL (with f filled) when it is missing or of another type. */
static const cJSON *member(const cJSON *o, const char *where, const char *key, const char *wanted, failure *f)
{
	const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
	bool ok = v && ((!strcmp(wanted, "object") && cJSON_IsObject(v)) || (!strcmp(wanted, "string") && cJSON_IsString(v)) ||
			(!strcmp(wanted, "number") && cJSON_IsNumber(v)) || (!strcmp(wanted, "array") && cJSON_IsArray(v)) ||
			(!strcmp(wanted, "boolean") && cJSON_IsBool(v)));
	if (!ok) {
		fail(f, ML_RPC_INVALID_PARAMS, "%s.%s: %s %s", where, key, v ? "expected" : "missing:", wanted);
		return NULL;
	}
	return v;
}

/* A whole number from 0 to 2^31 - 1 (the protocol's uinteger). */
static bool get_uint(const cJSON *o, const char *where, const char *key, size_t *out, failure *f)
{
	const cJSON *v = member(o, where, key, "number", f);
	if (!v)
		return false;
	double d = v->valuedouble;
	if (d < 0 || d > 2147483647.0 || d != (double)(long)d) {
		fail(f, ML_RPC_INVALID_PARAMS, "%s.%s: expected a whole number from 0, got %g", where, key, d);
		return false;
	}
	*out = (size_t)d;
	return true;
}

static bool get_position(const cJSON *o, const char *where, ml_lsp_position *out, failure *f)
{
	return get_uint(o, where, "line", &out->line, f) && get_uint(o, where, "character", &out->character, f);
}

/* The byte of doc at pos; a line past the end is an error. */
static bool offset_in(const ml_lsp_document *doc, ml_lsp_position pos, const char *where, size_t *out, failure *f)
{
	if (ml_lsp_offset_of(&doc->lines, pos, out) != 0) {
		fail(f, ML_RPC_INVALID_PARAMS, "%s: line %zu is past the end of %s (%zu lines)", where, pos.line, doc->uri,
		     doc->lines.n);
		return false;
	}
	return true;
}

/* params.textDocument.uri */
static const char *document_uri(const cJSON *params, failure *f)
{
	const cJSON *td = member(params, "params", "textDocument", "object", f);
	const cJSON *uri = td ? member(td, "params.textDocument", "uri", "string", f) : NULL;
	return uri ? uri->valuestring : NULL;
}

/* The "migralint" object of settings, or settings itself when it is the
 * object (both shapes are accepted), or NULL. */
static const cJSON *migralint_settings(const cJSON *settings)
{
	if (!cJSON_IsObject(settings))
		return NULL;
	const cJSON *inner = cJSON_GetObjectItemCaseSensitive(settings, "migralint");
	return cJSON_IsObject(inner) ? inner : settings;
}

static bool set_settings(ml_lsp_server *s, const cJSON *settings)
{
	const cJSON *ours = migralint_settings(settings);
	cJSON *copy = ours ? cJSON_Duplicate(ours, 1) : NULL;
	if (ours && !copy)
		return false;
	cJSON_Delete(s->settings);
	s->settings = copy;
	return true;
}

/* ---- the methods ------------------------------------------------------------ */

static bool capability(const cJSON *caps, const char *a, const char *b, const char *c)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(caps, a);
	v = v ? cJSON_GetObjectItemCaseSensitive(v, b) : NULL;
	v = v && c ? cJSON_GetObjectItemCaseSensitive(v, c) : v;
	return cJSON_IsTrue(v);
}

static int initialize(ml_lsp_server *s, const cJSON *params, cJSON **result, failure *f)
{
	if (s->initialized)
		return fail(f, ML_RPC_INVALID_REQUEST, "initialize: the server is initialized already");
	const cJSON *caps = member(params, "params", "capabilities", "object", f);
	if (!caps)
		return -1;
	s->related_information = capability(caps, "textDocument", "publishDiagnostics", "relatedInformation");
	s->code_description = capability(caps, "textDocument", "publishDiagnostics", "codeDescriptionSupport");
	s->document_changes = capability(caps, "workspace", "workspaceEdit", "documentChanges");
	s->watch_registration = capability(caps, "workspace", "didChangeWatchedFiles", "dynamicRegistration");
	/* The workspace: its first folder, else rootUri, else rootPath. */
	const cJSON *folders = cJSON_GetObjectItemCaseSensitive(params, "workspaceFolders");
	const cJSON *first = cJSON_IsArray(folders) ? cJSON_GetArrayItem(folders, 0) : NULL;
	const cJSON *uri = first ? cJSON_GetObjectItemCaseSensitive(first, "uri") : NULL;
	if (!cJSON_IsString(uri))
		uri = cJSON_GetObjectItemCaseSensitive(params, "rootUri");
	if (cJSON_IsString(uri))
		s->root = ml_lsp_uri_to_path(uri->valuestring);
	const cJSON *root_path = cJSON_GetObjectItemCaseSensitive(params, "rootPath");
	if (!s->root && cJSON_IsString(root_path) && root_path->valuestring[0] == '/')
		s->root = strdup(root_path->valuestring);
	if (!set_settings(s, cJSON_GetObjectItemCaseSensitive(params, "initializationOptions")))
		return fail(f, ML_RPC_INTERNAL_ERROR, "out of memory");

	cJSON *r = cJSON_CreateObject();
	cJSON *c = r ? cJSON_AddObjectToObject(r, "capabilities") : NULL;
	cJSON *sync = c ? cJSON_AddObjectToObject(c, "textDocumentSync") : NULL;
	cJSON *save = sync ? cJSON_AddObjectToObject(sync, "save") : NULL;
	cJSON *actions = c ? cJSON_AddObjectToObject(c, "codeActionProvider") : NULL;
	cJSON *kinds = actions ? cJSON_AddArrayToObject(actions, "codeActionKinds") : NULL;
	cJSON *info = r ? cJSON_AddObjectToObject(r, "serverInfo") : NULL;
	cJSON *k1 = cJSON_CreateString("quickfix"), *k2 = cJSON_CreateString("source.fixAll.migralint");
	bool ok = kinds && info && k1 && k2 && cJSON_AddStringToObject(c, "positionEncoding", "utf-16") &&
		  cJSON_AddTrueToObject(sync, "openClose") && cJSON_AddNumberToObject(sync, "change", 1) &&
		  cJSON_AddFalseToObject(save, "includeText") && cJSON_AddItemToArray(kinds, k1);
	if (ok)
		k1 = NULL;
	ok = ok && cJSON_AddItemToArray(kinds, k2);
	if (ok)
		k2 = NULL;
	ok = ok && cJSON_AddTrueToObject(c, "hoverProvider") && cJSON_AddStringToObject(info, "name", "migralint") &&
	     cJSON_AddStringToObject(info, "version", MIGRALINT_VERSION);
	cJSON_Delete(k1);
	cJSON_Delete(k2);
	if (!ok) {
		cJSON_Delete(r);
		return fail(f, ML_RPC_INTERNAL_ERROR, "out of memory");
	}
	s->initialized = true;
	*result = r;
	return 0;
}

static int initialized(ml_lsp_server *s, const cJSON *params, cJSON **result, failure *f)
{
	if (!s->watch_registration)
		return 0;
	/* Told of configuration files and migrations that change on disk. */
	cJSON *p = cJSON_CreateObject();
	cJSON *regs = p ? cJSON_AddArrayToObject(p, "registrations") : NULL;
	cJSON *reg = cJSON_CreateObject();
	bool ok = regs && reg && cJSON_AddStringToObject(reg, "id", "migralint-watched-files") &&
		  cJSON_AddStringToObject(reg, "method", "workspace/didChangeWatchedFiles");
	cJSON *opts = ok ? cJSON_AddObjectToObject(reg, "registerOptions") : NULL;
	cJSON *watchers = opts ? cJSON_AddArrayToObject(opts, "watchers") : NULL;
	static const char *const GLOBS[] = { "**/.migralint.json", "**/*.sql" };
	for (size_t i = 0; watchers && i < 2; i++) {
		cJSON *w = cJSON_CreateObject();
		if (!w || !cJSON_AddStringToObject(w, "globPattern", GLOBS[i]) || !cJSON_AddItemToArray(watchers, w)) {
			cJSON_Delete(w);
			watchers = NULL;
		}
	}
	if (!watchers || !cJSON_AddItemToArray(regs, reg)) {
		cJSON_Delete(reg);
		cJSON_Delete(p);
		return fail(f, ML_RPC_INTERNAL_ERROR, "out of memory");
	}
	ml_lsp_send(s, ml_rpc_request(s->next_request_id++, "client/registerCapability", p));
	return 0;
}

static int shutdown_request(ml_lsp_server *s, const cJSON *params, cJSON **result, failure *f)
{
	s->shut_down = true;
	return 0;
}

static int exit_notification(ml_lsp_server *s, const cJSON *params, cJSON **result, failure *f)
{
	s->exiting = true;
	return 0;
}

static int did_open(ml_lsp_server *s, const cJSON *params, cJSON **result, failure *f)
{
	const cJSON *td = member(params, "params", "textDocument", "object", f);
	const cJSON *uri = td ? member(td, "params.textDocument", "uri", "string", f) : NULL;
	const cJSON *text = uri ? member(td, "params.textDocument", "text", "string", f) : NULL;
	long version = 0;
	if (!text)
		return -1;
	ml_lsp_json_long(cJSON_GetObjectItemCaseSensitive(td, "version"), &version);
	ml_lsp_document *doc = ml_lsp_document_open(s, uri->valuestring, version, text->valuestring,
						   strlen(text->valuestring));
	if (!doc)
		return fail(f, ML_RPC_INTERNAL_ERROR, "out of memory opening %s", uri->valuestring);
	doc->holds_nul = s->message_has_nul;
	return 0;
}

/* Applies one change of didChange to doc: the whole text, or (from a
 * client that sends them anyway) a range replaced. */
static int apply_change(ml_lsp_server *s, ml_lsp_document *doc, long version, const cJSON *change, size_t i,
			failure *f)
{
	char where[64];
	snprintf(where, sizeof(where), "params.contentChanges[%zu]", i);
	const cJSON *text = member(change, where, "text", "string", f);
	if (!text)
		return -1;
	size_t len = strlen(text->valuestring);
	const cJSON *range = cJSON_GetObjectItemCaseSensitive(change, "range");
	if (!range) {
		if (ml_lsp_document_set_text(doc, version, text->valuestring, len) != 0)
			return fail(f, ML_RPC_INTERNAL_ERROR, "out of memory");
		doc->holds_nul = s->message_has_nul;
		return 0;
	}
	ml_lsp_position a, b;
	size_t start, end;
	const cJSON *ra = member(range, where, "start", "object", f), *rb = ra ? member(range, where, "end", "object", f) : NULL;
	if (!rb || !get_position(ra, where, &a, f) || !get_position(rb, where, &b, f) ||
	    !offset_in(doc, a, where, &start, f) || !offset_in(doc, b, where, &end, f))
		return -1;
	if (end < start)
		return fail(f, ML_RPC_INVALID_PARAMS, "%s.range: its end comes before its start", where);
	char *joined = malloc(doc->len - (end - start) + len + 1);
	if (!joined)
		return fail(f, ML_RPC_INTERNAL_ERROR, "out of memory");
	memcpy(joined, doc->text, start);
	memcpy(joined + start, text->valuestring, len);
	memcpy(joined + start + len, doc->text + end, doc->len - end);
	int status = ml_lsp_document_set_text(doc, version, joined, doc->len - (end - start) + len);
	free(joined);
	if (status != 0)
		return fail(f, ML_RPC_INTERNAL_ERROR, "out of memory");
	/* The text is cut short from the first NUL on, until a whole new text
	 * comes. */
	doc->holds_nul |= s->message_has_nul;
	return 0;
}

static int did_change(ml_lsp_server *s, const cJSON *params, cJSON **result, failure *f)
{
	const char *uri = document_uri(params, f);
	const cJSON *changes = uri ? member(params, "params", "contentChanges", "array", f) : NULL;
	if (!changes)
		return -1;
	ml_lsp_document *doc = ml_lsp_document_find(s, uri);
	if (!doc)
		return fail(f, ML_RPC_INVALID_PARAMS, "textDocument/didChange for %s, which is not open: ignored (didOpen "
			    "opens a document)", uri);
	const cJSON *td = cJSON_GetObjectItemCaseSensitive(params, "textDocument");
	long v;
	if (!ml_lsp_json_long(cJSON_GetObjectItemCaseSensitive(td, "version"), &v))
		v = doc->version + 1;
	size_t i = 0;
	const cJSON *change;
	cJSON_ArrayForEach(change, changes)
	{
		if (apply_change(s, doc, v, change, i++, f) != 0)
			return -1;
	}
	return 0;
}

static int did_save(ml_lsp_server *s, const cJSON *params, cJSON **result, failure *f)
{
	const char *uri = document_uri(params, f);
	if (!uri)
		return -1;
	ml_lsp_document *doc = ml_lsp_document_find(s, uri);
	char *path = ml_lsp_uri_to_path(uri);
	if (path)
		ml_lsp_file_changed(s, path, doc);
	else if (doc)
		doc->dirty = true;
	free(path);
	return 0;
}

static int did_close(ml_lsp_server *s, const cJSON *params, cJSON **result, failure *f)
{
	const char *uri = document_uri(params, f);
	if (!uri)
		return -1;
	ml_lsp_document *doc = ml_lsp_document_find(s, uri);
	if (!doc)
		return fail(f, ML_RPC_INVALID_PARAMS, "textDocument/didClose for %s, which is not open: ignored", uri);
	ml_lsp_document_close(s, doc);
	return 0;
}

static int did_change_configuration(ml_lsp_server *s, const cJSON *params, cJSON **result, failure *f)
{
	/* settings null (a client that has none, or wants them pulled) still
	 * reloads the configuration files. */
	const cJSON *settings = cJSON_GetObjectItemCaseSensitive(params, "settings");
	if (settings && !cJSON_IsNull(settings) && !set_settings(s, settings))
		return fail(f, ML_RPC_INTERNAL_ERROR, "out of memory");
	ml_lsp_reload_all(s);
	return 0;
}

static int did_change_watched_files(ml_lsp_server *s, const cJSON *params, cJSON **result, failure *f)
{
	const cJSON *changes = member(params, "params", "changes", "array", f), *change;
	if (!changes)
		return -1;
	cJSON_ArrayForEach(change, changes)
	{
		const cJSON *uri = cJSON_GetObjectItemCaseSensitive(change, "uri");
		char *path = cJSON_IsString(uri) ? ml_lsp_uri_to_path(uri->valuestring) : NULL;
		if (path)
			ml_lsp_file_changed(s, path, NULL);
		free(path);
	}
	return 0;
}

/* The open document a request is about, linted; NULL (f filled) when it
 * is not open. */
static ml_lsp_document *ready_document(ml_lsp_server *s, const cJSON *params, const char *method, failure *f)
{
	const char *uri = document_uri(params, f);
	if (!uri)
		return NULL;
	ml_lsp_document *doc = ml_lsp_document_find(s, uri);
	if (!doc) {
		fail(f, ML_RPC_INVALID_PARAMS, "%s: %s is not open (didOpen opens a document)", method, uri);
		return NULL;
	}
	ml_lsp_document_ready(s, doc);
	return doc;
}

static int code_action(ml_lsp_server *s, const cJSON *params, cJSON **result, failure *f)
{
	ml_lsp_document *doc = ready_document(s, params, "textDocument/codeAction", f);
	const cJSON *range = doc ? member(params, "params", "range", "object", f) : NULL;
	const cJSON *a = range ? member(range, "params.range", "start", "object", f) : NULL;
	const cJSON *b = a ? member(range, "params.range", "end", "object", f) : NULL;
	ml_lsp_position pa, pb;
	size_t start, end;
	if (!b || !get_position(a, "params.range.start", &pa, f) || !get_position(b, "params.range.end", &pb, f) ||
	    !offset_in(doc, pa, "params.range.start", &start, f) || !offset_in(doc, pb, "params.range.end", &end, f))
		return -1;
	const cJSON *context = cJSON_GetObjectItemCaseSensitive(params, "context");
	const cJSON *only = context ? cJSON_GetObjectItemCaseSensitive(context, "only") : NULL;
	const cJSON *named = context ? cJSON_GetObjectItemCaseSensitive(context, "diagnostics") : NULL;
	*result = ml_lsp_code_actions(s, doc, start < end ? start : end, start < end ? end : start,
				      cJSON_IsArray(named) ? named : NULL, only);
	return *result ? 0 : fail(f, ML_RPC_INTERNAL_ERROR, "out of memory");
}

static int hover(ml_lsp_server *s, const cJSON *params, cJSON **result, failure *f)
{
	ml_lsp_document *doc = ready_document(s, params, "textDocument/hover", f);
	const cJSON *pos = doc ? member(params, "params", "position", "object", f) : NULL;
	ml_lsp_position p;
	size_t offset;
	if (!pos || !get_position(pos, "params.position", &p, f) || !offset_in(doc, p, "params.position", &offset, f))
		return -1;
	*result = ml_lsp_hover(doc, offset);
	return *result ? 0 : fail(f, ML_RPC_INTERNAL_ERROR, "out of memory");
}

typedef int (*method_fn)(ml_lsp_server *s, const cJSON *params, cJSON **result, failure *f);

/* The methods the server knows: requests are answered, notifications not. */
static const struct method {
	const char *name;
	bool request;
	method_fn fn;
} METHODS[] = {
	{ "initialize", true, initialize },
	{ "initialized", false, initialized },
	{ "shutdown", true, shutdown_request },
	{ "exit", false, exit_notification },
	{ "textDocument/didOpen", false, did_open },
	{ "textDocument/didChange", false, did_change },
	{ "textDocument/didSave", false, did_save },
	{ "textDocument/didClose", false, did_close },
	{ "textDocument/codeAction", true, code_action },
	{ "textDocument/hover", true, hover },
	{ "workspace/didChangeConfiguration", false, did_change_configuration },
	{ "workspace/didChangeWatchedFiles", false, did_change_watched_files },
};

static const struct method *find_method(const char *name)
{
	for (size_t i = 0; i < sizeof(METHODS) / sizeof(*METHODS); i++)
		if (!strcmp(METHODS[i].name, name))
			return &METHODS[i];
	return NULL;
}

/* ---- one message ------------------------------------------------------------ */

static void answer_error(ml_lsp_server *s, const cJSON *id, int code, const char *message)
{
	if (!id) {
		log_line(s, message);
	}
	ml_lsp_send(s, ml_rpc_error(id, code, message));
}

/* A notification's problem: it cannot be answered, so it is logged. */
static void notification_problem(ml_lsp_server *s, const char *message)
{
	ml_lsp_log(s, 1, message);
}

/* Does the JSON text body (len bytes) hold a NUL character in a string:
 * the escape \u0000, or a NUL byte (not JSON, which cJSON reads anyway)? A
 * backslash escaped itself ("\\u0000", the six characters written in the
 * SQL) is not one. */
static bool has_nul(const char *body, size_t len)
{
	if (memchr(body, '\0', len))
		return true;
	for (const char *p = body; (p = memchr(p, '\\', (size_t)(body + len - p)));) {
		size_t run = 0;
		while (p + run < body + len && p[run] == '\\')
			run++;
		p += run;
		/* An odd run of backslashes leaves the last one escaping what follows. */
		if (run % 2 && (size_t)(body + len - p) >= 5 && !memcmp(p, "u0000", 5))
			return true;
	}
	return false;
}

static void handle(ml_lsp_server *s, const char *body, size_t len)
{
	s->message_has_nul = has_nul(body, len);
	cJSON *msg = cJSON_ParseWithLength(body, len);
	if (!msg) {
		const char *at = cJSON_GetErrorPtr();
		char text[160];
		if (at && at >= body && at <= body + len)
			snprintf(text, sizeof(text), "the message is not JSON (at byte %ld of %zu)", (long)(at - body), len);
		else
			snprintf(text, sizeof(text), "the message is not JSON");
		answer_error(s, NULL, ML_RPC_PARSE_ERROR, text);
		return;
	}
	if (!cJSON_IsObject(msg)) {
		answer_error(s, NULL, ML_RPC_INVALID_REQUEST, "a message must be a JSON object");
		cJSON_Delete(msg);
		return;
	}
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
	const cJSON *method = cJSON_GetObjectItemCaseSensitive(msg, "method");
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(msg, "params");
	const cJSON *version = cJSON_GetObjectItemCaseSensitive(msg, "jsonrpc");
	char text[640];
	if (id && !cJSON_IsNumber(id) && !cJSON_IsString(id)) {
		answer_error(s, NULL, ML_RPC_INVALID_REQUEST, "\"id\" must be a number or a string");
	} else if (!method && id && (cJSON_GetObjectItemCaseSensitive(msg, "result") ||
				     cJSON_GetObjectItemCaseSensitive(msg, "error"))) {
		/* The client's answer to a request of ours (registerCapability). */
		const cJSON *error = cJSON_GetObjectItemCaseSensitive(msg, "error");
		const cJSON *message = error ? cJSON_GetObjectItemCaseSensitive(error, "message") : NULL;
		if (cJSON_IsString(message)) {
			snprintf(text, sizeof(text), "the client refused a request: %s", message->valuestring);
			log_line(s, text);
		}
	} else if (!cJSON_IsString(version) || strcmp(version->valuestring, "2.0")) {
		if (id)
			answer_error(s, id, ML_RPC_INVALID_REQUEST, "\"jsonrpc\" must be \"2.0\"");
		else
			notification_problem(s, "a notification without \"jsonrpc\": \"2.0\": ignored");
	} else if (!cJSON_IsString(method)) {
		if (id || !method)
			answer_error(s, id, ML_RPC_INVALID_REQUEST,
				     method ? "\"method\" must be a string" : "a message without \"method\"");
		else
			notification_problem(s, "a notification whose \"method\" is not a string: ignored");
	} else {
		const char *name = method->valuestring;
		const struct method *m = find_method(name);
		failure f = { 0 };
		cJSON *result = NULL;
		if (!m) {
			/* "$/" notifications (cancelRequest, setTrace, progress) may
			 * be ignored; any other unknown one is said on the log. */
			if (id) {
				snprintf(text, sizeof(text), "unknown method '%.200s'", name);
				answer_error(s, id, ML_RPC_METHOD_NOT_FOUND, text);
			} else if (strncmp(name, "$/", 2)) {
				snprintf(text, sizeof(text), "unknown notification '%.200s': ignored", name);
				log_line(s, text);
			}
		} else if (m->request && !id) {
			snprintf(text, sizeof(text), "%.200s is a request: it needs an \"id\" (not answered)", name);
			notification_problem(s, text);
		} else if (!m->request && id) {
			snprintf(text, sizeof(text), "%.200s is a notification: it takes no \"id\"", name);
			answer_error(s, id, ML_RPC_INVALID_REQUEST, text);
		} else if (params && !cJSON_IsObject(params) && !cJSON_IsArray(params)) {
			snprintf(text, sizeof(text), "%.200s: \"params\" must be an object", name);
			if (id)
				answer_error(s, id, ML_RPC_INVALID_PARAMS, text);
			else
				notification_problem(s, text);
		} else if (!s->initialized && m->fn != initialize && m->fn != exit_notification) {
			snprintf(text, sizeof(text), "%.200s before initialize", name);
			if (id)
				answer_error(s, id, ML_RPC_SERVER_NOT_INITIALIZED, text);
			else
				log_line(s, text);
		} else if (s->shut_down && m->fn != exit_notification) {
			snprintf(text, sizeof(text), "%.200s after shutdown: only exit is accepted", name);
			if (id)
				answer_error(s, id, ML_RPC_INVALID_REQUEST, text);
			else
				log_line(s, text);
		} else if (m->fn(s, params, &result, &f) != 0) {
			if (id)
				answer_error(s, id, f.code, f.message);
			else
				notification_problem(s, f.message);
		} else if (id) {
			ml_lsp_send(s, ml_rpc_result(id, result));
			result = NULL;
		}
		cJSON_Delete(result);
	}
	cJSON_Delete(msg);
}

/* ---- the loop --------------------------------------------------------------- */

static bool anything_changed(const ml_lsp_server *s)
{
	for (size_t i = 0; i < s->n_docs; i++)
		if (s->docs[i]->dirty)
			return true;
	return false;
}

int ml_lsp_serve(const ml_lsp_server_options *opts)
{
	ml_lsp_server s = { .opts = *opts, .next_request_id = 1 };
	/* After an edit all statements but the edited ones are the same: their
	 * trees come from the cache. */
	ml_parse_cache_enable(ML_LSP_PARSE_CACHE);
	ml_rpc_reader_init(&s.reader, opts->in_fd, opts->max_message_size ? opts->max_message_size : ML_LSP_DEFAULT_MAX_MESSAGE);
	while (!s.exiting && !s.output_failed) {
		/* Lint what changed once no message waits: a burst of edits is
		 * linted once, at its end. */
		if (anything_changed(&s) && !ml_rpc_pending(&s.reader))
			ml_lsp_lint_changed(&s);
		if (s.output_failed)
			break;
		char *body = NULL, msg[320];
		size_t len;
		ml_rpc_read_status status = ml_rpc_read(&s.reader, &body, &len, msg, sizeof(msg));
		if (status == ML_RPC_MESSAGE) {
			handle(&s, body, len);
			free(body);
			continue;
		}
		if (status == ML_RPC_BAD_FRAME) {
			answer_error(&s, NULL, ML_RPC_PARSE_ERROR, msg);
			continue;
		}
		if (msg[0])
			log_line(&s, msg);
		if (!s.shut_down)
			log_line(&s, "the input ended before shutdown and exit");
		break;
	}
	/* The protocol's rule: 0 when shutdown came before exit (or before
	 * the input ended), else 1. */
	int status = s.shut_down && !s.output_failed ? 0 : 1;
	ml_lsp_documents_free(&s);
	ml_rpc_reader_release(&s.reader);
	ml_parse_cache_enable(0);
	cJSON_Delete(s.settings);
	free(s.root);
	return status;
}
