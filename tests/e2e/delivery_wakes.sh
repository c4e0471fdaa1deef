#!/usr/bin/env bash
# The running daemon delivers what another process enqueues, at once: `chat` (its own process and
# connection) files a case, and the leader's mail reaches a real SMTP server on loopback well
# within two seconds, without anyone telling the daemon and without a periodic look at the outbox.
source "$(dirname "$0")/lib.bash"

KARI=kari.nordmann@eksempel.kommune.no  # staff, Solbakken sykehjem
PER=per.hansen@eksempel.kommune.no      # leader, Solbakken sykehjem: reads email
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SMTP_PORT=$(free_port)
now_ms() { date +%s%3N; }

sed '/^email = "per.hansen@eksempel.kommune.no"$/a channel = "email"' "$SRC/config/organisation.toml" > "$T/org.toml"
write_config "$CFG" "$DB"
sed -i "s|^organisation = .*|organisation = \"$T/org.toml\"|" "$CFG"
cat >> "$CFG" <<TOML

[email]
smtp_url = "smtp://localhost:$SMTP_PORT/kv.eksempel.test"
smtp_ca_file = "$T/smtp/tls/cert.pem"
smtp_user = "bot@example.test"
smtp_password_env = "KV_E2E_SMTP_PASSWORD"
link_secret_env = "KV_E2E_LINK_SECRET"
public_base_url = "http://127.0.0.1:8080"
TOML
export KV_E2E_SMTP_PASSWORD=secret KV_E2E_LINK_SECRET=e2e-link-secret-with-at-least-32-characters

"$SRC/tests/servers/start-smtp-sink.sh" "$T/smtp" "$SMTP_PORT" starttls > "$T/smtp.out" 2>&1 &
SMTP_PID=$!
trap 'kill $SERVE_PID $SMTP_PID 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$T"' EXIT
for _ in $(seq 1 1200); do
    grep -qs "^READY" "$T/smtp.out" && break
    kill -0 "$SMTP_PID" 2>/dev/null || break
    sleep 0.05
done
grep -qs "^READY" "$T/smtp.out" || { cat "$T/smtp.out" >&2; fail "the SMTP sink did not start"; }

start_serve "$CFG"
sleep 1  # let start-up finish, so that what follows is the daemon at rest

mails() { ls "$T/smtp/mail" 2>/dev/null | grep -c '\.eml$' || true; }
printf 'avvik: Beboer skled på badet i går kl 08:00\ningen\n1\n' | chat $KARI > /dev/null
filed=$(now_ms)
[ "$(sql "select count(*) from outbox where recipient_email = '$PER' and channel = 'email'")" = 1 ] \
    && ok "another process files a case and enqueues the leader's mail" || fail "no mail enqueued"
for _ in $(seq 1 200); do
    [ "$(mails)" -ge 1 ] && break
    sleep 0.02
done
took=$(( $(now_ms) - filed ))
[ "$(mails)" -ge 1 ] || fail "no mail reached the SMTP server: $(cat "$T/serve.err")"
[ "$took" -lt 2000 ] && ok "the daemon sends it ${took} ms after the commit (under 2 s)" \
    || fail "the mail took ${took} ms"
expect_not_contains "$(cat "$T/serve.err")" "cannot watch the store's files" \
    "the daemon watches the store's files rather than checking on a timer"

kill -TERM $SERVE_PID
set +e; wait $SERVE_PID; code=$?; set -e
[ $code = 0 ] && ok "the daemon stops cleanly" || fail "serve exit $code: $(cat "$T/serve.err")"
finish
