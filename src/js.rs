//! Small conversions between JavaScript values and Rust, over `Reflect`.

use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

/// `object[key]`, or `undefined` when it cannot be read.
pub(crate) fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `object[key]` if it is a string.
pub(crate) fn get_string(object: &JsValue, key: &str) -> Option<String> {
    get(object, key).as_string()
}

/// `object[key]` if it is a number.
pub(crate) fn get_f64(object: &JsValue, key: &str) -> Option<f64> {
    get(object, key).as_f64()
}

/// `object[key]` if it is a boolean.
pub(crate) fn get_bool(object: &JsValue, key: &str) -> Option<bool> {
    get(object, key).as_bool()
}

/// Sets `object[key] = value` on an object this crate created.
pub(crate) fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
    // Setting a data property of a plain, unfrozen object cannot fail.
    let _ = Reflect::set(object, &JsValue::from_str(key), &value.into());
}

/// The bytes of an `ArrayBuffer` or typed array.
pub(crate) fn bytes(value: &JsValue) -> Option<Vec<u8>> {
    if value.is_instance_of::<js_sys::ArrayBuffer>() || js_sys::ArrayBuffer::is_view(value) {
        let view = if value.is_instance_of::<js_sys::ArrayBuffer>() {
            Uint8Array::new(value)
        } else {
            let view: &js_sys::Object = value.unchecked_ref();
            Uint8Array::new_with_byte_offset_and_length(
                &get(view, "buffer"),
                get_f64(view, "byteOffset")? as u32,
                get_f64(view, "byteLength")? as u32,
            )
        };
        Some(view.to_vec())
    } else {
        None
    }
}

/// A `Uint8Array` holding a copy of `bytes`.
pub(crate) fn uint8_array(bytes: &[u8]) -> JsValue {
    Uint8Array::from(bytes).into()
}

/// A promise of `future`, run on the page's event loop. The future is boxed so the crate has one
/// copy of the executor glue rather than one per async block, which keeps the wasm small.
pub(crate) fn promise(
    future: impl core::future::Future<Output = Result<JsValue, JsValue>> + 'static,
) -> js_sys::Promise {
    let boxed: core::pin::Pin<Box<dyn core::future::Future<Output = Result<JsValue, JsValue>>>> =
        Box::pin(future);
    wasm_bindgen_futures::future_to_promise(boxed)
}
