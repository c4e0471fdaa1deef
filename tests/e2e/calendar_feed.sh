#!/usr/bin/env bash
# Calendar feeds against the running daemon, with curl: `kalender` in chat gives a person their
# feed URL; the feed is iCalendar with the wheel of their committees; a wrong token is a bare 404;
# `kalender ny` makes a new URL and the old one stops working. Then a wheel meeting reminder
# delivered by email through a real SMTP server carries the meeting as an invitation; and in
# Teams (the channel emulator), `kalender` answers with the link and a wheel reminder's card has
# a "Legg i kalender" button to its occurrence.
source "$(dirname "$0")/lib.bash"

PER=per.hansen@eksempel.kommune.no   # member of ku-helse, chair of ku-solbakken
cat >> "$CFG" <<TOML

[schedule]
annual_wheel = "$SRC/config/annual-wheel.toml"

[email]
link_secret_env = "KV_E2E_LINK_SECRET"
outbox_dir = "$T/outbox"
public_base_url = "http://calendar.example"
TOML
export KV_E2E_LINK_SECRET=e2e-link-secret-with-at-least-32-characters

start_serve "$CFG"
trap 'kill $SERVE_PID 2>/dev/null || true; rm -rf "$T"' EXIT

out=$(printf 'kalender\n' | chat $PER)
expect_contains "$out" "Abonner på denne adressen i Outlook" "kalender answers in Norwegian"
LINK=$(grep -o 'http://calendar.example/calendar/[A-Za-z0-9_-]*\.ics' <<<"$out" | head -1)
[ -n "$LINK" ] && ok "the answer holds a feed URL on the public base URL" || fail "no URL in: $out"
FEED="http://127.0.0.1:$PORT${LINK#http://calendar.example}"

code=$(curl -s -o "$T/feed.ics" -D "$T/headers.txt" -w '%{http_code}' "$FEED")
[ "$code" = 200 ] && ok "the feed answers 200" || fail "the feed gave $code"
grep -qi '^Content-Type: text/calendar; charset=utf-8' "$T/headers.txt" \
    && ok "served as text/calendar; charset=utf-8" || fail "content type: $(cat "$T/headers.txt")"
feed=$(cat "$T/feed.ics")
expect_contains "$feed" "BEGIN:VCALENDAR" "the body is an iCalendar object"
expect_contains "$feed" "UID:wheel-ku-helse-mote-" "it holds the meetings of a committee the person sits on"
expect_contains "$feed" "UID:wheel-ku-solbakken-mote-" "and of the other one"
expect_not_contains "$feed" "UID:wheel-ku-oppvekst-" "but not of a committee the person is not on"
expect_contains "$feed" "DTSTART;TZID=Europe/Oslo:" "times are Oslo times"
expect_contains "$feed" "TZID:Europe/Oslo" "with the time zone defined"
expect_contains "$feed" "SUMMARY:Møte i kvalitetsutvalget i Helse og omsorg" "summaries are Norwegian UTF-8"
events=$(grep -c '^BEGIN:VEVENT' "$T/feed.ics")
incomplete=$(tr -d '\r' < "$T/feed.ics" | awk '
    /^BEGIN:VEVENT/ { in_event = 1; u = d = s = 0 }
    in_event && /^UID:/ { u = 1 }
    in_event && /^DTSTART[;:]/ { d = 1 }
    in_event && /^SUMMARY:/ { s = 1 }
    /^END:VEVENT/ { in_event = 0; if (!(u && d && s)) n++ }
    END { print n + 0 }')
[ "$events" -gt 5 ] && [ "$incomplete" = 0 ] && ok "all $events events have UID, DTSTART and SUMMARY" \
    || fail "$incomplete of $events events lack UID, DTSTART or SUMMARY"
[ "$(grep -c $'\r$' "$T/feed.ics")" = "$(wc -l < "$T/feed.ics")" ] && ok "every line ends in CRLF" || fail "bare LF lines"
[ "$(LC_ALL=C awk '{ if (length($0) > 76) n++ } END { print n + 0 }' "$T/feed.ics")" = 0 ] \
    && ok "no line is longer than 75 octets" || fail "unfolded long lines"

again=$(curl -s "$FEED")
[ "$(grep '^UID:' <<<"$again")" = "$(grep '^UID:' "$T/feed.ics")" ] && ok "fetched again, the UIDs are the same" || fail "UIDs changed"

code=$(curl -s -o "$T/wrong.txt" -w '%{http_code}' "http://127.0.0.1:$PORT/calendar/1-AAAAAAAAAAAAAAAAAAAAAA.ics")
[ "$code" = 404 ] && ok "a wrong token is 404" || fail "a wrong token gave $code"
[ "$(cat "$T/wrong.txt")" = "Ikke funnet" ] && ok "and says nothing more" || fail "404 body: $(cat "$T/wrong.txt")"

out=$(printf 'kalender ny\n' | chat $PER)
expect_contains "$out" "den gamle virker ikke lenger" "kalender ny says the old link is off"
NEW=$(grep -o 'http://calendar.example/calendar/[A-Za-z0-9_-]*\.ics' <<<"$out" | head -1)
[ -n "$NEW" ] && [ "$NEW" != "$LINK" ] && ok "kalender ny gives a different URL" || fail "no new URL"
code=$(curl -s -o /dev/null -w '%{http_code}' "$FEED")
[ "$code" = 404 ] && ok "the old URL is 404 after rotation" || fail "the old URL gave $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT${NEW#http://calendar.example}")
[ "$code" = 200 ] && ok "the new URL serves the feed" || fail "the new URL gave $code"

audit=$(sql "select action || ' ' || actor_email || ' ' || via from audit where action like 'calendar.%' order by id")
[ "$audit" = "calendar.issue $PER console
calendar.rotate $PER console" ] && ok "issuing and rotating the feed are audited" || fail "audit: $audit"
if grep -qE 'calendar/[0-9]+-[A-Za-z0-9_-]{22}' "$T/serve.err"; then fail "a feed token was logged"; else ok "no token in the log"; fi
kill $SERVE_PID; wait $SERVE_PID 2>/dev/null || true

# ---- The invitation in a wheel reminder's mail ----
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SMTP_PORT=$(free_port)
sed '/^email = "per.hansen@eksempel.kommune.no"$/a channel = "email"' "$SRC/config/organisation.toml" > "$T/org.toml"
sed -i "s|^organisation = .*|organisation = \"$T/org.toml\"|" "$CFG"
cat >> "$CFG" <<TOML
smtp_url = "smtp://localhost:$SMTP_PORT/kv.eksempel.test"
smtp_ca_file = "$T/smtp/tls/cert.pem"
smtp_user = "bot@example.test"
smtp_password_env = "KV_E2E_SMTP_PASSWORD"
TOML
export KV_E2E_SMTP_PASSWORD=secret
SMTP_AUTH_REQUIRED=1 "$SRC/tests/servers/start-smtp-sink.sh" "$T/smtp" "$SMTP_PORT" starttls > "$T/smtp.out" 2>&1 &
SMTP_PID=$!
trap 'kill $SERVE_PID $SMTP_PID 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$T"' EXIT
for _ in $(seq 1 1200); do grep -qs "^READY" "$T/smtp.out" && break; sleep 0.05; done
grep -qs "^READY" "$T/smtp.out" || { cat "$T/smtp.out" >&2; fail "the SMTP sink did not start"; }

# Two days before the health committee's March meeting (already past, so it is delivered now).
"$KV" --config "$CFG" remind --at 2026-03-01T07:00:00+01:00 > "$T/remind.out"
expect_contains "$(cat "$T/remind.out")" '"dedupe_key":"wheel:ku-helse-mote:2026-03-03:T-2d:per.hansen@eksempel.kommune.no"' "the reminder is enqueued"
expect_contains "$(cat "$T/remind.out")" '"channel":"email"' "for the email channel"
"$KV" --config "$CFG" serve > "$T/serve.out" 2> "$T/serve.err" &
SERVE_PID=$!
found=""
for _ in $(seq 1 600); do
    found=$(grep -l "per.hansen@eksempel.kommune.no" "$T"/smtp/mail/*.eml 2>/dev/null | head -1 || true)
    [ -n "$found" ] && break; sleep 0.05
done
[ -n "$found" ] && ok "the reminder reached the SMTP server" || fail "no mail: $(cat "$T/serve.err")"
parts=$(python3 - "$found" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print("top:", m.get_content_type())
for part in m.walk():
    if part.is_multipart():
        continue
    ct = part.get_content_type()
    print("part:", ct, "method=" + str(part.get_param("method")), "file=" + str(part.get_filename()))
    if ct in ("text/calendar", "application/ics"):
        body = part.get_payload(decode=True).decode("utf-8")
        for line in body.splitlines():
            if line.split(":")[0].split(";")[0] in ("METHOD", "UID", "ORGANIZER", "ATTENDEE", "SUMMARY"):
                print("  " + ct + " " + line)
PY
)
expect_contains "$parts" "top: multipart/mixed" "the reminder mail is multipart/mixed"
expect_contains "$parts" "part: text/calendar method=REQUEST" "with a text/calendar; method=REQUEST part"
expect_contains "$parts" "part: application/ics method=None file=invitasjon.ics" "and the attachment invitasjon.ics"
expect_contains "$parts" "text/calendar UID:wheel-ku-helse-mote-20260303@kvalitetsvakt" "the invitation's UID is the occurrence's, as in the feed"
expect_contains "$parts" "application/ics UID:wheel-ku-helse-mote-20260303@kvalitetsvakt" "the attachment holds the same occurrence"
expect_contains "$parts" "mailto:astrid.lunde@eksempel.kommune.no" "the committee's facilitator organises"
expect_contains "$parts" "ATTENDEE;CN=Per Hansen;ROLE=REQ-PARTICIPANT" "the recipient attends"
expect_contains "$parts" "SUMMARY:Møte i kvalitetsutvalget i Helse og omsorg" "the summary is Norwegian"
kill $SERVE_PID; wait $SERVE_PID 2>/dev/null || true

# ---- Teams: `kalender` in the chat, and the card's "Legg i kalender" button ----
EMU="$T/emulator"
bash "$SRC/tests/emulators/teams/start.sh" "$EMU" > /dev/null
trap 'bash "$SRC/tests/emulators/teams/stop.sh" "$EMU" >/dev/null 2>&1 || true; kill $SERVE_PID $SMTP_PID 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$T"' EXIT
CONTROL=$(emulator_conf control_base)
sed '/^email = "per.hansen@eksempel.kommune.no"$/a channel = "teams"' "$SRC/config/organisation.toml" > "$T/org-teams.toml"
sed -i "s|^organisation = .*|organisation = \"$T/org-teams.toml\"|" "$CFG"
cat >> "$CFG" <<TOML

TOML
teams_section >> "$CFG"
curl -sf -X POST -H 'Content-Type: application/json' "$CONTROL/control/connector/users" --data \
    '{"id":"29:user-9","aadObjectId":"aad-user-9","name":"Per Hansen","email":"per.hansen@eksempel.kommune.no","userPrincipalName":"per.hansen@eksempel.kommune.no","installed":true}' > /dev/null \
    || fail "the emulator did not take Per into its roster"
PER_TEAMS='{"id":"29:user-9","name":"Per Hansen","aadObjectId":"aad-user-9"}'

start_serve "$CFG"
BOT="http://127.0.0.1:$PORT/api/messages"
sent() {  # every activity the bot POSTed or PUT to the connector, one JSON per line
    curl -sf "$CONTROL/control/connector/requests" | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    if r["method"] in ("POST", "PUT") and "/activities" in r["path"] and r.get("body"):
        print(json.dumps(json.loads(r["body"]), ensure_ascii=False))'
}
wait_sent() {  # wait_sent NEEDLE: until an activity the bot sent contains it (10 s)
    for _ in $(seq 1 200); do sent | grep -qF -- "$1" && return 0; sleep 0.05; done
    return 1
}
drive "{\"bot_url\":\"$BOT\",\"template\":\"installation_add\",\"params\":{\"user\":$PER_TEAMS}}" > /dev/null
wait_sent "Kvalitetsvakt" || { cat "$T/serve.err" >&2; fail "no welcome in Teams"; }
drive "{\"bot_url\":\"$BOT\",\"template\":\"message\",\"params\":{\"user\":$PER_TEAMS,\"text\":\"kalender\"}}" > /dev/null
wait_sent "http://calendar.example/calendar/" && ok "kalender in Teams answers with the feed link" \
    || { sent >&2; cat "$T/serve.err" >&2; fail "no calendar link in Teams"; }
TEAMS_LINK=$(sent | grep -o 'http://calendar.example/calendar/[A-Za-z0-9_-]*\.ics' | head -1)
[ "$TEAMS_LINK" = "$NEW" ] && ok "it is the same feed link as in the console chat" || fail "Teams gave $TEAMS_LINK, console $NEW"

# Teams delivers `kalender ny` twice (same activity id): one new link, answered once, and it works.
links_before=$(sent | grep -c 'calendar.example/calendar/')
again="{\"bot_url\":\"$BOT\",\"template\":\"message\",\"params\":{\"user\":$PER_TEAMS,\"text\":\"kalender ny\",\"id\":\"1888888888888\"}}"
drive "$again" > /dev/null; sleep 0.5; drive "$again" > /dev/null; sleep 1
[ "$(( $(sent | grep -c 'calendar.example/calendar/') - links_before ))" = 1 ] \
    && ok "a redelivered kalender ny is answered once" || { sent | tail -3 >&2; fail "kalender ny redelivery answered $(( $(sent | grep -c 'calendar.example/calendar/') - links_before )) times"; }
ROTATED=$(sent | grep -o 'http://calendar.example/calendar/[A-Za-z0-9_-]*\.ics' | tail -1)
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT${ROTATED#http://calendar.example}")
[ "$ROTATED" != "$TEAMS_LINK" ] && [ "$code" = 200 ] \
    && ok "the link it answered with is the one that works" || fail "after a redelivered kalender ny the answered link gave $code"

# The health committee meets on 1 September 2026: the morning-of reminder goes to Per in Teams.
"$KV" --config "$CFG" remind --at 2026-09-01T05:00:00Z > "$T/remind-teams.out"
expect_contains "$(cat "$T/remind-teams.out")" '"dedupe_key":"wheel:ku-helse-mote:2026-09-01:T-0:per.hansen@eksempel.kommune.no"' "the meeting reminder is enqueued for Teams"
wait_sent "Legg i kalender" && ok "the reminder card has a Legg i kalender button" \
    || { sent >&2; cat "$T/serve.err" >&2; fail "no Legg i kalender button"; }
BUTTON=$(sent | python3 -c '
import json, sys
for line in sys.stdin:
    a = json.loads(line)
    for att in a.get("attachments", []):
        for el in att.get("content", {}).get("body", []):
            for act in el.get("actions", []) if el.get("type") == "ActionSet" else []:
                if act.get("type") == "Action.OpenUrl" and act.get("title") == "Legg i kalender":
                    print(act["url"])')
case "$BUTTON" in
    http://calendar.example/calendar/event/*.ku-helse-mote.20260901.ics) ok "the button opens the occurrence's own .ics" ;;
    *) fail "button URL: $BUTTON" ;;
esac
code=$(curl -s -o "$T/event.ics" -w '%{http_code}' "http://127.0.0.1:$PORT${BUTTON#http://calendar.example}")
[ "$code" = 200 ] && ok "the button's .ics is served" || fail "the button's .ics gave $code"
[ "$(grep -c '^BEGIN:VEVENT' "$T/event.ics")" = 1 ] && grep -q '^UID:wheel-ku-helse-mote-20260901@kvalitetsvakt' "$T/event.ics" \
    && ok "holding exactly that meeting" || fail "event: $(cat "$T/event.ics")"
finish
