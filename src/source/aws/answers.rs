//! An SDK interceptor that refuses answers no AWS read operation gives: a success status
//! with an empty body, or with an HTML page (a captive portal, a proxy's login or error page).
//!
//! Every operation the scan calls answers a success with a document (XML or JSON, at least
//! `{}` or an empty element). Without this check the SDK reads an empty `200` to
//! `GetBucketPolicy` as "no policy" and an empty `ListWorkGroups` as "no workgroups": a
//! broken proxy would make a bucket look unprotected, or make resources disappear. The
//! refusal becomes a `ResponseError` the SDK retries like any transient fault and that
//! `errors::fetch_error` reports as `UnexpectedAnswer` with [`BadAnswer`]'s words.

use std::fmt;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::AfterDeserializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// Why an answer was refused, in words for the operator (`empty 200 response`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct BadAnswer(pub String);

impl fmt::Display for BadAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadAnswer {}

/// How an HTML page starts (lower case); no AWS answer starts like this.
const HTML_STARTS: &[&str] = &["<!doctype html", "<html", "<head", "<body", "<!--"];

/// What is wrong with a success answer, if anything. `content_type` and `body` as received;
/// `body` is `None` for a streamed body (never checked).
pub(super) fn judge(
    status: u16,
    content_type: Option<&str>,
    body: Option<&[u8]>,
) -> Option<BadAnswer> {
    if !(200..300).contains(&status) {
        return None;
    }
    let body = body?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Some(BadAnswer(format!("empty {status} response")));
    }
    // By the body only: some endpoints (emulators, proxies passing answers on) label real
    // JSON and XML answers `text/html`; the type is only named in the reason.
    let text = String::from_utf8_lossy(&body[..body.len().min(64)]);
    let start = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let start = start.to_ascii_lowercase();
    if HTML_STARTS.iter().any(|h| start.starts_with(h)) {
        let labelled = content_type.map(|t| format!(", {t}")).unwrap_or_default();
        return Some(BadAnswer(format!(
            "{status} response is an HTML page ({} bytes{labelled}), not an AWS answer: a proxy \
             or captive portal answered instead of AWS",
            body.len()
        )));
    }
    None
}

fn judge_response(response: &HttpResponse) -> Option<BadAnswer> {
    judge(
        response.status().as_u16(),
        response.headers().get("content-type"),
        response.body().bytes(),
    )
}

/// Installed on every client next to the recorder.
#[derive(Debug, Default)]
pub(super) struct AnswerCheck;

impl Intercept for AnswerCheck {
    fn name(&self) -> &'static str {
        "intransit-answer-check"
    }

    /// Runs once per attempt, after the SDK read the body.
    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        match judge_response(context.response()) {
            Some(bad) => Err(Box::new(bad)),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::judge;

    #[test]
    fn refuses_empty_and_html_successes_only() {
        let xml = Some("application/xml");
        // (status, content type, body, what the refusal must say or None for accepted)
        type Case<'a> = (u16, Option<&'a str>, &'a [u8], Option<&'a str>);
        let cases: &[Case<'_>] = &[
            (200, xml, b"", Some("empty 200 response")),
            (200, None, b"  \r\n", Some("empty 200 response")),
            (204, None, b"", Some("empty 204 response")),
            (
                200,
                Some("text/html; charset=utf-8"),
                b"<html><p>log in</p>",
                Some("HTML page"),
            ),
            (200, xml, b"\n<!DOCTYPE html><html>", Some("HTML page")),
            (200, None, b"<HTML><body>portal", Some("HTML page")),
            (200, xml, b"<LocationConstraint/>", None),
            (200, Some("application/json"), b"{}", None),
            (200, None, br#"{"Version":"2012-10-17"}"#, None),
            // Errors are the SDK's to classify.
            (503, Some("text/html"), b"<html>busy</html>", None),
            // Labelled HTML, but a JSON or XML answer: answered by the service.
            (
                200,
                Some("text/html; charset=utf-8"),
                br#"{"WorkGroups":[]}"#,
                None,
            ),
            (
                200,
                Some("text/html"),
                b"<DescribeVpnConnectionsResponse/>",
                None,
            ),
            (
                200,
                None,
                "\u{feff}<!DOCTYPE html>".as_bytes(),
                Some("HTML page"),
            ),
            (403, None, b"", None),
        ];
        for (status, ctype, body, want) in cases {
            let got = judge(*status, *ctype, Some(body)).map(|b| b.0);
            match want {
                None => assert_eq!(got, None, "{status} {ctype:?} {body:?}"),
                Some(w) => assert!(
                    got.as_deref().is_some_and(|g| g.contains(w)),
                    "{status} {ctype:?} {body:?}: {got:?}"
                ),
            }
        }
        assert_eq!(
            judge(200, None, None),
            None,
            "streamed bodies are not checked"
        );
    }
}
