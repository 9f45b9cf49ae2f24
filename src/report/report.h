/*
 * report.h - the interface every report format implements: three hooks
 * (begin, one diagnostic, end) over the run's sorted diagnostics, plus the
 * helpers formats share (report.c; the escaping of text for people is
 * report_escape.h's). One format per file: report_<name>.c. Findings an
 * ignore comment silenced reach only the formats that can show them as such
 * (with_suppressed: json, sarif); the others only count them.
 */
#ifndef MIGRALINT_REPORT_H
#define MIGRALINT_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "run.h"
#include "facts.h"
#include "tx.h"
#include "migralint/migralint.h"

typedef struct ml_report_ctx {
	FILE *out;
	ml_run *run;
	bool color;               /* ANSI colours allowed (text formats on a terminal) */
	const ml_diagnostic *diagnostics; /* what the format reports, sorted: the run's
					     diagnostics, without the suppressed ones unless
					     the format takes them */
	size_t index;             /* diagnostics written so far: the current one is diagnostics[index] */
	size_t count;             /* diagnostics in all */
	void *state;              /* the format's own data between its hooks; NULL at begin */
	bool out_of_memory;       /* set by a format that left something out because memory
				     ran out: the report is not complete */
} ml_report_ctx;

typedef struct ml_report_format {
	const char *name;         /* the --format value */
	ml_format id;
	void (*begin)(ml_report_ctx *rc);
	void (*diagnostic)(ml_report_ctx *rc, const ml_diagnostic *d);
	void (*end)(ml_report_ctx *rc);
	bool with_suppressed;     /* the hooks see suppressed findings too (ml_diagnostic.suppressed) */
} ml_report_format;

typedef struct ml_report_totals {
	int files, statements, errors, warnings, infos;
	int suppressed;           /* findings an ignore comment silenced; not in the three above */
} ml_report_totals;

/* Counts files, statements, findings in force by severity, and suppressed
 * findings. */
ml_report_totals ml_report_count(ml_run *run);
/* Writes s as a JSON string literal; bytes that are not UTF-8 become U+FFFD
 * so the output always parses. NULL is written as null. */
void ml_json_string(FILE *out, const char *s);
/* "ran", "failed", "not run". */
const char *ml_observed_status_name(ml_observed_status status);
/* 1 (ACCESS SHARE) to 8 (ACCESS EXCLUSIVE) for a lock mode name, 0 otherwise. */
int ml_lock_rank(const char *mode);
/* The strongest lock mode among d's locks, or NULL when it has none. */
const char *ml_report_strongest_lock(const ml_diagnostic *d);
/* The path a report shows for path, malloc'd (the caller frees it; NULL
 * when memory runs out): "." and ".." segments resolved, relative to cwd
 * when it lies below it (*relative is then true), else absolute. With a NULL
 * cwd a relative path only loses its "./" segments. */
char *ml_report_path(const char *path, const char *cwd, bool *relative);
/* What ref is, in words, for the reports people read (docs/formats.md,
 * "References"): "still used at PATH:LINE: TEXT" for code, "KIND NAME at
 * PATH:LINE (EFFECT)" for the rest, the effect in words ("the statement
 * fails", "CASCADE drops it", "dropped with it", "breaks when it runs",
 * "uses it", "drops or renames it"). Without with_place the " at PATH:LINE" is left out (for a
 * format that gives the place apart) and code reads "still used here:
 * TEXT". A part that is NULL is left out. malloc'd (the caller frees it);
 * NULL when memory runs out. Nothing is escaped. */
char *ml_report_reference_text(const ml_reference *ref, bool with_place);
/* A reference's effect in words: "the statement fails", "CASCADE drops
 * it", "dropped with it", "breaks when it runs", "uses it", "drops or
 * renames it"; effect itself when it is none of these. Static. */
const char *ml_report_effect_words(const char *effect);
/* How many of a finding's references the formats for people list; the rest
 * are counted ("and N more"). */
#define ML_REPORT_MAX_REFERENCES 20
/* The base URL of the rule pages: the run's doc_base_url, or NULL when
 * none is configured (the reports then link to no rule page: SARIF carries
 * each page inline, markdown names the rule). The rule name and ".md"
 * follow it. */
const char *ml_report_doc_base(const ml_run *run);
/* A fingerprint for each of rc's diagnostics (the order the hooks see),
 * unchanged when lines are inserted or removed above the
 * finding: a 64-bit FNV-1a hash of the rule, the path as ml_report_path
 * shows it, the flagged source lines with white space collapsed, the message
 * with its numbers left out (they are mostly line references), and how many
 * earlier findings share all of these. Returns a malloc'd array of the
 * diagnostics' count (the caller frees it), or NULL when there are none or
 * memory runs out. */
uint64_t *ml_report_fingerprints(const ml_report_ctx *rc);

extern const ml_report_format ml_report_text;
extern const ml_report_format ml_report_json;
extern const ml_report_format ml_report_locks;
extern const ml_report_format ml_report_sarif;
extern const ml_report_format ml_report_github;
extern const ml_report_format ml_report_gitlab;
extern const ml_report_format ml_report_gcc;
extern const ml_report_format ml_report_markdown;

#endif
