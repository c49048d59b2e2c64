//! The SDK's client options (`createBaasClient`), validated once, synchronously.

use crate::{Error, Result};

/// Prefix of every publishable key.
pub const PUBLISHABLE_KEY_PREFIX: &str = "sb_publishable_";

/// Default `requestTimeout`, in milliseconds.
pub const DEFAULT_REQUEST_TIMEOUT_MS: u32 = 15_000;

/// Valid client options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// Scopes local storage; trimmed, non-empty.
    pub project_id: String,
    /// Sent with every request.
    pub publishable_key: String,
    /// The BaaS API base URL, without a trailing slash.
    pub api_url: String,
    /// Milliseconds each request may take.
    pub request_timeout_ms: u32,
}

impl ClientConfig {
    /// Validates the options.
    ///
    /// `request_timeout_ms` is the JavaScript number given, if any.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming the option at fault.
    pub fn new(
        project_id: Option<&str>,
        publishable_key: Option<&str>,
        api_url: Option<&str>,
        request_timeout_ms: Option<f64>,
    ) -> Result<Self> {
        let project_id = project_id.map(str::trim).unwrap_or_default();
        if project_id.is_empty() {
            return Err(Error::InvalidConfig {
                reason: "`projectId` is required (a non-blank string)",
            });
        }
        let publishable_key = publishable_key.unwrap_or_default();
        if !publishable_key.starts_with(PUBLISHABLE_KEY_PREFIX)
            || publishable_key.len() == PUBLISHABLE_KEY_PREFIX.len()
        {
            return Err(Error::InvalidConfig {
                reason: "`publishableKey` must be the project's key, starting with `sb_publishable_`",
            });
        }
        let api_url = api_url.map(str::trim).unwrap_or_default();
        if !is_http_url(api_url) {
            return Err(Error::InvalidConfig {
                reason: "`apiUrl` must be an http:// or https:// URL of the BaaS API",
            });
        }
        let request_timeout_ms = match request_timeout_ms {
            None => DEFAULT_REQUEST_TIMEOUT_MS,
            Some(ms) if ms.is_finite() && ms >= 1.0 && ms <= f64::from(u32::MAX) => ms as u32,
            Some(_) => {
                return Err(Error::InvalidConfig {
                    reason: "`requestTimeout` must be a positive number of milliseconds",
                });
            }
        };
        Ok(Self {
            project_id: project_id.to_owned(),
            publishable_key: publishable_key.to_owned(),
            api_url: api_url.trim_end_matches('/').to_owned(),
            request_timeout_ms,
        })
    }
}

/// `http://` or `https://` followed by a host, with no whitespace.
fn is_http_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
            !host.is_empty() && !url.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(
        project: Option<&str>,
        key: Option<&str>,
        url: Option<&str>,
        timeout: Option<f64>,
    ) -> Result<ClientConfig> {
        ClientConfig::new(project, key, url, timeout)
    }

    const KEY: Option<&str> = Some("sb_publishable_demo");
    const URL: Option<&str> = Some("https://api.example.com/");

    #[test]
    fn accepts_valid_options_with_defaults() {
        let config = config(Some(" my-project "), KEY, URL, None).unwrap();
        assert_eq!(config.project_id, "my-project");
        assert_eq!(config.api_url, "https://api.example.com");
        assert_eq!(config.request_timeout_ms, 15_000);
        let local = ClientConfig::new(Some("p"), KEY, Some("http://localhost:8787"), Some(250.0));
        assert_eq!(local.unwrap().request_timeout_ms, 250);
    }

    #[test]
    fn refuses_each_bad_option() {
        let invalid = |r: Result<ClientConfig>| matches!(r, Err(Error::InvalidConfig { .. }));
        for project in [None, Some(""), Some("   ")] {
            assert!(invalid(config(project, KEY, URL, None)));
        }
        for key in [
            None,
            Some(""),
            Some("sb_publishable_"),
            Some("pk_live_x"),
            Some("sb_secret_x"),
        ] {
            assert!(invalid(config(Some("p"), key, URL, None)));
        }
        for url in [
            None,
            Some(""),
            Some("api.example.com"),
            Some("ftp://api.example.com"),
            Some("https://"),
            Some("https:///path"),
            Some("https://api example.com"),
            Some("javascript:alert(1)"),
        ] {
            assert!(invalid(config(Some("p"), KEY, url, None)), "{url:?}");
        }
        for timeout in [0.0, -1.0, 0.5, f64::NAN, f64::INFINITY, 1e12] {
            assert!(
                invalid(config(Some("p"), KEY, URL, Some(timeout))),
                "{timeout}"
            );
        }
    }
}
