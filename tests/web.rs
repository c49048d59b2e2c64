//! The wasm glue in headless Chromium (wasm-bindgen-test). One file, so one browser start.
//! WebAuthn cannot run here (the page is served from an IP address, not a valid RP ID): real
//! ceremonies are tested end to end in `tests/e2e`; this file uses recorded data and exercises
//! the JavaScript surface the way an app does (through the exported objects and methods).
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    reason = "wasm_bindgen_test functions are tests; a panic is the failure report"
)]

use baas_core::AttestationObject;
use baas_sdk::{ErrorCode, address_from_cose_key, create_baas_client};
use js_sys::{Array, Date, Function, JSON, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const ATTESTATION: &[u8] =
    include_bytes!("fixtures/chromium-virtual-authenticator/attestation-object.cbor");
const RECORD: &str = include_str!("fixtures/chromium-virtual-authenticator/registration.json");
const ADDRESS: &str = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
/// An API URL where nothing listens: any request fails fast with a network error.
const DEAD_API: &str = "http://127.0.0.1:9";

fn field(value: &JsValue, name: &str) -> JsValue {
    Reflect::get(value, &name.into()).unwrap()
}

fn object(entries: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in entries {
        Reflect::set(&object, &(*key).into(), value).unwrap();
    }
    object.into()
}

/// Calls `target[name](...args)`.
fn call(target: &JsValue, name: &str, args: &[JsValue]) -> JsValue {
    let function: Function = field(target, name).dyn_into().unwrap();
    function
        .apply(target, &args.iter().collect::<Array>())
        .unwrap()
}

async fn settle(promise: JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(promise.dyn_into::<Promise>().unwrap()).await
}

fn local_storage() -> web_sys::Storage {
    field(&js_sys::global(), "localStorage").unchecked_into()
}

fn options(project: &str) -> JsValue {
    object(&[
        ("projectId", project.into()),
        ("publishableKey", "sb_publishable_test".into()),
        ("apiUrl", DEAD_API.into()),
        ("requestTimeout", 2_000.into()),
    ])
}

fn auth(project: &str) -> JsValue {
    field(&create_baas_client(options(project)).unwrap(), "auth")
}

/// Stores a session for `project` as the SDK does, expiring `expires_in` seconds from now on a
/// server clock `offset` seconds ahead of the local one.
fn store_session(project: &str, expires_in: i64, offset: i64) {
    let now = (Date::now() / 1000.0) as i64 + offset;
    let credential = object(&[
        ("id", "Y3JlZA".into()),
        ("publicKey", "pQ".into()),
        ("backupEligible", true.into()),
        ("backedUp", true.into()),
    ]);
    let record = object(&[
        ("v", 1.into()),
        ("seq", 1.into()),
        ("address", ADDRESS.into()),
        ("accessToken", "eyJhbGciOiJFUzI1NiJ9.e30.sig".into()),
        ("expiresAt", ((now + expires_in) as f64).into()),
        ("method", "passkey".into()),
        ("credential", credential),
        ("refreshToken", "refresh-secret".into()),
        ("issuedAt", ((now - 10) as f64).into()),
        ("clockOffset", (offset as f64).into()),
    ]);
    let text = JSON::stringify(&record).unwrap().as_string().unwrap();
    local_storage()
        .set_item(&format!("baas:{project}:session"), &text)
        .unwrap();
}

fn recorded_cose_key() -> Box<[u8]> {
    let object = AttestationObject::parse(ATTESTATION).unwrap();
    object.credential.public_key_cbor.into()
}

#[wasm_bindgen_test]
async fn address_from_cose_key_matches_the_independent_derivation() {
    let record: serde_json::Value = serde_json::from_str(RECORD).unwrap();
    let address = address_from_cose_key(recorded_cose_key()).await.unwrap();
    assert_eq!(address, record["expectedAddress"].as_str().unwrap());
}

#[wasm_bindgen_test]
async fn an_off_curve_point_is_refused_by_webcrypto() {
    let mut key = recorded_cose_key().into_vec();
    let last = key.len() - 1;
    key[last] ^= 1; // last byte of y
    let error = address_from_cose_key(key.into()).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::VerifyFailed);
    let error = JsValue::from(error);
    assert_eq!(field(&field(&error, "cause"), "name"), "DataError");
}

#[wasm_bindgen_test]
async fn a_malformed_key_is_a_baas_auth_error_with_the_core_code_as_cause() {
    let mut key = recorded_cose_key().into_vec();
    key[6] = 0x02; // crv 1 → 2 (P-384)
    let error = JsValue::from(address_from_cose_key(key.into()).await.unwrap_err());
    assert!(error.is_instance_of::<js_sys::Error>());
    assert_eq!(field(&error, "name"), "BaasAuthError");
    assert_eq!(field(&error, "code"), "VERIFY_FAILED");
    assert_eq!(field(&error, "cause"), "COSE_UNSUPPORTED_CURVE");
    let message = field(&error, "message").as_string().unwrap();
    assert!(message.contains("passkey"), "{message}");
}

#[wasm_bindgen_test]
fn create_baas_client_refuses_each_invalid_option() {
    let valid = [
        ("projectId", JsValue::from("p")),
        ("publishableKey", "sb_publishable_x".into()),
        ("apiUrl", "https://api.example.com".into()),
    ];
    let cases: [(&str, JsValue, &str); 7] = [
        ("projectId", "  ".into(), "projectId"),
        ("projectId", 42.into(), "projectId"),
        ("publishableKey", "pk_live_123".into(), "publishableKey"),
        ("apiUrl", "api.example.com".into(), "apiUrl"),
        ("apiUrl", "ftp://example.com".into(), "apiUrl"),
        ("requestTimeout", 0.into(), "requestTimeout"),
        ("requestTimeout", "1000".into(), "requestTimeout"),
    ];
    for (key, value, named) in cases {
        let mut entries = valid.to_vec();
        entries.retain(|(k, _)| *k != key);
        entries.push((key, value));
        let error = JsValue::from(create_baas_client(object(&entries)).unwrap_err());
        assert_eq!(field(&error, "code"), "INVALID_CONFIG");
        assert_eq!(
            field(&error, "name"),
            "BaasError",
            "not an auth or wallet error"
        );
        assert!(error.is_instance_of::<js_sys::Error>());
        let message = field(&error, "message").as_string().unwrap();
        assert!(message.contains(named), "{message}");
    }
    for not_options in [JsValue::UNDEFINED, JsValue::NULL, "p".into()] {
        let error = JsValue::from(create_baas_client(not_options).unwrap_err());
        assert_eq!(field(&error, "code"), "INVALID_CONFIG");
    }
    assert!(create_baas_client(object(&valid)).is_ok());
}

#[wasm_bindgen_test]
fn a_stored_session_is_restored_synchronously_without_its_refresh_token() {
    store_session("restore", 3_600, 0);
    let auth = auth("restore");
    let session = call(&auth, "getSession", &[]);
    assert_eq!(field(&session, "address"), ADDRESS);
    assert_eq!(field(&session, "method"), "passkey");
    assert!(field(&session, "expiresAt").as_f64().unwrap() > Date::now() / 1000.0);
    assert_eq!(field(&field(&session, "credential"), "backedUp"), true);
    assert!(field(&session, "refreshToken").is_undefined());
    assert!(field(&field(&session, "credential"), "publicKey").is_undefined());
    assert!(Object::is_frozen(&session.clone().into()));
    // The same cached object on every call.
    assert!(Object::is(&session, &call(&auth, "getSession", &[])));
}

#[wasm_bindgen_test]
fn sessions_are_scoped_by_project() {
    store_session("project-a", 3_600, 0);
    assert!(call(&auth("project-b"), "getSession", &[]).is_null());
    assert!(!call(&auth("project-a"), "getSession", &[]).is_null());
}

#[wasm_bindgen_test]
fn an_expired_session_counts_as_none_judged_on_the_server_clock() {
    store_session("expired", -1, 0);
    assert!(call(&auth("expired"), "getSession", &[]).is_null());
    // Issued by a server whose clock is an hour ahead: still valid for 10 minutes on its clock,
    // although the local clock is far behind `expiresAt`.
    store_session("skewed", 600, 3_600);
    assert!(!call(&auth("skewed"), "getSession", &[]).is_null());
    // The server clock is an hour behind: the token expired on its clock 10 s ago, whatever
    // the local clock says.
    store_session("behind", -10, -3_600);
    assert!(call(&auth("behind"), "getSession", &[]).is_null());
}

#[wasm_bindgen_test]
fn corrupted_storage_is_discarded() {
    let key = "baas:corrupt:session";
    for junk in [
        "{",
        "null",
        "[]",
        r#"{"v":1,"address":"0xnope"}"#,
        r#"{"v":2}"#,
    ] {
        local_storage().set_item(key, junk).unwrap();
        assert!(
            call(&auth("corrupt"), "getSession", &[]).is_null(),
            "{junk}"
        );
        assert_eq!(local_storage().get_item(key).unwrap(), None, "{junk}");
    }
}

#[wasm_bindgen_test]
async fn a_valid_session_short_circuits_without_any_request() {
    store_session("short", 3_600, 0);
    let auth = auth("short");
    let cached = call(&auth, "getSession", &[]);
    // The API URL is dead: a request would fail with NONCE_FETCH_FAILED.
    for method in ["signInWithPasskey", "signUpWithPasskey", "signIn", "signUp"] {
        let session = settle(call(&auth, method, &[])).await.unwrap();
        assert!(Object::is(&session, &cached), "{method}");
    }
}

#[wasm_bindgen_test]
async fn an_unreachable_server_is_nonce_fetch_failed_and_nothing_is_stored() {
    let auth = auth("offline");
    for method in ["signInWithPasskey", "signUpWithPasskey"] {
        let error = settle(call(&auth, method, &[])).await.unwrap_err();
        assert_eq!(field(&error, "code"), "NONCE_FETCH_FAILED", "{method}");
        assert_eq!(field(&error, "name"), "BaasAuthError");
        assert!(field(&error, "cause").is_instance_of::<js_sys::TypeError>());
    }
    assert!(call(&auth, "getSession", &[]).is_null());
    assert_eq!(
        local_storage().get_item("baas:offline:session").unwrap(),
        None
    );
}

#[wasm_bindgen_test]
async fn concurrent_calls_of_one_ceremony_share_one_result() {
    let auth = auth("concurrent");
    let first = call(&auth, "signInWithPasskey", &[]);
    let second = call(&auth, "signInWithPasskey", &[]);
    assert!(Object::is(&first, &second), "one in-flight promise");
    let error = settle(first).await.unwrap_err();
    assert_eq!(field(&error, "code"), "NONCE_FETCH_FAILED");
    // Finished: the next call starts afresh rather than replaying the failure.
    let third = call(&auth, "signInWithPasskey", &[]);
    assert!(!Object::is(&third, &second));
    let _ = settle(third).await;
}

#[wasm_bindgen_test]
async fn an_unknown_sign_in_method_is_refused() {
    let auth = auth("methods");
    let error = settle(call(&auth, "signIn", &["password".into()]))
        .await
        .unwrap_err();
    assert_eq!(field(&error, "code"), "INVALID_CONFIG");
}

#[wasm_bindgen_test]
async fn sign_out_forgets_the_session_even_offline() {
    store_session("signout", 3_600, 0);
    let auth = auth("signout");
    assert!(!call(&auth, "getSession", &[]).is_null());
    let done = settle(call(&auth, "signOut", &[])).await.unwrap();
    assert!(done.is_undefined());
    assert!(call(&auth, "getSession", &[]).is_null());
    assert_eq!(
        local_storage().get_item("baas:signout:session").unwrap(),
        None
    );
    assert!(call(&self::auth("signout"), "getSession", &[]).is_null());
}

/// Subscribes a recorder; returns `(unsubscribe, events)` where `events` lists
/// `[event, address | null]` pairs as they arrive.
fn record_events(auth: &JsValue) -> (JsValue, Array) {
    let events = Array::new();
    let sink = events.clone();
    let callback = wasm_bindgen::closure::Closure::<dyn FnMut(JsValue, JsValue)>::new(
        move |session: JsValue, event: JsValue| {
            let address = if session.is_null() {
                JsValue::NULL
            } else {
                field(&session, "address")
            };
            sink.push(&Array::of2(&event, &address));
        },
    )
    .into_js_value();
    (call(auth, "onAuthStateChange", &[callback]), events)
}

fn event_log(events: &Array) -> Vec<String> {
    events
        .iter()
        .map(|pair| {
            let pair = Array::from(&pair);
            let address = pair.get(1).as_string().unwrap_or_else(|| "null".into());
            format!("{} {address}", pair.get(0).as_string().unwrap())
        })
        .collect()
}

async fn next_tick() {
    let _ = settle(Promise::resolve(&JsValue::UNDEFINED).into()).await;
}

#[wasm_bindgen_test]
async fn listeners_get_the_initial_session_then_each_change() {
    store_session("events", 3_600, 0);
    let auth = auth("events");
    let (off, events) = record_events(&auth);
    assert_eq!(
        events.length(),
        0,
        "delivered in a microtask, after subscribing"
    );
    next_tick().await;
    assert_eq!(event_log(&events), [format!("INITIAL_SESSION {ADDRESS}")]);
    settle(call(&auth, "signOut", &[])).await.unwrap();
    assert_eq!(
        event_log(&events)[1..],
        ["SIGNED_OUT null".to_string()],
        "SIGNED_OUT once the state is committed"
    );
    let off: Function = off.dyn_into().unwrap();
    off.call0(&JsValue::NULL).unwrap();
    off.call0(&JsValue::NULL).unwrap(); // twice is harmless
    store_session("events", 3_600, 0);
    dispatch_storage("events", Some(&stored_text("events", 3_600, 9)));
    assert_eq!(events.length(), 2, "nothing after unsubscribing");
}

#[wasm_bindgen_test]
async fn a_throwing_listener_does_not_stop_the_others_and_listeners_may_sign_out() {
    store_session("reentrant", 3_600, 0);
    let auth = auth("reentrant");
    let thrower =
        wasm_bindgen::closure::Closure::<dyn FnMut(JsValue, JsValue) -> Result<(), JsValue>>::new(
            |_: JsValue, _: JsValue| Err(js_sys::Error::new("listener bug").into()),
        )
        .into_js_value();
    // Silence the page's report of the exception (it would fail the test harness otherwise).
    let handler = wasm_bindgen::closure::Closure::<dyn FnMut(JsValue)>::new(|event: JsValue| {
        let _ = call(&event, "preventDefault", &[]);
    })
    .into_js_value();
    call(
        &js_sys::global(),
        "addEventListener",
        &["error".into(), handler.clone()],
    );
    call(&auth, "onAuthStateChange", &[thrower]);
    let auth_in_callback = auth.clone();
    let signing_out = wasm_bindgen::closure::Closure::<dyn FnMut(JsValue, JsValue)>::new(
        move |session: JsValue, _: JsValue| {
            if !session.is_null() {
                call(&auth_in_callback, "signOut", &[]);
            }
        },
    )
    .into_js_value();
    call(&auth, "onAuthStateChange", &[signing_out]);
    let (_, events) = record_events(&auth);
    next_tick().await;
    next_tick().await;
    call(
        &js_sys::global(),
        "removeEventListener",
        &["error".into(), handler],
    );
    let log = event_log(&events);
    assert_eq!(
        log,
        ["INITIAL_SESSION null".to_string()],
        "the second listener signed out from its callback; the recorder, subscribed before its \
         INITIAL_SESSION arrived, hears the state as it is then, and nothing before it"
    );
    assert!(call(&auth, "getSession", &[]).is_null());
}

/// The stored text of a session for `project` with sequence number `seq`.
fn stored_text(project: &str, expires_in: i64, seq: u32) -> String {
    store_session(project, expires_in, 0);
    let key = format!("baas:{project}:session");
    let text = local_storage().get_item(&key).unwrap().unwrap();
    let json = JSON::parse(&text).unwrap();
    Reflect::set(&json, &"seq".into(), &seq.into()).unwrap();
    Reflect::set(&json, &"event".into(), &"SIGNED_IN".into()).unwrap();
    JSON::stringify(&json).unwrap().as_string().unwrap()
}

/// Dispatches the `storage` event another tab's write of `value` to `project`'s session causes.
fn dispatch_storage(project: &str, value: Option<&str>) {
    let init = web_sys::StorageEventInit::new();
    init.set_key(Some(&format!("baas:{project}:session")));
    init.set_new_value(value);
    let event = web_sys::StorageEvent::new_with_event_init_dict("storage", &init).unwrap();
    call(&js_sys::global(), "dispatchEvent", &[event.into()]);
}

#[wasm_bindgen_test]
async fn changes_from_other_tabs_are_adopted_only_when_newer() {
    let newer = stored_text("tabs", 3_600, 5);
    local_storage().remove_item("baas:tabs:session").unwrap();
    let auth = auth("tabs");
    let (_, events) = record_events(&auth);
    next_tick().await;
    dispatch_storage("tabs", Some(&newer));
    assert!(!call(&auth, "getSession", &[]).is_null());
    dispatch_storage("tabs", Some(&stored_text("tabs", 3_600, 4)));
    dispatch_storage("other-project", None);
    dispatch_storage("tabs", Some("{corrupted"));
    dispatch_storage("tabs", None);
    assert!(call(&auth, "getSession", &[]).is_null());
    assert_eq!(
        event_log(&events),
        [
            "INITIAL_SESSION null".to_string(),
            format!("SIGNED_IN {ADDRESS}"),
            "SIGNED_OUT null".to_string(),
        ],
        "the older write, another project's and corrupted data change nothing"
    );
}

#[wasm_bindgen_test]
fn storage_that_throws_is_survived() {
    store_session("throwing", 3_600, 0);
    let prototype = field(&field(&js_sys::global(), "Storage"), "prototype");
    let original = field(&prototype, "getItem");
    let thrower = wasm_bindgen::closure::Closure::<dyn FnMut() -> Result<(), JsValue>>::new(|| {
        Err(js_sys::Error::new("SecurityError: storage is disabled").into())
    })
    .into_js_value();
    Reflect::set(&prototype, &"getItem".into(), &thrower).unwrap();
    let client = create_baas_client(options("throwing"));
    Reflect::set(&prototype, &"getItem".into(), &original).unwrap();
    let auth = field(&client.unwrap(), "auth");
    assert!(
        call(&auth, "getSession", &[]).is_null(),
        "unreadable storage is no session"
    );
}
