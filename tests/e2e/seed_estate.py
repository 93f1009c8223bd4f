#!/usr/bin/env python3
"""Seed a realistic AWS estate into a running moto_launcher.py.

    python seed_estate.py --endpoint http://127.0.0.1:PORT --expect expect.json
    python seed_estate.py --endpoint http://127.0.0.1:PORT --buckets 2000 [--expect bench.json]

Default mode seeds account 123456789012 in us-east-1, eu-west-1 and
ap-southeast-2 (S3 buckets with many bucket-policy shapes, Athena workgroups,
Glue databases/tables, a VPC with endpoints, VPN connections, Direct Connect,
an organization with a resource control policy) and a second account
222222222222 reached with sts:AssumeRole on
arn:aws:iam::222222222222:role/intransit-audit, holding 3 buckets of its own.

--expect FILE gets the seeded facts and, per bucket, the verdict the scanner
must report (enforced / partial / not_enforced / unknown, as defined in
docs/POLICY-ANALYSIS.md: only explicit Deny statements with
aws:SecureTransport=false that cover principal *, every S3 action, the bucket
ARN and all objects, with no undecidable condition, make "enforced").

--org seeds an AWS Organization instead, managed from 123456789012: 12 member
accounts under Root/Security, Root/Workloads, Root/Workloads/Prod and
Root/Sandbox, tagged, most holding buckets (and two an Athena workgroup) of
their own; one of them ("legacy-billing") is the account whose role the test
then refuses, one ("old-marketing") is closed (SUSPENDED). The member role is
arn:aws:iam::ACCOUNT:role/OrganizationAccountAccessRole.

--buckets N only creates N buckets (round robin over the three regions), the
even-numbered half with the canonical deny-HTTP policy: for benchmarks.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import boto3
from botocore.config import Config

MAIN_ACCOUNT = "123456789012"
SECOND_ACCOUNT = "222222222222"
AUDIT_ROLE = f"arn:aws:iam::{SECOND_ACCOUNT}:role/intransit-audit"
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"]
HOME = "us-east-1"
PARTITION = "aws"


# ---------------------------------------------------------------------------
# clients
# ---------------------------------------------------------------------------
class Clients:
    def __init__(self, endpoint: str, creds: dict[str, str] | None = None):
        self.endpoint = endpoint
        self.creds = creds or {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
        self._cache: dict[tuple[str, str], Any] = {}
        self._cfg = Config(retries={"max_attempts": 2, "mode": "standard"}, max_pool_connections=32,
                           s3={"addressing_style": "path"})

    def __call__(self, service: str, region: str = HOME) -> Any:
        key = (service, region)
        if key not in self._cache:
            self._cache[key] = boto3.client(
                service, region_name=region, endpoint_url=self.endpoint, config=self._cfg, **self.creds
            )
        return self._cache[key]


def assume(c: Clients, role_arn: str, account: str) -> Clients:
    """Clients with the credentials of `role_arn`, checked to land in `account`."""
    cr = c("sts").assume_role(RoleArn=role_arn, RoleSessionName="intransit-e2e-seed")["Credentials"]
    other = Clients(c.endpoint, {
        "aws_access_key_id": cr["AccessKeyId"],
        "aws_secret_access_key": cr["SecretAccessKey"],
        "aws_session_token": cr["SessionToken"],
    })
    got = other("sts").get_caller_identity()["Account"]
    if got != account:
        raise SystemExit(f"assumed role landed in account {got}, expected {account}")
    return other


def assume_second_account(c: Clients) -> Clients:
    return assume(c, AUDIT_ROLE, SECOND_ACCOUNT)


def seed_post(endpoint: str, path: str, body: dict[str, Any]) -> Any:
    req = urllib.request.Request(
        endpoint.rstrip("/") + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


# ---------------------------------------------------------------------------
# bucket policies
# ---------------------------------------------------------------------------
def arn(bucket: str, suffix: str = "") -> str:
    return f"arn:{PARTITION}:s3:::{bucket}{suffix}"


def doc(*statements: dict[str, Any], version: str = "2012-10-17") -> str:
    return json.dumps({"Version": version, "Statement": list(statements)})


def deny_http(bucket: str, **over: Any) -> dict[str, Any]:
    st: dict[str, Any] = {
        "Sid": "AllowSSLRequestsOnly",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn(bucket), arn(bucket, "/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    st.update(over)
    return st


def canonical(bucket: str) -> str:
    """The policy AWS documents (and Security Hub S3.5 checks) to refuse plain HTTP."""
    return doc(deny_http(bucket))


def tls_floor(bucket: str, version: str = "1.2") -> dict[str, Any]:
    return {
        "Sid": "EnforceTLSv12orHigher",
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "s3:*",
        "Resource": [arn(bucket), arn(bucket, "/*")],
        "Condition": {"NumericLessThan": {"s3:TlsVersion": version}},
    }


# name, region, policy builder (None = no policy), verdict, min_tls, why
BucketSpec = tuple[str, str, "Callable[[str], str] | None", str, "str | None", str]

MAIN_BUCKETS: list[BucketSpec] = [
    ("it-canonical-deny-http", "us-east-1", canonical, "enforced", None,
     "AWS canonical Deny s3:* on bucket and bucket/* when aws:SecureTransport is \"false\""),
    ("it-bool-json-false", "eu-west-1",
     lambda b: doc(deny_http(b, Condition={"Bool": {"aws:SecureTransport": False}})), "enforced", None,
     "same as canonical with a JSON boolean false"),
    ("it-boolifexists", "ap-southeast-2",
     lambda b: doc(deny_http(b, Condition={"BoolIfExists": {"aws:SecureTransport": "false"}})), "enforced", None,
     "BoolIfExists aws:SecureTransport false (the key is always present)"),
    ("it-lowercase-keys", "us-east-1",
     lambda b: doc(deny_http(b, Condition={"Bool": {"AWS:securetransport": "false"}})), "enforced", None,
     "condition key written AWS:securetransport (key names are case-insensitive)"),
    ("it-statement-object", "eu-west-1",
     lambda b: json.dumps({"Version": "2012-10-17", "Statement": deny_http(b, Principal={"AWS": "*"},
                                                                             Action=["s3:*"])}),
     "enforced", None, "Statement as a single object, Principal {\"AWS\": \"*\"}, Action as an array"),
    ("it-bucket-wildcard", "ap-southeast-2",
     lambda b: doc(deny_http(b, Resource=arn(b, "*"))), "enforced", None,
     "one resource arn:aws:s3:::NAME* covers the bucket and every object"),
    ("it-version-2008", "us-east-1", lambda b: doc(deny_http(b), version="2008-10-17"), "enforced", None,
     "canonical statement under policy Version 2008-10-17 (warning version_2008)"),
    ("it-tls12-and-http", "eu-west-1", lambda b: doc(deny_http(b), tls_floor(b)), "enforced", "1.2",
     "canonical deny-HTTP plus Deny NumericLessThan s3:TlsVersion 1.2"),
    ("it-tls-floor-only", "ap-southeast-2", lambda b: doc(tls_floor(b)), "not_enforced", "1.2",
     "only a TLS floor: s3:TlsVersion is absent on plain HTTP so NumericLessThan is false, HTTP passes"),
    ("it-allow-only-securetransport", "us-east-1",
     lambda b: doc({"Sid": "AllowTLSOnly", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                    "Resource": arn(b, "/*"), "Condition": {"Bool": {"aws:SecureTransport": "true"}}}),
     "not_enforced", None, "Allow if SecureTransport true denies nothing (warning allow_does_not_deny)"),
    ("it-deny-prefix-only", "eu-west-1",
     lambda b: doc(deny_http(b, Resource=arn(b, "/logs/*"))), "partial", None,
     "Deny limited to objects under logs/: other keys and the bucket ARN accept HTTP"),
    ("it-deny-objects-only", "ap-southeast-2",
     lambda b: doc(deny_http(b, Resource=arn(b, "/*"))), "partial", None,
     "Deny on bucket/* only: bucket-level actions (ListBucket...) accept HTTP"),
    ("it-deny-sourcevpce", "us-east-1",
     lambda b: doc(deny_http(b, Condition={"Bool": {"aws:SecureTransport": "false"},
                                           "StringNotEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f60718"}})),
     "partial", None, "Deny HTTP only when not coming through one VPC endpoint (undecidable condition)"),
    ("it-notprincipal-exempt", "eu-west-1",
     lambda b: doc({k: v for k, v in deny_http(b).items() if k != "Principal"}
                   | {"NotPrincipal": {"AWS": f"arn:aws:iam::{MAIN_ACCOUNT}:role/legacy-etl"}}),
     "partial", None, "NotPrincipal exempts role legacy-etl from the HTTP deny"),
    ("it-deny-specific-principal", "ap-southeast-2",
     lambda b: doc(deny_http(b, Principal={"AWS": f"arn:aws:iam::{MAIN_ACCOUNT}:root"})), "partial", None,
     "Deny HTTP only for the account's own principals, not anonymous/others"),
    ("it-deny-getobject-only", "us-east-1",
     lambda b: doc(deny_http(b, Action="s3:GetObject")), "partial", None,
     "Deny HTTP for s3:GetObject only: PutObject, ListBucket... accept HTTP"),
    ("it-denies-https", "eu-west-1",
     lambda b: doc(deny_http(b, Condition={"Bool": {"aws:SecureTransport": "true"}})), "not_enforced", None,
     "mistaken policy denying HTTPS instead of HTTP (warning denies_https)"),
    ("it-never-applies", "ap-southeast-2",
     lambda b: doc(deny_http(b, Condition={"Bool": {"aws:SecureTransport": "false"},
                                           "NumericLessThan": {"s3:TlsVersion": "1.2"}})), "not_enforced", None,
     "ANDs SecureTransport false with a TLS version: can never match (warning never_applies)"),
    ("it-no-policy", "us-east-1", None, "not_enforced", None, "no bucket policy at all"),
    ("it-invalid-json", "eu-west-1", lambda b: '{"Version": "2012-10-17", "Statement": [ {"Effect": "Deny",',
     "unknown", None, "stored policy is not valid JSON (moto accepts it, AWS would refuse)"),
    ("it-wrong-bucket-policy", "ap-southeast-2", lambda b: canonical("some-other-bucket"), "not_enforced", None,
     "canonical policy naming another bucket (warning not_this_bucket)"),
    ("it-athena-results-enforced", "us-east-1", canonical, "enforced", None,
     "output bucket of the enforcing Athena workgroup"),
    ("it-athena-results-adhoc", "us-east-1", None, "not_enforced", None,
     "output bucket of the non-enforcing Athena workgroup"),
    ("it-datalake-raw", "us-east-1", canonical, "enforced", None, "Glue tables sales.orders / events.*"),
    ("it-datalake-curated", "us-east-1", lambda b: doc(deny_http(b, Resource=arn(b, "/*"))), "partial", None,
     "Glue table sales.customers; Deny covers objects only"),
]

SECOND_BUCKETS: list[BucketSpec] = [
    ("it-b-enforced", "us-east-1", canonical, "enforced", None, "second account, canonical policy"),
    ("it-b-no-policy", "eu-west-1", None, "not_enforced", None, "second account, no policy"),
    ("it-b-shared-lake", "ap-southeast-2", lambda b: doc(deny_http(b, Action="s3:GetObject")), "partial", None,
     "second account, Deny HTTP on GetObject only; a Glue table of account 123456789012 points here"),
]


def create_bucket(c: Clients, name: str, region: str) -> None:
    s3 = c("s3", region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})


def seed_buckets(c: Clients, account: str, specs: list[BucketSpec], expect: dict[str, Any]) -> None:
    for name, region, policy, verdict, min_tls, why in specs:
        create_bucket(c, name, region)
        if policy is not None:
            c("s3", region).put_bucket_policy(Bucket=name, Policy=policy(name))
        expect["buckets"][name] = {
            "region": region,
            "account": account,
            "verdict": verdict,
            "min_tls": min_tls,
            "has_policy": policy is not None,
            "why": why,
        }
    # a few extra bucket settings the scanner may read
    if account == MAIN_ACCOUNT:
        s3 = c("s3", "us-east-1")
        s3.put_public_access_block(
            Bucket="it-canonical-deny-http",
            PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                            "BlockPublicPolicy": True, "RestrictPublicBuckets": True},
        )
        s3.put_bucket_encryption(
            Bucket="it-athena-results-enforced",
            ServerSideEncryptionConfiguration={"Rules": [{
                "ApplyServerSideEncryptionByDefault": {
                    "SSEAlgorithm": "aws:kms",
                    "KMSMasterKeyID": f"arn:aws:kms:us-east-1:{MAIN_ACCOUNT}:key/1111aaaa-2222-bbbb-3333-cccc4444dddd"},
                "BucketKeyEnabled": True}]},
        )
        expect["s3_settings"] = {
            "it-canonical-deny-http": {"public_access_block": "all four true"},
            "it-athena-results-enforced": {"encryption": "aws:kms with bucket key"},
            "others": {"encryption": "AES256 default (launcher patch)", "public_access_block": "none"},
        }


# ---------------------------------------------------------------------------
# Athena + Glue
# ---------------------------------------------------------------------------
def seed_athena_glue(c: Clients, expect: dict[str, Any]) -> None:
    ath = c("athena", HOME)
    kms = f"arn:aws:kms:us-east-1:{MAIN_ACCOUNT}:key/1111aaaa-2222-bbbb-3333-cccc4444dddd"
    ath.create_work_group(
        Name="it-enforced",
        Description="analysts: settings enforced, results to a TLS-only bucket",
        Configuration={
            "ResultConfiguration": {
                "OutputLocation": "s3://it-athena-results-enforced/results/",
                "EncryptionConfiguration": {"EncryptionOption": "SSE_KMS", "KmsKey": kms},
                "ExpectedBucketOwner": MAIN_ACCOUNT,
            },
            "EnforceWorkGroupConfiguration": True,
            "PublishCloudWatchMetricsEnabled": True,
            "EngineVersion": {"SelectedEngineVersion": "Athena engine version 3"},
        },
    )
    ath.create_work_group(
        Name="it-adhoc",
        Description="ad hoc: client settings win",
        Configuration={
            "ResultConfiguration": {
                "OutputLocation": "s3://it-athena-results-adhoc/",
                "EncryptionConfiguration": {"EncryptionOption": "SSE_S3"},
            },
            "EnforceWorkGroupConfiguration": False,
            "EngineVersion": {"SelectedEngineVersion": "AUTO"},
        },
    )
    expect["athena"] = {
        "region": HOME,
        "workgroups": {
            "primary": {"enforce": False, "output_location": None, "output_bucket": None},
            "it-enforced": {"enforce": True, "output_location": "s3://it-athena-results-enforced/results/",
                            "output_bucket": "it-athena-results-enforced", "encryption": "SSE_KMS",
                            "expected_bucket_owner": MAIN_ACCOUNT, "engine": "Athena engine version 3"},
            "it-adhoc": {"enforce": False, "output_location": "s3://it-athena-results-adhoc/",
                         "output_bucket": "it-athena-results-adhoc", "encryption": "SSE_S3", "engine": "AUTO"},
        },
        "catalog": "AwsDataCatalog",
        "databases": {},
    }

    def table(db: str, name: str, location: str, region: str = HOME, partitioned: bool = False) -> None:
        c("glue", region).create_table(
            DatabaseName=db,
            TableInput={
                "Name": name,
                "TableType": "EXTERNAL_TABLE",
                "Parameters": {"classification": "parquet", "EXTERNAL": "TRUE"},
                "StorageDescriptor": {
                    "Location": location,
                    "Columns": [{"Name": "id", "Type": "bigint"}, {"Name": "payload", "Type": "string",
                                                                  "Comment": "raw event"}],
                    "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                    "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                    "SerdeInfo": {"SerializationLibrary":
                                  "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                                  "Parameters": {"serialization.format": "1"}},
                },
                "PartitionKeys": [{"Name": "dt", "Type": "string"}] if partitioned else [],
            },
        )
        expect["athena"]["databases"].setdefault(f"{region}/{db}", {})[name] = location

    glue = c("glue", HOME)
    glue.create_database(DatabaseInput={"Name": "sales", "Description": "sales data"})
    table("sales", "orders", "s3://it-datalake-raw/sales/orders/", partitioned=True)
    table("sales", "customers", "s3://it-datalake-curated/customers/")
    table("sales", "partner_feed", "s3://it-b-shared-lake/feed/")  # other account's bucket
    glue.create_database(DatabaseInput={"Name": "events", "Description": "60 tables: ListTableMetadata paginates"})
    for i in range(60):
        table("events", f"event_{i:02d}", f"s3://it-datalake-raw/events/event_{i:02d}/", partitioned=True)
    c("glue", "eu-west-1").create_database(DatabaseInput={"Name": "eu_analytics"})
    table("eu_analytics", "clicks", "s3://it-deny-prefix-only/logs/clicks/", region="eu-west-1")
    expect["athena"]["other_account_locations"] = {"sales.partner_feed": "it-b-shared-lake"}


# ---------------------------------------------------------------------------
# EC2: VPC endpoints, VPN, TGW
# ---------------------------------------------------------------------------
GATEWAY_S3_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "OwnBucketsOnly", "Effect": "Allow", "Principal": "*",
                   "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                   "Resource": ["arn:aws:s3:::it-*", "arn:aws:s3:::it-*/*"]}],
}

STRONG_TUNNEL = {
    "Phase1EncryptionAlgorithms": [{"Value": "AES256-GCM-16"}],
    "Phase2EncryptionAlgorithms": [{"Value": "AES256-GCM-16"}],
    "Phase1IntegrityAlgorithms": [{"Value": "SHA2-384"}],
    "Phase2IntegrityAlgorithms": [{"Value": "SHA2-384"}],
    "Phase1DHGroupNumbers": [{"Value": 20}],
    "Phase2DHGroupNumbers": [{"Value": 20}],
    "IKEVersions": [{"Value": "ikev2"}],
}
WEAK_TUNNEL = {
    "Phase1EncryptionAlgorithms": [{"Value": "AES128"}],
    "Phase2EncryptionAlgorithms": [{"Value": "AES128"}],
    "Phase1IntegrityAlgorithms": [{"Value": "SHA1"}],
    "Phase2IntegrityAlgorithms": [{"Value": "SHA1"}],
    "Phase1DHGroupNumbers": [{"Value": 2}],
    "Phase2DHGroupNumbers": [{"Value": 2}],
    "IKEVersions": [{"Value": "ikev1"}],
}


def seed_network(c: Clients, expect: dict[str, Any]) -> None:
    ec2 = c("ec2", HOME)
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16",
                         TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "it-analytics"}]}]
                         )["Vpc"]["VpcId"]
    sub_a = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    sub_b = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.2.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    endpoints = []
    for svc, dns in (("athena", True), ("glue", True), ("sts", True), ("kms", False)):
        e = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.us-east-1.{svc}",
                                    VpcEndpointType="Interface", SubnetIds=[sub_a, sub_b], PrivateDnsEnabled=dns)
        endpoints.append({"id": e["VpcEndpoint"]["VpcEndpointId"], "service": svc, "type": "Interface",
                          "private_dns": dns, "vpc": vpc})
    e = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.s3", VpcEndpointType="Gateway",
                                RouteTableIds=[rtb], PolicyDocument=json.dumps(GATEWAY_S3_POLICY))
    endpoints.append({"id": e["VpcEndpoint"]["VpcEndpointId"], "service": "s3", "type": "Gateway",
                      "private_dns": False, "vpc": vpc, "policy": "restricted to arn:aws:s3:::it-*"})
    # a second VPC in eu-west-1 with no endpoint at all
    eu_vpc = c("ec2", "eu-west-1").create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]

    cgw = ec2.create_customer_gateway(BgpAsn=65010, PublicIp="203.0.113.10", Type="ipsec.1")["CustomerGateway"][
        "CustomerGatewayId"]
    vgw = ec2.create_vpn_gateway(Type="ipsec.1", AmazonSideAsn=64512)["VpnGateway"]["VpnGatewayId"]
    ec2.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    vpn1 = ec2.create_vpn_connection(
        CustomerGatewayId=cgw, VpnGatewayId=vgw, Type="ipsec.1",
        Options={"StaticRoutesOnly": True, "TunnelOptions": [WEAK_TUNNEL, STRONG_TUNNEL]},
        TagSpecifications=[{"ResourceType": "vpn-connection", "Tags": [
            {"Key": "Name", "Value": "it-branch-office"}, {"Key": "e2e:tunnel-status", "Value": "UP,DOWN"}]}],
    )["VpnConnection"]["VpnConnectionId"]

    tgw = ec2.create_transit_gateway(Description="it-core-tgw")["TransitGateway"]["TransitGatewayId"]
    cgw2 = ec2.create_customer_gateway(BgpAsn=65020, PublicIp="203.0.113.20", Type="ipsec.1")["CustomerGateway"][
        "CustomerGatewayId"]
    vpn2 = ec2.create_vpn_connection(
        CustomerGatewayId=cgw2, TransitGatewayId=tgw, Type="ipsec.1",
        Options={"TunnelOptions": [STRONG_TUNNEL, STRONG_TUNNEL]},
        TagSpecifications=[{"ResourceType": "vpn-connection", "Tags": [{"Key": "Name", "Value": "it-dc-tgw"}]}],
    )["VpnConnection"]["VpnConnectionId"]
    # telemetry can also be (re)set through the launcher's side endpoint:
    seed_post(c.endpoint, "/_seed/ec2/vpn-telemetry",
              {"account": MAIN_ACCOUNT, "region": HOME, "vpnConnectionId": vpn2, "statuses": ["UP", "UP"]})

    expect["network"] = {
        "region": HOME,
        "vpc": vpc,
        "vpc_without_endpoints": {"region": "eu-west-1", "vpc": eu_vpc},
        "vpc_endpoints": endpoints,
        "vpn_connections": {
            vpn1: {"name": "it-branch-office", "vpn_gateway": vgw,
                   "tunnels": [{"status": "UP", "weak": True, "ike": ["ikev1"], "phase1_integrity": ["SHA1"],
                                "phase1_dh": [2]},
                               {"status": "DOWN", "weak": False, "ike": ["ikev2"]}]},
            vpn2: {"name": "it-dc-tgw", "transit_gateway": tgw,
                   "tunnels": [{"status": "UP", "weak": False}, {"status": "UP", "weak": False}]},
        },
        "vpn_gateways": [vgw],
        "transit_gateways": [tgw],
    }


# ---------------------------------------------------------------------------
# Direct Connect
# ---------------------------------------------------------------------------
def seed_directconnect(c: Clients, expect: dict[str, Any]) -> None:
    dx = c("directconnect", HOME)
    plain = dx.create_connection(location="EqDC2", bandwidth="10Gbps", connectionName="it-dx-primary")
    macsec = dx.create_connection(location="EqDC2", bandwidth="100Gbps", connectionName="it-dx-macsec",
                                  requestMACSec=True)
    # explicit wire values (the launcher also defaults them)
    seed_post(c.endpoint, "/_seed/directconnect/connections",
              {"account": MAIN_ACCOUNT, "region": HOME, "connectionId": plain["connectionId"],
               "set": {"macSecCapable": False, "encryptionMode": "no_encrypt",
                       "portEncryptionStatus": "Encryption Down", "hasLogicalRedundancy": "no"}})
    seed_post(c.endpoint, "/_seed/directconnect/connections",
              {"account": MAIN_ACCOUNT, "region": HOME, "connectionId": macsec["connectionId"],
               "set": {"hasLogicalRedundancy": "yes"}})
    vgw = expect.get("network", {}).get("vpn_gateways", [None])[0]
    vif = dx.create_private_virtual_interface(
        connectionId=plain["connectionId"],
        newPrivateVirtualInterface={"virtualInterfaceName": "it-private-vif", "vlan": 101, "asn": 65100,
                                    "virtualGatewayId": vgw or "vgw-00000000"},
    )
    vif2 = seed_post(c.endpoint, "/_seed/directconnect/virtual-interfaces", {
        "account": MAIN_ACCOUNT, "region": HOME,
        "virtualInterfaces": [{"connectionId": macsec["connectionId"], "virtualInterfaceType": "transit",
                               "virtualInterfaceName": "it-transit-vif", "vlan": 202, "asn": 65200,
                               "directConnectGatewayId": "dxgw-it-0001", "mtu": 8500,
                               "jumboFrameCapable": True}]})["virtualInterfaces"][0]
    expect["directconnect"] = {
        "region": HOME,
        "connections": {
            plain["connectionId"]: {"name": "it-dx-primary", "macsec_capable": False, "encryption_mode": "no_encrypt",
                                    "port_encryption_status": "Encryption Down", "has_logical_redundancy": "no"},
            macsec["connectionId"]: {"name": "it-dx-macsec", "macsec_capable": True,
                                     "encryption_mode": "must_encrypt",
                                     "port_encryption_status": "Encryption Up", "has_logical_redundancy": "yes"},
        },
        "virtual_interfaces": {
            vif["virtualInterfaceId"]: {"type": "private", "connection": plain["connectionId"]},
            vif2["virtualInterfaceId"]: {"type": "transit", "connection": macsec["connectionId"]},
        },
        "regions_without_dx": ["eu-west-1", "ap-southeast-2"],
    }


# ---------------------------------------------------------------------------
# Organizations
# ---------------------------------------------------------------------------
RCP = {
    "Version": "2012-10-17",
    "Statement": [{
        "Sid": "EnforceSecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": ["s3:*", "sts:*", "kms:*"],
        "Resource": "*",
        "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}},
    }],
}


def seed_organizations(c: Clients, expect: dict[str, Any]) -> None:
    org = c("organizations", HOME)
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType="RESOURCE_CONTROL_POLICY")
    ou = org.create_organizational_unit(ParentId=root, Name="it-workloads")["OrganizationalUnit"]["Id"]
    pol = org.create_policy(Name="it-deny-insecure-transport", Description="RCP: refuse plain HTTP",
                            Type="RESOURCE_CONTROL_POLICY", Content=json.dumps(RCP))["Policy"]["PolicySummary"]
    org.attach_policy(PolicyId=pol["Id"], TargetId=ou)
    expect["organizations"] = {
        "management_account": MAIN_ACCOUNT,
        "root": root,
        "rcps": {
            pol["Id"]: {"name": "it-deny-insecure-transport", "targets": [ou], "denies_http": True,
                        "note": "attached to an OU with no account in it: bucket verdicts above ignore it"},
            "p-RCPFullAWSAccess": {"name": "RCPFullAWSAccess", "aws_managed": True, "denies_http": False},
        },
    }


# ---------------------------------------------------------------------------
# organization mode (--org)
# ---------------------------------------------------------------------------
ORG_ROLE = "OrganizationAccountAccessRole"

# (name, OU path, tags, buckets: (suffix, region, canonical deny-HTTP policy?), workgroup?, fate)
ORG_MEMBERS: list[tuple[str, str, dict[str, str], list[tuple[str, str, bool]], bool, str]] = [
    ("security-tooling", "Root/Security", {"team": "secops", "env": "prod"},
     [("findings", "us-east-1", True)], False, "scanned"),
    ("log-archive", "Root/Security", {"team": "secops", "env": "prod", "data-class": "restricted"},
     [("cloudtrail", "us-east-1", True), ("access-logs", "eu-west-1", False)], False, "scanned"),
    ("payments-prod", "Root/Workloads/Prod", {"team": "payments", "env": "prod", "cost-center": "cc-410"},
     [("ledger", "us-east-1", True), ("athena-results", "us-east-1", True)], True, "scanned"),
    ("analytics-prod", "Root/Workloads/Prod", {"team": "analytics", "env": "prod"},
     [("lake-raw", "us-east-1", False), ("athena-results", "us-east-1", False)], True, "scanned"),
    ("data-lake", "Root/Workloads/Prod", {"team": "analytics", "env": "prod", "data-class": "restricted"},
     [("curated", "eu-west-1", True)], False, "scanned"),
    ("payments-dev", "Root/Workloads", {"team": "payments", "env": "dev"},
     [("scratch", "us-east-1", False)], False, "scanned"),
    ("analytics-dev", "Root/Workloads", {"team": "analytics", "env": "dev"}, [], False, "scanned"),
    ("ml-research", "Root/Workloads", {"team": "ml", "env": "dev"},
     [("features", "ap-southeast-2", True)], False, "scanned"),
    ("sandbox-alice", "Root/Sandbox", {"env": "sandbox", "owner": "alice"},
     [("tmp", "us-east-1", False)], False, "scanned"),
    ("sandbox-bob", "Root/Sandbox", {"env": "sandbox", "owner": "bob"}, [], False, "scanned"),
    ("legacy-billing", "Root/Workloads", {"team": "billing", "env": "prod"},
     [("invoices", "us-east-1", False)], False, "refused"),
    ("old-marketing", "Root/Sandbox", {"team": "marketing"}, [], False, "suspended"),
]


def seed_org(c: Clients, expect: dict[str, Any]) -> None:
    org = c("organizations", HOME)
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ous: dict[str, str] = {"Root": root}
    for path in ["Root/Security", "Root/Workloads", "Root/Workloads/Prod", "Root/Sandbox"]:
        parent, name = path.rsplit("/", 1)
        ous[path] = org.create_organizational_unit(ParentId=ous[parent], Name=name)["OrganizationalUnit"]["Id"]
    accounts: dict[str, Any] = {
        MAIN_ACCOUNT: {"name": org.describe_account(AccountId=MAIN_ACCOUNT)["Account"]["Name"],
                       "ou_path": "Root", "tags": {}, "fate": "scanned", "buckets": {}},
    }
    mgmt_bucket = "org-management-trail"
    c("s3").create_bucket(Bucket=mgmt_bucket)
    c("s3").put_bucket_policy(Bucket=mgmt_bucket, Policy=canonical(mgmt_bucket))
    accounts[MAIN_ACCOUNT]["buckets"][mgmt_bucket] = "enforced"
    for name, path, tags, buckets, workgroup, fate in ORG_MEMBERS:
        status = org.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]
        account = status["AccountId"]
        org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=ous[path])
        org.tag_resource(ResourceId=account, Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
        member = assume(c, f"arn:{PARTITION}:iam::{account}:role/{ORG_ROLE}", account)
        seeded: dict[str, str] = {}
        for suffix, region, deny in buckets:
            bucket = f"org-{name}-{suffix}"
            create_bucket(member, bucket, region)
            if deny:
                member("s3", region).put_bucket_policy(Bucket=bucket, Policy=canonical(bucket))
            seeded[bucket] = "enforced" if deny else "not_enforced"
        workgroups = []
        if workgroup:
            wg = f"{name}-analysts"
            member("athena", HOME).create_work_group(Name=wg, Configuration={
                "ResultConfiguration": {"OutputLocation": f"s3://org-{name}-athena-results/"},
                "EnforceWorkGroupConfiguration": True,
            })
            workgroups.append(wg)
        if fate == "suspended":
            org.close_account(AccountId=account)
        accounts[account] = {"name": name, "ou_path": path, "tags": tags, "fate": fate,
                             "buckets": seeded, "workgroups": workgroups}
    expect["org"] = {"root": root, "ous": ous, "role": ORG_ROLE, "accounts": accounts}


# ---------------------------------------------------------------------------
# benchmark mode
# ---------------------------------------------------------------------------
def seed_bench(c: Clients, n: int, expect: dict[str, Any], workers: int) -> None:
    def one(i: int) -> tuple[str, dict[str, Any]]:
        name = f"bench-{i:05d}"
        region = REGIONS[i % len(REGIONS)]
        create_bucket(c, name, region)
        enforced = i % 2 == 0
        if enforced:
            c("s3", region).put_bucket_policy(Bucket=name, Policy=canonical(name))
        return name, {"region": region, "account": MAIN_ACCOUNT, "verdict": "enforced" if enforced else "not_enforced",
                      "min_tls": None, "has_policy": enforced}

    # build clients up-front (boto3 client creation is not thread-safe)
    for r in REGIONS:
        c("s3", r)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for name, facts in pool.map(one, range(n)):
            expect["buckets"][name] = facts


# ---------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--endpoint", required=True, help="http://127.0.0.1:PORT printed by moto_launcher.py")
    ap.add_argument("--expect", help="write the seeded expectations (JSON) to this file")
    ap.add_argument("--buckets", type=int, help="benchmark mode: only create N buckets (half canonical policy)")
    ap.add_argument("--workers", type=int, default=8, help="parallel requests in --buckets mode")
    ap.add_argument("--org", action="store_true", help="seed an organization of 13 accounts instead")
    args = ap.parse_args(argv)

    t0 = time.monotonic()
    c = Clients(args.endpoint)
    if c("sts").get_caller_identity()["Account"] != MAIN_ACCOUNT:
        raise SystemExit("default credentials do not map to 123456789012")
    expect: dict[str, Any] = {
        "endpoint": args.endpoint,
        "partition": PARTITION,
        "accounts": {MAIN_ACCOUNT: {"regions": REGIONS, "credentials": "testing/testing"}},
        "buckets": {},
    }
    if args.buckets is not None:
        expect["mode"] = "bench"
        seed_bench(c, args.buckets, expect, args.workers)
    elif args.org:
        expect["mode"] = "org"
        seed_org(c, expect)
    else:
        expect["mode"] = "estate"
        other = assume_second_account(c)
        expect["accounts"][SECOND_ACCOUNT] = {"role_arn": AUDIT_ROLE, "regions": REGIONS}
        seed_buckets(c, MAIN_ACCOUNT, MAIN_BUCKETS, expect)
        seed_buckets(other, SECOND_ACCOUNT, SECOND_BUCKETS, expect)
        seed_athena_glue(c, expect)
        seed_network(c, expect)
        seed_directconnect(c, expect)
        seed_organizations(c, expect)
    counts: dict[str, int] = {}
    for b in expect["buckets"].values():
        counts[b["verdict"]] = counts.get(b["verdict"], 0) + 1
    expect["verdict_counts"] = dict(sorted(counts.items()))
    if args.expect:
        with open(args.expect, "w") as f:
            json.dump(expect, f, indent=2, sort_keys=False)
            f.write("\n")
    print(f"seeded {expect['mode']}: {len(expect['buckets'])} buckets {expect['verdict_counts']} "
          f"in {time.monotonic() - t0:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
