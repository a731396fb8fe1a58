//! The driver side: one dispatcher per runtime, a duplicate of the
//! self-pipe's read end registered on that runtime's reactor.
//!
//! The dispatcher is its own waker. It polls the pipe's readability with a
//! waker made from itself, so when the reactor reports the pipe readable,
//! the reactor's turn calls [`Dispatcher::wake`], which drains the pipe,
//! delivers the pending signals ([`dispatch_pending`]) and polls again to
//! leave its waker for the next byte. No task and no thread: the reactor
//! wakes the listeners' tasks directly. (The reactor wakes wakers after
//! releasing its locks, so this re-entry is allowed: see rt-reactor's
//! `turn`.)
//!
//! When its runtime shuts down, the reactor wakes every waker with its
//! shutdown error; the dispatcher then drops its source, and the next
//! listener made on another runtime makes that runtime's own dispatcher.

use std::future::{poll_fn, Future};
use std::io::{self, Read};
use std::os::unix::net::UnixStream;
use std::pin::pin;
// std's `Mutex`, not the loom shim's: these are process-wide registries
// (one in a static), not a modelled protocol; loom's cannot be static.
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::task::{Context, Poll, Wake, Waker};

use rt_reactor::{Async, Reactor};

use crate::registry::{dispatch_pending, globals};

/// One runtime's dispatcher.
#[derive(Debug)]
struct Dispatcher {
    /// The reactor the pipe is registered on (identity only).
    reactor: Weak<Reactor>,
    /// The registered read end; `None` once its runtime shut down.
    pipe: Mutex<Option<Async<UnixStream>>>,
}

/// Every dispatcher made so far that is still alive.
static DISPATCHERS: Mutex<Vec<Arc<Dispatcher>>> = Mutex::new(Vec::new());

/// Makes sure the current runtime has a dispatcher.
///
/// # Panics
///
/// Outside a runtime, as tokio's `signal` (the reactor's message).
#[track_caller]
pub(crate) fn ensure_dispatcher() -> io::Result<()> {
    dispatcher_for(Reactor::current())
}

/// [`ensure_dispatcher`] when this thread is in a runtime, else nothing:
/// for a listener waiting on a runtime other than the one it was made on
/// (that one may be gone, and with it the only dispatcher). Best effort:
/// a dispatcher that cannot be made (no descriptor left, a runtime shut
/// down) leaves delivery to the others.
pub(crate) fn ensure_dispatcher_if_in_runtime() {
    if let Some(reactor) = Reactor::try_current() {
        let _ = dispatcher_for(reactor);
    }
}

fn dispatcher_for(reactor: Arc<Reactor>) -> io::Result<()> {
    let dispatcher = {
        let mut all = lock(&DISPATCHERS);
        all.retain(|d| lock(&d.pipe).is_some());
        if all
            .iter()
            .any(|d| std::ptr::eq(d.reactor.as_ptr(), Arc::as_ptr(&reactor)))
        {
            return Ok(());
        }
        if reactor.is_shut_down() {
            return Err(rt_reactor::shutdown_error());
        }
        // `Async::new` registers with the current thread's reactor, which
        // is `reactor`.
        let pipe = Async::new(globals().read_end_dup()?)?;
        let dispatcher = Arc::new(Dispatcher {
            reactor: Arc::downgrade(&reactor),
            pipe: Mutex::new(Some(pipe)),
        });
        all.push(dispatcher.clone());
        dispatcher
    };
    // The first poll drains whatever is waiting and leaves the waker.
    dispatcher.poll();
    Ok(())
}

impl Dispatcher {
    /// Drains the pipe, delivers, and leaves `self` as the pipe's waker.
    fn poll(self: &Arc<Self>) {
        let waker = Waker::from(self.clone());
        let mut cx = Context::from_waker(&waker);
        {
            let mut guard = lock(&self.pipe);
            let Some(pipe) = guard.as_ref() else {
                return;
            };
            // The operation always ends in `WouldBlock` (after draining), so
            // the poll always leaves the waker; it is Ready only with an
            // error. Unconstrained: this runs inside the reactor's turn or a
            // listener's poll, and must neither take a task's budget nor be
            // deferred.
            let drained = rt_core::coop::unconstrained(poll_fn(|cx| {
                pipe.poll_read_with(cx, |mut stream| {
                    let mut buf = [0u8; 128];
                    loop {
                        match stream.read(&mut buf) {
                            Ok(0) => break,
                            Ok(_) => {}
                            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                            Err(_) => break,
                        }
                    }
                    Err::<(), _>(io::ErrorKind::WouldBlock.into())
                })
            }));
            if let Poll::Ready(Err(_)) = pin!(drained).poll(&mut cx) {
                // The runtime shut down: deregister (the reactor's locks
                // are released while wakers run) and let a later listener
                // on another runtime make its own dispatcher.
                *guard = None;
            }
        }
        // Delivered with no lock of ours held: a listener's waker may poll
        // inline (a dropped child's orphan does) and reach `dispatcher_for`,
        // which locks every dispatcher's pipe. The handler marks a signal
        // pending before it writes the pipe, so whatever the drain above
        // consumed is delivered here; a signal after it writes the pipe
        // again and wakes this dispatcher once more.
        dispatch_pending(globals());
    }
}

/// Locks `mutex`; a panic elsewhere leaves nothing half-done here.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Wake for Dispatcher {
    fn wake(self: Arc<Self>) {
        self.poll();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.poll();
    }
}
