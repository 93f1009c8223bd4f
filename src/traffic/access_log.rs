//! S3 server access log records, as S3 delivers them to a bucket: one request per line,
//! space-delimited fields, the time in brackets, the Request-URI, referrer and user agent in
//! double quotes, `-` for a field that is unknown or does not apply.
//!
//! Field order as documented in the Amazon S3 User Guide, "Amazon S3 server access log
//! format" (`AmazonS3/latest/userguide/LogFormat.html`): bucket owner, bucket, time, remote
//! IP, requester, request ID, operation, key, Request-URI, HTTP status, error code, bytes
//! sent, object size, total time, turn-around time, referrer, user agent, version ID, host ID,
//! signature version, cipher suite, authentication type, host header, TLS version, access
//! point ARN, ACL required, source region. S3 appends fields over time ("the log format may
//! be extended"): records of older files end earlier, and fields after the last one known
//! here are ignored.
//!
//! Parsing borrows from the line (no allocation per record) and never fails on a field's
//! content: only a record too short to name its bucket, time and operation, or whose quotes
//! or brackets do not close, is refused, with the reason.

use std::io::BufRead;

/// Whether and how a request used TLS, from the record's `TLS version` field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport<'a> {
    /// `-` in a record that has the field: the request did not use TLS (plain HTTP).
    PlainHttp,
    /// `TLSv1.2`, `TLSV1.3`, ... as written.
    Tls(&'a str),
    /// The record ends before the field (written before S3 added it): not known.
    NotRecorded,
}

/// One access log record; every field as written (`-` as `None`), quotes and brackets
/// removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    pub bucket_owner: Option<&'a str>,
    pub bucket: &'a str,
    /// `06/Feb/2019:00:00:38 +0000`.
    pub time: &'a str,
    pub remote_ip: Option<&'a str>,
    /// The requester's canonical user ID or ARN; `None` for unauthenticated requests.
    pub requester: Option<&'a str>,
    pub request_id: Option<&'a str>,
    /// `REST.GET.OBJECT`, `REST.PUT.OBJECT`, `WEBSITE.GET.OBJECT`, ...
    pub operation: &'a str,
    pub key: Option<&'a str>,
    pub request_uri: Option<&'a str>,
    pub http_status: Option<u16>,
    pub error_code: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub cipher_suite: Option<&'a str>,
    pub host_header: Option<&'a str>,
    pub transport: Transport<'a>,
    pub access_point_arn: Option<&'a str>,
}

/// Why a line is not a record.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("{0} fields, fewer than the 9 up to the operation and key")]
    TooShort(usize),
    #[error("a quoted field does not close")]
    OpenQuote,
    #[error("the time's bracket does not close")]
    OpenBracket,
    #[error("longer than {MAX_LINE} bytes")]
    TooLong,
    #[error("not UTF-8")]
    NotUtf8,
}

/// Lines longer than this are refused, not read whole (S3's records are a few hundred
/// bytes; a longer one is not an access log).
pub const MAX_LINE: usize = 64 * 1024;

/// Field positions (0-based) in the documented order; the time counts as one field.
mod at {
    pub const OWNER: usize = 0;
    pub const BUCKET: usize = 1;
    pub const TIME: usize = 2;
    pub const REMOTE_IP: usize = 3;
    pub const REQUESTER: usize = 4;
    pub const REQUEST_ID: usize = 5;
    pub const OPERATION: usize = 6;
    pub const KEY: usize = 7;
    pub const REQUEST_URI: usize = 8;
    pub const STATUS: usize = 9;
    pub const ERROR_CODE: usize = 10;
    pub const USER_AGENT: usize = 16;
    pub const CIPHER: usize = 20;
    pub const HOST_HEADER: usize = 22;
    pub const TLS_VERSION: usize = 23;
    pub const ACCESS_POINT: usize = 24;
    /// Every field up to the access point ARN.
    pub const KNOWN: usize = 25;
}

/// Splits `line` into its fields: space-separated, `[...]` and `"..."` one field each
/// (their delimiters removed; `\"` inside quotes does not close them).
fn fields(line: &str) -> Result<([&str; at::KNOWN], usize), LineError> {
    let bytes = line.as_bytes();
    let mut out = [""; at::KNOWN];
    let mut n = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b' ' {
            i += 1;
            continue;
        }
        let (start, end, next) = match bytes[i] {
            b'"' => {
                let mut j = i + 1;
                loop {
                    match bytes.get(j) {
                        None => return Err(LineError::OpenQuote),
                        Some(b'\\') => j += 2,
                        Some(b'"') => break,
                        Some(_) => j += 1,
                    }
                }
                (i + 1, j, j + 1)
            }
            b'[' => {
                let close = memchr(b']', &bytes[i..]).ok_or(LineError::OpenBracket)?;
                (i + 1, i + close, i + close + 1)
            }
            _ => {
                let len = memchr(b' ', &bytes[i..]).unwrap_or(bytes.len() - i);
                (i, i + len, i + len)
            }
        };
        if n < at::KNOWN {
            // Delimiters are ASCII: the slice bounds fall on character boundaries.
            out[n] = &line[start..end.min(line.len())];
        }
        n += 1;
        i = next;
    }
    Ok((out, n))
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

fn opt(s: &str) -> Option<&str> {
    (s != "-" && !s.is_empty()).then_some(s)
}

/// Parses one record.
pub fn parse(line: &str) -> Result<Record<'_>, LineError> {
    let line = line.trim_end_matches(['\r', '\n']);
    let (f, n) = fields(line)?;
    if n <= at::KEY {
        return Err(LineError::TooShort(n));
    }
    let get = |i: usize| if i < n { opt(f[i]) } else { None };
    Ok(Record {
        bucket_owner: get(at::OWNER),
        bucket: f[at::BUCKET],
        time: f[at::TIME],
        remote_ip: get(at::REMOTE_IP),
        requester: get(at::REQUESTER),
        request_id: get(at::REQUEST_ID),
        operation: f[at::OPERATION],
        key: get(at::KEY),
        request_uri: get(at::REQUEST_URI),
        http_status: get(at::STATUS).and_then(|s| s.parse().ok()),
        error_code: get(at::ERROR_CODE),
        user_agent: get(at::USER_AGENT),
        cipher_suite: get(at::CIPHER),
        host_header: get(at::HOST_HEADER),
        transport: match (n > at::TLS_VERSION, get(at::TLS_VERSION)) {
            (false, _) => Transport::NotRecorded,
            (true, None) => Transport::PlainHttp,
            (true, Some(v)) => Transport::Tls(v),
        },
        access_point_arn: get(at::ACCESS_POINT),
    })
}

/// What reading a file gave: records handed on, lines refused (with the first few reasons).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadCount {
    pub records: u64,
    pub refused: u64,
    /// `(line number, why)` of the first refused lines.
    pub first_refused: Vec<(u64, LineError)>,
}

/// Refused lines remembered with their reason.
const REASONS_KEPT: usize = 5;

/// Streams `input` line by line (never held whole), handing each record to `each`; blank
/// lines are skipped, every other line is a record or counted as refused.
pub fn read(
    mut input: impl BufRead,
    mut each: impl FnMut(&Record<'_>),
) -> std::io::Result<ReadCount> {
    let mut count = ReadCount::default();
    let mut buf: Vec<u8> = Vec::with_capacity(1024);
    let mut number = 0u64;
    loop {
        buf.clear();
        let (read, complete) = read_line(&mut input, &mut buf)?;
        if read == 0 {
            return Ok(count);
        }
        number += 1;
        let parsed = if !complete {
            Err(LineError::TooLong)
        } else {
            match std::str::from_utf8(&buf) {
                Ok(line) if line.trim().is_empty() => continue,
                Ok(line) => parse(line).map(|r| each(&r)),
                Err(_) => Err(LineError::NotUtf8),
            }
        };
        match parsed {
            Ok(()) => count.records += 1,
            Err(e) => {
                count.refused += 1;
                if count.first_refused.len() < REASONS_KEPT {
                    count.first_refused.push((number, e));
                }
            }
        }
    }
}

/// Reads one line into `buf`, at most [`MAX_LINE`] bytes of it (the rest is skipped):
/// (bytes read, whether the line fitted).
fn read_line(input: &mut impl BufRead, buf: &mut Vec<u8>) -> std::io::Result<(usize, bool)> {
    let mut total = 0;
    let mut fits = true;
    loop {
        let chunk = input.fill_buf()?;
        if chunk.is_empty() {
            return Ok((total, fits));
        }
        let (take, done) = match memchr(b'\n', chunk) {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if fits && buf.len() + take <= MAX_LINE + 1 {
            buf.extend_from_slice(&chunk[..take]);
        } else {
            fits = false;
        }
        input.consume(take);
        total += take;
        if done {
            return Ok((total, fits));
        }
    }
}
