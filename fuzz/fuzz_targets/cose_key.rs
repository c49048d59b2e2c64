//! `CoseKey::from_cbor` on any bytes: a typed error, or an ES256 key whose coordinates
//! round-trip; whether they are a point of the curve is `verifying_key`'s to say (parsing checks
//! the structure only), and only `PointNotOnCurve` may say no.
#![no_main]

use baas_core::{Address, CoseKey, Error};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(key) = CoseKey::from_cbor(data) else {
        return;
    };
    if let Err(error) = key.verifying_key() {
        assert_eq!(error, Error::PointNotOnCurve);
    }
    assert_eq!(CoseKey::from_coordinates(*key.x(), *key.y()), key);
    let _ = Address::from_public_key(&key).to_checksummed();
});
