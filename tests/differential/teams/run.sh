#!/usr/bin/env bash
# Differential test of Bot Connector token validation: installs the pinned botframework-connector
# (npm ci from the committed lock file, into <work-dir>), starts the channel emulator, and
# compares Microsoft's verdicts with ours. Usage: run.sh <work-dir> <teams_auth_verdicts binary>
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=${1:?usage: run.sh <work-dir> <teams_auth_verdicts>}
tool=${2:?usage: run.sh <work-dir> <teams_auth_verdicts>}
mkdir -p "$work/differential-teams"
work=$(cd "$work/differential-teams" && pwd)

# Reinstall only when the lock file changed.
if ! cmp -s "$here/package-lock.json" "$work/package-lock.json" || [ ! -d "$work/node_modules" ]; then
    cp "$here/package.json" "$here/package-lock.json" "$work/"
    (cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
fi

emulator="$work/emulator"
trap '"$here/../../emulators/teams/stop.sh" "$emulator"' EXIT
"$here/../../emulators/teams/start.sh" "$emulator" >/dev/null

NODE_PATH="$work/node_modules" NODE_EXTRA_CA_CERTS="$emulator/ca.pem" \
    node "$here/differential.js" "$emulator/emulator.json" "$tool"
