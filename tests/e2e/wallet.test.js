// Wallet sign-in (EIP-1193 + Sign-In with Ethereum) end to end: the demo's "Connect wallet"
// against the real server, with an in-page wallet backed by a real secp256k1 key (viem).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser } from './support/browser.js';
import { attempt, click, jwtClaims, storedSession } from './support/demo.js';
import { startServer } from './support/server.js';
import { installWallet } from './support/wallet.js';

let browser, server;

before(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startServer()]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function openWithWallet(options) {
  const context = await browser.newContext();
  const wallet = await installWallet(context, options);
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]');
  return { context, page, wallet };
}

test('Connect wallet signs in with the wallet key, then short-circuits until the wallet switches account', async () => {
  const { context, page, wallet } = await openWithWallet();
  const { session, error } = await click(page, 'wallet');
  assert.equal(error, null);
  assert.equal(session.address, wallet.account.address, 'the EIP-55 address of the key');
  assert.equal(session.method, 'wallet');
  assert.equal(session.credential, undefined);
  assert.equal(jwtClaims(session.accessToken).sub, wallet.account.address);
  assert.deepEqual(wallet.calls, ['eth_requestAccounts', 'eth_chainId', 'personal_sign']);

  // Again: the wallet still reports the account, so no prompt.
  wallet.calls.length = 0;
  const again = await attempt(page, 'return baas.auth.signIn("wallet", window.ethereum);');
  assert.equal(again.value.accessToken, session.accessToken);
  assert.deepEqual(wallet.calls, ['eth_accounts'], 'eth_accounts never prompts');

  // The user switched accounts in the wallet: a new sign-in runs.
  wallet.switchAccount();
  wallet.calls.length = 0;
  const switched = await attempt(page, 'return baas.auth.signInWithWallet(window.ethereum);');
  assert.equal(switched.value.address, wallet.account.address);
  assert.deepEqual(wallet.calls, ['eth_accounts', 'eth_requestAccounts', 'eth_chainId', 'personal_sign']);
  assert.equal(JSON.parse(await storedSession(page)).address, wallet.account.address);
  await context.close();
});

test('rejecting either wallet prompt is WALLET_CONNECT_REJECTED and stores nothing', async () => {
  const { context, page, wallet } = await openWithWallet();
  for (const method of ['eth_requestAccounts', 'personal_sign']) {
    wallet.failNext(method, { code: 4001, message: 'User rejected the request.' });
    const { error } = await attempt(page, 'return baas.auth.signInWithWallet(window.ethereum);');
    assert.equal(error.code, 'WALLET_CONNECT_REJECTED', method);
    assert.equal(error.name, 'BaasWalletError');
    assert.equal(error.causeCode, 4001, 'the EIP-1193 error is the cause');
    assert.equal(await storedSession(page), null);
  }
  await context.close();
});

test('each wallet failure has its code', async () => {
  const { context, page, wallet } = await openWithWallet();
  const cases = [
    [-32002, 'WALLET_REQUEST_PENDING'],
    [4100, 'WALLET_UNAUTHORIZED'],
    [4900, 'WALLET_DISCONNECTED'],
    [4901, 'WALLET_DISCONNECTED'],
    [-32603, 'WALLET_UNAVAILABLE'],
  ];
  for (const [code, expected] of cases) {
    wallet.failNext('eth_requestAccounts', { code, message: 'wallet error' });
    const { error } = await attempt(page, 'return baas.auth.signInWithWallet(window.ethereum);');
    assert.equal(error.code, expected, String(code));
    assert.equal(error.name, 'BaasWalletError');
  }
  wallet.shareAccounts = false;
  assert.equal((await attempt(page, 'return baas.auth.signInWithWallet(window.ethereum);')).error.code, 'WALLET_NO_ACCOUNTS');
  for (const provider of ['undefined', '{}', '{ request: 42 }']) {
    const { error } = await attempt(page, `return baas.auth.signInWithWallet(${provider});`);
    assert.equal(error.code, 'WALLET_UNAVAILABLE', provider);
  }
  const noWallet = await attempt(page, 'return baas.auth.signIn("wallet");');
  assert.equal(noWallet.error.code, 'WALLET_UNAVAILABLE');
  assert.deepEqual(wallet.calls.filter((m) => m === 'personal_sign'), [], 'no signature was ever asked');
  assert.equal(await storedSession(page), null);
  await context.close();
});

test('a nonce failure is NONCE_FETCH_FAILED before the signature prompt; a refused signature is VERIFY_FAILED', async () => {
  const { context, page, wallet } = await openWithWallet({ chainId: 10 });
  const dead = await attempt(page, `
    const client = sdk.createBaasClient({ projectId: 'demo2', publishableKey: 'sb_publishable_demo', apiUrl: 'http://localhost:9', requestTimeout: 1000 });
    return client.auth.signInWithWallet(window.ethereum);`);
  assert.equal(dead.error.code, 'NONCE_FETCH_FAILED');
  assert.ok(!wallet.calls.includes('personal_sign'));

  // A signature by another key than the account's.
  await page.route('**/v1/auth/wallet/login', async (route) => {
    const body = route.request().postDataJSON();
    const forged = body.signature.slice(0, 10) + (body.signature[10] === 'a' ? 'b' : 'a') + body.signature.slice(11);
    await route.continue({ postData: JSON.stringify({ ...body, signature: forged }) });
  });
  const { error } = await attempt(page, 'return baas.auth.signInWithWallet(window.ethereum);');
  assert.equal(error.code, 'VERIFY_FAILED');
  assert.equal(await storedSession(page), null);
  await context.close();
});

test('getInjectedWallets lists the wallets that announce themselves (EIP-6963)', async () => {
  const { context, page } = await openWithWallet();
  const wallets = await page.evaluate(async () => {
    const sdk = await import('@baas/sdk');
    const found = await sdk.getInjectedWallets();
    return found.map((w) => ({ ...w.info, same: w.provider === window.ethereum }));
  });
  assert.equal(wallets.length, 1, 'announced twice, listed once');
  assert.equal(wallets[0].rdns, 'dev.baas.test');
  assert.equal(wallets[0].same, true);
  await context.close();
});

test('a device whose clock is ten minutes fast still signs in: the message carries the server\'s times', async () => {
  const context = await browser.newContext();
  const wallet = await installWallet(context);
  await context.addInitScript(() => {
    const skew = 10 * 60 * 1000;
    const RealDate = Date;
    globalThis.Date = class extends RealDate {
      constructor(...args) {
        super(...(args.length ? args : [RealDate.now() + skew]));
      }
      static now() {
        return RealDate.now() + skew;
      }
    };
  });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]');
  const { value, error } = await attempt(page, 'return baas.auth.signInWithWallet(window.ethereum);');
  assert.equal(error, undefined);
  assert.equal(value.address, wallet.account.address);
  await context.close();
});
