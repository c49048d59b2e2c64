//! The server's router, in process over an SQLite file, with any body on any `/v1/auth/*`
//! endpoint (the first byte picks the endpoint; for `GET /v1/auth/user` the rest is the bearer
//! token). Every answer must be a 2xx or a 4xx with the error JSON: bad input is never a 500.
#![no_main]

use std::sync::{Arc, LazyLock};

use axum::body::Body;
use axum::http::{Method, Request};
use baas_server::clock::SystemClock;
use baas_server::config::{Config, Options};
use baas_server::store::sql::SqlStore;
use baas_server::{AppState, app};
use clap::Parser as _;
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt as _;

const ENDPOINTS: [&str; 7] = [
    "/v1/auth/passkey/register/options",
    "/v1/auth/passkey/register",
    "/v1/auth/passkey/login/options",
    "/v1/auth/passkey/login",
    "/v1/auth/refresh",
    "/v1/auth/logout",
    "/v1/auth/user",
];

struct Harness {
    runtime: tokio::runtime::Runtime,
    router: axum::Router,
    _dir: tempfile::TempDir,
}

static HARNESS: LazyLock<Harness> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("fuzz.sqlite").display());
    let options =
        Options::try_parse_from(["baas-server", "--database-url", &url, "--rate-limit", "0"])
            .expect("valid options");
    let config = Config::from_options(&options).expect("a valid configuration");
    let router = runtime.block_on(async {
        let store = SqlStore::connect(&url).await.expect("the store opens");
        app(AppState::new(
            config,
            Arc::new(store),
            Arc::new(SystemClock),
        ))
    });
    Harness {
        runtime,
        router,
        _dir: dir,
    }
});

fuzz_target!(|data: &[u8]| {
    let Some((selector, body)) = data.split_first() else {
        return;
    };
    let path = ENDPOINTS[usize::from(*selector) % ENDPOINTS.len()];
    let mut request = Request::builder()
        .uri(path)
        .header("x-baas-publishable-key", "sb_publishable_demo")
        .header("origin", "http://localhost:8787");
    let body = if path.ends_with("/user") {
        request = request.method(Method::GET);
        match std::str::from_utf8(body) {
            Ok(token) if axum::http::HeaderValue::from_str(token).is_ok() => {
                request = request.header("authorization", format!("Bearer {token}"));
            }
            _ => {}
        }
        Body::empty()
    } else {
        request = request
            .method(Method::POST)
            .header("content-type", "application/json");
        Body::from(body.to_vec())
    };
    let request = request.body(body).expect("a valid request");
    let harness = &*HARNESS;
    let (status, bytes) = harness.runtime.block_on(async {
        let response = harness
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible");
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("the body is read");
        (status, bytes)
    });
    assert!(
        !status.is_server_error(),
        "{status}: {}",
        String::from_utf8_lossy(&bytes)
    );
    if !status.is_success() {
        let error: serde_json::Value = serde_json::from_slice(&bytes).expect("an error is JSON");
        assert!(error["error"]["code"].is_string(), "{error}");
    }
});
