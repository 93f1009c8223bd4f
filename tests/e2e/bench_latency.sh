#!/usr/bin/env bash
# Scan throughput near the concurrency limit: a local endpoint that answers every AWS read
# after a fixed delay (tests/e2e/latency_endpoint), N buckets (even ones with the canonical
# deny-HTTP policy, odd ones without a policy), then `intransit scan --concurrency C` timed
# with /usr/bin/time -v. With every call taking L ms, C calls in flight can at best finish
#     limit = ceil(calls / C) x L
# where calls is the snapshot's scan.operations total; the script prints wall, limit, ratio,
# CPU and peak RSS, and fails if any verdict is wrong or any fetch failed.
#
#   cargo build --release
#   tests/e2e/bench_latency.sh [BUCKETS] [CONCURRENCY] [LATENCY_MS] [RUNS]   # 2000 64 20 1
#
# Binary: $INTRANSIT_BIN, else ${CARGO_TARGET_DIR:-target}/release/intransit (default "aws"
# feature). The endpoint is built here (its own package, tokio only, about a minute the first
# time) into ${CARGO_TARGET_DIR:-target}/latency-endpoint. $BENCH_REGIONS (comma-separated,
# default us-east-1) spreads the buckets over regions, and the scan reads those regions.
# $BENCH_ACCOUNTS (default 1) makes the endpoint an organization of that many accounts, each
# with BUCKETS buckets, scanned with `--org-role BenchRole`. Python 3 (standard library only) reads
# the snapshot. Nothing leaves 127.0.0.1.
set -euo pipefail

BUCKETS=${1:-2000}
CONCURRENCY=${2:-64}
LATENCY_MS=${3:-20}
RUNS=${4:-1}
REGIONS=${BENCH_REGIONS:-us-east-1}
ACCOUNTS=${BENCH_ACCOUNTS:-1}
REGION_FLAGS=()
for r in ${REGIONS//,/ }; do REGION_FLAGS+=(--region "$r"); done
ORG_FLAGS=()
[ "$ACCOUNTS" -gt 1 ] && ORG_FLAGS=(--org-role BenchRole)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=${INTRANSIT_BIN:-$TARGET/release/intransit}
PY=${INTRANSIT_E2E_PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/intransit-latency.XXXXXX")

[ -x "$BIN" ] || { echo "no $BIN: run cargo build --release first" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time (GNU time) is needed" >&2; exit 1; }

cargo build --release --quiet --manifest-path "$ROOT/tests/e2e/latency_endpoint/Cargo.toml" \
    --target-dir "$TARGET/latency-endpoint"
ENDPOINT_BIN="$TARGET/latency-endpoint/release/latency-endpoint"
# shellcheck source=tests/e2e/ready.sh
. "$ROOT/tests/e2e/ready.sh"

EP_PID=
cleanup() {
    if [ -n "$EP_PID" ]; then kill -TERM "$EP_PID" 2>/dev/null || true; wait "$EP_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE="$WORK/none" AWS_SHARED_CREDENTIALS_FILE="$WORK/none"
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_DEFAULT_REGION

echo "== machine: $(nproc) cores, $(uname -sr); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== $ACCOUNTS account(s) x $BUCKETS buckets in $REGIONS, --concurrency $CONCURRENCY, $LATENCY_MS ms per request"

for run in $(seq 1 "$RUNS"); do
    # A fresh endpoint per run: its request counts are the run's.
    "$ENDPOINT_BIN" --port 0 --latency-ms "$LATENCY_MS" --buckets "$BUCKETS" --regions "$REGIONS" --accounts "$ACCOUNTS" \
        >"$WORK/ep.out" 2>"$WORK/ep.err" &
    EP_PID=$!
    ENDPOINT=$(ready_endpoint "$WORK/ep.out" "$WORK/ep.err" "the latency endpoint" 100 0.05) || exit 1

    echo "== run $run/$RUNS: intransit scan against $ENDPOINT"
    # Exit 3 or 4 (reads failed) still writes the snapshot: the checks below say what failed.
    STATUS=0
    rm -f "$WORK/snapshot.json"
    /usr/bin/time -v "$BIN" scan --endpoint-url "$ENDPOINT" "${REGION_FLAGS[@]}" "${ORG_FLAGS[@]}" \
        --concurrency "$CONCURRENCY" --out "$WORK/snapshot.json" 2>"$WORK/time.txt" || STATUS=$?
    [ -s "$WORK/snapshot.json" ] || { cat "$WORK/time.txt" >&2; exit 1; }
    grep -v -E '^\s' "$WORK/time.txt" || true
    for what in counts served; do
        "$PY" -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())' \
            "$ENDPOINT/_bench/$what" >"$WORK/$what.json"
    done
    kill -TERM "$EP_PID"; wait "$EP_PID" 2>/dev/null || true; EP_PID=

    "$PY" - "$WORK/snapshot.json" "$WORK/time.txt" "$WORK/counts.json" "$WORK/served.json" \
        "$BUCKETS" "$CONCURRENCY" "$LATENCY_MS" "$STATUS" "$ACCOUNTS" <<'EOF'
import json, math, sys

snap_path, time_path, counts_path, served_path = sys.argv[1:5]
per_account, concurrency, latency_ms, status, accounts = (int(a) for a in sys.argv[5:10])
buckets_seeded = per_account * accounts
served = json.load(open(served_path))
snap = json.load(open(snap_path))
counts = json.load(open(counts_path))
timing = {}
for line in open(time_path):
    if ": " in line:
        k, v = line.strip().rsplit(": ", 1)
        timing[k] = v

def seconds(clock):
    # h:mm:ss or m:ss.ss
    parts = [float(p) for p in clock.split(":")]
    return sum(p * 60 ** i for i, p in enumerate(reversed(parts)))

wall = seconds(timing["Elapsed (wall clock) time (h:mm:ss or m:ss)"])
user = float(timing["User time (seconds)"])
system = float(timing["System time (seconds)"])
rss_kb = int(timing["Maximum resident set size (kbytes)"])
ops = snap["scan"]["operations"]
calls = sum(ops.values())
limit = math.ceil(calls / concurrency) * latency_ms / 1000
buckets = snap["buckets"]
def name(k, i):
    return f"bench-{i:05d}" if k == 0 else f"bench-a{k:04d}-{i:05d}"
want = {name(k, i): "enforced" if i % 2 == 0 else "not_enforced"
        for k in range(accounts) for i in range(per_account)}
wrong = [b["name"] for b in buckets if want.get(b["name"]) != b["tls"]["verdict"]]
errors = len(snap["errors"]) + sum(len(b["errors"]) for b in buckets)
verdicts = {}
for b in buckets:
    verdicts[b["tls"]["verdict"]] = verdicts.get(b["tls"]["verdict"], 0) + 1
unknown = {k: v for k, v in counts.items() if k.startswith(("unknown:", "wrong-account:"))}
scanned = [a for a in snap["accounts"] if a.get("scan_state", "scanned") != "not_scanned"]

print(f"buckets          {len(buckets)} of {buckets_seeded}: "
      + ", ".join(f"{v} {k}" for k, v in sorted(verdicts.items()))
      + f"; verdicts wrong: {len(wrong)}; fetch errors: {errors}")
print(f"accounts         {len(scanned)} of {accounts} scanned; "
      f"{calls / max(len(buckets), 1):.2f} calls per bucket")
print(f"calls            {calls} in the snapshot, {sum(counts.values())} answered by the endpoint")
for k in sorted(ops):
    print(f"  {k:<40} {ops[k]:>6}")
print(f"limit            ceil({calls} / {concurrency}) x {latency_ms} ms = {limit * 1000:.0f} ms")
print(f"wall             {wall * 1000:.0f} ms (scan.duration_ms {snap['scan']['duration_ms']}, "
      f"verdicts done at {snap['scan']['verdicts_complete_ms']} ms)")
print(f"ratio            {wall / limit:.2f} x the limit (target <= 1.2)")
# The endpoint's timer rounds each delay up to its next millisecond tick.
served_limit = math.ceil(calls / concurrency) * served["mean_ms"] / 1000
print(f"endpoint         answered in {served['mean_ms']:.2f} ms on average (max {served['max_ms']:.2f}): "
      f"limit at that latency {served_limit * 1000:.0f} ms, ratio {wall / served_limit:.2f}")
print(f"CPU              {timing['Percent of CPU this job got']} (user {user:.2f} s, system {system:.2f} s, "
      f"{(user + system) * 1e6 / max(calls, 1):.0f} us per call)")
print(f"peak RSS         {rss_kb / 1024:.1f} MiB")
bad = []
if status != 0:
    bad.append(f"intransit scan exited with status {status}")
if wrong:
    bad.append(f"{len(wrong)} wrong verdicts, e.g. {wrong[:3]}")
if len(buckets) != buckets_seeded:
    bad.append(f"{len(buckets)} buckets in the snapshot")
if errors:
    bad.append(f"{errors} fetch errors: {(snap['errors'] + [e for b in buckets for e in b['errors']])[:3]}")
if unknown:
    bad.append(f"operations the endpoint does not answer (or another account's): {unknown}")
if len(scanned) != accounts:
    bad.append(f"{len(scanned)} of {accounts} accounts scanned")
if bad:
    sys.exit("FAILED: " + "; ".join(bad))
EOF
done
