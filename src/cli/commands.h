/*
 * commands.h - the subcommands main.c hands the command line to:
 * `migralint trace` (cmd_trace.c) and `migralint stats` (cmd_stats.c).
 * Each parses its own options, reports its errors once on stderr and
 * returns the process's exit status (enum ml_exit_status); only main.c
 * exits.
 */
#ifndef MIGRALINT_COMMANDS_H
#define MIGRALINT_COMMANDS_H

/* `migralint stats --database-url URL [--output FILE]`: argv[0] is
 * "stats". */
int ml_cli_stats(int argc, char **argv);

#endif
