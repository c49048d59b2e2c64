export * from './baas_sdk.js';
export { default } from './baas_sdk.js';

/** Every stable error code of the SDK (DESIGN §2). */
export type BaasErrorCode =
  | 'WALLET_CONNECT_REJECTED'
  | 'NONCE_FETCH_FAILED'
  | 'VERIFY_FAILED'
  | 'REFRESH_FAILED'
  | 'PASSKEY_NOT_FOUND'
  | 'PASSKEY_ALREADY_REGISTERED'
  | 'PASSKEY_UNSUPPORTED'
  | 'PASSKEY_DOMAIN_MISMATCH'
  | 'ADDRESS_MISMATCH'
  | 'INVALID_CONFIG'
  | 'WALLET_UNAVAILABLE'
  | 'WALLET_NO_ACCOUNTS'
  | 'WALLET_REQUEST_PENDING'
  | 'WALLET_UNAUTHORIZED'
  | 'WALLET_DISCONNECTED';

/** Every SDK rejection: a real `Error` with a stable `code` and the underlying `cause`. */
export class BaasError extends Error {
  readonly code: BaasErrorCode;
  readonly cause?: unknown;
}

/** Passkey, server and session errors. */
export class BaasAuthError extends BaasError {}

/** Wallet prompt and provider errors, including a cancelled passkey prompt. */
export class BaasWalletError extends BaasError {}
