#!/usr/bin/env bash
# Benchmark (not a test): reminder emails to the loopback SMTP sink (STARTTLS + AUTH), sent by
# Kvalitetsvakt's SMTP client (GMime compose + libcurl, one connection per round), by the
# daemon's whole send path (outbox rows in a fresh store, the delivery worker and the email
# sender: compose, thread and links recorded, sent, marked delivered), and the same messages by
# Python's smtplib (one connection per round). The machine is shared, so the total is split into
# rounds that alternate which client goes first. Prints messages/s and the ratios. The goal
# compares one connection with smtplib's one connection; with EMAIL_BENCH_CONNECTIONS=N (N > 1)
# the daemon path is also run spread over N connections (email.smtp_connections) and printed
# apart.
#   [EMAIL_BENCH_CONNECTIONS=N] tests/bench/email_send_bench.sh BUILD_DIR [COUNT] [ROUNDS]
set -euo pipefail
BUILD=$(realpath "${1:?usage: $0 BUILD_DIR [COUNT] [ROUNDS]}")
COUNT=${2:-10000}
ROUNDS=${3:-5}
PER_ROUND=$((COUNT / ROUNDS))
CONNECTIONS=${EMAIL_BENCH_CONNECTIONS:-1}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH="$BUILD/tests/kv_email_bench"
OUTBOX_BENCH="$BUILD/tests/kv_email_outbox_bench"
[ -x "$BENCH" ] || cmake --build "$BUILD" --target kv_email_bench
[ -x "$OUTBOX_BENCH" ] || cmake --build "$BUILD" --target kv_email_outbox_bench
T=$(mktemp -d /tmp/kv-email-bench.XXXXXX)
chmod 755 "$T"
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$HERE/../servers/start-smtp-sink.sh" "$T/sink" "$PORT" starttls > "$T/sink.out" 2>&1 &
SINK=$!
trap 'kill -TERM $SINK 2>/dev/null; wait $SINK 2>/dev/null; rm -rf "$T"' EXIT
until grep -qs '^READY' "$T/sink.out"; do kill -0 $SINK || { cat "$T/sink.out"; exit 1; }; sleep 0.05; done
CERT="$T/sink/tls/cert.pem"

run_kv() {  # run_kv ROUND: sends, and leaves the messages in $T/messages-ROUND for smtplib
    "$BENCH" --url "smtp://localhost:$PORT/kv.eksempel.test" --ca "$CERT" --count "$PER_ROUND" \
        --dump "$T/messages-$1" > "$T/kv-$1.out"
}
run_outbox() {  # run_outbox ROUND [CONNECTIONS]: prints the seconds the daemon's send path took
    "$OUTBOX_BENCH" --url "smtp://localhost:$PORT/kv.eksempel.test" --ca "$CERT" \
        --count "$PER_ROUND" --dir "$T/outbox-$1" --connections "${2:-1}" > "$T/outbox-$1.out"
    grep -v '^KV_' "$T/outbox-$1.out" | sed "s/^/round $1: /" >&2
    sed -n 's/^KV_OUTBOX_SECONDS //p' "$T/outbox-$1.out"
    rm -rf "$T/outbox-$1"
}
run_py() {  # run_py ROUND: prints the seconds smtplib took to send the round's messages
    /usr/bin/python3 - "$PORT" "$CERT" "$T/messages-$1" <<'PY'
import os, smtplib, ssl, sys, time
port, cert, folder = int(sys.argv[1]), sys.argv[2], sys.argv[3]
messages = [open(os.path.join(folder, f), "rb").read() for f in sorted(os.listdir(folder))]
start = time.perf_counter()
with smtplib.SMTP("localhost", port, local_hostname="kv.eksempel.test") as s:
    s.starttls(context=ssl.create_default_context(cafile=cert))
    s.login("bot@example.test", "secret")
    for m in messages:
        s.sendmail("kvalitetsvakt@eksempel.kommune.no", ["kare.odegard@eksempel.kommune.no"], m)
print("%.6f" % (time.perf_counter() - start))
PY
}

KV_SEND=0; KV_COMPOSE=0; PY_SEND=0; KV_OUTBOX=0; KV_OUTBOX_N=0
for r in $(seq 1 "$ROUNDS"); do
    if [ $((r % 2)) = 1 ]; then
        run_kv "$r"; py=$(run_py "$r"); outbox=$(run_outbox "$r")
    else
        # smtplib first this round: its messages are made (and not timed) beforehand
        "$BENCH" --send no --count "$PER_ROUND" --dump "$T/messages-$r"
        py=$(run_py "$r"); outbox=$(run_outbox "$r"); run_kv "$r.k"
        cp "$T/kv-$r.k.out" "$T/kv-$r.out"
    fi
    if [ "$CONNECTIONS" -gt 1 ]; then
        outbox_n=$(run_outbox "$r.n" "$CONNECTIONS")
        KV_OUTBOX_N=$(/usr/bin/python3 -c "print($KV_OUTBOX_N + $outbox_n)")
    fi
    kv_send=$(sed -n 's/^KV_SEND_SECONDS //p' "$T/kv-$r.out")
    kv_compose=$(sed -n 's/^KV_COMPOSE_SECONDS //p' "$T/kv-$r.out")
    grep -v '^KV_' "$T/kv-$r.out" | sed "s/^/round $r: /"
    echo "round $r: smtplib: sent $PER_ROUND in $py s"
    KV_SEND=$(/usr/bin/python3 -c "print($KV_SEND + $kv_send)")
    KV_COMPOSE=$(/usr/bin/python3 -c "print($KV_COMPOSE + $kv_compose)")
    PY_SEND=$(/usr/bin/python3 -c "print($PY_SEND + $py)")
    KV_OUTBOX=$(/usr/bin/python3 -c "print($KV_OUTBOX + $outbox)")
done
TOTAL=$((PER_ROUND * ROUNDS))
RECEIVED=$(ls "$T/sink/mail" | grep -c '\.eml$')
RUNS=3
[ "$CONNECTIONS" -gt 1 ] && RUNS=4
echo "sink received $RECEIVED messages (expected $((RUNS * TOTAL)))"
/usr/bin/python3 -c "
n, kv, kvc, py, ob, obn, c = $TOTAL, $KV_SEND, $KV_COMPOSE, $PY_SEND, $KV_OUTBOX, $KV_OUTBOX_N, $CONNECTIONS
print('kvalitetsvakt send:           %6.0f messages/s (%d in %.2f s)' % (n / kv, n, kv))
print('kvalitetsvakt compose, then send: %6.0f messages/s (compose alone %.0f messages/s; one after the other, for reference)' % (n / (kv + kvc), n / kvc))
print('smtplib send:                 %6.0f messages/s (%d in %.2f s)' % (n / py, n, py))
print('ratio kvalitetsvakt/smtplib, send only:       %.2f  (goal >= 1.0)' % (py / kv))
print('kvalitetsvakt daemon send path:  %6.0f messages/s (%d in %.2f s: outbox to marked delivered, 1 connection)' % (n / ob, n, ob))
if c > 1:
    print('kvalitetsvakt daemon send path:  %6.0f messages/s over %d connections (not compared: smtplib uses 1)' % (n / obn, c))
print('ratio kvalitetsvakt/smtplib, compose then send: %.2f  (for reference: the daemon composes the next mail while one is on the wire)' % (py / (kv + kvc)))
print('ratio kvalitetsvakt/smtplib, daemon path:     %.2f' % (py / ob))
verdict = lambda r: 'met' if r >= 1.0 else 'NOT met'
print('verdict: daemon path (what a reminder takes) %s, send only %s (goal >= 1.0, one connection each)' % (verdict(py / ob), verdict(py / kv)))"
