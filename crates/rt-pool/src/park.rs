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
//!
//! # Who watches the reactor
//!
//! The reactor must never sit unowned while a worker is blocked in a task
//! and others sleep: their I/O and timers would wait for that task (tokio
//! issue 4730). Nor should idle workers poll for that case: an idle
//! runtime makes no wake-ups at all. And waking a sleeper each time the
//! driver's holder leaves it to run a task costs a context switch per
//! event: one connection's ping-pong went from 4.2 to 9.1 ms per 1,000
//! round trips that way (`cargo bench --bench io -- tcp_ping_pong/1conn`).
//! So a worker that finds the driver held looks again soon while the
//! runtime is busy, and asks for a hand-off only once it is idle:
//!
//! 1. A parker that finds the driver held sleeps on its condvar for
//!    `LOOK_AGAIN` (4 ms), then tries the driver again, for as long as the
//!    driver's turn count moves between its looks (someone turns it: the
//!    runtime is busy). A holder that leaves the driver to run a task that
//!    blocks is thus replaced within 4 ms, with no wake-up sent. After
//!    `IDLE_LOOKS` looks in a row that found the count unchanged (the
//!    holder waited in the poller all along: the runtime is idle), it goes
//!    on to step 2.
//! 2. It sets the shared `wanted` flag ([`Handoff`]), tries the driver once
//!    more (its holder may have left before seeing the flag), then sleeps
//!    on its condvar with no timeout.
//! 3. A worker that held the driver (a park in it, or a busy worker's
//!    non-blocking turn) and then starts running a task calls
//!    [`Handoff::take_wanted`]: if `wanted` is set it clears it and asks one
//!    condvar sleeper to look at the driver again ([`Parker::recheck`]);
//!    that sleeper takes the driver, or finds it held and goes back to
//!    step 1. A worker that parks again instead tries the driver itself.
//! 4. `wanted` is a store then a try-lock on the parker's side, and a lock
//!    release then a swap on the holder's side, each pair separated by a
//!    SeqCst fence: either the parker's second try finds the driver free,
//!    or the holder's swap finds the flag.
//!
//! Under loom (no time) step 1 is skipped: the models check steps 2 to 4.
//!
//! A recheck is not a token: the sleeper stays parked (the idle set still
//! counts it asleep) and, failing to take the driver, sleeps again. A stale
//! recheck costs one look at the driver.

use std::sync::Arc;
use std::time::Duration;

use rt_core::loom::{
    fence, AtomicBool, AtomicU64, AtomicUsize, Condvar, Mutex, Ordering::Relaxed, Ordering::SeqCst,
};

/// How soon a worker that found the driver held looks again while the
/// runtime is busy: the longest a task that blocks its thread right after
/// leaving the driver stalls others' I/O and timers (`tests/blocked_worker.rs`
/// allows 10 ms), and rare enough to cost nothing (250 looks a second).
const LOOK_AGAIN: Duration = crate::rescue::CHECK_INTERVAL;

/// Looks in a row that find the driver's turn count unchanged (its holder
/// waiting in the poller all along) before a worker stops looking and asks
/// for a hand-off instead: an idle runtime then makes no wake-ups.
const IDLE_LOOKS: usize = 2;

const EMPTY: usize = 0;
const PARKED_CONDVAR: usize = 1;
const PARKED_DRIVER: usize = 2;
const NOTIFIED: usize = 3;

/// What an idle worker may block in instead of its condvar: the reactor.
pub(crate) trait Driver: Send + Sync + std::fmt::Debug {
    /// If no other thread is in the driver, take it, call `arm` — which
    /// returns false to give up at once (a wake-up came), and may shorten
    /// the timeout it is given — then wait in it for at most `timeout`
    /// (None: until its next timer, or an `unpark`), wake what is ready,
    /// and return how many wakers fired. `None` if another thread holds it
    /// (`arm` is then not called).
    ///
    /// `arm` runs while the driver is held: a parker publishes
    /// `PARKED_DRIVER` only then, so the driver's `unpark` can reach no
    /// other thread's wait (which would swallow it); and it decides there
    /// whether to watch the other workers (`rescue`), which only the
    /// driver's holder does.
    fn try_turn(
        &self,
        timeout: Option<Duration>,
        arm: &mut dyn FnMut(&mut Option<Duration>) -> bool,
    ) -> Option<usize>;
    /// Wake the thread blocked in `try_turn`.
    fn unpark(&self);
    /// How many turns the driver has made so far (any thread's): a
    /// sleeper that sees it unchanged across its sleep knows the holder
    /// has sat in its wait all along.
    fn turns(&self) -> u64;
}

/// One worker's parking spot. Shared (`Arc`) between the worker, which
/// parks, and every thread that may unpark it.
#[derive(Debug)]
pub(crate) struct Parker {
    state: AtomicUsize,
    /// Set by [`Parker::recheck`]: look at the driver again (see the
    /// module docs, "Who watches the reactor").
    recheck: AtomicBool,
    /// The driver's turn count at this worker's last look at a held
    /// driver, and how many looks in a row found it unchanged (step 1 of
    /// "Who watches the reactor"). Only the owning worker touches them.
    last_turns: AtomicU64,
    idle_looks: AtomicUsize,
    mutex: Mutex<()>,
    condvar: Condvar,
    driver: Option<Arc<dyn Driver>>,
}

/// The runtime's "someone wants the driver" flag; see the module docs,
/// "Who watches the reactor".
#[derive(Debug, Default)]
pub(crate) struct Handoff {
    wanted: AtomicBool,
}

impl Handoff {
    /// Called by a worker that held the driver and now runs a task: takes
    /// the flag if a parker set it; the caller then asks one condvar
    /// sleeper to [`Parker::recheck`].
    pub(crate) fn take_wanted(&self) -> bool {
        // SeqCst fence: orders the caller's release of the driver before
        // this read, pairing with the fence in `Parker::park` (step 4).
        fence(SeqCst);
        // A swap, not a load first: an RMW reads the newest store, which
        // is also what lets loom (whose SeqCst loads are weaker than the
        // C++ model's) see the pairing.
        self.wanted.swap(false, SeqCst)
    }
}

impl Parker {
    pub(crate) fn new(driver: Option<Arc<dyn Driver>>) -> Parker {
        Parker {
            state: AtomicUsize::new(EMPTY),
            recheck: AtomicBool::new(false),
            last_turns: AtomicU64::new(0),
            idle_looks: AtomicUsize::new(0),
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

    /// Whether the worker sleeps on its condvar right now (a candidate for
    /// [`Parker::recheck`]).
    pub(crate) fn in_condvar(&self) -> bool {
        self.state.load(SeqCst) == PARKED_CONDVAR
    }

    /// Ask the worker, if it sleeps on its condvar, to look at the driver
    /// again without waking up for work (see the module docs).
    pub(crate) fn recheck(&self) {
        // A swap, not a store: an RMW is ordered after the sleeper's
        // swaps of the flag (loom models a plain store as possibly older).
        self.recheck.swap(true, SeqCst);
        // Taking the mutex orders the signal after the sleeper's check of
        // the flag (made under the mutex) or before it.
        drop(self.mutex.lock());
        self.condvar.notify_one();
    }

    /// Block until `unpark` (or, in the driver, until something is ready).
    /// Returns whether the park ended in the driver: the caller held it,
    /// and owes a hand-off if it goes on to run a task.
    pub(crate) fn park(&self, handoff: &Handoff) -> bool {
        self.park_bounded(handoff, &mut || None)
    }

    /// [`Parker::park`], and if the park is in the driver, `bound` (called
    /// once the driver is held) says for how long at most to wait there:
    /// a worker watching the others for a stuck poll wakes up to look
    /// (`rescue`).
    pub(crate) fn park_bounded(
        &self,
        handoff: &Handoff,
        bound: &mut dyn FnMut() -> Option<Duration>,
    ) -> bool {
        // SeqCst throughout: the state word orders with the idle set's
        // SeqCst operations (see `idle`), and parking is not a hot path.
        if self
            .state
            .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
            .is_ok()
        {
            return false;
        }
        let Some(driver) = &self.driver else {
            while !self.park_condvar() {}
            return false;
        };
        loop {
            if self.park_driver(&**driver, bound) {
                return true;
            }
            // Another thread holds the driver. While the runtime is busy,
            // look again soon (step 1 of "Who watches the reactor").
            if self.look_again_soon(&**driver) {
                match self.park_condvar_for(LOOK_AGAIN) {
                    true => return false,
                    false => continue,
                }
            }
            // Idle: ask for the driver (step 2), look once more, then
            // sleep until a token or a recheck (step 3).
            // A swap, not a store: see `Parker::recheck`.
            handoff.wanted.swap(true, SeqCst);
            // SeqCst fence: pairs with the one in `Handoff::take_wanted`.
            fence(SeqCst);
            if self.park_driver(&**driver, bound) {
                return true;
            }
            if self.park_condvar() {
                return false;
            }
        }
    }

    /// Whether to sleep only `LOOK_AGAIN` and look at the driver again
    /// (step 1 of "Who watches the reactor"): yes until the driver's turn
    /// count has stayed the same through `IDLE_LOOKS` looks in a row.
    fn look_again_soon(&self, driver: &dyn Driver) -> bool {
        if cfg!(loom) {
            // loom has no time (a timed wait never times out there): the
            // models check the idle path, the one with a protocol.
            return false;
        }
        // Relaxed: only this worker touches these two.
        let turns = driver.turns();
        let idle = self.last_turns.swap(turns, Relaxed) == turns;
        let looks = if idle {
            self.idle_looks.load(Relaxed) + 1
        } else {
            0
        };
        self.idle_looks.store(looks, Relaxed);
        looks < IDLE_LOOKS
    }

    /// Park in the driver. Returns false if another thread holds it (the
    /// state is then untouched), so the caller parks on the condvar instead.
    fn park_driver(
        &self,
        driver: &dyn Driver,
        bound: &mut dyn FnMut() -> Option<Duration>,
    ) -> bool {
        // Publish PARKED_DRIVER only once the driver is ours: an `unpark`
        // that sees it notifies the driver, and only its holder — this
        // thread — can consume that notification. (Set before taking the
        // driver, another thread's turn could swallow it and leave this
        // one blocked for good, with the token unread: a hang the
        // executor benches hit.)
        let mut arm = |timeout: &mut Option<Duration>| match self.state.compare_exchange(
            EMPTY,
            PARKED_DRIVER,
            SeqCst,
            SeqCst,
        ) {
            Ok(_) => {
                if let Some(bound) = bound() {
                    *timeout = Some(timeout.map_or(bound, |t| t.min(bound)));
                }
                true
            }
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

    /// Wait on the condvar for a token, a recheck or `timeout`. Returns
    /// true if a token was consumed, false otherwise (the state is `EMPTY`
    /// again).
    fn park_condvar_for(&self, timeout: Duration) -> bool {
        let mut guard = self.mutex.lock();
        if self.enter_condvar() {
            return true;
        }
        // A recheck asks for a look now: the caller looks after this wait.
        if !self.recheck.swap(false, SeqCst) {
            guard = self.condvar.wait_for(guard, timeout).0;
            self.recheck.swap(false, SeqCst);
        }
        drop(guard);
        self.leave_condvar()
    }

    /// Wait on the condvar for a token or a recheck. Returns true if a
    /// token was consumed, false for a recheck (the state is `EMPTY` again).
    fn park_condvar(&self) -> bool {
        let mut guard = self.mutex.lock();
        if self.enter_condvar() {
            return true;
        }
        loop {
            // Under the mutex: a `recheck` that set the flag before this
            // load signals after the wait below begins.
            if self.recheck.swap(false, SeqCst) {
                return self.leave_condvar();
            }
            guard = self.condvar.wait(guard);
            if self
                .state
                .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
                .is_ok()
            {
                return true;
            }
            // A recheck, or a spurious wake-up: the loop tells which.
        }
    }

    /// `EMPTY → PARKED_CONDVAR`, under the mutex. Returns true if a token
    /// was there instead (consumed: the park is over).
    fn enter_condvar(&self) -> bool {
        match self
            .state
            .compare_exchange(EMPTY, PARKED_CONDVAR, SeqCst, SeqCst)
        {
            Ok(_) => false,
            Err(NOTIFIED) => {
                // A swap, not a store: see `park_driver`.
                self.state.swap(EMPTY, SeqCst);
                true
            }
            Err(actual) => panic!("inconsistent park state {actual}"),
        }
    }

    /// Leave `PARKED_CONDVAR` for `EMPTY`. Returns true if a token landed
    /// meanwhile (consumed).
    fn leave_condvar(&self) -> bool {
        match self
            .state
            .compare_exchange(PARKED_CONDVAR, EMPTY, SeqCst, SeqCst)
        {
            Ok(_) => false,
            Err(_) => {
                // A swap, not a store: see `park_driver`.
                self.state.swap(EMPTY, SeqCst);
                true
            }
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
