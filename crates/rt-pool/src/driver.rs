//! The runtime's driver: the reactor, which an idle worker blocks in
//! instead of its condvar when it wins the reactor's try-lock (see `park`).

use std::sync::Arc;
use std::time::Duration;

use rt_reactor::Reactor;

use crate::park::Driver;

impl Driver for Reactor {
    fn try_turn(&self, timeout: Option<Duration>, arm: &mut dyn FnMut() -> bool) -> Option<usize> {
        // The lock is released when `turn` returns, before the worker polls
        // any task it woke: a task that blocks its thread never holds the
        // reactor, so another idle worker can take it.
        let mut lock = self.try_lock()?;
        if !arm() {
            return Some(0);
        }
        Some(lock.turn(timeout))
    }

    fn unpark(&self) {
        self.notify();
    }
}

/// The driver of a reactor, as the parkers see it.
pub(crate) fn of(reactor: &Arc<Reactor>) -> Arc<dyn Driver> {
    reactor.clone()
}
