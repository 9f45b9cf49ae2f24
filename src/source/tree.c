/*
 * tree.c - generic helpers over libpg_query's protobuf-c parse tree: an
 * iterative walk driven by the protobuf descriptors (so no tree depth can
 * overflow our stack), node locations, names and type text; and the shared
 * helpers of the rules (ALTER TABLE subcommands, constraints, the locks a
 * statement takes).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "pg_grammar.h"
#include "tree.h"

void ml_walk(const ProtobufCMessage *msg, ml_visit_fn visit, void *data)
{
	if (!msg)
		return;
	size_t cap = 256, len = 0;
	const ProtobufCMessage **stack = malloc(cap * sizeof(*stack));
	if (!stack)
		return;
	stack[len++] = msg;
	/* No bound on the messages visited: a walk that stopped early would
	 * miss what lies past the bound (a volatile call after a long list).
	 * Trees are bounded by ML_MAX_STATEMENT_TOKENS instead. */
	while (len > 0) {
		const ProtobufCMessage *m = stack[--len];
		if (!visit(m, data))
			continue;
		const ProtobufCMessageDescriptor *desc = m->descriptor;
		/* A Node wraps exactly one node: its field is found by the case,
		 * not by a look at each of its ~250 fields. */
		size_t first = 0, end = desc->n_fields;
		if (desc == &pg_query__node__descriptor) {
			const ProtobufCFieldDescriptor *f =
				protobuf_c_message_descriptor_get_field(desc, ((const PgQuery__Node *)m)->node_case);
			if (!f)
				continue;
			first = (size_t)(f - desc->fields);
			end = first + 1;
		}
		/* Push children in reverse so they are visited in source order. */
		for (size_t fi = end; fi-- > first;) {
			const ProtobufCFieldDescriptor *f = &desc->fields[fi];
			if (f->type != PROTOBUF_C_TYPE_MESSAGE)
				continue;
			const char *base = (const char *)m;
			if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
				uint32_t which = *(const uint32_t *)(base + f->quantifier_offset);
				if (which != f->id)
					continue;
			}
			size_t n;
			const ProtobufCMessage *const *items;
			const ProtobufCMessage *single;
			if (f->label == PROTOBUF_C_LABEL_REPEATED) {
				n = *(const size_t *)(base + f->quantifier_offset);
				items = *(const ProtobufCMessage *const *const *)(base + f->offset);
			} else {
				single = *(const ProtobufCMessage *const *)(base + f->offset);
				n = single ? 1 : 0;
				items = &single;
			}
			if (len + n > cap) {
				while (len + n > cap)
					cap *= 2;
				const ProtobufCMessage **grown = realloc(stack, cap * sizeof(*stack));
				if (!grown) {
					free(stack);
					return;
				}
				stack = grown;
			}
			for (size_t k = n; k-- > 0;)
				if (items[k])
					stack[len++] = items[k];
		}
	}
	free(stack);
}

const char *ml_last_name(PgQuery__Node *const *names, size_t n)
{
	for (size_t i = n; i-- > 0;)
		if (names[i] && names[i]->node_case == PG_QUERY__NODE__NODE_STRING)
			return names[i]->string->sval;
	return "";
}

bool ml_type_is_serial(const PgQuery__TypeName *type)
{
	if (!type)
		return false;
	const char *name = ml_last_name(type->names, type->n_names);
	static const char *const SERIALS[] = { "serial", "bigserial", "smallserial",
					       "serial2", "serial4", "serial8" };
	for (size_t i = 0; i < sizeof(SERIALS) / sizeof(SERIALS[0]); i++)
		if (!strcmp(name, SERIALS[i]))
			return true;
	return false;
}

static const char *type_alias(const char *name)
{
	static const char *const ALIASES[][2] = {
		{ "int4", "integer" }, { "int8", "bigint" }, { "int2", "smallint" },
		{ "float8", "double precision" }, { "float4", "real" }, { "bool", "boolean" },
		{ "varchar", "varchar" }, { "bpchar", "char" }, { "timestamptz", "timestamptz" },
	};
	for (size_t i = 0; i < sizeof(ALIASES) / sizeof(ALIASES[0]); i++)
		if (!strcmp(name, ALIASES[i][0]))
			return ALIASES[i][1];
	return name;
}

/* The fields of an interval as PostgreSQL's parser encodes them (bit masks
 * of its datetime.h units), written the way format_type() writes them. */
static const char *interval_fields(int mask)
{
	enum { MONTH = 1 << 1, YEAR = 1 << 2, DAY = 1 << 3, HOUR = 1 << 10, MINUTE = 1 << 11, SECOND = 1 << 12 };
	static const struct {
		int mask;
		const char *text;
	} FIELDS[] = {
		{ YEAR, " year" }, { MONTH, " month" }, { DAY, " day" }, { HOUR, " hour" }, { MINUTE, " minute" },
		{ SECOND, " second" }, { YEAR | MONTH, " year to month" }, { DAY | HOUR, " day to hour" },
		{ DAY | HOUR | MINUTE, " day to minute" }, { DAY | HOUR | MINUTE | SECOND, " day to second" },
		{ HOUR | MINUTE, " hour to minute" }, { HOUR | MINUTE | SECOND, " hour to second" },
		{ MINUTE | SECOND, " minute to second" },
	};
	for (size_t i = 0; i < sizeof(FIELDS) / sizeof(FIELDS[0]); i++)
		if (FIELDS[i].mask == mask)
			return FIELDS[i].text;
	return ""; /* all fields (0x7FFF): plain interval */
}

/* An A_Const integer modifier, or -1. */
static int typmod_value(const PgQuery__Node *m)
{
	if (m && m->node_case == PG_QUERY__NODE__NODE_A_CONST && m->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL)
		return m->a_const->ival->ival;
	return -1;
}

const char *ml_type_name_text(ml_arena *arena, const PgQuery__TypeName *type)
{
	if (!type)
		return NULL;
	const char *text = type_alias(ml_last_name(type->names, type->n_names));
	if (!strcmp(text, "interval") && type->n_typmods > 0 && type->n_typmods <= 2 &&
	    typmod_value(type->typmods[0]) >= 0) {
		/* "interval day to second(3)", not the parser's field mask. */
		text = ml_arena_printf(arena, "interval%s", interval_fields(typmod_value(type->typmods[0])));
		if (type->n_typmods == 2)
			text = ml_arena_printf(arena, "%s(%d)", text, typmod_value(type->typmods[1]));
	} else if (type->n_typmods > 0) {
		const char *mods = "";
		for (size_t i = 0; i < type->n_typmods; i++) {
			const PgQuery__Node *m = type->typmods[i];
			const char *piece = "?";
			if (m && m->node_case == PG_QUERY__NODE__NODE_A_CONST && m->a_const->val_case ==
			    PG_QUERY__A__CONST__VAL_IVAL)
				piece = ml_arena_printf(arena, "%d", m->a_const->ival->ival);
			mods = ml_arena_printf(arena, "%s%s%s", mods, i ? "," : "", piece);
		}
		text = ml_arena_printf(arena, "%s(%s)", text, mods);
	}
	if (type->n_array_bounds > 0)
		text = ml_arena_printf(arena, "%s[]", text);
	return text;
}

/* Is word a prefix (at least min_len characters, any case) of full? */
static bool bool_prefix(const char *word, size_t len, const char *full, size_t min_len)
{
	return len >= min_len && len <= strlen(full) && !strncasecmp(word, full, len);
}

bool ml_bool_word(const char *text, bool *value)
{
	if (!text)
		return false;
	/* boolin() skips surrounding blanks and takes any unambiguous prefix:
	 * 't', 'ye', 'of' and '1' are all Boolean. */
	while (isspace((unsigned char)*text))
		text++;
	size_t len = strlen(text);
	while (len > 0 && isspace((unsigned char)text[len - 1]))
		len--;
	if (bool_prefix(text, len, "true", 1) || bool_prefix(text, len, "yes", 1) ||
	    bool_prefix(text, len, "on", 2) || (len == 1 && text[0] == '1')) {
		*value = true;
		return true;
	}
	if (bool_prefix(text, len, "false", 1) || bool_prefix(text, len, "no", 1) ||
	    bool_prefix(text, len, "off", 2) || (len == 1 && text[0] == '0')) {
		*value = false;
		return true;
	}
	return false;
}

bool ml_option_bool(const PgQuery__DefElem *opt)
{
	const PgQuery__Node *arg = opt ? opt->arg : NULL;
	if (!arg)
		return opt != NULL; /* (FULL): a bare option is on */
	switch (arg->node_case) {
	case PG_QUERY__NODE__NODE_INTEGER:
		return arg->integer->ival != 0;
	case PG_QUERY__NODE__NODE_FLOAT:
		return strtod(arg->float_->fval, NULL) != 0;
	case PG_QUERY__NODE__NODE_BOOLEAN:
		return arg->boolean->boolval;
	case PG_QUERY__NODE__NODE_STRING: {
		/* PostgreSQL's defGetBoolean takes true, false, on and off in
		 * any case; yes, no and prefixes make it fail the statement
		 * ("requires a Boolean value"), and then they are read by what
		 * they say. */
		bool value;
		return ml_bool_word(arg->string->sval, &value) ? value : true;
	}
	default:
		return true;
	}
}

const PgQuery__DefElem *ml_option(PgQuery__Node *const *options, size_t n, const char *defname)
{
	/* PostgreSQL reads the list in order: a repeated option's last value
	 * is the one that counts. */
	for (size_t i = n; i-- > 0;)
		if (options[i] && options[i]->node_case == PG_QUERY__NODE__NODE_DEF_ELEM &&
		    options[i]->def_elem->defname && !strcmp(options[i]->def_elem->defname, defname))
			return options[i]->def_elem;
	return NULL;
}

bool ml_option_on(PgQuery__Node *const *options, size_t n, const char *defname)
{
	const PgQuery__DefElem *opt = ml_option(options, n, defname);
	return opt && ml_option_bool(opt);
}

const char *ml_dotted_name(PgQuery__Node *const *names, size_t n, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0, used = 0; i < n && used < len; i++) {
		if (!names[i] || names[i]->node_case != PG_QUERY__NODE__NODE_STRING)
			continue;
		int w = snprintf(buf + used, len - used, "%s%s", used ? "." : "", names[i]->string->sval);
		used += w > 0 ? (size_t)w : 0;
	}
	return buf;
}

const PgQuery__AlterTableCmd *ml_alter_cmd(const PgQuery__AlterTableStmt *as, size_t i)
{
	const PgQuery__Node *n = as->cmds[i];
	return n && n->node_case == PG_QUERY__NODE__NODE_ALTER_TABLE_CMD ? n->alter_table_cmd : NULL;
}

const PgQuery__ColumnDef *ml_added_column(const PgQuery__AlterTableCmd *cmd)
{
	if (!cmd || !ML_AT_IS(cmd->subtype, AddColumn))
		return NULL;
	const PgQuery__Node *def = cmd->def;
	return def && def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF ? def->column_def : NULL;
}

const PgQuery__Constraint *ml_added_constraint(const PgQuery__AlterTableCmd *cmd, PgQuery__ConstrType type)
{
	if (!cmd || !ML_AT_IS(cmd->subtype, AddConstraint))
		return NULL;
	const PgQuery__Node *def = cmd->def;
	if (!def || def->node_case != PG_QUERY__NODE__NODE_CONSTRAINT || def->constraint->contype != type)
		return NULL;
	return def->constraint;
}

const PgQuery__Constraint *ml_column_constraint(const PgQuery__ColumnDef *def, PgQuery__ConstrType type)
{
	if (!def)
		return NULL;
	for (size_t i = 0; i < def->n_constraints; i++) {
		const PgQuery__Node *n = def->constraints[i];
		if (n && n->node_case == PG_QUERY__NODE__NODE_CONSTRAINT && n->constraint->contype == type)
			return n->constraint;
	}
	return NULL;
}

bool ml_column_fills_itself(const PgQuery__ColumnDef *def)
{
	return ml_type_is_serial(def->type_name) || ml_column_constraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY) ||
	       ml_column_constraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED);
}

size_t ml_word_end(const char *text, size_t len, const char *word)
{
	size_t n = strlen(word);
	for (size_t i = 0; i + n <= len; i++) {
		if (strncasecmp(text + i, word, n) != 0)
			continue;
		bool starts = i == 0 || !(isalnum((unsigned char)text[i - 1]) || text[i - 1] == '_');
		bool ends = i + n == len || !(isalnum((unsigned char)text[i + n]) || text[i + n] == '_');
		if (starts && ends)
			return i + n;
	}
	return (size_t)-1;
}

/* Reads a protobuf varint at *p (before end). Returns false when malformed. */
static bool read_varint(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64 && *p < end; shift += 7) {
		uint8_t b = *(*p)++;
		v |= (uint64_t)(b & 0x7F) << shift;
		if (!(b & 0x80)) {
			*out = v;
			return true;
		}
	}
	return false;
}

int ml_protobuf_depth(const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t len, int limit)
{
	struct frame {
		const uint8_t *end;
		const ProtobufCMessageDescriptor *desc;
	};
	size_t cap = 256;
	struct frame *stack = malloc(cap * sizeof(*stack));
	if (!stack)
		return limit + 1;
	int depth = 0, max_depth = 0;
	const uint8_t *p = data, *end = data + len;
	stack[0] = (struct frame){ end, desc };
	while (p < end) {
		while (depth > 0 && p >= stack[depth].end)
			depth--;
		if (p >= stack[depth].end)
			break;
		uint64_t key, size;
		if (!read_varint(&p, end, &key))
			break;
		unsigned wire = (unsigned)(key & 7);
		if (wire == 0) {
			if (!read_varint(&p, end, &size))
				break;
		} else if (wire == 1) {
			p += 8;
		} else if (wire == 5) {
			p += 4;
		} else if (wire == 2) {
			if (!read_varint(&p, end, &size) || size > (uint64_t)(end - p))
				break;
			const ProtobufCFieldDescriptor *f =
				protobuf_c_message_descriptor_get_field(stack[depth].desc, (unsigned)(key >> 3));
			if (f && f->type == PROTOBUF_C_TYPE_MESSAGE) {
				if (depth >= limit) {
					max_depth = limit + 1;
					break;
				}
				if ((size_t)depth + 1 >= cap) {
					struct frame *grown = realloc(stack, cap * 2 * sizeof(*stack));
					if (!grown) {
						max_depth = limit + 1;
						break;
					}
					stack = grown;
					cap *= 2;
				}
				depth++;
				stack[depth] = (struct frame){ p + size, f->descriptor };
				if (depth > max_depth)
					max_depth = depth;
				continue;
			}
			p += size;
		} else {
			break;
		}
	}
	free(stack);
	return max_depth;
}

/* The length of a dollar-quote opener "$tag$" at text[i], or 0. */
static size_t dollar_opener(const char *text, size_t len, size_t i)
{
	size_t j = i + 1;
	if (j < len && text[j] == '$')
		return 2;
	if (j >= len || !(isalpha((unsigned char)text[j]) || text[j] == '_' || (unsigned char)text[j] >= 0x80))
		return 0;
	while (j < len && (isalnum((unsigned char)text[j]) || text[j] == '_' || (unsigned char)text[j] >= 0x80))
		j++;
	return j < len && text[j] == '$' ? j - i + 1 : 0;
}

static bool is_word_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

void ml_statement_measure(const char *text, size_t len, ml_statement_size *out)
{
	/* Every nesting level of a parse tree needs at least one token, and
	 * list elements (separated by commas) are siblings, not children; so
	 * the tokens since the last comma, summed over the open parentheses,
	 * bound the depth from above. Comments are no tokens, and a quoted
	 * string or a dollar-quoted body is one, however long: padding does
	 * not make a statement look complex (a routine's body is analysed on
	 * its own path, statement by statement). */
	enum { MAX_PARENS = 4096 };
	static const char OPERATOR_CHARS[] = "+-*/<>=~!@#%^&|`?:.[]";
	long long chain[MAX_PARENS];
	int level = 0;
	long long estimate = 0, total = 0;
	size_t tokens = 0;
	chain[0] = 0;
	out->depth = 0;
	out->tokens = 0;
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)text[i];
		if (isspace(c)) {
			i++;
			continue;
		}
		if (c == '-' && i + 1 < len && text[i + 1] == '-') {
			/* PostgreSQL's scanner ends it at a newline or a carriage return */
			while (i < len && text[i] != '\n' && text[i] != '\r')
				i++;
			continue;
		}
		if (c == '/' && i + 1 < len && text[i + 1] == '*') {
			/* nested; unterminated, it runs to the end (the parser says so) */
			int depth = 0;
			do {
				if (i + 1 < len && text[i] == '/' && text[i + 1] == '*') {
					depth++;
					i += 2;
				} else if (i + 1 < len && text[i] == '*' && text[i + 1] == '/') {
					depth--;
					i += 2;
				} else {
					i++;
				}
			} while (i < len && depth > 0);
			continue;
		}
		if (c == '\'' || c == '"') {
			bool escapes = c == '\'' && i > 0 && (text[i - 1] == 'E' || text[i - 1] == 'e') &&
				       (i == 1 || !is_word_char((unsigned char)text[i - 2]));
			for (i++; i < len; i++) {
				if (escapes && text[i] == '\\') {
					i++;
				} else if ((unsigned char)text[i] == c) {
					if (i + 1 < len && (unsigned char)text[i + 1] == c) {
						i++;
						continue;
					}
					break;
				}
			}
			i++;
		} else if (c == '$' && (i == 0 || !is_word_char((unsigned char)text[i - 1])) &&
			   dollar_opener(text, len, i)) {
			size_t tag = dollar_opener(text, len, i);
			const char *body = text + i + tag, *end = text + len, *close = body;
			while ((close = memchr(close, '$', (size_t)(end - close))) &&
			       ((size_t)(end - close) < tag || memcmp(close, text + i, tag) != 0))
				close++;
			i = close ? (size_t)(close - text) + tag : len;
		} else if (c == '(') {
			if (level + 1 >= MAX_PARENS) {
				out->depth = INT32_MAX;
				return;
			}
			chain[++level] = 0;
			i++;
		} else if (c == ')') {
			if (level > 0)
				total -= chain[level--];
			i++;
		} else if (c == ',') {
			total -= chain[level];
			chain[level] = 0;
			tokens++;
			i++;
			continue;
		} else if (is_word_char(c)) {
			while (i < len && is_word_char((unsigned char)text[i]))
				i++;
		} else if (c && strchr(OPERATOR_CHARS, c)) { /* strchr finds the NUL too */
			while (i < len && text[i] && strchr(OPERATOR_CHARS, text[i]))
				i++;
		} else {
			i++;
		}
		chain[level]++;
		total++;
		tokens++;
		if (total + level > estimate)
			estimate = total + level;
	}
	out->depth = estimate > INT32_MAX ? INT32_MAX : (int)estimate;
	out->tokens = tokens;
}

int ml_nesting_estimate(const char *text, size_t len)
{
	ml_statement_size size;
	ml_statement_measure(text, len, &size);
	return size.depth;
}

bool ml_type_change_has_real_using(const PgQuery__AlterTableCmd *cmd)
{
	if (!cmd || !cmd->def || cmd->def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF)
		return false;
	const PgQuery__Node *e = cmd->def->column_def->raw_default;
	if (!e)
		return false;
	if (e->node_case == PG_QUERY__NODE__NODE_TYPE_CAST)
		e = e->type_cast->arg;
	if (!e || e->node_case != PG_QUERY__NODE__NODE_COLUMN_REF || !cmd->name)
		return true;
	const PgQuery__ColumnRef *ref = e->column_ref;
	return strcmp(ml_last_name(ref->fields, ref->n_fields), cmd->name) != 0;
}

bool ml_name_list_append(char *buf, size_t size, const char *name)
{
	size_t used = strlen(buf);
	int n = snprintf(buf + used, size - used, "%s\"%s\"", used ? ", " : "", name);
	if (n >= 0 && (size_t)n < size - used)
		return true;
	snprintf(buf + used, size - used, "%s...", used ? ", " : "");
	return false;
}
