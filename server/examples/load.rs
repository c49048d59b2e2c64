//! Load with faults: simulated users drive real `baas-server` processes over HTTP on loopback
//! while one process is killed with SIGKILL and restarted; afterwards the database must show
//! that nothing a client was told happened was lost or duplicated.
//!
//! ```sh
//! cargo build -p baas-server                        # the server binary it starts
//! cargo run -p baas-server --example load -- --store sqlite --users 16 --duration 10
//! cargo run -p baas-server --example load -- --store postgres \
//!     --database-url postgres://baas:baas@127.0.0.1:5432/baas_test --servers 2
//! ```
//!
//! Each user has its own software authenticator (`baas-testkit`) and goes through sign-up →
//! refresh → sign-out, then sign-in → refresh → sign-out `--cycles` times, each request sent
//! round-robin to the next server (a load balancer). Once `--kill-after` of the planned requests
//! are answered (default 0.3), server 0 is killed with SIGKILL and started again on the same
//! port `--restart-after` milliseconds later; a run in which that did not happen fails. Work
//! stops by itself: after `--cycles`, or at `--duration` (no new cycle starts), or at twice
//! `--duration` (everything in flight is abandoned and counted as an error).
//!
//! A client retries what is safe to retry: a request whose connection was refused (nothing was
//! sent) goes to the next server, and sign-out is idempotent. A registration or sign-in that
//! lost its answer starts a new ceremony; a refresh that lost its answer may or may not have
//! rotated the token, so the client signs that session out with its access token instead of
//! presenting the old refresh token again (which would be reuse). Those are the retryable
//! errors; any other failure is unexpected and fails the run.
//!
//! The check reads the database: every completed sign-up has exactly one account with exactly
//! one credential, the one the client got; no account lacks its credential; every session a
//! client received exists once, with the client's latest refresh token current in it, and is
//! revoked if the client signed it out; no session has two current refresh tokens; accounts and
//! sessions the clients never heard of number no more than the answers that were lost. The run
//! prints throughput, latency percentiles and error counts, and exits non-zero when a check
//! fails.

#![allow(clippy::unwrap_used)]

use std::collections::{HashMap, HashSet};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use baas_core::base64url;
use baas_testkit::Device;
use baas_testkit::http::{HttpError, Request, Response};
use clap::{Parser, ValueEnum};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::Row as _;

const ORIGIN: &str = "http://localhost:8787";
/// Longest a single request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Pause before retrying a refused connection.
const BACKOFF: Duration = Duration::from_millis(25);

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Store {
    Sqlite,
    Postgres,
}

/// Load with a SIGKILL and restart of a server process, then a zero-loss check of the database.
#[derive(Debug, Parser)]
struct Args {
    /// The store the servers share.
    #[arg(long, value_enum, default_value = "sqlite")]
    store: Store,
    /// PostgreSQL URL (`--store postgres`); a fresh project ID keeps runs apart.
    #[arg(long, env = "BAAS_TEST_DATABASE_URL")]
    database_url: Option<String>,
    /// Server processes [default: 1 on SQLite, 2 on PostgreSQL].
    #[arg(long)]
    servers: Option<usize>,
    /// Concurrent users.
    #[arg(long, default_value_t = 16)]
    users: usize,
    /// Sign-in → refresh → sign-out cycles per user after the sign-up.
    #[arg(long, default_value_t = 3)]
    cycles: usize,
    /// Seconds after which no new cycle starts; everything stops at twice this.
    #[arg(long, default_value_t = 30.0)]
    duration: f64,
    /// Server 0 is killed (SIGKILL) once this fraction of the planned requests is answered;
    /// negative: never.
    #[arg(long, default_value_t = 0.3, allow_negative_numbers = true)]
    kill_after: f64,
    /// Milliseconds before the killed server is started again.
    #[arg(long, default_value_t = 300)]
    restart_after: u64,
    /// The `baas-server` binary [default: $BAAS_SERVER_BIN, else next to this example's
    /// directory].
    #[arg(long)]
    server_bin: Option<PathBuf>,
}

// --- Server processes -----------------------------------------------------------------------

struct ServerProcess {
    child: Option<Child>,
}

struct Cluster {
    bin: PathBuf,
    env: Vec<(&'static str, String)>,
    log: PathBuf,
    servers: Mutex<Vec<ServerProcess>>,
    addresses: Vec<SocketAddr>,
    next: AtomicUsize,
    /// Requests answered so far, by all users.
    answered: AtomicUsize,
    /// Whether a server was killed.
    killed: AtomicBool,
}

impl Cluster {
    fn start(bin: PathBuf, env: Vec<(&'static str, String)>, log: PathBuf, count: usize) -> Self {
        let addresses: Vec<SocketAddr> = (0..count)
            .map(|_| {
                let probe = TcpListener::bind("127.0.0.1:0").unwrap();
                probe.local_addr().unwrap()
            })
            .collect();
        let cluster = Self {
            bin,
            env,
            log,
            servers: Mutex::new(Vec::new()),
            addresses: addresses.clone(),
            next: AtomicUsize::new(0),
            answered: AtomicUsize::new(0),
            killed: AtomicBool::new(false),
        };
        let servers = addresses
            .iter()
            .map(|&address| ServerProcess {
                child: Some(cluster.spawn(address)),
            })
            .collect();
        *cluster.servers.lock().unwrap() = servers;
        cluster
    }

    fn spawn(&self, address: SocketAddr) -> Child {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap();
        Command::new(&self.bin)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env("BAAS_LISTEN", address.to_string())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", self.bin.display()))
    }

    async fn wait_healthy(&self, address: SocketAddr, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(response) = Request::new("GET", "/v1/health")
                .send(address, Duration::from_secs(2))
                .await
                && response.status == 200
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    }

    /// SIGKILLs server `index`, waits, starts it again on its port; returns the downtime.
    async fn kill_and_restart(&self, index: usize, pause: Duration) -> Duration {
        let address = self.addresses[index];
        let killed = Instant::now();
        self.killed.store(true, Ordering::SeqCst);
        {
            let mut servers = self.servers.lock().unwrap();
            let mut child = servers[index].child.take().unwrap();
            child.kill().unwrap(); // SIGKILL on Unix
            child.wait().unwrap();
        }
        tokio::time::sleep(pause).await;
        let child = self.spawn(address);
        self.servers.lock().unwrap()[index].child = Some(child);
        assert!(
            self.wait_healthy(address, Duration::from_secs(20)).await,
            "the restarted server is not healthy"
        );
        killed.elapsed()
    }

    fn stop(&self) {
        for server in self.servers.lock().unwrap().iter_mut() {
            if let Some(mut child) = server.child.take() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }

    /// Sends `request` to the next server; a refused connection goes on to the next one.
    async fn send(
        &self,
        request: &Request<'_>,
        stats: &mut Stats,
        until: Instant,
    ) -> Result<Response, Failure> {
        loop {
            let index = self.next.fetch_add(1, Ordering::Relaxed) % self.addresses.len();
            let started = Instant::now();
            match request.send(self.addresses[index], REQUEST_TIMEOUT).await {
                Ok(response) if response.status != 503 => {
                    stats.latencies.push(started.elapsed());
                    self.answered.fetch_add(1, Ordering::Relaxed);
                    return Ok(response);
                }
                // Refused (nothing sent) or unavailable: safe to send to the next server.
                Ok(_) | Err(HttpError::Connect(_)) => {
                    stats.refused += 1;
                    if Instant::now() > until {
                        return Err(Failure::GaveUp);
                    }
                    tokio::time::sleep(BACKOFF).await;
                }
                Err(HttpError::Lost(_)) => return Err(Failure::Lost),
                Err(HttpError::Malformed(e)) => return Err(Failure::Unexpected(e)),
            }
        }
    }
}

// --- Users ----------------------------------------------------------------------------------

enum Failure {
    /// Sent, but no answer came: the server may have acted.
    Lost,
    /// Out of time while every server refused connections.
    GaveUp,
    /// Anything a correct server under this load never answers.
    Unexpected(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Lost => f.write_str("answer lost"),
            Self::GaveUp => f.write_str("no server answered before the deadline"),
            Self::Unexpected(what) => f.write_str(what),
        }
    }
}

#[derive(Default)]
struct Stats {
    latencies: Vec<Duration>,
    requests_answered: usize,
    refused: usize,
    lost_register: usize,
    lost_login: usize,
    lost_refresh: usize,
    lost_other: usize,
    unexpected: Vec<String>,
    sign_ups: Vec<(String, Vec<u8>)>,
    sessions: Vec<SessionRecord>,
    cycles: usize,
}

struct SessionRecord {
    sid: String,
    address: String,
    access_token: String,
    refresh_token: String,
    /// A refresh whose answer was lost: the token may or may not have been rotated.
    refresh_uncertain: bool,
    signed_out: bool,
}

impl SessionRecord {
    fn of(session: &Value) -> Self {
        let access_token = session["accessToken"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let payload = access_token.split('.').nth(1).unwrap_or_default();
        let claims: Value = base64url::decode(payload)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        Self {
            sid: claims["sid"].as_str().unwrap_or_default().to_owned(),
            address: session["address"].as_str().unwrap_or_default().to_owned(),
            access_token,
            refresh_token: session["refreshToken"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            refresh_uncertain: false,
            signed_out: false,
        }
    }
}

/// An answer a correct server under this load never gives.
fn unexpected(what: &str, response: &Response) -> Failure {
    Failure::Unexpected(format!(
        "{what}: {} {}",
        response.status,
        String::from_utf8_lossy(&response.body)
    ))
}

struct User<'a> {
    cluster: &'a Cluster,
    key: &'a str,
    device: Device,
    stats: Stats,
    soft_deadline: Instant,
    hard_deadline: Instant,
}

impl User<'_> {
    fn request<'r>(&self, method: &'r str, path: &'r str) -> Request<'r> {
        Request::new(method, path)
            .header("x-baas-publishable-key", self.key.to_owned())
            .header("origin", ORIGIN)
    }

    async fn send(&mut self, request: &Request<'_>) -> Result<Response, Failure> {
        let result = self
            .cluster
            .send(request, &mut self.stats, self.hard_deadline)
            .await;
        if result.is_ok() {
            self.stats.requests_answered += 1;
        }
        result
    }

    /// Sends a request that is safe to repeat until it is answered.
    async fn send_idempotent(&mut self, request: &Request<'_>) -> Result<Response, Failure> {
        loop {
            match self.send(request).await {
                Err(Failure::Lost) if Instant::now() < self.hard_deadline => {
                    self.stats.lost_other += 1;
                }
                other => return other,
            }
        }
    }

    /// Options then the ceremony; `None` when the answer was lost (a new ceremony is due).
    async fn ceremony(&mut self, register: bool) -> Result<Option<Value>, Failure> {
        let (options_path, path) = if register {
            (
                "/v1/auth/passkey/register/options",
                "/v1/auth/passkey/register",
            )
        } else {
            ("/v1/auth/passkey/login/options", "/v1/auth/passkey/login")
        };
        let options = self
            .send_idempotent(&self.request("POST", options_path).json(&json!({})))
            .await?;
        if options.status != 200 {
            return Err(unexpected(options_path, &options));
        }
        let options = options.json();
        let passkeys = self.device.credentials();
        let credential = if register {
            self.device.try_create(&options["publicKey"]).await
        } else {
            self.device.try_get(&options["publicKey"]).await
        }
        .map_err(|e| Failure::Unexpected(format!("authenticator: {e}")))?;
        let body = json!({ "challengeId": options["challengeId"], "credential": credential });
        match self.send(&self.request("POST", path).json(&body)).await {
            Ok(response) if response.status == 200 => Ok(Some(response.json())),
            Ok(response) => Err(unexpected(path, &response)),
            Err(Failure::Lost) => {
                if register {
                    // The user never learns whether that account exists: forget its passkey.
                    self.device.restore(passkeys);
                    self.stats.lost_register += 1;
                } else {
                    self.stats.lost_login += 1;
                }
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    /// A ceremony, started again while its answers are lost.
    async fn session(&mut self, register: bool) -> Result<SessionRecord, Failure> {
        loop {
            if Instant::now() > self.hard_deadline {
                return Err(Failure::GaveUp);
            }
            if let Some(session) = self.ceremony(register).await? {
                if register {
                    let id = session["credential"]["id"].as_str().unwrap_or_default();
                    let id = base64url::decode(id).unwrap_or_default();
                    let address = session["address"].as_str().unwrap_or_default().to_owned();
                    self.stats.sign_ups.push((address, id));
                }
                return Ok(SessionRecord::of(&session));
            }
        }
    }

    /// Refresh then sign-out of `session`, recorded.
    async fn refresh_and_sign_out(&mut self, mut session: SessionRecord) -> Result<(), Failure> {
        let body = json!({ "refreshToken": session.refresh_token });
        match self
            .send(&self.request("POST", "/v1/auth/refresh").json(&body))
            .await
        {
            Ok(response) if response.status == 200 => {
                let next = SessionRecord::of(&response.json());
                if next.sid != session.sid {
                    return Err(Failure::Unexpected("a refresh changed the session".into()));
                }
                session.access_token = next.access_token;
                session.refresh_token = next.refresh_token;
            }
            Ok(response) => return Err(unexpected("/v1/auth/refresh", &response)),
            // Rotated or not, nobody knows: end the session by its access token instead.
            Err(Failure::Lost) => {
                self.stats.lost_refresh += 1;
                session.refresh_uncertain = true;
            }
            Err(other) => return Err(other),
        }
        let request = self
            .request("POST", "/v1/auth/logout")
            .header("authorization", format!("Bearer {}", session.access_token))
            .json(&json!({ "refreshToken": session.refresh_token }));
        let response = self.send_idempotent(&request).await;
        let result = match response {
            Ok(response) if response.status == 204 => {
                session.signed_out = true;
                Ok(())
            }
            Ok(response) => Err(unexpected("/v1/auth/logout", &response)),
            Err(other) => Err(other),
        };
        self.stats.sessions.push(session);
        result
    }

    async fn run(&mut self, cycles: usize) -> Result<(), Failure> {
        let session = self.session(true).await?;
        self.refresh_and_sign_out(session).await?;
        self.stats.cycles += 1;
        for _ in 0..cycles {
            if Instant::now() > self.soft_deadline {
                break;
            }
            let session = self.session(false).await?;
            self.refresh_and_sign_out(session).await?;
            self.stats.cycles += 1;
        }
        Ok(())
    }
}

// --- The check ------------------------------------------------------------------------------

struct Check {
    failures: Vec<String>,
    lines: Vec<String>,
}

impl Check {
    fn require(&mut self, ok: bool, failure: impl FnOnce() -> String) {
        if !ok {
            self.failures.push(failure());
        }
    }
}

async fn check_store(url: &str, project: &str, stats: &Stats) -> Check {
    let mut check = Check {
        failures: Vec::new(),
        lines: Vec::new(),
    };
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();

    // Accounts: each completed sign-up once, with exactly its one credential.
    let rows = sqlx::query(
        "SELECT a.address, c.credential_id FROM accounts a
         LEFT JOIN credentials c ON c.project_id = a.project_id AND c.address = a.address
         WHERE a.project_id = $1",
    )
    .bind(project)
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut stored: HashMap<String, Vec<Option<Vec<u8>>>> = HashMap::new();
    for row in &rows {
        stored
            .entry(row.try_get("address").unwrap())
            .or_default()
            .push(row.try_get("credential_id").unwrap());
    }
    for (address, credentials) in &stored {
        check.require(credentials.len() == 1 && credentials[0].is_some(), || {
            format!("account {address} has {credentials:?} as credentials, not exactly one")
        });
    }
    let mut signed_up = HashSet::new();
    for (address, id) in &stats.sign_ups {
        check.require(signed_up.insert(address.clone()), || {
            format!("two sign-ups got address {address}")
        });
        let found = stored.get(address);
        check.require(
            found.is_some_and(|c| c.len() == 1 && c[0].as_deref() == Some(id.as_slice())),
            || format!("the completed sign-up of {address} is stored as {found:?}"),
        );
    }
    let orphans = stored.len().saturating_sub(stats.sign_ups.len());
    check.require(stored.len() >= stats.sign_ups.len(), || {
        "fewer accounts than completed sign-ups".into()
    });
    check.require(orphans <= stats.lost_register, || {
        format!(
            "{orphans} accounts no client heard of, but only {} registration answers were lost",
            stats.lost_register
        )
    });
    check.lines.push(format!(
        "{} completed sign-ups: {} accounts, each with exactly one credential ({} whose answer was lost)",
        stats.sign_ups.len(),
        stored.len(),
        orphans
    ));

    // Sessions: each one a client got exists once, its latest refresh token current, revoked
    // if signed out.
    let rows = sqlx::query("SELECT id, address, revoked_at FROM sessions WHERE project_id = $1")
        .bind(project)
        .fetch_all(&pool)
        .await
        .unwrap();
    let sessions: HashMap<String, (String, bool)> = rows
        .iter()
        .map(|row| {
            let revoked: Option<i64> = row.try_get("revoked_at").unwrap();
            (
                row.try_get("id").unwrap(),
                (row.try_get("address").unwrap(), revoked.is_some()),
            )
        })
        .collect();
    let current: HashMap<Vec<u8>, String> = sqlx::query(
        "SELECT t.token_hash, t.session_id FROM refresh_tokens t
         JOIN sessions s ON s.id = t.session_id
         WHERE s.project_id = $1 AND t.rotated_at IS NULL",
    )
    .bind(project)
    .fetch_all(&pool)
    .await
    .unwrap()
    .iter()
    .map(|row| {
        (
            row.try_get("token_hash").unwrap(),
            row.try_get("session_id").unwrap(),
        )
    })
    .collect();
    let mut current_per_session: HashMap<&str, usize> = HashMap::new();
    for session in current.values() {
        *current_per_session.entry(session).or_default() += 1;
    }
    for (session, count) in &current_per_session {
        check.require(*count == 1, || {
            format!("session {session} has {count} current refresh tokens")
        });
    }
    let mut seen = HashSet::new();
    let mut signed_out = 0;
    for record in &stats.sessions {
        check.require(seen.insert(record.sid.as_str()), || {
            format!("session {} was issued twice", record.sid)
        });
        let Some((address, revoked)) = sessions.get(&record.sid) else {
            check
                .failures
                .push(format!("session {} is missing", record.sid));
            continue;
        };
        check.require(*address == record.address, || {
            format!("session {} belongs to {address}", record.sid)
        });
        if record.signed_out {
            signed_out += 1;
            check.require(*revoked, || {
                format!("session {} was signed out but is not revoked", record.sid)
            });
        }
        if !record.refresh_uncertain {
            let hash = Sha256::digest(record.refresh_token.as_bytes()).to_vec();
            check.require(current.get(&hash) == Some(&record.sid), || {
                format!(
                    "the latest refresh token of session {} is not current",
                    record.sid
                )
            });
        }
    }
    let unknown = sessions.len().saturating_sub(stats.sessions.len());
    let lost = stats.lost_register + stats.lost_login;
    check.require(unknown <= lost, || {
        format!("{unknown} sessions no client heard of, but only {lost} sign-in answers were lost")
    });
    check.lines.push(format!(
        "{} sessions issued: all found once, {} signed out and revoked, refresh chains intact \
         ({} whose answer was lost)",
        stats.sessions.len(),
        signed_out,
        unknown
    ));
    pool.close().await;
    check
}

// --- Main -----------------------------------------------------------------------------------

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

fn server_bin(args: &Args) -> PathBuf {
    if let Some(bin) = &args.server_bin {
        return bin.clone();
    }
    if let Some(bin) = std::env::var_os("BAAS_SERVER_BIN") {
        return bin.into();
    }
    // target/debug/examples/load → target/debug/baas-server
    let exe = std::env::current_exe().unwrap();
    exe.parent()
        .and_then(Path::parent)
        .map(|dir| dir.join("baas-server"))
        .unwrap()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let args = Args::parse();
    let bin = server_bin(&args);
    if !bin.exists() {
        eprintln!(
            "load: no server binary at {} (cargo build -p baas-server, or --server-bin)",
            bin.display()
        );
        return ExitCode::from(2);
    }
    let dir = tempfile::tempdir().unwrap();
    let (url, servers) = match args.store {
        Store::Sqlite => (
            format!("sqlite://{}", dir.path().join("load.sqlite").display()),
            args.servers.unwrap_or(1),
        ),
        Store::Postgres => match &args.database_url {
            Some(url) => (url.clone(), args.servers.unwrap_or(2)),
            None => {
                eprintln!(
                    "load: --store postgres needs --database-url (or BAAS_TEST_DATABASE_URL)"
                );
                return ExitCode::from(2);
            }
        },
    };
    let run = base64url::encode(&rand::random::<[u8; 6]>()).replace(['-', '_'], "x");
    let project = format!("load-{run}");
    let key = format!("sb_publishable_load_{run}");
    let env = vec![
        ("DATABASE_URL", url.clone()),
        ("BAAS_PROJECT_ID", project.clone()),
        ("BAAS_PUBLISHABLE_KEY", key.clone()),
        ("BAAS_RP_ID", "localhost".to_owned()),
        ("BAAS_ORIGINS", ORIGIN.to_owned()),
        ("BAAS_RATE_LIMIT", "0".to_owned()),
        ("RUST_LOG", "warn".to_owned()),
    ];
    let log = dir.path().join("servers.log");
    let cluster = Arc::new(Cluster::start(bin, env, log.clone(), servers));
    for &address in &cluster.addresses {
        if !cluster.wait_healthy(address, Duration::from_secs(20)).await {
            cluster.stop();
            eprintln!(
                "load: server {address} did not become healthy:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
            return ExitCode::FAILURE;
        }
    }

    let started = Instant::now();
    let soft_deadline = started + Duration::from_secs_f64(args.duration);
    let hard_deadline = started + Duration::from_secs_f64(args.duration * 2.0);
    // Each user: options and a ceremony, a refresh, a sign-out, for the sign-up and each cycle.
    let planned = args.users * (args.cycles + 1) * 4;
    let fault = (args.kill_after >= 0.0).then(|| {
        let cluster = cluster.clone();
        let threshold = (planned as f64 * args.kill_after) as usize;
        let pause = Duration::from_millis(args.restart_after);
        tokio::spawn(async move {
            while cluster.answered.load(Ordering::Relaxed) < threshold {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            let killed_at = started.elapsed();
            let answered = cluster.answered.load(Ordering::Relaxed);
            (
                killed_at,
                answered,
                cluster.kill_and_restart(0, pause).await,
            )
        })
    });
    let users: Vec<_> = (0..args.users)
        .map(|i| {
            let cluster = cluster.clone();
            let key = key.clone();
            let cycles = args.cycles;
            tokio::spawn(async move {
                let mut user = User {
                    cluster: &cluster,
                    key: &key,
                    // Half the users count signatures, half have synced passkeys (always 0).
                    device: Device::at(ORIGIN, i % 2 == 0),
                    stats: Stats::default(),
                    soft_deadline,
                    hard_deadline,
                };
                if let Err(failure) = user.run(cycles).await {
                    user.stats.unexpected.push(format!("user {i}: {failure}"));
                }
                user.stats
            })
        })
        .collect();
    let mut stats = Stats::default();
    for user in users {
        let user = user.await.unwrap();
        stats.latencies.extend(user.latencies);
        stats.requests_answered += user.requests_answered;
        stats.refused += user.refused;
        stats.lost_register += user.lost_register;
        stats.lost_login += user.lost_login;
        stats.lost_refresh += user.lost_refresh;
        stats.lost_other += user.lost_other;
        stats.unexpected.extend(user.unexpected);
        stats.sign_ups.extend(user.sign_ups);
        stats.sessions.extend(user.sessions);
        stats.cycles += user.cycles;
    }
    let elapsed = started.elapsed();
    let fault = match fault {
        Some(task) if cluster.killed.load(Ordering::SeqCst) => Some(task.await.unwrap()),
        Some(task) => {
            // The users finished (or gave up) before the kill was due: the run proves nothing.
            task.abort();
            stats
                .unexpected
                .push("the run ended before server 0 was killed".into());
            None
        }
        None => None,
    };
    cluster.stop();

    stats.latencies.sort();
    let store = match args.store {
        Store::Sqlite => "SQLite",
        Store::Postgres => "PostgreSQL",
    };
    println!(
        "load: {store}, {servers} server process(es), {} users: {} requests answered in {:.1} s \
         ({:.0} requests/s), {} sign-up/sign-in cycles ({:.1}/s)",
        args.users,
        stats.requests_answered,
        elapsed.as_secs_f64(),
        stats.requests_answered as f64 / elapsed.as_secs_f64(),
        stats.cycles,
        stats.cycles as f64 / elapsed.as_secs_f64(),
    );
    println!(
        "  latency: p50 {}, p99 {}, max {}",
        ms(percentile(&stats.latencies, 50.0)),
        ms(percentile(&stats.latencies, 99.0)),
        ms(stats.latencies.last().copied().unwrap_or_default()),
    );
    match fault {
        Some((at, answered, downtime)) => println!(
            "  fault: server 0 SIGKILLed at {:.2} s ({answered} of {planned} planned requests \
             answered), healthy again {} later",
            at.as_secs_f64(),
            ms(downtime)
        ),
        None => println!("  fault: none"),
    }
    println!(
        "  retryable errors: {} refused connections or 503s (sent again), lost answers: {} \
         registrations, {} sign-ins, {} refreshes (session signed out), {} other (sent again)",
        stats.refused, stats.lost_register, stats.lost_login, stats.lost_refresh, stats.lost_other
    );
    println!("  unexpected errors: {}", stats.unexpected.len());
    for failure in stats.unexpected.iter().take(10) {
        println!("    {failure}");
    }
    let check = check_store(&url, &project, &stats).await;
    for line in &check.lines {
        println!("  check: {line}");
    }
    for failure in check.failures.iter().take(20) {
        println!("  CHECK FAILED: {failure}");
    }
    let passed = stats.unexpected.is_empty() && check.failures.is_empty() && stats.cycles > 0;
    if passed {
        println!("  zero-loss check: passed");
        ExitCode::SUCCESS
    } else {
        println!("  zero-loss check: FAILED");
        println!(
            "--- server log ---\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        ExitCode::FAILURE
    }
}
