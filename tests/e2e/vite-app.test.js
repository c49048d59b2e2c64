// The Vite + TypeScript example (examples/vite-app) as its users run it: its production build
// served by baas-server (`--static dist`), and its dev server proxying the API, in Chromium with
// a virtual authenticator. scripts/test-ecosystem installs and builds it before this layer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { addVirtualAuthenticator, launchBrowser } from './support/browser.js';
import { addressOf, publicCoordinates } from './support/independent-crypto.js';
import { ROOT } from './support/package.js';
import { freePort, startServer } from './support/server.js';
import { installWallet } from './support/wallet.js';

const APP_DIR = `${ROOT}/examples/vite-app`;
const DIST = `${APP_DIR}/dist`;
const SYNCED = { defaultBackupEligibility: true, defaultBackupState: true };

let browser, server;

before(async () => {
  await stat(`${DIST}/index.html`).catch(() => {
    throw new Error('examples/vite-app/dist is missing: run scripts/test-ecosystem first');
  });
  browser = await launchBrowser();
  server = await startServer({ staticDir: DIST });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/**
 * Opens the app at `url` in a fresh profile (with a test wallet when `wallet`), then adds a
 * virtual authenticator. Records the responses the page got.
 */
async function openApp(url, authenticatorOptions = {}, { wallet = false } = {}) {
  const context = await browser.newContext();
  const testWallet = wallet ? await installWallet(context) : null;
  const page = await context.newPage();
  const responses = [];
  page.on('response', (response) => responses.push(response));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  const authenticator = await addVirtualAuthenticator(page, authenticatorOptions);
  return { context, page, authenticator, wallet: testWallet, responses };
}

/** What the app shows. */
function shown(page) {
  return page.evaluate(() => {
    const $ = (id) => document.getElementById(id);
    return {
      signedIn: !$('signed-in').hidden,
      address: $('signed-in').hidden ? null : $('address').textContent,
      method: $('signed-in').hidden ? null : $('method').textContent,
      passkey: $('signed-in').hidden ? null : $('passkey').textContent,
      deviceBoundWarning: !$('device-bound').hidden,
      error: $('error').hidden ? null : $('error').dataset.code,
    };
  });
}

/** Clicks a button of the app and waits until its action has settled. */
async function click(page, selector) {
  await page.click(selector);
  await page.waitForSelector('body:not([data-busy])');
  return shown(page);
}

/** The address of the virtual authenticator's only passkey, derived independently. */
async function passkeyAddress(authenticator) {
  const [credential] = await authenticator.credentials();
  return addressOf(publicCoordinates(credential.privateKey));
}

test('the production build signs up, shows the address and a synced passkey, signs out and in', async () => {
  const { context, page, authenticator, responses } = await openApp(server.url, SYNCED);
  try {
    assert.deepEqual(await shown(page), {
      signedIn: false,
      address: null,
      method: null,
      passkey: null,
      deviceBoundWarning: false,
      error: null,
    });

    const signedUp = await click(page, '#sign-up');
    const address = await passkeyAddress(authenticator);
    assert.deepEqual(signedUp, {
      signedIn: true,
      address,
      method: 'passkey',
      passkey: 'synced',
      deviceBoundWarning: false,
      error: null,
    });

    // The bundle loaded the SDK's wasm as a hashed asset of the build, served as wasm.
    const wasm = responses.find((r) => /\/assets\/baas_sdk_bg-[\w-]+\.wasm$/.test(r.url()));
    assert.ok(wasm, `the wasm asset was fetched: ${responses.map((r) => r.url()).join(' ')}`);
    assert.equal(wasm.status(), 200);
    assert.equal(wasm.headers()['content-type'], 'application/wasm');
    const assets = await readdir(`${DIST}/assets`);
    assert.ok(assets.some((f) => /^baas_sdk_bg-[\w-]+\.wasm$/.test(f)), assets.join());

    // A reload shows the session on the first render, with no prompt.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal((await shown(page)).address, address);

    assert.equal((await click(page, '#sign-out')).signedIn, false);
    const signedIn = await click(page, '#sign-in');
    assert.equal(signedIn.address, address);
    assert.equal(signedIn.passkey, 'synced');
    assert.equal(signedIn.error, null);
  } finally {
    await context.close();
  }
});

test('a device-bound passkey is shown as such, with the warning', async () => {
  const { context, page, authenticator } = await openApp(server.url);
  try {
    const state = await click(page, '#sign-up');
    assert.equal(state.address, await passkeyAddress(authenticator));
    assert.equal(state.passkey, 'device-bound');
    assert.equal(state.deviceBoundWarning, true);
  } finally {
    await context.close();
  }
});

test('a cancelled prompt is shown with its code and leaves the user signed out', async () => {
  const { context, page } = await openApp(server.url, { isUserVerified: false });
  try {
    const state = await click(page, '#sign-up');
    assert.equal(state.signedIn, false);
    assert.equal(state.error, 'WALLET_CONNECT_REJECTED');
  } finally {
    await context.close();
  }
});

test('the wallets announced through EIP-6963 get a button that signs in with them', async () => {
  const { context, page, wallet } = await openApp(server.url, {}, { wallet: true });
  try {
    const label = await page.textContent('#wallets button');
    assert.equal(label, 'Sign in with Test Wallet');
    const state = await click(page, '#wallets button');
    assert.equal(state.error, null);
    assert.equal(state.address, wallet.account.address);
    assert.equal(state.method, 'wallet');
    assert.equal(state.passkey, 'none');
    assert.equal((await click(page, '#sign-out')).signedIn, false);
  } finally {
    await context.close();
  }
});

test('the Vite dev server serves the app, pre-bundling the package, and proxies the API', async () => {
  const devPort = await freePort();
  const devUrl = `http://localhost:${devPort}`;
  const api = await startServer({ staticDir: DIST, env: { BAAS_ORIGINS: `${devUrl}` } });
  const vite = spawn(`${APP_DIR}/node_modules/.bin/vite`, ['--port', String(devPort), '--strictPort', '--host', '127.0.0.1'], {
    cwd: APP_DIR,
    env: { ...process.env, BAAS_API_URL: `http://127.0.0.1:${api.port}` },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => vite.once('exit', resolve));
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${devPort}/`)).ok) break;
      } catch {
        // not listening yet
      }
      assert.ok(vite.exitCode === null && Date.now() < deadline, 'the Vite dev server starts');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const { context, page, authenticator, responses } = await openApp(devUrl, SYNCED);
    try {
      // Vite pre-bundled the installed package and still found its wasm.
      assert.ok(responses.some((r) => r.url().includes('/node_modules/.vite/deps/') && r.url().includes('baas')));
      assert.ok(responses.some((r) => /baas_sdk_bg\.wasm(\?|$)/.test(r.url()) && r.status() === 200), responses.map((r) => r.url()).join(' '));
      const state = await click(page, '#sign-up');
      assert.equal(state.error, null);
      assert.equal(state.address, await passkeyAddress(authenticator));
      await click(page, '#sign-out');
      assert.equal((await click(page, '#sign-in')).address, state.address);
    } finally {
      await context.close();
    }
  } finally {
    vite.kill('SIGTERM');
    await exited;
    await api.stop();
  }
});
