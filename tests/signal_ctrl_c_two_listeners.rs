//! Two `ctrl_c` listeners, in two tasks, both complete on one SIGINT sent
//! to the process. Its own binary: SIGINT's handler is process-wide.

#[path = "suite/support/mod.rs"]
mod support;

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use support::{runtime, watchdog};

#[test]
fn both_ctrl_c_listeners_fire_on_one_sigint() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let listening = Arc::new(AtomicUsize::new(0));
            let tasks: Vec<_> = (0..2)
                .map(|_| {
                    let listening = listening.clone();
                    rt::spawn(async move {
                        let mut ctrl_c = pin!(rt::signal::ctrl_c());
                        // One poll makes the listener (before the signal).
                        poll_fn(|cx| {
                            assert!(ctrl_c.as_mut().poll(cx).is_pending());
                            Poll::Ready(())
                        })
                        .await;
                        listening.fetch_add(1, Ordering::SeqCst);
                        ctrl_c.await.unwrap();
                    })
                })
                .collect();
            while listening.load(Ordering::SeqCst) < 2 {
                rt::time::sleep(Duration::from_millis(1)).await;
            }
            // SAFETY: `kill` with our own pid and a valid signal number.
            assert_eq!(unsafe { libc::kill(libc::getpid(), libc::SIGINT) }, 0);
            for task in tasks {
                task.await.unwrap();
            }
        })
    });
}
