#!/usr/bin/env python3
"""Call every read operation intransit uses against a seeded moto_launcher.py
and check the answers (including the launcher's patches and the wire types the
AWS Rust SDK insists on).

    python check_reads.py --endpoint http://127.0.0.1:PORT --expect expect.json

Ends with a line "N passed, M failed"; exit status 1 when anything failed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import traceback
from typing import Any, Callable

from botocore.exceptions import ClientError

from seed_estate import AUDIT_ROLE, MAIN_ACCOUNT, SECOND_ACCOUNT, Clients, assume_second_account

RESULTS = {"passed": 0, "failed": 0}


def check(name: str, fn: Callable[[], Any]) -> None:
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        RESULTS["failed"] += 1
        print(f"FAIL {name}: {type(e).__name__}: {e}")
        if not isinstance(e, AssertionError):
            traceback.print_exc(limit=3)
    else:
        RESULTS["passed"] += 1
        print(f"ok   {name}")


def error_code(fn: Callable[[], Any]) -> str:
    try:
        fn()
    except ClientError as e:
        return e.response["Error"]["Code"]
    return "NoError"


class Raw:
    """Keeps the last raw HTTP body a client received."""

    def __init__(self, client: Any):
        self.body = b""
        client.meta.events.register("after-call", self._grab)

    def _grab(self, http_response: Any, **_: Any) -> None:
        self.body = http_response.content


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--expect", required=True)
    args = ap.parse_args(argv)
    exp = json.load(open(args.expect))
    c = Clients(args.endpoint)
    main_buckets = {n: b for n, b in exp["buckets"].items() if b["account"] == MAIN_ACCOUNT}
    second_buckets = {n: b for n, b in exp["buckets"].items() if b["account"] == SECOND_ACCOUNT}

    # ---------------- STS
    def sts_identity() -> None:
        r = c("sts").get_caller_identity()
        assert r["Account"] == MAIN_ACCOUNT, r
        assert r["Arn"].startswith("arn:aws:"), r

    check("sts GetCallerIdentity", sts_identity)
    holder: dict[str, Clients] = {}

    def sts_assume() -> None:
        holder["other"] = assume_second_account(c)
        ident = holder["other"]("sts").get_caller_identity()
        assert ident["Account"] == SECOND_ACCOUNT, ident
        assert ":assumed-role/intransit-audit/" in ident["Arn"], ident
        assert AUDIT_ROLE.split(":")[4] == SECOND_ACCOUNT

    check("sts AssumeRole into 222222222222", sts_assume)
    other = holder.get("other")

    # ---------------- S3
    s3 = c("s3", "us-east-1")

    def list_all() -> None:
        names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
        assert set(names) == set(main_buckets), set(names) ^ set(main_buckets)
        assert names == sorted(names), "not sorted by name"

    check("s3 ListBuckets (account isolation, sorted)", list_all)

    def list_paged() -> None:
        seen, token, pages = [], None, 0
        while True:
            kw: dict[str, Any] = {"MaxBuckets": 5}
            if token:
                kw["ContinuationToken"] = token
            r = s3.list_buckets(**kw)
            pages += 1
            assert len(r["Buckets"]) <= 5
            for b in r["Buckets"]:
                assert b["BucketRegion"] == main_buckets[b["Name"]]["region"], b
                seen.append(b["Name"])
            token = r.get("ContinuationToken")
            if not token:
                break
            assert pages < 100
        assert sorted(seen) == sorted(main_buckets) and len(seen) == len(set(seen)), seen
        assert pages == -(-len(main_buckets) // 5), pages

    check("s3 ListBuckets MaxBuckets=5 + ContinuationToken + BucketRegion", list_paged)

    def list_paginator() -> None:
        names = []
        for page in s3.get_paginator("list_buckets").paginate(PaginationConfig={"PageSize": 7}):
            names += [b["Name"] for b in page["Buckets"]]
        assert sorted(names) == sorted(main_buckets)

    check("s3 ListBuckets via boto3 paginator", list_paginator)

    def list_filters() -> None:
        r = s3.list_buckets(Prefix="it-deny-")
        assert r.get("Prefix") == "it-deny-"
        assert all(b["Name"].startswith("it-deny-") for b in r["Buckets"]) and r["Buckets"]
        r = s3.list_buckets(BucketRegion="ap-southeast-2")
        want = {n for n, b in main_buckets.items() if b["region"] == "ap-southeast-2"}
        assert {b["Name"] for b in r["Buckets"]} == want
        assert error_code(lambda: s3.list_buckets(ContinuationToken="garbage")) == "InvalidArgument"

    check("s3 ListBuckets Prefix / BucketRegion / bad token", list_filters)

    def locations() -> None:
        raw = Raw(s3)
        for name, b in main_buckets.items():
            loc = s3.get_bucket_location(Bucket=name)["LocationConstraint"]
            if b["region"] == "us-east-1":
                assert loc is None, (name, loc)
                assert b"<LocationConstraint" in raw.body and b"us-east-1" not in raw.body, raw.body
            else:
                assert loc == b["region"], (name, loc)

    check("s3 GetBucketLocation (empty for us-east-1, as AWS)", locations)

    def policies() -> None:
        for name, b in main_buckets.items():
            if not b["has_policy"]:
                assert error_code(lambda: s3.get_bucket_policy(Bucket=name)) == "NoSuchBucketPolicy", name
                continue
            text = s3.get_bucket_policy(Bucket=name)["Policy"]
            if b["verdict"] == "unknown":
                assert text.startswith('{"Version": "2012-10-17", "Statement": [ {"Effect": "Deny",'), text
                try:
                    json.loads(text)
                except ValueError:
                    pass
                else:
                    raise AssertionError("invalid policy came back valid")
            else:
                json.loads(text)

    check("s3 GetBucketPolicy (verbatim, invalid JSON kept)", policies)

    def policy_status() -> None:
        r = s3.get_bucket_policy_status(Bucket="it-canonical-deny-http")["PolicyStatus"]
        assert r["IsPublic"] is False, r
        r = s3.get_bucket_policy_status(Bucket="it-allow-only-securetransport")["PolicyStatus"]
        assert r["IsPublic"] is True, r
        assert error_code(lambda: s3.get_bucket_policy_status(Bucket="it-no-policy")) == "NoSuchBucketPolicy"

    check("s3 GetBucketPolicyStatus", policy_status)

    def pab() -> None:
        r = s3.get_public_access_block(Bucket="it-canonical-deny-http")["PublicAccessBlockConfiguration"]
        assert all(r.values()) and len(r) == 4, r
        assert error_code(lambda: s3.get_public_access_block(Bucket="it-no-policy")) == \
            "NoSuchPublicAccessBlockConfiguration"

    check("s3 GetPublicAccessBlock", pab)

    def enc() -> None:
        r = s3.get_bucket_encryption(Bucket="it-no-policy")["ServerSideEncryptionConfiguration"]["Rules"][0]
        assert r["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256", r
        r = s3.get_bucket_encryption(Bucket="it-athena-results-enforced")["ServerSideEncryptionConfiguration"]
        rule = r["Rules"][0]
        assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms" and rule["BucketKeyEnabled"]

    check("s3 GetBucketEncryption (default SSE-S3, KMS when set)", enc)

    if other is not None:
        def second_account_s3() -> None:
            s3b = other("s3", "us-east-1")
            names = {b["Name"] for b in s3b.list_buckets()["Buckets"]}
            assert names == set(second_buckets), names
            for name, b in second_buckets.items():
                loc = s3b.get_bucket_location(Bucket=name)["LocationConstraint"]
                assert (loc or "us-east-1") == b["region"]
            assert s3b.get_bucket_policy(Bucket="it-b-enforced")["Policy"]
            # cross-account reads: AccessDenied (launcher default --s3-cross-account deny)
            assert error_code(lambda: s3b.get_bucket_policy(Bucket="it-canonical-deny-http")) == "AccessDenied"
            assert error_code(lambda: s3.get_bucket_policy(Bucket="it-b-enforced")) == "AccessDenied"
            assert error_code(lambda: s3.get_bucket_location(Bucket="it-b-shared-lake")) == "AccessDenied"

        check("s3 second account sees only its 3 buckets; cross-account reads AccessDenied", second_account_s3)

    # ---------------- Athena / Glue
    ath = c("athena", "us-east-1")
    wgs = exp["athena"]["workgroups"]

    def workgroups() -> None:
        names, token = [], None
        while True:
            kw: dict[str, Any] = {"MaxResults": 2}
            if token:
                kw["NextToken"] = token
            r = ath.list_work_groups(**kw)
            names += [w["Name"] for w in r["WorkGroups"]]
            assert all("EngineVersion" in w for w in r["WorkGroups"])
            token = r.get("NextToken")
            if not token:
                break
        assert sorted(names) == sorted(wgs), names
        for name, w in wgs.items():
            g = ath.get_work_group(WorkGroup=name)["WorkGroup"]
            cfg = g["Configuration"]
            assert cfg["EnforceWorkGroupConfiguration"] is w["enforce"], (name, cfg)
            rc = cfg.get("ResultConfiguration", {})
            assert rc.get("OutputLocation") == w["output_location"], (name, rc)
            if w.get("encryption"):
                assert rc["EncryptionConfiguration"]["EncryptionOption"] == w["encryption"]
            if w.get("expected_bucket_owner"):
                assert rc["ExpectedBucketOwner"] == w["expected_bucket_owner"]
            assert "SelectedEngineVersion" in cfg["EngineVersion"]
        g1 = ath.get_work_group(WorkGroup="it-enforced")["WorkGroup"]["CreationTime"]
        g2 = ath.get_work_group(WorkGroup="it-enforced")["WorkGroup"]["CreationTime"]
        assert g1 == g2, "CreationTime not stable"
        assert error_code(lambda: ath.get_work_group(WorkGroup="nope")) == "InvalidRequestException"

    check("athena ListWorkGroups (paged) / GetWorkGroup", workgroups)

    def catalogs() -> None:
        r = ath.list_data_catalogs()["DataCatalogsSummary"]
        assert {"CatalogName": "AwsDataCatalog", "Type": "GLUE"} in r, r
        assert ath.get_data_catalog(Name="AwsDataCatalog")["DataCatalog"]["Type"] == "GLUE"

    check("athena ListDataCatalogs / GetDataCatalog", catalogs)

    def databases() -> None:
        names = [d["Name"] for d in ath.list_databases(CatalogName="AwsDataCatalog")["DatabaseList"]]
        for key in exp["athena"]["databases"]:
            region, db = key.split("/")
            if region == "us-east-1":
                assert db in names, (db, names)
        assert ath.get_database(CatalogName="AwsDataCatalog", DatabaseName="sales")["Database"]["Name"] == "sales"
        eu = c("athena", "eu-west-1").list_databases(CatalogName="AwsDataCatalog")["DatabaseList"]
        assert "eu_analytics" in [d["Name"] for d in eu]

    check("athena ListDatabases / GetDatabase (from Glue)", databases)

    def tables() -> None:
        raw = Raw(ath)
        for key, tabs in exp["athena"]["databases"].items():
            region, db = key.split("/")
            a = c("athena", region)
            got: dict[str, str] = {}
            token, pages = None, 0
            while True:
                kw: dict[str, Any] = {"CatalogName": "AwsDataCatalog", "DatabaseName": db}
                if token:
                    kw["NextToken"] = token
                r = a.list_table_metadata(**kw)
                pages += 1
                assert len(r["TableMetadataList"]) <= 50
                for t in r["TableMetadataList"]:
                    got[t["Name"]] = t["Parameters"]["location"]
                    assert t["TableType"] == "EXTERNAL_TABLE" and t["Columns"]
                token = r.get("NextToken")
                if not token:
                    break
            assert got == tabs, (key, got, tabs)
            if len(tabs) > 50:
                assert pages == 2, pages
        body = json.loads(raw.body)  # last page of a us-east-1 db: CreateTime must be a number
        r = ath.list_table_metadata(CatalogName="AwsDataCatalog", DatabaseName="sales", MaxResults=1)
        assert len(r["TableMetadataList"]) == 1 and r.get("NextToken")
        body = json.loads(raw.body)
        assert isinstance(body["TableMetadataList"][0]["CreateTime"], (int, float)), body
        r = ath.list_table_metadata(CatalogName="AwsDataCatalog", DatabaseName="events", Expression="event_0*")
        assert len(r["TableMetadataList"]) == 10, len(r["TableMetadataList"])
        t = ath.get_table_metadata(CatalogName="AwsDataCatalog", DatabaseName="sales", TableName="orders")
        md = t["TableMetadata"]
        assert md["Parameters"]["location"] == "s3://it-datalake-raw/sales/orders/", md
        assert [p["Name"] for p in md["PartitionKeys"]] == ["dt"]
        assert error_code(lambda: ath.get_table_metadata(CatalogName="AwsDataCatalog", DatabaseName="sales",
                                                         TableName="nope")) == "MetadataException"

    check("athena ListTableMetadata (paged, Expression) / GetTableMetadata", tables)

    # ---------------- EC2
    ec2 = c("ec2", "us-east-1")
    net = exp["network"]

    def vpce() -> None:
        eps = {e["VpcEndpointId"]: e for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]}
        for want in net["vpc_endpoints"]:
            e = eps[want["id"]]
            assert e["ServiceName"] == f"com.amazonaws.us-east-1.{want['service']}", e
            assert e["VpcEndpointType"] == want["type"]
            assert e["PrivateDnsEnabled"] is want["private_dns"], (want, e["PrivateDnsEnabled"])
            json.loads(e["PolicyDocument"])
        r = ec2.describe_vpc_endpoints(Filters=[{"Name": "service-name",
                                                 "Values": ["com.amazonaws.us-east-1.athena"]}])["VpcEndpoints"]
        assert len(r) == 1
        assert c("ec2", "eu-west-1").describe_vpc_endpoints()["VpcEndpoints"] == []

    check("ec2 DescribeVpcEndpoints", vpce)

    def vpn() -> None:
        raw = Raw(ec2)
        conns = {v["VpnConnectionId"]: v for v in ec2.describe_vpn_connections()["VpnConnections"]}
        for vid, want in net["vpn_connections"].items():
            v = conns[vid]
            tele = v["VgwTelemetry"]
            assert [t["Status"] for t in tele] == [t["status"] for t in want["tunnels"]], tele
            opts = v["Options"]["TunnelOptions"]
            assert len(opts) == 2
            for t, w in zip(opts, want["tunnels"]):
                for k in ("Phase1EncryptionAlgorithms", "Phase1IntegrityAlgorithms", "Phase1DHGroupNumbers",
                          "Phase2EncryptionAlgorithms", "Phase2IntegrityAlgorithms", "Phase2DHGroupNumbers",
                          "IkeVersions"):
                    assert t[k], (k, t)
                if "ike" in w:
                    assert [x["Value"] for x in t["IkeVersions"]] == w["ike"]
                if "phase1_dh" in w:
                    assert [x["Value"] for x in t["Phase1DHGroupNumbers"]] == w["phase1_dh"]
                if "phase1_integrity" in w:
                    assert [x["Value"] for x in t["Phase1IntegrityAlgorithms"]] == w["phase1_integrity"]
                assert t["OutsideIpAddress"] in {x["OutsideIpAddress"] for x in tele}
        assert b"<vgwTelemetry>" in raw.body and b"<ikeVersionSet>" in raw.body

    check("ec2 DescribeVpnConnections (VgwTelemetry, TunnelOptions)", vpn)

    def vgw_tgw() -> None:
        g = ec2.describe_vpn_gateways()["VpnGateways"]
        assert [x["VpnGatewayId"] for x in g] == net["vpn_gateways"], g
        assert g[0]["AmazonSideAsn"] == 64512 and g[0]["VpcAttachments"][0]["State"] == "attached", g
        t = ec2.describe_transit_gateways()["TransitGateways"]
        assert [x["TransitGatewayId"] for x in t] == net["transit_gateways"], t

    check("ec2 DescribeVpnGateways / DescribeTransitGateways", vgw_tgw)

    # ---------------- Direct Connect
    dx = c("directconnect", "us-east-1")
    dxe = exp["directconnect"]

    def dx_conns() -> None:
        raw = Raw(dx)
        r = dx.describe_connections()["connections"]
        body = json.loads(raw.body)["connections"]
        assert {x["connectionId"] for x in r} == set(dxe["connections"])
        for wire in body:
            want = dxe["connections"][wire["connectionId"]]
            assert re.fullmatch(r"dxcon-[a-z0-9]{8}", wire["connectionId"])
            assert wire["hasLogicalRedundancy"] == want["has_logical_redundancy"], wire
            assert isinstance(wire["loaIssueTime"], (int, float)), wire
            assert wire["macSecCapable"] is want["macsec_capable"], wire
            assert wire["encryptionMode"] == want["encryption_mode"], wire
            assert wire["portEncryptionStatus"] == want["port_encryption_status"], wire
            assert None not in wire.values(), wire
        assert c("directconnect", "eu-west-1").describe_connections()["connections"] == []

    check("directconnect DescribeConnections (wire types)", dx_conns)

    def dx_vifs() -> None:
        r = dx.describe_virtual_interfaces()["virtualInterfaces"]
        assert {v["virtualInterfaceId"] for v in r} == set(dxe["virtual_interfaces"]), r
        for v in r:
            assert v["virtualInterfaceType"] == dxe["virtual_interfaces"][v["virtualInterfaceId"]]["type"]
        first = next(iter(dxe["virtual_interfaces"].values()))["connection"]
        r = dx.describe_virtual_interfaces(connectionId=first)["virtualInterfaces"]
        assert len(r) == 1 and r[0]["connectionId"] == first
        assert c("directconnect", "ap-southeast-2").describe_virtual_interfaces()["virtualInterfaces"] == []

    check("directconnect DescribeVirtualInterfaces", dx_vifs)

    # ---------------- Organizations
    org = c("organizations", "us-east-1")

    def rcps() -> None:
        pols = org.list_policies(Filter="RESOURCE_CONTROL_POLICY")["Policies"]
        assert {p["Id"] for p in pols} == set(exp["organizations"]["rcps"]), pols
        for pid, want in exp["organizations"]["rcps"].items():
            d = org.describe_policy(PolicyId=pid)["Policy"]
            content = json.loads(d["Content"])
            denies = any(s.get("Effect") == "Deny" for s in content["Statement"])
            assert denies is want["denies_http"], content
            targets = [t["TargetId"] for t in org.list_targets_for_policy(PolicyId=pid)["Targets"]]
            if "targets" in want:
                assert targets == want["targets"], targets

    check("organizations ListPolicies(RCP) / DescribePolicy / ListTargetsForPolicy", rcps)

    if other is not None:
        def second_account_rest() -> None:
            a = other("athena", "us-east-1")
            assert [w["Name"] for w in a.list_work_groups()["WorkGroups"]] == ["primary"]
            assert other("directconnect", "us-east-1").describe_connections()["connections"] == []
            assert other("ec2", "us-east-1").describe_vpc_endpoints()["VpcEndpoints"] == []
            code = error_code(lambda: other("organizations", "us-east-1").list_policies(
                Filter="RESOURCE_CONTROL_POLICY"))
            assert code == "AWSOrganizationsNotInUseException", code

        check("second account: no athena/dx/vpce/org resources of the first", second_account_rest)

    print(f"{RESULTS['passed']} passed, {RESULTS['failed']} failed")
    return 1 if RESULTS["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
