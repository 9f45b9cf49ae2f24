#!/usr/bin/env bash
# make-seeds.sh - builds the seed corpus of the libFuzzer harnesses from the
# project's own files:
#
#   fuzz_lint/      every tests/fixtures/**/*.sql and examples/**/*.sql, with
#                   the two option bytes fuzz_lint.c reads in front: the
#                   options of the fixture's "-- migralint-test:" header, and
#                   a report format that cycles through all eight
#   fuzz_plpgsql/   the dollar-quoted bodies (DO blocks, functions) found in
#                   those files, plus a few written here
#   fuzz_suppress/  what follows "migralint-ignore" in their comments, plus a
#                   few written here
#   fuzz_config/    the JSON blocks of docs/config.md and the snippets below
#   fuzz_unpack/    the same SQL files as they are (the harness parses them
#                   and also reads them as protobuf bytes)
#
#   tests/fuzz/make-seeds.sh [OUT_DIR]     (default: tests/fuzz/seeds)
#
# The seeds are generated, not committed (tests/fuzz/.gitignore). Needs bash
# and perl (perl-base is part of every Debian system).
set -euo pipefail

root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
out=${1:-$root/tests/fuzz/seeds}
mkdir -p -- "$out"
out=$(cd -- "$out" && pwd -P)
for h in fuzz_lint fuzz_plpgsql fuzz_suppress fuzz_config fuzz_unpack; do
	rm -rf -- "${out:?}/$h"
	mkdir -p -- "$out/$h"
done

cd -- "$root"
mapfile -t sql_files < <(find tests/fixtures examples -name '*.sql' -type f | LC_ALL=C sort)
i=0
for f in "${sql_files[@]}"; do
	cp -- "$f" "$out/fuzz_unpack/$(printf '%04d' "$i")"
	i=$((i + 1))
done

# The option byte of fuzz_lint.c for a fixture: its header's --pg-version
# (major - 9 in bits 0-3, minor in bits 6-7), --assume-in-transaction (bit 4)
# and --include (bit 5: every opt-in rule). Default PostgreSQL 15.
option_byte() {
	local header major=15 minor=0 byte=0
	header=$(head -n 1 -- "$1" | tr -d '\0')
	if [[ $header == "-- migralint-test:"* ]]; then
		if [[ $header =~ --pg-version\ ([0-9]+)(\.([0-9]+))? ]]; then
			major=${BASH_REMATCH[1]}
			minor=${BASH_REMATCH[3]:-0}
		fi
		[[ $header == *--assume-in-transaction* ]] && byte=$((byte | 0x10))
		[[ $header == *--include* ]] && byte=$((byte | 0x20))
	fi
	((major >= 9 && major <= 18)) || major=15
	byte=$((byte | (major - 9)))
	case "$minor" in
	1) byte=$((byte | 0x40)) ;;
	6) byte=$((byte | 0x80)) ;;
	0) ;;
	*) byte=$((byte | 0xc0)) ;;
	esac
	echo "$byte"
}

i=0
for f in "${sql_files[@]}"; do
	opt=$(option_byte "$f")
	# format i % 8; every third seed also records statements, every fifth is
	# linted twice, every seventh gets the path that needs escaping.
	rep=$((i % 8))
	((i % 3 == 0)) && rep=$((rep | 0x10))
	((i % 5 == 0)) && rep=$((rep | 0x20))
	((i % 7 == 0)) && rep=$((rep | 0x40))
	name=$(printf '%04d-%s' "$i" "$(basename -- "$f" .sql)")
	{
		printf "\\x$(printf %02x "$opt")\\x$(printf %02x "$rep")"
		cat -- "$f"
	} >"$out/fuzz_lint/$name"
	i=$((i + 1))
done

# Many statements in one file (the fixtures one after the other, cut at
# 16 kB), so that the engine parses on worker threads and fuzz_lint compares
# the report with a single-threaded one: JSON, and locks in a transaction.
all=$out/fuzz_lint/.all
for f in "${sql_files[@]}"; do
	cat -- "$f"
	echo
done >"$all"
{ printf '\x06\x01'; head -c 16000 -- "$all"; } >"$out/fuzz_lint/many-statements-json"
{ printf '\x16\x02'; head -c 16000 -- "$all"; } >"$out/fuzz_lint/many-statements-locks"
rm -f -- "$all"

# Dollar-quoted bodies: $$...$$ and $tag$...$tag$, one file each.
perl -0777 -e '
	my $out = shift; my $n = 0;
	for my $f (@ARGV) {
		open(my $in, "<", $f) or die "$f: $!"; my $t = <$in>; close($in);
		while ($t =~ /\$((?:[A-Za-z_]\w*)?)\$(.*?)\$\1\$/sg) {
			my $body = $2;
			next if $body =~ /^\s*$/;
			open(my $o, ">", sprintf("%s/%04d", $out, $n++)) or die; print $o $body; close($o);
		}
	}' "$out/fuzz_plpgsql" "${sql_files[@]}"
plpgsql_seed() {
	printf '%s' "$2" >"$out/fuzz_plpgsql/extra-$1"
}
plpgsql_seed commit-loop 'BEGIN
  LOOP
    UPDATE t SET x = 1 WHERE id IN (SELECT id FROM t WHERE x IS NULL LIMIT 1000);
    EXIT WHEN NOT FOUND;
    COMMIT;
  END LOOP;
END'
plpgsql_seed nested 'DECLARE n int := 0;
BEGIN
  BEGIN
    IF n > 0 THEN
      EXECUTE format($q$ALTER TABLE %I DROP COLUMN c$q$, '"'"'t'"'"');
    ELSIF n < 0 THEN
      RAISE EXCEPTION '"'"'no'"'"';
    ELSE
      FOR r IN SELECT * FROM t LOOP PERFORM pg_sleep(0); END LOOP;
    END IF;
  EXCEPTION WHEN others THEN ROLLBACK;
  END;
END'
plpgsql_seed ddl 'BEGIN
  ALTER TABLE accounts ADD COLUMN flag boolean NOT NULL DEFAULT false;
  CREATE INDEX ON accounts (flag);
  LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE;
  DELETE FROM accounts;
  RETURN;
END'

# Suppression comments: the text after "migralint-ignore" (or "-file").
perl -e '
	my $out = shift; my $n = 0; my %seen;
	for my $f (@ARGV) {
		open(my $in, "<", $f) or die "$f: $!";
		while (my $l = <$in>) {
			while ($l =~ /migralint-ignore(?:-file)?(.*?)(?:\*\/|$)/g) {
				my $s = $1; $s =~ s/\s+$//; $s =~ s/^\s+//;
				next if $seen{$s}++;
				open(my $o, ">", sprintf("%s/%04d", $out, $n++)) or die; print $o $s; close($o);
			}
		}
		close($in);
	}' "$out/fuzz_suppress" "${sql_files[@]}"
suppress_seed() {
	printf '%s' "$2" >"$out/fuzz_suppress/extra-$1"
}
suppress_seed several 'ban-drop-column, renaming-table,require-concurrent-index-creation: reason, with: colons'
suppress_seed alias 'ban-drop-columns: an alias'
suppress_seed unknown 'no-such-rule another: unknown names'
suppress_seed empty-reason 'ban-drop-column:'
suppress_seed no-rules ': only a reason'
suppress_seed squawk-note 'ban-drop-column, require-timeout-settings -- a note'
suppress_seed squawk-foreign 'ban-drop-view,prefer-repack'
suppress_seed block '-- migralint-ignore ban-drop-column */ /* migralint-ignore-file renaming-table'

# Configuration files: the JSON blocks of docs/config.md, and snippets.
perl -0777 -e '
	my $out = shift; my $n = 0;
	local $/; my $t = <STDIN>;
	while ($t =~ /```(?:jsonc?|json5)\n(.*?)```/sg) {
		open(my $o, ">", sprintf("%s/doc-%02d", $out, $n++)) or die; print $o $1; close($o);
	}' "$out/fuzz_config" <docs/config.md
config_seed() {
	printf '%s\n' "$2" >"$out/fuzz_config/$1"
}
config_seed empty '{}'
config_seed full '// every key
{
  "pg_version": "13.4",
  "assume_in_transaction": true,
  "fail_on": "info",
  "doc_base_url": "https://example.com/rules/",
  "rules": { "require-table-schema": true, "ban-drop-column": false, "renaming-table": "off", "prefer-robust-stmts": "on" },
  "severity": { "require-concurrent-index-creation": "error", "ban-drop-columns": "info" },
  "exclude": ["db/legacy/**", "*.tmp.sql", "[!a-c]?/x\\*y"],
  "overrides": [
    { "files": ["**/down/*.sql", "db/migrate"], "pg_version": 11, "severity": { "renaming-table": "warning" } },
    /* block comment */ { "files": ["db/**"], "assume_in_transaction": false, "rules": { "ban-drop-table": false } }
  ]
}'
config_seed number-version '{"pg_version": 9.6, "fail_on": "error"}'
config_seed unicode '{"doc_base_url": "https://\u00e9xample.com/\ud83d\ude00/\"x\"/", "exclude": ["d\u00e9j\u00e0/**"]}'
config_seed unicode-glob '{"doc_base_url": "https://xn--xample-9ua.com/%C3%A9/", "exclude": ["d\u00e9j\u00e0/**"]}'
config_seed stars '{"exclude": ["*a*a*a*a*a*a*b", "**/*a*a*a*a*a*a*b/**"], "overrides": [{"files": ["**/**/*a*?[a-]*"], "rules": {}}]}'
config_seed globs '{"exclude": ["/abs", "./rel/", "**", "a/**/b/**/c", "[a-z][^0-9]*", "x\\"], "overrides": [{"files": ["**"], "rules": {}}]}'
config_seed bad-json '{"rules": {"ban-drop-column": tru'
config_seed bad-key '{"overrides": [{"files": ["a"], "fail_on": "error"}]}'
config_seed duplicate '{"rules": {"ban-drop-column": true, "ban-drop-column": false}}'
config_seed deep '{"overrides": [[[[[[[[[[[[[[[[{}]]]]]]]]]]]]]]]]}'

count=$(find "$out" -type f | wc -l)
echo "make-seeds.sh: $count seeds in $out" >&2
