// Verifies a baas access token in your backend, offline: the signature against the server's
// published keys (/.well-known/jwks.json, fetched once and cached, refetched for an unknown
// `kid` after a key rotation), `alg` ES256 only, `aud` = your project ID, and `exp`.
// Needs Node 20+ and `npm install jose`.
//
//   import { createVerifier } from './verify.mjs';
//   const verify = createVerifier({ apiUrl: 'https://api.example.com', projectId: 'my-project' });
//   const { address } = await verify(token); // rejects on a bad, foreign or expired token
//
// Or from a shell: BAAS_API_URL=… BAAS_PROJECT_ID=… node verify.mjs <token>
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { pathToFileURL } from 'node:url';

/** A function that verifies an access token of `projectId` issued by the server at `apiUrl`. */
export function createVerifier({ apiUrl, projectId }) {
  const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', apiUrl));
  return async function verify(token) {
    const { payload } = await jwtVerify(token, jwks, {
      algorithms: ['ES256'],
      audience: projectId,
      requiredClaims: ['sub', 'exp', 'iat', 'sid'],
      clockTolerance: 1, // seconds, as the server itself allows
    });
    return {
      address: payload.sub, // EIP-55 checksummed, as in the SDK's session
      sessionId: payload.sid,
      expiresAt: payload.exp,
      claims: payload,
    };
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const verify = createVerifier({
    apiUrl: process.env.BAAS_API_URL ?? 'http://localhost:8787',
    projectId: process.env.BAAS_PROJECT_ID ?? 'demo',
  });
  try {
    console.log(JSON.stringify(await verify(process.argv[2] ?? '')));
  } catch (error) {
    console.error(`refused: ${error.code ?? error.name}: ${error.message}`);
    process.exitCode = 1;
  }
}
