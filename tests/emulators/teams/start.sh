#!/usr/bin/env bash
# Starts the channel emulator in the background: start.sh <state-dir> [emulator options].
# Makes a fresh test CA and server certificate in <state-dir> (never commit them), waits until
# the emulator has written <state-dir>/emulator.json, and prints that file.
set -euo pipefail
dir=${1:?usage: start.sh <state-dir> [--app-id ID] [--app-password PW] [--tenant-id T] [--multi-tenant]}
shift
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
rm -f "$dir/emulator.json"

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Kvalitetsvakt test CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$dir/server.key" \
    -out "$dir/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
    >"$dir/server.ext"
openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 2 -extfile "$dir/server.ext" -out "$dir/server.pem" 2>/dev/null
chmod 600 "$dir/ca.key" "$dir/server.key"

nohup node "$here/emulator.js" --dir "$dir" "$@" >"$dir/emulator.log" 2>&1 &
echo $! >"$dir/emulator.pid"

for _ in $(seq 1 200); do
    if [ -s "$dir/emulator.json" ]; then
        cat "$dir/emulator.json"
        exit 0
    fi
    if ! kill -0 "$(cat "$dir/emulator.pid")" 2>/dev/null; then
        echo "emulator exited:" >&2
        cat "$dir/emulator.log" >&2
        exit 1
    fi
    sleep 0.1
done
echo "emulator did not start within 20 s" >&2
kill "$(cat "$dir/emulator.pid")" 2>/dev/null || true
exit 1
