//! `rt::try_join!`: `Ok` with every output once all succeed; the first
//! `Err` ends the wait and the unfinished futures are dropped, not polled
//! again.

use crate::support;

use std::future::{pending, ready};

use support::{Counted, Counter};

#[rt::test]
async fn all_ok_gives_the_tuple_in_order() {
    let joined: Result<(u32, &str, ()), String> = rt::try_join!(
        async {
            rt::task::yield_now().await;
            Ok(1)
        },
        ready(Ok("two")),
        async { Ok(()) },
    );
    assert_eq!(joined, Ok((1, "two", ())));
}

#[rt::test]
async fn the_first_err_returns_at_once_and_drops_the_others() {
    let (polls, drops) = (Counter::new(), Counter::new());
    let forever = Counted::new(pending::<Result<u32, &str>>(), &polls, &drops);
    let failed = rt::try_join!(forever, async {
        rt::task::yield_now().await;
        Err::<u32, _>("boom")
    });
    assert_eq!(failed, Err("boom"));
    assert_eq!(drops.get(), 1, "the pending future was dropped");
}

#[rt::test]
async fn after_an_err_no_other_future_is_polled() {
    let polls = Counter::new();
    let failed = rt::try_join!(
        biased;
        ready(Err::<(), _>(7)),
        Counted::new(ready(Ok::<(), i32>(())), &polls, &Counter::new()),
    );
    assert_eq!(failed, Err(7));
    assert_eq!(polls.get(), 0, "short-circuited before the second future");
}

#[rt::test]
async fn a_future_finished_ok_is_dropped_at_once() {
    let drops = Counter::new();
    let drops_seen = drops.clone();
    // Ready at its first poll; its drop is counted.
    let finished = Counted::new(ready(Ok(())), &Counter::new(), &drops);
    let joined: Result<((), usize), ()> = rt::try_join!(finished, async move {
        rt::task::yield_now().await;
        Ok(drops_seen.get())
    },);
    assert_eq!(joined, Ok(((), 1)));
}

#[rt::test]
async fn no_future_is_ok_unit() {
    let joined: Result<(), ()> = rt::try_join!();
    assert_eq!(joined, Ok(()));
}

/// The future of an `async` block around `try_join!` is as large as
/// tokio's (its own tests assert these sizes).
#[cfg(target_pointer_width = "64")]
#[test]
fn try_join_keeps_each_future_once() {
    use std::mem::size_of_val;

    fn ok(value: i32) -> Result<i32, ()> {
        Ok(value)
    }

    let one = async {
        let ready1 = ready(ok(0));
        rt::try_join!(ready1)
    };
    assert_eq!(size_of_val(&one), 32);
    let two = async {
        let (ready1, ready2) = (ready(ok(0)), ready(ok(0)));
        rt::try_join!(ready1, ready2)
    };
    assert_eq!(size_of_val(&two), 48);

    let one = async {
        let ready1 = ready(ok(0));
        rt::try_join!(biased; ready1)
    };
    assert_eq!(size_of_val(&one), 24);
    let two = async {
        let (ready1, ready2) = (ready(ok(0)), ready(ok(0)));
        rt::try_join!(biased; ready1, ready2)
    };
    assert_eq!(size_of_val(&two), 40);
}
