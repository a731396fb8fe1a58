//! `block_on` polls its future inside a fresh cooperative budget, as a
//! task's poll is, on both runtime flavors and through `Handle::block_on`:
//! 128 ready operations in one poll use it up.

use crate::support;

use std::time::Duration;

use rt::runtime::{Builder, Runtime};
use rt::task::coop;
use support::watchdog;

/// Bound on each test.
const LIMIT: Duration = Duration::from_secs(30);
/// tokio's budget per poll.
const BUDGET: usize = 128;

/// Uses the whole budget in one poll; returns whether any was left after
/// each step (`true` for the first 128, then `false`).
async fn use_it_up() -> (bool, bool) {
    for _ in 0..BUDGET - 1 {
        coop::consume_budget().await;
    }
    let before_last = coop::has_budget_remaining();
    coop::consume_budget().await;
    (before_last, coop::has_budget_remaining())
}

fn check(rt: &Runtime) {
    assert_eq!(rt.block_on(use_it_up()), (true, false));
    // A fresh budget for each poll: the next one starts full again.
    assert!(rt.block_on(async { coop::has_budget_remaining() }));
    let handle = rt.handle().clone();
    let from_thread = std::thread::spawn(move || handle.block_on(use_it_up()));
    assert_eq!(from_thread.join().unwrap(), (true, false));
}

#[test]
fn block_on_is_budgeted_on_the_multi_thread_runtime() {
    watchdog(LIMIT, || {
        check(
            &Builder::new_multi_thread()
                .worker_threads(1)
                .build()
                .unwrap(),
        )
    });
}

#[test]
fn block_on_is_budgeted_on_the_current_thread_runtime() {
    watchdog(LIMIT, || {
        check(&Builder::new_current_thread().build().unwrap())
    });
}

#[test]
fn an_exhausted_block_on_future_is_polled_again() {
    watchdog(LIMIT, || {
        for rt in [
            Builder::new_multi_thread()
                .worker_threads(1)
                .build()
                .unwrap(),
            Builder::new_current_thread().build().unwrap(),
        ] {
            // Twice the budget: the future is deferred once and resumed.
            rt.block_on(async {
                for _ in 0..2 * BUDGET {
                    coop::consume_budget().await;
                }
            });
        }
    });
}
