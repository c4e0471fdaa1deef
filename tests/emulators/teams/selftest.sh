#!/usr/bin/env bash
# Self-test of the channel emulator: starts it, exercises identity, token, connector, faults and
# the driver with curl, and stops it. Usage: selftest.sh <work-dir>
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=${1:?usage: selftest.sh <work-dir>}
dir="$work/emulator-selftest"
rm -rf "$dir"
mkdir -p "$dir"
bot_pid=""
cleanup() {
    [ -n "$bot_pid" ] && kill "$bot_pid" 2>/dev/null || true
    "$here/stop.sh" "$dir"
}
trap cleanup EXIT

"$here/start.sh" "$dir" >/dev/null
cfg() { node -e "process.stdout.write(String(require('$dir/emulator.json').$1))"; }
field() { node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const v=(function(){return eval('JSON.parse(s)'+process.argv[1])})();process.stdout.write(typeof v==='string'?v:JSON.stringify(v))})" "$1"; }
fail() { echo "selftest: FAIL: $*" >&2; exit 1; }
expect() {  # expect LABEL ACTUAL EXPECTED
    [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
    echo "ok - $1"
}

ca=$(cfg ca_file)
control=$(cfg control_base)
https_base=$(cfg https_base)
service=$(cfg service_url)

# Identity over HTTPS with the test CA; refused without it.
jwks_uri=$(curl -sS --cacert "$ca" "$(cfg openid_metadata_url)" | field .jwks_uri)
expect "metadata names the JWKS" "$jwks_uri" "$https_base/v1/.well-known/keys"
expect "JWKS holds k1, nonrsa, skype-only" \
    "$(curl -sS --cacert "$ca" "$jwks_uri" | field '.keys.map(k=>k.kid).join()')" "k1,nonrsa,skype-only"
if curl -sS -o /dev/null "$(cfg openid_metadata_url)" 2>/dev/null; then
    fail "HTTPS accepted without the test CA"
fi
echo "ok - the server certificate is refused without the test CA"

# Token endpoint.
token_url=$(cfg token_url)
form="grant_type=client_credentials&client_id=$(cfg app_id)&scope=https%3A%2F%2Fapi.botframework.com%2F.default"
status=$(curl -sS -o "$dir/bad.json" -w '%{http_code}' --cacert "$ca" -d "$form&client_secret=wrong" "$token_url")
expect "wrong secret is 401" "$status" "401"
expect "wrong secret names AADSTS7000215" "$(field .error_description <"$dir/bad.json" | cut -c1-14)" "AADSTS7000215:"
status=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$ca" -d "$form&client_secret=$(cfg app_password)" \
    "$https_base/botframework.com/oauth2/v2.0/token")
expect "multi-tenant authority on a single-tenant app is 400" "$status" "400"
token=$(curl -sS --cacert "$ca" -d "$form&client_secret=$(cfg app_password)" "$token_url" | field .access_token)
[ -n "$token" ] || fail "no access token"
echo "ok - client credentials give an access token"

auth=(-H "Authorization: Bearer $token" -H "Content-Type: application/json")
status=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$ca" -X POST -d '{}' "${service}v3/conversations")
expect "connector without a token is 401" "$status" "401"

# Create a 1:1 conversation, send, update, read back.
create='{"isGroup":false,"bot":{"id":"28:x"},"members":[{"id":"29:user-1"}],"tenantId":"t"}'
cid=$(curl -sS --cacert "$ca" "${auth[@]}" -d "$create" "${service}v3/conversations" | field .id)
expect "conversation id is a: and stable" "$cid" \
    "$(curl -sS --cacert "$ca" "${auth[@]}" -d "$create" "${service}v3/conversations" | field .id)"
status=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$ca" "${auth[@]}" \
    -d '{"isGroup":false,"bot":{"id":"28:x"},"members":[{"id":"29:user-1"}]}' "${service}v3/conversations")
expect "create without tenant is 400" "$status" "400"
enc=$(node -e "process.stdout.write(encodeURIComponent(process.argv[1]))" "$cid")
aid=$(curl -sS --cacert "$ca" "${auth[@]}" -d '{"type":"message","text":"hei"}' \
    "${service}v3/conversations/$enc/activities" | field .id)
curl -sS -o /dev/null --cacert "$ca" "${auth[@]}" -X PUT -d '{"type":"message","text":"oppdatert"}' \
    "${service}v3/conversations/$enc/activities/$aid"
final=$(curl -sS "$control/control/connector/conversations" | field "['$cid'].activities[0].activity.text")
expect "PUT replaced the activity" "$final" "oppdatert"
status=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$ca" "${auth[@]}" -X PUT -d '{"type":"message"}' \
    "${service}v3/conversations/$enc/activities/123")
expect "PUT of an unknown id is 404" "$status" "404"
member=$(curl -sS --cacert "$ca" "${auth[@]}" "${service}v3/conversations/$enc/members/aad-user-2" | field .email)
expect "member lookup by AAD object id" "$member" "ola.leder@kommune.example"

# Faults: 429 with Retry-After, 413, blocked and not-installed users.
curl -sS -o /dev/null "$control/control/connector/fault" \
    -d '{"path":"/activities$","method":"POST","count":1,"status":429,"retry_after":"3"}'
headers=$(curl -sS -D - -o /dev/null --cacert "$ca" "${auth[@]}" -d '{"type":"message"}' \
    "${service}v3/conversations/$enc/activities" | tr -d '\r')
expect "injected 429" "$(echo "$headers" | head -1 | cut -d' ' -f2)" "429"
expect "Retry-After is sent" "$(echo "$headers" | grep -i '^retry-after:' | cut -d' ' -f2)" "3"
curl -sS -o /dev/null "$control/control/connector/settings" -d '{"size_limit":100}'
status=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$ca" "${auth[@]}" \
    -d "{\"type\":\"message\",\"text\":\"$(printf 'x%.0s' $(seq 1 60))\"}" "${service}v3/conversations/$enc/activities")
expect "oversized message is 413" "$status" "413"
curl -sS -o /dev/null "$control/control/connector/settings" -d '{"size_limit":40000}'
curl -sS -o /dev/null "$control/control/connector/users" -d '{"id":"29:user-1","blocked":true}'
status=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$ca" "${auth[@]}" -d '{"type":"message"}' \
    "${service}v3/conversations/$enc/activities")
expect "blocked user is 403" "$status" "403"
curl -sS -o /dev/null "$control/control/connector/users" -d '{"id":"29:user-2","installed":false}'
status=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$ca" "${auth[@]}" \
    -d '{"isGroup":false,"bot":{"id":"28:x"},"members":[{"id":"29:user-2"}],"tenantId":"t"}' \
    "${service}v3/conversations")
expect "not-installed user is 403" "$status" "403"

# Identity faults and key rotation.
curl -sS -o /dev/null "$control/control/identity/fault" -d '{"target":"metadata","mode":"status","status":503,"count":1}'
status=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$ca" "$(cfg openid_metadata_url)")
expect "metadata fault" "$status" "503"
status=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$ca" "$(cfg openid_metadata_url)")
expect "metadata fault used up" "$status" "200"
expect "rotation publishes k2" "$(curl -sS "$control/control/identity/rotate" -d '{}' | field .published.join\(\))" "k1,k2"

# Driver: a stand-in bot records what it receives.
cat >"$dir/bot.js" <<'JS'
const http = require('http');
const fs = require('fs');
const s = http.createServer((req, res) => {
  let b = ''; req.on('data', (d) => b += d).on('end', () => {
    fs.appendFileSync(process.argv[2], JSON.stringify({ auth: req.headers.authorization || null, body: JSON.parse(b) }) + '\n');
    res.writeHead(200); res.end();
  });
});
s.listen(0, '127.0.0.1', () => fs.writeFileSync(process.argv[2] + '.port', String(s.address().port)));
JS
node "$dir/bot.js" "$dir/bot.log" &
bot_pid=$!
for _ in $(seq 1 50); do [ -s "$dir/bot.log.port" ] && break; sleep 0.1; done
bot_url="http://127.0.0.1:$(cat "$dir/bot.log.port")/api/messages"
answer=$(curl -sS "$control/control/driver/send" -d "{\"bot_url\":\"$bot_url\",\"template\":\"message\",\"params\":{\"text\":\"hei\"}}")
expect "driver got the bot's 200" "$(echo "$answer" | field '.attempts[0].status')" "200"
kid=$(head -1 "$dir/bot.log" | field '.auth.split(" ")[1].split(".")[0]' | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>process.stdout.write(JSON.parse(Buffer.from(s,'base64url')).kid))")
expect "activity signed with the rotated key" "$kid" "k2"
expect "activity serviceUrl" "$(head -1 "$dir/bot.log" | field .body.serviceUrl)" "$service"
answer=$(curl -sS "$control/control/driver/send" -d "{\"bot_url\":\"$bot_url\",\"template\":\"invoke_action\",\"fault\":\"no_header\",\"params\":{\"verb\":\"motta\"}}")
expect "fault no_header sends no Authorization" "$(sed -n 2p "$dir/bot.log" | field .auth)" "null"
expect "invoke template" "$(sed -n 2p "$dir/bot.log" | field .body.name)" "adaptiveCard/action"
for f in none scheme_basic bad_json wrong_iss no_kid non_rsa_key alg_none alg_hs256 alg_ps256 alg_es256 \
    other_key tampered_payload tampered_header expired nbf_future skew_290 wrong_aud no_aud \
    aud_botframework wrong_endorsement no_serviceurl wrong_serviceurl emulator_issuer no_exp; do
    a=$(curl -sS "$control/control/driver/token" -d "{\"fault\":\"$f\"}" | field .authorization)
    [ -n "$a" ] || fail "no token for fault $f"
done
echo "ok - the driver mints a token for every fault"
echo "selftest: all passed"
