//! The session endpoints: refresh, sign-out and the signed-in user.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use baas_core::api::{RefreshRequest, Session, User};
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, Bearer, CurrentProject};
use crate::sessions;
use crate::tokens::{self, Expiry};

/// `POST /v1/auth/logout` body: optional, like its one member.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LogoutRequest {
    /// The refresh token of the session to revoke.
    #[serde(default)]
    pub refresh_token: Option<String>,
}

/// `POST /v1/auth/refresh`: rotates the refresh token; reuse of a rotated one revokes the
/// whole session.
///
/// # Errors
/// `REFRESH_TOKEN_*`; store failures.
pub async fn refresh(
    State(state): State<AppState>,
    CurrentProject(project): CurrentProject,
    ApiJson(request): ApiJson<RefreshRequest>,
) -> Result<Json<Session>, ApiError> {
    Ok(Json(
        sessions::refresh(&state, &project, &request.refresh_token).await?,
    ))
}

/// `POST /v1/auth/logout`: revokes the session of the bearer token (signature-valid, expired or
/// not) and/or of `{refreshToken}`. Unknown or already revoked refresh tokens are not an error.
///
/// # Errors
/// [`ApiError::TokenMissing`] when neither is given, `TOKEN_INVALID` for a bad bearer token;
/// store failures.
pub async fn logout(
    State(state): State<AppState>,
    CurrentProject(project): CurrentProject,
    bearer: Option<Bearer>,
    body: Option<ApiJson<LogoutRequest>>,
) -> Result<StatusCode, ApiError> {
    let refresh_token = body.and_then(|ApiJson(body)| body.refresh_token);
    if bearer.is_none() && refresh_token.is_none() {
        return Err(ApiError::TokenMissing);
    }
    let now = state.now();
    // The refresh token first: it is revoked even when the bearer token turns out invalid.
    if let Some(hash) = refresh_token.and_then(|t| tokens::presented_refresh_token_hash(&t).ok()) {
        state
            .store()
            .revoke_session_of_refresh_token(&project.id, &hash, now)
            .await?;
    }
    if let Some(Bearer(token)) = bearer {
        let claims = sessions::authenticate(&state, &project, &token, Expiry::Ignore).await?;
        state
            .store()
            .revoke_session(&project.id, &claims.sid, now)
            .await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /v1/auth/user`: the account of a valid access token whose session is not revoked.
///
/// # Errors
/// `TOKEN_MISSING`, `TOKEN_INVALID`, `TOKEN_EXPIRED`, `SESSION_REVOKED`; store failures.
pub async fn user(
    State(state): State<AppState>,
    CurrentProject(project): CurrentProject,
    Bearer(token): Bearer,
) -> Result<Json<User>, ApiError> {
    let claims = sessions::authenticate(&state, &project, &token, Expiry::Enforce).await?;
    if !state
        .store()
        .session_active(&project.id, &claims.sid)
        .await?
    {
        return Err(ApiError::SessionRevoked);
    }
    let account = state
        .store()
        .account(&project.id, &claims.sub)
        .await?
        .ok_or(ApiError::SessionRevoked)?;
    let created_at = OffsetDateTime::from_unix_timestamp(account.created_at)
        .map_err(ApiError::internal)?
        .format(&Rfc3339)
        .map_err(ApiError::internal)?;
    Ok(Json(User {
        address: account.address,
        method: account.method,
        created_at,
    }))
}
