//! The utilities that never wait on their own (`repeat`, `sink`, `empty`,
//! an in-memory `duplex`, and `copy` between them) take the task's
//! cooperative budget: a loop over them returns `Pending` once the budget
//! is spent, so a `timeout` around it (whose timer is only checked when the
//! task is polled again) fires. Without the budget these loops never
//! yield and the timeout never fires: the watchdog fails the test.

use crate::support;

use std::time::Duration;

use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::time::timeout;
use support::{runtime, watchdog};

const LIMIT: Duration = Duration::from_secs(60);
const SHORT: Duration = Duration::from_millis(20);

#[test]
fn copy_from_repeat_into_sink_times_out() {
    watchdog(LIMIT, || {
        runtime(1).block_on(async {
            let copy = rt::spawn(async {
                let mut forever = rt::io::repeat(0);
                let mut sink = rt::io::sink();
                timeout(SHORT, rt::io::copy(&mut forever, &mut sink)).await
            });
            assert!(copy.await.unwrap().is_err(), "an endless copy completed?");
        })
    });
}

#[test]
fn a_read_loop_over_empty_times_out() {
    watchdog(LIMIT, || {
        runtime(1).block_on(async {
            let reads = rt::spawn(async {
                let mut empty = rt::io::empty();
                timeout(SHORT, async {
                    let mut buf = [0; 8];
                    loop {
                        assert_eq!(empty.read(&mut buf).await.unwrap(), 0);
                    }
                })
                .await
            });
            assert!(reads.await.unwrap().is_err());
        })
    });
}

#[test]
fn a_ping_pong_loop_over_duplex_times_out() {
    watchdog(LIMIT, || {
        runtime(1).block_on(async {
            let pings = rt::spawn(async {
                let (mut a, mut b) = rt::io::duplex(64);
                timeout(SHORT, async {
                    let mut buf = [0; 4];
                    loop {
                        a.write_all(b"ping").await.unwrap();
                        b.read_exact(&mut buf).await.unwrap();
                    }
                })
                .await
            });
            assert!(pings.await.unwrap().is_err());
        })
    });
}

#[test]
fn a_loop_of_small_copies_from_memory_times_out() {
    // Neither a byte slice nor a `Vec` takes the budget: only `copy` does.
    watchdog(LIMIT, || {
        runtime(1).block_on(async {
            let copies = rt::spawn(async {
                let mut out = Vec::new();
                timeout(SHORT, async {
                    loop {
                        let mut reader: &[u8] = b"x";
                        rt::io::copy(&mut reader, &mut out).await.unwrap();
                        out.clear();
                    }
                })
                .await
            });
            assert!(copies.await.unwrap().is_err());
        })
    });
}

#[test]
fn copy_yields_to_a_neighbour_task() {
    // The neighbour runs while an endless copy is under way on the same
    // worker: the copy gives the worker back.
    watchdog(LIMIT, || {
        runtime(1).block_on(async {
            let copy = rt::spawn(async {
                let mut forever = rt::io::repeat(1);
                let _ = rt::io::copy(&mut forever, &mut rt::io::sink()).await;
            });
            let neighbour = rt::spawn(async { "ran" });
            assert_eq!(neighbour.await.unwrap(), "ran");
            copy.abort();
        })
    });
}
