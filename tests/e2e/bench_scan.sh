#!/usr/bin/env bash
# Scan throughput against moto: N buckets (default 2000) seeded into a fresh launcher, then
#   1. `target/release/intransit scan` timed with /usr/bin/time -v (wall time, peak RSS),
#      with the calls per bucket read from the snapshot's scan.operations;
#   2. a 16-thread boto3 loop (ListBuckets, then GetBucketPolicy + GetBucketLocation per
#      bucket) against the same server, for comparison.
#
#   cargo build --release
#   tests/e2e/bench_scan.sh [BUCKETS]
#
# Python: $INTRANSIT_E2E_PYTHON, else .venv-e2e/bin/python (see tests/e2e/README.md).
# Binary: $INTRANSIT_BIN, else target/release/intransit (built with the default "aws" feature).
# Nothing leaves 127.0.0.1.
set -euo pipefail

BUCKETS=${1:-2000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
E2E="$ROOT/tests/e2e"
PY=${INTRANSIT_E2E_PYTHON:-$ROOT/.venv-e2e/bin/python}
BIN=${INTRANSIT_BIN:-$ROOT/target/release/intransit}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/intransit-bench.XXXXXX")

[ -x "$PY" ] || { echo "no Python with moto at $PY (set INTRANSIT_E2E_PYTHON)" >&2; exit 1; }
[ -x "$BIN" ] || { echo "no $BIN: run cargo build --release first" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time (GNU time) is needed" >&2; exit 1; }

# shellcheck source=moto_env.sh
. "$E2E/moto_env.sh"

echo "== machine: $(nproc) cores, $(uname -sr); moto at $ENDPOINT"
SEED_START=$(date +%s.%N)
"$PY" "$E2E/seed_estate.py" --endpoint "$ENDPOINT" --buckets "$BUCKETS" --expect "$WORK/expect.json"
echo "== seeded $BUCKETS buckets in $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $SEED_START}") s"

echo "== intransit scan (release, --concurrency 16)"
/usr/bin/time -v "$BIN" scan --endpoint-url "$ENDPOINT" --region us-east-1 --concurrency 16 \
    --out "$WORK/snapshot.json" 2>"$WORK/time.txt" || { cat "$WORK/time.txt" >&2; exit 1; }
grep -v -E '^\s' "$WORK/time.txt" || true
WALL=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$WORK/time.txt")
RSS=$(awk -F': ' '/Maximum resident set size/{print $2}' "$WORK/time.txt")
CPU=$(awk -F': ' '/Percent of CPU/{print $2}' "$WORK/time.txt")
USR=$(awk -F': ' '/User time/{print $2}' "$WORK/time.txt")
SYS=$(awk -F': ' '/System time/{print $2}' "$WORK/time.txt")
echo "wall time        $WALL"
echo "peak RSS         $RSS kB"
echo "CPU              $CPU (user $USR s, system $SYS s)"
"$PY" - "$WORK/snapshot.json" "$WORK/expect.json" <<'EOF'
import json, sys
snap = json.load(open(sys.argv[1]))
expect = json.load(open(sys.argv[2]))
ops = snap["scan"]["operations"]
buckets = snap["buckets"]
n = len(buckets)
s3 = {k: v for k, v in ops.items() if k.startswith("s3:")}
wrong = [b["name"] for b in buckets if b["tls"]["verdict"] != expect["buckets"][b["name"]]["verdict"]]
errors = len(snap["errors"]) + sum(len(b["errors"]) for b in buckets)
print(f"buckets          {n} (seeded {len(expect['buckets'])}, verdicts wrong: {len(wrong)}, fetch errors: {errors})")
ms = snap["scan"]["duration_ms"] or 1
print(f"scan duration    {ms} ms in the snapshot, {snap['scan']['api_calls'] * 1000 / ms:.0f} calls/s")
print(f"verdicts done    {snap['scan']['verdicts_complete_ms']} ms after the start (every bucket has its TLS verdict)")
print(f"API calls        {snap['scan']['api_calls']} total, {sum(s3.values())} S3")
print(f"S3 calls/bucket  {sum(s3.values()) / max(n, 1):.2f}")
for k in sorted(ops):
    print(f"  {k:<40} {ops[k]:>6}  ({ops[k] / max(n, 1):.3f}/bucket)")
EOF

echo "== boto3, 16 threads: ListBuckets + GetBucketPolicy + GetBucketLocation per bucket"
"$PY" - "$ENDPOINT" <<'EOF'
import sys, time
from concurrent.futures import ThreadPoolExecutor
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint = sys.argv[1]
cfg = Config(max_pool_connections=16, s3={"addressing_style": "path"},
             retries={"mode": "standard", "max_attempts": 5})
t0 = time.monotonic()
s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint, config=cfg)
names, token, calls = [], None, 0
while True:
    kw = {"MaxBuckets": 1000}
    if token:
        kw["ContinuationToken"] = token
    page = s3.list_buckets(**kw)
    calls += 1
    names += [b["Name"] for b in page["Buckets"]]
    token = page.get("ContinuationToken")
    if not token:
        break

def one(name):
    try:
        s3.get_bucket_policy(Bucket=name)
    except ClientError as e:
        if e.response["Error"]["Code"] != "NoSuchBucketPolicy":
            raise
    s3.get_bucket_location(Bucket=name)
    return 2

with ThreadPoolExecutor(max_workers=16) as pool:
    calls += sum(pool.map(one, names))
took = time.monotonic() - t0
print(f"buckets          {len(names)}")
print(f"wall time        {took:.2f} s ({calls} calls, {calls / took:.0f} calls/s, {calls / len(names):.2f} calls/bucket)")
EOF
