#!/usr/bin/env bash
# Installs the pinned adaptivecards package (npm ci from the committed lock file) into
# <work-dir>/node_modules, only when the lock file changed. Usage: npm_install.sh <work-dir>
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=${1:?usage: npm_install.sh <work-dir>}
mkdir -p "$work"
# The validate and render tests may run at once (ctest -j); one installs, the other waits.
exec 9>"$work/.install.lock"
flock 9
if ! cmp -s "$here/package-lock.json" "$work/package-lock.json" || [ ! -d "$work/node_modules" ]; then
    cp "$here/package.json" "$here/package-lock.json" "$work/"
    (cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
fi
