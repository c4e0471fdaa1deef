#!/usr/bin/env bash
# Teams end to end: the real daemon against the Bot Framework channel emulator (HTTPS, signed
# tokens, the connector recording what the bot sends). Install -> welcome; a quick-form filing by
# text reaches the store and the reporter gets the receipt; the leader gets the case card
# proactively; a forged token gets 401 and stores nothing; a redelivered activity is handled once.
source "$(dirname "$0")/lib.bash"

EMU="$T/emulator"
bash "$SRC/tests/emulators/teams/start.sh" "$EMU" > /dev/null
trap 'bash "$SRC/tests/emulators/teams/stop.sh" "$EMU" >/dev/null 2>&1 || true; kill $SERVE_PID 2>/dev/null || true; rm -rf "$T"' EXIT
CONTROL=$(emulator_conf control_base)

cat > "$T/organisation.toml" <<'TOML'
name = "Testkommune"

[[unit]]
id = "solbakken"
name = "Solbakken sykehjem"
leader = "ola.leder@kommune.example"
deputy = "nina.nestleder@kommune.example"

[[person]]
email = "kari.nordmann@kommune.example"
name = "Kari Nordmann"
unit = "solbakken"
channel = "teams"

[[person]]
email = "ola.leder@kommune.example"
name = "Ola Leder"
unit = "solbakken"
role = "leader"
channel = "teams"

[[person]]
email = "nina.nestleder@kommune.example"
name = "Nina Nestleder"
unit = "solbakken"
role = "deputy"
channel = "teams"
TOML
cat > "$CFG" <<TOML
[general]
organisation = "$T/organisation.toml"
log_level = "warn"

[store]
database = "$DB"

[http]
listen = "127.0.0.1"
port = 0

TOML
teams_section >> "$CFG"

start_serve "$CFG"
BOT="http://127.0.0.1:$PORT/api/messages"

status_of() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])["attempts"][-1]["status"])' "$1"; }
sent_texts() {  # every activity the bot POSTed to the connector, as text, one per line
    curl -sf "$CONTROL/control/connector/requests" | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    if r["method"] == "POST" and r["path"].endswith("/activities") and r.get("body"):
        print(r["path"] + " " + json.dumps(json.loads(r["body"]), ensure_ascii=False))'
}
wait_for() {  # wait_for NEEDLE: until a sent activity contains it (5 s)
    for _ in $(seq 1 100); do
        sent_texts | grep -F -- "$1" > /dev/null && return 0
        sleep 0.05
    done
    return 1
}
KARI='{"id":"29:user-1","name":"Kari Nordmann","aadObjectId":"aad-user-1"}'
OLA='{"id":"29:user-2","name":"Ola Leder","aadObjectId":"aad-user-2"}'
NINA='{"id":"29:user-3","name":"Nina Nestleder","aadObjectId":"aad-user-3"}'

# 1. Install: the reference is kept and Kari is greeted.
out=$(drive "{\"bot_url\":\"$BOT\",\"template\":\"installation_add\",\"params\":{\"user\":$KARI}}")
[ "$(status_of "$out")" = 200 ] && ok "the install is acknowledged with 200" || fail "install: $out"
wait_for "Kvalitetsvakt" && ok "the welcome is sent to the person who installed the app" \
    || { sent_texts >&2; cat "$T/serve.err" >&2; fail "no welcome"; }
[ "$(sql "select count(*) from teams_references where person_email = 'kari.nordmann@kommune.example'")" = 1 ] \
    && ok "the conversation reference is stored for Kari" || fail "no reference stored"

# 2. A forged token: 401, nothing stored.
before=$(sql "select count(*) from cases")
out=$(drive "{\"bot_url\":\"$BOT\",\"template\":\"message\",\"fault\":\"tampered_payload\",\"params\":{\"user\":$KARI,\"text\":\"avvik: Beboer falt på badet i natt\"}}")
[ "$(status_of "$out")" = 401 ] && ok "a forged token gets 401" || fail "forged: $out"
sleep 0.3
[ "$(sql "select count(*) from conversations")" = 0 ] && [ "$(sql "select count(*) from cases")" = "$before" ] \
    && ok "nothing is stored from a forged request" || fail "a forged request changed the store"

# The leader installs the app; the deputy writes in a group chat with the bot.
drive "{\"bot_url\":\"$BOT\",\"template\":\"installation_add\",\"params\":{\"user\":$OLA}}" > /dev/null
drive "{\"bot_url\":\"$BOT\",\"template\":\"message\",\"params\":{\"user\":$NINA,\"text\":\"hjelp\",\"conversation_type\":\"groupChat\",\"mention_bot\":true}}" > /dev/null
sleep 0.5

# 3. The quick form by text, answered as on the console; the receipt names the case id.
YEAR=$(TZ=Europe/Oslo date +%Y)
for text in "avvik: Beboer falt på badet i natt, ingen synlige skader." \
            "Hjalp beboeren i seng og sjekket for skader" "ja"; do
    out=$(drive "{\"bot_url\":\"$BOT\",\"template\":\"message\",\"params\":{\"user\":$KARI,\"text\":\"$text\"}}")
    [ "$(status_of "$out")" = 200 ] || fail "message: $out"
    sleep 0.3
done
wait_for "AV-$YEAR-0001" && ok "the reporter gets the receipt with the case id" \
    || { sent_texts >&2; cat "$T/serve.err" >&2; fail "no receipt"; }
[ "$(sql "select count(*) from cases")" = 1 ] && ok "the case is in the store" || fail "case not stored"

# 4. The leader installed the app; the deputy was only met in a group chat. Both get the new
# case as a card with no inbound turn: the deputy's 1:1 conversation is created for it.
for _ in $(seq 1 100); do
    curl -sf "$CONTROL/control/connector/conversations" | grep -F 'AV-' | grep -F 'a:personal-29:user-2' > /dev/null && break
    sleep 0.1
done
python3 - "$(curl -sf "$CONTROL/control/connector/conversations")" <<'PY' && ok "the leader gets the new case as a card in the 1:1 chat" || fail "leader card"
import json, sys
convs = json.loads(sys.argv[1])
acts = convs.get("a:personal-29:user-2", {}).get("activities", [])
cards = [att["content"] for a in acts for att in a["activity"].get("attachments", [])
         if "AV-" in json.dumps(att, ensure_ascii=False)]
assert cards, acts
# The buttons are the leader's: the card refreshes for the leader only (refresh.userIds).
assert cards[0]["refresh"]["userIds"] == ["29:user-2"], cards[0].get("refresh")
PY
for _ in $(seq 1 100); do
    curl -sf "$CONTROL/control/connector/requests" | grep '"path":"/teams/v3/conversations"' > /dev/null && break
    sleep 0.1
done
deputy=$(curl -sf "$CONTROL/control/connector/conversations")
python3 - "$deputy" <<'PY' && ok "the deputy, met only in a group chat, gets the card in a 1:1 chat created for it" || fail "deputy card: $(curl -sf "$CONTROL/control/connector/requests" | head -c 3000)"
import json, sys
convs = json.loads(sys.argv[1])
personal = [c for cid, c in convs.items() if c.get("members") == ["29:user-3"]]
assert personal and any("AV-" in json.dumps(a["activity"], ensure_ascii=False)
                        for c in personal for a in c["activities"]), convs.keys()
PY
[ "$(sql "select count(*) from teams_sent_cards where recipient_email = 'ola.leder@kommune.example'")" -ge 1 ] \
    && ok "the leader's card is recorded so later changes update it in place" || fail "sent card not recorded"

# 5. A redelivery (same conversation and activity id) is handled once.
replies_before=$(sent_texts | wc -l)
cases_before=$(sql "select count(*) from cases")
msg="{\"bot_url\":\"$BOT\",\"template\":\"message\",\"params\":{\"user\":$KARI,\"text\":\"hjelp\",\"id\":\"1999999999999\"}}"
drive "$msg" > /dev/null; sleep 0.5; drive "$msg" > /dev/null; sleep 0.5
[ $(( $(sent_texts | wc -l) - replies_before )) = 1 ] && ok "a duplicate delivery is answered once" \
    || { sent_texts >&2; fail "duplicate handled twice"; }
[ "$(sql "select count(*) from cases")" = "$cases_before" ] || fail "the duplicate changed cases"

# 5b. The connector refuses the answer (503, come back in 2 s): the answer waits in the outbox, committed with
# the decision, and reaches Kari when the connector takes it, instead of being dropped.
curl -sf -X POST -H 'Content-Type: application/json' \
    --data '{"path":"personal-29%3Auser-1/activities$","method":"POST","count":1,"status":503,"retry_after":"2"}' \
    "$CONTROL/control/connector/fault" > /dev/null
answered() {  # answered: POSTs to Kari's chat the connector accepted with the help text
    curl -sf "$CONTROL/control/connector/requests" | python3 -c '
import json, sys
print(sum(1 for r in json.load(sys.stdin)
          if r["method"] == "POST" and "personal-29%3Auser-1/activities" in r["path"]
          and 200 <= r["status"] < 300 and "meld avvik" in (r.get("body") or "").lower()))'
}
help_before=$(answered)
drive "{\"bot_url\":\"$BOT\",\"template\":\"message\",\"params\":{\"user\":$KARI,\"text\":\"hjelp\"}}" > /dev/null
for _ in $(seq 1 100); do
    [ "$(answered)" -gt "$help_before" ] && break
    sleep 0.1
done
[ "$(answered)" -gt "$help_before" ] \
    && ok "an answer the connector refused (503) reaches the person later through the outbox" \
    || { curl -sf "$CONTROL/control/connector/requests" | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    if "user-1" in r["path"]: print(r["method"], r["path"], r["status"], (r.get("body") or "")[:80])' >&2
         tail -5 "$T/serve.err" >&2; fail "the refused answer was lost"; }

# 6. The leader presses «Motta» on the card: the invoke is answered with the updated card after
# the commit, and the deputy's copy of the card is updated in place (PUT).
action=$(curl -sf "$CONTROL/control/connector/conversations" | python3 -c '
import json, sys
convs = json.load(sys.stdin)
for a in convs["a:personal-29:user-2"]["activities"]:
    for att in a["activity"].get("attachments", []):
        def walk(n):
            if isinstance(n, dict):
                if n.get("type") == "Action.Execute" and n.get("verb") == "case.receive":
                    print(json.dumps({"verb": n["verb"], "data": n.get("data", {}), "reply_to_id": a["id"]}))
                    sys.exit(0)
                for v in n.values(): walk(v)
            elif isinstance(n, list):
                for v in n: walk(v)
        walk(att.get("content"))
sys.exit(1)') || fail "the leader's card has no «motta» button"
params=$(python3 -c 'import json,sys; p=json.loads(sys.argv[1]); p["user"]=json.loads(sys.argv[2]); p["conversation_id"]="a:personal-29:user-2"; p["trigger"]="manual"; print(json.dumps(p))' "$action" "$OLA")
out=$(drive "{\"bot_url\":\"$BOT\",\"template\":\"invoke_action\",\"params\":$params}")
python3 - "$out" <<'PY' && ok "a button press is answered with the updated card (200, adaptive card)" || fail "invoke: $out"
import json, sys
attempt = json.loads(sys.argv[1])["attempts"][-1]
assert attempt["status"] == 200, attempt
body = json.loads(attempt["body"])
assert body["statusCode"] == 200 and body["type"] == "application/vnd.microsoft.card.adaptive", body
assert body["value"]["type"] == "AdaptiveCard"
PY
[ "$(sql "select state from cases")" = "mottatt" ] && ok "the press is committed: the case is received" || fail "case unchanged"
puts=$(curl -sf "$CONTROL/control/connector/requests" | python3 -c '
import json, sys
print(sum(1 for r in json.load(sys.stdin)
          if r["method"] == "PUT" and "personal-29%3Auser-2" not in r["path"]))')
[ "$puts" -ge 1 ] && ok "the deputy's copy of the card is updated in place (PUT)" || fail "no PUT after the press"

# An automatic refresh from the deputy's client is answered with the card last sent to her,
# already in the new state, and changes nothing.
row=$(sql "select subject_key || '|' || conversation_id from teams_sent_cards where recipient_email = 'nina.nestleder@kommune.example' limit 1")
params=$(python3 -c 'import json,sys; s,c=sys.argv[1].split("|",1); print(json.dumps({"user":json.loads(sys.argv[2]),"conversation_id":c,"trigger":"automatic","verb":"kv.refresh","data":{"kv.subject":s}}))' "$row" "$NINA")
events_before=$(sql "select count(*) from case_events")
out=$(drive "{\"bot_url\":\"$BOT\",\"template\":\"invoke_action\",\"params\":$params}")
python3 - "$out" "$(curl -sf "$CONTROL/control/connector/conversations")" "${row#*|}" <<'PY' && ok "a card refresh is answered with the card the deputy sees after the PUT" || fail "refresh: $out"
import json, sys
attempt = json.loads(sys.argv[1])["attempts"][-1]
assert attempt["status"] == 200, attempt
body = json.loads(attempt["body"])
assert body["type"] == "application/vnd.microsoft.card.adaptive", body
shown = [att["content"] for a in json.loads(sys.argv[2])[sys.argv[3]]["activities"]
         for att in a["activity"].get("attachments", []) if "AV-" in json.dumps(att, ensure_ascii=False)]
assert shown and body["value"]["body"] == shown[-1]["body"], (body, shown)
PY
[ "$(sql "select count(*) from case_events")" = "$events_before" ] && ok "a refresh changes nothing" || fail "a refresh wrote events"

# 7. The leader blocks the app: the next card cannot be delivered on Teams, the reference is
# marked dead and the message is handed to email (with no email channel configured here, the
# row is kept as failed with a visible error: never reported delivered, never retried in a loop).
curl -sf -X POST -H 'Content-Type: application/json' --data '{"id":"29:user-2","blocked":true}' \
    "$CONTROL/control/connector/users" > /dev/null
for text in "avvik: Beboer falt i gangen i kveld og fikk et blåmerke på armen." "ingen" "ja"; do
    drive "{\"bot_url\":\"$BOT\",\"template\":\"message\",\"params\":{\"user\":$KARI,\"text\":\"$text\"}}" > /dev/null
    sleep 0.3
done
for _ in $(seq 1 100); do
    [ "$(sql "select count(*) from outbox where recipient_email = 'ola.leder@kommune.example' and (channel = 'email' or (state = 'failed' and last_error <> '')) and body like '%AV-%-0002%'")" -ge 1 ] && break
    sleep 0.1
done
[ "$(sql "select count(*) from outbox where recipient_email = 'ola.leder@kommune.example' and (channel = 'email' or (state = 'failed' and last_error <> '')) and body like '%AV-%-0002%'")" -ge 1 ] \
    && ok "a leader who blocked the app is not counted as reached: the row goes to the fallback" || { sql "select count(*) from cases"; sent_texts | tail -3 | cut -c1-600; fail "no fallback: $(sql "select channel, state, last_error from outbox")"; }
[ "$(sql "select dead from teams_references where conversation_id = 'a:personal-29:user-2'")" = 1 ] \
    && ok "the blocked conversation is marked dead" || fail "reference not marked dead"

# 6. Someone met for the first time is looked up off the store thread: while the connector takes
# 3 s to answer the lookup of a stranger, Kari's question is answered; then the stranger is
# refused politely in their chat, and nothing is stored from them.
curl -sf -X POST -H 'Content-Type: application/json' \
    --data '{"id":"29:user-9","name":"Per Utenfor","aadObjectId":"aad-user-9","email":"per.utenfor@annen.example","userPrincipalName":"per.utenfor@annen.example"}' \
    "$CONTROL/control/connector/users" > /dev/null
curl -sf -X POST -H 'Content-Type: application/json' \
    --data '{"method":"GET","path":"/members/29:user-9","delay_ms":3000,"count":1}' \
    "$CONTROL/control/connector/fault" > /dev/null
sent_before=$(sent_texts | wc -l)
started=$(date +%s%N)
drive "{\"bot_url\":\"$BOT\",\"template\":\"message\",\"params\":{\"user\":{\"id\":\"29:user-9\",\"name\":\"Per Utenfor\",\"aadObjectId\":\"aad-user-9\"},\"text\":\"hei\"}}" > /dev/null
drive "{\"bot_url\":\"$BOT\",\"template\":\"message\",\"params\":{\"user\":$KARI,\"text\":\"mine saker\"}}" > /dev/null
answered=""
for _ in $(seq 1 100); do
    if sent_texts | tail -n +$((sent_before + 1)) | grep -F "personal-29:user-1" | grep -F -q "AV-$YEAR-0001"; then
        answered=$(( ($(date +%s%N) - started) / 1000000 ))
        break
    fi
    sleep 0.02
done
[ -n "$answered" ] && [ "$answered" -lt 2500 ] \
    && ok "while a stranger's member lookup waits 3 s, Kari's question is answered (${answered} ms)" \
    || fail "Kari waited behind the lookup: ${answered:-no answer} ms"
wait_for "finner deg ikke" && ok "the stranger is refused politely in their chat" \
    || { tail -5 "$T/serve.err" >&2; fail "no refusal for the stranger"; }
[ "$(sql "select count(*) from teams_identities where aad_object_id = 'aad-user-9'")" = 0 ] \
    && [ "$(sql "select count(*) from teams_references where conversation_id like '%user-9%'")" = 0 ] \
    && ok "nothing is stored from the stranger" || fail "the stranger left traces in the store"

metrics=$(curl -sf "http://127.0.0.1:$PORT/metrics")
expect_contains "$metrics" 'kv_events_handled_total{kind="message"}' "handled activities are counted by kind"
finish
