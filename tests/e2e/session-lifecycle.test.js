// The session's life after sign-in, end to end against the real server with 5-second access
// tokens (so a refresh is due 1 s before expiry, a quarter of the lifetime): refresh, cross-tab
// sync, refusal, offline, restore after expiry.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser } from './support/browser.js';
import { attempt, openDemo, recordEvents, waitForEvent } from './support/demo.js';
import { startServer } from './support/server.js';

const ACCESS_TTL = 5;
let browser, server;

before(async () => {
  [browser, server] = await Promise.all([
    launchBrowser(),
    startServer({ env: { BAAS_ACCESS_TTL: String(ACCESS_TTL) } }),
  ]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function signUp(page) {
  const { value, error } = await attempt(page, 'return baas.auth.signUpWithPasskey();');
  assert.equal(error, undefined);
  return value;
}

/** `GET /v1/auth/user` with `token`: the HTTP status. */
async function userStatus(token) {
  const response = await fetch(`${server.url}/v1/auth/user`, {
    headers: { authorization: `Bearer ${token}`, 'x-baas-publishable-key': 'sb_publishable_demo' },
  });
  return response.status;
}

/** Samples `getSession()` every 50 ms in the page until `stop()`; returns the samples. */
async function sampleSessions(page) {
  await page.evaluate(() => {
    window.samples = [];
    window.sampler = setInterval(() => {
      const session = window.baas.auth.getSession();
      window.samples.push({ at: Date.now() / 1000, token: session?.accessToken ?? null, expiresAt: session?.expiresAt ?? null });
    }, 50);
  });
  return () => page.evaluate(() => {
    clearInterval(window.sampler);
    return window.samples;
  });
}

test('the session refreshes before it expires, and getSession() never flickers to null', async () => {
  const { page, context } = await openDemo(browser, server);
  const first = await signUp(page);
  await recordEvents(page);
  const stop = await sampleSessions(page);
  const events = await waitForEvent(page, 'TOKEN_REFRESHED', { timeout: ACCESS_TTL * 3000 });
  const samples = await stop();

  const refreshed = events.find((e) => e.event === 'TOKEN_REFRESHED');
  assert.notEqual(refreshed.token, first.accessToken);
  assert.equal(refreshed.address, first.address);
  assert.ok(refreshed.at / 1000 < first.expiresAt, 'refreshed before expiry');
  assert.deepEqual(samples.filter((s) => s.token === null), [], 'never null during the refresh');
  for (const sample of samples) assert.ok(sample.at < sample.expiresAt, 'never expired');
  const now = await page.evaluate(() => window.baas.auth.getSession());
  assert.ok(now.expiresAt > first.expiresAt);
  assert.equal(await userStatus(now.accessToken), 200);
  await context.close();
});

test('tabs share sign-in, one refresh and sign-out; another project is not affected', async () => {
  const context = await browser.newContext();
  const a = await openDemo(context, server);
  const b = await openDemo(context, server, false);
  const refreshes = [];
  context.on('request', (request) => {
    if (request.url().endsWith('/v1/auth/refresh')) refreshes.push(request.url());
  });
  await recordEvents(b.page);
  await b.page.evaluate(async () => {
    const sdk = await import('@baas/sdk');
    const other = sdk.createBaasClient({ projectId: 'other', publishableKey: 'sb_publishable_demo', apiUrl: location.origin });
    window.otherEvents = [];
    other.auth.onAuthStateChange((session, event) => window.otherEvents.push(event));
  });

  await a.page.bringToFront(); // WebAuthn runs in the focused tab
  const signedUp = await signUp(a.page);
  const signedIn = await waitForEvent(b.page, 'SIGNED_IN', { timeout: 2_000 });
  assert.equal(signedIn.at(-1).address, signedUp.address, 'the other tab follows within 2 s');
  assert.equal((await b.page.evaluate(() => window.baas.auth.getSession())).accessToken, signedUp.accessToken);

  // Both tabs are due at the same moment; only one spends the refresh token.
  await recordEvents(a.page);
  await waitForEvent(a.page, 'TOKEN_REFRESHED', { timeout: ACCESS_TTL * 3000 });
  await waitForEvent(b.page, 'TOKEN_REFRESHED', { timeout: 2_000 });
  await sleep(500);
  assert.equal(refreshes.length, 1, 'one refresh request across both tabs');
  const sessionA = await a.page.evaluate(() => window.baas.auth.getSession());
  const sessionB = await b.page.evaluate(() => window.baas.auth.getSession());
  assert.equal(sessionA.accessToken, sessionB.accessToken, 'both tabs hold the refreshed session');
  assert.notEqual(sessionA.accessToken, signedUp.accessToken);
  assert.equal(await userStatus(sessionA.accessToken), 200, 'the session was not revoked as a reuse');

  await recordEvents(a.page);
  await attempt(b.page, 'await baas.auth.signOut();');
  const signedOut = await waitForEvent(a.page, 'SIGNED_OUT', { timeout: 2_000 });
  assert.equal(signedOut.at(-1).address, null);
  assert.equal(await a.page.evaluate(() => window.baas.auth.getSession()), null);
  assert.deepEqual(await b.page.evaluate(() => window.otherEvents), ['INITIAL_SESSION']);
  await context.close();
});

test('a session restored after it expired is refreshed (no prompt); a refused refresh signs out with REFRESH_FAILED', async () => {
  const context = await browser.newContext();
  const first = await openDemo(context, server);
  const signedUp = await signUp(first.page);
  await first.page.close();
  await sleep((signedUp.expiresAt - Date.now() / 1000 + 1) * 1000);

  // Reopened past expiry: the refresh starts at once (slowed down here so the test can look
  // while it is in flight): null until then, then TOKEN_REFRESHED; sign-in waits for it.
  const page = await context.newPage();
  await page.route('**/v1/auth/refresh', async (route) => {
    await sleep(1_000);
    await route.continue();
  });
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]');
  await recordEvents(page);
  const restored = await page.evaluate(async () => {
    const atStart = window.baas.auth.getSession();
    const session = await window.baas.auth.signInWithPasskey();
    return { atStart, session, events: window.events.map((e) => e.event) };
  });
  assert.equal(restored.atStart, null, 'an expired session is never returned');
  assert.deepEqual(restored.events, ['INITIAL_SESSION', 'TOKEN_REFRESHED']);
  assert.equal(restored.session.address, signedUp.address);
  assert.ok(restored.session.expiresAt > signedUp.expiresAt);
  // This tab has no authenticator: a ceremony could not have succeeded.

  // Revoke the session on the server (as a sign-out elsewhere would), let it expire, then use it.
  const refreshToken = await page.evaluate(() => JSON.parse(localStorage.getItem('baas:demo:session')).refreshToken);
  const logout = await fetch(`${server.url}/v1/auth/logout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-baas-publishable-key': 'sb_publishable_demo' },
    body: JSON.stringify({ refreshToken }),
  });
  assert.equal(logout.status, 204);
  await page.close();
  await sleep((restored.session.expiresAt - Date.now() / 1000 + 1) * 1000);
  const again = await context.newPage();
  await again.route('**/v1/auth/refresh', async (route) => {
    await sleep(1_000);
    await route.continue();
  });
  await again.goto(server.url);
  await again.waitForSelector('body[data-ready="true"]');
  await recordEvents(again);
  const { error } = await attempt(again, 'return baas.auth.signInWithPasskey();');
  assert.equal(error.code, 'REFRESH_FAILED');
  assert.equal(error.name, 'BaasAuthError');
  await waitForEvent(again, 'SIGNED_OUT', { timeout: 2_000 });
  assert.equal(await again.evaluate(() => window.baas.auth.getSession()), null);
  assert.equal(await again.evaluate(() => localStorage.getItem('baas:demo:session')), null);
  await context.close();
});

test('offline, the session is kept until it expires and refreshed once back online', async () => {
  const { page, context } = await openDemo(browser, server);
  const signedUp = await signUp(page);
  await recordEvents(page);
  await context.setOffline(true);
  await sleep((signedUp.expiresAt - Date.now() / 1000 - 0.5) * 1000);
  const beforeExpiry = await page.evaluate(() => window.baas.auth.getSession());
  assert.equal(beforeExpiry?.accessToken, signedUp.accessToken, 'kept while valid although refresh failed');
  await sleep(1_500);
  assert.equal(await page.evaluate(() => window.baas.auth.getSession()), null, 'never an expired session');
  const events = await page.evaluate(() => window.events.map((e) => e.event));
  assert.ok(!events.includes('SIGNED_OUT'), 'an offline user is not signed out');

  await context.setOffline(false);
  const after = await waitForEvent(page, 'TOKEN_REFRESHED', { timeout: 10_000 });
  assert.equal(after.at(-1).address, signedUp.address);
  const session = await page.evaluate(() => window.baas.auth.getSession());
  assert.ok(session.expiresAt > signedUp.expiresAt);
  await context.close();
});

test('signing out right after signing in stays signed out, here, after a reload and in other tabs', async () => {
  const context = await browser.newContext();
  const a = await openDemo(context, server);
  const b = await openDemo(context, server, false);
  await a.page.bringToFront();
  // Sign-out while the sign-in is still being written for the other tabs.
  await attempt(a.page, 'await baas.auth.signUpWithPasskey(); await baas.auth.signOut();');
  await sleep(1_000);
  assert.equal(await a.page.evaluate(() => window.baas.auth.getSession()), null);
  assert.equal(await b.page.evaluate(() => window.baas.auth.getSession()), null);
  await a.page.reload();
  await a.page.waitForSelector('body[data-ready="true"]');
  assert.equal(await a.page.evaluate(() => window.baas.auth.getSession()), null);
  await context.close();
});

test('with storage refusing writes (quota, private mode), sign-in works from memory', async () => {
  const { page, context } = await openDemo(browser, server, {}, {
    initScript: () => {
      Storage.prototype.setItem = () => {
        throw new DOMException('quota exceeded', 'QuotaExceededError');
      };
    },
  });
  const session = await signUp(page);
  assert.equal((await page.evaluate(() => window.baas.auth.getSession())).accessToken, session.accessToken);
  assert.equal(await page.evaluate(() => localStorage.length), 0);
  await context.close();
});
