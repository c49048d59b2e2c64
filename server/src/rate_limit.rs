//! A per-client-IP request limit on the endpoints that take no bearer token (`BAAS_RATE_LIMIT`
//! requests per minute): a fixed one-minute window, answered with 429 and `Retry-After`.
//!
//! The counts live in this process's memory: behind a load balancer each process allows the
//! limit on its own. The client IP is the TCP peer, or the last `X-Forwarded-For` entry with
//! `--trust-forwarded-for`.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Mutex, PoisonError};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;
use crate::error::ApiError;

/// Length of a window, in seconds.
const WINDOW: i64 = 60;

/// Request counts per client IP in the current window.
pub struct RateLimiter {
    limit: u32,
    trust_forwarded_for: bool,
    window: Mutex<Window>,
}

#[derive(Default)]
struct Window {
    index: i64,
    counts: HashMap<IpAddr, u32>,
}

impl RateLimiter {
    /// `limit` requests per minute and client IP; `None` when `limit` is 0 (no limit).
    pub fn new(limit: u32, trust_forwarded_for: bool) -> Option<Self> {
        (limit > 0).then(|| Self {
            limit,
            trust_forwarded_for,
            window: Mutex::default(),
        })
    }

    /// Counts a request of `ip` at `now`.
    ///
    /// # Errors
    /// [`ApiError::RateLimited`] once `ip` has made `limit` requests in this window.
    pub fn check(&self, ip: IpAddr, now: i64) -> Result<(), ApiError> {
        let index = now.div_euclid(WINDOW);
        let mut window = self.window.lock().unwrap_or_else(PoisonError::into_inner);
        if window.index != index {
            window.index = index;
            window.counts.clear();
        }
        let count = window.counts.entry(ip).or_default();
        *count = count.saturating_add(1);
        if *count > self.limit {
            let retry_after = (index + 1) * WINDOW - now;
            return Err(ApiError::RateLimited {
                retry_after: u64::try_from(retry_after).unwrap_or(1),
            });
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

/// Middleware applying the state's limiter.
///
/// # Errors
/// [`ApiError::RateLimited`].
pub async fn limit(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    if let Some(limiter) = state.limiter()
        && let Some(ip) = limiter.client_ip(&request)
    {
        limiter.check(ip, state.now())?;
    }
    Ok(next.run(request).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_ip_and_window() {
        let limiter = RateLimiter::new(2, false).unwrap();
        let (a, b) = (IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
        limiter.check(a, 120).unwrap();
        limiter.check(a, 130).unwrap();
        let Err(ApiError::RateLimited { retry_after }) = limiter.check(a, 170) else {
            panic!("third request in the window must be limited");
        };
        assert_eq!(retry_after, 10);
        limiter.check(b, 171).unwrap();
        limiter.check(a, 180).unwrap();
        assert!(RateLimiter::new(0, false).is_none());
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
        let trusted = RateLimiter::new(1, true).unwrap();
        assert_eq!(
            trusted.client_ip(&request()),
            Some(IpAddr::from([198, 51, 100, 7]))
        );
        let untrusted = RateLimiter::new(1, false).unwrap();
        assert_eq!(
            untrusted.client_ip(&request()),
            Some(IpAddr::from([127, 0, 0, 1]))
        );
    }
}
