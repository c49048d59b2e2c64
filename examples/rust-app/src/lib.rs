//! Example: an app written in Rust (compiled with `wasm-bindgen`) that signs its user in with
//! baas-sdk's `baas_sdk::Auth`, the same client JavaScript apps get from
//! `createBaasClient`. It exports one function, `signInAndGreet(apiUrl)`, returning the text to
//! show. Built (and linted) for `wasm32-unknown-unknown` by the test command; empty natively.

#[cfg(target_arch = "wasm32")]
mod app {
    use baas_sdk::{Auth, ClientConfig};
    use js_sys::Reflect;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::JsFuture;

    /// Signs in with a passkey (no prompt when a session is stored) and greets the address.
    ///
    /// # Errors
    /// The SDK's `BaasError`, as JavaScript sees it (e.g. `WALLET_CONNECT_REJECTED` when the user
    /// cancels); invalid options are `INVALID_CONFIG`.
    #[wasm_bindgen(js_name = signInAndGreet)]
    pub async fn sign_in_and_greet(api_url: String) -> Result<String, JsValue> {
        let config = ClientConfig::new(
            Some("demo"),
            Some("sb_publishable_demo"),
            Some(&api_url),
            None,
        )
        .map_err(|error| JsValue::from_str(error.code()))?;
        let auth = Auth::new(config);
        let session = JsFuture::from(auth.sign_in_with_passkey(None)).await?;
        let address = Reflect::get(&session, &"address".into())?
            .as_string()
            .unwrap_or_default();
        Ok(["Signed in as ", &address].concat())
    }
}
