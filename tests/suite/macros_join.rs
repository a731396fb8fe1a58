//! `rt::join!`: every future runs to completion, concurrently in one task,
//! and the outputs come back as a tuple in the order written; a finished
//! future is dropped at once; the start rotates (or not, with `biased;`).

use crate::support;

use std::future::ready;
use std::sync::{Arc, Mutex};

use support::{channel, Counted, Counter};

#[rt::test]
async fn outputs_come_back_in_order_while_the_futures_run_concurrently() {
    let (tx, mut rx) = channel::<u32>();
    // Run one after the other, the receiver would wait forever.
    let (received, sent) = rt::join!(async { rx.recv().await }, async {
        rt::task::yield_now().await;
        tx.send(41);
        "sent"
    });
    assert_eq!(received, Some(41));
    assert_eq!(sent, "sent");
}

#[rt::test]
async fn many_futures_each_completing_after_its_own_number_of_yields() {
    async fn after_yields(n: u32) -> u32 {
        for _ in 0..n {
            rt::task::yield_now().await;
        }
        n
    }
    let (a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p) = rt::join!(
        after_yields(15),
        after_yields(14),
        after_yields(13),
        after_yields(12),
        after_yields(11),
        after_yields(10),
        after_yields(9),
        after_yields(8),
        after_yields(7),
        after_yields(6),
        after_yields(5),
        after_yields(4),
        after_yields(3),
        after_yields(2),
        after_yields(1),
        ready(0),
    );
    assert_eq!(
        [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p],
        [15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
    );
}

#[rt::test]
async fn a_finished_future_is_dropped_at_once() {
    let drops = Counter::new();
    let drops_seen = drops.clone();
    // Ready at its first poll; its drop is counted.
    let finished = Counted::new(ready(()), &Counter::new(), &drops);
    let ((), seen) = rt::join!(finished, async move {
        rt::task::yield_now().await;
        drops_seen.get()
    },);
    assert_eq!(seen, 1, "the first future was dropped when it finished");
}

/// Logs `name` on each of its polls, `polls` times, then finishes.
async fn log_polls(name: char, polls: usize, log: Arc<Mutex<Vec<char>>>) {
    for i in 0..polls {
        log.lock().unwrap().push(name);
        if i + 1 < polls {
            rt::task::yield_now().await;
        }
    }
}

#[rt::test]
async fn the_first_future_polled_rotates_from_poll_to_poll() {
    let log = Arc::new(Mutex::new(Vec::new()));
    rt::join!(
        log_polls('a', 4, log.clone()),
        log_polls('b', 4, log.clone()),
    );
    let log = log.lock().unwrap().iter().collect::<String>();
    assert_eq!(log, "abbaabba");
}

#[rt::test]
async fn biased_polls_in_the_order_written() {
    let log = Arc::new(Mutex::new(Vec::new()));
    rt::join!(
        biased;
        log_polls('a', 4, log.clone()),
        log_polls('b', 4, log.clone()),
    );
    let log = log.lock().unwrap().iter().collect::<String>();
    assert_eq!(log, "abababab");
}

#[rt::test]
async fn no_future_joins_to_unit() {
    let () = rt::join!();
    let () = rt::join!(biased;);
    let (only,) = rt::join!(async { 1 });
    assert_eq!(only, 1);
}

/// The future of an `async` block around `join!` is as large as tokio's
/// (its own tests assert these sizes): each future, then its output, is
/// kept once, in one place.
#[cfg(target_pointer_width = "64")]
#[test]
fn join_keeps_each_future_once() {
    use std::mem::size_of_val;

    let one = async {
        let ready1 = ready(0i32);
        rt::join!(ready1)
    };
    assert_eq!(size_of_val(&one), 32);
    let two = async {
        let (ready1, ready2) = (ready(0i32), ready(0i32));
        rt::join!(ready1, ready2)
    };
    assert_eq!(size_of_val(&two), 48);

    // No rotating start to keep.
    let one = async {
        let ready1 = ready(0i32);
        rt::join!(biased; ready1)
    };
    assert_eq!(size_of_val(&one), 24);
    let two = async {
        let (ready1, ready2) = (ready(0i32), ready(0i32));
        rt::join!(biased; ready1, ready2)
    };
    assert_eq!(size_of_val(&two), 40);
}

#[rt::test]
async fn futures_that_borrow_their_own_locals_across_awaits_are_joined() {
    // Self-referential `async` blocks: each must be polled where it lies,
    // and its output kept after it is gone.
    async fn self_borrowing(text: &'static str, yields: usize) -> usize {
        let owned = String::from(text);
        let view = owned.as_str();
        for _ in 0..yields {
            rt::task::yield_now().await;
        }
        view.len()
    }
    let (a, b, c) = rt::join!(
        self_borrowing("a", 3),
        self_borrowing("bb", 1),
        self_borrowing("ccc", 2)
    );
    assert_eq!((a, b, c), (1, 2, 3));
}
