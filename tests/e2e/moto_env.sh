# Sourced by the benchmark scripts: starts moto_launcher.py on a free port of 127.0.0.1,
# stops it (and removes $WORK) on exit, sets ENDPOINT and the test credentials.
# Needs PY (Python with moto), E2E (this folder) and WORK (a scratch directory).

MOTO_PID=
cleanup() {
    if [ -n "$MOTO_PID" ]; then kill -TERM "$MOTO_PID" 2>/dev/null || true; wait "$MOTO_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

"$PY" "$E2E/moto_launcher.py" --port 0 >"$WORK/moto.out" 2>"$WORK/moto.err" &
MOTO_PID=$!
for _ in $(seq 1 300); do
    grep -q '^READY ' "$WORK/moto.out" 2>/dev/null && break
    sleep 0.1
done
ENDPOINT=$(awk '/^READY /{print $2}' "$WORK/moto.out")
[ -n "$ENDPOINT" ] || { echo "moto_launcher.py did not start:" >&2; cat "$WORK/moto.err" >&2; exit 1; }

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE="$WORK/none" AWS_SHARED_CREDENTIALS_FILE="$WORK/none"
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_DEFAULT_REGION
