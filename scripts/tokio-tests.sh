#!/usr/bin/env bash
# tokio's own tests for the modules rt mirrors (sync, LocalSet, select!/join!/try_join!/
# pin!, task_local!), built against rt as an external check of the API.
#
# Nothing of tokio's is kept in this repository: every run takes the test
# files from cargo's registry cache (~/.cargo/registry/src/*/tokio-1.*/tests/,
# or $TOKIO_DIR), rewrites `tokio::` to `rt::`, and builds each file as its own
# test target of a scratch package generated under target/tokio-tests/. The
# scratch package also holds small stand-ins:
#   tokio_test   - task::spawn (a future polled by hand with a counting waker)
#                  and the assert_* macros the files use (written here);
#   futures, tokio_stream, tempfile, nix - see scripts/lib/stand-ins.sh.
#
# Per file it prints whether it compiled and how many cases passed, then
# "N of M cases pass". Counting: for a file that compiles, M is the number of
# tests the binary lists (`--list`, so after cfg filtering; #[ignore]d ones
# count as not passing); a test that fails or hangs counts as failed (a
# binary out of time is run again without the tests that hung; BUILD then
# says "timeout"). For a file that does not compile,
# every case fails; its cases are counted from the source: the attribute lines
# #[test], #[tokio::test..], #[maybe_tokio_test..], leaving out those with a
# #[cfg(tokio_unstable)], #[cfg(loom)] or wasm-only #[cfg] among the
# attributes just above (best effort; whole-file #![cfg]s are evaluated by
# building, so a file cfg'd out entirely lists 0 tests).
#
# Usage: scripts/tokio-tests.sh [FILE.rs ...]   (default: the list below)
# Env: CARGO_TARGET_DIR (default target/), TOKIO_TESTS_TIMEOUT (seconds per
# binary run, default 90), TOKIO_DIR (a tokio-1.* source directory).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib/stand-ins.sh"
OUT=$ROOT/target/tokio-tests
TIMEOUT=${TOKIO_TESTS_TIMEOUT:-90}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1}

if [[ -z ${TOKIO_DIR:-} ]]; then
    TOKIO_DIR=$(ls -d "$HOME"/.cargo/registry/src/*/tokio-1.* 2>/dev/null | sort -V | tail -n 1)
fi
if [[ -z $TOKIO_DIR || ! -d $TOKIO_DIR/tests ]]; then
    echo "tokio-tests: no tokio-1.* sources in cargo's registry cache (set TOKIO_DIR)" >&2
    exit 2
fi

if (($# > 0)); then
    FILES=("$@")
else
    FILES=()
    for f in "$TOKIO_DIR"/tests/sync_*.rs; do FILES+=("$(basename "$f")"); done
    FILES+=(macros_select.rs macros_join.rs macros_try_join.rs macros_pin.rs task_local.rs)
    FILES+=(task_local_set.rs rt_local.rs)
    FILES+=(time_pause.rs time_sleep.rs time_timeout.rs time_interval.rs)
    # Issue 12, ids, names, metrics and JoinSet:
    FILES+=(task_id.rs rt_metrics.rs task_join_set.rs task_abort.rs rt_handle.rs)
    FILES+=(rt_shutdown_err.rs rt_worker_index.rs)
    # Issue 12's other yardstick files:
    FILES+=(rt_common.rs rt_basic.rs rt_threaded.rs rt_handle_block_on.rs task_blocking.rs)
    FILES+=(coop_budget.rs)
    # Issue 13, the io traits and utilities (the readiness API, AsyncFd,
    # the drivers, fs, process and signal files are later slices):
    FILES+=(io_async_read.rs io_buf_reader.rs io_buf_writer.rs io_chain.rs io_copy.rs)
    FILES+=(io_copy_bidirectional.rs io_copy_buf.rs io_fill_buf.rs io_join.rs io_lines.rs)
    FILES+=(io_mem_stream.rs io_panic.rs io_read.rs io_read_buf.rs io_read_exact.rs)
    FILES+=(io_read_int.rs io_read_line.rs io_read_to_end.rs io_read_to_string.rs)
    FILES+=(io_read_until.rs io_repeat.rs io_sink.rs io_split.rs io_take.rs)
    FILES+=(io_util_empty.rs io_write.rs io_write_all.rs io_write_all_buf.rs)
    FILES+=(io_write_buf.rs io_write_int.rs)
    # Issue 13, fs (the io_uring and Windows files are not rt's: no uring path):
    FILES+=(fs.rs fs_canonicalize_dir.rs fs_copy.rs fs_dir.rs fs_file.rs fs_file_join_error.rs)
    FILES+=(fs_link.rs fs_open_options.rs fs_remove_dir_all.rs fs_remove_file.rs)
    FILES+=(fs_rename.rs fs_try_exists.rs fs_write.rs)
    # Issue 13, process and signal (process_raw_handle.rs and signal_info.rs
    # are for Windows and the BSDs: they list no case here):
    FILES+=(process_arg0.rs process_change_of_runtime.rs process_issue_2174.rs)
    FILES+=(process_issue_42.rs process_issue_7144.rs process_issue_8042.rs)
    FILES+=(process_kill_after_wait.rs process_kill_on_drop.rs process_smoke.rs)
    FILES+=(signal_ctrl_c.rs signal_drop_recv.rs signal_drop_rt.rs signal_drop_signal.rs)
    FILES+=(signal_multi_rt.rs signal_no_rt.rs signal_notify_both.rs signal_panic.rs)
    FILES+=(signal_realtime.rs signal_twice.rs signal_usr1.rs)
    # Issue 13, net (TcpSocket, lookup_host, pipes, options; the readiness
    # methods these files also use are another slice):
    FILES+=(net_lookup_host.rs tcp_socket.rs tcp_connect.rs tcp_accept.rs tcp_into_std.rs)
    FILES+=(tcp_into_split.rs tcp_split.rs tcp_echo.rs tcp_peek.rs tcp_shutdown.rs)
    FILES+=(net_unix_pipe.rs uds_cred.rs uds_split.rs udp.rs net_bind_resource.rs)
    # Issue 13, the readiness API and AsyncFd (io_poll_aio.rs is FreeBSD's):
    FILES+=(io_async_fd.rs tcp_stream.rs uds_stream.rs uds_datagram.rs)
    # Issue 13, the rest of its patterns that apply to Linux (fs_uring*,
    # *_windows, io_emscripten and net_named_pipe are for io_uring, Windows
    # and emscripten):
    FILES+=(io_driver.rs io_driver_drop.rs tcp_accept_ready.rs uds_socket.rs)
    FILES+=(net_panic.rs net_quickack.rs)
fi

# --- the scratch package -----------------------------------------------------
rm -rf "$OUT/pkg"
mkdir -p "$OUT/pkg/tests" "$OUT/pkg/shims/tokio-test/src" "$OUT/logs"
cp "$ROOT/Cargo.lock" "$OUT/pkg/Cargo.lock"

cat >"$OUT/pkg/Cargo.toml" <<TOML
[package]
name = "rt-tokio-tests"
version = "0.0.0"
edition = "2021"
publish = false

# Not a member of rt's workspace.
[workspace]

[dependencies]
rt = { path = "$ROOT/crates/rt" }
tokio-test = { path = "shims/tokio-test" }
futures = { path = "shims/futures" }
tokio-stream = { path = "shims/tokio-stream" }
tempfile = { path = "shims/tempfile" }
nix = { path = "shims/nix" }
# sync_broadcast.rs draws random numbers (tokio pins 0.9; 0.10 is the one cached).
rand = "0.10"
# rt_basic.rs pins a future by projection.
pin-project-lite = "0.2"
# The io tests use bytes' buffers (BytesMut, BufMut on ReadBuf).
bytes = "1"
# tcp_accept_ready.rs peeks with a raw MSG_PEEK (socket2's SockRef).
socket2 = "0.6"
# fs_open_options.rs passes open(2) flags.
libc = "0.2"

# The tests gate cases on tokio's feature names; these make the cfgs true.
[features]
default = ["full"]
full = ["sync", "macros", "rt", "rt-multi-thread", "time", "io-util", "net", "signal", "fs", "process"]
sync = []
macros = []
rt = []
rt-multi-thread = []
time = []
io-util = []
net = []
signal = []
fs = []
process = []

[lints.rust]
unexpected_cfgs = { level = "allow" }
TOML

write_stand_ins "$OUT/pkg/shims"

cat >"$OUT/pkg/shims/tokio-test/Cargo.toml" <<'TOML'
[package]
name = "tokio-test"
version = "0.4.0"
edition = "2021"
publish = false

[dependencies]
futures-core = "0.3"
# The io traits the mock implements (tokio's, which rt::io re-exports; no
# runtime feature).
tokio = { version = "1.54", default-features = false }
TOML
cat >"$OUT/pkg/shims/tokio-test/src/lib.rs" <<'RS'
//! A from-scratch stand-in for the parts of tokio-test the tests use.

/// Poll a future (or stream) by hand and watch its waker.
pub mod task {
    use std::future::Future;
    use std::ops::{Deref, DerefMut};
    use std::pin::Pin;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};

    struct Flag(AtomicBool);

    impl Wake for Flag {
        fn wake(self: Arc<Self>) {
            self.0.store(true, Ordering::SeqCst);
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    /// A value pinned on the heap with a waker of its own.
    pub struct Spawn<T> {
        inner: Pin<Box<T>>,
        flag: Arc<Flag>,
    }

    /// Wraps `value` for polling by hand.
    pub fn spawn<T>(value: T) -> Spawn<T> {
        Spawn { inner: Box::pin(value), flag: Arc::new(Flag(AtomicBool::new(false))) }
    }

    impl<T> Spawn<T> {
        /// Whether the waker was woken since the last poll.
        pub fn is_woken(&self) -> bool {
            self.flag.0.load(Ordering::SeqCst)
        }

        /// How many references to the waker are alive, this handle's own included.
        pub fn waker_ref_count(&self) -> usize {
            Arc::strong_count(&self.flag)
        }

        /// Runs `f` with a context built on this handle's waker.
        pub fn enter<F, R>(&mut self, f: F) -> R
        where
            F: FnOnce(&mut Context<'_>, Pin<&mut T>) -> R,
        {
            self.flag.0.store(false, Ordering::SeqCst);
            let waker = Waker::from(self.flag.clone());
            let mut cx = Context::from_waker(&waker);
            f(&mut cx, self.inner.as_mut())
        }
    }

    impl<T: Unpin> Spawn<T> {
        /// Gives the value back.
        pub fn into_inner(self) -> T {
            *Pin::into_inner(self.inner)
        }
    }

    impl<T: Future> Spawn<T> {
        /// Polls the future once.
        pub fn poll(&mut self) -> Poll<T::Output> {
            self.enter(|cx, fut| fut.poll(cx))
        }
    }

    // Awaiting a spawned future, as tokio-test allows.
    impl<T: Future> Future for Spawn<T> {
        type Output = T::Output;
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T::Output> {
            self.inner.as_mut().poll(cx)
        }
    }

    impl<S: futures_core::Stream> Spawn<S> {
        /// Polls the stream once.
        pub fn poll_next(&mut self) -> Poll<Option<S::Item>> {
            self.enter(|cx, s| s.poll_next(cx))
        }
    }

    impl<T> Deref for Spawn<T> {
        type Target = T;
        fn deref(&self) -> &T {
            &self.inner
        }
    }

    impl<T: Unpin> DerefMut for Spawn<T> {
        fn deref_mut(&mut self) -> &mut T {
            &mut self.inner
        }
    }
}

#[macro_export]
macro_rules! assert_pending {
    ($e:expr) => { $crate::assert_pending!($e, "") };
    ($e:expr, $($msg:tt)+) => {
        match $e {
            ::std::task::Poll::Pending => {}
            ::std::task::Poll::Ready(v) => {
                panic!("expected Pending, got Ready({:?}): {}", v, format_args!($($msg)+))
            }
        }
    };
}

#[macro_export]
macro_rules! assert_ready {
    ($e:expr) => { $crate::assert_ready!($e, "") };
    ($e:expr, $($msg:tt)+) => {
        match $e {
            ::std::task::Poll::Ready(v) => v,
            ::std::task::Poll::Pending => panic!("expected Ready, got Pending: {}", format_args!($($msg)+)),
        }
    };
}

#[macro_export]
macro_rules! assert_ready_eq {
    ($e:expr, $want:expr) => { assert_eq!($crate::assert_ready!($e), $want) };
    ($e:expr, $want:expr, $($msg:tt)+) => { assert_eq!($crate::assert_ready!($e, $($msg)+), $want, $($msg)+) };
}

#[macro_export]
macro_rules! assert_ok {
    ($e:expr) => { $crate::assert_ok!($e, "") };
    ($e:expr, $($msg:tt)+) => {
        match $e {
            Ok(v) => v,
            Err(e) => panic!("expected Ok, got Err({:?}): {}", e, format_args!($($msg)+)),
        }
    };
}

#[macro_export]
macro_rules! assert_err {
    ($e:expr) => { $crate::assert_err!($e, "") };
    ($e:expr, $($msg:tt)+) => {
        match $e {
            Err(e) => e,
            Ok(v) => panic!("expected Err, got Ok({:?}): {}", v, format_args!($($msg)+)),
        }
    };
}

#[macro_export]
macro_rules! assert_ready_ok {
    ($e:expr) => { $crate::assert_ok!($crate::assert_ready!($e)) };
    ($e:expr, $($msg:tt)+) => { $crate::assert_ok!($crate::assert_ready!($e, $($msg)+), $($msg)+) };
}

#[macro_export]
macro_rules! assert_ready_err {
    ($e:expr) => { $crate::assert_err!($crate::assert_ready!($e)) };
    ($e:expr, $($msg:tt)+) => { $crate::assert_err!($crate::assert_ready!($e, $($msg)+), $($msg)+) };
}

/// `$start.elapsed()` is `$dur`, give or take the timer wheel's 1 ms tick
/// (for paused time, where the clock only moves to deadlines).
#[macro_export]
macro_rules! assert_elapsed {
    ($start:expr, $dur:expr) => {{
        let took = $start.elapsed();
        let want: ::std::time::Duration = $dur;
        assert!(
            took >= want && took <= want + ::std::time::Duration::from_millis(1),
            "elapsed {:?}, expected {:?} (to 1 ms)", took, want
        );
    }};
}

/// Runs a future to completion on this thread (no runtime: a parked
/// thread woken by the future's waker).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::park();
    }
}

/// A scripted reader/writer: reads return the scripted bytes, writes must
/// match the scripted bytes, in order; what is left unconsumed at drop is
/// a test failure.
pub mod io {
    use std::collections::VecDeque;
    use std::io;
    use std::pin::Pin;
    use std::task::{Context, Poll, Waker};
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

    #[derive(Debug)]
    enum Action {
        Read(Vec<u8>),
        Write(Vec<u8>),
        ReadError(Option<io::Error>),
        WriteError(Option<io::Error>),
        Wait(Duration),
    }

    /// Builds a [`Mock`] from a script of actions.
    #[derive(Debug, Default)]
    pub struct Builder {
        actions: VecDeque<Action>,
        name: String,
    }

    impl Builder {
        pub fn new() -> Builder {
            Builder::default()
        }
        pub fn read(&mut self, buf: &[u8]) -> &mut Self {
            self.actions.push_back(Action::Read(buf.to_vec()));
            self
        }
        pub fn read_error(&mut self, err: io::Error) -> &mut Self {
            self.actions.push_back(Action::ReadError(Some(err)));
            self
        }
        pub fn write(&mut self, buf: &[u8]) -> &mut Self {
            self.actions.push_back(Action::Write(buf.to_vec()));
            self
        }
        pub fn write_error(&mut self, err: io::Error) -> &mut Self {
            self.actions.push_back(Action::WriteError(Some(err)));
            self
        }
        pub fn wait(&mut self, duration: Duration) -> &mut Self {
            self.actions.push_back(Action::Wait(duration));
            self
        }
        pub fn name(&mut self, name: impl Into<String>) -> &mut Self {
            self.name = name.into();
            self
        }
        pub fn build(&mut self) -> Mock {
            Mock {
                actions: std::mem::take(&mut self.actions),
                name: self.name.clone(),
                deadline: None,
                waiting: None,
                waiting_write: None,
            }
        }
    }

    /// See [`Builder`].
    #[derive(Debug)]
    pub struct Mock {
        actions: VecDeque<Action>,
        name: String,
        deadline: Option<Instant>,
        /// A read waiting for the writes scripted before it.
        waiting: Option<Waker>,
        /// A write waiting for the reads scripted before it.
        waiting_write: Option<Waker>,
    }

    impl Mock {
        /// A `Wait` at the front: `Pending` until it has passed (a thread
        /// wakes the task), then it is removed.
        fn poll_wait(&mut self, cx: &mut Context<'_>) -> Poll<()> {
            let Some(Action::Wait(duration)) = self.actions.front() else {
                return Poll::Ready(());
            };
            let deadline = *self.deadline.get_or_insert_with(|| Instant::now() + *duration);
            if Instant::now() >= deadline {
                self.deadline = None;
                self.actions.pop_front();
                return Poll::Ready(());
            }
            let waker = cx.waker().clone();
            std::thread::spawn(move || {
                std::thread::sleep(deadline.saturating_duration_since(Instant::now()));
                waker.wake();
            });
            Poll::Pending
        }

        fn wake_writer(&mut self) {
            if let Some(waker) = self.waiting_write.take() {
                waker.wake();
            }
        }

        fn wake_reader(&mut self) {
            if let Some(waker) = self.waiting.take() {
                waker.wake();
            }
        }
    }

impl Mock {
        /// Drops the fully consumed actions at the front.
        fn clean(&mut self) {
            while let Some(Action::Read(data) | Action::Write(data)) = self.actions.front() {
                if !data.is_empty() {
                    break;
                }
                self.actions.pop_front();
            }
        }
    }

    impl AsyncRead for Mock {
        fn poll_read(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            let this = &mut *self;
            this.clean();
            std::task::ready!(this.poll_wait(cx));
            this.clean();
            match this.actions.front_mut() {
                None => Poll::Ready(Ok(())),
                Some(Action::Read(data)) => {
                    let n = data.len().min(buf.remaining());
                    buf.put_slice(&data[..n]);
                    data.drain(..n);
                    this.wake_writer();
                    Poll::Ready(Ok(()))
                }
                Some(Action::ReadError(err)) => {
                    let err = err.take().unwrap();
                    this.actions.pop_front();
                    this.wake_writer();
                    Poll::Ready(Err(err))
                }
                // A write (or a wait) comes first.
                Some(_) => {
                    this.waiting = Some(cx.waker().clone());
                    Poll::Pending
                }
            }
        }
    }

    impl AsyncWrite for Mock {
        /// Writes match the scripted writes in order, skipping over the
        /// reads scripted between them; a wait or a write error stops them.
        fn poll_write(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            let this = &mut *self;
            this.clean();
            if this.actions.is_empty() {
                return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
            }
            std::task::ready!(this.poll_wait(cx));
            this.clean();
            if let Some(Action::WriteError(err)) = this.actions.front_mut() {
                let err = err.take().unwrap();
                this.actions.pop_front();
                return Poll::Ready(Err(err));
            }
            let mut written = 0;
            for action in this.actions.iter_mut() {
                match action {
                    Action::Write(expected) => {
                        let n = expected.len().min(buf.len() - written);
                        assert_eq!(
                            &buf[written..written + n],
                            &expected[..n],
                            "{}: mismatched write",
                            this.name
                        );
                        expected.drain(..n);
                        written += n;
                        if written == buf.len() {
                            break;
                        }
                    }
                    Action::Wait(_) | Action::WriteError(_) => break,
                    Action::Read(_) | Action::ReadError(_) => {}
                }
            }
            // Nothing matched: a read is scripted before the next write;
            // wait for it (as tokio-test's mock, which returns `Pending`).
            if written == 0 && !buf.is_empty() {
                this.waiting_write = Some(cx.waker().clone());
                return Poll::Pending;
            }
            this.wake_reader();
            Poll::Ready(Ok(written))
        }

        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }

        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    impl Drop for Mock {
        fn drop(&mut self) {
            if std::thread::panicking() {
                return;
            }
            for action in &self.actions {
                match action {
                    Action::Read(data) => assert!(data.is_empty(), "{}: data left to read", self.name),
                    Action::Write(data) => assert!(data.is_empty(), "{}: data left to write", self.name),
                    _ => {}
                }
            }
        }
    }
}
RS

# tokio -> rt in one file (tokio_test, tokio_stream are left alone). rand
# 0.10 (the one cached) moved `random_range` from `Rng` to `RngExt`.
port() {
    sed -E 's/\btokio::/rt::/g; s/\buse tokio;/use rt;/g;
        s/use rand::\{rngs::StdRng, Rng\};/use rand::{rngs::StdRng, RngExt};/' "$1" >"$2"
}

if [[ -d $TOKIO_DIR/tests/support ]]; then
    mkdir -p "$OUT/pkg/tests/support"
    for f in "$TOKIO_DIR"/tests/support/*.rs; do port "$f" "$OUT/pkg/tests/support/$(basename "$f")"; done
fi
for f in "${FILES[@]}"; do port "$TOKIO_DIR/tests/$f" "$OUT/pkg/tests/$f"; done

# Cases in a file that did not compile, counted from its source (see top).
count_source_cases() {
    awk '
        /^[[:space:]]*#\[cfg/ { if ($0 ~ /tokio_unstable|loom|target_family = "wasm"|miri/ && $0 !~ /not\(/) skip = 1 }
        /^[[:space:]]*#\[(test|tokio::test|rt::test|maybe_tokio_test)([](]|$)/ { if (!skip) n++ }
        /^[[:space:]]*(async[[:space:]]+)?fn / { skip = 0 }
        END { print n + 0 }
    ' "$1"
}

# --- build and run each file -------------------------------------------------
cd "$OUT/pkg" || exit 2

total_pass=0
total_cases=0
printf '%-28s %-9s %6s %6s %6s\n' FILE BUILD PASS FAIL TOTAL
for f in "${FILES[@]}"; do
    name=${f%.rs}
    log=$OUT/logs/$name
    if cargo test --offline --no-run --test "$name" --message-format=json \
        >"$log.build.json" 2>"$log.build.err"; then
        exe=$(grep '"reason":"compiler-artifact"' "$log.build.json" | grep '"executable":"/' |
            grep "\"name\":\"$name\"" | sed -E 's/.*"executable":"([^"]+)".*/\1/' | tail -n 1)
        cases=$("$exe" --list 2>/dev/null | grep -c ': test$')
        # A test that hangs keeps its thread: when the binary runs out of
        # time, run it again without the tests libtest reported as running
        # for over 60 s (they count as failed), until it finishes.
        skips=()
        build=yes
        : >"$log.run"
        for _ in 1 2 3 4 5; do
            timeout "$TIMEOUT" "$exe" --test-threads=2 --exact "${skips[@]}" >"$log.part" 2>&1
            rc=$?
            cat "$log.part" >>"$log.run"
            ((rc == 124)) || break
            build=timeout
            hung=$(sed -nE 's/^test (.*) has been running for over 60 seconds$/\1/p' "$log.part")
            [[ -n $hung ]] || break
            while IFS= read -r t; do skips+=(--skip "$t"); done <<<"$hung"
        done
        pass=$(grep -E '^test .* \.\.\. ok$' "$log.run" | sort -u | grep -c .)
    else
        cases=$(count_source_cases "$OUT/pkg/tests/$f")
        pass=0
        build=no
        grep -E '^error' "$log.build.err" | sort | uniq -c | sort -rn >"$log.errors"
    fi
    printf '%-28s %-9s %6d %6d %6d\n' "$f" "$build" "$pass" $((cases - pass)) "$cases"
    total_pass=$((total_pass + pass))
    total_cases=$((total_cases + cases))
done
echo "$total_pass of $total_cases cases pass (logs: $OUT/logs)"
