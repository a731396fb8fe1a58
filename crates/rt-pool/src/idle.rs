//! The idle set: how many workers are unparked and how many search for
//! work, and which are asleep — so a producer wakes one worker when work
//! arrives, never a herd, and no wake-up is lost.
//!
//! # Protocol
//!
//! One atomic word holds `searching` (low 16 bits) and `unparked` (above).
//! The sleepers list is a `Mutex<Vec<worker index>>`.
//!
//! 1. A producer pushes a task, then [`Idle::worker_to_notify`]: a SeqCst
//!    fence, then "no worker searching and some worker parked?" — if so,
//!    it pops a sleeper under the lock, counts it unparked *and searching*
//!    (so concurrent producers do not wake a second one), and unparks it.
//! 2. A worker out of local work becomes a searcher only while fewer than
//!    half the workers search ([`Idle::transition_worker_to_searching`]):
//!    a bound on how many threads hammer the queues at once.
//! 3. A searcher that finds a task leaves the search; if it was the last
//!    searcher it wakes another worker (step 1), since there may be more.
//! 4. A worker with nothing to do parks: under the lock it counts itself
//!    parked and joins the sleepers ([`Idle::transition_worker_to_parked`]).
//!    If it was the last searcher it re-checks every queue after that and
//!    wakes a worker (possibly itself) if any holds work. Either a producer
//!    saw it searching (and relied on it), and the re-check finds the task;
//!    or the producer's SeqCst check came after and wakes a sleeper.
//! 5. A worker that wakes without being popped (its driver turned: I/O or a
//!    timer) removes itself from the sleepers
//!    ([`Idle::unpark_worker_by_id`]).

use rt_core::loom::{fence, AtomicUsize, Mutex, Ordering::SeqCst};

const UNPARK_SHIFT: usize = 16;
const SEARCH_MASK: usize = (1 << UNPARK_SHIFT) - 1;
const ONE_UNPARKED: usize = 1 << UNPARK_SHIFT;
const ONE_SEARCHING: usize = 1;

fn searching(state: usize) -> usize {
    state & SEARCH_MASK
}

fn unparked(state: usize) -> usize {
    state >> UNPARK_SHIFT
}

/// See the module docs.
#[derive(Debug)]
pub(crate) struct Idle {
    state: AtomicUsize,
    num_workers: usize,
    sleepers: Mutex<Vec<usize>>,
}

impl Idle {
    /// All `num_workers` start unparked and not searching.
    pub(crate) fn new(num_workers: usize) -> Idle {
        assert!(num_workers < SEARCH_MASK, "too many workers");
        Idle {
            state: AtomicUsize::new(num_workers << UNPARK_SHIFT),
            num_workers,
            sleepers: Mutex::new(Vec::with_capacity(num_workers)),
        }
    }

    /// Step 1: which sleeper to unpark, if one should be. `pick` chooses an
    /// index into the sleepers (or none of them), so the caller can leave
    /// the reactor's owner in the reactor when a condvar sleeper can take
    /// the work, and never pick itself.
    pub(crate) fn worker_to_notify(
        &self,
        pick: impl FnOnce(&[usize]) -> Option<usize>,
    ) -> Option<usize> {
        // SeqCst fence: orders the caller's queue push before the state
        // load, pairing with the worker's SeqCst RMW in step 4.
        fence(SeqCst);
        if !self.should_wake() {
            return None;
        }
        let mut sleepers = self.sleepers.lock();
        if !self.should_wake() {
            return None;
        }
        let index = pick(&sleepers)?;
        let worker = sleepers.swap_remove(index);
        self.state.fetch_add(ONE_UNPARKED | ONE_SEARCHING, SeqCst);
        Some(worker)
    }

    fn should_wake(&self) -> bool {
        let state = self.state.load(SeqCst);
        searching(state) == 0 && unparked(state) < self.num_workers
    }

    /// Step 2: become a searcher, unless half the workers already search.
    pub(crate) fn transition_worker_to_searching(&self) -> bool {
        let state = self.state.load(SeqCst);
        if 2 * searching(state) >= self.num_workers {
            return false;
        }
        self.state.fetch_add(ONE_SEARCHING, SeqCst);
        true
    }

    /// Step 3: a searcher found work. Returns true if it was the last
    /// searcher (the caller must then wake another worker).
    pub(crate) fn transition_worker_from_searching(&self) -> bool {
        let prev = self.state.fetch_sub(ONE_SEARCHING, SeqCst);
        debug_assert!(searching(prev) > 0);
        searching(prev) == 1
    }

    /// Step 4: park. Returns true if the worker was the last searcher (the
    /// caller must re-check every queue).
    pub(crate) fn transition_worker_to_parked(&self, worker: usize, is_searching: bool) -> bool {
        let mut sleepers = self.sleepers.lock();
        let dec = ONE_UNPARKED | if is_searching { ONE_SEARCHING } else { 0 };
        let prev = self.state.fetch_sub(dec, SeqCst);
        sleepers.push(worker);
        // SeqCst fence: orders this state update before the caller's
        // re-check of the queues; pairs with the producer's fence in
        // `worker_to_notify` (a store-load pattern, which SeqCst accesses
        // alone do not give under loom's model).
        fence(SeqCst);
        is_searching && searching(prev) == 1
    }

    /// Step 5: the worker woke up on its own. Returns false if a producer
    /// had already popped it (it is then counted unparked and searching).
    pub(crate) fn unpark_worker_by_id(&self, worker: usize) -> bool {
        let mut sleepers = self.sleepers.lock();
        match sleepers.iter().position(|&w| w == worker) {
            Some(i) => {
                sleepers.swap_remove(i);
                self.state.fetch_add(ONE_UNPARKED, SeqCst);
                true
            }
            None => false,
        }
    }

    /// Whether any worker is unparked (running, or searching): read by a
    /// parked worker, which does not count itself.
    pub(crate) fn any_unparked(&self) -> bool {
        unparked(self.state.load(SeqCst)) > 0
    }

    /// A parked worker that `pred` accepts, left parked (for a hand-off
    /// of the driver, which is not a wake-up for work).
    pub(crate) fn find_sleeper(&self, pred: impl Fn(usize) -> bool) -> Option<usize> {
        self.sleepers.lock().iter().copied().find(|&w| pred(w))
    }
}
