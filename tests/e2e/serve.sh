#!/usr/bin/env bash
# The daemon serves /healthz and /metrics, and stops gracefully (exit 0) on SIGTERM and SIGINT.
source "$(dirname "$0")/lib.bash"

start_serve() {
    "$KV" --config "$CFG" serve > "$T/serve.out" 2> "$T/serve.err" &
    SERVE_PID=$!
    for _ in $(seq 1 200); do
        PORT=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\).*|\1|p' "$T/serve.out" | head -1)
        [ -n "$PORT" ] && return 0
        kill -0 $SERVE_PID 2>/dev/null || break
        sleep 0.05
    done
    cat "$T/serve.err" >&2; fail "serve did not start"
}

start_serve
health=$(curl -sf "http://127.0.0.1:$PORT/healthz") || fail "GET /healthz failed"
python3 -c 'import json,sys; h=json.loads(sys.argv[1]); assert h["store"]=="ok" and h["status"]=="ok" and "pending" in h["outbox_depth"] and h["version"], h' "$health" \
    && ok "/healthz reports version, store ok and the outbox depth" || fail "healthz: $health"

printf 'avvik: Beboer fikk feil medisin i går kl 08:00\ningen\n1\n' | chat kari.nordmann@eksempel.kommune.no > /dev/null
metrics=$(curl -sf "http://127.0.0.1:$PORT/metrics") || fail "GET /metrics failed"
expect_contains "$metrics" "# TYPE kv_outbox_pending gauge" "/metrics is in the Prometheus text format"
expect_contains "$metrics" "kv_outbox_pending 2" "/metrics counts the two notifications waiting for the leader and deputy"
expect_contains "$metrics" 'kv_deliveries_total{channel="teams",result="delivered"}' "/metrics has deliveries by channel and result"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/healthz")
[ "$code" = 405 ] && ok "another method gets 405" || fail "POST /healthz gave $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/nowhere")
[ "$code" = 404 ] && ok "an unknown path gets 404" || fail "unknown path gave $code"

for sig in TERM INT; do
    kill -$sig $SERVE_PID
    set +e; wait $SERVE_PID; code=$?; set -e
    [ $code = 0 ] && ok "SIG$sig stops the daemon with exit 0" || fail "SIG$sig exit $code: $(cat "$T/serve.err")"
    [ $sig = TERM ] && start_serve
done
finish
