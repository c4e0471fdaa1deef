#!/usr/bin/env bash
# Acting stops the chase, through the real binary: reminders enqueued by `remind --at` for a case
# nobody has received wait in the outbox until their delivery time; the leader receives the case
# first, and when that time comes the reminders about it never reach anyone, while those about a
# case left alone do. `remind --at` never enqueues the cancelled ones again.
source "$(dirname "$0")/lib.bash"

KARI=kari.nordmann@eksempel.kommune.no  # staff, Solbakken sykehjem
PER=per.hansen@eksempel.kommune.no      # leader, Solbakken sykehjem
ANNE=anne.johansen@eksempel.kommune.no  # deputy, Solbakken sykehjem

file_case() {  # file_case DESCRIPTION: prints the new case's id
    chat $KARI <<CHAT | grep -o 'AV-[0-9]*-[0-9]*' | head -1
avvik: $1
Sjekket beboeren og varslet sykepleier
1
CHAT
}
ACTED=$(file_case "Beboer falt på badet i natt, ingen synlige skader.")
LEFT=$(file_case "Medisinvogna sto ulåst i korridoren i natt.")
[ -n "$ACTED" ] && [ -n "$LEFT" ] && [ "$ACTED" != "$LEFT" ] \
    && ok "two cases are filed: $ACTED and $LEFT" || fail "cases not filed: '$ACTED' '$LEFT'"
chat $ANNE <<<"hjelp" > /dev/null  # the deputy reads the news of both filings

# Two weeks on, every working-day deadline of the chase's first step has passed.
AT=$(date -u -d '+14 days' +%Y-%m-%dT12:00:00Z)
out=$("$KV" --config "$CFG" remind --at "$AT" | python3 -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    if r["step"] == "remind-1":
        print(r["subject"], r["recipient"])' | sort)
[ "$out" = "$(printf '%s\n' "$ACTED $ANNE" "$ACTED $PER" "$LEFT $ANNE" "$LEFT $PER" | sort)" ] \
    && ok "the leader and the deputy are reminded of both cases" || fail "reminders: $out"

out=$(chat $PER <<CHAT
motta $ACTED
CHAT
)
expect_contains "$out" "$ACTED: du har mottatt saken" "the leader receives $ACTED"
[ "$(sql "select group_concat(state) from outbox where dedupe_key like 'deviation_followup:$ACTED:%'")" \
    = "cancelled,cancelled,cancelled" ] \
    && ok "its reminders and its escalation are cancelled in the outbox" || fail "not cancelled"
[ "$(sql "select count(*) from outbox where dedupe_key like 'deviation_followup:$LEFT:%' and state = 'pending'")" = 3 ] \
    && ok "the other case's reminders still wait" || fail "the other case's reminders changed"
[ "$(sql "select count(*) from audit where action = 'reminder.cancel' and target = '$ACTED'")" = 1 ] \
    && ok "the audit trail says the reminders were cancelled, and by whom" || fail "no audit record"

# The reminders' delivery time comes (they were deferred to a later working instant).
sql "update outbox set not_before = 0 where dedupe_key like 'deviation_followup:%'"
for who in $ANNE $PER; do
    out=$(chat $who <<CHAT
hjelp
CHAT
)
    expect_contains "$out" "$LEFT" "$who gets the reminder about $LEFT"
    expect_not_contains "$out" "$ACTED" "$who never gets the one about $ACTED"
done

out=$("$KV" --config "$CFG" remind --at "$AT")
out+=$("$KV" --config "$CFG" remind --at "$(date -u -d '+40 days' +%Y-%m-%dT12:00:00Z)")
expect_not_contains "$out" "$ACTED" "remind --at enqueues nothing about $ACTED again"
[ "$(sql "select count(*) from outbox where dedupe_key like 'deviation_followup:$ACTED:%'")" = 3 ] \
    && ok "no new reminder rows for $ACTED" || fail "reminders for $ACTED enqueued again"

# A review recorded elsewhere: the library's export says the procedure was reviewed today, so the
# import cancels the reminders of the round that was falling due, and says so.
library() {  # library LAST_REVIEWED: a one-procedure export, due a year after LAST_REVIEWED
    head -1 "$SRC/config/procedures-example.csv"
    echo "FA-PR-090;Bruk av kvalitetssystemet;Felles for alle;Prosedyrer;kommune;ingrid.bakke@eksempel.kommune.no;line.karlsen@eksempel.kommune.no;1.0;$1;12;https://kvalitet.eksempel.kommune.no/dok/FA-PR-090"
}
library "$(date -d '-12 months +10 days' +%d.%m.%Y)" > "$T/library.csv"
"$KV" --config "$CFG" import procedures "$T/library.csv" > /dev/null
"$KV" --config "$CFG" remind --at "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > /dev/null
waiting=$(sql "select count(*) from outbox where dedupe_key like 'procedure_review:FA-PR-090:%' and state = 'pending'")
[ "$waiting" -ge 1 ] && ok "the review due in ten days is reminded of" || fail "no review reminder: $waiting"
library "$(date +%d.%m.%Y)" > "$T/library.csv"
out=$("$KV" --config "$CFG" import procedures "$T/library.csv")
expect_contains "$out" "$waiting pending review reminder(s) of an earlier round cancelled" \
    "the import says it cancelled the old round's reminders"
[ "$(sql "select count(*) from outbox where dedupe_key like 'procedure_review:FA-PR-090:%' and state = 'pending'")" = 0 ] \
    && ok "none of them waits any more" || fail "review reminders still pending"
[ "$(sql "select count(*) from audit where action = 'reminder.cancel' and target = 'FA-PR-090' and via = 'system'")" = 1 ] \
    && ok "the cancellation is audited" || fail "no audit record for the import's cancellation"
finish
