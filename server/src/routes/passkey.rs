//! Passkey registration and sign-in (DESIGN §5): options with a fresh challenge, then
//! verification by `baas-core` of what the authenticator returned.

use axum::Json;
use axum::extract::State;
use baas_core::api::{
    LoginOptionsResponse, LoginRequest, OptionsResponse, RegisterOptionsRequest,
    RegisterOptionsResponse, RegisterRequest, Session, SignInMethod,
};
use baas_core::authentication::{self, RequestOptionsJson, StoredCredential};
use baas_core::registration::{self, CreationOptionsJson};
use baas_core::{CoseKey, base64url};
use serde::Deserialize;

use crate::AppState;
use crate::config::Project;
use crate::error::ApiError;
use crate::extract::{ApiJson, CurrentProject};
use crate::ring_verifier::Ring;
use crate::sessions::NewSession;
use crate::store::{
    Ceremony, CompletedSignIn, CompletedSignUp, Credential, IssuedChallenge, NewAccount,
    NewChallenge, SignInOutcome, SignInUpdate, StoreError,
};
use crate::tokens;

/// Longest `displayName`, in characters.
const MAX_DISPLAY_NAME_CHARS: usize = 64;

/// `POST /v1/auth/passkey/login/options` body: `{}` (or none).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginOptionsRequest {}

/// `POST /v1/auth/passkey/register/options`: creation options for a new account.
///
/// # Errors
/// [`ApiError::InvalidDisplayName`]; store failures.
pub async fn register_options(
    State(state): State<AppState>,
    CurrentProject(project): CurrentProject,
    body: Option<ApiJson<RegisterOptionsRequest>>,
) -> Result<Json<RegisterOptionsResponse>, ApiError> {
    let display_name = body.and_then(|ApiJson(body)| body.display_name);
    let user_handle = rand::random::<[u8; 32]>().to_vec();
    let user_name = match display_name {
        Some(name) => checked_display_name(&name)?,
        None => format!("user-{}", &base64url::encode(&user_handle)[..8]),
    };
    let (challenge_id, challenge) = issue_challenge(
        &state,
        &project,
        Ceremony::Register,
        Some(user_handle.clone()),
    )
    .await?;
    Ok(Json(OptionsResponse {
        challenge_id,
        public_key: CreationOptionsJson::new(
            &project.rp,
            &challenge,
            &user_handle,
            &user_name,
            timeout_ms(&project),
        ),
    }))
}

/// `POST /v1/auth/passkey/register`: verifies the new credential, creates the account and
/// returns its first session.
///
/// The challenge is read, the credential verified, then one transaction takes the challenge,
/// creates the account and starts its session (one commit). A failed attempt uses the challenge
/// up all the same.
///
/// # Errors
/// Challenge errors, every relying-party error of `baas-core`, [`ApiError::CredentialExists`],
/// [`ApiError::AccountMethodMismatch`] when the address is a wallet account's; store failures.
pub async fn register(
    State(state): State<AppState>,
    CurrentProject(project): CurrentProject,
    ApiJson(request): ApiJson<RegisterRequest>,
) -> Result<Json<Session>, ApiError> {
    let id = &request.challenge_id;
    let session = with_challenge(&state, &project, id, Ceremony::Register, async |issued| {
        sign_up(&state, &project, &request, issued).await
    })
    .await?;
    Ok(Json(session))
}

/// The registration of `register` once its challenge is found: every check, then the one
/// transaction.
async fn sign_up(
    state: &AppState,
    project: &Project,
    request: &RegisterRequest,
    issued: IssuedChallenge,
) -> Result<Session, ApiError> {
    let user_handle = issued
        .user_handle
        .ok_or_else(|| ApiError::internal("registration challenge without a user handle"))?;
    let registration =
        registration::verify_with(&project.rp, &issued.challenge, &request.credential, &Ring)?;
    let address = registration.address.to_checksummed();
    let credential = Credential {
        id: registration.credential_id,
        address: address.clone(),
        public_key: registration.public_key_cbor,
        sign_count: registration.sign_count,
        backup_eligible: registration.backup_eligible,
        backed_up: registration.backed_up,
        transports: registration.transports,
    };
    let account = NewAccount {
        project_id: project.id.clone(),
        address: address.clone(),
        user_handle,
        created_at: state.now(),
        credential,
    };
    let new = NewSession::new(
        project,
        &address,
        SignInMethod::Passkey,
        Some(&account.credential.id),
        account.created_at,
    );
    let sign_up = CompletedSignUp {
        challenge_id: &request.challenge_id,
        account: &account,
        session: &new.session,
        token: &new.token,
    };
    match state.store().complete_sign_up(&sign_up).await {
        Ok(true) => {}
        Ok(false) => return Err(ApiError::ChallengeNotFound),
        Err(StoreError::Conflict) => {
            // The credential ID is taken, or (astronomically unlikely: a keccak collision
            // between a P-256 and a secp256k1 key) the address is a wallet account's.
            let wallet = state
                .store()
                .account(&project.id, &address)
                .await?
                .is_some_and(|account| account.method == SignInMethod::Wallet);
            return Err(if wallet {
                ApiError::AccountMethodMismatch
            } else {
                ApiError::CredentialExists
            });
        }
        Err(error) => return Err(error.into()),
    }
    tracing::info!(project = %project.id, %address, "passkey registered");
    new.issue(state, project, Some(&account.credential)).await
}

/// `POST /v1/auth/passkey/login/options`: request options for a discoverable credential.
///
/// # Errors
/// Store failures.
pub async fn login_options(
    State(state): State<AppState>,
    CurrentProject(project): CurrentProject,
    _body: Option<ApiJson<LoginOptionsRequest>>,
) -> Result<Json<LoginOptionsResponse>, ApiError> {
    let (challenge_id, challenge) =
        issue_challenge(&state, &project, Ceremony::Login, None).await?;
    Ok(Json(OptionsResponse {
        challenge_id,
        public_key: RequestOptionsJson::new(&project.rp, &challenge, timeout_ms(&project)),
    }))
}

/// `POST /v1/auth/passkey/login`: verifies the assertion against the stored credential and
/// returns a session for its account.
///
/// The challenge is read, the assertion verified, then one transaction takes the challenge,
/// moves the counter and starts the session (one commit per sign-in instead of three). A failed
/// attempt uses the challenge up all the same.
///
/// # Errors
/// Challenge errors, [`ApiError::CredentialNotFound`], every relying-party error of
/// `baas-core` (a counter that another sign-in moved first is `COUNTER_REGRESSION`); store
/// failures.
pub async fn login(
    State(state): State<AppState>,
    CurrentProject(project): CurrentProject,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Json<Session>, ApiError> {
    let id = &request.challenge_id;
    let session = with_challenge(&state, &project, id, Ceremony::Login, async |issued| {
        sign_in(&state, &project, &request, issued).await
    })
    .await?;
    Ok(Json(session))
}

/// The sign-in of `login` once its challenge is found: every check, then the one transaction.
async fn sign_in(
    state: &AppState,
    project: &Project,
    request: &LoginRequest,
    issued: IssuedChallenge,
) -> Result<Session, ApiError> {
    let now = state.now();
    let credential_id = request.credential.credential_id()?;
    let stored = state
        .store()
        .credential(&project.id, &credential_id)
        .await?
        .ok_or(ApiError::CredentialNotFound)?;
    let mut credential = stored.credential;
    let public_key = CoseKey::from_cbor(&credential.public_key).map_err(ApiError::internal)?;
    let verified = authentication::verify_with(
        &project.rp,
        &issued.challenge,
        &request.credential,
        &StoredCredential {
            public_key: &public_key,
            user_handle: &stored.user_handle,
            sign_count: credential.sign_count,
            backup_eligible: credential.backup_eligible,
        },
        &Ring,
    )?;
    let new = NewSession::new(
        project,
        &credential.address,
        SignInMethod::Passkey,
        Some(&credential.id),
        now,
    );
    let sign_in = CompletedSignIn {
        challenge_id: &request.challenge_id,
        update: SignInUpdate {
            project_id: &project.id,
            credential_id: &credential.id,
            previous_sign_count: credential.sign_count,
            sign_count: verified.sign_count,
            backed_up: verified.backed_up,
            now,
        },
        session: &new.session,
        token: &new.token,
    };
    match state.store().complete_sign_in(&sign_in).await? {
        SignInOutcome::Completed => {}
        SignInOutcome::ChallengeTaken => return Err(ApiError::ChallengeNotFound),
        SignInOutcome::CounterMoved => return Err(baas_core::Error::CounterRegression.into()),
    }
    credential.sign_count = verified.sign_count;
    credential.backed_up = verified.backed_up;
    new.issue(state, project, Some(&credential)).await
}

/// A trimmed display name of 1 to 64 characters without control characters.
fn checked_display_name(name: &str) -> Result<String, ApiError> {
    let name = name.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_DISPLAY_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(ApiError::InvalidDisplayName);
    }
    Ok(name.to_owned())
}

/// The WebAuthn `timeout`: the challenge's lifetime, in milliseconds.
fn timeout_ms(project: &Project) -> u32 {
    u32::try_from(project.challenge_ttl.saturating_mul(1000)).unwrap_or(u32::MAX)
}

/// Stores a fresh 32-byte challenge for this project and ceremony; returns its ID and bytes.
async fn issue_challenge(
    state: &AppState,
    project: &Project,
    ceremony: Ceremony,
    user_handle: Option<Vec<u8>>,
) -> Result<(String, Vec<u8>), ApiError> {
    let challenge = NewChallenge {
        id: tokens::random_id(),
        project_id: project.id.clone(),
        ceremony,
        challenge: rand::random::<[u8; 32]>().to_vec(),
        user_handle,
        expires_at: state.now() + project.challenge_ttl,
    };
    state.store().put_challenge(&challenge).await?;
    Ok((challenge.id, challenge.challenge))
}

/// Runs the rest of a ceremony with its challenge `id` of this project, read from the store and
/// not expired. The ceremony's own transaction takes the challenge when it succeeds; a failure
/// takes it here, so a challenge is used at most once whatever the outcome.
async fn with_challenge<T>(
    state: &AppState,
    project: &Project,
    id: &str,
    ceremony: Ceremony,
    rest: impl AsyncFnOnce(IssuedChallenge) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let issued = state
        .store()
        .challenge(id, &project.id, ceremony)
        .await?
        .ok_or(ApiError::ChallengeNotFound)?;
    let outcome = if state.now() >= issued.expires_at {
        Err(ApiError::ChallengeExpired)
    } else {
        rest(issued).await
    };
    if outcome.is_err() {
        // As if the challenge had been taken before verifying (a no-op when it was).
        state
            .store()
            .take_challenge(id, &project.id, ceremony)
            .await?;
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names() {
        assert_eq!(checked_display_name("  Ada  ").unwrap(), "Ada");
        assert_eq!(
            checked_display_name(&"é".repeat(64))
                .unwrap()
                .chars()
                .count(),
            64
        );
        for bad in ["", "   ", "a\nb", "\u{7}", &"x".repeat(65)] {
            assert!(
                matches!(checked_display_name(bad), Err(ApiError::InvalidDisplayName)),
                "{bad:?}"
            );
        }
    }
}
