//! Text inputs in the encoding the rulebook declares (`input.encoding`), decoded to
//! UTF-8 by `encoding_rs` before any reader sees them: a GBK export from Excel or
//! WPS reads like its UTF-8 twin.
//!
//! `utf-8` (the default) leaves the bytes as they are: a row that is not UTF-8 is
//! then rejected by its reader. `gb18030` decodes everything as GB18030 (a
//! byte-order mark wins). `auto` takes a byte-order mark, else UTF-8 when the bytes
//! are valid UTF-8, else GB18030; read as a stream, its first 64 KiB decide.
//!
//! Without feature `encodings` (the WebAssembly package's lean build: the decoding
//! tables are a tenth of its size) GB18030 input is an error that says so, and the
//! package's full build reads it.

use std::borrow::Cow;
#[cfg(feature = "encodings")]
use std::io::BufReader;
use std::io::{self, BufRead, Chain, Cursor, Read};

#[cfg(feature = "encodings")]
use encoding_rs::GB18030;
#[cfg(feature = "encodings")]
use encoding_rs_io::{DecodeReaderBytes, DecodeReaderBytesBuilder};

use super::InputError;
use super::spec::Encoding;

/// The whole input as UTF-8 bytes (a UTF-8 byte-order mark is kept for the readers,
/// which skip it).
pub(crate) fn decode(input: &[u8], encoding: Encoding) -> Result<Cow<'_, [u8]>, InputError> {
    if !is_gb18030(input, encoding) {
        return Ok(Cow::Borrowed(input));
    }
    #[cfg(feature = "encodings")]
    {
        let (text, _, _) = GB18030.decode(input);
        Ok(match text {
            Cow::Borrowed(text) => Cow::Borrowed(text.as_bytes()),
            Cow::Owned(text) => Cow::Owned(text.into_bytes()),
        })
    }
    #[cfg(not(feature = "encodings"))]
    Err(InputError::new(NO_GB18030))
}

#[cfg(not(feature = "encodings"))]
const NO_GB18030: &str =
    "the input is GB18030 (GBK) text, which this build of merit does not decode (feature `encodings`)";

/// Whether `encoding` reads input starting with `head` as GB18030.
pub fn is_gb18030(head: &[u8], encoding: Encoding) -> bool {
    // The byte-order marks of UTF-8, UTF-16LE and UTF-16BE (encoding_rs's `for_bom`).
    let bom = [&b"\xEF\xBB\xBF"[..], b"\xFF\xFE", b"\xFE\xFF"]
        .iter()
        .any(|mark| head.starts_with(mark));
    match encoding {
        Encoding::Utf8 => false,
        Encoding::Gb18030 => !bom,
        Encoding::Auto => !bom && !looks_utf8(head),
    }
}

/// Valid UTF-8, allowing a character cut off at the end (a stream's first buffer).
fn looks_utf8(head: &[u8]) -> bool {
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && head.len() - e.valid_up_to() < 4,
    }
}

/// How much of a stream `auto` looks at to choose between UTF-8 and GB18030.
pub(crate) const SNIFF_BYTES: u64 = 64 << 10;

/// The first bytes of a stream, read to choose its encoding, then the rest.
type Peeked<R> = Chain<Cursor<Vec<u8>>, R>;

/// A stream in its declared encoding, read as UTF-8.
pub(crate) enum Decoded<R> {
    Plain(R),
    Peeked(Peeked<R>),
    #[cfg(feature = "encodings")]
    Gb18030(BufReader<DecodeReaderBytes<Peeked<R>, Vec<u8>>>),
}

impl<R: BufRead> Decoded<R> {
    pub(crate) fn new(mut input: R, encoding: Encoding) -> io::Result<Self> {
        if encoding == Encoding::Utf8 {
            return Ok(Decoded::Plain(input));
        }
        let mut head = Vec::new();
        (&mut input).take(SNIFF_BYTES).read_to_end(&mut head)?;
        let gb18030 = is_gb18030(&head, encoding);
        let input = Cursor::new(head).chain(input);
        if !gb18030 {
            return Ok(Decoded::Peeked(input));
        }
        #[cfg(not(feature = "encodings"))]
        return Err(io::Error::other(NO_GB18030));
        #[cfg(feature = "encodings")]
        let decoder = DecodeReaderBytesBuilder::new()
            .encoding(Some(GB18030))
            .build(input);
        #[cfg(feature = "encodings")]
        Ok(Decoded::Gb18030(BufReader::with_capacity(1 << 16, decoder)))
    }
}

impl<R: BufRead> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Decoded::Plain(r) => r.read(buf),
            Decoded::Peeked(r) => r.read(buf),
            #[cfg(feature = "encodings")]
            Decoded::Gb18030(r) => r.read(buf),
        }
    }
}

impl<R: BufRead> BufRead for Decoded<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        match self {
            Decoded::Plain(r) => r.fill_buf(),
            Decoded::Peeked(r) => r.fill_buf(),
            #[cfg(feature = "encodings")]
            Decoded::Gb18030(r) => r.fill_buf(),
        }
    }

    fn consume(&mut self, amount: usize) {
        match self {
            Decoded::Plain(r) => r.consume(amount),
            Decoded::Peeked(r) => r.consume(amount),
            #[cfg(feature = "encodings")]
            Decoded::Gb18030(r) => r.consume(amount),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    const GBK: &[u8] = b"\xd0\xd5\xc3\xfb,\xca\xc7"; // 姓名,是

    #[test]
    fn gbk_is_decoded_when_declared_or_detected() {
        let decode = |input, encoding| decode(input, encoding).expect("decodes");
        assert_eq!(&*decode(GBK, Encoding::Gb18030), "姓名,是".as_bytes());
        assert_eq!(&*decode(GBK, Encoding::Auto), "姓名,是".as_bytes());
        assert_eq!(&*decode(GBK, Encoding::Utf8), GBK);
        let utf8 = "\u{FEFF}姓名,是".as_bytes();
        assert_eq!(&*decode(utf8, Encoding::Auto), utf8);
        assert_eq!(&*decode(utf8, Encoding::Gb18030), utf8);
        let mut text = String::new();
        Decoded::new(GBK, Encoding::Auto)
            .expect("reads")
            .read_to_string(&mut text)
            .expect("decodes");
        assert_eq!(text, "姓名,是");
    }
}
