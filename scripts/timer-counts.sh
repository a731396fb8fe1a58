#!/usr/bin/env bash
# Instructions per timer armed and cancelled before its deadline (hyper's
# per-request header-read timeout), rt against tokio: examples/timer_cost
# under `valgrind --tool=callgrind`, collecting only its loops. Counts, not
# times: a machine shared with other work gives the same figures.
#
#     bash scripts/timer-counts.sh [ROUNDS]
#
# Prints, for `sleep` (time::sleep(30 s) on the stack) and `hyper` (hyper's
# Timer::sleep_until, boxed) and each runtime, the instructions per arm +
# cancel, with the loop's other work (`base`: the clock read and the box of
# the hyper loop) subtracted. Leaves the profiles (`callgrind_annotate
# --inclusive=no FILE`) in a temporary directory it names.
#
# Builds the release example first (CARGO_TARGET_DIR is honoured).
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${1:-20000}
WARM_UP=1000 # examples/timer_cost.rs's WARM_UP: its loops run it first
cargo build -q --release --example timer_cost
BIN=${CARGO_TARGET_DIR:-target}/release/examples/timer_cost
OUT=$(mktemp -d /tmp/timer-counts.XXXX)

collected() { # RUNTIME KIND: instructions collected in RUNTIME's loop
    valgrind --tool=callgrind --callgrind-out-file="$OUT/cg.$1.$2" \
        "--toggle-collect=*timer_cost::${1}_loop*" "$BIN" "$1" "$ROUNDS" "$2" 2>&1 |
        awk '/Collected :/ {gsub(",", "", $4); print $4}'
}

for kind in sleep hyper; do
    base=$(collected base "$kind")
    for runtime in rt tokio; do
        ir=$(collected "$runtime" "$kind")
        python3 -c "print(f'$kind $runtime: {($ir - $base) / ($ROUNDS + $WARM_UP):.0f} instructions per arm + cancel')"
    done
done
echo "(profiles in $OUT)"
