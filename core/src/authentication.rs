//! Passkey sign-in: the request options a relying party sends, the
//! `AuthenticationResponseJSON` the browser returns, and its verification, one function per step
//! of [WebAuthn L3 §7.2](https://www.w3.org/TR/webauthn-3/#sctn-verifying-assertion).
//!
//! Sign-in uses discoverable credentials: the options name no credential, the authenticator
//! offers the user's passkeys for the RP ID, and the response says which one signed. The caller
//! (the server) looks that credential up by ID, consumes the challenge and stores the new
//! counter and backup state.

use serde::{Deserialize, Serialize};

use crate::authenticator_data::AuthenticatorData;
use crate::client_data::{Ceremony, ClientData, client_data_hash};
use crate::credential_json::PublicKeyCredentialJson;
use crate::relying_party::{check_backup_flags, check_user_verified};
use crate::signature::{Es256Verifier, RustCrypto};
use crate::{CoseKey, Error, RelyingParty, Result, base64url, signature};

/// `PublicKeyCredentialRequestOptionsJSON` (L3 §5.1.4.2) for a discoverable sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestOptionsJson {
    /// The challenge, base64url.
    pub challenge: String,
    /// Milliseconds the browser should wait for the user.
    pub timeout: u32,
    /// The RP ID.
    pub rp_id: String,
    /// Empty: any passkey of this RP ID may answer.
    pub allow_credentials: Vec<crate::registration::CredentialDescriptor>,
    /// Always `required`.
    pub user_verification: String,
}

impl RequestOptionsJson {
    /// The options for a discoverable, user-verified sign-in.
    pub fn new(rp: &RelyingParty, challenge: &[u8], timeout_ms: u32) -> Self {
        Self {
            challenge: base64url::encode(challenge),
            timeout: timeout_ms,
            rp_id: rp.id.clone(),
            allow_credentials: Vec::new(),
            user_verification: "required".to_owned(),
        }
    }
}

/// `AuthenticationResponseJSON` (L3 §5.1): what `credential.toJSON()` gives after `get()`.
pub type AuthenticationResponseJson = PublicKeyCredentialJson<AssertionResponseJson>;

/// `AuthenticatorAssertionResponseJSON`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssertionResponseJson {
    /// base64url of the client data JSON bytes.
    #[serde(rename = "clientDataJSON")]
    pub client_data_json: String,
    /// base64url of the authenticator data.
    pub authenticator_data: String,
    /// base64url of the DER ECDSA signature.
    pub signature: String,
    /// base64url of the user handle the credential was created for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_handle: Option<String>,
}

/// What the relying party recorded about the credential at registration and last sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCredential<'a> {
    /// The credential public key.
    pub public_key: &'a CoseKey,
    /// The user handle of the account the credential belongs to.
    pub user_handle: &'a [u8],
    /// The highest signature counter seen.
    pub sign_count: u32,
    /// BE recorded at registration.
    pub backup_eligible: bool,
}

/// A verified sign-in: what the relying party updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authentication {
    /// The new signature counter to store.
    pub sign_count: u32,
    /// BS: the passkey is synced now.
    pub backed_up: bool,
}

/// Verifies a sign-in response against the challenge issued for it and the stored credential
/// that `response.rawId` names (§7.2), on RustCrypto.
///
/// # Errors
/// The [`Error`] of the first step that fails.
pub fn verify(
    rp: &RelyingParty,
    challenge: &[u8],
    response: &AuthenticationResponseJson,
    stored: &StoredCredential<'_>,
) -> Result<Authentication> {
    verify_with(rp, challenge, response, stored, &RustCrypto)
}

/// [`verify`], with `verifier` doing the signature arithmetic of step 21 (every other step,
/// DER and key checks included, stays here).
///
/// # Errors
/// The [`Error`] of the first step that fails.
pub fn verify_with(
    rp: &RelyingParty,
    challenge: &[u8],
    response: &AuthenticationResponseJson,
    stored: &StoredCredential<'_>,
    verifier: &impl Es256Verifier,
) -> Result<Authentication> {
    response.credential_id()?;
    check_user_handle(response.response.user_handle.as_deref(), stored.user_handle)?;
    let client_data_json = base64url::decode(&response.response.client_data_json)?;
    let auth_data_bytes = base64url::decode(&response.response.authenticator_data)?;
    let signature = base64url::decode(&response.response.signature)?;
    ClientData::parse(&client_data_json)?.check(Ceremony::Get, challenge, rp)?;
    let data = AuthenticatorData::parse(&auth_data_bytes)?;
    rp.check_rp_id_hash(&data)?;
    check_user_verified(data.flags)?;
    check_backup_flags(data.flags)?;
    check_backup_eligibility(data.flags.backup_eligible(), stored.backup_eligible)?;
    let message = [&auth_data_bytes[..], &client_data_hash(&client_data_json)].concat();
    signature::verify_es256(verifier, stored.public_key, &message, &signature)?;
    Ok(Authentication {
        sign_count: check_sign_count(data.sign_count, stored.sign_count)?,
        backed_up: data.flags.backed_up(),
    })
}

/// Step 6: a discoverable sign-in returns the user handle, and it is the account's.
fn check_user_handle(user_handle: Option<&str>, stored: &[u8]) -> Result<()> {
    let user_handle = user_handle.ok_or(Error::UserHandleMissing)?;
    if base64url::decode(user_handle)? == stored {
        Ok(())
    } else {
        Err(Error::UserHandleMismatch)
    }
}

/// Step 20: backup eligibility is fixed for the life of a credential.
fn check_backup_eligibility(current: bool, recorded: bool) -> Result<()> {
    if current == recorded {
        Ok(())
    } else {
        Err(Error::BackupEligibilityChanged)
    }
}

/// Step 24: the counter increases, unless the authenticator does not count (zero on both sides,
/// as synced passkeys report). Returns the counter to store.
///
/// # Errors
/// [`Error::CounterRegression`] when it did not increase: a sign of a cloned authenticator.
pub fn check_sign_count(current: u32, stored: u32) -> Result<u32> {
    if current == 0 && stored == 0 || current > stored {
        Ok(current)
    } else {
        Err(Error::CounterRegression)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_rules() {
        assert_eq!(check_sign_count(0, 0), Ok(0), "synced passkeys never count");
        assert_eq!(check_sign_count(1, 0), Ok(1));
        assert_eq!(check_sign_count(8, 7), Ok(8));
        assert_eq!(check_sign_count(7, 7), Err(Error::CounterRegression));
        assert_eq!(check_sign_count(6, 7), Err(Error::CounterRegression));
        assert_eq!(check_sign_count(0, 7), Err(Error::CounterRegression));
    }

    #[test]
    fn backup_eligibility_is_fixed() {
        check_backup_eligibility(true, true).unwrap();
        check_backup_eligibility(false, false).unwrap();
        assert_eq!(
            check_backup_eligibility(true, false),
            Err(Error::BackupEligibilityChanged)
        );
    }

    #[test]
    fn the_user_handle_is_required_and_must_match() {
        check_user_handle(Some("AQID"), &[1, 2, 3]).unwrap();
        assert_eq!(check_user_handle(None, &[1]), Err(Error::UserHandleMissing));
        assert_eq!(
            check_user_handle(Some("AQIE"), &[1, 2, 3]),
            Err(Error::UserHandleMismatch)
        );
    }
}
