//! The Rust half of `scripts/bench` (bench/run.mjs calls it and reads the JSON line it prints).
//!
//! ```text
//! baas-bench load --addr 127.0.0.1:PORT --origin http://localhost:PORT [--users 16]
//!                 [--warmup 1] [--seconds 8] [--server-pid PID]
//! baas-bench ceiling [--threads 2] [--seconds 2]
//! baas-bench seed --db FILE --accounts N [--project demo]
//! ```
//!
//! - `load`: sign-in throughput and latency of a server speaking baas's passkey endpoints
//!   (baas-server, or the Node reference server). Each of `--users` concurrent users has its
//!   own software authenticator (`baas-testkit`'s `Device`: 1Password's passkey-authenticator
//!   and passkey-client) and its own keep-alive HTTP/1.1 connection, as a browser would. Each
//!   user signs up once, then signs in again and again (`login/options`, the ceremony, `login`)
//!   for `--warmup` + `--seconds`; sign-ins completed in the last `--seconds` count. Prints
//!   sign-ins/s, p50/p99 of the whole sign-in and of the `login` request alone, errors, and the
//!   CPU time the load generator and (with `--server-pid`) the server spent per sign-in.
//! - `ceiling`: what the machine can do at best, on `--threads` threads (per CPU second of each
//!   thread, added up, so that other processes on the machine do not lower it): raw ES256 verifications
//!   with RustCrypto `p256` (what baas-core uses) and with `ring`; the core's whole sign-in
//!   verification step (`baas_core::authentication::verify` on a real assertion, with the COSE
//!   key parsed as the server does) on RustCrypto and, as baas-server runs it, on `ring`
//!   (`verify_with` and the server's `Ring`), and ES256 access-token signing (`jsonwebtoken` with
//!   baas-server's crypto provider, as the server signs), and raw ES256 signing with `p256` and
//!   `ring` for comparison.
//! - `seed`: adds filler accounts (each with one credential) to a migrated baas-server SQLite
//!   file in one transaction, to measure the server's memory with many stored accounts.

#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use baas_core::authentication::{
    self, AuthenticationResponseJson, RequestOptionsJson, StoredCredential,
};
use baas_core::{CoseKey, RelyingParty, registration};
use baas_server::ring_verifier::Ring;
use baas_testkit::Device;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpStream;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let num = |name: &str, default: f64| flag(name).map_or(default, |v| v.parse().unwrap());
    match args.first().map(String::as_str) {
        Some("load") => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            let result = runtime.block_on(load(LoadArgs {
                addr: flag("--addr").expect("--addr").parse().unwrap(),
                origin: flag("--origin").expect("--origin"),
                key: flag("--key").unwrap_or_else(|| "sb_publishable_demo".into()),
                users: num("--users", 16.0) as usize,
                warmup: Duration::from_secs_f64(num("--warmup", 1.0)),
                seconds: Duration::from_secs_f64(num("--seconds", 8.0)),
                server_pid: flag("--server-pid"),
            }));
            println!("{result}");
        }
        Some("ceiling") => {
            let threads = num("--threads", 2.0) as usize;
            println!(
                "{}",
                ceiling(threads, Duration::from_secs_f64(num("--seconds", 2.0)))
            );
        }
        Some("seed") => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let result = runtime.block_on(seed(
                &flag("--db").expect("--db"),
                num("--accounts", 1000.0) as usize,
                &flag("--project").unwrap_or_else(|| "demo".into()),
            ));
            println!("{result}");
        }
        _ => {
            eprintln!("usage: baas-bench load|ceiling|seed … (see bench/loadgen/src/main.rs)");
            std::process::exit(2);
        }
    }
}

// --- A keep-alive HTTP/1.1 client -----------------------------------------------------------

/// One keep-alive connection, reopened when the server closes it.
struct Connection {
    addr: SocketAddr,
    stream: Option<BufReader<TcpStream>>,
}

impl Connection {
    fn new(addr: SocketAddr) -> Self {
        Self { addr, stream: None }
    }

    /// POSTs `body` as JSON to `path`; returns the status and the parsed body.
    async fn post(
        &mut self,
        path: &str,
        key: &str,
        origin: &str,
        body: &Value,
    ) -> Result<(u16, Value), String> {
        let body = body.to_string();
        let head = format!(
            "POST {path} HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\n\
             x-baas-publishable-key: {key}\r\norigin: {origin}\r\ncontent-length: {}\r\n\r\n",
            self.addr,
            body.len()
        );
        for attempt in 0..2 {
            if self.stream.is_none() {
                let stream = TcpStream::connect(self.addr)
                    .await
                    .map_err(|e| e.to_string())?;
                stream.set_nodelay(true).ok();
                self.stream = Some(BufReader::new(stream));
            }
            match self.exchange(head.as_bytes(), body.as_bytes()).await {
                Ok(answer) => return Ok(answer),
                // A kept-alive connection the server had closed: reconnect once.
                Err(_) if attempt == 0 => self.stream = None,
                Err(e) => return Err(e.to_string()),
            }
        }
        unreachable!()
    }

    async fn exchange(&mut self, head: &[u8], body: &[u8]) -> std::io::Result<(u16, Value)> {
        let stream = self.stream.as_mut().unwrap();
        stream.get_mut().write_all(&[head, body].concat()).await?;
        let mut line = String::new();
        let mut status = 0;
        let mut length = 0;
        let mut close = false;
        loop {
            line.clear();
            if stream.read_line(&mut line).await? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            let text = line.trim_end();
            if text.is_empty() {
                break;
            }
            if let Some(rest) = text.strip_prefix("HTTP/1.1 ") {
                status = rest[..3].parse().unwrap_or(0);
            } else if let Some((name, value)) = text.split_once(':') {
                match name.trim().to_ascii_lowercase().as_str() {
                    "content-length" => length = value.trim().parse().unwrap_or(0),
                    "connection" => close = value.trim().eq_ignore_ascii_case("close"),
                    "transfer-encoding" => return Err(std::io::Error::other("chunked answer")),
                    _ => {}
                }
            }
        }
        let mut bytes = vec![0; length];
        stream.read_exact(&mut bytes).await?;
        if close {
            self.stream = None;
        }
        Ok((
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        ))
    }
}

// --- load -----------------------------------------------------------------------------------

struct LoadArgs {
    addr: SocketAddr,
    origin: String,
    key: String,
    users: usize,
    warmup: Duration,
    seconds: Duration,
    server_pid: Option<String>,
}

/// CPU seconds (user + system) a process has used, from /proc.
fn cpu_seconds(pid: &str) -> f64 {
    stat_cpu_seconds(&format!("/proc/{pid}/stat"))
}

/// CPU seconds (user + system) in a `stat` file of /proc (a process's or a thread's).
fn stat_cpu_seconds(path: &str) -> f64 {
    let stat = std::fs::read_to_string(path).unwrap_or_default();
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of stat(5); here indices 11 and 12.
    (ticks(11) + ticks(12)) / 100.0
}

/// CPU seconds all processes of the machine have used (busy time of /proc/stat's `cpu` line).
fn machine_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let fields: Vec<f64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal …: busy = all but idle and iowait.
    let busy: f64 = fields
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 3 && *i != 4)
        .map(|(_, v)| v)
        .sum();
    busy / 100.0
}

struct Sample {
    done: Instant,
    total: Duration,
    login: Duration,
}

struct User {
    conn: Connection,
    device: Device,
    key: String,
    origin: String,
}

impl User {
    async fn post(&mut self, path: &str, body: &Value) -> Result<Value, String> {
        let (status, answer) = self.conn.post(path, &self.key, &self.origin, body).await?;
        if status == 200 {
            Ok(answer)
        } else {
            Err(format!("{path}: {status} {answer}"))
        }
    }

    async fn sign_up(&mut self) -> Result<(), String> {
        let options = self
            .post("/v1/auth/passkey/register/options", &json!({}))
            .await?;
        let credential = self
            .device
            .try_create(&options["publicKey"])
            .await
            .map_err(|e| e.to_string())?;
        let body = json!({ "challengeId": options["challengeId"], "credential": credential });
        self.post("/v1/auth/passkey/register", &body)
            .await
            .map(drop)
    }

    /// One sign-in; returns the time of the whole sign-in and of the `login` request.
    async fn sign_in(&mut self) -> Result<(Duration, Duration), String> {
        let started = Instant::now();
        let options = self
            .post("/v1/auth/passkey/login/options", &json!({}))
            .await?;
        let credential = self
            .device
            .try_get(&options["publicKey"])
            .await
            .map_err(|e| e.to_string())?;
        let body = json!({ "challengeId": options["challengeId"], "credential": credential });
        let login = Instant::now();
        let session = self.post("/v1/auth/passkey/login", &body).await?;
        if session["accessToken"].as_str().is_none() {
            return Err(format!("login answered no session: {session}"));
        }
        Ok((started.elapsed(), login.elapsed()))
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

async fn load(args: LoadArgs) -> Value {
    // Sign up every user first (not measured).
    let mut users = Vec::new();
    for _ in 0..args.users {
        let mut user = User {
            conn: Connection::new(args.addr),
            device: Device::at(&args.origin, true),
            key: args.key.clone(),
            origin: args.origin.clone(),
        };
        if let Err(e) = user.sign_up().await {
            return json!({ "error": format!("sign-up: {e}") });
        }
        users.push(user);
    }
    let started = Instant::now();
    let window_start = started + args.warmup;
    let end = window_start + args.seconds;
    let tasks: Vec<_> = users
        .into_iter()
        .map(|mut user| {
            tokio::spawn(async move {
                let mut samples = Vec::new();
                let mut errors = Vec::new();
                while Instant::now() < end {
                    match user.sign_in().await {
                        Ok((total, login)) => samples.push(Sample {
                            done: Instant::now(),
                            total,
                            login,
                        }),
                        Err(e) => errors.push(e),
                    }
                }
                (samples, errors)
            })
        })
        .collect();
    // CPU counters at the window's edges.
    let own = std::process::id().to_string();
    tokio::time::sleep_until(window_start.into()).await;
    let (client0, server0) = (
        cpu_seconds(&own),
        args.server_pid.as_deref().map(cpu_seconds),
    );
    let machine0 = machine_cpu_seconds();
    tokio::time::sleep_until(end.into()).await;
    let (client1, server1) = (
        cpu_seconds(&own),
        args.server_pid.as_deref().map(cpu_seconds),
    );
    let machine1 = machine_cpu_seconds();
    let mut totals = Vec::new();
    let mut logins = Vec::new();
    let mut errors = Vec::new();
    for task in tasks {
        let (samples, errs) = task.await.unwrap();
        for s in samples
            .into_iter()
            .filter(|s| s.done >= window_start && s.done < end)
        {
            totals.push(s.total);
            logins.push(s.login);
        }
        errors.extend(errs);
    }
    totals.sort();
    logins.sort();
    let n = totals.len();
    let seconds = args.seconds.as_secs_f64();
    let per = |cpu: f64| if n == 0 { 0.0 } else { cpu / n as f64 * 1e6 };
    json!({
        "users": args.users,
        "seconds": seconds,
        "signIns": n,
        "perSecond": n as f64 / seconds,
        "p50Ms": percentile(&totals, 50.0),
        "p99Ms": percentile(&totals, 99.0),
        "loginP50Ms": percentile(&logins, 50.0),
        "loginP99Ms": percentile(&logins, 99.0),
        "errors": errors.len(),
        "firstError": errors.first(),
        "clientCpuUsPerSignIn": per(client1 - client0),
        "serverCpuUsPerSignIn": server1.zip(server0).map(|(b, a)| per(b - a)),
        "serverCpuCores": server1.zip(server0).map(|(b, a)| (b - a) / seconds),
        "clientCpuCores": (client1 - client0) / seconds,
        // Cores busy with anything else (other builds or tests on this machine): noise.
        "otherCpuCores": ((machine1 - machine0) - (client1 - client0)
            - server1.zip(server0).map_or(0.0, |(b, a)| b - a)) / seconds,
    })
}

// --- ceiling --------------------------------------------------------------------------------

/// Runs `work` on `threads` threads for `duration`; returns the operations per CPU second of
/// each thread, added up: the rate of `threads` cores that are not shared with anything else
/// (other processes on the machine take wall time, not the measuring threads' CPU time).
fn rate<F: Fn() + Sync>(threads: usize, duration: Duration, work: F) -> f64 {
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let cpu = || stat_cpu_seconds("/proc/thread-self/stat");
                    let start = cpu();
                    let end = Instant::now() + duration;
                    let mut n = 0u64;
                    while Instant::now() < end {
                        for _ in 0..16 {
                            work();
                        }
                        n += 16;
                    }
                    n as f64 / (cpu() - start).max(0.01)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

fn ceiling(threads: usize, duration: Duration) -> Value {
    use p256::ecdsa::signature::{Signer as _, Verifier as _};

    // One WebAuthn-sized message: 37 bytes of authenticator data ‖ SHA-256 of the client data.
    let signing = p256::ecdsa::SigningKey::from_slice(&[0x42; 32]).unwrap();
    let message = [[0x49u8; 37].as_slice(), &[0x07; 32]].concat();
    let signature: p256::ecdsa::Signature = signing.sign(&message);
    let verifying = *signing.verifying_key();
    let sec1 = verifying.to_sec1_point(false);
    let raw = signature.to_bytes();
    let ring_key = ring::signature::UnparsedPublicKey::new(
        &ring::signature::ECDSA_P256_SHA256_FIXED,
        sec1.as_bytes().to_vec(),
    );
    assert!(verifying.verify(&message, &signature).is_ok());
    assert!(ring_key.verify(&message, &raw).is_ok());

    // A real assertion from the software authenticator, verified by the core as the server
    // does it (COSE key parsed from its stored bytes, then every §7.2 step).
    let (rp, challenge, response, cose, user_handle, backup_eligible) = core_fixture();
    // With `ring`, the same step as baas-server runs it (the core's checks, ring's arithmetic).
    let check = |ring: bool| {
        let key = CoseKey::from_cbor(&cose).unwrap();
        let stored = StoredCredential {
            public_key: &key,
            user_handle: &user_handle,
            sign_count: 0,
            backup_eligible,
        };
        if ring {
            authentication::verify_with(&rp, &challenge, &response, &stored, &Ring).unwrap();
        } else {
            authentication::verify(&rp, &challenge, &response, &stored).unwrap();
        }
    };
    check(false);
    check(true);

    // The access token as the server signs it: jsonwebtoken with the server's provider
    // (ES256 signing on ring).
    baas_server::jwt_crypto::install();
    let pkcs8 = p256::pkcs8::EncodePrivateKey::to_pkcs8_der(&signing).unwrap();
    let encoding = jsonwebtoken::EncodingKey::from_ec_der(pkcs8.as_bytes());
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
    header.kid = Some("bench-kid-0123456789".into());
    let claims = json!({
        "sub": "0x52908400098527886E0F7030069857D2E4169EE7", "aud": "demo",
        "iat": 1_800_000_000, "exp": 1_800_003_600,
        "sid": "AAAAAAAAAAAAAAAAAAAAAA", "jti": "BBBBBBBBBBBBBBBBBBBBBB",
    });

    let rng = ring::rand::SystemRandom::new();
    let ring_pkcs8 = ring::signature::EcdsaKeyPair::generate_pkcs8(
        &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        &rng,
    )
    .unwrap();
    let ring_signing = ring::signature::EcdsaKeyPair::from_pkcs8(
        &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        ring_pkcs8.as_ref(),
        &rng,
    )
    .unwrap();

    json!({
        "threads": threads,
        "p256SignPerSecond": rate(threads, duration, || {
            let _: p256::ecdsa::Signature = signing.sign(&message);
        }),
        "ringSignPerSecond": rate(threads, duration, || {
            ring_signing.sign(&rng, &message).unwrap();
        }),
        "p256VerifyPerSecond": rate(threads, duration, || {
            verifying.verify(&message, &signature).unwrap();
        }),
        "ringVerifyPerSecond": rate(threads, duration, || {
            ring_key.verify(&message, &raw).unwrap();
        }),
        "coreVerifyStepPerSecond": rate(threads, duration, || check(false)),
        "serverVerifyStepPerSecond": rate(threads, duration, || check(true)),
        "jwtSignPerSecond": rate(threads, duration, || {
            jsonwebtoken::encode(&header, &claims, &encoding).unwrap();
        }),
    })
}

/// A relying party, a challenge, a real assertion over it, the credential's COSE key bytes and
/// user handle: registration and sign-in by `baas-testkit`'s software authenticator.
fn core_fixture() -> (
    RelyingParty,
    Vec<u8>,
    AuthenticationResponseJson,
    Vec<u8>,
    Vec<u8>,
    bool,
) {
    let origin = "http://localhost:8787";
    let rp = RelyingParty {
        id: "localhost".into(),
        name: "bench".into(),
        origins: vec![origin.into()],
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut device = Device::at(origin, false);
        let user_handle = vec![7u8; 32];
        let creation =
            registration::CreationOptionsJson::new(&rp, &[1; 32], &user_handle, "bench", 60_000);
        let created = device
            .create(&serde_json::to_value(&creation).unwrap())
            .await;
        let created: registration::RegistrationResponseJson =
            serde_json::from_value(created).unwrap();
        let registered = registration::verify(&rp, &[1; 32], &created).unwrap();
        let challenge = vec![9u8; 32];
        let request = RequestOptionsJson::new(&rp, &challenge, 60_000);
        let assertion = device.get(&serde_json::to_value(&request).unwrap()).await;
        let response: AuthenticationResponseJson = serde_json::from_value(assertion).unwrap();
        (
            rp,
            challenge,
            response,
            registered.public_key_cbor,
            user_handle,
            registered.backup_eligible,
        )
    })
}

// --- seed -----------------------------------------------------------------------------------

async fn seed(db: &str, accounts: usize, project: &str) -> Value {
    use sqlx::Connection as _;
    let started = Instant::now();
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{db}"))
        .await
        .unwrap();
    sqlx::query("PRAGMA synchronous = OFF")
        .execute(&mut conn)
        .await
        .unwrap();
    let mut tx = conn.begin().await.unwrap();
    // Random addresses, user handles, credential IDs and EC2-shaped COSE keys (77 bytes: the
    // header of an ES256 key and random coordinates; never verified), made by SQLite itself.
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
         INSERT INTO accounts (project_id, address, user_handle, method, created_at)
         SELECT $1, '0x' || lower(hex(randomblob(20))), randomblob(32), 'passkey', 1800000000 FROM n",
    )
    .bind(project)
    .bind(accounts as i64)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO credentials (project_id, credential_id, address, public_key, sign_count,
             backup_eligible, backed_up, transports, created_at)
         SELECT a.project_id, randomblob(16), a.address,
             CAST(X'a5010203262001215820' || randomblob(32) || X'225820' || randomblob(32) AS BLOB),
             0, 1, 1, '[\"internal\"]', 1800000000
         FROM accounts a WHERE a.project_id = $1 AND NOT EXISTS
             (SELECT 1 FROM credentials c WHERE c.project_id = a.project_id AND c.address = a.address)",
    )
    .bind(project)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    json!({ "accounts": accounts, "seconds": started.elapsed().as_secs_f64() })
}
