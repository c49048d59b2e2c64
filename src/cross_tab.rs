//! What the tabs of a project share: the session in IndexedDB under a Web Lock (`js/shared.js`),
//! and the `storage` event through which other tabs learn of a change at once.

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::js;

#[wasm_bindgen(module = "/js/shared.js")]
extern "C" {
    #[wasm_bindgen(js_name = readShared)]
    fn read_shared(key: &str) -> Promise;
    #[wasm_bindgen(js_name = writeShared)]
    fn write_shared(key: &str, text: &str) -> Promise;
    #[wasm_bindgen(js_name = withLock, catch)]
    fn with_lock(name: &str, timeout_ms: u32, task: &Function) -> Result<Promise, JsValue>;
}

/// The shared session text of `key`: `Some(Some(text))`, `Some(None)` when none is stored, `None`
/// when IndexedDB is unavailable (the caller falls back to `localStorage`).
pub(crate) async fn read(key: &str) -> Option<Option<String>> {
    let value = JsFuture::from(read_shared(key)).await.ok()?;
    if value.is_undefined() {
        None
    } else {
        Some(value.as_string())
    }
}

/// Stores `text` as the shared session of `key`, once committed.
pub(crate) async fn write(key: &str, text: &str) {
    // Without IndexedDB the `localStorage` copy is all there is; nothing to report.
    let _ = JsFuture::from(write_shared(key, text)).await;
}

/// Runs `task` holding the project's cross-tab lock, waiting at most `timeout_ms` for it.
///
/// # Errors
/// The lock request's rejection (a `TimeoutError` when another tab held it too long), or the
/// task's.
pub(crate) async fn locked(
    name: &str,
    timeout_ms: u32,
    task: impl Future<Output = Result<JsValue, JsValue>> + 'static,
) -> Result<JsValue, JsValue> {
    let mut task = Some(task);
    let start = Closure::<dyn FnMut() -> Promise>::new(move || match task.take() {
        Some(task) => js::promise(task),
        None => Promise::resolve(&JsValue::UNDEFINED),
    });
    let promise = with_lock(name, timeout_ms, start.as_ref().unchecked_ref())?;
    let result = JsFuture::from(promise).await;
    drop(start);
    result
}
