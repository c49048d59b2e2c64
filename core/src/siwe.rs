//! Sign-In with Ethereum messages ([EIP-4361](https://eips.ethereum.org/EIPS/eip-4361)): the
//! text a wallet signs with EIP-191 `personal_sign` (see [`crate::eip191`]) to sign in.
//!
//! Both ends use it: the SDK builds the message with [`SiweMessage::new`] and
//! [`SiweMessage::to_text`] (in the browser, so that half avoids `core::fmt`, serde and any date
//! library), and the server reads it back with [`SiweMessage::parse`] and checks it against its
//! project with [`SiweMessage::check_origin`] and [`SiweMessage::check_time`].
//!
//! ```text
//! [scheme "://"] domain " wants you to sign in with your Ethereum account:"
//! address
//!
//! [statement
//! ]
//! URI: uri
//! Version: 1
//! Chain ID: chain-id
//! Nonce: nonce
//! Issued At: issued-at
//! [Expiration Time: expiration-time]
//! [Not Before: not-before]
//! [Request ID: request-id]
//! [Resources:
//! - resource …]
//! ```
//!
//! Lines end with LF alone, and the last line has none. [`SiweMessage::parse`] accepts exactly
//! the EIP-4361 ABNF, with two restrictions that make every accepted text canonical, so that
//! `SiweMessage::parse(text)?.to_text()? == text` always holds: the chain ID is a `u64` written
//! without leading zeros, and the address is written in its EIP-55 checksummed form (EIP-4361
//! asks for it "where applicable", and every externally owned account qualifies).
//!
//! ```
//! use baas_core::siwe::SiweMessage;
//!
//! let address = "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2".parse()?; // as eth_requestAccounts returns it
//! let mut message = SiweMessage::new(
//!     "example.com",               // domain: the page's `location.host`
//!     address,
//!     "https://example.com",       // uri: the page's `location.origin`
//!     1,                           // chain ID: `eth_chainId`
//!     "32891756abcdefgh",          // nonce: from the server
//!     "2021-09-30T16:25:24.000Z",  // issued-at: `new Date().toISOString()`
//! );
//! message.expiration_time = Some("2021-09-30T16:35:24.000Z".into());
//! let text = message.to_text()?;
//! assert!(text.starts_with(
//!     "example.com wants you to sign in with your Ethereum account:\n\
//!      0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2\n\n\nURI: https://example.com\nVersion: 1\n"
//! ));
//! assert_eq!(SiweMessage::parse(&text)?, message);
//! # Ok::<(), baas_core::Error>(())
//! ```

pub mod rfc3339;
mod rfc3986;

use crate::{Address, Error, Result};

/// The only EIP-4361 version.
pub const VERSION: &str = "1";

/// What follows the domain on the first line.
const PREAMBLE: &str = " wants you to sign in with your Ethereum account:";
const URI_TAG: &str = "URI: ";
const VERSION_TAG: &str = "Version: ";
const CHAIN_ID_TAG: &str = "Chain ID: ";
const NONCE_TAG: &str = "Nonce: ";
const ISSUED_AT_TAG: &str = "Issued At: ";
const EXPIRATION_TIME_TAG: &str = "Expiration Time: ";
const NOT_BEFORE_TAG: &str = "Not Before: ";
const REQUEST_ID_TAG: &str = "Request ID: ";
const RESOURCES_LINE: &str = "Resources:";
const RESOURCE_PREFIX: &str = "- ";

/// Shortest nonce EIP-4361 allows.
const MIN_NONCE_LEN: usize = 8;

/// An EIP-4361 message. The version is always [`VERSION`].
///
/// Times are RFC 3339 `date-time` strings kept exactly as written (the signature covers the
/// text); [`rfc3339::unix_time`] converts them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiweMessage {
    /// The URI scheme of the requesting origin, when the message names it (`https://` before
    /// the domain).
    pub scheme: Option<String>,
    /// The RFC 3986 authority (`host[:port]`) requesting the signature.
    pub domain: String,
    /// The account signing in.
    pub address: Address,
    /// A human-readable assertion: RFC 3986 reserved and unreserved characters and spaces.
    pub statement: Option<String>,
    /// The RFC 3986 URI that is the subject of the signing.
    pub uri: String,
    /// The EIP-155 chain ID the session is bound to.
    pub chain_id: u64,
    /// At least 8 ASCII letters and digits, issued by the server.
    pub nonce: String,
    /// When the message was made (RFC 3339).
    pub issued_at: String,
    /// When the signed message stops being valid (RFC 3339).
    pub expiration_time: Option<String>,
    /// When the signed message starts being valid (RFC 3339).
    pub not_before: Option<String>,
    /// A system-specific request identifier (`*pchar`).
    pub request_id: Option<String>,
    /// RFC 3986 URIs the user wishes to have resolved. `Some(vec![])` is a `Resources:` line
    /// with no entry, which the grammar allows.
    pub resources: Option<Vec<String>>,
}

impl SiweMessage {
    /// A message with the required fields and none of the optional ones; set those on the
    /// returned value. Nothing is checked until [`SiweMessage::to_text`].
    pub fn new(
        domain: &str,
        address: Address,
        uri: &str,
        chain_id: u64,
        nonce: &str,
        issued_at: &str,
    ) -> Self {
        Self {
            scheme: None,
            domain: domain.into(),
            address,
            statement: None,
            uri: uri.into(),
            chain_id,
            nonce: nonce.into(),
            issued_at: issued_at.into(),
            expiration_time: None,
            not_before: None,
            request_id: None,
            resources: None,
        }
    }

    /// The message text to sign, exactly as EIP-4361 lays it out.
    ///
    /// Every field is checked first, so no value can add, remove or split a line: the scheme,
    /// statement, nonce, times and request ID fully; the domain, URI and resources by their
    /// character sets only (a scheme and `:` for URIs) — [`SiweMessage::parse`] checks their
    /// whole grammar. Values taken from `location.host` and `location.origin` pass both.
    ///
    /// # Errors
    /// [`Error::SiweSchemeInvalid`], [`Error::SiweDomainInvalid`],
    /// [`Error::SiweStatementInvalid`], [`Error::SiweUriInvalid`], [`Error::SiweNonceInvalid`],
    /// [`Error::SiweTimestampInvalid`], [`Error::SiweRequestIdInvalid`],
    /// [`Error::SiweResourceInvalid`].
    pub fn to_text(&self) -> Result<String> {
        self.check_fields(rfc3986::has_authority_chars, rfc3986::has_uri_chars)?;
        let mut text = String::with_capacity(256);
        if let Some(scheme) = &self.scheme {
            text.push_str(scheme);
            text.push_str("://");
        }
        text.push_str(&self.domain);
        text.push_str(PREAMBLE);
        text.push('\n');
        text.push_str(&self.address.to_checksummed());
        text.push_str("\n\n");
        if let Some(statement) = &self.statement {
            text.push_str(statement);
            text.push('\n');
        }
        text.push('\n');
        line(&mut text, URI_TAG, &self.uri);
        line(&mut text, VERSION_TAG, VERSION);
        text.push_str(CHAIN_ID_TAG);
        push_decimal(&mut text, self.chain_id);
        text.push('\n');
        line(&mut text, NONCE_TAG, &self.nonce);
        text.push_str(ISSUED_AT_TAG);
        text.push_str(&self.issued_at);
        let optional = [
            (EXPIRATION_TIME_TAG, &self.expiration_time),
            (NOT_BEFORE_TAG, &self.not_before),
            (REQUEST_ID_TAG, &self.request_id),
        ];
        for (tag, value) in optional {
            if let Some(value) = value {
                text.push('\n');
                text.push_str(tag);
                text.push_str(value);
            }
        }
        if let Some(resources) = &self.resources {
            text.push('\n');
            text.push_str(RESOURCES_LINE);
            for resource in resources {
                text.push('\n');
                text.push_str(RESOURCE_PREFIX);
                text.push_str(resource);
            }
        }
        Ok(text)
    }

    /// Reads a message, accepting exactly the EIP-4361 ABNF (with the canonical chain ID and
    /// checksummed address described in the [module documentation](self)).
    ///
    /// # Errors
    /// [`Error::SiweMessageInvalid`] when the lines are not laid out as EIP-4361 says (missing,
    /// out of order, unknown or extra lines, CR, a trailing LF); otherwise the error of the
    /// first invalid field: [`Error::SiweSchemeInvalid`], [`Error::SiweDomainInvalid`],
    /// [`Error::InvalidAddress`], [`Error::AddressChecksumMismatch`] (also for an address not
    /// written in its EIP-55 form), [`Error::SiweStatementInvalid`], [`Error::SiweUriInvalid`],
    /// [`Error::SiweVersionUnsupported`], [`Error::SiweChainIdInvalid`],
    /// [`Error::SiweNonceInvalid`], [`Error::SiweTimestampInvalid`],
    /// [`Error::SiweRequestIdInvalid`], [`Error::SiweResourceInvalid`].
    pub fn parse(text: &str) -> Result<Self> {
        let mut lines = text.split('\n');
        let mut next = |expected: &'static str| {
            lines
                .next()
                .ok_or(Error::SiweMessageInvalid { reason: expected })
        };

        let header = next("the first line")?;
        let origin = header.strip_suffix(PREAMBLE).ok_or(Error::SiweMessageInvalid {
            reason: "the first line must end with \" wants you to sign in with your Ethereum account:\"",
        })?;
        let (scheme, domain) = match origin.split_once("://") {
            Some((scheme, domain)) => (Some(scheme), domain),
            None => (None, origin),
        };

        let address_line = next("the address line")?;
        let address: Address = address_line.parse()?;
        if address.to_checksummed() != address_line {
            return Err(Error::AddressChecksumMismatch);
        }
        blank(
            next("a blank line after the address")?,
            "a blank line after the address",
        )?;

        // `[ statement LF ] LF`: a statement cannot hold LF, so an empty line followed by a
        // non-empty one means there is none.
        let first = next("the URI line")?;
        let second = next("the URI line")?;
        let (statement, uri_line) = if first.is_empty() && !second.is_empty() {
            (None, second)
        } else {
            blank(second, "a blank line after the statement")?;
            (Some(first), next("the URI line")?)
        };

        let uri = tagged(uri_line, URI_TAG)?;
        let version = tagged(next("the Version line")?, VERSION_TAG)?;
        if version != VERSION {
            return Err(Error::SiweVersionUnsupported);
        }
        let chain_id = parse_chain_id(tagged(next("the Chain ID line")?, CHAIN_ID_TAG)?)?;
        let nonce = tagged(next("the Nonce line")?, NONCE_TAG)?;
        let issued_at = tagged(next("the Issued At line")?, ISSUED_AT_TAG)?;

        let mut rest = lines.peekable();
        let mut optional = |tag: &str| {
            let line: &str = rest.peek()?;
            let value = line.strip_prefix(tag)?;
            rest.next();
            Some(value)
        };
        let expiration_time = optional(EXPIRATION_TIME_TAG);
        let not_before = optional(NOT_BEFORE_TAG);
        let request_id = optional(REQUEST_ID_TAG);
        let resources = match rest.next() {
            None => None,
            Some(RESOURCES_LINE) => Some(
                rest.map(|line| {
                    line.strip_prefix(RESOURCE_PREFIX).map(str::to_owned).ok_or(
                        Error::SiweMessageInvalid {
                            reason: "after `Resources:`, every line must be `- ` and a URI",
                        },
                    )
                })
                .collect::<Result<Vec<_>>>()?,
            ),
            Some(_) => {
                return Err(Error::SiweMessageInvalid {
                    reason: "unexpected line after `Issued At` (optional fields come in the order Expiration Time, Not Before, Request ID, Resources)",
                });
            }
        };

        let message = Self {
            scheme: scheme.map(str::to_owned),
            domain: domain.to_owned(),
            address,
            statement: statement.map(str::to_owned),
            uri: uri.to_owned(),
            chain_id,
            nonce: nonce.to_owned(),
            issued_at: issued_at.to_owned(),
            expiration_time: expiration_time.map(str::to_owned),
            not_before: not_before.map(str::to_owned),
            request_id: request_id.map(str::to_owned),
            resources,
        };
        message.check_fields(
            |domain| rfc3986::is_authority(domain, true),
            rfc3986::is_uri,
        )?;
        Ok(message)
    }

    /// Checks that the message was made for one of `origins` (`scheme://host[:port]`, as a
    /// browser writes `location.origin`): its `domain` is that origin's `host[:port]` (a
    /// default port is not written: `example.com`, not `example.com:443`), its `scheme`, if
    /// any, is the origin's, and its `uri` is on that origin (the origin itself, or followed by
    /// `/`, `?` or `#`). Hosts compare exactly, so a look-alike subdomain, another port or
    /// userinfo is another site.
    ///
    /// # Errors
    /// [`Error::SiweDomainMismatch`] when no origin has the message's scheme and domain;
    /// [`Error::SiweUriMismatch`] when some does but the URI is on none of them.
    pub fn check_origin<S: AsRef<str>>(&self, origins: &[S]) -> Result<()> {
        let mut domain_matched = false;
        for origin in origins {
            let Some((scheme, authority)) = origin.as_ref().split_once("://") else {
                continue;
            };
            let default_port = match scheme {
                "https" => Some(":443"),
                "http" => Some(":80"),
                _ => None,
            };
            let authority = default_port
                .and_then(|port| authority.strip_suffix(port))
                .unwrap_or(authority);
            if authority != self.domain || self.scheme.as_deref().is_some_and(|s| s != scheme) {
                continue;
            }
            domain_matched = true;
            let on_origin = self
                .uri
                .strip_prefix(scheme)
                .and_then(|rest| rest.strip_prefix("://"))
                .and_then(|rest| rest.strip_prefix(authority))
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']));
            if on_origin {
                return Ok(());
            }
        }
        Err(if domain_matched {
            Error::SiweUriMismatch
        } else {
            Error::SiweDomainMismatch
        })
    }

    /// Checks the message's times at Unix time `now`: `issued-at` and `not-before` may be at
    /// most `clock_skew` seconds ahead of `now` (the signer's clock may run fast), and
    /// `expiration-time` must be after `now` (no skew: a message never lives longer than its
    /// signer allowed). Fractions of seconds are dropped.
    ///
    /// # Errors
    /// [`Error::SiweIssuedInFuture`], [`Error::SiweNotYetValid`], [`Error::SiweExpired`], or
    /// [`Error::SiweTimestampInvalid`] for a time that is not RFC 3339.
    pub fn check_time(&self, now: i64, clock_skew: i64) -> Result<()> {
        let latest_start = now.saturating_add(clock_skew);
        if unix_time(&self.issued_at, "issued-at")? > latest_start {
            return Err(Error::SiweIssuedInFuture);
        }
        if let Some(not_before) = &self.not_before
            && unix_time(not_before, "not-before")? > latest_start
        {
            return Err(Error::SiweNotYetValid);
        }
        if let Some(expiration) = &self.expiration_time
            && unix_time(expiration, "expiration-time")? <= now
        {
            return Err(Error::SiweExpired);
        }
        Ok(())
    }

    /// Checks every field; `domain_ok` and `uri_ok` decide how strictly (see
    /// [`SiweMessage::to_text`] and [`SiweMessage::parse`]).
    fn check_fields(&self, domain_ok: fn(&str) -> bool, uri_ok: fn(&str) -> bool) -> Result<()> {
        if self
            .scheme
            .as_deref()
            .is_some_and(|s| !rfc3986::is_scheme(s))
        {
            return Err(Error::SiweSchemeInvalid);
        }
        if !domain_ok(&self.domain) {
            return Err(Error::SiweDomainInvalid);
        }
        if self
            .statement
            .as_deref()
            .is_some_and(|s| !rfc3986::is_statement(s))
        {
            return Err(Error::SiweStatementInvalid);
        }
        if !uri_ok(&self.uri) {
            return Err(Error::SiweUriInvalid);
        }
        if self.nonce.len() < MIN_NONCE_LEN
            || !self.nonce.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(Error::SiweNonceInvalid);
        }
        let times = [
            ("issued-at", Some(&self.issued_at)),
            ("expiration-time", self.expiration_time.as_ref()),
            ("not-before", self.not_before.as_ref()),
        ];
        for (field, time) in times {
            if time.is_some_and(|t| !rfc3339::is_date_time(t)) {
                return Err(Error::SiweTimestampInvalid { field });
            }
        }
        if self
            .request_id
            .as_deref()
            .is_some_and(|id| !rfc3986::is_request_id(id))
        {
            return Err(Error::SiweRequestIdInvalid);
        }
        if self
            .resources
            .iter()
            .flatten()
            .any(|resource| !uri_ok(resource))
        {
            return Err(Error::SiweResourceInvalid);
        }
        Ok(())
    }
}

/// Appends `tag`, `value` and LF.
fn line(text: &mut String, tag: &str, value: &str) {
    text.push_str(tag);
    text.push_str(value);
    text.push('\n');
}

/// Appends `n` in decimal, without `core::fmt`.
fn push_decimal(text: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &digit in &digits[start..] {
        text.push(char::from(digit));
    }
}

/// A `chain-id`: decimal digits, no leading zero, at most `u64::MAX`.
fn parse_chain_id(text: &str) -> Result<u64> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if !canonical {
        return Err(Error::SiweChainIdInvalid);
    }
    text.parse().map_err(|_| Error::SiweChainIdInvalid)
}

fn tagged<'a>(line: &'a str, tag: &'static str) -> Result<&'a str> {
    line.strip_prefix(tag).ok_or(Error::SiweMessageInvalid {
        reason: match tag {
            URI_TAG => "expected the `URI: ` line",
            VERSION_TAG => "expected the `Version: ` line",
            CHAIN_ID_TAG => "expected the `Chain ID: ` line",
            NONCE_TAG => "expected the `Nonce: ` line",
            _ => "expected the `Issued At: ` line",
        },
    })
}

fn blank(line: &str, expected: &'static str) -> Result<()> {
    if line.is_empty() {
        Ok(())
    } else {
        Err(Error::SiweMessageInvalid { reason: expected })
    }
}

fn unix_time(text: &str, field: &'static str) -> Result<i64> {
    rfc3339::unix_time(text).ok_or(Error::SiweTimestampInvalid { field })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The first example of EIP-4361 ("Examples": implicit scheme).
    const EIP_EXAMPLE: &str = "example.com wants you to sign in with your Ethereum account:
0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2

I accept the ExampleOrg Terms of Service: https://example.com/tos

URI: https://example.com/login
Version: 1
Chain ID: 1
Nonce: 32891756
Issued At: 2021-09-30T16:25:24Z
Resources:
- ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/
- https://example.com/my-web2-claim.json";

    fn eip_example() -> SiweMessage {
        let mut message = SiweMessage::new(
            "example.com",
            "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2"
                .parse()
                .unwrap(),
            "https://example.com/login",
            1,
            "32891756",
            "2021-09-30T16:25:24Z",
        );
        message.statement =
            Some("I accept the ExampleOrg Terms of Service: https://example.com/tos".into());
        message.resources = Some(vec![
            "ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/".into(),
            "https://example.com/my-web2-claim.json".into(),
        ]);
        message
    }

    #[test]
    fn the_eip_examples_parse_and_round_trip() {
        assert_eq!(SiweMessage::parse(EIP_EXAMPLE).unwrap(), eip_example());
        assert_eq!(eip_example().to_text().unwrap(), EIP_EXAMPLE);

        // "with an implicit scheme and explicit port"
        let with_port = EIP_EXAMPLE.replacen("example.com", "example.com:3388", 1);
        let parsed = SiweMessage::parse(&with_port).unwrap();
        assert_eq!(parsed.domain, "example.com:3388");
        assert_eq!(parsed.to_text().unwrap(), with_port);

        // "with an explicit scheme"
        let with_scheme = format!("https://{EIP_EXAMPLE}");
        let parsed = SiweMessage::parse(&with_scheme).unwrap();
        assert_eq!(parsed.scheme.as_deref(), Some("https"));
        assert_eq!(parsed.domain, "example.com");
        assert_eq!(parsed.to_text().unwrap(), with_scheme);
    }

    #[test]
    fn optional_fields_in_order() {
        let mut message = eip_example();
        message.statement = None;
        message.expiration_time = Some("2021-09-30T16:35:24.000Z".into());
        message.not_before = Some("2021-09-30T16:25:24+02:00".into());
        message.request_id = Some("some_id".into());
        message.resources = Some(vec![]);
        let text = message.to_text().unwrap();
        assert!(text.contains(
            "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2\n\n\nURI: https://example.com/login\n"
        ));
        assert!(text.ends_with(
            "Issued At: 2021-09-30T16:25:24Z\nExpiration Time: 2021-09-30T16:35:24.000Z\n\
             Not Before: 2021-09-30T16:25:24+02:00\nRequest ID: some_id\nResources:"
        ));
        assert_eq!(SiweMessage::parse(&text).unwrap(), message);

        // An empty statement is a line of its own, distinct from no statement.
        message.statement = Some(String::new());
        let text = message.to_text().unwrap();
        assert!(text.contains("Cc2\n\n\n\nURI: "));
        assert_eq!(SiweMessage::parse(&text).unwrap(), message);
        message.request_id = Some(String::new());
        message.resources = None;
        let text = message.to_text().unwrap();
        assert!(text.ends_with("\nRequest ID: "));
        assert_eq!(SiweMessage::parse(&text).unwrap(), message);
    }

    #[test]
    fn chain_ids_are_written_in_decimal() {
        for (chain_id, text) in [
            (0, "0"),
            (1, "1"),
            (8453, "8453"),
            (u64::MAX, "18446744073709551615"),
        ] {
            let mut message = eip_example();
            message.chain_id = chain_id;
            let written = message.to_text().unwrap();
            assert!(
                written.contains(&format!("\nChain ID: {text}\n")),
                "{written}"
            );
            assert_eq!(SiweMessage::parse(&written).unwrap().chain_id, chain_id);
        }
    }

    /// Each malformed message, made by changing the EIP example, and the error it must give.
    #[test]
    fn malformed_messages_each_have_their_error() {
        let invalid = |reason_part: &'static str| move |e: &Error| matches!(e, Error::SiweMessageInvalid { reason } if reason.contains(reason_part));
        let timestamp =
            |name: &'static str| move |e: &Error| *e == Error::SiweTimestampInvalid { field: name };
        let is = |expected: Error| move |e: &Error| *e == expected;
        type Expected = Box<dyn Fn(&Error) -> bool>;
        let cases: Vec<(&str, &str, Expected)> = vec![
            (
                " wants you to sign in",
                " want you to sign in",
                Box::new(invalid("first line")),
            ),
            (
                "Ethereum account:",
                "ethereum account:",
                Box::new(invalid("first line")),
            ),
            (
                "example.com wants",
                " wants",
                Box::new(is(Error::SiweDomainInvalid)),
            ),
            (
                "example.com wants",
                "exa mple.com wants",
                Box::new(is(Error::SiweDomainInvalid)),
            ),
            (
                "example.com wants",
                "#notrfc4501 wants",
                Box::new(is(Error::SiweDomainInvalid)),
            ),
            (
                "example.com wants",
                "example.com/login wants",
                Box::new(is(Error::SiweDomainInvalid)),
            ),
            (
                "example.com wants",
                "ht tp://example.com wants",
                Box::new(is(Error::SiweSchemeInvalid)),
            ),
            (
                "example.com wants",
                "://example.com wants",
                Box::new(is(Error::SiweSchemeInvalid)),
            ),
            (
                "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
                "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2",
                Box::new(is(Error::AddressChecksumMismatch)),
            ),
            (
                "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
                "0xC02AAA39B223FE8D0A0E5C4F27EAD9083C756CC2",
                Box::new(is(Error::AddressChecksumMismatch)),
            ),
            (
                "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
                "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756cc2",
                Box::new(is(Error::AddressChecksumMismatch)),
            ),
            (
                "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
                "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756C",
                Box::new(is(Error::InvalidAddress)),
            ),
            (
                "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2\n\n",
                "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2\n",
                Box::new(invalid("blank line after the address")),
            ),
            (
                "Terms of Service:",
                "Terms of Service 100%:",
                Box::new(is(Error::SiweStatementInvalid)),
            ),
            (
                "Terms of Service:",
                "Terms of Service\t:",
                Box::new(is(Error::SiweStatementInvalid)),
            ),
            (
                "Terms of Service:",
                "Términos:",
                Box::new(is(Error::SiweStatementInvalid)),
            ),
            (
                "tos\n\nURI",
                "tos\nURI",
                Box::new(invalid("blank line after the statement")),
            ),
            (
                "Service: https",
                "Service:\nhttps",
                Box::new(invalid("blank line after the statement")),
            ),
            (
                "URI: https://example.com/login",
                "URI: example.com/login",
                Box::new(is(Error::SiweUriInvalid)),
            ),
            (
                "URI: https://example.com/login",
                "URI: https://example.com/log in",
                Box::new(is(Error::SiweUriInvalid)),
            ),
            (
                "URI: https://example.com/login",
                "URI: :not_a_uri",
                Box::new(is(Error::SiweUriInvalid)),
            ),
            ("URI: https://", "Uri: https://", Box::new(invalid("URI"))),
            ("URI: https://", "URI:https://", Box::new(invalid("URI"))),
            (
                "Version: 1",
                "Version: 2",
                Box::new(is(Error::SiweVersionUnsupported)),
            ),
            (
                "Version: 1",
                "Version: 01",
                Box::new(is(Error::SiweVersionUnsupported)),
            ),
            ("Version: 1\n", "", Box::new(invalid("Version"))),
            (
                "Chain ID: 1",
                "Chain ID: 01",
                Box::new(is(Error::SiweChainIdInvalid)),
            ),
            (
                "Chain ID: 1",
                "Chain ID: 0x1",
                Box::new(is(Error::SiweChainIdInvalid)),
            ),
            (
                "Chain ID: 1",
                "Chain ID: -1",
                Box::new(is(Error::SiweChainIdInvalid)),
            ),
            (
                "Chain ID: 1",
                "Chain ID: +1",
                Box::new(is(Error::SiweChainIdInvalid)),
            ),
            (
                "Chain ID: 1",
                "Chain ID: ",
                Box::new(is(Error::SiweChainIdInvalid)),
            ),
            (
                "Chain ID: 1",
                "Chain ID: 18446744073709551616",
                Box::new(is(Error::SiweChainIdInvalid)),
            ),
            ("Chain ID: 1\n", "", Box::new(invalid("Chain ID"))),
            (
                "Nonce: 32891756",
                "Nonce: 3289175",
                Box::new(is(Error::SiweNonceInvalid)),
            ),
            (
                "Nonce: 32891756",
                "Nonce: 3289175_6",
                Box::new(is(Error::SiweNonceInvalid)),
            ),
            (
                "Nonce: 32891756",
                "Nonce: 3289175é",
                Box::new(is(Error::SiweNonceInvalid)),
            ),
            ("Nonce: 32891756\n", "", Box::new(invalid("Nonce"))),
            (
                "2021-09-30T16:25:24Z",
                "2021-09-30",
                Box::new(timestamp("issued-at")),
            ),
            (
                "2021-09-30T16:25:24Z",
                "2021-02-30T16:25:24Z",
                Box::new(timestamp("issued-at")),
            ),
            (
                "Issued At: 2021-09-30T16:25:24Z",
                "Issued At: 2021-09-30T16:25:24Z\nExpiration Time: tomorrow",
                Box::new(timestamp("expiration-time")),
            ),
            (
                "Issued At: 2021-09-30T16:25:24Z",
                "Issued At: 2021-09-30T16:25:24Z\nNot Before: 2021-09-30T16:25:24",
                Box::new(timestamp("not-before")),
            ),
            (
                "Issued At: 2021-09-30T16:25:24Z",
                "Issued At: 2021-09-30T16:25:24Z\nRequest ID: a b",
                Box::new(is(Error::SiweRequestIdInvalid)),
            ),
            (
                "- https://example.com/my",
                "- example.com/my",
                Box::new(is(Error::SiweResourceInvalid)),
            ),
            (
                "- https://example.com/my",
                "-https://example.com/my",
                Box::new(invalid("Resources")),
            ),
            (
                "Resources:",
                "Resources: ",
                Box::new(invalid("unexpected line")),
            ),
            (
                "Issued At: 2021-09-30T16:25:24Z",
                "Issued At: 2021-09-30T16:25:24Z\nNot Before: 2021-09-30T16:25:24Z\nExpiration Time: 2021-09-30T16:25:24Z",
                Box::new(invalid("unexpected line")),
            ),
            (
                "Issued At: 2021-09-30T16:25:24Z",
                "Issued At: 2021-09-30T16:25:24Z\nExtra: field",
                Box::new(invalid("unexpected line")),
            ),
            (
                "Version: 1\nChain ID: 1",
                "Chain ID: 1\nVersion: 1",
                Box::new(invalid("Version")),
            ),
            ("claim.json", "claim.json\n", Box::new(invalid("Resources"))),
            ("\n", "\r\n", Box::new(invalid("first line"))),
        ];
        for (from, to, expected) in cases {
            assert!(EIP_EXAMPLE.contains(from), "{from:?}");
            let text = EIP_EXAMPLE.replacen(from, to, 1);
            let error = SiweMessage::parse(&text).expect_err(&text);
            assert!(expected(&error), "{from:?} → {to:?}: {error:?}");
        }
        let without_resources = EIP_EXAMPLE.split("\nResources:").next().unwrap();
        for text in [
            "",
            "\n",
            "example.com wants you to sign in with your Ethereum account:",
            &format!("{without_resources}\n"),
            &format!("{without_resources}\n\n"),
        ] {
            assert!(
                matches!(
                    SiweMessage::parse(text),
                    Err(Error::SiweMessageInvalid { .. })
                ),
                "{text:?}"
            );
        }
    }

    #[test]
    fn to_text_refuses_fields_that_break_lines() {
        type Change = fn(&mut SiweMessage);
        let cases: [(Change, Error); 12] = [
            (
                |m| m.scheme = Some("ht tp".into()),
                Error::SiweSchemeInvalid,
            ),
            (|m| m.domain = String::new(), Error::SiweDomainInvalid),
            (
                |m| {
                    m.domain =
                        "evil.com wants you to sign in with your Ethereum account:\n0x".into()
                },
                Error::SiweDomainInvalid,
            ),
            (
                |m| m.statement = Some("a\n\nURI: https://evil.com".into()),
                Error::SiweStatementInvalid,
            ),
            (
                |m| m.uri = "https://example.com\nVersion: 2".into(),
                Error::SiweUriInvalid,
            ),
            (|m| m.uri = "example.com".into(), Error::SiweUriInvalid),
            (|m| m.nonce = "short".into(), Error::SiweNonceInvalid),
            (
                |m| m.nonce = "12345678\nNonce: 1".into(),
                Error::SiweNonceInvalid,
            ),
            (
                |m| m.issued_at = "2021-09-30T16:25:24Z\n".into(),
                Error::SiweTimestampInvalid { field: "issued-at" },
            ),
            (
                |m| m.expiration_time = Some("soon".into()),
                Error::SiweTimestampInvalid {
                    field: "expiration-time",
                },
            ),
            (
                |m| m.request_id = Some("a\nb".into()),
                Error::SiweRequestIdInvalid,
            ),
            (
                |m| m.resources = Some(vec!["https://a.example\n- https://b.example".into()]),
                Error::SiweResourceInvalid,
            ),
        ];
        for (change, expected) in cases {
            let mut message = eip_example();
            change(&mut message);
            assert_eq!(message.to_text(), Err(expected));
        }
        let mut message = eip_example();
        message.not_before = Some("2021-09-30T25:00:00Z".into());
        assert_eq!(
            message.to_text(),
            Err(Error::SiweTimestampInvalid {
                field: "not-before"
            })
        );
    }

    fn at(domain: &str, uri: &str) -> SiweMessage {
        let mut message = eip_example();
        message.domain = domain.into();
        message.uri = uri.into();
        message
    }

    #[test]
    fn the_domain_and_uri_must_be_an_allowed_origin() {
        let origins = [
            "https://login.example.com",
            "http://localhost:8787",
            "https://app.example.com:443",
        ];
        for (domain, uri) in [
            ("login.example.com", "https://login.example.com"),
            ("login.example.com", "https://login.example.com/"),
            (
                "login.example.com",
                "https://login.example.com/sign-in?next=%2F#top",
            ),
            ("login.example.com", "https://login.example.com?x"),
            ("localhost:8787", "http://localhost:8787/"),
            ("app.example.com", "https://app.example.com/"),
        ] {
            at(domain, uri).check_origin(&origins).unwrap();
        }
        let mut with_scheme = at("login.example.com", "https://login.example.com/");
        with_scheme.scheme = Some("https".into());
        with_scheme.check_origin(&origins).unwrap();
        with_scheme.scheme = Some("http".into());
        assert_eq!(
            with_scheme.check_origin(&origins),
            Err(Error::SiweDomainMismatch)
        );

        for domain in [
            "evil.com",
            "login.example.com.evil.com",
            "evil.login.example.com",
            "example.com",
            "login.example.com:8443",
            "login.example.com:443",
            "user@login.example.com",
            "LOGIN.example.com",
            "localhost",
            "localhost:8788",
            "app.example.com:443",
        ] {
            assert_eq!(
                at(domain, "https://login.example.com/").check_origin(&origins),
                Err(Error::SiweDomainMismatch),
                "{domain}"
            );
        }
        for uri in [
            "https://evil.com/",
            "https://login.example.com.evil.com/",
            "https://login.example.com@evil.com/",
            "https://login.example.com:443/",
            "https://login.example.comx",
            "http://login.example.com/",
            "https://app.example.com/",
            "urn:login.example.com",
        ] {
            assert_eq!(
                at("login.example.com", uri).check_origin(&origins),
                Err(Error::SiweUriMismatch),
                "{uri}"
            );
        }
        assert_eq!(
            at("login.example.com", "https://login.example.com").check_origin::<&str>(&[]),
            Err(Error::SiweDomainMismatch)
        );
    }

    #[test]
    fn times_are_checked_with_skew_on_the_start_only() {
        let issued = rfc3339::unix_time("2021-09-30T16:25:24Z").unwrap();
        let mut message = eip_example();
        message.check_time(issued, 0).unwrap();
        message.check_time(issued - 60, 60).unwrap();
        assert_eq!(
            message.check_time(issued - 61, 60),
            Err(Error::SiweIssuedInFuture)
        );

        message.expiration_time = Some("2021-09-30T16:35:24.999Z".into());
        message.check_time(issued + 599, 60).unwrap();
        assert_eq!(
            message.check_time(issued + 600, 60),
            Err(Error::SiweExpired)
        );

        message.not_before = Some("2021-09-30T16:30:24+00:00".into());
        message.check_time(issued + 240, 60).unwrap();
        assert_eq!(
            message.check_time(issued + 239, 60),
            Err(Error::SiweNotYetValid)
        );
    }

    fn scheme() -> impl Strategy<Value = Option<String>> {
        proptest::option::of("[a-zA-Z][a-zA-Z0-9+.-]{0,8}")
    }

    fn domain() -> impl Strategy<Value = String> {
        prop_oneof![
            "([a-z0-9_~-]{1,10}@)?[a-z0-9-]{1,12}(\\.[a-z0-9-]{1,12}){0,3}(:[0-9]{1,5})?",
            "\\[(::[0-9a-f]{1,4}|2001:db8::[0-9a-f]{1,4}|v1\\.[a-z]{1,4})\\](:[0-9]{1,5})?",
        ]
    }

    fn uri() -> impl Strategy<Value = String> {
        prop_oneof![
            "https?://[a-z0-9.-]{1,15}(:[0-9]{1,5})?(/([a-zA-Z0-9._~-]|%2F){0,8}){0,3}(\\?[a-z0-9=&/?]{0,8})?(#[a-z0-9/?]{0,6})?",
            "(urn|did|mailto):[a-zA-Z0-9:@.-]{1,20}",
            "ipfs://[a-z0-9]{10,46}/?",
        ]
    }

    fn timestamp() -> impl Strategy<Value = String> {
        (
            0..=9999u32,
            1..=12u32,
            1..=28u32,
            (0..=23u32, 0..=59u32, 0..=60u32),
            proptest::option::of("[0-9]{1,9}"),
            prop_oneof![
                Just("Z".to_owned()),
                Just("z".to_owned()),
                (any::<bool>(), 0..=23u32, 0..=59u32).prop_map(|(east, h, m)| format!(
                    "{}{h:02}:{m:02}",
                    if east { '+' } else { '-' }
                )),
            ],
            any::<bool>(),
        )
            .prop_map(|(y, mo, d, (h, mi, s), fraction, offset, upper_t)| {
                let fraction = fraction.map(|f| format!(".{f}")).unwrap_or_default();
                let t = if upper_t { 'T' } else { 't' };
                format!("{y:04}-{mo:02}-{d:02}{t}{h:02}:{mi:02}:{s:02}{fraction}{offset}")
            })
    }

    prop_compose! {
        fn message()(
            scheme in scheme(),
            domain in domain(),
            address in any::<[u8; 20]>(),
            statement in proptest::option::of("[a-zA-Z0-9 :/?#\\[\\]@!$&'()*+,;=._~-]{0,40}"),
            uri in uri(),
            chain_id in any::<u64>(),
            nonce in "[a-zA-Z0-9]{8,32}",
            issued_at in timestamp(),
            expiration_time in proptest::option::of(timestamp()),
            not_before in proptest::option::of(timestamp()),
            request_id in proptest::option::of("([a-zA-Z0-9._~!$&'()*+,;=:@-]|%[0-9a-fA-F]{2}){0,12}"),
            resources in proptest::option::of(proptest::collection::vec(uri(), 0..4)),
        ) -> SiweMessage {
            SiweMessage {
                scheme,
                domain,
                address: Address::from_bytes(address),
                statement,
                uri,
                chain_id,
                nonce,
                issued_at,
                expiration_time,
                not_before,
                request_id,
                resources,
            }
        }
    }

    proptest! {
        #[test]
        fn build_then_parse_round_trips(message in message()) {
            let text = message.to_text().unwrap();
            let parsed = SiweMessage::parse(&text).unwrap();
            prop_assert_eq!(&parsed, &message);
            prop_assert_eq!(parsed.to_text().unwrap(), text);
        }

        /// Whatever is done to a valid text, parsing never panics, and what it accepts is
        /// canonical: it writes back to the same text.
        #[test]
        fn accepted_texts_are_canonical(
            message in message(),
            edits in proptest::collection::vec((any::<prop::sample::Index>(), 0..3u8, any::<char>()), 1..4),
        ) {
            let mut text = message.to_text().unwrap();
            for (index, kind, c) in edits {
                let boundaries: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
                let at = boundaries[index.index(boundaries.len())];
                match kind {
                    0 => text.insert(at, c),
                    1 => text.insert(at, if c.is_ascii() { '\n' } else { ' ' }),
                    _ => {
                        if let Some(removed) = text[at..].chars().next() {
                            text.replace_range(at..at + removed.len_utf8(), "");
                        }
                    }
                }
            }
            if let Ok(parsed) = SiweMessage::parse(&text) {
                prop_assert_eq!(parsed.to_text().unwrap(), text);
            }
        }

        #[test]
        fn parse_never_panics(text in "(?s).{0,600}") {
            let _ = SiweMessage::parse(&text);
        }
    }
}
