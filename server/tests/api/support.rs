//! The test harness: the real router over a real SQLite file in a temporary directory, a clock
//! the tests move, requests sent in-process with `tower::ServiceExt::oneshot`, and a software
//! authenticator we did not write (1Password's `passkey-authenticator` behind `passkey-client`,
//! set up in `baas-testkit`, which the load tool shares).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use baas_core::RelyingParty;
use baas_server::clock::{Clock, SystemClock};
use baas_server::config::{Config, Project};
use baas_server::store::Store;
use baas_server::store::sql::SqlStore;
use baas_server::{AppState, app};
use serde::Serialize;
use serde_json::{Value, json};
use tempfile::TempDir;
use tower::ServiceExt as _;

/// The main test project.
pub const KEY: &str = "pk_test";
pub const PROJECT: &str = "test";
pub const RP_ID: &str = "login.example.com";
pub const ORIGIN: &str = "https://login.example.com";
/// A second project of the same server.
pub const OTHER_KEY: &str = "pk_other";
pub const OTHER_ORIGIN: &str = "https://other.example.com";
pub const ACCESS_TTL: i64 = 600;
pub const REFRESH_TTL: i64 = 86_400;
pub const CHALLENGE_TTL: i64 = 120;

/// Two projects, no rate limit.
pub fn config() -> Config {
    let project = |id: &str, key: &str, rp_id: &str, origin: &str| Project {
        id: id.to_owned(),
        publishable_key: key.to_owned(),
        rp: RelyingParty {
            id: rp_id.to_owned(),
            name: format!("{id} project"),
            origins: vec![origin.to_owned()],
        },
        access_ttl: ACCESS_TTL,
        refresh_ttl: REFRESH_TTL,
        challenge_ttl: CHALLENGE_TTL,
        chain_ids: None,
    };
    Config {
        listen: ([127, 0, 0, 1], 0).into(),
        database_url: String::new(),
        static_dir: None,
        rate_limit: 0,
        project_rate_limit: 0,
        trust_forwarded_for: false,
        key_rotation: 30 * 86_400,
        projects: vec![
            project(PROJECT, KEY, RP_ID, ORIGIN),
            project("other", OTHER_KEY, "other.example.com", OTHER_ORIGIN),
        ],
    }
}

/// The system clock plus an offset the test moves.
#[derive(Debug, Default)]
pub struct TestClock(AtomicI64);

impl TestClock {
    pub fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> i64 {
        SystemClock.now() + self.0.load(Ordering::SeqCst)
    }
}

/// A server over a fresh SQLite file.
pub struct TestServer {
    pub state: AppState,
    pub clock: Arc<TestClock>,
    app: Router,
    _dir: Arc<TempDir>,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(config()).await
    }

    pub async fn start_with(config: Config) -> Self {
        let dir = Arc::new(tempfile::tempdir().unwrap());
        Self::open(config, dir, Arc::default()).await
    }

    /// A server over `dir/baas.sqlite`, created or reopened.
    pub async fn open(config: Config, dir: Arc<TempDir>, clock: Arc<TestClock>) -> Self {
        let store = SqlStore::connect(&sqlite_url(dir.path())).await.unwrap();
        Self::with_store(config, Arc::new(store), dir, clock)
    }

    pub fn with_store(
        config: Config,
        store: Arc<dyn Store>,
        dir: Arc<TempDir>,
        clock: Arc<TestClock>,
    ) -> Self {
        let state = AppState::new(config, store, clock.clone());
        Self {
            app: app(state.clone()),
            state,
            clock,
            _dir: dir,
        }
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    /// A request of the main project, from its origin.
    pub fn post(&self, path: &str) -> Call<'_> {
        self.post_as(KEY, ORIGIN, path)
    }

    /// A request with this publishable key, from this origin.
    pub fn post_as(&self, key: &str, origin: &str, path: &str) -> Call<'_> {
        Call::new(self, Method::POST, path)
            .key(key)
            .header("origin", origin)
    }

    pub fn get(&self, path: &str) -> Call<'_> {
        Call::new(self, Method::GET, path)
            .key(KEY)
            .header("origin", ORIGIN)
    }

    /// Registration options (200 expected).
    pub async fn register_options(&self) -> (String, Value) {
        options(
            self.post("/v1/auth/passkey/register/options")
                .json(json!({}))
                .send()
                .await,
        )
    }

    /// Sign-in options (200 expected).
    pub async fn login_options(&self) -> (String, Value) {
        options(
            self.post("/v1/auth/passkey/login/options")
                .json(json!({}))
                .send()
                .await,
        )
    }

    /// A full registration with `device`; returns the session.
    pub async fn sign_up(&self, device: &mut Device) -> Value {
        let (challenge_id, options) = self.register_options().await;
        let credential = device.create(&options).await;
        self.submit_registration(challenge_id, credential)
            .await
            .ok()
    }

    /// A full sign-in with `device`; returns the reply.
    pub async fn sign_in(&self, device: &mut Device) -> Reply {
        let (challenge_id, options) = self.login_options().await;
        let credential = device.get(&options).await;
        self.submit_sign_in(challenge_id, credential).await
    }

    /// `POST /v1/auth/passkey/register` with this challenge ID and credential.
    pub async fn submit_registration(
        &self,
        challenge_id: impl Serialize,
        credential: impl Serialize,
    ) -> Reply {
        let body = json!({ "challengeId": challenge_id, "credential": credential });
        self.post("/v1/auth/passkey/register")
            .json(body)
            .send()
            .await
    }

    /// `POST /v1/auth/passkey/login` with this challenge ID and credential.
    pub async fn submit_sign_in(
        &self,
        challenge_id: impl Serialize,
        credential: impl Serialize,
    ) -> Reply {
        let body = json!({ "challengeId": challenge_id, "credential": credential });
        self.post("/v1/auth/passkey/login").json(body).send().await
    }

    /// A server with one signed-up account; returns its session.
    pub async fn with_session() -> (Self, Value) {
        let server = Self::start().await;
        let session = server.sign_up(&mut Device::new()).await;
        (server, session)
    }
}

pub fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("baas.sqlite").display())
}

fn options(reply: Reply) -> (String, Value) {
    let body = reply.ok();
    (
        body["challengeId"].as_str().unwrap().to_owned(),
        body["publicKey"].clone(),
    )
}

/// An HTTP request being built.
pub struct Call<'a> {
    server: &'a TestServer,
    builder: axum::http::request::Builder,
    body: Body,
}

impl<'a> Call<'a> {
    pub fn new(server: &'a TestServer, method: Method, path: &str) -> Self {
        Self {
            server,
            builder: Request::builder().method(method).uri(path),
            body: Body::empty(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.builder = self.builder.header(name, value);
        self
    }

    pub fn key(self, key: &str) -> Self {
        self.header("x-baas-publishable-key", key)
    }

    pub fn bearer(self, token: &str) -> Self {
        self.header("authorization", &format!("Bearer {token}"))
    }

    pub fn json(self, body: Value) -> Self {
        self.raw(&body.to_string())
    }

    /// A body sent as `application/json`, whatever it holds.
    pub fn raw(mut self, body: &str) -> Self {
        self.builder = self.builder.header("content-type", "application/json");
        self.body = Body::from(body.to_owned());
        self
    }

    pub fn request(self) -> Request<Body> {
        self.builder.body(self.body).unwrap()
    }

    pub async fn send(self) -> Reply {
        let server = self.server;
        server.send(self.request()).await
    }
}

/// A response.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The body of a 200.
    pub fn ok(self) -> Value {
        assert_eq!(self.status, StatusCode::OK, "{:#}", self.body);
        self.body
    }

    /// Asserts an error answer with this status and code.
    pub fn assert_error(&self, status: StatusCode, code: &str) {
        assert_eq!(
            (self.status, self.body["error"]["code"].as_str()),
            (status, Some(code)),
            "{:#}",
            self.body
        );
        assert!(
            self.body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
}

/// A browser with a platform authenticator at the main project's origin: the
/// `baas-testkit` device, which the load tool drives too.
pub struct Device(baas_testkit::Device);

impl Device {
    /// A synced passkey, as `passkey-authenticator` makes them: BE and BS set, counter always 0.
    pub fn new() -> Self {
        Self::at(ORIGIN, false)
    }

    /// The same with a signature counter.
    pub fn counting() -> Self {
        Self::at(ORIGIN, true)
    }

    pub fn at(origin: &str, counter: bool) -> Self {
        Self(baas_testkit::Device::at(origin, counter))
    }
}

impl std::ops::Deref for Device {
    type Target = baas_testkit::Device;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Device {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}
