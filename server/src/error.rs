//! The one error type of the HTTP layer. Handlers return `Result<_, ApiError>`;
//! [`IntoResponse`] for [`ApiError`] is the only place that picks HTTP statuses, and every error
//! answers `{"error":{"code","message"}}` with a stable code.
//!
//! Relying-party errors of `baas-core` keep their own codes: 401 when the assertion or wallet
//! signature does not prove possession of the key (`SIGNATURE_INVALID`, `COUNTER_REGRESSION`,
//! `USER_HANDLE_MISMATCH`, `BACKUP_ELIGIBILITY_CHANGED`, `WALLET_SIGNATURE_INVALID`), 400 for
//! every other check (the SIWE message's shape, domain, URI, chain and times included).

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use baas_core::api::{ErrorBody, ErrorDetail};

use crate::store::StoreError;

/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// A relying-party check of `baas-core` failed; its code is reported unchanged.
    #[error(transparent)]
    Verification(#[from] baas_core::Error),
    /// No `x-baas-publishable-key` header.
    #[error("the x-baas-publishable-key header is missing")]
    PublishableKeyMissing,
    /// The publishable key names no project.
    #[error("the publishable key is not one of this server's projects")]
    PublishableKeyInvalid,
    /// The request's `Origin` is not one of the project's origins.
    #[error("requests from this origin are not allowed for this project")]
    RequestOriginNotAllowed,
    /// The body is not the JSON the endpoint takes.
    #[error("{0}")]
    InvalidJson(String),
    /// A body without `content-type: application/json`.
    #[error("the body must be JSON, with `content-type: application/json`")]
    UnsupportedMediaType,
    /// The body is larger than [`MAX_BODY_BYTES`].
    #[error("the body is larger than {MAX_BODY_BYTES} bytes")]
    PayloadTooLarge,
    /// `displayName` is empty, too long or has control characters.
    #[error("displayName must be 1 to 64 characters, without control characters")]
    InvalidDisplayName,
    /// The challenge is unknown, already used, or of another ceremony or project.
    #[error("unknown or already used challenge: request new options")]
    ChallengeNotFound,
    /// The challenge expired.
    #[error("the challenge expired: request new options")]
    ChallengeExpired,
    /// The wallet nonce is unknown, already used, or was issued for another project, address or
    /// chain.
    #[error(
        "unknown or already used nonce, or one issued for another address or chain: request a new nonce"
    )]
    NonceNotFound,
    /// The wallet nonce expired.
    #[error("the nonce expired: request a new nonce and sign again")]
    NonceExpired,
    /// Sign-in by a method the address's account was not created with (a wallet whose address
    /// is a passkey account's, or the reverse).
    #[error(
        "this address belongs to an account that signs in another way (passkey or wallet): use that"
    )]
    AccountMethodMismatch,
    /// Sign-in with a credential the project does not know.
    #[error("no account for this passkey on this site: sign up first")]
    CredentialNotFound,
    /// Registration of a credential ID that is already registered.
    #[error("this passkey is already registered: sign in instead")]
    CredentialExists,
    /// No bearer token where one is required.
    #[error("an `Authorization: Bearer` access token is required")]
    TokenMissing,
    /// A malformed, forged or foreign access token.
    #[error("the access token is not valid for this project")]
    TokenInvalid,
    /// An expired access token.
    #[error("the access token expired: refresh the session")]
    TokenExpired,
    /// An access token of a session that was signed out or revoked.
    #[error("the session was signed out or revoked: sign in again")]
    SessionRevoked,
    /// An unknown refresh token.
    #[error("unknown refresh token: sign in again")]
    RefreshTokenInvalid,
    /// An expired refresh token.
    #[error("the refresh token expired: sign in again")]
    RefreshTokenExpired,
    /// A refresh token used after its session was revoked.
    #[error("the session was signed out or revoked: sign in again")]
    RefreshTokenRevoked,
    /// A rotated refresh token presented again: its whole session is now revoked.
    #[error("the refresh token was already used; the session is revoked: sign in again")]
    RefreshTokenReused,
    /// Too many requests from this client.
    #[error("too many requests: retry in {retry_after} s")]
    RateLimited {
        /// Seconds until a request is accepted again.
        retry_after: u64,
    },
    /// No such endpoint.
    #[error("no such endpoint")]
    NotFound,
    /// The endpoint exists with other methods.
    #[error("method not allowed on this endpoint")]
    MethodNotAllowed,
    /// The store does not answer (health check).
    #[error("the store is unavailable")]
    StoreUnavailable,
    /// A failure of the server; logged, never described to the client.
    #[error("internal error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    /// An [`ApiError::Internal`] from any error.
    pub fn internal(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Internal(error.into())
    }

    /// The stable SCREAMING_SNAKE code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Verification(e) => e.code(),
            Self::PublishableKeyMissing => "PUBLISHABLE_KEY_MISSING",
            Self::PublishableKeyInvalid => "PUBLISHABLE_KEY_INVALID",
            Self::RequestOriginNotAllowed => "REQUEST_ORIGIN_NOT_ALLOWED",
            Self::InvalidJson(_) => "INVALID_JSON",
            Self::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::InvalidDisplayName => "INVALID_DISPLAY_NAME",
            Self::ChallengeNotFound => "CHALLENGE_NOT_FOUND",
            Self::ChallengeExpired => "CHALLENGE_EXPIRED",
            Self::NonceNotFound => "NONCE_NOT_FOUND",
            Self::NonceExpired => "NONCE_EXPIRED",
            Self::AccountMethodMismatch => "ACCOUNT_METHOD_MISMATCH",
            Self::CredentialNotFound => "CREDENTIAL_NOT_FOUND",
            Self::CredentialExists => "CREDENTIAL_EXISTS",
            Self::TokenMissing => "TOKEN_MISSING",
            Self::TokenInvalid => "TOKEN_INVALID",
            Self::TokenExpired => "TOKEN_EXPIRED",
            Self::SessionRevoked => "SESSION_REVOKED",
            Self::RefreshTokenInvalid => "REFRESH_TOKEN_INVALID",
            Self::RefreshTokenExpired => "REFRESH_TOKEN_EXPIRED",
            Self::RefreshTokenRevoked => "REFRESH_TOKEN_REVOKED",
            Self::RefreshTokenReused => "REFRESH_TOKEN_REUSED",
            Self::RateLimited { .. } => "RATE_LIMITED",
            Self::NotFound => "NOT_FOUND",
            Self::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            Self::StoreUnavailable => "STORE_UNAVAILABLE",
            Self::Internal(_) => "INTERNAL",
        }
    }

    /// The HTTP status of this error.
    fn status(&self) -> StatusCode {
        match self {
            Self::Verification(e) => match e {
                baas_core::Error::SignatureInvalid
                | baas_core::Error::CounterRegression
                | baas_core::Error::UserHandleMismatch
                | baas_core::Error::BackupEligibilityChanged
                | baas_core::Error::WalletSignatureInvalid => StatusCode::UNAUTHORIZED,
                _ => StatusCode::BAD_REQUEST,
            },
            Self::InvalidJson(_)
            | Self::InvalidDisplayName
            | Self::ChallengeNotFound
            | Self::ChallengeExpired
            | Self::NonceNotFound
            | Self::NonceExpired => StatusCode::BAD_REQUEST,
            Self::PublishableKeyMissing
            | Self::PublishableKeyInvalid
            | Self::TokenMissing
            | Self::TokenInvalid
            | Self::TokenExpired
            | Self::SessionRevoked
            | Self::RefreshTokenInvalid
            | Self::RefreshTokenExpired
            | Self::RefreshTokenRevoked
            | Self::RefreshTokenReused => StatusCode::UNAUTHORIZED,
            Self::RequestOriginNotAllowed => StatusCode::FORBIDDEN,
            Self::CredentialNotFound | Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::CredentialExists | Self::AccountMethodMismatch => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::StoreUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
            match self {
                Self::StoreUnavailable => self.to_string(),
                _ => "internal error".to_owned(),
            }
        } else {
            self.to_string()
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code().to_owned(),
                message,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if let Self::RateLimited { retry_after } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        if status == StatusCode::UNAUTHORIZED && self.code().starts_with("TOKEN_") {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        Self::internal(error)
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => Self::UnsupportedMediaType,
            JsonRejection::BytesRejection(_)
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Self::PayloadTooLarge
            }
            other => Self::InvalidJson(other.body_text()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// One value of every variant; the match makes a new variant fail to compile until listed.
    fn every_variant() -> Vec<ApiError> {
        let all = vec![
            ApiError::Verification(baas_core::Error::SignatureInvalid),
            ApiError::PublishableKeyMissing,
            ApiError::PublishableKeyInvalid,
            ApiError::RequestOriginNotAllowed,
            ApiError::InvalidJson(String::new()),
            ApiError::UnsupportedMediaType,
            ApiError::PayloadTooLarge,
            ApiError::InvalidDisplayName,
            ApiError::ChallengeNotFound,
            ApiError::ChallengeExpired,
            ApiError::NonceNotFound,
            ApiError::NonceExpired,
            ApiError::AccountMethodMismatch,
            ApiError::CredentialNotFound,
            ApiError::CredentialExists,
            ApiError::TokenMissing,
            ApiError::TokenInvalid,
            ApiError::TokenExpired,
            ApiError::SessionRevoked,
            ApiError::RefreshTokenInvalid,
            ApiError::RefreshTokenExpired,
            ApiError::RefreshTokenRevoked,
            ApiError::RefreshTokenReused,
            ApiError::RateLimited { retry_after: 1 },
            ApiError::NotFound,
            ApiError::MethodNotAllowed,
            ApiError::StoreUnavailable,
            ApiError::internal("x"),
        ];
        for e in &all {
            match e {
                ApiError::Verification(_)
                | ApiError::PublishableKeyMissing
                | ApiError::PublishableKeyInvalid
                | ApiError::RequestOriginNotAllowed
                | ApiError::InvalidJson(_)
                | ApiError::UnsupportedMediaType
                | ApiError::PayloadTooLarge
                | ApiError::InvalidDisplayName
                | ApiError::ChallengeNotFound
                | ApiError::ChallengeExpired
                | ApiError::NonceNotFound
                | ApiError::NonceExpired
                | ApiError::AccountMethodMismatch
                | ApiError::CredentialNotFound
                | ApiError::CredentialExists
                | ApiError::TokenMissing
                | ApiError::TokenInvalid
                | ApiError::TokenExpired
                | ApiError::SessionRevoked
                | ApiError::RefreshTokenInvalid
                | ApiError::RefreshTokenExpired
                | ApiError::RefreshTokenRevoked
                | ApiError::RefreshTokenReused
                | ApiError::RateLimited { .. }
                | ApiError::NotFound
                | ApiError::MethodNotAllowed
                | ApiError::StoreUnavailable
                | ApiError::Internal(_) => {}
            }
        }
        all
    }

    #[test]
    fn codes_are_unique_screaming_snake_and_distinct_from_the_core() {
        let all = every_variant();
        let codes: HashSet<_> = all.iter().map(ApiError::code).collect();
        assert_eq!(codes.len(), all.len(), "duplicate error code");
        for code in codes {
            assert!(
                code.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'),
                "{code}"
            );
        }
    }

    #[test]
    fn internal_errors_say_nothing_internal() {
        let response = ApiError::internal("secret connection string").into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = futures_body(response);
        assert!(!body.contains("secret"), "{body}");
        assert!(body.contains("\"INTERNAL\""), "{body}");
    }

    #[test]
    fn core_errors_keep_their_code() {
        for (error, status) in [
            (baas_core::Error::ChallengeMismatch, StatusCode::BAD_REQUEST),
            (baas_core::Error::SignatureInvalid, StatusCode::UNAUTHORIZED),
            (
                baas_core::Error::CounterRegression,
                StatusCode::UNAUTHORIZED,
            ),
            (
                baas_core::Error::WalletSignatureInvalid,
                StatusCode::UNAUTHORIZED,
            ),
            (
                baas_core::Error::WalletSignatureMalformed { reason: "v" },
                StatusCode::BAD_REQUEST,
            ),
            (
                baas_core::Error::SiweDomainMismatch,
                StatusCode::BAD_REQUEST,
            ),
            (baas_core::Error::SiweExpired, StatusCode::BAD_REQUEST),
            (
                baas_core::Error::ChainNotAllowed { chain_id: 5 },
                StatusCode::BAD_REQUEST,
            ),
        ] {
            let api = ApiError::from(error.clone());
            assert_eq!(api.code(), error.code());
            assert_eq!(api.status(), status);
        }
    }

    fn futures_body(response: Response) -> String {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let bytes = runtime
            .block_on(axum::body::to_bytes(response.into_body(), usize::MAX))
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }
}
