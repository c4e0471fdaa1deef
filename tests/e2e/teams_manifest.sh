#!/usr/bin/env bash
# The Teams app package: `kvalitetsvakt teams manifest --out FILE.zip` writes manifest.json,
# color.png and outline.png at the zip's root; the manifest validates against Microsoft's 1.17
# schema (vendored in tests/teams/manifest) with the configured app id as id and bot id, the
# three scopes, the Norwegian commands of the bot's command table; the icons have the right sizes.
source "$(dirname "$0")/lib.bash"
CHECK="$SRC/tests/teams/manifest/check_package.py"
APP_ID="0a1b2c3d-1111-4222-8333-444455556666"

# A long municipality name: the developer name is cut to the schema's 32 characters.
cat > "$T/organisation.toml" <<'TOML'
name = "Testkommune med et svært langt navn for kvalitetsarbeid"

[[unit]]
id = "solbakken"
name = "Solbakken sykehjem"
leader = "ola.leder@kommune.example"

[[person]]
email = "ola.leder@kommune.example"
name = "Ola Leder"
unit = "solbakken"
role = "leader"
TOML
teams_config() {  # teams_config EXTRA_TEAMS_LINES
    cat > "$CFG" <<TOML
[general]
organisation = "$T/organisation.toml"

[store]
database = "$DB"

[teams]
app_id = "$APP_ID"
$1
TOML
}

teams_config 'app_domain = "kvalitetsvakt.kommune.example"
package_version = "1.2.3"'
out=$("$KV" --config "$CFG" teams manifest --out "$T/kvalitetsvakt.zip") || fail "teams manifest failed: $out"
expect_contains "$out" "kvalitetsvakt.zip" "teams manifest says what it wrote"
[ "$(unzip -Z1 "$T/kvalitetsvakt.zip" | sort | tr '\n' ' ')" = "color.png manifest.json outline.png " ] \
    && ok "the package holds exactly manifest.json, color.png and outline.png at its root" \
    || fail "package files: $(unzip -Z1 "$T/kvalitetsvakt.zip")"
report=$(python3 "$CHECK" "$T/kvalitetsvakt.zip" "$APP_ID") \
    && ok "manifest.json validates against the Teams 1.17 schema; color.png 192x192, outline.png 32x32 white on transparent" \
    || fail "package check: $report"

manifest=$(unzip -p "$T/kvalitetsvakt.zip" manifest.json)
python3 - "$manifest" <<'PY' && ok "the manifest has the bot id, the version, the domain and the Norwegian commands" || fail "manifest: $manifest"
import json, sys
m = json.loads(sys.argv[1])
assert m["id"] == m["bots"][0]["botId"] == "0a1b2c3d-1111-4222-8333-444455556666"
assert m["version"] == "1.2.3"
assert m["validDomains"] == ["kvalitetsvakt.kommune.example"]
assert m["developer"]["name"] == "Testkommune med et svært langt n", m["developer"]
assert m["developer"]["privacyUrl"] == "https://kvalitetsvakt.kommune.example/personvern"
commands = m["bots"][0]["commandLists"][0]["commands"]
titles = [c["title"] for c in commands]
assert len(commands) == 10 and {"avvik", "meld avvik", "mine saker"} <= set(titles), titles
assert m["name"]["short"] == "Kvalitetsvakt" and "avvik" in m["description"]["short"]
PY

# The check can fail: a manifest broken in ways the schema forbids is caught.
python3 - "$T/kvalitetsvakt.zip" "$T/broken.zip" <<'PY'
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    files = {n: z.read(n) for n in z.namelist()}
m = json.loads(files["manifest.json"])
m["developer"]["name"] = "x" * 33
m["bots"][0]["scopes"] = ["groupchat"]
files["manifest.json"] = json.dumps(m).encode()
with zipfile.ZipFile(sys.argv[2], "w") as z:
    for n, d in files.items():
        z.writestr(n, d)
PY
if report=$(python3 "$CHECK" "$T/broken.zip" "$APP_ID"); then fail "a broken manifest passed: $report"; fi
expect_contains "$report" "is too long" "the schema check catches a developer name over 32 characters"
expect_contains "$report" "groupchat" "the schema check catches a scope outside the schema's enum"

# Without app_domain: a clear error naming the key, and no file.
teams_config ''
if err=$("$KV" --config "$CFG" teams manifest --out "$T/none.zip" 2>&1); then fail "no app_domain: $err"; fi
expect_contains "$err" "teams.app_domain: required" "a missing app_domain is named"
[ ! -e "$T/none.zip" ] && ok "nothing is written without app_domain" || fail "a package was written"

# A bad package_version or app_domain is a config error with file and line.
teams_config 'app_domain = "https://kvalitetsvakt.kommune.example/"
package_version = "1.0"'
if err=$("$KV" --config "$CFG" check-config 2>&1); then fail "bad keys accepted: $err"; fi
expect_contains "$err" "teams.app_domain: must be a host name without scheme or path" "an app_domain with a scheme is refused"
expect_contains "$err" "teams.package_version: must be MAJOR.MINOR.PATCH" "a package_version that is not semver is refused"

# An output folder that does not exist: exit 1 with the reason, nothing half-written.
teams_config 'app_domain = "kvalitetsvakt.kommune.example"'
if err=$("$KV" --config "$CFG" teams manifest --out "$T/missing/kv.zip" 2>&1); then fail "wrote into a missing folder"; fi
[ ! -e "$T/missing" ] && ok "an unwritable output path fails without leaving anything behind" || fail "left files"
finish
