//! `AuthenticatorData::parse` on any bytes: a typed error or a structure consistent with its
//! input (the flags, the RP ID hash; a credential key, when present, either is a point of the
//! curve or is refused as `PointNotOnCurve` by `verifying_key`, as parsing checks only its
//! structure).
#![no_main]

use baas_core::{Address, AuthenticatorData, Error};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(parsed) = AuthenticatorData::parse(data) else {
        return;
    };
    assert_eq!(parsed.rp_id_hash.as_slice(), &data[..32]);
    if let Some(credential) = &parsed.attested_credential {
        assert!(parsed.flags.attested_credential_data());
        assert!(!credential.credential_id.is_empty());
        let key = &credential.public_key;
        if let Err(error) = key.verifying_key() {
            assert_eq!(error, Error::PointNotOnCurve);
        }
        let _ = Address::from_public_key(key).to_checksummed();
    }
});
