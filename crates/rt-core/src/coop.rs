//! Cooperative scheduling: a per-poll budget, so that a task whose
//! resources are always ready cannot keep its worker forever.
//!
//! # Why
//!
//! A task runs until it returns `Pending`, and a resource that is always
//! ready (a socket whose peer keeps sending, a channel that is never empty,
//! the `JoinHandle` of a task that has finished) never makes it return, and
//! every other task on its worker waits meanwhile (README.md, "C10k echo",
//! tells what that did to fairness). The budget is tokio's answer
//! (`tokio::task::coop`), with tokio's names and numbers. Users reach it as
//! `rt::task::coop`.
//!
//! # The budget
//!
//! Each time a worker polls a task it gives the task [`INITIAL_BUDGET`]
//! (128) units, in a thread-local, with [`budget`]; the worker puts the
//! previous value (unconstrained) back after the poll. `Runtime::block_on`
//! polls its own future with a fresh budget too, on both flavors, as
//! tokio does. Anywhere else — a thread that is not a worker, a
//! blocking-pool thread, no runtime at all — the budget is
//! *unconstrained*: resources never run out. [`unconstrained`] polls a
//! future with an unconstrained budget, for code that knows better.
//!
//! # Where it is consumed
//!
//! A resource consumes one unit when it is about to return `Ready`:
//!
//! - the reactor's readiness (`rt-reactor`, `Source::poll_ready`), hence
//!   every socket read, write, accept, receive, send and connect;
//! - timers: `Sleep` (so `Interval`, and the deadline of `Timeout`);
//! - `rt_task::JoinHandle` (joining; `JoinSet::join_next` too);
//! - [`consume_budget`], for a loop that touches no resource.
//!
//! A resource that is not ready returns `Pending` as it always did and
//! consumes nothing: only a task that makes progress pays.
//!
//! # Exhausted: deferred, like `yield_now`
//!
//! With no unit left, a resource returns `Pending` *without* doing its
//! operation (no byte is read and lost) and arranges for the task to be
//! polled again: [`poll_proceed`] hands the task's waker to this thread's
//! defer hook. A worker sets the hook to its own `defer` (`rt-pool`,
//! `context::defer`, through [`set_defer`]): the waker waits on the
//! worker's deferred list until the worker has run the rest of its queue
//! and turned the reactor, exactly as after `yield_now`. (A plain
//! `wake_by_ref` would queue the task behind the queued tasks but before
//! I/O and timers.) On a thread with no hook the task is woken at once
//! (`wake_by_ref`). The next poll starts with a fresh budget.
//!
//! The hook is why blocking a worker inside a task is worse than slow: a
//! task that drives a future with another executor's `block_on` keeps its
//! own budget, and once that runs out the inner future's waker waits on the
//! deferred list of the very worker that is blocked (tokio behaves the
//! same; `yield_now` always did). Drive inner futures with `.await`, or
//! wrap them in [`unconstrained`].
//!
//! # Giving a unit back (`RestoreOnPending`)
//!
//! Some resources only learn whether they made progress after taking the
//! unit: the reactor's cached readiness may be stale, and the system call
//! then returns `WouldBlock`. [`poll_proceed`] therefore returns a
//! [`RestoreOnPending`] guard holding the unit: the resource calls
//! [`made_progress`](RestoreOnPending::made_progress) when it returns
//! `Ready`; dropped without it, the guard gives the unit back.
//!
//! # Costs
//!
//! One thread-local `Cell` (a constant initialiser and no destructor: a
//! plain thread-local access). The worker replaces it before a poll and
//! restores it after; a resource reads and writes it once. No allocation,
//! no atomic operation.
//!
//! # Examples
//!
//! ```
//! use std::pin::pin;
//! use std::task::{Context, Poll, Waker};
//!
//! use rt_core::coop;
//!
//! // Outside a worker the budget is unconstrained.
//! assert!(coop::has_budget_remaining());
//!
//! // What a worker does around a poll: 128 units, then `Pending`.
//! let waker = Waker::noop();
//! let mut cx = Context::from_waker(&waker);
//! coop::budget(|| {
//!     for _ in 0..coop::INITIAL_BUDGET {
//!         let mut unit = pin!(coop::consume_budget());
//!         assert!(unit.as_mut().poll(&mut cx).is_ready());
//!     }
//!     assert!(!coop::has_budget_remaining());
//!     let mut unit = pin!(coop::consume_budget());
//!     assert!(unit.as_mut().poll(&mut cx).is_pending());
//! });
//! assert!(coop::has_budget_remaining());
//! # use std::future::Future;
//! ```

use std::cell::Cell;
use std::fmt;
use std::future::{poll_fn, Future};
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use pin_project_lite::pin_project;

/// Units of budget a task gets per poll on a worker: tokio's value, tuned
/// there so that a busy task still does a useful batch of work per poll
/// while its neighbours wait at most 128 operations.
pub const INITIAL_BUDGET: u8 = 128;

/// A task's remaining units; `None` is unconstrained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Budget(Option<u8>);

impl Budget {
    const UNCONSTRAINED: Budget = Budget(None);
    const INITIAL: Budget = Budget(Some(INITIAL_BUDGET));
}

/// The per-thread state: the running task's budget and where an exhausted
/// task's waker goes.
struct Coop {
    budget: Cell<Budget>,
    defer: Cell<Option<fn(&Waker)>>,
}

crate::loom::thread_local! {
    // Constant initialiser and no `Drop`: no lazy initialisation and no
    // destructor registration, so every access is a plain TLS load/store
    // and never fails, even during thread teardown.
    static COOP: Coop = const {
        Coop {
            budget: Cell::new(Budget::UNCONSTRAINED),
            defer: Cell::new(None),
        }
    };
}

/// Puts the budget it replaced back when dropped (also on unwind).
struct ResetGuard(Budget);

impl Drop for ResetGuard {
    fn drop(&mut self) {
        COOP.with(|c| c.budget.set(self.0));
    }
}

fn with_budget<R>(budget: Budget, f: impl FnOnce() -> R) -> R {
    let _reset = ResetGuard(COOP.with(|c| c.budget.replace(budget)));
    f()
}

/// Runs `f` — one poll of a task — with a fresh budget of
/// [`INITIAL_BUDGET`] units, then restores the previous budget. For the
/// worker loop; see the [module docs](self).
#[inline]
pub fn budget<R>(f: impl FnOnce() -> R) -> R {
    with_budget(Budget::INITIAL, f)
}

/// Runs `f` with an unconstrained budget, then restores the previous one
/// (what [`Unconstrained`] does around each poll).
#[inline]
pub fn with_unconstrained<R>(f: impl FnOnce() -> R) -> R {
    with_budget(Budget::UNCONSTRAINED, f)
}

/// Sets this thread's defer hook: where [`poll_proceed`] sends the waker of
/// a task whose budget is exhausted (a worker: its deferred list). `None`
/// (the default) wakes the task at once. Returns the previous hook.
pub fn set_defer(hook: Option<fn(&Waker)>) -> Option<fn(&Waker)> {
    COOP.with(|c| c.defer.replace(hook))
}

/// Whether the current task may still consume budget: `false` only when a
/// worker's task has used up its [`INITIAL_BUDGET`] units in this poll, so
/// its next resource operation (or [`consume_budget`]) will yield. Always
/// `true` outside a worker's task poll and inside [`unconstrained`].
///
/// # Examples
///
/// ```
/// use rt::task::coop;
///
/// assert!(coop::has_budget_remaining()); // not in a task's poll
/// # rt::Runtime::new()?.block_on(async {
/// let exhausted = rt::spawn(async {
///     assert!(coop::has_budget_remaining()); // a fresh poll: 128 units
///     for _ in 0..128 {
///         coop::consume_budget().await; // all ready in this poll
///     }
///     !coop::has_budget_remaining()
/// });
/// assert!(exhausted.await?);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub fn has_budget_remaining() -> bool {
    COOP.with(|c| c.budget.get().0 != Some(0))
}

/// Consumes one unit of budget if one is left: `Ready` with a guard that
/// must be told [`made_progress`](RestoreOnPending::made_progress) if the
/// resource returns `Ready`, and gives the unit back otherwise. If the
/// budget is exhausted, defers the task (see the [module docs](self)) and
/// returns `Pending`: the caller must return `Pending` without doing its
/// operation.
///
/// Call it once the resource is known to be ready (it then rarely has to
/// give the unit back), and only from the task's own poll: the guard refers
/// to this thread's budget.
///
/// # Examples
///
/// A resource that is always ready, made to take its turn:
///
/// ```
/// use std::future::poll_fn;
/// use std::task::{ready, Context, Poll};
/// use rt::task::coop;
///
/// /// Always has a next number: without the budget, a loop over it would
/// /// keep its worker until the loop ends.
/// struct Counter(u64);
///
/// impl Counter {
///     fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<u64> {
///         // `Pending` (the task deferred) once this poll's budget is spent.
///         let unit = ready!(coop::poll_proceed(cx));
///         self.0 += 1;
///         unit.made_progress(); // returning `Ready`: the unit stays spent
///         Poll::Ready(self.0)
///     }
/// }
///
/// # rt::Runtime::new()?.block_on(async {
/// let last = rt::spawn(async {
///     let mut counter = Counter(0);
///     let mut last = 0;
///     for _ in 0..1_000 {
///         last = poll_fn(|cx| counter.poll_next(cx)).await;
///     }
///     last
/// });
/// assert_eq!(last.await?, 1_000);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[inline]
pub fn poll_proceed(cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    COOP.with(|c| match c.budget.get().0 {
        None => Poll::Ready(RestoreOnPending::new(false)),
        Some(0) => {
            match c.defer.get() {
                Some(defer) => defer(cx.waker()),
                None => cx.waker().wake_by_ref(),
            }
            Poll::Pending
        }
        Some(n) => {
            c.budget.set(Budget(Some(n - 1)));
            Poll::Ready(RestoreOnPending::new(true))
        }
    })
}

/// One unit taken by [`poll_proceed`]: given back when dropped, unless the
/// resource [`made_progress`](RestoreOnPending::made_progress). (tokio's
/// name.)
///
/// # Examples
///
/// ```
/// use std::future::poll_fn;
/// use std::task::{ready, Poll};
/// use rt::task::coop;
///
/// # rt::Runtime::new()?.block_on(async {
/// let exhausted = rt::spawn(poll_fn(|cx| {
///     for _ in 0..1_000 {
///         let unit = ready!(coop::poll_proceed(cx));
///         drop(unit); // the operation would have blocked: the unit goes back
///     }
///     assert!(coop::has_budget_remaining());
///     for _ in 0..128 {
///         ready!(coop::poll_proceed(cx)).made_progress(); // spent
///     }
///     Poll::Ready(!coop::has_budget_remaining())
/// }));
/// assert!(exhausted.await?);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[must_use = "dropping the guard at once gives the unit back"]
pub struct RestoreOnPending {
    /// A unit was taken (the budget was constrained) and is still owed.
    owed: Cell<bool>,
    /// It refers to this thread's budget: not `Send`.
    _thread: PhantomData<*const ()>,
}

impl RestoreOnPending {
    fn new(owed: bool) -> RestoreOnPending {
        RestoreOnPending {
            owed: Cell::new(owed),
            _thread: PhantomData,
        }
    }

    /// The resource is returning `Ready`: keep the unit consumed.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::task::{ready, Poll};
    /// use rt::task::coop;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let value = rt::spawn(poll_fn(|cx| {
    ///     let unit = ready!(coop::poll_proceed(cx));
    ///     let value = 42; // the resource's operation succeeded
    ///     unit.made_progress();
    ///     Poll::Ready(value)
    /// }));
    /// assert_eq!(value.await?, 42);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[inline]
    pub fn made_progress(&self) {
        self.owed.set(false);
    }
}

impl Drop for RestoreOnPending {
    #[inline]
    fn drop(&mut self) {
        if self.owed.get() {
            COOP.with(|c| {
                if let Budget(Some(n)) = c.budget.get() {
                    c.budget.set(Budget(Some(n.saturating_add(1))));
                }
            });
        }
    }
}

impl fmt::Debug for RestoreOnPending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RestoreOnPending")
            .field("owed", &self.owed.get())
            .finish()
    }
}

/// Consumes one unit of the task's budget; if none is left, yields first
/// (deferred, like `yield_now`) and consumes one unit of the next poll's
/// budget.
///
/// For a loop that does work without touching a resource that consumes
/// budget itself (CPU work between channel operations that are always
/// ready, say): call it once per iteration and the loop yields every
/// [`INITIAL_BUDGET`] iterations. Outside a worker's task poll it returns
/// at once.
///
/// # Examples
///
/// ```
/// use std::future::{poll_fn, Future};
/// use std::pin::pin;
/// use rt::task::coop;
///
/// # rt::Runtime::new()?.block_on(async {
/// let polls = rt::spawn(async {
///     // A loop of CPU work that lets its neighbours run every 128 rounds.
///     let mut work = pin!(async {
///         let mut sum = 0u64;
///         for i in 0..1_000u64 {
///             sum += i;
///             coop::consume_budget().await;
///         }
///         assert_eq!(sum, 499_500);
///     });
///     let mut polls = 0;
///     poll_fn(|cx| {
///         polls += 1;
///         work.as_mut().poll(cx)
///     })
///     .await;
///     polls
/// });
/// assert_eq!(polls.await?, 1_000 / 128 + 1);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn consume_budget() {
    poll_fn(|cx| poll_proceed(cx).map(|unit| unit.made_progress())).await
}

/// Polls `future` with an unconstrained budget: the resources it uses never
/// force it to yield, and it consumes none of the enclosing task's budget.
///
/// For code that yields on its own terms; used carelessly it brings back
/// the starvation the budget prevents (see the [module docs](self)).
///
/// # Examples
///
/// ```
/// use std::future::{poll_fn, Future};
/// use std::pin::pin;
/// use rt::task::coop;
///
/// # rt::Runtime::new()?.block_on(async {
/// let polls = rt::spawn(async {
///     let mut work = pin!(coop::unconstrained(async {
///         for _ in 0..1_000 {
///             coop::consume_budget().await; // never yields here
///         }
///     }));
///     let mut polls = 0;
///     poll_fn(|cx| {
///         polls += 1;
///         work.as_mut().poll(cx)
///     })
///     .await;
///     polls
/// });
/// assert_eq!(polls.await?, 1); // done in one poll
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub fn unconstrained<F: Future>(future: F) -> Unconstrained<F> {
    Unconstrained { inner: future }
}

pin_project! {
    /// The future of [`unconstrained`].
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::task::coop::{unconstrained, Unconstrained};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let future: Unconstrained<_> = unconstrained(async { 7 });
    /// assert_eq!(rt::spawn(future).await?, 7);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    #[derive(Debug)]
    pub struct Unconstrained<F> {
        #[pin]
        inner: F,
    }
}

impl<F: Future> Future for Unconstrained<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let inner = self.project().inner;
        with_unconstrained(|| inner.poll(cx))
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    use std::sync::Arc;
    use std::task::Wake;

    use super::*;

    /// Counts its wakes.
    #[derive(Default)]
    struct CountWakes(AtomicUsize);

    impl Wake for CountWakes {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, SeqCst);
        }
    }

    fn proceed_once(cx: &mut Context<'_>) -> Poll<()> {
        poll_proceed(cx).map(|unit| unit.made_progress())
    }

    #[test]
    fn unconstrained_outside_a_budget() {
        let mut cx = Context::from_waker(Waker::noop());
        for _ in 0..1_000 {
            assert!(proceed_once(&mut cx).is_ready());
        }
        assert!(has_budget_remaining());
    }

    #[test]
    fn exhausted_after_initial_budget_then_wakes_without_hook() {
        let wakes = Arc::new(CountWakes::default());
        let waker = Waker::from(wakes.clone());
        let mut cx = Context::from_waker(&waker);
        budget(|| {
            for _ in 0..INITIAL_BUDGET {
                assert!(proceed_once(&mut cx).is_ready());
            }
            assert!(!has_budget_remaining());
            assert!(proceed_once(&mut cx).is_pending());
            assert_eq!(wakes.0.load(SeqCst), 1, "no hook: woken at once");
        });
        assert!(has_budget_remaining(), "restored after the poll");
    }

    #[test]
    fn exhausted_goes_to_the_defer_hook() {
        thread_local!(static DEFERRED: Cell<usize> = const { Cell::new(0) });
        fn hook(_: &Waker) {
            DEFERRED.with(|d| d.set(d.get() + 1));
        }
        let wakes = Arc::new(CountWakes::default());
        let waker = Waker::from(wakes.clone());
        let mut cx = Context::from_waker(&waker);
        let prev = set_defer(Some(hook));
        budget(|| {
            for _ in 0..INITIAL_BUDGET {
                let _ = proceed_once(&mut cx);
            }
            assert!(proceed_once(&mut cx).is_pending());
        });
        set_defer(prev);
        assert_eq!(DEFERRED.with(Cell::get), 1);
        assert_eq!(wakes.0.load(SeqCst), 0, "deferred, not woken");
    }

    #[test]
    fn a_unit_not_used_is_given_back() {
        let mut cx = Context::from_waker(Waker::noop());
        budget(|| {
            for _ in 0..1_000 {
                let Poll::Ready(unit) = poll_proceed(&mut cx) else {
                    panic!("the budget ran out although no unit was kept");
                };
                drop(unit); // e.g. the operation returned `WouldBlock`
            }
            assert!(proceed_once(&mut cx).is_ready());
        });
    }

    #[test]
    fn unconstrained_inside_a_budget() {
        let mut cx = Context::from_waker(Waker::noop());
        budget(|| {
            assert!(proceed_once(&mut cx).is_ready());
            with_unconstrained(|| {
                for _ in 0..1_000 {
                    assert!(proceed_once(&mut cx).is_ready());
                }
            });
            // One unit used before, none inside.
            for _ in 1..INITIAL_BUDGET {
                assert!(proceed_once(&mut cx).is_ready());
            }
            assert!(!has_budget_remaining());
        });
    }
}
