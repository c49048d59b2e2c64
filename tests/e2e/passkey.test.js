// Passkey sign-up and sign-in end to end: the demo page (the release package, imported as an app
// does) in headless Chromium with a CDP virtual authenticator, against the real baas-server on a
// fresh SQLite file. This is the test that says the product works.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { launchBrowser } from './support/browser.js';
import { attempt, click, jwtClaims, openDemo as openDemoIn, storedSession } from './support/demo.js';
import { addressOf, publicCoordinates } from './support/independent-crypto.js';
import { OUTPUT_DIR } from './support/package.js';
import { freePort, startServer } from './support/server.js';

let browser, server;

before(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startServer()]);
  await mkdir(OUTPUT_DIR, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Opens the demo in a fresh profile with a virtual authenticator. */
function openDemo(authenticatorOptions, options) {
  return openDemoIn(browser, server, authenticatorOptions, options);
}

describe('a new user signs up, then signs in again', () => {
  let demo, signedUp;

  test('sign-up creates an account whose address is derived from the passkey', async () => {
    // Extensions that replace WebAuthn sometimes break these: the SDK must not need them.
    demo = await openDemo({}, {
      initScript: () => {
        AuthenticatorAttestationResponse.prototype.getPublicKey = () => {
          throw new Error('broken by an extension');
        };
        PublicKeyCredential.prototype.toJSON = () => {
          throw new Error('broken by an extension');
        };
      },
    });
    const { session, error, shown } = await click(demo.page, 'sign-up');
    assert.equal(error, null);
    signedUp = session;

    assert.deepEqual(Object.keys(session).sort(), ['accessToken', 'address', 'credential', 'expiresAt', 'method']);
    assert.deepEqual(Object.keys(session.credential).sort(), ['backedUp', 'backupEligible', 'id']);
    assert.equal(session.method, 'passkey');
    assert.match(session.address, /^0x[0-9a-fA-F]{40}$/);
    assert.equal(shown, session.address);
    const claims = jwtClaims(session.accessToken);
    assert.equal(claims.sub, session.address);
    assert.equal(claims.exp, session.expiresAt);
    assert.ok(Math.abs(session.expiresAt - (Date.now() / 1000 + 3600)) < 120, 'seconds, about an hour');

    const [credential] = await demo.authenticator.credentials();
    assert.equal(session.address, addressOf(publicCoordinates(credential.privateKey)));
    assert.equal(session.credential.id, Buffer.from(credential.credentialId, 'base64').toString('base64url'));
    assert.equal(session.credential.backupEligible, false, 'the virtual authenticator is device-bound');

    const stored = JSON.parse(await storedSession(demo.page));
    assert.equal(stored.address, session.address);
    assert.ok(stored.refreshToken, 'the refresh token is kept in storage, not on the session');
    await demo.page.screenshot({ path: `${OUTPUT_DIR}/demo-signed-up.png` });
  });

  test('calling sign-up or sign-in again returns the session with no prompt and no request', async () => {
    const [before] = await demo.authenticator.credentials();
    const requests = demo.apiRequests.length;
    const same = await demo.page.evaluate(async () => {
      const auth = window.baas.auth;
      const current = auth.getSession();
      const results = [
        await auth.signUpWithPasskey(),
        await auth.signInWithPasskey(),
        await auth.signIn(),
        await auth.signUp('passkey'),
      ];
      return results.every((s) => s === current);
    });
    assert.equal(same, true);
    assert.equal(demo.apiRequests.length, requests, 'no request');
    const after = await demo.authenticator.credentials();
    assert.equal(after.length, 1, 'no new credential');
    assert.equal(after[0].signCount, before.signCount, 'no ceremony');
  });

  test('after a reload, getSession() is the same session on the first call', async () => {
    await demo.page.reload();
    await demo.page.waitForSelector('body[data-ready="true"]');
    const { session, shown } = await demo.page.evaluate(() => ({
      session: window.baas.auth.getSession(),
      shown: document.getElementById('address').textContent,
    }));
    assert.deepEqual(session, signedUp);
    assert.equal(shown, signedUp.address, 'correct on first render');
  });

  test('with storage cleared, sign-in with the same passkey gives the same address', async () => {
    const [before] = await demo.authenticator.credentials();
    await demo.page.evaluate(() => localStorage.clear());
    await demo.page.reload();
    await demo.page.waitForSelector('body[data-ready="true"]');
    assert.equal(await demo.page.evaluate(() => window.baas.auth.getSession()), null);

    const { session, error } = await click(demo.page, 'sign-in');
    assert.equal(error, null);
    assert.equal(session.address, signedUp.address);
    assert.equal(session.credential.id, signedUp.credential.id);
    assert.notEqual(session.accessToken, signedUp.accessToken);
    const [after] = await demo.authenticator.credentials();
    assert.ok(after.signCount > before.signCount, 'one assertion was made');
    await demo.page.screenshot({ path: `${OUTPUT_DIR}/demo-signed-in.png` });
    await demo.context.close();
  });
});

test('a cancelled prompt is WALLET_CONNECT_REJECTED, stores nothing, and a retry works', async () => {
  const demo = await openDemo({ isUserVerified: false });
  const { error, session } = await click(demo.page, 'sign-up');
  assert.equal(error, 'WALLET_CONNECT_REJECTED');
  assert.equal(session, null);
  assert.equal(await storedSession(demo.page), null);
  const rejection = await attempt(demo.page, 'return baas.auth.signInWithPasskey();');
  assert.equal(rejection.error.code, 'WALLET_CONNECT_REJECTED');
  assert.equal(rejection.error.name, 'BaasWalletError');
  assert.equal(rejection.error.baas, true);
  assert.equal(rejection.error.cause, 'NotAllowedError');
  assert.match(rejection.error.message, /sign up/);

  await demo.authenticator.cdp.send('WebAuthn.setUserVerified', {
    authenticatorId: demo.authenticator.authenticatorId,
    isUserVerified: true,
  });
  const retry = await click(demo.page, 'sign-up');
  assert.equal(retry.error, null);
  assert.ok(retry.session.address);
  await demo.context.close();
});

test('an unreachable or silent server is NONCE_FETCH_FAILED before any prompt', async () => {
  const demo = await openDemo();
  const closedPort = await freePort();
  const silent = createServer(() => {}); // accepts connections, never answers
  await new Promise((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    for (const apiUrl of [`http://localhost:${closedPort}`, `http://localhost:${silent.address().port}`]) {
      const started = Date.now();
      const { error } = await attempt(
        demo.page,
        `const client = sdk.createBaasClient({ projectId: 'other', publishableKey: 'sb_publishable_demo', apiUrl: arg, requestTimeout: 500 });
         return client.auth.signInWithPasskey();`,
        apiUrl,
      );
      assert.equal(error.code, 'NONCE_FETCH_FAILED', apiUrl);
      assert.equal(error.name, 'BaasAuthError');
      assert.ok(Date.now() - started < 10_000, 'gave up on its own timeout');
    }
    assert.equal((await demo.authenticator.credentials()).length, 0, 'no prompt');
  } finally {
    silent.close();
    await demo.context.close();
  }
});

test('a passkey the server does not know is PASSKEY_NOT_FOUND', async () => {
  const demo = await openDemo();
  // A passkey for this RP ID that was never registered with this server (e.g. its account was
  // deleted), put straight into the authenticator.
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await demo.authenticator.cdp.send('WebAuthn.addCredential', {
    authenticatorId: demo.authenticator.authenticatorId,
    credential: {
      credentialId: randomBytes(32).toString('base64'),
      isResidentCredential: true,
      rpId: 'localhost',
      privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
      userHandle: randomBytes(16).toString('base64'),
      signCount: 0,
    },
  });
  const { error } = await attempt(demo.page, 'return baas.auth.signInWithPasskey();');
  assert.equal(error.code, 'PASSKEY_NOT_FOUND');
  assert.equal(error.name, 'BaasAuthError');
  assert.equal(error.cause, 'CREDENTIAL_NOT_FOUND', "the server's code is the cause");
  assert.match(error.message, /[Ss]ign up/);
  // The SDK told the authenticator (WebAuthn Signal API) that the passkey is unknown, so it
  // leaves the picker: the next attempt finds no passkey, like a dismissed empty picker.
  for (let i = 0; i < 40 && (await demo.authenticator.credentials()).length > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal((await demo.authenticator.credentials()).length, 0);
  const again = await click(demo.page, 'sign-in');
  assert.equal(again.error, 'WALLET_CONNECT_REJECTED');
  assert.equal(await storedSession(demo.page), null);
  await demo.context.close();
});

test('a server that returns another address is ADDRESS_MISMATCH, and nothing is stored', async () => {
  const demo = await openDemo();
  // A first account, whose address a compromised server will hand out.
  const first = (await click(demo.page, 'sign-up')).session;
  const firstStored = await demo.authenticator.credentials();

  // A compromised server answers sign-up with another account's address.
  const other = await openDemo();
  await other.page.route('**/v1/auth/passkey/register', async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    await route.fulfill({ response, json: { ...body, address: first.address } });
  });
  const signUp = await click(other.page, 'sign-up');
  assert.equal(signUp.error, 'ADDRESS_MISMATCH');
  assert.equal(await storedSession(other.page), null);

  // On sign-in, a server that claims the passkey belongs to another account (its address and
  // public key) is caught: the fresh assertion does not verify under that key.
  await other.page.unrouteAll();
  await other.authenticator.cdp.send('WebAuthn.clearCredentials', {
    authenticatorId: other.authenticator.authenticatorId,
  });
  await other.authenticator.cdp.send('WebAuthn.addCredential', {
    authenticatorId: other.authenticator.authenticatorId,
    credential: firstStored[0],
  });
  let answered = false;
  await other.page.route('**/v1/auth/passkey/login', async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    answered = body.address === first.address;
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const x = Buffer.from(jwk.x, 'base64url');
    const y = Buffer.from(jwk.y, 'base64url');
    const cose = Buffer.from([0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20, ...x, 0x22, 0x58, 0x20, ...y]);
    await route.fulfill({
      response,
      json: {
        ...body,
        address: addressOf({ x, y }),
        credential: { ...body.credential, publicKey: cose.toString('base64url') },
      },
    });
  });
  const signIn = await click(other.page, 'sign-in');
  assert.equal(signIn.error, 'ADDRESS_MISMATCH');
  assert.ok(answered, "the real server answered with the first account");
  assert.equal(await storedSession(other.page), null);
  await other.page.unrouteAll({ behavior: 'ignoreErrors' });
  await demo.context.close();
  await other.context.close();
});
