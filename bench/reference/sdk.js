// The JavaScript reference SDK of scripts/bench: the same job as @baas/sdk's passkey flow, written
// the way an app would write it with the usual libraries, to compare download size and speed.
//
// - ceremonies: @simplewebauthn/browser (startRegistration / startAuthentication);
// - address: keccak-256 (@noble/hashes) of the P-256 point x ‖ y, EIP-55 checksum, the point
//   checked on the curve by @noble/curves;
// - sign-in: the server's address must hash from the returned COSE key, and the assertion just
//   obtained must verify under it (@noble/curves p256, DER, high-S allowed as WebAuthn does);
// - a small session store with the same rules as @baas/sdk: synchronous restore from
//   localStorage in createClient, getSession() returns one frozen object and never an expired
//   session (expiry on the server's clock: the offset between the token's iat and the local clock
//   at receipt), a valid session short-circuits sign-up and sign-in (no request, no prompt), two
//   concurrent ceremonies share one promise, onAuthStateChange, signOut.
//
// Not here (and in @baas/sdk): wallet sign-in (SIWE, EIP-1193, EIP-6963), token refresh,
// cross-tab sync, challenge prefetch, typed error codes, conditional mediation. The reference is
// therefore a lower bound of what the same features cost in JavaScript.
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { addressOfPoint, b64u, coseCoordinates } from './address.js';

class Session {
  constructor(record) {
    this.record = record;
    const { address, accessToken, expiresAt, method, credential } = record;
    this.view = Object.freeze({
      address,
      accessToken,
      expiresAt,
      method,
      credential: credential && Object.freeze({ id: credential.id, backupEligible: credential.backupEligible, backedUp: credential.backedUp }),
    });
  }
  /** Valid on the server's clock (local clock + offset kept at receipt). */
  valid(nowMs = Date.now()) {
    return nowMs / 1000 + this.record.clockOffset < this.record.expiresAt;
  }
}

function received(json) {
  const claims = JSON.parse(new TextDecoder().decode(b64u.decode(json.accessToken.split('.')[1])));
  return { ...json, clockOffset: claims.iat - Date.now() / 1000 };
}

/** createClient({ projectId, publishableKey, apiUrl }): synchronous, restores the stored session. */
export function createClient({ projectId, publishableKey, apiUrl, requestTimeout = 15000 }) {
  if (!projectId || !publishableKey || !/^https?:\/\//.test(apiUrl ?? '')) throw new Error('INVALID_CONFIG');
  const storageKey = `ref:${projectId}:session`;
  const listeners = new Set();
  const pending = new Map();
  let session = null;
  try {
    const stored = JSON.parse(localStorage.getItem(storageKey));
    if (stored?.accessToken && typeof stored.expiresAt === 'number') session = new Session(stored);
  } catch {
    localStorage.removeItem(storageKey); // corrupted: discarded, not trusted
  }

  const set = (record, event) => {
    session = record && new Session(record);
    if (record) localStorage.setItem(storageKey, JSON.stringify(record));
    else localStorage.removeItem(storageKey);
    for (const cb of listeners) queueMicrotask(() => cb(session?.view ?? null, event));
    return session?.view ?? null;
  };
  const post = async (path, body) => {
    const response = await fetch(apiUrl + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-baas-publishable-key': publishableKey },
      body: JSON.stringify(body ?? {}),
      signal: AbortSignal.timeout(requestTimeout),
    });
    const json = response.status === 204 ? null : await response.json();
    if (!response.ok) throw Object.assign(new Error(json?.error?.message ?? 'request failed'), { code: json?.error?.code });
    return json;
  };
  const getSession = () => (session && session.valid() ? session.view : null);
  const once = (name, run) => {
    const current = getSession();
    if (current) return Promise.resolve(current);
    if (!pending.has(name)) pending.set(name, run().finally(() => pending.delete(name)));
    return pending.get(name);
  };

  const signUp = () =>
    once('ceremony', async () => {
      const { challengeId, publicKey } = await post('/v1/auth/passkey/register/options');
      const credential = await startRegistration({ optionsJSON: publicKey });
      // The SPKI DER of a P-256 key ends with the uncompressed point 04 ‖ x ‖ y.
      const spki = b64u.decode(credential.response.publicKey);
      const address = addressOfPoint(spki.slice(-64, -32), spki.slice(-32));
      const json = await post('/v1/auth/passkey/register', { challengeId, credential });
      if (json.address !== address) throw new Error('ADDRESS_MISMATCH');
      return set(received(json), 'SIGNED_IN');
    });

  const signIn = () =>
    once('ceremony', async () => {
      const { challengeId, publicKey } = await post('/v1/auth/passkey/login/options');
      const credential = await startAuthentication({ optionsJSON: publicKey });
      const json = await post('/v1/auth/passkey/login', { challengeId, credential });
      const [x, y] = coseCoordinates(b64u.decode(json.credential.publicKey));
      const { authenticatorData, clientDataJSON, signature } = credential.response;
      const signed = concatBytes(b64u.decode(authenticatorData), sha256(b64u.decode(clientDataJSON)));
      const point = concatBytes(Uint8Array.of(4), x, y);
      const verified = p256.verify(b64u.decode(signature), signed, point, { format: 'der', lowS: false });
      if (json.address !== addressOfPoint(x, y) || !verified) throw new Error('ADDRESS_MISMATCH');
      return set(received(json), 'SIGNED_IN');
    });

  const auth = {
    signUpWithPasskey: signUp,
    signInWithPasskey: signIn,
    getSession,
    onAuthStateChange(cb) {
      listeners.add(cb);
      queueMicrotask(() => cb(getSession(), 'INITIAL_SESSION'));
      return () => listeners.delete(cb);
    },
    async signOut() {
      const record = session?.record;
      set(null, 'SIGNED_OUT');
      if (record) await post('/v1/auth/logout', { refreshToken: record.refreshToken }).catch(() => {});
    },
  };
  return { auth };
}
