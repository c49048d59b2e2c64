//! `Auth` (`baas.auth`): the JavaScript surface of sign-up, sign-in, the session and its events.
//! Each method converts values and hands over to [`passkey`], [`refresh`] or [`ClientState`].

use std::rc::Rc;

use baas_core::client_config::ClientConfig;
use baas_core::session::SessionEvent;
use js_sys::{Function, Object, Promise};
use wasm_bindgen::prelude::*;

use crate::ceremony::{self, Kind};
use crate::error::{Error, ErrorCode};
use crate::listeners;
use crate::state::ClientState;
use crate::{http, js, wallet};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = queueMicrotask)]
    fn queue_microtask(callback: &JsValue);
}

/// The authentication client of a project: `baas.auth`.
#[wasm_bindgen]
pub struct Auth {
    state: Rc<ClientState>,
}

impl Auth {
    /// The client of `config`, with the session stored for its project restored: what
    /// `createBaasClient` builds, for Rust callers. Like it, it makes no request before it
    /// returns.
    pub fn new(config: ClientConfig) -> Self {
        Self {
            state: ClientState::new(config),
        }
    }

    fn with_method(&self, method: Option<String>, provider: JsValue, kind: Kind) -> Promise {
        match method.as_deref() {
            None | Some("passkey") => ceremony::run(&self.state, kind, JsValue::UNDEFINED),
            Some("wallet") => self.sign_in_with_wallet(provider),
            Some(_) => Promise::reject(&JsValue::from(Error::from_core(
                ErrorCode::InvalidConfig,
                baas_core::Error::InvalidConfig {
                    reason: "the sign-in method must be 'passkey' or 'wallet'",
                },
            ))),
        }
    }
}

#[wasm_bindgen]
impl Auth {
    /// The current session, or `null`: never an expired one, and never `null` while a refresh is
    /// in flight for a session that has not expired. Synchronous and cheap (the same frozen
    /// object until the session changes).
    #[wasm_bindgen(js_name = getSession, unchecked_return_type = "BaasSession | null")]
    pub fn get_session(&self) -> JsValue {
        self.state.session().unwrap_or(JsValue::NULL)
    }

    /// Creates an account with a new passkey (one "create passkey" prompt) and signs in. With a
    /// valid session, returns it at once: no prompt, no request.
    #[wasm_bindgen(js_name = signUpWithPasskey, unchecked_return_type = "Promise<BaasSession>")]
    pub fn sign_up_with_passkey(&self) -> Promise {
        ceremony::run(&self.state, Kind::Create, JsValue::UNDEFINED)
    }

    /// Signs in with an existing passkey (one "use passkey" prompt). With a valid session,
    /// returns it at once: no prompt, no request. `{ mediation: 'conditional' }` offers the
    /// passkeys in the autofill of an `<input autocomplete="username webauthn">` instead, and
    /// waits until the user picks one; a later explicit sign-in or sign-up aborts it, and it then
    /// settles like that call.
    #[wasm_bindgen(js_name = signInWithPasskey, skip_typescript)]
    pub fn sign_in_with_passkey(&self, options: Option<Object>) -> Promise {
        let mediation = options.and_then(|o| js::get_string(&o, "mediation"));
        match mediation.as_deref() {
            None | Some("optional" | "required") => {
                ceremony::run(&self.state, Kind::Get, JsValue::UNDEFINED)
            }
            Some("conditional") => ceremony::run(&self.state, Kind::Autofill, JsValue::UNDEFINED),
            Some(_) => Promise::reject(&JsValue::from(Error::from_core(
                ErrorCode::InvalidConfig,
                baas_core::Error::InvalidConfig {
                    reason: "`mediation` must be 'conditional', 'optional' or 'required'",
                },
            ))),
        }
    }

    /// Signs in with an Ethereum wallet: `eth_requestAccounts` (prompt 1), a Sign-In with
    /// Ethereum message signed with `personal_sign` (prompt 2), verified by the server. A valid
    /// wallet session is returned with no prompt unless the wallet switched accounts.
    #[wasm_bindgen(js_name = signInWithWallet, unchecked_return_type = "Promise<BaasSession>")]
    pub fn sign_in_with_wallet(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EIP1193Provider")] provider: JsValue,
    ) -> Promise {
        if !wallet::is_provider(&provider) {
            return Promise::reject(&Error::new(ErrorCode::WalletUnavailable, provider).into());
        }
        ceremony::run(&self.state, Kind::Wallet, provider)
    }

    /// `signIn('passkey')` (the default) or `signIn('wallet', provider)`.
    #[wasm_bindgen(js_name = signIn, skip_typescript)]
    pub fn sign_in(&self, method: Option<String>, provider: JsValue) -> Promise {
        self.with_method(method, provider, Kind::Get)
    }

    /// `signUp('passkey')` (the default) or `signUp('wallet', provider)` (a wallet's first
    /// sign-in creates its account).
    #[wasm_bindgen(js_name = signUp, skip_typescript)]
    pub fn sign_up(&self, method: Option<String>, provider: JsValue) -> Promise {
        self.with_method(method, provider, Kind::Create)
    }

    /// Signs out in every tab of the project, then revokes the session on the server (best
    /// effort: an offline sign-out still signs out). Keeps the list of passkeys this browser
    /// used for the project.
    #[wasm_bindgen(js_name = signOut, unchecked_return_type = "Promise<void>")]
    pub fn sign_out(&self) -> Promise {
        ceremony::abort(&self.state);
        let record = self.state.record();
        if record.is_some() {
            self.state.apply(None, SessionEvent::SignedOut);
        }
        let state = Rc::clone(&self.state);
        js::promise(async move {
            // Other tabs follow through the shared state; a lock timeout leaves them to learn
            // of it from the server's refusal.
            let _ = state.persist(None).await;
            if let Some(record) = record {
                let body = Object::new();
                js::set(&body, "refreshToken", record.refresh_token.as_str());
                let bearer = Some(record.access_token.as_str());
                // Revocation is best effort; the local session is gone either way.
                if http::post(&state.config, "/v1/auth/logout", &body, bearer)
                    .await
                    .is_err()
                {
                    web_sys::console::warn_1(&JsValue::from_str(
                        "baas: signed out in this browser, but the server could not be reached to \
                         revoke the session; its refresh token expires on its own.",
                    ));
                }
            }
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Calls `callback(session, event)` now (`INITIAL_SESSION`, in a microtask) and on every
    /// `SIGNED_IN`, `SIGNED_OUT` and `TOKEN_REFRESHED`, including those of other tabs. Returns
    /// the function that unsubscribes.
    #[wasm_bindgen(
        js_name = onAuthStateChange,
        unchecked_return_type = "() => void"
    )]
    pub fn on_auth_state_change(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "(session: BaasSession | null, event: BaasAuthEvent) => void"
        )]
        callback: Function,
    ) -> JsValue {
        let id = self.state.listeners.add(callback);
        let weak = Rc::downgrade(&self.state);
        let initial = Closure::once_into_js({
            let weak = weak.clone();
            move || {
                if let Some(state) = weak.upgrade()
                    && let Some(callback) = state.listeners.make_ready(id)
                {
                    let session = state.session().unwrap_or(JsValue::NULL);
                    listeners::call(&callback, &session, SessionEvent::InitialSession);
                }
            }
        });
        queue_microtask(&initial);
        Closure::<dyn FnMut()>::new(move || {
            if let Some(state) = weak.upgrade() {
                state.listeners.remove(id);
            }
        })
        .into_js_value()
    }
}
