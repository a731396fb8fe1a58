//! Other platforms: the owner waits in `polling::Poller::wait`, and
//! `notify` is `Poller::notify`.

use std::io;
use std::num::NonZeroUsize;
use std::os::fd::RawFd;
use std::time::Duration;

use polling::{Event, Events, PollMode, Poller};

use super::source::{READABLE, WRITABLE};

/// Whether events say when the read half closed: no, polling does not
/// report a peer's FIN apart from readability.
pub(super) const REPORTS_READ_CLOSED: bool = false;

/// Adds `fd` to the poller edge-triggered for both directions.
///
/// # Safety
///
/// `fd` must be open; it must be deleted from the poller before it closes.
pub(super) unsafe fn add_edge(poller: &Poller, fd: RawFd, key: usize) -> io::Result<()> {
    // SAFETY: forwarded from this function's contract.
    unsafe { poller.add_with_mode(fd, Event::all(key), PollMode::Edge) }
}

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
        mut f: impl FnMut(usize, usize),
    ) {
        self.events.clear();
        // An error (EINTR is retried inside polling) means a broken poller;
        // there is nothing to dispatch, and the caller still runs its timers.
        let _ = poller.wait(&mut self.events, timeout);
        for event in self.events.iter() {
            let mut bits = 0;
            if event.readable {
                bits |= READABLE;
            }
            if event.writable {
                bits |= WRITABLE;
            }
            f(event.key, bits);
        }
    }
}
