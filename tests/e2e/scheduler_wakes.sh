#!/usr/bin/env bash
# The running daemon's scheduler wakes when another process changes the store. It starts with
# nothing to wait for; a case is filed through `chat` (its own process and connection) and then
# found to have been filed two weeks ago (the store is changed from outside, as an import or a
# repair would): within two seconds the daemon chases it, without being told and without a
# periodic look at the store (it watches the store's files).
source "$(dirname "$0")/lib.bash"

KARI=kari.nordmann@eksempel.kommune.no  # staff, Solbakken sykehjem
PER=per.hansen@eksempel.kommune.no      # leader, Solbakken sykehjem
ANNE=anne.johansen@eksempel.kommune.no  # deputy, Solbakken sykehjem

start_serve "$CFG"
trap 'kill $SERVE_PID 2>/dev/null || true; rm -rf "$T"' EXIT

ID=$(chat $KARI <<CHAT | grep -o 'AV-[0-9]*-[0-9]*' | head -1
avvik: Beboer falt på badet i natt, ingen synlige skader.
Hjalp beboeren i seng og sjekket for skader
1
CHAT
)
[ -n "$ID" ] && ok "the case is filed as $ID by another process" || fail "no case filed"
sql "update cases set created_at = created_at - 14 * 86400 where human_id = '$ID'"
changed=$(date +%s%3N)

reminded() { sql "select group_concat(recipient_email, ' ') from (select recipient_email from outbox
    where dedupe_key like 'deviation_followup:$ID::remind-1:%' order by recipient_email)"; }
for _ in $(seq 1 300); do
    [ -n "$(reminded)" ] && break
    sleep 0.02
done
took=$(( $(date +%s%3N) - changed ))
[ "$(reminded)" = "$ANNE $PER" ] \
    && ok "the daemon enqueues the leader's and the deputy's reminder" \
    || fail "no reminder enqueued by the daemon: '$(reminded)'"
[ "$took" -lt 2000 ] && ok "it does so ${took} ms after the change (under 2 s)" \
    || fail "the reminders took ${took} ms"

kill -TERM $SERVE_PID
set +e; wait $SERVE_PID; code=$?; set -e
[ $code = 0 ] && ok "the daemon stops cleanly" || fail "serve exit $code: $(cat "$T/serve.err")"
finish
