//! SDK errors → [`FetchError`]: an AWS error code (`AccessDenied`, `ThrottlingException`, ...)
//! when the service answered, else `Timeout` / `Network` / `InvalidResponse`.

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::answers::BadAnswer;
use super::breaker::Stop;
use crate::model::FetchError;
use crate::model::codes;

/// Where a call was aimed, for the error it may produce.
#[derive(Clone, Debug, Default)]
pub(super) struct Context {
    pub account_id: Option<String>,
    pub region: Option<String>,
    pub resource: Option<String>,
}

/// Maps one failed SDK call.
pub(super) fn fetch_error<E>(
    operation: &str,
    ctx: &Context,
    err: &SdkError<E, HttpResponse>,
) -> FetchError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let (code, message) = classify(err);
    FetchError {
        operation: operation.to_string(),
        account_id: ctx.account_id.clone(),
        region: ctx.region.clone(),
        resource: ctx.resource.clone(),
        code,
        message,
    }
}

fn classify<E>(err: &SdkError<E, HttpResponse>) -> (String, String)
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let detail = || DisplayErrorContext(err).to_string();
    match err {
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            let code = err
                .code()
                .map(str::to_string)
                .unwrap_or_else(|| format!("Http{status}"));
            let message = err
                .message()
                .map(str::to_string)
                .unwrap_or_else(|| format!("HTTP {status}"));
            (code, message)
        }
        SdkError::TimeoutError(_) => ("Timeout".to_string(), detail()),
        SdkError::DispatchFailure(d) if d.is_timeout() => ("Timeout".to_string(), detail()),
        SdkError::DispatchFailure(_) => ("Network".to_string(), detail()),
        SdkError::ResponseError(_) => match bad_answer(err) {
            Some(why) => (codes::UNEXPECTED_ANSWER.to_string(), why),
            None => ("InvalidResponse".to_string(), detail()),
        },
        SdkError::ConstructionFailure(_) => ("InvalidRequest".to_string(), detail()),
        _ => ("Unknown".to_string(), detail()),
    }
}

/// The words of a [`BadAnswer`] anywhere in `err`'s source chain.
fn bad_answer(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = next {
        if let Some(bad) = e.downcast_ref::<BadAnswer>() {
            return Some(bad.to_string());
        }
        next = e.source();
    }
    None
}

/// A call the breakers stopped: not sent (`sent` false) or abandoned while in flight.
pub(super) fn stopped(operation: &str, ctx: &Context, stop: &Stop, sent: bool) -> FetchError {
    let verb = if sent { "abandoned" } else { "not called" };
    let (code, message) = match stop {
        Stop::NotAnswering(why) => (codes::NOT_ANSWERING, format!("{verb}: {why}")),
        Stop::Deadline => (
            codes::SCAN_TIMEOUT,
            format!("{verb}: the scan reached its time limit (--scan-timeout)"),
        ),
    };
    other(operation, ctx, code, message)
}

/// A failure that is not an SDK error (e.g. a response without a field we need).
pub(super) fn other(operation: &str, ctx: &Context, code: &str, message: String) -> FetchError {
    FetchError {
        operation: operation.to_string(),
        account_id: ctx.account_id.clone(),
        region: ctx.region.clone(),
        resource: ctx.resource.clone(),
        code: code.to_string(),
        message,
    }
}
