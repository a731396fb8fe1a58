//! `rt::sync::Semaphore` under cancel storms: acquires dropped while
//! queued (some of them partly served), on two workers, while other tasks
//! release. No permit is lost or handed out twice, and every waiter still
//! gets its turn (a lost permit or wake-up would leave tasks waiting, and
//! the watchdog would fire).

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

use crate::support::{runtime, watchdog};
use rt::sync::Semaphore;
use rt::task::yield_now;

/// Bound on the test.
const LIMIT: Duration = Duration::from_secs(60);
/// Tasks, rounds each, and the permits they share.
const TASKS: usize = 8;
const ROUNDS: usize = 500;
const PERMITS: usize = 3;

#[test]
fn cancelled_acquires_lose_and_duplicate_no_permit() {
    let (leftover, acquired, cancelled) = watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            let semaphore = Arc::new(Semaphore::new(PERMITS));
            let in_use = Arc::new(AtomicUsize::new(0));
            let acquired = Arc::new(AtomicUsize::new(0));
            let cancelled = Arc::new(AtomicUsize::new(0));
            let tasks: Vec<_> = (0..TASKS)
                .map(|t| {
                    let semaphore = semaphore.clone();
                    let (in_use, acquired, cancelled) =
                        (in_use.clone(), acquired.clone(), cancelled.clone());
                    rt::spawn(async move {
                        for round in 0..ROUNDS {
                            let n = 1 + (t + round) % PERMITS;
                            // Every other round gives up on the acquire
                            // after a yield: dropped while queued (perhaps
                            // after part of its permits were assigned, or
                            // while a release on the other worker serves it).
                            let permit = if round % 2 == 0 {
                                rt::select! {
                                    permit = semaphore.acquire_many(n as u32) => permit.unwrap(),
                                    () = yield_now() => {
                                        cancelled.fetch_add(1, SeqCst);
                                        continue;
                                    }
                                }
                            } else {
                                semaphore.acquire_many(n as u32).await.unwrap()
                            };
                            acquired.fetch_add(1, SeqCst);
                            let now = in_use.fetch_add(n, SeqCst) + n;
                            assert!(now <= PERMITS, "{now} permits in use");
                            yield_now().await;
                            in_use.fetch_sub(n, SeqCst);
                            drop(permit);
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
            (
                semaphore.available_permits(),
                acquired.load(SeqCst),
                cancelled.load(SeqCst),
            )
        })
    });
    assert_eq!(leftover, PERMITS, "permits lost or duplicated");
    assert_eq!(acquired + cancelled, TASKS * ROUNDS);
    assert!(
        cancelled > 0,
        "no acquire was cancelled: the test tests nothing"
    );
}
