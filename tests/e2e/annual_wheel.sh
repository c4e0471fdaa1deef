#!/usr/bin/env bash
# The annual wheel through a whole year: `remind --at` stepped day by day over 2027 on the demo
# wheel, with the exact reminders on chosen dates, none twice, Easter and summer time honoured,
# and --dry-run enqueueing nothing.
source "$(dirname "$0")/lib.bash"

cat >> "$CFG" <<TOML

[schedule]
annual_wheel = "$SRC/config/annual-wheel.toml"
TOML

remind() { "$KV" --config "$CFG" remind --at "$@"; }

# Every reminder of a day as "deliver_at subject step recipient", sorted.
summary() { python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    print(r["deliver_at"], r["subject"], r["step"], r["recipient"])
' | sort; }

out=$(remind 2027-03-25T07:00:00+01:00 --dry-run)
[ -z "$out" ] || [ "$(sql "select count(*) from outbox")" = 0 ] && ok "--dry-run enqueues nothing" \
    || fail "--dry-run enqueued rows"
dry_lines=$(wc -l <<<"$out")

# Step through 2027, one run per day at 05:00 UTC (06:00 or 07:00 in Oslo), keeping each day's lines.
mkdir -p "$T/days"
day=2027-01-01
while [ "$day" != 2028-01-01 ]; do
    remind "${day}T05:00:00Z" > "$T/days/$day"
    day=$(date -u -d "$day + 1 day" +%F)
done
cat "$T/days"/* > "$T/year.jsonl"

# The catch-up on the first run: only the yearly deviation report (31 January, 30 days ahead)
# has a lead time already due; 1 January is a holiday and 2-3 January a weekend.
expect_lines() {  # expect_lines DAY DESCRIPTION <<< expected summary
    local got expected
    got=$(summary < "$T/days/$1")
    expected=$(cat)
    if [ "$got" = "$expected" ]; then ok "$2"; else
        echo "--- expected:" >&2; echo "$expected" >&2; echo "--- got:" >&2; echo "$got" >&2
        fail "$2"; fi
}

expect_lines 2027-01-01 "1 January: the deviation report's 30-day reminder to the quality coordinators, delivered Monday 4 January" <<'EXP'
2027-01-04T08:00:00+01:00 avviksrapport T-30d astrid.lunde@eksempel.kommune.no
2027-01-04T08:00:00+01:00 avviksrapport T-30d line.karlsen@eksempel.kommune.no
EXP

expect_lines 2027-03-02 "2 March: the morning of Helse og omsorg's meeting to its six members, and 14 days before the municipality's" <<'EXP'
2027-03-02T08:00:00+01:00 ku-helse-mote T-0 astrid.lunde@eksempel.kommune.no
2027-03-02T08:00:00+01:00 ku-helse-mote T-0 fatima.ali@eksempel.kommune.no
2027-03-02T08:00:00+01:00 ku-helse-mote T-0 hilde.strand@eksempel.kommune.no
2027-03-02T08:00:00+01:00 ku-helse-mote T-0 knut.pedersen@eksempel.kommune.no
2027-03-02T08:00:00+01:00 ku-helse-mote T-0 marte.larsen@eksempel.kommune.no
2027-03-02T08:00:00+01:00 ku-helse-mote T-0 per.hansen@eksempel.kommune.no
2027-03-02T08:00:00+01:00 ku-kommune-mote T-14d hilde.strand@eksempel.kommune.no
2027-03-02T08:00:00+01:00 ku-kommune-mote T-14d ingrid.bakke@eksempel.kommune.no
2027-03-02T08:00:00+01:00 ku-kommune-mote T-14d line.karlsen@eksempel.kommune.no
2027-03-02T08:00:00+01:00 ku-kommune-mote T-14d ole.berg@eksempel.kommune.no
2027-03-02T08:00:00+01:00 ku-kommune-mote T-14d randi.solberg@eksempel.kommune.no
2027-03-02T08:00:00+01:00 ku-kommune-mote T-14d sigrid.nilsen@eksempel.kommune.no
EXP

expect_lines 2027-03-25 "Maundy Thursday 2027: nothing falls due" </dev/null

expect_lines 2027-03-29 "Easter Monday: the annual report's 2-day reminder waits for Tuesday 08:00 summer time" <<'EXP'
2027-03-30T08:00:00+02:00 arsberetning T-2d hilde.strand@eksempel.kommune.no
2027-03-30T08:00:00+02:00 arsberetning T-2d ingrid.bakke@eksempel.kommune.no
2027-03-30T08:00:00+02:00 arsberetning T-2d line.karlsen@eksempel.kommune.no
2027-03-30T08:00:00+02:00 arsberetning T-2d ole.berg@eksempel.kommune.no
2027-03-30T08:00:00+02:00 arsberetning T-2d randi.solberg@eksempel.kommune.no
2027-03-30T08:00:00+02:00 arsberetning T-2d sigrid.nilsen@eksempel.kommune.no
EXP

expect_lines 2027-10-31 "31 October, the day winter time starts: nothing falls due" </dev/null
expect_lines 2027-11-02 "Management review 16 November: 14 days ahead, at 08:00 winter time" <<'EXP'
2027-11-02T08:00:00+01:00 ledelsens-gjennomgang T-14d hilde.strand@eksempel.kommune.no
2027-11-02T08:00:00+01:00 ledelsens-gjennomgang T-14d ingrid.bakke@eksempel.kommune.no
2027-11-02T08:00:00+01:00 ledelsens-gjennomgang T-14d line.karlsen@eksempel.kommune.no
2027-11-02T08:00:00+01:00 ledelsens-gjennomgang T-14d ole.berg@eksempel.kommune.no
2027-11-02T08:00:00+01:00 ledelsens-gjennomgang T-14d randi.solberg@eksempel.kommune.no
2027-11-02T08:00:00+01:00 ledelsens-gjennomgang T-14d sigrid.nilsen@eksempel.kommune.no
EXP

# Over the year: each committee meeting three times, each with three reminders to every member.
count() { python3 -c '
import json, sys
subject = sys.argv[1]
print(sum(1 for line in open(sys.argv[2]) if json.loads(line)["subject"] == subject))' "$1" "$T/year.jsonl"; }
[ "$(count ku-helse-mote)" = $((3 * 3 * 6)) ] && ok "Helse og omsorg: 3 meetings x 3 reminders x 6 members" \
    || fail "ku-helse-mote reminders: $(count ku-helse-mote)"
[ "$(count ku-solbakken-mote)" = $((3 * 3 * 4)) ] && ok "Solbakken: 3 meetings x 3 reminders x 4 members" \
    || fail "ku-solbakken-mote reminders: $(count ku-solbakken-mote)"

dupes=$(python3 -c '
import json, sys, collections
keys = collections.Counter(json.loads(l)["dedupe_key"] for l in open(sys.argv[1]))
print(sum(1 for k, n in keys.items() if n > 1))' "$T/year.jsonl")
[ "$dupes" = 0 ] && ok "no reminder is printed twice over the year" || fail "$dupes repeated keys"

# Every reminder is delivered in working hours on a working day, never on a weekend or holiday.
bad=$(python3 -c '
import json, sys, datetime
holidays = {"2027-01-01","2027-03-25","2027-03-26","2027-03-28","2027-03-29","2027-05-01",
            "2027-05-06","2027-05-16","2027-05-17","2027-12-25","2027-12-26"}
for line in open(sys.argv[1]):
    at = datetime.datetime.fromisoformat(json.loads(line)["deliver_at"])
    if at.weekday() >= 5 or at.date().isoformat() in holidays or not (8 <= at.hour < 16):
        print(line.strip())' "$T/year.jsonl")
[ -z "$bad" ] && ok "every delivery is in working hours on a working day" || fail "outside hours: $bad"

rows=$(sql "select count(*) from outbox")
[ "$rows" = "$(wc -l < "$T/year.jsonl")" ] && ok "each printed reminder is one outbox row ($rows)" \
    || fail "outbox rows $rows"
nb=$(sql "select not_before from outbox where dedupe_key = 'wheel:arsberetning:2027-03-31:T-2d:ingrid.bakke@eksempel.kommune.no'")
[ "$nb" = "$(date -u -d 2027-03-30T06:00:00Z +%s)" ] && ok "the outbox row waits for its delivery time" \
    || fail "not_before $nb"

# Running a day again, as after a restart, sends nothing new.
again=$(remind 2027-03-29T05:00:00Z)
[ -z "$again" ] && ok "a second run of the same day enqueues nothing" || fail "repeated: $again"
[ "$(sql "select count(*) from outbox")" = "$rows" ] && ok "and the outbox is unchanged" || fail "outbox grew"

[ "$dry_lines" -ge 1 ] && ok "--dry-run printed what it would send" || fail "--dry-run printed nothing"

out=$(remind 2027-03-25 2>&1) && fail "a date without time is refused" || true
expect_contains "$out" "--at must be an ISO 8601 instant" "a malformed --at is refused with a clear message"

# A broken wheel stops the scheduler with every mistake named by file, line and key.
cat > "$T/bad-wheel.toml" <<'TOML'
[[item]]
id = "rule"
title = "Ugyldig regel"
kind = "meeting"
committee = "ku-helse"
rrule = "FREQ=YEARY"
lead_times = ["14d"]

[[item]]
id = "owner"
title = "Ukjent utvalg"
kind = "meeting"
committee = "ku-ukjent"
rrule = "FREQ=YEARLY"
lead_times = ["14d"]

[[item]]
id = "leads"
title = "Uten varsling"
kind = "deadline"
role = "quality_coordinator"
rrule = "FREQ=YEARLY"
TOML
sed "s|annual_wheel = .*|annual_wheel = \"$T/bad-wheel.toml\"|" "$CFG" > "$T/bad.toml"
before=$(sql "select count(*) from outbox")
out=$("$KV" --config "$T/bad.toml" remind --at 2027-06-01T05:00:00Z 2>&1) && fail "a broken wheel must fail" || rc=$?
[ "$rc" = 2 ] && ok "a broken wheel exits 2" || fail "exit $rc"
expect_contains "$out" "bad-wheel.toml:6: item[0].rrule: invalid recurrence rule 'FREQ=YEARY'" "an invalid RRULE is named by file and line"
expect_contains "$out" "bad-wheel.toml:13: item[1].committee: unknown committee 'ku-ukjent'" "an unknown committee is named by file and line"
expect_contains "$out" "bad-wheel.toml:17: item[2].lead_times: required" "an item without lead times is named by file and line"
[ "$(sql "select count(*) from outbox")" = "$before" ] && ok "and nothing is enqueued" || fail "enqueued despite errors"

# `årshjul` in chat shows the same occurrences the scheduler reminds from. The chat runs on the
# real clock, so this wheel is one whose dates are easy to state: a weekly meeting of Helse og
# omsorg's committee on Wednesdays at 10:00, and the quality coordinators' report each 31 January.
cat > "$T/weekly-wheel.toml" <<'TOML'
default_lead_times = ["2d", "0d"]

[[item]]
id = "ukemote"
title = "Ukemøte"
kind = "meeting"
committee = "ku-helse"
rrule = "FREQ=WEEKLY;BYDAY=WE"
time = "10:00"

[[item]]
id = "avviksrapport"
title = "Årlig avviksrapport"
kind = "report"
role = "quality_coordinator"
rrule = "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=31"
time = "12:00"
TOML
sed "s|annual_wheel = .*|annual_wheel = \"$T/weekly-wheel.toml\"|" "$CFG" > "$T/weekly.toml"
wheel_chat() { "$KV" --config "$T/weekly.toml" chat --as "$1" <<< "$2" | sed '1d'; }
# What the next 90 days hold (at least five items), in Oslo time, as the chat prints them.
expected_wheel() { python3 - "$1" <<'PY'
import datetime, sys, zoneinfo
oslo = zoneinfo.ZoneInfo("Europe/Oslo")
now = datetime.datetime.now(datetime.timezone.utc)
rows = []
for n in range(0, 400):
    d = (now.astimezone(oslo) + datetime.timedelta(days=n)).date()
    if d.weekday() == 2:
        rows.append((datetime.datetime(d.year, d.month, d.day, 10, tzinfo=oslo),
                     "Ukemøte · Kvalitetsutvalget i Helse og omsorg · møte"))
    if sys.argv[1] == "coordinator" and (d.month, d.day) == (1, 31):
        rows.append((datetime.datetime(d.year, d.month, d.day, 12, tzinfo=oslo),
                     "Årlig avviksrapport · alle med rollen quality_coordinator · rapport"))
rows = sorted(r for r in rows if r[0] > now)
end = now + datetime.timedelta(days=90)
shown = [r for i, r in enumerate(rows) if r[0] <= end or i < 5]
for start, what in shown:
    print(start.strftime("%Y-%m-%d %H:%M") + "  " + what)
PY
}
got=$(wheel_chat per.hansen@eksempel.kommune.no "årshjul")
want=$(printf '== Årshjulet ditt ==\n%s' "$(expected_wheel member)")
[ "$got" = "$want" ] && ok "årshjul: a committee member sees the next 90 days of its meetings in Oslo time" \
    || { echo "--- expected:" >&2; echo "$want" >&2; echo "--- got:" >&2; echo "$got" >&2; fail "årshjul for a member"; }
got=$(wheel_chat astrid.lunde@eksempel.kommune.no "arshjul")
want=$(printf '== Årshjulet ditt ==\n%s' "$(expected_wheel coordinator)")
[ "$got" = "$want" ] && ok "arshjul: a quality coordinator also sees the report her role owns" \
    || { echo "--- expected:" >&2; echo "$want" >&2; echo "--- got:" >&2; echo "$got" >&2; fail "arshjul for a coordinator"; }
got=$(wheel_chat kari.nordmann@eksempel.kommune.no "årshjul")
expect_contains "$got" "Du er ikke med i noe utvalg i årshjulet" "årshjul: someone in no committee is told why there is nothing"
got=$(wheel_chat kari.nordmann@eksempel.kommune.no "hjelp")
expect_contains "$got" "årshjul:" "help lists årshjul"

finish
