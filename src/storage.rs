//! Per-project persistent storage: `localStorage`, or memory where storage is unavailable
//! (private mode, sandboxed frames, quota) — never a crash.

use std::cell::RefCell;

use crate::js;

enum Backend {
    Local(web_sys::Storage),
    Memory(Vec<(String, String)>),
}

/// The storage of one project: keys are `baas:<projectId>:<name>`.
pub(crate) struct Store {
    prefix: String,
    backend: RefCell<Backend>,
}

impl Store {
    /// Opens `localStorage` for `project_id`, falling back to memory.
    pub(crate) fn open(project_id: &str) -> Self {
        let local = js::get(&js_sys::global(), "localStorage");
        let backend = if local.is_undefined() || local.is_null() {
            Backend::Memory(Vec::new())
        } else {
            Backend::Local(wasm_bindgen::JsCast::unchecked_into(local))
        };
        Self {
            prefix: ["baas:", project_id, ":"].concat(),
            backend: RefCell::new(backend),
        }
    }

    /// The full storage key of `name`.
    pub(crate) fn key(&self, name: &str) -> String {
        [self.prefix.as_str(), name].concat()
    }

    /// The value stored under `name`.
    pub(crate) fn read(&self, name: &str) -> Option<String> {
        let key = self.key(name);
        match &*self.backend.borrow() {
            Backend::Local(storage) => storage.get_item(&key).ok().flatten(),
            Backend::Memory(entries) => entries
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.clone()),
        }
    }

    /// Stores `value` under `name`; if `localStorage` refuses, keeps going in memory.
    pub(crate) fn write(&self, name: &str, value: &str) {
        let key = self.key(name);
        let mut backend = self.backend.borrow_mut();
        if let Backend::Local(storage) = &*backend {
            if storage.set_item(&key, value).is_ok() {
                return;
            }
            *backend = Backend::Memory(Vec::new());
        }
        if let Backend::Memory(entries) = &mut *backend {
            entries.retain(|(k, _)| *k != key);
            entries.push((key, value.to_owned()));
        }
    }

    /// Removes `name`.
    pub(crate) fn remove(&self, name: &str) {
        let key = self.key(name);
        match &mut *self.backend.borrow_mut() {
            Backend::Local(storage) => {
                let _ = storage.remove_item(&key);
            }
            Backend::Memory(entries) => entries.retain(|(k, _)| *k != key),
        }
    }
}
