#!/usr/bin/env bash
# Writes every card the bot sends (the catalogue program) and parses each with Microsoft's
# Adaptive Cards library targeting 1.5; fails on any warning or error.
# Usage: validate.sh <build-dir> <teams_card_catalogue binary>
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:?usage: validate.sh <build-dir> <teams_card_catalogue>}
catalogue=${2:?usage: validate.sh <build-dir> <teams_card_catalogue>}
work="$build/teams-cards"
"$here/npm_install.sh" "$work/npm"
rm -rf "$work/json"
"$catalogue" "$work/json"
NODE_PATH="$work/npm/node_modules" node "$here/validate.js" "$work/json"
