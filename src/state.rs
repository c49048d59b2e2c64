//! The state behind `baas.auth`: the session, how it is kept across reloads and tabs, and the
//! events it emits.
//!
//! Every change of the session is written under the project's cross-tab lock, with a sequence
//! number one above the newest any tab wrote, to IndexedDB (which every tab reads consistently)
//! and to `localStorage` (read synchronously on start-up; its `storage` event tells other tabs
//! at once). A tab adopts a stored state only if its number is higher than its own, so late
//! events never undo newer changes.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use crate::ceremony::Ceremony;
use crate::listeners::Listeners;
use crate::prefetch::{self, Options, Prefetched};
use crate::session::{self, Stored};
use crate::storage::Store;
use crate::{cross_tab, js, refresh};
use baas_core::client_config::ClientConfig;
use baas_core::session::{SessionEvent, SessionRecord};
use js_sys::{Date, Promise};
use wasm_bindgen::prelude::*;

/// Storage name of the session.
pub(crate) const SESSION: &str = "session";

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    pub(crate) fn set_timeout(callback: &JsValue, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    pub(crate) fn clear_timeout(id: &JsValue);
}

/// A browser event listener: target, event name, handler.
type Subscription = (JsValue, &'static str, Closure<dyn FnMut(JsValue)>);

/// The client of one project, shared by `Auth` and the callbacks it registers.
pub(crate) struct ClientState {
    pub(crate) config: ClientConfig,
    pub(crate) store: Store,
    pub(crate) listeners: Listeners,
    pub(crate) inner: RefCell<Inner>,
    /// Browser event listeners (`storage`, `visibilitychange`, `online`), removed on drop.
    subscriptions: RefCell<Vec<Subscription>>,
}

/// The mutable part of [`ClientState`]. Borrowed briefly, never across an `await` or a callback.
#[derive(Default)]
pub(crate) struct Inner {
    /// The current session and the frozen object `getSession()` returns.
    pub(crate) session: Option<(SessionRecord, JsValue)>,
    /// Sequence number of the newest state this tab knows (its own or adopted).
    pub(crate) seq: u64,
    /// The passkey ceremony in flight.
    pub(crate) ceremony: Option<Ceremony>,
    /// Prefetched registration options.
    pub(crate) registration_options: Option<Prefetched>,
    /// Prefetched authentication options.
    pub(crate) authentication_options: Option<Prefetched>,
    /// Counts ceremonies and sign-outs, so a finished ceremony never clears or overrides newer ones.
    pub(crate) generation: u32,
    /// The refresh in flight, shared by every caller.
    pub(crate) refresh: Option<Promise>,
    /// The timer of the next refresh (or retry).
    pub(crate) refresh_timer: Option<JsValue>,
    /// Refreshes in a row that could not reach the server.
    pub(crate) retries: u32,
}

impl ClientState {
    /// The state of `config`'s project, with its stored session restored; listens to the other
    /// tabs and to the page's visibility.
    pub(crate) fn new(config: ClientConfig) -> Rc<Self> {
        let store = Store::open(&config.project_id);
        let stored = store
            .read(SESSION)
            .and_then(|text| session::from_storage(&text));
        let mut inner = Inner::default();
        match stored {
            Some(Stored::Session(record, _)) => {
                inner.seq = record.seq;
                let js = session::to_js(&record);
                inner.session = Some((record, js));
            }
            Some(Stored::SignedOut(seq)) => inner.seq = seq,
            // Corrupted or foreign data is discarded, not trusted.
            None => store.remove(SESSION),
        }
        let state = Rc::new(Self {
            config,
            store,
            listeners: Listeners::default(),
            inner: RefCell::new(inner),
            subscriptions: RefCell::new(Vec::new()),
        });
        state.subscribe();
        refresh::schedule(&state);
        // After `createBaasClient` returns: no request before it does.
        let weak = Rc::downgrade(&state);
        let later = Closure::once_into_js(move || {
            if let Some(state) = weak.upgrade() {
                prefetch::start(&state);
            }
        });
        set_timeout(&later, 0.0);
        state
    }

    /// Runs `f` on the prefetch slot of `which`.
    pub(crate) fn prefetched<T>(
        &self,
        which: Options,
        f: impl FnOnce(&mut Option<Prefetched>) -> T,
    ) -> T {
        let mut inner = self.inner.borrow_mut();
        f(match which {
            Options::Registration => &mut inner.registration_options,
            Options::Authentication => &mut inner.authentication_options,
        })
    }

    /// Makes `record` (from a sign-in) the session at once — stored, cached, listeners told —
    /// then, without making the caller wait, writes it for every tab under the lock. Returns the
    /// session object.
    pub(crate) fn commit(
        self: &Rc<Self>,
        mut record: SessionRecord,
        event: SessionEvent,
    ) -> JsValue {
        // Provisional number, so that a reload or another tab sees it right away; the locked
        // write below settles the final one.
        record.seq = self.inner.borrow().seq + 1;
        self.store.write(
            SESSION,
            &session::to_storage(Some((&record, event)), record.seq),
        );
        let js = self.apply(Some(record.clone()), event);
        let generation = self.inner.borrow().generation;
        let this = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move {
            let Ok(seq) = this.persist(Some((record.clone(), event))).await else {
                return;
            };
            if this.inner.borrow().generation != generation {
                return; // signed out meanwhile: that later action stands
            }
            let current = this.record();
            if current
                .as_ref()
                .is_some_and(|c| c.access_token == record.access_token)
            {
                // Still this session: adopt its final number quietly.
                let mut inner = this.inner.borrow_mut();
                inner.seq = inner.seq.max(seq);
                if let Some((current, _)) = inner.session.as_mut() {
                    current.seq = seq;
                }
            } else if this.inner.borrow().seq < seq {
                // A late event from another tab replaced it, but this write is the newest.
                record.seq = seq;
                this.apply(Some(record), event);
            }
        });
        js
    }

    /// The session object, if the session has not expired; starts a due refresh (refreshes
    /// happen while the page is visible or on use).
    pub(crate) fn session(self: &Rc<Self>) -> Option<JsValue> {
        let now = Date::now();
        let (valid, due) = {
            let inner = self.inner.borrow();
            let (record, js) = inner.session.as_ref()?;
            let valid = (!record.is_expired(now)).then(|| js.clone());
            (
                valid,
                now >= record.refresh_due_ms() && inner.refresh.is_none(),
            )
        };
        if due {
            refresh::start_in_background(self);
        }
        valid
    }

    /// The current record, expired or not.
    pub(crate) fn record(&self) -> Option<SessionRecord> {
        self.inner
            .borrow()
            .session
            .as_ref()
            .map(|(record, _)| record.clone())
    }

    /// The name of the project's cross-tab lock.
    pub(crate) fn lock_name(&self) -> String {
        self.store.key("lock")
    }

    /// Makes `state` this tab's session (or none), then tells the listeners `event`. Returns the
    /// session object.
    pub(crate) fn apply(
        self: &Rc<Self>,
        state: Option<SessionRecord>,
        event: SessionEvent,
    ) -> JsValue {
        let js = state.as_ref().map(session::to_js).unwrap_or(JsValue::NULL);
        {
            let mut inner = self.inner.borrow_mut();
            if let Some(record) = &state {
                inner.seq = inner.seq.max(record.seq);
            }
            inner.session = state.map(|record| (record, js.clone()));
            inner.retries = 0;
        }
        refresh::schedule(self);
        if js.is_null() {
            prefetch::start(self);
        }
        self.listeners.emit(&js, event);
        js
    }

    /// Writes `state` (a session and its event, or a sign-out) for every tab, under the lock,
    /// with a sequence number above any written so far. Returns that number.
    pub(crate) async fn persist(
        self: &Rc<Self>,
        state: Option<(SessionRecord, SessionEvent)>,
    ) -> Result<u64, JsValue> {
        let this = Rc::clone(self);
        let seq = cross_tab::locked(
            &self.lock_name(),
            self.config.request_timeout_ms,
            async move {
                let latest = this.latest_shared_seq().await;
                let seq = latest.max(this.inner.borrow().seq) + 1;
                this.write_shared(state.as_ref().map(|(r, e)| (r, *e)), seq)
                    .await;
                Ok(JsValue::from(seq as f64))
            },
        )
        .await?;
        Ok(seq.as_f64().unwrap_or_default() as u64)
    }

    /// The newest stored state every tab agrees on: IndexedDB, or `localStorage` without it.
    pub(crate) async fn latest_shared(&self) -> Option<Stored> {
        let key = self.store.key(SESSION);
        let text = match cross_tab::read(&key).await {
            Some(shared) => shared,
            None => self.store.read(SESSION),
        };
        text.and_then(|text| session::from_storage(&text))
    }

    async fn latest_shared_seq(&self) -> u64 {
        self.latest_shared().await.map(|s| s.seq()).unwrap_or(0)
    }

    /// Writes a state with sequence number `seq` to IndexedDB and `localStorage` (a sign-out
    /// removes the `localStorage` copy, which other tabs see as `newValue: null`).
    pub(crate) async fn write_shared(
        &self,
        state: Option<(&SessionRecord, SessionEvent)>,
        seq: u64,
    ) {
        let mut stamped = state.map(|(record, event)| (record.clone(), event));
        if let Some((record, _)) = &mut stamped {
            record.seq = seq;
        }
        let text = session::to_storage(stamped.as_ref().map(|(r, e)| (r, *e)), seq);
        cross_tab::write(&self.store.key(SESSION), &text).await;
        match stamped {
            Some(_) => self.store.write(SESSION, &text),
            None => self.store.remove(SESSION),
        }
    }

    /// Another tab changed the stored session (`storage` event): adopt it if it is newer.
    fn on_storage_change(self: &Rc<Self>, new_value: Option<String>) {
        let stored = match new_value {
            Some(text) => match session::from_storage(&text) {
                Some(stored) => stored,
                None => return,
            },
            // Removed: signed out in another tab (or storage cleared).
            None => Stored::SignedOut(u64::MAX),
        };
        let (known, had_session) = {
            let inner = self.inner.borrow();
            (inner.seq, inner.session.is_some())
        };
        let current_token = self.record().map(|r| r.access_token);
        match stored {
            Stored::Session(record, _) if current_token.as_ref() == Some(&record.access_token) => {
                // The same session, written again with its final number.
                let mut inner = self.inner.borrow_mut();
                inner.seq = inner.seq.max(record.seq);
            }
            Stored::Session(record, event) if record.seq > known => {
                self.apply(Some(record), event);
            }
            Stored::SignedOut(seq) if seq > known && had_session => {
                if seq != u64::MAX {
                    self.inner.borrow_mut().seq = seq;
                }
                self.apply(None, SessionEvent::SignedOut);
            }
            _ => {}
        }
    }

    /// Listens to `storage` (other tabs), `visibilitychange` and `online` (due refreshes).
    fn subscribe(self: &Rc<Self>) {
        let global = js_sys::global();
        let document = js::get(&global, "document");
        let key = self.store.key(SESSION);
        let weak = Rc::downgrade(self);
        self.listen(global.clone().into(), "storage", move |event| {
            if js::get_string(&event, "key").as_deref() == Some(key.as_str())
                && let Some(state) = weak.upgrade()
            {
                state.on_storage_change(js::get_string(&event, "newValue"));
            }
        });
        for (target, name) in [(document, "visibilitychange"), (global.into(), "online")] {
            let weak: Weak<Self> = Rc::downgrade(self);
            self.listen(target, name, move |_| {
                if let Some(state) = weak.upgrade() {
                    refresh::on_wake(&state);
                }
            });
        }
    }

    fn listen(&self, target: JsValue, name: &'static str, handler: impl FnMut(JsValue) + 'static) {
        let Ok(add) = js::get(&target, "addEventListener").dyn_into::<js_sys::Function>() else {
            return; // a worker has no document; some globals have no events
        };
        let closure = Closure::<dyn FnMut(JsValue)>::new(handler);
        if add.call2(&target, &name.into(), closure.as_ref()).is_ok() {
            self.subscriptions
                .borrow_mut()
                .push((target, name, closure));
        }
    }
}

impl Drop for ClientState {
    fn drop(&mut self) {
        for (target, name, closure) in self.subscriptions.take() {
            if let Ok(remove) =
                js::get(&target, "removeEventListener").dyn_into::<js_sys::Function>()
            {
                let _ = remove.call2(&target, &name.into(), closure.as_ref());
            }
        }
        if let Some(timer) = self.inner.get_mut().refresh_timer.take() {
            clear_timeout(&timer);
        }
    }
}
