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
# shellcheck source=tests/e2e/ready.sh
. "$E2E/ready.sh"
ENDPOINT=$(ready_endpoint "$WORK/moto.out" "$WORK/moto.err" moto_launcher.py 300 0.1) || exit 1

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE="$WORK/none" AWS_SHARED_CREDENTIALS_FILE="$WORK/none"
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_DEFAULT_REGION
