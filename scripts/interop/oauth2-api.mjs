// An OAuth2-protected API for the interop suite scripts/interop/oauth2.sh.
//
// Starts, on 127.0.0.1 and free ports:
//   - oauth2-mock-server's OAuth2Server (npm), a real OAuth2 token endpoint (POST /token, with the
//     client-credentials grant) signing RS256 JWTs with a key generated at start, publishing it at
//     /jwks. The mock issues a token to anyone; a `beforeResponse` hook makes it check the client
//     (HTTP basic or form fields, RFC 6749 §2.3.1) and answer 401 `invalid_client` otherwise.
//   - an HTTP API serving GET /v1/contacts?page=N&per_page=M (JSON, `meta.total`) only with a
//     valid bearer token: an RS256 JWT whose signature verifies against the issuer's JWKS (fetched
//     over HTTP, verified with node's crypto), issued by that issuer, not expired, for our client,
//     with the `contacts:read` scope. Else 401 (or 403 for a missing scope).
//   - GET /_admin/stats and POST /_admin/reset?max_uses=N&echo=1 on the API, for the suite's
//     assertions: what the token endpoint and the API saw; `max_uses` makes the API revoke each
//     token after N uses (401 invalid_token), as servers that revoke tokens early do; `echo=1`
//     makes a refused token request's error description repeat the client id and secret it got.
//
// Environment: NODE_MODULES (where oauth2-mock-server is installed), CONTACTS_FILE (a JSON array of
// contacts), CLIENT_ID, CLIENT_SECRET. Prints one JSON line {"issuer", "api"} when both listen;
// stops both on SIGTERM or SIGINT.

import { createPublicKey, randomUUID, timingSafeEqual, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`oauth2-api: ${name} is not set`);
    process.exit(2);
  }
  return value;
};
const nodeModules = env('NODE_MODULES');
const contacts = JSON.parse(readFileSync(env('CONTACTS_FILE'), 'utf8'));
const clientId = env('CLIENT_ID');
const clientSecret = env('CLIENT_SECRET');
const requiredScope = 'contacts:read';

const require = createRequire(join(nodeModules, 'resolve-from-here.js'));
const { OAuth2Server } = await import(pathToFileURL(require.resolve('oauth2-mock-server')).href);

let stats;
let maxUses;
let echo;
const reset = (uses, echoSecret) => {
  stats = { token_requests: [], api_requests: [], tokens: [] };
  maxUses = uses;
  echo = echoSecret;
};
reset(0, false);
const uses = new Map();

// --- the token endpoint -------------------------------------------------------------------------

const oauth = new OAuth2Server();
await oauth.issuer.keys.generate('RS256');

const same = (a, b) => {
  const x = Buffer.from(String(a ?? ''));
  const y = Buffer.from(String(b ?? ''));
  return x.length === y.length && timingSafeEqual(x, y);
};

// The client as the token request authenticates it: HTTP basic (client_secret_basic, values
// form-urlencoded first) or form fields (client_secret_post).
const clientOf = (req) => {
  const header = req.headers.authorization ?? '';
  if (header.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const part = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { method: 'basic', id: part(decoded.slice(0, colon)), secret: part(decoded.slice(colon + 1)) };
  }
  return { method: 'body', id: req.body?.client_id, secret: req.body?.client_secret };
};

oauth.service.on('beforeTokenSigning', (token, req) => {
  token.payload.client_id = clientOf(req).id;
  // A unique id: without one, two tokens issued in the same second are the same string.
  token.payload.jti = randomUUID();
});
oauth.service.on('beforeResponse', (response, req) => {
  const client = clientOf(req);
  const ok = same(client.id, clientId) && same(client.secret, clientSecret);
  stats.token_requests.push({
    method: client.method,
    client_id: client.id ?? null,
    grant_type: req.body?.grant_type ?? null,
    scope: req.body?.scope ?? null,
    ok,
  });
  if (!ok) {
    response.statusCode = 401;
    // With `echo`, the error repeats what the client sent, secret included, as careless servers do.
    const description = echo
      ? `Client authentication failed: unknown client ${client.id} with secret ${client.secret}.`
      : 'Client authentication failed.';
    response.body = { error: 'invalid_client', error_description: description };
    return;
  }
  stats.tokens.push(response.body.access_token);
});

await oauth.start(0, '127.0.0.1');
// The mock names 127.0.0.1 `localhost`, which may resolve to ::1 where nothing listens.
oauth.issuer.url = `http://127.0.0.1:${oauth.address().port}`;
const issuer = oauth.issuer.url;

// --- token validation against the issuer's JWKS -----------------------------------------------

let jwks = null;
const keyFor = async (kid) => {
  for (const refresh of [false, true]) {
    if (!jwks || refresh) {
      const response = await fetch(`${issuer}/jwks`);
      jwks = (await response.json()).keys;
    }
    const jwk = jwks.find((k) => k.kid === kid);
    if (jwk) return createPublicKey({ key: jwk, format: 'jwk' });
  }
  return null;
};

const b64json = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

// null when the token is good, else [status, error, description].
const checkToken = async (authorization) => {
  const match = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
  if (!match) return [401, 'invalid_request', 'a bearer token is required'];
  const [, h, p, s] = match;
  let header, payload;
  try {
    header = b64json(h);
    payload = b64json(p);
  } catch {
    return [401, 'invalid_token', 'the token is not a JWT'];
  }
  if (header.alg !== 'RS256') return [401, 'invalid_token', 'unexpected alg'];
  const key = await keyFor(header.kid);
  if (!key) return [401, 'invalid_token', 'unknown signing key'];
  if (!verify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))) {
    return [401, 'invalid_token', 'bad signature'];
  }
  if (payload.iss !== issuer) return [401, 'invalid_token', 'wrong issuer'];
  if (typeof payload.exp !== 'number' || payload.exp * 1000 <= Date.now()) {
    return [401, 'invalid_token', 'the token expired'];
  }
  if (payload.client_id !== clientId) return [401, 'invalid_token', 'wrong client'];
  const scopes = String(payload.scope ?? '').split(' ');
  if (!scopes.includes(requiredScope)) return [403, 'insufficient_scope', `${requiredScope} is required`];
  const token = `${h}.${p}.${s}`;
  const used = (uses.get(token) ?? 0) + 1;
  uses.set(token, used);
  if (maxUses > 0 && used > maxUses) return [401, 'invalid_token', 'the token was revoked'];
  return null;
};

// --- the API ------------------------------------------------------------------------------------

const send = (res, status, body, headers = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const api = createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname === '/_admin/stats' && req.method === 'GET') return send(res, 200, stats);
    if (url.pathname === '/_admin/reset' && req.method === 'POST') {
      reset(Number(url.searchParams.get('max_uses') ?? 0), url.searchParams.get('echo') === '1');
      return send(res, 200, { ok: true });
    }
    if (url.pathname !== '/v1/contacts') return send(res, 404, { error: 'not_found' });
    if (req.method !== 'GET') return send(res, 405, { error: 'method_not_allowed' });
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : null;
    const problem = await checkToken(auth);
    const page = Number(url.searchParams.get('page') ?? 1);
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 20), 100);
    stats.api_requests.push({
      page,
      per_page: perPage,
      status: problem ? problem[0] : 200,
      token: token ? stats.tokens.indexOf(token) : null,
    });
    if (problem) {
      const [status, error, description] = problem;
      return send(res, status, { error, error_description: description }, {
        'WWW-Authenticate': `Bearer realm="contacts", error="${error}", error_description="${description}"`,
      });
    }
    const start = (page - 1) * perPage;
    send(res, 200, {
      data: contacts.slice(start, start + perPage),
      meta: { page, per_page: perPage, total: contacts.length },
    });
  } catch (error) {
    send(res, 500, { error: 'internal', error_description: String(error) });
  }
});
await new Promise((resolve) => api.listen(0, '127.0.0.1', resolve));

const stop = async () => {
  setTimeout(() => process.exit(0), 2000).unref();
  api.closeAllConnections?.();
  await Promise.allSettled([new Promise((resolve) => api.close(resolve)), oauth.stop()]);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

console.log(JSON.stringify({ issuer, api: `http://127.0.0.1:${api.address().port}` }));
