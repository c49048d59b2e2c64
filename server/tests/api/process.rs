//! The real binary: zero-config start, healthy within 2 s, `--help` lists every option.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_baas-server");

#[test]
fn help_lists_every_option_and_variable() {
    let output = Command::new(BINARY).arg("--help").output().unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    for name in [
        "--listen",
        "BAAS_LISTEN",
        "DATABASE_URL",
        "--config",
        "--static",
        "BAAS_RP_ID",
        "BAAS_ORIGINS",
        "BAAS_PUBLISHABLE_KEY",
        "BAAS_ACCESS_TTL",
        "BAAS_REFRESH_TTL",
        "BAAS_CHALLENGE_TTL",
        "BAAS_RATE_LIMIT",
        "BAAS_PROJECT_RATE_LIMIT",
    ] {
        assert!(help.contains(name), "--help lacks {name}:\n{help}");
    }
}

#[test]
fn starts_with_zero_config_and_is_healthy_within_two_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let mut child = Command::new(BINARY)
        .current_dir(dir.path())
        .env_clear()
        .env("BAAS_LISTEN", "127.0.0.1:0")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let address = loop {
        let line = lines.next().expect("the server printed its URL").unwrap();
        if let Some((_, rest)) = line.split_once("listening on http://") {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    let health = get(&address, "/v1/health");
    let elapsed = started.elapsed();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(
        elapsed < Duration::from_secs(2),
        "healthy after {elapsed:?}"
    );
    assert!(
        dir.path().join("baas.sqlite").exists(),
        "the default store is an SQLite file in the working directory"
    );
}

fn get(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}
