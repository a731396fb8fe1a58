#!/usr/bin/env bash
# Load-independent counts of the HTTP demo servers (issue 10): what one
# request costs a server, measured so that a machine shared with other work
# still gives the same figures (throughput is not measured here: see
# `cargo run --release --example http -- --compare tokio` for that, on a
# quiet machine).
#
#     bash scripts/http-counts.sh perf      SERVER CONNECTIONS RATE SECS
#     bash scripts/http-counts.sh callgrind SERVER CONNECTIONS RATE SECS
#
# SERVER is http_server (rt) or http_server_tokio; both run 2 workers. RATE
# is requests per second per connection (examples/http_client's --rate), 0
# for a closed loop. The client (1 worker) first runs 1 s unmeasured (the
# connections open, the servers' buffers grow), then SECS measured.
#
# - perf: `perf stat -p` on the server over the measured run: context
#   switches, futex calls, epoll_wait calls, eventfd/pipe writes, CPU time,
#   each divided by the requests the client counted (PERF_EVENTS overrides
#   the list).
# - callgrind: the server under `valgrind --tool=callgrind` with
#   instrumentation switched on only for the measured run; prints
#   instructions per request and leaves the profile (`callgrind_annotate
#   DIR/cg.out*`). Threads run one at a time under valgrind, so keep the
#   rate low (100 connections x 10/s is about what it serves).
#
# Builds the release examples first (CARGO_TARGET_DIR is honoured).
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${1:?usage: http-counts.sh perf|callgrind SERVER CONNECTIONS RATE SECS}
SERVER=${2:?server: http_server or http_server_tokio}
CONNS=${3:?connections}
RATE=${4:?rate per connection, 0 for a closed loop}
SECS=${5:?measured seconds}

cargo build -q --release --example "$SERVER" --example http_client
BIN=${CARGO_TARGET_DIR:-target}/release/examples
RATE_ARG=()
[ "$RATE" != 0 ] && RATE_ARG=(--rate "$RATE")
OUT=$(mktemp -d /tmp/http-counts.XXXX)

case "$MODE" in
perf) "$BIN/$SERVER" --addr 127.0.0.1:0 --workers 2 >"$OUT/server.out" 2>"$OUT/server.err" & ;;
callgrind)
    valgrind --tool=callgrind --dump-instr=no --instr-atstart=no \
        --callgrind-out-file="$OUT/cg.out" \
        "$BIN/$SERVER" --addr 127.0.0.1:0 --workers 2 >"$OUT/server.out" 2>"$OUT/server.err" &
    ;;
*) echo "http-counts: mode is perf or callgrind" >&2; exit 2 ;;
esac
LAUNCHED=$!
for _ in $(seq 1 600); do
    grep -q listening "$OUT/server.out" 2>/dev/null && break
    sleep 0.1
done
ADDR=$(grep -o 'listening on [0-9.:]*' "$OUT/server.out" | awk '{print $3}')
PID=$(grep -o 'pid [0-9]*' "$OUT/server.out" | awk '{print $2}')
client() {
    "$BIN/http_client" --addr "$ADDR" --connections "$CONNS" "${RATE_ARG[@]}" \
        --warmup 0 --workers 1 --json --duration "$@"
}
client 1 >/dev/null 2>&1

if [ "$MODE" = callgrind ]; then
    callgrind_control -i on "$PID" >/dev/null 2>&1
    sleep 1 # the request is served by the valgrind scheduler, not at once
    client "$SECS" >"$OUT/client.json" 2>"$OUT/client.err"
    callgrind_control -d "$PID" >/dev/null 2>&1
else
    EVENTS=${PERF_EVENTS:-context-switches,task-clock,syscalls:sys_enter_futex,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_write}
    perf stat -x, -e "$EVENTS" -p "$PID" -o "$OUT/perf.txt" &
    PERF=$!
    client "$SECS" >"$OUT/client.json" 2>"$OUT/client.err"
    kill -INT "$PERF"
    wait "$PERF" || true
fi
kill -TERM "$LAUNCHED"
wait "$LAUNCHED" 2>/dev/null || true

REQUESTS=$(python3 -c "import json; print(json.load(open('$OUT/client.json'))['requests'])")
echo "$SERVER: $CONNS connections, rate $RATE/s each, $SECS s: $REQUESTS requests (files in $OUT)"
if [ "$MODE" = callgrind ]; then
    PROFILE=$(ls -S "$OUT"/cg.out* | head -1)
    IR=$(callgrind_annotate "$PROFILE" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
    python3 -c "print(f'instructions per request: {$IR / $REQUESTS:.0f}  (profile: $PROFILE)')"
else
    python3 - "$OUT/perf.txt" "$REQUESTS" <<'EOF'
import sys
requests = int(sys.argv[2])
for line in open(sys.argv[1]):
    fields = line.strip().split(",")
    if len(fields) > 3 and fields[0][:1].isdigit():
        unit = " ms" if fields[1] == "msec" else ""
        print(f"{fields[2]:34s} {float(fields[0]):12.0f}{unit}  per request {float(fields[0]) / requests:.4f}")
EOF
fi
