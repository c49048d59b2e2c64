//! Our Sign-In with Ethereum messages and EIP-191 signatures against code and data we did not
//! write:
//! - Spruce's SIWE test vectors (`fixtures/siwe/`, see its README), the suite of the reference
//!   implementation;
//! - Spruce's Rust `siwe` crate (parser, formatter and EIP-191 verification, on `k256` 0.13);
//! - libsecp256k1, Bitcoin Core's C library, through the `secp256k1` crate, as the wallet that
//!   signs;
//! - the `time` crate's RFC 3339 parser.
//!
//! Native only: those crates do not build for wasm32-unknown-unknown as they are.

#![cfg(not(target_arch = "wasm32"))]
// All of this crate is test code, helpers included: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::str::FromStr as _;

use baas_core::siwe::{SiweMessage, rfc3339};
use baas_core::{Address, Error, eip191};
use proptest::prelude::*;
use serde_json::{Map, Value};
use sha3::{Digest as _, Keccak256};

const PARSING_POSITIVE: &str = include_str!("fixtures/siwe/parsing_positive.json");
const PARSING_NEGATIVE: &str = include_str!("fixtures/siwe/parsing_negative.json");
const VERIFICATION_POSITIVE: &str = include_str!("fixtures/siwe/verification_positive.json");
const VERIFICATION_NEGATIVE: &str = include_str!("fixtures/siwe/verification_negative.json");

fn vectors(json: &str) -> Map<String, Value> {
    serde_json::from_str::<Value>(json)
        .unwrap()
        .as_object()
        .unwrap()
        .clone()
}

fn field(fields: &Value, name: &str) -> Option<String> {
    fields.get(name).and_then(Value::as_str).map(str::to_owned)
}

/// The message a vector's fields describe, built with our builder.
fn message_of(fields: &Value) -> SiweMessage {
    assert_eq!(fields["version"], "1");
    let mut message = SiweMessage::new(
        fields["domain"].as_str().unwrap(),
        fields["address"].as_str().unwrap().parse().unwrap(),
        fields["uri"].as_str().unwrap(),
        fields["chainId"].as_u64().unwrap(),
        fields["nonce"].as_str().unwrap(),
        fields["issuedAt"].as_str().unwrap(),
    );
    message.scheme = field(fields, "scheme");
    message.statement = field(fields, "statement");
    message.expiration_time = field(fields, "expirationTime");
    message.not_before = field(fields, "notBefore");
    message.request_id = field(fields, "requestId");
    message.resources = fields.get("resources").map(|resources| {
        resources
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap().to_owned())
            .collect()
    });
    message
}

#[test]
fn spruce_parsing_positive_vectors() {
    let vectors = vectors(PARSING_POSITIVE);
    assert_eq!(vectors.len(), 19);
    for (name, vector) in vectors {
        let text = vector["message"].as_str().unwrap();
        let parsed = SiweMessage::parse(text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(parsed, message_of(&vector["fields"]), "{name}");
        assert_eq!(parsed.to_text().unwrap(), text, "{name}");
    }
}

/// Every negative vector is refused, each with the error that names what is wrong.
#[test]
fn spruce_parsing_negative_vectors() {
    let expected = [
        ("missing domain", "SIWE_DOMAIN_INVALID"),
        ("missing address", "INVALID_ADDRESS"),
        ("missing uri", "SIWE_MESSAGE_INVALID"),
        ("missing version", "SIWE_MESSAGE_INVALID"),
        ("missing chainId", "SIWE_MESSAGE_INVALID"),
        ("missing nonce", "SIWE_MESSAGE_INVALID"),
        ("missing issuedAt", "SIWE_MESSAGE_INVALID"),
        ("out of order uri", "SIWE_MESSAGE_INVALID"),
        ("out of order version", "SIWE_MESSAGE_INVALID"),
        ("out of order chainId", "SIWE_MESSAGE_INVALID"),
        ("out of order nonce", "SIWE_MESSAGE_INVALID"),
        ("out of order issuedAt", "SIWE_MESSAGE_INVALID"),
        ("out of order expirationTime", "SIWE_MESSAGE_INVALID"),
        ("out of order notBefore", "SIWE_MESSAGE_INVALID"),
        ("out of order requestId", "SIWE_MESSAGE_INVALID"),
        ("out of order resources", "SIWE_MESSAGE_INVALID"),
        ("domain not RFC4501 authority", "SIWE_DOMAIN_INVALID"),
        ("address not EIP-55", "ADDRESS_CHECKSUM_MISMATCH"),
        ("statement has line break", "SIWE_MESSAGE_INVALID"),
        ("uri is non-RFC 3986", "SIWE_URI_INVALID"),
        ("version not 1", "SIWE_VERSION_UNSUPPORTED"),
        ("not a valid chainId", "SIWE_CHAIN_ID_INVALID"),
        ("nonce with less then 8 chars", "SIWE_NONCE_INVALID"),
        ("non-ISO 8601 issuedAt", "SIWE_TIMESTAMP_INVALID"),
        ("non-ISO 8601 expirationTime", "SIWE_TIMESTAMP_INVALID"),
        ("non-ISO 8601 notBefore", "SIWE_TIMESTAMP_INVALID"),
        (
            "resources not separated by line break",
            "SIWE_RESOURCE_INVALID",
        ),
        ("first resource not-RFC 3986", "SIWE_RESOURCE_INVALID"),
        ("second resource is not-RFC3986", "SIWE_RESOURCE_INVALID"),
    ];
    let vectors = vectors(PARSING_NEGATIVE);
    assert_eq!(vectors.len(), expected.len());
    for (name, code) in expected {
        let text = vectors[name].as_str().unwrap();
        let error = SiweMessage::parse(text).expect_err(name);
        assert_eq!(error.code(), code, "{name}: {error:?}");
    }
}

/// Wallet signatures over the vectors' messages recover to their addresses. ("recovery byte
/// starting at 0" has `v` = 1.)
#[test]
fn spruce_verification_positive_vectors() {
    let vectors = vectors(VERIFICATION_POSITIVE);
    assert_eq!(vectors.len(), 4);
    for (name, vector) in vectors {
        let message = message_of(&vector);
        let text = message.to_text().unwrap();
        assert_eq!(SiweMessage::parse(&text).unwrap(), message, "{name}");
        let signature = eip191::parse_signature(vector["signature"].as_str().unwrap()).unwrap();
        eip191::verify(text.as_bytes(), &signature, &message.address)
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let origin = [format!("https://{}", message.domain)];
        if name == "recovery byte starting at 0" {
            // Tally signs for www.tally.xyz with the URI https://tally.xyz: another origin than
            // the domain's, which this server refuses.
            assert_eq!(message.check_origin(&origin), Err(Error::SiweUriMismatch));
        } else {
            message.check_origin(&origin).unwrap();
        }
        if let Some(time) = field(&vector, "time") {
            // Spruce does not bound issued-at by the verification time; these vectors are
            // checked on the times they are about.
            let now = rfc3339::unix_time(&time).unwrap();
            let mut timeless = message.clone();
            timeless.issued_at = time.clone();
            timeless.check_time(now, 0).unwrap();
        }
    }
}

/// What each negative vector gets wrong is refused by the check that covers it: the message
/// itself, the signature, the domain binding, the time, or the nonce the server issued.
#[test]
fn spruce_verification_negative_vectors() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let expected = [
        ("expired message", "SIWE_EXPIRED"),
        ("domain binding", "SIWE_DOMAIN_MISMATCH"),
        ("custom time", "SIWE_EXPIRED"),
        ("custom nonce", "NONCE_MISMATCH"),
        ("malformed signature", "WALLET_SIGNATURE_MALFORMED"),
        ("wrong signature", "WALLET_SIGNATURE_INVALID"),
        ("not yet valid", "SIWE_NOT_YET_VALID"),
        ("invalid issuedAt", "SIWE_TIMESTAMP_INVALID"),
        ("invalid notBefore", "SIWE_TIMESTAMP_INVALID"),
        ("invalid expirationTime", "SIWE_TIMESTAMP_INVALID"),
    ];
    let vectors = vectors(VERIFICATION_NEGATIVE);
    assert_eq!(vectors.len(), expected.len());
    for (name, code) in expected {
        let vector = &vectors[name];
        let refusal = (|| -> Result<(), &'static str> {
            let message = message_of(vector);
            let text = message.to_text().map_err(|e| e.code())?;
            let signature = eip191::parse_signature(vector["signature"].as_str().unwrap())
                .map_err(|e| e.code())?;
            eip191::verify(text.as_bytes(), &signature, &message.address).map_err(|e| e.code())?;
            let domain = field(vector, "domainBinding").unwrap_or_else(|| message.domain.clone());
            message
                .check_origin(&[format!("https://{domain}")])
                .map_err(|e| e.code())?;
            let at = field(vector, "time").map_or(now, |t| rfc3339::unix_time(&t).unwrap());
            message.check_time(at, 0).map_err(|e| e.code())?;
            match field(vector, "matchNonce") {
                Some(nonce) if nonce != message.nonce => Err("NONCE_MISMATCH"),
                _ => Ok(()),
            }
        })();
        assert_eq!(refusal, Err(code), "{name}");
    }
}

/// A wallet's key, held by libsecp256k1.
struct Wallet(secp256k1::SecretKey);

impl Wallet {
    fn new(secret: [u8; 32]) -> Option<Self> {
        secp256k1::SecretKey::from_secret_bytes(secret)
            .ok()
            .map(Self)
    }

    /// keccak256 of the uncompressed public key libsecp256k1 computes, last 20 bytes.
    fn address(&self) -> Address {
        let public = secp256k1::PublicKey::from_secret_key(&self.0).serialize_uncompressed();
        let digest = Keccak256::digest(&public[1..]);
        Address::from_bytes(digest[12..].try_into().unwrap())
    }

    /// `personal_sign`: the EIP-191 hash computed by the `siwe` crate, signed by libsecp256k1,
    /// written `r ‖ s ‖ v` with `v` = 27 + recovery ID.
    fn personal_sign(&self, message: &siwe::Message) -> [u8; 65] {
        let hash = message.eip191_hash().unwrap();
        let signature = secp256k1::ecdsa::RecoverableSignature::sign_ecdsa_recoverable(
            secp256k1::Message::from_digest(hash),
            &self.0,
        );
        let (recovery_id, rs) = signature.serialize_compact();
        let mut bytes = [0u8; 65];
        bytes[..64].copy_from_slice(&rs);
        bytes[64] = 27 + u8::from(recovery_id);
        bytes
    }
}

/// Messages within what the `siwe` crate supports (no scheme, no empty statement, no empty
/// `Resources:` block).
fn message() -> impl Strategy<Value = SiweMessage> {
    let domain = "([a-z0-9]{1,8}@)?[a-z0-9-]{1,12}(\\.[a-z0-9-]{1,12}){0,3}(:[0-9]{1,5})?";
    let uri =
        "https://[a-z0-9.-]{1,15}(:[0-9]{1,5})?(/[a-zA-Z0-9._~-]{0,8}){0,3}(\\?[a-z0-9=&]{0,8})?";
    let time = (0..4_000_000_000i64, proptest::option::of(0..1000u32)).prop_map(|(t, ms)| {
        let t = time::OffsetDateTime::from_unix_timestamp(t).unwrap();
        let base = t
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        match ms {
            Some(ms) => base.replace('Z', &format!(".{ms:03}Z")),
            None => base,
        }
    });
    (
        (
            domain,
            any::<[u8; 20]>(),
            proptest::option::of("[a-zA-Z0-9 :/?#@!$&'()*+,;=._~-]{1,40}"),
        ),
        (uri, any::<u64>(), "[a-zA-Z0-9]{8,32}"),
        (
            time.clone(),
            proptest::option::of(time.clone()),
            proptest::option::of(time),
        ),
        (
            proptest::option::of("[a-zA-Z0-9._~:@-]{1,12}"),
            proptest::option::of(proptest::collection::vec(uri, 1..4)),
        ),
    )
        .prop_map(
            |(
                (domain, address, statement),
                (uri, chain_id, nonce),
                (issued_at, expiration_time, not_before),
                (request_id, resources),
            )| {
                let mut message = SiweMessage::new(
                    &domain,
                    Address::from_bytes(address),
                    &uri,
                    chain_id,
                    &nonce,
                    &issued_at,
                );
                message.statement = statement;
                message.expiration_time = expiration_time;
                message.not_before = not_before;
                message.request_id = request_id;
                message.resources = resources;
                message
            },
        )
}

proptest! {
    /// The `siwe` crate reads what we write as the same message, writes it back byte for byte,
    /// and hashes it as we do; we read what it writes.
    #[test]
    fn the_siwe_crate_reads_our_messages(message in message()) {
        let text = message.to_text().unwrap();
        let theirs = siwe::Message::from_str(&text).unwrap();
        prop_assert_eq!(theirs.to_string(), text.clone());
        prop_assert_eq!(&theirs.address, message.address.as_bytes());
        prop_assert_eq!(theirs.domain.as_str(), message.domain.as_str());
        prop_assert_eq!(theirs.chain_id, message.chain_id);
        prop_assert_eq!(&theirs.nonce, &message.nonce);
        prop_assert_eq!(theirs.uri.as_str(), message.uri.as_str());
        prop_assert_eq!(theirs.issued_at.to_string(), message.issued_at.clone());
        prop_assert_eq!(theirs.eip191_hash().unwrap(), eip191::hash_message(text.as_bytes()));
        prop_assert_eq!(SiweMessage::parse(&theirs.to_string()).unwrap(), message);
    }

    /// Signatures libsecp256k1 makes over the `siwe` crate's EIP-191 hash verify with ours, and
    /// the `siwe` crate's own verification agrees with ours on the signer.
    #[test]
    fn libsecp256k1_signatures_verify(secret in any::<[u8; 32]>(), mut message in message(), other in any::<[u8; 20]>()) {
        let Some(wallet) = Wallet::new(secret) else { return Ok(()) };
        message.address = wallet.address();
        let text = message.to_text().unwrap();
        let theirs = siwe::Message::from_str(&text).unwrap();
        let signature = wallet.personal_sign(&theirs);
        prop_assert!(theirs.verify_eip191(&signature).is_ok());
        eip191::verify(text.as_bytes(), &signature, &message.address).unwrap();
        prop_assert_eq!(eip191::recover(text.as_bytes(), &signature).unwrap(), wallet.address());

        let hex: String = signature.iter().map(|b| format!("{b:02x}")).collect();
        prop_assert_eq!(eip191::parse_signature(&format!("0x{hex}")).unwrap(), signature);

        // Another address, or one changed byte of the text, and both refuse.
        let other = Address::from_bytes(other);
        prop_assume!(other != message.address);
        prop_assert_eq!(
            eip191::verify(text.as_bytes(), &signature, &other),
            Err(Error::WalletSignatureInvalid)
        );
        let tampered = text.replacen("Nonce: ", "Nonce: x", 1);
        prop_assert!(siwe::Message::from_str(&tampered).unwrap().verify_eip191(&signature).is_err());
        prop_assert!(eip191::verify(tampered.as_bytes(), &signature, &message.address).is_err());
    }

    /// Our RFC 3339 reading gives the `time` crate's instant for every timestamp it reads
    /// (leap seconds aside: `time` takes them only where one was inserted).
    #[test]
    fn rfc3339_agrees_with_the_time_crate(
        text in "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])",
    ) {
        let ours = rfc3339::unix_time(&text);
        let theirs = time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339)
            .map(time::OffsetDateTime::unix_timestamp);
        prop_assert_eq!(ours, theirs.ok(), "{}", text);
    }

    /// Anything else, neither accepts.
    #[test]
    fn rfc3339_refusals_agree_with_the_time_crate(text in "[0-9TtZz:.+-]{10,30}") {
        let theirs = time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339);
        prop_assert_eq!(rfc3339::is_date_time(&text), theirs.is_ok(), "{}", text);
    }
}
