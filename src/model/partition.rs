use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An AWS partition: the first field of every ARN. Bucket ARNs in one partition never match
/// policy resources written for another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Partition {
    #[default]
    #[serde(rename = "aws")]
    Aws,
    #[serde(rename = "aws-us-gov")]
    AwsUsGov,
    #[serde(rename = "aws-cn")]
    AwsCn,
}

impl Partition {
    pub const ALL: [Partition; 3] = [Partition::Aws, Partition::AwsUsGov, Partition::AwsCn];

    pub fn as_str(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsUsGov => "aws-us-gov",
            Partition::AwsCn => "aws-cn",
        }
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown partition {0:?}: expected aws, aws-us-gov or aws-cn")]
pub struct UnknownPartition(pub String);

impl FromStr for Partition {
    type Err = UnknownPartition;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Partition::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| UnknownPartition(s.to_string()))
    }
}
