//! A registration and a sign-in recorded from Chromium's virtual authenticator
//! (`tests/fixtures/chromium-virtual-authenticator*`, made by
//! `tests/e2e/tools/capture-registration.js`), parsed and verified by the core.
//!
//! The expected address in each `registration.json` was computed outside our code: public key by
//! Node's OpenSSL from the authenticator's private key, keccak-256 by `@noble/hashes`. Negative
//! cases change one thing; where that breaks the authenticator's signature, the test re-signs
//! with the recorded private key so that only the checked property differs.

use baas_core::authentication::{self, AuthenticationResponseJson, StoredCredential};
use baas_core::registration::{self, RegistrationResponseJson};
use baas_core::{Address, AttestationObject, AttestationStatement, Error, RelyingParty, base64url};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{DerSignature, SigningKey};
use p256::pkcs8::DecodePrivateKey;
use serde::Deserialize;
use sha2::{Digest, Sha256};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    origin: String,
    expected_address: String,
    private_key_pkcs8: String,
    registration_challenge: String,
    registration_response: RegistrationResponseJson,
    authentication_challenge: String,
    authentication_response: AuthenticationResponseJson,
}

struct Fixture {
    cbor: &'static [u8],
    record: Record,
}

impl Fixture {
    fn rp(&self) -> RelyingParty {
        RelyingParty {
            id: "localhost".into(),
            name: "baas fixture".into(),
            origins: vec!["https://localhost".into(), self.record.origin.clone()],
        }
    }

    fn register(&self) -> Result<registration::Registration, Error> {
        self.register_with(&self.record.registration_response)
    }

    fn register_with(
        &self,
        response: &RegistrationResponseJson,
    ) -> Result<registration::Registration, Error> {
        registration::verify(
            &self.rp(),
            self.record.registration_challenge.as_bytes(),
            response,
        )
    }

    fn sign_in_with(
        &self,
        response: &AuthenticationResponseJson,
        stored: &StoredCredential<'_>,
    ) -> Result<authentication::Authentication, Error> {
        authentication::verify(
            &self.rp(),
            self.record.authentication_challenge.as_bytes(),
            response,
            stored,
        )
    }

    /// The assertion with its authenticator data replaced and re-signed with the real key.
    fn resigned(&self, edit: impl FnOnce(&mut Vec<u8>)) -> AuthenticationResponseJson {
        let mut response = self.record.authentication_response.clone();
        let mut data =
            base64url::decode(&response.response.authenticator_data).expect("recorded authData");
        edit(&mut data);
        let client_data =
            base64url::decode(&response.response.client_data_json).expect("recorded clientData");
        let message = [data.as_slice(), &Sha256::digest(&client_data)].concat();
        let pkcs8 = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            &self.record.private_key_pkcs8,
        )
        .expect("recorded private key");
        let key = SigningKey::from_pkcs8_der(&pkcs8).expect("a P-256 PKCS#8 key");
        let signature: DerSignature = key.sign(&message);
        response.response.authenticator_data = base64url::encode(&data);
        response.response.signature = base64url::encode(signature.as_bytes());
        response
    }
}

fn fixture(cbor: &'static [u8], json: &str) -> Fixture {
    Fixture {
        cbor,
        record: serde_json::from_str(json).expect("fixture JSON"),
    }
}

fn device_bound() -> Fixture {
    fixture(
        include_bytes!(
            "../../tests/fixtures/chromium-virtual-authenticator/attestation-object.cbor"
        ),
        include_str!("../../tests/fixtures/chromium-virtual-authenticator/registration.json"),
    )
}

fn synced() -> Fixture {
    fixture(
        include_bytes!(
            "../../tests/fixtures/chromium-virtual-authenticator-synced/attestation-object.cbor"
        ),
        include_str!(
            "../../tests/fixtures/chromium-virtual-authenticator-synced/registration.json"
        ),
    )
}

fn stored<'a>(registration: &'a registration::Registration) -> StoredCredential<'a> {
    StoredCredential {
        public_key: &registration.public_key,
        user_handle: &[1, 2, 3, 4],
        sign_count: registration.sign_count,
        backup_eligible: registration.backup_eligible,
    }
}

#[test]
fn derives_the_independently_computed_address() {
    for fixture in [device_bound(), synced()] {
        let object = AttestationObject::parse(fixture.cbor).unwrap();
        let key = &object.credential.public_key;
        key.verifying_key().unwrap();
        let address = Address::from_public_key(key).to_checksummed();
        assert_eq!(address, fixture.record.expected_address);
    }
}

#[test]
fn reads_every_field_of_the_recorded_attestation() {
    let fixture = device_bound();
    let response = &fixture.record.registration_response;
    assert_eq!(
        base64url::decode(&response.response.attestation_object).unwrap(),
        fixture.cbor
    );
    let object = AttestationObject::parse(fixture.cbor).unwrap();
    assert_eq!(object.statement, AttestationStatement::None);
    assert_eq!(
        Some(base64url::encode(object.auth_data_bytes)),
        response.response.authenticator_data
    );
    let data = &object.auth_data;
    assert_eq!(
        data.rp_id_hash.as_slice(),
        Sha256::digest(b"localhost").as_slice()
    );
    assert_eq!(data.flags.0, 0x45, "UP | UV | AT");
    assert!(data.extensions.is_none());
    assert_eq!(
        object.credential.credential_id,
        base64url::decode(&response.raw_id).unwrap()
    );
}

#[test]
fn registration_and_sign_in_verify() {
    for fixture in [device_bound(), synced()] {
        let registration = fixture.register().unwrap();
        assert_eq!(
            registration.address.to_checksummed(),
            fixture.record.expected_address
        );
        assert_eq!(registration.transports, ["internal"]);
        let signed_in = fixture
            .sign_in_with(
                &fixture.record.authentication_response,
                &stored(&registration),
            )
            .unwrap();
        assert!(signed_in.sign_count > registration.sign_count);
        assert_eq!(signed_in.backed_up, registration.backed_up);
    }
    assert!(synced().register().unwrap().backup_eligible);
    assert!(!device_bound().register().unwrap().backup_eligible);
}

#[test]
fn registration_checks_each_step() {
    let fixture = device_bound();
    let rp = fixture.rp();
    let good = &fixture.record.registration_response;
    let challenge = fixture.record.registration_challenge.as_bytes();
    let check = |response: &RegistrationResponseJson| fixture.register_with(response);

    assert_eq!(
        registration::verify(&rp, b"another challenge", good),
        Err(Error::ChallengeMismatch)
    );
    let elsewhere = RelyingParty {
        origins: vec!["https://localhost".into()],
        ..rp.clone()
    };
    assert_eq!(
        registration::verify(&elsewhere, challenge, good),
        Err(Error::OriginNotAllowed)
    );
    let other_rp = RelyingParty {
        id: "example.com".into(),
        ..rp.clone()
    };
    assert_eq!(
        registration::verify(&other_rp, challenge, good),
        Err(Error::RpIdHashMismatch)
    );

    let mut swapped = good.clone();
    swapped.response.client_data_json = fixture
        .record
        .authentication_response
        .response
        .client_data_json
        .clone();
    assert_eq!(check(&swapped), Err(Error::ClientDataTypeMismatch));

    let mut kind = good.clone();
    kind.kind = "password".into();
    assert_eq!(check(&kind), Err(Error::UnsupportedCredentialType));

    let mut id = good.clone();
    id.id = base64url::encode(b"another credential");
    assert_eq!(check(&id), Err(Error::CredentialIdMismatch));

    let mut raw = good.clone();
    raw.raw_id = base64url::encode(b"another credential");
    raw.id = raw.raw_id.clone();
    assert_eq!(check(&raw), Err(Error::CredentialIdMismatch));

    let mut padded = good.clone();
    padded.response.client_data_json.push('=');
    assert_eq!(check(&padded), Err(Error::InvalidBase64Url));

    let mut spki = good.clone();
    spki.response.public_key = synced().record.registration_response.response.public_key;
    assert_eq!(check(&spki), Err(Error::ResponseInconsistent));
    let mut alg = good.clone();
    alg.response.public_key_algorithm = Some(-8);
    assert_eq!(check(&alg), Err(Error::ResponseInconsistent));
    let mut auth_data = good.clone();
    auth_data.response.authenticator_data = Some(base64url::encode(&[0; 37]));
    assert_eq!(check(&auth_data), Err(Error::ResponseInconsistent));
}

#[test]
fn registration_requires_user_presence_and_verification() {
    // `none` attestation signs nothing, so the flags can be edited in place.
    let fixture = device_bound();
    let cbor = fixture.cbor;
    // The flags byte follows `authData`'s 2-byte byte-string header and the 32-byte rpIdHash.
    let flags_at = cbor.windows(8).position(|w| w == b"authData").unwrap() + 8 + 2 + 32;
    assert_eq!(cbor[flags_at], 0x45);
    for (flags, error) in [
        (0x44, Error::UserNotPresent),
        (0x41, Error::UserNotVerified),
        (0x55, Error::InvalidBackupFlags),
    ] {
        let mut edited = cbor.to_vec();
        edited[flags_at] = flags;
        let mut response = fixture.record.registration_response.clone();
        response.response.attestation_object = base64url::encode(&edited);
        response.response.authenticator_data = None;
        assert_eq!(fixture.register_with(&response), Err(error));
    }
}

#[test]
fn sign_in_checks_each_step() {
    let fixture = device_bound();
    let registration = fixture.register().unwrap();
    let good = &fixture.record.authentication_response;
    let stored = stored(&registration);
    let check = |response: &AuthenticationResponseJson| fixture.sign_in_with(response, &stored);

    // The recorded assertion, re-signed unchanged, still verifies: the helper is sound.
    check(&fixture.resigned(|_| {})).unwrap();

    let mut tampered = good.clone();
    tampered.response.signature = fixture.resigned(|data| data[36] ^= 1).response.signature;
    assert_eq!(check(&tampered), Err(Error::SignatureInvalid));

    let other = synced().register().unwrap();
    let other_key = StoredCredential {
        public_key: &other.public_key,
        ..stored.clone()
    };
    assert_eq!(
        fixture.sign_in_with(good, &other_key),
        Err(Error::SignatureInvalid),
        "an assertion signed by another credential"
    );

    let mut swapped = good.clone();
    swapped.response.client_data_json = fixture
        .record
        .registration_response
        .response
        .client_data_json
        .clone();
    assert_eq!(check(&swapped), Err(Error::ClientDataTypeMismatch));

    assert_eq!(
        check(&fixture.resigned(|data| data[32] = 0x04)),
        Err(Error::UserNotPresent)
    );
    assert_eq!(
        check(&fixture.resigned(|data| data[32] = 0x01)),
        Err(Error::UserNotVerified)
    );
    assert_eq!(
        check(&fixture.resigned(|data| data[32] = 0x15)),
        Err(Error::InvalidBackupFlags)
    );
    assert_eq!(
        check(&fixture.resigned(|data| data[32] = 0x1d)),
        Err(Error::BackupEligibilityChanged)
    );
    assert_eq!(
        check(&fixture.resigned(|data| data[0] ^= 1)),
        Err(Error::RpIdHashMismatch)
    );

    let regressed = StoredCredential {
        sign_count: u32::MAX,
        ..stored.clone()
    };
    assert_eq!(
        fixture.sign_in_with(good, &regressed),
        Err(Error::CounterRegression),
        "a cloned authenticator"
    );

    let mut handle = good.clone();
    handle.response.user_handle = Some(base64url::encode(b"someone else"));
    assert_eq!(check(&handle), Err(Error::UserHandleMismatch));
    handle.response.user_handle = None;
    assert_eq!(check(&handle), Err(Error::UserHandleMissing));

    let mut malformed = good.clone();
    malformed.response.signature = base64url::encode(&[0x30, 0x00]);
    assert_eq!(check(&malformed), Err(Error::SignatureMalformed));
}

#[test]
fn the_synced_passkey_reports_backup_eligibility_and_state() {
    let fixture = synced();
    let flags = AttestationObject::parse(fixture.cbor)
        .unwrap()
        .auth_data
        .flags;
    assert!(flags.backup_eligible() && flags.backed_up());
    let fixture = device_bound();
    let flags = AttestationObject::parse(fixture.cbor)
        .unwrap()
        .auth_data
        .flags;
    assert!(!flags.backup_eligible() && !flags.backed_up());
}

#[test]
fn every_prefix_and_every_single_byte_change_is_handled_without_panic() {
    let cbor = device_bound().cbor;
    for len in 0..cbor.len() {
        assert!(AttestationObject::parse(&cbor[..len]).is_err());
    }
    let mut bytes = cbor.to_vec();
    for i in 0..bytes.len() {
        for value in [
            0x00, 0x17, 0x18, 0x1f, 0x40, 0x7f, 0x80, 0x9f, 0xa0, 0xbf, 0xff,
        ] {
            let original = bytes[i];
            bytes[i] = value;
            let _ = AttestationObject::parse(&bytes);
            bytes[i] = original;
        }
    }
}
