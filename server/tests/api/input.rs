//! Bad input, project keys, CORS, rate limiting and the public endpoints: every refusal is a
//! 4xx with a stable code, never a 500.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::{Call, KEY, ORIGIN, OTHER_ORIGIN, TestServer, config};

const ENDPOINTS: [&str; 6] = [
    "/v1/auth/passkey/register/options",
    "/v1/auth/passkey/register",
    "/v1/auth/passkey/login/options",
    "/v1/auth/passkey/login",
    "/v1/auth/refresh",
    "/v1/auth/logout",
];

#[tokio::test]
async fn every_auth_endpoint_needs_a_known_publishable_key() {
    let server = TestServer::start().await;
    for path in ENDPOINTS.into_iter().chain(["/v1/auth/user"]) {
        let method = if path.ends_with("/user") {
            Method::GET
        } else {
            Method::POST
        };
        Call::new(&server, method.clone(), path)
            .json(json!({}))
            .send()
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "PUBLISHABLE_KEY_MISSING");
        Call::new(&server, method, path)
            .key("sb_publishable_nope")
            .json(json!({}))
            .send()
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "PUBLISHABLE_KEY_INVALID");
    }
}

#[tokio::test]
async fn a_project_answers_only_its_own_origins() {
    let server = TestServer::start().await;
    server
        .post_as(KEY, OTHER_ORIGIN, "/v1/auth/passkey/login/options")
        .send()
        .await
        .assert_error(StatusCode::FORBIDDEN, "REQUEST_ORIGIN_NOT_ALLOWED");
    // Servers and scripts send no Origin at all.
    Call::new(&server, Method::POST, "/v1/auth/passkey/login/options")
        .key(KEY)
        .send()
        .await
        .ok();
}

#[tokio::test]
async fn cors_allows_the_configured_origins_only() {
    let server = TestServer::start().await;
    let preflight = |origin: &str| {
        Call::new(&server, Method::OPTIONS, "/v1/auth/passkey/login")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,x-baas-publishable-key",
            )
            .send()
    };
    // Preflights carry no key: every project's origins are allowed there.
    for origin in [ORIGIN, OTHER_ORIGIN] {
        let reply = preflight(origin).await;
        assert_eq!(reply.headers["access-control-allow-origin"], origin);
        let headers = reply.headers["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .to_ascii_lowercase();
        assert!(headers.contains("x-baas-publishable-key"), "{headers}");
    }
    assert!(
        !preflight("https://evil.example")
            .await
            .headers
            .contains_key("access-control-allow-origin")
    );
    // Error answers carry CORS headers too, so the SDK can read the code.
    let reply = server
        .post("/v1/auth/refresh")
        .json(json!({ "refreshToken": "x" }))
        .send()
        .await;
    assert_eq!(reply.headers["access-control-allow-origin"], ORIGIN);
}

#[tokio::test]
async fn malformed_bodies_are_400() {
    let server = TestServer::start().await;
    for path in ENDPOINTS {
        for body in [
            "{",
            "[]",
            "null",
            "{\"challengeId\": 1}",
            "{\"refreshToken\": {}}",
            "\"\u{0}\"",
        ] {
            let reply = server.post(path).raw(body).send().await;
            if reply.status == StatusCode::UNAUTHORIZED {
                continue; // logout without any token
            }
            reply.assert_error(StatusCode::BAD_REQUEST, "INVALID_JSON");
        }
    }
    let reply = server.submit_registration("x", json!({})).await;
    reply.assert_error(StatusCode::BAD_REQUEST, "INVALID_JSON");
    let message = reply.body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("credential"),
        "the message says what is wrong: {message}"
    );
    server
        .post("/v1/auth/passkey/register/options")
        .json(json!({ "displayName": "x", "extra": 1 }))
        .send()
        .await
        .assert_error(StatusCode::BAD_REQUEST, "INVALID_JSON");
    server
        .post("/v1/auth/passkey/register/options")
        .json(json!({ "displayName": "a\u{0}b" }))
        .send()
        .await
        .assert_error(StatusCode::BAD_REQUEST, "INVALID_DISPLAY_NAME");
}

#[tokio::test]
async fn bodies_must_be_json() {
    let server = TestServer::start().await;
    server
        .post("/v1/auth/refresh")
        .header("content-type", "text/plain")
        .send()
        .await
        .assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE");
    server
        .post("/v1/auth/passkey/login")
        .send()
        .await
        .assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE");
}

#[tokio::test]
async fn oversize_bodies_are_413() {
    let server = TestServer::start().await;
    let huge = json!({ "challengeId": "x".repeat(70 * 1024) });
    for path in ENDPOINTS {
        server
            .post(path)
            .json(huge.clone())
            .send()
            .await
            .assert_error(StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE");
    }
}

#[tokio::test]
async fn unknown_challenge_ids_are_refused() {
    let server = TestServer::start().await;
    let credential = crate::support::Device::new()
        .create(&server.register_options().await.1)
        .await;
    for id in ["", "nope", &"x".repeat(10_000)] {
        server
            .submit_registration(id, &credential)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "CHALLENGE_NOT_FOUND");
    }
}

#[tokio::test]
async fn unknown_routes_and_methods() {
    let server = TestServer::start().await;
    server
        .get("/v1/nothing")
        .send()
        .await
        .assert_error(StatusCode::NOT_FOUND, "NOT_FOUND");
    server
        .get("/v1/auth/refresh")
        .send()
        .await
        .assert_error(StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED");
}

#[tokio::test]
async fn health_and_jwks_are_public() {
    let server = TestServer::start().await;
    let health = Call::new(&server, Method::GET, "/v1/health")
        .send()
        .await
        .ok();
    assert_eq!(health["status"], "ok");
    let jwks = Call::new(&server, Method::GET, "/.well-known/jwks.json")
        .send()
        .await;
    assert_eq!(jwks.headers["cache-control"], "public, max-age=300");
    let keys = jwks.ok()["keys"].clone();
    assert_eq!(keys[0]["kty"], "EC");
    assert_eq!(keys[0]["crv"], "P-256");
    assert_eq!(keys[0]["alg"], "ES256");
    assert_eq!(keys[0]["use"], "sig");
    assert!(keys[0].get("d").is_none(), "no private part");
}

#[tokio::test]
async fn the_rate_limit_applies_per_client_ip_to_unauthenticated_endpoints() {
    let mut config = config();
    config.rate_limit = 3;
    let server = TestServer::start_with(config).await;
    let from = |ip: [u8; 4]| {
        let mut request = server.post("/v1/auth/passkey/login/options").request();
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from((ip, 40_000))));
        server.send(request)
    };
    for _ in 0..3 {
        from([192, 0, 2, 1]).await.ok();
    }
    let limited = from([192, 0, 2, 1]).await;
    limited.assert_error(StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED");
    let retry_after: i64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after));
    from([192, 0, 2, 2]).await.ok();
    server.clock.advance(60);
    from([192, 0, 2, 1]).await.ok();
}

#[tokio::test]
async fn the_static_directory_is_served_next_to_the_api() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<h1>demo</h1>").unwrap();
    let mut config = config();
    config.static_dir = Some(dir.path().to_owned());
    let server = TestServer::start_with(config).await;
    let page = Call::new(&server, Method::GET, "/").send().await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body, "<h1>demo</h1>");
    Call::new(&server, Method::GET, "/v1/health")
        .send()
        .await
        .ok();
}
