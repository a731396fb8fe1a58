//! rt's scheduler: which task a worker runs next.
//!
//! # Design
//!
//! One global [`Injector`] takes tasks spawned or
//! woken off the runtime's workers; each worker owns a FIFO
//! [`Worker`] deque whose [`Stealer`] the others
//! hold, plus a one-task LIFO slot for the task the running task just woke
//! or spawned (message passing then runs the receiver next, while its data
//! is hot; a chain of spawns stays on one worker).
//!
//! A worker picks its next task in this order ([`Local::next_task`]):
//!
//! 1. every `global_queue_interval`-th tick (default 61, from Go via
//!    tokio), the injector first — a batch of it, moved to the local deque —
//!    so a worker busy with local work still serves tasks from other
//!    threads, and at the rate they arrive;
//! 2. the LIFO slot, at most [`MAX_LIFO_POLLS`] times in a row (two tasks
//!    waking each other would otherwise starve the rest);
//! 3. the local deque;
//! 4. a batch from the injector.
//!
//! When all of that is empty, [`Local::steal`] takes half of a random
//! victim's deque (and then tries the injector again). The LIFO slot is
//! not stolen that way: only a worker found stuck in one poll gives its
//! slotted task up ([`Queues::lifo_state`], [`Queues::steal_lifo`]; the
//! policy is the pool's).
//!
//! This crate holds queues and policy only; threads, parking and the
//! decision of which queue a wake goes to live in `rt-pool`.
//!
//! # Examples
//!
//! ```
//! use rt_scheduler::{Queues, DEFAULT_GLOBAL_QUEUE_INTERVAL};
//! # #[derive(Clone)] struct Noop;
//! # impl rt_task::Schedule for Noop { fn schedule(&self, _: rt_task::Task, _: bool) {} }
//! let (queues, locals) = Queues::new(2, DEFAULT_GLOBAL_QUEUE_INTERVAL);
//! let (task, _handle) = rt_task::unowned(async {}, Noop);
//! queues.push_remote(task).unwrap();
//! // Worker 0 finds the injected task.
//! assert!(locals[0].next_task(&queues).is_some());
//! ```

use std::cell::Cell;
use std::fmt;

mod deque;
mod gate;
mod lifo;
#[cfg(all(test, loom))]
mod loom_tests;

use deque::{Injector, Steal, Stealer, Worker};
use gate::Gate;
use lifo::Remote;
use rt_core::loom::Arc;
use rt_task::Task;

/// How often (in ticks) a worker checks the injector before its own queue:
/// 61, from Go's scheduler via tokio.
pub const DEFAULT_GLOBAL_QUEUE_INTERVAL: u32 = 61;

/// How many times in a row a worker may run the task in its LIFO slot
/// before that task goes to the back of the deque (tokio PR 5712: 3).
pub const MAX_LIFO_POLLS: u32 = 3;

/// The queues every worker can reach: the injector and all stealers.
///
/// The injector has a closed state (tokio's inject queue has one too): at
/// shutdown, [`Queues::close_remote`] closes it and takes what it holds, and
/// every later [`Queues::push_remote`] hands its task back instead of
/// queuing it, so no task reference can be left in the injector after the
/// final drain (a reference there would keep the task, its handle and so
/// the whole runtime alive: a cycle). The protocol is in `gate.rs`.
pub struct Queues {
    injector: Injector<Task>,
    /// The injector's closed state.
    gate: Gate,
    stealers: Box<[Stealer<Task>]>,
    /// Each worker's LIFO slot and its put count, as others see them.
    remotes: Box<[Arc<Remote>]>,
    global_queue_interval: u32,
}

impl Queues {
    /// Queues for `workers` workers; returns the shared part and each
    /// worker's own [`Local`] (index `i` belongs to worker `i`).
    ///
    /// # Panics
    /// If `workers` or `global_queue_interval` is zero.
    pub fn new(workers: usize, global_queue_interval: u32) -> (Queues, Vec<Local>) {
        assert!(workers > 0, "a scheduler needs at least one worker");
        assert!(
            global_queue_interval > 0,
            "global_queue_interval must be > 0"
        );
        let locals: Vec<Local> = (0..workers)
            .map(|index| Local {
                index,
                deque: Worker::new_fifo(),
                remote: Arc::new(Remote::new()),
                lifo_polls: Cell::new(0),
                tick: Cell::new(0),
                queue_picks: Cell::new(0),
                rng: Cell::new(0x9E37_79B9_7F4A_7C15 ^ ((index as u64 + 1) << 17)),
            })
            .collect();
        let stealers = locals.iter().map(|l| l.deque.stealer()).collect();
        let remotes = locals.iter().map(|l| l.remote.clone()).collect();
        let queues = Queues {
            injector: Injector::new(),
            gate: Gate::new(),
            stealers,
            remotes,
            global_queue_interval,
        };
        (queues, locals)
    }

    /// Queue a task from outside the workers (or a worker of no runtime).
    ///
    /// # Errors
    /// Once the injector is closed ([`Queues::close_remote`]), the task is
    /// handed back, not queued.
    pub fn push_remote(&self, task: Task) -> Result<(), Task> {
        let Some(_entry) = self.gate.enter() else {
            return Err(task);
        };
        self.injector.push(task);
        Ok(())
    }

    /// Close the injector (later pushes hand their task back) and return
    /// every task it held. Idempotent: a later call returns nothing.
    pub fn close_remote(&self) -> Vec<Task> {
        self.gate.close();
        std::iter::from_fn(|| self.pop_remote()).collect()
    }

    /// Whether [`Queues::close_remote`] was called.
    pub fn is_remote_closed(&self) -> bool {
        self.gate.is_closed()
    }

    /// Whether any queue a worker could take from holds a task.
    pub fn has_work(&self) -> bool {
        !self.injector.is_empty() || self.stealers.iter().any(|s| !s.is_empty())
    }

    /// Whether worker `victim`'s LIFO slot holds a task, and how many
    /// times it was filled so far: a worker whose slot stays occupied with
    /// no new put has not come back to it, so it is stuck in one poll.
    /// Hints only; see [`Queues::steal_lifo`].
    pub fn lifo_state(&self, victim: usize) -> (bool, u32) {
        let remote = &self.remotes[victim];
        (remote.is_occupied(), remote.puts())
    }

    /// Take the task in worker `victim`'s LIFO slot. Meant for a worker
    /// found stuck ([`Queues::lifo_state`]): taken from a worker that is
    /// about to run it, the task loses the warm cache the slot exists for.
    pub fn steal_lifo(&self, victim: usize) -> Option<Task> {
        self.remotes[victim].take()
    }

    /// How many tasks the injector holds (a snapshot, for metrics).
    pub fn remote_len(&self) -> usize {
        self.injector.len()
    }

    /// How many tasks worker `worker`'s deque holds, its LIFO slot
    /// excluded (a snapshot, for metrics).
    ///
    /// # Panics
    /// If `worker` is not below [`Queues::workers`].
    pub fn local_len(&self, worker: usize) -> usize {
        self.stealers[worker].len()
    }

    /// How many workers these queues serve.
    pub fn workers(&self) -> usize {
        self.stealers.len()
    }

    /// Take one task from the injector.
    pub fn pop_remote(&self) -> Option<Task> {
        loop {
            match self.injector.steal() {
                Steal::Success(t) => return Some(t),
                Steal::Empty => return None,
                Steal::Retry => {}
            }
        }
    }
}

impl fmt::Debug for Queues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Queues")
            .field("injector_len", &self.injector.len())
            .field("workers", &self.stealers.len())
            .field("global_queue_interval", &self.global_queue_interval)
            .finish()
    }
}

/// One worker's own queues: its deque and its LIFO slot. Not `Sync`: only
/// the owning worker thread uses it (others reach the deque through its
/// stealer and the slot through [`Queues::steal_lifo`]).
pub struct Local {
    index: usize,
    deque: Worker<Task>,
    /// The LIFO slot and its put count (`lifo`).
    remote: Arc<Remote>,
    lifo_polls: Cell<u32>,
    tick: Cell<u32>,
    /// Picks that did not take the LIFO slot's task (`queue_picks`).
    queue_picks: Cell<u32>,
    rng: Cell<u64>,
}

impl Local {
    /// This worker's index.
    pub fn index(&self) -> usize {
        self.index
    }

    /// Ticks so far (one per [`Local::next_task`] call).
    pub fn tick(&self) -> u32 {
        self.tick.get()
    }

    /// Picks so far that did not take the LIFO slot's task: the pool
    /// turns its reactor every `event_interval` of these, as tokio does
    /// (its LIFO polls run inside the poll that slotted them, no tick of
    /// their own), so that message passing, where most polls are LIFO
    /// picks, does not turn it three times as often as other work. The
    /// injector check keeps counting every pick ([`Local::tick`]).
    pub fn queue_picks(&self) -> u32 {
        self.queue_picks.get()
    }

    /// Queue a task at the back of this worker's deque (yielding, or
    /// queued outside a poll).
    pub fn push(&self, task: Task) {
        self.deque.push(task);
    }

    /// Put a task woken or spawned by the running task in the LIFO slot,
    /// so it runs next; a task already there moves to the back of the deque.
    /// Returns whether one did (the deque gained a task others may steal).
    pub fn push_lifo(&self, task: Task) -> bool {
        match self.remote.put(task) {
            Some(prev) => {
                self.deque.push(prev);
                true
            }
            None => false,
        }
    }

    /// How many tasks this worker's deque holds (the LIFO slot excluded).
    pub fn len(&self) -> usize {
        self.deque.len()
    }

    /// Whether the deque is empty (the LIFO slot excluded).
    pub fn is_empty(&self) -> bool {
        self.deque.is_empty()
    }

    /// Whether this worker holds tasks others could steal.
    pub fn has_stealable(&self) -> bool {
        !self.deque.is_empty()
    }

    /// The next task to run, in the order of the crate docs (without
    /// stealing). Advances the tick.
    pub fn next_task(&self, queues: &Queues) -> Option<Task> {
        let (task, from_slot) = self.pick(queues);
        if task.is_some() && !from_slot {
            self.queue_picks.set(self.queue_picks.get().wrapping_add(1));
        }
        task
    }

    /// `next_task`'s choice, and whether it is the LIFO slot's task.
    fn pick(&self, queues: &Queues) -> (Option<Task>, bool) {
        let tick = self.tick.get().wrapping_add(1);
        self.tick.set(tick);
        if tick.is_multiple_of(queues.global_queue_interval) {
            // A batch, not one task: a worker whose own queue never empties
            // would otherwise serve the injector one task per interval
            // (tokio's spawn_many_remote_busy2 workload in
            // benches/rt_multi_threaded.rs; README.md has the figures).
            if let Some(task) = self.injector_batch(queues) {
                self.lifo_polls.set(0);
                return (Some(task), false);
            }
        }
        if let Some(task) = self.remote.take() {
            let polls = self.lifo_polls.get();
            if polls < MAX_LIFO_POLLS {
                self.lifo_polls.set(polls + 1);
                return (Some(task), true);
            }
            // The slot has won too often in a row: queue it behind the rest.
            self.deque.push(task);
        }
        self.lifo_polls.set(0);
        if let Some(task) = self.deque.pop() {
            return (Some(task), false);
        }
        (self.injector_batch(queues), false)
    }

    /// Take half of a random victim's deque (returning one task and keeping
    /// the rest here), then a batch from the injector.
    pub fn steal(&self, queues: &Queues) -> Option<Task> {
        self.steal_counted(queues, &mut |_| {})
    }

    /// [`Local::steal`], telling `stolen` how many tasks it took from a
    /// sibling (the one returned included) when it took any; tasks from
    /// the injector are not steals.
    pub fn steal_counted(&self, queues: &Queues, stolen: &mut dyn FnMut(usize)) -> Option<Task> {
        let n = queues.stealers.len();
        let start = self.next_rand() as usize % n;
        for i in 0..n {
            let victim = (start + i) % n;
            if victim == self.index {
                continue;
            }
            let before = self.deque.len();
            loop {
                match queues.stealers[victim].steal_batch_and_pop(&self.deque) {
                    Steal::Success(task) => {
                        // Only this worker pushes to its deque, so what it
                        // gained is what it took (siblings may steal some
                        // back meanwhile: then fewer are counted).
                        stolen(1 + self.deque.len().saturating_sub(before));
                        return Some(task);
                    }
                    Steal::Empty => break,
                    Steal::Retry => {}
                }
            }
        }
        self.injector_batch(queues)
    }

    /// Move a batch from the injector to the deque, returning one task.
    fn injector_batch(&self, queues: &Queues) -> Option<Task> {
        loop {
            match queues.injector.steal_batch_and_pop(&self.deque) {
                Steal::Success(task) => return Some(task),
                Steal::Empty => return None,
                Steal::Retry => {}
            }
        }
    }

    /// Remove every task this worker holds (at shutdown).
    pub fn drain(&self) -> Vec<Task> {
        let mut out: Vec<Task> = self.remote.take().into_iter().collect();
        while let Some(t) = self.deque.pop() {
            out.push(t);
        }
        out
    }

    /// xorshift64*: cheap, good enough to spread victims.
    fn next_rand(&self) -> u64 {
        let mut x = self.rng.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

impl fmt::Debug for Local {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Local")
            .field("index", &self.index)
            .field("tick", &self.tick.get())
            .field("deque_len", &self.deque.len())
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    use std::sync::Arc;

    struct Noop;
    impl rt_task::Schedule for Noop {
        fn schedule(&self, _: Task, _: bool) {}
    }

    /// A task that records its label in `log` when run.
    fn task(log: &Arc<std::sync::Mutex<Vec<usize>>>, label: usize) -> Task {
        let log = log.clone();
        let (task, _handle) = rt_task::unowned(
            async move {
                log.lock().unwrap().push(label);
            },
            Noop,
        );
        task
    }

    #[test]
    fn injector_checked_first_every_interval() {
        let (queues, locals) = Queues::new(1, 4);
        let log = Arc::default();
        for i in 0..10 {
            locals[0].push(task(&log, i));
        }
        queues.push_remote(task(&log, 100)).unwrap();
        for _ in 0..4 {
            locals[0].next_task(&queues).unwrap().run();
        }
        // Ticks 1..3 take local work; tick 4 takes the injected task first.
        assert_eq!(*log.lock().unwrap(), vec![0, 1, 2, 100]);
    }

    #[test]
    fn lifo_slot_runs_next_but_is_capped() {
        let (queues, locals) = Queues::new(1, 1_000);
        let log = Arc::default();
        locals[0].push(task(&log, 1));
        for round in 0..5 {
            let _ = locals[0].push_lifo(task(&log, 10 + round));
            locals[0].next_task(&queues).unwrap().run();
        }
        // Three LIFO picks in a row; the fourth LIFO task yields to the
        // deque's head (task 1), then the LIFO wins again.
        assert_eq!(*log.lock().unwrap(), vec![10, 11, 12, 1, 14]);
    }

    #[test]
    fn lifo_picks_are_not_queue_picks() {
        let (queues, locals) = Queues::new(1, 1_000);
        let log = Arc::default();
        locals[0].push(task(&log, 1));
        for round in 0..3 {
            let _ = locals[0].push_lifo(task(&log, 10 + round));
            locals[0].next_task(&queues).unwrap().run();
        }
        assert_eq!((locals[0].tick(), locals[0].queue_picks()), (3, 0));
        locals[0].next_task(&queues).unwrap().run();
        assert!(locals[0].next_task(&queues).is_none());
        assert_eq!((locals[0].tick(), locals[0].queue_picks()), (5, 1));
        assert_eq!(*log.lock().unwrap(), vec![10, 11, 12, 1]);
    }

    #[test]
    fn steal_takes_about_half() {
        let (queues, locals) = Queues::new(2, 61);
        let log = Arc::default();
        for i in 0..10 {
            locals[0].push(task(&log, i));
        }
        let stolen = locals[1].steal(&queues).expect("work to steal");
        stolen.run();
        let left_behind = locals[0].drain().len();
        let thief_kept = locals[1].drain().len();
        assert_eq!(left_behind + thief_kept + 1, 10);
        assert_eq!(left_behind, 5, "half (rounded down) stays with the victim");
    }

    #[test]
    fn remote_push_is_visible_to_has_work() {
        let (queues, locals) = Queues::new(2, 61);
        assert!(!queues.has_work());
        let ran = Arc::new(AtomicUsize::new(0));
        let r = ran.clone();
        let (t, _h) = rt_task::unowned(
            async move {
                r.fetch_add(1, SeqCst);
            },
            Noop,
        );
        queues.push_remote(t).unwrap();
        assert!(queues.has_work());
        locals[1].next_task(&queues).unwrap().run();
        assert_eq!(ran.load(SeqCst), 1);
        assert!(!queues.has_work());
    }

    #[test]
    fn a_closed_injector_hands_pushes_back_and_keeps_nothing() {
        let (queues, _locals) = Queues::new(2, 61);
        let log = Arc::default();
        queues.push_remote(task(&log, 1)).unwrap();
        assert_eq!(
            queues.close_remote().len(),
            1,
            "close takes what was queued"
        );
        assert!(queues.is_remote_closed());
        assert!(queues.push_remote(task(&log, 2)).is_err(), "handed back");
        assert!(!queues.has_work());
        assert!(queues.close_remote().is_empty());
    }

    #[test]
    fn pushes_racing_a_close_are_either_drained_or_handed_back() {
        const PUSHERS: usize = 4;
        const PUSHES: usize = 2_000;
        for _ in 0..20 {
            let (queues, _locals) = Queues::new(1, 61);
            let queues = Arc::new(queues);
            let log = Arc::default();
            let handed_back = Arc::new(AtomicUsize::new(0));
            let pushers: Vec<_> = (0..PUSHERS)
                .map(|_| {
                    let (queues, log, back) =
                        (queues.clone(), Arc::clone(&log), handed_back.clone());
                    std::thread::spawn(move || {
                        for i in 0..PUSHES {
                            if queues.push_remote(task(&log, i)).is_err() {
                                back.fetch_add(1, SeqCst);
                            }
                        }
                    })
                })
                .collect();
            std::thread::yield_now();
            let drained = queues.close_remote().len();
            for p in pushers {
                p.join().unwrap();
            }
            assert_eq!(drained + handed_back.load(SeqCst), PUSHERS * PUSHES);
            assert!(
                queues.pop_remote().is_none(),
                "a push got in after the close"
            );
        }
    }
}
