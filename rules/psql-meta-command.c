/*
 * psql-meta-command - a psql backslash command (\set, \connect, \i, \gset
 * ...). migralint skips it with a note so that nothing is skipped silently;
 * the splitter finds them (split.c) and the engine reports them.
 */
#include "rule_api.h"

const ml_rule ml_rule_psql_meta_command = {
	.info = {
		.name = "psql-meta-command",
		.severity = ML_SEVERITY_INFO,
		.summary = "a psql backslash command, skipped",
		.help = "only psql understands backslash commands; migration tools send the file to the "
			"server, which rejects them. Use SQL (SET, SELECT set_config(...)) instead",
	},
};
