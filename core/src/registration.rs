//! Passkey registration: the creation options a relying party sends, the
//! `RegistrationResponseJSON` the browser returns, and its verification, one function per step
//! of [WebAuthn L3 §7.1](https://www.w3.org/TR/webauthn-3/#sctn-registering-a-new-credential).
//!
//! What the caller (the server) keeps: issuing and consuming the challenge (single use, expiry,
//! ceremony and project binding) and refusing a credential ID that is already registered (step 27).

use serde::{Deserialize, Serialize};

use crate::client_data::{Ceremony, ClientData, client_data_hash};
use crate::credential_json::{PUBLIC_KEY, PublicKeyCredentialJson};
use crate::relying_party::{check_backup_flags, check_user_verified};
use crate::signature::{Es256Verifier, RustCrypto};
use crate::{
    Address, AttestationObject, AttestationStatement, CoseKey, Error, RelyingParty, Result,
    base64url, signature,
};

/// COSE algorithm identifier of ES256, the only one baas registers.
pub const ES256: i64 = -7;

/// DER prefix of a P-256 `SubjectPublicKeyInfo` with an uncompressed point (RFC 5480), followed
/// by `x ‖ y`: the form of the optional `response.publicKey` member.
const P256_SPKI_PREFIX: [u8; 27] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
];

/// `PublicKeyCredentialCreationOptionsJSON` (L3 §5.1.4.1), as baas always asks: ES256 only, a
/// discoverable credential, user verification required, attestation `none`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreationOptionsJson {
    /// The relying party.
    pub rp: RpEntity,
    /// The account the credential is for.
    pub user: UserEntity,
    /// The challenge, base64url.
    pub challenge: String,
    /// Accepted key types: ES256 only.
    pub pub_key_cred_params: Vec<CredentialParameters>,
    /// Milliseconds the browser should wait for the user.
    pub timeout: u32,
    /// Credentials the authenticator must not already hold.
    pub exclude_credentials: Vec<CredentialDescriptor>,
    /// Discoverable credential, user verification required.
    pub authenticator_selection: AuthenticatorSelection,
    /// Always `none`.
    pub attestation: String,
}

/// `PublicKeyCredentialRpEntity`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RpEntity {
    /// The RP ID.
    pub id: String,
    /// The name authenticators show.
    pub name: String,
}

/// `PublicKeyCredentialUserEntityJSON`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserEntity {
    /// The user handle, base64url of random bytes (never personal data).
    pub id: String,
    /// Account name shown in the passkey picker.
    pub name: String,
    /// Human-friendly name.
    pub display_name: String,
}

/// `PublicKeyCredentialParameters`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialParameters {
    /// Always `public-key`.
    #[serde(rename = "type")]
    pub kind: String,
    /// COSE algorithm identifier.
    pub alg: i64,
}

/// `PublicKeyCredentialDescriptorJSON`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialDescriptor {
    /// Always `public-key`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The credential ID, base64url.
    pub id: String,
}

/// `AuthenticatorSelectionCriteria`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticatorSelection {
    /// Always `required`.
    pub resident_key: String,
    /// Always `true` (the Level 1 spelling of `residentKey: required`).
    pub require_resident_key: bool,
    /// Always `required`.
    pub user_verification: String,
}

impl CreationOptionsJson {
    /// The options for registering a new account's passkey.
    pub fn new(
        rp: &RelyingParty,
        challenge: &[u8],
        user_handle: &[u8],
        user_name: &str,
        timeout_ms: u32,
    ) -> Self {
        Self {
            rp: RpEntity {
                id: rp.id.clone(),
                name: rp.name.clone(),
            },
            user: UserEntity {
                id: base64url::encode(user_handle),
                name: user_name.to_owned(),
                display_name: user_name.to_owned(),
            },
            challenge: base64url::encode(challenge),
            pub_key_cred_params: vec![CredentialParameters {
                kind: PUBLIC_KEY.to_owned(),
                alg: ES256,
            }],
            timeout: timeout_ms,
            exclude_credentials: Vec::new(),
            authenticator_selection: AuthenticatorSelection {
                resident_key: "required".to_owned(),
                require_resident_key: true,
                user_verification: "required".to_owned(),
            },
            attestation: "none".to_owned(),
        }
    }
}

/// `RegistrationResponseJSON` (L3 §5.1): what `credential.toJSON()` gives after `create()`.
///
/// Only `id`, `rawId`, `type`, `clientDataJSON` and `attestationObject` are required; the other
/// members are checked against the attestation when present.
pub type RegistrationResponseJson = PublicKeyCredentialJson<AttestationResponseJson>;

/// `AuthenticatorAttestationResponseJSON`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttestationResponseJson {
    /// base64url of the client data JSON bytes.
    #[serde(rename = "clientDataJSON")]
    pub client_data_json: String,
    /// base64url of the CBOR attestation object.
    pub attestation_object: String,
    /// Optional copy of the authenticator data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authenticator_data: Option<String>,
    /// Transports the authenticator supports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transports: Option<Vec<String>>,
    /// Optional copy of the public key, DER `SubjectPublicKeyInfo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// Optional COSE algorithm of the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_algorithm: Option<i64>,
}

/// A verified registration: what the relying party stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// The credential ID.
    pub credential_id: Vec<u8>,
    /// The credential public key.
    pub public_key: CoseKey,
    /// The public key's COSE_Key bytes, as the authenticator encoded them.
    pub public_key_cbor: Vec<u8>,
    /// The wallet address of the public key.
    pub address: Address,
    /// The initial signature counter.
    pub sign_count: u32,
    /// BE: a passkey that can be synced.
    pub backup_eligible: bool,
    /// BS: synced now.
    pub backed_up: bool,
    /// Transports the browser reported, for `excludeCredentials` / `allowCredentials` hints.
    pub transports: Vec<String>,
}

/// Verifies a registration response against the challenge issued for it (§7.1), on
/// RustCrypto.
///
/// # Errors
/// The [`Error`] of the first step that fails.
pub fn verify(
    rp: &RelyingParty,
    challenge: &[u8],
    response: &RegistrationResponseJson,
) -> Result<Registration> {
    verify_with(rp, challenge, response, &RustCrypto)
}

/// [`verify`], with `verifier` doing the arithmetic of a self-attestation signature (step 23;
/// every other step, the key's curve check included, stays here).
///
/// # Errors
/// The [`Error`] of the first step that fails.
pub fn verify_with(
    rp: &RelyingParty,
    challenge: &[u8],
    response: &RegistrationResponseJson,
    verifier: &impl Es256Verifier,
) -> Result<Registration> {
    let credential_id = response.credential_id()?;
    let client_data_json = base64url::decode(&response.response.client_data_json)?;
    ClientData::parse(&client_data_json)?.check(Ceremony::Create, challenge, rp)?;
    let hash = client_data_hash(&client_data_json);
    let attestation_cbor = base64url::decode(&response.response.attestation_object)?;
    let attestation = AttestationObject::parse(&attestation_cbor)?;
    let data = &attestation.auth_data;
    rp.check_rp_id_hash(data)?;
    check_user_verified(data.flags)?;
    check_backup_flags(data.flags)?;
    let credential = &attestation.credential;
    credential.public_key.verifying_key()?;
    verify_statement(&attestation, &hash, verifier)?;
    if credential.credential_id != credential_id.as_slice() {
        return Err(Error::CredentialIdMismatch);
    }
    check_optional_members(&response.response, &attestation)?;
    Ok(Registration {
        address: Address::from_public_key(&credential.public_key),
        public_key: credential.public_key.clone(),
        public_key_cbor: credential.public_key_cbor.to_vec(),
        credential_id,
        sign_count: data.sign_count,
        backup_eligible: data.flags.backup_eligible(),
        backed_up: data.flags.backed_up(),
        transports: response.response.transports.clone().unwrap_or_default(),
    })
}

/// Step 23: the attestation statement is valid for its format.
fn verify_statement(
    attestation: &AttestationObject<'_>,
    client_data_hash: &[u8; 32],
    verifier: &impl Es256Verifier,
) -> Result<()> {
    match attestation.statement {
        AttestationStatement::None => Ok(()),
        AttestationStatement::PackedSelf { sig, .. } => {
            let message = [attestation.auth_data_bytes, client_data_hash].concat();
            let key = &attestation.credential.public_key;
            signature::verify_es256(verifier, key, &message, sig)
        }
    }
}

/// The optional L3 members, when present, agree with the attestation.
fn check_optional_members(
    response: &AttestationResponseJson,
    attestation: &AttestationObject<'_>,
) -> Result<()> {
    if let Some(auth_data) = &response.authenticator_data
        && base64url::decode(auth_data)? != attestation.auth_data_bytes
    {
        return Err(Error::ResponseInconsistent);
    }
    if let Some(alg) = response.public_key_algorithm
        && alg != ES256
    {
        return Err(Error::ResponseInconsistent);
    }
    if let Some(spki) = &response.public_key {
        let key = &attestation.credential.public_key;
        let expected = [&P256_SPKI_PREFIX[..], key.x(), key.y()].concat();
        if base64url::decode(spki)? != expected {
            return Err(Error::ResponseInconsistent);
        }
    }
    Ok(())
}
