//! The HTTP endpoints of DESIGN §5, one module per group.

pub mod health;
pub mod jwks;
pub mod passkey;
pub mod session;
pub mod wallet;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};

use crate::AppState;
use crate::rate_limit;

/// Every endpoint. The rate limit applies to `/v1/auth/*` except `/v1/auth/user`, which needs a
/// bearer token.
pub fn router(state: &AppState) -> Router<AppState> {
    let unauthenticated = Router::new()
        .route(
            "/v1/auth/passkey/register/options",
            post(passkey::register_options),
        )
        .route("/v1/auth/passkey/register", post(passkey::register))
        .route(
            "/v1/auth/passkey/login/options",
            post(passkey::login_options),
        )
        .route("/v1/auth/passkey/login", post(passkey::login))
        .route("/v1/auth/wallet/nonce", post(wallet::nonce))
        .route("/v1/auth/wallet/login", post(wallet::login))
        .route("/v1/auth/refresh", post(session::refresh))
        .route("/v1/auth/logout", post(session::logout))
        .route_layer(from_fn_with_state(state.clone(), rate_limit::limit));
    Router::new()
        .merge(unauthenticated)
        .route("/v1/auth/user", get(session::user))
        .route("/v1/health", get(health::health))
        .route("/.well-known/jwks.json", get(jwks::jwks))
}
