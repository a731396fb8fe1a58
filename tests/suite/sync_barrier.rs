//! `rt::sync::Barrier`: nobody passes until `n` have arrived, then all do;
//! exactly one of each group is the leader; the barrier is reusable.

use crate::support;
use crate::sync_support;

use std::sync::Arc;
use std::time::Duration;

use rt::sync::Barrier;
use support::{runtime, watchdog};
use sync_support::Manual;

/// Bound on each test that runs a runtime.
const LIMIT: Duration = Duration::from_secs(30);
/// Group size and rounds of the runtime test.
const N: usize = 4;
const ROUNDS: usize = 50;

#[test]
fn nobody_passes_until_n_arrive() {
    let barrier = Barrier::new(3);
    let mut a = Manual::new(barrier.wait());
    let mut b = Manual::new(barrier.wait());
    a.pending();
    b.pending();
    let mut c = Manual::new(barrier.wait());
    assert!(c.ready().is_leader(), "the last to arrive leads");
    assert_eq!((a.wakes(), b.wakes()), (1, 1));
    assert!(!a.ready().is_leader());
    assert!(!b.ready().is_leader());
}

#[test]
fn a_barrier_of_zero_or_one_never_waits() {
    for n in [0, 1] {
        let barrier = Barrier::new(n);
        for _ in 0..3 {
            assert!(Manual::new(barrier.wait()).ready().is_leader());
        }
    }
}

#[test]
fn exactly_one_leader_per_generation() {
    let leaders = watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            let barrier = Arc::new(Barrier::new(N));
            let tasks: Vec<_> = (0..N)
                .map(|_| {
                    let barrier = barrier.clone();
                    rt::spawn(async move {
                        let mut led = Vec::with_capacity(ROUNDS);
                        for _ in 0..ROUNDS {
                            led.push(barrier.wait().await.is_leader());
                        }
                        led
                    })
                })
                .collect();
            let mut leaders = vec![0; ROUNDS];
            for task in tasks {
                for (round, led) in task.await.unwrap().into_iter().enumerate() {
                    leaders[round] += usize::from(led);
                }
            }
            leaders
        })
    });
    assert!(
        leaders.iter().all(|&l| l == 1),
        "leaders per round: {leaders:?}"
    );
}
