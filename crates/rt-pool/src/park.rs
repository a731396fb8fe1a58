//! Parking a worker: on its own condition variable, or — if it wins the
//! try-lock — inside the reactor, blocked in the poller.
//!
//! # Protocol
//!
//! Each worker's [`Parker`] has a state word:
//!
//! | state | meaning |
//! |---|---|
//! | `EMPTY` | no token, not parked |
//! | `PARKED_CONDVAR` | blocked on the condvar (set under the mutex) |
//! | `PARKED_DRIVER` | blocked in the driver (the reactor's poll wait) |
//! | `NOTIFIED` | a token is waiting: the next `park` returns at once |
//!
//! `unpark` swaps in `NOTIFIED` and, depending on what it replaced, does
//! nothing (`EMPTY`, `NOTIFIED`), takes and drops the mutex then signals the
//! condvar (`PARKED_CONDVAR`: taking the mutex orders the signal after the
//! parker's wait started), or calls the driver's `unpark` (`PARKED_DRIVER`).
//! `park` consumes a token if there is one; otherwise it moves
//! `EMPTY → PARKED_*` with a compare-and-swap that fails only if a token
//! arrived meanwhile, and returns when the state is `NOTIFIED` again (the
//! condvar path loops over spurious wake-ups; the driver path returns after
//! one turn — an I/O event or a timer is a reason to look for work too).
//! No token is ever lost: every `unpark` after the CAS sees `PARKED_*`.

use std::sync::Arc;
use std::time::Duration;

use rt_core::loom::{AtomicUsize, Condvar, Mutex, Ordering::SeqCst};

const EMPTY: usize = 0;
const PARKED_CONDVAR: usize = 1;
const PARKED_DRIVER: usize = 2;
const NOTIFIED: usize = 3;

/// How long an idle worker parked on its condvar waits before it looks at
/// the reactor again. It bounds how long I/O and timers wait when the
/// reactor's owner leaves it to run a task that then blocks its thread
/// (tokio issue 4730), without waking a sibling on every I/O event.
const REACTOR_RECHECK: Duration = Duration::from_millis(10);

/// What an idle worker may block in instead of its condvar: the reactor.
pub(crate) trait Driver: Send + Sync + std::fmt::Debug {
    /// If no other thread is in the driver, take it, call `arm` — which
    /// returns false to give up at once (a wake-up came) — then wait in it
    /// for at most `timeout` (None: until its next timer, or an `unpark`),
    /// wake what is ready, and return how many wakers fired. `None` if
    /// another thread holds it (`arm` is then not called).
    ///
    /// `arm` runs while the driver is held: a parker publishes
    /// `PARKED_DRIVER` only then, so the driver's `unpark` can reach no
    /// other thread's wait (which would swallow it).
    fn try_turn(&self, timeout: Option<Duration>, arm: &mut dyn FnMut() -> bool) -> Option<usize>;
    /// Wake the thread blocked in `try_turn`.
    fn unpark(&self);
}

/// One worker's parking spot. Shared (`Arc`) between the worker, which
/// parks, and every thread that may unpark it.
#[derive(Debug)]
pub(crate) struct Parker {
    state: AtomicUsize,
    mutex: Mutex<()>,
    condvar: Condvar,
    driver: Option<Arc<dyn Driver>>,
}

impl Parker {
    pub(crate) fn new(driver: Option<Arc<dyn Driver>>) -> Parker {
        Parker {
            state: AtomicUsize::new(EMPTY),
            mutex: Mutex::new(()),
            condvar: Condvar::new(),
            driver,
        }
    }

    /// Whether the worker is blocked in the driver right now (a hint for
    /// choosing whom to wake: better wake a condvar sleeper and leave the
    /// reactor's owner waiting for I/O).
    pub(crate) fn in_driver(&self) -> bool {
        self.state.load(SeqCst) == PARKED_DRIVER
    }

    /// Block until `unpark` (or, in the driver, until something is ready).
    pub(crate) fn park(&self) {
        // SeqCst throughout: the state word orders with the idle set's
        // SeqCst operations (see `idle`), and parking is not a hot path.
        if self
            .state
            .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
            .is_ok()
        {
            return;
        }
        let Some(driver) = &self.driver else {
            self.park_condvar(None);
            return;
        };
        loop {
            if self.park_driver(&**driver) {
                return;
            }
            // Another thread holds the driver. Wait on the condvar, but look
            // at the driver again every REACTOR_RECHECK: its owner may leave
            // it to run a task that then blocks its thread, and I/O must not
            // wait for that task.
            if self.park_condvar(Some(REACTOR_RECHECK)) {
                return;
            }
        }
    }

    /// Park in the driver. Returns false if another thread holds it (the
    /// state is then untouched), so the caller parks on the condvar instead.
    fn park_driver(&self, driver: &dyn Driver) -> bool {
        // Publish PARKED_DRIVER only once the driver is ours: an `unpark`
        // that sees it notifies the driver, and only its holder — this
        // thread — can consume that notification. (Set before taking the
        // driver, another thread's turn could swallow it and leave this
        // one blocked for good, with the token unread: a hang the
        // executor benches hit.)
        let mut arm = || match self
            .state
            .compare_exchange(EMPTY, PARKED_DRIVER, SeqCst, SeqCst)
        {
            Ok(_) => true,
            Err(NOTIFIED) => {
                // A swap, not a store: `unpark` may have run again since the
                // CAS read NOTIFIED; reading its write (an RMW reads the
                // latest) is what synchronizes with it. loom found the store.
                self.state.swap(EMPTY, SeqCst);
                false
            }
            Err(actual) => panic!("inconsistent park state {actual}"),
        };
        if driver.try_turn(None, &mut arm).is_none() {
            return false;
        }
        // Consume a token (NOTIFIED) or leave PARKED_DRIVER (or EMPTY, if
        // `arm` gave up): either way the park is over.
        self.state.swap(EMPTY, SeqCst);
        true
    }

    /// Wait on the condvar for a token, at most `timeout`. Returns true if
    /// a token was consumed, false if the wait timed out without one.
    fn park_condvar(&self, timeout: Option<Duration>) -> bool {
        let mut guard = self.mutex.lock();
        match self
            .state
            .compare_exchange(EMPTY, PARKED_CONDVAR, SeqCst, SeqCst)
        {
            Ok(_) => {}
            Err(NOTIFIED) => {
                // A swap, not a store: see `park_driver`.
                self.state.swap(EMPTY, SeqCst);
                return true;
            }
            Err(actual) => panic!("inconsistent park state {actual}"),
        }
        loop {
            let timed_out = match timeout {
                None => {
                    guard = self.condvar.wait(guard);
                    false
                }
                Some(t) => {
                    let (g, timed_out) = self.condvar.wait_for(guard, t);
                    guard = g;
                    timed_out
                }
            };
            if self
                .state
                .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
                .is_ok()
            {
                return true;
            }
            if timed_out {
                // Leave PARKED_CONDVAR, unless a token lands right now.
                return match self
                    .state
                    .compare_exchange(PARKED_CONDVAR, EMPTY, SeqCst, SeqCst)
                {
                    Ok(_) => false,
                    Err(_) => {
                        self.state.swap(EMPTY, SeqCst);
                        true
                    }
                };
            }
            // Spurious wake-up: wait again.
        }
    }

    /// Give the worker a token, waking it if it is parked.
    pub(crate) fn unpark(&self) {
        match self.state.swap(NOTIFIED, SeqCst) {
            EMPTY | NOTIFIED => {}
            PARKED_CONDVAR => {
                // Taking the mutex waits until the parker is inside
                // `wait`, so the signal cannot fall between its CAS and
                // its wait.
                drop(self.mutex.lock());
                self.condvar.notify_one();
            }
            PARKED_DRIVER => {
                if let Some(driver) = &self.driver {
                    driver.unpark();
                }
            }
            actual => panic!("inconsistent park state {actual}"),
        }
    }
}
