// The backend snippet of examples/backend-verify: an access token obtained through the demo from
// the real server verifies offline against its JWKS; a tampered, foreign or expired one does not.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { launchBrowser } from './support/browser.js';
import { click, jwtClaims, openDemo } from './support/demo.js';
import { ROOT } from './support/package.js';
import { startServer } from './support/server.js';
import { createVerifier } from '../../examples/backend-verify/verify.mjs';

const SNIPPET = `${ROOT}/examples/backend-verify/verify.mjs`;
const run = promisify(execFile);

let browser, server, session;

/** Signs up through the demo served by `server`; returns the session. */
async function signUp(server) {
  const { context, page } = await openDemo(browser, server);
  const { session } = await click(page, 'sign-up');
  await context.close();
  assert.ok(session?.accessToken, 'the demo signed up');
  return session;
}

before(async () => {
  browser = await launchBrowser();
  server = await startServer();
  session = await signUp(server);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** `token` with its payload changed by `edit`, the signature kept. */
function tampered(token, edit) {
  const [header, , signature] = token.split('.');
  const payload = Buffer.from(JSON.stringify(edit(jwtClaims(token)))).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

test('a fresh access token verifies offline: its address, audience and session', async () => {
  const verify = createVerifier({ apiUrl: server.url, projectId: 'demo' });
  const verified = await verify(session.accessToken);
  assert.equal(verified.address, session.address);
  assert.equal(verified.expiresAt, session.expiresAt);
  assert.equal(verified.claims.aud, 'demo');
  assert.equal(typeof verified.sessionId, 'string');
});

test('the command line verifies the token and refuses a tampered one', async () => {
  const env = { ...process.env, BAAS_API_URL: server.url, BAAS_PROJECT_ID: 'demo' };
  const { stdout } = await run(process.execPath, [SNIPPET, session.accessToken], { env });
  assert.equal(JSON.parse(stdout).address, session.address);

  const forged = tampered(session.accessToken, (claims) => ({ ...claims, sub: '0x000000000000000000000000000000000000dEaD' }));
  await assert.rejects(run(process.execPath, [SNIPPET, forged], { env }), (error) => {
    assert.equal(error.code, 1);
    assert.match(error.stderr, /refused: ERR_JWS_SIGNATURE_VERIFICATION_FAILED/);
    return true;
  });
});

test('a tampered, foreign or unsigned token is refused', async () => {
  const verify = createVerifier({ apiUrl: server.url, projectId: 'demo' });
  const refused = async (token, code, verifier = verify) =>
    assert.rejects(verifier(token), (error) => {
      assert.equal(error.code, code);
      return true;
    });

  await refused(tampered(session.accessToken, (c) => ({ ...c, sub: '0x000000000000000000000000000000000000dEaD' })), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  await refused(tampered(session.accessToken, (c) => ({ ...c, exp: c.exp + 3600 })), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  // Another project's verifier refuses this project's token.
  await refused(session.accessToken, 'ERR_JWT_CLAIM_VALIDATION_FAILED', createVerifier({ apiUrl: server.url, projectId: 'other' }));
  // `alg: none` is never accepted.
  const [, payload] = session.accessToken.split('.');
  const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  await refused(`${none}.${payload}.`, 'ERR_JOSE_ALG_NOT_ALLOWED');
});

test('a token past its `exp` (and the 1 s of leeway) is refused', async () => {
  const shortLived = await startServer({ env: { BAAS_ACCESS_TTL: '2' } });
  try {
    const token = (await signUp(shortLived)).accessToken;
    const verify = createVerifier({ apiUrl: shortLived.url, projectId: 'demo' });
    await verify(token);
    const { exp } = jwtClaims(token);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, (exp + 1) * 1000 + 100 - Date.now())));
    await assert.rejects(verify(token), (error) => {
      assert.equal(error.code, 'ERR_JWT_EXPIRED');
      return true;
    });
  } finally {
    await shortLived.stop();
  }
});

test('offline verification cannot see a sign-out; the server’s user endpoint can (docs/backend.md)', async () => {
  const ask = () =>
    fetch(`${server.url}/v1/auth/user`, {
      headers: { authorization: `Bearer ${session.accessToken}`, 'x-baas-publishable-key': 'sb_publishable_demo' },
    });
  const before = await ask();
  assert.equal(before.status, 200);
  assert.equal((await before.json()).address, session.address);

  const logout = await fetch(`${server.url}/v1/auth/logout`, {
    method: 'POST',
    headers: { authorization: `Bearer ${session.accessToken}`, 'x-baas-publishable-key': 'sb_publishable_demo' },
  });
  assert.equal(logout.status, 204);

  const after = await ask();
  assert.equal(after.status, 401);
  assert.equal((await after.json()).error.code, 'SESSION_REVOKED');
  const verify = createVerifier({ apiUrl: server.url, projectId: 'demo' });
  assert.equal((await verify(session.accessToken)).address, session.address);
});
