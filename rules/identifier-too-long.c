/*
 * identifier-too-long - a name the migration defines (table, column, index,
 * constraint, sequence, type, function, trigger, view, schema) that is
 * longer than 63 bytes. PostgreSQL truncates it with only a NOTICE, so two
 * long names sharing their first 63 bytes collide, and the catalogue holds a
 * name that differs from the one in the code. Enum labels over 63 bytes are
 * reported too: PostgreSQL rejects them.
 *
 * The parser has already truncated identifiers in the tree, so the original
 * length comes from the statement's text: the text is scanned for long
 * identifiers, and each one whose truncated form is a name the statement
 * defines is reported. Statements rebuilt from PL/pgSQL or dynamic SQL have
 * no text of their own and are not checked.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "rule_api.h"

#define NAME_MAX_BYTES 63   /* NAMEDATALEN - 1 */
#define MAX_LONG_TOKENS 64
#define MAX_DEFINED 128

/* An identifier of the text longer than NAME_MAX_BYTES. */
typedef struct long_token {
	size_t offset;              /* byte offset in the statement text */
	size_t bytes;               /* length of the identifier after case folding and unquoting */
	char clipped[NAME_MAX_BYTES + 1]; /* the name PostgreSQL keeps, NUL-terminated */
	char full[160];             /* the full name (its start when longer), NUL-terminated */
	bool used;
} long_token;

/* A name the statement defines. */
typedef struct defined_name {
	const char *kind;           /* "table", "column", ... */
	const char *name;           /* as in the tree: already truncated */
	int location;               /* where to start looking in the text, or -1 */
} defined_name;

typedef struct defined_names {
	defined_name items[MAX_DEFINED];
	size_t n;
} defined_names;

static bool ident_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

static bool ident_char(unsigned char c)
{
	return ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

/* Length of the longest prefix of s (len bytes) that fits in max bytes
 * without splitting a UTF-8 character, as PostgreSQL's pg_mbcliplen. */
static size_t clip_length(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	size_t n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/* Records an identifier that starts at text[start]. name is the identifier
 * after case folding / unquoting (in a scratch buffer), bytes long. */
static void add_long_token(long_token *tokens, size_t *n, size_t start, const char *name, size_t bytes)
{
	if (bytes <= NAME_MAX_BYTES || *n == MAX_LONG_TOKENS)
		return;
	long_token *t = &tokens[(*n)++];
	t->offset = start;
	t->bytes = bytes;
	size_t keep = clip_length(name, bytes, NAME_MAX_BYTES);
	memcpy(t->clipped, name, keep);
	t->clipped[keep] = '\0';
	size_t shown = bytes < sizeof(t->full) - 4 ? bytes : clip_length(name, bytes, sizeof(t->full) - 4);
	memcpy(t->full, name, shown);
	strcpy(t->full + shown, shown < bytes ? "..." : "");
	t->used = false;
}

/* Finds the identifiers longer than NAME_MAX_BYTES in text, skipping
 * comments, string constants and dollar-quoted bodies. Returns how many were
 * stored in tokens. */
static size_t scan_long_identifiers(const char *text, size_t len, long_token *tokens)
{
	size_t n = 0;
	char name[256];
	size_t i = 0;
	while (i < len) {
		unsigned char c = (unsigned char)text[i];
		if (c == '-' && i + 1 < len && text[i + 1] == '-') {
			/* a line comment ends at a newline or a lone carriage return */
			while (i < len && text[i] != '\n' && text[i] != '\r')
				i++;
		} else if (c == '/' && i + 1 < len && text[i + 1] == '*') {
			int depth = 1;
			i += 2;
			while (i < len && depth > 0) {
				if (text[i] == '/' && i + 1 < len && text[i + 1] == '*') {
					depth++;
					i += 2;
				} else if (text[i] == '*' && i + 1 < len && text[i + 1] == '/') {
					depth--;
					i += 2;
				} else {
					i++;
				}
			}
		} else if (c == '\'') {
			/* a standard string; E'...' strings are handled at their prefix */
			i++;
			while (i < len) {
				if (text[i] == '\'' && i + 1 < len && text[i + 1] == '\'')
					i += 2;
				else if (text[i++] == '\'')
					break;
			}
		} else if (c == '"') {
			size_t start = i, bytes = 0;
			i++;
			while (i < len) {
				if (text[i] == '"' && i + 1 < len && text[i + 1] == '"') {
					if (bytes < sizeof(name))
						name[bytes] = '"';
					bytes++;
					i += 2;
				} else if (text[i] == '"') {
					i++;
					break;
				} else {
					if (bytes < sizeof(name))
						name[bytes] = text[i];
					bytes++;
					i++;
				}
			}
			add_long_token(tokens, &n, start, name, bytes);
		} else if (c == '$') {
			/* $tag$ ... $tag$, or a parameter $1 */
			size_t j = i + 1;
			while (j < len && (ident_char((unsigned char)text[j]) && text[j] != '$'))
				j++;
			if (j < len && text[j] == '$' && (j == i + 1 || !(text[i + 1] >= '0' && text[i + 1] <= '9'))) {
				size_t tag_len = j - i + 1;
				const char *tag = text + i;
				i = j + 1;
				while (i < len && !(text[i] == '$' && len - i >= tag_len && !memcmp(text + i, tag, tag_len)))
					i++;
				i = i < len ? i + tag_len : len;
			} else {
				i = j > i + 1 ? j : i + 1;
			}
		} else if (c >= '0' && c <= '9') {
			while (i < len && (ident_char((unsigned char)text[i]) || text[i] == '.'))
				i++;
		} else if (ident_start(c)) {
			size_t start = i, bytes = 0;
			while (i < len && ident_char((unsigned char)text[i])) {
				char ch = text[i++];
				if (bytes < sizeof(name))
					name[bytes] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
				bytes++;
			}
			/* E'...', B'...', X'...', N'...', U&'...': string constants */
			if (i < len && text[i] == '\'' && bytes == 1 && strchr("ebxn", name[0])) {
				bool backslash = name[0] == 'e';
				i++;
				while (i < len) {
					if (backslash && text[i] == '\\' && i + 1 < len)
						i += 2;
					else if (text[i] == '\'' && i + 1 < len && text[i + 1] == '\'')
						i += 2;
					else if (text[i++] == '\'')
						break;
				}
				continue;
			}
			add_long_token(tokens, &n, start, name, bytes);
		} else {
			i++;
		}
	}
	return n;
}

/* Where the possibly qualified name written at text[at] ends. A
 * constraint's location is at its CONSTRAINT keyword, which is skipped. */
static size_t name_end(const char *text, size_t len, size_t at)
{
	static const char KEYWORD[] = "constraint";
	size_t i = at;
	if (len - i > sizeof(KEYWORD) && !strncasecmp(text + i, KEYWORD, sizeof(KEYWORD) - 1) &&
	    !ident_char((unsigned char)text[i + sizeof(KEYWORD) - 1])) {
		i += sizeof(KEYWORD) - 1;
		while (i < len && is_space(text[i]))
			i++;
	}
	for (;;) {
		if (i < len && text[i] == '"') {
			for (i++; i < len; i++) {
				if (text[i] != '"')
					continue;
				if (i + 1 < len && text[i + 1] == '"')
					i++;
				else
					break;
			}
			i = i < len ? i + 1 : len;
		} else {
			while (i < len && ident_char((unsigned char)text[i]))
				i++;
		}
		size_t j = i;
		while (j < len && is_space(text[j]))
			j++;
		if (j >= len || text[j] != '.')
			return i;
		for (j++; j < len && is_space(text[j]);)
			j++;
		i = j;
	}
}

static void add_name(defined_names *names, const char *kind, const char *name, int location)
{
	if (!name || !*name || names->n == MAX_DEFINED)
		return;
	names->items[names->n++] = (defined_name){ .kind = kind, .name = name, .location = location };
}

static void add_constraint(defined_names *names, const PgQuery__Node *node)
{
	if (node && node->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
		add_name(names, "constraint", node->constraint->conname, node->constraint->location);
}

static void add_column(defined_names *names, const char *kind, const PgQuery__Node *node)
{
	if (!node || node->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF)
		return;
	const PgQuery__ColumnDef *cd = node->column_def;
	add_name(names, kind, cd->colname, cd->location);
	for (size_t i = 0; i < cd->n_constraints; i++)
		add_constraint(names, cd->constraints[i]);
}

/* What a RENAME renames, for the message. */
static const char *rename_kind(PgQuery__ObjectType type)
{
	switch (type) {
	case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
	case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
		return "table";
	case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
		return "column";
	case PG_QUERY__OBJECT_TYPE__OBJECT_ATTRIBUTE:
		return "attribute";
	case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT:
	case PG_QUERY__OBJECT_TYPE__OBJECT_DOMCONSTRAINT:
		return "constraint";
	case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
		return "index";
	case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
		return "sequence";
	case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
		return "view";
	case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
		return "materialized view";
	case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
		return "type";
	case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN:
		return "domain";
	case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
		return "function";
	case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
		return "procedure";
	case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER:
		return "trigger";
	case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
		return "schema";
	default:
		return "object";
	}
}

/* Collects the names stmt defines. */
static void collect_defined(const PgQuery__Node *stmt, defined_names *names)
{
	switch (stmt->node_case) {
	case PG_QUERY__NODE__NODE_CREATE_STMT: {
		const PgQuery__CreateStmt *cs = stmt->create_stmt;
		if (cs->relation)
			add_name(names, "table", cs->relation->relname, cs->relation->location);
		for (size_t i = 0; i < cs->n_table_elts; i++) {
			add_column(names, "column", cs->table_elts[i]);
			add_constraint(names, cs->table_elts[i]);
		}
		for (size_t i = 0; i < cs->n_constraints; i++)
			add_constraint(names, cs->constraints[i]);
		break;
	}
	case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT: {
		const PgQuery__AlterTableStmt *as = stmt->alter_table_stmt;
		for (size_t i = 0; i < as->n_cmds; i++) {
			const PgQuery__AlterTableCmd *cmd = ml_alter_cmd(as, i);
			if (!cmd)
				continue;
			if (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn)
				add_column(names, "column", cmd->def);
			else if (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint)
				add_constraint(names, cmd->def);
		}
		break;
	}
	case PG_QUERY__NODE__NODE_RENAME_STMT:
		add_name(names, rename_kind(stmt->rename_stmt->rename_type), stmt->rename_stmt->newname, -1);
		break;
	case PG_QUERY__NODE__NODE_INDEX_STMT:
		add_name(names, "index", stmt->index_stmt->idxname, -1);
		break;
	case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
		if (stmt->create_seq_stmt->sequence)
			add_name(names, "sequence", stmt->create_seq_stmt->sequence->relname,
				 stmt->create_seq_stmt->sequence->location);
		break;
	case PG_QUERY__NODE__NODE_VIEW_STMT:
		if (stmt->view_stmt->view)
			add_name(names, "view", stmt->view_stmt->view->relname, stmt->view_stmt->view->location);
		break;
	case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT: {
		const PgQuery__CreateTableAsStmt *ct = stmt->create_table_as_stmt;
		if (ct->into && ct->into->rel)
			add_name(names, ct->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW ? "materialized view" : "table",
				 ct->into->rel->relname, ct->into->rel->location);
		break;
	}
	case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT: {
		const PgQuery__CreateEnumStmt *es = stmt->create_enum_stmt;
		add_name(names, "type", ml_last_name(es->type_name, es->n_type_name), -1);
		break;
	}
	case PG_QUERY__NODE__NODE_CREATE_RANGE_STMT: {
		const PgQuery__CreateRangeStmt *rs = stmt->create_range_stmt;
		add_name(names, "type", ml_last_name(rs->type_name, rs->n_type_name), -1);
		break;
	}
	case PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT: {
		const PgQuery__CompositeTypeStmt *ts = stmt->composite_type_stmt;
		if (ts->typevar)
			add_name(names, "type", ts->typevar->relname, ts->typevar->location);
		for (size_t i = 0; i < ts->n_coldeflist; i++)
			add_column(names, "attribute", ts->coldeflist[i]);
		break;
	}
	case PG_QUERY__NODE__NODE_DEFINE_STMT: {
		const PgQuery__DefineStmt *ds = stmt->define_stmt;
		if (ds->kind == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE)
			add_name(names, "type", ml_last_name(ds->defnames, ds->n_defnames), -1);
		break;
	}
	case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT: {
		const PgQuery__CreateDomainStmt *ds = stmt->create_domain_stmt;
		add_name(names, "domain", ml_last_name(ds->domainname, ds->n_domainname), -1);
		for (size_t i = 0; i < ds->n_constraints; i++)
			add_constraint(names, ds->constraints[i]);
		break;
	}
	case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT: {
		const PgQuery__CreateFunctionStmt *fs = stmt->create_function_stmt;
		add_name(names, fs->is_procedure ? "procedure" : "function", ml_last_name(fs->funcname, fs->n_funcname),
			 -1);
		break;
	}
	case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
		add_name(names, "trigger", stmt->create_trig_stmt->trigname, -1);
		break;
	case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
		add_name(names, "schema", stmt->create_schema_stmt->schemaname, -1);
		break;
	default:
		break;
	}
}

/* Enum labels are string constants, so the tree has them whole; PostgreSQL
 * rejects those over NAME_MAX_BYTES. */
static void check_enum_label(const ml_stmt_ctx *ctx, const ml_rule *self, const char *type, const char *label)
{
	size_t bytes = strlen(label);
	if (bytes <= NAME_MAX_BYTES)
		return;
	ml_report(ctx, self, -1,
		  "enum label '%.*s...' of type \"%s\" is %zu bytes: PostgreSQL rejects labels longer than 63 bytes",
		  (int)clip_length(label, bytes, NAME_MAX_BYTES), label, type, bytes);
}

static void check_enum_labels(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	const PgQuery__Node *stmt = ctx->stmt;
	if (stmt->node_case == PG_QUERY__NODE__NODE_CREATE_ENUM_STMT) {
		const PgQuery__CreateEnumStmt *es = stmt->create_enum_stmt;
		const char *type = ml_last_name(es->type_name, es->n_type_name);
		for (size_t i = 0; i < es->n_vals; i++)
			if (es->vals[i] && es->vals[i]->node_case == PG_QUERY__NODE__NODE_STRING)
				check_enum_label(ctx, self, type, es->vals[i]->string->sval);
	} else if (stmt->node_case == PG_QUERY__NODE__NODE_ALTER_ENUM_STMT) {
		const PgQuery__AlterEnumStmt *es = stmt->alter_enum_stmt;
		check_enum_label(ctx, self, ml_last_name(es->type_name, es->n_type_name), es->new_val);
	}
}

static void check(const ml_stmt_ctx *ctx, const ml_rule *self)
{
	check_enum_labels(ctx, self);

	size_t len = 0;
	const char *text = ml_stmt_text(ctx, &len);
	if (!text)
		return;
	long_token tokens[MAX_LONG_TOKENS];
	size_t n_tokens = scan_long_identifiers(text, len, tokens);
	if (n_tokens == 0)
		return;
	defined_names names = { .n = 0 };
	collect_defined(ctx->stmt, &names);
	for (size_t i = 0; i < names.n; i++) {
		const defined_name *d = &names.items[i];
		size_t from = 0, to = len;
		if (d->location >= 0 && (size_t)d->location < len) {
			from = (size_t)d->location;
			to = name_end(text, len, from);
		}
		long_token *hit = NULL;
		for (size_t k = 0; k < n_tokens && !hit; k++)
			if (!tokens[k].used && tokens[k].offset >= from && tokens[k].offset < to &&
			    !strcmp(tokens[k].clipped, d->name))
				hit = &tokens[k];
		if (!hit)
			continue;
		hit->used = true;
		ml_report(ctx, self, (int)hit->offset,
			  "%s name \"%s\" is %zu bytes: PostgreSQL silently truncates it to \"%s\", so it can "
			  "collide with another long name sharing those bytes and differs from the name in the code",
			  d->kind, hit->full, hit->bytes, hit->clipped);
	}
}

const ml_rule ml_rule_identifier_too_long = {
	.info = {
		.name = "identifier-too-long",
		.severity = ML_SEVERITY_INFO,
		.summary = "a name longer than 63 bytes, which PostgreSQL truncates",
		.help = "shorten the name to at most 63 bytes (characters outside ASCII take 2 to 4 bytes each)",
	},
	.check = check,
};
