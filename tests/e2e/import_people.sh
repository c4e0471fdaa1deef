#!/usr/bin/env bash
# `import people` adds and updates people from an HR export, reports what changed, is idempotent,
# and refuses a file with a bad row without importing any of it.
source "$(dirname "$0")/lib.bash"

out=$("$KV" --config "$CFG" import people "$SRC/config/people-example.csv")
expect_contains "$out" "added tone.kristoffersen@eksempel.kommune.no" "a new person is reported as added"
expect_contains "$out" "4 added, 0 changed, 0 unchanged" "every row of the example is imported"
out=$("$KV" --config "$CFG" import people "$SRC/config/people-example.csv")
expect_contains "$out" "0 added, 0 changed, 4 unchanged" "importing the same file again changes nothing"

out=$(chat tone.kristoffersen@eksempel.kommune.no <<< "hjelp")
expect_contains "$out" "avvik: <hva skjedde>" "an imported person can talk to the bot at once"

printf 'email,name,unit,role\njan.eide@eksempel.kommune.no,Jan Eide,nordby,employee\nny.person,Ny Person,solbakken,employee\n' > "$T/bad.csv"
set +e; err=$("$KV" --config "$CFG" import people "$T/bad.csv" 2>&1); code=$?; set -e
[ $code = 2 ] && ok "a file with a bad row exits 2" || fail "exit $code"
expect_contains "$err" "row 3" "the bad row is named by its number"
expect_contains "$err" "nothing imported" "the person is told nothing was imported"
[ "$(sql "select unit_id from persons where email = 'jan.eide@eksempel.kommune.no'")" = hjemmetjenesten ] \
    && ok "the good row of a refused file was not applied either" || fail "half-imported"
finish
