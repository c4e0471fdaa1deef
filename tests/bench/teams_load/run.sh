#!/usr/bin/env bash
# Teams load benchmark, run by hand (not a timed test): the real `kvalitetsvakt serve` and a
# minimal Bot Framework SDK echo bot (npm botbuilder, pinned), both with authentication on against
# the same channel emulator, loaded on loopback with validly signed message activities, and card
# button presses (invokes) on Kvalitetsvakt, measured first while it is quiet. Prints the invoke
# round trip, then requests/s, p50/p99, p99 at 1,000 requests/s, peak RSS, and the ratios.
# Usage: bash tests/bench/teams_load/run.sh <build-dir> [seconds per phase, default 10]
#        [people writing, each in their own 1:1 chat, default 400]
# Use an optimised build (make's build-bench, or build/ with RelWithDebInfo).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../../.." && pwd)
build=$(cd "${1:?usage: run.sh <build-dir> [seconds]}" && pwd)
seconds=${2:-10}
people=${3:-400}
kv="$build/kvalitetsvakt"
[ -x "$kv" ] || { echo "run.sh: $kv not found; build the kvalitetsvakt target first" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "run.sh: sqlite3 is needed (scripts/install-deps.sh)" >&2; exit 1; }

work="$build/teams-load"
mkdir -p "$work"
(
    flock 9
    if ! cmp -s "$here/package-lock.json" "$work/package-lock.json" || [ ! -d "$work/node_modules" ]; then
        cp "$here/package.json" "$here/package-lock.json" "$work/"
        (cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
    fi
) 9>"$work/.install.lock"

run="$work/run"
rm -rf "$run"
mkdir -p "$run"
emulator="$run/emulator"
serve_pid=""
echo_pid=""
stop() {  # stop PID: SIGTERM, then SIGKILL after 3 s (a loaded daemon may be far behind)
    [ -n "$1" ] || return 0
    kill "$1" 2>/dev/null || return 0
    for _ in $(seq 1 30); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -9 "$1" 2>/dev/null || true
}
cleanup() {
    stop "$serve_pid"
    stop "$echo_pid"
    bash "$src/tests/emulators/teams/stop.sh" "$emulator" >/dev/null 2>&1 || true
}
trap cleanup EXIT

bash "$src/tests/emulators/teams/start.sh" "$emulator" >/dev/null
conf() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$emulator/emulator.json" "$1"; }
control="$(conf control_base)"
# The connector's rate limits would answer 429 to the bots' replies long before the load matters.
curl -sf -X POST -H 'Content-Type: application/json' --data '{"rate_limits":false}' \
    "$control/control/connector/settings" >/dev/null

cat > "$run/organisation.toml" <<'TOML'
name = "Lastkommune"

[[unit]]
id = "solbakken"
name = "Solbakken sykehjem"
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
TOML
for i in $(seq 0 $((people - 1))); do
    printf '\n[[person]]\nemail = "bruker%d@kommune.example"\nname = "Bruker %d"\nunit = "solbakken"\nchannel = "teams"\n' "$i" "$i"
done >> "$run/organisation.toml"
cat > "$run/kvalitetsvakt.toml" <<TOML
[general]
organisation = "$run/organisation.toml"
log_level = "warn"

[store]
database = "$run/kv.db"

[http]
listen = "127.0.0.1"
port = 0

[teams]
enabled = true
app_id = "$(conf app_id)"
app_password = "$(conf app_password)"
tenant_id = "$(conf tenant_id)"
openid_metadata_url = "$(conf openid_metadata_url)"
token_url = "$(conf token_url)"
allowed_service_urls = ["$(conf https_base)/"]
ca_bundle = "$(conf ca_file)"
TOML

"$kv" --config "$run/kvalitetsvakt.toml" serve >"$run/serve.out" 2>"$run/serve.err" &
serve_pid=$!
NODE_PATH="$work/node_modules" NODE_EXTRA_CA_CERTS="$(conf ca_file)" \
    node "$here/echo_bot.js" "$emulator/emulator.json" >"$run/echo.out" 2>"$run/echo.err" &
echo_pid=$!
port_of() {  # port_of FILE PATTERN PID: waits until the process prints its port
    for _ in $(seq 1 300); do
        local p
        p=$(sed -n "$2" "$1" 2>/dev/null | head -1)
        [ -n "$p" ] && { echo "$p"; return 0; }
        kill -0 "$3" 2>/dev/null || break
        sleep 0.05
    done
    echo "run.sh: no port in $1" >&2
    return 1
}
kv_port=$(port_of "$run/serve.out" 's|.*http://127.0.0.1:\([0-9]*\).*|\1|p' "$serve_pid") \
    || { cat "$run/serve.err" >&2; exit 1; }
echo_port=$(port_of "$run/echo.out" 's|^listening \([0-9]*\)$|\1|p' "$echo_pid") \
    || { cat "$run/echo.err" >&2; exit 1; }
kv_url="http://127.0.0.1:$kv_port/api/messages"
echo_url="http://127.0.0.1:$echo_port/api/messages"

# Kari installs the app and files a case, whose card buttons the invoke phase presses.
kari='{"id":"29:user-1","name":"Kari Nordmann","aadObjectId":"aad-user-1"}'
drive() { curl -sf -X POST -H 'Content-Type: application/json' --data "$1" "$control/control/driver/send" >/dev/null; }
drive "{\"bot_url\":\"$kv_url\",\"template\":\"installation_add\",\"params\":{\"user\":$kari}}"
for text in "avvik: Beboer falt på badet i natt" "Hjalp beboeren opp" "ja"; do
    drive "{\"bot_url\":\"$kv_url\",\"template\":\"message\",\"params\":{\"user\":$kari,\"text\":\"$text\"}}"
    sleep 0.3
done
case_id=""
for _ in $(seq 1 100); do
    case_id=$(sqlite3 "$run/kv.db" "select human_id from cases limit 1" 2>/dev/null || true)
    [ -n "$case_id" ] && break
    sleep 0.05
done
[ -n "$case_id" ] || { cat "$run/serve.err" >&2; echo "run.sh: the case was not filed" >&2; exit 1; }

echo "Teams load on loopback, $seconds s per phase, $people people ($(nproc) CPUs, $(basename "$build") build)"
NODE_PATH="$work/node_modules" node "$here/load.js" "$emulator/emulator.json" "$seconds" "$people" \
    "kvalitetsvakt=$kv_url@$serve_pid" "botbuilder=$echo_url@$echo_pid" "invoke=$kv_url@$case_id"
echo "store: $(sqlite3 "$run/kv.db" "select count(*) from case_events where kind = 'info_added'") information events committed for $case_id"
