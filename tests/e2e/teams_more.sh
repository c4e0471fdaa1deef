#!/usr/bin/env bash
# Teams end to end, part two: the real daemon against the Bot Framework channel emulator.
# «meld avvik» opens a form card that files in one press, by Action.Execute (invoke) and by the
# Action.Submit fallback (a message with value); a missing field brings the form back with the
# typed values; a 429 with Retry-After is waited out; a connector outage of many retry rounds
# (the delivery's retry delays shortened by config) loses nothing; a reminder to someone with no
# stored 1:1 conversation creates one.
source "$(dirname "$0")/lib.bash"

EMU="$T/emulator"
bash "$SRC/tests/emulators/teams/start.sh" "$EMU" > /dev/null
trap 'bash "$SRC/tests/emulators/teams/stop.sh" "$EMU" >/dev/null 2>&1 || true; kill $SERVE_PID 2>/dev/null || true; rm -rf "$T"' EXIT
CONTROL=$(emulator_conf control_base)

cat > "$T/organisation.toml" <<'TOML'
name = "Testkommune"

[[unit]]
id = "helse"
name = "Helse og omsorg"
leader = "hanne.helsesjef@kommune.example"

[[unit]]
id = "solbakken"
name = "Solbakken sykehjem"
parent = "helse"
leader = "ola.leder@kommune.example"

[[unit]]
id = "hjemme"
name = "Hjemmetjenesten"
parent = "helse"
leader = "ola.leder@kommune.example"

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
email = "hanne.helsesjef@kommune.example"
name = "Hanne Helsesjef"
unit = "helse"
role = "leader"
channel = "teams"
TOML
# Retry delays of 1-2 s stand in for the production 30 s .. 1 h: an outage of many retry rounds
# takes seconds here.
cat > "$CFG" <<TOML
[general]
organisation = "$T/organisation.toml"
log_level = "warn"

[store]
database = "$DB"

[http]
listen = "127.0.0.1"
port = 0

[delivery]
retry_base_seconds = 1
retry_max_seconds = 2
max_attempts = 100

TOML
teams_section >> "$CFG"

start_serve "$CFG"
BOT="http://127.0.0.1:$PORT/api/messages"

control() {  # control PATH JSON
    curl -sf -X POST -H 'Content-Type: application/json' --data "$2" "$CONTROL$1" > /dev/null
}
status_of() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])["attempts"][-1]["status"])' "$1"; }
say() {  # say USER TEXT
    drive "{\"bot_url\":\"$BOT\",\"template\":\"message\",\"params\":{\"user\":$1,\"text\":\"$2\"}}"
}
KARI='{"id":"29:user-1","name":"Kari Nordmann","aadObjectId":"aad-user-1"}'
OLA='{"id":"29:user-2","name":"Ola Leder","aadObjectId":"aad-user-2"}'
HANNE='{"id":"29:user-4","name":"Hanne Helsesjef","aadObjectId":"aad-user-4"}'
control /control/connector/users '{"id":"29:user-4","aadObjectId":"aad-user-4","name":"Hanne Helsesjef","email":"hanne.helsesjef@kommune.example","userPrincipalName":"hanne.helsesjef@kommune.example"}'
KARI_CONV="a:personal-29:user-1"
OLA_CONV="a:personal-29:user-2"
YEAR=$(TZ=Europe/Oslo date +%Y)

# The newest card in CONV with a button of VERB: prints {"execute": data, "submit": fallback
# data, "reply_to_id": the card's activity id, "card": the card}; waits up to 5 s.
find_button() {  # find_button CONV VERB
    for _ in $(seq 1 100); do
        curl -sf "$CONTROL/control/connector/conversations" | python3 -c '
import json, sys
conv, verb = sys.argv[1], sys.argv[2]
acts = json.load(sys.stdin).get(conv, {}).get("activities", [])
def walk(n):
    if isinstance(n, dict):
        if n.get("type") == "Action.Execute" and n.get("verb") == verb:
            return n
        for v in n.values():
            r = walk(v)
            if r: return r
    elif isinstance(n, list):
        for v in n:
            r = walk(v)
            if r: return r
    return None
for a in reversed(acts):
    for att in a["activity"].get("attachments", []):
        b = walk(att.get("content"))
        if b:
            print(json.dumps({"execute": b["data"], "submit": b["fallback"]["data"],
                              "reply_to_id": a["id"], "card": att["content"]}))
            sys.exit(0)
sys.exit(1)' "$1" "$2" && return 0
        sleep 0.05
    done
    return 1
}
# The card's input ids by name ("i0.description" for "description").
input_ids() {  # input_ids BUTTON_JSON
    python3 -c '
import json, sys
ids = {}
def walk(n):
    if isinstance(n, dict):
        if str(n.get("type", "")).startswith("Input."):
            ids[n["id"].split(".", 1)[1]] = {"id": n["id"], "type": n["type"], "value": n.get("value")}
        for v in n.values(): walk(v)
    elif isinstance(n, list):
        for v in n: walk(v)
walk(json.loads(sys.argv[1])["card"])
print(json.dumps(ids))' "$1"
}
# Button data with the typed values merged in, as Teams does: DATA_KIND execute|submit.
with_inputs() {  # with_inputs BUTTON_JSON DATA_KIND TYPED_JSON ({"name": value})
    python3 -c '
import json, sys
b, kind, typed = json.loads(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
ids = json.loads(sys.argv[4])
data = dict(b[kind])
for name, value in typed.items():
    data[ids[name]["id"]] = value
print(json.dumps(data))' "$1" "$2" "$3" "$(input_ids "$1")"
}

drive "{\"bot_url\":\"$BOT\",\"template\":\"installation_add\",\"params\":{\"user\":$KARI}}" > /dev/null
drive "{\"bot_url\":\"$BOT\",\"template\":\"installation_add\",\"params\":{\"user\":$OLA}}" > /dev/null
# Hanne, the leader above, is met only in a group chat: no 1:1 conversation is stored for her.
drive "{\"bot_url\":\"$BOT\",\"template\":\"message\",\"params\":{\"user\":$HANNE,\"text\":\"hjelp\",\"conversation_type\":\"groupChat\",\"mention_bot\":true}}" > /dev/null

# 1. «meld avvik» opens the form: every field, the unit preset from Kari's membership, now preset.
[ "$(status_of "$(say "$KARI" "meld avvik")")" = 200 ] || fail "meld avvik not acknowledged"
form=$(find_button "$KARI_CONV" draft.form_submit) || { cat "$T/serve.err" >&2; fail "no form card"; }
python3 - "$(input_ids "$form")" <<'PY' && ok "«meld avvik» opens a form card with kind, category, unit (preset), date, time, what happened, immediate action" || fail "form inputs: $(input_ids "$form")"
import json, sys
ids = json.loads(sys.argv[1])
want = {"kind": "Input.ChoiceSet", "category": "Input.ChoiceSet", "unit": "Input.ChoiceSet",
        "date": "Input.Date", "time": "Input.Time", "description": "Input.Text",
        "immediate_action": "Input.Text"}
assert {k: v["type"] for k, v in ids.items()} == want, ids
assert ids["unit"]["value"] == "solbakken" and ids["kind"]["value"] == "avvik", ids
assert len(ids["date"]["value"]) == 10 and len(ids["time"]["value"]) == 5, ids
PY
DATE=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["date"]["value"])' "$(input_ids "$form")")
TIME=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["time"]["value"])' "$(input_ids "$form")")

invoke() {  # invoke USER CONV BUTTON_JSON DATA_JSON: presses by Action.Execute, prints the answer
    local params
    params=$(python3 -c '
import json, sys
b = json.loads(sys.argv[3])
print(json.dumps({"user": json.loads(sys.argv[1]), "conversation_id": sys.argv[2], "trigger": "manual",
                  "verb": b["execute"].get("kv.verb", "draft.form_submit"), "data": json.loads(sys.argv[4]),
                  "reply_to_id": b["reply_to_id"]}))' "$1" "$2" "$3" "$4")
    drive "{\"bot_url\":\"$BOT\",\"template\":\"invoke_action\",\"params\":$params}"
}

# 2. Submitted without «what happened»: the invoke answers with the form again, the error shown
# and the typed values kept; nothing is stored.
typed="{\"kind\":\"nestenuhell\",\"category\":\"tjeneste\",\"unit\":\"solbakken\",\"date\":\"$DATE\",\"time\":\"$TIME\",\"description\":\"\",\"immediate_action\":\"Ringte lege\"}"
out=$(invoke "$KARI" "$KARI_CONV" "$form" "$(with_inputs "$form" execute "$typed")")
python3 - "$out" <<'PY' && ok "a form without «what happened» comes back with the error and the typed values" || fail "incomplete form: $out"
import json, sys
body = json.loads(json.loads(sys.argv[1])["attempts"][-1]["body"])
assert body["statusCode"] == 200 and body["type"] == "application/vnd.microsoft.card.adaptive", body
card = json.dumps(body["value"], ensure_ascii=False)
assert "Beskriv hva som skjedde." in card, card
inputs = {}
def walk(n):
    if isinstance(n, dict):
        if str(n.get("type", "")).startswith("Input."): inputs[n["id"].split(".", 1)[1]] = n.get("value")
        for v in n.values(): walk(v)
    elif isinstance(n, list):
        for v in n: walk(v)
walk(body["value"])
assert inputs["kind"] == "nestenuhell" and inputs["category"] == "tjeneste", inputs
assert inputs["immediate_action"] == "Ringte lege", inputs
PY
[ "$(sql "select count(*) from cases")" = 0 ] && ok "nothing is stored from an incomplete form" || fail "an incomplete form stored a case"

# 3. Complete, by Action.Execute: the invoke answers with the receipt card (case id, status),
# which takes the form's place and is kept to be updated in place later.
typed="{\"kind\":\"nestenuhell\",\"category\":\"tjeneste\",\"unit\":\"hjemme\",\"date\":\"$DATE\",\"time\":\"00:00\",\"description\":\"Feil medisin lagt fram til bruker 15076500565, oppdaget før utdeling\",\"immediate_action\":\"\"}"
out=$(invoke "$KARI" "$KARI_CONV" "$form" "$(with_inputs "$form" execute "$typed")")
python3 - "$out" "AV-$YEAR-0001" <<'PY' && ok "one press on the form files the case: the invoke answers with the receipt card (case id, status)" || fail "form filing: $out"
import json, sys
body = json.loads(json.loads(sys.argv[1])["attempts"][-1]["body"])
assert body["type"] == "application/vnd.microsoft.card.adaptive", body
card = json.dumps(body["value"], ensure_ascii=False)
assert sys.argv[2] in card and "Ny" in card, card
PY
row=$(sql "select kind || '|' || category || '|' || unit_id || '|' || occurred from cases")
[ "$row" = "nestenuhell|tjeneste|hjemme|$DATE 00:00" ] && ok "the case has the form's kind, category, chosen unit and time" || fail "stored: $row"
[ "$(sql "select count(*) from cases where description like '%15076500565%'")" = 0 ] \
    && ok "the identity number typed in the form is redacted before storing" || fail "identity number stored"
[ "$(sql "select activity_id from teams_sent_cards where recipient_email = 'kari.nordmann@kommune.example' and subject_key = 'AV-$YEAR-0001'")" = "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["reply_to_id"])' "$form")" ] \
    && ok "the receipt is recorded as the card in the form's place, to be updated in place" || fail "receipt not recorded: $(sql "select * from teams_sent_cards")"

# 4. By the Action.Submit fallback (a message activity with value): filed the same way; the
# receipt comes as a message.
say "$KARI" "meld avvik" > /dev/null
sleep 0.3
form2=$(find_button "$KARI_CONV" draft.form_submit) || fail "no second form"
[ "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["reply_to_id"])' "$form2")" != "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["reply_to_id"])' "$form")" ] || fail "the second form was not sent"
typed="{\"kind\":\"avvik\",\"category\":\"hms\",\"unit\":\"solbakken\",\"date\":\"$DATE\",\"time\":\"00:00\",\"description\":\"Våt gulv i korridoren, en ansatt skled\",\"immediate_action\":\"Satte opp skilt\"}"
value=$(with_inputs "$form2" submit "$typed")
params=$(python3 -c 'import json,sys; print(json.dumps({"user": json.loads(sys.argv[1]), "value": json.loads(sys.argv[2]), "reply_to_id": json.loads(sys.argv[3])["reply_to_id"]}))' "$KARI" "$value" "$form2")
out=$(drive "{\"bot_url\":\"$BOT\",\"template\":\"submit\",\"params\":$params}")
[ "$(status_of "$out")" = 200 ] || fail "submit: $out"
for _ in $(seq 1 100); do
    curl -sf "$CONTROL/control/connector/conversations" | grep -F "AV-$YEAR-0002" > /dev/null && break
    sleep 0.05
done
curl -sf "$CONTROL/control/connector/conversations" | python3 -c '
import json, sys
acts = json.load(sys.stdin)[sys.argv[1]]["activities"]
form = [a for a in acts if a["id"] == sys.argv[3]][0]
assert sys.argv[2] in json.dumps(form["activity"], ensure_ascii=False), form
assert "draft.form_submit" not in json.dumps(form["activity"]), form' "$KARI_CONV" "AV-$YEAR-0002" \
    "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["reply_to_id"])' "$form2")" \
    && ok "the Action.Submit fallback files the form too; the receipt replaces the form (PUT), so it cannot be sent twice" \
    || { curl -sf "$CONTROL/control/connector/conversations" | head -c 3000 >&2; cat "$T/serve.err" >&2; fail "the submitted form was not replaced by its receipt"; }
[ "$(sql "select category || '|' || immediate_action from cases where human_id = 'AV-$YEAR-0002'")" = "hms|Satte opp skilt" ] \
    && ok "the submitted form's values are stored" || fail "submitted values: $(sql "select * from cases")"

# A client that still shows that form (its replacement failed, or a second tap) presses it again:
# a new activity, the same card. Nothing more is filed, and Kari is told why.
cases_before=$(sql "select count(*) from cases")
out=$(drive "{\"bot_url\":\"$BOT\",\"template\":\"submit\",\"params\":$params}")
[ "$(status_of "$out")" = 200 ] || fail "second submit: $out"
for _ in $(seq 1 100); do
    curl -sf "$CONTROL/control/connector/conversations" | grep -F "allerede sendt inn" > /dev/null && break
    sleep 0.05
done
curl -sf "$CONTROL/control/connector/conversations" | grep -F "allerede sendt inn" > /dev/null \
    && [ "$(sql "select count(*) from cases")" = "$cases_before" ] \
    && ok "pressing a form that already filed its case again files nothing and says so" \
    || fail "a second press on the same form: $(sql "select count(*) from cases") cases (before $cases_before)"

# 5. A 429 with Retry-After: 2 on Kari's chat: the answer is sent again, not before 2 s.
seq_before=$(curl -sf "$CONTROL/control/connector/requests" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r[-1]["seq"] if r else 0)')
control /control/connector/fault '{"path":"personal-29%3Auser-1/activities$","method":"POST","count":1,"status":429,"retry_after":"2"}'
say "$KARI" "mine saker" > /dev/null
for _ in $(seq 1 100); do
    curl -sf "$CONTROL/control/connector/requests?since=$seq_before" | grep -F "Dine saker" | grep -F '"status":20' > /dev/null && break
    sleep 0.1
done
curl -sf "$CONTROL/control/connector/requests?since=$seq_before" | python3 -c '
import json, sys
rs = [r for r in json.load(sys.stdin) if r["method"] == "POST" and "personal-29%3Auser-1/activities" in r["path"]]
refused = [r for r in rs if r["status"] == 429]
sent = [r for r in rs if 200 <= r["status"] < 300 and "Dine saker" in (r.get("body") or "")]
assert refused and sent, [(r["status"], r["at_ms"]) for r in rs]
waited = sent[0]["at_ms"] - refused[0]["at_ms"]
assert waited >= 1900, waited
print(int(waited))' > "$T/waited" && ok "a 429 with Retry-After: 2 is waited out ($(cat "$T/waited") ms) and the answer still arrives" \
    || { tail -5 "$T/serve.err" >&2; fail "429 not honoured"; }

# 6. A connector outage on the leader's chat: every send there fails (503) for 15 calls, across
# several delivery rounds. The new case's card reaches the leader when the connector is back;
# nothing is failed or lost.
control /control/connector/fault '{"path":"personal-29%3Auser-2/activities$","method":"POST","count":15,"status":503}'
for text in "avvik: Beboer falt i gangen i kveld og fikk et blåmerke på armen." "ingen" "ja"; do
    say "$KARI" "$text" > /dev/null
    sleep 0.3
done
delivered() {
    curl -sf "$CONTROL/control/connector/requests" | python3 -c '
import json, sys
rs = [r for r in json.load(sys.stdin) if r["method"] == "POST" and "personal-29%3Auser-2/activities" in r["path"]
      and sys.argv[1] in (r.get("body") or "")]
ok = [r for r in rs if 200 <= r["status"] < 300]
failed = [r for r in rs if r["status"] == 503]
if ok: print(len(failed), ok[0]["at_ms"] - failed[0]["at_ms"] if failed else 0)' "AV-$YEAR-0003"
}
for _ in $(seq 1 600); do
    [ -n "$(delivered)" ] && break
    sleep 0.1
done
read -r refusals span <<<"$(delivered)"
[ -n "${refusals:-}" ] || { sql "select state, attempts, last_error from outbox" >&2; fail "the leader's card was lost in the outage"; }
[ "$refusals" -ge 15 ] && [ "$(sql "select max(attempts) from outbox where recipient_email = 'ola.leder@kommune.example' and body like '%AV-$YEAR-0003%'")" -ge 2 ] \
    && ok "through an outage of $refusals refused sends over $span ms (several delivery rounds), the leader's card arrives" \
    || fail "outage: $refusals refusals, attempts $(sql "select attempts from outbox where body like '%AV-$YEAR-0003%'")"
[ "$(sql "select count(*) from outbox where state = 'failed'")" = 0 ] && ok "nothing in the outbox failed" \
    || fail "failed rows: $(sql "select recipient_email, last_error from outbox where state = 'failed'")"

# 7. A proactive reminder to someone without a stored 1:1 conversation: the cases are left
# unreceived, so at a later working day `remind` enqueues the escalation to Hanne, the leader of
# the unit above. Its delivery time is then moved to now (standing in for the days passing); the
# running daemon creates Hanne's 1:1 conversation and delivers the reminder there.
[ "$(sql "select count(*) from teams_references where person_email = 'hanne.helsesjef@kommune.example' and conversation_type = 'personal'")" = 0 ] \
    || fail "Hanne already has a 1:1 conversation"
LATER=$(python3 -c 'import datetime as d; print((d.datetime.now(d.timezone.utc) + d.timedelta(days=14)).strftime("%Y-%m-%dT12:00:00Z"))')
out=$("$KV" --config "$CFG" remind --at "$LATER" 2>&1) || fail "remind: $out"
grep -F '"kind":"deviation_followup"' <<<"$out" | grep -F 'hanne.helsesjef@kommune.example' > /dev/null \
    || fail "no escalation to Hanne at $LATER: $out"
sql "update outbox set not_before = strftime('%s', 'now') where state = 'pending' and dedupe_key like 'deviation_followup:%'"
hanne_conv() {
    curl -sf "$CONTROL/control/connector/conversations" | python3 -c '
import json, sys
for cid, c in json.load(sys.stdin).items():
    if c.get("members") == ["29:user-4"] and any("AV-" in json.dumps(a["activity"], ensure_ascii=False) for a in c["activities"]):
        print(cid)
        break'
}
for _ in $(seq 1 300); do
    [ -n "$(hanne_conv)" ] && break
    sleep 0.1
done
[ -n "$(hanne_conv)" ] \
    && ok "the reminder to a person with no stored 1:1 conversation creates one and is delivered there" \
    || { sql "select recipient_email, state, attempts, last_error from outbox where dedupe_key like 'deviation_followup:%'" >&2; fail "no reminder reached Hanne"; }
[ "$(sql "select count(*) from outbox where recipient_email = 'hanne.helsesjef@kommune.example' and state <> 'delivered'")" = 0 ] \
    && ok "the escalation rows are delivered" || fail "rows: $(sql "select state, last_error from outbox where recipient_email = 'hanne.helsesjef@kommune.example'")"
[ "$(sql "select count(*) from teams_references where person_email = 'hanne.helsesjef@kommune.example' and conversation_type = 'personal'")" = 1 ] \
    && ok "the created 1:1 conversation is stored for the next message" || fail "no personal reference stored for Hanne"

finish
