#!/usr/bin/env bash
# Email end to end through the running daemon: a leader whose channel is email gets the new case
# from a real SMTP server on loopback (STARTTLS + AUTH) as Norwegian mail, receives it with the
# mail's own link; while the server is down a mail waits, and arrives when it is back.
source "$(dirname "$0")/lib.bash"

KARI=kari.nordmann@eksempel.kommune.no       # staff, Solbakken sykehjem
PER=per.hansen@eksempel.kommune.no           # leader, Solbakken sykehjem: reads email
YEAR=$(TZ=Europe/Oslo date +%Y)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SMTP_PORT=$(free_port)
HTTP_PORT=$(free_port)

sed '/^email = "per.hansen@eksempel.kommune.no"$/a channel = "email"' "$SRC/config/organisation.toml" > "$T/org.toml"
write_config "$CFG" "$DB" "$HTTP_PORT"
sed -i "s|^organisation = .*|organisation = \"$T/org.toml\"|" "$CFG"
cat >> "$CFG" <<TOML

[delivery]
retry_base_seconds = 1
retry_max_seconds = 2

[email]
smtp_url = "smtp://localhost:$SMTP_PORT/kv.eksempel.test"
smtp_ca_file = "$T/smtp/tls/cert.pem"
smtp_user = "bot@example.test"
smtp_password_env = "KV_E2E_SMTP_PASSWORD"
link_secret_env = "KV_E2E_LINK_SECRET"
public_base_url = "http://127.0.0.1:$HTTP_PORT"
TOML
export KV_E2E_SMTP_PASSWORD=secret KV_E2E_LINK_SECRET=e2e-link-secret-with-at-least-32-characters

start_smtp() {
    SMTP_AUTH_REQUIRED=1 "$SRC/tests/servers/start-smtp-sink.sh" "$T/smtp" "$SMTP_PORT" starttls > "$T/smtp.out" 2>&1 &
    SMTP_PID=$!
    for _ in $(seq 1 1200); do
        grep -qs "^READY" "$T/smtp.out" && return 0
        kill -0 "$SMTP_PID" 2>/dev/null || break
        sleep 0.05
    done
    cat "$T/smtp.out" >&2; fail "the SMTP sink did not start"
}
stop_smtp() { kill -TERM "$SMTP_PID"; wait "$SMTP_PID" || true; }
start_smtp
"$KV" --config "$CFG" serve > "$T/serve.out" 2> "$T/serve.err" &
SERVE_PID=$!
trap 'kill $SERVE_PID $SMTP_PID 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$T"' EXIT
for _ in $(seq 1 200); do grep -q "http://127.0.0.1:$HTTP_PORT" "$T/serve.out" && break; sleep 0.05; done

wait_mail() {  # wait_mail N: until the sink holds N messages (30 s at most)
    for _ in $(seq 1 600); do
        [ "$(ls "$T/smtp/mail" 2>/dev/null | grep -c '\.eml$')" -ge "$1" ] && return 0; sleep 0.05
    done
    return 1
}
# Prints what a mail client shows: decoded subject, From, Reply-To, Auto-Submitted, the plain part.
show_mail() {
    python3 - "$1" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print("Subject:", m["Subject"]); print("To:", m["To"]); print("Reply-To:", m["Reply-To"])
print("Auto-Submitted:", m["Auto-Submitted"])
print(m.get_body(preferencelist=("plain",)).get_content())
PY
}

printf 'avvik: Beboer skled på badet i går kl 08:00, særlig glatt gulv ved døra\ningen\n1\n' | chat $KARI > /dev/null
wait_mail 1 || fail "no mail reached the SMTP server: $(cat "$T/serve.err")"
mail=$(show_mail "$(ls "$T"/smtp/mail/*.eml | head -1)")
expect_contains "$mail" "Subject: Ny sak AV-$YEAR-0001" "the leader's mail has the case id in the subject"
expect_contains "$mail" "To: Per Hansen <$PER>" "it is addressed to the leader by name"
expect_contains "$mail" "Auto-Submitted: auto-generated" "it is marked as automatic"
expect_contains "$mail" "Reply-To: Kvalitetsvakt <kvalitetsvakt+" "replies go to a plus address"
expect_contains "$mail" "særlig glatt gulv ved døra" "the body decodes to the Norwegian text"
expect_contains "$mail" "MOTTATT" "the footer says which word to reply"

LINK=$(sed -n 's|^  Motta: \(http://[^ ]*\)$|\1|p' <<<"$mail")
[ -n "$LINK" ] && ok "the mail has a link to receive the case" || fail "no Motta link in: $mail"
curl -s -o "$T/page.html" "$LINK"
CONFIRM=$(sed -n 's|.*name="confirm" value="\([^"]*\)".*|\1|p' "$T/page.html")
code=$(curl -s -o "$T/page.html" -w '%{http_code}' -X POST --data "confirm=$CONFIRM" "$LINK")
[ "$code" = 200 ] && ok "the mail's own link receives the case" || fail "POST gave $code"
[ "$(sql "select state from cases where human_id = 'AV-$YEAR-0001'")" = mottatt ] \
    && ok "the case is received" || fail "not received"

stop_smtp
printf 'avvik: Det lekker vann fra taket på vaskerommet i går kl 07:00\n1\ningen\n1\n' | chat $KARI > /dev/null
[ "$(sql "select count(*) from cases where human_id = 'AV-$YEAR-0002'")" = 1 ] && ok "a second case is filed while the mail server is down" || fail "second filing"
waiting="select count(*) from outbox where recipient_email = '$PER' and channel = 'email' and state = 'pending' and attempts >= 1 and body like '%AV-$YEAR-0002%'"
for _ in $(seq 1 100); do [ "$(sql "$waiting")" = 1 ] && break; sleep 0.1; done
[ "$(sql "$waiting")" = 1 ] && ok "while the mail server is down the mail waits in the outbox, tried and kept" \
    || fail "outbox: $(sql "select recipient_email, channel, state, attempts, last_error from outbox")"
start_smtp
arrived=""
for _ in $(seq 1 300); do
    arrived=$(for f in "$T"/smtp/mail/*.eml; do show_mail "$f"; done | grep -F "Det lekker vann fra taket" || true)
    [ -n "$arrived" ] && break
    sleep 0.1
done
[ -n "$arrived" ] && ok "when the server is back the mail that waited arrives" || fail "the waiting mail was not sent"
# The row is marked delivered just after the server accepted the mail: give the mark its moment.
left_behind="select count(*) from outbox where channel = 'email' and state != 'delivered'"
for _ in $(seq 1 100); do [ "$(sql "$left_behind")" = 0 ] && break; sleep 0.1; done
[ "$(sql "$left_behind")" = 0 ] \
    && ok "no email is left behind in the outbox" || fail "left: $(sql "select recipient_email, state, attempts from outbox where channel = 'email'")"

# A bounce for the leader's address: later notifications are not mailed but handed to the
# console channel (no Teams here), where `chat` shows them, with an audit record.
sed 's/tidligere\.ansatt@/per.hansen@/g' "$SRC/tests/fixtures/email/bounce-dsn.eml" > "$T/bounce.eml"
out=$("$KV" --config "$CFG" mail ingest < "$T/bounce.eml")
expect_contains "$out" "\"outcome\":\"ignored_bounce\"" "mail ingest reads the DSN as a bounce"
expect_contains "$out" "address marked failing: $PER (5.1.1)" "and marks the leader's address as failing"
mails_before=$(ls "$T"/smtp/mail/*.eml | wc -l)
printf 'avvik: Brannalarmen gikk uten grunn på avdeling B i går kl 06:00\n1\ningen\n1\n' | chat $KARI > /dev/null
rerouted="select count(*) from outbox where recipient_email = '$PER' and channel = 'console' and state = 'pending' and body like '%AV-$YEAR-0003%'"
for _ in $(seq 1 100); do [ "$(sql "$rerouted")" = 1 ] && break; sleep 0.1; done
[ "$(sql "$rerouted")" = 1 ] && ok "the notification to the bounced address is handed to the console channel" \
    || fail "outbox: $(sql "select recipient_email, channel, state, last_error from outbox where body like '%AV-$YEAR-0003%'")"
[ "$(ls "$T"/smtp/mail/*.eml | wc -l)" = "$mails_before" ] && ok "and is not sent by email" || fail "a mail went to the bounced address"
[ "$(sql "select detail from audit where action = 'delivery.fallback' and target = '$PER'")" = "the address bounced (5.1.1)" ] \
    && ok "the hand-over is audited with the reason" || fail "audit: $(sql "select * from audit where action = 'delivery.fallback'")"
out=$(chat $PER < /dev/null)
expect_contains "$out" "AV-$YEAR-0003" "the leader sees the notification in chat"

kill -TERM $SERVE_PID; wait $SERVE_PID || fail "serve did not stop cleanly"
finish
