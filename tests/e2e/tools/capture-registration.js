// Records a passkey registration and a sign-in from Chromium's virtual authenticator as fixtures:
//   node tests/e2e/tools/capture-registration.js tests/fixtures/chromium-virtual-authenticator
// writes attestation-object.cbor (binary) and registration.json (the RegistrationResponseJSON and
// AuthenticationResponseJSON with their challenges (UTF-8), the authenticator's private key, and
// the address computed by independent-crypto.js).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addVirtualAuthenticator, launchBrowser } from '../support/browser.js';
import { serveStatic } from '../support/static-server.js';
import { addressOf, publicCoordinates } from '../support/independent-crypto.js';

const dir = process.argv[2];
const synced = process.argv.includes('--synced');
const site = await serveStatic({ '/': new URL('../pages', import.meta.url).pathname });
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  await page.goto(`${site.url}/blank.html`);
  const authenticator = await addVirtualAuthenticator(
    page,
    synced ? { defaultBackupEligibility: true, defaultBackupState: true } : {},
  );
  const response = await page.evaluate(async () => {
    const credential = await navigator.credentials.create({
      publicKey: {
        rp: { id: 'localhost', name: 'baas fixture' },
        user: { id: new Uint8Array([1, 2, 3, 4]), name: 'fixture', displayName: 'Fixture' },
        challenge: new TextEncoder().encode('baas-fixture-challenge-0123456789'),
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
        attestation: 'none',
      },
    });
    const assertion = await navigator.credentials.get({
      publicKey: {
        rpId: 'localhost',
        challenge: new TextEncoder().encode('baas-fixture-sign-in-challenge-0'),
        userVerification: 'required',
      },
    });
    return { registration: credential.toJSON(), authentication: assertion.toJSON() };
  });
  const [stored] = await authenticator.credentials();
  const expectedAddress = addressOf(publicCoordinates(stored.privateKey));
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'attestation-object.cbor'),
    Buffer.from(response.registration.response.attestationObject, 'base64url'),
  );
  const record = {
    source: `Chromium ${browser.version()} CDP virtual authenticator (ctap2, internal, resident key, UV${synced ? ', backup eligible and backed up' : ''}), captured by tests/e2e/tools/capture-registration.js`,
    origin: site.url,
    expectedAddress,
    expectedAddressSource: 'public key from the PKCS#8 private key by Node OpenSSL, keccak-256 by @noble/hashes',
    privateKeyPkcs8: stored.privateKey,
    registrationChallenge: 'baas-fixture-challenge-0123456789',
    registrationResponse: response.registration,
    authenticationChallenge: 'baas-fixture-sign-in-challenge-0',
    authenticationResponse: response.authentication,
  };
  await writeFile(join(dir, 'registration.json'), `${JSON.stringify(record, null, 2)}\n`);
  console.log(`${dir}: ${expectedAddress}`);
} finally {
  await browser.close();
  await site.close();
}
