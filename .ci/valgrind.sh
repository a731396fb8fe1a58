#!/usr/bin/env bash
# valgrind memcheck over a handful of tests that drive the runtime core:
# the task cell's unit tests (state word, waker, JoinHandle), spawning and
# aborting, panics, shutdown, timers and a TCP round trip (three test
# executables: rt-task's unit tests, tests/timers.rs and four modules of
# the suite, tests/suite).
# Plain stable debug build (no sanitizer), so it also checks what ASan
# cannot: reads of uninitialised memory. A definite leak fails the run;
# "possibly lost" blocks are reported but do not.
#
# Usage: bash .ci/valgrind.sh   (build in target/valgrind, or in
# $CARGO_TARGET_DIR: .ci/run passes target, where its test step has just
# built the same executables, so nothing is rebuilt)
# Time on the 2-core machine: 44 s with the build reused (when they were
# six executables, they took 1-16 s each under memcheck); plus about 1 min 45 s of
# build when run on its own from cold.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh
STEP_NAME=valgrind

if ! command -v valgrind >/dev/null; then
    note "valgrind is missing: apt-get install valgrind"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q valgrind
fi
valgrind --version

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target/valgrind}
export RUST_BACKTRACE=1
json=$CARGO_TARGET_DIR/valgrind-tests.json
mkdir -p "$CARGO_TARGET_DIR"
# The same command as the plain test step, so its build is reused.
build_tests "$json" test --workspace

declare -A SKIP_BIN=() SKIP_TEST=()
ONLY="rt-task/rt_task rt-suite/suite rt-suite/timers"
# Of the suite (tests/suite), the modules of the former test files abort,
# panic, shutdown and tcp_round_trip (test names start with the module).
ARGS_FOR[rt-suite/suite]="abort:: panic:: shutdown:: tcp_round_trip::"
# 100,000 sleepers with p50/p99 lateness bounds: minutes under valgrind,
# and its wall-clock bounds cannot hold at valgrind's speed.
# Deadlines in order, the first 100 ms out: under valgrind spawning the 200
# sleepers takes longer than that, so some deadlines have passed before
# their sleep is first polled and they complete in poll order.
SKIP_TEST[rt-suite/timers]="many_concurrent_sleeps_wake_no_earlier_than_asked_and_little_later sleeps_with_distinct_deadlines_complete_in_deadline_order"

# --trace-children: the suite's shutdown module re-runs its test executable
# in a child process (tests/suite/support's run_isolated); that child runs
# under memcheck too.
# --fair-sched: valgrind runs one thread at a time; a fair lock keeps a
# spinning worker from starving the thread it waits for.
# --test-threads=1: one test at a time, so their timeouts see the whole
# (serialised) machine.
RUNNER=(valgrind -q --error-exitcode=1 --leak-check=full
    --errors-for-leak-kinds=definite --show-leak-kinds=definite,possible
    --suppressions="$PWD/.ci/valgrind.supp" --trace-children=yes
    --fair-sched=yes --num-callers=40)
TEST_ARGS=(--test-threads=1)
run_tests 240 "$json"
