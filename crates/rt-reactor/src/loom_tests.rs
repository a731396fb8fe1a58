//! loom models of a source's readiness protocol (`reactor/source.rs`: the
//! state word `tick | READ_CLOSED | WRITABLE | READABLE`, `set_ready`,
//! `poll_ready`/`poll_wait`, `clear`). Run with
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p rt-reactor --release --lib`.
//!
//! The models call the real `Source` methods in edge mode with no reactor
//! (`reactor: None`: nothing to re-arm). One thread is the reactor: the
//! "kernel" queues bytes (and the peer's FIN) in one atomic word, then the
//! thread calls `set_ready` and wakes the wakers it took, as
//! `ReactorLock::turn` does. The other is a task reading the socket the way
//! `Registration::poll_io_stream` does on Linux (`WouldBlock` and short
//! reads clear), driven by `loom::future::block_on`: a wake-up that is lost
//! leaves it blocked forever, which loom reports as a deadlock.
//!
//! - `no_lost_wake_up_*` (a): a task polls for `Read` while the reactor
//!   delivers a byte: either its poll sees the bit, or the waker it stored
//!   is taken by `set_ready` (the re-check under the per-source mutex). It
//!   always reads the byte. Two starts: not ready, and the optimistic
//!   `READABLE` of a new source (a first `WouldBlock` and `clear`).
//! - `an_edge_during_a_failed_read_is_kept` (b): the task observed
//!   `READABLE` at tick t, its read finds nothing, and meanwhile a byte
//!   arrives with a new edge: its `clear` must fail (the tick moved), so
//!   once the edge is delivered the bit is still set; the task reads the byte.
//! - `data_and_fin_under_one_edge_end_in_eof` (c): one
//!   `set_ready(READABLE | READ_CLOSED)` for data and FIN; the short read's
//!   `clear` keeps `READABLE` (sticky `READ_CLOSED`), so the next
//!   `poll_ready` is `Ready` at once and the task reads end-of-file.
//! - `fin_after_a_short_read_wakes_the_task` (c): data then, in a second
//!   event concurrent with the task's short read and `clear`, the FIN: the
//!   task is woken or sees the bit, and reads end-of-file.
//!
//! Each model was checked against a broken protocol: without the re-check
//! in `poll_wait`, every model deadlocks (a lost wake-up); with a `clear`
//! that ignores the tick (a plain `fetch_and`), (b) fails its assertion and
//! the optimistic (a) and the second (c) deadlock; with a `clear` that
//! ignores `READ_CLOSED`, both (c) fail (the first on its assertion).
//!
//! The models live under `reactor::source` (declared at the end of
//! `source.rs`) so that they reach its private items without widening them.

use std::future::poll_fn;
use std::io;
use std::task::{ready, Context, Poll, Waker};

use loom::future::block_on;
use loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use loom::sync::Arc;
use loom::thread;

use super::{Direction, ReadyEvent, Slot, Source, FLAGS, READABLE, READ_CLOSED};

/// The kernel's word: the peer's FIN is queued (behind the bytes).
const FIN: usize = 1;
/// The kernel's word: one byte queued.
const BYTE: usize = 2;

/// A stream socket in miniature: its receive queue and its source.
struct Socket {
    /// Bytes queued (`BYTE` each) and `FIN`: one word, so that a read sees
    /// the data and the FIN as the kernel would, at one instant. `SeqCst`
    /// throughout: the kernel's queue is behind its own lock.
    kernel: AtomicUsize,
    source: Source,
}

impl Socket {
    fn new(ready: usize) -> Arc<Socket> {
        Arc::new(Socket {
            kernel: AtomicUsize::new(0),
            source: Source::new(-1, 0, ready),
        })
    }

    /// Reactor side: `bytes` (and the FIN if `fin`) arrive, then the poller
    /// reports `ready`; the wakers are woken after `set_ready`, as in `turn`.
    fn deliver(&self, bytes: usize, fin: bool, ready: usize) {
        self.kernel
            .fetch_add(bytes * BYTE + if fin { FIN } else { 0 }, SeqCst);
        let mut wakers = Vec::new();
        self.source.set_ready(ready, None, &mut wakers);
        wakers.into_iter().for_each(Waker::wake);
    }

    /// `read(2)` into a buffer of `len`: data, end-of-file (`Ok(0)`) or
    /// `WouldBlock`.
    fn read(&self, len: usize) -> io::Result<usize> {
        let mut n = 0;
        let before = self
            .kernel
            .fetch_update(SeqCst, SeqCst, |kernel| {
                n = (kernel / BYTE).min(len);
                Some(kernel - n * BYTE)
            })
            .unwrap();
        match n {
            0 if before & FIN == 0 => Err(io::ErrorKind::WouldBlock.into()),
            n => Ok(n),
        }
    }

    /// Task side: `Registration::poll_io_stream` for a read of `len`, where
    /// a short read clears (Linux, edge mode).
    fn poll_read(&self, cx: &mut Context<'_>, len: usize) -> Poll<io::Result<usize>> {
        loop {
            let event = ready!(self.poll_ready(cx))?;
            match self.read(len) {
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => self.source.clear(event),
                Ok(n) if n > 0 && n < len => {
                    event.made_progress();
                    self.source.clear(event);
                    return Poll::Ready(Ok(n));
                }
                result => {
                    event.made_progress();
                    return Poll::Ready(result);
                }
            }
        }
    }

    /// `Registration::poll_ready` for reading, with no reactor.
    fn poll_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<ReadyEvent>> {
        self.source
            .poll_ready(Direction::Read, cx, Slot::Single, None)
    }

    /// Reads until the read of `len` is ready, blocking the loom thread.
    fn read_blocking(&self, len: usize) -> usize {
        block_on(poll_fn(|cx| self.poll_read(cx, len))).unwrap()
    }
}

/// (a) for a source whose readiness word starts as `initial`.
fn no_lost_wake_up(initial: usize) {
    loom::model(move || {
        let socket = Socket::new(initial);
        let s = socket.clone();
        let reactor = thread::spawn(move || s.deliver(1, false, READABLE));
        assert_eq!(socket.read_blocking(1), 1);
        reactor.join().unwrap();
    });
}

#[test]
fn no_lost_wake_up_when_not_ready() {
    no_lost_wake_up(0);
}

#[test]
fn no_lost_wake_up_after_an_optimistic_first_read() {
    no_lost_wake_up(READABLE);
}

#[test]
fn an_edge_during_a_failed_read_is_kept() {
    loom::model(|| {
        let socket = Socket::new(READABLE);
        let s = socket.clone();
        let reactor = thread::spawn(move || s.deliver(1, false, READABLE));

        let mut cx = Context::from_waker(Waker::noop());
        let Poll::Ready(Ok(event)) = socket.poll_ready(&mut cx) else {
            panic!("a source created READABLE is not ready");
        };
        let n = match socket.read(1) {
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                let observed = event.tick;
                socket.source.clear(event);
                // A tick past the observed one is an edge newer than the
                // event: whether it came before or after the clear, its
                // bit must be set now (only this task clears).
                let state = socket.source.state.load(SeqCst);
                if state & !FLAGS != observed {
                    assert!(
                        state & READABLE != 0,
                        "clear lost an edge newer than its event"
                    );
                }
                socket.read_blocking(1)
            }
            result => result.unwrap(),
        };
        assert_eq!(n, 1);
        reactor.join().unwrap();
    });
}

#[test]
fn data_and_fin_under_one_edge_end_in_eof() {
    loom::model(|| {
        let socket = Socket::new(0);
        let s = socket.clone();
        let reactor = thread::spawn(move || s.deliver(1, true, READABLE | READ_CLOSED));
        // Short (1 of 2 bytes): the read clears, but `READ_CLOSED` keeps `R`.
        assert_eq!(socket.read_blocking(2), 1);
        let mut cx = Context::from_waker(Waker::noop());
        assert!(
            socket.poll_ready(&mut cx).is_ready(),
            "a short read's clear hid the FIN that came with the data"
        );
        assert_eq!(socket.read_blocking(2), 0);
        reactor.join().unwrap();
    });
}

#[test]
fn fin_after_a_short_read_wakes_the_task() {
    loom::model(|| {
        let socket = Socket::new(0);
        let s = socket.clone();
        let reactor = thread::spawn(move || {
            s.deliver(1, false, READABLE);
            s.deliver(0, true, READABLE | READ_CLOSED);
        });
        assert_eq!(socket.read_blocking(2), 1);
        assert_eq!(socket.read_blocking(2), 0);
        reactor.join().unwrap();
    });
}
