//! `baas-server`: the BaaS API server (passkey and wallet sign-in, sessions).

fn main() {}
