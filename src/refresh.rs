//! Refreshing the session before it expires, once per tab and once across tabs.
//!
//! A refresh is due a margin before `expiresAt` (a quarter of the token's lifetime, at most a
//! minute). It runs from a timer while the page is visible, when the page becomes visible or
//! goes online, or on use (`getSession`, a sign-in call). Under the project's cross-tab lock the
//! tab reads the newest shared session: if another tab already refreshed (or signed in or out),
//! it adopts that; only the holder of the newest refresh token spends it. A refusal (4xx) ends
//! the session; a network failure keeps it until it expires and retries with backoff.

use std::cell::RefCell;
use std::rc::Rc;

use baas_core::session::{RefreshPlan, SessionEvent, SessionRecord, plan_refresh, retry_delay_ms};
use js_sys::{Date, Object, Promise};
use wasm_bindgen::prelude::*;

use crate::error::{Error, ErrorCode};
use crate::http;
use crate::session::{self, Stored};
use crate::state::{ClientState, clear_timeout, set_timeout};
use crate::{cross_tab, js};

/// Longest delay `setTimeout` honours (about 24.8 days), in milliseconds.
const MAX_TIMER_MS: f64 = 2_147_483_647.0;

/// How a refresh ended.
enum Outcome {
    /// A new access token, from the server or from another tab.
    Refreshed(SessionRecord, SessionEvent),
    /// The server refused the refresh token, or another tab signed out.
    Ended(JsValue),
    /// The server could not be reached: keep the session, retry later.
    Unreachable(JsValue),
}

/// The refresh in flight, or a new one: resolves to the session object, rejects with
/// `REFRESH_FAILED`.
pub(crate) fn refresh(state: &Rc<ClientState>) -> Promise {
    if let Some(promise) = &state.inner.borrow().refresh {
        return promise.clone();
    }
    let this = Rc::clone(state);
    let promise = js::promise(async move {
        let result = run(&this).await;
        this.inner.borrow_mut().refresh = None;
        result.map_err(JsValue::from)
    });
    state.inner.borrow_mut().refresh = Some(promise.clone());
    promise
}

/// Starts a refresh nobody awaits (its failure is handled and reported through events).
pub(crate) fn start_in_background(state: &Rc<ClientState>) {
    let ignore = Closure::<dyn FnMut(JsValue)>::new(|_| {});
    let _ = refresh(state).catch(&ignore);
    ignore.forget();
}

/// (Re)arms the timer for the current session's next refresh.
pub(crate) fn schedule(state: &Rc<ClientState>) {
    let due = {
        let inner = state.inner.borrow();
        inner
            .session
            .as_ref()
            .map(|(record, _)| match inner.retries {
                0 => record.refresh_due_ms(),
                n => Date::now() + retry_delay_ms(n - 1),
            })
    };
    let mut inner = state.inner.borrow_mut();
    if let Some(timer) = inner.refresh_timer.take() {
        clear_timeout(&timer);
    }
    let Some(due) = due else { return };
    let weak = Rc::downgrade(state);
    let fire = Closure::once_into_js(move || {
        if let Some(state) = weak.upgrade() {
            state.inner.borrow_mut().refresh_timer = None;
            on_wake(&state);
        }
    });
    let delay = (due - Date::now()).clamp(0.0, MAX_TIMER_MS);
    inner.refresh_timer = Some(set_timeout(&fire, delay));
}

/// A timer fired, the page became visible or went online: refresh if due and visible.
pub(crate) fn on_wake(state: &Rc<ClientState>) {
    let due = {
        let inner = state.inner.borrow();
        inner.session.as_ref().is_some_and(|(record, _)| {
            Date::now() >= record.refresh_due_ms() && inner.refresh.is_none()
        })
    };
    if !due {
        schedule(state);
        return;
    }
    let document = js::get(&js_sys::global(), "document");
    if js::get_string(&document, "visibilityState").as_deref() == Some("hidden") {
        return; // `visibilitychange` (or the next use) will refresh
    }
    start_in_background(state);
}

async fn run(state: &Rc<ClientState>) -> Result<JsValue, Error> {
    let Some(mine) = state.record() else {
        return Ok(JsValue::NULL);
    };
    let slot = Rc::new(RefCell::new(None));
    let task = {
        let (state, slot, mine) = (Rc::clone(state), Rc::clone(&slot), mine.clone());
        async move {
            let outcome = locked_refresh(&state, &mine).await;
            *slot.borrow_mut() = Some(outcome);
            Ok(JsValue::UNDEFINED)
        }
    };
    let locked = cross_tab::locked(&state.lock_name(), state.config.request_timeout_ms, task).await;
    let outcome = match (locked, slot.take()) {
        (Ok(_), Some(outcome)) => outcome,
        // The lock was not granted in time: another tab is stuck; try again later.
        (Err(cause), _) | (Ok(cause), None) => Outcome::Unreachable(cause),
    };
    match outcome {
        Outcome::Refreshed(record, event) => Ok(state.apply(Some(record), event)),
        Outcome::Ended(cause) => {
            state.apply(None, SessionEvent::SignedOut);
            Err(Error::new(ErrorCode::RefreshFailed, cause))
        }
        Outcome::Unreachable(cause) => {
            state.inner.borrow_mut().retries += 1;
            schedule(state);
            Err(Error::new(ErrorCode::RefreshFailed, cause))
        }
    }
}

/// The part of a refresh that runs holding the cross-tab lock.
async fn locked_refresh(state: &Rc<ClientState>, mine: &SessionRecord) -> Outcome {
    let latest = state.latest_shared().await;
    let view = latest.as_ref().map(|stored| match stored {
        Stored::Session(record, _) => (record.seq, Some(record)),
        Stored::SignedOut(seq) => (*seq, None),
    });
    match plan_refresh(mine, view) {
        RefreshPlan::Adopt => match latest {
            Some(Stored::Session(record, event)) => {
                // Another tab refreshed this session, or signed in anew.
                let event = if record.address == mine.address {
                    SessionEvent::TokenRefreshed
                } else {
                    event
                };
                Outcome::Refreshed(record, event)
            }
            _ => Outcome::Ended(JsValue::NULL),
        },
        RefreshPlan::SignedOutElsewhere => Outcome::Ended(JsValue::NULL),
        RefreshPlan::Spend => {
            let seq = latest.map(|s| s.seq()).unwrap_or(0).max(mine.seq) + 1;
            spend(state, mine, seq).await
        }
    }
}

/// Exchanges this tab's refresh token; stores the outcome for every tab as number `seq`.
async fn spend(state: &Rc<ClientState>, mine: &SessionRecord, seq: u64) -> Outcome {
    let body = Object::new();
    js::set(&body, "refreshToken", mine.refresh_token.as_str());
    match http::post(&state.config, "/v1/auth/refresh", &body, None).await {
        Ok(json) => match session::from_server(&json, Date::now()) {
            Ok(mut record) => {
                record.seq = seq;
                let event = SessionEvent::TokenRefreshed;
                state.write_shared(Some((&record, event)), seq).await;
                Outcome::Refreshed(record, event)
            }
            Err(error) => Outcome::Unreachable(error.code().into()),
        },
        Err(error) if error.is_refusal() => {
            state.write_shared(None, seq).await;
            Outcome::Ended(error.into_cause())
        }
        Err(error) => Outcome::Unreachable(error.into_cause()),
    }
}
