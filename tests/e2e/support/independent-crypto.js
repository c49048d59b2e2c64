// Address derivation with code we did not write, to check ours against: the public key of a
// PKCS#8 private key by Node's OpenSSL, keccak-256 by @noble/hashes, EIP-55 by the spec's rule.
import { createPrivateKey } from 'node:crypto';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** The public coordinates `{ x, y }` of a P-256 private key in base64 PKCS#8 DER. */
export function publicCoordinates(pkcs8Base64) {
  const jwk = createPrivateKey({
    key: Buffer.from(pkcs8Base64, 'base64'),
    format: 'der',
    type: 'pkcs8',
  }).export({ format: 'jwk' });
  if (jwk.crv !== 'P-256') throw new Error(`not a P-256 key: ${jwk.crv}`);
  return { x: Buffer.from(jwk.x, 'base64url'), y: Buffer.from(jwk.y, 'base64url') };
}

/** EIP-55 address of keccak256(x ‖ y). */
export function addressOf({ x, y }) {
  const hex = bytesToHex(keccak_256(Buffer.concat([x, y])).slice(12));
  const hash = bytesToHex(keccak_256(new TextEncoder().encode(hex)));
  let out = '0x';
  for (let i = 0; i < 40; i++) out += parseInt(hash[i], 16) >= 8 ? hex[i].toUpperCase() : hex[i];
  return out;
}

/** A COSE_Key (EC2, ES256, P-256) for the coordinates, encoded by hand in CTAP2 order. */
export function coseKey({ x, y }) {
  return Uint8Array.from([0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20, ...x, 0x22, 0x58, 0x20, ...y]);
}
