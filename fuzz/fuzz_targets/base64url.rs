//! `base64url::decode` on any text: never panics, and accepts only the one canonical encoding
//! of the bytes it returns. Any bytes round-trip through `encode`.
#![no_main]

use baas_core::base64url;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(bytes) = base64url::decode(text)
    {
        assert_eq!(
            base64url::encode(&bytes),
            text,
            "a non-canonical encoding was accepted"
        );
    }
    assert_eq!(
        base64url::decode(&base64url::encode(data)).as_deref(),
        Ok(data)
    );
});
