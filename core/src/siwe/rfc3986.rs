//! The pieces of [RFC 3986](https://www.rfc-editor.org/rfc/rfc3986#appendix-A) that EIP-4361
//! uses: `scheme`, `authority`, `URI`, `pchar` and the reserved/unreserved character sets.
//!
//! Two strengths: the `has_*_chars` checks only look at the character set (enough to keep a
//! field on its line, and cheap in the browser); the `is_*` checks follow the whole grammar
//! (the server's parser).

use core::net::Ipv6Addr;
use core::str::FromStr as _;

/// `unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"`
fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~".contains(&b)
}

/// `sub-delims = "!" / "$" / "&" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "="`
fn sub_delim(b: u8) -> bool {
    b"!$&'()*+,;=".contains(&b)
}

/// `reserved = gen-delims / sub-delims`, `gen-delims = ":" / "/" / "?" / "#" / "[" / "]" / "@"`
fn reserved(b: u8) -> bool {
    b":/?#[]@".contains(&b) || sub_delim(b)
}

/// `pchar` without `pct-encoded`.
fn pchar(b: u8) -> bool {
    unreserved(b) || sub_delim(b) || b == b':' || b == b'@'
}

/// `pchar / "/" / "?"`: the characters of a query or fragment, without `pct-encoded`.
fn query_char(b: u8) -> bool {
    pchar(b) || b == b'/' || b == b'?'
}

/// Whether `text` is made of bytes `allowed` accepts and of `"%" HEXDIG HEXDIG` sequences.
fn pct_text(text: &str, allowed: fn(u8) -> bool) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |at: usize| bytes.get(at).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return false;
            }
            i += 3;
        } else if allowed(bytes[i]) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

/// `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`
pub(crate) fn is_scheme(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
}

/// `*( reserved / unreserved / " " )`: an EIP-4361 statement.
pub(crate) fn is_statement(text: &str) -> bool {
    text.bytes()
        .all(|b| reserved(b) || unreserved(b) || b == b' ')
}

/// `*pchar`: an EIP-4361 request ID.
pub(crate) fn is_request_id(text: &str) -> bool {
    pct_text(text, pchar)
}

/// A non-empty text of the characters an authority may hold (no structure checked).
pub(crate) fn has_authority_chars(text: &str) -> bool {
    !text.is_empty()
        && pct_text(text, |b| {
            unreserved(b) || sub_delim(b) || b":@[]".contains(&b)
        })
}

/// A scheme, `:`, then only characters a URI may hold (no structure checked).
pub(crate) fn has_uri_chars(text: &str) -> bool {
    text.split_once(':').is_some_and(|(scheme, rest)| {
        is_scheme(scheme) && pct_text(rest, |b| reserved(b) || unreserved(b))
    })
}

/// `authority = [ userinfo "@" ] host [ ":" port ]`; with `require_host`, a non-empty host (the
/// grammar allows an empty `reg-name`, EIP-4361 needs a domain).
pub(crate) fn is_authority(text: &str, require_host: bool) -> bool {
    let host_port = match text.split_once('@') {
        Some((userinfo, rest)) => {
            if !pct_text(userinfo, |b| unreserved(b) || sub_delim(b) || b == b':') {
                return false;
            }
            rest
        }
        None => text,
    };
    let (host_ok, port) = if let Some(literal) = host_port.strip_prefix('[') {
        let Some((inside, rest)) = literal.split_once(']') else {
            return false;
        };
        let port = match rest {
            "" => None,
            _ => match rest.strip_prefix(':') {
                Some(port) => Some(port),
                None => return false,
            },
        };
        (is_ip_literal(inside), port)
    } else {
        let (host, port) = match host_port.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        };
        // `reg-name`, which also covers `IPv4address`.
        let ok = (!require_host || !host.is_empty())
            && pct_text(host, |b| unreserved(b) || sub_delim(b));
        (ok, port)
    };
    host_ok && port.is_none_or(|port| port.bytes().all(|b| b.is_ascii_digit()))
}

/// The inside of `IP-literal = "[" ( IPv6address / IPvFuture ) "]"`.
fn is_ip_literal(text: &str) -> bool {
    if let Some(future) = text.strip_prefix(['v', 'V']) {
        // IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
        return future.split_once('.').is_some_and(|(version, address)| {
            !version.is_empty()
                && version.bytes().all(|b| b.is_ascii_hexdigit())
                && !address.is_empty()
                && address
                    .bytes()
                    .all(|b| unreserved(b) || sub_delim(b) || b == b':')
        });
    }
    // The standard library's parser takes exactly RFC 4291's text forms, as RFC 3986 does.
    Ipv6Addr::from_str(text).is_ok()
}

/// `URI = scheme ":" hier-part [ "?" query ] [ "#" fragment ]`
pub(crate) fn is_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let (rest, fragment) = match rest.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (rest, None),
    };
    let (hier_part, query) = match rest.split_once('?') {
        Some((hier_part, query)) => (hier_part, Some(query)),
        None => (rest, None),
    };
    let path = match hier_part.strip_prefix("//") {
        // "//" authority path-abempty
        Some(authority_path) => {
            let (authority, path) = match authority_path.find('/') {
                Some(at) => authority_path.split_at(at),
                None => (authority_path, ""),
            };
            if !is_authority(authority, false) {
                return false;
            }
            path
        }
        // path-absolute / path-rootless / path-empty: none starts with "//", which would
        // have been an authority.
        None => hier_part,
    };
    is_scheme(scheme)
        && pct_text(path, |b| pchar(b) || b == b'/')
        && query.is_none_or(|q| pct_text(q, query_char))
        && fragment.is_none_or(|f| pct_text(f, query_char))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorities() {
        for good in [
            "example.com",
            "example.com:3388",
            "localhost:8787",
            "127.0.0.1",
            "test@127.0.0.1:8080",
            "user:pass@host",
            "[::cafe]",
            "[::cafe]:443",
            "[2001:db8::1]",
            "[::ffff:192.0.2.1]",
            "[v1.fe80::a+en1]",
            "ex%41mple.com",
            "example.com:",
            "xn--bcher-kva.example",
        ] {
            assert!(is_authority(good, true), "{good}");
            assert!(has_authority_chars(good), "{good}");
        }
        for bad in [
            "",
            ":8080",
            "user@",
            "#notrfc4501",
            "example.com/path",
            "example.com:80a",
            "exa mple.com",
            "example.com:80:80",
            "a@b@c",
            "[::cafe",
            "[::cafe]x",
            "[::cafe]:x",
            "[:::]",
            "[fe80::1%25en0]",
            "[v.x]",
            "[vg.x]",
            "[v1.]",
            "ex%4mple.com",
            "bücher.example",
        ] {
            assert!(!is_authority(bad, true), "{bad}");
        }
        assert!(is_authority("", false));
        assert!(!has_authority_chars(""));
    }

    #[test]
    fn uris() {
        for good in [
            "https://example.com/login",
            "https://example.com",
            "http://localhost:8787/",
            "https://[::cafe]",
            "https://127.0.0.1:4361",
            "https://127.0.0.1/?query=one#begin",
            "ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/",
            "did:key:z6Mktud6LcDFb3heS7FFWoJhiCafmUPkCAgpvJLv5E6fgBJg#z6Mk",
            "urn:isbn:0451450523",
            "mailto:a@example.com",
            "file:///etc/hosts",
            "a:",
            "a:/",
            "https://example.com/a%20b?c=d/e?f#g/h?i",
            "kepler://bafk2bzace#put",
        ] {
            assert!(is_uri(good), "{good}");
            assert!(has_uri_chars(good), "{good}");
        }
        for bad in [
            "",
            ":not_a_rfc3986_valid_uri_",
            "example.com",
            "1http://example.com",
            "https://exa mple.com",
            "https://example.com/a b",
            "https://example.com/%zz",
            "https://example.com/#a#b",
            "https://[::cafe/",
            "https://example.com:80a/",
            "https://example.com/\n",
            "https://example.com/é",
            "https://example.com/<script>",
            "https://example.com/a\"b",
        ] {
            assert!(!is_uri(bad), "{bad:?}");
        }
    }

    #[test]
    fn statements_and_request_ids() {
        assert!(is_statement(""));
        assert!(is_statement(
            "I accept the ServiceOrg Terms of Service: https://service.org/tos"
        ));
        assert!(is_statement("a!$&'()*+,;=:/?#[]@-._~ b"));
        for bad in [
            "a\nb",
            "a\rb",
            "tab\t",
            "100%",
            "\"quoted\"",
            "é",
            "a<b",
            "a{b}",
        ] {
            assert!(!is_statement(bad), "{bad:?}");
        }
        assert!(is_request_id(""));
        assert!(is_request_id("some_id"));
        assert!(is_request_id("a%20b:@!$&'()*+,;=-._~"));
        for bad in ["a b", "a/b", "a?b", "a#b", "%2", "é"] {
            assert!(!is_request_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn schemes() {
        for good in ["https", "http", "a", "git+ssh", "a1.-+"] {
            assert!(is_scheme(good), "{good}");
        }
        for bad in ["", "1a", "-a", "ht tp", "ht_tp", "é"] {
            assert!(!is_scheme(bad), "{bad}");
        }
    }
}
