#!/usr/bin/env node
// Bot Framework channel emulator for tests: identity (OpenID metadata, JWKS, token endpoint),
// connector (conversations, activities, members) and a driver that signs activities and POSTs
// them to the bot. Control API on its own port. See README.md. Node.js built-ins only.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const https = require('https');
const path = require('path');

// ---------------------------------------------------------------- options

function parseArgs(argv) {
  const o = {
    dir: null,
    appId: '11111111-2222-3333-4444-555555555555',
    appPassword: 'emulator-secret',
    tenantId: '0d3e0d3e-0000-4000-8000-00000000a11e',
    multiTenant: false,
  };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--dir') o.dir = next();
    else if (a === '--app-id') o.appId = next();
    else if (a === '--app-password') o.appPassword = next();
    else if (a === '--tenant-id') o.tenantId = next();
    else if (a === '--multi-tenant') o.multiTenant = true;
    else throw new Error(`unknown option ${a}`);
  }
  if (!o.dir) throw new Error('--dir is required');
  return o;
}

const opts = parseArgs(process.argv);
const channelIssuer = 'https://api.botframework.com';

// ---------------------------------------------------------------- keys and tokens

const b64u = (buf) => Buffer.from(buf).toString('base64url');

function newRsaKey(kid, endorsements = ['msteams']) {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  return { kid, privateKey, publicKey, endorsements, jwk };
}

const identity = {
  keys: [],          // published RSA keys
  signingKid: 'k1',
  nextKeyNumber: 2,
  nonRsaEntry: null, // fixed JWKS entry without n/e
  skypeOnly: null,   // RSA key endorsed for another channel only
  outsider: null,    // a key never published (bad signature)
  ecKey: null,       // for alg ES256 tokens
  tokenKey: null,    // signs the bot's outbound access tokens
  faults: { metadata: null, jwks: null },
  stats: { metadata_fetches: 0, jwks_fetches: 0, token_requests: 0, token_requests_ok: 0 },
  expiresIn: 3599,
};

identity.keys.push(newRsaKey('k1'));
identity.skypeOnly = newRsaKey('skype-only', ['skype']);
identity.outsider = newRsaKey('k1');
identity.tokenKey = newRsaKey('token-1', []);
identity.ecKey = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
{
  const ecJwk = identity.ecKey.publicKey.export({ format: 'jwk' });
  identity.nonRsaEntry = { kty: 'EC', use: 'sig', kid: 'nonrsa', crv: ecJwk.crv, x: ecJwk.x, y: ecJwk.y,
                           endorsements: ['msteams'] };
}

function signingKey() {
  return identity.keys.find((k) => k.kid === identity.signingKid) || identity.keys[0];
}

function jwksDocument() {
  const entry = (k) => ({ kty: 'RSA', use: 'sig', kid: k.kid, x5t: k.kid, n: k.jwk.n, e: k.jwk.e,
                          endorsements: k.endorsements });
  return { keys: [...identity.keys.map(entry), identity.nonRsaEntry, entry(identity.skypeOnly)] };
}

function encodeJwt(header, payload, signer) {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
  return `${input}.${signer ? b64u(signer(input)) : ''}`;
}

const rsaSigner = (key, hash = 'sha256') => (input) => crypto.sign(hash, Buffer.from(input), key.privateKey);
const nowS = () => Math.floor(Date.now() / 1000);

function withOverrides(base, overrides) {
  const out = { ...base };
  for (const [k, v] of Object.entries(overrides || {})) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

// A channel token for `serviceUrl`, with one of the faults of reference 2.7.
// Returns the full Authorization header value (or null for "no header").
function channelAuthorization(fault, serviceUrl, claimOverrides, headerOverrides) {
  const now = nowS();
  let key = signingKey();
  let header = { typ: 'JWT', alg: 'RS256', kid: key.kid, x5t: key.kid };
  let payload = { iss: channelIssuer, aud: opts.appId, serviceurl: serviceUrl, nbf: now - 5, exp: now + 3600 };
  let signer = null;
  let post = (t) => `Bearer ${t}`;
  switch (fault || 'none') {
    case 'none': break;
    case 'no_header': return null;
    case 'blank_header': return ' ';
    case 'scheme_lowercase': post = (t) => `bearer ${t}`; break;
    case 'scheme_basic': post = (t) => `Basic ${t}`; break;
    case 'extra_space': post = (t) => `Bearer  ${t}`; break;
    case 'three_parts': post = (t) => `Bearer ${t} extra`; break;
    case 'two_segments': post = (t) => `Bearer ${t.slice(0, t.lastIndexOf('.'))}`; break;
    case 'bad_base64': post = (t) => `Bearer *${t.slice(1)}`; break;
    case 'bad_json': {
      const t = encodeJwt(header, payload, rsaSigner(key));
      const parts = t.split('.');
      return `Bearer ${parts[0]}.${b64u('{"iss":')}.${parts[2]}`;
    }
    case 'wrong_iss': payload.iss = 'https://evil.example'; break;
    case 'iss_trailing_slash': payload.iss = `${channelIssuer}/`; break;
    case 'no_kid': delete header.kid; break;
    case 'unknown_kid': header.kid = 'no-such-kid'; header.x5t = 'no-such-kid'; break;
    case 'non_rsa_key': header.kid = 'nonrsa'; break;
    case 'alg_none': header.alg = 'none'; signer = () => Buffer.alloc(0); break;
    case 'alg_hs256':
      header.alg = 'HS256';
      signer = (input) => crypto.createHmac('sha256', key.jwk.n).update(input).digest();
      break;
    case 'alg_ps256':
      header.alg = 'PS256';
      signer = (input) => crypto.sign('sha256', Buffer.from(input),
                                      { key: key.privateKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING });
      break;
    case 'alg_es256':
      header.alg = 'ES256';
      signer = (input) => crypto.sign('sha256', Buffer.from(input),
                                      { key: identity.ecKey.privateKey, dsaEncoding: 'ieee-p1363' });
      break;
    case 'other_key': key = identity.outsider; break;
    case 'tampered_payload': {
      const t = encodeJwt(header, withOverrides(payload, claimOverrides), rsaSigner(key));
      const parts = t.split('.');
      const forged = { ...JSON.parse(Buffer.from(parts[1], 'base64url')), serviceurl: 'https://evil.example/' };
      return `Bearer ${parts[0]}.${b64u(JSON.stringify(forged))}.${parts[2]}`;
    }
    case 'tampered_header': {
      const t = encodeJwt(header, withOverrides(payload, claimOverrides), rsaSigner(key));
      const parts = t.split('.');
      return `Bearer ${b64u(JSON.stringify({ ...header, alg: 'RS384' }))}.${parts[1]}.${parts[2]}`;
    }
    // 10 s either side of the 300 s skew: a token is checked some seconds after it is made, and
    // a slow (sanitizer) run must not move it across the boundary.
    case 'expired': payload.exp = now - 310; payload.nbf = now - 3910; break;
    case 'nbf_future': payload.nbf = now + 310; payload.exp = now + 3910; break;
    case 'skew_290': payload.exp = now - 290; payload.nbf = now + 290; break;
    case 'wrong_aud': payload.aud = '99999999-2222-3333-4444-555555555555'; break;
    case 'no_aud': delete payload.aud; break;
    case 'aud_botframework': payload.aud = channelIssuer; break;
    case 'wrong_endorsement': key = identity.skypeOnly; header.kid = key.kid; header.x5t = key.kid; break;
    case 'no_serviceurl': delete payload.serviceurl; break;
    case 'wrong_serviceurl': payload.serviceurl = 'https://evil.example/teams/'; break;
    case 'emulator_issuer':
      payload.iss = 'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/';
      payload.appid = opts.appId;
      payload.ver = '1.0';
      break;
    case 'no_exp': delete payload.exp; break;
    default: throw new Error(`unknown fault ${fault}`);
  }
  header = withOverrides(header, headerOverrides);
  payload = withOverrides(payload, claimOverrides);
  if (!signer) {
    const hash = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' }[header.alg] || 'sha256';
    signer = rsaSigner(key, hash);
  }
  return post(encodeJwt(header, payload, signer));
}

function accessToken() {
  const now = nowS();
  const header = { typ: 'JWT', alg: 'RS256', kid: identity.tokenKey.kid };
  const payload = {
    aud: channelIssuer, iss: `https://login.microsoftonline.com/${opts.tenantId}/v2.0`,
    appid: opts.appId, azp: opts.appId, ver: '1.0', tid: opts.tenantId,
    iat: now, nbf: now, exp: now + identity.expiresIn,
  };
  return encodeJwt(header, payload, rsaSigner(identity.tokenKey));
}

// Checks a connector request's bearer token; true when it is one we issued and still valid.
function validAccessToken(authorization) {
  const m = /^Bearer ([^ ]+)$/.exec(authorization || '');
  if (!m) return false;
  const parts = m[1].split('.');
  if (parts.length !== 3) return false;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url'));
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url'));
    if (header.alg !== 'RS256') return false;
    const ok = crypto.verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), identity.tokenKey.publicKey,
                             Buffer.from(parts[2], 'base64url'));
    return ok && payload.aud === channelIssuer && payload.appid === opts.appId &&
           typeof payload.exp === 'number' && payload.exp > nowS();
  } catch (e) {
    return false;
  }
}

// ---------------------------------------------------------------- connector state

const roster = new Map(); // id -> member (+ installed, blocked)
function addMember(m) {
  const prev = roster.get(m.id) || { installed: true, blocked: false, userRole: 'user', tenantId: opts.tenantId };
  roster.set(m.id, { ...prev, ...m });
}
addMember({ id: '29:user-1', name: 'Kari Nordmann', aadObjectId: 'aad-user-1', givenName: 'Kari', surname: 'Nordmann',
            email: 'kari.nordmann@kommune.example', userPrincipalName: 'kari.nordmann@kommune.example' });
addMember({ id: '29:user-2', name: 'Ola Leder', aadObjectId: 'aad-user-2', givenName: 'Ola', surname: 'Leder',
            email: 'ola.leder@kommune.example', userPrincipalName: 'ola.leder@kommune.example' });
addMember({ id: '29:user-3', name: 'Nina Nestleder', aadObjectId: 'aad-user-3', givenName: 'Nina', surname: 'Nestleder',
            email: 'nina.nestleder@kommune.example', userPrincipalName: 'nina.nestleder@kommune.example' });

const connector = {
  requests: [],
  seq: 0,
  conversations: new Map(), // cid -> {members:[ids], activities: Map(id -> {id, deleted, activity, history})}
  faults: [],
  sizeLimit: 40000,
  rateLimits: true,
  lastActivityId: 0,
  windows: new Map(), // key -> [timestamps ms]
};

function knowConversation(cid, memberIds = []) {
  if (!connector.conversations.has(cid)) connector.conversations.set(cid, { members: [], activities: new Map() });
  const c = connector.conversations.get(cid);
  for (const id of memberIds) if (id && !c.members.includes(id)) c.members.push(id);
  return c;
}

function nextActivityId() {
  connector.lastActivityId = Math.max(Date.now(), connector.lastActivityId + 1);
  return String(connector.lastActivityId);
}

function utf16Bytes(text) { return 2 * text.length; } // JS strings are UTF-16 code units

// Sliding windows of reference 5.1; returns true when the call is allowed.
function rateAllowed(key, limits) {
  const now = Date.now();
  const list = (connector.windows.get(key) || []).filter((t) => now - t < 3600 * 1000);
  for (const [windowMs, max] of limits) {
    if (list.filter((t) => now - t < windowMs).length >= max) {
      connector.windows.set(key, list);
      return false;
    }
  }
  list.push(now);
  connector.windows.set(key, list);
  return true;
}
const sendLimits = [[1000, 7], [2000, 8], [30000, 60], [3600000, 1800]];
const memberLimits = [[1000, 14], [2000, 16], [30000, 120], [3600000, 3600]];
const globalLimits = [[1000, 50]];

// ---------------------------------------------------------------- HTTP helpers

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res, status, body, headers = {}) {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const h = { ...headers };
  if (text.length && !h['Content-Type']) h['Content-Type'] = 'application/json; charset=utf-8';
  res.writeHead(status, h);
  res.end(text);
  return status;
}

const errorBody = (code, message) => ({ error: { code, message } });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Splits a path into decoded segments; a raw ';' ends its segment (path parameter), as in a
// strict server, so ids that were not percent-encoded do not match the stored ones.
function segments(pathname) {
  return pathname.split('/').filter((s) => s.length).map((s) => {
    const semi = s.indexOf(';');
    const raw = semi >= 0 ? s.slice(0, semi) : s;
    try { return decodeURIComponent(raw); } catch (e) { return '\u0000bad'; }
  });
}

// ---------------------------------------------------------------- identity handlers

async function identityFault(target, res) {
  const f = identity.faults[target];
  if (!f) return false;
  if (f.count !== undefined) {
    if (f.count <= 0) { identity.faults[target] = null; return false; }
    f.count -= 1;
  }
  if (f.mode === 'hang') { await new Promise(() => {}); }
  if (f.mode === 'garbage') { send(res, 200, '<html>not json</html>', { 'Content-Type': 'text/html' }); return true; }
  send(res, f.status || 500, errorBody('ServerError', 'injected'));
  return true;
}

async function handleTokenRequest(req, res, authority, bodyText) {
  identity.stats.token_requests += 1;
  const ct = (req.headers['content-type'] || '').split(';')[0].trim();
  if (ct !== 'application/x-www-form-urlencoded') {
    return send(res, 400, { error: 'invalid_request', error_description: 'AADSTS900144: form body required' });
  }
  const form = new URLSearchParams(bodyText);
  const expectedAuthority = opts.multiTenant ? 'botframework.com' : opts.tenantId;
  if (authority !== expectedAuthority) {
    return send(res, 400, { error: 'unauthorized_client', error_codes: [700016],
      error_description: `AADSTS700016: Application with identifier '${form.get('client_id')}' was not found in the directory '${authority}'.` });
  }
  if (form.get('grant_type') !== 'client_credentials') {
    return send(res, 400, { error: 'unsupported_grant_type', error_description: 'AADSTS70003: grant type not supported' });
  }
  if (form.get('scope') !== 'https://api.botframework.com/.default') {
    return send(res, 400, { error: 'invalid_scope', error_description: 'AADSTS70011: The provided value for scope is not valid.' });
  }
  if (form.get('client_id') !== opts.appId || form.get('client_secret') !== opts.appPassword) {
    return send(res, 401, { error: 'invalid_client', error_codes: [7000215],
      error_description: 'AADSTS7000215: Invalid client secret provided.' });
  }
  identity.stats.token_requests_ok += 1;
  return send(res, 200, { token_type: 'Bearer', expires_in: identity.expiresIn, ext_expires_in: identity.expiresIn,
                          access_token: accessToken() });
}

// ---------------------------------------------------------------- connector handlers

function matchFault(method, pathname) {
  for (const f of connector.faults) {
    if (f.count <= 0) continue;
    if (f.method && f.method !== method) continue;
    if (f.path && !new RegExp(f.path).test(pathname)) continue;
    f.count -= 1;
    return f;
  }
  return null;
}

function storeActivity(conv, activity, replyToId) {
  const id = nextActivityId();
  const stored = { ...activity, id };
  if (replyToId) stored.replyToId = replyToId;
  conv.activities.set(id, { id, deleted: false, activity: stored, history: [stored] });
  return id;
}

function blockedMember(conv) {
  return conv.members.map((id) => roster.get(id)).find((m) => m && m.blocked);
}

async function handleConnector(req, res, pathname, query, bodyText) {
  const seg = segments(pathname);
  const v3 = seg.indexOf('v3');
  if (v3 < 0) return send(res, 404, errorBody('NotFound', 'Not found'));
  const rest = seg.slice(v3 + 1);
  const method = req.method;

  if (!validAccessToken(req.headers.authorization)) {
    return send(res, 401, { message: 'Authorization has been denied for this request.' });
  }

  const fault = matchFault(method, pathname);
  if (fault && fault.delay_ms) await sleep(fault.delay_ms);
  if (fault && fault.mode === 'reset') { req.socket.destroy(); return 0; }
  if (fault && fault.mode === 'garbage') return send(res, 200, '{"id":', { 'Content-Type': 'application/json' });
  if (fault && (fault.mode || 'status') === 'status' && fault.status) {
    const headers = fault.retry_after !== undefined ? { 'Retry-After': String(fault.retry_after) } : {};
    return send(res, fault.status, errorBody('ServiceError', `injected ${fault.status}`), headers);
  }
  const failAfter = fault && fault.mode === 'accept_then_fail' ? (fault.status || 502) : 0;
  const finish = (status, body) => failAfter ? send(res, failAfter, errorBody('BadGateway', 'injected after accept'))
                                              : send(res, status, body);

  let body = null;
  if (bodyText.length) {
    try { body = JSON.parse(bodyText); } catch (e) { return send(res, 400, errorBody('BadSyntax', 'Invalid JSON')); }
  }
  if (connector.rateLimits && !rateAllowed('global', globalLimits)) {
    return send(res, 429, errorBody('TooManyRequests', 'Too many requests'), { 'Retry-After': '1' });
  }

  // POST /v3/conversations
  if (rest.length === 1 && rest[0] === 'conversations' && method === 'POST') {
    if (!body || typeof body !== 'object') return send(res, 400, errorBody('BadSyntax', 'Missing body'));
    const tenant = body.tenantId || (body.channelData && body.channelData.tenant && body.channelData.tenant.id);
    if (!tenant) return send(res, 400, errorBody('BadSyntax', 'Could not parse tenant id'));
    if (!body.bot || !body.bot.id) return send(res, 400, errorBody('BadArgument', 'Bot must be specified'));
    const members = Array.isArray(body.members) ? body.members : [];
    if (!body.isGroup && members.length !== 1) {
      return send(res, 400, errorBody('BadArgument', 'Exactly one member is required for a 1:1 conversation'));
    }
    if (connector.rateLimits && !rateAllowed(`create:${body.bot.id}`, sendLimits)) {
      return send(res, 429, errorBody('TooManyRequests', 'Too many requests'), { 'Retry-After': '1' });
    }
    const member = roster.get(members[0] && members[0].id) ||
                   [...roster.values()].find((m) => m.aadObjectId === (members[0] && members[0].id));
    if (!member || !member.installed) {
      return send(res, 403, errorBody('BotNotInConversationRoster', 'The bot is not part of the conversation roster.'));
    }
    const cid = `a:${crypto.createHash('sha256').update(`${body.bot.id}|${member.id}`).digest('base64url').slice(0, 32)}`;
    const conv = knowConversation(cid, [member.id]);
    const answer = { id: cid };
    if (body.activity) answer.activityId = storeActivity(conv, body.activity);
    return finish(201, answer);
  }

  if (rest[0] !== 'conversations' || rest.length < 3) return send(res, 404, errorBody('NotFound', 'Not found'));
  const cid = rest[1];
  const conv = connector.conversations.get(cid);
  if (!conv) return send(res, 404, errorBody('ConversationNotFound', 'Conversation not found.'));

  if (rest[2] === 'activities') {
    if (method === 'POST' && rest.length <= 4) {
      if (connector.rateLimits && !rateAllowed(`send:${cid}`, sendLimits)) {
        return send(res, 429, errorBody('TooManyRequests', 'Too many requests'), { 'Retry-After': '1' });
      }
      if (blockedMember(conv)) {
        return send(res, 403, { errorCode: 209,
          message: JSON.stringify({ subCode: 'MessageWritesBlocked', message: 'Thread is blocked from message writes.' }) });
      }
      if (utf16Bytes(bodyText) > connector.sizeLimit) {
        return send(res, 413, errorBody('MessageSizeTooBig', 'Message size too large.'));
      }
      if (!body || typeof body !== 'object') return send(res, 400, errorBody('BadSyntax', 'Missing activity'));
      return finish(201, { id: storeActivity(conv, body, rest[3]) });
    }
    if ((method === 'PUT' || method === 'DELETE') && rest.length === 4) {
      const entry = conv.activities.get(rest[3]);
      if (!entry || entry.deleted) {
        return send(res, 404, errorBody('ActivityNotFoundInConversation', 'The activity was not found in the conversation.'));
      }
      if (method === 'DELETE') { entry.deleted = true; return finish(200); }
      if (connector.rateLimits && !rateAllowed(`send:${cid}`, sendLimits)) {
        return send(res, 429, errorBody('TooManyRequests', 'Too many requests'), { 'Retry-After': '1' });
      }
      if (utf16Bytes(bodyText) > connector.sizeLimit) {
        return send(res, 413, errorBody('MessageSizeTooBig', 'Message size too large.'));
      }
      if (!body || typeof body !== 'object') return send(res, 400, errorBody('BadSyntax', 'Missing activity'));
      entry.activity = { ...body, id: entry.id };
      entry.history.push(entry.activity);
      return finish(200, { id: entry.id });
    }
  }

  if (method === 'GET' && (rest[2] === 'members' || rest[2] === 'pagedmembers')) {
    if (connector.rateLimits && !rateAllowed(`members:${cid}`, memberLimits)) {
      return send(res, 429, errorBody('TooManyRequests', 'Too many requests'), { 'Retry-After': '1' });
    }
    const publicMember = (m) => {
      const { installed, blocked, ...rest2 } = m; // eslint-disable-line no-unused-vars
      return rest2;
    };
    const all = [...roster.values()];
    if (rest[2] === 'members' && rest.length === 4) {
      const key = rest[3];
      const m = all.find((x) => x.id === key || x.aadObjectId === key || x.userPrincipalName === key);
      if (!m) return send(res, 404, errorBody('MemberNotFoundInConversation', 'The member was not found in the conversation.'));
      return send(res, 200, publicMember(m));
    }
    if (rest[2] === 'pagedmembers') {
      const size = Math.min(500, Math.max(50, Number(query.get('pageSize')) || 200));
      const start = Number(query.get('continuationToken') || 0) || 0;
      const page = all.slice(start, start + size).map(publicMember);
      const answer = { members: page };
      if (start + size < all.length) answer.continuationToken = String(start + size);
      return send(res, 200, answer);
    }
    return send(res, 200, all.map(publicMember));
  }
  return send(res, 404, errorBody('NotFound', 'Not found'));
}

// ---------------------------------------------------------------- the bot-facing server

async function serviceHandler(req, res) {
  const url = new URL(req.url, 'http://x');
  const bodyText = await readBody(req);
  const record = { seq: ++connector.seq, at_ms: Date.now(), method: req.method, path: req.url,
                   headers: req.headers, body: bodyText, status: 0 };
  try {
    if (req.method === 'GET' && url.pathname === '/v1/.well-known/openidconfiguration') {
      identity.stats.metadata_fetches += 1;
      if (await identityFault('metadata', res)) return;
      const base = `${req.socket.encrypted ? 'https' : 'http'}://${req.headers.host}`;
      return send(res, 200, { issuer: channelIssuer, authorization_endpoint: 'https://invalid.example',
                              jwks_uri: `${base}/v1/.well-known/keys`,
                              id_token_signing_alg_values_supported: ['RS256'],
                              token_endpoint_auth_methods_supported: ['private_key_jwt'] });
    }
    if (req.method === 'GET' && url.pathname === '/v1/.well-known/keys') {
      identity.stats.jwks_fetches += 1;
      if (await identityFault('jwks', res)) return;
      return send(res, 200, jwksDocument());
    }
    connector.requests.push(record);
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (token && req.method === 'POST') {
      record.status = await handleTokenRequest(req, res, decodeURIComponent(token[1]), bodyText);
      return;
    }
    record.status = await handleConnector(req, res, url.pathname, url.searchParams, bodyText);
  } catch (e) {
    process.stderr.write(`emulator: ${e.stack}\n`);
    if (!res.headersSent) record.status = send(res, 500, errorBody('InternalError', 'emulator error'));
  }
}

// ---------------------------------------------------------------- driver (plays Teams)

let lastDriverId = 0;
let invokeCounter = 0;
function nextDriverId() {
  lastDriverId = Math.max(Date.now(), lastDriverId + 1);
  return String(lastDriverId);
}

function isObject(x) { return x && typeof x === 'object' && !Array.isArray(x); }
function deepMerge(a, b) {
  if (!isObject(a) || !isObject(b)) return b === undefined ? a : b;
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (v === null) delete out[k];
    else out[k] = deepMerge(a[k], v);
  }
  return out;
}

function buildActivity(template, p, serviceUrl) {
  const user = p.user || { id: '29:user-1', name: 'Kari Nordmann', aadObjectId: 'aad-user-1' };
  const bot = { id: `28:${opts.appId}`, name: 'Kvalitetsvakt' };
  const tenant = p.tenant_id || opts.tenantId;
  const type = p.conversation_type || 'personal';
  const defaultCid = type === 'personal' ? `a:personal-${user.id}` : type === 'groupChat' ? '19:group-1@thread.v2'
                                                                                        : '19:channel-1@thread.tacv2';
  const cid = p.conversation_id || defaultCid;
  const conversation = { id: cid, conversationType: type, tenantId: tenant, isGroup: type !== 'personal' };
  const channelData = { tenant: { id: tenant } };
  if (type === 'channel') {
    channelData.team = { id: '19:team-1@thread.tacv2', name: 'Kvalitetsutvalget', aadGroupId: 'aad-team-1' };
    channelData.channel = { id: '19:channel-1@thread.tacv2', name: 'Generelt' };
  }
  const now = new Date();
  const base = {
    id: p.id || nextDriverId(), timestamp: now.toISOString(), localTimestamp: now.toISOString(),
    serviceUrl, channelId: 'msteams', from: user, recipient: bot, conversation, channelData, locale: 'nb-NO',
    entities: [{ type: 'clientInfo', locale: 'nb-NO', country: 'NO', platform: 'Web', timezone: 'Europe/Oslo' }],
  };
  const text = p.text === undefined ? 'nytt avvik' : p.text;
  switch (template) {
    case 'message': {
      const a = { ...base, type: 'message', textFormat: 'plain', text };
      if (p.mention_bot || type !== 'personal') {
        a.text = `<at>${bot.name}</at> ${text}`;
        a.entities = [...a.entities, { type: 'mention', text: `<at>${bot.name}</at>`, mentioned: bot }];
      }
      return a;
    }
    case 'submit':
      return { ...base, type: 'message', text: '', replyToId: p.reply_to_id, value: p.value || {} };
    case 'message_back':
      return { ...base, type: 'message', text: p.text || '', replyToId: p.reply_to_id, value: p.value || {} };
    case 'invoke_action':
      return { ...base, id: p.id || `f:${++invokeCounter}${Date.now()}`, type: 'invoke', name: 'adaptiveCard/action',
               replyToId: p.reply_to_id,
               value: { action: { type: 'Action.Execute', id: '', verb: p.verb || 'refresh', data: p.data || {} },
                        trigger: p.trigger || 'manual' } };
    case 'bot_added':
      return { ...base, type: 'conversationUpdate', membersAdded: [{ id: bot.id }],
               channelData: type === 'personal' ? channelData : { ...channelData, eventType: 'teamMemberAdded' } };
    case 'member_added':
      return { ...base, type: 'conversationUpdate', membersAdded: [p.member || user],
               channelData: { ...channelData, eventType: 'teamMemberAdded' } };
    case 'member_removed':
      return { ...base, type: 'conversationUpdate', membersRemoved: [p.member || user],
               channelData: { ...channelData, eventType: 'teamMemberRemoved' } };
    case 'team_event':
      return { ...base, type: 'conversationUpdate', channelData: { ...channelData, eventType: p.event_type || 'teamRenamed' } };
    case 'installation_add':
      return { ...base, type: 'installationUpdate', action: 'add' };
    case 'installation_remove':
      return { ...base, type: 'installationUpdate', action: 'remove' };
    case 'reaction':
      return { ...base, type: 'messageReaction', replyToId: p.reply_to_id, reactionsAdded: [{ type: p.reaction || 'like' }] };
    default:
      throw new Error(`unknown template ${template}`);
  }
}

function postToBot(botUrl, authorization, bodyText, timeoutMs) {
  return new Promise((resolve) => {
    const u = new URL(botUrl);
    const lib = u.protocol === 'https:' ? https : http;
    const headers = { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(bodyText) };
    if (authorization !== null) headers.Authorization = authorization;
    const started = process.hrtime.bigint();
    const latency = () => Number(process.hrtime.bigint() - started) / 1e6;
    const req = lib.request(u, { method: 'POST', headers, timeout: timeoutMs,
                                 ca: u.protocol === 'https:' ? fs.readFileSync(path.join(opts.dir, 'ca.pem')) : undefined },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'),
                                      latency_ms: latency(), error: null }));
      });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, body: '', latency_ms: latency(), error: e.message }));
    req.end(bodyText);
  });
}

async function driverSend(p) {
  const serviceUrl = (p.params && p.params.service_url) || p.service_url || defaultServiceUrl();
  let activity = p.template ? buildActivity(p.template, p.params || {}, serviceUrl) : {};
  activity = deepMerge(activity, p.activity || {});
  if (activity.conversation && activity.conversation.id) {
    knowConversation(activity.conversation.id, [activity.from && activity.from.id]);
  }
  const bodyText = JSON.stringify(activity);
  const timeoutMs = p.timeout_ms || 20000;
  const attempts = [];
  const redeliverAfter = p.redeliver_after_ms || 0;
  const redeliveries = p.redeliveries === undefined ? 1 : p.redeliveries;
  const pending = [];
  for (let i = 0; i <= (redeliverAfter ? redeliveries : 0); i++) {
    // Each attempt carries a fresh token (Teams signs every delivery), same activity.
    const auth = channelAuthorization(p.fault, serviceUrl, p.claims, p.header);
    const attempt = postToBot(p.bot_url, auth, bodyText, timeoutMs).then((r) => { attempts[i] = r; return r; });
    pending.push(attempt);
    if (!redeliverAfter) break;
    const answered = await Promise.race([attempt.then(() => true), sleep(redeliverAfter).then(() => false)]);
    if (answered) break;
  }
  await Promise.all(pending);
  return { activity, attempts };
}

// ---------------------------------------------------------------- control API

let config = null;
function defaultServiceUrl() { return config.service_url; }

function resetState() {
  connector.requests = [];
  connector.seq = 0;
  connector.conversations.clear();
  connector.faults = [];
  connector.windows.clear();
  identity.faults = { metadata: null, jwks: null };
  identity.stats = { metadata_fetches: 0, jwks_fetches: 0, token_requests: 0, token_requests_ok: 0 };
  for (const m of roster.values()) { m.installed = true; m.blocked = false; }
}

async function controlHandler(req, res) {
  const url = new URL(req.url, 'http://x');
  let body = {};
  const text = await readBody(req);
  if (text.length) {
    try { body = JSON.parse(text); } catch (e) { return send(res, 400, { error: 'body is not JSON' }); }
  }
  const route = `${req.method} ${url.pathname}`;
  try {
    switch (route) {
      case 'GET /control/config': return send(res, 200, config);
      case 'POST /control/reset': resetState(); return send(res, 200, { ok: true });
      case 'POST /control/identity/rotate': {
        const previous = identity.signingKid;
        const kid = `k${identity.nextKeyNumber++}`;
        identity.keys.push(newRsaKey(kid));
        identity.signingKid = kid;
        if (body.drop_old) identity.keys = identity.keys.filter((k) => k.kid !== previous);
        return send(res, 200, { kid, published: identity.keys.map((k) => k.kid) });
      }
      case 'POST /control/identity/drop':
        identity.keys = identity.keys.filter((k) => k.kid !== body.kid);
        return send(res, 200, { published: identity.keys.map((k) => k.kid) });
      case 'POST /control/identity/fault': {
        if (!['metadata', 'jwks'].includes(body.target)) return send(res, 400, { error: 'target: metadata or jwks' });
        identity.faults[body.target] = !body.mode || body.mode === 'none' ? null
          : { mode: body.mode, status: body.status || 500, count: body.count };
        return send(res, 200, { ok: true });
      }
      case 'GET /control/identity/stats': return send(res, 200, identity.stats);
      case 'POST /control/token/settings':
        if (body.expires_in !== undefined) identity.expiresIn = Number(body.expires_in);
        return send(res, 200, { expires_in: identity.expiresIn });
      case 'POST /control/driver/token': {
        const serviceUrl = body.service_url || config.service_url;
        const authorization = channelAuthorization(body.fault, serviceUrl, body.claims, body.header);
        const token = authorization && authorization.startsWith('Bearer ') ? authorization.slice(7) : null;
        return send(res, 200, { authorization, token });
      }
      case 'POST /control/driver/send':
        if (!body.bot_url) return send(res, 400, { error: 'bot_url is required' });
        return send(res, 200, await driverSend(body));
      case 'GET /control/connector/seq': return send(res, 200, { seq: connector.seq });
      case 'GET /control/connector/requests': {
        const since = Number(url.searchParams.get('since') || 0);
        return send(res, 200, connector.requests.filter((r) => r.seq > since));
      }
      case 'GET /control/connector/conversations': {
        const out = {};
        for (const [cid, c] of connector.conversations) {
          out[cid] = { members: c.members, activities: [...c.activities.values()] };
        }
        return send(res, 200, out);
      }
      case 'POST /control/connector/fault':
        connector.faults.push({ path: body.path, method: body.method, count: body.count || 1, status: body.status,
                                retry_after: body.retry_after, delay_ms: body.delay_ms || 0, mode: body.mode || 'status' });
        return send(res, 200, { ok: true });
      case 'POST /control/connector/users': {
        if (!body.id) return send(res, 400, { error: 'id is required' });
        addMember(body);
        return send(res, 200, roster.get(body.id));
      }
      case 'POST /control/connector/settings':
        if (body.size_limit !== undefined) connector.sizeLimit = Number(body.size_limit);
        if (body.rate_limits !== undefined) connector.rateLimits = !!body.rate_limits;
        return send(res, 200, { size_limit: connector.sizeLimit, rate_limits: connector.rateLimits });
      default:
        return send(res, 404, { error: `no control route ${route}` });
    }
  } catch (e) {
    return send(res, 400, { error: e.message });
  }
}

// ---------------------------------------------------------------- start

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

async function main() {
  const tls = { key: fs.readFileSync(path.join(opts.dir, 'server.key')),
                cert: fs.readFileSync(path.join(opts.dir, 'server.pem')) };
  const httpsServer = https.createServer(tls, serviceHandler);
  const httpServer = http.createServer(serviceHandler);
  const control = http.createServer(controlHandler);
  for (const s of [httpsServer, httpServer, control]) s.keepAliveTimeout = 30000;
  const [httpsPort, httpPort, controlPort] = [await listen(httpsServer), await listen(httpServer), await listen(control)];
  const httpsBase = `https://127.0.0.1:${httpsPort}`;
  config = {
    pid: process.pid,
    ca_file: path.join(opts.dir, 'ca.pem'),
    app_id: opts.appId,
    app_password: opts.appPassword,
    tenant_id: opts.tenantId,
    https_base: httpsBase,
    http_base: `http://127.0.0.1:${httpPort}`,
    control_base: `http://127.0.0.1:${controlPort}`,
    openid_metadata_url: `${httpsBase}/v1/.well-known/openidconfiguration`,
    jwks_url: `${httpsBase}/v1/.well-known/keys`,
    token_url: `${httpsBase}/${opts.multiTenant ? 'botframework.com' : opts.tenantId}/oauth2/v2.0/token`,
    service_url: `${httpsBase}/teams/`,
  };
  const file = path.join(opts.dir, 'emulator.json');
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(config, null, 2));
  fs.renameSync(`${file}.tmp`, file);
  const stop = () => process.exit(0);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e) => {
  process.stderr.write(`emulator: ${e.stack}\n`);
  process.exit(1);
});
