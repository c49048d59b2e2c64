//! A strict cursor over the CBOR subset WebAuthn uses, on top of `ciborium-ll` headers.
//!
//! CTAP2 encodes every structure with definite lengths, so indefinite-length items are refused,
//! nesting is bounded and every read is checked against the remaining input. Byte and text
//! strings are borrowed from the input, never copied.

use ciborium_ll::{Decoder, Header};

use crate::{Error, Result};

/// Deepest nesting any WebAuthn structure needs (extensions included), with room to spare.
pub(crate) const MAX_DEPTH: usize = 16;

/// A position in a CBOR input.
pub(crate) struct Reader<'a> {
    input: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(input: &'a [u8]) -> Self {
        Self { input, pos: 0 }
    }

    /// Bytes consumed so far.
    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    /// Fails unless the whole input has been consumed.
    pub(crate) fn finish(&self) -> Result<()> {
        match self.input.len() - self.pos {
            0 => Ok(()),
            count => Err(Error::CborTrailingBytes { count }),
        }
    }

    /// The next header, with definite length.
    fn header(&mut self) -> Result<Header> {
        let rest = self.input.get(self.pos..).unwrap_or_default();
        let mut decoder = Decoder::from(rest);
        let header = decoder.pull().map_err(|e| match e {
            ciborium_ll::Error::Io(_) => Error::CborTruncated,
            ciborium_ll::Error::Syntax(at) => Error::CborMalformed {
                offset: self.pos + at,
            },
        })?;
        self.pos += decoder.offset();
        match header {
            Header::Bytes(None)
            | Header::Text(None)
            | Header::Array(None)
            | Header::Map(None)
            | Header::Break => Err(Error::CborIndefiniteLength),
            header => Ok(header),
        }
    }

    /// `len` bytes of payload following a string header.
    fn take(&mut self, len: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(len).ok_or(Error::CborTruncated)?;
        let bytes = self.input.get(self.pos..end).ok_or(Error::CborTruncated)?;
        self.pos = end;
        Ok(bytes)
    }

    /// A byte string.
    pub(crate) fn bytes(&mut self) -> Result<&'a [u8]> {
        match self.header()? {
            Header::Bytes(Some(len)) => self.take(len),
            _ => Err(Error::CborUnexpectedType {
                expected: "byte string",
            }),
        }
    }

    /// A UTF-8 text string.
    pub(crate) fn text(&mut self) -> Result<&'a str> {
        let start = self.pos;
        match self.header()? {
            Header::Text(Some(len)) => core::str::from_utf8(self.take(len)?)
                .map_err(|_| Error::CborMalformed { offset: start }),
            _ => Err(Error::CborUnexpectedType { expected: "text" }),
        }
    }

    /// An integer that fits an `i64`.
    pub(crate) fn int(&mut self) -> Result<i64> {
        let header = self.header()?;
        self.int_from(header)
    }

    /// The number of entries of a map.
    pub(crate) fn map(&mut self) -> Result<usize> {
        match self.header()? {
            Header::Map(Some(len)) => Ok(len),
            _ => Err(Error::CborUnexpectedType { expected: "map" }),
        }
    }

    /// A map key that is either an integer (`Ok(Some)`) or of another type, which is skipped
    /// (`Ok(None)`): COSE allows text labels, which no parameter we read uses.
    pub(crate) fn int_key(&mut self) -> Result<Option<i64>> {
        let start = self.pos;
        match self.header()? {
            header @ (Header::Positive(_) | Header::Negative(_)) => self.int_from(header).map(Some),
            _ => {
                self.pos = start;
                self.skip()?;
                Ok(None)
            }
        }
    }

    fn int_from(&self, header: Header) -> Result<i64> {
        let value = match header {
            Header::Positive(n) => i64::try_from(n).ok(),
            Header::Negative(n) => i64::try_from(n).ok().map(|n| -1 - n),
            _ => {
                return Err(Error::CborUnexpectedType {
                    expected: "integer",
                });
            }
        };
        value.ok_or(Error::CborUnexpectedType {
            expected: "integer in the 64-bit signed range",
        })
    }

    /// Skips one whole item, however nested (up to [`MAX_DEPTH`]).
    pub(crate) fn skip(&mut self) -> Result<()> {
        self.skip_at(0)
    }

    /// Skips one item that must be a map, returning its encoded bytes.
    pub(crate) fn raw_map(&mut self) -> Result<&'a [u8]> {
        let start = self.pos;
        let header = self.header()?;
        if !matches!(header, Header::Map(_)) {
            return Err(Error::CborUnexpectedType { expected: "map" });
        }
        self.pos = start;
        self.skip()?;
        Ok(&self.input[start..self.pos])
    }

    fn skip_at(&mut self, depth: usize) -> Result<()> {
        if depth >= MAX_DEPTH {
            return Err(Error::CborTooDeep { max: MAX_DEPTH });
        }
        match self.header()? {
            Header::Bytes(Some(len)) | Header::Text(Some(len)) => self.take(len).map(drop),
            Header::Array(Some(len)) => (0..len).try_for_each(|_| self.skip_at(depth + 1)),
            Header::Map(Some(len)) => (0..len).try_for_each(|_| {
                self.skip_at(depth + 1)?;
                self.skip_at(depth + 1)
            }),
            Header::Tag(_) => self.skip_at(depth + 1),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_scalars_and_strings() {
        // {1: 2, -1: h'0102', "a": "b"} from RFC 8949 Appendix A encodings.
        let input = [
            0xa3, 0x01, 0x02, 0x20, 0x42, 0x01, 0x02, 0x61, 0x61, 0x61, 0x62,
        ];
        let mut r = Reader::new(&input);
        assert_eq!(r.map(), Ok(3));
        assert_eq!(r.int_key(), Ok(Some(1)));
        assert_eq!(r.int(), Ok(2));
        assert_eq!(r.int_key(), Ok(Some(-1)));
        assert_eq!(r.bytes(), Ok(&[1u8, 2][..]));
        assert_eq!(r.int_key(), Ok(None));
        assert_eq!(r.text(), Ok("b"));
        assert_eq!(r.finish(), Ok(()));
    }

    #[test]
    fn refuses_indefinite_lengths() {
        for input in [
            &[0x5f, 0x41, 0x00, 0xff][..],
            &[0x9f, 0xff],
            &[0xbf, 0xff],
            &[0xff],
        ] {
            assert_eq!(Reader::new(input).skip(), Err(Error::CborIndefiniteLength));
        }
    }

    #[test]
    fn bounds_nesting() {
        let deep = [0x81u8; 64];
        assert_eq!(
            Reader::new(&deep).skip(),
            Err(Error::CborTooDeep { max: MAX_DEPTH })
        );
    }

    #[test]
    fn truncated_and_huge_lengths_are_truncation() {
        // A byte string announcing 2^64-1 bytes.
        let huge = [0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
        assert_eq!(Reader::new(&huge).bytes(), Err(Error::CborTruncated));
        assert_eq!(Reader::new(&[0x19, 0x01]).int(), Err(Error::CborTruncated));
        assert_eq!(Reader::new(&[]).map(), Err(Error::CborTruncated));
    }

    #[test]
    fn reserved_additional_info_is_malformed() {
        assert_eq!(
            Reader::new(&[0x1c]).int(),
            Err(Error::CborMalformed { offset: 0 })
        );
    }

    #[test]
    fn invalid_utf8_text_is_malformed() {
        assert_eq!(
            Reader::new(&[0x61, 0xff]).text(),
            Err(Error::CborMalformed { offset: 0 })
        );
    }

    #[test]
    fn integers_outside_i64_are_refused() {
        let big = [0x1b, 0x80, 0, 0, 0, 0, 0, 0, 0];
        assert!(matches!(
            Reader::new(&big).int(),
            Err(Error::CborUnexpectedType { .. })
        ));
    }

    #[test]
    fn every_single_byte_input_is_handled_without_panic() {
        for b in 0..=u8::MAX {
            let _ = Reader::new(&[b]).skip();
            let _ = Reader::new(&[b, 0, 0]).skip();
        }
    }
}
