#!/usr/bin/env bash
# A frozen endpoint: N buckets (default 200) seeded into a fresh launcher, then every read but
# STS and ListBuckets stalls (the connection is accepted, nothing answers) and
# `intransit scan --call-timeout T` (default 5) is timed. Without the breakers each call
# waited out its whole budget (3 attempts' worth), 16 at a time; with them the scan should
# end after about one budget.
#
#   tests/e2e/bench_frozen.sh [BUCKETS] [CALL_TIMEOUT]
#
# Python: $INTRANSIT_E2E_PYTHON, else .venv-e2e/bin/python. Binary: $INTRANSIT_BIN, else
# target/release/intransit. Nothing leaves 127.0.0.1.
set -euo pipefail

BUCKETS=${1:-200}
CALL_TIMEOUT=${2:-5}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
E2E="$ROOT/tests/e2e"
PY=${INTRANSIT_E2E_PYTHON:-$ROOT/.venv-e2e/bin/python}
BIN=${INTRANSIT_BIN:-$ROOT/target/release/intransit}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/intransit-frozen.XXXXXX")

[ -x "$PY" ] || { echo "no Python with moto at $PY (set INTRANSIT_E2E_PYTHON)" >&2; exit 1; }
[ -x "$BIN" ] || { echo "no $BIN: build it first" >&2; exit 1; }

# shellcheck source=moto_env.sh
. "$E2E/moto_env.sh"

"$PY" "$E2E/seed_estate.py" --endpoint "$ENDPOINT" --buckets "$BUCKETS" --expect "$WORK/expect.json"
fault() { curl -sf -XPOST "$ENDPOINT/_seed/faults" -d "$1" >/dev/null; }
for op in GetBucketPolicy GetBucketPolicyStatus GetPublicAccessBlock GetBucketEncryption GetBucketLocation; do
    fault "{\"service\": \"s3\", \"operation\": \"$op\", \"stall\": true}"
done
for svc in athena ec2 directconnect organizations; do
    fault "{\"service\": \"$svc\", \"stall\": true}"
done

echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $BUCKETS buckets, every read stalled"
START=$(date +%s.%N)
set +e
"$BIN" scan --endpoint-url "$ENDPOINT" --region us-east-1 --concurrency 16 \
    --call-timeout "$CALL_TIMEOUT" --out "$WORK/snapshot.json" 2>"$WORK/scan.err"
CODE=$?
set -e
WALL=$(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $START}")
cat "$WORK/scan.err"
"$PY" - "$WORK/snapshot.json" <<'PY'
import collections, json, sys
s = json.load(open(sys.argv[1]))
codes = collections.Counter()
for b in s["buckets"]:
    for e in b["errors"]:
        if e["operation"] == "s3:GetBucketPolicy":
            codes[e["code"]] += 1
verdicts = collections.Counter(b["tls"]["verdict"] for b in s["buckets"])
print(f"buckets {len(s['buckets'])}, verdicts {dict(verdicts)}, policy reads {dict(codes)}")
print(f"GetBucketPolicy attempts on the wire: {s['scan']['operations'].get('s3:GetBucketPolicy', 0)}")
PY
echo "== scan exit $CODE in $WALL s (--call-timeout $CALL_TIMEOUT: one call's budget is $((CALL_TIMEOUT * 3)) s)"
