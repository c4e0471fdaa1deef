#!/usr/bin/env bash
# Renders the main cards (the leader's new case, its risk assessment opened, the approval before
# and after the decision, the reporter's receipt) with the Adaptive Cards renderer in headless
# Chromium, to <build-dir>/teams-cards/png/*.png. Exits 77 (skipped) only when Chromium is absent.
# Usage: render.sh <build-dir> <teams_card_catalogue binary>
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:?usage: render.sh <build-dir> <teams_card_catalogue>}
catalogue=${2:?usage: render.sh <build-dir> <teams_card_catalogue>}
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
    echo "SKIPPED: chromium is not installed (scripts/install-deps.sh installs it)"
    exit 77
fi
work="$build/teams-cards"
"$here/npm_install.sh" "$work/npm"
rm -rf "$work/render-json"
"$catalogue" "$work/render-json" >/dev/null
NODE_PATH="$work/npm/node_modules" node "$here/render.js" "$chromium" "$work/render-json" "$work/png" \
    new-case=filing-receipt-to-leder.sol-1.json \
    risk-assessment=filing-receipt-to-leder.sol-1.json:Risikovurder \
    approval=approval-request-to-leder.sol-1.json \
    approval-decided=approval-approved-reply.json \
    receipt=filing-receipt-reply.json
