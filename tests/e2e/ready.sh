# Sourced by the benchmark scripts. `ready_endpoint OUT ERR WHAT TRIES DELAY`: waits until the
# server started in the background prints `READY URL` to OUT (TRIES checks, DELAY seconds
# apart), then prints URL; when it never does, says so with its stderr (ERR) and exits 1.
ready_endpoint() {
    local out=$1 err=$2 what=$3 tries=$4 delay=$5 url
    for _ in $(seq 1 "$tries"); do
        grep -q '^READY ' "$out" 2>/dev/null && break
        sleep "$delay"
    done
    url=$(awk '/^READY /{print $2}' "$out")
    [ -n "$url" ] || { echo "$what did not start:" >&2; cat "$err" >&2; exit 1; }
    echo "$url"
}
