#!/usr/bin/env bash
# The reading list through `remind --at`: what is put on people's lists during a day goes out as
# ONE message per person the next working morning with a Lest button per procedure, what is
# still unread a week later is reminded of once, and pressing Lest in chat stops the reminder.
source "$(dirname "$0")/lib.bash"

remind() { "$KV" --config "$CFG" remind --at "$@"; }
# The reading-list lines only, as "deliver_at recipient step subject channel".
reading() { python3 -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    if r["kind"] == "reading":
        print(r["deliver_at"], r["recipient"], r["step"], r["subject"], r["channel"])'; }
# Puts a version on a person's list at an instant, as an approved new version does.
assign() {  # assign PROCEDURE VERSION EMAIL ISO-INSTANT
    sql "insert into reading_list (procedure_id, version, email, assigned_at)
         values ('$1', '$2', '$3', $(date -u -d "$4" +%s))"
}

# Three procedures, all reviewed recently, so no review reminder comes in between.
cat > "$T/library.csv" <<'CSV'
id;title;area;subgroup;unit;owner_email;revision_owner_email;version;last_reviewed;interval_months;url
FA-PR-002;Melding og behandling av avvik;Felles for alle;Prosedyrer;kommune;ingrid.bakke@eksempel.kommune.no;line.karlsen@eksempel.kommune.no;3.2;01.10.2026;12;https://kvalitet.eksempel.kommune.no/dok/FA-PR-002
HO-PR-010;Håndhygiene og smittevern;Helse, sosial, pleie og omsorg;Prosedyrer;helse;hilde.strand@eksempel.kommune.no;astrid.lunde@eksempel.kommune.no;2.1;01.10.2026;12;https://kvalitet.eksempel.kommune.no/dok/HO-PR-010
HO-PR-011;Legemiddelhåndtering;Helse, sosial, pleie og omsorg;Prosedyrer;solbakken;per.hansen@eksempel.kommune.no;anne.johansen@eksempel.kommune.no;5.0;01.10.2026;12;https://kvalitet.eksempel.kommune.no/dok/HO-PR-011
CSV
"$KV" --config "$CFG" import procedures "$T/library.csv" > /dev/null
kari=kari.nordmann@eksempel.kommune.no
per=per.hansen@eksempel.kommune.no
# Monday 2 November 2026: two new versions for Kari, one for Per; an older version of one of them
# that Kari never read is superseded and no longer asked for.
assign HO-PR-011 5.0 $kari 2026-11-02T10:00:00+01:00
assign FA-PR-002 3.2 $kari 2026-11-02T15:00:00+01:00
assign HO-PR-011 5.0 $per 2026-11-02T10:00:00+01:00
assign HO-PR-011 4.0 $kari 2026-10-01T10:00:00+02:00
# Friday 6 November afternoon: one more for Kari.
assign HO-PR-010 2.1 $kari 2026-11-06T14:00:00+01:00

out=$(remind 2026-11-02T22:00:00Z | reading)
[ -z "$out" ] && ok "nothing goes out the same evening" || fail "evening: $out"

out=$(remind 2026-11-03T05:00:00Z --dry-run | reading)
[ "$out" = "2026-11-03T08:00:00+01:00 $per T-0 HO-PR-011 console
2026-11-03T08:00:00+01:00 $kari T-0 HO-PR-011,FA-PR-002 console" ] \
    && ok "Tuesday 08:00: one message each, Kari's listing both of Monday's procedures" \
    || { echo "$out" >&2; fail "the morning batch"; }
[ "$(sql "select count(*) from outbox where dedupe_key like 'reading:%'")" = 0 ] \
    && ok "--dry-run enqueues nothing" || fail "--dry-run enqueued"

: > "$T/all"
remind 2026-11-03T05:00:00Z | reading >> "$T/all"
out=$(remind 2026-11-03T05:00:00Z | reading)
[ -z "$out" ] && ok "asking again at the same instant enqueues nothing new" || fail "rerun: $out"

# Kari opens the chat: the message is there with a Lest button per procedure; she presses the first.
out=$(chat $kari <<< "1")
expect_contains "$out" "Nye prosedyrer å lese" "Kari's chat shows the batch"
expect_contains "$out" "[1] Lest: HO-PR-011" "with a Lest button for HO-PR-011"
expect_contains "$out" "Lest: FA-PR-002" "and one for FA-PR-002"
expect_contains "$out" "Takk! Registrert at du har lest" "pressing Lest records the confirmation"
[ "$(sql "select count(*) from reading_list where email = '$kari' and procedure_id = 'HO-PR-011' and version = '5.0' and read_at is not null")" = 1 ] \
    && ok "the store has Kari's confirmation of HO-PR-011" || fail "confirmation not stored"

d=2026-11-04
while [ "$d" != 2026-12-01 ]; do
    remind "${d}T05:00:00Z" | reading > "$T/$d"
    cat "$T/$d" >> "$T/all"
    d=$(date -d "$d +1 day" +%F)
done

[ "$(cat "$T/2026-11-09")" = "2026-11-09T08:00:00+01:00 $kari T-0 HO-PR-010 console" ] \
    && ok "Friday's procedure reaches Kari Monday 08:00" || fail "Monday batch: $(cat "$T/2026-11-09")"
[ "$(sort "$T/2026-11-10")" = "2026-11-10T08:00:00+01:00 $kari unread-7d FA-PR-002 console
2026-11-10T08:00:00+01:00 $per unread-7d HO-PR-011 console" ] \
    && ok "a week after the batch: one reminder each, Kari's only of what she has not read" \
    || { cat "$T/2026-11-10" >&2; fail "the 7-day reminder"; }
[ "$(cat "$T/2026-11-16")" = "2026-11-16T08:00:00+01:00 $kari unread-7d HO-PR-010 console" ] \
    && ok "and a week after Monday's batch, its reminder" || fail "second reminder: $(cat "$T/2026-11-16")"
others=$(cd "$T" && cat 2026-11-0[4-8] 2026-11-1[1-5] 2026-11-1[7-9] 2026-11-[23]*)
[ -z "$others" ] && ok "on every other day nothing, and never a second reminder" || fail "extra: $others"

rows=$(sql "select count(*) from outbox where dedupe_key like 'reading:%'")
[ "$rows" = "$(wc -l < "$T/all")" ] && [ "$rows" = 6 ] \
    && ok "each printed message is one outbox row ($rows)" || fail "outbox rows $rows"
[ "$(sql "select count(*) - count(distinct dedupe_key) from outbox")" = 0 ] \
    && ok "no key is enqueued twice" || fail "repeated keys"

# Once everything is read there is nothing left to remind of.
sql "update reading_list set read_at = $(date -u -d 2026-11-20T12:00:00Z +%s) where read_at is null"
out=$(remind 2026-12-07T05:00:00Z | reading)
[ -z "$out" ] && ok "read entries are never reminded of" || fail "after reading: $out"

# [reminders] reading_remind_after_days in the config moves the reminder; a bad value is refused
# by check-config with file, line and key.
write_config "$T/three.toml" "$T/var/three.db"
printf '\n[reminders]\nreading_remind_after_days = 3\n' >> "$T/three.toml"
"$KV" --config "$T/three.toml" import procedures "$T/library.csv" > /dev/null
sqlite3 "$T/var/three.db" "insert into reading_list (procedure_id, version, email, assigned_at)
    values ('HO-PR-011', '5.0', '$per', $(date -u -d 2026-11-02T10:00:00+01:00 +%s))"
"$KV" --config "$T/three.toml" remind --at 2026-11-03T05:00:00Z > /dev/null
out=$("$KV" --config "$T/three.toml" remind --at 2026-11-06T05:00:00Z | reading)
[ "$out" = "2026-11-06T08:00:00+01:00 $per unread-3d HO-PR-011 console" ] \
    && ok "reading_remind_after_days = 3: the reminder comes three days after the batch" \
    || fail "configured reminder: $out"
sed -i 's/reading_remind_after_days = 3/reading_remind_after_days = 0/' "$T/three.toml"
set +e; err=$("$KV" --config "$T/three.toml" check-config 2>&1); code=$?; set -e
[ "$code" = 2 ] && ok "check-config refuses a bad [reminders] value (exit 2)" || fail "exit $code"
expect_contains "$err" "three.toml:$(grep -n reading_remind_after_days "$T/three.toml" | cut -d: -f1): reminders.reading_remind_after_days: must be 1..90" \
    "and names file, line and key"
finish
