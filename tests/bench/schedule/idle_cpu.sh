#!/usr/bin/env bash
# Idle CPU of the running daemon: fills a store with 100,000 open items around the current time
# (kv_schedule_bench --fill), starts `kvalitetsvakt serve` on it, lets the start-up round of
# reminders finish, then reads the process's utime + stime from /proc/<pid>/stat over 60 s and
# prints the share of one core, with the verdict against the goal (under 0.1 %).
#
# Usage: idle_cpu.sh BUILD_DIR [items (100000)] [seconds (60)]
set -euo pipefail

BUILD=$(realpath "${1:?usage: idle_cpu.sh BUILD_DIR [items] [seconds]}")
ITEMS=${2:-100000}
SECONDS_IDLE=${3:-60}
SRC=$(realpath "$(dirname "$0")/../../..")
KV="$BUILD/kvalitetsvakt"
BENCH="$BUILD/tests/kv_schedule_bench"
GOAL_PERCENT=0.1
[ -x "$KV" ] && [ -x "$BENCH" ] || { echo "build kvalitetsvakt and kv_schedule_bench in $BUILD first" >&2; exit 2; }

T=$(mktemp -d /tmp/kv-idle.XXXXXX)
SERVE_PID=""
cleanup() {
    if [ -n "$SERVE_PID" ]; then kill "$SERVE_PID" 2>/dev/null || true; wait "$SERVE_PID" 2>/dev/null || true; fi
    rm -rf "$T"
}
trap cleanup EXIT

cat > "$T/kvalitetsvakt.toml" <<TOML
[general]
organisation = "$SRC/config/organisation.toml"
log_level = "warn"

[store]
database = "$T/kv.db"

[http]
listen = "127.0.0.1"
port = 0

[schedule]
annual_wheel = "$SRC/config/annual-wheel.toml"
TOML

"$BENCH" --fill "$T/kv.db" "$ITEMS"

"$KV" --config "$T/kvalitetsvakt.toml" serve > "$T/serve.out" 2> "$T/serve.err" &
SERVE_PID=$!

ticks() {  # utime + stime of the daemon, in clock ticks (fields 14 and 15 after the command)
    sed 's/^.*) //' "/proc/$SERVE_PID/stat" | awk '{ print $12 + $13 }'
}

# Start-up (opening the store, the first scheduler round, enqueueing what is due) is not idle:
# wait until the process has used no CPU for two seconds in a row.
for _ in $(seq 1 600); do
    kill -0 "$SERVE_PID" 2>/dev/null || { cat "$T/serve.err" >&2; echo "serve stopped" >&2; exit 1; }
    before=$(ticks); sleep 2; after=$(ticks)
    [ "$before" = "$after" ] && break
done
startup_ticks=$(ticks)

start=$(ticks)
sleep "$SECONDS_IDLE"
kill -0 "$SERVE_PID" 2>/dev/null || { cat "$T/serve.err" >&2; echo "serve stopped" >&2; exit 1; }
end=$(ticks)

hz=$(getconf CLK_TCK)
pending=$(sqlite3 -batch -noheader "$T/kv.db" "SELECT count(*) FROM outbox WHERE state = 'pending'" 2>/dev/null || echo "?")
held=$(sqlite3 -batch -noheader -separator ' ' "$T/kv.db" "SELECT group_concat(channel || ': ' || n, ', ') FROM (SELECT channel, count(*) AS n FROM outbox WHERE state = 'pending' AND not_before <= strftime('%s', 'now') GROUP BY channel)" 2>/dev/null || echo "?")
awk -v used=$((end - start)) -v hz="$hz" -v secs="$SECONDS_IDLE" -v goal="$GOAL_PERCENT" \
    -v startup="$startup_ticks" -v items="$ITEMS" -v pending="$pending" -v held="$held" 'BEGIN {
    pct = 100 * used / hz / secs
    printf "daemon with %d open items: start-up used %.2f s of CPU; %d reminders wait in the outbox (already due, by channel: %s)\n", items, startup / hz, pending, (held == "" ? "none" : held)
    printf "idle over %d s: %d ticks (%.2f s) = %.4f %% of one core (goal < %s %%): %s\n", secs, used, used / hz, pct, goal, (pct < goal ? "met" : "NOT MET")
}'
