//! The runtime's drivers, composed in one place: the I/O driver
//! (`rt_reactor::Reactor`) with the timer driver (`rt_time::Timers`)
//! stacked on it, as tokio's `runtime/driver.rs` stacks its time driver on
//! its I/O driver. An idle worker blocks in them instead of its condvar
//! when it wins the reactor's try-lock (see `park`).
//!
//! One turn: take the reactor's lock; wait in the poller for at most the
//! caller's timeout and the nearest timer's, whichever is shorter; wake the
//! ready sources' tasks; fire the due timers; release the lock. A timer
//! armed earlier than the wait's deadline notifies the reactor (the
//! `unpark` given to `Timers::new`), which ends the wait.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::task::Waker;
use std::time::Duration;

use parking_lot::Mutex;
use rt_reactor::Reactor;
use rt_time::Timers;

use crate::park::Driver;

/// The I/O and timer drivers of one runtime.
#[derive(Debug)]
pub(crate) struct Drivers {
    pub(crate) io: Arc<Reactor>,
    pub(crate) time: Arc<Timers>,
    /// The due timers' wakers, reused from turn to turn. Only the holder of
    /// the reactor's lock touches it, so its own lock is never contended.
    fired: Mutex<Vec<Waker>>,
    /// Turns so far (see `Driver::turns`); written by the holder only.
    turns: AtomicU64,
    /// Tasks the I/O driver has woken (`RuntimeMetrics::io_driver_ready_count`);
    /// written by the holder only.
    io_ready: AtomicU64,
}

impl Drivers {
    /// A reactor and a timer driver that notifies it, with one timer
    /// shard per worker (`workers`).
    pub(crate) fn new(workers: usize) -> io::Result<Drivers> {
        let io = Arc::new(Reactor::new()?);
        let time = {
            let io = io.clone();
            Arc::new(Timers::with_shards(workers, move || io.notify()))
        };
        Ok(Drivers {
            io,
            time,
            fired: Mutex::new(Vec::new()),
            turns: AtomicU64::new(0),
            io_ready: AtomicU64::new(0),
        })
    }

    /// How many tasks the I/O driver has woken so far.
    pub(crate) fn io_ready_count(&self) -> u64 {
        // Relaxed: a statistic (see the store in `try_turn`).
        self.io_ready.load(Relaxed)
    }

    /// The runtime stopped: every task waiting on I/O or a timer is woken
    /// and finds its resource shut down.
    pub(crate) fn shutdown(&self) {
        self.io.shutdown();
        self.time.shutdown();
    }
}

impl Driver for Drivers {
    fn try_turn(
        &self,
        timeout: Option<Duration>,
        arm: &mut dyn FnMut(&mut Option<Duration>) -> bool,
    ) -> Option<usize> {
        // The lock is released when this returns, before the worker polls
        // any task it woke: a task that blocks its thread never holds the
        // reactor, so another idle worker can take it.
        let mut lock = self.io.try_lock()?;
        // Relaxed, and a load and a store (only the holder writes): a hint
        // for sleepers, never used to reach memory.
        self.turns
            .store(self.turns.load(Relaxed).wrapping_add(1), Relaxed);
        let mut timeout = timeout;
        if !arm(&mut timeout) {
            return Some(0);
        }
        // `next_timeout` records the deadline this wait ends by, so that a
        // timer armed earlier from now on notifies the reactor.
        let timeout = match (timeout, self.time.next_timeout()) {
            (Some(caller), Some(timer)) => Some(caller.min(timer)),
            (caller, timer) => caller.or(timer),
        };
        let mut woken = lock.turn(timeout);
        // Relaxed, a load and a store: only the lock's holder writes it,
        // and readers (metrics) synchronise on nothing through it.
        self.io_ready.store(
            self.io_ready.load(Relaxed).wrapping_add(woken as u64),
            Relaxed,
        );
        let mut fired = self.fired.lock();
        self.time.process(&mut fired);
        woken += fired.len();
        // A waker is user code: contained, as the reactor's own.
        rt_core::wake_all_contained(fired.drain(..));
        Some(woken)
    }

    fn unpark(&self) {
        self.io.notify();
    }

    fn turns(&self) -> u64 {
        self.turns.load(Relaxed)
    }
}
