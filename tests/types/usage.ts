// A typed app using every export of @baas/sdk, checked with `tsc --noEmit --strict` against the
// built package (tests/types/public-types.test.js). It is never run: it only has to compile, and
// the `@ts-expect-error` lines have to stay errors.
import init, {
  Auth,
  BaasAuthError,
  BaasError,
  BaasWalletError,
  addressFromCoseKey,
  createBaasClient,
  getInjectedWallets,
  getPasskeyCapabilities,
  initSync,
  isPasskeySupported,
} from '@baas/sdk';
import type {
  BaasAuthClient,
  BaasAuthErrorCode,
  BaasAuthEvent,
  BaasClient,
  BaasClientOptions,
  BaasErrorCode,
  BaasSession,
  BaasSignInMethod,
  BaasSignInOptions,
  BaasWalletErrorCode,
  EIP1193Provider,
  EIP6963ProviderDetail,
  EIP6963ProviderInfo,
  InitInput,
  InitOutput,
  PasskeyCapabilities,
  SyncInitInput,
} from '@baas/sdk';

/** `true` only when `T` is `any`. */
type IsAny<T> = 0 extends 1 & T ? true : false;
/** Compiles only when `A` and `B` are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): void {}

// init: the default export, with the default URL or an explicit one.
const output: InitOutput = await init();
const memory: WebAssembly.Memory = output.memory;
await init({ module_or_path: new URL('/assets/baas_sdk_bg.wasm', 'https://app.example') });
await init({ module_or_path: fetch('/assets/baas_sdk_bg.wasm') });
const input: InitInput = '/assets/baas_sdk_bg.wasm';
await init({ module_or_path: input });
const bytes: SyncInitInput = new Uint8Array(8);
initSync({ module: bytes });
expectType<Equal<typeof output, InitOutput>>();
// @ts-expect-error the raw wasm exports are not part of the public surface
output.createBaasClient;

// createBaasClient: options are checked.
const options: BaasClientOptions = {
  projectId: 'my-project',
  publishableKey: 'sb_publishable_demo',
  apiUrl: 'https://api.example.com',
  requestTimeout: 15_000,
};
const baas: BaasClient = createBaasClient(options);
// @ts-expect-error apiUrl is required
createBaasClient({ projectId: 'p', publishableKey: 'k' });
// @ts-expect-error requestTimeout is a number of milliseconds
createBaasClient({ ...options, requestTimeout: '15s' });

const auth: BaasAuthClient = baas.auth;
const authClass: Auth = auth;
// @ts-expect-error the client is not freed by apps: it shares its state with every tab
auth.free();
// @ts-expect-error `Auth` is made by createBaasClient only
new Auth();

// Sessions.
function show(session: BaasSession | null): string {
  if (!session) return 'signed out';
  const address: string = session.address;
  const token: string = session.accessToken;
  const expires: number = session.expiresAt;
  const method: 'passkey' | 'wallet' = session.method;
  const synced: boolean | undefined = session.credential?.backedUp;
  const eligible: boolean | undefined = session.credential?.backupEligible;
  // @ts-expect-error the session is read-only
  session.address = '0x';
  // @ts-expect-error the refresh token never appears on the session
  session.refreshToken;
  return `${address} ${token} ${expires} ${method} ${synced} ${eligible} ${session.credential?.id}`;
}
show(auth.getSession());

const signedUp: BaasSession = await auth.signUpWithPasskey();
const signedIn: BaasSession = await auth.signInWithPasskey();
const signInOptions: BaasSignInOptions = { mediation: 'conditional' };
await auth.signInWithPasskey(signInOptions);
// @ts-expect-error not a mediation value
await auth.signInWithPasskey({ mediation: 'silent-ish' });
await auth.signIn();
await auth.signIn('passkey');
await auth.signUp();
await auth.signUp('passkey');
const method: BaasSignInMethod = 'wallet';
show(signedUp);
show(signedIn);

// Wallets: EIP-1193 providers, found through EIP-6963.
const wallets: EIP6963ProviderDetail[] = await getInjectedWallets();
await getInjectedWallets({ timeout: 500 });
for (const { info, provider } of wallets) {
  const described: EIP6963ProviderInfo = info;
  const name: string = described.name;
  const rdns: string = described.rdns;
  const accounts: unknown = await provider.request({ method: 'eth_accounts' });
  await auth.signInWithWallet(provider);
  await auth.signIn(method, provider);
  await auth.signUp('wallet', provider);
  show(null);
  void [name, rdns, accounts];
}
const minimal: EIP1193Provider = { request: async () => ['0x0000000000000000000000000000000000000000'] };
await auth.signInWithWallet(minimal);
// @ts-expect-error a wallet sign-in needs a provider
await auth.signIn('wallet');
// @ts-expect-error not an EIP-1193 provider
await auth.signInWithWallet({ send: () => {} });

// Auth events.
const off: () => void = auth.onAuthStateChange((session, event) => {
  const current: BaasSession | null = session;
  const happened: BaasAuthEvent = event;
  switch (happened) {
    case 'INITIAL_SESSION':
    case 'SIGNED_IN':
    case 'SIGNED_OUT':
    case 'TOKEN_REFRESHED':
      show(current);
      break;
    default: {
      const never: never = happened;
      throw new Error(never);
    }
  }
});
off();
await auth.signOut();

// Capabilities and helpers.
const supported: boolean = isPasskeySupported();
const capabilities: PasskeyCapabilities = await getPasskeyCapabilities();
const flags: boolean[] = [
  supported,
  capabilities.passkeys,
  capabilities.platformAuthenticator,
  capabilities.conditionalMediation,
];
const address: string = await addressFromCoseKey(new Uint8Array(77));
await addressFromCoseKey([0xa5]);

// Errors: classes with codes that narrow.
function describe(error: unknown): string {
  if (error instanceof BaasWalletError) {
    const code: BaasWalletErrorCode = error.code;
    // @ts-expect-error a wallet error never has an auth code
    const wrong: BaasAuthErrorCode = error.code;
    return code === 'WALLET_CONNECT_REJECTED' ? 'cancelled: try again' : `${code} ${wrong}`;
  }
  if (error instanceof BaasAuthError) {
    const code: BaasAuthErrorCode = error.code;
    return code === 'PASSKEY_ALREADY_REGISTERED' ? 'sign in instead' : code;
  }
  if (error instanceof BaasError) {
    const message: string = error.message;
    const cause: unknown = error.cause;
    const e: Error = error;
    return handle(error.code) + message + String(cause) + e.name;
  }
  return 'unknown';
}

/** An exhaustive switch over every code: adding a code without handling it fails here. */
function handle(code: BaasErrorCode): string {
  switch (code) {
    case 'WALLET_CONNECT_REJECTED':
    case 'WALLET_UNAVAILABLE':
    case 'WALLET_NO_ACCOUNTS':
    case 'WALLET_REQUEST_PENDING':
    case 'WALLET_UNAUTHORIZED':
    case 'WALLET_DISCONNECTED':
      return 'wallet';
    case 'NONCE_FETCH_FAILED':
    case 'VERIFY_FAILED':
    case 'REFRESH_FAILED':
    case 'PASSKEY_NOT_FOUND':
    case 'PASSKEY_ALREADY_REGISTERED':
    case 'PASSKEY_UNSUPPORTED':
    case 'PASSKEY_DOMAIN_MISMATCH':
    case 'ADDRESS_MISMATCH':
      return 'auth';
    case 'INVALID_CONFIG':
      return 'config';
    default: {
      const never: never = code;
      return never;
    }
  }
}
// @ts-expect-error not a code of the SDK
handle('CHALLENGE_EXPIRED');
const made = new BaasWalletError('WALLET_UNAVAILABLE', 'install a wallet', { cause: null });
// @ts-expect-error a wallet error is made with a wallet code
new BaasWalletError('VERIFY_FAILED', 'no');
describe(made);

// Nothing an app touches is `any`.
expectType<Equal<IsAny<typeof init>, false>>();
expectType<Equal<IsAny<Awaited<ReturnType<typeof init>>>, false>>();
expectType<Equal<IsAny<ReturnType<typeof initSync>>, false>>();
expectType<Equal<IsAny<ReturnType<BaasAuthClient['getSession']>>, false>>();
expectType<Equal<IsAny<Awaited<ReturnType<BaasAuthClient['signInWithWallet']>>>, false>>();
expectType<Equal<IsAny<Parameters<BaasAuthClient['onAuthStateChange']>[0]>, false>>();
expectType<Equal<IsAny<BaasError['cause']>, false>>();
expectType<Equal<BaasSession['method'], 'passkey' | 'wallet'>>();

void [memory, authClass, flags, address];
