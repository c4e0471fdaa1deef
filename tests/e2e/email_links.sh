#!/usr/bin/env bash
# Action links from email against the running daemon, with curl: GET shows a Norwegian
# confirmation page and changes nothing (mail scanners fetch links); only the POST from that page
# acts, exactly once; a used, expired or tampered link is refused with a page that says so.
source "$(dirname "$0")/lib.bash"

KARI=kari.nordmann@eksempel.kommune.no       # staff, Solbakken sykehjem
PER=per.hansen@eksempel.kommune.no           # leader, Solbakken sykehjem
YEAR=$(TZ=Europe/Oslo date +%Y)
ID="AV-$YEAR-0001"
SECRET=e2e-link-secret-with-at-least-32-characters
cat >> "$CFG" <<TOML

[email]
link_secret_env = "KV_E2E_LINK_SECRET"
outbox_dir = "$T/outbox"
TOML
export KV_E2E_LINK_SECRET=$SECRET

printf 'avvik: Beboer skled på badet i går kl 08:00, særlig glatt gulv ved døra\ningen\n1\n' | chat $KARI > /dev/null
[ "$(sql "select state from cases where human_id = '$ID'")" = ny ] && ok "a case is filed" || fail "filing"

# A link as the email sender stores it: the grant under a nonce, and the token signing it.
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
make_link() {  # make_link NONCE VERB PERSON EXPIRES -> prints the token
    sql "insert into email_links (nonce, verb, target, data_json, person_email, expires_at, created_at)
         values ('$1', '$2', '$ID', '{\"case\":\"$ID\"}', '$3', $4, strftime('%s','now'))"
    local mac
    mac=$(printf 'v1\n%s\n%s\n%s\n%s\n%s\ncase=%s' "$1" "$4" "$2" "$ID" "$3" "$ID" \
        | openssl dgst -sha256 -hmac "$SECRET" -binary | b64url)
    echo "v1.$1.$4.$mac"
}
IN_14_DAYS=$(( $(date +%s) + 14 * 86400 ))
TOKEN=$(make_link aaaaaaaaaaaaaaaaaaaaaaaaaa case.receive $PER $IN_14_DAYS)
EXPIRED=$(make_link bbbbbbbbbbbbbbbbbbbbbbbbbb case.receive $PER $(( $(date +%s) - 60 )))
TAMPERED=${TOKEN%?}$( [ "${TOKEN: -1}" = A ] && echo B || echo A )

start_serve "$CFG"
trap 'kill $SERVE_PID 2>/dev/null || true; rm -rf "$T"' EXIT
URL="http://127.0.0.1:$PORT/a"

get() { curl -s -o "$T/page.html" -D "$T/headers.txt" -w '%{http_code}' "$URL/$1"; }
post() { curl -s -o "$T/page.html" -w '%{http_code}' -X POST --data "$2" "$URL/$1"; }

for i in 1 2; do
    code=$(get "$TOKEN")
    [ "$code" = 200 ] && ok "GET $i shows the confirmation page" || fail "GET $i gave $code"
done
page=$(cat "$T/page.html")
expect_contains "$page" "Motta – $ID" "the page says what will happen to which case"
expect_contains "$page" "Beboer skled på badet i går kl 08:00, særlig glatt gulv ved døra" "the page shows the case in Norwegian, æøå intact"
expect_contains "$page" "Ingenting skjer før du trykker på knappen" "the page says nothing happens before the button"
expect_contains "$page" '<form method="post">' "the page has one form that posts"
expect_contains "$(cat "$T/headers.txt")" "Cache-Control: no-store" "the page is not cached"
expect_contains "$(cat "$T/headers.txt")" "Referrer-Policy: no-referrer" "the link does not leak as a referrer"
[ "$(sql "select state from cases where human_id = '$ID'")" = ny ] && ok "GET changed nothing in the case" || fail "GET changed the case"
[ -z "$(sql "select used_at from email_links where nonce = 'aaaaaaaaaaaaaaaaaaaaaaaaaa'")" ] && ok "GET did not use the link" || fail "GET used the link"

code=$(post "$TOKEN" "")
[ "$code" = 403 ] && ok "a POST without the page's confirmation value is refused" || fail "bare POST gave $code"
[ "$(sql "select state from cases where human_id = '$ID'")" = ny ] && ok "the refused POST changed nothing" || fail "refused POST acted"

get "$TOKEN" > /dev/null
CONFIRM=$(sed -n 's|.*name="confirm" value="\([^"]*\)".*|\1|p' "$T/page.html")
code=$(post "$TOKEN" "confirm=$CONFIRM")
[ "$code" = 200 ] && ok "the POST from the page acts" || fail "POST gave $code: $(cat "$T/page.html")"
expect_contains "$(cat "$T/page.html")" "Registrert" "the result page confirms it"
[ "$(sql "select state from cases where human_id = '$ID'")" = mottatt ] && ok "the case is received" || fail "case not received"
[ "$(sql "select count(*) from case_events e join cases c on c.id = e.case_id where c.human_id = '$ID' and e.kind = 'received' and e.via = 'email' and e.actor_email = '$PER'")" = 1 ] \
    && ok "the history records the leader acting by email" || fail "history: $(sql "select * from case_events")"
[ -n "$(sql "select used_at from email_links where nonce = 'aaaaaaaaaaaaaaaaaaaaaaaaaa'")" ] && ok "the link is marked used" || fail "not marked used"

[ "$(sql "select count(*) from outbox where recipient_email = '$PER' and dedupe_key like 'email-link-receipt:aaaaaaaaaaaaaaaaaaaaaaaaaa:%' and body like '%lenke i e-post%'")" -ge 1 ] \
    && ok "the leader gets a receipt saying it was done with a link" || fail "no receipt: $(sql "select recipient_email, dedupe_key from outbox")"

code=$(post "$TOKEN" "confirm=$CONFIRM")
[ "$code" = 410 ] && ok "a second POST is refused" || fail "second POST gave $code"
expect_contains "$(cat "$T/page.html")" "allerede brukt" "the second POST is told the link was used"
code=$(get "$TOKEN")
[ "$code" = 410 ] && ok "a used link's page says it was used" || fail "GET used gave $code"
[ "$(sql "select count(*) from case_events e join cases c on c.id = e.case_id where c.human_id = '$ID' and e.kind = 'received'")" = 1 ] \
    && ok "the case was received exactly once" || fail "received more than once"

# An action that asks for something: the page has the field, and an empty answer acts on nothing.
CLOSE=$(make_link cccccccccccccccccccccccccc case.close $PER $IN_14_DAYS)
get "$CLOSE" > /dev/null
expect_contains "$(cat "$T/page.html")" 'name="input.conclusion"' "the close page asks for the conclusion"
CONFIRM=$(sed -n 's|.*name="confirm" value="\([^"]*\)".*|\1|p' "$T/page.html")
code=$(post "$CLOSE" "confirm=$CONFIRM&input.conclusion=+")
[ "$code" = 422 ] && ok "closing without a conclusion asks for it" || fail "empty conclusion gave $code"
[ -z "$(sql "select used_at from email_links where nonce = 'cccccccccccccccccccccccccc'")" ] \
    && ok "a form sent back for a missing field does not use the link" || fail "link used up"
code=$(post "$CLOSE" "confirm=$CONFIRM&input.conclusion=Str%C3%B8dd+og+satt+opp+skilt+ved+d%C3%B8ra")
[ "$code" = 200 ] && ok "closing with a conclusion acts" || fail "close gave $code: $(cat "$T/page.html")"
[ "$(sql "select state || ': ' || conclusion from cases where human_id = '$ID'")" = "lukket: Strødd og satt opp skilt ved døra" ] \
    && ok "the case is closed with the conclusion, æøå intact" || fail "close: $(sql "select state, conclusion from cases")"

code=$(get "$EXPIRED")
[ "$code" = 410 ] && ok "an expired link is refused" || fail "expired GET gave $code"
expect_contains "$(cat "$T/page.html")" "er utløpt" "the expired link says so"
code=$(post "$EXPIRED" "confirm=x")
[ "$code" = 410 ] && ok "an expired link cannot be posted either" || fail "expired POST gave $code"

code=$(get "$TAMPERED")
[ "$code" = 400 ] && ok "a tampered link is refused" || fail "tampered GET gave $code"
expect_contains "$(cat "$T/page.html")" "Ugyldig lenke" "the tampered link is called invalid"
code=$(post "$TAMPERED" "confirm=$CONFIRM")
[ "$code" = 400 ] && ok "a tampered link cannot be posted" || fail "tampered POST gave $code"
code=$(get "v1.nonsense")
[ "$code" = 400 ] && ok "a malformed token is refused" || fail "malformed gave $code"

kill -TERM $SERVE_PID; wait $SERVE_PID || fail "serve did not stop cleanly"
finish
