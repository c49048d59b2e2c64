// Address helpers of the reference SDK (also used by the reference server): base64url, the
// x and y of a COSE EC2 key, and the EIP-55 address of keccak256(x ‖ y) after an on-curve check.
import { p256 } from '@noble/curves/nist.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';

export const b64u = {
  decode(text) {
    const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  },
};

/** EIP-55 address of keccak256(x ‖ y), after checking that (x, y) is on P-256. */
export function addressOfPoint(x, y) {
  p256.Point.fromBytes(concatBytes(Uint8Array.of(4), x, y)).assertValidity();
  const hex = bytesToHex(keccak_256(concatBytes(x, y)).slice(12));
  const hash = bytesToHex(keccak_256(utf8ToBytes(hex)));
  let out = '0x';
  for (let i = 0; i < 40; i++) out += parseInt(hash[i], 16) >= 8 ? hex[i].toUpperCase() : hex[i];
  return out;
}

/** x and y of a COSE_Key EC2 / ES256 / P-256 (a CBOR map with -2 and -3 as 32-byte strings). */
export function coseCoordinates(bytes) {
  let i = 0;
  const head = () => {
    const b = bytes[i++];
    const info = b & 31;
    let n = info;
    if (info === 24) n = bytes[i++];
    else if (info === 25) n = (bytes[i++] << 8) | bytes[i++];
    else if (info > 25) throw new Error('unsupported COSE key');
    return [b >> 5, n];
  };
  const [type, count] = head();
  if (type !== 5) throw new Error('COSE key is not a map');
  const key = {};
  for (let k = 0; k < count; k++) {
    const [kt, kn] = head();
    const label = kt === 1 ? -1 - kn : kn;
    const [vt, vn] = head();
    if (vt === 2) {
      key[label] = bytes.slice(i, i + vn);
      i += vn;
    } else key[label] = vt === 1 ? -1 - vn : vn;
  }
  if (key[1] !== 2 || key[3] !== -7 || key[-1] !== 1 || key[-2]?.length !== 32 || key[-3]?.length !== 32) {
    throw new Error('not an ES256 P-256 key');
  }
  return [key[-2], key[-3]];
}
