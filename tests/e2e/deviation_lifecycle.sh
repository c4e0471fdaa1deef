#!/usr/bin/env bash
# A deviation's whole life through the real binary: filed with a fødselsnummer in it, stored
# redacted, received, assessed, given a measure, forwarded, closed by the new unit's leader; the
# reporter is told of each change; after a restart the report shows the whole history.
source "$(dirname "$0")/lib.bash"

KARI=kari.nordmann@eksempel.kommune.no       # staff, Solbakken sykehjem
PER=per.hansen@eksempel.kommune.no           # leader, Solbakken sykehjem
ANNE=anne.johansen@eksempel.kommune.no       # deputy, Solbakken sykehjem
MARTE=marte.larsen@eksempel.kommune.no       # leader, Hjemmetjenesten
FNR=$(valid_fnr)
YEAR=$(TZ=Europe/Oslo date +%Y)
ID="AV-$YEAR-0001"
DUE=$(date -d '+30 days' +%d.%m.%Y)

out=$(chat $KARI <<CHAT
avvik: Beboer falt på badet i natt, ingen synlige skader. Gjelder beboer $FNR på rom 12.
Hjalp beboeren i seng og sjekket for skader
1
CHAT
)
expect_contains "$out" "Tjeneste/bruker (gjettet" "the category is guessed from the words and shown for confirmation"
expect_contains "$out" "[1] Send inn" "the summary offers numbered buttons"
expect_contains "$out" "registrert som $ID" "the reporter gets the case id after the commit"
expect_contains "$out" "fjernet 1 personnummer" "the reporter is told a personnummer was removed"
expect_not_contains "$out" "$FNR" "the fødselsnummer is not echoed back"
[ "$(sql "select count(*) from cases where description like '%[personnummer fjernet]%'")" = 1 ] \
    && ok "the case is stored with the number replaced by the marker" || fail "stored redacted"
if grep -qa "$FNR" "$DB"* ; then fail "the fødselsnummer reached the database files"; fi
ok "the fødselsnummer is nowhere in the database files"

out=$(chat $PER <<CHAT
til behandling
motta $ID
risikovurder $ID
3
lav
tiltak $ID Nattlys og sklimatte på badet
per.hansen
$DUE
videresend $ID
Hjemmetjenesten
Beboeren får tjenester fra hjemmetjenesten
CHAT
)
expect_contains "$out" "Ny sak $ID (Avvik)" "the leader was notified of the new case"
expect_contains "$out" "[1] Motta" "the notification carries the buttons for the leader"
expect_contains "$out" "$ID: du har mottatt saken" "the leader receives the case"
expect_contains "$out" "Risiko:       6 (gul" "the risk score and level are computed (3 x 2 = 6, yellow)"
expect_contains "$out" "tiltak 1 lagt til" "the leader adds a measure"
expect_contains "$out" "videresendt til Hjemmetjenesten" "the leader forwards the case"

out=$(chat $ANNE <<CHAT
CHAT
)
expect_contains "$out" "Ny sak $ID (Avvik)" "the deputy was notified of the new case too"

out=$(chat $KARI <<CHAT
lukk $ID Ferdig
CHAT
)
seen_by_kari=$out
expect_contains "$out" "ikke tilgang" "a staff member pressing close is refused politely"
[ "$(sql "select count(*) from audit where action = 'denied:case.close' and outcome = 'denied'")" = 1 ] \
    && ok "the refused attempt is audited" || fail "refusal audited"

out=$(chat $MARTE <<CHAT
lukk $ID For tidlig
utført $ID 1
effekt $ID 1 Ingen nye fall siste måned
lukk $ID Tiltakene virker; rutine for nattlys innført
sak $ID
CHAT
)
expect_contains "$out" "videresendt til Hjemmetjenesten" "the new unit's leader was notified of the forward"
expect_contains "$out" "Saken har tiltak som ikke er utført" "closing is refused while a measure is open"
expect_contains "$out" "$ID: saken er lukket" "the new leader closes the case"
expect_contains "$out" "Konklusjon:" "the closed case shows its conclusion"

out=$(chat $KARI <<CHAT
mine saker
CHAT
)
seen_by_kari+=$out
for change in "mottatt av Per Hansen" "risikovurdert" "besluttet tiltak" "videresendt til Hjemmetjenesten" "saken din er lukket"; do
    expect_contains "$seen_by_kari" "$change" "the reporter was told: $change"
done
expect_contains "$out" "Lukket" "mine saker shows the case as closed"

# Everything restarts: a fresh process reads what was committed.
json=$("$KV" --config "$CFG" report deviations --format json)
python3 - "$json" "$ID" <<'PY'
import json, sys
cases = json.loads(sys.argv[1]); case_id = sys.argv[2]
assert len(cases) == 1, cases
c = cases[0]
assert c["id"] == case_id and c["state"] == "lukket" and c["unit"] == "hjemmetjenesten", c
assert "[personnummer fjernet]" in c["description"], c["description"]
kinds = [t["kind"] for t in c["transitions"]]
want = ["filed", "received", "assessed", "measure_added", "forwarded", "measure_done", "measure_evaluated", "closed"]
assert kinds == want, kinds
assert c["risk"] == {"probability": 3, "consequence": 2, "score": 6, "level": "yellow"}, c["risk"]
PY
ok "report deviations --format json shows the whole history after a restart"
csv=$("$KV" --config "$CFG" report deviations --format csv --year "$YEAR")
expect_contains "$csv" "$ID,avvik,tjeneste,hjemmetjenesten,lukket,6,yellow" "the CSV report has the case"
finish
