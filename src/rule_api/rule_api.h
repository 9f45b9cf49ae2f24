/*
 * rule_api.h - everything a rule in rules/ may use.
 *
 * A rule is a const struct ml_rule with a check function. The engine calls
 * check once per statement (top-level, or SQL found inside PL/pgSQL) with a
 * read-only context holding the facts it computed once for every rule: the
 * transaction state, the tables this run created, the locks the transaction
 * already holds, what this statement locks, rewrites and scans, and what is
 * known about columns. A rule only reads the context and calls ml_report.
 *
 * Rules include this one header; it gathers the rule API's pieces, one per
 * topic, all in src/rule_api/ (the only folder of src/ on the rules'
 * include path): facts.h and lock_forms.h (the vocabulary the model shares
 * with rules), rule.h (a rule and its context), rule_report.h (reporting),
 * rule_fix.h (mechanical fixes and where to place them), rule_catalog.h
 * (questions about the database and the transaction), rule_tree.h (parse
 * tree helpers) and rule_alter.h (ALTER TABLE, constraints and locks).
 */
#ifndef MIGRALINT_RULE_API_H
#define MIGRALINT_RULE_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pg_query/pg_query.pb-c.h>

#include "facts.h"
#include "migralint/migralint.h"
#include "rule.h"
#include "rule_alter.h"
#include "rule_catalog.h"
#include "rule_fix.h"
#include "rule_history.h"
#include "rule_report.h"
#include "rule_tree.h"

#endif
