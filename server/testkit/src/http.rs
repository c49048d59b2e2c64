//! A minimal HTTP/1.1 client for tests and the load tool: one loopback TCP connection per
//! request (`Connection: close`), the response read to the end.
//!
//! It tells apart the two ways a request can fail without an answer, which matter to a client
//! deciding whether to retry: [`HttpError::Connect`] (nothing was sent: retrying is always
//! safe) and [`HttpError::Lost`] (sent, but the connection failed before a whole answer came:
//! the server may or may not have acted on it).

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// A request that got no answer.
#[derive(Debug)]
pub enum HttpError {
    /// The connection could not be made: the request was not sent.
    Connect(std::io::Error),
    /// The request was (maybe partly) sent and no complete answer came back.
    Lost(std::io::Error),
    /// The answer is not HTTP/1.1 as this client reads it.
    Malformed(String),
}

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Connect(e) => write!(f, "connect: {e}"),
            Self::Lost(e) => write!(f, "no answer: {e}"),
            Self::Malformed(e) => write!(f, "malformed answer: {e}"),
        }
    }
}

impl std::error::Error for HttpError {}

/// An answer.
#[derive(Debug, Clone)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The headers, names in lowercase.
    pub headers: Vec<(String, String)>,
    /// The body (de-chunked).
    pub body: Vec<u8>,
}

impl Response {
    /// The first value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON, `Null` when empty or not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_default()
    }
}

/// A request to send.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// `GET`, `POST`, …
    pub method: &'a str,
    /// The path and query.
    pub path: &'a str,
    /// Headers besides `Host`, `Connection` and `Content-Length`.
    pub headers: Vec<(&'a str, String)>,
    /// The body, sent with `Content-Length`.
    pub body: Option<Vec<u8>>,
}

impl<'a> Request<'a> {
    /// A request without headers or body.
    pub fn new(method: &'a str, path: &'a str) -> Self {
        Self {
            method,
            path,
            headers: Vec::new(),
            body: None,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &'a str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// A JSON body, with its `content-type`.
    pub fn json(self, body: &serde_json::Value) -> Self {
        let mut request = self.header("content-type", "application/json");
        request.body = Some(body.to_string().into_bytes());
        request
    }

    /// Sends the request to `address` and reads the answer, within `timeout` in all.
    ///
    /// # Errors
    /// [`HttpError`] when no complete answer came.
    pub async fn send(
        &self,
        address: SocketAddr,
        timeout: Duration,
    ) -> Result<Response, HttpError> {
        let timed_out = || std::io::Error::new(std::io::ErrorKind::TimedOut, "timed out");
        let deadline = tokio::time::Instant::now() + timeout;
        let mut stream = tokio::time::timeout_at(deadline, TcpStream::connect(address))
            .await
            .map_err(|_| HttpError::Connect(timed_out()))?
            .map_err(HttpError::Connect)?;
        let mut head = format!(
            "{} {} HTTP/1.1\r\nhost: {address}\r\nconnection: close\r\n",
            self.method, self.path
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        let body = self.body.as_deref().unwrap_or_default();
        if self.body.is_some() {
            head.push_str(&format!("content-length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        let mut bytes = Vec::new();
        let exchange = async {
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(body).await?;
            stream.read_to_end(&mut bytes).await
        };
        tokio::time::timeout_at(deadline, exchange)
            .await
            .map_err(|_| HttpError::Lost(timed_out()))?
            .map_err(HttpError::Lost)?;
        parse(&bytes)
    }
}

fn parse(bytes: &[u8]) -> Result<Response, HttpError> {
    let malformed = |what: &str| HttpError::Malformed(what.to_owned());
    if bytes.is_empty() {
        // The server closed the connection without answering: it may have died mid-request.
        return Err(HttpError::Lost(std::io::ErrorKind::UnexpectedEof.into()));
    }
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| HttpError::Lost(std::io::ErrorKind::UnexpectedEof.into()))?;
    let head = std::str::from_utf8(&bytes[..end]).map_err(|_| malformed("head not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.strip_prefix("HTTP/1.1 "))
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| malformed("status line"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let raw = &bytes[end + 4..];
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let body = if chunked {
        dechunk(raw).ok_or_else(|| HttpError::Lost(std::io::ErrorKind::UnexpectedEof.into()))?
    } else {
        let length = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.parse::<usize>().ok());
        match length {
            Some(length) if raw.len() < length => {
                return Err(HttpError::Lost(std::io::ErrorKind::UnexpectedEof.into()));
            }
            Some(length) => raw[..length].to_vec(),
            None => raw.to_vec(),
        }
    };
    Ok(Response {
        status,
        headers,
        body,
    })
}

/// A chunked body, or `None` when it is cut short.
fn dechunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n")?;
        let size = std::str::from_utf8(&raw[..line_end]).ok()?;
        let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(raw.get(..size)?);
        raw = raw.get(size + 2..)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_length_delimited_chunked_and_cut_answers() {
        let ok = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: b\r\n\r\n{}").unwrap();
        assert_eq!(
            (ok.status, ok.header("x-a"), &ok.body[..]),
            (200, Some("b"), &b"{}"[..])
        );
        let chunked = parse(
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(chunked.body, b"abc");
        for cut in [
            &b""[..],
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}",
            b"HTTP/1.1 200 OK\r\nContent-",
        ] {
            assert!(matches!(parse(cut), Err(HttpError::Lost(_))), "{cut:?}");
        }
    }
}
