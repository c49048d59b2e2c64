//! `PublicKeyCredential` as WebAuthn L3 JSON ([§5.1.8](https://www.w3.org/TR/webauthn-3/#dom-publickeycredential-tojson)):
//! the envelope a registration and a sign-in response share, around their ceremony's response.

use serde::{Deserialize, Serialize};

use crate::{Error, Result, base64url};

/// The only credential type WebAuthn defines.
pub const PUBLIC_KEY: &str = "public-key";

/// `RegistrationResponseJSON` or `AuthenticationResponseJSON`, by the `response` they carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicKeyCredentialJson<R> {
    /// The credential ID, base64url; must equal `rawId`.
    pub id: String,
    /// The credential ID, base64url.
    pub raw_id: String,
    /// Always `public-key`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The authenticator's response.
    pub response: R,
    /// `platform` or `cross-platform`, when the browser says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authenticator_attachment: Option<String>,
    /// Client extension outputs (unused).
    #[serde(default)]
    pub client_extension_results: serde_json::Map<String, serde_json::Value>,
}

impl<R> PublicKeyCredentialJson<R> {
    /// The credential ID, after checking that `type` is `public-key` and that `id` is the
    /// canonical encoding of `rawId`.
    ///
    /// # Errors
    /// [`Error::UnsupportedCredentialType`], [`Error::InvalidBase64Url`],
    /// [`Error::CredentialIdMismatch`].
    pub fn credential_id(&self) -> Result<Vec<u8>> {
        if self.kind != PUBLIC_KEY {
            return Err(Error::UnsupportedCredentialType);
        }
        let credential_id = base64url::decode(&self.raw_id)?;
        if self.id != self.raw_id || credential_id.is_empty() {
            return Err(Error::CredentialIdMismatch);
        }
        Ok(credential_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credential(id: &str, raw_id: &str, kind: &str) -> PublicKeyCredentialJson<()> {
        PublicKeyCredentialJson {
            id: id.to_owned(),
            raw_id: raw_id.to_owned(),
            kind: kind.to_owned(),
            response: (),
            authenticator_attachment: None,
            client_extension_results: serde_json::Map::new(),
        }
    }

    #[test]
    fn the_type_and_the_id_are_checked() {
        assert_eq!(
            credential("AQI", "AQI", PUBLIC_KEY).credential_id(),
            Ok(vec![1, 2])
        );
        assert_eq!(
            credential("AQI", "AQI", "password").credential_id(),
            Err(Error::UnsupportedCredentialType)
        );
        assert_eq!(
            credential("AQM", "AQI", PUBLIC_KEY).credential_id(),
            Err(Error::CredentialIdMismatch)
        );
        assert_eq!(
            credential("", "", PUBLIC_KEY).credential_id(),
            Err(Error::CredentialIdMismatch)
        );
        assert_eq!(
            credential("AQI=", "AQI=", PUBLIC_KEY).credential_id(),
            Err(Error::InvalidBase64Url)
        );
    }
}
