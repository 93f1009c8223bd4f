//! An SDK interceptor that reports every attempt the SDK puts on the wire (retries included)
//! as `Update::ApiCall { operation: "s3:GetBucketPolicy" }`.

use std::fmt;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use crate::store::{Store, Update};

/// One per client; `service` is the IAM service prefix (`s3`, `athena`, `ec2`, ...).
pub(super) struct Recorder {
    service: &'static str,
    store: Store,
}

impl Recorder {
    pub(super) fn new(service: &'static str, store: Store) -> Recorder {
        Recorder { service, store }
    }
}

impl fmt::Debug for Recorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorder")
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

impl Intercept for Recorder {
    fn name(&self) -> &'static str {
        "intransit-api-call-recorder"
    }

    /// Runs once per attempt, right before the request is sent.
    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = cfg
            .load::<Metadata>()
            .map(|m| m.name())
            .unwrap_or("Unknown");
        self.store.apply(Update::ApiCall {
            operation: format!("{}:{operation}", self.service),
        });
        Ok(())
    }
}
