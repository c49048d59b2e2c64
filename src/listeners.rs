//! `onAuthStateChange` listeners: registered callbacks, each called with `(session, event)`.
//!
//! Callbacks run after the state they report is committed and with no borrow of it held, so a
//! callback may call the SDK (even `signOut`); an exception in one is reported (`reportError`)
//! and does not keep the others from running.

use std::cell::RefCell;

use baas_core::session::SessionEvent;
use js_sys::Function;
use wasm_bindgen::{JsCast, JsValue};

use crate::js;

/// The registered callbacks, in subscription order. A callback hears events only after its
/// `INITIAL_SESSION`, which reports the state at the time it is delivered.
#[derive(Default)]
pub(crate) struct Listeners {
    entries: RefCell<Vec<Entry>>,
    next_id: RefCell<u32>,
}

struct Entry {
    id: u32,
    callback: Function,
    ready: bool,
}

impl Listeners {
    /// Registers `callback`; returns the ID the other methods take.
    pub(crate) fn add(&self, callback: Function) -> u32 {
        let mut next = self.next_id.borrow_mut();
        let id = *next;
        *next = next.wrapping_add(1);
        self.entries.borrow_mut().push(Entry {
            id,
            callback,
            ready: false,
        });
        id
    }

    /// Unregisters `id`; later calls do nothing.
    pub(crate) fn remove(&self, id: u32) {
        self.entries.borrow_mut().retain(|entry| entry.id != id);
    }

    /// Marks `id` as having had its `INITIAL_SESSION`; returns its callback if still registered.
    pub(crate) fn make_ready(&self, id: u32) -> Option<Function> {
        let mut entries = self.entries.borrow_mut();
        let entry = entries.iter_mut().find(|entry| entry.id == id)?;
        entry.ready = true;
        Some(entry.callback.clone())
    }

    /// Calls every ready callback with `(session, event)`.
    pub(crate) fn emit(&self, session: &JsValue, event: SessionEvent) {
        // A snapshot: callbacks may subscribe or unsubscribe while we iterate.
        let callbacks: Vec<Function> = self
            .entries
            .borrow()
            .iter()
            .filter(|entry| entry.ready)
            .map(|entry| entry.callback.clone())
            .collect();
        for callback in callbacks {
            call(&callback, session, event);
        }
    }
}

/// Calls one callback, reporting (not propagating) what it throws.
pub(crate) fn call(callback: &Function, session: &JsValue, event: SessionEvent) {
    if let Err(error) = callback.call2(&JsValue::NULL, session, &event.as_str().into()) {
        report(&error);
    }
}

/// Hands an exception to the page's error reporting (`reportError`), as an uncaught one would.
fn report(error: &JsValue) {
    let global = js_sys::global();
    if let Ok(report) = js::get(&global, "reportError").dyn_into::<Function>() {
        let _ = report.call1(&global, error);
    }
}
