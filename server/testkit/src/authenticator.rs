//! A software passkey authenticator behind a WebAuthn client: 1Password's
//! `passkey-authenticator` (CTAP2) and `passkey-client` (the browser's part: origin and RP ID
//! checks, client data).

use async_trait::async_trait;
use passkey_authenticator::{
    Authenticator, CredentialStore, DiscoverabilitySupport, StoreInfo, UiHint, UserCheck,
    UserValidationMethod,
};
use passkey_client::{Client, DefaultClientData};
use passkey_types::Passkey;
use passkey_types::ctap2::make_credential::{
    Options, PublicKeyCredentialRpEntity, PublicKeyCredentialUserEntity,
};
use passkey_types::ctap2::{Aaguid, Ctap2Error, StatusCode as CtapStatus};
use passkey_types::webauthn::PublicKeyCredentialDescriptor;
use passkey_types::webauthn::{CredentialCreationOptions, CredentialRequestOptions};
use serde_json::{Value, json};

/// What a ceremony with a [`Device`] can fail with.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// User verification as a test wants it: presence always, verification when asked and able.
#[derive(Debug, Clone, Copy)]
pub struct User {
    /// Whether the user can verify (biometrics, PIN).
    pub verifies: bool,
}

#[async_trait]
impl UserValidationMethod for User {
    type PasskeyItem = Passkey;

    async fn check_user<'a>(
        &self,
        _hint: UiHint<'a, Passkey>,
        _presence: bool,
        verification: bool,
    ) -> Result<UserCheck, Ctap2Error> {
        Ok(UserCheck {
            presence: true,
            verification: verification && self.verifies,
        })
    }

    fn is_presence_enabled(&self) -> bool {
        true
    }

    fn is_verification_enabled(&self) -> Option<bool> {
        Some(true)
    }
}

/// The authenticator's discoverable credentials. (`passkey-authenticator`'s `MemoryStore` finds
/// credentials only through `allowCredentials`, and baas signs in with discoverable ones.)
#[derive(Debug, Clone, Default)]
pub struct Passkeys(pub Vec<Passkey>);

#[async_trait]
impl CredentialStore for Passkeys {
    type PasskeyItem = Passkey;

    async fn find_credentials(
        &self,
        allow: Option<&[PublicKeyCredentialDescriptor]>,
        rp_id: &str,
        user_handle: Option<&[u8]>,
    ) -> Result<Vec<Passkey>, CtapStatus> {
        let found: Vec<Passkey> = self
            .0
            .iter()
            .filter(|p| p.rp_id == rp_id)
            .filter(|p| {
                allow.is_none_or(|allow| {
                    allow.is_empty() || allow.iter().any(|d| *d.id == *p.credential_id)
                })
            })
            .filter(|p| {
                user_handle.is_none_or(|h| p.user_handle.as_deref().map(|u| &u[..]) == Some(h))
            })
            .cloned()
            .collect();
        if found.is_empty() {
            Err(Ctap2Error::NoCredentials.into())
        } else {
            Ok(found)
        }
    }

    async fn save_credential(
        &mut self,
        passkey: Passkey,
        _: PublicKeyCredentialUserEntity,
        _: PublicKeyCredentialRpEntity,
        _: Options,
    ) -> Result<(), CtapStatus> {
        self.0.push(passkey);
        Ok(())
    }

    async fn update_credential(&mut self, passkey: &Passkey) -> Result<(), CtapStatus> {
        for stored in self
            .0
            .iter_mut()
            .filter(|p| p.credential_id == passkey.credential_id)
        {
            *stored = passkey.clone();
        }
        Ok(())
    }

    async fn get_info(&self) -> StoreInfo {
        StoreInfo {
            discoverability: DiscoverabilitySupport::ForcedDiscoverable,
        }
    }
}

type SoftwareClient =
    Client<Passkeys, User, passkey_crypto::AvailableBackend, public_suffix::PublicSuffixList, ()>;

/// A browser with a platform authenticator, at one origin.
pub struct Device {
    client: SoftwareClient,
    origin: url::Url,
}

impl Device {
    /// A device whose pages are at `origin` (`http://localhost…` is allowed, as browsers do).
    /// Without `counter` its passkeys are synced ones, as `passkey-authenticator` makes them:
    /// BE and BS set, counter always 0; with it they count signatures.
    ///
    /// # Panics
    /// When `origin` is not a URL.
    pub fn at(origin: &str, counter: bool) -> Self {
        let mut authenticator = Authenticator::new(
            Aaguid::new_empty(),
            Passkeys::default(),
            User { verifies: true },
            passkey_crypto::AvailableBackend,
        );
        authenticator.set_make_credentials_with_signature_counter(counter);
        Self {
            client: Client::new(authenticator).allows_insecure_localhost(true),
            origin: origin.parse().expect("the origin is a URL"),
        }
    }

    /// `navigator.credentials.create({publicKey: options})`, then `toJSON()`.
    ///
    /// # Errors
    /// When the options are not creation options or the client or authenticator refuses them.
    pub async fn try_create(&mut self, options: &Value) -> Result<Value, Error> {
        let options: CredentialCreationOptions =
            serde_json::from_value(json!({ "publicKey": options }))?;
        let credential = self
            .client
            .register(&self.origin, options, DefaultClientData)
            .await
            .map_err(|e| format!("create: {e:?}"))?;
        Ok(serde_json::to_value(credential)?)
    }

    /// `navigator.credentials.get({publicKey: options})`, then `toJSON()`.
    ///
    /// # Errors
    /// When the options are not request options or the client or authenticator refuses them.
    pub async fn try_get(&mut self, options: &Value) -> Result<Value, Error> {
        let options: CredentialRequestOptions =
            serde_json::from_value(json!({ "publicKey": options }))?;
        let credential = self
            .client
            .authenticate(&self.origin, options, DefaultClientData)
            .await
            .map_err(|e| format!("get: {e:?}"))?;
        Ok(serde_json::to_value(credential)?)
    }

    /// [`Device::try_create`], for tests.
    ///
    /// # Panics
    /// When it fails.
    pub async fn create(&mut self, options: &Value) -> Value {
        self.try_create(options).await.expect("create")
    }

    /// [`Device::try_get`], for tests.
    ///
    /// # Panics
    /// When it fails.
    pub async fn get(&mut self, options: &Value) -> Value {
        self.try_get(options).await.expect("get")
    }

    /// The authenticator's credentials (to clone the authenticator).
    pub fn credentials(&self) -> Passkeys {
        self.client.authenticator().store().clone()
    }

    /// Replaces the authenticator's credentials.
    pub fn restore(&mut self, credentials: Passkeys) {
        *self.client.authenticator_mut().store_mut() = credentials;
    }
}
