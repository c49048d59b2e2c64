// Error classes of @baas/sdk (DESIGN §2). Imported by the wasm glue, which creates every error
// through `baasError`, and re-exported by the package entry, so `instanceof` works for apps.

/** Every SDK error: a real `Error` with a stable `code` and the underlying `cause`. */
export class BaasError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Passkey, server and session errors. */
export class BaasAuthError extends BaasError {}

/** Wallet prompt and provider errors, including a cancelled passkey prompt. */
export class BaasWalletError extends BaasError {}

const WALLET_CODES = new Set([
  'WALLET_CONNECT_REJECTED',
  'WALLET_UNAVAILABLE',
  'WALLET_NO_ACCOUNTS',
  'WALLET_REQUEST_PENDING',
  'WALLET_UNAUTHORIZED',
  'WALLET_DISCONNECTED',
]);

/** The error of class matching `code`, with `cause` kept when there is one. */
export function baasError(code, message, cause) {
  const Class = WALLET_CODES.has(code)
    ? BaasWalletError
    : code === 'INVALID_CONFIG'
      ? BaasError
      : BaasAuthError;
  return new Class(code, message, cause === undefined ? undefined : { cause });
}
