/*
 * cmd_lsp.c - `migralint lsp`: the language server (src/lsp/) on standard
 * input and output. The server asks for the options of a folder; they are
 * built here, where the configuration file is read, the way the command
 * line builds them (cli_settings.c), with the editor's settings in the
 * place of the command line's flags. Standard output carries only the
 * protocol: file descriptor 1 is pointed at stderr once the server has its
 * own copy, so nothing else can reach the client.
 */
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_settings.h"
#include "commands.h"
#include "lsp_server.h"
#include "migralint/migralint.h"

static const char LSP_USAGE[] =
	"usage: migralint lsp [--stdio] [--max-message-size SIZE]\n"
	"\n"
	"Runs the migralint language server on standard input and output (the\n"
	"Language Server Protocol), for an editor to start. docs/editors.md sets\n"
	"it up in Neovim, VS Code, Helix, Emacs and Zed.\n"
	"\n"
	"options:\n"
	"  --stdio                  talk over standard input and output (the only\n"
	"                           way; accepted because clients pass it)\n"
	"  --max-message-size SIZE  skip, with an error, a message larger than SIZE\n"
	"                           (default: 129M)\n"
	"  -h, --help               print this help and exit\n"
	"\n"
	"exit status: 0 after the client's shutdown, 1 otherwise, 3 bad usage\n";

/* The editor's settings that stand for command-line flags. */
static const char SETTINGS_KEYS[] = "config, pgVersion, tool, assumeInTransaction, maxInputSize, include, exclude";

/* What one folder's options point into. */
typedef struct folder_options {
	ml_cli_settings settings;
	char *config_path;        /* the configuration file the settings name, resolved */
	char *errors;             /* what could not be used, or NULL */
} folder_options;

/* Appends a problem to *errors ("; " between two). */
static void add_error(char **errors, const char *text)
{
	size_t old = *errors ? strlen(*errors) : 0;
	char *grown = realloc(*errors, old + strlen(text) + 3);
	if (!grown)
		return;
	if (old)
		memcpy(grown + old, "; ", 2), old += 2;
	strcpy(grown + old, text);
	*errors = grown;
}

/* Adds the rule names of a setting to list (NULL-terminated, canonical
 * static names). */
static void add_rules(folder_options *fo, const cJSON *v, const char **list, const char *key)
{
	char text[256];
	if (!cJSON_IsArray(v)) {
		snprintf(text, sizeof(text), "editor settings: migralint.%s: expected an array of rule names", key);
		add_error(&fo->errors, text);
		return;
	}
	size_t n = 0;
	while (n < ML_MAX_RULE_FILTER && list[n])
		n++;
	const cJSON *item;
	cJSON_ArrayForEach(item, v)
	{
		const ml_rule_info *rule = cJSON_IsString(item) ? ml_rule_find(item->valuestring) : NULL;
		if (!rule) {
			snprintf(text, sizeof(text), "editor settings: migralint.%s: '%.80s' is not a rule", key,
				 cJSON_IsString(item) ? item->valuestring : "(not a string)");
			add_error(&fo->errors, text);
		} else if (n + 1 < ML_MAX_RULE_FILTER) {
			list[n++] = rule->name;
			list[n] = NULL;
		}
	}
}

/* Reads the editor's settings into fo: the flags, and the configuration
 * file they name (*config_path, resolved from root or dir; *no_config for
 * false). */
static void read_settings(folder_options *fo, const cJSON *settings, const char *dir, const char *root,
			  bool *no_config)
{
	ml_cli_settings *s = &fo->settings;
	char text[512];
	const cJSON *v;
	cJSON_ArrayForEach(v, settings)
	{
		const char *k = v->string;
		bool bad = false;
		if (!strcmp(k, "config")) {
			/* A key given twice (JSON allows it): the last one counts. */
			if (cJSON_IsFalse(v) || cJSON_IsNull(v)) {
				*no_config = cJSON_IsFalse(v);
				free(fo->config_path);
				fo->config_path = NULL;
			} else if (!cJSON_IsString(v) || !*v->valuestring) {
				bad = true;
			} else {
				const char *from = v->valuestring[0] == '/' ? "" : root ? root : dir;
				*no_config = false;
				free(fo->config_path);
				fo->config_path = malloc(strlen(from) + strlen(v->valuestring) + 2);
				if (fo->config_path)
					sprintf(fo->config_path, "%s%s%s", from, *from ? "/" : "", v->valuestring);
			}
		} else if (!strcmp(k, "pgVersion")) {
			char number[32];
			if (cJSON_IsNumber(v))
				snprintf(number, sizeof(number), "%g", v->valuedouble);
			else
				snprintf(number, sizeof(number), "%s", cJSON_IsString(v) ? v->valuestring : "");
			bad = ml_options_set_pg_version(&s->cli, number) != 0;
			s->given_pg_version = !bad;
		} else if (!strcmp(k, "tool")) {
			bad = !cJSON_IsString(v) || ml_options_set_tool(&s->cli, v->valuestring) != 0;
			s->given_tool = !bad;
		} else if (!strcmp(k, "assumeInTransaction")) {
			bad = !cJSON_IsBool(v);
			s->cli.assume_in_transaction = cJSON_IsTrue(v);
			s->given_assume_in_transaction = !bad;
		} else if (!strcmp(k, "maxInputSize")) {
			char size[64];
			if (cJSON_IsNumber(v))
				snprintf(size, sizeof(size), "%.0f", v->valuedouble);
			else
				snprintf(size, sizeof(size), "%s", cJSON_IsString(v) ? v->valuestring : "");
			bad = ml_size_parse(size, &s->cli.max_input_size) != 0;
			s->given_max_input_size = !bad;
		} else if (!strcmp(k, "include") || !strcmp(k, "exclude")) {
			add_rules(fo, v, !strcmp(k, "include") ? s->cli.include : s->cli.exclude, k);
		} else {
			snprintf(text, sizeof(text), "editor settings: migralint.%.80s: unknown setting (allowed: %s)", k,
				 SETTINGS_KEYS);
			add_error(&fo->errors, text);
			continue;
		}
		if (bad) {
			char *value = cJSON_PrintUnformatted(v);
			snprintf(text, sizeof(text), "editor settings: migralint.%.80s: bad value %.100s", k,
				 value ? value : "");
			free(value);
			add_error(&fo->errors, text);
		}
	}
}

static void release(void *data, ml_lsp_config *config)
{
	folder_options *fo = config->owner;
	if (!fo)
		return;
	ml_config_free(fo->settings.config);
	ml_cli_settings_free_lists(&fo->settings);
	free(fo->config_path);
	free(fo->errors);
	free(fo);
	memset(config, 0, sizeof(*config));
}

static int load(void *data, const char *dir, const char *root, const cJSON *settings, ml_lsp_config *out)
{
	memset(out, 0, sizeof(*out));
	folder_options *fo = calloc(1, sizeof(*fo));
	if (!fo)
		return -1;
	out->owner = fo;
	ml_options_init(&fo->settings.cli);
	bool no_config = false;
	if (settings)
		read_settings(fo, settings, dir, root, &no_config);
	char err[1024];
	int status = ml_cli_settings_load_config(&fo->settings, fo->config_path, no_config, dir, err, sizeof(err));
	if (status == ML_EXIT_CLEAN)
		status = ml_cli_settings_load_stats(&fo->settings, err, sizeof(err));
	if (status == ML_EXIT_FAILED) {
		release(data, out);
		return -1;
	}
	if (status == ML_EXIT_USAGE)
		add_error(&fo->errors, err);
	ml_cli_effective_options(&fo->settings, NULL, &out->options, NULL);
	out->hook = ml_cli_file_options;
	out->hook_data = &fo->settings;
	out->path = fo->config_path ? fo->config_path : fo->settings.config ? ml_config_path(fo->settings.config) : NULL;
	out->error = fo->errors;
	return 0;
}

int ml_cli_lsp(int argc, char **argv)
{
	size_t max_message = 0;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (!strcmp(arg, "--stdio"))
			continue;
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(LSP_USAGE, stdout);
			return fflush(stdout) == 0 ? ML_EXIT_CLEAN : ML_EXIT_FAILED;
		}
		const char *value = NULL;
		if (!strncmp(arg, "--max-message-size=", 19))
			value = arg + 19;
		else if (!strcmp(arg, "--max-message-size") && i + 1 < argc)
			value = argv[++i];
		if (value && ml_size_parse(value, &max_message) == 0)
			continue;
		fputs("migralint lsp: error: ", stderr);
		if (value || !strcmp(arg, "--max-message-size")) {
			fputs("bad --max-message-size '", stderr);
			ml_write_escaped(stderr, value ? value : "");
			fputs("' (a number of bytes, or with K, M or G)", stderr);
		} else {
			fputs("unknown option '", stderr);
			ml_write_escaped(stderr, arg);
			fputs("'", stderr);
		}
		fputs("\nTry 'migralint lsp --help'.\n", stderr);
		return ML_EXIT_USAGE;
	}
	/* A client that goes away is an end of input, not a death by SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	fflush(stdout);
	int out = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	if (out < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
		perror("migralint lsp: error: cannot set up standard output");
		return ML_EXIT_FAILED;
	}
	ml_lsp_server_options opts = {
		.in_fd = STDIN_FILENO,
		.out_fd = out,
		.max_message_size = max_message,
		.log = stderr,
		.loader = { .data = NULL, .load = load, .release = release },
	};
	int status = ml_lsp_serve(&opts);
	close(out);
	return status;
}
