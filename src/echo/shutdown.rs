//! `Shutdown`: a one-way, runtime-agnostic "stop now" signal.
//!
//! # Protocol
//!
//! `triggered` only goes from `false` to `true`. A waiter checks it, then,
//! under `wakers`' lock, checks it again and files its waker; `trigger`
//! sets it, then takes the wakers under the same lock and wakes them after
//! releasing it. The lock orders the two: either the waiter's second check
//! sees `true`, or its waker is in the list when `trigger` takes it. So no
//! wake-up is lost, and a waker is never woken under the lock.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

/// A signal that any thread can trigger (a signal handler's thread, a
/// test) and any number of tasks, on any runtime, can wait for.
///
/// Cloning gives another handle to the same signal.
///
/// # Examples
///
/// ```
/// use rt_suite::echo::Shutdown;
///
/// let shutdown = Shutdown::new();
/// let wait = shutdown.wait();
/// std::thread::spawn(move || shutdown.trigger());
/// futures_lite::future::block_on(wait);
/// ```
#[derive(Clone, Default)]
pub struct Shutdown {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    triggered: AtomicBool,
    wakers: Mutex<Vec<Waker>>,
}

/// The future of [`Shutdown::wait`]: ready once the signal is triggered.
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct Wait {
    shutdown: Shutdown,
}

impl Shutdown {
    /// A signal not yet triggered.
    pub fn new() -> Shutdown {
        Shutdown::default()
    }

    /// Triggers the signal and wakes every waiting task. Later calls do
    /// nothing.
    pub fn trigger(&self) {
        // Release: pairs with the Acquire loads in `is_triggered`, so a task
        // that sees `true` also sees what the triggering thread did before.
        self.inner.triggered.store(true, Ordering::Release);
        let wakers = std::mem::take(&mut *self.lock());
        for waker in wakers {
            waker.wake();
        }
    }

    /// Whether [`trigger`](Shutdown::trigger) has been called.
    pub fn is_triggered(&self) -> bool {
        // Acquire: pairs with the Release store in `trigger`.
        self.inner.triggered.load(Ordering::Acquire)
    }

    /// A future that completes once the signal is triggered (at once if it
    /// already was). It owns a handle to the signal, so it can be moved
    /// into a spawned task.
    pub fn wait(&self) -> Wait {
        Wait {
            shutdown: self.clone(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Waker>> {
        // A panic while holding this lock cannot leave the list invalid.
        self.inner
            .wakers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Future for Wait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let shutdown = &self.shutdown;
        if shutdown.is_triggered() {
            return Poll::Ready(());
        }
        let mut wakers = shutdown.lock();
        // Checked again under the lock: see the module's protocol.
        if shutdown.is_triggered() {
            return Poll::Ready(());
        }
        if !wakers.iter().any(|w| w.will_wake(cx.waker())) {
            wakers.push(cx.waker().clone());
        }
        Poll::Pending
    }
}

impl fmt::Debug for Shutdown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shutdown")
            .field("triggered", &self.is_triggered())
            .finish_non_exhaustive()
    }
}
