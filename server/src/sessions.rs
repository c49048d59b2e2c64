//! Sessions: starting one after a sign-in, refreshing it (rotating its refresh token), and
//! authenticating the access tokens it issues.

use baas_core::api::{self, SessionCredential, SignInMethod};
use baas_core::base64url;

use crate::AppState;
use crate::config::Project;
use crate::error::ApiError;
use crate::store::{Credential, NewRefreshToken, Rotation, Session};
use crate::tokens::{self, Claims, Expiry};

/// A session about to start: the rows to store, and the refresh token to hand out once they
/// are stored.
pub struct NewSession {
    /// The session row.
    pub session: Session,
    /// Its first refresh token, as stored.
    pub token: NewRefreshToken,
    refresh_token: String,
}

impl NewSession {
    /// A fresh session of `address` of the project, signed in at `now` by `method` (with
    /// `credential_id`, for a passkey).
    pub fn new(
        project: &Project,
        address: &str,
        method: SignInMethod,
        credential_id: Option<&[u8]>,
        now: i64,
    ) -> Self {
        let (refresh_token, hash) = tokens::new_refresh_token();
        Self {
            session: Session {
                id: tokens::random_id(),
                project_id: project.id.clone(),
                address: address.to_owned(),
                method,
                credential_id: credential_id.map(<[u8]>::to_vec),
            },
            token: NewRefreshToken {
                hash,
                created_at: now,
                expires_at: now + project.refresh_ttl,
            },
            refresh_token,
        }
    }

    /// The session as the client gets it, once the store holds it: the refresh token and a
    /// first access token.
    ///
    /// # Errors
    /// [`ApiError::Internal`] when the store fails.
    pub async fn issue(
        self,
        state: &AppState,
        project: &Project,
        credential: Option<&Credential>,
    ) -> Result<api::Session, ApiError> {
        let now = self.token.created_at;
        respond(
            state,
            project,
            &self.session,
            self.refresh_token,
            credential,
            now,
        )
        .await
    }
}

/// Starts a session for `address` after a sign-in, with its first refresh token.
///
/// # Errors
/// [`ApiError::Internal`] when the store fails.
pub async fn start(
    state: &AppState,
    project: &Project,
    address: &str,
    method: SignInMethod,
    credential: Option<&Credential>,
) -> Result<api::Session, ApiError> {
    let credential_id = credential.map(|c| c.id.as_slice());
    let new = NewSession::new(project, address, method, credential_id, state.now());
    state
        .store()
        .start_session(&new.session, &new.token)
        .await?;
    new.issue(state, project, credential).await
}

/// Rotates a refresh token: the session continues with a new refresh token and access token.
///
/// # Errors
/// `REFRESH_TOKEN_*` errors for an unknown, expired, revoked or reused token (reuse revokes the
/// whole session first); [`ApiError::Internal`] when the store fails.
pub async fn refresh(
    state: &AppState,
    project: &Project,
    refresh_token: &str,
) -> Result<api::Session, ApiError> {
    let hash = tokens::presented_refresh_token_hash(refresh_token)?;
    let now = state.now();
    let (next_token, next_hash) = tokens::new_refresh_token();
    let next = NewRefreshToken {
        hash: next_hash,
        created_at: now,
        expires_at: now + project.refresh_ttl,
    };
    match state
        .store()
        .rotate_refresh_token(&project.id, &hash, &next, now)
        .await?
    {
        Rotation::Rotated(session) => {
            let credential = match &session.credential_id {
                Some(id) => state
                    .store()
                    .credential(&project.id, id)
                    .await?
                    .map(|c| c.credential),
                None => None,
            };
            respond(
                state,
                project,
                &session,
                next_token,
                credential.as_ref(),
                now,
            )
            .await
        }
        Rotation::Reused => {
            tracing::warn!(project = %project.id, "rotated refresh token reused: session revoked");
            Err(ApiError::RefreshTokenReused)
        }
        Rotation::Revoked => Err(ApiError::RefreshTokenRevoked),
        Rotation::Expired => Err(ApiError::RefreshTokenExpired),
        Rotation::Unknown => Err(ApiError::RefreshTokenInvalid),
    }
}

/// The claims of an access token of this project, after checking its header, signature,
/// audience and (unless `expiry` says otherwise) expiry.
///
/// # Errors
/// `TOKEN_INVALID` or `TOKEN_EXPIRED`; [`ApiError::Internal`] when the store fails.
pub async fn authenticate(
    state: &AppState,
    project: &Project,
    token: &str,
    expiry: Expiry,
) -> Result<Claims, ApiError> {
    let kid = tokens::key_id(token)?;
    let key = state
        .keys()
        .by_kid(state.store(), &kid)
        .await?
        .ok_or(ApiError::TokenInvalid)?;
    tokens::verify(&key, token, &project.id, state.now(), expiry)
}

async fn respond(
    state: &AppState,
    project: &Project,
    session: &Session,
    refresh_token: String,
    credential: Option<&Credential>,
    now: i64,
) -> Result<api::Session, ApiError> {
    let key = state.keys().current(state.store(), now).await?;
    let claims = Claims {
        sub: session.address.clone(),
        aud: project.id.clone(),
        iat: now,
        exp: now + project.access_ttl,
        sid: session.id.clone(),
        jti: tokens::random_id(),
    };
    Ok(api::Session {
        access_token: tokens::sign(&key, &claims)?,
        address: claims.sub,
        expires_at: claims.exp,
        refresh_token,
        method: session.method,
        credential: credential.map(|c| SessionCredential {
            id: base64url::encode(&c.id),
            public_key: base64url::encode(&c.public_key),
            backup_eligible: c.backup_eligible,
            backed_up: c.backed_up,
        }),
    })
}
