# Shared helpers for the end-to-end scripts (sourced, not a test itself): a temporary home with its own configuration and
# database, assertions that say what was expected, and a valid test fødselsnummer.
set -euo pipefail

KV=$(realpath "${1:?usage: script.sh KVALITETSVAKT_BINARY SOURCE_DIR}")
SRC=$(realpath "${2:?usage: script.sh KVALITETSVAKT_BINARY SOURCE_DIR}")
T=$(mktemp -d /tmp/kv-e2e.XXXXXX)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
PASSED=0

# A configuration like the demo's, with its database in $T.
write_config() {  # write_config FILE DB [PORT]
    cat > "$1" <<TOML
[general]
organisation = "$SRC/config/organisation.toml"
log_level = "warn"

[store]
database = "$2"

[http]
listen = "127.0.0.1"
port = ${3:-0}
TOML
}

CFG="$T/kvalitetsvakt.toml"
DB="$T/var/kv.db"
write_config "$CFG" "$DB"

chat() {  # chat EMAIL < lines  (prints the conversation)
    "$KV" --config "$CFG" chat --as "$1"
}

ok() { PASSED=$((PASSED + 1)); echo "ok - $1"; }
fail() { echo "FAIL - $1" >&2; exit 1; }

expect_contains() {  # expect_contains TEXT NEEDLE DESCRIPTION
    if grep -qF -- "$2" <<<"$1"; then ok "$3"; else
        echo "--- output was:" >&2; echo "$1" >&2; fail "$3 (expected to see: $2)"; fi
}

expect_not_contains() {
    if grep -qF -- "$2" <<<"$1"; then
        echo "--- output was:" >&2; echo "$1" >&2; fail "$3 (did not expect: $2)"; else ok "$3"; fi
}

sql() { sqlite3 -batch -noheader "$DB" "$1"; }

# A fødselsnummer with both mod-11 check digits valid, for 15.07.1965.
valid_fnr() {
    local d=(1 5 0 7 6 5) i n k1 k2 s
    for ((i = 100; i < 1000; i++)); do
        n=("${d[@]}" ${i:0:1} ${i:1:1} ${i:2:1})
        s=$((3*n[0] + 7*n[1] + 6*n[2] + 1*n[3] + 8*n[4] + 9*n[5] + 4*n[6] + 5*n[7] + 2*n[8]))
        k1=$(( (11 - s % 11) % 11 )); [ $k1 -eq 10 ] && continue
        s=$((5*n[0] + 4*n[1] + 3*n[2] + 2*n[3] + 7*n[4] + 6*n[5] + 5*n[6] + 4*n[7] + 3*n[8] + 2*k1))
        k2=$(( (11 - s % 11) % 11 )); [ $k2 -eq 10 ] && continue
        echo "150765$i$k1$k2"; return
    done
}

finish() { echo "$PASSED passed, 0 failed"; }

# Starts `serve` on CONFIG in the background and waits until it prints its port: sets SERVE_PID and PORT.
start_serve() {  # start_serve CONFIG
    "$KV" --config "$1" serve > "$T/serve.out" 2> "$T/serve.err" &
    SERVE_PID=$!
    PORT=""
    for _ in $(seq 1 200); do
        PORT=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\).*|\1|p' "$T/serve.out" | head -1)
        [ -n "$PORT" ] && return 0
        kill -0 $SERVE_PID 2>/dev/null || { cat "$T/serve.err" >&2; fail "serve did not start"; }
        sleep 0.05
    done
    kill $SERVE_PID 2>/dev/null || true
    fail "serve did not print its port"
}

# The Teams channel emulator started in $EMU (tests/emulators/teams/start.sh): one value of its emulator.json, the
# [teams] section that points serve at it, and a signed activity sent through its driver.
emulator_conf() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$EMU/emulator.json" "$1"; }
teams_section() {
    cat <<TOML
[teams]
enabled = true
app_id = "$(emulator_conf app_id)"
app_password = "$(emulator_conf app_password)"
tenant_id = "$(emulator_conf tenant_id)"
openid_metadata_url = "$(emulator_conf openid_metadata_url)"
token_url = "$(emulator_conf token_url)"
allowed_service_urls = ["$(emulator_conf https_base)/"]
ca_bundle = "$(emulator_conf ca_file)"
TOML
}
drive() {  # drive JSON: sends through the emulator's driver, prints its answer
    curl -sf -X POST -H 'Content-Type: application/json' --data "$1" "$(emulator_conf control_base)/control/driver/send"
}
