//! `join!` and `try_join!`: run several futures to completion, concurrently,
//! in the current task.
//!
//! # The expansion
//!
//! The expressions are evaluated in order, into a tuple; then each is
//! turned into a future (`IntoFuture`) and moved into its `MaybeDone` slot
//! (`maybe_done.rs`: the future, then its output, then nothing) in a second
//! tuple, `futs`, where it stays until it is dropped. Only `&mut futs` is
//! kept (crate docs, "Pinning"). One `poll_fn` is awaited; its closure owns
//! `&mut futs` and, unless `biased;`, the next start index (that is all
//! the state the `join!` keeps while it waits). Each poll visits every
//! slot, in two passes: pass 0 from the *start* index to the end, pass 1
//! from the first slot up to the start. The start moves one further on
//! every poll and wraps around (`biased;`: always 0), so under steady load
//! no future is always polled first. A slot whose future is still running
//! polls it in place; one that returns `Ready` is dropped at once, in place
//! (`Pin::set`), its output taking its place. When no slot has a running
//! future left, the outputs are taken out, into the output tuple.
//!
//! `try_join!` differs in one place: an `Err` output is not kept (its slot
//! is emptied) but ends the poll with that error, and the block holding the
//! futures ends, dropping the others.
//!
//! Futures are numbered as in `select!`: a list of `_` tokens, one per
//! earlier future, built while the input is munched (one recursion per
//! future), counts (`__rt_futures_count!`) and destructures the tuples.

/// Waits for several futures to complete, running them concurrently in the
/// current task, and returns their outputs as a tuple, in the order
/// written.
///
/// Each expression is evaluated once, in order, and may be anything that
/// implements `IntoFuture`. The futures are polled in the task awaiting
/// `join!`, so they run concurrently but never in parallel (spawn tasks for
/// parallelism); they may borrow local variables. On each poll, every
/// unfinished future is polled, starting one further along than the
/// previous poll, so that a future always ready cannot starve the ones after
/// it; with `biased;` as the first token they are polled in the order
/// written. A future is dropped as soon as it completes.
///
/// `join!()` (no future) evaluates to `()`.
///
/// # Examples
///
/// ```
/// use rt::time::{sleep, Duration};
///
/// # rt::Runtime::new()?.block_on(async {
/// async fn double(x: u32) -> u32 {
///     sleep(Duration::from_millis(1)).await;
///     x * 2
/// }
///
/// let (a, b, c) = rt::join!(double(1), double(2), async { "three" });
/// assert_eq!((a, b, c), (2, 4, "three"));
///
/// // Polled in the order written on every poll.
/// let (x, y) = rt::join!(biased; double(10), double(20));
/// assert_eq!(x + y, 60);
/// # });
/// # std::io::Result::Ok(())
/// ```
#[macro_export]
macro_rules! join {
    (@emit $start:tt ($($all:tt)*) $( ( $($s:tt)* ) $e:expr_2021, )+) => {{
        const __N: usize = $crate::__rt_futures_count!($($all)*);
        // The expressions as written first, so that a temporary they borrow
        // lives as long as `let` makes it; then each in its `MaybeDone`.
        let __init = ( $( $e, )+ );
        let mut __futs = ( $(
            $crate::__private::MaybeDone::new($crate::__private::IntoFuture::into_future({
                let ( $($s,)* __f, .. ) = __init;
                __f
            })),
        )+ );
        // From here on the tuple is reached only through this reference,
        // moved into the poll closure: see the crate docs ("Pinning").
        let __futs = &mut __futs;
        $crate::join!(@counter $start __next_start);
        $crate::__private::poll_fn(move |__cx| {
            let __start = $crate::join!(@start $start __next_start __N);
            let mut __done = true;
            for __pass in 0..2 {
                $(
                    let __i = $crate::__rt_futures_count!($($s)*);
                    if (__pass == 0) == (__i >= __start) {
                        let ( $($s,)* __fut, .. ) = &mut *__futs;
                        // SAFETY: the tuple is a local of the macro's block,
                        // reached only through `__futs`, and nothing moves it
                        // or its fields; it lives in the awaiting future,
                        // which stays pinned until it drops the tuple in
                        // place (crate docs, "Pinning").
                        let __fut = unsafe { $crate::__private::Pin::new_unchecked(__fut) };
                        if __fut.poll_step(__cx).is_pending() {
                            __done = false;
                        }
                    }
                )+
            }
            if !__done {
                return $crate::__private::Poll::Pending;
            }
            $crate::__private::Poll::Ready(( $(
                {
                    let ( $($s,)* __fut, .. ) = &mut *__futs;
                    // SAFETY: as above.
                    let __fut = unsafe { $crate::__private::Pin::new_unchecked(__fut) };
                    __fut.take_output().expect("join!: polled after completion")
                },
            )+ ))
        })
        .await
    }};

    // The rotating start's state, moved into the poll closure (none when
    // biased, so that a biased join is no larger than it needs to be).
    (@counter [biased] $next:ident) => {};
    (@counter [rotate] $next:ident) => {
        let mut $next = 0usize;
    };

    // The index to start this poll at; moves the next one on.
    (@start [biased] $next:ident $n:ident) => {
        0usize
    };
    (@start [rotate] $next:ident $n:ident) => {{
        let __start = $next;
        // Wrapping without `%` (clippy's `modulo_one` for one future
        // would fire in the user's crate).
        $next = if __start + 1 >= $n { 0 } else { __start + 1 };
        __start
    }};

    (@munch $start:tt ($($n:tt)*) [$($done:tt)*] $e:expr_2021, $($rest:tt)*) => {
        $crate::join!(@munch $start ($($n)* _) [$($done)* ($($n)*) $e,] $($rest)*)
    };
    (@munch $start:tt $n:tt [$($done:tt)*]) => {
        $crate::join!(@emit $start $n $($done)*)
    };

    (biased; $($e:expr_2021),+ $(,)?) => {
        $crate::join!(@munch [biased] () [] $($e,)+)
    };
    ($($e:expr_2021),+ $(,)?) => {
        $crate::join!(@munch [rotate] () [] $($e,)+)
    };
    ($(biased;)?) => {
        async {}.await
    };
}

/// Waits for several fallible futures, running them concurrently in the
/// current task: `Ok` with the tuple of their `Ok` values once all have
/// succeeded, or the first `Err` as soon as one fails.
///
/// Every expression must be a future (or `IntoFuture`) whose output is a
/// `Result<_, E>`, with the same `E` for all. They are polled as
/// [`join!`](crate::join!) polls them (rotating start; `biased;` for the
/// written order). When one returns `Err`, `try_join!` returns that error
/// at once and the futures that have not finished are dropped, not polled
/// again.
///
/// # Examples
///
/// ```
/// use rt::time::{sleep, Duration};
///
/// # rt::Runtime::new()?.block_on(async {
/// async fn parse(text: &str) -> Result<u32, std::num::ParseIntError> {
///     text.parse()
/// }
///
/// let both = rt::try_join!(parse("1"), parse("2"));
/// assert_eq!(both, Ok((1, 2)));
///
/// // The failure ends the wait: the hour-long future is dropped.
/// let failed = rt::try_join!(
///     async {
///         sleep(Duration::from_secs(3600)).await;
///         Ok(0)
///     },
///     parse("two"),
/// );
/// assert!(failed.is_err());
/// # });
/// # std::io::Result::Ok(())
/// ```
#[macro_export]
macro_rules! try_join {
    (@emit $start:tt ($($all:tt)*) $( ( $($s:tt)* ) $e:expr_2021, )+) => {{
        const __N: usize = $crate::__rt_futures_count!($($all)*);
        // As `join!` does (see there and the module docs).
        let __init = ( $( $e, )+ );
        let mut __futs = ( $(
            $crate::__private::MaybeDone::new($crate::__private::IntoFuture::into_future({
                let ( $($s,)* __f, .. ) = __init;
                __f
            })),
        )+ );
        let __futs = &mut __futs;
        $crate::join!(@counter $start __next_start);
        $crate::__private::poll_fn(move |__cx| {
            let __start = $crate::join!(@start $start __next_start __N);
            let mut __done = true;
            for __pass in 0..2 {
                $(
                    let __i = $crate::__rt_futures_count!($($s)*);
                    if (__pass == 0) == (__i >= __start) {
                        let ( $($s,)* __fut, .. ) = &mut *__futs;
                        // SAFETY: the tuple is a local of the macro's block,
                        // reached only through `__futs`, and nothing moves it
                        // or its fields; it lives in the awaiting future,
                        // which stays pinned until it drops the tuple in
                        // place (crate docs, "Pinning").
                        let __fut = unsafe { $crate::__private::Pin::new_unchecked(__fut) };
                        match __fut.try_poll_step(__cx) {
                            $crate::__private::Poll::Ready($crate::__private::Ok(())) => {}
                            $crate::__private::Poll::Ready($crate::__private::Err(__error)) => {
                                return $crate::__private::Poll::Ready($crate::__private::Err(__error));
                            }
                            $crate::__private::Poll::Pending => __done = false,
                        }
                    }
                )+
            }
            if !__done {
                return $crate::__private::Poll::Pending;
            }
            $crate::__private::Poll::Ready($crate::__private::Ok(( $(
                {
                    let ( $($s,)* __fut, .. ) = &mut *__futs;
                    // SAFETY: as above.
                    let __fut = unsafe { $crate::__private::Pin::new_unchecked(__fut) };
                    match __fut.take_output() {
                        $crate::__private::Some($crate::__private::Ok(__value)) => __value,
                        _ => ::core::panic!("try_join!: polled after completion"),
                    }
                },
            )+ )))
        })
        .await
    }};

    (@munch $start:tt ($($n:tt)*) [$($done:tt)*] $e:expr_2021, $($rest:tt)*) => {
        $crate::try_join!(@munch $start ($($n)* _) [$($done)* ($($n)*) $e,] $($rest)*)
    };
    (@munch $start:tt $n:tt [$($done:tt)*]) => {
        $crate::try_join!(@emit $start $n $($done)*)
    };

    (biased; $($e:expr_2021),+ $(,)?) => {
        $crate::try_join!(@munch [biased] () [] $($e,)+)
    };
    ($($e:expr_2021),+ $(,)?) => {
        $crate::try_join!(@munch [rotate] () [] $($e,)+)
    };
    ($(biased;)?) => {
        async { $crate::__private::Ok(()) }.await
    };
}
