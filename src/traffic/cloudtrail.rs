//! CloudTrail events, from the files a trail delivers to S3 (`{"Records": [...]}`, `.json`
//! or `.json.gz`) or from `aws cloudtrail lookup-events` (`{"Events": [{"CloudTrailEvent":
//! "<the event as a JSON string>", ...}]}`). The fields read are the ones the AWS CloudTrail
//! User Guide documents in "CloudTrail record contents": `eventTime`, `eventSource`,
//! `eventName`, `awsRegion`, `sourceIPAddress`, `userAgent`, `userIdentity`, `tlsDetails`
//! (`tlsVersion`, `cipherSuite`, `clientProvidedHostHeader`), `vpcEndpointId`, `errorCode`,
//! `eventID`, `requestID`, `recipientAccountId`; the rest is skipped unread.
//!
//! A file is read streamed, one event at a time; an event that is not an object of that
//! shape is counted as refused, never dropped silently, and the rest of the file is read.

use std::io::Read;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// Who made a request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserIdentity {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub arn: Option<String>,
    pub account_id: Option<String>,
    /// The AWS service that made the request on the caller's behalf (`athena.amazonaws.com`).
    pub invoked_by: Option<String>,
}

/// The TLS a request used, when CloudTrail recorded it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TlsDetails {
    pub tls_version: Option<String>,
    pub cipher_suite: Option<String>,
    pub client_provided_host_header: Option<String>,
}

/// One CloudTrail event, the fields transit evidence needs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    #[serde(rename = "eventID")]
    pub event_id: Option<String>,
    pub event_time: Option<String>,
    pub event_source: Option<String>,
    pub event_name: Option<String>,
    pub aws_region: Option<String>,
    #[serde(rename = "sourceIPAddress")]
    pub source_ip_address: Option<String>,
    pub user_agent: Option<String>,
    pub user_identity: Option<UserIdentity>,
    pub tls_details: Option<TlsDetails>,
    /// The VPC endpoint the request came through; `None` for the public endpoint.
    pub vpc_endpoint_id: Option<String>,
    pub error_code: Option<String>,
    #[serde(rename = "requestID")]
    pub request_id: Option<String>,
    pub recipient_account_id: Option<String>,
}

/// What reading a file gave.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadCount {
    pub events: u64,
    pub refused: u64,
    /// Why the first refused events were refused.
    pub first_refused: Vec<String>,
}

const REASONS_KEPT: usize = 5;

impl ReadCount {
    fn refuse(&mut self, why: String) {
        self.refused += 1;
        if self.first_refused.len() < REASONS_KEPT {
            self.first_refused.push(why);
        }
    }
}

/// Why a file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("not a CloudTrail file (line {line}, column {column}): {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Reads a trail file or lookup-events output from `input` (gzip when `gzip`), handing
/// each event to `each`.
pub fn read(
    input: impl Read,
    gzip: bool,
    each: &mut dyn FnMut(&Event),
) -> Result<ReadCount, FileError> {
    let input: Box<dyn Read> = if gzip {
        Box::new(flate2::read::MultiGzDecoder::new(input))
    } else {
        Box::new(input)
    };
    let mut count = ReadCount::default();
    let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::new(input));
    let file = File {
        each,
        count: &mut count,
    };
    file.deserialize(&mut de).map_err(|e| {
        if e.is_io() {
            FileError::Io(std::io::Error::other(e.to_string()))
        } else {
            FileError::Json {
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            }
        }
    })?;
    de.end().map_err(|e| FileError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    Ok(count)
}

/// The top-level object: its `Records` or `Events` array is read element by element.
struct File<'a> {
    each: &'a mut dyn FnMut(&Event),
    count: &'a mut ReadCount,
}

impl<'de> DeserializeSeed<'de> for File<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for File<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object with a Records or Events array")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = false;
        while let Some(key) = map.next_key::<String>()? {
            let lookup = match key.as_str() {
                "Records" => false,
                "Events" => true,
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                    continue;
                }
            };
            seen = true;
            map.next_value_seed(Events {
                lookup,
                each: &mut *self.each,
                count: &mut *self.count,
            })?;
        }
        if seen {
            Ok(())
        } else {
            Err(de::Error::custom("no Records or Events array"))
        }
    }
}

/// The events array; each element kept raw, then read as an [`Event`] on its own, so one
/// malformed event is refused without losing the others.
struct Events<'a> {
    lookup: bool,
    each: &'a mut dyn FnMut(&Event),
    count: &'a mut ReadCount,
}

impl<'de> DeserializeSeed<'de> for Events<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

/// One element of lookup-events output: the event as a JSON string.
#[derive(Deserialize)]
struct Lookup {
    #[serde(rename = "CloudTrailEvent")]
    event: String,
}

impl<'de> Visitor<'de> for Events<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of events")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(raw) = seq.next_element::<Box<RawValue>>()? {
            let parsed = if self.lookup {
                serde_json::from_str::<Lookup>(raw.get())
                    .and_then(|l| serde_json::from_str::<Event>(&l.event))
            } else {
                serde_json::from_str::<Event>(raw.get())
            };
            match parsed {
                Ok(event) => {
                    self.count.events += 1;
                    (self.each)(&event);
                }
                Err(e) => self.count.refuse(format!(
                    "event {}: {e}",
                    self.count.events + self.count.refused + 1
                )),
            }
        }
        Ok(())
    }
}
