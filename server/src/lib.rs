//! `baas-server`: the BaaS API server of DESIGN §5 — passkey registration and sign-in
//! ([WebAuthn L3](https://www.w3.org/TR/webauthn-3/) relying party), wallet sign-in
//! ([EIP-4361](https://eips.ethereum.org/EIPS/eip-4361) Sign-In with Ethereum), sessions (ES256
//! access JWTs, rotating refresh tokens, a JWKS) and a store on SQLite or PostgreSQL.
//!
//! What it covers: the HTTP surface ([`app`]), configuration ([`config`]), persistence
//! ([`store`]), tokens ([`tokens`], [`signing_keys`], [`sessions`]). What it does not: the
//! WebAuthn and wire-format rules themselves, which live in `baas-core` and are only called
//! (as are the SIWE and EIP-191 rules) from here, so the SDK and the server can never disagree
//! about an encoding.
//!
//! The server keeps no state of its own: everything another process would need is in the
//! store, so several processes can serve one project behind a load balancer. Operator
//! documentation (options, TOML, endpoints, error codes) is in `server/README.md`.

pub mod clock;
pub mod config;
pub mod error;
pub mod extract;
pub mod jwt_crypto;
pub mod rate_limit;
pub mod ring_verifier;
pub mod routes;
pub mod sessions;
pub mod signing_keys;
pub mod store;
pub mod tokens;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, header};
use baas_core::api::PUBLISHABLE_KEY_HEADER;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::clock::{Clock, SystemClock};
use crate::config::{Config, Project};
use crate::error::{ApiError, MAX_BODY_BYTES};
use crate::rate_limit::RateLimiter;
use crate::signing_keys::KeyRing;
use crate::store::Store;
use crate::store::sql::SqlStore;

/// How often expired challenges, refresh tokens, sessions and signing keys are deleted.
const PURGE_INTERVAL: Duration = Duration::from_secs(60);

/// How long browsers may cache a CORS preflight.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(600);

/// Everything a request handler needs: the configuration, the store, the clock.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    projects: HashMap<String, Arc<Project>>,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    keys: KeyRing,
    limiter: Option<RateLimiter>,
}

impl AppState {
    /// The state of a server with this configuration, store and clock.
    pub fn new(config: Config, store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        let projects = config
            .projects
            .iter()
            .map(|p| (p.publishable_key.clone(), Arc::new(p.clone())))
            .collect();
        Self {
            inner: Arc::new(Inner {
                keys: KeyRing::new(config.key_rotation, config.max_access_ttl()),
                limiter: RateLimiter::new(
                    config.rate_limit,
                    config.project_rate_limit,
                    config.trust_forwarded_for,
                ),
                config,
                projects,
                store,
                clock,
            }),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The project of a publishable key.
    pub fn project(&self, publishable_key: &str) -> Option<Arc<Project>> {
        self.inner.projects.get(publishable_key).cloned()
    }

    /// The store.
    pub fn store(&self) -> &dyn Store {
        self.inner.store.as_ref()
    }

    /// The current Unix time.
    pub fn now(&self) -> i64 {
        self.inner.clock.now()
    }

    /// The access-token signing keys.
    pub fn keys(&self) -> &KeyRing {
        &self.inner.keys
    }

    /// The rate limiter, unless limiting is off.
    pub fn limiter(&self) -> Option<&RateLimiter> {
        self.inner.limiter.as_ref()
    }
}

/// The HTTP application: the endpoints, CORS for the projects' origins, the body limit,
/// request tracing, and the `--static` directory when configured.
pub fn app(state: AppState) -> Router {
    let origins: Vec<HeaderValue> = state
        .config()
        .projects
        .iter()
        .flat_map(|p| &p.rp.origins)
        .filter_map(|origin| HeaderValue::from_str(origin).ok())
        .collect();
    // Preflights cannot carry the publishable key, so they allow every project's origins; the
    // request itself must then come from an origin of its own project (`CurrentProject`).
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            HeaderName::from_static(PUBLISHABLE_KEY_HEADER),
        ])
        .expose_headers([header::RETRY_AFTER])
        .max_age(PREFLIGHT_MAX_AGE);
    let router =
        routes::router(&state).method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed });
    let router = match &state.config().static_dir {
        Some(dir) => router.fallback_service(ServeDir::new(dir)),
        None => router.fallback(|| async { ApiError::NotFound }),
    };
    router
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(cors)
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}

/// Opens the store, prepares the signing key, then serves until Ctrl-C or SIGTERM.
///
/// # Errors
/// When the store cannot be opened or migrated, or the address cannot be bound.
pub async fn serve(config: Config) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let store: Arc<dyn Store> = Arc::new(SqlStore::connect(&config.database_url).await?);
    let state = AppState::new(config, store, Arc::new(SystemClock));
    state.keys().current(state.store(), state.now()).await?;
    tokio::spawn(purge_periodically(state.clone()));
    let config = state.config();
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let projects: Vec<&str> = config.projects.iter().map(|p| p.id.as_str()).collect();
    let store_kind = config.database_url.split(':').next().unwrap_or_default();
    tracing::info!(
        projects = ?projects,
        store = store_kind,
        "baas-server listening on http://{}",
        listener.local_addr()?
    );
    axum::serve(
        listener,
        app(state.clone()).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    Ok(())
}

/// Deletes expired rows every [`PURGE_INTERVAL`].
async fn purge_periodically(state: AppState) {
    let mut interval = tokio::time::interval(PURGE_INTERVAL);
    loop {
        interval.tick().await;
        let now = state.now();
        match state
            .store()
            .purge(now, state.keys().published_since(now))
            .await
        {
            Ok(purged) => tracing::debug!(?purged, "purged expired rows"),
            Err(error) => tracing::warn!(%error, "purge failed"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}
