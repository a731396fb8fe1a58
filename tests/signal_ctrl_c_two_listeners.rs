//! Two `ctrl_c` listeners both complete on one SIGINT sent to the process.
//! Its own binary: SIGINT's handler is process-wide.

mod support;

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use support::{runtime, watchdog};

#[test]
fn both_ctrl_c_listeners_fire_on_one_sigint() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let mut first = pin!(rt::signal::ctrl_c());
            let mut second = pin!(rt::signal::ctrl_c());
            // One poll each makes the listeners (before the signal).
            poll_fn(|cx| {
                assert!(first.as_mut().poll(cx).is_pending());
                assert!(second.as_mut().poll(cx).is_pending());
                Poll::Ready(())
            })
            .await;
            // SAFETY: `kill` with our own pid and a valid signal number.
            assert_eq!(unsafe { libc::kill(libc::getpid(), libc::SIGINT) }, 0);
            first.await.unwrap();
            second.await.unwrap();
        })
    });
}
