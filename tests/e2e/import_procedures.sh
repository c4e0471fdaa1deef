#!/usr/bin/env bash
# `import procedures` loads the quality library from an Excel export, reports what was added,
# changed and removed, is idempotent, and refuses a file with a bad row without importing any of it.
source "$(dirname "$0")/lib.bash"

out=$("$KV" --config "$CFG" import procedures "$SRC/config/procedures-example.csv")
expect_contains "$out" "added HO-PR-011" "a new procedure is reported as added"
expect_contains "$out" "12 added, 0 changed, 0 removed, 0 unchanged" "every row of the demo library is imported"
[ "$(sql "select title from procedures where id = 'HO-PR-011'")" = "Legemiddelhåndtering; utdeling og dokumentasjon" ] \
    && ok "a quoted title with the separator in it is kept whole" || fail "title mangled"
[ "$(sql "select due_date from procedures where id = 'HO-PR-012'")" = 2026-12-01 ] \
    && ok "the review falls due interval_months after the last review" || fail "due date"
[ "$(sql "select interval_months from procedures where id = 'HO-PR-040'")" = 12 ] \
    && ok "a blank interval means twelve months" || fail "default interval"

out=$("$KV" --config "$CFG" import procedures "$SRC/config/procedures-example.csv")
expect_contains "$out" "0 added, 0 changed, 0 removed, 12 unchanged" "importing the same file again changes nothing"

# A later export, comma separated without a BOM: one procedure revised, one gone, one new.
{
    echo "id,title,area,subgroup,unit,owner_email,revision_owner_email,version,last_reviewed,interval_months,url"
    grep -v -e '^.\?.\?.\?id;' -e '^HO-PR-011;' -e '^BU-PR-001;' "$SRC/config/procedures-example.csv" \
        | tr -d '\r' | python3 -c '
import csv, sys
for row in csv.reader(sys.stdin, delimiter=";"):
    csv.writer(sys.stdout, lineterminator="\n").writerow(row)'
    echo 'HO-PR-011,"Legemiddelhåndtering; utdeling og dokumentasjon",Helse,Prosedyrer,solbakken,per.hansen@eksempel.kommune.no,anne.johansen@eksempel.kommune.no,5.1,2026-11-02,12,https://kvalitet.eksempel.kommune.no/dok/HO-PR-011'
    echo 'HO-PR-013,"Ernæring, måltider og
kosthold",Helse,Prosedyrer,solbakken,per.hansen@eksempel.kommune.no,kari.nordmann@eksempel.kommune.no,1.0,2026-10-01,12,'
} > "$T/later.csv"
out=$("$KV" --config "$CFG" import procedures "$T/later.csv")
expect_contains "$out" "added HO-PR-013" "a new procedure in a later export is added"
expect_contains "$out" "changed HO-PR-011" "a revised procedure is reported as changed"
expect_contains "$out" "removed BU-PR-001" "a procedure no longer exported is reported as removed"
expect_contains "$out" "1 added, 1 changed, 1 removed, 10 unchanged" "the summary counts each"
[ "$(sql "select active from procedures where id = 'BU-PR-001'")" = 0 ] \
    && ok "a removed procedure is kept, inactive, with its history" || fail "removed procedure"

# A broken row: the owner does not exist. Nothing of the file is applied.
cp "$T/later.csv" "$T/bad.csv"
sed -i 's/^HO-PR-011,\(.*\),5\.1,/HO-PR-011,\1,5.2,/' "$T/bad.csv"
echo 'HO-PR-099,Ny prosedyre,Helse,Prosedyrer,solbakken,ukjent.person@eksempel.kommune.no,kari.nordmann@eksempel.kommune.no,1.0,2026-10-01,12,' >> "$T/bad.csv"
echo 'HO-PR-098,Ny prosedyre,Helse,Prosedyrer,solbakken,per.hansen@eksempel.kommune.no,kari.nordmann@eksempel.kommune.no,1.0,31.09.2026,12,' >> "$T/bad.csv"
set +e; err=$("$KV" --config "$CFG" import procedures "$T/bad.csv" 2>&1); code=$?; set -e
[ $code = 2 ] && ok "a file with bad rows exits 2" || fail "exit $code"
expect_contains "$err" "bad.csv: row 14: owner_email: 'ukjent.person@eksempel.kommune.no' is not an active person" \
    "an owner who does not exist is named with file and row (a quoted line break is one row)"
expect_contains "$err" "bad.csv: row 15: last_reviewed: '31.09.2026' is not a date" "a bad date is named with its row"
expect_contains "$err" "nothing imported" "the person is told nothing was imported"
[ "$(sql "select version from procedures where id = 'HO-PR-011'")" = 5.1 ] \
    && ok "the good rows of a refused file were not applied either" || fail "half-imported"

set +e; err=$("$KV" --config "$CFG" import procedures "$T/missing.csv" 2>&1); code=$?; set -e
[ $code = 2 ] && ok "a missing file exits 2" || fail "exit $code"
expect_contains "$err" "cannot read $T/missing.csv" "a missing file is named"
finish
