//! Helpers shared by the executor's integration tests: counting futures and
//! guards (so assertions are exact), a watchdog (so a bug fails a test
//! instead of hanging CI), and a per-name thread counter.

// The suite (tests/suite) and the separate test files of tests/ that include
// it (`#[path]`) each use a part of it.
#![allow(dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{mpsc, Arc};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// A multi-thread runtime with `workers` worker threads.
pub fn runtime(workers: usize) -> rt::runtime::Runtime {
    rt::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .build()
        .expect("build the runtime")
}

/// A current-thread runtime (every task on the thread that calls
/// `block_on`; the reactor turns only when it waits).
pub fn current_thread() -> rt::runtime::Runtime {
    rt::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("build the runtime")
}

/// The message of a caught panic (`catch_unwind`'s or a `JoinError`'s
/// payload): a `String` or a `&str`, else empty.
pub fn panic_message(panic: Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// A multi-thread runtime with one worker: task order on it is
/// deterministic enough to assert.
pub fn one_worker() -> rt::runtime::Runtime {
    runtime(1)
}

/// Counts how often something happened, shared between a test and the
/// futures it spawns.
#[derive(Clone, Debug, Default)]
pub struct Counter(Arc<AtomicUsize>);

impl Counter {
    pub fn new() -> Counter {
        Counter::default()
    }

    pub fn get(&self) -> usize {
        // SeqCst everywhere here: these are test counters, read after joins
        // or in polling loops; clarity beats speed.
        self.0.load(SeqCst)
    }

    pub fn incr(&self) -> usize {
        self.0.fetch_add(1, SeqCst) + 1
    }

    /// A guard that increments this counter when it is dropped: move it
    /// into a future to observe that the future's destructor ran.
    pub fn drop_guard(&self) -> DropGuard {
        DropGuard(self.clone())
    }
}

/// Increments its counter on drop (see [`Counter::drop_guard`]).
#[derive(Debug)]
pub struct DropGuard(Counter);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.incr();
    }
}

/// Wraps a future, counting its polls and its drop.
pub struct Counted<F> {
    future: Pin<Box<F>>,
    polls: Counter,
    drops: Counter,
}

impl<F> Counted<F> {
    pub fn new(future: F, polls: &Counter, drops: &Counter) -> Counted<F> {
        Counted {
            future: Box::pin(future),
            polls: polls.clone(),
            drops: drops.clone(),
        }
    }
}

impl<F: Future> Future for Counted<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls.incr();
        self.future.as_mut().poll(cx)
    }
}

impl<F> Drop for Counted<F> {
    fn drop(&mut self) {
        self.drops.incr();
    }
}

/// Run `f` on its own thread and return its result, or panic if it takes
/// longer than `limit` (the stuck thread is left behind; the test fails
/// instead of hanging). A panic inside `f` is propagated as is.
#[track_caller]
pub fn watchdog<T, F>(limit: Duration, f: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("watchdog-body".into())
        .spawn(move || {
            let _ = tx.send(f());
        })
        .expect("spawn the watchdog's thread");
    match rx.recv_timeout(limit) {
        Ok(out) => {
            thread.join().expect("the body already returned");
            out
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => match thread.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the body returned without sending"),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("watchdog: the test body did not finish within {limit:?} (hang?)")
        }
    }
}

/// Poll `cond` every millisecond until it holds or `limit` passes; returns
/// whether it held.
pub fn wait_until(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// How many of this process's threads are named `name` (read from
/// `/proc/self/task/*/comm`; Linux truncates names to 15 bytes, so keep
/// `name` shorter). Test binaries run tests in parallel threads, so tests
/// count the threads of their own runtime by a name no other test uses.
pub fn threads_named(name: &str) -> usize {
    assert!(name.len() <= 15, "thread name {name:?} would be truncated");
    let tasks = std::fs::read_dir("/proc/self/task").expect("read /proc/self/task");
    tasks
        .filter_map(|entry| {
            let path = entry.ok()?.path().join("comm");
            // A thread may exit between read_dir and this read: skip it.
            std::fs::read_to_string(path).ok()
        })
        .filter(|comm| comm.trim_end() == name)
        .count()
}

/// How many threads this process has (entries of `/proc/self/task`).
pub fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("read /proc/self/task")
        .count()
}

/// A minimal runtime-agnostic async channel (a `Mutex` and one `Waker`),
/// so the tests exercise the runtime's wakers and not another runtime's
/// synchronization. Unbounded, many senders, one receiver.
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(std::sync::Mutex::new(ChannelState {
        queue: std::collections::VecDeque::new(),
        waker: None,
        senders: 1,
    }));
    (Sender(shared.clone()), Receiver(shared))
}

struct ChannelState<T> {
    queue: std::collections::VecDeque<T>,
    waker: Option<std::task::Waker>,
    senders: usize,
}

type Shared<T> = Arc<std::sync::Mutex<ChannelState<T>>>;

/// The sending half of [`channel`].
pub struct Sender<T>(Shared<T>);

/// The receiving half of [`channel`].
pub struct Receiver<T>(Shared<T>);

impl<T> Sender<T> {
    /// Queue `value` and wake the receiver (outside the lock).
    pub fn send(&self, value: T) {
        let waker = {
            let mut state = self.0.lock().unwrap();
            state.queue.push_back(value);
            state.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.0.lock().unwrap().senders += 1;
        Sender(self.0.clone())
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let waker = {
            let mut state = self.0.lock().unwrap();
            state.senders -= 1;
            if state.senders == 0 {
                state.waker.take()
            } else {
                None
            }
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl<T> Receiver<T> {
    /// The next value; `None` once every sender is gone and the queue is
    /// empty.
    pub async fn recv(&mut self) -> Option<T> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }

    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let mut state = self.0.lock().unwrap();
        if let Some(v) = state.queue.pop_front() {
            return Poll::Ready(Some(v));
        }
        if state.senders == 0 {
            return Poll::Ready(None);
        }
        // Registered under the lock a sender takes before it wakes: no wake
        // can fall between this check and the registration.
        state.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// Name of the variable that marks the child process of [`run_isolated`].
const ISOLATED_ENV: &str = "RT_SUITE_ISOLATED_TEST";

/// The name libtest gives test function `name` of module `module` (the
/// caller's `module_path!()`): the module path without the crate's name,
/// then `name` (`shutdown::some_test` in the suite, `some_test` in a test
/// file that is its own executable).
pub fn test_name(module: &str, name: &str) -> String {
    match module.split_once("::") {
        Some((_crate, path)) => format!("{path}::{name}"),
        None => name.to_string(),
    }
}

/// Run test `name` of `module` (this test; `module` is the caller's
/// `module_path!()`) alone, in a fresh process of this test binary, so
/// process-wide counts such as the number of threads see no other test's
/// threads. Returns `true` in that child: the caller then runs its body. In
/// the parent it waits for the child (at most `limit`, then kills it),
/// fails the test if the child failed, and returns `false`.
#[track_caller]
pub fn run_isolated(module: &str, name: &str, limit: Duration) -> bool {
    let name = &test_name(module, name);
    if std::env::var(ISOLATED_ENV).as_deref() == Ok(name) {
        return true;
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut child = std::process::Command::new(exe)
        .args([name, "--exact", "--test-threads=1", "--nocapture"])
        .env(ISOLATED_ENV, name)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the isolated test process");
    let deadline = Instant::now() + limit;
    let finished = wait_until(limit, || matches!(child.try_wait(), Ok(Some(_))));
    if !finished {
        let _ = child.kill();
    }
    let out = child
        .wait_with_output()
        .expect("collect the isolated test's output");
    let report = format!(
        "isolated run of {name:?}: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        finished,
        "timed out after {limit:?} (deadline {deadline:?}); {report}"
    );
    assert!(out.status.success(), "{report}");
    // The child must really have run the test (not filtered it out).
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1 passed"),
        "{report}"
    );
    false
}

/// Waits (polling `/proc/<pid>` every 5 ms, at most 30 s) until the
/// process `pid` is gone: killed *and* reaped (a zombie keeps its
/// `/proc` entry).
pub async fn wait_until_reaped(pid: u32) {
    let proc_dir = format!("/proc/{pid}");
    let start = Instant::now();
    while std::path::Path::new(&proc_dir).exists() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{proc_dir} is still there: not killed, or a zombie never reaped"
        );
        rt::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The child-exit checks of the process tests: `sh -c 'exit CODE'` after
/// a short sleep reports `code`, and a `kill_on_drop` child dropped is
/// killed and reaped in the background.
pub async fn exit_code_then_reaped_on_drop(code: i32) {
    let status = rt::process::Command::new("sh")
        .args(["-c", &format!("sleep 0.1; exit {code}")])
        .status()
        .await
        .unwrap();
    assert_eq!(status.code(), Some(code));
    let child = rt::process::Command::new("sleep")
        .arg("600")
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let pid = child.id().unwrap();
    drop(child);
    wait_until_reaped(pid).await;
}
