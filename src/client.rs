//! `createBaasClient`: validates the options and builds the client, synchronously.

use baas_core::client_config::ClientConfig;
use js_sys::Object;
use wasm_bindgen::prelude::*;

use crate::auth::Auth;
use crate::error::{Error, ErrorCode};
use crate::js;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** Options of `createBaasClient`. */
export interface BaasClientOptions {
  /** Your project's ID; scopes the session stored in this browser. */
  projectId: string;
  /** Your project's publishable key (`sb_publishable_…`), sent with every request. */
  publishableKey: string;
  /** The BaaS API server, e.g. `https://api.example.com`. */
  apiUrl: string;
  /** Milliseconds each request may take (default 15000). */
  requestTimeout?: number;
}

/** A signed-in session. The refresh token is kept by the SDK and never appears here. */
export interface BaasSession {
  /** EIP-55 checksummed EVM address, `0x` + 40 hex digits. */
  readonly address: string;
  /** Raw JWT: send as `Authorization: Bearer <token>`. */
  readonly accessToken: string;
  /** Unix time in seconds, equal to the JWT `exp`. */
  readonly expiresAt: number;
  /** How the user signed in. */
  readonly method: 'passkey' | 'wallet';
  /** The passkey of a passkey session: synced (`backedUp`) or device-bound. */
  readonly credential?: {
    readonly id: string;
    readonly backupEligible: boolean;
    readonly backedUp: boolean;
  };
}

/** What `onAuthStateChange` listeners are told happened. */
export type BaasAuthEvent = 'INITIAL_SESSION' | 'SIGNED_IN' | 'SIGNED_OUT' | 'TOKEN_REFRESHED';

/** Options of `signInWithPasskey`. */
export interface BaasSignInOptions {
  /** `'conditional'`: offer passkeys in the autofill of `<input autocomplete="username webauthn">`. */
  mediation?: 'conditional' | 'optional' | 'required';
}

/** What `getPasskeyCapabilities()` reports. */
export interface PasskeyCapabilities {
  /** WebAuthn present, a secure context, allowed by the permissions policy: as `isPasskeySupported()`. */
  passkeys: boolean;
  /** A user-verifying authenticator built into this device (Touch ID, Windows Hello, Android). */
  platformAuthenticator: boolean;
  /** Passkeys in autofill: `signInWithPasskey({ mediation: 'conditional' })`. */
  conditionalMediation: boolean;
}

/** Sign-in methods of `signIn` / `signUp`. */
export type BaasSignInMethod = 'passkey' | 'wallet';

/** An EIP-1193 Ethereum provider (`window.ethereum`, or one announced through EIP-6963). */
export interface EIP1193Provider {
  request(args: { method: string; params?: readonly unknown[] | Record<string, unknown> }): Promise<unknown>;
  on?(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener?(event: string, listener: (...args: unknown[]) => void): unknown;
}

export interface Auth {
  /**
   * Signs in with an existing passkey (one "use passkey" prompt); with a valid session, returns
   * it at once. `{ mediation: 'conditional' }`: through the autofill of an
   * `<input autocomplete="username webauthn">` instead.
   */
  signInWithPasskey(options?: BaasSignInOptions): Promise<BaasSession>;
  /** `signInWithPasskey()`. */
  signIn(method?: 'passkey'): Promise<BaasSession>;
  /** `signInWithWallet(provider)`. */
  signIn(method: 'wallet', provider: EIP1193Provider): Promise<BaasSession>;
  /** `signUpWithPasskey()`. */
  signUp(method?: 'passkey'): Promise<BaasSession>;
  /** A wallet's first sign-in creates its account: `signInWithWallet(provider)`. */
  signUp(method: 'wallet', provider: EIP1193Provider): Promise<BaasSession>;
}

/** The authentication client, `baas.auth`. */
export type BaasAuthClient = Auth;

/** What `createBaasClient` returns. */
export interface BaasClient {
  readonly auth: BaasAuthClient;
}
"#;

/// Creates the client of a project. Synchronous: validates the options (throwing
/// `INVALID_CONFIG`) and restores the stored session, with no request.
///
/// # Errors
/// `INVALID_CONFIG` naming the option at fault.
#[wasm_bindgen(js_name = createBaasClient, unchecked_return_type = "BaasClient")]
pub fn create_baas_client(
    #[wasm_bindgen(unchecked_param_type = "BaasClientOptions")] options: JsValue,
) -> Result<JsValue, Error> {
    let timeout = js::get(&options, "requestTimeout");
    let timeout = (!timeout.is_undefined()).then(|| timeout.as_f64().unwrap_or(f64::NAN));
    let config = ClientConfig::new(
        js::get_string(&options, "projectId").as_deref(),
        js::get_string(&options, "publishableKey").as_deref(),
        js::get_string(&options, "apiUrl").as_deref(),
        timeout,
    )
    .map_err(|e| Error::from_core(ErrorCode::InvalidConfig, e))?;
    let client = Object::new();
    js::set(&client, "auth", Auth::new(config));
    Ok(Object::freeze(&client).into())
}
