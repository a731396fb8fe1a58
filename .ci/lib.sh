# Helpers shared by the sanitizer and valgrind steps (.ci/asan.sh, .ci/tsan.sh,
# .ci/valgrind.sh). Sourced, not run. Each step builds its test executables
# once (`cargo test --no-run --message-format=json`), then runs them one by
# one here, so that every executable gets its own time limit, its own skip
# list, and its own line in the closing summary.

# The nightly target: with an explicit --target, RUSTFLAGS reach only the
# target's crates, so proc-macros (rt-macros) and build scripts are built
# for the host without the sanitizer, as they must be.
TARGET=x86_64-unknown-linux-gnu
# Defaults for run_tests (below); a step script may set them after sourcing.
RUNNER=()
TEST_ARGS=()
declare -A ENV_FOR=() ARGS_FOR=() LIMIT_FOR=()

note() { printf '%s\n' "--- $*"; }

# list_tests JSON: one line per test executable in the build log JSON
# (cargo's --message-format=json), as "PKG/NAME<TAB>DIR<TAB>EXE": PKG the
# package, NAME the test target ("rt_reactor" for a lib's unit tests,
# "timers" for tests/timers.rs, "suite" for tests/suite/main.rs), DIR the
# package's directory (cargo test runs each executable there; some tests
# read files relative to it).
list_tests() {
    local line pid pkg name manifest exe
    grep '"reason":"compiler-artifact"' "$1" | grep '"executable":"/' | grep '"test":true}' |
        while IFS= read -r line; do
            pid=$(sed -E 's/.*"package_id":"([^"]+)".*/\1/' <<<"$line")
            if [[ $pid == *#*@* ]]; then # path+file:///repo#rt-suite@0.1.0
                pkg=${pid#*#}
                pkg=${pkg%@*}
            else # path+file:///repo/crates/rt-task#0.1.0
                pkg=$(basename "${pid%#*}")
            fi
            name=$(sed -E 's/.*"target":\{[^}]*"name":"([^"]+)".*/\1/' <<<"$line")
            manifest=$(sed -E 's/.*"manifest_path":"([^"]+)".*/\1/' <<<"$line")
            exe=$(sed -E 's/.*"executable":"([^"]+)".*/\1/' <<<"$line")
            printf '%s/%s\t%s\t%s\n' "$pkg" "$name" "$(dirname "$manifest")" "$exe"
        done | sort -u
}

# build_tests JSON CARGO_ARGS...: `cargo CARGO_ARGS --no-run` with the JSON
# messages saved to JSON (diagnostics still go to the terminal).
build_tests() {
    local json=$1
    shift
    cargo "$@" --no-run --message-format=json-render-diagnostics >"$json"
}

# run_tests LIMIT JSON: runs every test executable listed in JSON, each in
# its package's directory, each under `timeout LIMIT` (seconds), with
#   SKIP_BIN[PKG/NAME]   set: the executable is not run (the reason is in
#                        the calling script, beside the entry);
#   SKIP_TEST[PKG/NAME]  space-separated exact test names passed as
#                        `--skip NAME --exact`;
#   RUNNER               array prefixed to the command (valgrind), or empty;
#   TEST_ARGS            array of arguments for every test executable;
#   ENV_FOR[PKG/NAME]    VAR=value words set for that executable only;
#   ARGS_FOR[PKG/NAME]   space-separated arguments for that executable only,
#                        after TEST_ARGS (test name filters: "shutdown::"
#                        runs the suite's module shutdown; SKIP_TEST's
#                        --exact would make them exact, so not both);
#   LIMIT_FOR[PKG/NAME]  its time limit in seconds instead of LIMIT (the
#                        suite, tests/suite: its modules run in one process);
#   ONLY                 if set and non-empty, the PKG/NAME entries to run
#                        (in that order); all others are not run.
# Prints one summary line per executable and returns non-zero if any failed
# or timed out. Needs the associative arrays SKIP_BIN and SKIP_TEST declared.
run_tests() {
    local limit=$1 json=$2 list id dir exe args rc t0 t1 failed=0 ran=0
    local -a summary=()
    list=$(list_tests "$json")
    if [[ -z $list ]]; then
        echo "error: no test executables found in $json" >&2
        return 1
    fi
    if [[ -n ${ONLY:-} ]]; then
        local want filtered=""
        for want in $ONLY; do
            if ! grep -q "^$want"$'\t' <<<"$list"; then
                echo "error: test executable $want not built" >&2
                return 1
            fi
            filtered+=$(grep "^$want"$'\t' <<<"$list")$'\n'
        done
        list=${filtered%$'\n'}
    fi
    while IFS=$'\t' read -r id dir exe; do
        if [[ -n ${SKIP_BIN[$id]+set} ]]; then
            summary+=("skipped   $id")
            continue
        fi
        args=("${TEST_ARGS[@]}")
        # shellcheck disable=SC2206 # ARGS_FOR's words are split on purpose
        args+=(${ARGS_FOR[$id]:-})
        local t exe_limit=${LIMIT_FOR[$id]:-$limit}
        for t in ${SKIP_TEST[$id]:-}; do
            args+=(--skip "$t")
        done
        [[ -n ${SKIP_TEST[$id]:-} ]] && args+=(--exact)
        note "$id: ${ENV_FOR[$id]:-}${ENV_FOR[$id]:+ }${RUNNER[*]:-}${RUNNER:+ }$(basename "$exe") ${args[*]}"
        t0=$SECONDS
        rc=0
        # shellcheck disable=SC2086 # ENV_FOR's words are split on purpose
        (cd "$dir" && timeout -k 15 "$exe_limit" env ${ENV_FOR[$id]:-} "${RUNNER[@]}" "$exe" "${args[@]}") </dev/null || rc=$?
        t1=$SECONDS
        ran=$((ran + 1))
        if ((rc == 124 || rc == 137)); then
            echo "error: $id did not finish in ${exe_limit}s and was killed (a hang?)" >&2
            summary+=("TIMEOUT   $id (${exe_limit}s)")
            failed=$((failed + 1))
        elif ((rc != 0)); then
            summary+=("FAILED    $id (exit $rc, $((t1 - t0))s)")
            failed=$((failed + 1))
        else
            summary+=("ok        $id ($((t1 - t0))s)")
        fi
    done <<<"$list"
    note "summary"
    printf '    %s\n' "${summary[@]}"
    echo "${STEP_NAME:-tests}: $((ran - failed)) of $ran test executables passed"
    ((failed == 0))
}
