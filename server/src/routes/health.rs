//! `GET /v1/health`: 200 when the store answers within 2 s, 503 otherwise.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::ApiError;

/// How long the store may take to answer.
const STORE_TIMEOUT: Duration = Duration::from_secs(2);

/// `GET /v1/health`.
///
/// # Errors
/// [`ApiError::StoreUnavailable`] when the store fails or is slow.
pub async fn health(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    match tokio::time::timeout(STORE_TIMEOUT, state.store().ping()).await {
        Ok(Ok(())) => Ok(Json(json!({ "status": "ok" }))),
        Ok(Err(error)) => {
            tracing::error!(%error, "health check: store failed");
            Err(ApiError::StoreUnavailable)
        }
        Err(_) => Err(ApiError::StoreUnavailable),
    }
}
