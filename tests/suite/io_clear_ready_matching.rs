//! `AsyncFdReadyGuard::clear_ready_matching(Ready::READABLE)` forgets
//! only readability: a socket seen both readable and writable stays
//! cached writable, so the next `writable()` returns without waiting,
//! while `readable()` waits for a new event from the reactor. Clearing
//! everything would leave a writer waiting for an edge the poller has
//! already reported once and will not report again.

use std::future::Future;
use std::io::Write;
use std::os::unix::net::UnixStream;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::io_support::watchdog;
use rt::io::unix::AsyncFd;
use rt::io::{Interest, Ready};

/// Polls `future` once with a no-op waker.
fn poll_once<F: Future>(future: F) -> Poll<F::Output> {
    pin!(future).poll(&mut Context::from_waker(Waker::noop()))
}

#[test]
fn clearing_readable_keeps_writable_cached() {
    watchdog(Duration::from_secs(60), || {
        let runtime = crate::support::current_thread();
        runtime.block_on(async {
            let (ours, mut peer) = UnixStream::pair().unwrap();
            ours.set_nonblocking(true).unwrap();
            let fd = AsyncFd::new(ours).unwrap();
            peer.write_all(b"x").unwrap();

            // Wait until both are seen (the reactor may report them in
            // one event or two).
            loop {
                let mut guard = fd
                    .ready(Interest::READABLE | Interest::WRITABLE)
                    .await
                    .unwrap();
                let ready = guard.ready();
                if ready.is_readable() && ready.is_writable() {
                    guard.clear_ready_matching(Ready::READABLE);
                    break;
                }
                rt::task::yield_now().await;
            }

            match poll_once(fd.writable()) {
                Poll::Ready(Ok(guard)) => assert!(guard.ready().is_writable()),
                Poll::Ready(Err(err)) => panic!("writable() failed: {err}"),
                Poll::Pending => panic!("writability was cleared with readability"),
            }
            assert!(
                poll_once(fd.readable()).is_pending(),
                "readability survived clear_ready_matching(READABLE)"
            );
        })
    });
}
