// Types of the @baas/sdk entry (index.js). Every export is named here rather than re-exported
// with `export *`, so the wasm glue's internals (its `InitOutput`, whose raw exports are typed
// `any`) stay out of the public surface. tests/types checks that these names are exactly the
// runtime exports of index.js and that nothing reachable from them is `any`.

import type { EIP1193Provider, InitInput, SyncInitInput } from './baas_sdk.js';

export {
  Auth,
  addressFromCoseKey,
  createBaasClient,
  getPasskeyCapabilities,
  isPasskeySupported,
} from './baas_sdk.js';
export type {
  BaasAuthClient,
  BaasAuthEvent,
  BaasClient,
  BaasClientOptions,
  BaasSession,
  BaasSignInMethod,
  BaasSignInOptions,
  EIP1193Provider,
  InitInput,
  PasskeyCapabilities,
  SyncInitInput,
} from './baas_sdk.js';

/** What `init()` and `initSync()` return: the instantiated module's memory (the rest is internal). */
export interface InitOutput {
  readonly memory: WebAssembly.Memory;
}

/**
 * Fetches and instantiates the SDK's `.wasm`; call it once, before any other function. By
 * default it loads `baas_sdk_bg.wasm` next to the package's `baas_sdk.js`
 * (`new URL('baas_sdk_bg.wasm', import.meta.url)`), which Vite, webpack 5 and Parcel
 * rewrite to the emitted asset. With a bundler that does not (esbuild), copy the file next to the
 * bundle or pass its URL as `module_or_path`. Calling it again returns the same instance.
 */
export default function init(options?: {
  module_or_path?: InitInput | Promise<InitInput>;
}): Promise<InitOutput>;

/** Instantiates the SDK synchronously from the `.wasm` bytes or a compiled module (workers, tests). */
export function initSync(options: { module: SyncInitInput }): InitOutput;

/** Codes of `BaasWalletError`: the wallet or passkey prompt, and the wallet provider. */
export type BaasWalletErrorCode =
  | 'WALLET_CONNECT_REJECTED'
  | 'WALLET_UNAVAILABLE'
  | 'WALLET_NO_ACCOUNTS'
  | 'WALLET_REQUEST_PENDING'
  | 'WALLET_UNAUTHORIZED'
  | 'WALLET_DISCONNECTED';

/** Codes of `BaasAuthError`: passkeys, the server and the session. */
export type BaasAuthErrorCode =
  | 'NONCE_FETCH_FAILED'
  | 'VERIFY_FAILED'
  | 'REFRESH_FAILED'
  | 'PASSKEY_NOT_FOUND'
  | 'PASSKEY_ALREADY_REGISTERED'
  | 'PASSKEY_UNSUPPORTED'
  | 'PASSKEY_DOMAIN_MISMATCH'
  | 'ADDRESS_MISMATCH';

/** Every stable error code of the SDK (DESIGN §2); `INVALID_CONFIG` is a plain `BaasError`. */
export type BaasErrorCode = BaasAuthErrorCode | BaasWalletErrorCode | 'INVALID_CONFIG';

/** Every SDK rejection: a real `Error` with a stable `code` and the underlying `cause`. */
export class BaasError extends Error {
  constructor(code: BaasErrorCode, message: string, options?: { cause?: unknown });
  readonly code: BaasErrorCode;
  readonly cause?: unknown;
}

/** Passkey, server and session errors. */
export class BaasAuthError extends BaasError {
  constructor(code: BaasAuthErrorCode, message: string, options?: { cause?: unknown });
  readonly code: BaasAuthErrorCode;
}

/** Wallet prompt and provider errors, including a cancelled passkey prompt. */
export class BaasWalletError extends BaasError {
  constructor(code: BaasWalletErrorCode, message: string, options?: { cause?: unknown });
  readonly code: BaasWalletErrorCode;
}

/** What an EIP-6963 wallet announces about itself. */
export interface EIP6963ProviderInfo {
  readonly uuid: string;
  readonly name: string;
  /** A data URI of the wallet's icon. */
  readonly icon: string;
  /** Reverse-DNS identifier, e.g. `io.metamask`. */
  readonly rdns: string;
}

/** An injected wallet found through EIP-6963. */
export interface EIP6963ProviderDetail {
  readonly info: EIP6963ProviderInfo;
  readonly provider: EIP1193Provider;
}

/** The injected wallets that announce themselves (EIP-6963) within `timeout` ms (default 200). */
export function getInjectedWallets(options?: { timeout?: number }): Promise<EIP6963ProviderDetail[]>;
