//! `rt::pin!`: pins existing variables or new `let`s in place, so a future
//! that is not `Unpin` can be polled by `&mut` and keeps its state.

use std::future::{poll_fn, Future};
use std::task::Poll;

#[rt::test]
async fn pins_existing_variables_that_keep_their_state_across_polls() {
    let first = async {
        rt::task::yield_now().await;
        1
    };
    let second = async { 2 };
    rt::pin!(first, second);
    // Poll by hand: once pending, then ready, the same future both times.
    let mut polls = 0;
    let out = poll_fn(|cx| {
        polls += 1;
        first.as_mut().poll(cx)
    })
    .await;
    assert_eq!((out, polls), (1, 2));
    assert_eq!((&mut second).await, 2);
}

#[rt::test]
async fn pins_new_lets() {
    rt::pin! {
        let a = async { 3 };
        let b = async { 4 };
    }
    let sum = poll_fn(|cx| match (a.as_mut().poll(cx), b.as_mut().poll(cx)) {
        (Poll::Ready(a), Poll::Ready(b)) => Poll::Ready(a + b),
        _ => Poll::Pending,
    })
    .await;
    assert_eq!(sum, 7);
}

#[rt::test]
async fn a_trailing_comma_is_accepted() {
    let only = async { 5 };
    rt::pin!(only,);
    assert_eq!(only.await, 5);
}
