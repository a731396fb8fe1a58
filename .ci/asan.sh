#!/usr/bin/env bash
# AddressSanitizer over the workspace's tests: every crate's unit tests and
# every integration test (crates/*/tests and tests/), built with the nightly
# toolchain and -Zsanitizer=address, each test executable run on its own
# under a time limit (.ci/lib.sh). Catches use-after-free, double free,
# out-of-bounds and leaks in rt's unsafe code (task cells, wakers, queues).
#
# Usage: bash .ci/asan.sh   (from anywhere; build in target/asan)
# Time on the 2-core machine, from cold: 6 min 7 s (5 min 9 s of build, the
# 44 test executables about a minute, the suite 20 s of it) beside 3 other
# builders (2026-12-02); earlier 1 min 52 s (70 s of build) when the
# machine was otherwise idle.
# Each test executable gets 240 s, the suite 480 s (the tests' own watchdogs
# fire first).
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh
STEP_NAME=asan

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target/asan}
# Frame pointers: ASan's fast unwinder then shows full allocation and free
# stacks in a use-after-free report.
export RUSTFLAGS="-Zsanitizer=address -Cforce-frame-pointers=yes"
export RUSTDOCFLAGS=$RUSTFLAGS
# The leak checker stays on: a leak fails the test executable. std's and
# crossbeam-epoch's thread-local records are still reachable at exit, so
# LeakSanitizer does not report them; .ci/lsan.supp lists the one leak a
# test makes on purpose.
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=0
export LSAN_OPTIONS="suppressions=$PWD/.ci/lsan.supp:print_suppressions=0"
export RUST_BACKTRACE=1
# Tests that move many bytes a small read at a time move fewer
# (tests/suite/io_support's under_sanitizer).
export RT_SUITE_SANITIZER=address

# --lib --bins --tests: no doctests (each doctest is a separate compile and
# link under ASan; the plain `cargo test --workspace` step runs them) and no
# examples or benches (built, not run, by that step and the benches step).
json=$CARGO_TARGET_DIR/tests.json
mkdir -p "$CARGO_TARGET_DIR"
# --no-default-features: rt-suite's one default feature is the axum demo's
# dependency, which no test uses (Cargo.toml).
build_tests "$json" +nightly test --workspace --target "$TARGET" \
    --no-default-features --lib --bins --tests

declare -A SKIP_BIN=() SKIP_TEST=()
# trybuild runs cargo itself to compile rt-macros' tests/ui: nothing of it
# runs under ASan.
SKIP_BIN[rt-macros/ui]=1
# The proc-macro crate's own unit tests are built for the host, without ASan.
SKIP_BIN[rt-macros/rt_macros]=1
# tests/runtime_cycles.rs bounds the growth of resident memory over 900
# runtimes (8 MiB); ASan's quarantine keeps up to 256 MiB of freed blocks
# resident (78 MiB here), so that test runs without it. Its descriptor,
# thread and leak checks are unchanged.
ENV_FOR[rt-suite/runtime_cycles]="ASAN_OPTIONS=$ASAN_OPTIONS:quarantine_size_mb=0:thread_local_quarantine_size_kb=0"

# The suite (tests/suite: 65 former test files in one process) runs as long
# as they did one after the other: it gets the step's time, not one file's.
LIMIT_FOR[rt-suite/suite]=480

run_tests 240 "$json"
