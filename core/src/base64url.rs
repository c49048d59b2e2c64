//! Unpadded, canonical base64url ([RFC 4648 §5](https://www.rfc-editor.org/rfc/rfc4648#section-5)),
//! the binary encoding of the WebAuthn Level 3 JSON forms.
//!
//! Decoding is strict: padding, the `+` and `/` of standard base64, whitespace and non-zero
//! trailing bits are all refused, so every byte string has exactly one accepted encoding.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::{Error, Result};

/// Encodes `bytes` as unpadded base64url.
pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes canonical unpadded base64url.
///
/// # Errors
/// [`Error::InvalidBase64Url`] for anything but the one canonical encoding of some bytes.
pub fn decode(text: &str) -> Result<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| Error::InvalidBase64Url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // RFC 4648 §10 test vectors, in the URL-safe alphabet without padding.
    const RFC4648: [(&str, &str); 7] = [
        ("", ""),
        ("f", "Zg"),
        ("fo", "Zm8"),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg"),
        ("fooba", "Zm9vYmE"),
        ("foobar", "Zm9vYmFy"),
    ];

    #[test]
    fn rfc4648_vectors() {
        for (plain, encoded) in RFC4648 {
            assert_eq!(encode(plain.as_bytes()), encoded);
            assert_eq!(decode(encoded).unwrap(), plain.as_bytes());
        }
    }

    #[test]
    fn url_safe_alphabet() {
        assert_eq!(encode(&[0xfb, 0xff, 0xbf]), "-_-_");
        assert_eq!(decode("-_-_").unwrap(), [0xfb, 0xff, 0xbf]);
    }

    #[test]
    fn refuses_non_canonical_forms() {
        for bad in [
            "Zg==", "Zm8=", "+/+/", "Zm9v Yg", "Zh", "Z", "Zm9vY", "Zm9v\n", "é",
        ] {
            assert_eq!(decode(bad), Err(Error::InvalidBase64Url), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            prop_assert_eq!(decode(&encode(&bytes)).unwrap(), bytes);
        }

        #[test]
        fn decode_never_panics_and_accepts_only_canonical(text in "[A-Za-z0-9_=+/-]{0,64}") {
            if let Ok(bytes) = decode(&text) {
                prop_assert_eq!(encode(&bytes), text);
            }
        }
    }
}
