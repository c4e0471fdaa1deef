#!/usr/bin/env bash
# start-smtp-sink.sh DIR PORT [none|starttls|implicit]
#
# Real SMTP server for integration tests of the outbound email adapter (from the shared
# mail test environment, with recipient rejection added).
# Listens on 127.0.0.1:PORT only. Every accepted message lands in
#   DIR/mail/NNNNNN.eml   (raw bytes as received)  and  DIR/mail/NNNNNN.json (envelope)
# The .eml file is renamed into place last, so a test may poll for it.
#
# TLS modes (default starttls):
#   starttls  port-587 style: plain greeting, STARTTLS required before MAIL/AUTH
#   implicit  port-465 style: TLS from the first byte
#   none      plain text (AUTH still offered) - for debugging only
# AUTH: PLAIN and LOGIN with $SMTP_USER/$SMTP_PASS (default bot@example.test/secret),
#       XOAUTH2 with bearer token $SMTP_XOAUTH2_TOKEN (default test-access-token).
#       Set SMTP_AUTH_REQUIRED=1 to reject unauthenticated MAIL FROM.
# Recipients containing $SMTP_REJECT_RCPT get 550, containing $SMTP_TEMPFAIL_RCPT get 450.
# A self-signed certificate for CN=localhost / IP 127.0.0.1 is made with openssl
# in DIR/tls/ if none is there (clients must use -k / CURLOPT_SSL_VERIFYPEER=0
# or trust DIR/tls/cert.pem as CA: CURLOPT_CAINFO).
#
# Prints "READY smtp 127.0.0.1:PORT ..." once the port answers, then stays in the
# foreground; on SIGTERM/SIGINT/exit it stops the server it started (by PID).
# Also writes DIR/smtp.pid. Needs Debian's python3-aiosmtpd (installed below
# if missing) and runs it with /usr/bin/python3 on purpose.
set -euo pipefail
DIR=${1:?usage: $0 DIR PORT [none|starttls|implicit]}
PORT=${2:?usage: $0 DIR PORT [none|starttls|implicit]}
MODE=${3:-starttls}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3

if ! "$PY" -c 'import aiosmtpd' 2>/dev/null; then
  echo "start-smtp-sink: python3-aiosmtpd is missing; run scripts/install-deps.sh" >&2
  exit 2
fi

mkdir -p "$DIR/mail" "$DIR/tls"
DIR=$(cd "$DIR" && pwd)
if [[ ! -s $DIR/tls/cert.pem ]]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$DIR/tls/key.pem" -out "$DIR/tls/cert.pem" 2>/dev/null
fi

args=(--host 127.0.0.1 --port "$PORT" --maildir "$DIR/mail" --tls "$MODE"
      --cert "$DIR/tls/cert.pem" --key "$DIR/tls/key.pem"
      --user "${SMTP_USER:-bot@example.test}" --password "${SMTP_PASS:-secret}"
      --xoauth2-token "${SMTP_XOAUTH2_TOKEN:-test-access-token}")
[[ ${SMTP_AUTH_REQUIRED:-0} == 1 ]] && args+=(--auth-required)
[[ -n ${SMTP_REJECT_RCPT:-} ]] && args+=(--reject-rcpt "$SMTP_REJECT_RCPT")
[[ -n ${SMTP_TEMPFAIL_RCPT:-} ]] && args+=(--tempfail-rcpt "$SMTP_TEMPFAIL_RCPT")

# refuse to start if the port is taken (e.g. a previous instance still shutting
# down), or the readiness probe would see that one
if { exec 9<>"/dev/tcp/127.0.0.1/$PORT"; } 2>/dev/null; then
  exec 9<&- 9>&-; echo "127.0.0.1:$PORT is already in use" >&2; exit 1
fi
"$PY" -u "$HERE/smtp_sink.py" "${args[@]}" > "$DIR/smtp.log" 2>&1 &
PID=$!
echo "$PID" > "$DIR/smtp.pid"
cleanup() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -f "$DIR/smtp.pid"; }
trap cleanup EXIT
trap 'exit 0' TERM INT

for _ in $(seq 1 300); do            # up to 30 s (slow CI)
  grep -q '^READY' "$DIR/smtp.log" 2>/dev/null && break
  kill -0 "$PID" 2>/dev/null || { cat "$DIR/smtp.log" >&2; exit 1; }
  sleep 0.1
done
grep -q '^READY' "$DIR/smtp.log" || { echo "smtp sink did not start" >&2; cat "$DIR/smtp.log" >&2; exit 1; }
echo "READY smtp 127.0.0.1:$PORT tls=$MODE pid=$PID maildir=$DIR/mail cert=$DIR/tls/cert.pem"
wait "$PID"
