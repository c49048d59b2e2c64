//! The test harness: the real router over a real SQLite file in a temporary directory, a clock
//! the tests move, requests sent in-process with `tower::ServiceExt::oneshot`, and a software
//! authenticator we did not write (1Password's `passkey-authenticator` behind `passkey-client`).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use async_trait::async_trait;
use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use baas_core::RelyingParty;
use baas_server::clock::{Clock, SystemClock};
use baas_server::config::{Config, Project};
use baas_server::store::Store;
use baas_server::store::sql::SqlStore;
use baas_server::{AppState, app};
use passkey_authenticator::{
    Authenticator, CredentialStore, DiscoverabilitySupport, StoreInfo, UiHint, UserCheck,
    UserValidationMethod,
};
use passkey_client::{Client, DefaultClientData};
use passkey_types::Passkey;
use passkey_types::ctap2::make_credential::{
    Options, PublicKeyCredentialRpEntity, PublicKeyCredentialUserEntity,
};
use passkey_types::ctap2::{Aaguid, Ctap2Error, StatusCode as CtapStatus};
use passkey_types::webauthn::PublicKeyCredentialDescriptor;
use passkey_types::webauthn::{CredentialCreationOptions, CredentialRequestOptions};
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

/// User verification as a test wants it: presence always, verification when asked and able.
pub struct User {
    pub verifies: bool,
}

#[async_trait]
impl UserValidationMethod for User {
    type PasskeyItem = Passkey;

    async fn check_user<'a>(
        &self,
        _hint: UiHint<'a, Passkey>,
        _presence: bool,
        verification: bool,
    ) -> Result<UserCheck, Ctap2Error> {
        Ok(UserCheck {
            presence: true,
            verification: verification && self.verifies,
        })
    }

    fn is_presence_enabled(&self) -> bool {
        true
    }

    fn is_verification_enabled(&self) -> Option<bool> {
        Some(true)
    }
}

/// The authenticator's discoverable credentials. (`passkey-authenticator`'s `MemoryStore` finds
/// credentials only through `allowCredentials`, and baas signs in with discoverable ones.)
#[derive(Debug, Clone, Default)]
pub struct Passkeys(pub Vec<Passkey>);

#[async_trait]
impl CredentialStore for Passkeys {
    type PasskeyItem = Passkey;

    async fn find_credentials(
        &self,
        allow: Option<&[PublicKeyCredentialDescriptor]>,
        rp_id: &str,
        user_handle: Option<&[u8]>,
    ) -> Result<Vec<Passkey>, CtapStatus> {
        let found: Vec<Passkey> = self
            .0
            .iter()
            .filter(|p| p.rp_id == rp_id)
            .filter(|p| {
                allow.is_none_or(|allow| {
                    allow.is_empty() || allow.iter().any(|d| *d.id == *p.credential_id)
                })
            })
            .filter(|p| {
                user_handle.is_none_or(|h| p.user_handle.as_deref().map(|u| &u[..]) == Some(h))
            })
            .cloned()
            .collect();
        if found.is_empty() {
            Err(Ctap2Error::NoCredentials.into())
        } else {
            Ok(found)
        }
    }

    async fn save_credential(
        &mut self,
        passkey: Passkey,
        _: PublicKeyCredentialUserEntity,
        _: PublicKeyCredentialRpEntity,
        _: Options,
    ) -> Result<(), CtapStatus> {
        self.0.push(passkey);
        Ok(())
    }

    async fn update_credential(&mut self, passkey: &Passkey) -> Result<(), CtapStatus> {
        for stored in self
            .0
            .iter_mut()
            .filter(|p| p.credential_id == passkey.credential_id)
        {
            *stored = passkey.clone();
        }
        Ok(())
    }

    async fn get_info(&self) -> StoreInfo {
        StoreInfo {
            discoverability: DiscoverabilitySupport::ForcedDiscoverable,
        }
    }
}

type SoftwareClient =
    Client<Passkeys, User, passkey_crypto::AvailableBackend, public_suffix::PublicSuffixList, ()>;

/// A browser with a platform authenticator, at one origin.
pub struct Device {
    client: SoftwareClient,
    origin: url::Url,
}

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
        let mut authenticator = Authenticator::new(
            Aaguid::new_empty(),
            Passkeys::default(),
            User { verifies: true },
            passkey_crypto::AvailableBackend,
        );
        authenticator.set_make_credentials_with_signature_counter(counter);
        Self {
            client: Client::new(authenticator).allows_insecure_localhost(true),
            origin: origin.parse().unwrap(),
        }
    }

    /// `navigator.credentials.create({publicKey: options})`, then `toJSON()`.
    pub async fn create(&mut self, options: &Value) -> Value {
        let options: CredentialCreationOptions =
            serde_json::from_value(json!({ "publicKey": options })).unwrap();
        let credential = self
            .client
            .register(&self.origin, options, DefaultClientData)
            .await
            .unwrap();
        serde_json::to_value(credential).unwrap()
    }

    /// `navigator.credentials.get({publicKey: options})`, then `toJSON()`.
    pub async fn get(&mut self, options: &Value) -> Value {
        let options: CredentialRequestOptions =
            serde_json::from_value(json!({ "publicKey": options })).unwrap();
        let credential = self
            .client
            .authenticate(&self.origin, options, DefaultClientData)
            .await
            .unwrap();
        serde_json::to_value(credential).unwrap()
    }

    /// The authenticator's credentials (to clone the authenticator).
    pub fn credentials(&self) -> Passkeys {
        self.client.authenticator().store().clone()
    }

    pub fn restore(&mut self, credentials: Passkeys) {
        *self.client.authenticator_mut().store_mut() = credentials;
    }
}
