//! COSE_Key ([RFC 9052 §7](https://www.rfc-editor.org/rfc/rfc9052#section-7)) of a passkey,
//! restricted to what baas accepts: EC2 (kty 2), ES256 (alg -7), P-256 (crv 1).

use crate::cbor::Reader;
use crate::{Error, Result};

const KTY: i64 = 1;
const ALG: i64 = 3;
const CRV: i64 = -1;
const X: i64 = -2;
const Y: i64 = -3;
const D: i64 = -4;

const KTY_EC2: i64 = 2;
const ALG_ES256: i64 = -7;
const CRV_P256: i64 = 1;

/// Most parameters a public EC2 key has, with room for vendor additions.
const MAX_PARAMETERS: usize = 16;

/// An ES256 public key on P-256, as its two 32-byte affine coordinates.
///
/// Parsing checks the key's structure (type, algorithm, curve, coordinate lengths); whether the
/// coordinates are a point of the curve is checked by [`CoseKey::verifying_key`] (or, in the
/// browser, by WebCrypto's `importKey`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoseKey {
    x: [u8; 32],
    y: [u8; 32],
}

impl CoseKey {
    /// Parses a COSE_Key that makes up the whole of `cbor`.
    ///
    /// # Errors
    /// A CBOR error for malformed or trailing input; a `COSE_*` error for a key that is not an
    /// EC2 / ES256 / P-256 public key with 32-byte coordinates.
    pub fn from_cbor(cbor: &[u8]) -> Result<Self> {
        let mut reader = Reader::new(cbor);
        let key = Self::read(&mut reader)?;
        reader.finish()?;
        Ok(key)
    }

    /// Builds a key from its affine coordinates.
    pub fn from_coordinates(x: [u8; 32], y: [u8; 32]) -> Self {
        Self { x, y }
    }

    /// Reads one COSE_Key map at the reader's position.
    pub(crate) fn read(reader: &mut Reader<'_>) -> Result<Self> {
        let entries = reader.map()?;
        if entries > MAX_PARAMETERS {
            return Err(Error::CborTooLarge {
                max: MAX_PARAMETERS,
            });
        }
        let (mut kty, mut alg, mut crv, mut x, mut y) = (None, None, None, None, None);
        let mut seen = Vec::with_capacity(entries);
        for _ in 0..entries {
            let Some(label) = reader.int_key()? else {
                reader.skip()?;
                continue;
            };
            if seen.contains(&label) {
                return Err(Error::CborDuplicateKey);
            }
            seen.push(label);
            match label {
                KTY => kty = Some(reader.int()?),
                ALG => alg = Some(reader.int()?),
                CRV => crv = Some(reader.int()?),
                X => x = Some(reader.bytes()?),
                Y => y = Some(reader.bytes()?),
                D => return Err(Error::CosePrivateKeyPresent),
                _ => reader.skip()?,
            }
        }
        match kty.ok_or(Error::CoseMissingParameter { param: "kty" })? {
            KTY_EC2 => {}
            kty => return Err(Error::CoseUnsupportedKeyType { kty }),
        }
        match alg.ok_or(Error::CoseMissingParameter { param: "alg" })? {
            ALG_ES256 => {}
            alg => return Err(Error::CoseUnsupportedAlgorithm { alg }),
        }
        match crv.ok_or(Error::CoseMissingParameter { param: "crv" })? {
            CRV_P256 => {}
            crv => return Err(Error::CoseUnsupportedCurve { crv }),
        }
        Ok(Self {
            x: coordinate("x", x)?,
            y: coordinate("y", y)?,
        })
    }

    /// The x coordinate, big-endian.
    pub fn x(&self) -> &[u8; 32] {
        &self.x
    }

    /// The y coordinate, big-endian.
    pub fn y(&self) -> &[u8; 32] {
        &self.y
    }

    /// The SEC1 uncompressed point `0x04 ‖ x ‖ y`, as WebCrypto's `raw` import takes it.
    pub fn sec1_uncompressed(&self) -> [u8; 65] {
        let mut point = [0u8; 65];
        point[0] = 0x04;
        point[1..33].copy_from_slice(&self.x);
        point[33..].copy_from_slice(&self.y);
        point
    }

    /// The ECDSA verifying key, after checking that the coordinates are a point of P-256.
    ///
    /// # Errors
    /// [`Error::PointNotOnCurve`] when they are not.
    pub fn verifying_key(&self) -> Result<p256::ecdsa::VerifyingKey> {
        p256::ecdsa::VerifyingKey::from_sec1_bytes(&self.sec1_uncompressed())
            .map_err(|_| Error::PointNotOnCurve)
    }
}

fn coordinate(param: &'static str, value: Option<&[u8]>) -> Result<[u8; 32]> {
    let bytes = value.ok_or(Error::CoseMissingParameter { param })?;
    bytes
        .try_into()
        .map_err(|_| Error::CoseInvalidCoordinateLength {
            param,
            len: bytes.len(),
        })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use ciborium::Value;
    use p256::elliptic_curve::sec1::ToSec1Point;

    /// CBOR bytes of a value.
    pub(crate) fn cbor(value: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        ciborium::into_writer(value, &mut out).unwrap();
        out
    }

    fn int(n: i64) -> Value {
        Value::Integer(n.into())
    }

    /// The P-256 public key of a fixed test secret (RFC 6979 A.2.5's private key).
    pub(crate) fn test_coordinates() -> ([u8; 32], [u8; 32]) {
        let secret: [u8; 32] =
            hex_literal("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721");
        let key = p256::SecretKey::from_bytes(&secret.into()).unwrap();
        let point = key.public_key().to_sec1_point(false);
        (
            point.x().unwrap().as_slice().try_into().unwrap(),
            point.y().unwrap().as_slice().try_into().unwrap(),
        )
    }

    pub(crate) fn hex_literal<const N: usize>(hex: &str) -> [u8; N] {
        let mut out = [0u8; N];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }

    /// A COSE EC2 key map with the given entries.
    pub(crate) fn key_map(entries: Vec<(Value, Value)>) -> Vec<u8> {
        cbor(&Value::Map(entries))
    }

    /// The entries of a valid ES256 key, in CTAP2 canonical order.
    pub(crate) fn valid_entries() -> Vec<(Value, Value)> {
        let (x, y) = test_coordinates();
        vec![
            (int(KTY), int(KTY_EC2)),
            (int(ALG), int(ALG_ES256)),
            (int(CRV), int(CRV_P256)),
            (int(X), Value::Bytes(x.to_vec())),
            (int(Y), Value::Bytes(y.to_vec())),
        ]
    }

    fn with(label: i64, value: Value) -> Vec<u8> {
        let mut entries = valid_entries();
        for entry in &mut entries {
            if entry.0 == int(label) {
                entry.1 = value.clone();
            }
        }
        key_map(entries)
    }

    fn without(label: i64) -> Vec<u8> {
        key_map(
            valid_entries()
                .into_iter()
                .filter(|e| e.0 != int(label))
                .collect(),
        )
    }

    #[test]
    fn parses_a_valid_key_and_checks_the_point() {
        let key = CoseKey::from_cbor(&key_map(valid_entries())).unwrap();
        let (x, y) = test_coordinates();
        assert_eq!((key.x(), key.y()), (&x, &y));
        assert_eq!(key.sec1_uncompressed()[0], 0x04);
        key.verifying_key().unwrap();
    }

    #[test]
    fn key_order_and_unknown_labels_do_not_matter() {
        let mut entries = valid_entries();
        entries.reverse();
        entries.push((Value::Text("vendor".into()), int(1)));
        entries.push((int(-70), Value::Array(vec![])));
        CoseKey::from_cbor(&key_map(entries)).unwrap();
    }

    #[test]
    fn wrong_key_type_algorithm_and_curve_each_have_their_error() {
        // OKP (1) Ed25519 (-8) and P-384 (2).
        assert_eq!(
            CoseKey::from_cbor(&with(KTY, int(1))),
            Err(Error::CoseUnsupportedKeyType { kty: 1 })
        );
        assert_eq!(
            CoseKey::from_cbor(&with(ALG, int(-8))),
            Err(Error::CoseUnsupportedAlgorithm { alg: -8 })
        );
        assert_eq!(
            CoseKey::from_cbor(&with(CRV, int(2))),
            Err(Error::CoseUnsupportedCurve { crv: 2 })
        );
    }

    #[test]
    fn missing_parameters_are_named() {
        for (label, param) in [(KTY, "kty"), (ALG, "alg"), (CRV, "crv"), (X, "x"), (Y, "y")] {
            assert_eq!(
                CoseKey::from_cbor(&without(label)),
                Err(Error::CoseMissingParameter { param })
            );
        }
    }

    #[test]
    fn coordinates_must_be_32_bytes() {
        for len in [0, 31, 33, 65] {
            assert_eq!(
                CoseKey::from_cbor(&with(X, Value::Bytes(vec![1; len]))),
                Err(Error::CoseInvalidCoordinateLength { param: "x", len })
            );
            assert_eq!(
                CoseKey::from_cbor(&with(Y, Value::Bytes(vec![1; len]))),
                Err(Error::CoseInvalidCoordinateLength { param: "y", len })
            );
        }
    }

    #[test]
    fn wrong_major_types_are_refused() {
        assert_eq!(
            CoseKey::from_cbor(&with(KTY, Value::Text("EC2".into()))),
            Err(Error::CborUnexpectedType {
                expected: "integer"
            })
        );
        assert_eq!(
            CoseKey::from_cbor(&with(X, Value::Text("x".into()))),
            Err(Error::CborUnexpectedType {
                expected: "byte string"
            })
        );
        assert_eq!(
            CoseKey::from_cbor(&cbor(&Value::Array(vec![]))),
            Err(Error::CborUnexpectedType { expected: "map" })
        );
    }

    #[test]
    fn an_off_curve_point_is_refused() {
        let (x, mut y) = test_coordinates();
        y[31] ^= 1;
        let key = CoseKey::from_coordinates(x, y);
        assert_eq!(key.verifying_key(), Err(Error::PointNotOnCurve));
    }

    #[test]
    fn a_private_key_is_refused() {
        let mut entries = valid_entries();
        entries.push((int(D), Value::Bytes(vec![7; 32])));
        assert_eq!(
            CoseKey::from_cbor(&key_map(entries)),
            Err(Error::CosePrivateKeyPresent)
        );
    }

    #[test]
    fn duplicate_labels_and_trailing_bytes_are_refused() {
        let mut entries = valid_entries();
        entries.push((int(ALG), int(ALG_ES256)));
        assert_eq!(
            CoseKey::from_cbor(&key_map(entries)),
            Err(Error::CborDuplicateKey)
        );
        let mut bytes = key_map(valid_entries());
        bytes.push(0);
        assert_eq!(
            CoseKey::from_cbor(&bytes),
            Err(Error::CborTrailingBytes { count: 1 })
        );
    }

    #[test]
    fn every_truncation_is_an_error() {
        let bytes = key_map(valid_entries());
        for len in 0..bytes.len() {
            assert_eq!(
                CoseKey::from_cbor(&bytes[..len]),
                Err(Error::CborTruncated),
                "prefix of {len} bytes"
            );
        }
    }
}
