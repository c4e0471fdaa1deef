#!/usr/bin/env bash
# Deviation follow-up through the real binary: a case filed by chat and left alone reminds the
# unit's leader and deputy after two working days (asked with `remind --at`); once the leader
# receives it, the chase stops and nothing more is due.
source "$(dirname "$0")/lib.bash"

KARI=kari.nordmann@eksempel.kommune.no  # staff, Solbakken sykehjem
PER=per.hansen@eksempel.kommune.no      # leader, Solbakken sykehjem
ANNE=anne.johansen@eksempel.kommune.no  # deputy, Solbakken sykehjem

out=$(chat $KARI <<CHAT
avvik: Beboer falt på badet i natt, ingen synlige skader.
Hjalp beboeren i seng og sjekket for skader
1
CHAT
)
ID=$(grep -o 'AV-[0-9]*-[0-9]*' <<<"$out" | head -1)
[ -n "$ID" ] && ok "the case is filed as $ID" || fail "no case id in: $out"
created=$(sql "select created_at from cases where human_id = '$ID'")

# An instant `n` working days (Norwegian holidays and weekends skipped) after the case was filed,
# at 12:00 UTC (13:00 or 14:00 in Oslo: inside working hours).
working_days_after() {
    python3 - "$created" "$1" <<'PY'
import datetime as dt, sys
def easter(y):
    a, b, c = y % 19, y // 100, y % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - (b - (b + 8) // 25 + 1) // 3 + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month = (h + l - 7 * m + 114) // 31
    return dt.date(y, month, (h + l - 7 * m + 114) % 31 + 1)
def holidays(y):
    e = easter(y)
    moving = [e + dt.timedelta(days=n) for n in (-3, -2, 0, 1, 39, 49, 50)]
    return set(moving) | {dt.date(y, 1, 1), dt.date(y, 5, 1), dt.date(y, 5, 17), dt.date(y, 12, 25), dt.date(y, 12, 26)}
raw = sys.argv[1]
t = dt.datetime.fromtimestamp(int(raw), dt.timezone.utc) if raw.isdigit() else dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
d, n = t.date(), int(sys.argv[2])
while n > 0:
    d += dt.timedelta(days=1)
    if d.weekday() < 5 and d not in holidays(d.year):
        n -= 1
print(f"{d.isoformat()}T12:00:00Z")
PY
}
T3=$(working_days_after 3)
followups() { python3 -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    print(r["kind"], r["subject"], r["step"], r["recipient"])'; }

out=$("$KV" --config "$CFG" remind --at "$T3" --dry-run | followups)
[ "$out" = "deviation_followup $ID remind-1 $ANNE
deviation_followup $ID remind-1 $PER" ] \
    && ok "three working days later the leader and the deputy are reminded ($T3)" \
    || { echo "$out" >&2; fail "leader reminder at $T3"; }
[ "$(sql "select count(*) from outbox where dedupe_key like 'deviation_followup:%'")" = 0 ] \
    && ok "--dry-run enqueues nothing" || fail "dry run enqueued"

out=$(chat $PER <<CHAT
motta $ID
CHAT
)
expect_contains "$out" "$ID: du har mottatt saken" "the leader receives the case"

out=$("$KV" --config "$CFG" remind --at "$T3")
[ -z "$out" ] && ok "once received, nothing is due about the case" || fail "still chased: $out"
out=$("$KV" --config "$CFG" remind --at "$(working_days_after 10)")
[ -z "$out" ] && ok "nor later: no escalation to the leader above" || fail "escalated: $out"
finish
