// The Node reference server of scripts/bench: @simplewebauthn/server behind the same passkey
// endpoints and JSON as baas-server (DESIGN §5), in a minimal node:http handler, so the reference
// SDK signs in against it and the load generator drives it exactly like baas-server.
//
// State is in memory (Maps): challenges (single use, expiring, bound to their ceremony), accounts
// and credentials with their counters, sessions. Nothing is written to disk, so it pays no commit
// that baas-server pays on SQLite; Node 20 has no built-in SQLite and a native module would
// need a download from outside the npm registry. Sessions are ES256 JWTs signed with node:crypto
// plus a random refresh token, like baas-server's.
//
// Environment: PORT (default 8788), RP_ID (localhost), ORIGIN (http://localhost:PORT),
// STATIC_DIR (served at /, no-store), SEED_ACCOUNTS (filler accounts created at start, to
// measure memory). Prints "listening" once it accepts requests.
import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { addressOfPoint, coseCoordinates } from './address.js';

const PORT = Number(process.env.PORT ?? 8788);
const RP_ID = process.env.RP_ID ?? 'localhost';
const ORIGIN = process.env.ORIGIN ?? `http://localhost:${PORT}`;
const STATIC_DIR = process.env.STATIC_DIR;
const PUBLISHABLE_KEY = 'sb_publishable_demo';
const PROJECT_ID = 'demo';
const CHALLENGE_TTL = 300;
const ACCESS_TTL = 3600;
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

const challenges = new Map(); // id → { challenge, ceremony, userHandle, expiresAt }
const credentials = new Map(); // credential ID (base64url) → { address, userHandle, publicKey, counter }
const sessions = new Map(); // refresh token → { address, revoked }
const signingKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const kid = randomBytes(8).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const id = () => randomBytes(16).toString('base64url');

for (let i = 0; i < Number(process.env.SEED_ACCOUNTS ?? 0); i++) {
  credentials.set(randomBytes(16).toString('base64url'), {
    address: `0x${randomBytes(20).toString('hex')}`,
    userHandle: randomBytes(32).toString('base64url'),
    publicKey: new Uint8Array(randomBytes(77)),
    counter: 0,
  });
}

class HttpError extends Error {
  constructor(status, code) {
    super(code);
    Object.assign(this, { status, code });
  }
}

function jwt(claims) {
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part({ alg: 'ES256', typ: 'JWT', kid })}.${part(claims)}`;
  const signature = sign('sha256', Buffer.from(input), { key: signingKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

function session(credentialId, stored) {
  const iat = now();
  const refreshToken = randomBytes(32).toString('base64url');
  sessions.set(refreshToken, { address: stored.address, revoked: false });
  return {
    address: stored.address,
    accessToken: jwt({ sub: stored.address, aud: PROJECT_ID, iat, exp: iat + ACCESS_TTL, sid: id(), jti: id() }),
    expiresAt: iat + ACCESS_TTL,
    refreshToken,
    method: 'passkey',
    credential: {
      id: credentialId,
      publicKey: Buffer.from(stored.publicKey).toString('base64url'),
      backupEligible: stored.backupEligible ?? false,
      backedUp: stored.backedUp ?? false,
    },
  };
}

function takeChallenge(challengeId, ceremony) {
  const issued = challenges.get(challengeId);
  challenges.delete(challengeId);
  if (!issued || issued.ceremony !== ceremony) throw new HttpError(400, 'CHALLENGE_NOT_FOUND');
  if (now() >= issued.expiresAt) throw new HttpError(400, 'CHALLENGE_EXPIRED');
  return issued;
}

function issueChallenge(ceremony, challenge, userHandle) {
  const challengeId = id();
  challenges.set(challengeId, { challenge, ceremony, userHandle, expiresAt: now() + CHALLENGE_TTL });
  return challengeId;
}

const routes = {
  async '/v1/auth/passkey/register/options'() {
    const userHandle = randomBytes(32);
    const options = await generateRegistrationOptions({
      rpName: 'baas demo',
      rpID: RP_ID,
      userName: `user-${userHandle.toString('base64url').slice(0, 8)}`,
      userID: new Uint8Array(userHandle),
      attestationType: 'none',
      supportedAlgorithmIDs: [-7],
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      timeout: CHALLENGE_TTL * 1000,
    });
    const challengeId = issueChallenge('register', options.challenge, userHandle.toString('base64url'));
    return { challengeId, publicKey: options };
  },
  async '/v1/auth/passkey/register'({ challengeId, credential }) {
    const issued = takeChallenge(challengeId, 'register');
    const { verified, registrationInfo } = await verifyRegistrationResponse({
      response: credential,
      expectedChallenge: issued.challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      requireUserVerification: true,
      supportedAlgorithmIDs: [-7],
    }).catch(() => ({ verified: false }));
    if (!verified) throw new HttpError(400, 'VERIFY_FAILED');
    const { credential: c, credentialBackedUp, credentialDeviceType } = registrationInfo;
    if (credentials.has(c.id)) throw new HttpError(409, 'CREDENTIAL_EXISTS');
    const [x, y] = coseCoordinates(c.publicKey);
    const stored = {
      address: addressOfPoint(x, y),
      userHandle: issued.userHandle,
      publicKey: c.publicKey,
      counter: c.counter,
      backupEligible: credentialDeviceType === 'multiDevice',
      backedUp: credentialBackedUp,
    };
    credentials.set(c.id, stored);
    return session(c.id, stored);
  },
  async '/v1/auth/passkey/login/options'() {
    const options = await generateAuthenticationOptions({
      rpID: RP_ID,
      allowCredentials: [],
      userVerification: 'required',
      timeout: CHALLENGE_TTL * 1000,
    });
    return { challengeId: issueChallenge('login', options.challenge), publicKey: options };
  },
  async '/v1/auth/passkey/login'({ challengeId, credential }) {
    const issued = takeChallenge(challengeId, 'login');
    const stored = credentials.get(credential?.id);
    if (!stored) throw new HttpError(404, 'CREDENTIAL_NOT_FOUND');
    if (credential.response?.userHandle !== stored.userHandle) throw new HttpError(401, 'USER_HANDLE_MISMATCH');
    const { verified, authenticationInfo } = await verifyAuthenticationResponse({
      response: credential,
      expectedChallenge: issued.challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      credential: { id: credential.id, publicKey: stored.publicKey, counter: stored.counter },
      requireUserVerification: true,
    }).catch(() => ({ verified: false }));
    if (!verified) throw new HttpError(401, 'VERIFY_FAILED');
    stored.counter = authenticationInfo.newCounter;
    stored.backedUp = authenticationInfo.credentialBackedUp;
    return session(credential.id, stored);
  },
  async '/v1/auth/logout'({ refreshToken }) {
    const s = sessions.get(refreshToken);
    if (s) s.revoked = true;
    return null;
  },
};

async function serveStatic(req, res) {
  let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (path.endsWith('/')) path += 'index.html';
  try {
    const body = await readFile(join(STATIC_DIR, normalize(path).replace(/^(\.\.[/\\])+/, '')));
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
}

const server = createServer(async (req, res) => {
  const path = req.url.split('?')[0];
  if (req.method === 'GET' && path === '/v1/health') return void res.writeHead(200).end('{"status":"ok"}');
  if (req.method === 'GET' && STATIC_DIR) return serveStatic(req, res);
  const route = routes[path];
  if (req.method !== 'POST' || !route) return void res.writeHead(404).end();
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  let status = 200;
  let body;
  try {
    if (req.headers['x-baas-publishable-key'] !== PUBLISHABLE_KEY) throw new HttpError(401, 'PUBLISHABLE_KEY_INVALID');
    const text = Buffer.concat(chunks).toString();
    body = await route(text ? JSON.parse(text) : {});
  } catch (error) {
    status = error.status ?? 400;
    body = { error: { code: error.code ?? 'INVALID_JSON', message: error.message } };
  }
  if (body === null) return void res.writeHead(204).end();
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
});
server.keepAliveTimeout = 30_000;
server.listen(PORT, '127.0.0.1', () => console.log(`listening on http://localhost:${PORT}`));
