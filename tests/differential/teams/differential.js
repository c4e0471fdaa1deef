// Differential test: the same tokens through Microsoft's validator (botframework-connector's
// JwtTokenValidation.authenticateRequest, metadata pointed at the local emulator) and through
// ours (teams_auth_verdicts). Verdicts must be equal except in the listed deliberate cases.
// Usage: node differential.js <emulator.json> <teams_auth_verdicts binary>
'use strict';

const { execFileSync } = require('child_process');
const http = require('http');
const fs = require('fs');
const connector = require('botframework-connector');

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const ourTool = process.argv[3];

// Where we are deliberately stricter than the SDK (reference 2.3 steps 8 and 10, 2.7 edges).
const expectedDifferences = {
  no_exp: 'token without exp: the SDK accepts, we require exp',
  activity_without_service_url: 'activity without serviceUrl: the SDK skips the serviceurl check, we reject',
  activity_without_channel_id: 'activity without channelId: the SDK skips endorsements, we reject',
  emulator_issuer: 'emulator-issued token (R15): the SDK takes the emulator path, ours is off',
};

function control(path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${config.control_base}${path}`, { method: 'POST',
      headers: { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(text))));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body || {}));
  });
}

async function buildCases() {
  const serviceUrl = config.service_url;
  const faults = [
    'none', 'skew_290', 'no_header', 'blank_header', 'scheme_lowercase', 'scheme_basic', 'extra_space',
    'three_parts', 'two_segments', 'bad_base64', 'bad_json', 'wrong_iss', 'iss_trailing_slash', 'no_kid',
    'unknown_kid', 'non_rsa_key', 'alg_none', 'alg_hs256', 'alg_ps256', 'alg_es256', 'other_key',
    'tampered_payload', 'tampered_header', 'expired', 'nbf_future', 'wrong_aud', 'no_aud', 'aud_botframework',
    'wrong_endorsement', 'no_serviceurl', 'wrong_serviceurl', 'emulator_issuer', 'no_exp',
  ];
  const cases = [];
  const add = async (name, request, activity = {}) => {
    const t = await control('/control/driver/token', request);
    cases.push({ name, authorization: t.authorization || '', serviceUrl: serviceUrl, channelId: 'msteams',
                 ...activity });
  };
  for (const f of faults) await add(f, { fault: f });
  const now = Math.floor(Date.now() / 1000);
  await add('rs384', { header: { alg: 'RS384' } });
  await add('rs512', { header: { alg: 'RS512' } });
  await add('extra_claims', { claims: { iat: now + 100000, jti: 'x', tid: config.tenant_id } });
  // Tokens are checked seconds after they are made (more under sanitizers), and each side reads
  // its own clock: times within a second of the 300 s boundary would make the verdicts race.
  await add('exp_305_ago', { claims: { exp: now - 305, nbf: now - 4000 } });
  await add('nbf_295_ahead', { claims: { nbf: now + 295 } });
  await add('fractional_times', { claims: { nbf: now - 0.5, exp: now + 3600.25 } });
  await add('exp_as_string', { claims: { exp: String(now + 3600) } });
  await add('aud_as_array', { claims: { aud: [config.app_id] } });
  await add('skill_shaped', { claims: { ver: '1.0', appid: '99999999-2222-3333-4444-555555555555' } });
  await add('other_service_url_activity', {}, { serviceUrl: 'https://smba.trafficmanager.net/emea/' });
  await add('service_url_trailing_slash_differs', {}, { serviceUrl: serviceUrl.replace(/\/$/, '') });
  await add('activity_without_service_url', {}, { serviceUrl: '' });
  await add('activity_without_channel_id', {}, { channelId: '' });
  await add('other_channel', {}, { channelId: 'webchat' });
  return cases;
}

async function sdkVerdict(c) {
  const credentials = new connector.SimpleCredentialProvider(config.app_id, config.app_password);
  const activity = { type: 'message', serviceUrl: c.serviceUrl, channelId: c.channelId };
  try {
    await connector.JwtTokenValidation.authenticateRequest(activity, c.authorization, credentials, '');
    return { verdict: 'accept', reason: '' };
  } catch (e) {
    return { verdict: 'reject', reason: String(e && e.message).slice(0, 80) };
  }
}

async function main() {
  console.error = () => {}; // the SDK logs every rejection with its keys; verdicts are printed below
  connector.ChannelValidation.OpenIdMetadataEndpoint = config.openid_metadata_url;
  connector.AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl = config.openid_metadata_url;

  const cases = await buildCases();
  const input = cases.map((c) => [c.name, c.serviceUrl, c.channelId, c.authorization].join('\t')).join('\n') + '\n';
  const ours = new Map(execFileSync(ourTool, [config.openid_metadata_url, config.app_id, config.ca_file],
                                    { input, encoding: 'utf8' })
    .trim().split('\n').map((l) => { const [n, v, r] = l.split('\t'); return [n, { verdict: v, reason: r }]; }));

  let failures = 0;
  let accepted = 0;
  const seenDifferences = new Set();
  for (const c of cases) {
    const sdk = await sdkVerdict(c);
    const us = ours.get(c.name);
    if (!us) { console.log(`not ok - ${c.name}: no verdict from our tool`); failures++; continue; }
    if (sdk.verdict === 'accept' && us.verdict === 'accept') accepted++;
    const line = `${c.name}: sdk=${sdk.verdict}${sdk.reason ? ` (${sdk.reason})` : ''} ours=${us.verdict}${us.reason ? ` (${us.reason})` : ''}`;
    if (expectedDifferences[c.name]) {
      if (sdk.verdict === 'accept' && us.verdict === 'reject') {
        seenDifferences.add(c.name);
        console.log(`ok - ${line} [deliberately stricter: ${expectedDifferences[c.name]}]`);
      } else {
        console.log(`not ok - ${line} [expected sdk=accept ours=reject]`); failures++;
      }
    } else if (sdk.verdict === us.verdict) {
      console.log(`ok - ${line}`);
    } else {
      console.log(`not ok - ${line}`); failures++;
    }
  }
  console.log(`${cases.length} tokens, ${accepted} accepted by both, ${seenDifferences.size} deliberate differences, ${failures} failures`);
  if (cases.length < 20 || accepted < 3) { console.log('not ok - too few cases'); failures++; }
  process.exit(failures ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(1); });
