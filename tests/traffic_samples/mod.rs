//! Log records in the documented formats, shared by the traffic tests.
//!
//! `DOC_VERSIONING` and `DOC_LOGGING` are the example log of the Amazon S3 User Guide, "Amazon
//! S3 server access log format" (`AmazonS3/latest/userguide/LogFormat.html`), as published.
//! The CloudTrail events follow the record contents of the AWS CloudTrail User Guide
//! ("CloudTrail record contents") and the S3 data-event example of the S3 User Guide.
#![allow(dead_code)]

pub const DOC_VERSIONING: &str = r#"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be amzn-s3-demo-bucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE REST.GET.VERSIONING - "GET /amzn-s3-demo-bucket1?versioning HTTP/1.1" 200 - 113 - 7 - "-" "S3Console/0.4" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com TLSV1.2 arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP Yes us-east-1"#;

pub const DOC_LOGGING: &str = r#"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be amzn-s3-demo-bucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 891CE47D2EXAMPLE REST.GET.LOGGING_STATUS - "GET /amzn-s3-demo-bucket1?logging HTTP/1.1" 200 - 242 - 11 - "-" "S3Console/0.4" - 9vKBE6vMhrNiWHZmb2L0mXOcqPGzQOI5XLnCtZNPxev+Hf+7tpT6sxDwDty4LHBUOZJG96N1234= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com TLSV1.2 - - us-east-1"#;

/// The same shape over plain HTTP: no signature or cipher, `-` for the TLS version.
pub const PLAIN_GET: &str = r#"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be clickstream-landing-use1 [03/Dec/2026:08:14:02 +0000] 203.0.113.9 arn:aws:iam::111122223333:user/etl "3E57427F3EXAMPLF" REST.GET.OBJECT events/2026/12/03/part-0001.json "GET /events/2026/12/03/part-0001.json HTTP/1.1" 200 - 5120 5120 21 20 "-" "curl/8.4.0 \"quoted\" agent" - AIDAEXAMPLEHOSTID= - - - clickstream-landing-use1.s3.us-east-1.amazonaws.com - - -"#;

pub const S3_GET: &str = r#"{
  "eventVersion": "1.09",
  "userIdentity": {"type": "AssumedRole", "principalId": "AROAEXAMPLE:etl", "arn": "arn:aws:sts::111122223333:assumed-role/etl/etl", "accountId": "111122223333"},
  "eventTime": "2026-12-03T08:14:02Z",
  "eventSource": "s3.amazonaws.com",
  "eventName": "GetObject",
  "awsRegion": "us-east-1",
  "sourceIPAddress": "10.20.30.40",
  "userAgent": "[aws-sdk-java/2.25.0 Linux/6.1]",
  "requestParameters": {"bucketName": "clickstream-landing-use1", "key": "events/part-0001.json"},
  "responseElements": null,
  "additionalEventData": {"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256", "bytesTransferredIn": 0},
  "requestID": "3E57427F3EXAMPLE",
  "eventID": "d6a3c3d0-0000-4000-8000-000000000001",
  "readOnly": true,
  "resources": [{"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::clickstream-landing-use1/events/part-0001.json"}],
  "eventType": "AwsApiCall",
  "recipientAccountId": "111122223333",
  "vpcEndpointId": "vpce-0c4e6a8b2d1f3e5a7",
  "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader": "clickstream-landing-use1.s3.us-east-1.amazonaws.com"}
}"#;

pub const ATHENA_START: &str = r#"{
  "eventVersion": "1.08",
  "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/analyst", "accountId": "111122223333"},
  "eventTime": "2026-12-03T09:01:12Z",
  "eventSource": "athena.amazonaws.com",
  "eventName": "StartQueryExecution",
  "awsRegion": "us-east-1",
  "sourceIPAddress": "198.51.100.23",
  "userAgent": "AthenaJDBC/3.2.0 \u001b[2J",
  "errorCode": null,
  "requestID": "0a1b2c3d-EXAMPLE",
  "eventID": "d6a3c3d0-0000-4000-8000-000000000002",
  "recipientAccountId": "111122223333",
  "tlsDetails": {"tlsVersion": "TLSv1", "cipherSuite": "ECDHE-RSA-AES128-SHA", "clientProvidedHostHeader": "athena.us-east-1.amazonaws.com"}
}"#;
