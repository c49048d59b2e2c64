//! Registrations recorded from Chromium's virtual authenticator
//! (`tests/fixtures/chromium-virtual-authenticator*`, made by
//! `tests/e2e/tools/capture-registration.js`). The expected address in each `registration.json`
//! was computed outside our code: public key by Node's OpenSSL from the authenticator's private
//! key, keccak-256 by `@noble/hashes`.

use baas_core::{Address, AttestationObject, AttestationStatement, base64url};
use serde::Deserialize;
use sha2::{Digest, Sha256};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    expected_address: String,
    registration_response: Response,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Response {
    raw_id: String,
    response: AttestationResponse,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AttestationResponse {
    attestation_object: String,
    authenticator_data: String,
}

struct Fixture {
    cbor: &'static [u8],
    record: Record,
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
        object.auth_data_bytes,
        base64url::decode(&response.response.authenticator_data).unwrap()
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
