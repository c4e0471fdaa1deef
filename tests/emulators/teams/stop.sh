#!/usr/bin/env bash
# Stops the emulator started by start.sh <state-dir>. Quiet when it is not running.
set -u
dir=${1:?usage: stop.sh <state-dir>}
pidfile="$dir/emulator.pid"
[ -f "$pidfile" ] || exit 0
pid=$(cat "$pidfile")
if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
fi
rm -f "$pidfile"
exit 0
