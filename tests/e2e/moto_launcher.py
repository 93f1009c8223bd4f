#!/usr/bin/env python3
"""In-process moto server for intransit's end-to-end tests.

Runs moto's werkzeug application (the same one ``moto_server`` uses) on
127.0.0.1, after patching, in memory only, the gaps of moto 5.2.5 that the
scanner's read calls hit.  Nothing in moto's files on disk is changed.

    python moto_launcher.py --port 0          # 0 = pick a free port
    -> prints exactly one line on stdout:  READY http://127.0.0.1:PORT
    -> serves until SIGTERM / SIGINT, then exits 0.

Patches (see README.md in this folder for the full list and the why):

  athena        ListTableMetadata / GetTableMetadata (from moto's Glue catalog),
                ListDatabases / GetDatabase see Glue databases of AwsDataCatalog,
                ListDataCatalogs / GetDataCatalog list AwsDataCatalog,
                ListWorkGroups paginates and carries EngineVersion, stable
                CreationTime, GetWorkGroup of an unknown name -> InvalidRequestException
  directconnect DescribeConnections wire types fixed (hasLogicalRedundancy string,
                loaIssueTime epoch seconds, macSecCapable always a bool),
                real-looking ids (dxcon-xxxxxxxx / dxlag-xxxxxxxx),
                Create{Private,Public,Transit}VirtualInterface +
                DescribeVirtualInterfaces (new)
  s3            ListBuckets: MaxBuckets + ContinuationToken + Prefix + BucketRegion,
                sorted by name; GetBucketEncryption: default SSE-S3 like AWS
                since 2023-01 when no configuration was put
  s3 (cont.)    GetBucketPolicyStatus: a Condition only makes a statement
                non-public when it pins a principal/source key (AWS rule);
                a bucket of another account answers AccessDenied
                (--s3-cross-account allow restores moto's default)
  organizations ListPolicies outside an organization ->
                AWSOrganizationsNotInUseException (moto: empty list)
  cloudtrail    LookupEvents (new): seeded events, one lookup attribute,
                StartTime / EndTime, MaxResults 1..50, NextToken
  ec2           CreateVpnConnection keeps Options (TunnelOptions...), describes
                VgwTelemetry (status seedable), gateway endpoints have
                PrivateDnsEnabled=false, VPN gateways have AmazonSideAsn

Seeding side endpoints (same port, plain JSON over HTTP, POST):

  /_seed/directconnect/virtual-interfaces  {"account","region","virtualInterfaces":[{...}]}
  /_seed/directconnect/connections         {"account","region","connectionId"|"connectionName","set":{...}}
  /_seed/ec2/vpn-telemetry                 {"account","region","vpnConnectionId","statuses":["UP","DOWN"]}
                                           or "telemetry":[{VgwTelemetry fields}, ...]
  /_seed/ec2/vpn-tunnel-options            {"account","region","vpnConnectionId","tunnelOptions":[{...},{...}]}
  /_seed/cloudtrail/events                 {"account","region","events":[{CloudTrail record}, ...]}
                                           (LookupEvents answers them, newest first)
  GET /_seed/health                        -> {"ok": true}
  POST /_seed/faults  GET /_seed/faults  POST /_seed/faults/clear
                                           fault injection: see "Fault injection" below

--exit-with-parent: stop (status 0) when stdin reaches EOF, so a test process that
dies without killing the launcher does not leave it running.

"account" defaults to 123456789012, "region" to us-east-1.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import random
import re
import signal
import socket
import string
import sys
import threading
import time
from datetime import datetime, timezone
from typing import Any

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
AWS_DATA_CATALOG = "AwsDataCatalog"

# Filled by main() from --vpn-default-tunnel-options.
_VPN_DEFAULTS_MODE = {"mode": "full"}


def _rand_id(prefix: str, n: int = 8) -> str:
    alphabet = string.ascii_lowercase + string.digits
    return prefix + "".join(random.choice(alphabet) for _ in range(n))


def _b64(s: str) -> str:
    return base64.urlsafe_b64encode(s.encode()).decode()


def _unb64(s: str) -> str | None:
    try:
        return base64.urlsafe_b64decode(s.encode()).decode()
    except Exception:
        return None


def _epoch(value: Any) -> float | None:
    """datetime / 'YYYY-mm-dd HH:MM:SS' / number -> epoch seconds."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.timestamp()
    if isinstance(value, str):
        for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ"):
            try:
                return datetime.strptime(value, fmt).replace(tzinfo=timezone.utc).timestamp()
            except ValueError:
                pass
        try:
            return float(value)
        except ValueError:
            return None
    return None


# ---------------------------------------------------------------------------
# Athena
# ---------------------------------------------------------------------------
def patch_athena() -> None:
    from moto.athena import models as athena_models
    from moto.athena.exceptions import MetadataException
    from moto.athena.responses import AthenaResponse
    from moto.core.exceptions import JsonRESTError
    from moto.glue.models import glue_backends

    class InvalidRequest(JsonRESTError):
        code = 400

        def __init__(self, message: str):
            super().__init__("InvalidRequestException", message)

    # -- stable CreationTime for workgroups (moto returns time.time() on every call)
    orig_wg_init = athena_models.WorkGroup.__init__

    def wg_init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        orig_wg_init(self, *args, **kwargs)
        self.creation_time = time.time()

    athena_models.WorkGroup.__init__ = wg_init

    def _page(items: list, max_results: Any, next_token: Any, limit: int = 50):
        start = 0
        if next_token:
            decoded = _unb64(str(next_token))
            if not decoded or not decoded.startswith("idx:"):
                raise InvalidRequest("Invalid NextToken")
            start = int(decoded[4:])
        n = int(max_results) if max_results else limit
        n = max(1, min(n, limit))
        page = items[start : start + n]
        nxt = _b64(f"idx:{start + n}") if start + n < len(items) else None
        return page, nxt

    def list_work_groups(self):  # type: ignore[no-untyped-def]
        wgs = sorted(self.athena_backend.work_groups.values(), key=lambda w: w.name)
        page, nxt = _page(wgs, self._get_param("MaxResults"), self._get_param("NextToken"))
        out: dict[str, Any] = {
            "WorkGroups": [
                {
                    "Name": wg.name,
                    "State": wg.state,
                    "Description": wg.description or "",
                    "CreationTime": getattr(wg, "creation_time", time.time()),
                    "EngineVersion": wg.configuration.get("EngineVersion", {}),
                }
                for wg in page
            ]
        }
        if nxt:
            out["NextToken"] = nxt
        return json.dumps(out)

    def get_work_group(self):  # type: ignore[no-untyped-def]
        name = self._get_param("WorkGroup")
        wg = self.athena_backend.work_groups.get(name)
        if wg is None:
            raise InvalidRequest(f"WorkGroup {name} is not found.")
        return json.dumps(
            {
                "WorkGroup": {
                    "Name": wg.name,
                    "State": wg.state,
                    "Configuration": wg.configuration,
                    "Description": wg.description or "",
                    "CreationTime": getattr(wg, "creation_time", time.time()),
                }
            }
        )

    def _glue(self):  # type: ignore[no-untyped-def]
        return glue_backends[self.current_account][self.region]

    def _check_catalog(catalog: str | None) -> None:
        if (catalog or "").lower() != AWS_DATA_CATALOG.lower():
            raise MetadataException(
                f"Catalog {catalog} is not a Glue catalog known to this emulator "
                f"(only {AWS_DATA_CATALOG} is backed by Glue)"
            )

    def _glue_db(self, database: str):  # type: ignore[no-untyped-def]
        dbs = _glue(self).databases
        if database in dbs:
            return dbs[database]
        for name, db in dbs.items():
            if name.lower() == database.lower():
                return db
        return None

    def _table_metadata(table) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        ti = table.get_version(str(table._current_version))
        sd = ti.get("StorageDescriptor") or {}

        def cols(lst):  # type: ignore[no-untyped-def]
            out = []
            for c in lst or []:
                d = {"Name": c.get("Name"), "Type": c.get("Type")}
                if c.get("Comment"):
                    d["Comment"] = c["Comment"]
                out.append(d)
            return out

        params: dict[str, str] = {}
        if sd.get("InputFormat"):
            params["inputformat"] = sd["InputFormat"]
        if sd.get("OutputFormat"):
            params["outputformat"] = sd["OutputFormat"]
        serde = sd.get("SerdeInfo") or {}
        if serde.get("SerializationLibrary"):
            params["serde.serialization.lib"] = serde["SerializationLibrary"]
        for k, v in (serde.get("Parameters") or {}).items():
            params[f"serde.param.{k}"] = str(v)
        for k, v in (ti.get("Parameters") or {}).items():
            params[k] = str(v)
        if sd.get("Location") is not None:
            params["location"] = sd["Location"]
        md: dict[str, Any] = {
            "Name": table.name,
            "CreateTime": _epoch(table.created_time),
            "TableType": ti.get("TableType", "EXTERNAL_TABLE"),
            "Columns": cols(sd.get("Columns")),
            "PartitionKeys": cols(ti.get("PartitionKeys")),
            "Parameters": params,
        }
        if ti.get("LastAccessTime") is not None:
            md["LastAccessTime"] = _epoch(ti["LastAccessTime"])
        return md

    def list_table_metadata(self):  # type: ignore[no-untyped-def]
        catalog = self._get_param("CatalogName")
        database = self._get_param("DatabaseName")
        expression = self._get_param("Expression")
        _check_catalog(catalog)
        db = _glue_db(self, database)
        if db is None:
            # A database ListDatabases reports but Glue does not hold (moto's Athena-side
            # "default"): it has no table. AWS keeps "default" in Glue, so it lists fine.
            if any(d["Name"].lower() == (database or "").lower() for d in _all_databases(self, catalog)):
                return json.dumps({"TableMetadataList": []})
            raise MetadataException(f"Database {database} not found.")
        tables = sorted(db.tables.values(), key=lambda t: t.name)
        if expression:
            rx = re.compile(expression.replace("*", ".*"), re.IGNORECASE)
            tables = [t for t in tables if rx.fullmatch(t.name)]
        page, nxt = _page(tables, self._get_param("MaxResults"), self._get_param("NextToken"))
        out: dict[str, Any] = {"TableMetadataList": [_table_metadata(t) for t in page]}
        if nxt:
            out["NextToken"] = nxt
        return json.dumps(out)

    def get_table_metadata(self):  # type: ignore[no-untyped-def]
        catalog = self._get_param("CatalogName")
        database = self._get_param("DatabaseName")
        table_name = self._get_param("TableName")
        _check_catalog(catalog)
        db = _glue_db(self, database)
        if db is None:
            raise MetadataException(f"Database {database} not found.")
        table = db.tables.get(table_name)
        if table is None:
            for name, t in db.tables.items():
                if name.lower() == (table_name or "").lower():
                    table = t
        if table is None:
            raise MetadataException(f"Table {table_name} not found.")
        return json.dumps({"TableMetadata": _table_metadata(table)})

    def _all_databases(self, catalog: str) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
        out: dict[str, dict[str, Any]] = {}
        for db in self.athena_backend.databases.values():
            if db.catalog_name == catalog:
                out[db.name.lower()] = {
                    "Name": db.name,
                    "Description": db.description,
                    "Parameters": db.parameters,
                }
        if catalog.lower() == AWS_DATA_CATALOG.lower():
            for db in _glue(self).databases.values():
                d = {"Name": db.name, "Parameters": db.input.get("Parameters") or {}}
                if db.input.get("Description"):
                    d["Description"] = db.input["Description"]
                out[db.name.lower()] = d
        return [out[k] for k in sorted(out)]

    def list_databases(self):  # type: ignore[no-untyped-def]
        catalog = self._get_param("CatalogName")
        dbs = _all_databases(self, catalog)
        page, nxt = _page(dbs, self._get_param("MaxResults"), self._get_param("NextToken"))
        out: dict[str, Any] = {"DatabaseList": page}
        if nxt:
            out["NextToken"] = nxt
        return json.dumps(out)

    def get_database(self):  # type: ignore[no-untyped-def]
        catalog = self._get_param("CatalogName")
        name = self._get_param("DatabaseName") or ""
        for d in _all_databases(self, catalog):
            if d["Name"].lower() == name.lower():
                return json.dumps({"Database": d})
        raise MetadataException(f"Database {name} not found.")

    def list_data_catalogs(self):  # type: ignore[no-untyped-def]
        cats = [{"CatalogName": AWS_DATA_CATALOG, "Type": "GLUE"}]
        for dc in self.athena_backend.data_catalogs.values():
            if dc.name != AWS_DATA_CATALOG:
                cats.append({"CatalogName": dc.name, "Type": dc.type})
        page, nxt = _page(cats, self._get_param("MaxResults"), self._get_param("NextToken"))
        out: dict[str, Any] = {"DataCatalogsSummary": page}
        if nxt:
            out["NextToken"] = nxt
        return json.dumps(out)

    orig_get_data_catalog = AthenaResponse.get_data_catalog

    def get_data_catalog(self):  # type: ignore[no-untyped-def]
        name = self._get_param("Name")
        if name == AWS_DATA_CATALOG and name not in self.athena_backend.data_catalogs:
            return json.dumps(
                {
                    "DataCatalog": {
                        "Name": AWS_DATA_CATALOG,
                        "Type": "GLUE",
                        "Parameters": {"catalog-id": self.current_account},
                    }
                }
            )
        return orig_get_data_catalog(self)

    AthenaResponse.list_work_groups = list_work_groups
    AthenaResponse.get_work_group = get_work_group
    AthenaResponse.list_table_metadata = list_table_metadata
    AthenaResponse.get_table_metadata = get_table_metadata
    AthenaResponse.list_databases = list_databases
    AthenaResponse.get_database = get_database
    AthenaResponse.list_data_catalogs = list_data_catalogs
    AthenaResponse.get_data_catalog = get_data_catalog


# ---------------------------------------------------------------------------
# Direct Connect
# ---------------------------------------------------------------------------
def _logical_redundancy(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if v in ("yes", "no", "unknown"):
        return v
    return "unknown"


def patch_directconnect() -> None:
    from moto.core.exceptions import JsonRESTError
    from moto.directconnect import models as dx_models
    from moto.directconnect.enums import PortEncryptionStatusType
    from moto.directconnect.responses import DirectConnectResponse

    class DxClientError(JsonRESTError):
        code = 400

        def __init__(self, message: str):
            super().__init__("DirectConnectClientException", message)

    # Real ids (moto builds an ARN from name + second, which collides).
    def conn_post_init(self):  # type: ignore[no-untyped-def]
        if self.connection_id == "":
            self.connection_id = _rand_id("dxcon-")

    def lag_post_init(self):  # type: ignore[no-untyped-def]
        if self.lag_id == "":
            self.lag_id = _rand_id("dxlag-")

    dx_models.Connection.__post_init__ = conn_post_init
    dx_models.LAG.__post_init__ = lag_post_init

    def _clean(d: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in d.items() if v is not None}

    orig_conn_to_dict = dx_models.Connection.to_dict

    def conn_to_dict(self):  # type: ignore[no-untyped-def]
        d = orig_conn_to_dict(self)
        d["hasLogicalRedundancy"] = _logical_redundancy(self.has_logical_redundancy)
        d["loaIssueTime"] = _epoch(self.loa_issue_time)
        d["macSecCapable"] = bool(self.mac_sec_capable)
        d["encryptionMode"] = str(getattr(self.encryption_mode, "value", self.encryption_mode))
        d["portEncryptionStatus"] = str(
            getattr(self.port_encryption_status, "value", self.port_encryption_status)
        )
        d["connectionState"] = str(getattr(self.connection_state, "value", self.connection_state))
        d["ownerAccount"] = self.owner_account
        return _clean(d)

    orig_lag_to_dict = dx_models.LAG.to_dict

    def lag_to_dict(self):  # type: ignore[no-untyped-def]
        d = orig_lag_to_dict(self)
        d["hasLogicalRedundancy"] = _logical_redundancy(self.has_logical_redundancy)
        d["macSecCapable"] = bool(self.mac_sec_capable)
        d["ownerAccount"] = self.owner_account
        return _clean(d)

    dx_models.Connection.to_dict = conn_to_dict
    dx_models.LAG.to_dict = lag_to_dict

    # A MACsec connection created with requestMACSec gets a key: say encryption is up.
    orig_create_connection = dx_models.DirectConnectBackend.create_connection

    def create_connection(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        conn = orig_create_connection(self, *args, **kwargs)
        if conn.mac_sec_capable:
            conn.port_encryption_status = PortEncryptionStatusType.UP
        else:
            conn.mac_sec_capable = False
        conn.has_logical_redundancy = "unknown"
        return conn

    dx_models.DirectConnectBackend.create_connection = create_connection

    def _vifs(backend) -> dict[str, dict[str, Any]]:  # type: ignore[no-untyped-def]
        if not hasattr(backend, "e2e_virtual_interfaces"):
            backend.e2e_virtual_interfaces = {}
        return backend.e2e_virtual_interfaces

    def build_vif(backend, spec: dict[str, Any], vif_type: str | None = None,
                  connection_id: str | None = None) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        conn_id = connection_id or spec.get("connectionId")
        conn = backend.connections.get(conn_id) if conn_id else None
        vif_id = spec.get("virtualInterfaceId") or _rand_id("dxvif-")
        asn = spec.get("asn", spec.get("asnLong", 65000))
        vif: dict[str, Any] = {
            "ownerAccount": backend.account_id,
            "virtualInterfaceId": vif_id,
            "location": conn.location if conn else spec.get("location", "EqDC2"),
            "connectionId": conn_id,
            "virtualInterfaceType": vif_type or spec.get("virtualInterfaceType", "private"),
            "virtualInterfaceName": spec.get("virtualInterfaceName", vif_id),
            "vlan": spec.get("vlan", 101),
            "asn": asn,
            "asnLong": asn,
            "amazonSideAsn": spec.get("amazonSideAsn", 64512),
            "authKey": spec.get("authKey", "e2e-bgp-auth-key"),
            "amazonAddress": spec.get("amazonAddress", "169.254.255.1/30"),
            "customerAddress": spec.get("customerAddress", "169.254.255.2/30"),
            "addressFamily": spec.get("addressFamily", "ipv4"),
            "virtualInterfaceState": spec.get("virtualInterfaceState", "available"),
            "customerRouterConfig": spec.get("customerRouterConfig", ""),
            "mtu": spec.get("mtu", 1500),
            "jumboFrameCapable": spec.get("jumboFrameCapable", False),
            "virtualGatewayId": spec.get("virtualGatewayId"),
            "directConnectGatewayId": spec.get("directConnectGatewayId"),
            "routeFilterPrefixes": spec.get("routeFilterPrefixes", []),
            "region": backend.region_name,
            "awsDeviceV2": spec.get("awsDeviceV2", "EqDC2-e2e-dev"),
            "awsLogicalDeviceId": spec.get("awsLogicalDeviceId", "EqDC2-e2e-ldev"),
            "tags": spec.get("tags", []),
            "siteLinkEnabled": spec.get("siteLinkEnabled", spec.get("enableSiteLink", False)),
        }
        vif["bgpPeers"] = spec.get(
            "bgpPeers",
            [
                {
                    "bgpPeerId": _rand_id("dxpeer-"),
                    "asn": asn,
                    "asnLong": asn,
                    "authKey": vif["authKey"],
                    "addressFamily": vif["addressFamily"],
                    "amazonAddress": vif["amazonAddress"],
                    "customerAddress": vif["customerAddress"],
                    "bgpPeerState": "available",
                    "bgpStatus": "up",
                    "awsDeviceV2": vif["awsDeviceV2"],
                    "awsLogicalDeviceId": vif["awsLogicalDeviceId"],
                }
            ],
        )
        vif = _clean(vif)
        _vifs(backend)[vif_id] = vif
        return vif

    def _create_vif(self, key: str, vif_type: str):  # type: ignore[no-untyped-def]
        params = json.loads(self.body or "{}")
        conn_id = params.get("connectionId")
        backend = self.directconnect_backend
        if conn_id not in backend.connections and conn_id not in backend.lags:
            raise DxClientError(f"Connection {conn_id} does not exist")
        return json.dumps(build_vif(backend, params.get(key) or {}, vif_type, conn_id))

    def create_private_virtual_interface(self):  # type: ignore[no-untyped-def]
        return _create_vif(self, "newPrivateVirtualInterface", "private")

    def create_public_virtual_interface(self):  # type: ignore[no-untyped-def]
        return _create_vif(self, "newPublicVirtualInterface", "public")

    def create_transit_virtual_interface(self):  # type: ignore[no-untyped-def]
        vif = json.loads(_create_vif(self, "newTransitVirtualInterface", "transit"))
        return json.dumps({"virtualInterface": vif})

    def describe_virtual_interfaces(self):  # type: ignore[no-untyped-def]
        params = json.loads(self.body or "{}")
        conn_id = params.get("connectionId")
        vif_id = params.get("virtualInterfaceId")
        vifs = list(_vifs(self.directconnect_backend).values())
        if vif_id:
            vifs = [v for v in vifs if v["virtualInterfaceId"] == vif_id]
            if not vifs:
                raise DxClientError(f"Virtual interface {vif_id} does not exist")
        if conn_id:
            vifs = [v for v in vifs if v.get("connectionId") == conn_id]
        vifs.sort(key=lambda v: v["virtualInterfaceId"])
        max_results = params.get("maxResults")
        start = 0
        if params.get("nextToken"):
            dec = _unb64(params["nextToken"]) or ""
            start = int(dec[4:]) if dec.startswith("idx:") else 0
        out: dict[str, Any] = {}
        if max_results:
            n = int(max_results)
            out["virtualInterfaces"] = vifs[start : start + n]
            if start + n < len(vifs):
                out["nextToken"] = _b64(f"idx:{start + n}")
        else:
            out["virtualInterfaces"] = vifs[start:]
        return json.dumps(out)

    DirectConnectResponse.create_private_virtual_interface = create_private_virtual_interface
    DirectConnectResponse.create_public_virtual_interface = create_public_virtual_interface
    DirectConnectResponse.create_transit_virtual_interface = create_transit_virtual_interface
    DirectConnectResponse.describe_virtual_interfaces = describe_virtual_interfaces

    # exported for the seeding endpoint
    _SEED_HOOKS["build_vif"] = build_vif


# ---------------------------------------------------------------------------
# S3
# ---------------------------------------------------------------------------
def patch_s3() -> None:
    from moto.core.responses import ActionResult
    from moto.s3 import models as s3_models
    from moto.s3.exceptions import InvalidArgumentError, InvalidContinuationToken
    from moto.s3.responses import S3Response

    def all_buckets(self):  # type: ignore[no-untyped-def]
        self.data["Action"] = "ListAllMyBuckets"
        self._authenticate_and_authorize_s3_action()
        prefix = self._get_param("prefix")
        bucket_region = self._get_param("bucket-region")
        max_buckets = self._get_param("max-buckets")
        token = self._get_param("continuation-token")

        buckets = self.backend.list_buckets(prefix=prefix, bucket_region=bucket_region, max_buckets=None)
        buckets = sorted(buckets, key=lambda b: b.name)
        if token:
            start_after = _unb64(token)
            if not start_after or not start_after.startswith("after:"):
                raise InvalidContinuationToken()
            start_after = start_after[len("after:"):]
            buckets = [b for b in buckets if b.name > start_after]
        next_token = None
        if max_buckets is not None:
            try:
                n = int(max_buckets)
            except ValueError:
                raise InvalidArgumentError("Provided max-buckets not an integer or within integer range", "max-buckets", str(max_buckets))
            if n < 1 or n > 10000:
                raise InvalidArgumentError("Argument max-buckets must be between 1 and 10000", "max-buckets", str(max_buckets))
            if len(buckets) > n:
                buckets = buckets[:n]
                next_token = _b64("after:" + buckets[-1].name)
        result: dict[str, Any] = {
            "Owner": {"ID": "bcaf1ffd86f41161ca5fb16fd081034f", "DisplayName": "webfile"},
            "Buckets": [
                {
                    "Name": b.name,
                    "CreationDate": b.creation_date_ISO8601,
                    "BucketRegion": b.region_name,
                }
                for b in buckets
            ],
        }
        if next_token:
            result["ContinuationToken"] = next_token
        if prefix:
            result["Prefix"] = prefix
        self.data["Action"] = "ListBuckets"
        return self.serialized(ActionResult(result))

    S3Response.all_buckets = all_buckets

    # Every bucket has SSE-S3 by default on AWS since 2023-01-05; moto says
    # ServerSideEncryptionConfigurationNotFoundError instead.
    orig_get_enc = s3_models.S3Backend.get_bucket_encryption

    def get_bucket_encryption(self, bucket_name):  # type: ignore[no-untyped-def]
        enc = orig_get_enc(self, bucket_name)
        if enc:
            return enc
        return {"Rule": {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}}

    s3_models.S3Backend.get_bucket_encryption = get_bucket_encryption

    # GetBucketPolicyStatus: moto calls any statement with a Condition
    # non-public. AWS only does so when the condition pins one of the keys of
    # "The meaning of public" (S3 user guide) to fixed values; e.g. an Allow to
    # "*" conditioned on aws:SecureTransport is still public.
    from moto.s3 import responses as s3_responses

    restricting = {
        "aws:sourcearn", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceaccount", "aws:sourceowner",
        "aws:userid", "aws:principalarn", "aws:principalaccount", "aws:principalorgid",
        "aws:principalorgpaths", "s3:dataaccesspointarn", "s3:dataaccesspointaccount", "aws:sourceip",
    }

    def _wild_principal(p: Any) -> bool:
        if p == "*":
            return True
        if isinstance(p, dict):
            v = p.get("AWS")
            return v == "*" or (isinstance(v, list) and "*" in v)
        return False

    def _restricts(cond: dict[str, Any]) -> bool:
        for op, kv in (cond or {}).items():
            opl = op.lower()
            if "not" in opl or opl.startswith("null") or not isinstance(kv, dict):
                continue
            for key, vals in kv.items():
                vals = vals if isinstance(vals, list) else [vals]
                if key.lower() in restricting and all(isinstance(v, str) and "*" not in v and v != "0.0.0.0/0"
                                                      for v in vals):
                    return True
        return False

    def bucket_policy_is_public(policy):  # type: ignore[no-untyped-def]
        try:
            parsed = json.loads(policy)
        except (ValueError, TypeError):
            return False
        sts = parsed.get("Statement") or []
        if isinstance(sts, dict):
            sts = [sts]
        for st in sts:
            if st.get("Effect") != "Allow" or not _wild_principal(st.get("Principal")):
                continue
            if not _restricts(st.get("Condition") or {}):
                return True
        return False

    s3_responses.bucket_policy_is_public = bucket_policy_is_public

    # GetBucketLocation: moto returns an empty LocationConstraint for
    # us-east-1 buckets. That IS what AWS does (documented: "Buckets in Region
    # us-east-1 have a LocationConstraint of null"), so it is kept unpatched.
    #
    # PutBucketPolicy: moto stores any string, including invalid JSON or a
    # policy naming another bucket (AWS would answer MalformedPolicy). Kept on
    # purpose: the scanner's "unknown" / "not_this_bucket" paths are tested
    # with it, and GetBucketPolicy returns the text verbatim.


# ---------------------------------------------------------------------------
# EC2
# ---------------------------------------------------------------------------
_DEFAULT_TUNNEL = {
    "Phase1LifetimeSeconds": 28800,
    "Phase2LifetimeSeconds": 3600,
    "RekeyMarginTimeSeconds": 270,
    "RekeyFuzzPercentage": 100,
    "ReplayWindowSize": 1024,
    "DpdTimeoutSeconds": 30,
    "DpdTimeoutAction": "clear",
    "StartupAction": "add",
    "Phase1EncryptionAlgorithms": ["AES128", "AES256", "AES128-GCM-16", "AES256-GCM-16"],
    "Phase2EncryptionAlgorithms": ["AES128", "AES256", "AES128-GCM-16", "AES256-GCM-16"],
    "Phase1IntegrityAlgorithms": ["SHA1", "SHA2-256", "SHA2-384", "SHA2-512"],
    "Phase2IntegrityAlgorithms": ["SHA1", "SHA2-256", "SHA2-384", "SHA2-512"],
    "Phase1DHGroupNumbers": [2, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24],
    "Phase2DHGroupNumbers": [2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24],
    "IkeVersions": ["ikev1", "ikev2"],
}
_LIST_KEYS = [
    "Phase1EncryptionAlgorithms",
    "Phase2EncryptionAlgorithms",
    "Phase1IntegrityAlgorithms",
    "Phase2IntegrityAlgorithms",
    "Phase1DHGroupNumbers",
    "Phase2DHGroupNumbers",
    "IkeVersions",
]
# request (VpnTunnelOptionsSpecification) name -> response (TunnelOption) name
_REQ_TO_RESP = {"IKEVersions": "IkeVersions", "DPDTimeoutSeconds": "DpdTimeoutSeconds", "DPDTimeoutAction": "DpdTimeoutAction"}


def _values(lst: Any) -> list:
    out = []
    for item in lst or []:
        out.append(item.get("Value") if isinstance(item, dict) else item)
    return out


def _tunnel_option(index: int, vpn_seed: int, spec: dict[str, Any] | None) -> dict[str, Any]:
    spec = {(_REQ_TO_RESP.get(k, k)): v for k, v in (spec or {}).items()}
    full = _VPN_DEFAULTS_MODE["mode"] == "full"
    t: dict[str, Any] = {
        "OutsideIpAddress": f"198.51.100.{(vpn_seed * 2 + index) % 250 + 1}",
        "TunnelInsideCidr": spec.get("TunnelInsideCidr", f"169.254.{(vpn_seed % 200) + 10}.{index * 4}/30"),
        "PreSharedKey": spec.get("PreSharedKey", "e2e_psk_" + "x" * 8),
    }
    for k, v in _DEFAULT_TUNNEL.items():
        if k in spec:
            v = spec[k]
            if k in _LIST_KEYS:
                v = _values(v)
        elif k in _LIST_KEYS and not full:
            continue
        if k in _LIST_KEYS:
            t[k] = [{"Value": x} for x in v]
        else:
            t[k] = v
    for k in ("TunnelInsideIpv6Cidr", "LogOptions", "EnableTunnelLifecycleControl"):
        if k in spec:
            t[k] = spec[k]
    return t


def _telemetry(vpn, statuses: list[str]) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    out = []
    for i, tunnel in enumerate(vpn.options["TunnelOptions"]):
        st = (statuses[i] if i < len(statuses) else "UP").upper()
        out.append(
            {
                "AcceptedRouteCount": 0 if st == "DOWN" else 1,
                "LastStatusChange": datetime(2026, 1, 1, tzinfo=timezone.utc),
                "OutsideIpAddress": tunnel["OutsideIpAddress"],
                "Status": st,
                "StatusMessage": "" if st == "UP" else "IPSEC IS DOWN",
            }
        )
    return out


def patch_ec2() -> None:
    from moto.ec2.models import vpcs as ec2_vpcs
    from moto.ec2.models import vpn_gateway as ec2_vgw
    from moto.ec2.responses.vpn_connections import VPNConnections

    counter = {"n": 0}
    orig_create = VPNConnections.create_vpn_connection

    def create_vpn_connection(self):  # type: ignore[no-untyped-def]
        options = self._get_param("Options") or {}
        result = orig_create(self)
        vpn = result.result["VpnConnection"]
        counter["n"] += 1
        specs = list(options.get("TunnelOptions") or [])
        while len(specs) < 2:
            specs.append({})
        vpn.options = {
            "EnableAcceleration": bool(options.get("EnableAcceleration", False)),
            "StaticRoutesOnly": bool(options.get("StaticRoutesOnly", False)),
            "LocalIpv4NetworkCidr": options.get("LocalIpv4NetworkCidr", "0.0.0.0/0"),
            "RemoteIpv4NetworkCidr": options.get("RemoteIpv4NetworkCidr", "0.0.0.0/0"),
            "OutsideIpAddressType": options.get("OutsideIpAddressType", "PublicIpv4"),
            "TunnelInsideIpVersion": options.get("TunnelInsideIpVersion", "ipv4"),
            "TunnelOptions": [_tunnel_option(i, counter["n"], s) for i, s in enumerate(specs[:2])],
        }
        vpn.category = "VPN"
        # Tag "e2e:tunnel-status" = "UP,DOWN" seeds the per-tunnel VgwTelemetry status.
        tags = {}
        for t in vpn.get_tags():
            tags[t.get("Key", t.get("key"))] = t.get("Value", t.get("value"))
        statuses = [s.strip() for s in (tags.get("e2e:tunnel-status") or "UP,UP").split(",")]
        vpn.vgw_telemetry = _telemetry(vpn, statuses)
        return result

    VPNConnections.create_vpn_connection = create_vpn_connection

    orig_vpce_init = ec2_vpcs.VPCEndPoint.__init__

    def vpce_init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        orig_vpce_init(self, *args, **kwargs)
        if (self.vpc_endpoint_type or "").lower() == "gateway":
            self.private_dns_enabled = False

    ec2_vpcs.VPCEndPoint.__init__ = vpce_init

    orig_vgw_init = ec2_vgw.VpnGateway.__init__

    def vgw_init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        orig_vgw_init(self, *args, **kwargs)
        if not self.amazon_side_asn:
            self.amazon_side_asn = 64512

    ec2_vgw.VpnGateway.__init__ = vgw_init


# ---------------------------------------------------------------------------
# Organizations
# ---------------------------------------------------------------------------
def patch_organizations() -> None:
    from moto.organizations.exceptions import AWSOrganizationsNotInUseException
    from moto.organizations.models import organizations_backends
    from moto.organizations.responses import OrganizationsResponse

    orig_list_policies = OrganizationsResponse.list_policies

    # moto answers an empty list to an account outside any organization; AWS
    # answers AWSOrganizationsNotInUseException. Also drop "NextToken": null.
    def list_policies(self):  # type: ignore[no-untyped-def]
        b = self.organizations_backend
        if b.org is None and b.account_id not in organizations_backends.master_accounts:
            raise AWSOrganizationsNotInUseException
        out = json.loads(orig_list_policies(self))
        if out.get("NextToken") is None:
            out.pop("NextToken", None)
        return json.dumps(out)

    OrganizationsResponse.list_policies = list_policies


# ---------------------------------------------------------------------------
# Seeding side endpoint
# ---------------------------------------------------------------------------
_SEED_HOOKS: dict[str, Any] = {}


class SeedError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


# CloudTrail events LookupEvents answers, per (account, region), as AWS lists them: the
# fields of the lookup plus the whole record as the CloudTrailEvent string.
_CLOUDTRAIL_EVENTS: dict[tuple[str, str], list[dict[str, Any]]] = {}

_LOOKUP_KEYS = {
    "EventId": lambda e: e["EventId"],
    "EventName": lambda e: e["EventName"],
    "EventSource": lambda e: e["EventSource"],
    "ReadOnly": lambda e: e["ReadOnly"],
    "Username": lambda e: e.get("Username"),
    "AccessKeyId": lambda e: e.get("AccessKeyId"),
}


def _lookup_entry(record: dict[str, Any]) -> dict[str, Any]:
    when = datetime.strptime(record["eventTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    who = record.get("userIdentity") or {}
    return {
        "EventId": record["eventID"],
        "EventName": record["eventName"],
        "ReadOnly": str(record.get("readOnly", True)).lower(),
        "AccessKeyId": who.get("accessKeyId"),
        "EventTime": when.timestamp(),
        "EventSource": record["eventSource"],
        "Username": (who.get("arn") or "").rsplit("/", 1)[-1] or None,
        "Resources": [],
        "CloudTrailEvent": json.dumps(record),
    }


def patch_cloudtrail() -> None:
    from moto.cloudtrail.responses import CloudTrailResponse
    from moto.core.exceptions import JsonRESTError

    class InvalidLookup(JsonRESTError):
        code = 400

        def __init__(self, kind: str, message: str):
            super().__init__(kind, message)

    def lookup_events(self):  # type: ignore[no-untyped-def]
        attrs = self._get_param("LookupAttributes") or []
        if len(attrs) > 1:
            raise InvalidLookup("InvalidLookupAttributesException", "You can only specify one lookup attribute.")
        start = self._get_param("StartTime")
        end = self._get_param("EndTime")
        limit = int(self._get_param("MaxResults") or 50)
        if not 1 <= limit <= 50:
            raise InvalidLookup("InvalidMaxResultsException", "MaxResults must be between 1 and 50.")
        events = list(_CLOUDTRAIL_EVENTS.get((self.current_account, self.region), []))
        for a in attrs:
            key = a.get("AttributeKey")
            if key not in _LOOKUP_KEYS:
                raise InvalidLookup("InvalidLookupAttributesException", f"unsupported AttributeKey {key}")
            events = [e for e in events if _LOOKUP_KEYS[key](e) == a.get("AttributeValue")]
        if start is not None:
            events = [e for e in events if e["EventTime"] >= float(start)]
        if end is not None:
            events = [e for e in events if e["EventTime"] <= float(end)]
        events.sort(key=lambda e: e["EventTime"], reverse=True)
        at = 0
        token = self._get_param("NextToken")
        if token:
            decoded = _unb64(str(token))
            if not decoded or not decoded.startswith("idx:"):
                raise InvalidLookup("InvalidNextTokenException", "Invalid NextToken")
            at = int(decoded[4:])
        page = events[at : at + limit]
        out: dict[str, Any] = {"Events": page}
        if at + limit < len(events):
            out["NextToken"] = _b64(f"idx:{at + limit}")
        return json.dumps(out)

    CloudTrailResponse.lookup_events = lookup_events


def _seed_dispatch(method: str, path: str, body: dict[str, Any]) -> Any:
    account = str(body.get("account") or DEFAULT_ACCOUNT)
    region = body.get("region") or DEFAULT_REGION
    if method == "GET" and path == "/_seed/health":
        return {"ok": True}
    if method != "POST":
        raise SeedError(405, "use POST")

    if path == "/_seed/directconnect/virtual-interfaces":
        from moto.directconnect.models import directconnect_backends

        backend = directconnect_backends[account][region]
        specs = body.get("virtualInterfaces")
        if specs is None:
            specs = [body.get("virtualInterface") or {}]
        out = [_SEED_HOOKS["build_vif"](backend, spec) for spec in specs]
        return {"virtualInterfaces": out}

    if path == "/_seed/directconnect/connections":
        from moto.directconnect.models import directconnect_backends

        backend = directconnect_backends[account][region]
        conn = None
        if body.get("connectionId"):
            conn = backend.connections.get(body["connectionId"])
        elif body.get("connectionName"):
            conn = next((c for c in backend.connections.values() if c.connection_name == body["connectionName"]), None)
        if conn is None:
            raise SeedError(404, "connection not found")
        fields = {
            "macSecCapable": "mac_sec_capable",
            "encryptionMode": "encryption_mode",
            "portEncryptionStatus": "port_encryption_status",
            "hasLogicalRedundancy": "has_logical_redundancy",
            "connectionState": "connection_state",
            "loaIssueTime": "loa_issue_time",
            "jumboFrameCapable": "jumbo_frame_capable",
            "partnerName": "partner_name",
            "providerName": "provider_name",
            "awsDeviceV2": "aws_device_v2",
            "awsLogicalDeviceId": "aws_logical_device_id",
            "vlan": "vlan",
        }
        for k, v in (body.get("set") or {}).items():
            if k not in fields:
                raise SeedError(400, f"unknown field {k}; known: {sorted(fields)}")
            setattr(conn, fields[k], v)
        return conn.to_dict()

    if path in ("/_seed/ec2/vpn-telemetry", "/_seed/ec2/vpn-tunnel-options"):
        from moto.ec2.models import ec2_backends

        backend = ec2_backends[account][region]
        vpn = backend.vpn_connections.get(body.get("vpnConnectionId"))
        if vpn is None or not getattr(vpn, "options", None):
            raise SeedError(404, "vpn connection not found (create it with CreateVpnConnection first)")
        if path.endswith("vpn-tunnel-options"):
            for i, spec in enumerate(body.get("tunnelOptions") or []):
                if i >= len(vpn.options["TunnelOptions"]):
                    break
                tunnel = vpn.options["TunnelOptions"][i]
                for k, v in spec.items():
                    k = _REQ_TO_RESP.get(k, k)
                    tunnel[k] = [{"Value": x} for x in _values(v)] if k in _LIST_KEYS else v
            return {"TunnelOptions": vpn.options["TunnelOptions"]}
        if body.get("telemetry") is not None:
            given = list(body["telemetry"])
            tele = _telemetry(vpn, [t.get("Status", "UP") for t in given])
            for base, t in zip(tele, given):
                base.update({k: v for k, v in t.items() if k != "LastStatusChange"})
                if "LastStatusChange" in t:
                    base["LastStatusChange"] = datetime.fromtimestamp(float(t["LastStatusChange"]), tz=timezone.utc)
            vpn.vgw_telemetry = tele
        else:
            vpn.vgw_telemetry = _telemetry(vpn, list(body.get("statuses") or []))
        return {"VgwTelemetry": [dict(t, LastStatusChange=_epoch(t["LastStatusChange"])) for t in vpn.vgw_telemetry]}

    if path == "/_seed/cloudtrail/events":
        records = body.get("events") or []
        entries = _CLOUDTRAIL_EVENTS.setdefault((account, region), [])
        entries.extend(_lookup_entry(r) for r in records)
        return {"events": len(entries)}

    raise SeedError(404, f"unknown seeding path {path}")


# ---------------------------------------------------------------------------
# Fault injection (resilience tests of the scanner)
# ---------------------------------------------------------------------------
# moto enforces no IAM and never throttles. Tests register faults: the next
# matching requests get an AWS-shaped error instead of moto's answer.
#
#   POST /_seed/faults        {"service": "s3", "operation": "GetBucketPolicy",
#                              "bucket": "it-x" (S3 only, optional),
#                              "params": {"RoleArn": "arn:..."} (Query protocol
#                              parameters the request must carry, optional),
#                              "code": "AccessDenied", "status": 403,
#                              "message": "...", "times": 1 (omit = every time),
#                              "delay": 2.5 (seconds to wait first; without
#                              "code"/"status" the request then goes to moto)}
#                             -> {"id": N}
#   GET  /_seed/faults        -> {"faults": [{..., "hits": K}, ...]}
#   POST /_seed/faults/clear  -> {"cleared": N}
#
# service = the SigV4 signing name (s3, athena, ec2, directconnect,
# organizations, sts); operation = the API operation name.
_FAULTS: list[dict[str, Any]] = []
_FAULTS_LOCK = threading.Lock()
_CRED_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")
# GET ?SUBRESOURCE on a bucket -> S3 operation
_S3_GET_SUBRESOURCES = {
    "policy": "GetBucketPolicy",
    "policyStatus": "GetBucketPolicyStatus",
    "publicAccessBlock": "GetPublicAccessBlock",
    "encryption": "GetBucketEncryption",
    "location": "GetBucketLocation",
    "acl": "GetBucketAcl",
    "tagging": "GetBucketTagging",
    "versioning": "GetBucketVersioning",
}


def _request_params(environ: dict[str, Any]) -> dict[str, str]:
    """The query and form parameters of a Query-protocol request (STS, EC2), first values;
    reads and restores the body."""
    from urllib.parse import parse_qs

    params = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length and not environ.get("HTTP_X_AMZ_TARGET"):
        raw = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(raw)
        params.update({k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()})
    return params


def _request_identity(environ: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(service, operation, bucket) of an AWS request; reads and restores the body if needed."""
    from urllib.parse import parse_qs

    m = _CRED_SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    service = m.group(1) if m else None
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return service, target.rsplit(".", 1)[-1], None
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    if service == "s3":
        method = environ.get("REQUEST_METHOD", "GET")
        parts = [p for p in environ.get("PATH_INFO", "/").split("/") if p]
        if not parts:
            return service, "ListBuckets" if method == "GET" else None, None
        bucket = parts[0]
        if method == "GET" and len(parts) == 1:
            for key, op in _S3_GET_SUBRESOURCES.items():
                if key in query:
                    return service, op, bucket
        return service, None, bucket
    if "Action" in query:
        return service, query["Action"][0], None
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        raw = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(raw)
        form = parse_qs(raw.decode("utf-8", "replace"))
        if "Action" in form:
            return service, form["Action"][0], None
    return service, None, None


def _fault_response(service: str | None, json_protocol: bool, fault: dict[str, Any]) -> tuple[str, list, bytes]:
    code = str(fault.get("code") or "InternalError")
    status = int(fault.get("status") or 500)
    message = str(fault.get("message") or f"injected fault: {code}")
    reason = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests",
              500: "Internal Server Error", 503: "Service Unavailable"}.get(status, "Error")
    headers = [("x-amzn-RequestId", "e2e-fault"), ("x-amz-request-id", "e2e-fault")]
    if json_protocol:
        body = json.dumps({"__type": code, "message": message}).encode()
        headers += [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", code)]
    elif service == "s3":
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
                f"<Message>{message}</Message><RequestId>e2e-fault</RequestId></Error>").encode()
        headers.append(("Content-Type", "application/xml"))
    elif service == "ec2":
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{code}</Code>'
                f"<Message>{message}</Message></Error></Errors><RequestID>e2e-fault</RequestID></Response>").encode()
        headers.append(("Content-Type", "text/xml"))
    else:
        body = (f'<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>'
                f"</Error><RequestId>e2e-fault</RequestId></ErrorResponse>").encode()
        headers.append(("Content-Type", "text/xml"))
    headers.append(("Content-Length", str(len(body))))
    return f"{status} {reason}", headers, body


def _match_fault(environ: dict[str, Any]) -> tuple[float, tuple[str, list, bytes] | None, str | None, bool] | None:
    """(delay, error response or None, bad-answer kind or None, stall) of the first live match;
    no error response and no answer kind = pass through after the delay."""
    with _FAULTS_LOCK:
        if not any(f["times"] is None or f["hits"] < f["times"] for f in _FAULTS):
            return None
    service, operation, bucket = _request_identity(environ)
    with _FAULTS_LOCK:
        for f in _FAULTS:
            if f["times"] is not None and f["hits"] >= f["times"]:
                continue
            if f.get("service") and f["service"] != service:
                continue
            if f.get("operation") and f["operation"] != operation:
                continue
            if f.get("bucket") and f["bucket"] != bucket:
                continue
            if f.get("params"):
                given = _request_params(environ)
                if any(given.get(k) != v for k, v in f["params"].items()):
                    continue
            f["hits"] += 1
            response = None
            if f.get("code") or f.get("status"):
                response = _fault_response(service, bool(environ.get("HTTP_X_AMZ_TARGET")), f)
            return float(f.get("delay") or 0), response, f.get("answer"), bool(f.get("stall"))
    return None


# Set when the faults are cleared or the server stops: releases every stalled request.
_UNSTALL = threading.Event()
# A stalled request waits at most this long (then it is served).
_STALL_LIMIT_S = 600.0

_HTML_PAGE = (b"<!DOCTYPE html>\n<html><head><title>Network login</title></head>"
              b"<body><h1>Sign in to continue</h1><form action=\"/login\"></form></body></html>\n")


def _bad_answer(kind: str, app: Any, environ: dict[str, Any]) -> tuple[str, list, list[bytes]]:
    """A 200 answer of the given kind: what a broken proxy or a captive portal sends."""
    if kind == "empty":
        return "200 OK", [("Content-Length", "0"), ("x-amz-request-id", "e2e-fault")], [b""]
    if kind == "html":
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(_HTML_PAGE)))]
        return "200 OK", headers, [_HTML_PAGE]
    # "truncated" / "half": moto's real answer, cut in half.
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list, exc_info: Any = None) -> Any:
        captured["status"], captured["headers"] = status, headers
        return lambda data: None

    body = b"".join(app(environ, start_response))
    half = body[: len(body) // 2]
    headers = [(k, v) for k, v in captured.get("headers", []) if k.lower() != "content-length"]
    if kind == "truncated":
        # The length of the whole answer, then the connection closes after half of it.
        headers += [("Content-Length", str(len(body))), ("Connection", "close")]
    else:
        headers.append(("Content-Length", str(len(half))))
    return captured.get("status", "200 OK"), headers, [half]


def _faults_endpoint(method: str, path: str, body: dict[str, Any]) -> Any:
    with _FAULTS_LOCK:
        if path == "/_seed/faults" and method == "GET":
            return {"faults": [dict(f) for f in _FAULTS]}
        if path == "/_seed/faults" and method == "POST":
            known = {"service", "operation", "bucket", "code", "status", "message", "times", "delay",
                     "answer", "stall", "params"}
            unknown = set(body) - known
            if unknown:
                raise SeedError(400, f"unknown fault fields {sorted(unknown)}")
            if not isinstance(body.get("params", {}), dict):
                raise SeedError(400, "params must be an object of parameter names and values")
            if body.get("answer") not in (None, "empty", "html", "truncated", "half"):
                raise SeedError(400, "answer must be one of empty, html, truncated, half")
            _UNSTALL.clear()
            times = body.get("times")
            fault = dict(body, id=len(_FAULTS) + 1, hits=0, times=None if times is None else int(times))
            _FAULTS.append(fault)
            return {"id": fault["id"]}
        if path == "/_seed/faults/clear" and method == "POST":
            n = len(_FAULTS)
            _FAULTS.clear()
            _UNSTALL.set()
            return {"cleared": n}
    raise SeedError(404, f"unknown fault path {method} {path}")


class FaultInjector:
    """Serves /_seed/faults*, answers matching AWS requests with the registered error."""

    def __init__(self, app: Any):
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_seed/faults"):
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
                raw = environ["wsgi.input"].read(length) if length else b""
                body = json.loads(raw or b"{}")
                if not isinstance(body, dict):
                    raise SeedError(400, "body must be a JSON object")
                status, payload = "200 OK", _faults_endpoint(environ.get("REQUEST_METHOD", "GET"), path, body)
            except SeedError as e:
                status, payload = f"{e.status} ERROR", {"error": str(e)}
            data = json.dumps(payload).encode()
            start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
            return [data]
        if not path.startswith("/_seed/"):
            hit = _match_fault(environ)
            if hit is not None:
                delay, response, answer, stall = hit
                if stall:
                    # A frozen endpoint: the connection is accepted, nothing is answered.
                    _UNSTALL.wait(_STALL_LIMIT_S)
                if delay > 0:
                    time.sleep(delay)
                if response is not None:
                    status, headers, body = response
                    start_response(status, headers)
                    return [body]
                if answer is not None:
                    status, headers, chunks = _bad_answer(answer, self.app, environ)
                    start_response(status, headers)
                    return chunks
        return self.app(environ, start_response)


class SeedingMiddleware:
    """Serves /_seed/* itself, hands everything else to moto."""

    def __init__(self, app: Any):
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if not path.startswith("/_seed/"):
            return self.app(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            raw = environ["wsgi.input"].read(length) if length else b""
            body = json.loads(raw or b"{}")
            if not isinstance(body, dict):
                raise SeedError(400, "body must be a JSON object")
            result = _seed_dispatch(environ.get("REQUEST_METHOD", "GET"), path, body)
            status, payload = "200 OK", result
        except SeedError as e:
            status, payload = f"{e.status} ERROR", {"error": str(e)}
        except Exception as e:  # pragma: no cover - diagnostic
            status, payload = "500 ERROR", {"error": f"{type(e).__name__}: {e}"}
        data = json.dumps(payload, default=str).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]


def apply_patches() -> None:
    patch_athena()
    patch_directconnect()
    patch_s3()
    patch_ec2()
    patch_organizations()
    patch_cloudtrail()


def main(argv: list[str] | None = None) -> int:
    # Handlers first: a SIGTERM/SIGINT at any point ends the process with status 0.
    stop = threading.Event()

    def _on_signal(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = pick a free one)")
    parser.add_argument("--host", default="127.0.0.1", help=argparse.SUPPRESS)
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    parser.add_argument(
        "--vpn-default-tunnel-options",
        choices=["full", "omit"],
        default="full",
        help="tunnel algorithm lists not given at CreateVpnConnection: 'full' = AWS's default "
        "lists (the default), 'omit' = leave them out of the response",
    )
    parser.add_argument(
        "--s3-cross-account",
        choices=["deny", "allow"],
        default="deny",
        help="requests on a bucket of another account: 'deny' = AccessDenied like AWS without a "
        "granting bucket policy (the default), 'allow' = moto's own default (served)",
    )
    parser.add_argument(
        "--exit-with-parent",
        action="store_true",
        help="also stop when stdin reaches end of file (the parent, holding the pipe, died)",
    )
    args = parser.parse_args(argv)
    if args.exit_with_parent:

        def _watch_stdin() -> None:
            try:
                while sys.stdin.buffer.read(65536):
                    pass
            except (OSError, ValueError):
                pass
            stop.set()

        threading.Thread(target=_watch_stdin, name="parent-watch", daemon=True).start()
    _VPN_DEFAULTS_MODE["mode"] = args.vpn_default_tunnel_options
    # moto's own switch (moto.settings.s3_allow_crossdomain_access, read per request).
    os.environ["MOTO_S3_ALLOW_CROSSACCOUNT_ACCESS"] = "true" if args.s3_cross_account == "allow" else "false"

    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    apply_patches()

    handler = MotoRequestHandler
    if not args.verbose:

        class QuietHandler(MotoRequestHandler):  # type: ignore[misc,valid-type]
            def log_request(self, *a: Any, **k: Any) -> None:  # noqa: D401
                pass

        handler = QuietHandler

    app = FaultInjector(SeedingMiddleware(DomainDispatcherApplication(create_backend_app)))
    server = make_server(args.host, args.port, app, threaded=True, request_handler=handler)
    port = server.server_address[1]
    os.environ["MOTO_PORT"] = str(port)

    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="moto-server", daemon=True)
    thread.start()

    # Only announce once a TCP connection is accepted.
    deadline = time.monotonic() + 30
    while not stop.is_set():
        try:
            with socket.create_connection((args.host, port), timeout=1):
                break
        except OSError:
            if time.monotonic() > deadline:
                print("moto_launcher: server did not accept connections", file=sys.stderr)
                return 1
            time.sleep(0.05)
    if stop.is_set():
        server.shutdown()
        server.server_close()
        return 0
    sys.stdout.write(f"READY http://{args.host}:{port}\n")
    sys.stdout.flush()

    while not stop.wait(0.5):
        if not thread.is_alive():
            return 1
    _UNSTALL.set()
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
