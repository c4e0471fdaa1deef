#!/usr/bin/env bash
# Procedure reviews through `remind --at`: the demo library imported, the scheduler stepped day by
# day through November and December 2026, with the exact review reminders and escalations on
# chosen dates, each delivered at the next working instant, and none twice.
source "$(dirname "$0")/lib.bash"

remind() { "$KV" --config "$CFG" remind --at "$@"; }
# Every reminder printed as "deliver_at recipient subject step", in the order printed.
lines() { python3 -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    assert r["kind"] == "procedure_review", r
    print(r["deliver_at"], r["recipient"], r["subject"], r["step"])'; }

"$KV" --config "$CFG" import procedures "$SRC/config/procedures-example.csv" > /dev/null
remind 2026-10-30T12:00:00+01:00 > /dev/null  # what had fallen due before the steps below

# Sunday 1 November is 30 days before HO-PR-012 falls due (1 December); the reminder waits for
# Monday 08:00, together with FA-PR-002's (due 2 December).
out=$(remind 2026-11-02T07:00:00Z | lines)
[ "$out" = "2026-11-02T08:00:00+01:00 line.karlsen@eksempel.kommune.no FA-PR-002 T-30d
2026-11-02T08:00:00+01:00 kari.nordmann@eksempel.kommune.no HO-PR-012 T-30d" ] \
    && ok "Monday 2 November: the 30-day reminders of HO-PR-012 and FA-PR-002, at 08:00" \
    || { echo "$out" >&2; fail "30-day reminders"; }

out=$(remind 2026-11-02T07:00:00Z)
[ -z "$out" ] && ok "asking again at the same instant enqueues nothing new" || fail "rerun: $out"

d=2026-11-03
while [ "$d" != 2026-12-22 ]; do
    remind "${d}T05:00:00Z" | lines > "$T/$d"
    d=$(date -d "$d +1 day" +%F)
done

[ "$(cat "$T/2026-11-24")" = "2026-11-24T08:00:00+01:00 kari.nordmann@eksempel.kommune.no HO-PR-012 T-7d" ] \
    && ok "24 November: Kari's 7-day reminder of HO-PR-012" || fail "7-day reminder: $(cat "$T/2026-11-24")"

# HO-PR-010 fell due Friday 20 November: 14 days later its owner is told, with the weekly reminder.
[ "$(cat "$T/2026-12-04")" = "2026-12-04T08:00:00+01:00 hilde.strand@eksempel.kommune.no HO-PR-010 escalate-1
2026-12-04T08:00:00+01:00 astrid.lunde@eksempel.kommune.no HO-PR-010 overdue-2w" ] \
    && ok "4 December: HO-PR-010 two weeks overdue, escalated to its owner" \
    || { cat "$T/2026-12-04" >&2; fail "escalation to the owner"; }

# 30 days overdue is Sunday 20 December: the owner's superior is told Monday 08:00.
[ "$(cat "$T/2026-12-20")" = "2026-12-21T08:00:00+01:00 ingrid.bakke@eksempel.kommune.no HO-PR-010 escalate-2" ] \
    && ok "20 December: HO-PR-010's escalation to the owner's superior waits for Monday 21 December" \
    || { cat "$T/2026-12-20" >&2; fail "escalation to the superior"; }
[ ! -s "$T/2026-12-21" ] && ok "and is not sent again on Monday" || fail "repeated: $(cat "$T/2026-12-21")"

# HMS-PR-001's owner leads the whole municipality: there is nobody above to escalate to.
! cat "$T"/2026-* | grep -q "HMS-PR-001 escalate-2" \
    && ok "no escalation above the top of the organisation" || fail "escalated above the top"

dupes=$(sql "select count(*) - count(distinct dedupe_key) from outbox")
rows=$(sql "select count(*) from outbox where dedupe_key like 'procedure_review:%'")
total=$(($(cat "$T"/2026-* | wc -l) + 2 + 5))
[ "$rows" = "$total" ] && ok "each printed reminder is one outbox row ($rows)" \
    || fail "outbox rows $rows, printed $total"
[ "$dupes" = 0 ] && ok "no reminder is enqueued twice" || fail "$dupes repeated keys"
finish
