#!/usr/bin/env bash
# The daily digest: a person chooses it in chat (`sammendrag daglig`), the choice is kept in the
# store, and `remind --at` then shows ONE digest line for that person at 08:00 instead of one
# line per reminder, while everyone else gets theirs one by one; `sammendrag av` turns it off.
source "$(dirname "$0")/lib.bash"

cat >> "$CFG" <<TOML

[schedule]
annual_wheel = "$SRC/config/annual-wheel.toml"
TOML

remind() { "$KV" --config "$CFG" remind --at "$@"; }
# "deliver_at kind subject step title" of one person's lines.
lines_of() { python3 -c '
import json, sys
for l in filter(str.strip, sys.stdin):
    r = json.loads(l)
    if r["recipient"] == sys.argv[1]:
        print(r["deliver_at"], r["kind"], r["subject"], r["step"], r["title"])' "$1"; }
others() { python3 -c '
import json, sys
print(sum(1 for l in filter(str.strip, sys.stdin) if json.loads(l)["recipient"] != sys.argv[1]))' "$1"; }

hilde=hilde.strand@eksempel.kommune.no
remind 2027-03-01T05:00:00Z > /dev/null  # what had fallen due before

out=$(chat $hilde <<< "sammendrag daglig")
expect_contains "$out" "samlet i ett sammendrag kl. 08:00" "sammendrag daglig is confirmed in chat"
[ "$(sql "select daily from digest_choices where email = '$hilde'")" = 1 ] \
    && ok "the choice is in the store" || fail "choice not stored"

# 2 March: Helse og omsorg's meeting (T-0) and the municipality's in 14 days; Hilde sits on both.
out=$(remind 2027-03-02T05:00:00Z --dry-run)
[ "$(lines_of $hilde <<< "$out")" = "2027-03-02T08:00:00+01:00 digest 2027-03-02 daily Daglig sammendrag 2027-03-02 (2)" ] \
    && ok "Hilde gets one digest line at 08:00 instead of her two reminders" \
    || { echo "$out" >&2; fail "the digest line"; }
[ "$(others $hilde <<< "$out")" = 10 ] && ok "the other members still get theirs one by one (10)" \
    || fail "others: $(others $hilde <<< "$out")"

remind 2027-03-02T05:00:00Z > /dev/null
[ "$(sql "select count(*) from digest_members where recipient_email = '$hilde'")" = 2 ] \
    && ok "the digest records the two reminders it carries" || fail "digest members"
body=$(sql "select body from outbox where recipient_email = '$hilde' and dedupe_key like 'digest:%'")
expect_contains "$body" "Årshjul" "the digest has a heading per kind"
expect_contains "$body" "Møte i kvalitetsutvalget i Helse og omsorg" "and lists each reminder"
out=$(remind 2027-03-02T09:00:00Z)
[ -z "$(lines_of $hilde <<< "$out")" ] && ok "asked again later that day, nothing new for Hilde" \
    || fail "repeated: $out"

# A crash after the digest's row was committed but before what it carries was recorded: the
# next run computes the same digest, which the outbox already has, and records them.
rows=$(sql "select count(*) from outbox")
sql "delete from digest_members"
out=$(remind 2027-03-02T07:00:00Z)
[ -z "$(lines_of $hilde <<< "$out")" ] && [ "$(sql "select count(*) from outbox")" = "$rows" ] \
    && ok "after a crash between the two writes nothing is sent twice" || fail "replay: $out"
[ "$(sql "select count(*) from digest_members where recipient_email = '$hilde'")" = 2 ] \
    && ok "and the carried reminders are recorded again" || fail "replay members"

# Sunday 14 March: the 2-day reminder of the municipality's meeting waits for Monday's digest.
out=$(remind 2027-03-14T05:00:00Z)
[ -z "$(lines_of $hilde <<< "$out")" ] && ok "on Sunday Hilde's reminder is held for Monday's digest" \
    || fail "Sunday: $(lines_of $hilde <<< "$out")"
[ "$(others $hilde <<< "$out")" = 5 ] && ok "while the other five members' reminders are enqueued for Monday" \
    || fail "Sunday others: $out"
out=$(remind 2027-03-15T05:00:00Z)
[ "$(lines_of $hilde <<< "$out")" = "2027-03-15T08:00:00+01:00 digest 2027-03-15 daily Daglig sammendrag 2027-03-15 (1)" ] \
    && ok "Monday 08:00: Hilde's digest carries it" || fail "Monday: $out"

out=$(chat $hilde <<< "digest off")
expect_contains "$out" "hver påminnelse for seg" "digest off is confirmed (in her language)"
out=$(remind 2027-03-16T05:00:00Z)
[ "$(lines_of $hilde <<< "$out")" = "2027-03-16T08:00:00+01:00 wheel ku-kommune-mote T-0 Møte i kvalitetsutvalget i Eksempel kommune 2027-03-16 09:00" ] \
    && ok "after turning it off, the morning-of reminder comes on its own" || fail "off: $out"

out=$(chat $hilde <<< "sammendrag")
expect_contains "$out" "Skriv «sammendrag daglig»" "sammendrag without a choice explains itself"
[ "$(sql "select daily from digest_choices where email = '$hilde'")" = 0 ] \
    && ok "and changes nothing" || fail "choice changed"
[ "$(sql "select count(*) - count(distinct recipient_email || dedupe_key) from outbox")" = 0 ] \
    && ok "no reminder is enqueued twice" || fail "repeated keys"
finish
