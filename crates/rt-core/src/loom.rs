//! One switch between the production primitives (std atomics,
//! `parking_lot`) and loom's, so the concurrency protocols of every rt
//! crate (the task state word here; park/notify and the idle set in
//! `rt-pool`; a source's readiness word in `rt-reactor`) run unchanged
//! under the loom model checker (`RUSTFLAGS="--cfg loom"`). Not part of the
//! public API.

#[cfg(loom)]
pub use loom::sync::atomic::{
    fence, AtomicBool, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering,
};

#[cfg(loom)]
pub use loom::sync::Arc;
/// `Arc` for what the models should see the lifetime of: loom's `Arc`
/// reports a reference still alive at the end of a modelled execution (a
/// leak, such as a reference cycle) and orders the last drop. Used for the
/// runtime's shared state and for the task cell. loom's `Arc` has no
/// unsized coercion and no `Wake`, so rt-task keeps `Arc<Cell<F, S>>`
/// typed and drives its count by hand (`into_raw`, `from_raw`,
/// `increment_strong_count`, which both `Arc`s have) behind a thin pointer
/// and a vtable of its own.
#[cfg(not(loom))]
pub use std::sync::Arc;

/// loom itself, for the macro below.
#[cfg(loom)]
#[doc(hidden)]
pub use loom as __loom;

/// `thread_local!` through the shim: std's, or under loom loom's, whose
/// threads are coroutines on one OS thread (std's thread-locals would be
/// shared between them). Each declaration takes a `const { … }` initialiser; loom's
/// version evaluates it lazily, per modelled thread, and may only be used
/// inside `loom::model`.
#[macro_export]
#[doc(hidden)]
macro_rules! __rt_thread_local {
    ($($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty = const { $init:expr_2021 };)+) => {
        $(
            #[cfg(not(loom))]
            ::std::thread_local! { $(#[$attr])* $vis static $name: $t = const { $init }; }
            #[cfg(loom)]
            $crate::loom::__loom::thread_local! { $(#[$attr])* $vis static $name: $t = $init; }
        )+
    };
}
pub use crate::__rt_thread_local as thread_local;
#[cfg(not(loom))]
pub use std::sync::atomic::{
    fence, AtomicBool, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering,
};

/// One round of a spin-wait loop: a CPU hint, or under loom a yield so
/// the model lets the awaited thread run.
pub fn spin_wait() {
    #[cfg(not(loom))]
    std::hint::spin_loop();
    #[cfg(loom)]
    loom::thread::yield_now();
}

/// A mutex whose `lock` returns the guard directly (parking_lot's shape).
#[derive(Debug, Default)]
pub struct Mutex<T>(
    #[cfg(not(loom))] parking_lot::Mutex<T>,
    #[cfg(loom)] loom::sync::Mutex<T>,
);

#[cfg(not(loom))]
pub type MutexGuard<'a, T> = parking_lot::MutexGuard<'a, T>;
#[cfg(loom)]
pub type MutexGuard<'a, T> = loom::sync::MutexGuard<'a, T>;

impl<T> Mutex<T> {
    /// `const` outside loom (parking_lot's is), so that `const_new`
    /// constructors (rt-sync's, like tokio's) can be built on the shim;
    /// loom's is not, and those constructors do not exist under loom.
    #[cfg(not(loom))]
    pub const fn new(value: T) -> Mutex<T> {
        Mutex(parking_lot::Mutex::new(value))
    }

    #[cfg(loom)]
    pub fn new(value: T) -> Mutex<T> {
        Mutex(loom::sync::Mutex::new(value))
    }

    pub fn lock(&self) -> MutexGuard<'_, T> {
        #[cfg(not(loom))]
        return self.0.lock();
        #[cfg(loom)]
        return self.0.lock().unwrap();
    }
}

/// A condition variable over [`Mutex`].
#[derive(Debug, Default)]
pub struct Condvar(
    #[cfg(not(loom))] parking_lot::Condvar,
    #[cfg(loom)] loom::sync::Condvar,
);

impl Condvar {
    pub fn new() -> Condvar {
        #[cfg(not(loom))]
        return Condvar(parking_lot::Condvar::new());
        #[cfg(loom)]
        return Condvar(loom::sync::Condvar::new());
    }

    /// Block until notified (or spuriously woken); relocks the guard.
    pub fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        #[cfg(not(loom))]
        {
            let mut guard = guard;
            self.0.wait(&mut guard);
            guard
        }
        #[cfg(loom)]
        return self.0.wait(guard).unwrap();
    }

    /// Block until notified, spuriously woken, or `timeout` passes;
    /// returns the relocked guard and whether the wait timed out. (loom
    /// models no time: there it is `wait`, never timing out; the models
    /// use no driver, the only caller of timed waits.)
    pub fn wait_for<'a, T>(
        &self,
        guard: MutexGuard<'a, T>,
        timeout: std::time::Duration,
    ) -> (MutexGuard<'a, T>, bool) {
        #[cfg(not(loom))]
        {
            let mut guard = guard;
            let timed_out = self.0.wait_for(&mut guard, timeout).timed_out();
            (guard, timed_out)
        }
        #[cfg(loom)]
        {
            let _ = timeout;
            (self.0.wait(guard).unwrap(), false)
        }
    }

    pub fn notify_one(&self) {
        self.0.notify_one();
    }
}

/// A slot for one task's waker, woken by another thread: the `atomic-waker`
/// crate's lock-free one, or under loom a mutex-guarded slot with the same
/// contract (a `wake` after a `register` wakes that waker, and what the
/// waker's thread wrote before `wake` is seen by the task it wakes), so
/// the models see the hand-off (the crate's atomics are std's, which loom
/// cannot see).
#[cfg(not(loom))]
pub use atomic_waker::AtomicWaker;

/// A slot for one task's waker (see the non-loom doc above).
#[cfg(loom)]
#[derive(Debug, Default)]
pub struct AtomicWaker(loom::sync::Mutex<Option<std::task::Waker>>);

#[cfg(loom)]
impl AtomicWaker {
    pub fn new() -> AtomicWaker {
        AtomicWaker::default()
    }

    /// Keep `waker` (a clone) for the next `wake`, replacing the last one.
    pub fn register(&self, waker: &std::task::Waker) {
        let mut slot = self.0.lock().unwrap();
        match &*slot {
            Some(old) if old.will_wake(waker) => {}
            _ => *slot = Some(waker.clone()),
        }
    }

    /// Wake the kept waker, if any, outside the lock.
    pub fn wake(&self) {
        if let Some(waker) = self.take() {
            waker.wake();
        }
    }

    /// Take the kept waker out.
    pub fn take(&self) -> Option<std::task::Waker> {
        self.0.lock().unwrap().take()
    }
}
