#!/usr/bin/env bash
# Installs the Debian 12 packages Kvalitetsvakt needs to build, run and test.
# Idempotent: packages already present are left alone, so a second run is quick.
set -euo pipefail

packages=(
  # the build and the core: C++, Asio/Beast, JSON, SQLite, TOML, tests
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev nlohmann-json3-dev libsqlite3-dev sqlite3 libssl-dev
  libtomlplusplus-dev catch2 clang-format python3 curl openssl
  # the scheduler: iCalendar recurrence rules of the annual wheel
  libical-dev
  # email: MIME (GMime 3), SMTP (libcurl); tests: a real Dovecot IMAP, a loopback SMTP server
  libgmime-3.0-dev libcurl4-openssl-dev dovecot-imapd python3-aiosmtpd
)
# the Teams app package: zip (libzip), icons (zlib), and its test: unzip, JSON schema validation
packages+=(libzip-dev zlib1g-dev zip unzip python3-jsonschema)
# Node.js runs the Teams channel emulator and Microsoft's validator in the differential test.
# Node from NodeSource bundles npm (and conflicts with Debian's npm): only ask for npm if absent.
packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
# Headless Chromium renders the Teams cards to PNG in the card test (tests/teams/cards); with
# --no-install-recommends it brings no font, and a fresh machine has none.
packages+=(chromium fonts-dejavu-core)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
