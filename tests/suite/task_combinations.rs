//! Every way a task can end, crossed with every way its owner can let go of
//! it, gives tokio's `JoinHandle` result and drops the task's future and
//! its output exactly once, on the runtime that still has both workers.
//!
//! The dimensions: the future returns or panics; the output's destructor
//! panics or not; the `JoinHandle` is dropped before the task completes,
//! during its last poll, after it completed, or kept and awaited; the task
//! is not aborted, or aborted while idle, during its first poll (after
//! which it yields: cancelled), during its last poll (it does not yield
//! again: it completes as usual, as tokio's task docs say) or after it
//! completed (no effect) — by itself, by another task or by a plain thread.
//!
//! Each task follows one script, and the test thread (the *driver*, not a
//! runtime thread) acts at its marked moments:
//!
//! ```text
//! spawn ─► poll 1: [stop 1] ─► report "idle" ─► Pending at the gate
//!       ─► poll 2 (once the driver opens the gate): [stop 2] ─► return or panic
//! ```
//!
//! At a stop the task blocks its worker until the driver releases it, so
//! "during a poll" is provable; what the task does to itself (abort) it
//! does when released. The abort meant for an idle task, and the opening
//! of the gate, come after the "idle" report; the task may still be
//! finishing poll 1 then, which changes nothing (an abort that lands
//! before the `Pending` applies when it returns, as while idle), and the
//! gate returns `Pending` on its first poll even if open, so poll 2 is
//! always a separate poll.
//!
//! Drops are counted and checked while the driver still holds an
//! `AbortHandle` (so a dropped-too-late output, left in the task's cell
//! until the cell is freed, shows up as not dropped), then again once
//! every handle and the runtime are gone (so a double drop shows up too).
//! An output destructor that panics in the runtime's hands (the handle was
//! dropped, so nobody can be told) is contained and ignored, as tokio does:
//! the thread that dropped the handle goes on, and each worker leaves
//! through its `on_thread_stop` hook at shutdown instead of dying of the
//! panic. An awaited output is the caller's: its destructor panics there.

use crate::support;

use std::future::{poll_fn, Future};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::pin;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, Once};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use rt::runtime::{Builder, Runtime};
use rt::task::{AbortHandle, JoinError, JoinHandle};
use support::{wait_until, watchdog, Counted, Counter};

/// Bound on each test (all its combinations; they take milliseconds each).
const LIMIT: Duration = Duration::from_secs(120);
/// Bound on each wait for the other side of a hand-off.
const SETTLE: Duration = Duration::from_secs(10);
/// Worker threads of each runtime.
const WORKERS: usize = 2;
/// Starts the message of every panic this test causes on purpose; the
/// panic hook keeps those quiet.
const EXPECTED: &str = "task_combinations: expected panic";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FutureEnd {
    Returns,
    Panics,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OutputDrop {
    Quiet,
    Panics,
}

/// What the driver does with the `JoinHandle`. Dropped and awaited are
/// one choice, so "await a handle already dropped" cannot be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Handle {
    /// Right after spawning: the task cannot have completed (it waits at
    /// stop 1 for the driver).
    DropBefore,
    /// At the stop of the task's last poll.
    DropDuring,
    /// Once the task has completed.
    DropAfter,
    /// Never dropped before the end: awaited.
    Await,
}

/// When the task is aborted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AbortAt {
    /// Idle between its polls (after the "idle" report).
    Idle,
    /// At stop 1; the task then yields at the gate, and the abort applies.
    FirstPoll,
    /// At stop 2; the task then completes without yielding again.
    LastPoll,
    /// Once the task has completed.
    Finished,
}

/// Who aborts it (always through an `AbortHandle`: the `JoinHandle` may be
/// gone by then).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AbortFrom {
    /// The task, through an `AbortHandle` the driver gives it at the stop.
    Itself,
    /// A task spawned for the purpose.
    OtherTask,
    /// The driver: the test's thread, which is not a runtime thread.
    OtherThread,
}

#[derive(Clone, Copy, Debug)]
struct Combo {
    end: FutureEnd,
    output: OutputDrop,
    handle: Handle,
    abort: Option<(AbortAt, AbortFrom)>,
}

impl Combo {
    /// Why this combination cannot happen, if it cannot.
    fn meaningless(&self) -> Option<&'static str> {
        match self.abort {
            // A task acts only while one of its polls runs: idle, or
            // completed, it cannot call its own `abort`.
            Some((AbortAt::Idle | AbortAt::Finished, AbortFrom::Itself)) => {
                Some("a task aborts itself only during a poll")
            }
            _ => None,
        }
    }

    /// The abort takes effect: the task yields (at the gate) after it.
    fn cancelled(&self) -> bool {
        matches!(self.abort, Some((AbortAt::Idle | AbortAt::FirstPoll, _)))
    }

    /// The stop in the task's last poll.
    fn last_stop(&self) -> Stop {
        if self.cancelled() {
            Stop::First
        } else {
            Stop::Second
        }
    }

    /// The task makes an output: not cancelled, and the future returns.
    fn makes_output(&self) -> bool {
        !self.cancelled() && self.end == FutureEnd::Returns
    }

    fn aborts_at(&self, at: AbortAt) -> Option<AbortFrom> {
        match self.abort {
            Some((when, from)) if when == at => Some(from),
            _ => None,
        }
    }
}

/// Every combination for `handle`, and how many were skipped.
fn combinations(handle: Handle) -> (Vec<Combo>, usize) {
    let mut aborts = vec![None];
    for at in [
        AbortAt::Idle,
        AbortAt::FirstPoll,
        AbortAt::LastPoll,
        AbortAt::Finished,
    ] {
        for from in [
            AbortFrom::Itself,
            AbortFrom::OtherTask,
            AbortFrom::OtherThread,
        ] {
            aborts.push(Some((at, from)));
        }
    }
    let (mut run, mut skipped) = (Vec::new(), 0);
    for end in [FutureEnd::Returns, FutureEnd::Panics] {
        for output in [OutputDrop::Quiet, OutputDrop::Panics] {
            for &abort in &aborts {
                let combo = Combo {
                    end,
                    output,
                    handle,
                    abort,
                };
                // Skipped explicitly, not silently: see `meaningless`.
                if combo.meaningless().is_some() {
                    skipped += 1;
                    continue;
                }
                run.push(combo);
            }
        }
    }
    (run, skipped)
}

/// The task's output: counts its drop; its destructor may panic. It owns
/// nothing (the counter is leaked, one per combination), so a second drop
/// of the same output only counts, and the count fails the test instead of
/// a double free crashing it.
#[derive(Debug)]
struct Output {
    tag: u64,
    panics: bool,
    drops: &'static Counter,
}

impl Drop for Output {
    fn drop(&mut self) {
        self.drops.incr();
        // Not while unwinding (a failed assertion holding an output):
        // that would abort the test binary instead of failing the test.
        if self.panics && !std::thread::panicking() {
            panic!("{EXPECTED}: output {} dropped", self.tag);
        }
    }
}

/// The value every output carries, checked when it is awaited.
const TAG: u64 = 0x7A5C;

/// The marked moments of the task's script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stop {
    First,
    Idle,
    Second,
}

/// The task's side of the hand-off with the driver.
struct Script {
    reached: Sender<Stop>,
    /// One message per blocking stop: `Some` tells the task to abort itself.
    release: Receiver<Option<AbortHandle>>,
}

impl Script {
    /// Report `stop` and block (this poll, this worker) until released.
    fn stop(&self, stop: Stop) {
        self.reached.send(stop).expect("the driver is gone");
        let abort_myself = self
            .release
            .recv_timeout(SETTLE)
            .unwrap_or_else(|e| panic!("not released from {stop:?}: {e}"));
        if let Some(me) = abort_myself {
            me.abort();
        }
    }
}

/// Opened once by the driver. Waiting on it always returns `Pending` on the
/// first poll (waking at once if already open), so the wait ends a poll.
#[derive(Clone, Default)]
struct Gate(Arc<Mutex<(bool, Option<Waker>)>>);

impl Gate {
    fn open(&self) {
        let waker = {
            let mut state = self.0.lock().unwrap();
            state.0 = true;
            state.1.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    async fn pass(&self) {
        let mut first = true;
        poll_fn(|cx| {
            let mut state = self.0.lock().unwrap();
            if state.0 && !first {
                return Poll::Ready(());
            }
            first = false;
            if state.0 {
                drop(state);
                cx.waker().wake_by_ref();
            } else {
                state.1 = Some(cx.waker().clone());
            }
            Poll::Pending
        })
        .await
    }
}

/// The counts checked at the end of each combination.
struct Counts {
    polls: Counter,
    future_drops: Counter,
    outputs: Counter,
    output_drops: &'static Counter,
    worker_stops: Counter,
}

impl Counts {
    fn new() -> Counts {
        Counts {
            polls: Counter::new(),
            future_drops: Counter::new(),
            outputs: Counter::new(),
            output_drops: Box::leak(Box::new(Counter::new())),
            worker_stops: Counter::new(),
        }
    }
}

/// The driver's side: the runtime, the handles and its ends of the hand-off.
struct Driver {
    combo: Combo,
    rt: Runtime,
    join: Option<JoinHandle<Output>>,
    /// Held until every count is checked: keeps the task's cell alive.
    watch: AbortHandle,
    /// Given to the task when it is to abort itself.
    for_task: Option<AbortHandle>,
    reached: Receiver<Stop>,
    release: Sender<Option<AbortHandle>>,
    gate: Gate,
}

impl Driver {
    fn spawn(combo: Combo, counts: &Counts) -> Driver {
        let stops = counts.worker_stops.clone();
        let rt = Builder::new_multi_thread()
            .worker_threads(WORKERS)
            .on_thread_stop(move || {
                stops.incr();
            })
            .build()
            .expect("build the runtime");
        let (to_driver, reached) = mpsc::channel();
        let (release, from_driver) = mpsc::channel();
        let script = Script {
            reached: to_driver,
            release: from_driver,
        };
        let gate = Gate::default();
        let (task_gate, outputs) = (gate.clone(), counts.outputs.clone());
        let output_drops = counts.output_drops;
        let body = async move {
            script.stop(Stop::First);
            script.reached.send(Stop::Idle).expect("the driver is gone");
            task_gate.pass().await;
            script.stop(Stop::Second);
            if combo.end == FutureEnd::Panics {
                panic!("{EXPECTED}: the future");
            }
            outputs.incr();
            Output {
                tag: TAG,
                panics: combo.output == OutputDrop::Panics,
                drops: output_drops,
            }
        };
        let join = rt.spawn(Counted::new(body, &counts.polls, &counts.future_drops));
        Driver {
            combo,
            rt,
            watch: join.abort_handle(),
            for_task: Some(join.abort_handle()),
            join: Some(join),
            reached,
            release,
            gate,
        }
    }

    fn expect(&self, stop: Stop) {
        let got = self
            .reached
            .recv_timeout(SETTLE)
            .unwrap_or_else(|e| panic!("{:?}: the task never reached {stop:?}: {e}", self.combo));
        assert_eq!(got, stop, "{:?}: the task's script", self.combo);
    }

    /// Drop the `JoinHandle`; a panic of the output's destructor must not
    /// reach this thread.
    fn drop_handle(&mut self) {
        let join = self.join.take().expect("the handle is dropped once");
        let dropped = catch_unwind(AssertUnwindSafe(|| drop(join)));
        assert!(
            dropped.is_ok(),
            "{:?}: dropping the JoinHandle panicked (the output's destructor \
             was not contained)",
            self.combo
        );
    }

    /// Abort from another task or from this thread.
    fn abort_from(&self, from: AbortFrom) {
        match from {
            AbortFrom::Itself => unreachable!("the task aborts itself at a stop"),
            AbortFrom::OtherThread => self.watch.abort(),
            AbortFrom::OtherTask => {
                let (handle, (done, aborted)) = (self.watch.clone(), mpsc::channel());
                drop(self.rt.spawn(async move {
                    handle.abort();
                    let _ = done.send(());
                }));
                aborted.recv_timeout(SETTLE).unwrap_or_else(|e| {
                    panic!("{:?}: the aborting task did not run: {e}", self.combo)
                });
            }
        }
    }

    /// At a blocking stop: act, then release the task.
    fn at_stop(&mut self, stop: Stop, abort_here: AbortAt) {
        self.expect(stop);
        if self.combo.handle == Handle::DropDuring && self.combo.last_stop() == stop {
            self.drop_handle();
        }
        let mut abort_myself = None;
        match self.combo.aborts_at(abort_here) {
            Some(AbortFrom::Itself) => abort_myself = self.for_task.take(),
            Some(from) => self.abort_from(from),
            None => {}
        }
        self.release.send(abort_myself).expect("the task is gone");
    }

    fn run(mut self, counts: &Counts) {
        let combo = self.combo;
        if combo.handle == Handle::DropBefore {
            self.drop_handle();
        }
        self.at_stop(Stop::First, AbortAt::FirstPoll);
        self.expect(Stop::Idle);
        if let Some(from) = combo.aborts_at(AbortAt::Idle) {
            self.abort_from(from);
        }
        if !combo.cancelled() {
            self.gate.open();
            self.at_stop(Stop::Second, AbortAt::LastPoll);
        }

        // Every task ends on its own (output, panic or abort), well before
        // shutdown could cancel it.
        assert!(
            wait_until(SETTLE, || self.watch.is_finished()),
            "{combo:?}: the task never finished"
        );
        // The future is dropped before the task is marked finished.
        assert_eq!(counts.future_drops.get(), 1, "{combo:?}: future drops");
        if combo.handle == Handle::DropAfter {
            self.drop_handle();
        }
        if let Some(from) = combo.aborts_at(AbortAt::Finished) {
            self.abort_from(from);
        }
        if combo.handle == Handle::Await {
            let join = self.join.take().expect("kept to be awaited");
            let result = bounded(combo, join);
            check_result(combo, result);
        }

        // Shutdown joins the workers, so whatever a worker was to drop is
        // dropped; `watch` still keeps the task's cell alive.
        let Driver {
            rt,
            watch,
            for_task,
            gate,
            ..
        } = self;
        rt.shutdown_timeout(SETTLE);
        assert_eq!(
            counts.worker_stops.get(),
            WORKERS,
            "{combo:?}: a worker did not stop cleanly (died of a panic?)"
        );
        check_drops(combo, counts, "with the task's cell alive");
        // The last references to the task's cell: an unused `AbortHandle`,
        // and the gate's copy of the waker of a task cancelled before it
        // passed the gate. Then any output left in the cell is dropped.
        drop((watch, for_task, gate));
        check_drops(combo, counts, "after every handle is gone");
    }
}

/// Wakes the thread that polls in [`bounded`].
struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Await `join` on this (non-runtime) thread, for at most `SETTLE`.
fn bounded<T>(combo: Combo, join: JoinHandle<T>) -> Result<T, JoinError> {
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut join = pin!(join);
    let deadline = Instant::now() + SETTLE;
    loop {
        if let Poll::Ready(result) = join.as_mut().poll(&mut cx) {
            return result;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "{combo:?}: the JoinHandle never completed");
        // Woken early (or spuriously): poll again, as any executor would.
        thread::park_timeout(left);
    }
}

fn check_result(combo: Combo, result: Result<Output, JoinError>) {
    if combo.cancelled() {
        let err = result.expect_err("an aborted task has no output");
        assert!(
            err.is_cancelled(),
            "{combo:?}: expected cancelled, got {err:?}"
        );
    } else if combo.end == FutureEnd::Panics {
        let err = result.expect_err("a panicked task has no output");
        assert!(err.is_panic(), "{combo:?}: expected a panic, got {err:?}");
        let payload = err.into_panic();
        let message = payload.downcast_ref::<String>().map(String::as_str);
        assert_eq!(message, Some(format!("{EXPECTED}: the future").as_str()));
    } else {
        let output = result.unwrap_or_else(|e| panic!("{combo:?}: expected Ok, got {e:?}"));
        assert_eq!(output.tag, TAG, "{combo:?}: the output");
        // Awaited, the output is the caller's: so is its destructor's panic.
        let dropped = catch_unwind(AssertUnwindSafe(|| drop(output)));
        assert_eq!(
            dropped.is_err(),
            combo.output == OutputDrop::Panics,
            "{combo:?}: the awaited output's destructor panics on the caller's thread \
             exactly when it is made to"
        );
    }
}

fn check_drops(combo: Combo, counts: &Counts, when: &str) {
    let polls = if combo.cancelled() { 1 } else { 2 };
    assert_eq!(counts.polls.get(), polls, "{combo:?}: polls ({when})");
    assert_eq!(
        counts.future_drops.get(),
        1,
        "{combo:?}: future drops ({when})"
    );
    let outputs = usize::from(combo.makes_output());
    assert_eq!(counts.outputs.get(), outputs, "{combo:?}: outputs made");
    assert_eq!(
        counts.output_drops.get(),
        outputs,
        "{combo:?}: output drops ({when})"
    );
}

/// Keep the panics this test causes on purpose out of its output; any other
/// panic goes to the hook that was there before.
fn quiet_expected_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied());
            if !message.is_some_and(|m| m.starts_with(EXPECTED)) {
                previous(info);
            }
        }));
    });
}

fn run_all(handle: Handle) {
    quiet_expected_panics();
    watchdog(LIMIT, move || {
        let (combos, skipped) = combinations(handle);
        for &combo in &combos {
            let counts = Counts::new();
            Driver::spawn(combo, &counts).run(&counts);
        }
        println!(
            "{handle:?}: {} combinations run, {skipped} skipped",
            combos.len()
        );
    });
}

#[test]
fn handle_dropped_before_completion() {
    run_all(Handle::DropBefore);
}

#[test]
fn handle_dropped_during_the_last_poll() {
    run_all(Handle::DropDuring);
}

#[test]
fn handle_dropped_after_completion() {
    run_all(Handle::DropAfter);
}

#[test]
fn handle_awaited() {
    run_all(Handle::Await);
}
