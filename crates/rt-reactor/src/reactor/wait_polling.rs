//! Other platforms: the owner waits in `polling::Poller::wait`, and
//! `notify` is `Poller::notify`.

use std::io;
use std::num::NonZeroUsize;
use std::time::Duration;

use polling::{Events, Poller};

/// Wakes the owner through `Poller::notify`.
pub(super) struct Notifier;

/// The owner's event buffer.
pub(super) struct Waiter {
    events: Events,
}

impl Notifier {
    pub(super) fn new(_poller: &Poller) -> io::Result<Notifier> {
        Ok(Notifier)
    }

    pub(super) fn notify(&self, poller: &Poller) {
        // Only fails if the notifier's write fails, far from any overflow.
        let _ = poller.notify();
    }
}

impl Waiter {
    pub(super) fn new(capacity: usize) -> Waiter {
        let capacity = NonZeroUsize::new(capacity).expect("nonzero capacity");
        Waiter {
            events: Events::with_capacity(capacity),
        }
    }

    pub(super) fn wait(
        &mut self,
        poller: &Poller,
        _notifier: &Notifier,
        timeout: Option<Duration>,
        mut f: impl FnMut(usize, bool, bool),
    ) {
        self.events.clear();
        // An error (EINTR is retried inside polling) means a broken poller;
        // there is nothing to dispatch, and the caller still runs its timers.
        let _ = poller.wait(&mut self.events, timeout);
        for event in self.events.iter() {
            f(event.key, event.readable, event.writable);
        }
    }
}
