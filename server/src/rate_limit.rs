//! Request limits on the endpoints that take no bearer token, per client IP
//! (`BAAS_RATE_LIMIT` requests per minute) and per project (`BAAS_PROJECT_RATE_LIMIT`): a fixed
//! one-minute window, answered with 429 `RATE_LIMITED` and `Retry-After` (the seconds left in
//! the window).
//!
//! The per-IP limit keeps one client from trying challenges, refresh tokens or sign-ins in
//! bulk; the per-project limit keeps many clients (a botnet, or one app's runaway retry loop)
//! from taking the whole server from the other projects it serves. A request refused for its
//! IP is not counted against its project, and a request whose publishable key names no project
//! counts only against its IP.
//!
//! The counts live in this process's memory: behind a load balancer each process allows the
//! limits on its own. The client IP is the TCP peer, or the last `X-Forwarded-For` entry with
//! `--trust-forwarded-for`.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Mutex, PoisonError};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use baas_core::api::PUBLISHABLE_KEY_HEADER;

use crate::AppState;
use crate::error::ApiError;

/// Length of a window, in seconds.
const WINDOW: i64 = 60;

/// Request counts per client IP and per project in the current window.
pub struct RateLimiter {
    per_ip: u32,
    per_project: u32,
    trust_forwarded_for: bool,
    window: Mutex<Window>,
}

#[derive(Default)]
struct Window {
    index: i64,
    ips: HashMap<IpAddr, u32>,
    projects: HashMap<String, u32>,
}

impl RateLimiter {
    /// `per_ip` requests per minute and client IP, `per_project` per minute and project (0:
    /// no per-project limit); `None` when `per_ip` is 0, which turns rate limiting off.
    pub fn new(per_ip: u32, per_project: u32, trust_forwarded_for: bool) -> Option<Self> {
        (per_ip > 0).then(|| Self {
            per_ip,
            per_project,
            trust_forwarded_for,
            window: Mutex::default(),
        })
    }

    /// Counts a request of `ip` (when known) for `project` (when its key names one) at `now`.
    ///
    /// # Errors
    /// [`ApiError::RateLimited`] once `ip` or `project` has used its limit in this window.
    pub fn check(
        &self,
        ip: Option<IpAddr>,
        project: Option<&str>,
        now: i64,
    ) -> Result<(), ApiError> {
        let index = now.div_euclid(WINDOW);
        let limited = || ApiError::RateLimited {
            retry_after: u64::try_from((index + 1) * WINDOW - now).unwrap_or(1),
        };
        let mut window = self.window.lock().unwrap_or_else(PoisonError::into_inner);
        if window.index != index {
            window.index = index;
            window.ips.clear();
            window.projects.clear();
        }
        if let Some(ip) = ip
            && !count(&mut window.ips, ip, self.per_ip)
        {
            return Err(limited());
        }
        if let Some(project) = project
            && self.per_project > 0
        {
            let within = match window.projects.get_mut(project) {
                Some(n) => {
                    *n = n.saturating_add(1);
                    *n <= self.per_project
                }
                None => {
                    window.projects.insert(project.to_owned(), 1);
                    true
                }
            };
            if !within {
                return Err(limited());
            }
        }
        Ok(())
    }

    /// The client IP of a request, if known.
    fn client_ip(&self, request: &Request) -> Option<IpAddr> {
        if self.trust_forwarded_for {
            let forwarded = request
                .headers()
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|value| value.to_str().ok())
                .flat_map(|value| value.split(','))
                .last()
                .and_then(|ip| ip.trim().parse().ok());
            if forwarded.is_some() {
                return forwarded;
            }
        }
        request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| peer.ip())
    }
}

/// Adds one request of `key`; false when that makes more than `limit` in the window.
fn count<K: Eq + Hash>(counts: &mut HashMap<K, u32>, key: K, limit: u32) -> bool {
    let n = counts.entry(key).or_default();
    *n = n.saturating_add(1);
    *n <= limit
}

/// Middleware applying the state's limiter.
///
/// # Errors
/// [`ApiError::RateLimited`].
pub async fn limit(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    if let Some(limiter) = state.limiter() {
        let project = request
            .headers()
            .get(PUBLISHABLE_KEY_HEADER)
            .and_then(|key| key.to_str().ok())
            .and_then(|key| state.project(key));
        limiter.check(
            limiter.client_ip(&request),
            project.as_deref().map(|p| p.id.as_str()),
            state.now(),
        )?;
    }
    Ok(next.run(request).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1)));
    const B: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2)));

    fn retry_after(result: Result<(), ApiError>) -> u64 {
        match result {
            Err(ApiError::RateLimited { retry_after }) => retry_after,
            other => panic!("expected RATE_LIMITED, got {other:?}"),
        }
    }

    #[test]
    fn counts_per_ip_and_window() {
        let limiter = RateLimiter::new(2, 0, false).unwrap();
        limiter.check(A, None, 120).unwrap();
        limiter.check(A, None, 130).unwrap();
        assert_eq!(retry_after(limiter.check(A, None, 170)), 10);
        limiter.check(B, None, 171).unwrap();
        limiter.check(A, None, 180).unwrap();
        assert!(
            RateLimiter::new(0, 100, false).is_none(),
            "0 turns every limit off"
        );
    }

    #[test]
    fn counts_per_project_across_ips() {
        let limiter = RateLimiter::new(10, 3, false).unwrap();
        limiter.check(A, Some("shop"), 0).unwrap();
        limiter.check(B, Some("shop"), 1).unwrap();
        limiter.check(None, Some("shop"), 2).unwrap();
        assert_eq!(retry_after(limiter.check(B, Some("shop"), 45)), 15);
        limiter.check(B, Some("blog"), 46).unwrap();
        limiter.check(B, None, 47).unwrap();
        limiter.check(A, Some("shop"), 60).unwrap();
    }

    #[test]
    fn a_request_refused_for_its_ip_does_not_use_up_its_project() {
        let limiter = RateLimiter::new(1, 2, false).unwrap();
        limiter.check(A, Some("shop"), 0).unwrap();
        for _ in 0..5 {
            retry_after(limiter.check(A, Some("shop"), 1));
        }
        limiter.check(B, Some("shop"), 2).unwrap();
    }

    #[test]
    fn forwarded_for_is_used_only_when_trusted() {
        let request = || {
            let mut request = Request::builder()
                .header("x-forwarded-for", "203.0.113.9, 198.51.100.7")
                .body(axum::body::Body::empty())
                .unwrap();
            request
                .extensions_mut()
                .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 9))));
            request
        };
        let trusted = RateLimiter::new(1, 0, true).unwrap();
        assert_eq!(
            trusted.client_ip(&request()),
            Some(IpAddr::from([198, 51, 100, 7]))
        );
        let untrusted = RateLimiter::new(1, 0, false).unwrap();
        assert_eq!(
            untrusted.client_ip(&request()),
            Some(IpAddr::from([127, 0, 0, 1]))
        );
    }
}
