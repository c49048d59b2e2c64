//! Requests to the BaaS API: JSON over `fetch`, each with its own `requestTimeout`.

use baas_core::api::PUBLISHABLE_KEY_HEADER;
use baas_core::client_config::ClientConfig;
use js_sys::{JSON, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Response};

use crate::js;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`, in windows and workers alike.
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_with_init(url: &str, init: &Object) -> Promise;
}

/// Why a request did not produce a 2xx answer.
#[derive(Debug)]
pub(crate) enum HttpError {
    /// No answer: offline, DNS, CORS, or `requestTimeout` elapsed (the DOMException or TypeError).
    Network(JsValue),
    /// A non-2xx answer.
    Status {
        /// The HTTP status.
        status: u16,
        /// The server's error code, when the body had one.
        code: Option<String>,
        /// `{status, code, message}`, for the SDK error's `cause`.
        cause: JsValue,
    },
}

impl HttpError {
    /// What to put in a `BaasError`'s `cause`.
    pub(crate) fn into_cause(self) -> JsValue {
        match self {
            Self::Network(cause) | Self::Status { cause, .. } => cause,
        }
    }

    /// A 4xx answer other than 408 and 429: the server refuses, and retrying will not help.
    pub(crate) fn is_refusal(&self) -> bool {
        matches!(self, Self::Status { status, .. }
            if (400..500).contains(status) && *status != 408 && *status != 429)
    }

    /// The server's error code, if it answered with one.
    pub(crate) fn server_code(&self) -> Option<&str> {
        match self {
            Self::Status { code, .. } => code.as_deref(),
            Self::Network(_) => None,
        }
    }
}

/// `POST {apiUrl}{path}` with a JSON body (and a bearer token); the parsed JSON answer, or
/// `null` for 204.
pub(crate) async fn post(
    config: &ClientConfig,
    path: &str,
    body: &JsValue,
    bearer: Option<&str>,
) -> Result<JsValue, HttpError> {
    let headers = Object::new();
    js::set(&headers, "content-type", "application/json");
    js::set(
        &headers,
        PUBLISHABLE_KEY_HEADER,
        config.publishable_key.as_str(),
    );
    if let Some(token) = bearer {
        js::set(&headers, "authorization", ["Bearer ", token].concat());
    }
    let init = Object::new();
    js::set(&init, "method", "POST");
    js::set(&init, "headers", headers);
    js::set(
        &init,
        "body",
        JSON::stringify(body).map_err(HttpError::Network)?,
    );
    // One signal bounds the whole exchange, headers and body.
    js::set(
        &init,
        "signal",
        AbortSignal::timeout_with_u32(config.request_timeout_ms),
    );
    let url = [config.api_url.as_str(), path].concat();
    let response: Response = JsFuture::from(fetch_with_init(&url, &init))
        .await
        .map_err(HttpError::Network)?
        .unchecked_into();
    let status = response.status();
    let json = if status == 204 {
        Ok(JsValue::NULL)
    } else {
        let promise = response.json().map_err(HttpError::Network)?;
        JsFuture::from(promise).await
    };
    if response.ok() {
        return json.map_err(HttpError::Network);
    }
    // An error body that is not JSON (a proxy's error page) counts as no body.
    let json = json.unwrap_or(JsValue::NULL);
    let error = js::get(&json, "error");
    let code = js::get_string(&error, "code");
    let cause = Object::new();
    js::set(&cause, "status", status);
    if let Some(code) = &code {
        js::set(&cause, "code", code.as_str());
    }
    if let Some(message) = js::get_string(&error, "message") {
        js::set(&cause, "message", message);
    }
    Err(HttpError::Status {
        status,
        code,
        cause: cause.into(),
    })
}
