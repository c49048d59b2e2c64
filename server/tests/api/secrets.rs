//! Secrets stay out of the logs and the database: the real binary at `RUST_LOG=trace` runs every
//! flow (sign-up, sign-in, refresh, reuse, sign-out, forged and foreign tokens) while its
//! output is captured, then no access token, refresh token, refresh-token hash or signing key
//! may appear in it, in any common encoding; and the database holds refresh tokens only as
//! SHA-256.

use std::io::{BufRead as _, BufReader, Read as _};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use baas_core::base64url;
use baas_testkit::http::{Request, Response};
use p256::pkcs8::DecodePrivateKey as _;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::Row as _;

use crate::support::sqlite_url;

const BINARY: &str = env!("CARGO_BIN_EXE_baas-server");
const ORIGIN: &str = "http://localhost:8787";
const KEY: &str = "sb_publishable_demo";

struct Server {
    child: Child,
    address: SocketAddr,
    log: std::thread::JoinHandle<String>,
}

impl Server {
    /// The demo project on an SQLite file in `dir`, logging everything.
    fn start(dir: &std::path::Path) -> Self {
        let mut child = Command::new(BINARY)
            .env_clear()
            .env("BAAS_LISTEN", "127.0.0.1:0")
            .env("DATABASE_URL", sqlite_url(dir))
            .env("RUST_LOG", "trace")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = child.stderr.take().unwrap();
        let errors = std::thread::spawn(move || {
            let mut text = String::new();
            stderr.read_to_string(&mut text).unwrap();
            text
        });
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut head = String::new();
        let address = loop {
            let mut line = String::new();
            assert!(
                stdout.read_line(&mut line).unwrap() > 0,
                "no URL in:\n{head}"
            );
            head.push_str(&line);
            if let Some((_, rest)) = line.split_once("listening on http://") {
                break rest.split_whitespace().next().unwrap().parse().unwrap();
            }
        };
        let log = std::thread::spawn(move || {
            let mut rest = String::new();
            stdout.read_to_string(&mut rest).unwrap();
            head + &rest + &errors.join().unwrap()
        });
        Self {
            child,
            address,
            log,
        }
    }

    async fn call(&self, request: Request<'_>) -> Response {
        let request = request
            .header("x-baas-publishable-key", KEY)
            .header("origin", ORIGIN);
        request
            .send(self.address, Duration::from_secs(30))
            .await
            .unwrap()
    }

    async fn post(&self, path: &str, body: Value) -> Response {
        self.call(Request::new("POST", path).json(&body)).await
    }

    /// Stops the server and returns everything it printed.
    fn stop(mut self) -> String {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        self.log.join().unwrap()
    }
}

fn ok(response: Response) -> Value {
    assert_eq!(
        response.status,
        200,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    response.json()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `bytes` as a log line could show them: hex, base64url, standard base64, a `Debug` list.
fn encodings(bytes: &[u8]) -> Vec<String> {
    let url = base64url::encode(bytes);
    let standard = url.replace('-', "+").replace('_', "/");
    let list = format!("{:?}", &bytes[..bytes.len().min(12)]);
    vec![
        hex(bytes),
        hex(bytes).to_uppercase(),
        url,
        standard,
        list.trim_end_matches(']').to_owned(),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_carry_no_token_and_no_key() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let mut device = baas_testkit::Device::at(ORIGIN, true);
    let mut sessions = Vec::new();

    let options = ok(server
        .post(
            "/v1/auth/passkey/register/options",
            json!({ "displayName": "Ada" }),
        )
        .await);
    let credential = device.create(&options["publicKey"]).await;
    sessions.push(ok(server
        .post(
            "/v1/auth/passkey/register",
            json!({ "challengeId": options["challengeId"], "credential": credential }),
        )
        .await));
    let options = ok(server
        .post("/v1/auth/passkey/login/options", json!({}))
        .await);
    let credential = device.get(&options["publicKey"]).await;
    sessions.push(ok(server
        .post(
            "/v1/auth/passkey/login",
            json!({ "challengeId": options["challengeId"], "credential": credential }),
        )
        .await));
    let refresh = |session: &Value| json!({ "refreshToken": session["refreshToken"] });
    sessions.push(ok(server
        .post("/v1/auth/refresh", refresh(&sessions[1]))
        .await));
    // Reuse of the rotated token revokes that session: the warning it logs names no token.
    let reused = server.post("/v1/auth/refresh", refresh(&sessions[1])).await;
    assert_eq!(reused.status, 401);
    let bearer = |session: &Value| format!("Bearer {}", session["accessToken"].as_str().unwrap());
    let user = server
        .call(Request::new("GET", "/v1/auth/user").header("authorization", bearer(&sessions[0])))
        .await;
    ok(user);
    let forged = format!("{}x", sessions[0]["accessToken"].as_str().unwrap());
    let refused = server
        .call(
            Request::new("GET", "/v1/auth/user")
                .header("authorization", format!("Bearer {forged}")),
        )
        .await;
    assert_eq!(refused.status, 401);
    let logout = server
        .call(
            Request::new("POST", "/v1/auth/logout")
                .header("authorization", bearer(&sessions[0]))
                .json(&refresh(&sessions[0])),
        )
        .await;
    assert_eq!(logout.status, 204);

    // What the database holds: refresh tokens only hashed; the signing keys, to look for.
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&sqlite_url(dir.path()))
        .await
        .unwrap();
    let stored_hashes: Vec<Vec<u8>> = sqlx::query("SELECT token_hash FROM refresh_tokens")
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get("token_hash").unwrap())
        .collect();
    let private_keys: Vec<Vec<u8>> = sqlx::query("SELECT private_key FROM signing_keys")
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get("private_key").unwrap())
        .collect();
    pool.close().await;
    let log = server.stop();

    let mut secrets: Vec<(String, String)> = Vec::new();
    for (i, session) in sessions.iter().enumerate() {
        let access = session["accessToken"].as_str().unwrap();
        let refresh = session["refreshToken"].as_str().unwrap();
        let hash = Sha256::digest(refresh.as_bytes());
        assert!(
            stored_hashes.contains(&hash.to_vec()),
            "session {i}: its hash is stored"
        );
        let mut parts = access.split('.').skip(1);
        secrets.push((format!("session {i} access token"), access.to_owned()));
        for part in [parts.next().unwrap(), parts.next().unwrap()] {
            secrets.push((format!("session {i} access token part"), part.to_owned()));
        }
        secrets.push((format!("session {i} refresh token"), refresh.to_owned()));
        for encoding in encodings(&hash) {
            secrets.push((format!("session {i} refresh token hash"), encoding));
        }
    }
    for stored in &stored_hashes {
        let as_text = String::from_utf8_lossy(stored);
        assert!(
            sessions
                .iter()
                .all(|s| s["refreshToken"] != as_text.as_ref()),
            "a refresh token is stored in clear"
        );
    }
    assert!(!private_keys.is_empty());
    for key in &private_keys {
        // The PKCS#8 document, and the private scalar inside it.
        for encoding in encodings(key) {
            secrets.push(("signing key (PKCS#8)".into(), encoding));
        }
        let scalar = p256::SecretKey::from_pkcs8_der(key).unwrap().to_bytes();
        for encoding in encodings(&scalar) {
            secrets.push(("signing key (scalar)".into(), encoding));
        }
    }

    assert!(
        log.contains("/v1/auth/refresh") && log.lines().count() > 20,
        "the log was captured:\n{log}"
    );
    for (what, secret) in &secrets {
        assert!(
            !log.contains(secret.as_str()),
            "the log shows the {what} ({secret}):\n{log}"
        );
    }
}
