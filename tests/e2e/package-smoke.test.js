// The release package (after wasm-opt) loads in a real browser and its exports work: the only
// layer that catches a module broken by the optimiser, since wasm-bindgen-test never runs it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { addVirtualAuthenticator, launchBrowser } from './support/browser.js';
import { serveStatic } from './support/static-server.js';
import { addressOf, coseKey, publicCoordinates } from './support/independent-crypto.js';
import { PAGES_DIR, PKG_DIR } from './support/package.js';

let browser, site, page;

before(async () => {
  const manifest = JSON.parse(await readFile(`${PKG_DIR}/package.json`, 'utf8'));
  assert.equal(manifest.name, '@baas/sdk');
  await stat(`${PKG_DIR}/baas_sdk_bg.wasm`);
  site = await serveStatic({ '/pkg/': PKG_DIR, '/': PAGES_DIR });
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.goto(`${site.url}/blank.html`);
});

after(async () => {
  await browser?.close();
  await site?.close();
});

test('the optimised module instantiates and derives the address of a fresh passkey', async () => {
  const authenticator = await addVirtualAuthenticator(page);
  const spki = await page.evaluate(async () => {
    const credential = await navigator.credentials.create({
      publicKey: {
        rp: { id: 'localhost', name: 'smoke' },
        user: { id: crypto.getRandomValues(new Uint8Array(16)), name: 'smoke', displayName: 'Smoke' },
        challenge: crypto.getRandomValues(new Uint8Array(32)),
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      },
    });
    return credential.toJSON().response.publicKey;
  });
  const [credential] = await authenticator.credentials();
  const coordinates = publicCoordinates(credential.privateKey);
  // The browser's own view of the key agrees with the private key's (SPKI ends with x ‖ y).
  assert.deepEqual(
    Buffer.from(spki, 'base64url').subarray(-64),
    Buffer.concat([coordinates.x, coordinates.y]),
  );

  const address = await page.evaluate(async (key) => {
    const sdk = await import('/pkg/index.js');
    await sdk.default();
    return sdk.addressFromCoseKey(new Uint8Array(key));
  }, [...coseKey(coordinates)]);
  assert.equal(address, addressOf(coordinates));
  assert.match(address, /^0x[0-9a-fA-F]{40}$/);
});

test('errors from the package are instances of the exported classes', async () => {
  const result = await page.evaluate(async () => {
    const sdk = await import('/pkg/index.js');
    await sdk.default();
    try {
      await sdk.addressFromCoseKey(new Uint8Array([0xa0]));
      return null;
    } catch (error) {
      return {
        baas: error instanceof sdk.BaasError,
        auth: error instanceof sdk.BaasAuthError,
        wallet: error instanceof sdk.BaasWalletError,
        error: error instanceof Error,
        code: error.code,
        cause: error.cause,
        name: error.name,
      };
    }
  });
  assert.deepEqual(result, {
    baas: true,
    auth: true,
    wallet: false,
    error: true,
    code: 'VERIFY_FAILED',
    cause: 'COSE_MISSING_PARAMETER',
    name: 'BaasAuthError',
  });
});
