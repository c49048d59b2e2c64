//! Challenge prefetch, for the user-gesture rule: browsers (Safari above all) refuse a passkey
//! prompt opened after a slow network wait following the click. While no session exists, the
//! options of both ceremonies are fetched ahead and refetched before they expire, so a click
//! opens the prompt with no request in between.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Date, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::error::{Error, ErrorCode};
use crate::state::{ClientState, set_timeout};
use crate::support::{self, Feature};
use crate::{http, js};

/// Share of the options' `timeout` after which prefetched options are replaced.
const FRESH_SHARE: f64 = 0.8;

/// Which options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Options {
    /// `register/options`.
    Registration,
    /// `login/options`.
    Authentication,
}

impl Options {
    fn path(self) -> &'static str {
        match self {
            Self::Registration => "/v1/auth/passkey/register/options",
            Self::Authentication => "/v1/auth/passkey/login/options",
        }
    }
}

/// Options being fetched or fetched: the answer (or `undefined` when the request failed), and
/// until when (local ms) they may be used.
pub(crate) struct Prefetched {
    answer: Promise,
    fresh_until: Rc<Cell<f64>>,
}

/// Prefetches whichever options are missing or stale, unless a session exists or passkeys
/// cannot work here (then nothing is requested at all).
pub(crate) fn start(state: &Rc<ClientState>) {
    if state.record().is_some() || !support::allows(Feature::Get) {
        return;
    }
    for which in [Options::Authentication, Options::Registration] {
        let stale = state.prefetched(which, |slot| {
            slot.as_ref()
                .is_none_or(|p| Date::now() > p.fresh_until.get())
        });
        if stale {
            let prefetched = fetch(state, which);
            state.prefetched(which, |slot| *slot = Some(prefetched));
        }
    }
}

fn fetch(state: &Rc<ClientState>, which: Options) -> Prefetched {
    // In flight: fresh for as long as it takes.
    let fresh_until = Rc::new(Cell::new(f64::INFINITY));
    let until = Rc::clone(&fresh_until);
    let weak = Rc::downgrade(state);
    let config = state.config.clone();
    let answer = js::promise(async move {
        let Ok(answer) = http::post(&config, which.path(), &Object::new(), None).await else {
            until.set(0.0);
            return Ok(JsValue::UNDEFINED);
        };
        let timeout = js::get_f64(&js::get(&answer, "publicKey"), "timeout").unwrap_or(0.0);
        let lifetime = timeout.max(0.0) * FRESH_SHARE;
        until.set(Date::now() + lifetime);
        if lifetime > 0.0 {
            let refetch = Closure::once_into_js(move || {
                if let Some(state) = weak.upgrade() {
                    start(&state);
                }
            });
            set_timeout(&refetch, lifetime);
        }
        Ok(answer)
    });
    Prefetched {
        answer,
        fresh_until,
    }
}

/// The options for a ceremony starting now: `(challengeId, publicKey)`, prefetched if fresh,
/// otherwise requested now. Each prefetched challenge is used once.
///
/// # Errors
/// `NONCE_FETCH_FAILED` when the request fails or the answer is not options.
pub(crate) async fn take(
    state: &Rc<ClientState>,
    which: Options,
) -> Result<(String, JsValue), Error> {
    let prefetched = state.prefetched(which, Option::take);
    let answer = match prefetched {
        Some(p) => match JsFuture::from(p.answer).await {
            Ok(answer) if !answer.is_undefined() && Date::now() <= p.fresh_until.get() => answer,
            _ => request(state, which).await?,
        },
        None => request(state, which).await?,
    };
    let challenge_id = js::get_string(&answer, "challengeId");
    let options = js::get(&answer, "publicKey");
    match challenge_id {
        Some(id) if options.is_object() => Ok((id, options)),
        _ => Err(Error::new(ErrorCode::NonceFetchFailed, answer)),
    }
}

async fn request(state: &ClientState, which: Options) -> Result<JsValue, Error> {
    http::post(&state.config, which.path(), &Object::new(), None)
        .await
        .map_err(|e| Error::new(ErrorCode::NonceFetchFailed, e.into_cause()))
}
