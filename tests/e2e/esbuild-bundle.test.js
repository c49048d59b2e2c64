// The package bundled by esbuild, which leaves `new URL('baas_sdk_bg.wasm', import.meta.url)`
// alone: with the .wasm copied next to the bundle (docs/install.md), the bundle runs in Chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { launchBrowser } from './support/browser.js';
import { addressOf, coseKey } from './support/independent-crypto.js';
import { PKG_DIR } from './support/package.js';
import { serveStatic } from './support/static-server.js';

const ENTRY = `
import init, { BaasError, addressFromCoseKey, createBaasClient, isPasskeySupported } from '@baas/sdk';

await init();
const baas = createBaasClient({ projectId: 'p', publishableKey: 'sb_publishable_p', apiUrl: location.origin });
let invalid = null;
try {
  createBaasClient({ projectId: 'p', publishableKey: 'sb_publishable_p', apiUrl: 'not a url' });
} catch (error) {
  invalid = { baas: error instanceof BaasError, code: error.code };
}
window.result = {
  session: baas.auth.getSession(),
  passkeys: isPasskeySupported(),
  invalid,
  address: await addressFromCoseKey(new Uint8Array(window.coseKey)),
};
`;

let dir, site, browser;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baas-esbuild-'));
  await mkdir(`${dir}/node_modules/@baas`, { recursive: true });
  await symlink(PKG_DIR, `${dir}/node_modules/@baas/sdk`);
  await writeFile(`${dir}/main.js`, ENTRY);
  await build({
    entryPoints: [`${dir}/main.js`],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    outdir: `${dir}/dist`,
    logLevel: 'error',
  });
  await copyFile(`${PKG_DIR}/baas_sdk_bg.wasm`, `${dir}/dist/baas_sdk_bg.wasm`);
  await writeFile(`${dir}/dist/index.html`, '<!doctype html><script type="module" src="main.js"></script>');
  site = await serveStatic({ '/': `${dir}/dist` });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('an esbuild bundle with the wasm next to it instantiates and runs the SDK', async () => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const coordinates = { x: Buffer.from(jwk.x, 'base64url'), y: Buffer.from(jwk.y, 'base64url') };
  const page = await browser.newPage();
  await page.addInitScript((key) => {
    window.coseKey = key;
  }, [...coseKey(coordinates)]);
  await page.goto(`${site.url}/`);
  await page.waitForFunction(() => window.result, null, { timeout: 15_000 });
  assert.deepEqual(await page.evaluate(() => window.result), {
    session: null,
    passkeys: true,
    invalid: { baas: true, code: 'INVALID_CONFIG' },
    address: addressOf(coordinates),
  });
});
