//! Configuration: command-line options and environment variables (DESIGN §5), and the TOML file
//! that declares several projects.
//!
//! With no configuration at all the server runs one project, `demo` (publishable key
//! `sb_publishable_demo`, RP ID `localhost`, origin `http://localhost:8787`), on
//! `127.0.0.1:8787` with an SQLite file in the working directory.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use baas_core::RelyingParty;
use clap::Parser;
use serde::Deserialize;

/// Default project of a server started with no configuration.
const DEMO_PROJECT_ID: &str = "demo";
const DEMO_PROJECT_NAME: &str = "baas demo";
const DEMO_PUBLISHABLE_KEY: &str = "sb_publishable_demo";
const DEMO_RP_ID: &str = "localhost";
const DEMO_ORIGIN: &str = "http://localhost:8787";

/// `baas-server` command-line options; each also reads an environment variable.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "baas-server",
    version,
    about = "The BaaS API server: passkey and wallet sign-in, sessions"
)]
pub struct Options {
    /// Address and port to listen on.
    #[arg(long, env = "BAAS_LISTEN", default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,

    /// Store: `sqlite://FILE?mode=rwc` (created and migrated on first start) or `postgres://…`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://baas.sqlite?mode=rwc"
    )]
    pub database_url: String,

    /// TOML file declaring the projects (see server/README.md); replaces the single project of
    /// `--project-id`, `--rp-id`, `--origins` and `--publishable-key`.
    #[arg(long, env = "BAAS_CONFIG")]
    pub config: Option<PathBuf>,

    /// Serve this directory (e.g. the demo page and `pkg/`) at `/`, from the API's own origin.
    #[arg(long = "static", env = "BAAS_STATIC", value_name = "DIR")]
    pub static_dir: Option<PathBuf>,

    /// ID of the single project (the `aud` of its access tokens) [default: demo].
    #[arg(long, env = "BAAS_PROJECT_ID", conflicts_with = "config")]
    pub project_id: Option<String>,

    /// Name of the single project, shown by authenticators [default: baas demo].
    #[arg(long, env = "BAAS_PROJECT_NAME", conflicts_with = "config")]
    pub project_name: Option<String>,

    /// WebAuthn RP ID of the single project [default: localhost].
    #[arg(long, env = "BAAS_RP_ID", conflicts_with = "config")]
    pub rp_id: Option<String>,

    /// Comma-separated origins allowed to run ceremonies and call the API
    /// [default: http://localhost:8787].
    #[arg(
        long,
        env = "BAAS_ORIGINS",
        value_delimiter = ',',
        conflicts_with = "config"
    )]
    pub origins: Option<Vec<String>>,

    /// Publishable key of the single project [default: sb_publishable_demo].
    #[arg(long, env = "BAAS_PUBLISHABLE_KEY", conflicts_with = "config")]
    pub publishable_key: Option<String>,

    /// Lifetime of access tokens, in seconds (a project of the TOML file may override it).
    #[arg(long, env = "BAAS_ACCESS_TTL", default_value_t = 3600, value_parser = clap::value_parser!(i64).range(1..))]
    pub access_ttl: i64,

    /// Lifetime of refresh tokens, in seconds (a project of the TOML file may override it).
    #[arg(long, env = "BAAS_REFRESH_TTL", default_value_t = 2_592_000, value_parser = clap::value_parser!(i64).range(1..))]
    pub refresh_ttl: i64,

    /// Seconds a challenge stays valid (a project of the TOML file may override it).
    #[arg(long, env = "BAAS_CHALLENGE_TTL", default_value_t = 300, value_parser = clap::value_parser!(i64).range(1..=86_400))]
    pub challenge_ttl: i64,

    /// Comma-separated EIP-155 chain IDs accepted for wallet sign-in [default: any] (a project
    /// of the TOML file may override it).
    #[arg(long, env = "BAAS_CHAIN_IDS", value_delimiter = ',')]
    pub chain_ids: Option<Vec<u64>>,

    /// Requests per minute per client IP on the endpoints that take no bearer token; 0 turns
    /// the limit off.
    #[arg(long, env = "BAAS_RATE_LIMIT", default_value_t = 600)]
    pub rate_limit: u32,

    /// Requests per minute per project on the same endpoints, whatever their IPs; 0 turns only
    /// this limit off.
    #[arg(long, env = "BAAS_PROJECT_RATE_LIMIT", default_value_t = 30_000)]
    pub project_rate_limit: u32,

    /// Take the client IP of rate limiting from the last `X-Forwarded-For` entry (set this only
    /// behind a proxy that appends it).
    #[arg(long, env = "BAAS_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,

    /// Seconds an access-token signing key signs before the next one takes over; retired keys
    /// stay in the JWKS until the last token they signed has expired.
    #[arg(long, env = "BAAS_KEY_ROTATION", default_value_t = 2_592_000, value_parser = clap::value_parser!(i64).range(60..))]
    pub key_rotation: i64,
}

/// The server's whole configuration, checked.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address and port to listen on.
    pub listen: SocketAddr,
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// Directory served at `/`, if any.
    pub static_dir: Option<PathBuf>,
    /// Requests per minute per client IP on unauthenticated endpoints; 0 turns every limit off.
    pub rate_limit: u32,
    /// Requests per minute per project on the same endpoints; 0 is off.
    pub project_rate_limit: u32,
    /// Whether the client IP comes from the last `X-Forwarded-For` entry.
    pub trust_forwarded_for: bool,
    /// Seconds a signing key signs before the next one takes over.
    pub key_rotation: i64,
    /// The projects, each with its own publishable key.
    pub projects: Vec<Project>,
}

/// A project: one relying party with its publishable key and token lifetimes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// The project ID, the `aud` of its access tokens.
    pub id: String,
    /// The key every `/v1/auth/*` request of this project carries.
    pub publishable_key: String,
    /// RP ID, name (shown by authenticators) and allowed origins.
    pub rp: RelyingParty,
    /// Seconds an access token lives.
    pub access_ttl: i64,
    /// Seconds a refresh token lives.
    pub refresh_ttl: i64,
    /// Seconds a challenge stays valid.
    pub challenge_ttl: i64,
    /// The EIP-155 chain IDs accepted for wallet sign-in; `None` accepts any.
    pub chain_ids: Option<Vec<u64>>,
}

impl Project {
    /// Whether wallet sign-in accepts `chain_id`.
    pub fn accepts_chain(&self, chain_id: u64) -> bool {
        self.chain_ids
            .as_ref()
            .is_none_or(|ids| ids.contains(&chain_id))
    }
}

/// What is wrong with a configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The TOML file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The TOML file is not valid.
    #[error("invalid config file {path}: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Why.
        source: toml::de::Error,
    },
    /// A value breaks a rule.
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

/// The TOML file: `[[projects]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    projects: Vec<FileProject>,
}

/// One `[[projects]]` table; unset lifetimes take the command-line/environment value.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileProject {
    id: String,
    name: Option<String>,
    publishable_key: String,
    rp_id: String,
    origins: Vec<String>,
    access_ttl: Option<i64>,
    refresh_ttl: Option<i64>,
    challenge_ttl: Option<i64>,
    chain_ids: Option<Vec<u64>>,
}

impl Config {
    /// Builds the configuration from parsed options, reading the TOML file if one is named.
    ///
    /// # Errors
    /// [`ConfigError`] for an unreadable or invalid file, or a project that breaks a rule
    /// (duplicate ID or key, an origin that is not `scheme://host[:port]` under the RP ID, …).
    pub fn from_options(options: &Options) -> Result<Self, ConfigError> {
        let projects = match &options.config {
            Some(path) => read_file(path)?
                .projects
                .into_iter()
                .map(|p| Project {
                    rp: RelyingParty {
                        name: p.name.unwrap_or_else(|| p.id.clone()),
                        id: p.rp_id,
                        origins: p.origins,
                    },
                    id: p.id,
                    publishable_key: p.publishable_key,
                    access_ttl: p.access_ttl.unwrap_or(options.access_ttl),
                    refresh_ttl: p.refresh_ttl.unwrap_or(options.refresh_ttl),
                    challenge_ttl: p.challenge_ttl.unwrap_or(options.challenge_ttl),
                    chain_ids: p.chain_ids.or_else(|| options.chain_ids.clone()),
                })
                .collect(),
            None => vec![Project {
                id: or_default(&options.project_id, DEMO_PROJECT_ID),
                publishable_key: or_default(&options.publishable_key, DEMO_PUBLISHABLE_KEY),
                rp: RelyingParty {
                    id: or_default(&options.rp_id, DEMO_RP_ID),
                    name: or_default(&options.project_name, DEMO_PROJECT_NAME),
                    origins: options
                        .origins
                        .clone()
                        .unwrap_or_else(|| vec![DEMO_ORIGIN.to_owned()]),
                },
                access_ttl: options.access_ttl,
                refresh_ttl: options.refresh_ttl,
                challenge_ttl: options.challenge_ttl,
                chain_ids: options.chain_ids.clone(),
            }],
        };
        let config = Self {
            listen: options.listen,
            database_url: options.database_url.clone(),
            static_dir: options.static_dir.clone(),
            rate_limit: options.rate_limit,
            project_rate_limit: options.project_rate_limit,
            trust_forwarded_for: options.trust_forwarded_for,
            key_rotation: options.key_rotation,
            projects,
        };
        config.check()?;
        Ok(config)
    }

    /// The longest access-token lifetime of all projects: how long a retired signing key stays
    /// published.
    pub fn max_access_ttl(&self) -> i64 {
        self.projects
            .iter()
            .map(|p| p.access_ttl)
            .max()
            .unwrap_or(0)
    }

    /// Checks the rules every configuration must follow.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] naming the first rule broken.
    pub fn check(&self) -> Result<(), ConfigError> {
        let invalid = |message: String| Err(ConfigError::Invalid(message));
        if self.projects.is_empty() {
            return invalid("no project is configured".into());
        }
        let (mut ids, mut keys) = (HashSet::new(), HashSet::new());
        for project in &self.projects {
            let id = &project.id;
            if id.is_empty()
                || !id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            {
                return invalid(format!(
                    "project ID {id:?} must be non-empty ASCII letters, digits, `-`, `_` or `.`"
                ));
            }
            if !ids.insert(id) {
                return invalid(format!("project ID {id:?} is declared twice"));
            }
            if project.publishable_key.is_empty() || !keys.insert(&project.publishable_key) {
                return invalid(format!(
                    "project {id:?}: publishable keys must be non-empty and unique"
                ));
            }
            if [
                project.access_ttl,
                project.refresh_ttl,
                project.challenge_ttl,
            ]
            .iter()
            .any(|ttl| *ttl <= 0)
            {
                return invalid(format!("project {id:?}: lifetimes must be positive"));
            }
            if project.access_ttl > project.refresh_ttl {
                return invalid(format!(
                    "project {id:?}: access_ttl must not exceed refresh_ttl (a session outlives its access tokens)"
                ));
            }
            if project.challenge_ttl > 86_400 {
                return invalid(format!(
                    "project {id:?}: challenge_ttl is at most 86400 seconds"
                ));
            }
            if project.chain_ids.as_ref().is_some_and(Vec::is_empty) {
                return invalid(format!(
                    "project {id:?}: chain_ids must name at least one chain (leave it out to accept any)"
                ));
            }
            check_relying_party(&project.rp)
                .map_err(|reason| ConfigError::Invalid(format!("project {id:?}: {reason}")))?;
        }
        Ok(())
    }
}

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    toml::from_str(&text).map_err(|source| ConfigError::Parse {
        path: path.to_owned(),
        source,
    })
}

fn or_default(value: &Option<String>, default: &str) -> String {
    value.clone().unwrap_or_else(|| default.to_owned())
}

/// The RP ID is a lowercase domain and every origin is `http(s)://host[:port]` with the host
/// equal to the RP ID or under it, as browsers require for a ceremony to start.
fn check_relying_party(rp: &RelyingParty) -> Result<(), String> {
    let rp_id = &rp.id;
    if rp_id.is_empty()
        || rp_id.starts_with('.')
        || rp_id.ends_with('.')
        || !rp_id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-.".contains(&b))
    {
        return Err(format!("RP ID {rp_id:?} must be a lowercase domain name"));
    }
    if rp.origins.is_empty() {
        return Err("at least one origin is required".into());
    }
    for origin in &rp.origins {
        let host = origin_host(origin).ok_or_else(|| {
            format!(
                "origin {origin:?} must be `http://` or `https://` then host[:port], with no path"
            )
        })?;
        if host != rp_id && !host.ends_with(&format!(".{rp_id}")) {
            return Err(format!(
                "origin {origin:?} is not RP ID {rp_id:?} or one of its subdomains"
            ));
        }
    }
    Ok(())
}

/// The host of `scheme://host[:port]`, when the origin has exactly that form.
fn origin_host(origin: &str) -> Option<&str> {
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))?;
    let (host, port) = match rest.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-.".contains(&b));
    (port_ok && host_ok).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Options {
        Options::try_parse_from(std::iter::once("baas-server").chain(args.iter().copied())).unwrap()
    }

    #[test]
    fn zero_config_is_the_demo_project() {
        let config = Config::from_options(&parse(&[])).unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:8787");
        assert_eq!(config.database_url, "sqlite://baas.sqlite?mode=rwc");
        assert_eq!(config.rate_limit, 600);
        assert_eq!(config.project_rate_limit, 30_000);
        let [project] = config.projects.as_slice() else {
            panic!("one project expected");
        };
        assert_eq!(project.id, "demo");
        assert_eq!(project.rp.name, "baas demo");
        assert_eq!(project.publishable_key, "sb_publishable_demo");
        assert_eq!(project.rp.id, "localhost");
        assert_eq!(project.rp.origins, ["http://localhost:8787"]);
        assert_eq!(
            (
                project.access_ttl,
                project.refresh_ttl,
                project.challenge_ttl
            ),
            (3600, 2_592_000, 300)
        );
    }

    #[test]
    fn options_override_the_single_project() {
        let config = Config::from_options(&parse(&[
            "--rp-id",
            "example.com",
            "--origins",
            "https://example.com,https://app.example.com:8443",
            "--publishable-key",
            "pk",
            "--access-ttl",
            "60",
        ]))
        .unwrap();
        let project = &config.projects[0];
        assert_eq!(
            project.rp.origins,
            ["https://example.com", "https://app.example.com:8443"]
        );
        assert_eq!(project.access_ttl, 60);
    }

    #[test]
    fn a_toml_file_declares_several_projects() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baas.toml");
        std::fs::write(
            &path,
            r#"
            [[projects]]
            id = "shop"
            name = "Shop"
            publishable_key = "sb_publishable_shop"
            rp_id = "shop.example"
            origins = ["https://shop.example"]
            access_ttl = 600

            [[projects]]
            id = "blog"
            publishable_key = "sb_publishable_blog"
            rp_id = "blog.example"
            origins = ["https://www.blog.example"]
            "#,
        )
        .unwrap();
        let config = Config::from_options(&parse(&[
            "--config",
            path.to_str().unwrap(),
            "--access-ttl",
            "900",
        ]))
        .unwrap();
        assert_eq!(config.projects.len(), 2);
        assert_eq!(config.projects[0].access_ttl, 600);
        assert_eq!(config.projects[1].access_ttl, 900);
        assert_eq!(config.projects[1].rp.name, "blog");
        assert_eq!(config.max_access_ttl(), 900);
    }

    #[test]
    fn wallet_chain_ids_default_to_any_and_a_file_may_override_them() {
        let any = Config::from_options(&parse(&[])).unwrap();
        assert_eq!(any.projects[0].chain_ids, None);
        assert!(any.projects[0].accepts_chain(1) && any.projects[0].accepts_chain(u64::MAX));

        let some = Config::from_options(&parse(&["--chain-ids", "1,8453"])).unwrap();
        let project = &some.projects[0];
        assert_eq!(project.chain_ids, Some(vec![1, 8453]));
        assert!(project.accepts_chain(8453) && !project.accepts_chain(5));

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baas.toml");
        std::fs::write(
            &path,
            r#"
            [[projects]]
            id = "shop"
            publishable_key = "sb_publishable_shop"
            rp_id = "shop.example"
            origins = ["https://shop.example"]
            chain_ids = [8453, 84532]

            [[projects]]
            id = "blog"
            publishable_key = "sb_publishable_blog"
            rp_id = "blog.example"
            origins = ["https://blog.example"]
            "#,
        )
        .unwrap();
        let file = path.to_str().unwrap();
        let config = Config::from_options(&parse(&["--config", file, "--chain-ids", "1"])).unwrap();
        assert_eq!(config.projects[0].chain_ids, Some(vec![8453, 84532]));
        assert_eq!(config.projects[1].chain_ids, Some(vec![1]));

        std::fs::write(
            &path,
            r#"
            [[projects]]
            id = "shop"
            publishable_key = "sb_publishable_shop"
            rp_id = "shop.example"
            origins = ["https://shop.example"]
            chain_ids = []
            "#,
        )
        .unwrap();
        assert!(matches!(
            Config::from_options(&parse(&["--config", file])),
            Err(ConfigError::Invalid(_))
        ));
        for bad in ["x", "1,,2", "-1", "0x1", "18446744073709551616"] {
            assert!(
                Options::try_parse_from(["baas-server", "--chain-ids", bad]).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn single_project_options_conflict_with_a_file() {
        assert!(
            Options::try_parse_from([
                "baas-server",
                "--config",
                "x.toml",
                "--rp-id",
                "example.com"
            ])
            .is_err()
        );
    }

    #[test]
    fn bad_projects_are_refused() {
        for args in [
            &["--origins", "https://evil.com"][..],
            &["--origins", "https://localhost/path"],
            &["--origins", "localhost:8787"],
            &["--origins", "https://localhost:"],
            &["--rp-id", "Example.com", "--origins", "https://example.com"],
            &["--publishable-key", ""],
            &["--project-id", "a b"],
            &["--access-ttl", "7200", "--refresh-ttl", "3600"],
        ] {
            assert!(
                matches!(
                    Config::from_options(&parse(args)),
                    Err(ConfigError::Invalid(_))
                ),
                "{args:?}"
            );
        }
        assert!(Options::try_parse_from(["baas-server", "--access-ttl", "0"]).is_err());
    }

    #[test]
    fn origin_hosts() {
        assert_eq!(origin_host("http://localhost:8787"), Some("localhost"));
        assert_eq!(origin_host("https://a.example.com"), Some("a.example.com"));
        for bad in [
            "ftp://a.com",
            "https://",
            "https://a.com/",
            "https://a.com:x",
            "https://A.com",
            "https://a.com:123456",
        ] {
            assert_eq!(origin_host(bad), None, "{bad}");
        }
    }
}
