//! The sockets' plain readiness waits (`writable`, `readable`, `ready`)
//! take no unit of the task's cooperative budget, as tokio's: a task may
//! ask "writable?" any number of times in one poll and get `Ready` each
//! time the socket is, while the operations themselves (here `poll_write`
//! through the io traits) still take one each, so a task writing forever
//! still yields.

use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::task::Poll;
use std::time::Duration;

use crate::io_support::{runtime, watchdog};
use rt::io::{AsyncWrite, Interest};
use rt::net::UnixStream;

/// Bound on each test (they take milliseconds when rt is right).
const LIMIT: Duration = Duration::from_secs(60);

/// More than the budget's 128 units.
const ROUNDS: usize = 1_000;

#[test]
fn readiness_waits_in_one_poll_are_all_ready() {
    watchdog(LIMIT, || {
        runtime(1).block_on(async {
            let (a, _b) = UnixStream::pair().unwrap();
            a.writable().await.unwrap();
            let task = rt::spawn(async move {
                // All in one poll of this task.
                poll_fn(|cx| {
                    for round in 0..ROUNDS {
                        let writable = pin!(a.writable());
                        assert!(
                            matches!(writable.poll(cx), Poll::Ready(Ok(()))),
                            "writable() pending at round {round}"
                        );
                        let ready = pin!(a.ready(Interest::WRITABLE));
                        assert!(
                            matches!(ready.poll(cx), Poll::Ready(Ok(r)) if r.is_writable()),
                            "ready() pending at round {round}"
                        );
                    }
                    Poll::Ready(())
                })
                .await;
            });
            task.await.unwrap();
        });
    });
}

#[test]
fn writes_through_the_io_traits_still_take_the_budget() {
    watchdog(LIMIT, || {
        runtime(1).block_on(async {
            let (mut a, _b) = UnixStream::pair().unwrap();
            a.writable().await.unwrap();
            let task = rt::spawn(async move {
                poll_fn(|cx| {
                    // One byte each: the socket's buffer holds them all, so
                    // only the budget can make a write pending.
                    for round in 0..ROUNDS {
                        if Pin::new(&mut a).poll_write(cx, b"x").is_pending() {
                            return Poll::Ready(round);
                        }
                    }
                    Poll::Ready(ROUNDS)
                })
                .await
            });
            let writes = task.await.unwrap();
            assert!(
                writes <= 128,
                "{writes} writes in one poll: no budget taken"
            );
        });
    });
}
