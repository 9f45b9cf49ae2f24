/*
 * test_lock_table.c - the lock model's rows (src/model/lock_table.c) as a whole:
 * every form has exactly one row for every PostgreSQL major version migralint
 * targets, labels name the forms unambiguously, and the version switches in
 * ../shared/pg-lock-facts.md hold. What each row claims about a real server is
 * checked by tests/lock_facts_test.sh against PostgreSQL 15.
 */
#include <string.h>

#include "lock_forms.h"
#include "lock_table.h"
#include "unit.h"

/* Major versions migralint models. */
#define PG_FIRST 9
#define PG_LAST 18

/* Does row f hold on major version v? */
static bool row_holds(const ml_lock_fact *f, int v)
{
	return (!f->min_pg || v >= f->min_pg) && (!f->max_pg || v <= f->max_pg);
}

/* Forms that share a label on purpose, and the versions where they do.
 * Before PG 12 a valid CHECK (col IS NOT NULL) does not spare SET NOT NULL
 * its scan, so both forms are the same statement to the reader. */
static const struct {
	ml_form a, b;
	int max_pg;
} SHARED_LABELS[] = {
	{ ML_FORM_SET_NOT_NULL, ML_FORM_SET_NOT_NULL_CHECKED, 11 },
};

static bool label_may_be_shared(ml_form a, ml_form b, int v)
{
	for (size_t i = 0; i < sizeof(SHARED_LABELS) / sizeof(SHARED_LABELS[0]); i++)
		if (((SHARED_LABELS[i].a == a && SHARED_LABELS[i].b == b) ||
		     (SHARED_LABELS[i].a == b && SHARED_LABELS[i].b == a)) &&
		    v <= SHARED_LABELS[i].max_pg)
			return true;
	return false;
}

START_TEST(none_row_is_the_fallback)
{
	size_t n;
	const ml_lock_fact *rows = ml_lock_facts(&n);
	ck_assert_uint_gt(n, (size_t)ML_FORM_COUNT - 1);
	ck_assert_int_eq(rows[0].form, ML_FORM_NONE);
	ck_assert_int_eq(rows[0].target_lock, ML_LOCK_NONE);
	for (int v = PG_FIRST; v <= PG_LAST; v++)
		ck_assert_ptr_eq(ml_lock_fact_for(ML_FORM_NONE, v), &rows[0]);
}
END_TEST

START_TEST(rows_are_well_formed)
{
	size_t n;
	const ml_lock_fact *rows = ml_lock_facts(&n);
	for (size_t i = 0; i < n; i++) {
		const ml_lock_fact *f = &rows[i];
		ck_assert_msg(f->form >= ML_FORM_NONE && f->form < ML_FORM_COUNT, "row %zu: form %d out of range",
			      i, (int)f->form);
		ck_assert_msg(f->label && *f->label, "row %zu (form %d): empty label", i, (int)f->form);
		ck_assert_msg(f->target_lock >= ML_LOCK_NONE && f->target_lock <= ML_LOCK_ACCESS_EXCLUSIVE &&
				      f->referenced_lock >= ML_LOCK_NONE &&
				      f->referenced_lock <= ML_LOCK_ACCESS_EXCLUSIVE,
			      "row %zu (%s): lock mode out of range", i, f->label);
		ck_assert_msg(f->min_pg >= 0 && f->max_pg >= 0, "row %zu (%s): negative version", i, f->label);
		ck_assert_msg(!f->min_pg || !f->max_pg || f->min_pg <= f->max_pg,
			      "row %zu (%s): empty version range %d..%d", i, f->label, f->min_pg, f->max_pg);
		/* A rewrite reads every row; so does an index build. */
		ck_assert_msg(!f->rewrite || f->scan, "row %zu (%s): rewrite without scan", i, f->label);
		ck_assert_msg(!f->index_build || f->scan, "row %zu (%s): index build without scan", i, f->label);
	}
}
END_TEST

/* ml_lock_fact_for finds a row of the form itself, never the NONE row, for
 * every form and version. */
START_TEST(every_form_has_a_row_for_every_version)
{
	for (int form = ML_FORM_NONE + 1; form < ML_FORM_COUNT; form++) {
		for (int v = PG_FIRST; v <= PG_LAST; v++) {
			const ml_lock_fact *f = ml_lock_fact_for((ml_form)form, v);
			ck_assert_ptr_nonnull(f);
			ck_assert_msg(f->form == (ml_form)form, "form %d on PG %d falls back to the \"%s\" row", form,
				      v, f->label);
			ck_assert_msg(row_holds(f, v), "form %d on PG %d: row \"%s\" is for %d..%d", form, v,
				      f->label, f->min_pg, f->max_pg);
		}
	}
}
END_TEST

/* No two rows of one form hold on the same version (the first would win in
 * silence), and no row of a form is unreachable. */
START_TEST(version_ranges_do_not_overlap)
{
	size_t n;
	const ml_lock_fact *rows = ml_lock_facts(&n);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = i + 1; j < n; j++) {
			if (rows[i].form != rows[j].form)
				continue;
			/* [lo, hi] with 0 as unbounded */
			int lo_i = rows[i].min_pg, hi_i = rows[i].max_pg ? rows[i].max_pg : 1 << 30;
			int lo_j = rows[j].min_pg, hi_j = rows[j].max_pg ? rows[j].max_pg : 1 << 30;
			ck_assert_msg(hi_i < lo_j || hi_j < lo_i,
				      "form %d: rows %zu (\"%s\", %d..%d) and %zu (\"%s\", %d..%d) overlap",
				      (int)rows[i].form, i, rows[i].label, rows[i].min_pg, rows[i].max_pg, j,
				      rows[j].label, rows[j].min_pg, rows[j].max_pg);
		}
	}
	for (int form = ML_FORM_NONE + 1; form < ML_FORM_COUNT; form++) {
		for (int v = PG_FIRST; v <= PG_LAST; v++) {
			int holding = 0;
			for (size_t i = 0; i < n; i++)
				if (rows[i].form == (ml_form)form && row_holds(&rows[i], v))
					holding++;
			ck_assert_msg(holding == 1, "form %d on PG %d: %d rows hold", form, v, holding);
		}
	}
}
END_TEST

/* Reports name a statement by its row's label: on one version, two forms
 * with the same label would be indistinguishable, except SHARED_LABELS. */
START_TEST(labels_are_unique_per_version)
{
	for (int v = PG_FIRST; v <= PG_LAST; v++) {
		for (int a = ML_FORM_NONE; a < ML_FORM_COUNT; a++) {
			const ml_lock_fact *fa = ml_lock_fact_for((ml_form)a, v);
			for (int b = a + 1; b < ML_FORM_COUNT; b++) {
				const ml_lock_fact *fb = ml_lock_fact_for((ml_form)b, v);
				if (strcmp(fa->label, fb->label) != 0)
					continue;
				ck_assert_msg(label_may_be_shared((ml_form)a, (ml_form)b, v),
					      "PG %d: forms %d and %d share the label \"%s\"", v, a, b, fa->label);
			}
		}
	}
}
END_TEST

/* The exceptions are still needed: a stale entry would hide nothing, but
 * would document a sharing that is gone. */
START_TEST(shared_labels_are_really_shared)
{
	for (size_t i = 0; i < sizeof(SHARED_LABELS) / sizeof(SHARED_LABELS[0]); i++) {
		int v = SHARED_LABELS[i].max_pg;
		ck_assert_str_eq(ml_lock_fact_for(SHARED_LABELS[i].a, v)->label,
				 ml_lock_fact_for(SHARED_LABELS[i].b, v)->label);
		ck_assert_str_ne(ml_lock_fact_for(SHARED_LABELS[i].a, v + 1)->label,
				 ml_lock_fact_for(SHARED_LABELS[i].b, v + 1)->label);
	}
}
END_TEST

/* ---- spot facts from ../shared/pg-lock-facts.md ----------------------------- */

START_TEST(create_index_takes_share_and_scans)
{
	for (int v = PG_FIRST; v <= PG_LAST; v++) {
		const ml_lock_fact *f = ml_lock_fact_for(ML_FORM_CREATE_INDEX, v);
		ck_assert_int_eq(f->target_lock, ML_LOCK_SHARE);
		ck_assert(f->scan);
		ck_assert(f->index_build);
		ck_assert(!f->rewrite);
		ck_assert(!f->in_transaction_error);
	}
}
END_TEST

START_TEST(create_index_concurrently_fails_in_transaction)
{
	for (int v = PG_FIRST; v <= PG_LAST; v++) {
		const ml_lock_fact *f = ml_lock_fact_for(ML_FORM_CREATE_INDEX_CONCURRENTLY, v);
		ck_assert_int_eq(f->target_lock, ML_LOCK_SHARE_UPDATE_EXCLUSIVE);
		ck_assert(f->in_transaction_error);
		ck_assert(f->index_build);
	}
}
END_TEST

START_TEST(add_column_default_rewrites_before_11_only)
{
	for (int v = PG_FIRST; v <= PG_LAST; v++) {
		const ml_lock_fact *f = ml_lock_fact_for(ML_FORM_ADD_COLUMN_DEFAULT, v);
		ck_assert_int_eq(f->target_lock, ML_LOCK_ACCESS_EXCLUSIVE);
		ck_assert_msg(f->rewrite == (v < 11), "PG %d: rewrite %d", v, f->rewrite);
		/* a volatile default rewrites on every version */
		ck_assert(ml_lock_fact_for(ML_FORM_ADD_COLUMN_VOLATILE_DEFAULT, v)->rewrite);
	}
}
END_TEST

START_TEST(set_not_null_with_valid_check_scans_before_12_only)
{
	for (int v = PG_FIRST; v <= PG_LAST; v++) {
		const ml_lock_fact *checked = ml_lock_fact_for(ML_FORM_SET_NOT_NULL_CHECKED, v);
		ck_assert_msg(checked->scan == (v < 12), "PG %d: scan %d", v, checked->scan);
		ck_assert_int_eq(checked->target_lock, ML_LOCK_ACCESS_EXCLUSIVE);
		ck_assert(ml_lock_fact_for(ML_FORM_SET_NOT_NULL, v)->scan);
	}
}
END_TEST

START_TEST(attach_partition_parent_lock_is_lighter_from_12)
{
	for (int v = PG_FIRST; v <= PG_LAST; v++) {
		const ml_lock_fact *f = ml_lock_fact_for(ML_FORM_ATTACH_PARTITION, v);
		ck_assert_int_eq(f->target_lock,
				 v >= 12 ? ML_LOCK_SHARE_UPDATE_EXCLUSIVE : ML_LOCK_ACCESS_EXCLUSIVE);
		ck_assert_int_eq(f->referenced_lock, ML_LOCK_ACCESS_EXCLUSIVE); /* the partition */
		ck_assert(f->scan);
	}
}
END_TEST

START_TEST(detach_partition_concurrently_needs_14)
{
	for (int v = PG_FIRST; v <= PG_LAST; v++) {
		const ml_lock_fact *f = ml_lock_fact_for(ML_FORM_DETACH_PARTITION_CONCURRENTLY, v);
		ck_assert(f->in_transaction_error);
		if (v >= 14) {
			ck_assert_int_eq(f->target_lock, ML_LOCK_SHARE_UPDATE_EXCLUSIVE);
			ck_assert_ptr_null(strstr(f->label, "unsupported"));
		} else {
			/* PostgreSQL rejects the syntax: the plain DETACH's locks */
			ck_assert_int_eq(f->target_lock, ML_LOCK_ACCESS_EXCLUSIVE);
			ck_assert_ptr_nonnull(strstr(f->label, "unsupported before PG 14"));
		}
		ck_assert_int_eq(ml_lock_fact_for(ML_FORM_DETACH_PARTITION, v)->target_lock,
				 ML_LOCK_ACCESS_EXCLUSIVE);
	}
}
END_TEST

START_TEST(other_version_switches)
{
	for (int v = PG_FIRST; v <= PG_LAST; v++) {
		const ml_lock_fact *r = ml_lock_fact_for(ML_FORM_REINDEX_CONCURRENTLY, v);
		ck_assert_int_eq(r->target_lock, v >= 12 ? ML_LOCK_SHARE_UPDATE_EXCLUSIVE : ML_LOCK_SHARE);
		ck_assert(r->in_transaction_error);
		const ml_lock_fact *e = ml_lock_fact_for(ML_FORM_ADD_ENUM_VALUE, v);
		ck_assert_msg(e->in_transaction_error == (v < 12), "PG %d: enum ADD VALUE in tx error %d", v,
			      e->in_transaction_error);
		ck_assert_int_eq(e->target_lock, ML_LOCK_NONE);
	}
}
END_TEST

START_TEST(non_transactional_forms)
{
	static const ml_form always[] = {
		ML_FORM_CREATE_INDEX_CONCURRENTLY, ML_FORM_DROP_INDEX_CONCURRENTLY, ML_FORM_REINDEX_CONCURRENTLY,
		ML_FORM_VACUUM, ML_FORM_VACUUM_FULL, ML_FORM_DETACH_PARTITION_CONCURRENTLY,
	};
	for (int v = PG_FIRST; v <= PG_LAST; v++) {
		for (int form = ML_FORM_NONE + 1; form < ML_FORM_COUNT; form++) {
			bool expected = form == ML_FORM_ADD_ENUM_VALUE && v < 12;
			for (size_t i = 0; i < sizeof(always) / sizeof(always[0]); i++)
				if (always[i] == (ml_form)form)
					expected = true;
			ck_assert_msg(ml_lock_fact_for((ml_form)form, v)->in_transaction_error == expected,
				      "form %d (\"%s\") on PG %d: in_transaction_error should be %d", form,
				      ml_lock_fact_for((ml_form)form, v)->label, v, expected);
		}
	}
}
END_TEST

Suite *lock_table_suite(void)
{
	Suite *s = suite_create("lock_table");
	TCase *tc = tcase_create("structure");
	tcase_add_test(tc, none_row_is_the_fallback);
	tcase_add_test(tc, rows_are_well_formed);
	tcase_add_test(tc, every_form_has_a_row_for_every_version);
	tcase_add_test(tc, version_ranges_do_not_overlap);
	tcase_add_test(tc, labels_are_unique_per_version);
	tcase_add_test(tc, shared_labels_are_really_shared);
	suite_add_tcase(s, tc);

	tc = tcase_create("facts");
	tcase_add_test(tc, create_index_takes_share_and_scans);
	tcase_add_test(tc, create_index_concurrently_fails_in_transaction);
	tcase_add_test(tc, add_column_default_rewrites_before_11_only);
	tcase_add_test(tc, set_not_null_with_valid_check_scans_before_12_only);
	tcase_add_test(tc, attach_partition_parent_lock_is_lighter_from_12);
	tcase_add_test(tc, detach_partition_concurrently_needs_14);
	tcase_add_test(tc, other_version_switches);
	tcase_add_test(tc, non_transactional_forms);
	suite_add_tcase(s, tc);
	return s;
}
