// The mistakes users really make (issue 7), end to end: each ends in its typed error or
// behaviour, and leaves storage and the server as they were.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addVirtualAuthenticator, launchBrowser } from './support/browser.js';
import { attempt, click, openDemo, storedSession } from './support/demo.js';
import { PAGES_DIR } from './support/package.js';
import { startServer } from './support/server.js';
import { serveStatic } from './support/static-server.js';

let browser, server;

before(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startServer()]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** API calls (method and path) the page made after `from` (an index into `apiRequests`). */
function callsSince(demo, from) {
  return demo.apiRequests.slice(from).map((url) => new URL(url).pathname);
}

test('sign-up for a returning user is PASSKEY_ALREADY_REGISTERED, even after sign-out, with no second account', async () => {
  const demo = await openDemo(browser, server);
  assert.equal((await click(demo.page, 'sign-up')).error, null);
  await attempt(demo.page, 'await baas.auth.signOut();');
  const before = demo.apiRequests.length;

  const { error } = await attempt(demo.page, 'return baas.auth.signUpWithPasskey();');
  assert.equal(error.code, 'PASSKEY_ALREADY_REGISTERED');
  assert.equal(error.name, 'BaasAuthError');
  assert.equal(error.cause, 'InvalidStateError');
  assert.match(error.message, /[Ss]ign in instead/);
  assert.equal((await demo.authenticator.credentials()).length, 1, 'no second passkey');
  assert.ok(!callsSince(demo, before).includes('/v1/auth/passkey/register'), 'the server was never asked to register');
  assert.equal(await storedSession(demo.page), null);
  // And the user's way out works: sign in.
  assert.equal((await click(demo.page, 'sign-in')).error, null);
  await demo.context.close();
});

test('sign-in for a new user: the empty picker is WALLET_CONNECT_REJECTED, telling them to sign up', async () => {
  const demo = await openDemo(browser, server);
  const { error } = await attempt(demo.page, 'return baas.auth.signInWithPasskey();');
  assert.equal(error.code, 'WALLET_CONNECT_REJECTED');
  assert.equal(error.cause, 'NotAllowedError');
  assert.match(error.message, /sign up/);
  assert.equal(await storedSession(demo.page), null);
  await demo.context.close();
});

test('without WebAuthn, or in an iframe not allowed to use it, calls are PASSKEY_UNSUPPORTED before any request', async () => {
  const demo = await openDemo(browser, server, false, {
    initScript: () => {
      delete window.PublicKeyCredential;
    },
  });
  const { value: supported } = await attempt(demo.page, 'return sdk.isPasskeySupported();');
  assert.equal(supported, false);
  const { value: capabilities } = await attempt(demo.page, 'return sdk.getPasskeyCapabilities();');
  assert.deepEqual(capabilities, { passkeys: false, platformAuthenticator: false, conditionalMediation: false });
  for (const call of ['signUpWithPasskey()', 'signInWithPasskey()', "signInWithPasskey({ mediation: 'conditional' })"]) {
    const { error } = await attempt(demo.page, `return baas.auth.${call};`);
    assert.equal(error.code, 'PASSKEY_UNSUPPORTED', call);
    assert.match(error.message, /HTTPS|localhost/);
  }
  assert.deepEqual(demo.apiRequests, [], 'no request at all, not even a prefetch');
  assert.equal(await demo.page.isVisible('#unsupported'), true, 'the demo tells the user');
  await demo.context.close();

  // The demo inside a cross-origin frame, without and with the permissions it needs.
  const host = await serveStatic({ '/': PAGES_DIR });
  try {
    for (const [allow, expected] of [
      ['', false],
      ['publickey-credentials-get *; publickey-credentials-create *', true],
    ]) {
      const page = await browser.newPage();
      const src = encodeURIComponent(`${server.url}/`);
      await page.goto(`${host.url.replace('localhost', '127.0.0.1')}/embed.html?src=${src}&allow=${encodeURIComponent(allow)}`);
      const frame = await (await page.waitForSelector('iframe')).contentFrame();
      await frame.waitForSelector('body[data-ready="true"]');
      assert.equal(await frame.evaluate(async () => (await import('@baas/sdk')).isPasskeySupported()), expected, allow);
      if (!expected) {
        const code = await frame.evaluate(() => window.baas.auth.signInWithPasskey().catch((e) => e.code));
        assert.equal(code, 'PASSKEY_UNSUPPORTED');
      }
      await page.close();
    }
  } finally {
    await host.close();
  }
});

test('a wrong RP ID for the page is PASSKEY_DOMAIN_MISMATCH naming the origin and the RP ID', async () => {
  const demo = await openDemo(browser, server);
  // A project misconfigured with another domain's RP ID.
  await demo.page.route('**/v1/auth/passkey/*/options', async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    if (body.publicKey.rp) body.publicKey.rp.id = 'example.com';
    else body.publicKey.rpId = 'example.com';
    await route.fulfill({ response, json: body });
  });
  await demo.page.reload(); // so the prefetched options come through the route too
  await demo.page.waitForSelector('body[data-ready="true"]');
  const before = demo.apiRequests.length;
  for (const call of ['signUpWithPasskey()', 'signInWithPasskey()']) {
    const { error } = await attempt(demo.page, `return baas.auth.${call};`);
    assert.equal(error.code, 'PASSKEY_DOMAIN_MISMATCH', call);
    assert.equal(error.cause, 'SecurityError');
    assert.ok(error.message.includes(server.url), error.message);
    assert.ok(error.message.includes('example.com'), error.message);
  }
  const calls = callsSince(demo, before);
  assert.ok(!calls.includes('/v1/auth/passkey/register') && !calls.includes('/v1/auth/passkey/login'));
  assert.equal((await demo.authenticator.credentials()).length, 0);
  assert.equal(await storedSession(demo.page), null);
  await demo.page.unrouteAll({ behavior: 'ignoreErrors' }); // prefetches may still be in flight
  await demo.context.close();
});

test('synced and device-bound passkeys are reported as such, on sign-up and sign-in', async () => {
  for (const synced of [true, false]) {
    const options = synced ? { defaultBackupEligibility: true, defaultBackupState: true } : {};
    const demo = await openDemo(browser, server, options);
    const signedUp = (await click(demo.page, 'sign-up')).session;
    assert.deepEqual(
      [signedUp.credential.backupEligible, signedUp.credential.backedUp],
      [synced, synced],
    );
    assert.equal(await demo.page.isVisible('#device-bound'), !synced, 'the demo warns about device-bound passkeys');
    await attempt(demo.page, 'await baas.auth.signOut();');
    const signedIn = (await click(demo.page, 'sign-in')).session;
    assert.deepEqual(signedIn.credential, signedUp.credential);
    await demo.context.close();
  }
});

test('autofill sign-in works, and an explicit button aborts a pending autofill request cleanly', async () => {
  // A returning user: autofill offers their passkey (the virtual authenticator picks it at once).
  const first = await openDemo(browser, server);
  const signedUp = (await click(first.page, 'sign-up')).session;
  await attempt(first.page, 'await baas.auth.signOut();');
  await first.page.focus('#username');
  await first.page.waitForFunction(() => window.autofill !== 'pending');
  assert.equal(await first.page.evaluate(() => window.autofill), 'signed-in');
  assert.equal((await first.page.evaluate(() => window.baas.auth.getSession())).address, signedUp.address);
  // The passkey as it is now (its counter included: a stale copy would be a cloned authenticator).
  const [credential] = await first.authenticator.credentials();
  await first.context.close();

  // No authenticator yet: the autofill request stays pending until the user clicks a button.
  const demo = await openDemo(browser, server, false);
  await demo.page.focus('#username');
  await demo.page.waitForFunction(() => window.autofill === 'pending');
  const authenticator = await addVirtualAuthenticator(demo.page);
  await authenticator.cdp.send('WebAuthn.addCredential', {
    authenticatorId: authenticator.authenticatorId,
    credential,
  });
  const { session, error } = await click(demo.page, 'sign-in');
  assert.equal(error, null);
  assert.equal(session.address, signedUp.address);
  await demo.page.waitForFunction(() => window.autofill !== 'pending');
  assert.equal(await demo.page.evaluate(() => window.autofill), 'signed-in', 'the aborted autofill call settles like the click');
  await demo.context.close();
});

test('the click opens the prompt with no request in between: the challenge was prefetched', async (t) => {
  const demo = await openDemo(browser, server, {}, {
    initScript: () => {
      window.timeline = [];
      document.addEventListener('click', () => window.timeline.push(['click', performance.now()]), true);
      for (const name of ['create', 'get']) {
        const original = navigator.credentials[name].bind(navigator.credentials);
        navigator.credentials[name] = (options) => {
          window.timeline.push([name, performance.now()]);
          return original(options);
        };
      }
      const fetch = window.fetch;
      window.fetch = (input, init) => {
        window.timeline.push(['fetch ' + new URL(input, location.href).pathname, performance.now()]);
        return fetch(input, init);
      };
    },
  });
  const settle = () => demo.page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
  for (const [button, ceremony] of [['sign-up', 'create'], ['sign-in', 'get']]) {
    if (button === 'sign-in') await attempt(demo.page, 'await baas.auth.signOut();');
    await settle(); // the prefetch finishes while the user reads the page
    await demo.page.evaluate(() => { window.timeline.length = 0; });
    const { error } = await click(demo.page, button);
    assert.equal(error, null);
    const timeline = await demo.page.evaluate(() => window.timeline);
    const clickAt = timeline.find(([e]) => e === 'click')?.[1];
    assert.ok(clickAt !== undefined, JSON.stringify(timeline));
    const promptAt = timeline.find(([e]) => e === ceremony)?.[1];
    assert.ok(promptAt !== undefined, JSON.stringify(timeline));
    const between = timeline.filter(([e, at]) => e.startsWith('fetch') && at >= clickAt && at <= promptAt);
    assert.deepEqual(between, [], `no request between the click and credentials.${ceremony}()`);
    t.diagnostic(`click → navigator.credentials.${ceremony}(): ${(promptAt - clickAt).toFixed(2)} ms`);
  }
  await demo.context.close();
});
