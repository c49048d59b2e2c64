// Entry of the @baas/sdk package: the wasm glue's exports, its default `init`, and the error
// classes the glue throws (the very same classes, so `instanceof` works). No side effects.
export * from './baas_sdk.js';
export { default } from './baas_sdk.js';
export { BaasError, BaasAuthError, BaasWalletError } from './ERRORS_MODULE';
export { getInjectedWallets } from './eip6963.js';
