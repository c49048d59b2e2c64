//! `GET /.well-known/jwks.json`: the public keys that verify access tokens, for app backends
//! that check tokens offline.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::ApiError;

/// How long clients may cache the set. The next rotation's key is published a whole rotation
/// period ahead, so a cached set always holds the key of any token issued meanwhile.
const CACHE_CONTROL: &str = "public, max-age=300";

/// `GET /.well-known/jwks.json`.
///
/// # Errors
/// Store failures.
pub async fn jwks(State(state): State<AppState>) -> Result<Response, ApiError> {
    let set = state.keys().jwks(state.store(), state.now()).await?;
    let mut response = Json(set).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    Ok(response)
}
