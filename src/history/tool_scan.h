/*
 * tool_scan.h - a small statement scanner for presets whose tool decides
 * something from the statements of a file without parsing them: how many
 * statements a file holds (golang-migrate: one query of several statements
 * is an implicit transaction) and the words each starts with (Flyway runs a
 * migration outside a transaction when one of its statements cannot run in
 * one). Comments, quoted text and dollar-quoted bodies are skipped, so a
 * ';' or a keyword inside them does not count. Not a preset: tool_scan.c
 * defines no ml_tool.
 */
#ifndef MIGRALINT_TOOL_SCAN_H
#define MIGRALINT_TOOL_SCAN_H

#include <stdbool.h>
#include <stddef.h>

/* The longest word ml_tool_scan_words keeps (longer ones are cut). */
#define ML_SCAN_WORD_MAX 32

/* Finds the next statement of text[0, len) from *at: [*start, *end) is its
 * text from its first character that is not a blank or a comment up to its
 * ';' (excluded) or the end of text; *at moves past the ';'. Statements
 * holding only blanks and comments are passed over. Returns false when no
 * statement is left. */
bool ml_tool_scan_next(const char *text, size_t len, size_t *at, size_t *start, size_t *end);

/* Puts the first max words of text[start, end) into words, upper-cased: a
 * word is a run of letters, digits and '_'; blanks and comments between
 * words are skipped; anything else (a quote, a parenthesis, a number sign)
 * ends the scan. Returns how many words were found. */
size_t ml_tool_scan_words(const char *text, size_t start, size_t end, char words[][ML_SCAN_WORD_MAX], size_t max);

/* How many statements text[0, len) holds, counting at most up to limit. */
size_t ml_tool_scan_count(const char *text, size_t len, size_t limit);

#endif
