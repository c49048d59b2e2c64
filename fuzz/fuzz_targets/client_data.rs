//! `ClientData::parse` and its checks on any bytes, for both ceremonies.
#![no_main]

use baas_core::client_data::{Ceremony, ClientData};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(client_data) = ClientData::parse(data) else {
        return;
    };
    let rp = baas_fuzz::relying_party();
    let _ = client_data.check(Ceremony::Create, baas_fuzz::REGISTRATION_CHALLENGE, &rp);
    let _ = client_data.check(Ceremony::Get, baas_fuzz::AUTHENTICATION_CHALLENGE, &rp);
});
