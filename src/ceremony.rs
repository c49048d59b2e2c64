//! Running passkey ceremonies one at a time: the short-circuits before any prompt, shared
//! in-flight calls, the newest call aborting a pending prompt, and the prompt's deadline.

use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

use crate::error::{Error, ErrorCode};
use crate::state::{ClientState, clear_timeout, set_timeout};
use crate::{js, passkey, prefetch, refresh, wallet};

/// Grace after the options' timeout before the SDK aborts a prompt the browser left pending.
const DEADLINE_GRACE_MS: f64 = 2_000.0;

/// Which ceremony a call runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Sign-up: `navigator.credentials.create`.
    Create,
    /// Sign-in: `navigator.credentials.get` with a modal prompt.
    Get,
    /// Sign-in through autofill: `navigator.credentials.get` with `mediation: 'conditional'`.
    Autofill,
    /// Wallet sign-in through an EIP-1193 provider (it decides itself whether to prompt).
    Wallet,
}

/// A ceremony in flight.
pub(crate) struct Ceremony {
    kind: Kind,
    generation: u32,
    /// The promise every concurrent caller of the same kind shares.
    promise: Promise,
    /// Aborts the browser prompt, with the deadline's timer.
    abort: Option<(AbortController, JsValue)>,
}

/// Runs a ceremony, or short-circuits: a valid session is returned at once, and an expired one
/// with a refresh token is refreshed instead of prompting. Concurrent calls of the same kind
/// share one prompt. A different kind aborts the pending prompt (one WebAuthn request at a time:
/// the newest call wins), and the aborted call then settles like the newest one.
///
/// `provider` is the EIP-1193 provider of a wallet sign-in (`undefined` otherwise).
pub(crate) fn run(state: &Rc<ClientState>, kind: Kind, provider: JsValue) -> Promise {
    if kind != Kind::Wallet {
        if let Some(session) = state.session() {
            return Promise::resolve(&session);
        }
        if state.record().is_some() {
            return refresh::refresh(state);
        }
    }
    let mut inner = state.inner.borrow_mut();
    if let Some(pending) = &inner.ceremony {
        if pending.kind == kind {
            return pending.promise.clone();
        }
        if let Some((controller, _)) = &pending.abort {
            controller.abort();
        }
    }
    inner.generation = inner.generation.wrapping_add(1);
    let generation = inner.generation;
    let this = Rc::clone(state);
    let promise = js::promise(async move {
        let result = match kind {
            Kind::Create => passkey::sign_up(&this, generation).await,
            Kind::Get => passkey::sign_in(&this, generation, false).await,
            Kind::Autofill => passkey::sign_in(&this, generation, true).await,
            Kind::Wallet => wallet::sign_in(&this, generation, provider).await,
        };
        finish(&this, generation);
        match result {
            Err(_) if !is_current(&this, generation) => follow_newest(&this).await,
            Err(error) => {
                // The challenge may be spent: fetch fresh options for the user's next try.
                prefetch::start(&this);
                Err(error.into())
            }
            Ok(session) => Ok(session),
        }
    });
    inner.ceremony = Some(Ceremony {
        kind,
        generation,
        promise: promise.clone(),
        abort: None,
    });
    promise
}

/// A superseded call settles like the call that superseded it; after a sign-out it is cancelled.
async fn follow_newest(state: &ClientState) -> Result<JsValue, JsValue> {
    let newest = state
        .inner
        .borrow()
        .ceremony
        .as_ref()
        .map(|c| c.promise.clone());
    match newest {
        Some(promise) => JsFuture::from(promise).await,
        None => Err(Error::new(ErrorCode::WalletConnectRejected, JsValue::NULL).into()),
    }
}

/// Aborts the ceremony in flight, if any, and makes any later result of it void (sign-out).
pub(crate) fn abort(state: &ClientState) {
    let mut inner = state.inner.borrow_mut();
    inner.generation = inner.generation.wrapping_add(1);
    if let Some(Ceremony {
        abort: Some((controller, timer)),
        ..
    }) = inner.ceremony.take()
    {
        clear_timeout(&timer);
        controller.abort();
    }
}

/// Ends the ceremony `generation`, unless a newer one replaced it.
fn finish(state: &ClientState, generation: u32) {
    let mut inner = state.inner.borrow_mut();
    if inner.ceremony.as_ref().map(|c| c.generation) == Some(generation)
        && let Some(ceremony) = inner.ceremony.take()
        && let Some((_, timer)) = ceremony.abort
    {
        clear_timeout(&timer);
    }
}

/// Whether ceremony `generation` is still the current one (not superseded, not signed out).
pub(crate) fn is_current(state: &ClientState, generation: u32) -> bool {
    state.inner.borrow().generation == generation
}

/// The abort signal of the prompt of ceremony `generation`. At `timeout_ms` (plus grace) it
/// aborts with a `TimeoutError`, so a browser that never answers cannot leave the call pending.
///
/// # Errors
/// `WALLET_CONNECT_REJECTED` when the ceremony was superseded while its options were fetched.
pub(crate) fn prompt_signal(
    state: &ClientState,
    generation: u32,
    timeout_ms: f64,
) -> Result<AbortSignal, Error> {
    let controller =
        AbortController::new().map_err(|cause| Error::new(ErrorCode::PasskeyUnsupported, cause))?;
    let deadline = {
        let controller = controller.clone();
        Closure::once_into_js(move || {
            let reason = web_sys::DomException::new_with_message_and_name(
                "the passkey prompt timed out",
                "TimeoutError",
            );
            match reason {
                Ok(reason) => controller.abort_with_reason(&reason),
                Err(_) => controller.abort(),
            }
        })
    };
    let timer = set_timeout(&deadline, timeout_ms + DEADLINE_GRACE_MS);
    let signal = controller.signal();
    let mut inner = state.inner.borrow_mut();
    match inner.ceremony.as_mut() {
        Some(ceremony) if ceremony.generation == generation => {
            ceremony.abort = Some((controller, timer));
            Ok(signal)
        }
        _ => {
            clear_timeout(&timer);
            Err(Error::new(ErrorCode::WalletConnectRejected, JsValue::NULL))
        }
    }
}
