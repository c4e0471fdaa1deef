#!/usr/bin/env bash
# `frister`: each person sees their own deadlines through chat: the revision owner the review of
# their procedure, the leader the case waiting to be received, the responsible person a measure.
source "$(dirname "$0")/lib.bash"

KARI=kari.nordmann@eksempel.kommune.no  # staff, Solbakken; revision owner of HO-PR-012
PER=per.hansen@eksempel.kommune.no      # leader, Solbakken
DUE=$(date -d '+30 days' +%d.%m.%Y)
DUE_ISO=$(date -d '+30 days' +%F)

"$KV" --config "$CFG" import procedures "$SRC/config/procedures-example.csv" > /dev/null
out=$(chat $KARI <<CHAT
frister
CHAT
)
expect_contains "$out" "Dine frister" "frister answers with the person's deadlines"
expect_contains "$out" "2026-12-01  Gjennomgang av HO-PR-012 Forebygging av fall" \
    "the revision owner sees the review of her procedure with its due date"
expect_not_contains "$out" "HO-PR-011" "a procedure someone else reviews is not listed"

out=$(chat $KARI <<CHAT
avvik: Beboer falt på badet i natt, ingen synlige skader.
Hjalp beboeren i seng og sjekket for skader
1
CHAT
)
ID=$(grep -o 'AV-[0-9]*-[0-9]*' <<<"$out" | head -1)
[ -n "$ID" ] && ok "a case is filed as $ID" || fail "no case id in: $out"

out=$(chat $PER <<CHAT
frister
CHAT
)
expect_contains "$out" "Motta $ID" "the leader sees the new case to receive"

out=$(chat $PER <<CHAT
motta $ID
tiltak $ID Sklimatte på badet
kari.nordmann
$DUE
frister
CHAT
)
expect_contains "$out" "tiltak 1 lagt til" "the leader adds a measure for Kari"
expect_not_contains "$out" "Motta $ID" "a received case is no longer a deadline"

out=$(chat $KARI <<CHAT
frister
CHAT
)
expect_contains "$out" "$DUE_ISO  $ID tiltak 1: Sklimatte på badet" "the responsible person sees the measure"
out=$(chat $KARI <<CHAT
utført $ID 1
frister
CHAT
)
expect_not_contains "$out" "$ID tiltak 1" "a measure done is no longer a deadline"

out=$(chat anne.johansen@eksempel.kommune.no <<CHAT
frister
CHAT
)
expect_contains "$out" "HO-PR-011" "the deputy's own review is listed"
finish
