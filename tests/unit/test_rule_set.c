/*
 * test_rule_set.c - which rules are on, and at what severity
 * (src/engine/rule_set.c): the registry's defaults, the rule lists of
 * ml_options, layers of settings and where each setting came from; then the
 * whole way the command line takes, a configuration file's top level and
 * per-path overrides (ml_config_apply) with --include and --exclude over
 * them (ml_options_apply_rule_flags).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migralint/config.h"
#include "migralint/migralint.h"
#include "rule_set.h"
#include "unit.h"

/* The rules the tests turn: on by default (warning), on by default with an
 * alias (info), opt-in (warning, and info). */
#define DROP "ban-drop-column"
#define TSTZ "prefer-timestamptz"
#define TSTZ_ALIAS "prefer-timestamp-tz"
#define ROBUST "prefer-robust-stmts"
#define SCHEMA "require-table-schema"
#define INDEX "require-concurrent-index-creation"

static size_t idx(const char *name)
{
	int i = ml_rule_index(ml_rule_find(name));
	ck_assert_msg(i >= 0, "no rule %s", name);
	return (size_t)i;
}

static bool on(const ml_rule_set *set, const char *name)
{
	return set->enabled[idx(name)];
}

static ml_severity severity(const ml_rule_set *set, const char *name)
{
	return set->severity[idx(name)];
}

START_TEST(the_rules_under_test_are_what_the_tests_assume)
{
	ck_assert(!ml_rule_find(DROP)->opt_in);
	ck_assert_int_eq(ml_rule_find(DROP)->severity, ML_SEVERITY_WARNING);
	ck_assert_ptr_eq(ml_rule_find(TSTZ_ALIAS), ml_rule_find(TSTZ));
	ck_assert(ml_rule_find(ROBUST)->opt_in);
	ck_assert(ml_rule_find(SCHEMA)->opt_in);
	ck_assert_int_eq(ml_rule_find(INDEX)->severity, ML_SEVERITY_WARNING);
}
END_TEST

START_TEST(defaults_come_from_the_registry)
{
	ml_options opts;
	ml_options_init(&opts);
	ml_rule_set from_options, bare;
	ml_rule_set_from_options(&from_options, &opts);
	ml_rule_set_resolve(&bare, NULL, NULL, 0, NULL);
	ck_assert_uint_gt(ml_rule_count(), 40);
	for (size_t i = 0; i < ml_rule_count(); i++) {
		const ml_rule_info *info = ml_rule_at(i);
		ck_assert_msg(from_options.enabled[i] == !info->opt_in, "%s", info->name);
		ck_assert_int_eq(from_options.severity[i], info->severity);
		ck_assert_int_eq(bare.enabled[i], from_options.enabled[i]);
		ck_assert_int_eq(bare.severity[i], from_options.severity[i]);
	}
	ck_assert(on(&from_options, DROP));
	ck_assert(!on(&from_options, ROBUST));
}
END_TEST

START_TEST(option_lists_by_id_and_alias)
{
	ml_options opts;
	ml_options_init(&opts);
	opts.include[0] = ROBUST;
	opts.include[1] = DROP; /* on anyway */
	opts.include[2] = SCHEMA;
	opts.exclude[0] = TSTZ_ALIAS;
	opts.exclude[1] = SCHEMA; /* exclude beats include, whatever the order */
	opts.exclude[2] = "no-such-rule";
	opts.severity[0] = (struct ml_severity_override){ INDEX, ML_SEVERITY_INFO };
	opts.severity[1] = (struct ml_severity_override){ TSTZ_ALIAS, ML_SEVERITY_ERROR };
	opts.severity[2] = (struct ml_severity_override){ INDEX, ML_SEVERITY_ERROR }; /* the last one wins */
	ml_rule_set set;
	ml_rule_set_from_options(&set, &opts);
	ck_assert(on(&set, ROBUST));
	ck_assert(on(&set, DROP));
	ck_assert(!on(&set, SCHEMA));
	ck_assert(!on(&set, TSTZ));
	ck_assert_int_eq(severity(&set, INDEX), ML_SEVERITY_ERROR);
	ck_assert_int_eq(severity(&set, TSTZ), ML_SEVERITY_ERROR);
	ck_assert_int_eq(severity(&set, DROP), ML_SEVERITY_WARNING);
	/* The public questions answer the same, rule by rule. */
	for (size_t i = 0; i < ml_rule_count(); i++) {
		ck_assert_int_eq(ml_options_rule_enabled(&opts, ml_rule_at(i)), set.enabled[i]);
		ck_assert_int_eq(ml_options_rule_severity(&opts, ml_rule_at(i)), set.severity[i]);
	}
}
END_TEST

START_TEST(written_lists_resolve_to_the_same_set)
{
	ml_options opts;
	ml_options_init(&opts);
	opts.include[0] = ROBUST;
	opts.exclude[0] = TSTZ_ALIAS;
	opts.severity[0] = (struct ml_severity_override){ INDEX, ML_SEVERITY_INFO };
	ml_rule_set set, again;
	ml_rule_set_from_options(&set, &opts);
	ml_options written;
	ml_options_init(&written);
	written.exclude[0] = DROP; /* overwritten */
	ml_rule_set_write_options(&set, &written);
	ml_rule_set_from_options(&again, &written);
	ck_assert_mem_eq(set.enabled, again.enabled, sizeof(set.enabled));
	ck_assert_mem_eq(set.severity, again.severity, sizeof(set.severity));
	/* The shortest lists, by id. */
	ck_assert_str_eq(written.include[0], ROBUST);
	ck_assert_ptr_null(written.include[1]);
	ck_assert_str_eq(written.exclude[0], TSTZ);
	ck_assert_ptr_null(written.exclude[1]);
	ck_assert_str_eq(written.severity[0].rule, INDEX);
	ck_assert_ptr_null(written.severity[1].rule);
}
END_TEST

START_TEST(layers_apply_in_order_and_record_origins)
{
	ml_options opts;
	ml_options_init(&opts);
	opts.exclude[0] = DROP;
	const ml_rule_change top[] = {
		{ .rule = idx(DROP), .kind = ML_RULE_ON },
		{ .rule = idx(ROBUST), .kind = ML_RULE_ON },
		{ .rule = idx(INDEX), .kind = ML_RULE_SEVERITY, .severity = ML_SEVERITY_ERROR },
		{ .rule = idx(TSTZ), .kind = ML_RULE_ON }, /* on already: still its origin */
	};
	const ml_rule_change override[] = {
		{ .rule = idx(ROBUST), .kind = ML_RULE_OFF },
		{ .rule = idx(INDEX), .kind = ML_RULE_SEVERITY, .severity = ML_SEVERITY_INFO },
		{ .rule = ml_rule_count(), .kind = ML_RULE_ON }, /* past the registry: ignored */
	};
	const ml_rule_layer layers[] = {
		{ .origin = "top", .changes = top, .n_changes = 4 },
		{ .origin = "override", .changes = override, .n_changes = 3 },
	};
	const char *state[ML_RULE_SET_MAX] = { 0 }, *sev[ML_RULE_SET_MAX] = { 0 };
	ml_rule_origins origins = { .state = state, .severity = sev };
	ml_rule_set set;
	ml_rule_set_resolve(&set, &opts, layers, 2, &origins);
	ck_assert(on(&set, DROP));
	ck_assert_str_eq(state[idx(DROP)], "top");
	ck_assert(!on(&set, ROBUST));
	ck_assert_str_eq(state[idx(ROBUST)], "override");
	ck_assert_int_eq(severity(&set, INDEX), ML_SEVERITY_INFO);
	ck_assert_str_eq(sev[idx(INDEX)], "override");
	ck_assert_ptr_null(state[idx(INDEX)]);
	ck_assert_str_eq(state[idx(TSTZ)], "top");
	ck_assert_ptr_null(sev[idx(TSTZ)]);
	ck_assert_ptr_null(state[idx(SCHEMA)]);
	ck_assert(!on(&set, SCHEMA));
}
END_TEST

START_TEST(include_leaves_a_rule_on_anyway_alone)
{
	ml_options opts;
	ml_options_init(&opts);
	opts.exclude[0] = TSTZ;
	const ml_rule_change flags[] = {
		{ .rule = idx(DROP), .kind = ML_RULE_INCLUDE },   /* on by default, on: no setting */
		{ .rule = idx(TSTZ), .kind = ML_RULE_INCLUDE },   /* on by default, but off: on */
		{ .rule = idx(ROBUST), .kind = ML_RULE_INCLUDE }, /* opt-in: on */
		{ .rule = idx(SCHEMA), .kind = ML_RULE_INCLUDE },
		{ .rule = idx(SCHEMA), .kind = ML_RULE_OFF },     /* a later exclude beats it */
	};
	const ml_rule_layer layer = { .origin = "command line", .changes = flags, .n_changes = 5 };
	const char *state[ML_RULE_SET_MAX] = { 0 };
	ml_rule_origins origins = { .state = state };
	ml_rule_set set;
	ml_rule_set_resolve(&set, &opts, &layer, 1, &origins);
	ck_assert(on(&set, DROP));
	ck_assert_ptr_null(state[idx(DROP)]);
	ck_assert(on(&set, TSTZ));
	ck_assert_str_eq(state[idx(TSTZ)], "command line");
	ck_assert(on(&set, ROBUST));
	ck_assert_str_eq(state[idx(ROBUST)], "command line");
	ck_assert(!on(&set, SCHEMA));
	ck_assert_str_eq(state[idx(SCHEMA)], "command line");
}
END_TEST

/* ---- through a configuration file and the command line's flags ---- */

static char dir[64];
static char config_path[128];
static char *saved_cwd;

static const char CONFIG[] =
	"{\n"
	"  // top level: one rule off, an opt-in rule on, a severity\n"
	"  \"rules\": { \"" DROP "\": false, \"" ROBUST "\": \"on\" },\n"
	"  \"severity\": { \"" INDEX "\": \"error\" },\n"
	"  \"overrides\": [\n"
	"    { \"files\": [\"db/down\"], \"rules\": { \"" DROP "\": true, \"" ROBUST "\": false },\n"
	"      \"severity\": { \"" INDEX "\": \"info\", \"" TSTZ_ALIAS "\": \"warning\" } }\n"
	"  ]\n"
	"}\n";

static void config_setup(void)
{
	strcpy(dir, "/tmp/migralint-unit-rules-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(config_path, sizeof(config_path), "%s/" ML_CONFIG_FILE_NAME, dir);
	FILE *f = fopen(config_path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(CONFIG, f);
	ck_assert_int_eq(fclose(f), 0);
	/* Globs match paths relative to the file's directory, taken from the
	 * current directory when it is loaded. */
	saved_cwd = getcwd(NULL, 0);
	ck_assert_ptr_nonnull(saved_cwd);
	ck_assert_int_eq(chdir(dir), 0);
}

static void config_teardown(void)
{
	ck_assert_int_eq(chdir(saved_cwd), 0);
	free(saved_cwd);
	unlink(config_path);
	ck_assert_int_eq(rmdir(dir), 0);
}

/* The options the command line gives path: the configuration, then the
 * flags; the set they resolve to into *set. */
static void settle(const ml_config *cfg, const char *path, const char *const *include, const char *const *exclude,
		   ml_rule_set *set, ml_config_origins *origins)
{
	ml_options opts;
	ml_options_init(&opts);
	ml_config_origins_init(origins);
	ck_assert(ml_config_apply(cfg, path, &opts, origins));
	ml_options_apply_rule_flags(&opts, include, exclude, "command line", origins);
	ml_rule_set_from_options(set, &opts);
}

START_TEST(config_top_level_and_override)
{
	char err[256];
	ml_config *cfg = ml_config_load(ML_CONFIG_FILE_NAME, err, sizeof(err));
	ck_assert_msg(cfg != NULL, "%s", err);
	ml_config_origins *o = malloc(sizeof(*o));
	ck_assert_ptr_nonnull(o);
	ml_rule_set set;

	/* A path no override matches: the top level. */
	settle(cfg, "db/0001.sql", NULL, NULL, &set, o);
	ck_assert(!on(&set, DROP));
	ck_assert_str_eq(o->rule_state[idx(DROP)], ML_CONFIG_FILE_NAME);
	ck_assert(on(&set, ROBUST));
	ck_assert_int_eq(severity(&set, INDEX), ML_SEVERITY_ERROR);
	ck_assert_str_eq(o->rule_severity[idx(INDEX)], ML_CONFIG_FILE_NAME);
	ck_assert_str_eq(o->rule_state[idx(INDEX)], "default");
	ck_assert_int_eq(severity(&set, TSTZ), ML_SEVERITY_INFO);
	ck_assert_str_eq(o->rule_severity[idx(TSTZ)], "default");

	/* Below db/down the override beats the top level. */
	settle(cfg, "db/down/0001.sql", NULL, NULL, &set, o);
	ck_assert(on(&set, DROP));
	ck_assert_str_eq(o->rule_state[idx(DROP)], ML_CONFIG_FILE_NAME " overrides[0]");
	ck_assert(!on(&set, ROBUST));
	ck_assert_int_eq(severity(&set, INDEX), ML_SEVERITY_INFO);
	ck_assert_str_eq(o->rule_severity[idx(INDEX)], ML_CONFIG_FILE_NAME " overrides[0]");
	ck_assert_int_eq(severity(&set, TSTZ), ML_SEVERITY_WARNING);

	/* No path: the top level only. */
	settle(cfg, NULL, NULL, NULL, &set, o);
	ck_assert(!on(&set, DROP));
	ck_assert_int_eq(severity(&set, INDEX), ML_SEVERITY_ERROR);

	free(o);
	ml_config_free(cfg);
}
END_TEST

START_TEST(flags_beat_the_config)
{
	char err[256];
	ml_config *cfg = ml_config_load(ML_CONFIG_FILE_NAME, err, sizeof(err));
	ck_assert_msg(cfg != NULL, "%s", err);
	ml_config_origins *o = malloc(sizeof(*o));
	ck_assert_ptr_nonnull(o);
	ml_rule_set set;

	/* --include turns back on what the file turned off; --exclude turns
	 * off what it turned on; naming a rule in both turns it off. */
	const char *include[] = { DROP, SCHEMA, INDEX, NULL };
	const char *exclude[] = { ROBUST, SCHEMA, NULL };
	settle(cfg, "db/0001.sql", include, exclude, &set, o);
	ck_assert(on(&set, DROP));
	ck_assert_str_eq(o->rule_state[idx(DROP)], "command line");
	ck_assert(!on(&set, ROBUST));
	ck_assert_str_eq(o->rule_state[idx(ROBUST)], "command line");
	ck_assert(!on(&set, SCHEMA));
	ck_assert_str_eq(o->rule_state[idx(SCHEMA)], "command line");
	/* --include of a rule that is on anyway changes nothing, and the
	 * flags leave severities alone. */
	ck_assert(on(&set, INDEX));
	ck_assert_str_eq(o->rule_state[idx(INDEX)], "default");
	ck_assert_int_eq(severity(&set, INDEX), ML_SEVERITY_ERROR);
	ck_assert_str_eq(o->rule_severity[idx(INDEX)], ML_CONFIG_FILE_NAME);

	/* The same flags over an override, by alias. */
	const char *by_alias[] = { TSTZ_ALIAS, NULL };
	settle(cfg, "db/down/0001.sql", NULL, by_alias, &set, o);
	ck_assert(!on(&set, TSTZ));
	ck_assert(on(&set, DROP));
	ck_assert_int_eq(severity(&set, TSTZ), ML_SEVERITY_WARNING);

	free(o);
	ml_config_free(cfg);
}
END_TEST

Suite *rule_set_suite(void)
{
	Suite *s = suite_create("rule_set");
	TCase *tc = tcase_create("resolve");
	tcase_add_test(tc, the_rules_under_test_are_what_the_tests_assume);
	tcase_add_test(tc, defaults_come_from_the_registry);
	tcase_add_test(tc, option_lists_by_id_and_alias);
	tcase_add_test(tc, written_lists_resolve_to_the_same_set);
	tcase_add_test(tc, layers_apply_in_order_and_record_origins);
	tcase_add_test(tc, include_leaves_a_rule_on_anyway_alone);
	suite_add_tcase(s, tc);
	TCase *cfg = tcase_create("config");
	tcase_add_checked_fixture(cfg, config_setup, config_teardown);
	tcase_add_test(cfg, config_top_level_and_override);
	tcase_add_test(cfg, flags_beat_the_config);
	suite_add_tcase(s, cfg);
	return s;
}
